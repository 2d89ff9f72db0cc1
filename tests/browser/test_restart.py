"""A server restart with a page open: the page reconnects by itself, and the first thing
the person then does (typing a search) applies, with the count and the URL following."""

from __future__ import annotations

import re
import signal

import pytest

from fiches.corpus import load_corpus
from fiches.filters import FilterState, apply_filters
from tests.browser import conftest
from tests.browser.conftest import StreamlitServer, wait_idle

pytestmark = pytest.mark.browser

QUERY = "Blois"
THEME = "conseil-citoyen"


def _restart(server: StreamlitServer, sig: signal.Signals, monkeypatch) -> StreamlitServer:
    """Stop the server with ``sig`` and start a new one on the same port."""
    server.proc.send_signal(sig)
    server.proc.wait(timeout=30)
    server.log.close()
    monkeypatch.setattr(conftest, "_free_port", lambda: server.port)
    return StreamlitServer()


def _count(n: int, total: int) -> re.Pattern:
    return re.compile(rf"^{n} actions? sur {total}$")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
@pytest.mark.parametrize("path", ["/fiches", "/"], ids=["fiches", "carte"])
def test_first_search_after_a_restart_applies(page, sig, path, monkeypatch):
    corpus = load_corpus()
    total = len(corpus.fiches)
    themed = len(apply_filters(corpus, FilterState(themes=(THEME,))))
    expected = len(apply_filters(corpus, FilterState(themes=(THEME,), q=QUERY)))
    assert expected < themed < total
    server = StreamlitServer()
    try:
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws))
        page.goto(f"{server.url}{path}?theme={THEME}")
        page.get_by_text(_count(themed, total)).first.wait_for(timeout=60_000)
        wait_idle(page)
        opened = len(sockets)

        server = _restart(server, sig, monkeypatch)
        # the page opens a new connection by itself: wait for it, then for its rerun
        assert _wait(lambda: len(sockets) > opened, page), "the page did not reconnect"
        wait_idle(page)
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


def _wait(condition, page, timeout_ms: int = 60_000) -> bool:
    """Poll a Python-side condition while the page runs (events arrive between polls)."""
    waited = 0
    while not condition():
        if waited >= timeout_ms:
            return False
        page.wait_for_timeout(100)
        waited += 100
    return True
