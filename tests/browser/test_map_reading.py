"""The map reads like a map: names that never collide, context at every zoom, places at
their true precision, clusters and basemaps that keep the reader oriented (issue 18)."""

from __future__ import annotations

import re

import pytest

from fiches.map_data import commune_precision
from fiches.map_folium import REGIONS_BOUNDS
from tests.helpers import MAP_FRAME, SCREENSHOTS, map_frame, wait_for_map, wait_idle

pytestmark = pytest.mark.browser

# Screen boxes of the names written, and of what no name may cover (map frame pixels).
BOXES = """() => {
  const rect = (e) => { const r = e.getBoundingClientRect();
    return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  const shown = (r) => r.x1 > r.x0 && r.y1 > r.y0;
  const layer = document.querySelector('.fiche-labels:not(.fiche-labels-ruler)');
  const names = [...layer.querySelectorAll('.place-label')].map(e => {
    const r = rect(e);
    const at = map.containerPointToLatLng([(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2]);
    return {text: e.textContent, box: r, lat: at.lat, lon: at.lng};
  });
  const dots = [...layer.querySelectorAll('.place-dot')].map(rect);
  const icons = [...document.querySelectorAll('.fiche-pin, .fiche-cluster, .fiche-handle')]
    .map(rect).filter(shown);
  const m = map.getContainer().getBoundingClientRect();
  return {names, dots, icons, frame: {x0: m.left, y0: m.top, x1: m.right, y1: m.bottom}};
}"""


