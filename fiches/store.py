"""Read, validate and write the built tables (``data/fiches.csv``, ``data/places.csv``).

Structural problems (missing or empty file, wrong encoding, missing column, duplicate
ids) refuse the file with a :class:`DataError` naming file, row and column. A bad row
(unclosed quote, truncated line, invalid year, coordinates outside France or not numbers)
is skipped and recorded as a :class:`Skipped` naming file, row and column; the corpus
turns those into the notices every page shows (``fiches.notices``).
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

from fiches.schema import FICHE_COLUMNS, LEVELS, LOCALISATIONS, PLACE_COLUMNS

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


@dataclass(frozen=True)
class Skipped:
    """A row left out at load, or kept without its point on the map (``kept``)."""

    file: str  # as shown to people: "data/places.csv"
    row: int  # spreadsheet row (the header is row 1)
    column: str  # "" when the row as a whole is unreadable
    problem: str  # French, without the value: "guillemet non fermé"
    value: str = ""  # the offending cell, shortened
    fiche_id: str = ""  # the fiche of the row, when it could be read
    name: str = ""  # places: the place's name, when it could be read
    kept: bool = False
    kind: str = "fiche"  # what the row is: "fiche" (fiches.csv) or "lieu" (places.csv)

    @property
    def line(self) -> str:
        """One line for logs and the command line."""
        where = f"{self.file}, ligne {self.row}" + (
            f", colonne {self.column}" if self.column else ""
        )
        value = f" « {self.value} »" if self.value else ""
        return f"{where} : {self.problem}{value} : " + ("gardée" if self.kept else "ignorée")


@dataclass
class Loaded:
    table: pd.DataFrame
    skipped: list[Skipped] = field(default_factory=list)
    rows_in_file: int = 0  # data rows the file holds, readable or not

    @property
    def warnings(self) -> list[str]:
        return [s.line for s in self.skipped]


def file_label(path: Path) -> str:
    """How messages name a data file: its folder and name (``data/fiches.csv``)."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


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
            path,
            dtype=str,
            keep_default_na=False,
            engine="pyarrow",
            encoding="utf-8",
            skip_blank_lines=False,  # a blank line shifts the row numbers: read carefully
        )
    except Exception:  # any failure: the careful reader below explains it
        table = None
    if table is not None and all(c in table.columns for c in columns) and len(table.columns) > 0:
        table.index = pd.RangeIndex(2, len(table) + 2)  # rows as in a spreadsheet
        maybe_blank = table.iloc[:, 0] == ""
        if maybe_blank.any():  # blank lines keep their row number but hold no data
            table = table[~(maybe_blank & (table == "").all(axis=1))]
        return Loaded(table, [], len(table))
    return _read_table_carefully(path, columns)


def _read_table_carefully(path: Path, columns: dict[str, str]) -> Loaded:
    text = _read_text(path)
    label = file_label(path)
    # physical lines as csv.reader sees them: a record's raw text can be examined again
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - empty handled above
        raise DataError(f"{path.name} : fichier vide") from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{path.name}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}")
    rows: list[list[str]] = []
    numbers: list[int] = []
    skipped: list[Skipped] = []
    kind = "fiche" if "id" in header else "lieu"
    key = header.index("id" if kind == "fiche" else "fiche_id")
    line = 1  # rows are numbered as in a spreadsheet: the header is row 1
    # (row, index of the field whose quote is unclosed or None): rows recovered after
    # an unclosed quote wait here
    pending: list[tuple[list[str], int | None]] = []
    start = reader.line_num
    while True:
        if pending:
            row, bad_quote = pending.pop(0)
        else:
            try:
                row, bad_quote = next(reader), None
            except StopIteration:
                break
            except csv.Error as exc:  # pragma: no cover - non-strict reader rarely raises
                skipped.append(
                    Skipped(label, line + 1, "", f"fin du fichier illisible ({exc})", kind=kind)
                )
                break
            raw = "".join(lines[start : reader.line_num])
            start = reader.line_num
            if row and len(row) != len(header):
                quote = _unclosed_quote(raw)
                if quote is not None:
                    pending = _recover(raw, quote)
                    continue
        line += 1
        if not row:
            continue  # a blank line: a row of its own in a spreadsheet, but no data
        if bad_quote is not None or len(row) != len(header):
            fid = row[key] if key < len(row) and (bad_quote is None or key <= bad_quote) else ""
            if bad_quote is not None:
                column, problem = header[bad_quote], "guillemet non fermé"
            else:
                column, problem = (
                    "",
                    f"{len(row)} champs au lieu de {len(header)} (ligne tronquée ?)",
                )
            skipped.append(Skipped(label, line, column, problem, fiche_id=fid, kind=kind))
            continue
        rows.append(row)
        numbers.append(line)
    # the index holds each row's number, so later messages name the right row
    table = pd.DataFrame(rows, columns=header, index=numbers, dtype=str)
    return Loaded(table, skipped, len(rows) + len(skipped))


