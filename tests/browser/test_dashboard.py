"""What a person sees in a real headless Chromium: the map, the filters, the fiche."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from fiches.map_data import commune_precision
from tests.helpers import (
    MAP_FRAME,
    NEW_DOCUMENT,
    SCREENSHOTS,
    StreamlitServer,
    choose,
    map_frame,
    map_view,
    script_runs,
    wait_for_map,
    wait_idle,
)

pytestmark = pytest.mark.browser

# A valid 1×1 PNG: a stand-in tile (an empty body is a failed tile, which the map gives up on)
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def drawn(page, *, after: int = 0) -> dict:
    """What the map drew (``FicheMap.drawn()``), once it has drawn more than ``after`` times."""
    frame = map_frame(page)
    frame.wait_for_function(
        f"window.FicheMap.drawn() && window.FicheMap.drawn().draws > {after}", timeout=30_000
    )
    return frame.evaluate("window.FicheMap.drawn()")


def expected_drawing(corpus, fiche_ids) -> dict:
    places = corpus.places[corpus.places["fiche_id"].isin(fiche_ids)]
    placed = places[places["lat"].notna()]
    at_commune = commune_precision(placed, corpus.contours_of("commune"))
    return {
        "points": int((~at_commune).sum()),  # pins; the others are commune outlines
        "communes": placed.loc[at_commune, "code_commune"].nunique(),
        "actions": placed["fiche_id"].nunique(),
        "areas": places.loc[places["niveau"] == "departement", "code_departement"].nunique(),
    }


def contains(outer, inner) -> bool:
    (s, w), (n, e) = outer
    (s2, w2), (n2, e2) = inner
    eps = 1e-6
    return s <= s2 + eps and w <= w2 + eps and n >= n2 - eps and e >= e2 - eps


def map_bounds(page):
    return map_frame(page).evaluate(
        "(() => { const b = map.getBounds();"
        " return [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]]; })()"
    )


def test_map_draws_every_place_offline_and_fits_them(page, server, corpus, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    got = drawn(page)
    want = expected_drawing(corpus, corpus.fiches.index)
    assert {k: got[k] for k in want} == want
    # clusters count actions: their numbers never exceed the actions drawn
    numbers = map_frame(page).evaluate(
        "Array.from(document.querySelectorAll('.fiche-cluster span[aria-hidden]'))"
        ".map(s => Number(s.textContent))"
    )
    assert all(1 <= n <= want["actions"] for n in numbers)
    # the first view shows every action: Allier (France Loire) included
    assert contains(map_bounds(page), got["bounds"])
    assert "lat=" not in page.url  # a fitted view is not a view the person chose


def test_place_names_at_three_zooms(page, server, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    frame = map_frame(page)

    def names_at(zoom: float, center: tuple[float, float]) -> set[str]:
        before = frame.evaluate("window.FicheMap.labelsPlaced()")
        frame.evaluate(f"void map.setView([{center[0]}, {center[1]}], {zoom}, {{animate: false}})")
        frame.wait_for_function(f"window.FicheMap.labelsPlaced() > {before}")
        frame.wait_for_function("window.FicheMap.labelsSettled()")
        return set(
            frame.evaluate(
                "Array.from(document.querySelectorAll('.fiche-labels .place-label span'))"
                ".map(s => s.textContent)"
            )
        )

    assert {"Centre", "Poitou-Charentes"} <= names_at(6.5, (46.9, 1.0))  # widest
    regional = names_at(7.25, (46.9, 1.0))
    assert {"Indre", "Vienne", "Cher", "Allier"} <= regional and "Centre" not in regional
    departement = names_at(8.5, (47.4, 1.2))
    assert {"Tours", "Blois", "Orléans"} <= departement
    town = names_at(11, (48.0, 2.73))
    assert "Châlette-sur-Loing" in town  # a commune a fiche cites
    # names are drawn under the markers: never over a pin
    panes = frame.evaluate(
        "[Number(map.getPane('labels').style.zIndex),"
        " Number(getComputedStyle(map.getPane('markerPane')).zIndex)]"
    )
    assert panes[0] < panes[1]


def test_filter_on_bailleur_keeps_its_fiches_everywhere(page, server, corpus, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    first = drawn(page)
    choose(page, "Bailleur", "France Loire")
    expected = corpus.fiches[corpus.fiches["bailleurs"].str.contains("France Loire")]
    assert page.get_by_text(f"{len(expected)} actions sur {len(corpus.fiches)}").is_visible()
    for title in expected["titre"]:
        assert page.get_by_role("button", name=title, exact=True).is_visible()
    assert page.get_by_role("button", name=corpus.fiches["titre"].iloc[0], exact=True).count() == 0
    got = drawn(page, after=first["draws"])
    want = expected_drawing(corpus, expected.index)
    assert {k: got[k] for k in want} == want
    # the map fits what the filter shows: Cher and Allier whole
    assert contains(map_bounds(page), got["bounds"])
    assert "bailleur=France+Loire" in page.url
    # the Fiches page keeps the filter and lists exactly those fiches
    runs = script_runs(page)
    page.get_by_role("link", name="Fiches").click()
    wait_idle(page, after=runs)
    page.get_by_role("heading", name="Fiches", exact=True).wait_for()
    assert "bailleur=France+Loire" in page.url
    count = page.get_by_text(f"{len(expected)} actions sur {len(corpus.fiches)}")
    count.wait_for()  # the page's own count, once drawn
    assert count.is_visible()


def test_click_on_marker_opens_its_panel_in_view(page, server, corpus, requests_log):
    page.goto(server.url + "/?q=Rabiere")
    wait_for_map(page)
    frame = page.frame_locator(MAP_FRAME)
    pin = frame.locator(".fiche-pin").first
    title = corpus.fiches.loc[corpus.fiches["titre"].str.contains("Rabière"), "titre"].iloc[0]
    assert pin.get_attribute("title") == title  # the pin's accessible name
    pin.click()
    heading = page.get_by_role("heading", name=title)
    heading.wait_for(timeout=15_000)
    assert "fiche=le-quartier-de-la-rabiere" in page.url
    page.wait_for_function(
        "document.activeElement && document.activeElement.tagName === 'H2'", timeout=10_000
    )
    page.get_by_text("position approximative").first.wait_for()
    # links of the fiche are clickable and open in a new tab; e-mails stay as published
    link = page.get_by_role("link", name="http://www.agora-rabiere.fr/?cat=87")
    assert link.get_attribute("href") == "http://www.agora-rabiere.fr/?cat=87"
    assert link.get_attribute("target") == "_blank"
    assert page.get_by_text(
        "rachel.pacey-riviere[a]indre-et-loire.gouv.fr", exact=False
    ).is_visible()


def test_same_pin_reopens_its_fiche_after_closing(page, server, corpus, requests_log):
    page.goto(server.url + "/?q=Rabiere")
    wait_for_map(page)
    title = corpus.fiches.loc[corpus.fiches["titre"].str.contains("Rabière"), "titre"].iloc[0]
    pin = page.frame_locator(MAP_FRAME).locator(".fiche-pin").first
    pin.click()
    page.get_by_role("heading", name=title).wait_for(timeout=15_000)
    runs = script_runs(page)
    page.get_by_role("button", name="Fermer la fiche").first.click()
    wait_idle(page, after=runs)
    assert page.get_by_role("heading", name=title).count() == 0
    page.frame_locator(MAP_FRAME).locator(".fiche-pin").first.click()
    page.get_by_role("heading", name=title).wait_for(timeout=15_000)


def test_phone_pin_click_brings_the_fiche_into_view(browser, server, corpus):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + "/?q=Rabiere")
    wait_for_map(page)
    page.frame_locator(MAP_FRAME).locator(".fiche-pin").first.click()
    title = corpus.fiches.loc[corpus.fiches["titre"].str.contains("Rabière"), "titre"].iloc[0]
    heading = page.get_by_role("heading", name=title)
    heading.wait_for(timeout=15_000)
    page.wait_for_function(
        "(() => { const h = document.activeElement; if (!h || h.tagName !== 'H2') return false;"
        " const r = h.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()",
        timeout=10_000,
    )
    page.screenshot(path=SCREENSHOTS / "phone-after-pin-click.png")
    context.close()


def open_with_clipboard(browser, url: str):
    """A fresh context whose page may write and read the clipboard, on ``url``'s map."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(url)
    wait_for_map(page)
    return context, page


