"""Session state behind one typed accessor, the callbacks that change it, and the URL.

The URL is the state: it is read when a session starts (and again when the browser's
Back or Forward changes it), and the canonical query (``urlstate.to_query``) is written
after every run. The map writes its own position (``lat/lon/z``) into the URL, without a
rerun; the server keeps it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

from fiches import compare
from fiches.clicks import is_fresh, parse_click
from fiches.corpus import Corpus
from fiches.filters import LIST_FILTERS, FilterState, apply_filters
from fiches.map_contract import FRAME_SELECTOR
from fiches.map_data import view_of_fiche
from fiches.urlstate import (
    IGNORED_PARAMS,
    PAGE_PARAMS,
    POSITION_PARAMS,
    ViewState,
    parse_query,
    to_query,
)

T = TypeVar("T")
PAGE_SIZE = 25


class _Slot(Generic[T]):
    """One session key with its default; read and written as an attribute."""

    def __init__(self, key: str, default: T) -> None:
        self.key, self.default = key, default

    def __get__(self, obj, owner=None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = st.session_state.get(self.key, self.default)
        return list(value) if isinstance(value, list) else value

    def __set__(self, obj, value: T) -> None:
        st.session_state[self.key] = value

    def __delete__(self, obj) -> None:
        st.session_state.pop(self.key, None)


class Session:
    """Every session key of the app. Widget keys are ``Session.<name>.key``."""

    # filter widgets (list filters: ``filter_key``)
    q = _Slot("f_q", "")
    section = _Slot("f_section", "")
    years: _Slot[tuple[int, int] | None] = _Slot("f_years", None)
    # view
    fiche = _Slot("v_fiche", "")
    color_by = _Slot("v_color", "theme")
    map_center: _Slot[tuple[float, float] | None] = _Slot("map_center", None)
    map_zoom: _Slot[float | None] = _Slot("map_zoom", None)
    framed_filters: _Slot[FilterState | None] = _Slot("framed_filters", None)
    map_choice: _Slot[list[str]] = _Slot("map_choice", [])
    map_click = _Slot("map_click", "")  # the last map click handled
    focus = _Slot("focus", "")  # CSS selector to bring into view after this run
    goto_map = _Slot("goto_map", False)
    goto_compare = _Slot("goto_compare", False)
    compared: _Slot[list[str]] = _Slot(compare.SESSION_KEY, [])
    compare_url: _Slot[str | None] = _Slot("compare_url", None)  # ``fiches=`` last read
    compare_select = _Slot("compare_select", [])  # the Comparer page's list widget
    dossier_built: _Slot[tuple | None] = _Slot("dossier_built", None)  # (selection, html)
    dossier_confirmed: _Slot[object] = _Slot("dossier_confirmed", None)  # selection key
    list_size = _Slot("list_size", PAGE_SIZE)
    more_filters = _Slot("more_filters", False)  # « Plus de filtres » was asked for
    table_rows: _Slot[list[int]] = _Slot("table_rows", [])
    # URL bookkeeping
    url_query: _Slot[dict | None] = _Slot("url_query", None)  # what this session last wrote
    url_notices: _Slot[list[str]] = _Slot("url_notices", [])
    context: _Slot[Any] = _Slot("ctx", None)
    run_ms = _Slot("run_ms", 0.0)
    run_count = _Slot("run_count", 0)

    @staticmethod
    def filter_key(field: str) -> str:
        return f"f_{field}"

    def filter_values(self, field: str) -> tuple[str, ...]:
        return tuple(st.session_state.get(self.filter_key(field), []))


session = Session()


@dataclass
class Context:
    """What every page works from: the corpus, the states and the filtered fiches."""

    corpus: Corpus
    state: FilterState
    view: ViewState
    filtered: pd.DataFrame
    embed: bool = False


# --- callbacks -------------------------------------------------------------------------


def reset_filters() -> None:
    for spec in LIST_FILTERS:
        st.session_state[Session.filter_key(spec.field)] = []
    session.q = ""
    session.section = ""
    del session.years  # the sidebar sets it back to the full range
    session.list_size = PAGE_SIZE
    forget_map_view()


def forget_map_view() -> None:
    """Let the map fit the visible actions again (no position set by the person)."""
    session.map_center = None
    session.map_zoom = None
    for key in POSITION_PARAMS:
        if key in st.query_params:
            del st.query_params[key]


def select_fiche(fiche_id: str, *, focus: str = "") -> None:
    """Open a fiche; ``focus``: the selector to bring into view once it is drawn."""
    session.fiche = fiche_id
    del session.map_choice
    session.focus = focus


def take_focus() -> str:
    """The element to bring into view after this run (once)."""
    target = session.focus
    del session.focus
    return target


def query_of(ctx: Context) -> dict[str, str | list[str]]:
    """The canonical URL parameters of a context (for links to other pages)."""
    return to_query(ctx.state, ctx.view)


def add_to_comparison(fiche_id: str) -> None:
    session.compared = compare.add(session.compared, fiche_id)
    session.goto_compare = True


def compare_query(ctx: Context) -> dict[str, str | list[str]]:
    return {**query_of(ctx), compare.URL_PARAM: compare.to_param(session.compared)}


MAP_SELECTOR = FRAME_SELECTOR


def close_fiche(*, focus: str = "") -> None:
    """Close the open fiche; ``focus``: where the person goes back to (the map)."""
    session.fiche = ""
    session.focus = focus


def frame_map_on(c: Corpus, fiche_id: str) -> None:
    """Set the map's next view to show every place of a fiche."""
    framed = view_of_fiche(c, fiche_id)
    if framed is not None:
        session.map_center, session.map_zoom = framed


