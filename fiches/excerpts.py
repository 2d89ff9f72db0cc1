"""Why a fiche matches a search: where the words were found and a short excerpt.

The search itself is ``filters.filter_mask`` on ``Corpus.search_index`` (one search key per
fiche and per section, or « meta »: title, bailleurs, porteurs and places). Here, for a
fiche that matched, the same key is computed character by character on the text a person
reads, so that the match found in the key maps back to the words on screen: accents, case,
hyphens and punctuation are ignored exactly as the search ignores them.

An excerpt is plain text in parts (``Excerpt.parts``: text and whether it is the match);
``Excerpt.html`` escapes every part, so fiche text never becomes markup.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fiches.corpus import Corpus
from fiches.filters import FilterState, phrase_found, phrase_in, search_phrase, search_regex
from fiches.markup import markdown_to_plain
from fiches.render import section_heading
from fiches.schema import SECTION_KEYS, split_list
from fiches.text import clean_spaces, search_keys

EXCERPT_LENGTH = 160  # characters of text around the match, ellipses excluded
ELLIPSIS = "…"
# The parts of « meta » with their French names. An excerpt prefers a short fact (« Bailleur :
# France Loire » says why at a glance), then the sections in the fiche's order, then the
# title, which is on screen already.
META_FACTS: tuple[tuple[str, str], ...] = (
    ("bailleurs", "Bailleur"),
    ("porteurs", "Porteurs"),
    ("lieux", "Lieux"),
)
META_TITLES: tuple[tuple[str, str], ...] = (("titre", "Titre"), ("intitule", "Titre publié"))
META_FIELDS = META_FACTS + META_TITLES
META_NAME = "Titre, bailleur, porteurs ou lieux"  # when only the joined fields match


class _KeyTable(dict):
    """``str.translate`` table: each character to its search key (0, 1 or 2 characters),
    computed by ``search_keys`` itself the first time a character is seen."""

    def __missing__(self, code: int) -> str:
        piece = search_keys([f"a{chr(code)}a"])[0][1:-1]
        self[code] = piece
        return piece


class _LengthTable(dict):
    """``str.translate`` table: each character to ``chr(len(its key))``."""

    def __missing__(self, code: int) -> str:
        length = chr(len(_KEYS[code]))
        self[code] = length
        return length


_KEYS = _KeyTable()
_LENGTHS = _LengthTable()


def match_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` (a search key, as ``filters.search_phrase`` gives) occurs in
    ``text``: (start, end) positions in ``text``, in order, not overlapping.

    The key of ``text`` is built character by character (``search_keys`` is local to each
    character), so that each position of the key maps back to the character it came from.
    A run of separators counts as one space, as in the phrase.
    """
    if not phrase or not text:
        return []
    key = text.translate(_KEYS)
    lengths = np.frombuffer(text.translate(_LENGTHS).encode("latin-1"), dtype=np.uint8)
    ends = np.cumsum(lengths, dtype=np.int64)  # key end of each character
    pattern = re.compile(search_regex(phrase))
    spans = []
    for m in pattern.finditer(key):
        start = int(np.searchsorted(ends, m.start(), side="right"))
        end = int(np.searchsorted(ends, m.end(), side="left")) + 1
        while end < len(text) and unicodedata.combining(text[end]):  # its accent too
            end += 1
        spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Excerpt:
    """Where a search matched in one fiche, and the words around the first match."""

    where: str  # French name: a section's heading, « Titre », « Porteurs »…
    parts: tuple[tuple[str, bool], ...]  # (text, is it the match); () when not located
    also: int = 0  # other places of the fiche where the words are found too

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)

    def marked(self, left: str = "‹", right: str = "›") -> str:
        """Plain text with the matches between ``left`` and ``right`` (for a table)."""
        return "".join(f"{left}{t}{right}" if hit else t for t, hit in self.parts)

    @property
    def also_text(self) -> str:
        """« et 2 autres endroits »: the other places of the fiche where the words are."""
        if not self.also:
            return ""
        plural = "s" if self.also > 1 else ""
        return f"et {self.also} autre{plural} endroit{plural}"

    def html(self) -> str:
        """Escaped HTML: the place in bold, then the excerpt with ``<mark>`` matches."""
        body = "".join(
            f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in self.parts
        )
        also = f' <span class="fiche-why-also">({self.also_text})</span>' if self.also else ""
        excerpt = f" : {body}" if body else ""
        return (
            f'<p class="fiche-why"><span class="fiche-why-where">{html.escape(self.where)}</span>'
            f"{excerpt}{also}</p>"
        )

    def line(self) -> str:
        """One line of plain text for a table: « Résultats obtenus : …le rôle ‹joué›… »."""
        text = self.marked()
        also = f" ({self.also_text})" if self.also else ""
        return f"{self.where} : {text}{also}" if text else f"{self.where}{also}"


