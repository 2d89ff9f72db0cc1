"""Filtering: OR within one filter, AND across filters; accent-insensitive phrase search.

One registry, ``FILTERS``, holds every filter of the sidebar: its ``FilterState`` field, its
URL name, its widget, its French label, its options and how it reads in words. The URL
(``fiches.urlstate``), the sidebar and the session (``fiches.ui``), the query, the count line
and the titles of Dossier and Synthèse (``describe``) all read it: adding a filter is one
entry here (plus, for a new kind of widget, its drawing in ``fiches.ui.sidebar``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, make_dataclass
from dataclasses import field as dataclass_field

import numpy as np
import pandas as pd

from fiches.corpus import Corpus
from fiches.schema import SECTION_BY_KEY, SECTION_KEYS
from fiches.text import search_key

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class ListFilter:
    """A multi-valued filter (a multiselect): OR within it, AND with the others.

    ``field`` is the ``FilterState`` field, and the corpus column it filters unless
    ``column`` says otherwise.
    """

    field: str
    param: str  # name in the URL (repeated: ``?bailleur=A&bailleur=B``)
    label: str  # French label of the widget
    plural: str  # the label before several values, in titles (« Bailleurs : A, B »)
    placeholder: str = "Tous"
    label_of: Callable[[Corpus, str], str] | None = None  # how an option reads
    sort: bool = False  # sort options by value (codes)
    column: str = ""
    min_options: int = 1  # the widget is shown from this many options on
    primary: bool = True  # shown at once; the others behind « Plus de filtres »
    widget: str = "multiselect"
    default: tuple = ()
    qualifies: str = ""  # list filters stand alone

    @property
    def corpus_column(self) -> str:
        return self.column or self.field


# How a one-value filter reads from the URL: (value, None) or (None, French notice).
Parsed = tuple[object, str | None]


@dataclass(frozen=True)
class ScalarFilter:
    """A one-value filter: the free text, the section it searches, the year range.

    ``widget`` names how the sidebar draws it; ``read``/``write`` convert it from and to
    its URL value (``read`` gets the corpus's year range); ``words`` says it in a title.
    ``qualifies``: the filter that this one only narrows (the section narrows the search),
    so the two go together wherever one filter is taken alone.
    """

    field: str
    param: str
    label: str
    widget: str
    read: Callable[[str, tuple[int, int] | None], Parsed]
    write: Callable[[object], str]
    words: Callable[[FilterState, Corpus], str | None]
    default: object = ""
    annotation: str = "str"  # its type in ``FilterState``
    primary: bool = True
    qualifies: str = ""


def _read_text(value: str, _years) -> Parsed:
    return (value.strip()[:MAX_QUERY_LENGTH] or None), None


def _read_section(value: str, _years) -> Parsed:
    if value in SECTION_KEYS:
        return value, None
    return None, f"section « {short(value)} » inconnue, ignorée"


def _read_years(value: str, year_range: tuple[int, int] | None) -> Parsed:
    m = re.fullmatch(r"(\d{4})-(\d{4})", value)
    if not m or year_range is None or int(m.group(1)) > int(m.group(2)):
        return None, f"période « {short(value)} » invalide, ignorée"
    lo, hi = max(int(m.group(1)), year_range[0]), min(int(m.group(2)), year_range[1])
    if lo > hi:
        return None, f"période « {short(value)} » hors du corpus, ignorée"
    return ((lo, hi) if (lo, hi) != year_range else None), None


def _search_words(state, _corpus) -> str | None:
    if not state.q:
        return None
    section = SECTION_BY_KEY.get(state.section)
    where = f" (rubrique {section.heading})" if section else ""
    return f"Recherche : « {state.q} »{where}"


def _years_words(state, _corpus) -> str | None:
    return f"Années : {state.years[0]}–{state.years[1]}" if state.years else None


def short(value: str) -> str:
    """A value quoted in a notice: one line, at most 30 characters."""
    value = re.sub(r"\s+", " ", value)
    return value if len(value) <= 30 else value[:29] + "…"


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
SEARCH = ScalarFilter("q", "q", "Recherche libre", "text", _read_text, str, _search_words)
SECTION = ScalarFilter(
    "section", "section", "Chercher dans", "section", _read_section, str, lambda s, c: None,
    primary=False, qualifies="q",
)  # fmt: skip
YEARS = ScalarFilter(
    "years", "annees", "Année de début", "years", _read_years,
    lambda v: f"{v[0]}-{v[1]}", _years_words, default=None, primary=False,
    annotation="tuple[int, int] | None",  # inclusive; None = every year
)  # fmt: skip
SCALAR_FILTERS: tuple[ScalarFilter, ...] = (SEARCH, SECTION, YEARS)
# Every filter, in the sidebar's order: the primary ones at once, then, behind « Plus de
# filtres », the others in this order.
FILTERS: tuple[ListFilter | ScalarFilter, ...] = (SEARCH, SECTION, *LIST_FILTERS, YEARS)
FILTER_BY_FIELD = {spec.field: spec for spec in FILTERS}


def option_label(corpus: Corpus, spec: ListFilter, value: str) -> str:
    """How one value of a list filter reads (in the widget and in titles)."""
    return spec.label_of(corpus, value) if spec.label_of else value


def filter_options(corpus: Corpus, spec: ListFilter) -> list[str]:
    """The values offered for a list filter, in display order."""
    values = corpus.options(spec.corpus_column)
    return sorted(values) if spec.sort else values


def _is_empty(self) -> bool:
    return self == FilterState()


# The state of every filter, built from the registry.
FilterState = make_dataclass(
    "FilterState",
    [(f.field, tuple[str, ...], dataclass_field(default=())) for f in LIST_FILTERS]
    + [(f.field, f.annotation, dataclass_field(default=f.default)) for f in SCALAR_FILTERS],
    frozen=True,
    namespace={"is_empty": property(_is_empty), "__module__": __name__},
)


def describe(corpus: Corpus, state: FilterState) -> list[str]:
    """The filters of a state in words, one part per filter in registry order:
    « Recherche : « x » », « Bailleurs : France Loire, Vallogis », « Années : 2010–2014 »."""
    parts: list[str] = []
    for spec in FILTERS:
        if isinstance(spec, ScalarFilter):
            words = spec.words(state, corpus)
            if words:
                parts.append(words)
            continue
        values = [option_label(corpus, spec, v) for v in getattr(state, spec.field)]
        if values:
            label = spec.label if len(values) == 1 else spec.plural
            parts.append(f"{label} : {', '.join(values)}")
    return parts


def with_qualifiers(field: str) -> tuple[str, ...]:
    """A filter's field and those of the filters that only narrow it (the search's section)."""
    return (field, *(spec.field for spec in FILTERS if spec.qualifies == field))


def alone(state: FilterState, field: str) -> FilterState:
    """Only one filter of ``state`` (with its qualifiers), the others at their defaults."""
    return FilterState(**{name: getattr(state, name) for name in with_qualifiers(field)})


def search_phrase(q: str) -> str:
    """The query as searched: one phrase, accents, case and punctuation ignored."""
    return search_key(q)


MIN_STEM = 3  # shorter words (« d », « l », « de », « la ») are not given endings


def search_regex(phrase: str) -> str:
    """Where a phrase (``search_phrase``) is found in a search key: its words together, in
    this order, each of three letters or more with the rest of its word (« budget
    participatif » finds « budgets participatifs »; « d'habitat » does not find « david
    habitat »); the first word may start inside another, as a plain substring does."""
    return " +".join(
        re.escape(word) + ("[a-z0-9]*" if len(word) >= MIN_STEM else "") for word in phrase.split()
    )


def phrase_found(keys: pd.Series, phrase: str) -> np.ndarray:
    """Which search keys hold ``phrase`` (``search_regex``): the filter's one test."""
    if " " not in phrase:  # one word: a plain substring, faster than a pattern
        return keys.str.contains(phrase, regex=False).to_numpy(dtype=bool)
    return keys.str.contains(search_regex(phrase), regex=True).to_numpy(dtype=bool)


def phrase_in(key: str, phrase: str) -> bool:
    """Whether one search key holds ``phrase`` (as ``phrase_found``)."""
    return re.search(search_regex(phrase), key) is not None


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
            found |= phrase_found(index, phrase)
        mask &= found
    return pd.Series(mask, index=corpus.fiches.index)


def apply_filters(corpus: Corpus, state: FilterState) -> pd.DataFrame:
    return corpus.fiches[filter_mask(corpus, state).to_numpy()]
