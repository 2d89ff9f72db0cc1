"""Hostile fiche text, as a hand-edited data file could hold it: nothing executes and
the text shows literally, in the panel, the list, the map tooltips and the table."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import (
    MAP_FRAME,
    SCREENSHOTS,
    StreamlitServer,
    copy_data,
    map_frame,
    script_runs,
    wait_for_map,
    wait_idle,
)

pytestmark = pytest.mark.browser

PWN = "window.__pwned = (window.__pwned || 0) + 1"
TITLE_POINT = f'<img src=x onerror="{PWN}">Rabière piégée'
TITLE_AREA = f"<script>{PWN}</script>Forum piégé"
SECTION = (
    f'<script>{PWN}</script> <img src=x onerror="{PWN}"> '
    f'[clic ici](javascript:{PWN}) <a href="javascript:{PWN}">lien a</a> '
    f'<b onmouseover="{PWN}">gras</b> <iframe src="javascript:{PWN}"></iframe> '
    "<div><p>HTML cassé <ul><li>"
)
LONG = "très long " * 5_000  # 50 KB


def _hostile_data(tmp_path):
    data = copy_data(tmp_path / "data")
    path = data / "fiches.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row["id"].startswith("le-quartier-de-la-rabiere"):
            row.update(
                titre=TITLE_POINT, section_objet=SECTION, section_comment=LONG, porteurs=SECTION
            )
        if row["id"] == "forum-des-locataires-val-touraine-habitat":
            row.update(titre=TITLE_AREA, section_docs=SECTION)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    server = StreamlitServer(_hostile_data(tmp_path_factory.mktemp("hostile")))
    yield server
    server.stop()


def _pwned(page) -> list:
    frames = [page.evaluate("window.__pwned || 0")]
    for frame in page.frames:
        try:
            frames.append(frame.evaluate("window.__pwned || 0"))
        except Exception:  # detached frame
            frames.append(0)
    return frames


def test_hostile_text_never_executes_and_shows_literally(page, hostile_server, requests_log):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(
        hostile_server.url
        + "/?fiche=le-quartier-de-la-rabiere-avant-apres-2001-2014-joue-les-tours"
    )
    wait_for_map(page)
    wait_idle(page)
    panel = page.locator('[class*="st-key-panel-carte-"]')  # the panel (its container key)
    assert page.get_by_role("heading", name=TITLE_POINT).is_visible()
    # a Markdown link with a javascript: target (possible in a hand-edited file) is inert
    links = panel.locator("a").filter(has_text="clic ici")
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    if links.count():
        links.first.click()
    # the raw markup is text: its characters are on screen, no element was created
    assert panel.get_by_text("onerror=", exact=False).first.is_visible()
    assert page.locator("main img[src='x'], main iframe[src^='javascript']").count() == 0
    assert panel.locator("a[href^='javascript']").count() == 0
    # the list button shows the title literally (the list is folded while a fiche is open)
    page.get_by_text("Liste des actions").click()
    page.get_by_role("button", name=TITLE_AREA, exact=True).wait_for()
    assert page.get_by_role("button", name=TITLE_AREA, exact=True).count() == 1
    # map tooltips: hover every pin and area; tooltip text is literal
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-control-zoom-in").click()
    map_frame(page).wait_for_function("!map._animatingZoom")
    seen = []  # a tooltip closes when the pointer leaves: read each while it is open
    for pin in frame.locator(".fiche-pin").all()[:10]:
        pin.hover()
        seen += frame.locator(".leaflet-tooltip").all_inner_texts()
    for area in frame.locator("path.leaflet-interactive").all():
        area.hover(force=True)
        seen += frame.locator(".leaflet-tooltip").all_inner_texts()
    tooltips = " ".join(seen)
    assert "onerror" in tooltips and "<script>" in tooltips  # pin and area titles, literal
    page.screenshot(path=SCREENSHOTS / "hostile-panel.png")
    # the table page
    runs = script_runs(page)
    page.get_by_role("link", name="Fiches").click()
    wait_idle(page, after=runs)
    page.locator('[data-testid="stDataFrame"]').wait_for()
    assert dialogs == []
    assert all(v == 0 for v in _pwned(page)), _pwned(page)
