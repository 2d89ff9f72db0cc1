"""axe-core in the browser: no serious or critical violation on any page, map included."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.helpers import SCREENSHOTS, wait_for_map, wait_idle

pytestmark = pytest.mark.browser

SEVERE = {"serious", "critical"}
FICHE = "les-comites-locaux-de-concertation-vallogis"
PAGES = {
    "carte": "/",
    "carte-fiche": f"/?fiche={FICHE}",
    "carte-departement": "/?bailleur=Val+Touraine+Habitat",
    "fiches": f"/fiches?fiche={FICHE}",
    "statistiques": "/statistiques",
    "dossier": "/dossier?bailleur=France+Loire",
    "comparer": "/comparer?fiches=habitat-participatif-france-loire,"
    "des-locataires-auditeurs-france-loire",
    "synthese": "/synthese",
    "importer": "/importer",
    "a_propos": "/a_propos",
}


def drawn(page) -> None:
    """Wait until Streamlit has drawn every widget: a page's first run ends before the
    browser has fetched the scripts of its widgets, shown meanwhile as placeholders."""
    page.wait_for_function("!document.querySelector('[data-testid=stSkeleton]')")


def violations(frame) -> list[dict]:
    """axe-core's serious and critical violations in one frame (page or map frame)."""
    axe = Axe()
    frame.evaluate(axe.axe_script)
    result = frame.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [[n["target"], (n.get("any") or [{}])[0].get("data")] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(page, server, name, requests_log):
    page.goto(server.url + PAGES[name])
    wait_idle(page)
    drawn(page)
    found = {"page": violations(page.main_frame)}
    if name.startswith("carte"):
        wait_for_map(page, markers=name != "carte-departement")
        map_frame = next(f for f in page.frames if f.evaluate("typeof window.map !== 'undefined'"))
        map_frame.wait_for_function("window.FicheMap.drawn()")
        found["map"] = violations(map_frame)
    assert page.evaluate("document.documentElement.lang") == "fr"
    (SCREENSHOTS / f"axe-{name}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    assert found == {k: [] for k in found}, found