def test_copied_link_reopens_the_same_view_in_a_fresh_browser(browser, server, corpus):
    first, page = open_with_clipboard(browser, server.url + "/?theme=habitat-participatif")
    page.get_by_role("button", name="Habitat participatif (France Loire)", exact=True).click()
    page.get_by_role("heading", name="Habitat participatif (France Loire)").wait_for()
    # the person zooms in (a gesture), then copies the link
    page.frame_locator(MAP_FRAME).locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("location.search.includes('z=')", timeout=10_000)
    seen = map_view(page)
    page.get_by_role("button", name="Copier le lien").first.click()
    page.get_by_text("Lien copié dans le presse-papiers.").first.wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    first.close()
    assert (
        "theme=habitat-participatif" in link and "fiche=habitat-participatif-france-loire" in link
    )
    assert "z=" in link and "lat=" in link
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    page = fresh.new_page()
    page.goto(link)
    wait_for_map(page)
    page.get_by_role("heading", name="Habitat participatif (France Loire)").wait_for()
    page.get_by_text(f"1 action sur {len(corpus.fiches)}").first.wait_for()
    got = map_view(page)
    assert got[2] == seen[2]
    assert abs(got[0] - seen[0]) < 0.001 and abs(got[1] - seen[1]) < 0.001
    fresh.close()


