"""Text normalisation shared by parsing, search and geocoding."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")


def clean_spaces(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase, strip accents, straighten apostrophes, collapse spaces.

    « Joué-lès-Tours » and « JOUE LES TOURS » fold to close strings; used for search and
    label matching, never for display.
    """
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    return clean_spaces(text.lower())


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


_SEARCH_PUNCT = re.compile(r"[-'’‘_/.,;:!?()«»\"\[\]*]+")


def search_key(text: str) -> str:
    """Normalised text for search: folded, punctuation and hyphens as spaces.

    « Joué-lès-Tours », « JOUE LES TOURS » and « joue-les-tours » give the same key.
    """
    return clean_spaces(_SEARCH_PUNCT.sub(" ", fold(text)))
