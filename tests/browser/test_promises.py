"""Issue 19: every click keeps its promise. One test per point of the issue, each written
to fail on the code before the fix: state that never contradicts itself, the result of a
click in view, words a user understands, nothing in English we can reach."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import (
    MAP_FRAME,
    SCREENSHOTS,
    choose,
    map_frame,
    map_view,
    open_list,
    script_runs,
    wait_for_map,
    wait_idle,
)

pytestmark = pytest.mark.browser

HABITAT_17 = "mise-en-place-de-correspondants-d-immeubles-habitat-17"
FRANCE_LOIRE = "Habitat participatif (France Loire)"
PHONE = {"width": 390, "height": 844}


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def zoom_in(page, times: int) -> None:
    """Zoom in with the map's « + », as a person does, until the URL holds the new zoom."""
    frame = map_frame(page)
    for _ in range(times):
        before = frame.evaluate("map.getZoom()")
        page.frame_locator(MAP_FRAME).locator(".leaflet-control-zoom-in").click()
        frame.wait_for_function(f"map.getZoom() > {before} && !map._animatingZoom")
    z = frame.evaluate("map.getZoom()")
    page.wait_for_function(f"new URLSearchParams(location.search).get('z') === '{z:g}'")


def assert_url_holds_the_view(page) -> None:
    lat, lon, z = map_view(page)
    params = url_params(page)
    assert float(params["z"][0]) == z, (params, z)
    assert abs(float(params["lat"][0]) - lat) < 0.001 and abs(float(params["lon"][0]) - lon) < 0.001


def snap(page, name: str) -> None:
    size = page.viewport_size
    page.screenshot(path=SCREENSHOTS / f"promises-{name}-{size['width']}x{size['height']}.png")


# --- 1. one rule for the open fiche and the filters ---------------------------------------


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_filter_that_excludes_the_open_fiche_closes_it_with_a_way_back(
    browser, server, corpus, size
):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(server.url + f"/?fiche={HABITAT_17}")
    wait_for_map(page)
    title = corpus.fiches.at[HABITAT_17, "titre"]
    page.get_by_role("heading", name=title).wait_for()
    if size[0] < 600:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_function(  # slid in
            "document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().left === 0"
        )
    choose(page, "Bailleur", "France Loire")
    if size[0] < 600:
        page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    line = page.get_by_text(f"La fiche « {title} » ne correspond pas aux filtres choisis.")
    line.wait_for()
    snap(page, "filtered-out")
    total = len(corpus.fiches)
    assert page.get_by_role("heading", name=title).count() == 0
    assert page.get_by_text(f"2 actions sur {total}").first.is_visible()
    assert "fiche" not in url_params(page) and url_params(page)["bailleur"] == ["France Loire"]
    box = line.bounding_box()
    assert 0 <= box["y"] < size[1]  # said where the person looks, on a phone too
    # the way back: the fiche again, without the filter that excluded it
    runs = script_runs(page)
    page.get_by_role("button", name="Rouvrir la fiche").click()
    wait_idle(page, after=runs)
    page.get_by_role("heading", name=title).wait_for()
    assert url_params(page).get("fiche") == [HABITAT_17] and "bailleur" not in url_params(page)
    page.get_by_text(f"{total} actions sur {total}").first.wait_for()
    context.close()


def test_a_link_whose_fiche_is_filtered_out_says_so(page, server, corpus):
    page.goto(server.url + f"/?bailleur=France+Loire&fiche={HABITAT_17}")
    wait_for_map(page, markers=False)
    title = corpus.fiches.at[HABITAT_17, "titre"]
    page.get_by_text(f"La fiche « {title} » ne correspond pas aux filtres choisis.").wait_for()
    assert page.get_by_role("heading", name=title).count() == 0
    runs = script_runs(page)
    page.get_by_role("button", name="Retirer les filtres").click()
    wait_idle(page, after=runs)
    assert "bailleur" not in url_params(page)
    total = len(corpus.fiches)
    page.get_by_text(f"{total} actions sur {total}").first.wait_for()


# --- 2. a view is the person's until they change it ---------------------------------------


def test_opening_from_the_list_with_a_filter_keeps_the_view(page, server):
    page.goto(server.url + "/?bailleur=France+Loire")
    wait_for_map(page)
    map_frame(page).wait_for_function("!map._animatingZoom")
    zoom_in(page, 2)
    seen = map_view(page)
    runs = script_runs(page)
    page.get_by_role("button", name=FRANCE_LOIRE, exact=True).click()
    page.get_by_role("heading", name=FRANCE_LOIRE).wait_for()
    wait_idle(page, after=runs)
    map_frame(page).wait_for_function("!map._animatingZoom")
    got = map_view(page)
    assert got[2] == seen[2]
    assert abs(got[0] - seen[0]) < 0.001 and abs(got[1] - seen[1]) < 0.001
    assert_url_holds_the_view(page)
    # closing keeps it too
    runs = script_runs(page)
    page.get_by_role("button", name="Fermer la fiche").first.click()
    wait_idle(page, after=runs)
    got = map_view(page)
    assert got[2] == seen[2] and abs(got[0] - seen[0]) < 0.001
    assert_url_holds_the_view(page)