def test_embed_code_and_embedded_view(browser, server, corpus):
    context, page = open_with_clipboard(browser, server.url + "/carte?theme=budget-participatif")
    page.get_by_role("button", name="Intégrer").click()
    page.get_by_text("Code d'intégration copié dans le presse-papiers.").first.wait_for()
    code = page.evaluate("navigator.clipboard.readText()")
    src = re.search(r'src="([^"]+)"', code).group(1).replace("&amp;", "&")
    assert code.startswith("<iframe") and "embed=true" in src and "theme=budget-participatif" in src
    page.goto(src)
    wait_for_map(page)
    wait_idle(page)
    page.get_by_text(f"1 action sur {len(corpus.fiches)}").wait_for()
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    assert page.get_by_role("link", name="Fiches").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    context.close()


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
    runs = script_runs(page)
    box.fill(query)
    box.press("Enter")
    wait_idle(page, after=runs)
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
    heading = page.get_by_role("heading", name="Les Comités Locaux de Concertation (Vallogis)")
    heading.wait_for()
    drawn(page)
    # the map is framed on the fiche's places and names them, once its names are placed for
    # that view (the framing comes after the first draw: names of the first view come first)
    frame = map_frame(page)
    names = "Array.from(document.querySelectorAll('.place-label span')).map(s => s.textContent)"
    try:
        frame.wait_for_function(
            f"window.FicheMap.labelsSettled() && {names}.some(n => n === 'Orléans' || n === 'Loiret')",
            timeout=30_000,
        )
    except PlaywrightTimeout:
        pytest.fail(f"the framed map names neither Orléans nor Loiret: {frame.evaluate(names)}")
    page.screenshot(path=SCREENSHOTS / f"panel-{size[0]}x{size[1]}.png", full_page=False)
    page.screenshot(path=SCREENSHOTS / f"panel-{size[0]}x{size[1]}-full.png", full_page=True)
    assert heading.is_visible()
    context.close()


def test_every_page_renders_without_error(page, server, requests_log):
    page.goto(server.url)
    wait_idle(page)
    for name in ("Fiches", "Statistiques", "Dossier", "Comparer", "Synthèse", "Importer"):
        runs = script_runs(page)
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name=name).click()
        wait_idle(page, after=runs)
        page.wait_for_function("document.querySelectorAll('h1').length === 1")  # stale ones gone
        assert page.locator('[data-testid="stException"]').count() == 0, name


