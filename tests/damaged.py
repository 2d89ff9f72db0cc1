"""Damaged copies of data/, as a hand edit or a bad export leaves them.

Shared by the unit tests (tests/test_notices.py) and the browser tests
(tests/browser/test_damaged.py): each function edits the text of one table of a private
copy of data/ (``tests.helpers.copy_data``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

VALLOGIS = "les-comites-locaux-de-concertation-vallogis"  # row 8 of fiches.csv
BLOIS = "la-mise-en-place-du-conseil-citoyen-a-blois"  # its place is row 9 of places.csv
BLOIS_TITLE = "La mise en place du conseil citoyen à Blois"


def edit(data: Path, name: str, change) -> Path:
    path = data / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return data


def unclosed_quote_in_ordre(text: str) -> str:
    """A quote opened before the Vallogis fiche's rank and never closed there."""
    return text.replace(f"\n{VALLOGIS},7,", f'\n{VALLOGIS},"7,', 1)


def unclosed_quote_before_next_row(text: str) -> str:
    """A quote that opens the Vallogis fiche's last (empty) field: it swallows the line
    break and runs into the next fiche's row."""
    end = text.index("\ndes-locataires-auditeurs-france-loire,")  # the row after Vallogis
    assert text[end - 1] == ","  # the last field of the Vallogis row is empty
    return text[:end] + '"' + text[end:]


def unclosed_quote_in_last_row(text: str) -> str:
    """A quote opened before the last fiche's id."""
    last = text.rindex("\ninauguration-de-la-residence-intergenerationnelle") + 1
    return text[:last] + '"' + text[last:]


def edit_cells(text: str, changes: dict[tuple[int, str], str]) -> str:
    """Set cells by (spreadsheet row, column)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for (row, column), value in changes.items():
        rows[row - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def blois_lat_abc(text: str) -> str:
    """``lat = abc`` on the place « Quartier prioritaire de Blois » (row 9)."""
    return edit_cells(text, {(9, "lat"): "abc"})
