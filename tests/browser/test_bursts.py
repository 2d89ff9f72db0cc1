"""Nothing a person does is lost: actions that come faster than a script run lasts.

Each scenario acts with no wait between actions (Playwright's keyboard and mouse, as fast
as they go), waits until the page shows the person's last action in the address bar, then
until the app is idle, and checks that the widgets, the URL and the count all agree with
the last action.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from fiches.filters import FilterState, apply_filters
from tests.helpers import (
    PlaywrightTimeout,
    chips,
    open_list,
    page_state,
    wait_for_map,
    wait_idle,
)

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def count_of(page) -> str:
    line = page.get_by_text(re.compile(r"^\d+ actions? sur \d+$")).first
    line.wait_for()
    return line.inner_text()


def expected_count(corpus, state: FilterState) -> str:
    n, total = len(apply_filters(corpus, state)), corpus.total_in_file
    return f"{n} action{'s' if n > 1 else ''} sur {total}"


def settle(page, predicate: str) -> None:
    """Wait until the URL satisfies ``predicate`` (a JS expression over ``q``, the
    URLSearchParams of the address bar), then until no run is pending."""
    page.wait_for_function(
        f"(() => {{ const q = new URLSearchParams(location.search); return {predicate}; }})()",
        timeout=30_000,
    )
    wait_idle(page)


def themes_are(themes) -> str:
    """The predicate of ``settle``: the URL holds exactly these thèmes."""
    return f"JSON.stringify(q.getAll('theme').sort()) === {json.dumps(json.dumps(sorted(themes), separators=(',', ':')))}"


def test_typing_fast_with_enter_after_each_letter_keeps_every_letter(page, server, corpus):
    word = "locataires"
    page.goto(server.url)
    wait_for_map(page)
    box = page.get_by_role("textbox", name="Recherche libre")
    box.click()
    for letter in word:
        page.keyboard.type(letter)
        page.keyboard.press("Enter")
    settle(page, f"q.get('q') === {word!r}")
    assert box.input_value() == word
    assert query(page)["q"] == [word]
    assert count_of(page) == expected_count(corpus, FilterState(q=word))


def _theme_box(page):
    return page.locator(SIDEBAR).get_by_label("Thème", exact=True)


def _settle_on_the_chips(page, corpus) -> list[str]:
    """Wait until the URL holds exactly the thèmes the widget shows, then until idle;
    return them. The widget's chips are what the person's keys and clicks made (at full
    speed the widget itself may drop a key: it then never showed that chip)."""
    labels = {corpus.theme_label(t): t for t in corpus.options("themes")}
    try:
        _await_chips_in_url(page, labels)
    except PlaywrightTimeout as error:  # say what the page shows: chips, URL, runs
        raise AssertionError(f"the URL never matched the chips: {page_state(page)}") from error
    wait_idle(page)
    return sorted(labels[c] for c in chips(page, "Thème"))


def _await_chips_in_url(page, labels: dict[str, str]) -> None:
    page.wait_for_function(
        """(labels) => {
          const box = [...document.querySelectorAll('[data-testid=stSidebar] [data-testid=stMultiSelect]')]
            .find(b => b.innerText.includes('Thème'));
          const shown = [...box.querySelectorAll('.react-aria-ComboBox [data-tag]')]
            .map(t => labels[t.innerText.trim()]).sort();
          const url = new URLSearchParams(location.search).getAll('theme').sort();
          return JSON.stringify(shown) === JSON.stringify(url);
        }""",
        arg=labels,
        timeout=30_000,
    )


def test_a_burst_of_theme_changes_by_keyboard_keeps_the_last_choice(page, server, corpus):
    page.goto(server.url)
    wait_for_map(page)
    themes = corpus.options("themes")[:7]
    labels = [corpus.theme_label(t) for t in themes]
    box = _theme_box(page)
    open_list(page, box)
    for label in labels:  # seven added by keyboard: type the name, Enter
        page.keyboard.type(label)
        page.keyboard.press("Enter")
    for _ in range(3):  # three removed: Backspace in the empty box takes the last chip
        page.keyboard.press("Backspace")
    shown = _settle_on_the_chips(page, corpus)
    page.keyboard.press("Escape")
    assert chips(page, "Thème") == sorted(corpus.theme_label(t) for t in shown)
    assert sorted(query(page).get("theme", [])) == shown
    assert count_of(page) == expected_count(corpus, FilterState(themes=tuple(shown)))


def test_a_burst_of_theme_clicks_by_mouse_keeps_the_last_choice(page, server, corpus):
    page.goto(server.url)
    wait_for_map(page)
    themes = corpus.options("themes")[:6]
    # One click opens the list, then six options at full speed, as a person clicks down an
    # open list. Not a click on the box before each option: as its chips grow, the box
    # reaches the bottom of the sidebar and Playwright scrolls the sidebar to click it,
    # and react-aria closes an open list when its field's scroll parent scrolls; the next
    # option was then gone (seen in CI: 30 s on a detached option; measured 6 in 15 under
    # load with a click on the box first, 0 in 20 without).
    open_list(page, _theme_box(page))
    for theme in themes:
        page.get_by_role("option", name=corpus.theme_label(theme), exact=True).click()
    page.keyboard.press("Escape")
    shown = _settle_on_the_chips(page, corpus)
    assert shown  # the clicks made chips
    assert sorted(query(page).get("theme", [])) == shown
    assert count_of(page) == expected_count(corpus, FilterState(themes=tuple(shown)))


def test_mixed_bursts_keep_every_change(page, server, corpus):
    page.goto(server.url)
    wait_for_map(page)
    bailleur = "France Loire"
    theme = corpus.options("themes")[0]
    word = "habitat"
    open_list(page, page.locator(SIDEBAR).get_by_label("Bailleur", exact=True))
    page.get_by_role("option", name=bailleur, exact=True).click()
    page.keyboard.press("Escape")
    box = page.get_by_role("textbox", name="Recherche libre")
    box.click()
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    open_list(page, _theme_box(page))
    page.keyboard.type(corpus.theme_label(theme))
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page, f"q.get('q') === {word!r} && q.get('theme') === {theme!r} && q.has('bailleur')")
    state = FilterState(bailleurs=(bailleur,), themes=(theme,), q=word)
    assert box.input_value() == word
    assert chips(page, "Bailleur") == [bailleur]
    assert chips(page, "Thème") == [corpus.theme_label(theme)]
    assert query(page)["bailleur"] == [bailleur]
    assert count_of(page) == expected_count(corpus, state)
