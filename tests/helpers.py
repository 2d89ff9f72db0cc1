"""Shared test helpers: the seed document, a copy of data/ to modify freely, and (from
``devtools.browser``, shared with ``scripts/``) the Streamlit server and browser waits.
Test modules import only this."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools.browser import (  # noqa: F401  (re-exported for the tests)
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    SCREENSHOTS,
    StreamlitServer,
    free_port,
    fresh_copy,
    map_frame,
    open_list,
    page_state,
    script_runs,
    wait_for_map,
    wait_idle,
)
from fiches import paths

SEED = paths.RAW / "participation-habitants-cadre-de-vie-2015.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def copy_data(target: Path) -> Path:
    """A private copy of data/ (raw, curation, sources, tables) for tests that write."""
    shutil.copytree(paths.DATA, target, ignore=shutil.ignore_patterns(".fiches.lock", "README.md"))
    return target


# A small document in the seed's format: one new fiche, one update of an existing one.
NEW_DOCUMENT = """Fiches d'expériences

« Nouvelles actions » en région Centre-Val de Loire

Publiées le 3 mars 2026

Sommaire

- *Jardins partagés à Vierzon*
- *Forum des locataires (Val Touraine Habitat)*

Jardins partagés à Vierzon (18)

Quoi ? > Objet de l'action\tCréer des jardins partagés au pied des immeubles.
Qui ? > porteur de l'action\tUne association de locataires.
Où ? > lieu/périmètre de l'action\tQuartier des Forges, à Vierzon.
Résultats obtenus\t<ul> ● 40 parcelles ● une fête annuelle
Contact\tjardins[a]exemple.fr

Forum des locataires VAL TOURAINE HABITAT (37)

Quoi ? > Objet de l'action\tCréation d'un lieu d'échanges – édition 2026.
"""


def map_view(page) -> tuple[float, float, float]:
    """The map's displayed centre and zoom: (lat, lon, zoom)."""
    return tuple(
        map_frame(page).evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    )


def chips(page, label: str) -> list[str]:
    """The values shown as chips in the sidebar multiselect ``label``."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text=label)
    tags = box.locator(".react-aria-ComboBox [data-tag]")  # not the <template> copy
    return sorted(t.inner_text().strip() for t in tags.all())


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect ``label``, then wait for the run.

    Streamlit's multiselect (react-aria) sometimes ignores a click on an option while the
    machine is loaded: measured 2 lost in 40 (load average 4.5 on 2 cores), with no chip,
    no run and an unchanged URL — the widget never took the choice, so the app had
    nothing to lose (see ``tests/browser/test_bursts.py`` for bursts). As a person does,
    click again when no chip appeared; the app's handling of the choice is what is tested.
    """
    runs = script_runs(page)
    box = page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True)
    for _ in range(2):
        open_list(page, box)
        page.get_by_role("option", name=option, exact=True).click()
        try:
            page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text=label)\
                .locator(".react-aria-ComboBox [data-tag]", has_text=option).first\
                .wait_for(timeout=5_000)  # fmt: skip
            break
        except PlaywrightTimeout:
            continue
    page.keyboard.press("Escape")
    wait_idle(page, after=runs)
