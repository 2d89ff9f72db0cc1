"""A server restart with a page open: the page reconnects by itself, and the first thing
the person then does (typing a search) applies, with the count and the URL following."""

from __future__ import annotations

import re
import signal

import pytest

from fiches.corpus import load_corpus
from fiches.filters import FilterState, apply_filters
from tests.helpers import MAP_FRAME, StreamlitServer, open_list, wait_for_map, wait_idle

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


RABIERE = "le-quartier-de-la-rabiere-avant-apres-2001-2014-joue-les-tours"


def _click_list_entry(page, corpus) -> str:
    title = corpus.fiches.at[RABIERE, "titre"]
    page.get_by_role("button", name=title, exact=True).click()
    return title


def _click_pin(page, corpus) -> str:
    # the Rabière pin: the search leaves its fiche alone on the map
    page.frame_locator(MAP_FRAME).locator(".fiche-pin").first.click()
    return corpus.fiches.at[RABIERE, "titre"]


# both signals are covered by the search test above; one each here keeps the lane short
@pytest.mark.parametrize(
    ("act", "sig"),
    [(_click_list_entry, signal.SIGTERM), (_click_pin, signal.SIGKILL)],
    ids=["list-sigterm", "pin-sigkill"],
)
def test_first_click_after_a_restart_opens_its_fiche(page, sig, act):
    corpus = load_corpus()
    server = StreamlitServer()
    try:
        page.goto(f"{server.url}/?q=Rabiere")
        wait_for_map(page)
        wait_idle(page)
        with page.expect_websocket(timeout=60_000):
            server.stop(sig)
            server.start()
        # back on its view, then the person's first action is a click
        wait_for_map(page)
        title = act(page, corpus)
        page.get_by_role("heading", name=title, level=2).wait_for(timeout=30_000)
        wait_idle(page)
        assert f"fiche={RABIERE}" in page.url, page.url
        assert "q=Rabiere" in page.url
    finally:
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGKILL], ids=["sigkill"])
def test_first_filter_after_a_restart_applies(page, sig):
    corpus = load_corpus()
    total = len(corpus.fiches)
    bailleur = "France Loire"
    expected = len(apply_filters(corpus, FilterState(bailleurs=(bailleur,))))
    server = StreamlitServer()
    try:
        page.goto(server.url)
        page.get_by_text(_count(total, total)).first.wait_for(timeout=60_000)
        wait_idle(page)
        with page.expect_websocket(timeout=60_000):
            server.stop(sig)
            server.start()
        page.get_by_text(_count(total, total)).first.wait_for(timeout=60_000)
        open_list(
            page, page.locator('[data-testid="stSidebar"]').get_by_label("Bailleur", exact=True)
        )
        page.get_by_role("option", name=bailleur, exact=True).click()
        page.keyboard.press("Escape")
        page.get_by_text(_count(expected, total)).first.wait_for(timeout=30_000)
        wait_idle(page)
        assert "bailleur=France+Loire" in page.url
    finally:
        server.stop()
