"""The map's click text as Python reads it, and which clicks count on a first run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time

import pytest

from fiches import paths
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


def test_the_click_text_the_map_writes_is_read_by_python():
    """The JavaScript's own ``clickText`` (run in node) for a pin, a département area and a
    commune handle, read back by ``parse_click``: the two sides share one contract."""
    script = (
        "const m = require('./static/js/fiches-map.js');"
        "m.configure(require('./fiches/map_contract.json'));"
        "console.log(JSON.stringify(['12', 'd36', 'd2A', 'c41018'].map("
        "r => m.clickText('Titre &amp; co', r, Date.now().toString(36)))));"
    )
    node = shutil.which("node") or "/usr/bin/node"  # make test installs it
    out = subprocess.run([node, "-e", script], cwd=paths.ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    now = time.time()
    for ref, html in zip(["12", "d36", "d2A", "c41018"], json.loads(out.stdout), strict=True):
        reported = re.sub(r"<[^>]+>", "", html)  # streamlit-folium reports the text content
        click = parse_click(reported)
        assert click is not None, reported
        assert click.ref == ref
        assert is_fresh(click, now)
