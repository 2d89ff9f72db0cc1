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
}


@dataclass(frozen=True)
class FilterState:
    bailleurs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    types_porteurs: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # inclusive; None = no year filter
    q: str = ""
    section: str = ""  # "" = every section

    @property
    def is_empty(self) -> bool:
        return self == FilterState()


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
