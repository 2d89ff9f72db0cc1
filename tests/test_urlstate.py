"""URL state: round trip, and nothing a URL can hold makes it raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fiches.filters import FilterState
from fiches.urlstate import LIST_PARAMS, ViewState, parse_query, to_query

OPTIONS = {
    "bailleurs": ["France Loire", "Vallogis"],
    "themes": ["budget-participatif", "vivre-ensemble"],
    "types_porteurs": ["CCAS"],
    "departements": ["03", "37"],
    "communes": ["Joué-lès-Tours"],
    "regions": ["Centre-Val de Loire"],
}
IDS = ["a-fiche", "b-fiche"]


def parse(params):
    return parse_query(params, options=OPTIONS, fiche_ids=IDS, year_range=(2001, 2013))


def test_round_trip():
    state = FilterState(
        bailleurs=("Vallogis", "France Loire"), themes=("vivre-ensemble",), departements=("03",),
        years=(2004, 2010), q="Joué lès", section="resultats",
    )  # fmt: skip
    view = ViewState(fiche="b-fiche", color_by="bailleur", center=(46.5, 0.35), zoom=11)
    query = to_query(state, view)
    params = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    assert parse(params) == (state, view, [])


def test_defaults_are_omitted():
    assert to_query(FilterState(), ViewState()) == {}


def test_invalid_values_are_dropped_with_notices():
    state, view, notices = parse(
        {
            "bailleur": ["France Loire", "<script>alert(1)</script>", "France Loire"],
            "theme": ["x" * 10_000],
            "annees": ["2010-2004"],
            "fiche": ["../../etc/passwd"],
            "couleur": ["rouge"],
            "section": ["nope"],
            "lat": ["91"], "lon": ["0"], "z": ["7"],
            "utm_source": ["mail"],
            "embed": ["true"],
        }
    )  # fmt: skip
    assert state == FilterState(bailleurs=("France Loire",))
    assert view == ViewState()
    assert len(notices) == 8
    assert not any("embed" in n for n in notices)
    assert all(len(n) < 120 for n in notices)


def test_year_range_is_clipped_to_the_corpus():
    state, _, notices = parse({"annees": ["1990-2005"]})
    assert state.years == (2001, 2005) and notices == []
    state, _, notices = parse({"annees": ["1990-1995"]})
    assert state.years is None and notices


def test_repeated_scalar_key_reads_last_value():
    state, view, _ = parse({"q": ["un", "deux"], "fiche": ["a-fiche", "b-fiche"]})
    assert state.q == "deux" and view.fiche == "b-fiche"


text = st.text(max_size=300)
params_strategy = st.dictionaries(
    st.one_of(
        st.sampled_from(
            [*LIST_PARAMS, "annees", "q", "section", "fiche", "couleur", "lat", "lon", "z"]
        ),
        text,
    ),
    st.lists(
        st.one_of(
            text,
            st.sampled_from(["France Loire", "2004-2010", "46.5", "12", "nan", "inf", "1e308"]),
        ),
        max_size=6,
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(params_strategy)
def test_parse_never_raises_and_keeps_only_allowed_values(params):
    state, view, _ = parse(params)
    for field, allowed in OPTIONS.items():
        assert set(getattr(state, field)) <= set(allowed)
    assert view.fiche in ("", *IDS)
    assert view.color_by in ("theme", "bailleur")
    assert len(state.q) <= 200
    if state.years:
        assert 2001 <= state.years[0] <= state.years[1] <= 2013
    if view.center:
        assert 41 <= view.center[0] <= 51.5 and -5.5 <= view.center[1] <= 10
    # what is kept round-trips
    query = to_query(state, view)
    again = parse({k: v if isinstance(v, list) else [v] for k, v in query.items()})
    assert again[:2] == (state, view)
