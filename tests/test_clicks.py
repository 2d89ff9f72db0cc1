"""The map's click text as Python reads it, and which clicks count on a first run."""

from __future__ import annotations

import pytest

from fiches.clicks import FIRST_RUN_CLICK_AGE_S, is_fresh, parse_click

NOW = 1_800_000_000.0


def stamp(seconds: float) -> str:
    """A nonce as the map writes it: ``Date.now().toString(36)``."""
    return _base36(int(seconds * 1000))


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def test_the_nonce_is_read_as_the_browser_clock():
    click = parse_click(f"Forum des locataires#3.{stamp(NOW)}")
    assert click is not None
    assert (click.ref, click.sent_at) == ("3", NOW)


@pytest.mark.parametrize(
    ("age", "fresh"),
    [
        (0, True),
        (2.5, True),
        (FIRST_RUN_CLICK_AGE_S, True),
        (FIRST_RUN_CLICK_AGE_S + 1, False),  # handled by the session before the restart
        (3600, False),
        (-3, True),  # the browser's clock a little ahead
        (-(FIRST_RUN_CLICK_AGE_S + 1), False),
    ],
)
def test_only_a_click_made_just_now_counts_on_a_first_run(age, fresh):
    click = parse_click(f"Indre (1 action)#d36.{stamp(NOW - age)}")
    assert click is not None
    assert is_fresh(click, NOW) is fresh
