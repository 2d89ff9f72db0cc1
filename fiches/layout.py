"""Per-fiche layout corrections: lists the PDF-to-text conversion flattened.

Some lists of the published fiches reach us run together on one line, their separators
lost or reduced to a dash glued to a word. When no general rule can tell such a list from
ordinary text, the fiche gets a correction here: the exact Markdown the parser produced
and the same words laid out as a list. A correction only moves line breaks, list markers
and the dashes that stood for them; ``tests/test_parse.py`` checks that every word is
kept and that every correction still applies to the committed document. A correction
whose text is no longer found (a revised document) is skipped, never forced.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutCorrection:
    fiche_id: str  # slug of the fiche's display title (column id of data/fiches.csv)
    section: str  # section key
    published: str  # the Markdown the parser produces from the published text
    corrected: str  # the same words, laid out as published on paper
    why: str


CORRECTIONS: tuple[LayoutCorrection, ...] = (
    LayoutCorrection(
        "mise-en-place-de-correspondants-d-immeubles-habitat-17",
        "perspectives",
        "Démarche de qualité de service -amélioration du service rendu (propreté des parties"
        " communes, sécurité...) - meilleure prise en compte des populations (services aux"
        " personnes âgées, liens avec les associations de quartier, bon voisinage et respect"
        " des règles de vie collective...)",
        "Démarche de qualité de service\n\n"
        "- amélioration du service rendu (propreté des parties communes, sécurité...)\n"
        "- meilleure prise en compte des populations (services aux personnes âgées, liens"
        " avec les associations de quartier, bon voisinage et respect des règles de vie"
        " collective...)",
        "a lead-in and two items whose bullets became « -amélioration » and « - meilleure »",
    ),
    LayoutCorrection(
        "inauguration-de-la-residence-intergenerationnelle-rene-amand-a-poitiers-sipea",
        "docs",
        "- Plaquette de présentation de l’opération Film retraçant l’histoire de la résidence"
        " post et pré travaux de la réhabilitation [www.sipea-habitat.fr](http://www.sipea-habitat.fr)",
        "- Plaquette de présentation de l’opération\n"
        "- Film retraçant l’histoire de la résidence post et pré travaux de la réhabilitation\n"
        "- [www.sipea-habitat.fr](http://www.sipea-habitat.fr)",
        'three items of an unbulleted list (<ul style="list-style-type: none">) run together',
    ),
)


def correct_layout(fiche_id: str, sections: dict[str, str]) -> list[LayoutCorrection]:
    """Apply this fiche's corrections to ``sections`` in place; return those applied."""
    applied = []
    for c in CORRECTIONS:
        if c.fiche_id == fiche_id and sections.get(c.section) == c.published:
            sections[c.section] = c.corrected
            applied.append(c)
    return applied
