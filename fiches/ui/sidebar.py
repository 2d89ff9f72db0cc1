"""The shared sidebar: the page menu, one widget per registered filter, the colouring."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from fiches.corpus import Corpus
from fiches.filters import LIST_FILTERS, FilterState, ListFilter, filter_options
from fiches.map_data import COLOR_MODES
from fiches.schema import SECTION_BY_KEY, SECTION_KEYS
from fiches.ui import data
from fiches.ui.actions import action_button
from fiches.ui.state import (
    Context,
    Session,
    context_for,
    init_from_url,
    is_embedded,
    reset_filters,
    session,
    state_from_widgets,
    view_from_session,
)
from fiches.ui.state import url_changed_outside as _url_changed
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


def _more_in_use(state: FilterState, view: ViewState) -> bool:
    """Whether a filter or option behind « Plus de filtres » is set (then it shows)."""
    return (
        any(getattr(state, spec.field) for spec in LIST_FILTERS if not spec.primary)
        or bool(state.section)
        or state.years is not None
        or view.color_by != next(iter(COLOR_MODES))
    )


def _filters(c: Corpus, state: FilterState, view: ViewState) -> None:
    st.markdown("### Filtrer les actions")
    st.text_input(
        "Recherche libre",
        key=Session.q.key,
        placeholder="ex. concertation, Joué, budget",
    )
    st.caption(
        "Les mots sont cherchés ensemble, dans cet ordre, sans tenir compte des accents,"
        " des majuscules ni des tirets."
    )
    for spec in LIST_FILTERS:
        if spec.primary:
            _list_filter(c, spec)
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
    st.selectbox(
        "Chercher dans",
        options=["", *SECTION_KEYS],
        format_func=lambda k: "toutes les rubriques" if not k else SECTION_BY_KEY[k].heading,
        key=Session.section.key,
    )
    for spec in LIST_FILTERS:
        if not spec.primary:
            _list_filter(c, spec)
    years = c.years()
    if years and years[0] < years[1]:
        if not session.years:
            session.years = years
        st.slider("Année de début", years[0], years[1], key=Session.years.key)
        st.caption("Restreindre la période exclut les fiches dont l'année n'est pas indiquée.")
    st.radio(
        "Couleur des marqueurs",
        options=list(COLOR_MODES),
        format_func=lambda v: COLOR_MODES[v].choice,
        key=Session.color_by.key,
        horizontal=True,
    )


def sidebar(menu: Sequence[st.Page] = ()) -> Context:
    """Draw the menu and the shared filters; return the context of this run.

    With ``?embed=true`` nothing is drawn in the sidebar: the view comes from the URL.
    """
    c = data.corpus()
    if _url_changed():
        init_from_url(c)
    if not is_embedded():
        with st.sidebar:
            state, view = state_from_widgets(c), view_from_session(c)
            query = to_query(state, view)
            for page in menu:
                st.page_link(page, query_params=query)
            _filters(c, state, view)
    return context_for(c)
