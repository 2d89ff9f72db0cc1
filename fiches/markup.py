"""Convert the HTML-ish cells of a PDF-to-text conversion to clean, escaped Markdown.

The source mixes ``<p>``, ``<ul>``/``<ol>`` (often without ``<li>``, items marked by
●, ▪, •, « - » or « 1. »), ``<i>``, ``<u>`` and typographic ordinals (``4^e``,
``1^{re}``). The output keeps every word, turns lists into Markdown lists (nested when
the source nests them), italics into ``*…*`` and underlined headings into ``**…**``.
Literal text is backslash-escaped so that no fiche text can become markup or a link;
URLs become explicit ``[url](url)`` links (http, https only).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape

from fiches.text import clean_spaces

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)\s*>|<!--.*?-->", re.S)
_ORDINAL = re.compile(
    r"(\d+)\s?\^\s?(?:\{\s*(e|er|re|es|ers|res|ème|èmes|nd|nde|d)\s*\}|(e|er|re|es|ers|res|ème|èmes|nd|nde|d)\b)"
)
# The escape set of the stored format, written once: both regexes below are built from it.
# Characters that are markup anywhere in a line get a backslash wherever they occur in text;
MD_SPECIAL = "\\`*_[]<>$~&#|!{}"
# these only at a paragraph start, where they would read as a list or heading marker.
LINE_START_SPECIAL = "-+=.)"
_MD_SPECIAL = re.compile(f"([{re.escape(MD_SPECIAL)}])")
_MD_ESCAPED = re.compile(f"\\\\([{re.escape(MD_SPECIAL + LINE_START_SPECIAL)}])")
_LINE_START_SPECIAL = re.compile(rf"^(\s*)(\d*)([{re.escape(LINE_START_SPECIAL)}])(?=\s|$)")
# The one link pattern: an explicit ``[label](href)``, as ``md_link`` writes it. An escaped
# character is matched first, so that an escaped ``\[`` never starts a link.
_MD_LINK = re.compile(r"\\[\s\S]|\[(?P<label>(?:\\.|[^\[\]\\])*)\]\((?P<href>[^)\s]*)\)")
# a backslash or a backtick is never part of a URL (RFC 3986): they end it
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»\\`]+", re.I)
_URL_TRAILING = ".,;:!?)]}»"
BULLET_GLYPHS = "●▪•◦■◾▫○"
_BULLET = re.compile(rf"(?:^|(?<=\s))([{BULLET_GLYPHS}])(?=\s|$)")
_HYPHEN = re.compile(r"(?:^|(?<=\s))(-)(?=\s)")
_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.\-)](?=\s)")
_TERMINAL = ".:;!?»)…"


def fix_ordinals(text: str) -> str:
    """``4^e`` → ``4e``, ``1^{re}`` → ``1re``."""
    return _ORDINAL.sub(lambda m: m.group(1) + (m.group(2) or m.group(3)), text)


def escape_md(text: str) -> str:
    """Backslash-escape Markdown punctuation, and auto-link URLs as explicit safe links."""
    out: list[str] = []
    pos = 0
    for m in URL_RE.finditer(text):
        url = m.group(0)
        stripped = url.rstrip(_URL_TRAILING)
        # keep a closing parenthesis that belongs to the URL
        while stripped.count("(") > stripped.count(")") and len(stripped) < len(url):
            stripped = url[: len(stripped) + 1]
        out.append(_MD_SPECIAL.sub(r"\\\1", text[pos : m.start()]))
        out.append(md_link(stripped))
        pos = m.start() + len(stripped)
    out.append(_MD_SPECIAL.sub(r"\\\1", text[pos:]))
    return "".join(out)


def link_target(url: str) -> str:
    """The href for a URL as published: ``www.x.fr`` gets ``http://``."""
    return url if re.match(r"https?://", url, re.I) else f"http://{url}"


