"""Filters as a plain function: a table of cases, no server involved."""

from __future__ import annotations

import pytest

from fiches.dossier import selection_title
from fiches.filters import (
    FILTERS,
    LIST_FILTERS,
    FilterState,
    ScalarFilter,
    apply_filters,
    describe,
    filter_options,
    option_label,
)
from fiches.schema import SECTION_BY_KEY
from fiches.urlstate import ViewState, parse_query, to_query

FRANCE_LOIRE = {"des-locataires-auditeurs-france-loire", "habitat-participatif-france-loire"}
VTH = {"forum-des-locataires-val-touraine-habitat", "les-locataires-referents-val-touraine-habitat"}
RABIERE = "le-quartier-de-la-rabiere-avant-apres-2001-2014-joue-les-tours"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (FilterState(bailleurs=("France Loire",)), FRANCE_LOIRE),
        (FilterState(bailleurs=("France Loire", "Val Touraine Habitat")), FRANCE_LOIRE | VTH),
        (
            FilterState(bailleurs=("France Loire",), departements=("45",)),
            {"habitat-participatif-france-loire"},
        ),
        (
            FilterState(bailleurs=("France Loire",), departements=("03",)),
            {"des-locataires-auditeurs-france-loire"},
        ),
        # AND across filters applies to the fiche: it has a place in 03 and one in Centre
        (
            FilterState(departements=("03",), regions=("Centre-Val de Loire",)),
            {"des-locataires-auditeurs-france-loire"},
        ),
        (FilterState(departements=("03",), regions=("Nouvelle-Aquitaine",)), set()),
        (
            FilterState(themes=("budget-participatif",)),
            {"co-produire-avec-les-habitants-les-budgets-participatifs-logiparc"},
        ),
        (FilterState(communes=("Joué-lès-Tours",)), {RABIERE}),
        # « le rôle joué » also contains « joue »: search is by substring, accents ignored
        (FilterState(q="Joue"), {RABIERE, "les-locataires-referents-val-touraine-habitat"}),
        (FilterState(q="Joue les Tours"), {RABIERE}),
        (FilterState(q="JOUÉ-LÈS-TOURS"), {RABIERE}),
        (FilterState(q="rabiere"), {RABIERE}),
        (FilterState(q="geocaching"), {RABIERE}),
        (FilterState(q="habitat participatif"), {"habitat-participatif-france-loire"}),
        (FilterState(q="Ultimatum", section="difficultes"), set()),
        (
            FilterState(q="Ultimatum", section="porteur"),
            {"mise-a-disposition-de-locaux-pour-ameliorer-le-cadre-de-vie-et-favoriser-l"},
        ),
        (FilterState(types_porteurs=("CCAS",)), {"l-universite-du-citoyen-de-chateauroux"}),
        (
            FilterState(years=(2012, 2013)),
            {
                "les-locataires-referents-val-touraine-habitat",
                "des-locataires-auditeurs-france-loire",
                "habitat-participatif-france-loire",
            },
        ),
        (FilterState(q="zzzz introuvable"), set()),
    ],
)
def test_filter_table(corpus, state, expected):
    assert set(apply_filters(corpus, state).index) == expected


def test_search_participatif_matches_every_fiche_containing_it(corpus):
    from fiches.markup import markdown_to_plain
    from fiches.text import fold

    got = set(apply_filters(corpus, FilterState(q="participatif")).index)
    texts = corpus.fiches.apply(
        lambda r: fold(
            " ".join(
                markdown_to_plain(str(v))
                for k, v in r.items()
                if k.startswith("section_") or k == "titre"
            )
        ),
        axis=1,
    )
    assert got == set(texts[texts.str.contains("participatif")].index)
    assert {
        "habitat-participatif-france-loire",
        "co-produire-avec-les-habitants-les-budgets-participatifs-logiparc",
    } <= got


def test_empty_state_keeps_everything(corpus):
    assert len(apply_filters(corpus, FilterState())) == len(corpus.fiches) == 13


