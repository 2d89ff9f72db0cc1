"""The choice a click on an area offers names the place: « Plusieurs actions dans le
Loiret », « … à Blois » (``map_data.choice_heading``)."""

from __future__ import annotations

import pytest

from fiches import paths
from fiches.map_data import (
    _geo_rows,
    build_dataset,
    choice_heading,
    in_commune,
    in_departement,
)


@pytest.mark.parametrize(
    ("name", "type_nom", "phrase"),
    [
        ("Loiret", "2", "dans le Loiret"),
        ("Cher", "2", "dans le Cher"),
        ("Vienne", "3", "dans la Vienne"),
        ("Charente-Maritime", "3", "dans la Charente-Maritime"),
        ("Deux-Sèvres", "4", "dans les Deux-Sèvres"),
        ("Indre", "5", "dans l'Indre"),
        ("Allier", "5", "dans l'Allier"),
        ("Indre-et-Loire", "1", "en Indre-et-Loire"),
        ("Maine-et-Loire", "0", "en Maine-et-Loire"),
        ("Paris", "0", "à Paris"),
        ("Loiret", "", "dans ce département (Loiret)"),  # an older geo/ without type_nom
    ],
)
def test_a_departement_reads_with_its_article(name, type_nom, phrase):
    assert in_departement(name, type_nom) == phrase


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Blois", "à Blois"),
        ("La Rochelle", "à La Rochelle"),
        ("Le Mans", "au Mans"),
        ("Les Sables-d'Olonne", "aux Sables-d'Olonne"),
        ("L'Île-d'Yeu", "à L'Île-d'Yeu"),
        ("Joué-lès-Tours", "à Joué-lès-Tours"),
        ("Lesparre-Médoc", "à Lesparre-Médoc"),  # « Les » only as a word
    ],
)
def test_a_commune_reads_after_a(name, phrase):
    assert in_commune(name) == phrase


def test_every_area_the_map_draws_is_named(corpus):
    dataset = build_dataset(corpus)
    types = {r["code"]: r["type_nom"] for r in _geo_rows(paths.GEO / "departements.csv")}
    for code in dataset.dep_codes:
        assert types[code], code  # geo/departements.csv carries INSEE's TNCC
        assert dataset.where[f"d{code}"].startswith(("dans ", "en ", "à ")), code
    for code in dataset.commune_fiches:
        assert dataset.where[f"c{code}"].startswith(("à ", "au ", "aux ")), code
    assert choice_heading(dataset, "d45") == "Plusieurs actions dans le Loiret"
    assert choice_heading(dataset, "d37") == "Plusieurs actions en Indre-et-Loire"
    assert choice_heading(dataset, "c41018") == "Plusieurs actions à Blois"
    # a reference the dataset does not know (an older click) still reads
    assert choice_heading(dataset, "d99") == "Plusieurs actions à cet endroit"
    assert choice_heading(dataset, None) == "Plusieurs actions à cet endroit"
