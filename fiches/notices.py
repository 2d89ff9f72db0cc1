"""What a load left out, said in French where people look.

Rows skipped at load (``store.Skipped``) become notices shown on every page, grouped when
several rows share file, column and problem; the panel of a fiche says which of its places
could not be read. Texts are plain: pages escape them (``markup.escape_md``) like any
text that may quote a data file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import TYPE_CHECKING

from fiches.store import Skipped
from fiches.text import fr_int

if TYPE_CHECKING:
    pass

ROWS_LISTED = 5  # rows named in a grouped notice; the others are counted


def _rows(rows: list[int]) -> str:
    shown = [str(r) for r in rows[:ROWS_LISTED]]
    if len(rows) > ROWS_LISTED:
        return f"lignes {', '.join(shown)} et {fr_int(len(rows) - ROWS_LISTED)} autres"
    return f"lignes {', '.join(shown[:-1])} et {shown[-1]}"


def _single(s: Skipped, titles: Mapping[str, str]) -> str:
    where = f"{s.file}, ligne {s.row}" + (f", colonne {s.column}" if s.column else "")
    problem = s.problem + (f" « {s.value} »" if s.value else "")
    title = titles.get(s.fiche_id, "")
    of_fiche = f" (fiche « {title} »)" if title else ""
    place = f"le lieu « {s.name} »" if s.name else "ce lieu"
    if s.kind == "fiche":
        return f"1 fiche illisible dans {where} : {problem} — elle n'est pas affichée."
    if s.kept:
        return f"1 lieu sans coordonnées dans {where} : {place}{of_fiche} n'est pas sur la carte."
    return f"1 lieu illisible dans {where} : {problem} — {place}{of_fiche} n'est pas sur la carte."


def _group(first: Skipped, rows: list[int]) -> str:
    n = fr_int(len(rows))
    column = f", colonne {first.column}" if first.column else ""
    if first.kind == "fiche":
        return (
            f"{n} fiches illisibles dans {first.file}{column} : {first.problem}"
            f" ({_rows(rows)}) — elles ne sont pas affichées."
        )
    if first.kept:
        return (
            f"{n} lieux sans coordonnées dans {first.file} ({_rows(rows)}) :"
            " ils ne sont pas sur la carte."
        )
    return (
        f"{n} lieux illisibles dans {first.file}{column} : {first.problem}"
        f" ({_rows(rows)}) — ils ne sont pas sur la carte."
    )


def skipped_notices(skipped: Iterable[Skipped], titles: Mapping[str, str]) -> list[str]:
    """One notice per problem: fiches first, then places, in the order of the files."""

    def key(s: Skipped) -> tuple:
        return (s.kind != "fiche", s.kept, s.file, s.column, s.problem)

    groups = [list(g) for _, g in groupby(sorted(skipped, key=lambda s: (*key(s), s.row)), key)]
    groups.sort(key=lambda g: (g[0].kind != "fiche", g[0].kept, g[0].file, g[0].row))
    return [
        _single(items[0], titles) if len(items) == 1 else _group(items[0], [s.row for s in items])
        for items in groups
    ]


def unread_places(skipped: Iterable[Skipped], fiche_id: str) -> list[str]:
    """For the panel of a fiche: one sentence per place of it that could not be read."""
    return [
        (f"Le lieu « {s.name} »" if s.name else "Un lieu de cette fiche")
        + f" n'a pas pu être lu ({s.file}, ligne {s.row}"
        + (f", colonne {s.column}" if s.column else "")
        + f" : {s.problem}) : il n'est pas sur la carte."
        for s in skipped
        if s.kind == "lieu" and not s.kept and s.fiche_id == fiche_id
    ]