def test_recueil_filter_appears_with_two_collections_and_filters_by_source(corpus):
    from dataclasses import replace

    from fiches.filters import LIST_FILTERS, FilterState, apply_filters, filter_options

    spec = next(s for s in LIST_FILTERS if s.field == "recueils")
    # one collection: fewer options than the widget needs, no « Recueil » filter
    assert len(filter_options(corpus, spec)) < spec.min_options
    two = replace(corpus, fiches=corpus.fiches.copy(), _options={})
    two.fiches.loc[two.fiches.index[:3], ["source_id", "source"]] = ["autre", "Autre recueil"]
    options = filter_options(two, spec)
    assert options == ["autre", "participation-habitants-cadre-de-vie-2015"]
    assert len(options) >= spec.min_options
    assert spec.label_of(two, "autre") == "Autre recueil"
    kept = apply_filters(two, FilterState(recueils=("autre",)))
    assert list(kept.index) == list(corpus.fiches.index[:3])


@pytest.mark.parametrize("spec", LIST_FILTERS, ids=lambda s: s.field)
def test_every_registered_filter_reads_the_same_everywhere(corpus, spec):
    """One entry of the registry drives the query, the URL, and the words of titles."""
    value = filter_options(corpus, spec)[0]
    state = FilterState(**{spec.field: (value,)})
    # the query: every fiche kept has the value
    kept = apply_filters(corpus, state)
    assert 0 < len(kept) <= len(corpus.fiches)
    assert corpus.has_any(spec.corpus_column, (value,))[corpus.fiches.index.isin(kept.index)].all()
    # the URL: written under the entry's name and read back
    query = to_query(state, ViewState())
    assert query == {spec.param: [value]}
    options = {s.field: corpus.options(s.corpus_column) for s in LIST_FILTERS}
    assert parse_query(query, options=options, fiche_ids=corpus.ids, year_range=None)[0] == state
    # the words: the entry's label and how the value reads
    assert describe(corpus, state) == [f"{spec.label} : {option_label(corpus, spec, value)}"]


def test_a_recueil_filter_is_named_in_titles(corpus):
    source_id = corpus.fiches["source_id"].iloc[0]
    source = corpus.fiches["source"].iloc[0]
    assert selection_title(corpus, FilterState(recueils=(source_id,)), 13) == (
        f"Recueil : {source} — 13 actions"
    )


# A value for each one-value filter (the list filters take their first option), with the
# filter it qualifies set too; adding a filter is one entry in FILTERS and one row here.
SCALAR_SAMPLES = {
    "q": {"q": "locataires"},
    "section": {"q": "locataires", "section": "comment"},
    "years": {"years": (2010, 2012)},
}


@pytest.fixture(scope="module")
def two_collections(corpus):
    """The corpus with its first three fiches in another collection: every filter of the
    registry then has options to narrow the selection (the « Recueil » needs two)."""
    from dataclasses import replace

    two = replace(corpus, fiches=corpus.fiches.copy(), _options={}, _search={})
    two.fiches.loc[two.fiches.index[:3], ["source_id", "source"]] = ["autre", "Autre recueil"]
    return two


def sample_state(corpus, spec) -> FilterState:
    if isinstance(spec, ScalarFilter):
        return FilterState(**SCALAR_SAMPLES[spec.field])
    return FilterState(**{spec.field: (filter_options(corpus, spec)[0],)})


def test_every_one_value_filter_has_a_sample():
    assert set(SCALAR_SAMPLES) == {s.field for s in FILTERS if isinstance(s, ScalarFilter)}


@pytest.mark.parametrize("spec", FILTERS, ids=lambda s: s.field)
def test_every_filter_reads_the_same_in_the_url_the_query_and_the_words(two_collections, spec):
    corpus = two_collections
    state = sample_state(corpus, spec)
    kept = apply_filters(corpus, state)
    assert 0 < len(kept) < len(corpus.fiches), "the sample narrows the selection"
    query = to_query(state, ViewState())
    assert spec.param in query  # written under the entry's URL name
    options = {s.field: corpus.options(s.corpus_column) for s in LIST_FILTERS}
    back = parse_query(query, options=options, fiche_ids=corpus.ids, year_range=corpus.years())
    assert back == (state, ViewState(), [])
    words = " ; ".join(describe(corpus, state))
    if spec.qualifies:  # said with the filter it narrows
        assert f"(rubrique {SECTION_BY_KEY[state.section].heading})" in words
    elif isinstance(spec, ScalarFilter):
        assert words.startswith(("Recherche", "Années"))
    else:
        assert words.startswith(spec.label)