def show_on_map(c: Corpus, fiche_id: str) -> None:
    frame_map_on(c, fiche_id)
    select_fiche(fiche_id)
    session.goto_map = True


# --- URL -------------------------------------------------------------------------------


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
    values: dict[str, object] = {
        Session.filter_key(spec.field): list(getattr(state, spec.field)) for spec in LIST_FILTERS
    }
    if c.years():
        values[Session.years.key] = state.years or c.years()
    values[Session.q.key] = state.q
    values[Session.section.key] = state.section
    values[Session.color_by.key] = view.color_by
    # only a new session keeps what its browser sent (a page left open across a server
    # restart); Back/Forward in a session restores every widget from the URL
    sent = _keys_sent_by_browser() if session.url_query is None else set()
    for key, value in values.items():
        if key not in sent:
            st.session_state[key] = value
    session.fiche = view.fiche
    session.map_center = view.center
    session.map_zoom = view.zoom
    if view.fiche and view.center is None:
        frame_map_on(c, view.fiche)
    session.url_notices = notices


def state_from_widgets(c: Corpus) -> FilterState:
    years = session.years
    full = c.years()
    return FilterState(
        **{spec.field: session.filter_values(spec.field) for spec in LIST_FILTERS},
        years=tuple(years) if years and full and tuple(years) != full else None,
        q=session.q.strip()[:200],
        section=session.section,
    )


def view_from_session(c: Corpus) -> ViewState:
    fiche = session.fiche if session.fiche in c.fiches.index else ""
    return ViewState(fiche=fiche, color_by=session.color_by)


def sync_url(state: FilterState, view: ViewState) -> ViewState:
    """Write the view into the URL, keeping the map position the map itself wrote there."""
    current = _current_query()
    position = {k: current[k] for k in POSITION_PARAMS if k in current}
    if position:
        _, parsed, _ = parse_query(position, options={}, fiche_ids=[], year_range=None)
        view = replace(view, center=parsed.center, zoom=parsed.zoom)
    desired: dict[str, list[str]] = {
        k: v if isinstance(v, list) else [v] for k, v in to_query(state, view).items()
    }
    for k in IGNORED_PARAMS:
        if k in current:
            desired[k] = current[k]
    if desired != current:
        st.query_params.from_dict(desired)
    session.url_query = _without_position(desired)
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


def context_for(c: Corpus) -> Context:
    state = state_from_widgets(c)
    if session.framed_filters is not None and session.framed_filters != state:
        # a view framed by the app (a deep link's fiche, « Voir sur la carte ») holds until
        # the filters change; then the map fits what they show (a view the person chose
        # stays: it is in the URL)
        session.map_center = None
        session.map_zoom = None
    session.framed_filters = state
    view = sync_url(state, view_from_session(c))
    return Context(c, state, view, apply_filters(c, state), embed=is_embedded())


# --- map clicks ------------------------------------------------------------------------


def new_map_click(result: dict | None) -> str | None:
    """The reference (``"12"`` for the 13th fiche, ``"d36"`` for a département area) of a
    click not yet handled, else None (``fiches.clicks``). On a session's first run, only
    a click made just now counts: an older one was handled by the previous session."""
    click = parse_click((result or {}).get("last_object_clicked_tooltip"))
    if click is None or click.text == session.map_click:
        return None
    session.map_click = click.text
    if session.run_count == 0 and not is_fresh(click, time.time()):
        return None
    return click.ref
