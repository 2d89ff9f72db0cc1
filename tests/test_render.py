"""Fiche text is untrusted: it is escaped or sanitised everywhere it is shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from fiches.map_data import escape_tooltip
from fiches.map_folium import FicheLayer
from fiches.markup import html_to_markdown
from fiches.render import fiche_html, fiche_markdown, markdown_to_html

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    "<a href='javascript:alert(1)'>lien</a>",
    "</script><script>alert(2)</script>",
    "<b onmouseover=alert(3)>gras",
    "&lt;script&gt;alert(4)&lt;/script&gt;",
    "x" * 50_000,
]


class _ActiveMarkup(HTMLParser):
    """Collects what a browser would execute or load: scripts, handlers, unsafe URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "embed", "svg", "b"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(name)
            if name in ("href", "src") and not str(value).startswith(
                ("http://", "https://", "mailto:")
            ):
                self.found.append(f"{name}={value}")


def active_markup(html: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_of_hostile_text_has_no_active_markup(text):
    assert active_markup(markdown_to_html(html_to_markdown(text))) == []


def _fiche(text: str) -> pd.Series:
    row = {f"section_{k}": html_to_markdown(text) for k in (
        "objet", "porteur", "lieu", "pourquoi", "comment", "difficultes", "resultats",
        "perspectives", "interet", "contact", "docs")}  # fmt: skip
    row.update(
        id="x", titre=text[:200], source=text[:100], bailleurs="", porteurs=text[:50], themes="",
        periode="", annee_debut=pd.NA, label_difficultes="",
    )  # fmt: skip
    return pd.Series(row)


@pytest.mark.parametrize("text", HOSTILE)
def test_downloads_are_inert(text):
    places = pd.DataFrame(columns=["nom", "precision", "note"])
    page = fiche_html(_fiche(text), places, {})
    assert active_markup(page) == []
    md = fiche_markdown(_fiche(text), places, {})
    assert not re.search(r"(?<!\\)\]\(javascript", md)


def test_only_safe_link_schemes_survive():
    html = markdown_to_html(
        "[a](https://ok.fr) [b](mailto:x@y.fr) [c](javascript:alert(1)) [d](data:text/html,x)"
    )
    assert 'href="https://ok.fr"' in html and 'href="mailto:x@y.fr"' in html
    assert active_markup(html) == []


def test_tooltips_and_map_payload_are_escaped():
    assert (
        escape_tooltip('<img src=x onerror="alert(1)">')
        == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )
    layer = FicheLayer({"legend": [["</script><script>alert(1)</script>", "#000"]]})
    assert "</script>" not in layer.payload and "<\\/script>" in layer.payload
