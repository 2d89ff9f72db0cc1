"""The run's context, built once per run in one place (``run_context``), after the
sidebar has drawn its widgets: on a new session's first run (a page left open across a
server restart) a widget's value the browser sent is only readable once the widget is
drawn (``tests/browser/test_restart.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from fiches.corpus import Corpus
from fiches.filters import FILTERS, FilterState, apply_filters
from fiches.ui import data, sidebar
from fiches.ui.state import Context, is_framed, session, state_value
from fiches.ui.urlsync import init_from_url, is_embedded, sync_url, url_changed_outside
from fiches.urlstate import ViewState


def run_context(menu: Sequence[st.Page] = ()) -> Context:
    """Read the URL when it is new to the session, draw the sidebar, then build the
    run's context from what its widgets hold (``ui.session.context`` for the pages)."""
    c = data.corpus()
    if url_changed_outside():
        init_from_url(c)
    if not is_embedded():
        sidebar.draw(c, state_from_widgets(c), view_from_session(c), menu)
    ctx = session.context = context_for(c)
    return ctx


def state_from_widgets(c: Corpus) -> FilterState:
    return FilterState(
        **{spec.field: state_value(spec, session.filter_value(spec.field), c) for spec in FILTERS}
    )


def view_from_session(c: Corpus) -> ViewState:
    fiche = session.fiche if session.fiche in c.fiches.index else ""
    return ViewState(fiche=fiche, color_by=session.color_by)


def context_for(c: Corpus) -> Context:
    """The run's context. One rule for the open fiche: it is one of the filtered fiches;
    when the filters leave it out, it closes (``session.excluded`` says which, for the
    notice and its way back)."""
    state = state_from_widgets(c)
    filtered = apply_filters(c, state)
    view = view_from_session(c)
    excluded = bool(view.fiche) and view.fiche not in filtered.index
    if excluded:
        session.excluded = (view.fiche, state)
        session.fiche = ""
        view = replace(view, fiche="")
    elif session.excluded and session.excluded[1] != state:
        del session.excluded  # the filters changed again: the notice is out of date
    if is_framed() and (excluded or session.framed_filters not in (None, state)):
        # a view framed by the app (a deep link's fiche, « Voir sur la carte ») holds until
        # the filters change; then the map fits what they show (a view the person chose
        # or a link's position stays)
        session.map_center = None
        session.map_zoom = None
        del session.framed_view
    session.framed_filters = state
    view = sync_url(state, view)
    return Context(c, state, view, filtered, embed=is_embedded())
