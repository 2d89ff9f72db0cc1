"""The built tables: up to date, deterministic, documented, curated."""

from __future__ import annotations

import csv
import io

import pytest

from fiches import paths
from fiches.build import build
from fiches.curation import CurationError, load_curation, parse_curation
from fiches.docs import README, dictionary_markdown
from fiches.schema import FICHE_COLUMNS, PLACE_COLUMNS


@pytest.fixture(scope="module")
def result():
    return build()


def test_committed_tables_are_what_the_build_produces(result):
    assert paths.FICHES_CSV.read_text(encoding="utf-8") == result.fiches_csv()
    assert paths.PLACES_CSV.read_text(encoding="utf-8") == result.places_csv()
    assert result.warnings == []


def test_build_is_deterministic(result):
    again = build()
    assert (again.fiches_csv(), again.places_csv()) == (result.fiches_csv(), result.places_csv())


def test_columns_match_the_schema():
    header = next(csv.reader(io.StringIO(paths.FICHES_CSV.read_text(encoding="utf-8"))))
    assert header == list(FICHE_COLUMNS)
    header = next(csv.reader(io.StringIO(paths.PLACES_CSV.read_text(encoding="utf-8"))))
    assert header == list(PLACE_COLUMNS)


def test_every_column_is_documented():
    """Meta test: data/README.md holds the dictionary generated from the schema."""
    text = README.read_text(encoding="utf-8")
    assert dictionary_markdown() in text, "run `python -m fiches docs`"
    for column in [*FICHE_COLUMNS, *PLACE_COLUMNS]:
        assert f"| `{column}` |" in text


def test_ids_are_stable_slugs_and_titles_unique(result):
    ids = [r["id"] for r in result.fiches]
    assert len(set(ids)) == len(ids) == 13
    assert ids[6] == "les-comites-locaux-de-concertation-vallogis"
    assert len({r["titre"] for r in result.fiches}) == 13


def test_every_fiche_is_curated():
    curation = load_curation()
    assert 8 <= len(curation.themes) <= 12
    assert all(t.definition for t in curation.themes.values())
    for fid, fiche in curation.fiches.items():
        assert 2 <= len(fiche.themes) <= 4, fid
        assert fiche.porteurs and fiche.places, fid


def test_links_are_extracted(result):
    mireuil = next(r for r in result.fiches if "Mireuil" in r["titre"])
    assert mireuil["liens"].split(" | ") == [
        "https://fr-fr.facebook.com/ultimatum.collectif",
        "http://www.tmvlarochelle.fr/dossiers/mireuil-a-bas-les-prejuges",
        "http://www.atlantic-amenagement.com",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"themes": ["inconnu", "vivre-ensemble"]}, "thème inconnu « inconnu »"),
        ({"themes": ["vivre-ensemble"]}, "2 à 4 thèmes"),
        ({"bailleurs": ["Bailleur X"]}, "bailleur inconnu « Bailleur X »"),
        ({"annee_debut": "2004"}, "annee_debut invalide"),
        (
            {"lieux": [{"nom": "X", "niveau": "region", "departement": "37"}]},
            "niveau « region » inconnu",
        ),
        ({"lieux": [{"nom": "X", "niveau": "quartier", "departement": "37"}]}, "commune manquante"),
    ],
)
def test_curation_errors_name_the_fiche_and_field(change, message):
    import tomllib

    data = tomllib.loads(paths.CURATION.read_text(encoding="utf-8"))
    data["fiches"]["habitat-participatif-france-loire"].update(change)
    with pytest.raises(CurationError, match=f"habitat-participatif-france-loire.*{message}"):
        parse_curation(data)
