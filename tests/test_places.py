"""Places a reader can check: precision wording, inferred places, the report (issue 12)."""

from __future__ import annotations

import pandas as pd
import pytest

from fiches.curation import CurationError, parse_curation
from fiches.report import places_report
from fiches.schema import LOCALISATIONS, precision_label

CHATEAUROUX = "l-universite-du-citoyen-de-chateauroux"


@pytest.mark.parametrize(
    ("niveau", "localisation", "radius", "deduit_de", "expected"),
    [
        ("quartier", "point", 500, "", "localisé au quartier, position sourcée (± 500 m)"),
        ("adresse", "point", 50, "", "localisé à l'adresse, position sourcée (± 50 m)"),
        ("quartier", "zone", 8700, "", "position approximative (± 8\u202f700 m)"),
        ("adresse", "zone", 500, "", "position approximative (± 500 m)"),
        ("commune", "commune", None, "", "à la commune"),
        ("departement", "departement", None, "", "au département"),
        ("quartier", "", None, "", "non localisé"),
        (
            "quartier",
            "zone",
            4300,
            "page NPRU",
            "position approximative (± 4\u202f300 m) ; déduit de page NPRU, non nommé par la fiche",
        ),
    ],
)
def test_precision_wording(niveau, localisation, radius, deduit_de, expected):
    assert precision_label(niveau, localisation, radius, deduit_de) == expected


def test_every_place_is_drawn_one_known_way(corpus):
    places = corpus.places
    assert set(places["localisation"]) <= set(LOCALISATIONS)
    for p in places.itertuples():
        if p.localisation in ("commune", "departement"):
            assert pd.isna(p.incertitude_m), p
        else:
            assert p.incertitude_m > 0 and len(p.reference) > 20, p
        assert p.reference, p


def test_referenced_quartiers_are_points_and_unsourced_ones_areas(corpus):
    by_name = corpus.places.set_index("nom")
    assert by_name.loc["Quartier de Mireuil", "localisation"] == "point"
    assert by_name.loc["Villeneuve-les-Salines", "localisation"] == "point"
    assert "davidgarnier123/openlayers" in by_name.loc["Quartier de Mireuil", "reference"]
    for name in ("Place Lorjou", "Quartier Saint-Cyprien", "Écoquartier du Clos du Hameau"):
        assert by_name.loc[name, "localisation"] == "zone", name
        assert by_name.loc[name, "incertitude_m"] >= 1000, name


def test_inferred_chateauroux_quartiers_say_so(corpus):
    rows = corpus.places[corpus.places["fiche_id"] == CHATEAUROUX]
    inferred = rows[rows["deduit_de"] != ""]
    assert list(inferred["nom"]) == ["Saint-Jean – Saint-Jacques", "Beaulieu"]
    assert "Vaugirard – Saint-Christophe" not in set(rows["nom"])  # not confirmed: not kept
    for p in inferred.itertuples():
        assert "chateauroux-metropole.fr" in p.deduit_de
        assert p.precision.endswith("non nommé par la fiche")


def test_panel_line_of_an_inferred_place(corpus):
    from fiches.render import fiche_facts

    fiche = corpus.fiches.loc[CHATEAUROUX]
    places = corpus.places[corpus.places["fiche_id"] == CHATEAUROUX]
    lines = fiche_facts(fiche, places, {})["lieux"]
    assert lines[0] == "**Indre** — au département"
    assert lines[1] == "**Châteauroux** — à la commune"
    assert lines[2].startswith("**Saint-Jean – Saint-Jacques** — position approximative (±")
    assert "non nommé par la fiche" in lines[2]


def _curation(place: dict) -> dict:
    return {"fiches": {"f": {"lieux": [place]}}}


def test_curation_accepts_a_source_per_place():
    place = {"nom": "Beaulieu", "niveau": "quartier", "commune": "Châteauroux"}
    place |= {"departement": "36", "source": "  page NPRU (https://exemple.fr)  "}
    cur = parse_curation(_curation(place))
    assert cur.fiches["f"].places[0].source == "page NPRU (https://exemple.fr)"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"source": " "}, "source vide"),
        ({"source": 2014}, "texte attendu"),
        ({"sourse": "décret"}, "champ\\(s\\) inconnu\\(s\\) : sourse"),
    ],
)
def test_curation_refuses_a_bad_source(extra, message):
    place = {"nom": "Beaulieu", "niveau": "quartier", "commune": "Châteauroux"}
    with pytest.raises(CurationError, match=message):
        parse_curation(_curation({**place, "departement": "36", **extra}))


def test_report_prints_reference_and_uncertainty(corpus):
    report = places_report(corpus.fiches, corpus.places)
    assert "dessin : point · incertitude ± 500 m" in report
    assert "dessin : zone · incertitude ± 8\u202f700 m" in report
    assert "référence : Stations Yélo « 30 Ludothèque de Mireuil »" in report
    assert report.count("référence : ") == len(corpus.places)
