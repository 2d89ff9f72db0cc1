"""The dossier: a selection of fiches as one self-contained, printable HTML document.

A4 portrait, in French: a cover (the selection in words, the date, a static map with
each action numbered), a table of contents with the same numbers, then each fiche in
full on its own pages, with its title repeated at the top of every printed page, a link
back to the dashboard and a QR code of that link.

Fiche text is never written as raw HTML: sections go through ``render.safe_html`` (our
escaped Markdown subset, cleaned by nh3), every other value through ``html.escape``.
Running headers use a table whose ``<thead>`` the browser repeats on each printed page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

import pandas as pd
import segno

from fiches.corpus import Corpus
from fiches.filters import FilterState, describe
from fiches.render import EMPTY_SECTION, fiche_facts, safe_html, section_heading
from fiches.schema import SECTION_KEYS, split_list
from fiches.svgmap import selection_map_svg
from fiches.text import MONTHS, actions
from fiches.urlstate import fiche_url

DEFAULT_BASE_URL = "http://localhost:8501"
CONFIRM_ABOVE = 50  # a larger dossier is built only after the user confirms
MAX_FICHES = 500  # about 1,500 printed pages; beyond, the user narrows the selection


def french_date(day: date) -> str:
    """« 1er juin 2015 », « 12 juin 2015 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def selection_title(corpus: Corpus, state: FilterState, n: int) -> str:
    """The filters in words: « Bailleur : France Loire — 2 actions » (plain text)."""
    parts = describe(corpus, state)
    head = " ; ".join(parts) if parts else "Toutes les actions"
    return f"{head} — {actions(n)}"


def dashboard_base(page_url: str | None, page: str) -> str:
    """The dashboard's address from the address of one of its pages.

    ``https://h/app/dossier?x=1`` → ``https://h/app``. Anything but http(s) gives the
    default (the URL comes from the browser and is only ever printed, escaped).
    """
    if not page_url:
        return DEFAULT_BASE_URL
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return DEFAULT_BASE_URL
    path = parts.path.rstrip("/")
    if path.endswith("/" + page) or path == page:
        path = path[: -len(page)].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


@lru_cache(maxsize=2048)  # choosing the best mask takes ~10 ms a code; reruns reuse them
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (segno; medium error correction)."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=3, border=2, svgclass="qr", lineclass="qr-ligne", omitsize=True
    )


STYLE = """
@page { size: A4 portrait; margin: 14mm 15mm 16mm 15mm;
  @bottom-right { content: counter(page) " / " counter(pages);
    font: 8pt Helvetica, Arial, sans-serif; color: #555; } }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 Georgia, "DejaVu Serif", serif; color: #1d2733; margin: 0 auto;
  max-width: 50em; padding: 1.5em; }
h1 { font-size: 22pt; line-height: 1.2; margin: 0.2em 0 0.4em; }
h2 { font-size: 15pt; line-height: 1.25; margin: 0 0 0.5em; break-after: avoid; }
h3 { font-size: 11pt; margin: 1.1em 0 0.3em; border-bottom: 0.5pt solid #b9c2ce;
  break-after: avoid; }
a { color: #1f4f8a; }
.surtitre, .entete, .meta, figcaption, .pied { font-family: Helvetica, Arial, sans-serif; }
.surtitre { text-transform: uppercase; letter-spacing: 0.08em; color: #555; font-size: 9pt; }
.couverture { break-after: page; }
.couverture figure { margin: 1em 0; }
.couverture svg.carte { display: block; width: 100%; height: auto; max-height: 150mm;
  border: 0.5pt solid #ccd; background: #f4f6f8; }
figcaption { font-size: 8.5pt; color: #444; }
.sommaire { break-after: page; }
.sommaire ol { list-style: none; padding: 0; margin: 0; }
.sommaire li { padding: 0.25em 0; border-bottom: 0.5pt dotted #c8cfd8; break-inside: avoid; }
.num { display: inline-block; min-width: 2.2em; font-weight: bold; color: #b4462f;
  font-family: Helvetica, Arial, sans-serif; }
.meta { font-size: 8.5pt; color: #555; }
article.fiche { break-before: page; }
table.page { width: 100%; border-collapse: collapse; }
table.page > thead th { font: 8pt Helvetica, Arial, sans-serif; color: #555; text-align: left;
  font-weight: normal; border-bottom: 0.5pt solid #999; padding: 0 0 2mm; }
table.page > tbody td { padding: 3mm 0 0; vertical-align: top; }
table.faits { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 9.5pt; }
table.faits th { text-align: left; vertical-align: baseline; padding: 0.15em 1em 0.15em 0;
  white-space: nowrap; font-family: Helvetica, Arial, sans-serif; font-weight: bold; }
table.faits td { padding: 0.15em 0; vertical-align: baseline; } table.faits p { margin: 0; }
.lien { display: flex; gap: 1em; align-items: center; border: 0.5pt solid #c8cfd8;
  padding: 0.5em; margin: 0.6em 0 0.4em; font-size: 8.5pt; break-inside: avoid; }
.lien svg.qr { width: 26mm; height: 26mm; flex: none; }
.lien p { margin: 0.15em 0; word-break: break-all; }
.vide { font-style: italic; color: #666; }
.pied { font-size: 8pt; color: #555; margin-top: 1.5em; border-top: 0.5pt solid #c8cfd8;
  padding-top: 0.4em; }
@media screen { article.fiche, .sommaire { border-top: 2px solid #ccd; margin-top: 2.5em;
  padding-top: 1em; } table.page > thead { display: none; } }
@media print { body { max-width: none; padding: 0; } a { color: inherit; } }
"""


