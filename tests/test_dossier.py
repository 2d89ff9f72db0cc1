"""The dossier builder and its static map, without Streamlit."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import numpy as np
import pytest
import zxingcpp

from fiches.dossier import (
    DEFAULT_BASE_URL,
    build_dossier,
    dashboard_base,
    french_date,
    qr_svg,
    selection_title,
)
from fiches.filters import FilterState, apply_filters
from fiches.render import section_heading
from fiches.schema import SECTION_KEYS
from fiches.svgmap import frame_for, selection_map_svg
from fiches.urlstate import fiche_url, selection_url

FRANCE_LOIRE = FilterState(bailleurs=("France Loire",))


def qr_text(svg: str) -> str:
    """Decode a segno SVG: draw its path of horizontal strokes into pixels, then read it."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    modules = size // scale
    grid = np.full((modules, modules), 255, dtype=np.uint8)
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?:\s(-?[\d.]+))?", svg.split(' d="')[1]):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:  # h: a dark run on the row of y
            grid[int(y), int(x) : int(x + float(a))] = 0
            x += float(a)
    pixels = np.kron(grid, np.ones((8, 8), dtype=np.uint8))
    found = zxingcpp.read_barcodes(pixels)
    assert len(found) == 1
    return found[0].text


@pytest.fixture(scope="module")
def dossier(corpus):
    ids = list(corpus.fiches.index)
    document = build_dossier(
        corpus, ids, title="Toutes les actions — 13 actions", created=date(2026, 11, 29)
    )
    return ids, document


def test_every_title_and_section_is_in_the_dossier(corpus, dossier):
    ids, document = dossier
    articles = re.findall(r'<article class="fiche".*?</article>', document, re.S)
    assert len(articles) == len(ids)
    for fid, article in zip(ids, articles, strict=True):
        fiche = corpus.fiches.loc[fid]
        assert f'data-fiche="{fid}"' in article
        assert fiche["titre"].replace("'", "&#x27;") in article
        rubriques = re.findall(r'data-rubrique="(\w+)"', article)
        assert rubriques == list(SECTION_KEYS)
        for key in SECTION_KEYS:
            heading = section_heading(fiche, key).replace("'", "&#x27;")
            assert f"<h3>{heading}</h3>" in article
        assert "Source : " in article and "12 juin 2015" in article


def test_numbers_agree_between_map_contents_and_pages(dossier):
    ids, document = dossier
    toc = dict(re.findall(r'<li data-fiche="([^"]+)" data-numero="(\d+)"', document))
    pages = dict(re.findall(r'<article class="fiche" id="fiche-\d+" data-fiche="([^"]+)"'
                            r' data-numero="(\d+)"', document))  # fmt: skip
    on_map = re.findall(r'<g class="numero" data-fiche="([^"]+)" data-numero="(\d+)"', document)
    assert toc == pages == {fid: str(i) for i, fid in enumerate(ids, start=1)}
    assert on_map, "the cover map numbers the actions"
    for fid, number in on_map:
        assert toc[fid] == number
    # every fiche of the first corpus has a place that can be drawn
    assert {fid for fid, _ in on_map} == set(ids)


def test_qr_code_decodes_to_the_fiche_url(corpus, dossier):
    ids, document = dossier
    codes = re.findall(r'<svg viewBox="[^"]*" class="qr">.*?</svg>', document, re.S)
    assert len(codes) == len(ids)
    for fid, svg in zip(ids, codes, strict=True):
        assert qr_text(svg) == fiche_url(DEFAULT_BASE_URL, fid)
        assert fiche_url(DEFAULT_BASE_URL, fid) in document


def test_dossier_is_self_contained_and_printable(dossier):
    _, document = dossier
    assert "size: A4 portrait" in document and "break-before: page" in document
    assert "<thead>" in document  # the running header repeated on each printed page
    hrefs = re.findall(r'href="([^"]*)"', document)
    assert hrefs and all(re.match(r"(https?://|mailto:|#fiche-\d+$)", h) for h in hrefs)
    assert " src=" not in document  # nothing to fetch: the map and QR codes are inline
    assert "<script" not in document and "<link" not in document and "<img" not in document
    assert "29 novembre 2026" in document


def test_fiche_text_is_escaped(corpus):
    hostile = corpus.fiches.copy()
    fid = hostile.index[0]
    hostile.loc[fid, "titre"] = '<script>alert("titre")</script>'
    hostile.loc[fid, "section_objet"] = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    hostile.loc[fid, "source"] = "<b>source</b>"
    evil = dataclasses.replace(corpus, fiches=hostile)
    document = build_dossier(evil, [fid], title="<i>titre</i>")
    assert "<script>" not in document and "<img" not in document and "<b>" not in document
    assert "<i>titre" not in document and "javascript:" not in document
    assert "&lt;script&gt;" in document


@pytest.mark.parametrize(
    ("state", "n", "expected"),
    [
        (FRANCE_LOIRE, 2, "Bailleur : France Loire — 2 actions"),
        (FilterState(), 13, "Toutes les actions — 13 actions"),
        (FilterState(), 1, "Toutes les actions — 1 action"),
        (
            FilterState(bailleurs=("France Loire", "Vallogis"), departements=("37",)),
            3,
            "Bailleurs : France Loire, Vallogis ; Département : 37 – Indre-et-Loire — 3 actions",
        ),
        (
            FilterState(themes=("budget-participatif",), years=(2010, 2014), q="jardin"),
            0,
            "Recherche : « jardin » ; Thème : Budget participatif ; Années : 2010–2014 — 0 action",
        ),
        (
            FilterState(q="loyer", section="resultats"),
            2,
            "Recherche : « loyer » (rubrique Résultats obtenus) — 2 actions",
        ),
    ],
)
def test_selection_title(corpus, state, n, expected):
    assert selection_title(corpus, state, n) == expected


