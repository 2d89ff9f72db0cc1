"""The loaded corpus: validated tables, vocabularies and the search index, built once."""

from __future__ import annotations

import csv
import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fiches import paths
from fiches.curation import Theme, load_curation
from fiches.notices import skipped_notices, unread_places
from fiches.schema import LIST_SEPARATOR, MULTI_VALUED, SECTION_KEYS
from fiches.store import Loaded, Skipped, load_checked, validate_fiches, validate_places
from fiches.text import search_keys


@dataclass
class Corpus:
    fiches: pd.DataFrame  # one row per fiche, index = id
    places: pd.DataFrame
    themes: dict[str, Theme]
    contours: dict
    departements: dict[str, str] = field(default_factory=dict)  # code -> name
    skipped: list[Skipped] = field(default_factory=list)  # rows left out at load
    fiches_in_file: int = 0  # fiche rows the file holds, shown or not (0: len(fiches))
    # département code -> (name, lat, lon) of its préfecture, for the map's place names
    prefectures: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    _options: dict[str, list[str]] = field(default_factory=dict)
    _search: dict[str, pd.Series] = field(default_factory=dict)
    _contours: dict[str, dict[str, dict]] = field(default_factory=dict)
    # fiche id -> its origin when it was proposed online (« Proposée en ligne, publiée
    # le … », shown in the panel); the committed fiches have none
    origins: dict[str, str] = field(default_factory=dict)
    _notices: list[str] | None = None
    _search_lock: threading.Lock = field(default_factory=threading.Lock)

    SEARCH_KEYS: ClassVar[tuple[str, ...]] = (*SECTION_KEYS, "meta")

    def search_index(self, key: str) -> pd.Series:
        """Search keys of one section, or of title, porteurs, bailleurs and places ("meta").

        Built on first use and kept (about 1 s per 10 MB of text): loading stays fast, and
        sessions share the index. Thread-safe: Streamlit serves sessions from threads.
        """
        index = self._search.get(key)
        if index is None:
            with self._search_lock:
                index = self._search.get(key)
                if index is None:
                    index = self._build_search(key)
                    self._search[key] = index
        return index

    def _build_search(self, key: str) -> pd.Series:
        if key != "meta":
            texts = self.fiches[f"section_{key}"].tolist()
        else:
            names: dict[str, list[str]] = defaultdict(list)
            for fid, nom in zip(self.places["fiche_id"], self.places["nom"], strict=True):
                names[fid].append(nom)
            f = self.fiches
            texts = [
                " ".join((titre, intitule, porteurs, bailleurs, *names.get(fid, ())))
                for fid, titre, intitule, porteurs, bailleurs in zip(
                    f.index, f["titre"], f["intitule"], f["porteurs"], f["bailleurs"], strict=True
                )
            ]
        return pd.Series(search_keys(texts), index=self.fiches.index, dtype="str")

    @property
    def total_in_file(self) -> int:
        """Fiches the data file holds, readable or not: counts say « 12 actions sur 13 »."""
        return max(self.fiches_in_file, len(self.fiches))

    @property
    def notices(self) -> list[str]:
        """What the load left out, in French, one notice per problem (see ``notices``)."""
        if self._notices is None:
            titles = self.fiches["titre"]
            named = {s.fiche_id for s in self.skipped} & set(titles.index)
            self._notices = skipped_notices(self.skipped, {f: titles[f] for f in named})
        return self._notices

    def unread_places(self, fiche_id: str) -> list[str]:
        """Sentences for the panel of a fiche: its places that could not be read."""
        return unread_places(self.skipped, fiche_id)

    @property
    def ids(self) -> list[str]:
        return list(self.fiches.index)

    def options(self, column: str) -> list[str]:
        """Distinct values of a multi-valued column, sorted (themes: in vocabulary order)."""
        if column not in self._options:
            cells = pa.array(self.fiches[column], type=pa.string())
            parts = pc.list_flatten(pc.split_pattern(cells, LIST_SEPARATOR))
            values = [v for v in pc.unique(parts).to_pylist() if v]
            if column == "themes":
                present = set(values)
                self._options[column] = [t for t in self.themes if t in present]
            else:
                keys = search_keys(values)
                self._options[column] = [v for _, v in sorted(zip(keys, values, strict=True))]
        return self._options[column]

    def has_any(self, column: str, wanted: tuple[str, ...] | list[str]) -> np.ndarray:
        """Which fiches have at least one of ``wanted`` in a multi-valued column."""
        cells = self.fiches[column]
        sep = LIST_SEPARATOR
        mask = np.zeros(len(cells), dtype=bool)
        for value in wanted:
            hit = (
                (cells == value)
                | cells.str.startswith(value + sep)
                | cells.str.endswith(sep + value)
                | cells.str.contains(sep + value + sep, regex=False)
            )
            mask |= hit.to_numpy(dtype=bool)
        return mask

    def first_value(self, column: str) -> pd.Series:
        """The first value of a multi-valued column ("" when empty), per fiche."""
        parts = self.fiches[column].str.split(LIST_SEPARATOR, n=1, regex=False)
        return parts.str[0].fillna("")

    def years(self) -> tuple[int, int] | None:
        years = self.fiches["annee_debut"].dropna()
        return (int(years.min()), int(years.max())) if len(years) else None

    def contours_of(self, kind: str) -> dict[str, dict]:
        """Geometries of one kind of contour (``departement``, ``commune``,
        ``region_2015``) by code: the one lookup of ``geo/contours.geojson``."""
        found = self._contours.get(kind)
        if found is None:
            found = {
                f["properties"]["code"]: f["geometry"]
                for f in self.contours["features"]
                if f["properties"]["kind"] == kind
            }
            self._contours[kind] = found
        return found

    def theme_label(self, theme_id: str) -> str:
        theme = self.themes.get(theme_id)
        return theme.label if theme else theme_id


