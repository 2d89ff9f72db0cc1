"""The text the map reports for a click, as Python reads it.

The map (``static/js/fiches-map.js``, ``clickText``) appends ``#<ref>.<nonce>`` to the
text of each click: ``ref`` is a dataset position (``12``) or a département area
(``d36``); ``nonce`` is the browser's clock at the click (``Date.now()`` in base 36), so
that a second click on the same pin is still new.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiches.map_contract import CLICK_PATTERN

# How old a click may be, on the first run of a session, to count as the person's.
FIRST_RUN_CLICK_AGE_S = 10.0


@dataclass(frozen=True)
class MapClick:
    text: str
    ref: str
    sent_at: float  # seconds since the epoch, by the browser's clock


def parse_click(reported: str | None) -> MapClick | None:
    """The click in a reported text, or None when the text is not from our map."""
    match = CLICK_PATTERN.search(reported or "")
    if not match:
        return None
    ref, nonce = match.groups()
    return MapClick(reported or "", ref, int(nonce, 36) / 1000)


def is_fresh(click: MapClick, now: float) -> bool:
    """Whether a click reported on a session's first run was made just now.

    A page left open across a server restart keeps its map, which reports its last click
    again with the new session's first run, whatever the person did next (that click
    was handled by the previous session). The person's own first click after the
    restart is seconds old at most. Browser and server clocks are assumed to agree
    within a few seconds.
    """
    return now - FIRST_RUN_CLICK_AGE_S <= click.sent_at <= now + FIRST_RUN_CLICK_AGE_S
