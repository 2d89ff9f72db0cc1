"""Session state behind one typed accessor, the callbacks that change it, and the URL.

The URL is the state: it is read when a session starts (and again when the browser's
Back or Forward changes it), and the canonical query (``urlstate.to_query``) is written
after every run. The map writes its own position (``lat/lon/z``) into the URL, without a
rerun; the server keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

from fiches import compare
from fiches.corpus import Corpus
from fiches.filters import (
    FILTERS,
    MAX_QUERY_LENGTH,
    FilterState,
    alone,
    apply_filters,
    with_qualifiers,
)
from fiches.map_contract import FRAME_SELECTOR
from fiches.map_data import DEFAULT_COLOR, view_of_fiche
from fiches.urlstate import (
    POSITION_PARAMS,
    ViewState,
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

    # filter widgets: ``filter_key(field)`` for every entry of ``filters.FILTERS``
    # view
    fiche = _Slot("v_fiche", "")
    color_by = _Slot("v_color", DEFAULT_COLOR)
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

    def filter_value(self, field: str) -> Any:
        """What the filter's widget holds (None before it is drawn or set)."""
        return st.session_state.get(self.filter_key(field))


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


def widget_value(spec, value, c: Corpus) -> Any:
    """A filter's state value as its widget holds it (None: the widget is not drawn)."""
    if spec.widget == "multiselect":
        return list(value)
    if spec.widget == "years":
        return value or c.years()  # the slider holds the full range when no year is set
    return value


def state_value(spec, held: Any, c: Corpus) -> Any:
    """What a filter's widget holds, as its state value."""
    if spec.widget == "multiselect":
        return tuple(held or ())
    if spec.widget == "years":
        full = c.years()
        return tuple(held) if held and full and tuple(held) != full else None
    if spec.widget == "text":
        return (held or "").strip()[:MAX_QUERY_LENGTH]
    return held or spec.default


def set_filters(state: FilterState, c: Corpus) -> None:
    """Put ``state`` into the filter widgets."""
    for spec in FILTERS:
        value = widget_value(spec, getattr(state, spec.field), c)
        if value is not None:
            st.session_state[Session.filter_key(spec.field)] = value


def reset_filters() -> None:
    from fiches.ui.data import corpus  # the loaded corpus (cached): its year range

    set_filters(FilterState(), corpus())
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
    kept: dict[str, Any] = {}
    for spec in FILTERS:
        if spec.qualifies or getattr(state, spec.field) == spec.default:
            continue
        if fiche_id in apply_filters(c, alone(state, spec.field)).index:
            kept |= {name: getattr(state, name) for name in with_qualifiers(spec.field)}
    return FilterState(**kept)


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


def is_framed() -> bool:
    """Whether the map's set view is one the app framed (not a link's position)."""
    framed = session.framed_view
    return framed is not None and (session.map_center, session.map_zoom) == tuple(framed)


def show_on_map(c: Corpus, fiche_id: str) -> None:
    """« Voir sur la carte »: frame the map on the fiche and bring the map into view."""
    back = session.focus_back
    frame_map_on(c, fiche_id)
    select_fiche(fiche_id, focus=MAP_SELECTOR, back=back)
    session.goto_map = True