def test_the_address_bar_holds_the_view_after_voir_sur_la_carte_and_closing(page, server):
    page.goto(server.url + f"/?fiche={HABITAT_17}")
    wait_for_map(page)
    zoom_in(page, 1)
    runs = script_runs(page)
    page.get_by_role("button", name="Voir sur la carte").click()
    wait_idle(page, after=runs)
    map_frame(page).wait_for_function("!map._animatingZoom")
    assert_url_holds_the_view(page)
    seen = map_view(page)
    runs = script_runs(page)
    page.get_by_role("button", name="Fermer la fiche").first.click()
    wait_idle(page, after=runs)
    map_frame(page).wait_for_function("!map._animatingZoom")
    assert map_view(page)[2] == seen[2]
    assert_url_holds_the_view(page)


# --- 3. the result of a click is in view, on a phone too ----------------------------------


def test_phone_voir_sur_la_carte_brings_the_map_into_view(browser, server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + f"/?fiche={HABITAT_17}")
    wait_for_map(page)
    button = page.get_by_role("button", name="Voir sur la carte")
    button.scroll_into_view_if_needed()
    snap(page, "voir-sur-la-carte-before")
    runs = script_runs(page)
    button.click()
    wait_idle(page, after=runs)
    page.wait_for_function(
        f"(() => {{ const r = document.querySelector('{MAP_FRAME}').getBoundingClientRect();"
        " return r.top > -1 && r.bottom < innerHeight + 1; })()",
        timeout=10_000,
    )
    snap(page, "voir-sur-la-carte-after")
    context.close()


def test_close_control_at_the_top_escape_closes_and_focus_goes_back(page, server):
    page.goto(server.url)
    wait_for_map(page)
    entry = page.get_by_role("button", name=FRANCE_LOIRE, exact=True)
    entry.click()
    heading = page.get_by_role("heading", name=FRANCE_LOIRE)
    heading.wait_for()
    close = page.get_by_role("button", name="Fermer la fiche").first
    panel = page.locator('[class*="st-key-panel-carte-"]')
    assert close.bounding_box()["y"] - panel.bounding_box()["y"] < 120  # at the panel's top
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'H2'")
    runs = script_runs(page)
    page.keyboard.press("Escape")
    wait_idle(page, after=runs)
    assert heading.count() == 0
    # the focus is back on the list entry that opened the fiche
    page.wait_for_function(
        f"document.activeElement && document.activeElement.textContent.trim() === {FRANCE_LOIRE!r}",
        timeout=10_000,
    )


