"""Read, validate and write the built tables (``data/fiches.csv``, ``data/places.csv``).

Structural problems (missing or empty file, wrong encoding, missing column, duplicate
ids) refuse the file with a :class:`DataError` naming file, row and column. A bad row
(truncated line, invalid year, coordinates outside France or not numbers) is skipped and
reported as a warning naming file, row and column; the app shows those warnings.
Writes are atomic (temporary file + ``os.replace``) under an exclusive lock.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fiches.schema import FICHE_COLUMNS, LEVELS, LIST_SEPARATOR, LOCALISATIONS, PLACE_COLUMNS

# Metropolitan France and the overseas départements: ((lat_min, lon_min), (lat_max, lon_max)).
FRANCE_BOXES = (
    ((41.0, -5.8), (51.2, 9.9)),
    ((14.2, -61.9), (16.6, -60.7)),
    ((2.0, -54.7), (6.0, -51.5)),
    ((-21.5, 55.1), (-20.8, 55.9)),
    ((-13.1, 44.9), (-12.5, 45.4)),
)


class DataError(ValueError):
    """A data file that cannot be used; the message is French and names the place."""


@dataclass
class Loaded:
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def split_list(cell: str) -> list[str]:
    return [v for v in (cell or "").split(LIST_SEPARATOR) if v]


def join_list(values: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(values)


def to_number(cells: pd.Series) -> pd.Series:
    """Text cells to floats ("" and invalid values -> NaN), vectorised by pyarrow."""
    arr = pa.array(cells, type=pa.string())
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    try:
        values = pc.cast(arr, pa.float64())
    except pa.ArrowInvalid:  # some cell is not a number: let pandas mark it NaN
        return pd.to_numeric(cells.replace("", None), errors="coerce").astype(float)
    return pd.Series(values.to_numpy(zero_copy_only=False), index=cells.index, dtype=float)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"{path.name} : fichier introuvable ({path})") from exc
    if not raw.strip():
        raise DataError(f"{path.name} : fichier vide")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path.name}, ligne {line} : encodage invalide, le fichier doit être en UTF-8"
            " (enregistré en latin-1 ?)"
        ) from exc


def read_table(path: Path, columns: dict[str, str]) -> Loaded:
    """Read a CSV with every cell as text; check columns and row lengths.

    A well-formed file is read by the pyarrow CSV reader (fast at 100,000 rows); any
    problem sends it through Python's csv module, which can say which row is wrong.
    """
    try:
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, engine="pyarrow", encoding="utf-8"
        )
    except Exception:  # any failure: the careful reader below explains it
        table = None
    if table is not None and all(c in table.columns for c in columns) and len(table.columns) > 0:
        table.index = pd.RangeIndex(2, len(table) + 2)  # rows as in a spreadsheet
        return Loaded(table, [])
    return _read_table_carefully(path, columns)


def _read_table_carefully(path: Path, columns: dict[str, str]) -> Loaded:
    text = _read_text(path)
    warnings: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - empty handled above
        raise DataError(f"{path.name} : fichier vide") from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{path.name}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}")
    rows: list[list[str]] = []
    numbers: list[int] = []
    line = 1  # rows are numbered as in a spreadsheet: the header is row 1
    try:
        for row in reader:
            line += 1
            if not row:
                continue
            if len(row) != len(header):
                warnings.append(
                    f"{path.name}, ligne {line} : {len(row)} champs au lieu de {len(header)}"
                    " (ligne tronquée ?) : ligne ignorée"
                )
                continue
            rows.append(row)
            numbers.append(line)
    except csv.Error as exc:
        warnings.append(f"{path.name}, ligne {line + 1} : {exc} : fin du fichier ignorée")
    # the index holds each row's number, so later messages name the right row
    return Loaded(pd.DataFrame(rows, columns=header, index=numbers, dtype=str), warnings)


def _skip(
    table: pd.DataFrame,
    mask: pd.Series,
    warnings: list[str],
    where: str,
    column: str,
    reason: str,
) -> pd.DataFrame:
    """Drop the rows of ``mask``, each with a warning naming file, row and column.

    The table's index holds the spreadsheet row numbers (see ``read_table``).
    """
    for row in table.index[mask]:
        value = table.at[row, column][:40]
        warnings.append(f"{where}, ligne {row}, colonne {column} : {reason} « {value} » : ignorée")
    return table[~mask]


def validate_fiches(loaded: Loaded, name: str = "fiches.csv") -> Loaded:
    table, warnings = loaded.table, list(loaded.warnings)  # index = spreadsheet row
    dup = table["id"].duplicated(keep="first") & (table["id"] != "")
    if dup.any():
        second = table.index[dup][0]
        fid = table.at[second, "id"]
        first = table.index[table["id"] == fid][0]
        raise DataError(
            f"{name}, ligne {second}, colonne id : identifiant en double « {fid[:60]} »"
            f" (déjà ligne {first})"
        )
    slug = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    table = _skip(
        table, ~table["id"].str.fullmatch(slug), warnings, name, "id", "identifiant invalide"
    )
    table = _skip(table, table["titre"].str.strip() == "", warnings, name, "titre", "titre vide")
    for column, pattern in (("annee_debut", r"(\d{4})?"), ("ordre", r"\d{1,4}")):
        bad = ~table[column].str.fullmatch(pattern)
        table = _skip(table, bad, warnings, name, column, "valeur invalide")
    out = table.copy()
    out["ordre"] = out["ordre"].astype(int)
    out["annee_debut"] = to_number(out["annee_debut"]).astype("Int64")
    return Loaded(out.reset_index(drop=True), warnings)


def validate_places(loaded: Loaded, fiche_ids: set[str], name: str = "places.csv") -> Loaded:
    table, warnings = loaded.table, list(loaded.warnings)
    # pyarrow's is_in: pandas' isin on Arrow strings builds one scalar per id (slow at 100k)
    known = pc.is_in(
        pa.array(table["fiche_id"].tolist(), type=pa.string()),
        value_set=pa.array(sorted(fiche_ids), type=pa.string()),
    )
    unknown = pd.Series(~known.to_numpy(zero_copy_only=False), index=table.index)
    table = _skip(table, unknown, warnings, name, "fiche_id", "fiche inconnue")
    table = _skip(table, ~table["niveau"].isin(LEVELS), warnings, name, "niveau", "niveau inconnu")
    drawn = table["localisation"].isin([*LOCALISATIONS, ""])
    table = _skip(table, ~drawn, warnings, name, "localisation", "localisation inconnue")
    radius_ok = table["incertitude_m"].str.fullmatch(r"(\d{1,7})?")
    table = _skip(table, ~radius_ok, warnings, name, "incertitude_m", "incertitude invalide")
    lat = to_number(table["lat"])
    lon = to_number(table["lon"])
    empty = (table["lat"] == "") & (table["lon"] == "")
    in_box = pd.Series(False, index=table.index)
    lat_ok = pd.Series(False, index=table.index)
    lon_ok = pd.Series(False, index=table.index)
    for (lat_min, lon_min), (lat_max, lon_max) in FRANCE_BOXES:
        lat_in, lon_in = lat.between(lat_min, lat_max), lon.between(lon_min, lon_max)
        lat_ok |= lat_in
        lon_ok |= lon_in
        in_box |= lat_in & lon_in
    bad = ~empty & ~in_box
    reason = "coordonnée absente, invalide ou hors de France"
    for column, mask in (("lat", ~lat_ok), ("lon", lat_ok & ~lon_ok), ("lat", lat_ok & lon_ok)):
        table = _skip(table, (bad & mask)[table.index], warnings, name, column, reason)
    lat, lon, empty = lat[table.index], lon[table.index], empty[table.index]
    dep_level_without_point = empty & (table["niveau"] != "departement")
    for row in table.index[dep_level_without_point]:
        nom = table.at[row, "nom"][:60]
        warnings.append(
            f"{name}, ligne {row} : lieu « {nom} » sans coordonnées : absent de la carte"
        )
    out = table.copy()
    out["lat"] = lat.astype(float)
    out["lon"] = lon.astype(float)
    out["rang"] = pd.to_numeric(out["rang"], errors="coerce").fillna(0).astype(int)
    out["incertitude_m"] = to_number(out["incertitude_m"]).astype("Int64")
    return Loaded(out.reset_index(drop=True), warnings)


def load_tables(
    fiches_path: Path, places_path: Path
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Both tables, validated; raises DataError on a structural problem."""
    fiches = validate_fiches(read_table(fiches_path, FICHE_COLUMNS), fiches_path.name)
    places = validate_places(
        read_table(places_path, PLACE_COLUMNS), set(fiches.table["id"]), places_path.name
    )
    return fiches.table, places.table, fiches.warnings + places.warnings


def to_csv_text(rows: list[dict[str, str]], columns: Sequence[str]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(
        buf, fieldnames=list(columns), lineterminator="\n", extrasaction="raise"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buf.getvalue()


@contextmanager
def data_lock(directory: Path) -> Iterator[None]:
    """Exclusive lock on a data directory: two imports never interleave."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".fiches.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_atomic(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling, fsync, then replace each in turn.

    A crash before the replacements leaves every target untouched.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            temps.append((tmp, path))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
