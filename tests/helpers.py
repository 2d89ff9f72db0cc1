"""Shared test helpers: the seed document, a copy of data/ to modify freely, and (from
``devtools.browser``, shared with ``scripts/``) the Streamlit server and browser waits.
Test modules import only this."""

from __future__ import annotations

import shutil
from pathlib import Path

from devtools.browser import (  # noqa: F401  (re-exported for the tests)
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    SCREENSHOTS,
    StreamlitServer,
    free_port,
    fresh_copy,
    map_frame,
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


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect ``label``, then wait for the run."""
    runs = script_runs(page)
    box = page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page, after=runs)
