"""One text fold: ``fold`` and its variants (same-length, search keys) agree."""

from __future__ import annotations

import re

import pytest

from fiches.text import clean_spaces, fold, search_key, search_keys

FRENCH = [
    "Joué-lès-Tours",
    "JOUE LES TOURS",
    "L’Haÿ-les-Roses",
    "Saint-Étienne-du-Rouvray",
    "Œuvre d’art, cœur de quartier",
    "Lætitia et Ægidius",
    "Straße",
    "YVELINES et Ÿ",
    "Coût : 12 000 € (TTC)",
    "« Où ? » — Quartier des Izards/Trois Cocus",
    "Tour(s)Plus",
    "Intérêt / Enseignement",
    "Rés. « La Pléiade », bât. B, n° 3",
    "ÉLÈVES DE 4E ET 3E",
    "Maître d’ouvrage : l`OPH",
    "e\u0301te\u0301 de\u0301compose\u0301",  # accents as combining marks
    "Porteur(s) de projet\u00a0:\u202fOPAC",
    "100 % des logements",
]


def _search_form(folded: str) -> str:
    """What ``search_keys`` documents it does on top of ``fold``: hyphens, apostrophes and
    slashes separate words, other punctuation is dropped, spaces collapse."""
    return " ".join(re.sub(r"[^\w\s]", "", re.sub(r"[-'/]", " ", folded)).split())


@pytest.mark.parametrize("text", FRENCH)
def test_search_key_is_the_shared_fold(text):
    assert search_key(text) == _search_form(fold(text))


def test_search_keys_of_many_texts_are_the_keys_of_each():
    assert [" ".join(k.split()) for k in search_keys(FRENCH)] == list(map(search_key, FRENCH))


@pytest.mark.parametrize("text", FRENCH)
def test_same_length_fold_is_the_fold_position_by_position(text):
    folded = fold(text, keep_length=True)
    assert len(folded) == len(text)
    # what differs is documented: spaces not collapsed, ligatures and lone accents kept
    kept = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "\u0301": None})
    assert clean_spaces(folded.translate(kept)) == fold(text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Où ? > Lieu", "ou ? > lieu"),
        ("Intérêt\u00a0/\tEnseignement", "interet / enseignement"),
        ("L’Œuvre", "l'œuvre"),  # a ligature is not expanded: positions are kept
    ],
)
def test_same_length_fold(text, folded):
    assert fold(text, keep_length=True) == folded
