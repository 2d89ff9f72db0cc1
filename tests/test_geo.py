"""Geography: reference data, curated quartiers, offline geocoding, and the online path
against a local server that answers like the Géoplateforme and Nominatim."""

from __future__ import annotations

import csv
import json
import socket
import threading
import time
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from shapely.geometry import Point, shape

from fiches import paths
from fiches.gazetteer import Gazetteer, place_key
from fiches.geocode import ChainGeocoder, GeocodeCache, OnlineGeocoder, QuartierGeocoder


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer()


@pytest.fixture(scope="module")
def contours():
    with open(paths.CONTOURS_GEOJSON, encoding="utf-8") as fh:
        return json.load(fh)


def test_gazetteer_covers_france(gazetteer):
    assert len(gazetteer.communes) > 34_000
    assert gazetteer.communes["37122"].nom == "Joué-lès-Tours"
    assert gazetteer.communes["2A004"].departement == "2A"  # codes are text
    assert gazetteer.departements["03"]["region_2015"] == "Auvergne"
    assert gazetteer.departements["03"]["region"] == "Auvergne-Rhône-Alpes"
    assert gazetteer.departements["86"]["region_2015"] == "Poitou-Charentes"


@pytest.mark.parametrize(
    ("query", "departement", "code"),
    [
        ("Joue les Tours", "", "37122"),
        ("JOUÉ-LÈS-TOURS", "", "37122"),
        ("St-Jean-de-Braye", "", "45284"),
        ("Saint Jean de Braye", "45", "45284"),
        ("Rochelle (La)", "", "17300"),
        ("La Rochelle", "17", "17300"),
        ("la rochelle", "70", "70450"),
        ("Chalette sur Loing", "", "45068"),
        ("Châteauroux", "36", "36044"),
    ],
)
def test_gazetteer_normalises_names(gazetteer, query, departement, code):
    found = gazetteer.geocode(query, departement=departement)
    assert found is not None and found.code_commune == code and found.level == "commune"


def test_gazetteer_unknown_place_is_unresolved(gazetteer):
    assert gazetteer.geocode("Ville imaginaire du Loiret") is None
    assert gazetteer.geocode("Joué-lès-Tours", departement="45") is None


def test_place_key():
    assert place_key("Rochelle (La)") == place_key("La Rochelle") == "la rochelle"
    assert place_key("St-Jean-de-Braye") == "saint jean de braye"


def test_contours_cover_study_regions_and_are_small(contours):
    kinds = {(f["properties"]["kind"], f["properties"]["code"]) for f in contours["features"]}
    for code in ("18", "28", "36", "37", "41", "45", "16", "17", "79", "86", "03"):
        assert ("departement", code) in kinds
    assert ("region_2015", "Centre") in kinds and ("region_2015", "Poitou-Charentes") in kinds
    assert paths.CONTOURS_GEOJSON.stat().st_size < 400_000


def quartier_rows() -> list[dict[str, str]]:
    with open(paths.QUARTIERS_CSV, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check_quartier_row(row: dict[str, str], communes: dict) -> list[str]:
    """What is wrong with a row of geo/quartiers.csv: reference, uncertainty, commune."""
    problems = []
    if len(row["reference"].strip()) < 20 or not row["derivation"].strip():
        problems.append("sans référence ni dérivation")
    if not row["incertitude_m"].isdigit() or int(row["incertitude_m"]) <= 0:
        problems.append("sans incertitude")
    if row["localisation"] not in ("point", "zone"):
        problems.append("localisation ni point ni zone")
    commune = communes.get(row["code_commune"])
    if commune is None or not commune.contains(Point(float(row["lon"]), float(row["lat"]))):
        problems.append("hors de sa commune")
    return problems


@pytest.fixture(scope="module")
def commune_shapes(contours):
    return {
        f["properties"]["code"]: shape(f["geometry"])
        for f in contours["features"]
        if f["properties"]["kind"] == "commune"
    }


def test_every_quartier_is_referenced_with_uncertainty_inside_its_commune(commune_shapes):
    rows = quartier_rows()
    assert len(rows) >= 11
    for row in rows:
        assert check_quartier_row(row, commune_shapes) == [], row["nom"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"reference": ""}, "sans référence ni dérivation"),
        ({"derivation": " "}, "sans référence ni dérivation"),
        ({"incertitude_m": ""}, "sans incertitude"),
        ({"incertitude_m": "0"}, "sans incertitude"),
        ({"localisation": "commune"}, "localisation ni point ni zone"),
        ({"lat": "46.5802", "lon": "0.3408"}, "hors de sa commune"),  # Poitiers, not La Rochelle
        ({"code_commune": "99999"}, "hors de sa commune"),
    ],
)
def test_quartier_check_fails_on_a_bad_row(commune_shapes, change, problem):
    mireuil = next(r for r in quartier_rows() if r["nom"] == "Quartier de Mireuil")
    assert problem in check_quartier_row({**mireuil, **change}, commune_shapes)