def md_link(url: str) -> str:
    # characters that would end or escape the target inside ``(...)`` are percent-encoded
    href = link_target(url)
    for char, code in (("\\", "%5C"), ("`", "%60"), ("(", "%28"), (")", "%29"), (" ", "%20")):
        href = href.replace(char, code)
    label = _MD_SPECIAL.sub(r"\\\1", url)
    return f"[{label}]({href})"


def escape_line_start(line: str) -> str:
    """Escape a paragraph start that Markdown would read as a list or heading marker."""
    return _LINE_START_SPECIAL.sub(
        lambda m: (
            m.group(1) + m.group(2) + "\\" + m.group(3)
            if (m.group(2) and m.group(3) in ".)") or (not m.group(2) and m.group(3) in "-+=")
            else m.group(0)
        ),
        line,
        count=1,
    )


@dataclass
class _Item:
    depth: int
    marker: str  # "-" or "3."
    text: str = ""


@dataclass
class _Block:
    kind: str  # "p" or "list"
    text: str = ""
    items: list[_Item] = field(default_factory=list)


class _Converter:
    """A small state machine over tags and text chunks of one cell."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.buf = ""  # inline Markdown of the open paragraph or list item
        self.list_glyphs: list[str | None] = []  # glyph of each open list level
        self.list_ordered: list[bool] = []
        self.emphasis: list[tuple[str, str]] = []  # (marker, buffer before it)
        self._item_open = False  # the last list item may still receive text

    # -- blocks ---------------------------------------------------------------
    def _flush(self) -> None:
        text = clean_spaces(self.buf)
        self.buf = ""
        if not text:
            return
        if self.list_glyphs:
            blk = self.blocks[-1] if self.blocks and self.blocks[-1].kind == "list" else None
            if blk is None:
                blk = _Block("list")
                self.blocks.append(blk)
            if blk.items and blk.items[-1].text == "" and blk.items[-1].depth == self.depth:
                blk.items[-1].text = text
            elif blk.items and blk.items[-1].depth == self.depth and not self._item_open:
                blk.items.append(_Item(self.depth, "-", text))
            elif blk.items and self._item_open:
                blk.items[-1].text = clean_spaces(f"{blk.items[-1].text} {text}")
            else:
                blk.items.append(_Item(self.depth, "-", text))
        else:
            self.blocks.append(_Block("p", text=text))

    @property
    def depth(self) -> int:
        return max(len(self.list_glyphs) - 1, 0)

    def _new_item(self, marker: str) -> None:
        self._flush()
        if not self.blocks or self.blocks[-1].kind != "list":
            self.blocks.append(_Block("list"))
        self.blocks[-1].items.append(_Item(self.depth, marker))
        self._item_open = True

    def close_lists(self) -> None:
        self._flush()
        self.list_glyphs.clear()
        self.list_ordered.clear()
        self._item_open = False

    def open_list(self, ordered: bool) -> None:
        self._flush()
        self.list_glyphs.append(None)
        self.list_ordered.append(ordered)
        self._item_open = False

    def paragraph_break(self) -> None:
        self.close_lists()

    # -- inline ---------------------------------------------------------------
    def open_emphasis(self, marker: str) -> None:
        self.emphasis.append((marker, self.buf))
        self.buf = ""

    def close_emphasis(self, marker: str) -> None:
        for i in range(len(self.emphasis) - 1, -1, -1):
            if self.emphasis[i][0] == marker:
                break
        else:
            return  # stray closing tag: nothing to close
        # close inner ones too
        while self.emphasis:
            m, before = self.emphasis.pop()
            inner = self.buf
            core = inner.strip()
            if core:
                lead = " " if inner[:1].isspace() else ""
                trail = " " if inner[-1:].isspace() else ""
                self.buf = f"{before}{lead}{m}{core}{m}{trail}"
            else:
                self.buf = before + inner
            if m == marker:
                break

    def _drain_emphasis(self) -> None:
        while self.emphasis:
            _, before = self.emphasis.pop()
            self.buf = before + self.buf

    # -- text -----------------------------------------------------------------
    def text(self, chunk: str) -> None:
        chunk = fix_ordinals(chunk)
        if not chunk.strip():
            self.buf += " " if chunk else ""
            return
        if not self.list_glyphs:
            stripped = chunk.lstrip()
            starts_with_bullet = bool(
                stripped[:1] in BULLET_GLYPHS
                or (self.buf.strip() == "" and re.match(r"-\s", stripped))
            )
            if not (starts_with_bullet or _BULLET.search(chunk)):
                self.buf += escape_md(chunk)
                return
            if not starts_with_bullet:
                # a bullet in running text starts a list after the text before it
                m = _BULLET.search(chunk)
                self.buf += escape_md(chunk[: m.start()])
                chunk = chunk[m.start() :]
            self.close_lists()
            self.open_list(ordered=False)
        self._list_text(chunk)

    def _list_text(self, chunk: str) -> None:
        level = len(self.list_glyphs) - 1
        ordered = self.list_ordered[level]
        known = [g for g in self.list_glyphs if g]
        # every possible item marker, in order; each is kept or read as text below
        candidates = sorted(
            (m for regex in (_BULLET, _HYPHEN, _NUMBER) for m in regex.finditer(chunk)),
            key=lambda m: m.start(),
        )
        pos = 0
        for m in candidates:
            if m.start() < pos:
                continue
            glyph = self._glyph_of(m)
            if glyph == "number" and not ordered and "number" not in known:
                continue
            if glyph == "-" and "-" not in known and self.list_glyphs[-1] not in (None,):
                # a hyphen inside a list that uses another glyph is ordinary text
                continue
            if self.list_glyphs[-1] is None:
                self.list_glyphs[-1] = glyph
            elif glyph != self.list_glyphs[-1]:
                if glyph in self.list_glyphs:
                    # back to an outer level
                    self.buf += escape_md(chunk[pos : m.start()])
                    pos = m.start()
                    self._flush()
                    while self.list_glyphs[-1] != glyph:
                        self.list_glyphs.pop()
                        self.list_ordered.pop()
                else:
                    continue
            self.buf += escape_md(chunk[pos : m.start()])
            marker = f"{m.group(1)}." if glyph == "number" else "-"
            self._new_item(marker)
            pos = m.end()
            known = [g for g in self.list_glyphs if g]
        self.buf += escape_md(chunk[pos:])

    @staticmethod
    def _glyph_of(m: re.Match) -> str:
        g = m.group(1)
        if g.isdigit():
            return "number"
        return g

    # -- result ---------------------------------------------------------------
    def markdown(self) -> str:
        self._drain_emphasis()
        self.close_lists()
        parts: list[str] = []
        for blk in self.blocks:
            if blk.kind == "p":
                parts.append(escape_line_start(blk.text))
            else:
                lines = []
                for item in blk.items:
                    if not item.text:
                        continue
                    lines.append(f"{'    ' * item.depth}{item.marker} {item.text}")
                if lines:
                    parts.append("\n".join(lines))
        return "\n\n".join(parts)


def _underline_is_heading(html: str, end: int) -> bool:
    """An underlined span followed by a list or a paragraph end acts as a heading."""
    rest = html[end:].lstrip()
    return bool(re.match(r"<\s*(/p|ul|ol|p)\b", rest, re.I)) or rest == ""


def html_to_markdown(html: str) -> str:
    """Convert one cell (or several concatenated cells) to Markdown. Never drops text.

    Character references (``&lt;``, ``&amp;``) are text: an exported proposal writes
    « < » that way (``fiches.contrib.proposal.section_cell``)."""
    conv = _Converter()
    pos = 0
    heading_stack: list[bool] = []
    for m in _TAG.finditer(html):
        conv.text(unescape(html[pos : m.start()]))
        pos = m.end()
        if m.group(0).startswith("<!--"):
            continue
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name in ("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"):
            conv.paragraph_break()
        elif name in ("ul", "ol"):
            if closing:
                if conv.list_glyphs:
                    conv._flush()
                    conv.list_glyphs.pop()
                    conv.list_ordered.pop()
                    conv._item_open = bool(conv.list_glyphs)
            else:
                conv.open_list(ordered=name == "ol")
        elif name == "li":
            if not closing:
                if not conv.list_glyphs:
                    conv.open_list(ordered=False)
                if conv.list_glyphs[-1] is None:
                    conv.list_glyphs[-1] = "li"
                conv._new_item("-")
        elif name in ("i", "em"):
            conv.close_emphasis("*") if closing else conv.open_emphasis("*")
        elif name in ("u", "b", "strong"):
            if closing:
                conv.close_emphasis("**")
                if heading_stack and heading_stack.pop():
                    conv.close_lists()
            else:
                is_heading = name == "u" and _underline_is_heading(
                    html,
                    html.lower().find("</u>", m.end()) + 4
                    if "</u>" in html.lower()[m.end() :]
                    else len(html),
                )
                heading_stack.append(is_heading)
                if is_heading:
                    conv.close_lists()
                conv.open_emphasis("**")
        # any other tag (span, font, script, …) is dropped; its text is kept
    conv.text(unescape(html[pos:]))
    return conv.markdown()


@dataclass(frozen=True)
class Link:
    """An explicit link of our Markdown subset."""

    label: str  # as stored, still escaped (``unescape_md`` gives the text shown)
    href: str


def unescape_md(text: str, *, literal: Callable[[str], str] = str) -> str:
    """Undo ``escape_md``: each escaped character becomes ``literal(character)``."""
    return _MD_ESCAPED.sub(lambda m: literal(m.group(1)), text)


def split_links(md: str) -> list[str | Link]:
    """Our inline Markdown cut into runs of text (still escaped) and explicit links."""
    parts: list[str | Link] = []
    pos = 0
    for m in _MD_LINK.finditer(md):
        if m.group("href") is None:
            continue  # an escaped character: text
        parts.append(md[pos : m.start()])
        parts.append(Link(m.group("label"), m.group("href")))
        pos = m.end()
    parts.append(md[pos:])
    return [p for p in parts if p != ""]


def links_in(md: str) -> list[str]:
    """The targets of the explicit links of ``md``, in order (duplicates kept)."""
    return [p.href for p in split_links(md) if isinstance(p, Link)]


def markdown_to_plain(md: str) -> str:
    """Plain text of our Markdown subset: markers, link targets and escapes removed."""
    text = "".join(p.label if isinstance(p, Link) else p for p in split_links(md))
    text = re.sub(r"(?m)^\s*(?:-|\d+\.)\s+", "", text)
    text = re.sub(r"(?<!\\)\*+", "", text)
    return unescape_md(text)


def join_continuation(previous: str, continuation: str) -> str:
    """Append a row continued after a page break to its section's Markdown.

    A paragraph cut mid-sentence (no final punctuation, next text starts in lowercase)
    is joined back; a list continued by a list stays one list.
    """
    if not previous:
        return continuation
    if not continuation:
        return previous
    prev_last = previous.split("\n\n")[-1]
    next_first = continuation.split("\n\n")[0]
    prev_is_list = bool(re.match(r"\s*(-|\d+\.)\s", prev_last))
    next_is_list = bool(re.match(r"\s*(-|\d+\.)\s", next_first))
    if prev_is_list and next_is_list:
        return f"{previous}\n{continuation}"
    plain_end = markdown_to_plain(prev_last).rstrip()
    plain_start = markdown_to_plain(next_first).lstrip()
    if (
        not prev_is_list
        and not next_is_list
        and plain_end
        and plain_end[-1] not in _TERMINAL
        and plain_start[:1].islower()
    ):
        return f"{previous} {continuation}"
    return f"{previous}\n\n{continuation}"
