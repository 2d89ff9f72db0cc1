"""The map's data: constant dataset, per-rerun view, click resolution."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from fiches.clicks import parse_click
from fiches.filters import FilterState, apply_filters
from fiches.map_data import (
    COLORS,
    FIRST_VIEW_ZOOM,
    bitmap,
    build_dataset,
    build_view,
    commune_precision,
    name_zoom,
    place_labels,
    publish,
    resolve_click,
    spread,
)
from fiches.map_folium import base_map, fiche_layer


@pytest.fixture(scope="module")
def dataset(corpus):
    return build_dataset(corpus)


def test_bitmap_round_trip():
    encoded = bitmap([0, 3, 9], 12)
    bits = np.unpackbits(
        np.frombuffer(base64.b64decode(encoded), dtype=np.uint8), bitorder="little"
    )
    assert list(np.flatnonzero(bits[:12])) == [0, 3, 9]


def test_fiches_sharing_a_point_are_spread_around_it():
    lats, lons = spread([47.0, 47.0, 47.0, 46.0], [1.0, 1.0, 1.0, 0.5], [0, 1, 1, 2])
    assert (lats[3], lons[3]) == (46.0, 0.5)  # alone: unchanged
    assert (lats[1], lons[1]) == (lats[2], lons[2])  # same fiche: same spot
    assert (lats[0], lons[0]) != (lats[1], lons[1])
    for lat, lon in zip(lats[:3], lons[:3], strict=True):
        assert abs(lat - 47.0) < 0.01 and abs(lon - 1.0) < 0.01


def test_dataset_holds_every_point_and_escaped_titles(corpus, dataset):
    data = json.loads(dataset.text)
    placed = corpus.places[corpus.places["lat"].notna()]
    at_commune = commune_precision(placed, corpus.contours_of("commune"))
    assert len(data["points"]) == int((~at_commune).sum())
    assert sum(len(set(c[2])) for c in data["communes"].values()) >= 1
    assert len(data["fiches"]) == len(corpus.fiches)
    assert set(data["deps"]) >= {"03", "18", "36", "37", "45", "86"}
    assert data["colors"] == list(COLORS)
    assert dataset.url.startswith("/app/static/data/carte-") and dataset.url.endswith(".json")


def test_publish_writes_once_by_content(dataset, tmp_path):
    path = publish(dataset, tmp_path)
    assert path.read_text(encoding="utf-8") == dataset.text
    mtime = path.stat().st_mtime_ns
    publish(dataset, tmp_path)
    assert path.stat().st_mtime_ns == mtime


def test_view_of_france_loire(corpus, dataset):
    ids = apply_filters(corpus, FilterState(bailleurs=("France Loire",))).index
    view = build_view(
        dataset, corpus, ids, color_by="bailleur", selected="habitat-participatif-france-loire"
    )
    payload = view.payload
    assert [a[0] for a in payload["areas"]] == ["03", "18"]
    assert payload["legend"] == [
        ["France Loire", COLORS[dataset.colors["bailleur"]["France Loire"]]]
    ]
    assert payload["selected"] == dataset.position["habitat-participatif-france-loire"]
    assert len(json.dumps(payload)) < 2_000


def test_clicks_resolve_to_fiches_by_reference_not_title(corpus, dataset):
    view = build_view(dataset, corpus, corpus.fiches.index)
    position = dataset.position["habitat-participatif-france-loire"]
    assert resolve_click(str(position), dataset, view) == ["habitat-participatif-france-loire"]
    indre_et_loire = next(a for a in view.payload["areas"] if a[0] == "37")
    assert indre_et_loire[1].startswith("Indre-et-Loire (2 actions au département)")
    assert indre_et_loire[4] == 2
    assert resolve_click("d37", dataset, view) == [
        "forum-des-locataires-val-touraine-habitat",
        "les-locataires-referents-val-touraine-habitat",
    ]
    for unknown in ("", None, "d99", str(len(dataset.ids)), "Habitat participatif", "-1"):
        assert resolve_click(unknown, dataset, view) == []


def test_places_known_only_to_their_commune_are_outlines_not_pins(corpus, dataset):
    places = corpus.places.reset_index(drop=True)
    placed = places[places["lat"].notna()]
    at_commune = dict(
        zip(placed["nom"], commune_precision(placed, corpus.contours_of("commune")), strict=True)
    )
    # the commune itself, and circles centred on the town hall that cover the commune
    for name in ("Poitiers", "Châteauroux", "Place Coty", "Quartier Saint-Cyprien", "Royan"):
        assert at_commune[name], name
    # a quartier with its own reference keeps its pin (and its circle)
    for name in ("Quartier de la Rabière", "Quartier de Mireuil", "Villeneuve-les-Salines"):
        assert not at_commune[name], name
    view = build_view(dataset, corpus, corpus.fiches.index)
    blois = next(h for h in view.payload["communes"] if h[0] == "41018")
    assert blois[1].startswith("Blois (2 actions dans la commune)") and blois[4] == 2
    assert resolve_click("c41018", dataset, view) == [
        "la-mise-en-place-du-conseil-citoyen-a-blois",
        "mieux-vivre-ensemble-conseil-de-quartiers-nord-blois",
    ]
    # one action with three places in Châteauroux: one handle for one action
    chateauroux = next(h for h in view.payload["communes"] if h[0] == "36044")
    assert chateauroux[4] == 1
    hidden = build_view(dataset, corpus, ["habitat-participatif-france-loire"])
    assert [h[0] for h in hidden.payload["communes"]] == ["45284"]
    assert resolve_click("c41018", dataset, hidden) == []


def test_place_names_come_in_two_tiers_by_population(corpus):
    first, more = place_labels(corpus)
    by_name = {row[0]: row for row in first + more}
    assert {"Centre", "Poitou-Charentes", "Indre", "Vienne"} <= set(by_name)
    # the largest towns and every préfecture at the first view; villages on demand
    assert by_name["Tours"][3] == "prefecture" and by_name["Tours"] in first
    assert by_name["Joué-lès-Tours"] in first and by_name["Joué-lès-Tours"][5] == 7
    assert by_name["Moulins"][3] == "prefecture"  # Allier, drawn because a fiche cites it
    assert all(row[5] <= FIRST_VIEW_ZOOM for row in first)
    assert all(row[5] > FIRST_VIEW_ZOOM for row in more)
    assert len(more) > 2500  # every commune of the two regions, from the extracts
    assert by_name["Saint-Jean-de-Braye"] in first  # cited by a fiche: named early
    assert name_zoom(136_000) == 7 and name_zoom(12_000) == 8 and name_zoom(150) == 12
    assert all("<" not in row[0] for row in more)


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("Habitat participatif (France Loire)#8.lq2k3j", "8"),
        ("Indre (1 action au département) : …#d36.abc", "d36"),
        ("Blois (2 actions dans la commune) : …#c41018.abc", "c41018"),
        ("Corse#c2A004.abc", "c2A004"),
        ("titre#8", None),  # no nonce: not from our map
        ("titre sans référence", None),
        ("", None),
    ],
)
def test_map_click_reference_is_read_from_the_reported_text(reported, expected):
    click = parse_click(reported)
    assert (click.ref if click else None) == expected


def test_base_map_is_constant_and_offline(corpus, dataset):
    first, second = base_map(), base_map()
    html = first.get_root().render()
    assert "cdn" not in html.lower() and "https://" not in html.split("<body>")[0]
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    # what st_folium hashes to decide whether to rebuild the map iframe: identical each run
    from streamlit_folium import _get_map_string

    second.get_root().render()
    assert _get_map_string(first) == _get_map_string(second)


def test_fiche_layer_script_carries_the_view_not_the_text(corpus, dataset):
    m = base_map()
    fiche_layer(build_view(dataset, corpus, corpus.fiches.index).payload).add_to(m)
    html = m.get_root().render()
    assert dataset.url in html and "FicheMap.draw(" in html
    assert "Le quartier de la Rabi" not in html  # point titles travel in the dataset file
    assert "/app/static/js/fiches-map.js?v=" in html  # the code is a file, versioned


def test_view_of_a_fiche_frames_its_places(corpus):
    from fiches.map_data import view_of_fiche

    (lat, lon), zoom = view_of_fiche(
        corpus, "le-quartier-de-la-rabiere-avant-apres-2001-2014-joue-les-tours"
    )
    assert (lat, lon, zoom) == (pytest.approx(47.34444), pytest.approx(0.6625), 13)
    (lat, lon), zoom = view_of_fiche(corpus, "des-locataires-auditeurs-france-loire")
    assert 46.0 < lat < 47.6 and 2.0 < lon < 3.9 and zoom <= 8  # Cher and Allier together


def test_places_geojson(corpus):
    from fiches.export import places_geojson

    data = json.loads(
        places_geojson(
            corpus, ["des-locataires-auditeurs-france-loire", "habitat-participatif-france-loire"]
        )
    )
    kinds = [(f["properties"]["lieu"], f["geometry"]["type"]) for f in data["features"]]
    assert kinds == [
        ("Cher", "Polygon"),
        ("Allier", "Polygon"),
        ("Écoquartier du Clos du Hameau", "Point"),
    ]
    point = data["features"][2]
    assert point["geometry"]["coordinates"] == [1.97224, 47.91188]
    assert point["properties"]["bailleurs"] == ["France Loire"]


def test_view_carries_the_data_when_the_file_cannot_be_published(corpus):
    from fiches.map_data import build_dataset

    dataset = build_dataset(corpus)
    dataset.inline = True
    payload = build_view(dataset, corpus, corpus.fiches.index[:2]).payload
    assert payload["data"] == json.loads(dataset.text)
