"""Filtering: OR within one filter, AND across filters; accent-insensitive phrase search."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fiches.corpus import Corpus
from fiches.text import search_key

# filter name -> corpus list column
LIST_FILTERS: dict[str, str] = {
    "bailleurs": "bailleurs",
    "themes": "themes",
    "types_porteurs": "types_porteurs",
    "departements": "departements",
    "communes": "communes",
    "regions": "regions",
    # Issue 12 — « Recueil » (the collection a fiche comes from): single-valued source_id,
    # matched like a one-value list. Show its widget only when recueil_options() is not
    # empty (two or more collections loaded). UI wiring left to the lead.
    "recueils": "source_id",
}


@dataclass(frozen=True)
class FilterState:
    bailleurs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    types_porteurs: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    recueils: tuple[str, ...] = ()  # source_id values (see recueil_options)
    years: tuple[int, int] | None = None  # inclusive; None = no year filter
    q: str = ""
    section: str = ""  # "" = every section

    @property
    def is_empty(self) -> bool:
        return self == FilterState()


def recueil_options(corpus: Corpus) -> dict[str, str]:
    """The collections a « Recueil » filter offers: source_id -> reference shown.

    Empty when fewer than two collections are loaded: the filter would choose nothing.
    In order of first appearance (the order of data/sources.toml).
    """
    pairs = corpus.fiches[["source_id", "source"]].drop_duplicates("source_id")
    options = dict(zip(pairs["source_id"], pairs["source"], strict=True))
    return options if len(options) >= 2 else {}


def search_phrase(q: str) -> str:
    """The query as searched: one phrase, accents, case and punctuation ignored."""
    return search_key(q)


def filter_mask(corpus: Corpus, state: FilterState) -> pd.Series:
    """Boolean Series over ``corpus.fiches``: which fiches pass every filter."""
    mask = np.ones(len(corpus.fiches), dtype=bool)
    for name, column in LIST_FILTERS.items():
        wanted = getattr(state, name)
        if wanted:
            mask &= corpus.has_any(column, wanted)
    if state.years is not None:
        lo, hi = state.years
        years = corpus.fiches["annee_debut"]
        mask &= (years.ge(lo) & years.le(hi)).fillna(False).to_numpy(dtype=bool)
    phrase = search_phrase(state.q)
    if phrase:
        keys = [state.section] if state.section else corpus.SEARCH_KEYS
        found = np.zeros(len(corpus.fiches), dtype=bool)
        for key in keys:
            index = corpus.search_index(key)
            found |= index.str.contains(phrase, regex=False).to_numpy(dtype=bool)
        mask &= found
    return pd.Series(mask, index=corpus.fiches.index)


def apply_filters(corpus: Corpus, state: FilterState) -> pd.DataFrame:
    return corpus.fiches[filter_mask(corpus, state).to_numpy()]
