"""Issue 19, points 4, 5 and 8: search that shows why, Comparer as one grid, and the small
things (the place named in the map's choice, long titles wrapped, no « Choisissez » over
an empty result, link notices at the top, no empty band above the titles). Each test was
written to fail on the code before the fix; the session's one server serves them all."""

from __future__ import annotations

from itertools import pairwise

import pytest

from tests.helpers import MAP_FRAME, SCREENSHOTS, wait_for_map, wait_idle

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = [DESKTOP, PHONE]
REFERENTS = "Les Locataires référents (Val Touraine Habitat)"  # « Joue » finds it by « joué »
COMPARED = (
    "le-quartier-de-la-rabiere-avant-apres-2001-2014-joue-les-tours",
    "habitat-participatif-france-loire",
    "forum-des-locataires-val-touraine-habitat",
)


def snap(page, name: str) -> None:
    size = page.viewport_size
    page.screenshot(path=SCREENSHOTS / f"promises-{name}-{size['width']}x{size['height']}.png")


@pytest.fixture(params=SIZES, ids=["desktop", "phone"])
def sized(request, browser):
    context = browser.new_context(viewport=request.param, locale="fr-FR")
    yield context.new_page()
    context.close()


# --- 4. search that shows why -------------------------------------------------------------


def test_the_list_says_where_the_words_were_found(page, server):
    page.goto(server.url + "/?q=Joue")
    wait_for_map(page)
    wait_idle(page)
    entry = page.locator(".st-key-liste-les-locataires-referents-val-touraine-habitat")
    entry.get_by_role("button", name=REFERENTS).wait_for()
    # the line right after the entry: the section's name, the excerpt, the match marked
    why = page.locator(".fiche-why").filter(has_text="Résultats obtenus")
    why.wait_for()
    assert "le rôle joué en faveur" in why.inner_text()
    mark = why.locator("mark")
    assert mark.count() == 1 and mark.inner_text() == "joué"
    style = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert style not in ("rgba(0, 0, 0, 0)", "transparent"), style  # highlighted
    follows = page.evaluate(
        """() => {
          const why = [...document.querySelectorAll('.fiche-why')]
            .find(p => p.textContent.includes('Résultats obtenus'));
          const entry = document.querySelector('.st-key-liste-les-locataires-referents-val-touraine-habitat');
          return why.getBoundingClientRect().top - entry.getBoundingClientRect().bottom;
        }"""
    )
    assert 0 <= follows < 30, follows  # under its own entry
    # escaped text: the excerpt holds no element but the highlight and the place's name
    tags = why.evaluate("p => [...p.querySelectorAll('*')].map(e => e.tagName)")
    assert set(tags) <= {"SPAN", "MARK"}, tags
    # every result says why (the other one, by its porteurs)
    assert page.locator(".fiche-why").count() == 2
    why.scroll_into_view_if_needed()
    snap(page, "search-excerpt")


def test_the_table_says_where_the_words_were_found(page, server):
    page.goto(server.url + "/fiches?q=Joue")
    grid = page.locator('[data-testid="stDataFrame"] table[role=grid]')
    grid.wait_for(state="attached", timeout=30_000)
    assert page.locator("th", has_text="Trouvé dans").count() == 1
    cell = page.locator("td", has_text="Résultats obtenus : …")
    assert cell.count() == 1
    assert "le rôle ‹joué› en" in cell.inner_text()  # the grid is drawn: the match framed


# --- 5. Comparer as one grid ---------------------------------------------------------------

ROWS_JS = """() => {
  // each row: the heading (h5) and, in the columns that follow, the top of each value
  // (its last Markdown, not the caption that names the fiche)
  const rows = [];
  for (const h of document.querySelectorAll('[data-testid=stMain] h5')) {
    const next = h.closest('[data-testid=stElementContainer]').nextElementSibling;
    const cols = next ? [...next.querySelectorAll('[data-testid=stColumn]')] : [];
    rows.push([h.textContent.trim(), cols.map(c => {
      const values = [...c.querySelectorAll('[data-testid=stMarkdownContainer]')]
        .filter(m => !m.closest('[data-testid=stCaptionContainer]'));
      const r = values[values.length - 1].getBoundingClientRect();
      return [Math.round(r.left), r.top, r.bottom];
    })]);
  }
  return rows;
}"""


def open_comparer(page, server) -> None:
    page.goto(server.url + "/comparer?fiches=" + ",".join(COMPARED))
    page.get_by_role("heading", name="Comparer").wait_for()
    page.get_by_role("heading", name="Docs / Liens / Site internet").wait_for()
    wait_idle(page)


def test_comparer_is_one_grid(page, server, corpus):
    open_comparer(page, server)
    rows = page.evaluate(ROWS_JS)
    assert len(rows) == 5 + 11  # facts, then the eleven sections
    for heading, cells in rows:
        assert len(cells) == 3, heading
        tops = [top for _, top, _ in cells]
        assert max(tops) - min(tops) <= 2, (heading, tops)  # one line of the page
    # the titles once, whole, at the top; no cell repeats its fiche's title
    main = page.locator('[data-testid="stMain"]')
    titles = [corpus.fiches.at[fid, "titre"] for fid in COMPARED]
    assert main.locator("h4").all_inner_texts() == [f"{i}. {t}" for i, t in enumerate(titles, 1)]
    captions = main.locator('[data-testid="stCaptionContainer"]').filter(visible=True)
    named = [c for c in captions.all_inner_texts() if c[:3] in ("1. ", "2. ", "3. ")]
    assert named == [], named[:3]
    page.locator('[data-testid="stMain"]').evaluate("m => m.scrollBy(0, 1200)")
    head = page.locator(".st-key-compare-head")
    page.wait_for_function(
        "Math.abs(document.querySelector('.st-key-compare-head').getBoundingClientRect().top) < 2"
    )
    assert head.bounding_box()["height"] < 200  # the titles stay in view, and leave room
    page.locator('[data-testid="stMain"]').evaluate("m => m.scrollTo(0, 0)")


