"""Text normalisation shared by parsing, search and geocoding."""

from __future__ import annotations

import functools
import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")


def clean_spaces(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return _SPACES.sub(" ", text).strip()


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> base letters, ligatures expanded, apostrophes straight."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch and base.isascii():
            table[code] = base
    table.update({ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE", ord("ß"): "ss"})
    table.update({ord(k): v for k, v in (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"))})
    return table


_FOLD = _fold_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold_fast(text: str) -> str:
    """Lowercase and strip accents, one C-level pass (no space collapsing)."""
    text = unicodedata.normalize("NFC", text)
    if _COMBINING.search(text):  # marks NFC could not compose
        text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return text.translate(_FOLD).lower()


def fold(text: str, *, keep_length: bool = False) -> str:
    """Lowercase, strip accents, straighten apostrophes, collapse spaces.

    « Joué-lès-Tours » and « JOUE LES TOURS » fold to close strings; used for search and
    label matching, never for display. With ``keep_length``, the fold keeps one character
    per character so that positions map back to ``text``: spaces are not collapsed (each
    becomes one space) and a character whose fold is not one character (« œ », a lone
    combining accent) is only lowercased.
    """
    if keep_length:
        return "".join(_fold_char(ch) for ch in text)
    return clean_spaces(fold_fast(text))


@functools.cache
def _fold_char(ch: str) -> str:
    """The one-character fold of ``ch`` (see ``fold``)."""
    if _SPACES.fullmatch(ch):
        return " "
    folded = fold_fast(ch)
    if len(folded) == 1:
        return folded
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug of ``text``, cut at a word boundary; never empty."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "fiche"


def words(text: str) -> list[str]:
    """The words of a text (Unicode letters and digits), for faithfulness checks."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text))


def _search_table() -> tuple[bytes, bytes]:
    """A byte table over Latin-1: letters to lowercase without accent, separators to space.

    Returns (translation table, bytes to delete). Punctuation inside words is deleted so
    that « Tour(s)Plus » reads « toursplus »; hyphens, apostrophes and spaces separate words.
    """
    table = bytearray(range(256))
    delete = bytearray()
    for code in range(256):
        ch = chr(code)
        if ch.isalnum():
            base = unicodedata.normalize("NFKD", ch)[0].lower()
            table[code] = ord(base) if ord(base) < 256 else ord(ch.lower())
        elif ch in "-'\t\n\r \x00\xa0/":
            table[code] = 0 if code == 0 else 32
        else:
            delete.append(code)
    return bytes(table), bytes(delete)


_SEARCH_TABLE, _SEARCH_DELETE = _search_table()
# What the byte table cannot do, taken from the shared fold table: letters outside Latin-1
# (Œ, Ÿ, ő…), letters folding to two (æ, ß), apostrophes; dashes become hyphens.
_SEARCH_PREFOLD = {
    chr(code): base
    for code, base in _FOLD.items()
    if code > 0xFF or len(base) > 1 or not chr(code).isalpha()
} | {"–": "-", "—": "-"}
_SEARCH_PREFOLD_RE = re.compile(f"[{re.escape(''.join(_SEARCH_PREFOLD))}]")


def search_keys(texts: list[str]) -> list[str]:
    """Search keys of many texts in one C-level pass: ``fold`` done on bytes, for speed.

    The same fold as ``fold`` (lowercase, accents removed, ligatures expanded) with
    hyphens, apostrophes and slashes as spaces and other punctuation dropped:
    « Joué-lès-Tours », « JOUE LES TOURS » and « joue-les-tours » give the same key, and
    « Tour(s)Plus » reads « toursplus ». What ``fold`` leaves outside Latin-1 (« ł »,
    « ᵉ », « ﬁ ») is dropped, and Latin-1 superscripts and fractions read as their digit
    or letter (« ² » → « 2 », « ½ » → « 1 »): the corpus is French; query and index go
    through the same function.
    """
    if not texts:
        return []
    joined = "\x00".join(t.replace("\x00", " ") for t in texts)
    joined = _SEARCH_PREFOLD_RE.sub(lambda m: _SEARCH_PREFOLD[m.group()], joined)
    raw = joined.encode("latin-1", "replace").replace(b"?", b"")
    # keep real question marks out of the way: they are punctuation anyway
    folded = raw.translate(_SEARCH_TABLE, _SEARCH_DELETE).decode("latin-1")
    return [part.strip() for part in folded.split("\x00")]


def search_key(text: str) -> str:
    """The search key of one text (see ``search_keys``), spaces collapsed."""
    return " ".join(search_keys([text])[0].split())


# --- French words and numbers: one home each --------------------------------------------

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def fr_int(n: int) -> str:
    """An integer as French text writes it: 2 000 (narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


def counted(n: int, noun: str) -> str:
    """« 1 action », « 2 actions », « 10 000 propositions »: ``noun`` takes an s above 1."""
    return f"{fr_int(n)} {noun}{'s' if n > 1 else ''}"


def actions(n: int) -> str:
    """« 1 action », « 2 actions », « 10 000 actions »."""
    return counted(n, "action")
