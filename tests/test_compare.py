"""Comparison of fiches and the synthesis of a selection, without Streamlit."""

from __future__ import annotations

import pytest

from fiches.compare import (
    CELL_LABEL_LENGTH,
    MAX_COMPARED,
    add,
    cell_label,
    compare,
    parse_ids,
    to_param,
)
from fiches.digest import LESSON_SECTIONS, build_digest, digest_markdown, main_theme
from fiches.filters import FilterState, apply_filters
from fiches.render import EMPTY_SECTION
from fiches.schema import SECTIONS
from fiches.urlstate import fiche_url

FORUM = "forum-des-locataires-val-touraine-habitat"  # its « Perspectives » is empty
LOIRE = ("habitat-participatif-france-loire", "des-locataires-auditeurs-france-loire")


def test_sections_are_aligned(corpus):
    ids = [*LOIRE, FORUM]
    comparison = compare(corpus, ids)
    assert comparison.ids == tuple(ids)
    assert [r.key for r in comparison.rows if r.kind == "rubrique"] == [s.key for s in SECTIONS]
    assert [r.heading for r in comparison.rows if r.kind == "fait"] == [
        "Bailleur", "Porteurs", "Thèmes", "Période", "Lieux",
    ]  # fmt: skip
    assert comparison.rows[0].kind == "fait"  # facts on top
    for row in comparison.rows:
        assert len(row.cells) == len(ids)
        if row.kind == "rubrique":
            for fid, cell in zip(ids, row.cells, strict=True):
                stored = corpus.fiches.at[fid, f"section_{row.key}"]
                assert cell == (stored or f"*{EMPTY_SECTION}*")


def test_missing_section_is_shown_as_empty(corpus):
    assert corpus.fiches.at[FORUM, "section_perspectives"] == ""
    row = next(r for r in compare(corpus, [LOIRE[0], FORUM]).rows if r.key == "perspectives")
    assert "rubrique vide" in row.cells[1].lower()
    assert "rubrique vide" not in row.cells[0].lower()


@pytest.mark.parametrize(
    ("value", "ids", "notice"),
    [
        ("a,b,c", ["a", "b", "c"], ""),
        (" a , b ,a", ["a", "b"], ""),
        ("a,zzz", ["a"], "fiche « zzz » introuvable"),
        ("a,b,c,d", ["a", "b", "c"], "au plus 3 fiches : « d » laissée de côté"),
        ("", [], ""),
        (None, [], ""),
        (",,," + "x" * 500, [], "introuvable"),
    ],
)
def test_parse_ids(value, ids, notice):
    parsed, notices = parse_ids(value, ["a", "b", "c", "d"])
    assert parsed == ids
    assert (notice in " ".join(notices)) if notice else notices == []


def test_add_keeps_the_last_three():
    assert add([], "a") == ["a"]
    assert add(["a", "b"], "a") == ["b", "a"]
    assert add(["a", "b", "c"], "d") == ["b", "c", "d"]
    assert len(add(["a", "b", "c"], "d")) == MAX_COMPARED
    assert to_param(["a", "b"]) == "a,b"


@pytest.mark.parametrize(
    ("position", "title", "label"),
    [
        (0, "Habitat participatif (France Loire)", "1. Habitat participatif (France Loire)"),
        (
            1,
            "Le quartier de la Rabière avant-après : 2001-2014 (Joué-lès-Tours)",
            "2. Le quartier de la Rabière avant-après…",
        ),
        (
            2,
            "Mise à disposition de locaux pour améliorer le cadre",
            "3. Mise à disposition de locaux pour…",
        ),
        (0, "x" * 60, "1. " + "x" * CELL_LABEL_LENGTH + "…"),
        (0, "a" * CELL_LABEL_LENGTH, "1. " + "a" * CELL_LABEL_LENGTH),
    ],
)
def test_a_stacked_cell_names_its_fiche_briefly(position, title, label):
    """On a phone the grid's columns stack: each cell names its fiche, cut at a word."""
    assert cell_label(position, title) == label
    assert len(label) <= CELL_LABEL_LENGTH + len("1. …")


def test_the_grid_has_the_titles_once_and_every_cell_in_its_row(corpus):
    ids = [*LOIRE, FORUM]
    comparison = compare(corpus, ids)
    assert comparison.titles == tuple(corpus.fiches.at[f, "titre"] for f in ids)
    # a row per fact and per section, none repeating a title (the page draws them once)
    assert len(comparison.rows) == 5 + len(SECTIONS)
    assert len({r.key for r in comparison.rows}) == len(comparison.rows)
    for row in comparison.rows:
        assert all(title not in cell for title in comparison.titles for cell in row.cells)


# -- synthesis ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [FilterState(), FilterState(bailleurs=("France Loire",)), FilterState(q="jardin")]
)
def test_every_excerpt_is_word_for_word_from_its_fiche(corpus, state):
    fiches = apply_filters(corpus, state)
    digest = build_digest(corpus, fiches)
    assert [s.key for s in digest.sections] == list(LESSON_SECTIONS)
    markdown = digest_markdown(digest, title="Sélection", base_url="https://ex.fr")
    for section in digest.sections:
        seen = []
        for group in section.groups:
            for e in group.excerpts:
                assert e.text == corpus.fiches.at[e.fiche_id, f"section_{section.key}"]
                assert e.titre == corpus.fiches.at[e.fiche_id, "titre"]
                assert main_theme(corpus.fiches.at[e.fiche_id, "themes"]) == group.theme
                assert e.text in markdown
                assert f"]({fiche_url('https://ex.fr', e.fiche_id)})" in markdown
                seen.append(e.fiche_id)
        # each fiche that fills the section appears once, and only those
        filled = [fid for fid in fiches.index if fiches.at[fid, f"section_{section.key}"]]
        assert sorted(seen) == sorted(filled)


def test_synthesis_counts(corpus):
    digest = build_digest(corpus, corpus.fiches)
    assert list(digest.counts) == [
        "Par thème", "Par bailleur", "Par type de porteur", "Par année de début",
    ]  # fmt: skip
    assert digest.counts["Par bailleur"]["France Loire"] == 2
    assert digest.counts["Par année de début"].sum() == len(corpus.fiches)
    markdown = digest_markdown(digest, title="x", base_url="https://ex.fr")
    assert "| France Loire | 2 |" in markdown