def cover_towns(corpus: Corpus, fiche_ids: Sequence[str]) -> list[tuple[str, float, float]]:
    """The towns named on the cover map, most important first: the communes the fiches
    cite (at their outline's label point), then the préfectures of the départements drawn
    (town hall)."""
    places = corpus.places[corpus.places["fiche_id"].isin(pd.Index(fiche_ids))]
    cited = set(places["code_commune"].dropna()) - {""}
    towns: list[tuple[str, float, float]] = []
    for f in corpus.contours["features"]:
        props = f["properties"]
        if props["kind"] == "commune" and props["code"] in cited and props.get("label"):
            towns.append((props["nom"], props["label"][0], props["label"][1]))
    named = {t[0] for t in towns}
    drawn = corpus.contours_of("departement")
    for code, (name, lat, lon) in corpus.prefectures.items():
        if code in drawn and name not in named:
            towns.append((name, lon, lat))
    return towns


def cover_map_svg(corpus: Corpus, fiche_ids: Sequence[str]) -> str:
    """The cover's map: the numbered places with the names of the towns around them."""
    return selection_map_svg(
        corpus.contours, corpus.places, list(fiche_ids), towns=cover_towns(corpus, fiche_ids)
    )


def _place_groups(corpus: Corpus, fiche_ids: Sequence[str]) -> dict[str, pd.DataFrame]:
    places = corpus.places[corpus.places["fiche_id"].isin(pd.Index(fiche_ids))]
    return {fid: group for fid, group in places.groupby("fiche_id", sort=False)}


