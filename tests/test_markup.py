"""The stored Markdown subset: what ``markup`` writes, ``markup`` reads back exactly."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiches import markup
from fiches.markup import (
    LINE_START_SPECIAL,
    MD_SPECIAL,
    Link,
    escape_line_start,
    escape_md,
    html_to_markdown,
    links_in,
    markdown_to_plain,
    split_links,
    unescape_md,
)
from fiches.render import markdown_to_html

# Hostile text: every character the format escapes, and what links and URLs are made of.
PIECES = [
    *MD_SPECIAL, *LINE_START_SPECIAL, "(", ")", "[", "]", "\\", " ", "\n", "a", "é", "1",
    "http://", "https://", "www.", "x.fr", "/p", "«", "»", "%28", "[a](b)", "\\[", "](",
]  # fmt: skip
hostile = st.lists(st.sampled_from(PIECES), max_size=40).map("".join) | st.text(max_size=200)
documents = st.lists(
    st.sampled_from([*PIECES, "<p>", "</p>", "<i>", "</i>", "<u>", "</u>", "<ul>", "<li>", " ● "]),
    max_size=60,
).map("".join)


def _unescape_all(md: str) -> str:
    """Inverse of ``escape_md``: links back to the text they were made from."""
    return "".join(
        unescape_md(p.label) if isinstance(p, Link) else unescape_md(p) for p in split_links(md)
    )


@settings(max_examples=500, deadline=None)
@given(hostile)
def test_escape_then_unescape_gives_back_the_text(text):
    assert _unescape_all(escape_md(text)) == text
    for line in text.split("\n"):
        assert _unescape_all(escape_line_start(escape_md(line))) == line


@pytest.mark.parametrize("char", MD_SPECIAL + LINE_START_SPECIAL)
def test_every_special_character_round_trips(char):
    text = f"{char}a{char}{char} {char}"
    assert unescape_md(escape_md(text)) == text
    assert unescape_md(escape_line_start(escape_md(text))) == text


def _writing_links(write, text: str) -> tuple[str, list[str]]:
    """What ``write`` makes of ``text``, and the links it wrote, in order."""
    made: list[str] = []

    def recording_md_link(url: str) -> str:
        made.append(real_md_link(url))
        return made[-1]

    real_md_link = markup.md_link
    with mock.patch.object(markup, "md_link", recording_md_link):
        md = write(text)
    return md, made


@settings(max_examples=500, deadline=None)
@given(hostile)
def test_link_reader_finds_exactly_the_links_escape_md_wrote(text):
    md, made = _writing_links(escape_md, text)
    links = [p for p in split_links(md) if isinstance(p, Link)]
    assert [f"[{link.label}]({link.href})" for link in links] == made
    assert links_in(md) == [link.href for link in links]


@settings(max_examples=300, deadline=None)
@given(documents)
def test_link_reader_finds_exactly_the_links_of_a_converted_cell(html):
    md, made = _writing_links(html_to_markdown, html)
    links = [p for p in split_links(md) if isinstance(p, Link)]
    # the same links; in broken markup (unclosed tags) the writer may place them in
    # another order than it made them
    assert sorted(f"[{link.label}]({link.href})" for link in links) == sorted(made)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("voir www.ville.fr.", ["http://www.ville.fr"]),
        ("(https://a.fr/x_(y)) et http://b.fr", ["https://a.fr/x_%28y%29", "http://b.fr"]),
        ("[pas un lien](http://a.fr)", ["http://a.fr"]),  # only the URL is a link
        ("javascript:alert(1) [x](javascript:alert(1))", []),
        ("aucun lien", []),
    ],
)
def test_links_in(text, links):
    assert links_in(escape_md(text)) == links


def test_escaped_bracket_never_opens_a_link():
    md = escape_md("[texte](http://a.fr)")
    assert markdown_to_plain(md) == "[texte](http://a.fr)"
    html = markdown_to_html(md)
    assert html.count("<a ") == 1
    assert '<a href="http://a.fr" target="_blank" rel="noopener noreferrer">http://a.fr</a>' in html
    assert html.startswith("<p>[texte](")