def test_referenced_quartiers_sit_where_their_references_put_them():
    """Positions read from public references (issue 12), within a few metres."""
    rows = {r["nom"]: r for r in quartier_rows()}
    expected = {
        "Quartier de Mireuil": (46.16788, -1.17802),  # between the two Yélo stations
        "Villeneuve-les-Salines": (46.15197, -1.12393),
        "Quartier de la Rabière": (47.34444, 0.66250),  # 47° 20' 40" N, 0° 39' 45" E
    }
    for name, (lat, lon) in expected.items():
        assert float(rows[name]["lat"]) == pytest.approx(lat, abs=1e-5), name
        assert float(rows[name]["lon"]) == pytest.approx(lon, abs=1e-5), name


def test_every_place_is_named_by_its_fiche_or_sourced(corpus):
    """A quartier or address the fiche does not name is kept only with a ``source``."""
    geocoder = QuartierGeocoder(Gazetteer())
    aliases: dict[str, list[str]] = {}
    for row in geocoder.rows:
        names = [row["nom"], *[a for a in row["alias"].split("|") if a]]
        for name in names:
            aliases[place_key(name)] = names
    for p in corpus.places.itertuples():
        if p.niveau not in ("quartier", "adresse") or p.deduit_de:
            continue
        fiche = corpus.fiches.loc[p.fiche_id]
        text = place_key(
            " ".join(str(fiche[c]) for c in corpus.fiches.columns if c.startswith("section_"))
            + " "
            + fiche["intitule"]
        )
        names = aliases.get(place_key(p.nom), [p.nom])
        assert any(place_key(n) in text for n in names), (p.fiche_id, p.nom)


def test_quartiers_before_gazetteer(gazetteer):
    chain = ChainGeocoder([QuartierGeocoder(gazetteer), gazetteer])
    found = chain.geocode("La Rabière", commune="Joué-lès-Tours", departement="37")
    assert (
        found.level == "quartier" and found.source == "quartiers" and found.code_commune == "37122"
    )
    assert chain.geocode("Mireuil", commune="Poitiers") is None  # Mireuil is in La Rochelle


def test_every_fiche_is_placed(corpus):
    placed = set(corpus.places["fiche_id"])
    assert placed == set(corpus.fiches.index)
    for p in corpus.places.itertuples():
        assert p.niveau == "departement" or p.lat == p.lat, p  # point, or contour
        if p.niveau == "departement":
            assert any(
                f["properties"]["code"] == p.code_departement for f in corpus.contours["features"]
            )
    auditeurs = corpus.places[corpus.places["fiche_id"] == "des-locataires-auditeurs-france-loire"]
    assert list(auditeurs["niveau"]) == ["departement", "departement"]
    assert list(auditeurs["region_2015"]) == ["Centre", "Auvergne"]


# --- the online path, against a local server ------------------------------------------


class FakeServices(BaseHTTPRequestHandler):
    hits: typing.ClassVar[list[str]] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query).get("q", [""])[0]
        FakeServices.hits.append(f"{url.path}?{q}")
        service = "geopf" if url.path.startswith("/geocodage") else "nominatim"
        if "lent" in q:
            time.sleep(1.5)
        if f"{service}-429" in q:
            return self._send(429, b"{}")
        if f"{service}-500" in q:
            return self._send(500, b"oops")
        if f"{service}-casse" in q:
            return self._send(200, b'{"features": [')
        if "introuvable" in q:
            body = {"type": "FeatureCollection", "features": []} if service == "geopf" else []
            return self._send(200, json.dumps(body).encode())
        if service == "geopf":
            body = {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [0.6555, 47.3441]},
                        "properties": {
                            "label": q,
                            "citycode": "37122",
                            "city": "Joué-lès-Tours",
                            "type": "street",
                        },
                    }
                ],
            }
        else:
            body = [{"lat": "46.1720", "lon": "-1.1500", "display_name": q, "address": {}}]
        self._send(200, json.dumps(body).encode())

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def services():
    FakeServices.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeServices)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def online(services, tmp_path, **kwargs):
    return OnlineGeocoder(
        GeocodeCache(tmp_path / "cache.json"),
        online=True,
        geopf_domain=f"{services}/geocodage",
        nominatim_domain=f"{services}/nominatim",
        scheme="http",
        timeout=kwargs.pop("timeout", 5),
        min_delay_seconds=0.01,
        **kwargs,
    )