def build_corpus(
    fiches: pd.DataFrame,
    places: pd.DataFrame,
    *,
    themes: dict[str, Theme],
    contours: dict,
    departements: dict[str, str] | None = None,
    skipped: list[Skipped] | None = None,
    fiches_in_file: int = 0,
) -> Corpus:
    fiches = fiches.set_index("id", drop=False)
    corpus = Corpus(
        fiches,
        places,
        themes,
        contours,
        dict(departements or {}),
        list(skipped or []),
        fiches_in_file,
    )
    for column in MULTI_VALUED:
        corpus.options(column)  # computed once, at load
    return corpus


def load_corpus(data_dir: Path = paths.DATA, geo_dir: Path = paths.GEO) -> Corpus:
    """Load and validate the committed tables; raises DataError or CurationError."""
    tables = load_checked(data_dir / "fiches.csv", data_dir / "places.csv")
    curation = load_curation(data_dir / "curation.toml")
    with open(geo_dir / "contours.geojson", encoding="utf-8") as fh:
        contours = json.load(fh)
    with open(geo_dir / "departements.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    departements = {r["code"]: r["nom"] for r in rows}
    prefectures = {
        r["code"]: (r["prefecture_nom"], float(r["prefecture_lat"]), float(r["prefecture_lon"]))
        for r in rows
        if r.get("prefecture_lat")
    }
    corpus = build_corpus(
        tables.fiches,
        tables.places,
        themes=curation.themes,
        contours=contours,
        departements=departements,
        skipped=tables.skipped,
        fiches_in_file=tables.fiches_in_file,
    )
    corpus.prefectures = prefectures
    return corpus


CONTRIBUTIONS_LABEL = "propositions en ligne"  # how notices name the contributed rows


def contributed_tables(
    fiche_rows: list[dict[str, str]], place_rows: list[dict[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame, list[Skipped]]:
    """Fiche and place rows of proposals (text cells, as in the CSV files), checked and
    typed as ``store.load_checked`` does the committed tables."""
    from fiches.schema import FICHE_COLUMNS, PLACE_COLUMNS

    def loaded(rows: list[dict[str, str]], columns) -> Loaded:
        table = pd.DataFrame(rows, columns=list(columns), dtype=str).fillna("")
        table.index = pd.RangeIndex(2, len(table) + 2)
        return Loaded(table, [], len(table))

    fiches = validate_fiches(loaded(fiche_rows, FICHE_COLUMNS), CONTRIBUTIONS_LABEL)
    places = validate_places(
        loaded(place_rows, PLACE_COLUMNS), set(fiches.table["id"]), CONTRIBUTIONS_LABEL
    )
    return fiches.table, places.table, fiches.skipped + places.skipped


def with_contributions(corpus: Corpus, records, *, vocab=None) -> Corpus:
    """``corpus`` and the published proposals (``fiches.contrib``) as one corpus: their
    rows are checked as the committed tables are, so they appear everywhere the
    committed fiches do (filters, list, statistics, exports, links), in the Recueil
    « Fiches proposées en ligne », with their origin (``Corpus.origins``).

    ``records``: published ``ProposalRecord``s; none gives ``corpus`` itself."""
    if not records:
        return corpus
    from fiches.contrib.proposal import contributed_rows, vocabulary

    rows = contributed_rows(records, taken=corpus.ids, vocab=vocab or vocabulary())
    fiches, places, skipped = contributed_tables(rows.fiches, rows.places)
    combined = build_corpus(
        pd.concat([corpus.fiches, fiches], ignore_index=True),
        pd.concat([corpus.places, places], ignore_index=True),
        themes=corpus.themes,
        contours=corpus.contours,
        departements=corpus.departements,
        skipped=[*corpus.skipped, *skipped],
        fiches_in_file=corpus.total_in_file + len(rows.fiches),
    )
    combined.prefectures = corpus.prefectures
    combined.origins = {**corpus.origins, **rows.origins}
    return combined
