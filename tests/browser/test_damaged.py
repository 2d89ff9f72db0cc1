"""Damaged data files: every page says which row was left out and why, counts say what
the file holds, and the panel of a fiche says that one of its places could not be read.

The notices come from ``Corpus.notices`` (``fiches.notices``); the pages show them as
warnings and ``ui.count_line`` counts ``Corpus.total_in_file``.
"""

from __future__ import annotations

import re

import pytest

from tests import damaged
from tests.helpers import StreamlitServer, copy_data, wait_idle

pytestmark = pytest.mark.browser

PAGES = ("/", "/fiches", "/statistiques")
QUOTE_NOTICE = (
    "1 fiche illisible dans data/fiches.csv, ligne 8, colonne ordre : guillemet non fermé"
    " — elle n'est pas affichée."
)
BLOIS_NOTICE = (
    "1 lieu illisible dans data/places.csv, ligne 9, colonne lat : coordonnée non"
    " numérique « abc » — le lieu « Quartier prioritaire de Blois » (fiche « La mise en"
    " place du conseil citoyen à Blois ») n'est pas sur la carte."
)
BLOIS_PANEL = (
    "Le lieu « Quartier prioritaire de Blois » n'a pas pu être lu (data/places.csv, ligne 9,"
    " colonne lat : coordonnée non numérique) : il n'est pas sur la carte."
)


@pytest.fixture(scope="module")
def quote_server(tmp_path_factory):
    data = copy_data(tmp_path_factory.mktemp("quote") / "data")
    server = StreamlitServer(damaged.edit(data, "fiches.csv", damaged.unclosed_quote_in_ordre))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def blois_server(tmp_path_factory):
    data = copy_data(tmp_path_factory.mktemp("blois") / "data")
    server = StreamlitServer(damaged.edit(data, "places.csv", damaged.blois_lat_abc))
    yield server
    server.stop()


def _notice(page, text: str):
    return page.locator('[data-testid="stAlert"]').filter(has_text=text)


def _count(n: int, total: int):
    return re.compile(rf"^{n} actions? sur {total}$")


@pytest.mark.parametrize("path", PAGES)
def test_unclosed_quote_is_said_on_every_page_and_counted(page, quote_server, path, requests_log):
    page.goto(quote_server.url + path)
    _notice(page, QUOTE_NOTICE).first.wait_for(timeout=60_000)
    wait_idle(page)
    assert _notice(page, QUOTE_NOTICE).count() == 1
    assert page.get_by_text(_count(12, 13)).first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("path", PAGES)
def test_unreadable_place_is_said_on_every_page(page, blois_server, path, requests_log):
    page.goto(blois_server.url + path)
    _notice(page, BLOIS_NOTICE).first.wait_for(timeout=60_000)
    wait_idle(page)
    assert _notice(page, BLOIS_NOTICE).count() == 1
    assert page.get_by_text(_count(13, 13)).first.is_visible()


def test_panel_of_the_fiche_says_its_place_could_not_be_read(page, blois_server, requests_log):
    page.goto(f"{blois_server.url}/?fiche={damaged.BLOIS}")
    panel = page.locator('[class*="st-key-panel-"]')
    panel.get_by_text(damaged.BLOIS_TITLE).first.wait_for(timeout=60_000)
    wait_idle(page)
    assert panel.get_by_text(BLOIS_PANEL).is_visible()


def test_committed_data_shows_no_notice(page, requests_log):
    """Control: the same pages on intact data carry no warning about data files."""
    server = StreamlitServer()
    try:
        page.goto(server.url + "/fiches")
        page.get_by_text(_count(13, 13)).first.wait_for(timeout=60_000)
        wait_idle(page)
        assert page.locator('[data-testid="stAlert"]').filter(has_text="illisible").count() == 0
    finally:
        server.stop()
