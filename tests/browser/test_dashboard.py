"""What a person sees in a real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import MAP_FRAME, SCREENSHOTS, wait_for_map, wait_idle

pytestmark = pytest.mark.browser


def map_counts(page) -> tuple[int, int]:
    """(point places drawn as pins or inside clusters, département areas drawn)."""
    frame = page.frame_locator(MAP_FRAME)
    pins = frame.locator(".fiche-pin").count()
    clustered = sum(int(t) for t in frame.locator(".marker-cluster span").all_inner_texts())
    areas = frame.locator("path.leaflet-interactive").count()
    return pins + clustered, areas


def open_filters(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)


def test_map_draws_every_place_offline(page, server, corpus, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    page.wait_for_timeout(1000)
    points = int(corpus.places["lat"].notna().sum())
    dep_areas = corpus.places.loc[
        corpus.places["niveau"] == "departement", "code_departement"
    ].nunique()
    assert map_counts(page) == (points, dep_areas)
    page.screenshot(path=SCREENSHOTS / "carte-1280.png", full_page=True)


def test_filter_on_bailleur_keeps_its_fiches_everywhere(page, server, corpus, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    open_filters(page, "Bailleur", "France Loire")
    expected = corpus.fiches[corpus.fiches["bailleurs"].str.contains("France Loire")]
    assert page.get_by_text(f"{len(expected)} actions sur {len(corpus.fiches)}").is_visible()
    for title in expected["titre"]:
        assert page.get_by_role("button", name=title, exact=True).is_visible()
    assert page.get_by_role("button", name=corpus.fiches["titre"].iloc[0], exact=True).count() == 0
    places = corpus.places[corpus.places["fiche_id"].isin(expected.index)]
    want = (
        int(places["lat"].notna().sum()),
        places.loc[places["niveau"] == "departement", "code_departement"].nunique(),
    )
    page.wait_for_timeout(800)
    assert map_counts(page) == want
    assert "bailleur=France+Loire" in page.url
    # the Fiches page keeps the filter and lists exactly those fiches
    page.get_by_role("link", name="Fiches").click()
    wait_idle(page)
    assert "bailleur=France+Loire" in page.url
    assert page.get_by_text(f"{len(expected)} actions sur {len(corpus.fiches)}").is_visible()
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    assert grid.get_attribute("data-testid") == "stDataFrame"


def test_click_on_marker_opens_its_panel(page, server, corpus, requests_log):
    page.goto(server.url + "/?q=Rabiere")
    wait_for_map(page)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".fiche-pin").first.click()
    title = corpus.fiches.loc[corpus.fiches["titre"].str.contains("Rabière"), "titre"].iloc[0]
    page.get_by_role("heading", name=title).wait_for(timeout=15_000)
    assert "fiche=le-quartier-de-la-rabiere" in page.url
    assert page.get_by_text("localisé au quartier").first.is_visible()
    # links of the fiche are clickable and open in a new tab; e-mails stay as published
    link = page.get_by_role("link", name="http://www.agora-rabiere.fr/?cat=87")
    assert link.get_attribute("href") == "http://www.agora-rabiere.fr/?cat=87"
    assert link.get_attribute("target") == "_blank"
    assert page.get_by_text(
        "rachel.pacey-riviere[a]indre-et-loire.gouv.fr", exact=False
    ).is_visible()


def test_copied_link_reopens_same_view_in_fresh_browser(browser, server, corpus):
    first = browser.new_context(viewport={"width": 1280, "height": 800})
    page = first.new_page()
    page.goto(server.url + "/?theme=habitat-participatif")
    wait_for_map(page)
    page.get_by_role("button", name="Habitat participatif (France Loire)", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Copier le lien").click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    first.close()
    assert (
        "theme=habitat-participatif" in link and "fiche=habitat-participatif-france-loire" in link
    )
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    page = fresh.new_page()
    page.goto(link)
    wait_for_map(page)
    page.get_by_role("heading", name="Habitat participatif (France Loire)").wait_for()
    assert page.get_by_text(f"1 action sur {len(corpus.fiches)}").is_visible()
    fresh.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "participatif",
            [
                "Habitat participatif (France Loire)",
                "Co-produire avec les habitants : les budgets participatifs (Logiparc)",
            ],
        ),
        ("Joue", ["Le quartier de la Rabière avant-après : 2001-2014 (Joué-lès-Tours)"]),
    ],
)
def test_search_ignores_accents(page, server, corpus, query, expected, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    box = page.get_by_role("textbox", name="Recherche libre")
    box.fill(query)
    box.press("Enter")
    wait_idle(page)
    from fiches.filters import FilterState, apply_filters

    titles = list(apply_filters(corpus, FilterState(q=query))["titre"])
    assert set(expected) <= set(titles)
    assert page.get_by_text(
        re.compile(rf"^{len(titles)} actions? sur {len(corpus.fiches)}$")
    ).is_visible()
    for title in titles:
        assert page.get_by_role("button", name=title, exact=True).is_visible()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_screenshots_with_panel_open(browser, server, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(server.url + "/?fiche=les-comites-locaux-de-concertation-vallogis")
    wait_for_map(page)
    page.get_by_role("heading", name="Les Comités Locaux de Concertation (Vallogis)").wait_for()
    page.wait_for_timeout(800)
    page.screenshot(path=SCREENSHOTS / f"panel-{size[0]}x{size[1]}.png", full_page=False)
    page.screenshot(path=SCREENSHOTS / f"panel-{size[0]}x{size[1]}-full.png", full_page=True)
    context.close()


def test_every_page_renders_without_error(page, server, requests_log):
    for name in ("Fiches", "Statistiques", "Importer", "À propos", "Carte"):
        page.goto(server.url)
        wait_idle(page)
        page.get_by_role("link", name=name).click()
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name


def test_map_position_travels_in_the_link(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server.url + "/?lat=47.3400&lon=0.6600&z=12")
    wait_for_map(page, markers=False)
    page.wait_for_timeout(1500)
    frame = page.frames[-1]
    for candidate in page.frames:
        if candidate.evaluate("typeof window.map !== 'undefined' && !!window.map.getCenter"):
            frame = candidate
    center = frame.evaluate(
        "[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"
    )
    assert abs(center[0] - 47.34) < 0.01 and abs(center[1] - 0.66) < 0.01 and center[2] == 12
    # panning writes the new position into the page URL, without a rerun
    frame.evaluate("window.map.setView([46.58, 0.34], 11)")
    page.wait_for_timeout(800)
    assert "lat=46.5800" in page.url and "lon=0.3400" in page.url and "z=11" in page.url
    context.close()


def test_import_page_in_the_browser(page, server, tmp_path, requests_log):
    from tests.test_importer import NEW_DOCUMENT

    doc = tmp_path / "nouvelles-actions.txt"
    doc.write_text(NEW_DOCUMENT, encoding="utf-8")
    page.goto(server.url + "/importer")
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(doc))
    page.get_by_text("1 nouvelle(s), 1 mise(s) à jour").wait_for(timeout=30_000)
    wait_idle(page)
    button = page.get_by_text("Télécharger fiches.csv mis à jour")
    button.wait_for(timeout=30_000)
    with page.expect_download() as download:
        button.click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert "jardins-partages-a-vierzon" in content and content.count("\n") > 14


@pytest.mark.parametrize(
    "path",
    [
        "/statistiques?bailleur=Vallogis",
        "/fiches?fiche=habitat-participatif-france-loire",
        "/a_propos?theme=vivre-ensemble",
    ],
)
def test_deep_link_on_a_fresh_server_opens_the_page_through_the_app(browser, path):
    """The first visitor of a freshly started server arrives on a page, not on the map."""
    from tests.browser.conftest import StreamlitServer

    fresh = StreamlitServer()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(fresh.url + path)
        wait_idle(page)
        nav = page.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text("À propos", exact=True).wait_for(timeout=30_000)  # our menu
        wait_idle(page)
        assert nav.get_by_text("app", exact=True).count() == 0  # not the file names
        assert path.split("?")[1].split("=")[1].replace("+", " ")[:8] in page.url
        heading = {"/statistiques": "Statistiques", "/fiches": "Fiches", "/a_propos": "À propos"}
        assert page.get_by_role(
            "heading", name=heading[path.split("?")[0]], exact=True
        ).is_visible()
        assert page.get_by_text("Page not found").count() == 0
        page.close()
    finally:
        fresh.stop()


def test_table_row_selection_opens_the_panel(page, server, requests_log):
    page.goto(server.url + "/fiches?theme=budget-participatif")
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    page.wait_for_timeout(1000)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # first row's selection cell
    title = "Co-produire avec les habitants : les budgets participatifs (Logiparc)"
    page.get_by_role("heading", name=title).wait_for(timeout=15_000)
    assert "fiche=co-produire-avec-les-habitants" in page.url


def test_filter_change_keeps_the_map_and_its_view(page, server, requests_log):
    """A filter change redraws the actions, not the map: the user's zoom and position stay."""
    page.goto(server.url)
    wait_for_map(page)
    frame = next(f for f in page.frames if f.evaluate("typeof window.map !== 'undefined'"))
    frame.evaluate("window.__marker = 'same map'; window.map.setView([47.39, 0.69], 10)")
    page.wait_for_timeout(500)
    open_filters(page, "Thème", "Vivre-ensemble et lien social")
    page.wait_for_timeout(800)
    frame = next(f for f in page.frames if f.evaluate("typeof window.map !== 'undefined'"))
    assert frame.evaluate("window.__marker") == "same map"  # the iframe was not rebuilt
    assert frame.evaluate("window.map.getZoom()") == 10


def test_click_on_a_departement_with_two_actions_offers_both(page, server, requests_log):
    page.goto(server.url + "/?bailleur=Val+Touraine+Habitat")
    wait_for_map(page, markers=False)
    frame = page.frame_locator(MAP_FRAME)
    area = frame.locator("path.leaflet-interactive")
    area.first.wait_for()
    assert area.count() == 1  # Indre-et-Loire, drawn as its contour, no pin
    area.first.click(force=True)
    page.get_by_text("Plusieurs actions dans ce département").wait_for(timeout=15_000)
    page.get_by_role("button", name="Les Locataires référents (Val Touraine Habitat)").first.click()
    page.get_by_role("heading", name="Les Locataires référents (Val Touraine Habitat)").wait_for()
    assert page.get_by_text("au département").first.is_visible()