def _fiche_article(
    number: int,
    fiche: pd.Series,
    places: pd.DataFrame,
    theme_labels: dict[str, str],
    base_url: str,
) -> str:
    title = html.escape(fiche["titre"])
    facts = fiche_facts(fiche, places, theme_labels)
    rows = [("Bailleur", facts["bailleur"])]
    rows += [("Porteurs", facts["porteurs"])] if facts["porteurs"] else []
    rows += [("Thèmes", [", ".join(facts["themes"])])] if facts["themes"] else []
    rows += [("Période", facts["periode"])] if facts["periode"] else []
    rows += [("Lieux", facts["lieux"])] if facts["lieux"] else []
    facts_html = "".join(
        f"<tr><th>{label}</th><td>{''.join(safe_html(line) for line in lines)}</td></tr>"
        for label, lines in rows
    )
    sections = []
    for key in SECTION_KEYS:
        text = fiche[f"section_{key}"]
        body = safe_html(text) if text else f'<p class="vide">{EMPTY_SECTION}</p>'
        sections.append(
            f'<section class="rubrique" data-rubrique="{key}">'
            f"<h3>{html.escape(section_heading(fiche, key))}</h3>{body}</section>"
        )
    url = fiche_url(base_url, fiche["id"])
    link = html.escape(url)
    return (
        f'<article class="fiche" id="fiche-{number}" data-fiche="{html.escape(fiche["id"])}"'
        f' data-numero="{number}"><table class="page"><thead><tr><th class="entete">'
        f"{number} · {title}</th></tr></thead><tbody><tr><td>"
        f'<h2><span class="num">{number}</span> {title}</h2>'
        f'<table class="faits">{facts_html}</table>'
        f'<div class="lien">{qr_svg(url)}<div><p>Cette fiche sur la carte en ligne :</p>'
        f'<p><a href="{link}">{link}</a></p></div></div>'
        + "".join(sections)
        + f'<p class="pied">Source : {html.escape(fiche["source"])}</p>'
        "</td></tr></tbody></table></article>"
    )


def _toc_entry(number: int, fiche: pd.Series) -> str:
    bailleurs = ", ".join(split_list(fiche["bailleurs"])) or "sans bailleur"
    communes = split_list(fiche["communes"])
    where = ", ".join(communes) if communes else ""
    meta = " · ".join(x for x in (bailleurs, where) if x)
    return (
        f'<li data-fiche="{html.escape(fiche["id"])}" data-numero="{number}">'
        f'<a href="#fiche-{number}"><span class="num">{number}</span>'
        f"{html.escape(fiche['titre'])}</a>"
        f' <span class="meta">— {html.escape(meta)}</span></li>'
    )


def build_dossier(
    corpus: Corpus,
    fiche_ids: Sequence[str],
    *,
    title: str,
    base_url: str = DEFAULT_BASE_URL,
    created: date | None = None,
    selection_url: str | None = None,
) -> str:
    """The dossier of ``fiche_ids`` (numbered 1, 2, … in that order), as one HTML page."""
    created = created or date.today()
    fiches = corpus.fiches.loc[list(fiche_ids)]
    groups = _place_groups(corpus, fiche_ids)
    empty = corpus.places.iloc[0:0]
    theme_labels = {t: corpus.theme_label(t) for t in corpus.themes}
    sources = list(dict.fromkeys(fiches["source"]))
    map_svg = cover_map_svg(corpus, fiche_ids)
    online = (
        f'<p class="meta">Cette sélection en ligne : <a href="{html.escape(selection_url)}">'
        f"{html.escape(selection_url)}</a></p>"
        if selection_url
        else ""
    )
    cover = (
        '<section class="couverture"><p class="surtitre">Dossier de fiches d\'expériences</p>'
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="meta">Édité le {french_date(created)} · {actions(len(fiches))}</p>'
        f"<figure>{map_svg}<figcaption>Chaque numéro renvoie à la fiche du même numéro au"
        " sommaire. Disque rouge : lieu localisé (quartier, adresse ou commune) ; disque brun"
        " sur un département coloré : action à l'échelle du département.</figcaption></figure>"
        f"{online}"
        '<p class="meta">Source'
        f"{'s' if len(sources) > 1 else ''} : "
        + " ; ".join(html.escape(s) for s in sources)
        + "</p></section>"
    )
    toc = (
        '<nav class="sommaire"><h2>Sommaire</h2><ol>'
        + "".join(_toc_entry(i, fiche) for i, (_, fiche) in enumerate(fiches.iterrows(), start=1))
        + "</ol></nav>"
    )
    articles = "".join(
        _fiche_article(i, fiche, groups.get(fid, empty), theme_labels, base_url)
        for i, (fid, fiche) in enumerate(fiches.iterrows(), start=1)
    )
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"{cover}{toc}{articles}</body></html>\n"
    )