def test_plus_de_filtres_folds_and_unfolds(page, server):
    page.goto(server.url)
    wait_for_map(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    runs = script_runs(page)
    sidebar.get_by_role("button", name="Plus de filtres").click()
    wait_idle(page, after=runs)
    sidebar.get_by_text("Type de porteur").wait_for()
    runs = script_runs(page)
    sidebar.get_by_role("button", name="Moins de filtres").click()
    wait_idle(page, after=runs)
    assert sidebar.get_by_text("Type de porteur").count() == 0
    sidebar.get_by_role("button", name="Plus de filtres").wait_for()


# --- 7. French everywhere we can reach ------------------------------------------------------

PAGES = (
    "Carte",
    "Fiches",
    "Statistiques",
    "Dossier",
    "Comparer",
    "Synthèse",
    "Importer",
    "À propos",
)
# words that only English text has (French text on our pages uses none of them)
ENGLISH = re.compile(
    r"\b(the|to|for|of|and|all|select|upload|help|link|skip|search|download|files?|drag|drop"
    r"|browse|limit|per|results?|running|stop|fullscreen|show|hide|clear|press|open|close"
    r"|main|content|heading|sidebar|collapse|expand|menu|deploy|settings|rerun)\b",
    re.IGNORECASE,
)
STRINGS_JS = """() => {
  const out = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (!t || !el || el.closest('script, style, noscript, [aria-hidden=true], [data-testid=stIconMaterial]')) continue;
    // our own text (fiches, help) is French; a button's label is Streamlit's or ours
    const md = el.closest('[data-testid=stMarkdownContainer]');
    if (!md || md.closest('button')) out.add(t);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    for (const a of ['aria-label', 'title', 'placeholder']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.add(v.trim());
    }
  }
  return Array.from(out);
}"""


def readme_english() -> list[str]:
    """The README's list of Streamlit strings that stay in English, as written there."""
    from fiches import paths

    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Textes de Streamlit restés en anglais", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"« ([^»]+?) »", section)


def readme_english_on_pages() -> list[str]:
    """The first paragraph's strings: those seen on the pages (the others are passing)."""
    from fiches import paths

    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Textes de Streamlit restés en anglais", 1)[1].split("\n\n", 2)[1]
    return re.findall(r"« ([^»]+?) »", section)


def english_on(page) -> set[str]:
    return {s for s in page.evaluate(STRINGS_JS) if ENGLISH.search(s)}


def test_no_select_all_and_every_english_string_is_in_the_readme(page, server):
    listed = readme_english()
    assert listed, "the README lists the English strings"
    page.goto(server.url)
    wait_for_map(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    runs = script_runs(page)
    sidebar.get_by_role("button", name="Plus de filtres").click()
    wait_idle(page, after=runs)
    found: dict[str, set[str]] = {}
    boxes = sidebar.locator('[data-testid="stMultiSelect"]')
    assert boxes.count() >= 5
    for i in range(boxes.count()):
        box = boxes.nth(i).locator("input")
        open_list(page, box)
        page.get_by_role("option").first.wait_for()
        options = page.get_by_role("option").all_inner_texts()
        assert not [o for o in options if "select all" in o.lower()], (i, options[:3])
        page.keyboard.press("Escape")
        page.get_by_role("option").first.wait_for(state="detached")
    found["Carte"] = english_on(page)
    for name in PAGES[1:]:
        runs = script_runs(page)
        sidebar.get_by_role("link", name=name).click()
        wait_idle(page, after=runs)
        page.wait_for_function("document.querySelectorAll('h1').length === 1")
        if name == "Importer":
            page.locator('[data-testid="stFileUploaderDropzone"]').wait_for()
        if name == "Fiches":  # the table's toolbar is a script Streamlit fetches after it
            page.locator('[data-testid="stDataFrame"] [data-testid="stElementToolbarButton"]')\
                .first.wait_for(state="attached")  # fmt: skip
        found[name] = english_on(page)
    runs = script_runs(page)
    sidebar.get_by_role("link", name="Comparer").click()
    wait_idle(page, after=runs)
    page.get_by_label(re.compile("^Fiches à comparer")).click()
    page.get_by_role("option").first.wait_for()
    assert not [
        o for o in page.get_by_role("option").all_inner_texts() if "select all" in o.lower()
    ]
    page.keyboard.press("Escape")
    unlisted = {
        name: sorted(s for s in strings if not any(item in s for item in listed))
        for name, strings in found.items()
    }
    assert not any(unlisted.values()), "\n".join(f"{k}: {v}" for k, v in unlisted.items())
    # and the list is current: each listed string is seen on a page
    seen = set().union(*found.values())
    stale = [item for item in readme_english_on_pages() if not any(item in s for s in seen)]
    assert not stale, stale


# --- 6. the Importer in the user's words ---------------------------------------------------


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_importer_refuses_a_pdf_in_french_and_previews_in_french(browser, server, tmp_path, size):
    from tests.helpers import NEW_DOCUMENT

    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(server.url + "/importer")
    page.get_by_role("heading", name="Importer des fiches").wait_for()
    pdf = tmp_path / "fiches-2015.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    uploader.set_input_files(str(pdf))
    error = page.locator('[data-testid="stAlert"]').filter(has_text="Import impossible")
    error.wait_for(timeout=30_000)
    message = error.inner_text()
    assert "« fiches-2015.pdf » est un PDF, pas un document texte." in message
    assert "UTF-8 (.txt)" in message and not ENGLISH.search(message), message
    assert page.get_by_text("not allowed").count() == 0
    doc = tmp_path / "nouvelles-actions.txt"
    doc.write_text(NEW_DOCUMENT, encoding="utf-8")
    uploader.set_input_files(str(doc))
    page.get_by_text("2 fiches lues : 1 nouvelle, 1 mise à jour").wait_for(timeout=30_000)
    grids = page.locator('[data-testid="stDataFrame"] table[role=grid]')
    grids.nth(1).wait_for(state="attached", timeout=30_000)  # fiches, then places
    # the grid draws the columns in view only: all of them on a wide screen
    names = ("Titre", "État", "Lieu", "Commune", "Précision", "Trouvé dans")
    for name in names if size[0] > 1000 else names[:3]:
        assert page.locator("th", has_text=name).count() >= 1, name
    for word in ("fiche_id", "source_geo", "gazetteer"):
        assert page.locator("th, td", has_text=word).count() == 0, word
    page.locator(".st-key-import-map img").first.wait_for()
    assert page.locator(".st-key-import-map img").bounding_box()["height"] > 100
    assert "curation" not in page.locator('[data-testid="stAlert"]').all_inner_texts()[-1] or (
        page.get_by_text("La « curation », ce sont").is_visible()
    )
    page.locator(".st-key-import-map").scroll_into_view_if_needed()
    snap(page, "importer-preview")
    context.close()
