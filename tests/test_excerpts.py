"""Search that shows why: where the words were found and the excerpt around them."""

from __future__ import annotations

import re

import pytest

from fiches.excerpts import (
    EXCERPT_LENGTH,
    META_NAME,
    Excerpt,
    excerpt_parts,
    excerpts,
    fiche_excerpt,
    match_spans,
)
from fiches.filters import FilterState, apply_filters, phrase_in, search_phrase, search_regex
from fiches.text import search_key

REFERENTS = "les-locataires-referents-val-touraine-habitat"
RABIERE = "le-quartier-de-la-rabiere-avant-apres-2001-2014-joue-les-tours"
LOIRE = "habitat-participatif-france-loire"
LOGIPARC = "co-produire-avec-les-habitants-les-budgets-participatifs-logiparc"
LONG = "Un texte d'ouverture assez long pour être coupé. " * 6


def hits(parts) -> list[str]:
    return [text for text, hit in parts if hit]


@pytest.mark.parametrize(
    ("text", "query", "matches"),
    [
        ("le rôle joué en faveur", "Joue", ["joué"]),  # accents
        ("le rôle joué en faveur", "JOUÉ", ["joué"]),  # case
        ("Ville de JOUÉ-LÈS-TOURS", "joue les tours", ["JOUÉ-LÈS-TOURS"]),  # hyphens
        ("le rôle joué en faveur", "role joue", ["rôle joué"]),  # several words, one phrase
        ("le rôle – joué", "role joue", ["rôle – joué"]),  # a run of separators
        ("au cœur du quartier", "coeur", ["cœur"]),  # ligature
        ("Tour(s)Plus et la Ville", "toursplus", ["Tour(s)Plus"]),  # punctuation in a word
        ("L’Université du Citoyen", "l'universite", ["L’Université"]),  # apostrophes
        ("joué ici, rejoué là", "joue", ["joué", "joué"]),  # every occurrence
        ("e\u0301te\u0301 partage\u0301", "ete", ["e\u0301te\u0301"]),  # combining accents
        ("le rôle joué", "jouet", []),
        ("les budgets participatifs", "budget participatif", ["budgets participatifs"]),  # endings
        ("des jouets", "joue", ["jouets"]),  # the whole word is shown
        ("des habitants", "d'habitat", []),  # no ending on a one-letter word
    ],
)
def test_the_match_is_found_as_the_search_finds_it(text, query, matches):
    phrase = search_phrase(query)
    assert phrase_in(search_key(text), phrase) == bool(matches)  # the filter's own test
    assert [text[s:e] for s, e in match_spans(text, phrase)] == matches
    assert hits(excerpt_parts(text, phrase)) == matches


@pytest.mark.parametrize(
    ("text", "query", "starts", "ends"),
    [
        ("Court : le rôle joué.", "joue", False, False),  # short text: whole, no « … »
        ("Joué-lès-Tours ouvre. " + LONG, "joue", False, True),  # at the start
        (LONG + "Fin à Joué-lès-Tours.", "joue", True, False),  # at the end
        (LONG + " le rôle joué ici " + LONG, "joue", True, True),  # in the middle
    ],
)
def test_the_excerpt_is_short_and_cut_at_words(text, query, starts, ends):
    parts = excerpt_parts(text, search_phrase(query))
    shown = "".join(t for t, _ in parts)
    assert shown.startswith("…") == starts and shown.endswith("…") == ends
    assert len(shown.strip("…")) <= EXCERPT_LENGTH
    if len(text) > EXCERPT_LENGTH:
        assert len(shown.strip("…")) > EXCERPT_LENGTH * 0.7
    body = shown.strip("…")
    assert body in " ".join(text.split())  # word for word from the text
    words = " ".join(text.split()).split(" ")
    assert body.split(" ")[0] in words and body.split(" ")[-1] in words  # whole words
    assert hits(parts) == ["Joué" if "Joué" in shown else "joué"]


@pytest.mark.parametrize("length", [EXCERPT_LENGTH, 90, 40])
def test_the_excerpt_length_is_a_setting(length):
    parts = excerpt_parts(LONG + " le rôle joué ici " + LONG, "joue", length=length)
    body = "".join(t for t, _ in parts).strip("…")
    assert length * 0.6 < len(body) <= length
    assert hits(parts) == ["joué"]


