"""Filtering: OR within one filter, AND across filters; accent-insensitive phrase search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, make_dataclass
from dataclasses import field as dataclass_field

import numpy as np
import pandas as pd

from fiches.corpus import Corpus
from fiches.schema import SECTION_BY_KEY
from fiches.text import search_key


@dataclass(frozen=True)
class ListFilter:
    """A multi-valued filter: one entry drives the query, the URL and the sidebar widget.

    ``field`` is the ``FilterState`` field, and the corpus column it filters unless
    ``column`` says otherwise.
    """

    field: str
    param: str  # name in the URL
    label: str  # French label of the widget
    plural: str  # the label before several values, in titles (« Bailleurs : A, B »)
    placeholder: str = "Tous"
    label_of: Callable[[Corpus, str], str] | None = None  # how an option reads
    sort: bool = False  # sort options by value (codes)
    column: str = ""
    min_options: int = 1  # the widget is shown from this many options on
    primary: bool = True  # shown at once; the others behind « Plus de filtres »

    @property
    def corpus_column(self) -> str:
        return self.column or self.field


LIST_FILTERS: tuple[ListFilter, ...] = (
    ListFilter("bailleurs", "bailleur", "Bailleur", "Bailleurs"),
    ListFilter("themes", "theme", "Thème", "Thèmes", label_of=lambda c, v: c.theme_label(v)),
    ListFilter("types_porteurs", "porteur", "Type de porteur", "Types de porteur", primary=False),
    ListFilter(
        "departements",
        "dep",
        "Département",
        "Départements",
        label_of=lambda c, v: f"{v} – {c.departements.get(v, v)}",
        sort=True,
    ),
    ListFilter("communes", "commune", "Commune", "Communes", placeholder="Toutes"),
    ListFilter("regions", "region", "Région", "Régions", placeholder="Toutes", primary=False),
    # the collection a fiche comes from: offered once two or more are loaded
    ListFilter(
        "recueils",
        "recueil",
        "Recueil",
        "Recueils",
        column="source_id",
        label_of=lambda c, v: c.fiches.loc[c.fiches["source_id"] == v, "source"].iloc[0],
        min_options=2,
        primary=False,
    ),
)


def option_label(corpus: Corpus, spec: ListFilter, value: str) -> str:
    """How one value of a list filter reads (in the widget and in titles)."""
    return spec.label_of(corpus, value) if spec.label_of else value


def filter_options(corpus: Corpus, spec: ListFilter) -> list[str]:
    """The values offered for a list filter, in display order."""
    values = corpus.options(spec.corpus_column)
    return sorted(values) if spec.sort else values


def _is_empty(self) -> bool:
    return self == FilterState()


# The state of every filter. Built from the registry, so that adding a list filter is one
# entry in ``LIST_FILTERS``.
FilterState = make_dataclass(
    "FilterState",
    [(f.field, tuple[str, ...], dataclass_field(default=())) for f in LIST_FILTERS]
    + [
        ("years", "tuple[int, int] | None", dataclass_field(default=None)),  # inclusive
        ("q", str, dataclass_field(default="")),
        ("section", str, dataclass_field(default="")),  # "" = every section
    ],
    frozen=True,
    namespace={"is_empty": property(_is_empty), "__module__": __name__},
)


def describe(corpus: Corpus, state: FilterState) -> list[str]:
    """The filters of a state in words, one part per filter in registry order:
    « Bailleurs : France Loire, Vallogis », « Années : 2010–2014 », « Recherche : « x » »."""
    parts: list[str] = []
    for spec in LIST_FILTERS:
        values = [option_label(corpus, spec, v) for v in getattr(state, spec.field)]
        if values:
            label = spec.label if len(values) == 1 else spec.plural
            parts.append(f"{label} : {', '.join(values)}")
    if state.years is not None:
        parts.append(f"Années : {state.years[0]}–{state.years[1]}")
    if state.q:
        section = SECTION_BY_KEY.get(state.section)
        where = f" (rubrique {section.heading})" if section else ""
        parts.append(f"Recherche : « {state.q} »{where}")
    return parts


def search_phrase(q: str) -> str:
    """The query as searched: one phrase, accents, case and punctuation ignored."""
    return search_key(q)


def filter_mask(corpus: Corpus, state: FilterState) -> pd.Series:
    """Boolean Series over ``corpus.fiches``: which fiches pass every filter."""
    mask = np.ones(len(corpus.fiches), dtype=bool)
    for spec in LIST_FILTERS:
        wanted = getattr(state, spec.field)
        if wanted:
            mask &= corpus.has_any(spec.corpus_column, wanted)
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