def _unclosed_quote(raw: str) -> tuple[int, int] | None:
    """(field index, offset) of a quote that does not close its field, else None.

    A quoted field must end with a quote followed by a comma or the end of the record;
    a quote that closes anywhere else (or never) was opened by mistake, and the reader
    swallowed what followed it, possibly several rows.
    """
    index, pos, end = 0, 0, len(raw)
    while pos < end:
        if raw[pos] == '"':
            scan = pos + 1
            while scan < end:
                if raw[scan] == '"':
                    if raw.startswith('""', scan):
                        scan += 2
                        continue
                    break
                scan += 1
            if scan >= end or raw[scan + 1 : scan + 2] not in (",", "\r", "\n", ""):
                return index, pos
            pos = scan + 1
        else:
            while pos < end and raw[pos] not in ",\r\n":
                pos += 1
        if pos < end and raw[pos] == ",":
            index, pos = index + 1, pos + 1
        else:
            return None
    return None


def _recover(raw: str, quote: tuple[int, int]) -> list[tuple[list[str], int | None]]:
    """The rows of ``raw`` read again without the bad quote: the first one is the damaged
    row (marked with the field of the quote), the others are rows the quote swallowed."""
    index, offset = quote
    reread = [r for r in csv.reader(io.StringIO(raw[:offset] + raw[offset + 1 :], newline="")) if r]
    return [(reread[0] if reread else [], index)] + [(r, None) for r in reread[1:]]


def _skip(
    table: pd.DataFrame,
    mask: pd.Series,
    skipped: list[Skipped],
    where: str,
    column: str,
    reason: str,
) -> pd.DataFrame:
    """Drop the rows of ``mask``, each recorded with file, row and column.

    The table's index holds the spreadsheet row numbers (see ``read_table``).
    """
    key = "id" if "id" in table.columns else "fiche_id"
    for row in table.index[mask]:
        skipped.append(
            Skipped(
                where,
                int(row),
                column,
                reason,
                value=table.at[row, column][:40],
                fiche_id=table.at[row, key],
                name=table.at[row, "nom"][:60] if key == "fiche_id" else "",
                kind="fiche" if key == "id" else "lieu",
            )
        )
    return table[~mask]


def validate_fiches(loaded: Loaded, name: str = "fiches.csv") -> Loaded:
    table, skipped = loaded.table, list(loaded.skipped)  # index = spreadsheet row
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
        table, ~table["id"].str.fullmatch(slug), skipped, name, "id", "identifiant invalide"
    )
    table = _skip(table, table["titre"].str.strip() == "", skipped, name, "titre", "titre vide")
    for column, pattern in (("annee_debut", r"(\d{4})?"), ("ordre", r"\d{1,4}")):
        bad = ~table[column].str.fullmatch(pattern)
        table = _skip(table, bad, skipped, name, column, "valeur invalide")
    out = table.copy()
    out["ordre"] = out["ordre"].astype(int)
    out["annee_debut"] = to_number(out["annee_debut"]).astype("Int64")
    return Loaded(out.reset_index(drop=True), skipped, loaded.rows_in_file)


