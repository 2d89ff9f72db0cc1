"""The loaded corpus: validated tables, vocabularies and the search index, built once."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fiches import paths
from fiches.curation import Theme, load_curation
from fiches.markup import markdown_to_plain
from fiches.schema import SECTION_KEYS
from fiches.store import load_tables, split_list
from fiches.text import fold, search_key


@dataclass
class Corpus:
    fiches: pd.DataFrame  # one row per fiche, index = id
    places: pd.DataFrame
    themes: dict[str, Theme]
    contours: dict
    departements: dict[str, str] = field(default_factory=dict)  # code -> name
    warnings: list[str] = field(default_factory=list)
    # folded plain text per section, and of the whole fiche, for accent-insensitive search
    search: dict[str, pd.Series] = field(default_factory=dict)
    lists: dict[str, pd.Series] = field(default_factory=dict)  # column -> Series of lists

    @property
    def ids(self) -> list[str]:
        return list(self.fiches.index)

    def options(self, column: str) -> list[str]:
        """Distinct values of a multi-valued column, sorted (themes: in vocabulary order)."""
        if column == "themes":
            present = {v for values in self.lists["themes"] for v in values}
            return [t for t in self.themes if t in present]
        seen: dict[str, None] = {}
        for values in self.lists[column]:
            for v in values:
                seen.setdefault(v, None)
        return sorted(seen, key=fold)

    def years(self) -> tuple[int, int] | None:
        years = self.fiches["annee_debut"].dropna()
        return (int(years.min()), int(years.max())) if len(years) else None

    def theme_label(self, theme_id: str) -> str:
        theme = self.themes.get(theme_id)
        return theme.label if theme else theme_id

    def title_to_id(self) -> dict[str, str]:
        return dict(zip(self.fiches["titre"], self.fiches.index, strict=True))


LIST_COLUMNS = (
    "bailleurs",
    "types_porteurs",
    "themes",
    "departements",
    "communes",
    "regions",
    "liens",
    "porteurs",
    "regions_2015",
)


def build_corpus(
    fiches: pd.DataFrame,
    places: pd.DataFrame,
    *,
    themes: dict[str, Theme],
    contours: dict,
    departements: dict[str, str] | None = None,
    warnings: list[str] | None = None,
) -> Corpus:
    fiches = fiches.set_index("id", drop=False)
    search: dict[str, pd.Series] = {}
    for key in SECTION_KEYS:
        search[key] = fiches[f"section_{key}"].map(lambda md: search_key(markdown_to_plain(md)))
    meta = (
        fiches["titre"]
        + " "
        + fiches["intitule"]
        + " "
        + fiches["porteurs"]
        + " "
        + fiches["bailleurs"]
    )
    place_names = (
        places.groupby("fiche_id")["nom"].agg(" ".join).reindex(fiches.index, fill_value="")
    )
    search["all"] = (
        meta.map(search_key)
        + " "
        + place_names.map(search_key)
        + " "
        + pd.concat([search[k] for k in SECTION_KEYS], axis=1).agg(" ".join, axis=1)
    )
    lists = {c: fiches[c].map(split_list) for c in LIST_COLUMNS}
    return Corpus(
        fiches,
        places,
        themes,
        contours,
        dict(departements or {}),
        list(warnings or []),
        search,
        lists,
    )


def load_corpus(data_dir: Path = paths.DATA, geo_dir: Path = paths.GEO) -> Corpus:
    """Load and validate the committed tables; raises DataError or CurationError."""
    fiches, places, warnings = load_tables(data_dir / "fiches.csv", data_dir / "places.csv")
    curation = load_curation(data_dir / "curation.toml")
    with open(geo_dir / "contours.geojson", encoding="utf-8") as fh:
        contours = json.load(fh)
    with open(geo_dir / "departements.csv", encoding="utf-8") as fh:
        departements = {r["code"]: r["nom"] for r in csv.DictReader(fh)}
    return build_corpus(
        fiches,
        places,
        themes=curation.themes,
        contours=contours,
        departements=departements,
        warnings=warnings,
    )