def test_map_position_travels_in_the_link(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server.url + "/?lat=47.3400&lon=0.6600&z=12")
    wait_for_map(page, markers=False)
    frame = map_frame(page)
    frame.wait_for_function("Math.abs(map.getCenter().lat - 47.34) < 0.01")
    lat, lon, zoom = map_view(page)
    assert abs(lat - 47.34) < 0.01 and abs(lon - 0.66) < 0.01 and zoom == 12
    # a drag by the person writes the new position into the page URL, without a rerun
    runs = script_runs(page)
    box = page.locator(MAP_FRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 150, y + 80, steps=6)
    page.mouse.up()
    page.wait_for_function("!location.search.includes('lat=47.3400')", timeout=10_000)
    lat, lon, _ = map_view(page)
    assert f"lat={lat:.4f}" in page.url and f"lon={lon:.4f}" in page.url
    assert script_runs(page) == runs
    context.close()


def test_recenter_returns_to_the_fitted_view(page, server, requests_log):
    page.goto(server.url + "/?bailleur=Vallogis&lat=46.2&lon=-1.1&z=11")
    wait_for_map(page, markers=False)
    got = drawn(page)
    map_frame(page).wait_for_function("map.getZoom() === 11 && !map._animatingZoom")
    assert not contains(map_bounds(page), got["bounds"])
    page.frame_locator(MAP_FRAME).get_by_role("button", name="Recentrer").click()
    map_frame(page).wait_for_function("!window.parent.location.search.includes('lat=')")
    assert contains(map_bounds(page), got["bounds"])


def test_import_page_in_the_browser(page, server, tmp_path, requests_log):
    doc = tmp_path / "nouvelles-actions.txt"
    doc.write_text(NEW_DOCUMENT, encoding="utf-8")
    page.goto(server.url + "/importer")
    page.get_by_role("heading", name="Importer des fiches").wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(doc))
    button = page.get_by_text("Télécharger fiches.csv mis à jour")
    button.wait_for(timeout=30_000)
    with page.expect_download() as download:
        button.click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert "jardins-partages-a-vierzon" in content and content.count("\n") > 14


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/carte?theme=vivre-ensemble", "Carte des actions"),
        ("/statistiques?bailleur=Vallogis", "Statistiques"),
        ("/fiches?fiche=habitat-participatif-france-loire", "Fiches"),
        ("/a_propos?theme=vivre-ensemble", "À propos"),
        ("/dossier?bailleur=Vallogis", "Dossier"),
    ],
)
def test_every_page_url_on_a_fresh_server(browser, path, heading):
    """The first visitor of a freshly started server arrives on the page of the link."""
    fresh = StreamlitServer()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(fresh.url + path)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_role("link", name="À propos").wait_for(timeout=30_000)  # our menu
        page.get_by_role("heading", name=heading, exact=False).first.wait_for(timeout=30_000)
        assert sidebar.get_by_text("app", exact=True).count() == 0  # not the file names
        assert path.split("?")[1].split("=")[1].replace("+", " ")[:8] in page.url
        assert page.get_by_text("Page not found").count() == 0
        page.close()
    finally:
        fresh.stop()


def test_first_visitors_at_once_on_a_fresh_server(browser):
    """Several pages that open together on a fresh server (all the open pages reconnect
    after a restart) each arrive on their page, with our menu: the one that leaves the
    legacy ``pages/`` mode does not leave the others on Streamlit's."""
    fresh = StreamlitServer()
    links = {"/fiches?theme=vivre-ensemble": "Fiches", "/statistiques": "Statistiques",
             "/a_propos": "À propos", "/dossier?bailleur=Vallogis": "Dossier"}  # fmt: skip
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        pages = {path: context.new_page() for path in links}
        for path, page in pages.items():  # started together: no wait between them
            page.evaluate("(url) => { location.href = url; }", fresh.url + path)
        for path, page in pages.items():
            wait_idle(page)  # the run counter: only our app.py's runs count
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_role("link", name="À propos").wait_for()
            page.get_by_role("heading", name=links[path], exact=False).first.wait_for()
            assert sidebar.get_by_text("app", exact=True).count() == 0, path
        context.close()
    finally:
        fresh.stop()


def test_table_row_selection_opens_the_panel(page, server, requests_log):
    page.goto(server.url + "/fiches?theme=budget-participatif")
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    grid.locator("canvas").first.wait_for()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # first row's selection cell
    title = "Co-produire avec les habitants : les budgets participatifs (Logiparc)"
    page.get_by_role("heading", name=title).wait_for(timeout=15_000)
    assert "fiche=co-produire-avec-les-habitants" in page.url