def validate_places(
    loaded: Loaded,
    fiche_ids: set[str],
    name: str = "places.csv",
    *,
    skipped_fiches: frozenset[str] = frozenset(),
) -> Loaded:
    """Check the places; those of a fiche in ``skipped_fiches`` (already reported as not
    shown) leave with their fiche, without a message of their own."""
    table, skipped = loaded.table, list(loaded.skipped)
    # pyarrow's is_in: pandas' isin on Arrow strings builds one scalar per id (slow at 100k)
    ids = pa.array(table["fiche_id"].tolist(), type=pa.string())
    known = pc.is_in(ids, value_set=pa.array(sorted(fiche_ids), type=pa.string()))
    gone = pc.is_in(ids, value_set=pa.array(sorted(skipped_fiches), type=pa.string()))
    table = table[~gone.to_numpy(zero_copy_only=False)]
    known = pd.Series(known.to_numpy(zero_copy_only=False), index=loaded.table.index)
    table = _skip(table, ~known[table.index], skipped, name, "fiche_id", "fiche inconnue")
    table = _skip(table, ~table["niveau"].isin(LEVELS), skipped, name, "niveau", "niveau inconnu")
    drawn = table["localisation"].isin([*LOCALISATIONS, ""])
    table = _skip(table, ~drawn, skipped, name, "localisation", "localisation inconnue")
    radius_ok = table["incertitude_m"].str.fullmatch(r"(\d{1,7})?")
    table = _skip(table, ~radius_ok, skipped, name, "incertitude_m", "incertitude invalide")
    table = _skip_bad_points(table, skipped, name)
    lat, lon = to_number(table["lat"]), to_number(table["lon"])
    without_point = (table["lat"] == "") & (table["niveau"] != "departement")
    for row in table.index[without_point]:
        skipped.append(
            Skipped(
                name,
                int(row),
                "lat",
                "lieu sans coordonnées",
                fiche_id=table.at[row, "fiche_id"],
                name=table.at[row, "nom"][:60],
                kept=True,
                kind="lieu",
            )
        )
    out = table.copy()
    out["lat"] = lat.astype(float)
    out["lon"] = lon.astype(float)
    out["rang"] = pd.to_numeric(out["rang"], errors="coerce").fillna(0).astype(int)
    out["incertitude_m"] = to_number(out["incertitude_m"]).astype("Int64")
    return Loaded(out.reset_index(drop=True), skipped, loaded.rows_in_file)


def _skip_bad_points(table: pd.DataFrame, skipped: list[Skipped], name: str) -> pd.DataFrame:
    """Drop places whose point is half given, not a number, or outside France."""
    lat, lon = to_number(table["lat"]), to_number(table["lon"])
    blank = {"lat": table["lat"] == "", "lon": table["lon"] == ""}
    empty = blank["lat"] & blank["lon"]  # no point: the place is drawn by its contour
    in_box = pd.Series(False, index=table.index)
    ok = {"lat": in_box.copy(), "lon": in_box.copy()}
    for (lat_min, lon_min), (lat_max, lon_max) in FRANCE_BOXES:
        lat_in, lon_in = lat.between(lat_min, lat_max), lon.between(lon_min, lon_max)
        ok["lat"] |= lat_in
        ok["lon"] |= lon_in
        in_box |= lat_in & lon_in
    number = {"lat": lat.notna(), "lon": lon.notna()}
    checks = [
        *((c, ~empty & blank[c], "coordonnée absente") for c in ("lat", "lon")),
        *((c, ~blank[c] & ~number[c], "coordonnée non numérique") for c in ("lat", "lon")),
        *((c, ~empty & ~ok[c], "coordonnée hors de France") for c in ("lat", "lon")),
        ("lat", ~empty & ~in_box, "coordonnées hors de France"),
    ]
    for column, mask, reason in checks:
        table = _skip(table, mask[table.index], skipped, name, column, reason)
    return table


@dataclass
class Tables:
    """Both tables, validated, with what was left out on the way."""

    fiches: pd.DataFrame
    places: pd.DataFrame
    skipped: list[Skipped]
    fiches_in_file: int  # fiche rows in the file, shown or not


def load_checked(fiches_path: Path, places_path: Path) -> Tables:
    """Both tables, validated; raises DataError on a structural problem."""
    fiches = validate_fiches(read_table(fiches_path, FICHE_COLUMNS), file_label(fiches_path))
    gone = frozenset(s.fiche_id for s in fiches.skipped if s.fiche_id)
    places = validate_places(
        read_table(places_path, PLACE_COLUMNS),
        set(fiches.table["id"]),
        file_label(places_path),
        skipped_fiches=gone - set(fiches.table["id"]),
    )
    return Tables(fiches.table, places.table, fiches.skipped + places.skipped, fiches.rows_in_file)


def load_tables(
    fiches_path: Path, places_path: Path
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Both tables and one line per row left out (see :func:`load_checked`)."""
    tables = load_checked(fiches_path, places_path)
    return tables.fiches, tables.places, [s.line for s in tables.skipped]


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
