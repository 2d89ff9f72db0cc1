"""Streamlit glue shared by ``app.py`` and the pages: the only package importing Streamlit.

- ``config``: settings from the environment (data folder, default basemap, run timer);
- ``data``: the corpus and the map's dataset, cached once per process and data version;
- ``state``: every session key behind one typed accessor, and the callbacks;
- ``urlsync``: the URL read at a session's start (and Back/Forward), written after each run;
- ``context``: the run's context, built once after the sidebar is drawn;
- ``sidebar``: draws the page menu and one widget per filter of the registry;
- ``map_clicks``: the map's last click, handled once;
- ``panel``: the list, the count line, the fiche panel and the share buttons;
- ``chrome``: the page's stylesheet and what every run ends with (``page.js``);
- ``actions``: buttons whose action survives a session's first run;
- ``contrib``: the contributions' shared pieces (session slots, field widgets, pickers,
  preview, history, notices, private links);
- ``proposer``: the proposal form, its draft, sending, the receipt and the follow-up page;
- ``moderation``: sign-in and its throttle, the queue of proposals, the detail, decisions;
- ``pages_mode``: the workaround for Streamlit's legacy ``pages/`` mode.

Decisions live in the domain modules (filters, urlstate, map_data, render); this package
only wires them to widgets.
"""

from fiches.ui.actions import action_button
from fiches.ui.chrome import end_of_run, page_script, page_style, stop
from fiches.ui.config import data_dir, default_tiles, record_run_time
from fiches.ui.context import run_context
from fiches.ui.data import check_assets, corpus, map_dataset
from fiches.ui.map_clicks import new_map_click
from fiches.ui.pages_mode import leave_legacy_pages_mode
from fiches.ui.panel import (
    count_line,
    data_notices,
    fiche_list,
    fiche_panel,
    page_heading,
    panel_selector,
    share_buttons,
)
from fiches.ui.state import (
    Context,
    Session,
    compare_query,
    query_of,
    select_fiche,
    session,
    take_focus,
)

__all__ = [
    "Context",
    "Session",
    "action_button",
    "check_assets",
    "compare_query",
    "context",
    "corpus",
    "count_line",
    "data_dir",
    "data_notices",
    "default_tiles",
    "end_of_run",
    "fiche_list",
    "fiche_panel",
    "map_dataset",
    "new_map_click",
    "page_heading",
    "page_script",
    "page_style",
    "panel_selector",
    "query_of",
    "record_run_time",
    "run_context",
    "select_fiche",
    "session",
    "share_buttons",
    "stop",
    "take_focus",
]


def context() -> Context:
    """The context computed by ``app.py`` in this run. Every page starts with this call."""
    leave_legacy_pages_mode()
    ctx = session.context
    return ctx if isinstance(ctx, Context) else run_context()
