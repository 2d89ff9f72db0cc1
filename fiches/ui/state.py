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
    # the view the app framed (a fiche's places), kept while the filters stay as they were
    framed_view: _Slot[tuple | None] = _Slot("framed_view", None)
    # a fiche the filters closed, with the filters that did: (fiche id, FilterState)
    excluded: _Slot[tuple[str, FilterState] | None] = _Slot("excluded", None)
    map_choice: _Slot[list[str]] = _Slot("map_choice", [])
    map_choice_ref = _Slot("map_choice_ref", "")  # the area clicked (names the choice)
    map_click = _Slot("map_click", "")  # the last map click handled
    focus = _Slot("focus", "")  # CSS selector to bring into view after this run
    focus_back = _Slot("focus_back", "")  # where the focus returns when the fiche closes
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
    url_position: _Slot[dict | None] = _Slot("url_position", None)  # its lat/lon/z part
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


def select_fiche(fiche_id: str, *, focus: str = "", back: str = "") -> None:
    """Open a fiche; ``focus``: the selector to bring into view once it is drawn;
    ``back``: where the focus returns when the fiche is closed (the list entry, the map)."""
    session.fiche = fiche_id
    del session.map_choice
    del session.excluded
    session.focus = focus
    session.focus_back = back


def excluding_filters(c: Corpus, state: FilterState, fiche_id: str) -> FilterState:
    """``state`` without the filters that leave ``fiche_id`` out (each tested alone)."""
    empty = FilterState()
    kept: dict[str, object] = {}
    for name in (*(spec.field for spec in LIST_FILTERS), "years", "q"):
        value = getattr(state, name)
        if value == getattr(empty, name):
            continue
        alone = replace(empty, **{name: value}, section=state.section if name == "q" else "")
        if fiche_id in apply_filters(c, alone).index:
            kept[name] = value
    if "q" in kept:
        kept["section"] = state.section
    return replace(empty, **kept)


def set_filters(state: FilterState, c: Corpus) -> None:
    """Put ``state`` into the filter widgets."""
    for spec in LIST_FILTERS:
        st.session_state[Session.filter_key(spec.field)] = list(getattr(state, spec.field))
    session.q = state.q
    session.section = state.section
    if c.years():
        session.years = state.years or c.years()


def reopen_excluded(c: Corpus) -> None:
    """« Rouvrir la fiche »: the fiche the filters closed, without the filters that did."""
    excluded = session.excluded
    if not excluded:
        return
    fiche_id, state = excluded
    set_filters(excluding_filters(c, state, fiche_id), c)
    select_fiche(fiche_id)


def remove_filters_of_excluded() -> None:
    """« Retirer les filtres »: every filter off (the fiche stays closed)."""
    del session.excluded
    reset_filters()


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
    """Close the open fiche; the focus goes back where the fiche was opened from (the list
    entry, else ``focus``: the map)."""
    session.fiche = ""
    session.focus = session.focus_back or focus
    del session.focus_back


def frame_map_on(c: Corpus, fiche_id: str) -> None:
    """Set the map's next view to show every place of a fiche."""
    framed = view_of_fiche(c, fiche_id)
    if framed is not None:
        session.map_center, session.map_zoom = framed
        session.framed_view = framed


def _is_framed() -> bool:
    """Whether the map's set view is one the app framed (not a link's position)."""
    framed = session.framed_view
    return framed is not None and (session.map_center, session.map_zoom) == tuple(framed)


def show_on_map(c: Corpus, fiche_id: str) -> None:
    """« Voir sur la carte »: frame the map on the fiche and bring the map into view."""
    back = session.focus_back
    frame_map_on(c, fiche_id)
    select_fiche(fiche_id, focus=MAP_SELECTOR, back=back)
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
    if desired != current:
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
    if _is_framed() and (excluded or session.framed_filters not in (None, state)):
        # a view framed by the app (a deep link's fiche, « Voir sur la carte ») holds until
        # the filters change; then the map fits what they show (a view the person chose
        # or a link's position stays)
        session.map_center = None
        session.map_zoom = None
        del session.framed_view
    session.framed_filters = state
    view = sync_url(state, view)
    return Context(c, state, view, filtered, embed=is_embedded())


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
