"""A fresh server serves its first visitors: 8 simultaneous first visits on a fresh copy
of the project (no ``make assets``, no built map data), started with ``streamlit run
app.py`` alone as Streamlit Community Cloud does, each get the map with no failed request.

Eight race for the first build of the assets and the map data as twenty do; twenty on
2 cores cost the suite 85–130 s, so the twenty are the load probe's (``make load``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fiches import paths

pytestmark = pytest.mark.browser


VISITS = 8


def test_simultaneous_first_visits_on_a_fresh_copy_fail_no_request():
    run = subprocess.run(
        [sys.executable, "-m", "scripts.load", "--first-visits", str(VISITS), "--sessions", "0"],
        cwd=paths.ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    figures = dict(line.split(" ", 1) for line in run.stdout.splitlines() if " " in line)
    assert figures.get("first_visits_with_map") == f"{VISITS} visits", run.stdout + run.stderr
    assert figures.get("first_visits_failed_requests") == "0 requests", run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
