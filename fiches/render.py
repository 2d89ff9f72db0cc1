"""Render a fiche for reading and download, safely.

Section texts are our escaped Markdown subset (see ``markup``); every other value from a
fiche is escaped here. The printable HTML is produced from that subset by a small
converter that escapes all text, then cleaned by nh3 (an allow-list sanitiser): only
http, https and mailto links survive.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import nh3
import pandas as pd

from fiches.markup import escape_md, split_links, unescape_md
from fiches.schema import SECTIONS, precision_label, split_list

SAFE_SCHEMES = {"http", "https", "mailto"}
_ALLOWED_TAGS = {"h1", "h2", "p", "ul", "ol", "li", "em", "strong", "a"}
EMPTY_SECTION = "Rubrique vide dans la fiche."  # shown in place of an empty section


def section_heading(fiche: pd.Series, key: str) -> str:
    heading = next(s.heading for s in SECTIONS if s.key == key)
    if key == "difficultes" and fiche.get("label_difficultes"):
        return str(fiche["label_difficultes"])
    return heading


def fiche_facts(
    fiche: pd.Series,
    places: pd.DataFrame,
    theme_labels: dict[str, str],
    *,
    unread: Sequence[str] = (),
) -> dict[str, list[str]]:
    """The curated facts of a fiche, as escaped Markdown lines, by kind.

    Kinds: bailleur, porteurs, themes (one label each), periode, lieux (one line each,
    « nom — précision (note) », the precision telling a sourced point from an approximate
    area, the commune, the département, and saying when the fiche does not name it), then
    one italic line per place that could not be read, from ``unread``: see
    ``Corpus.unread_places``). Shared by the detail panel and the downloads.
    """
    bailleurs = split_list(fiche["bailleurs"])
    porteurs = split_list(fiche["porteurs"])
    period = fiche["periode"] or (
        str(fiche["annee_debut"]) if pd.notna(fiche["annee_debut"]) else ""
    )
    return {
        "bailleur": [escape_md(", ".join(bailleurs)) if bailleurs else "aucun"],
        "porteurs": [escape_md(" ; ".join(porteurs))] if porteurs else [],
        "themes": [escape_md(theme_labels.get(t, t)) for t in split_list(fiche["themes"])],
        "periode": [escape_md(str(period))] if period else [],
        "lieux": [
            f"**{escape_md(p.nom)}** — {escape_md(place_precision(p))}"
            + (f" ({escape_md(p.note)})" if p.note else "")
            for p in places.itertuples()
        ]
        + [f"*{escape_md(line)}*" for line in unread],
    }


def place_precision(place) -> str:
    """The precision wording of a place row (see ``schema.precision_label``).

    Rows without the drawing columns (older tables) keep their stored ``precision``.
    """
    if not hasattr(place, "localisation"):
        return str(place.precision)
    radius = place.incertitude_m
    radius = int(radius) if pd.notna(radius) and radius != "" else None
    return precision_label(
        place.niveau,
        place.localisation,
        radius,
        getattr(place, "deduit_de", "") or "",
        reference=getattr(place, "reference", "") or "",
    )


def fiche_markdown(
    fiche: pd.Series,
    places: pd.DataFrame,
    theme_labels: dict[str, str],
    *,
    unread: Sequence[str] = (),
) -> str:
    """The whole fiche as Markdown (metadata escaped, sections as stored)."""
    facts = fiche_facts(fiche, places, theme_labels, unread=unread)
    meta = [f"**Bailleur** : {facts['bailleur'][0]}"]
    meta += [f"**Porteurs** : {line}" for line in facts["porteurs"]]
    if facts["themes"]:
        meta.append("**Thèmes** : " + ", ".join(facts["themes"]))
    meta += [f"**Période** : {line}" for line in facts["periode"]]
    meta += [f"**Lieu** : {line}" for line in facts["lieux"]]
    lines = [f"# {escape_md(fiche['titre'])}", "", *[f"- {m}" for m in meta], ""]
    for section in SECTIONS:
        text = fiche[f"section_{section.key}"]
        lines += [
            f"## {escape_md(section_heading(fiche, section.key))}",
            "",
            text or "*(vide)*",
            "",
        ]
    lines += ["---", f"Source : {escape_md(fiche['source'])}", ""]
    return "\n".join(lines)


def _inline(md: str) -> str:
    """Our inline Markdown (escapes, *em*, **strong**, links) to escaped HTML."""
    out: list[str] = []
    for part in split_links(md):
        if isinstance(part, str):
            out.append(_emphasis(part))
            continue
        label, href = unescape_md(part.label), part.href
        scheme = href.split(":", 1)[0].lower() if ":" in href else ""
        if scheme in SAFE_SCHEMES:
            target = html.escape(href, quote=True)
            out.append(
                f'<a href="{target}" target="_blank" rel="noopener noreferrer">'
                f"{html.escape(label)}</a>"
            )
        else:
            out.append(html.escape(label))
    return "".join(out)


def _emphasis(md: str) -> str:
    # protect escaped characters, then turn ** and * pairs into tags, then unescape
    protected = unescape_md(md, literal=lambda ch: f"\x00{ord(ch)}\x00")
    text = html.escape(protected, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: html.escape(chr(int(m.group(1)))), text)


def markdown_to_html(md: str) -> str:
    """Convert our Markdown subset (paragraphs, nested lists, emphasis, links) to HTML."""
    parts: list[str] = []
    for block in [b for b in md.split("\n\n") if b.strip()]:
        lines = block.split("\n")
        if re.match(r"\s*(-|\d+\.)\s", lines[0]):
            parts.append(_list_html(lines))
        elif block.startswith("# "):
            parts.append(f"<h1>{_inline(block[2:])}</h1>")
        elif block.startswith("## "):
            parts.append(f"<h2>{_inline(block[3:])}</h2>")
        else:
            parts.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "\n".join(parts)


def _list_html(lines: list[str]) -> str:
    out: list[str] = []
    stack: list[tuple[int, str]] = []
    for line in lines:
        m = re.match(r"(\s*)(-|\d+\.)\s(.*)", line)
        if not m:
            out.append(" " + _inline(line))
            continue
        depth = len(m.group(1).expandtabs(4)) // 4
        tag = "ol" if m.group(2)[0].isdigit() else "ul"
        while stack and stack[-1][0] > depth:
            out.append(f"</li></{stack.pop()[1]}>")
        if not stack or stack[-1][0] < depth:
            start = f' start="{int(m.group(2)[:-1])}"' if tag == "ol" else ""
            out.append(f"<{tag}{start}><li>")
            stack.append((depth, tag))
        else:
            out.append("</li><li>")
        out.append(_inline(m.group(3)))
    while stack:
        out.append(f"</li></{stack.pop()[1]}>")
    return "".join(out)


def safe_html(md: str) -> str:
    """Our Markdown subset as HTML, cleaned by nh3 (allow-listed tags, safe links only)."""
    return nh3.clean(
        markdown_to_html(md),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "target"}, "ol": {"start"}},
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
    )


def fiche_html(
    fiche: pd.Series,
    places: pd.DataFrame,
    theme_labels: dict[str, str],
    *,
    unread: Sequence[str] = (),
) -> str:
    """A printable, self-contained HTML page of the fiche, sanitised."""
    md = fiche_markdown(fiche, places, theme_labels, unread=unread)
    body = safe_html(md.replace("\n---\n", "\n\n"))
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(fiche['titre'])}</title>"
        "<style>body{font:15px/1.5 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;"
        "color:#1d2733}h1{font-size:1.5em}h2{font-size:1.1em;border-bottom:1px solid #ccd;"
        "margin-top:1.5em}@media print{a{color:inherit}}</style></head><body>"
        f"{body}</body></html>\n"
    )