def test_comparer_stacks_on_a_phone(browser, server):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    open_comparer(page, server)
    for heading, cells in page.evaluate(ROWS_JS):
        lefts = {left for left, _, _ in cells}
        assert len(lefts) == 1, (heading, cells)  # one column
        for above, below in pairwise(cells):
            assert below[1] >= above[2], heading  # one under the other
    # stacked, each cell names its fiche
    captions = page.locator(".st-key-compare-bailleur-1 [data-testid=stCaptionContainer]")
    assert captions.inner_text().startswith("2. Habitat participatif")
    context.close()


# --- 8. the small things -------------------------------------------------------------------


def test_the_choice_after_a_click_on_a_departement_names_it(page, server):
    page.goto(server.url + "/?bailleur=Val+Touraine+Habitat")
    wait_for_map(page, markers=False)
    area = page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")
    area.first.wait_for()
    area.first.focus()
    area.first.press("Enter")
    page.get_by_role("heading", name="Plusieurs actions en Indre-et-Loire").wait_for(timeout=15_000)
    assert page.get_by_text("Plusieurs actions à cet endroit").count() == 0
    snap(page, "departement-choice")


CUT_JS = """() => [...document.querySelectorAll('[class*=st-key-liste-] button')]
  .filter(b => [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
  .map(b => b.innerText)"""
LONG_TITLE = "Mieux vivre ensemble (Conseil de quartiers nord – Blois)"


def test_long_titles_wrap_in_the_list_and_the_table(sized, server, corpus):
    page = sized
    page.goto(server.url)
    wait_for_map(page)
    buttons = page.locator('[class*="st-key-liste-"] button')
    buttons.first.wait_for()
    assert page.evaluate(CUT_JS) == []
    # with a fiche open the list is narrow, beside or under the fiche
    page.get_by_role("button", name=LONG_TITLE).click()
    page.get_by_role("heading", name=LONG_TITLE).wait_for()
    page.get_by_text("Liste des actions").click()
    buttons.first.wait_for()
    assert page.evaluate(CUT_JS) == []
    assert LONG_TITLE in buttons.all_inner_texts()
    if page.viewport_size["width"] < 600:
        return  # the table: one size is enough
    # the table's rows are tall enough for Streamlit to wrap text (over 4rem)
    page.goto(server.url + "/fiches")
    scroller = page.locator('[data-testid="stDataFrame"] .dvn-scroller')
    scroller.wait_for(timeout=30_000)
    rows = len(corpus.fiches)
    assert scroller.evaluate("s => s.scrollHeight") >= rows * 65


def test_no_choose_line_over_an_empty_result(page, server):
    page.goto(server.url + "/?q=zzzzqqq")
    wait_for_map(page, markers=False)
    page.get_by_text("Aucune action ne correspond à ces filtres.").wait_for()
    assert page.get_by_text("Choisissez une action pour lire sa fiche complète.").count() == 0


def test_a_link_notice_is_at_the_top_of_the_page_on_a_phone(browser, server):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(server.url + "/?bailleur=Inconnu")
    wait_for_map(page, markers=False)
    notice = page.get_by_text("Lien partiellement repris")
    notice.wait_for()
    box = notice.bounding_box()
    assert 0 <= box["y"] < PHONE["height"] / 3  # seen at once, sidebar closed
    assert not notice.evaluate("n => !!n.closest('[data-testid=stSidebar]')")
    title = page.locator("h1").bounding_box()
    assert box["y"] < title["y"]  # above the page's own title
    context.close()


TITLE_TOP_JS = """() => {
  const h = document.querySelector('[data-testid=stMain] h1');
  const header = document.querySelector('[data-testid=stHeader]').getBoundingClientRect();
  const top = h.getBoundingClientRect().top + parseFloat(getComputedStyle(h).paddingTop);
  return [top, header.bottom, getComputedStyle(document.querySelector('[data-testid=stHeader]')).backgroundColor];
}"""


@pytest.mark.parametrize(
    ("size", "path"), [(DESKTOP, "/fiches"), (PHONE, "/a_propos")], ids=["desktop", "phone"]
)
def test_no_empty_band_above_the_titles(browser, server, size, path):
    context = browser.new_context(viewport=size, locale="fr-FR")
    page = context.new_page()
    page.goto(server.url + path)
    page.locator("[data-testid=stMain] h1").wait_for()
    wait_idle(page)
    top, header_bottom, header_bg = page.evaluate(TITLE_TOP_JS)
    assert top < 72, top  # was 116 px
    if header_bg not in ("rgba(0, 0, 0, 0)", "transparent"):  # an opaque header
        assert top >= header_bottom, (top, header_bottom)
    if size is DESKTOP:  # the embedded view keeps Streamlit's own spacing
        page.goto(server.url + "/?embed=true")
        page.locator(MAP_FRAME).wait_for()
        wait_idle(page)
        frame_top = page.locator(MAP_FRAME).bounding_box()["y"]
        assert 20 < frame_top < 80, frame_top
    context.close()