def excerpt_parts(
    text: str, phrase: str, *, length: int = EXCERPT_LENGTH
) -> tuple[tuple[str, bool], ...]:
    """About ``length`` characters of ``text`` around the first match of ``phrase``, cut
    at word boundaries with « … » where the text goes on, every match inside marked.
    () when ``phrase`` is not in ``text``."""
    text = clean_spaces(text)
    spans = match_spans(text, phrase)
    if not spans:
        return ()
    first_start, first_end = spans[0]
    start, end = 0, len(text)
    if len(text) > length:
        # a third of the room before the match, the rest after; near the end, more before
        before = max(length - (first_end - first_start), 0) // 3
        start = max(first_start - before, 0)
        end = min(max(start + length, first_end), len(text))
        start = max(min(start, end - length), 0)
    if start > 0:  # begin at a word
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):  # end at a word
        space = text.rfind(" ", first_end, end + 1)
        end = space if space != -1 else end
    parts: list[tuple[str, bool]] = [(ELLIPSIS, False)] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > pos:
            parts.append((text[pos:s], False))
        parts.append((text[s:e], True))
        pos = e
    if pos < end:
        parts.append((text[pos:end], False))
    if end < len(text):
        parts.append((ELLIPSIS, False))
    return _merged(parts)


def _merged(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    out: list[tuple[str, bool]] = []
    for text, hit in parts:
        if out and out[-1][1] == hit:
            out[-1] = (out[-1][0] + text, hit)
        else:
            out.append((text, hit))
    return tuple(out)


def readable_fields(corpus: Corpus, fiche_id: str, key: str) -> list[tuple[str, str]]:
    """The texts a person reads for one search key: (French name, plain text)."""
    fiche = corpus.fiches.loc[fiche_id]
    if key != "meta":
        return [(section_heading(fiche, key), markdown_to_plain(fiche[f"section_{key}"]))]
    places = corpus.places.loc[corpus.places["fiche_id"] == fiche_id, "nom"]
    texts = {
        "bailleurs": ", ".join(split_list(fiche["bailleurs"])),
        "porteurs": " ; ".join(split_list(fiche["porteurs"])),
        "lieux": ", ".join(dict.fromkeys(places)),
        "titre": fiche["titre"],
        "intitule": fiche["intitule"] if fiche["intitule"] != fiche["titre"] else "",
    }
    return [(name, texts[field]) for field, name in META_FIELDS]


def fiche_excerpt(
    corpus: Corpus,
    fiche_id: str,
    state: FilterState,
    *,
    keys: Iterable[str] | None = None,
    length: int = EXCERPT_LENGTH,
) -> Excerpt | None:
    """Why ``fiche_id`` matches the search of ``state``: the first place where the words
    are (bailleur, porteurs, places, then the sections in the fiche's order, then the
    title) and an excerpt. None without a search or when the fiche does not match it.

    ``keys``: the search keys that matched (``matched_keys``), when already known."""
    phrase = search_phrase(state.q)
    if not phrase:
        return None
    if keys is None:
        keys = [k for k in _searched(state) if phrase_in(corpus.search_index(k)[fiche_id], phrase)]
    found: list[tuple[int, str, tuple[tuple[str, bool], ...]]] = []  # (rank, name, parts)
    titles = {name for _, name in META_TITLES}
    for key in keys:
        fields = [
            (1 if key != "meta" else 2 if name in titles else 0, name, parts)
            for name, text in readable_fields(corpus, fiche_id, key)
            if (parts := excerpt_parts(text, phrase, length=length))
        ]
        if not fields:  # across two joined fields, or in a list marker: named alone
            fiche = corpus.fiches.loc[fiche_id]
            fields = [(2, META_NAME if key == "meta" else section_heading(fiche, key), ())]
        found += fields
    if not found:
        return None
    found.sort(key=lambda f: f[0])  # stable: sections keep the fiche's order
    _, where, parts = next((f for f in found if f[2]), found[0])
    return Excerpt(where, parts, also=len(found) - 1)


def _searched(state: FilterState) -> tuple[str, ...]:
    """The search keys of a state, in the order an excerpt prefers them."""
    if state.section:
        return (state.section,)
    return (*SECTION_KEYS, "meta")


def matched_keys(corpus: Corpus, ids: pd.Index, state: FilterState) -> dict[str, list[str]]:
    """For each fiche of ``ids``, the search keys whose text holds the phrase (vectorised,
    as the filter does)."""
    phrase = search_phrase(state.q)
    out: dict[str, list[str]] = {fid: [] for fid in ids}
    if not phrase or not len(ids):
        return out
    for key in _searched(state):
        index = corpus.search_index(key).reindex(ids)
        hit = phrase_found(index, phrase)
        for fid in ids[hit]:
            out[fid].append(key)
    return out


def excerpts(
    corpus: Corpus, ids: pd.Index, state: FilterState, *, length: int = EXCERPT_LENGTH
) -> dict[str, Excerpt]:
    """The excerpt of every fiche of ``ids`` that matches the search of ``state``
    (``length``: characters around the match)."""
    keys = matched_keys(corpus, ids, state)
    out: dict[str, Excerpt] = {}
    for fid, found in keys.items():
        if found:
            excerpt = fiche_excerpt(corpus, fid, state, keys=found, length=length)
            if excerpt is not None:
                out[fid] = excerpt
    return out
