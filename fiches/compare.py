"""Two or three fiches side by side: facts on top, then the eleven sections aligned.

Cells are escaped Markdown (facts from ``render.fiche_facts``, sections as stored), so
a page can show them with ``st.markdown`` like the detail panel does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from fiches.corpus import Corpus
from fiches.render import EMPTY_SECTION, fiche_facts
from fiches.schema import SECTIONS
from fiches.urlstate import COMPARE_PARAM

MAX_COMPARED = 3
URL_PARAM = COMPARE_PARAM  # one of urlstate.PAGE_PARAMS: the shared URL sync keeps it
SESSION_KEY = "compare_ids"  # the chosen ids, kept across pages (list of str)
FACT_ROWS: tuple[tuple[str, str], ...] = (
    ("bailleur", "Bailleur"),
    ("porteurs", "Porteurs"),
    ("themes", "Thèmes"),
    ("periode", "Période"),
    ("lieux", "Lieux"),
)


@dataclass(frozen=True)
class Row:
    key: str  # a fact kind or a section key
    heading: str  # plain text
    cells: tuple[str, ...]  # escaped Markdown, one per compared fiche
    kind: str  # "fait" or "rubrique"


@dataclass(frozen=True)
class Comparison:
    ids: tuple[str, ...]
    titles: tuple[str, ...]
    rows: tuple[Row, ...]


def parse_ids(value: str | None, known: Iterable[str]) -> tuple[list[str], list[str]]:
    """The fiches named by ``?fiches=a,b,c``: known ids, once each, at most three.

    Returns the ids and French notices for what was dropped; never raises.
    """
    known = set(known)
    ids: list[str] = []
    notices: list[str] = []
    for raw in (value or "").split(",")[: MAX_COMPARED * 4]:
        fid = raw.strip()
        if not fid or fid in ids:
            continue
        if fid not in known:
            notices.append(f"fiche « {fid[:30]} » introuvable")
        elif len(ids) == MAX_COMPARED:
            notices.append(f"au plus {MAX_COMPARED} fiches : « {fid[:30]} » laissée de côté")
        else:
            ids.append(fid)
    return ids, notices


CELL_LABEL_LENGTH = 40


def cell_label(position: int, title: str, *, length: int = CELL_LABEL_LENGTH) -> str:
    """How a cell names its fiche where the columns stack (a phone): « 2. Habitat
    participatif (France Loire) », the title cut at a word past ``length`` characters."""
    if len(title) > length:
        head = title[: length + 1]
        cut = head.rsplit(" ", 1)[0] if " " in head else title[:length]
        title = (cut.rstrip(" ,;:–-(") or title[:length]) + "…"
    return f"{position + 1}. {title}"


def to_param(ids: Sequence[str]) -> str:
    return ",".join(ids)


def add(ids: Sequence[str], fiche_id: str) -> list[str]:
    """The comparison with ``fiche_id`` added last; the oldest leaves beyond three."""
    kept = [i for i in ids if i != fiche_id] + [fiche_id]
    return kept[-MAX_COMPARED:]


def compare(corpus: Corpus, ids: Sequence[str]) -> Comparison:
    """Aligned rows for the given fiches (in that order): facts, then every section."""
    theme_labels = {t: corpus.theme_label(t) for t in corpus.themes}
    fiches = [corpus.fiches.loc[fid] for fid in ids]
    places = corpus.places[corpus.places["fiche_id"].isin(pd.Index(ids))]
    facts = [fiche_facts(f, places[places["fiche_id"] == f["id"]], theme_labels) for f in fiches]
    rows: list[Row] = []
    for kind, heading in FACT_ROWS:
        joiner = ", " if kind == "themes" else "\n\n"
        cells = tuple(joiner.join(fact[kind]) or "—" for fact in facts)
        rows.append(Row(kind, heading, cells, "fait"))
    for section in SECTIONS:
        cells = tuple(f[f"section_{section.key}"] or f"*{EMPTY_SECTION}*" for f in fiches)
        rows.append(Row(section.key, section.heading, cells, "rubrique"))
    return Comparison(tuple(ids), tuple(f["titre"] for f in fiches), tuple(rows))