@pytest.mark.parametrize(
    ("url", "page", "expected"),
    [
        ("http://localhost:8501/dossier?bailleur=X", "dossier", "http://localhost:8501"),
        ("https://ex.fr/app/dossier/", "dossier", "https://ex.fr/app"),
        ("https://ex.fr/synthese#x", "synthese", "https://ex.fr"),
        ("https://ex.fr/", "dossier", "https://ex.fr"),
        (None, "dossier", DEFAULT_BASE_URL),
        ("javascript:alert(1)", "dossier", DEFAULT_BASE_URL),
        ("file:///etc/passwd", "dossier", DEFAULT_BASE_URL),
    ],
)
def test_dashboard_base(url, page, expected):
    assert dashboard_base(url, page) == expected


def test_links_back_to_the_dashboard():
    assert fiche_url("https://ex.fr/", "a b&c") == "https://ex.fr/carte?fiche=a%20b%26c"
    assert selection_url("https://ex.fr", FRANCE_LOIRE) == (
        "https://ex.fr/carte?bailleur=France%20Loire"
    )
    assert selection_url("https://ex.fr", FilterState()) == "https://ex.fr/carte"
    assert qr_text(qr_svg("https://ex.fr/carte?fiche=x")) == "https://ex.fr/carte?fiche=x"


@pytest.mark.parametrize(("day", "text"), [(1, "1er juin 2015"), (12, "12 juin 2015")])
def test_french_date(day, text):
    assert french_date(date(2015, 6, day)) == text


# -- the static map -------------------------------------------------------------------


def _circles(svg: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]


@pytest.mark.parametrize(
    "selection", [FilterState(), FRANCE_LOIRE, FilterState(departements=("17",))]
)
def test_map_places_are_inside_the_drawing(corpus, selection):
    ids = list(apply_filters(corpus, selection).index)
    svg = selection_map_svg(corpus.contours, corpus.places, ids, width=640, height=560)
    width, height = map(float, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    circles = _circles(svg)
    assert circles
    for x, y in circles:
        assert 0 < x < width and 0 < y < height
    # the frame itself holds every located place, before any label is moved
    places = corpus.places[corpus.places["fiche_id"].isin(ids) & corpus.places["lat"].notna()]
    frame = frame_for(
        list(zip(places["lon"], places["lat"], strict=True)), [], width=640, height=560
    )
    for lon, lat in zip(places["lon"], places["lat"], strict=True):
        x, y = frame.project(lon, lat)
        assert 0 <= x <= width and 0 <= y <= height


def test_map_draws_departements_as_areas(corpus):
    svg = selection_map_svg(corpus.contours, corpus.places, list(corpus.fiches.index))
    deps = re.findall(
        r'<path class="dep( choisi)?" data-code="(\w+)" d="(M[^"]+Z)" fill="(#\w+)"', svg
    )
    codes = {f["properties"]["code"] for f in corpus.contours["features"]
             if f["properties"]["kind"] == "departement"}  # fmt: skip
    assert {code for _, code, _, _ in deps} == codes
    # a place at département level fills its département (Indre: the Châteauroux fiche)
    chosen = {code for flag, code, _, fill in deps if flag and fill != "#ffffff"}
    assert "36" in chosen and "37" in chosen
    assert svg.count('class="region"') == 2


def test_map_sets_apart_fiches_in_one_commune(corpus):
    # two Blois fiches share the commune: their discs must not overlap
    ids = [fid for fid in corpus.fiches.index if "blois" in fid]
    assert len(ids) == 2
    circles = _circles(selection_map_svg(corpus.contours, corpus.places, ids))
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            assert np.hypot(a[0] - b[0], a[1] - b[1]) >= 9


def test_cover_map_names_the_cited_communes_and_prefectures_clear_of_the_numbers(corpus):
    from fiches.dossier import cover_map_svg

    ids = list(corpus.fiches.index)
    svg = cover_map_svg(corpus, ids)
    names = re.findall(r'<g class="ville">.*?>([^<>]+)</text>', svg)
    assert {"Châteauroux", "Blois", "Poitiers", "Saint-Jean-de-Braye", "Orléans"} <= set(names)
    assert "Lyon" not in names  # préfectures of the départements drawn only
    loire = cover_map_svg(corpus, ["des-locataires-auditeurs-france-loire"])
    assert {"Moulins", "Bourges"} <= set(re.findall(r'<g class="ville">.*?>([^<>]+)</text>', loire))
    # no name's text box (estimated as drawn) covers a numbered disc
    circles = re.findall(
        r'<g class="numero".*?<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg
    )
    for x, y, anchor, name in re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" dy="0.35em" text-anchor="(\w+)" font-size="10"[^>]*>'
        r"([^<]+)</text>",
        svg,
    ):
        width = 0.56 * 10 * len(name)
        x0 = float(x) - {"start": 0, "end": width, "middle": width / 2}[anchor]
        for cx, cy, r in circles:
            cx, cy, r = float(cx), float(cy), float(r)
            apart = x0 >= cx + r or x0 + width <= cx - r
            assert apart or abs(float(y) - cy) >= r + 6 - 0.1, (name, cx, cy)
