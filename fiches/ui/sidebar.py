"""The shared sidebar: the page menu, one widget per registry entry (``filters.FILTERS``)
and the colouring. It only draws."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from fiches.corpus import Corpus
from fiches.filters import FILTERS, FilterState, ListFilter, ScalarFilter, filter_options
from fiches.map_data import COLOR_MODES, DEFAULT_COLOR
from fiches.schema import SECTION_BY_KEY, SECTION_KEYS
from fiches.ui.actions import action_button
from fiches.ui.state import Session, reset_filters, session, widget_value
from fiches.urlstate import ViewState, to_query


def _list_filter(c: Corpus, spec: ListFilter) -> None:
    options = filter_options(c, spec)
    if len(options) < spec.min_options:
        return
    label_of = spec.label_of
    st.multiselect(
        spec.label,
        options,
        key=Session.filter_key(spec.field),
        format_func=(lambda v, f=label_of: f(c, v)) if label_of else str,
        placeholder=spec.placeholder,
        select_all=False,  # Streamlit's English « Select all »
    )


def _search_box(c: Corpus, spec: ScalarFilter) -> None:
    st.text_input(
        spec.label, key=Session.filter_key(spec.field), placeholder="ex. concertation, Joué, budget"
    )
    st.caption(
        "Les mots sont cherchés ensemble, dans cet ordre, sans tenir compte des accents,"
        " des majuscules ni des tirets."
    )


def _section_box(c: Corpus, spec: ScalarFilter) -> None:
    st.selectbox(
        spec.label,
        options=["", *SECTION_KEYS],
        format_func=lambda k: "toutes les rubriques" if not k else SECTION_BY_KEY[k].heading,
        key=Session.filter_key(spec.field),
    )


def _years_slider(c: Corpus, spec: ScalarFilter) -> None:
    years = c.years()
    if not years or years[0] >= years[1]:
        return
    key = Session.filter_key(spec.field)
    if not st.session_state.get(key):
        st.session_state[key] = widget_value(spec, spec.default, c)
    st.slider(spec.label, years[0], years[1], key=key)
    st.caption("Restreindre la période exclut les fiches dont l'année n'est pas indiquée.")


# How each kind of filter (``widget`` of its registry entry) is drawn.
WIDGETS: dict[str, Callable[[Corpus, Any], None]] = {
    "multiselect": _list_filter,
    "text": _search_box,
    "section": _section_box,
    "years": _years_slider,
}


def _draw(c: Corpus, *, primary: bool) -> None:
    for spec in FILTERS:
        if spec.primary == primary:
            WIDGETS[spec.widget](c, spec)


def _more_in_use(state: FilterState, view: ViewState) -> bool:
    """Whether a filter or option behind « Plus de filtres » is set (then it shows)."""
    return (
        any(getattr(state, s.field) != s.default for s in FILTERS if not s.primary)
        or view.color_by != DEFAULT_COLOR
    )


def _filters(c: Corpus, state: FilterState, view: ViewState) -> None:
    st.markdown("### Filtrer les actions")
    _draw(c, primary=True)
    # The rarely used filters and options come on demand: each widget type costs the
    # page a script to fetch before the map can start (see README, Performances).
    in_use = _more_in_use(state, view)
    if session.more_filters or in_use:
        session.more_filters = True  # stays open when the last of them is cleared
        _more_filters(c)
        if not in_use:  # folding drops a widget's value: only once none is in use
            action_button(
                "Moins de filtres",
                key="fewer-filters",
                icon=":material/expand_less:",
                on_click=lambda: setattr(session, "more_filters", False),
                width="stretch",
            )
    else:
        action_button(
            "Plus de filtres",
            key="more-filters",
            icon=":material/tune:",
            on_click=lambda: setattr(session, "more_filters", True),
            width="stretch",
        )
    action_button(
        "Réinitialiser les filtres", key="reset-filters", on_click=reset_filters, width="stretch"
    )


def _more_filters(c: Corpus) -> None:
    _draw(c, primary=False)
    st.radio(
        "Couleur des marqueurs",
        options=list(COLOR_MODES),
        format_func=lambda v: COLOR_MODES[v].choice,
        key=Session.color_by.key,
        horizontal=True,
    )


def draw(c: Corpus, state: FilterState, view: ViewState, menu: Sequence[st.Page] = ()) -> None:
    """Draw the page menu (its links carry the current view) and the filters. Only draws:
    the run's context is built after, from what the widgets hold (``ui.context``)."""
    with st.sidebar:
        query = to_query(state, view)
        for page in menu:
            st.page_link(page, query_params=query)
        _filters(c, state, view)
