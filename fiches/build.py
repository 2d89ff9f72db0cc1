"""Build ``data/fiches.csv`` and ``data/places.csv`` from ``data/raw/`` and the curation.

Deterministic: the same inputs give byte-identical files. Documents are read in the order
of ``data/sources.toml``; a fiche whose title was already seen in an earlier document is
updated in place (same id, same curation).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fiches import paths
from fiches.curation import CuratedPlace, Curation, FicheCuration, load_curation
from fiches.gazetteer import Gazetteer, Location, place_key, without_article
from fiches.geocode import ChainGeocoder, default_geocoder, drawing
from fiches.markup import links_in, markdown_to_plain
from fiches.parse import ParsedDocument, ParsedFiche, parse_document
from fiches.schema import FICHE_COLUMNS, PLACE_COLUMNS, SECTION_KEYS, join_list, precision_label
from fiches.store import to_csv_text
from fiches.text import fold, fr_int, slugify


@dataclass
class Source:
    id: str
    fichier: str
    titre: str
    date: str
    reference: str


# Kinds of build warnings: (one, several) as a count reads them, « 2 000 fiches sans curation ».
WARNING_KINDS = {
    "sans_curation": (
        "fiche sans curation (facettes vides)",
        "fiches sans curation (facettes vides)",
    ),
    "lieu_non_resolu": ("lieu non résolu", "lieux non résolus"),
    "curation_inutilisee": (
        "fiche de curation.toml absente des documents",
        "fiches de curation.toml absentes des documents",
    ),
}


@dataclass(frozen=True)
class BuildWarning:
    kind: str  # a key of WARNING_KINDS
    text: str  # French, names the fiche or place

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class WarningGroup:
    headline: str  # « 2 000 fiches sans curation (facettes vides) »
    items: list[str]


def group_warnings(warnings: list[BuildWarning]) -> list[WarningGroup]:
    """Warnings by kind, with their count, in the order of ``WARNING_KINDS``."""
    groups = []
    for kind, (one, several) in WARNING_KINDS.items():
        items = [w.text for w in warnings if w.kind == kind]
        if items:
            label = one if len(items) == 1 else several
            groups.append(WarningGroup(f"{fr_int(len(items))} {label}", items))
    return groups


@dataclass
class BuildResult:
    fiches: list[dict[str, str]]
    places: list[dict[str, str]]
    warnings: list[BuildWarning] = field(default_factory=list)

    def fiches_csv(self) -> str:
        return to_csv_text(self.fiches, FICHE_COLUMNS)

    def places_csv(self) -> str:
        return to_csv_text(self.places, PLACE_COLUMNS)


def load_sources(path: Path = paths.SOURCES) -> list[Source]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return [Source(key, **value) for key, value in data.items()]


def read_documents(
    sources: list[Source], raw_dir: Path = paths.RAW
) -> list[tuple[Source, ParsedDocument]]:
    docs = []
    for source in sources:
        path = raw_dir / source.fichier
        text = path.read_text(encoding="utf-8")
        docs.append((source, parse_document(text, name=source.fichier)))
    return docs


def extract_links(sections: dict[str, str]) -> list[str]:
    """The targets of the links the sections hold (``markup.md_link``), first seen first."""
    links = (url for key in SECTION_KEYS for url in links_in(sections[key]))
    return list(dict.fromkeys(links))


_DEP_IN_HEADING = re.compile(r"\((\d{2}|2[AB]|97\d)\)")


def detect_places(fiche: ParsedFiche, gazetteer: Gazetteer) -> list[CuratedPlace]:
    """Places of a fiche without curation: communes named in « Où ? » (or the heading).

    Only communes of the départements the heading names, or of more than 2,000
    inhabitants, are taken, to keep common words out. Marked as detected, to be curated.
    """
    deps = _DEP_IN_HEADING.findall(fiche.heading)
    text = place_key(markdown_to_plain(fiche.sections["lieu"]) + " " + fiche.heading)
    tokens = text.split()
    found: list[CuratedPlace] = []
    seen: set[str] = set()
    for size in (5, 4, 3, 2, 1):
        for i in range(len(tokens) - size + 1):
            phrase = " ".join(tokens[i : i + size])
            if len(phrase) < 4:
                continue
            for c in gazetteer.find_communes(phrase):
                if c.code in seen or c.lat is None:
                    continue
                if (deps and c.departement not in deps) or (not deps and c.population < 2000):
                    continue
                if phrase not in (place_key(c.nom), without_article(place_key(c.nom))):
                    continue
                seen.add(c.code)
                found.append(
                    CuratedPlace(c.nom, "commune", c.departement, c.nom, "détecté automatiquement")
                )
                break
    if not found:
        for dep in deps:
            d = gazetteer.departement(dep)
            if d:
                found.append(
                    CuratedPlace(d["nom"], "departement", dep, "", "détecté automatiquement")
                )
    return found


def resolve_place(place: CuratedPlace, geocoder: ChainGeocoder) -> tuple[Location | None, str]:
    """Resolve a curated place at its level, through the geocoder chain; returns
    (location, note to add)."""
    dep = place.departement
    if place.niveau == "departement":
        return geocoder.geocode(dep, departement=dep, level="departement"), ""
    if place.niveau == "commune":
        return geocoder.geocode(place.commune or place.nom, departement=dep, level="commune"), ""
    found = geocoder.geocode(place.nom, commune=place.commune, departement=dep)
    if found is not None:
        return found, ""
    commune = geocoder.geocode(place.commune, departement=dep, level="commune")
    if commune is not None:
        return commune, f"{place.niveau} non localisé : placé à la commune"
    return None, ""


def build_tables(
    docs: list[tuple[Source, ParsedDocument]],
    curation: Curation,
    geocoder: ChainGeocoder,
    gazetteer: Gazetteer,
) -> BuildResult:
    entries: dict[str, tuple[Source, ParsedFiche, int]] = {}  # id -> (source, fiche, rank)
    position: dict[str, tuple[int, int]] = {}  # where a fiche first appeared: it stays there
    by_title: dict[str, str] = {}
    warnings: list[BuildWarning] = []
    for doc_rank, (source, doc) in enumerate(docs):
        for fiche_rank, fiche in enumerate(doc.fiches):
            title_key = fold(fiche.title)
            if title_key in by_title:
                entries[by_title[title_key]] = (source, fiche, fiche_rank)
                continue
            base = slugify(fiche.title)
            fid, n = base, 2
            while fid in entries:
                fid, n = f"{base}-{n}", n + 1
            by_title[title_key] = fid
            entries[fid] = (source, fiche, fiche_rank)
            position[fid] = (doc_rank, fiche_rank)

    unknown = sorted(set(curation.fiches) - set(entries))
    for fid in unknown:
        warnings.append(
            BuildWarning(
                "curation_inutilisee",
                f"curation.toml : fiche « {fid} » absente des documents (curation inutilisée)",
            )
        )

    fiches_rows: list[dict[str, str]] = []
    places_rows: list[dict[str, str]] = []
    ordered = sorted(entries.items(), key=lambda kv: position[kv[0]])
    for fid, (source, fiche, fiche_rank) in ordered:
        cur = curation.fiches.get(fid)
        curated_places = cur.places if cur else detect_places(fiche, gazetteer)
        if cur is None:
            cur = FicheCuration()
            warnings.append(
                BuildWarning(
                    "sans_curation",
                    f"fiche « {fiche.title} » ({fid}) : pas de curation (facettes vides)",
                )
            )
        resolved = []
        for rank, place in enumerate(curated_places, start=1):
            loc, extra = resolve_place(place, geocoder)
            note = "; ".join(x for x in (place.note, extra) if x)
            if loc is None:
                warnings.append(
                    BuildWarning(
                        "lieu_non_resolu", f"fiche {fid} : lieu « {place.nom} » non résolu"
                    )
                )
            resolved.append(_place_row(fid, rank, place, loc, note, gazetteer))
        places_rows.extend(resolved)
        fiches_rows.append(_fiche_row(fid, source, fiche, fiche_rank, cur, resolved))
    return BuildResult(fiches_rows, places_rows, warnings)


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _place_row(fid, rank, place: CuratedPlace, loc: Location | None, note, gazetteer) -> dict:
    dep_code = (loc.code_departement if loc else "") or place.departement
    dep = gazetteer.departement(dep_code) or {}
    level = loc.level if loc else place.niveau
    localisation, radius, reference = drawing(loc) if loc else ("", None, "")
    return {
        "fiche_id": fid,
        "rang": str(rank),
        "nom": place.nom,
        "niveau": level,
        "code_commune": loc.code_commune if loc else "",
        "commune": loc.commune if loc else place.commune,
        "code_departement": dep_code,
        "region_2015": dep.get("region_2015", ""),
        "region": dep.get("region", ""),
        "lat": f"{loc.lat:.5f}" if loc and loc.lat is not None else "",
        "lon": f"{loc.lon:.5f}" if loc and loc.lon is not None else "",
        "precision": precision_label(
            level, localisation, radius, place.source, reference=reference
        ),
        "source_geo": loc.source if loc else "non résolu",
        "note": note,
        "localisation": localisation,
        "incertitude_m": str(radius) if radius is not None else "",
        "reference": reference,
        "deduit_de": place.source,
    }


def _fiche_row(fid, source, fiche: ParsedFiche, rank: int, cur: FicheCuration, places) -> dict:
    return {
        "id": fid,
        "ordre": str(rank + 1),
        "titre": fiche.title,
        "intitule": fiche.heading,
        "source_id": source.id,
        "source": source.reference,
        "bailleurs": join_list(cur.bailleurs),
        "porteurs": join_list([f"{p.nom} ({p.type})" for p in cur.porteurs]),
        "types_porteurs": join_list(_unique(p.type for p in cur.porteurs)),
        "themes": join_list(cur.themes),
        "annee_debut": str(cur.annee_debut or ""),
        "periode": cur.periode,
        "departements": join_list(_unique(p["code_departement"] for p in places)),
        "communes": join_list(
            _unique(p["commune"] for p in places if p["niveau"] != "departement")
        ),
        "regions_2015": join_list(_unique(p["region_2015"] for p in places)),
        "regions": join_list(_unique(p["region"] for p in places)),
        "liens": join_list(extract_links(fiche.sections)),
        "label_difficultes": fiche.labels.get("difficultes", ""),
        **{f"section_{k}": fiche.sections[k] for k in SECTION_KEYS},
    }


def build(
    *,
    data_dir: Path = paths.DATA,
    extra: list[tuple[Source, ParsedDocument]] | None = None,
    geocoder: ChainGeocoder | None = None,
    gazetteer: Gazetteer | None = None,
) -> BuildResult:
    """Build the tables in memory from the committed sources (plus ``extra`` documents)."""
    if geocoder is None or gazetteer is None:
        geocoder, gazetteer, _ = default_geocoder(gazetteer)
    sources = load_sources(data_dir / "sources.toml")
    docs = read_documents(sources, data_dir / "raw") + list(extra or [])
    curation = load_curation(data_dir / "curation.toml")
    return build_tables(docs, curation, geocoder, gazetteer)
