"""The URL and the session: read it when a session starts or Back/Forward changed it,
write the canonical query after every run (``fiches.urlstate`` is the codec)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from fiches.corpus import Corpus
from fiches.filters import FILTERS, LIST_FILTERS, FilterState
from fiches.ui.state import Session, frame_map_on, session, widget_value
from fiches.urlstate import (
    IGNORED_PARAMS,
    PAGE_PARAMS,
    POSITION_PARAMS,
    ViewState,
    parse_query,
    to_query,
)


def _current_query() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _without_position(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The query without what the map and single pages write themselves."""
    return {k: v for k, v in query.items() if k not in POSITION_PARAMS + PAGE_PARAMS}


def _options(c: Corpus) -> dict[str, list[str]]:
    return {spec.field: c.options(spec.corpus_column) for spec in LIST_FILTERS}


def _run_context():
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx()


def url_changed_outside() -> bool:
    """True on a session's first run, and when Back/Forward changed the URL since this
    session last wrote it.

    Only then: on any other run the URL the browser sends may be older than the widgets
    (the person acted again before the last run's URL reached the browser), and reading
    it would overwrite what they just typed. Streamlit flags the runs that Back/Forward
    start (``is_history_navigation``); a link typed in the address bar loads a new page,
    hence a new session.
    """
    written = session.url_query
    if written is None:
        return True
    run = _run_context()
    back_or_forward = bool(run and getattr(run, "is_history_navigation", False))
    return back_or_forward and _without_position(_current_query()) != written


def _keys_sent_by_browser() -> set[str]:
    """Keys of the widgets whose value the browser sent with this run.

    A page left open while the server restarts reconnects to a new session but keeps its
    widgets, and sends their values with the person's next action: the latest intent,
    which wins over the URL (written by the server only after a run). On a fresh page
    load the browser sends none. Streamlit keeps them by widget id (``$$ID-<hash>-<key>``)
    in internal state; no public API exposes them before the widget is drawn. Guarded by
    ``tests/browser/test_restart.py``.
    """
    run = _run_context()
    try:
        ids = list(run.session_state._state._new_widget_state.states) if run else []
    except AttributeError:  # another Streamlit version: the URL alone
        return set()
    return {wid.rsplit("-", 1)[-1] for wid in ids if wid.startswith("$$ID-")}


def init_from_url(c: Corpus) -> None:
    """Set every filter and view key from the URL (unknown values dropped, with notices),
    except the widgets whose value the browser has just sent."""
    state, view, notices = parse_query(
        _current_query(), options=_options(c), fiche_ids=c.ids, year_range=c.years()
    )
    values = {Session.filter_key(spec.field): widget_value(spec, getattr(state, spec.field), c)
              for spec in FILTERS}  # fmt: skip
    values[Session.color_by.key] = view.color_by
    # only a new session keeps what its browser sent (a page left open across a server
    # restart); Back/Forward in a session restores every widget from the URL
    sent = _keys_sent_by_browser() if session.url_query is None else set()
    for key, value in values.items():
        if key not in sent and value is not None:
            st.session_state[key] = value
    session.fiche = view.fiche
    session.map_center = view.center
    session.map_zoom = view.zoom
    if view.fiche and view.center is None:
        frame_map_on(c, view.fiche)
    session.url_notices = notices


def sync_url(state: FilterState, view: ViewState) -> ViewState:
    """Write the view into the URL with the map position this session knows.

    The browser sends back the query this session last wrote, not the address bar's: a
    position the map wrote there since is seen only when the two differ. The view the
    person chose is the map's to keep in the address bar (``page.js`` and
    ``fiches-map.js`` write it again after each run); here, the position is the one the
    app set (a link's, a framed fiche's), else the one the map wrote if the browser
    sent it."""
    current = _current_query()
    position = {k: current[k] for k in POSITION_PARAMS if k in current}
    view = replace(view, center=session.map_center, zoom=session.map_zoom)
    if view.zoom is None and position and position != session.url_position:
        _, parsed, _ = parse_query(position, options={}, fiche_ids=[], year_range=None)
        view = replace(view, center=parsed.center, zoom=parsed.zoom)
    desired: dict[str, list[str]] = {
        k: v if isinstance(v, list) else [v] for k, v in to_query(state, view).items()
    }
    for k in IGNORED_PARAMS:
        if k in current:
            desired[k] = current[k]
    # The query the browser sent may predate the one this session wrote after the
    # previous run (the person acted before it arrived): the address bar then shows the
    # written one, so write when either differs (``tests/browser/test_bursts.py``). Not for
    # the position alone: the map writes it itself.
    if desired != current or _without_position(desired) != session.url_query:
        st.query_params.from_dict(desired)
    session.url_query = _without_position(desired)
    session.url_position = {k: desired[k] for k in POSITION_PARAMS if k in desired}
    return view


def is_embedded() -> bool:
    """``?embed=true``: only the map, the count and the list or fiche are shown.

    Streamlit keeps ``embed`` out of ``st.query_params`` (it is its own parameter); the
    session's query holds it. Guarded by ``tests/test_app.py::test_embed_*``.
    """
    run = _run_context()
    if run is None:
        return False
    with run.session_state.query_params() as qp:
        values = qp._query_params.get("embed", [])
    values = values if isinstance(values, list) else [values]
    return any(str(v).lower() == "true" for v in values)
