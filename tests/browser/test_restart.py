"""A server restart with a page open: the page reconnects by itself, and the first thing
the person then does (typing a search) applies, with the count and the URL following."""

from __future__ import annotations

import re
import signal

import pytest

from fiches.corpus import load_corpus
from fiches.filters import FilterState, apply_filters
from tests.helpers import StreamlitServer, wait_idle

pytestmark = pytest.mark.browser

QUERY = "Blois"
THEME = "conseil-citoyen"


def _count(n: int, total: int) -> re.Pattern:
    return re.compile(rf"^{n} actions? sur {total}$")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
@pytest.mark.parametrize("path", ["/fiches", "/"], ids=["fiches", "carte"])
def test_first_search_after_a_restart_applies(page, sig, path):
    corpus = load_corpus()
    total = len(corpus.fiches)
    themed = len(apply_filters(corpus, FilterState(themes=(THEME,))))
    expected = len(apply_filters(corpus, FilterState(themes=(THEME,), q=QUERY)))
    assert expected < themed < total
    server = StreamlitServer()
    try:
        page.goto(f"{server.url}{path}?theme={THEME}")
        page.get_by_text(_count(themed, total)).first.wait_for(timeout=60_000)
        wait_idle(page)
        # stopped with ``sig`` and started again on the same port: the page opens a new
        # connection by itself
        with page.expect_websocket(timeout=60_000):
            server.stop(sig)
            server.start()
        page.get_by_text(_count(themed, total)).first.wait_for(timeout=60_000)

        box = page.get_by_role("textbox", name="Recherche libre")
        box.fill(QUERY)
        box.press("Enter")
        page.get_by_text(_count(expected, total)).first.wait_for(timeout=30_000)
        wait_idle(page)
        assert re.search(rf"[?&]q={QUERY}(&|$)", page.url), page.url
        assert f"theme={THEME}" in page.url
        assert box.input_value() == QUERY
    finally:
        server.stop()