def test_html_looking_text_stays_text():
    text = "<script>alert('joué')</script> <b>gras</b> & <mark>faux</mark>"
    excerpt = Excerpt("Quoi ? Objet de l'action", excerpt_parts(text, "joue"))
    html = excerpt.html()
    assert "<script" not in html and "<b>" not in html and "<mark>faux" not in html
    assert "&lt;script&gt;alert(&#x27;<mark>joué</mark>&#x27;)&lt;/script&gt;" in html
    assert "&amp; &lt;mark&gt;faux&lt;/mark&gt;" in html
    assert html.count("<mark>") == 1
    evil = Excerpt("<img src=x onerror=alert(1)>", ())
    assert "<img" not in evil.html() and "&lt;img" in evil.html()


@pytest.mark.parametrize(
    ("fiche", "state", "where", "marked"),
    [
        # the fiche that « Joue » finds only through « le rôle joué »
        (REFERENTS, FilterState(q="Joue"), "Résultats obtenus", "le rôle ‹joué› en faveur"),
        (REFERENTS, FilterState(q="ROLE JOUÉ"), "Résultats obtenus", "le ‹rôle joué› en"),
        # « meta »: a short fact first (bailleur, porteurs, places)…
        (LOIRE, FilterState(q="france loire"), "Bailleur", "‹France Loire›"),
        (RABIERE, FilterState(q="Joue"), "Porteurs", "Ville de ‹Joué›-lès-Tours"),
        # …the title last: it is on screen already
        (RABIERE, FilterState(q="avant apres 2001"), "Titre", "Rabière ‹avant-après : 2001›"),
        # a run of separators between the words: « avant / après » in a section
        (
            RABIERE,
            FilterState(q="avant apres"),
            "Comment ? Description de l'action",
            "‹avant / après›",
        ),
        # the words with their endings: « budgets participatifs »
        (
            LOGIPARC,
            FilterState(q="budget participatif"),
            "Titre",
            "‹budgets participatifs›",
        ),
        # « Chercher dans » one section: the excerpt comes from there
        (
            RABIERE,
            FilterState(q="joue", section="lieu"),
            "Où ? Lieu / périmètre de l'action",
            "‹Joué›",
        ),
    ],
)
def test_a_fiche_says_where_it_matched(corpus, fiche, state, where, marked):
    assert fiche in apply_filters(corpus, state).index
    excerpt = fiche_excerpt(corpus, fiche, state)
    assert excerpt is not None and excerpt.where == where
    assert marked in excerpt.marked()
    assert excerpt.line().startswith(f"{where} : ")


def test_the_other_places_are_counted(corpus):
    one = fiche_excerpt(corpus, REFERENTS, FilterState(q="joue"))
    assert one.also == 0 and one.also_text == ""
    many = fiche_excerpt(corpus, RABIERE, FilterState(q="joue"))
    assert many.also >= 3 and many.also_text == f"et {many.also} autres endroits"
    assert f"({many.also_text})" in many.html()


@pytest.mark.parametrize(
    "state",
    [FilterState(), FilterState(bailleurs=("France Loire",)), FilterState(q="   ")],
)
def test_no_search_no_excerpt(corpus, state):
    assert excerpts(corpus, apply_filters(corpus, state).index, state) == {}
    assert fiche_excerpt(corpus, LOIRE, state) is None


def test_words_found_only_across_two_fields_are_named_without_an_excerpt(corpus):
    # the search reads title, porteurs, bailleurs and places as one text: « … (bailleur
    # social) » then « Habitat 17 »; no field a person reads holds the phrase alone
    state = FilterState(q="social habitat 17")
    (fiche,) = apply_filters(corpus, state).index
    excerpt = fiche_excerpt(corpus, fiche, state)
    assert excerpt == Excerpt(META_NAME, ())
    assert excerpt.line() == META_NAME


def test_a_fiche_that_does_not_match_has_no_excerpt(corpus):
    state = FilterState(q="joue", section="objet")
    assert fiche_excerpt(corpus, REFERENTS, state) is None


@pytest.mark.parametrize(
    "query",
    ["joue", "Tours", "budget", "conseil citoyen", "d'habitat", "élèves", "Poitiers", "2014"],
)
def test_every_result_of_a_search_says_why(corpus, query):
    state = FilterState(q=query)
    found = apply_filters(corpus, state)
    assert len(found)
    shown = excerpts(corpus, found.index, state)
    assert set(shown) == set(found.index)
    phrase = search_phrase(query)
    for excerpt in shown.values():
        assert excerpt.parts, excerpt  # located in the text a person reads
        for text in hits(excerpt.parts):
            assert re.fullmatch(search_regex(phrase), search_key(text)), (text, phrase)