def test_filter_change_keeps_the_map_and_the_view_the_person_chose(page, server, requests_log):
    """A filter change redraws the actions, not the map: a view the person set stays."""
    page.goto(server.url)
    wait_for_map(page)
    frame = map_frame(page)
    frame.evaluate("window.__marker = 'same map'")
    page.frame_locator(MAP_FRAME).locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("location.search.includes('z=')", timeout=10_000)
    zoom = map_view(page)[2]
    choose(page, "Thème", "Vivre-ensemble et lien social")
    frame = map_frame(page)
    assert frame.evaluate("window.__marker") == "same map"  # the iframe was not rebuilt
    assert frame.evaluate("map.getZoom()") == zoom


def test_click_on_a_departement_with_two_actions_offers_both(page, server, requests_log):
    page.goto(server.url + "/?bailleur=Val+Touraine+Habitat")
    wait_for_map(page, markers=False)
    frame = page.frame_locator(MAP_FRAME)
    area = frame.locator("path.leaflet-interactive")
    area.first.wait_for()
    assert area.count() == 1  # Indre-et-Loire, drawn as its contour, no pin
    assert area.first.get_attribute("aria-label").startswith("Indre-et-Loire (2 actions")
    area.first.focus()
    area.first.press("Enter")  # the keyboard opens it as a click does
    choice = page.get_by_role("heading", name="Plusieurs actions en Indre-et-Loire")
    choice.wait_for(timeout=15_000)
    page.wait_for_function(
        "document.activeElement && document.activeElement.tagName === 'H2'", timeout=10_000
    )
    page.get_by_role("button", name="Les Locataires référents (Val Touraine Habitat)").first.click()
    page.get_by_role("heading", name="Les Locataires référents (Val Touraine Habitat)").wait_for()
    panel = page.locator('[class*="st-key-panel-carte-"]')
    panel.get_by_text("au département").first.wait_for()  # the place line, once drawn


def test_back_and_forward_move_between_opened_fiches(page, server, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    first, second = (
        "Forum des locataires (Val Touraine Habitat)",
        "Habitat participatif (France Loire)",
    )
    page.get_by_role("button", name=first, exact=True).click()
    page.get_by_role("heading", name=first).wait_for()
    page.get_by_text("Liste des actions").click()
    page.get_by_role("button", name=second, exact=True).click()
    page.get_by_role("heading", name=second).wait_for()
    page.go_back()
    page.get_by_role("heading", name=first).wait_for(timeout=15_000)
    assert "fiche=forum-des-locataires" in page.url
    page.go_forward()
    page.get_by_role("heading", name=second).wait_for(timeout=15_000)


def test_no_request_leaves_the_site_until_a_tile_basemap_is_picked(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    # an online tile server is stood in for by the test (no machine here reaches it)
    context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX),
    )
    page = context.new_page()
    page.goto(server.url)
    wait_for_map(page)
    drawn(page)
    assert [u for u in urls if not u.startswith("http://localhost")] == []
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-control-layers").hover()
    frame.get_by_label("OpenStreetMap").check()
    frame.locator("img.leaflet-tile").first.wait_for(state="attached", timeout=10_000)
    assert any(u.startswith("https://tile.openstreetmap.org/") for u in urls)
    context.close()


def test_back_restores_the_filters(page, server, corpus, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    choose(page, "Bailleur", "France Loire")
    page.get_by_text(f"2 actions sur {len(corpus.fiches)}").wait_for()
    chosen = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"]')
    assert chosen.filter(has_text="France Loire").count() == 1
    page.go_back()
    page.get_by_text(f"{len(corpus.fiches)} actions sur {len(corpus.fiches)}").wait_for()
    assert "bailleur=" not in page.url
    assert chosen.filter(has_text="France Loire").count() == 0  # the widget says it too


def test_the_map_fits_the_filters_again_after_a_framed_fiche(page, server, requests_log):
    page.goto(server.url + "/?fiche=les-comites-locaux-de-concertation-vallogis")
    wait_for_map(page)
    first = drawn(page)
    choose(page, "Thème", "Vivre-ensemble et lien social")
    got = drawn(page, after=first["draws"])
    map_frame(page).wait_for_function("!map._animatingZoom")
    assert contains(map_bounds(page), got["bounds"])