def overlaps(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


def collisions(boxes: dict) -> list[str]:
    """Every name (or its dot) over an icon, and every pair of names that overlap."""
    written = [(n["text"], n["box"]) for n in boxes["names"]] + [("·", d) for d in boxes["dots"]]
    found = []
    for i, (text, box) in enumerate(written):
        found += [f"{text} on an icon" for icon in boxes["icons"] if overlaps(box, icon)]
        found += [f"{text} on {other}" for other, b in written[i + 1 :] if overlaps(box, b)]
    return found


def settle(frame) -> None:
    frame.wait_for_function("window.FicheMap.labelsSettled()", timeout=30_000)


def in_regions(name: dict) -> bool:
    (s, w), (n, e) = REGIONS_BOUNDS
    return s <= name["lat"] <= n and w <= name["lon"] <= e


@pytest.mark.parametrize(
    ("zoom", "center"),
    [(7, (46.85, 0.9)), (7.75, (47.0012, 1.4138)), (9, (46.9, 0.9)), (12, (47.37, 0.68))],
)
def test_names_never_overlap_an_icon_or_each_other(page, server, zoom, center, requests_log):
    page.goto(f"{server.url}/?lat={center[0]}&lon={center[1]}&z={zoom}")
    wait_for_map(page)
    frame = map_frame(page)
    settle(frame)
    assert frame.evaluate("map.getZoom()") == zoom
    boxes = frame.evaluate(BOXES)
    assert collisions(boxes) == []
    inside = [n["text"] for n in boxes["names"] if in_regions(n)]
    assert len(inside) >= 5, inside
    for name in boxes["names"]:  # never cut by the map's edge
        assert (
            boxes["frame"]["x0"] <= name["box"]["x0"] <= name["box"]["x1"] <= boxes["frame"]["x1"]
        )
    page.screenshot(path=SCREENSHOTS / f"map-z{zoom}.png")


def test_names_are_placed_again_after_a_zoom_and_a_move(page, server, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    frame = map_frame(page)
    settle(frame)
    for step in ("map.setZoom(8.5)", "map.panBy([180, -120])", "map.setZoom(10.25)"):
        before = frame.evaluate("window.FicheMap.labelsPlaced()")
        frame.evaluate(step)
        frame.wait_for_function(f"window.FicheMap.labelsPlaced() > {before}", timeout=10_000)
        settle(frame)
        assert collisions(frame.evaluate(BOXES)) == [], step


def test_a_commune_cited_through_its_quartier_is_named(page, server, requests_log):
    page.goto(f"{server.url}/?lat=47.37&lon=0.68&z=12")
    wait_for_map(page)
    frame = map_frame(page)
    settle(frame)
    names = {n["text"] for n in frame.evaluate(BOXES)["names"]}
    assert "Joué-lès-Tours" in names  # the Rabière pin is in it
    assert "Tours" in names and len(names) >= 5
    # every commune's boundary is drawn from about z 10.5 (fetched then)
    frame.wait_for_function(
        "document.querySelectorAll('.leaflet-background-pane canvas').length > 0", timeout=10_000
    )


def test_places_known_only_to_the_commune_are_outlines_without_pin(
    page, server, corpus, requests_log
):
    page.goto(server.url)
    wait_for_map(page)
    frame = map_frame(page)
    drawn = frame.evaluate("window.FicheMap.drawn()")
    placed = corpus.places[corpus.places["lat"].notna()]
    at_commune = commune_precision(placed, corpus.contours_of("commune"))
    communes = set(placed.loc[at_commune, "code_commune"])
    assert drawn["points"] == int((~at_commune).sum())  # only checkable positions are pins
    assert drawn["communes"] == len(communes)
    outlines = frame.locator("path.leaflet-interactive[aria-label*='dans la commune']")
    assert outlines.count() == len(communes)
    # Blois: two actions, four places, all « somewhere in Blois »: one outline, one handle
    frame.evaluate("void map.setView([47.59, 1.33], 12, {animate: false})")
    settle(frame)
    f = page.frame_locator(MAP_FRAME)
    assert f.locator(".fiche-pin").count() == 0
    assert f.locator(".fiche-handle").count() == 1
    assert f.locator(".fiche-handle").inner_text() == "2"
    assert "Blois" in {n["text"] for n in frame.evaluate(BOXES)["names"]}
    # Châteauroux: one action with three places there is one handle saying 1, not a group
    frame.evaluate("void map.setView([46.81, 1.69], 11, {animate: false})")
    settle(frame)
    assert f.locator(".fiche-cluster").count() == 0
    assert f.locator(".fiche-handle").inner_text() == "1"


@pytest.mark.parametrize("how", ["click", "Enter", " "])
def test_a_cluster_zooms_to_fit_its_members_and_no_further(page, server, how, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    frame = map_frame(page)
    settle(frame)
    start = frame.evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    groups = frame.evaluate("window.FicheMap.clusters()")
    assert groups, "the first view shows at least one group"
    for group in groups:
        frame.evaluate(f"map.setView([{start[0]}, {start[1]}], {start[2]}, {{animate: false}})")
        settle(frame)
        icon = icon_at(page, frame, group)
        if how == "click":
            icon.click()
        else:
            icon.focus()
            icon.press(how)
        frame.wait_for_function(f"map.getZoom() > {start[2]}", timeout=10_000)
        settle(frame)
        zoom = frame.evaluate("map.getZoom()")
        assert zoom <= 13
        inside = frame.evaluate(
            "(pts) => pts.every(p => map.getBounds().contains(p))", group["members"]
        )
        assert inside, (group, zoom)


def icon_at(page, frame, group):
    """The group's icon: the one whose centre is nearest the group's position."""
    index = frame.evaluate(
        """(at) => {
          const p = map.latLngToContainerPoint(at);
          const icons = [...document.querySelectorAll('.fiche-cluster')];
          const m = map.getContainer().getBoundingClientRect();
          const d = icons.map(e => { const r = e.getBoundingClientRect();
            return Math.hypot(r.left + r.width / 2 - m.left - p.x, r.top + r.height / 2 - m.top - p.y); });
          return d.indexOf(Math.min(...d));
        }""",
        group["at"],
    )
    return page.frame_locator(MAP_FRAME).locator(".fiche-cluster").nth(index)


def test_failing_online_tiles_fall_back_to_the_contours_and_say_so(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    # no network here: the online tile servers are made to fail by the test
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    context.route("https://data.geopf.fr/**", lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(server.url)
        wait_for_map(page)
        assert [u for u in urls if not u.startswith("http://localhost")] == []
        frame = page.frame_locator(MAP_FRAME)
        notice = frame.locator(".fiche-notice")
        assert notice.is_hidden()
        frame.locator(".leaflet-control-layers").hover()
        frame.get_by_label("OpenStreetMap").check()
        notice.get_by_text("Fond de carte en ligne injoignable : retour aux contours.").wait_for(
            timeout=15_000
        )
        assert frame.get_by_label("Contours (hors ligne)").is_checked()
        assert any(u.startswith("https://tile.openstreetmap.org/") for u in urls)
        page.screenshot(path=SCREENSHOTS / "map-tiles-failed.png")
    finally:
        context.close()


def test_the_map_speaks_french_and_has_room(page, server, requests_log):
    page.goto(server.url)
    wait_for_map(page)
    wait_idle(page)
    frame = page.frame_locator(MAP_FRAME)
    assert frame.get_by_role("button", name="Zoomer", exact=True).count() == 1
    assert frame.get_by_role("button", name="Dézoomer", exact=True).count() == 1
    assert frame.locator("html").get_attribute("lang") == "fr"
    # the scale in metres only: no « ft » or « mi » line shown
    scale = frame.locator(".leaflet-control-scale")
    assert re.fullmatch(r"\d+ k?m", scale.inner_text().strip()), scale.inner_text()
    assert page.locator(MAP_FRAME).get_attribute("title") == "Carte des actions"
    assert page.locator(MAP_FRAME).bounding_box()["width"] >= 700  # 1280×800, no fiche open


def test_the_map_is_full_width_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(server.url)
        wait_for_map(page)
        box = page.locator(MAP_FRAME).bounding_box()
        assert box["width"] >= 390 - 2 * 24 - 2  # the page's side padding only
    finally:
        context.close()


@pytest.mark.parametrize("query", ["", "?bailleur=France+Loire"])
def test_the_dossier_page_shows_its_cover_map(page, server, query, requests_log):
    page.goto(f"{server.url}/dossier{query}")
    cover = page.get_by_role(
        "img", name="Carte des actions du dossier, numérotées comme au sommaire"
    )
    cover.wait_for(timeout=30_000)
    wait_idle(page)
    assert cover.get_attribute("src").startswith("data:image/svg+xml")
    box = cover.bounding_box()
    assert box["height"] >= 200 and box["width"] >= 200
    # the drawing itself, decoded by the browser: the numbered places and the town names
    size = cover.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size[0] > 0 and size[1] > 0
    page.screenshot(path=SCREENSHOTS / f"dossier-page{'-loire' if query else ''}.png")


def test_a_commune_handle_offers_its_actions(page, server, requests_log):
    page.goto(f"{server.url}/?lat=47.59&lon=1.33&z=11")
    wait_for_map(page)
    settle(map_frame(page))
    handle = page.frame_locator(MAP_FRAME).locator(
        ".fiche-handle[title^='Blois (2 actions dans la commune)']"
    )
    assert handle.inner_text() == "2"
    handle.focus()
    handle.press("Enter")  # the keyboard opens it as a click does
    page.get_by_role("heading", name="Plusieurs actions à Blois").wait_for(timeout=15_000)
    for title in (
        "La mise en place du conseil citoyen à Blois",
        "Mieux vivre ensemble (Conseil de quartiers nord – Blois)",
    ):
        page.get_by_role("button", name=title).first.wait_for()


@pytest.mark.parametrize("edge", ["left", "right", "top"])
def test_a_pin_label_stays_inside_the_map_near_an_edge(page, server, edge, requests_log):
    page.goto(server.url + "/?q=Rabiere")
    wait_for_map(page)
    frame = map_frame(page)
    settle(frame)
    # bring the Rabière pin 20 px from the edge
    frame.evaluate(
        """(edge) => {
          map.setView([47.34444, 0.6625], 11, {animate: false});
          const s = map.getSize();
          const by = {left: [s.x / 2 - 20, 0], right: [20 - s.x / 2, 0], top: [0, s.y / 2 - 20]};
          map.panBy(by[edge], {animate: false});
        }""",
        edge,
    )
    settle(frame)
    pin = page.frame_locator(MAP_FRAME).locator(".fiche-pin")
    pin.hover()
    tip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
    tip.wait_for()
    frame.wait_for_function(
        """() => { const t = document.querySelector('.leaflet-tooltip').getBoundingClientRect();
                   const m = map.getContainer().getBoundingClientRect();
                   return t.left >= m.left && t.right <= m.right && t.top >= m.top &&
                          t.bottom <= m.bottom; }""",
        timeout=5_000,
    )