def test_geopf_answer_is_used_and_cached(services, tmp_path):
    geo = online(services, tmp_path)
    found = geo.geocode("Rue de la Rabière", commune="Joué-lès-Tours", departement="37")
    assert found.source == "geopf" and found.level == "adresse"
    assert found.lat == pytest.approx(47.3441, abs=1e-4) and found.lon == pytest.approx(
        0.6555, abs=1e-4
    )
    assert FakeServices.hits == ["/geocodage/search?Rue de la Rabière, Joué-lès-Tours"]
    # a new geocoder on the same cache file answers without the network
    again = online(services, tmp_path).geocode(
        "Rue de la Rabière", commune="Joué-lès-Tours", departement="37"
    )
    assert again == found and len(FakeServices.hits) == 1
    cached = json.loads((tmp_path / "cache.json").read_text())
    assert list(cached) == ["geopf|Rue de la Rabière, Joué-lès-Tours|37"]


@pytest.mark.parametrize("failure", ["geopf-500", "geopf-429", "geopf-casse"])
def test_geopf_failure_falls_back_to_nominatim(services, tmp_path, failure):
    geo = online(services, tmp_path)
    found = geo.geocode(f"Mireuil {failure}", commune="La Rochelle")
    assert found.source == "nominatim"
    assert len(geo.errors) == 1 and "geopf" in geo.errors[0]
    assert [h.split("?")[0] for h in FakeServices.hits] == [
        "/geocodage/search",
        "/nominatim/search",
    ]


def test_timeout_leaves_place_unresolved_without_retry_storm(services, tmp_path):
    geo = online(services, tmp_path, timeout=0.5)
    assert geo.geocode("lent") is None
    assert len(FakeServices.hits) == 2  # one request per service, no retry
    assert len(geo.errors) == 2 and all("TimedOut" in e for e in geo.errors)
    assert not (tmp_path / "cache.json").exists()  # failures are not cached: retried next run


def test_not_found_is_cached_as_such(services, tmp_path):
    geo = online(services, tmp_path)
    assert geo.geocode("introuvable") is None
    assert len(FakeServices.hits) == 2
    assert online(services, tmp_path).geocode("introuvable") is None
    assert len(FakeServices.hits) == 2
    assert json.loads((tmp_path / "cache.json").read_text()) == {
        "geopf|introuvable|": None,
        "nominatim|introuvable|": None,
    }


def test_rate_limited_nominatim_is_an_error_not_a_crash(services, tmp_path):
    geo = online(services, tmp_path)
    assert geo.geocode("x geopf-500 nominatim-429") is None
    assert len(geo.errors) == 2
    assert len(FakeServices.hits) == 2


def test_offline_makes_no_network_call(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network call attempted offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    cache = GeocodeCache(tmp_path / "cache.json")
    cache.data["geopf|Rue connue|"] = {
        "name": "Rue connue", "level": "adresse", "lat": 47.0, "lon": 1.0, "source": "geopf",
        "code_commune": "", "commune": "", "code_departement": "",
    }  # fmt: skip
    geo = OnlineGeocoder(cache, online=False)
    assert geo.geocode("Rue connue").lat == 47.0
    assert geo.geocode("Rue inconnue") is None


def test_the_chain_locates_a_commune_or_a_departement_at_its_level_only():
    """A place the fiche gives as a commune is never placed finer by an earlier geocoder
    of the chain (here a quartier of the same name), nor a département as a commune."""
    from fiches.gazetteer import Gazetteer, Location
    from fiches.geocode import ChainGeocoder

    class SameNameQuartier:
        def geocode(self, query, *, commune="", departement=""):
            return Location(query, "quartier", 47.0, 1.0, "quartiers")

    gazetteer = Gazetteer()
    chain = ChainGeocoder([SameNameQuartier(), gazetteer])
    assert chain.geocode("Blois", departement="41").level == "quartier"
    commune = chain.geocode("Blois", departement="41", level="commune")
    assert (commune.level, commune.code_commune, commune.source) == (
        "commune",
        "41018",
        "gazetteer",
    )
    dep = chain.geocode("36", departement="36", level="departement")
    assert (dep.level, dep.name, dep.lat) == ("departement", "Indre", None)
    assert chain.geocode("Blois", level="departement") is None
