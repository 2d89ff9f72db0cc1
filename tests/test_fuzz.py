"""Property-based fuzzing of the document parser and the Markdown conversion."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiches.markup import html_to_markdown, markdown_to_plain
from fiches.parse import ParseError, parse_document
from fiches.render import markdown_to_html
from tests.helpers import seed_text

SEED_LINES = seed_text().split("\n")
PIECES = [
    "Quoi ? > Objet de l'action\t", "Qui ?\t", "\t", "Sommaire", "- *Titre*", "<ul>", "</ul>",
    "<p>", "</p>", "<i>", "</u>", "<ol>", " ● ", " ▪ ", " - ", " 1. ", "4^e", "1^{re}", "\r\n",
    "\u00a0", "’", "<script>", "javascript:", "[a](b)", "*", "\\", "\x00", "Contact\t",
]  # fmt: skip

documents = st.one_of(
    st.text(max_size=2_000),
    st.lists(st.sampled_from(PIECES + SEED_LINES[:60]), max_size=80).map("\n".join),
    st.lists(st.sampled_from(PIECES), max_size=200).map("".join),
    # the seed with random lines removed or duplicated
    st.lists(st.integers(0, len(SEED_LINES) - 1), min_size=1, max_size=300).map(
        lambda idx: "\n".join(SEED_LINES[i] for i in idx)
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_parser_raises_only_its_own_error(text):
    try:
        doc = parse_document(text, name="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    assert doc.fiches
    for fiche in doc.fiches:
        assert fiche.title


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join) | st.text(max_size=500))
def test_markdown_conversion_is_total_and_inert(html):
    md = html_to_markdown(html)
    markdown_to_plain(md)
    rendered = markdown_to_html(md)
    assert "<script" not in rendered.lower()
    assert 'href="javascript' not in rendered.lower()
