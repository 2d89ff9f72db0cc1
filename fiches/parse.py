"""Parse a « fiches d'expériences » document (PDF-to-text conversion) into fiches.

The document is: a preamble (collection title, publication line), a « Sommaire » of the
fiche titles, then for each fiche a heading line and its rows. A row is
``label<TAB>value``; a row whose label cell is empty continues the previous section
(page break). A label may also stand on its own line, its text on the following lines.
Nothing is dropped silently: an unknown label, text outside any section, a document
without fiche or a Sommaire entry without its fiche raise :class:`ParseError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fiches.layout import correct_layout
from fiches.markup import html_to_markdown, join_continuation
from fiches.schema import SECTION_KEYS, match_section
from fiches.text import clean_spaces, fold, slugify

_TAGS = re.compile(r"<[^>]*>")
_SOMMAIRE_BULLET = re.compile(r"^\s*(?:[-•●▪*–]|\d+[.)])\s*")
_MAX_HEADING = 250


class ParseError(ValueError):
    """A document that cannot be read as fiches; the message names where and what."""


@dataclass
class ParsedFiche:
    heading: str  # as published at the top of the fiche
    title: str  # clean display title (the Sommaire entry when there is one)
    line: int  # 1-based line of the heading
    sections: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SECTION_KEYS, ""))
    labels: dict[str, str] = field(default_factory=dict)  # section -> label as published


@dataclass
class ParsedDocument:
    name: str
    preamble: list[str]
    sommaire: list[str]
    fiches: list[ParsedFiche]


def _label_text(cell: str) -> str:
    return clean_spaces(_TAGS.sub(" ", cell))


def _own_line_label(line: str) -> tuple[str, str, str] | None:
    """(section key, published label, rest of line) for a line that starts with a label.

    The whole line may be the label, or the label may be followed by its text after a
    colon or, for the long published form (with « > … »), after a space.
    """
    text = _label_text(line)
    if not text or len(text) > 2000:
        return None
    key = match_section(fold(text))
    if key:
        return key, text, ""
    folded = fold(text, keep_length=True)
    # inline: try the longest label prefix followed by ':' or by text
    for end in range(min(len(folded), 120), 3, -1):
        if end < len(folded) and not folded[end].isspace() and folded[end] != ":":
            continue
        prefix = folded[:end]
        key = match_section(prefix)
        if key and (">" in prefix or folded[end:].lstrip().startswith(":")):
            rest = text[end:].lstrip().removeprefix(":").strip()
            return key, text[:end].strip(), rest
    return None


def _is_blank(line: str) -> bool:
    return not clean_spaces(_TAGS.sub("", line))


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def _similar(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    return len(ta & tb) / max(len(ta), len(tb)) >= 0.7


def _clean_sommaire_entry(line: str) -> str:
    entry = _SOMMAIRE_BULLET.sub("", line.strip(), count=1)
    entry = clean_spaces(_TAGS.sub("", entry))
    return entry.strip("*_ ").strip()


def _read_sommaire(lines: list[str], start: int) -> tuple[list[str], int]:
    """Entries after the « Sommaire » line and the index of the first line after them."""
    entries: list[str] = []
    i = start
    pending_bullet = False
    while i < len(lines):
        raw = lines[i]
        stripped = clean_spaces(raw)
        if not stripped:
            i += 1
            continue
        if "\t" in raw:
            break
        if re.fullmatch(r"[-•●▪*–]", stripped):
            pending_bullet = True
            i += 1
            continue
        is_entry = (
            pending_bullet
            or bool(re.match(r"^(?:[-•●▪–]|\d+[.)])\s", stripped))
            or (stripped.startswith("*") and stripped.endswith("*"))
        )
        if not is_entry:
            break
        entries.append(_clean_sommaire_entry(stripped))
        pending_bullet = False
        i += 1
    return entries, i


def _next_content(lines: list[str], i: int) -> str | None:
    for line in lines[i + 1 :]:
        if not _is_blank(line):
            return line
    return None


def _starts_with_objet(line: str | None) -> bool:
    if line is None:
        return False
    first = line.split("\t", 1)[0] if "\t" in line else line
    found = _own_line_label(first)
    return bool(found and found[0] == "objet")


def parse_document(text: str, *, name: str = "document") -> ParsedDocument:
    """Parse the whole document text. Raises :class:`ParseError` naming line and fiche."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")

    sommaire: list[str] = []
    preamble: list[str] = []
    body_start = 0
    for i, line in enumerate(lines):
        if fold(_label_text(line)) == "sommaire" and "\t" not in line:
            sommaire, body_start = _read_sommaire(lines, i + 1)
            preamble = [clean_spaces(x) for x in lines[:i] if clean_spaces(x)]
            break

    if not any(
        ("\t" in line and match_section(fold(_label_text(line.split("\t", 1)[0]))))
        or _own_line_label(line) is not None
        for line in lines[body_start:]
    ):
        raise ParseError(f"{name} : aucune fiche trouvée (aucune rubrique « Quoi ? », « Qui ? »…)")

    fiches: list[ParsedFiche] = []
    current: ParsedFiche | None = None
    section: str | None = None
    cells: dict[str, list[str]] = {}
    remaining = list(sommaire)

    def finish() -> None:
        if current is None:
            return
        for key, values in cells.items():
            md = ""
            for value in values:
                md = join_continuation(md, html_to_markdown(value))
            current.sections[key] = md

    def where(n: int) -> str:
        fiche = f", fiche « {current.heading} »" if current else ""
        return f"{name}, ligne {n + 1}{fiche}"

    for n in range(body_start, len(lines)):
        raw = lines[n]
        if _is_blank(raw):
            continue
        if "\t" in raw:
            label_cell, value = raw.split("\t", 1)
            value = value.replace("\t", " ")
            if _is_blank(label_cell):
                if current is None or section is None:
                    raise ParseError(f"{where(n)} : texte hors de toute section : « {value[:80]} »")
                cells[section].append(value)
                continue
            if current is None:
                raise ParseError(
                    f"{where(n)} : ligne « {_label_text(label_cell)[:80]} » avant le titre"
                    " de la première fiche"
                )
            label = _label_text(label_cell)
            key = match_section(fold(label))
            if key is None:
                raise ParseError(f"{where(n)} : libellé inconnu « {label[:120]} »")
            section = key
            current.labels.setdefault(key, label)
            cells.setdefault(key, []).append(value)
            continue

        stripped = clean_spaces(raw)
        own = _own_line_label(raw)
        is_heading = (
            own is None
            and len(stripped) <= _MAX_HEADING
            and (
                bool(remaining and _similar(stripped, remaining[0]))
                or _starts_with_objet(_next_content(lines, n))
            )
        )
        if is_heading:
            finish()
            title = stripped
            if remaining:
                match = next((e for e in remaining if _similar(stripped, e)), None)
                if match is not None:
                    title = match
                    remaining.remove(match)
            current = ParsedFiche(heading=stripped, title=title, line=n + 1)
            fiches.append(current)
            section, cells = None, {}
            continue
        if own is not None:
            if current is None:
                raise ParseError(
                    f"{where(n)} : libellé « {own[1]} » avant le titre de la première fiche"
                )
            section = own[0]
            current.labels.setdefault(section, own[1])
            cells.setdefault(section, [])
            if own[2]:
                cells[section].append(own[2])
            continue
        if current is None or section is None:
            raise ParseError(f"{where(n)} : texte hors de toute fiche : « {stripped[:80]} »")
        cells[section].append(raw)
    finish()

    if not fiches:
        raise ParseError(
            f"{name} : aucune fiche trouvée (ni titre de fiche, ni rubrique « Quoi ? »)"
        )
    if remaining:
        missing = " ; ".join(f"« {e} »" for e in remaining)
        raise ParseError(f"{name} : entrée(s) du sommaire sans fiche correspondante : {missing}")
    for fiche in fiches:  # lists the conversion flattened (see fiches.layout)
        correct_layout(slugify(fiche.title), fiche.sections)
    return ParsedDocument(name=name, preamble=preamble, sommaire=sommaire, fiches=fiches)
