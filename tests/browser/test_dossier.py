"""Dossier, Comparer and Synthèse in a real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import SCREENSHOTS, wait_idle

pytestmark = pytest.mark.browser

LOIRE = ("des-locataires-auditeurs-france-loire", "habitat-participatif-france-loire")
COMPARED = (*LOIRE, "forum-des-locataires-val-touraine-habitat")


def pdf_pages(pdf: bytes) -> int:
    """Page objects of a PDF written by Chromium (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_dossier_shows_the_selection_and_prints_on_a4(page, context, server, corpus, requests_log):
    page.goto(f"{server.url}/dossier?bailleur=France+Loire")
    titles = corpus.fiches.loc[list(LOIRE), "titre"]
    for title in titles:
        page.get_by_text(title, exact=False).first.wait_for(timeout=30_000)
    page.get_by_text("Bailleur : France Loire — 2 actions").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le dossier (HTML)").click()
    document = Path(info.value.path()).read_text(encoding="utf-8")
    for title in titles:
        assert title in document

    printed = context.new_page()
    printed.set_content(document)
    pdf = printed.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) >= 2 + len(titles)  # cover, contents, then at least a page a fiche
    printed.screenshot(path=SCREENSHOTS / "dossier-couverture.png")
    printed.emulate_media(media="print")
    printed.evaluate("document.getElementById('fiche-2').scrollIntoView()")
    printed.screenshot(path=SCREENSHOTS / "dossier-fiche.png")


def test_comparer_three_columns_then_stacked_on_a_phone(
    page, browser, server, corpus, requests_log
):
    url = f"{server.url}/comparer?fiches={','.join(COMPARED)}"
    page.goto(url)
    heads = [page.locator(f".st-key-compare-col-{i}") for i in range(3)]
    for head, fid in zip(heads, COMPARED, strict=True):
        head.get_by_text(corpus.fiches.at[fid, "titre"]).wait_for(timeout=30_000)
    wait_idle(page)
    page.screenshot(path=SCREENSHOTS / "comparer-1280.png")
    boxes = [h.bounding_box() for h in heads]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert abs(boxes[0]["y"] - boxes[2]["y"]) < 2
    assert boxes[2]["x"] + boxes[2]["width"] <= 1280
    assert page.get_by_text("Rubrique vide dans la fiche.").first.is_visible()
    assert (
        f"fiches={'%2C'.join(COMPARED)}" in page.url or f"fiches={','.join(COMPARED)}" in page.url
    )

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        small = phone.new_page()
        small.goto(url)
        heads = [small.locator(f".st-key-compare-col-{i}") for i in range(3)]
        heads[2].get_by_text(corpus.fiches.at[COMPARED[2], "titre"]).wait_for(timeout=30_000)
        boxes = [h.bounding_box() for h in heads]
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert abs(boxes[0]["x"] - boxes[2]["x"]) < 2
    finally:
        phone.close()


def test_synthese_screenshot(page, server, corpus, requests_log):
    page.goto(f"{server.url}/synthese")
    page.get_by_text("Par type de porteur").wait_for(timeout=30_000)
    first = corpus.fiches.at["forum-des-locataires-val-touraine-habitat", "titre"]
    page.get_by_role("link", name=first).first.wait_for()
    page.get_by_role("button", name="Télécharger la synthèse (Markdown)").wait_for()
    page.locator('[data-testid="stDataFrame"] canvas').nth(3).wait_for()
    wait_idle(page)
    page.screenshot(path=SCREENSHOTS / "synthese-1280.png")
