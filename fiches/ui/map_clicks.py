"""Map clicks: the click text of the map's last click (``fiches.clicks`` reads it), once."""

from __future__ import annotations

import time

from fiches.clicks import is_fresh, parse_click
from fiches.ui.state import session


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
