"""A bulk import answers with its summary first, then one warning per kind with its count;
the list of fiches is folded."""

from __future__ import annotations

import pytest

from devtools.synth import document
from tests.helpers import wait_idle

pytestmark = pytest.mark.browser

N = 300


def test_bulk_import_groups_its_warnings(page, server, tmp_path, requests_log):
    path = tmp_path / "actions-synthetiques.txt"
    path.write_text(document(N), encoding="utf-8")
    page.goto(server.url + "/importer")
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    upload.wait_for(state="attached", timeout=60_000)
    upload.set_input_files(str(path))
    summary = page.get_by_text(f"{N} fiches lues : {N} nouvelles", exact=False)
    summary.wait_for(timeout=120_000)
    wait_idle(page)
    alerts = page.locator('[data-testid="stAlert"]')
    texts = [t.strip() for t in alerts.all_inner_texts()]
    assert texts[0].startswith(f"{N} fiches lues")  # the summary first
    assert texts[1:] == [f"{N} fiches sans curation (facettes vides)"]
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Voir la liste (300)")
    assert expander.count() == 1
    first = page.get_by_text("fiche « Action synthétique 1 » (action-synthetique-1)")
    assert not first.is_visible()  # folded
    expander.get_by_text("Voir la liste").click()
    first.wait_for(timeout=10_000)
    assert page.get_by_text("… et 100 autres.").is_visible()
