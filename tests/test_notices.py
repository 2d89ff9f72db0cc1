"""Rows skipped at load are said, in French, with file, row, column and what happens."""

from __future__ import annotations

import pytest

from fiches.corpus import load_corpus
from fiches.notices import fr_int
from fiches.render import fiche_facts, fiche_html
from tests import damaged
from tests.helpers import copy_data


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path / "data")


def test_committed_data_has_no_notice(corpus):
    assert corpus.notices == []
    assert corpus.total_in_file == len(corpus.fiches) == 13
    assert corpus.unread_places(damaged.BLOIS) == []


def test_unclosed_quote_names_row_and_column_and_the_total_counts_the_file(data):
    damaged.edit(data, "fiches.csv", damaged.unclosed_quote_in_ordre)
    corpus = load_corpus(data)
    assert corpus.notices == [
        "1 fiche illisible dans data/fiches.csv, ligne 8, colonne ordre : guillemet non fermé"
        " — elle n'est pas affichée."
    ]
    assert (len(corpus.fiches), corpus.total_in_file) == (12, 13)
    assert damaged.VALLOGIS not in corpus.fiches.index
    # its places leave with it, without a notice of their own
    assert damaged.VALLOGIS not in set(corpus.places["fiche_id"])
    assert len(corpus.places) == 21


def test_a_quote_that_runs_into_the_next_row_loses_only_its_own_row(data):
    damaged.edit(data, "fiches.csv", damaged.unclosed_quote_before_next_row)
    corpus = load_corpus(data)
    assert corpus.notices == [
        "1 fiche illisible dans data/fiches.csv, ligne 8, colonne section_docs :"
        " guillemet non fermé — elle n'est pas affichée."
    ]
    assert "des-locataires-auditeurs-france-loire" in corpus.fiches.index
    assert corpus.fiches.loc["des-locataires-auditeurs-france-loire", "ordre"] == 8
    assert (len(corpus.fiches), corpus.total_in_file) == (12, 13)


def test_a_quote_in_the_last_row(data):
    damaged.edit(data, "fiches.csv", damaged.unclosed_quote_in_last_row)
    corpus = load_corpus(data)
    assert corpus.notices == [
        "1 fiche illisible dans data/fiches.csv, ligne 14, colonne id : guillemet non fermé"
        " — elle n'est pas affichée."
    ]
    assert (len(corpus.fiches), corpus.total_in_file) == (12, 13)


def test_place_that_cannot_be_read_is_said_on_every_page_and_in_its_fiche(data):
    damaged.edit(data, "places.csv", damaged.blois_lat_abc)
    corpus = load_corpus(data)
    assert corpus.notices == [
        "1 lieu illisible dans data/places.csv, ligne 9, colonne lat : coordonnée non"
        " numérique « abc » — le lieu « Quartier prioritaire de Blois » (fiche « La mise en"
        " place du conseil citoyen à Blois ») n'est pas sur la carte."
    ]
    assert corpus.total_in_file == len(corpus.fiches) == 13
    unread = corpus.unread_places(damaged.BLOIS)
    assert unread == [
        "Le lieu « Quartier prioritaire de Blois » n'a pas pu être lu (data/places.csv,"
        " ligne 9, colonne lat : coordonnée non numérique) : il n'est pas sur la carte."
    ]
    fiche = corpus.fiches.loc[damaged.BLOIS]
    places = corpus.places[corpus.places["fiche_id"] == damaged.BLOIS]
    facts = fiche_facts(fiche, places, {}, unread=unread)
    assert facts["lieux"][-1] == f"*{unread[0]}*"
    assert len(facts["lieux"]) == len(places) + 1 == 1
    assert "pas pu être lu (data/places.csv" in fiche_html(fiche, places, {}, unread=unread)


def test_many_bad_rows_make_one_notice_listing_five_rows(data):
    changes = {(row, "annee_debut"): "vers 2010" for row in range(2, 10)}
    damaged.edit(data, "fiches.csv", lambda t: damaged.edit_cells(t, changes))
    corpus = load_corpus(data)
    assert corpus.notices == [
        "8 fiches illisibles dans data/fiches.csv, colonne annee_debut : valeur invalide"
        " (lignes 2, 3, 4, 5, 6 et 3 autres) — elles ne sont pas affichées."
    ]
    assert (len(corpus.fiches), corpus.total_in_file) == (5, 13)


def test_fiche_and_place_problems_each_get_their_notice_fiches_first(data):
    damaged.edit(data, "places.csv", damaged.blois_lat_abc)
    damaged.edit(
        data,
        "places.csv",
        lambda t: damaged.edit_cells(t, {(3, "lat"): "", (3, "lon"): "", (4, "lon"): "x"}),
    )
    damaged.edit(data, "fiches.csv", lambda t: damaged.edit_cells(t, {(3, "annee_debut"): "?"}))
    assert load_corpus(data).notices == [
        "1 fiche illisible dans data/fiches.csv, ligne 3, colonne annee_debut : valeur"
        " invalide « ? » — elle n'est pas affichée.",
        "1 lieu illisible dans data/places.csv, ligne 4, colonne lon : coordonnée non"
        " numérique « x » — le lieu « Saint-Jean – Saint-Jacques » (fiche « L'Université du Citoyen de"
        " Châteauroux ») n'est pas sur la carte.",
        "1 lieu illisible dans data/places.csv, ligne 9, colonne lat : coordonnée non"
        " numérique « abc » — le lieu « Quartier prioritaire de Blois » (fiche « La mise en"
        " place du conseil citoyen à Blois ») n'est pas sur la carte.",
        "1 lieu sans coordonnées dans data/places.csv, ligne 3, colonne lat : le lieu"
        " « Châteauroux » (fiche « L'Université du Citoyen de Châteauroux ») n'est pas sur"
        " la carte.",
    ]


def test_blank_line_keeps_spreadsheet_row_numbers(data):
    def blank_then_bad(text: str) -> str:
        text = damaged.edit_cells(text, {(9, "annee_debut"): "x"})
        first = text.index("\n", text.index("\nforum-des-locataires"))
        return text[:first] + "\n" + text[first:]

    damaged.edit(data, "fiches.csv", blank_then_bad)
    (notice,) = load_corpus(data).notices
    assert "ligne 10, colonne annee_debut" in notice


@pytest.mark.parametrize(("n", "text"), [(1, "1"), (999, "999"), (2000, "2\u202f000")])
def test_french_integers(n, text):
    assert fr_int(n) == text
