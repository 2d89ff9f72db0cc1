"""Data files that are wrong: a clear French message naming file, row and column."""

from __future__ import annotations

import pytest

from fiches import paths
from fiches.schema import FICHE_COLUMNS
from fiches.store import DataError, load_tables, read_table, validate_fiches, write_atomic


@pytest.fixture
def tables(tmp_path):
    (tmp_path / "data").mkdir()
    fiches = tmp_path / "data" / "fiches.csv"
    places = tmp_path / "data" / "places.csv"
    fiches.write_bytes(paths.FICHES_CSV.read_bytes())
    places.write_bytes(paths.PLACES_CSV.read_bytes())
    return fiches, places


def test_committed_tables_load_without_warning():
    fiches, places, warnings = load_tables(paths.FICHES_CSV, paths.PLACES_CSV)
    assert (len(fiches), len(places), warnings) == (13, 23, [])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f, p: f.unlink(), r"fiches\.csv : fichier introuvable"),
        (lambda f, p: f.write_text(""), r"fiches\.csv : fichier vide"),
        (
            lambda f, p: f.write_bytes(f.read_text(encoding="utf-8").encode("latin-1", "replace")),
            r"fiches\.csv, ligne \d+ : encodage invalide",
        ),
        (
            lambda f, p: f.write_text(f.read_text().replace("annee_debut", "annee", 1)),
            r"fiches\.csv, ligne 1 : colonne\(s\) manquante\(s\) : annee_debut",
        ),
        (
            lambda f, p: p.write_text(p.read_text().replace("fiche_id,", "fiche,", 1)),
            r"places\.csv, ligne 1 : colonne\(s\) manquante\(s\) : fiche_id",
        ),
        (
            lambda f, p: f.write_text(
                f.read_text().replace(
                    "forum-des-locataires-val-touraine-habitat,",
                    "l-universite-du-citoyen-de-chateauroux,",
                    1,
                )
            ),
            r"fiches\.csv, ligne 3, colonne id : identifiant en double « l-universite-du-citoyen-de-chateauroux »",
        ),
    ],
)
def test_structural_problems_refuse_the_file(tables, damage, message):
    fiches, places = tables
    damage(fiches, places)
    with pytest.raises(DataError, match=message):
        load_tables(fiches, places)


def _edit_place(places, row: int, column: str, value: str):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(places.read_text(encoding="utf-8"))))
    rows[row][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    places.write_text(buf.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "lat",
            "12.5",
            r"data/places\.csv, ligne 3, colonne lat : coordonnée hors de France « 12\.5 »",
        ),
        ("lon", "nan", r"places\.csv, ligne 3, colonne lon : coordonnée non numérique « nan »"),
        ("lat", "quarante-six", r"ligne 3, colonne lat : coordonnée non numérique « quarante-s"),
        ("lat", "", r"places\.csv, ligne 3, colonne lat : coordonnée absente"),
        ("niveau", "planète", r"places\.csv, ligne 3, colonne niveau : niveau inconnu « planète »"),
        ("fiche_id", "inconnue", r"places\.csv, ligne 3, colonne fiche_id : fiche inconnue"),
    ],
)
def test_bad_rows_are_skipped_with_a_warning(tables, column, value, message):
    fiches, places = tables
    _edit_place(places, 2, column, value)
    loaded_fiches, loaded_places, warnings = load_tables(fiches, places)
    assert len(loaded_places) == 22 and len(loaded_fiches) == 13
    assert len(warnings) == 1 and __import__("re").search(message, warnings[0]), warnings


def test_truncated_last_line_is_skipped_with_a_warning(tables):
    fiches, places = tables
    text = places.read_text(encoding="utf-8")
    places.write_text(text[: text.rstrip("\n").rfind(",")], encoding="utf-8")
    _, loaded, warnings = load_tables(fiches, places)
    assert len(loaded) == 22
    assert warnings and "data/places.csv, ligne 24 :" in warnings[0] and "tronquée" in warnings[0]


def test_bad_year_skips_the_fiche(tables):
    fiches, _ = tables
    loaded = read_table(fiches, FICHE_COLUMNS)
    loaded.table.loc[2, "annee_debut"] = "deux mille"  # index = row number
    checked = validate_fiches(loaded)
    assert len(checked.table) == 12
    assert (
        "fiches.csv, ligne 2, colonne annee_debut : valeur invalide « deux mille »"
        in checked.warnings[0]
    )


def test_write_atomic_leaves_targets_untouched_when_a_write_fails(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "missing-dir" / "b.txt"
    a.write_text("avant")
    with pytest.raises(FileNotFoundError):
        write_atomic({a: "après", b: "x"})
    assert a.read_text() == "avant"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
