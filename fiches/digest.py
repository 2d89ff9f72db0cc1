"""The synthesis of a selection: the sections that carry lessons, gathered, and counts.

Extractive only: each excerpt is a fiche's section exactly as stored (escaped Markdown),
with the fiche's id and title; nothing is rewritten or generated. Excerpts are grouped by
the fiche's main thème (the first of its curated thèmes), so that each appears once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fiches.corpus import Corpus
from fiches.markup import escape_md
from fiches.schema import LIST_SEPARATOR, SECTION_BY_KEY
from fiches.stats import counts_by
from fiches.urlstate import fiche_url

# the sections that carry lessons, in the order the synthesis reads them
LESSON_SECTIONS: tuple[str, ...] = ("difficultes", "resultats", "interet", "perspectives")
NO_THEME = "Sans thème"


@dataclass(frozen=True)
class Excerpt:
    fiche_id: str
    titre: str
    text: str  # the section as stored: escaped Markdown


@dataclass(frozen=True)
class ThemeGroup:
    theme: str  # thème id ("" when the fiche has none)
    label: str
    excerpts: tuple[Excerpt, ...]


@dataclass(frozen=True)
class SectionDigest:
    key: str
    heading: str
    groups: tuple[ThemeGroup, ...]

    @property
    def size(self) -> int:
        return sum(len(g.excerpts) for g in self.groups)


@dataclass(frozen=True)
class Digest:
    sections: tuple[SectionDigest, ...]
    counts: dict[str, pd.Series]  # title -> counts by value


def main_theme(themes_cell: str) -> str:
    return themes_cell.split(LIST_SEPARATOR, 1)[0] if themes_cell else ""


def digest_counts(corpus: Corpus, fiches: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        "Par thème": counts_by(fiches, "themes", label=corpus.theme_label, empty=NO_THEME),
        "Par bailleur": counts_by(fiches, "bailleurs", empty="Sans bailleur"),
        "Par type de porteur": counts_by(fiches, "types_porteurs", empty="Non indiqué"),
        "Par année de début": counts_by(fiches, "annee_debut", empty="Non indiquée"),
    }


def build_digest(corpus: Corpus, fiches: pd.DataFrame) -> Digest:
    """Excerpts of the lesson sections of ``fiches``, by section then main thème."""
    order = {t: i for i, t in enumerate(corpus.themes)}
    mains = [main_theme(cell) for cell in fiches["themes"]]
    sections = []
    for key in LESSON_SECTIONS:
        by_theme: dict[str, list[Excerpt]] = {}
        texts = fiches[f"section_{key}"]
        for fid, titre, text, theme in zip(
            fiches.index, fiches["titre"], texts, mains, strict=True
        ):
            if text:
                by_theme.setdefault(theme, []).append(Excerpt(fid, titre, text))
        groups = tuple(
            ThemeGroup(t, corpus.theme_label(t) if t else NO_THEME, tuple(excerpts))
            for t, excerpts in sorted(by_theme.items(), key=lambda kv: order.get(kv[0], 1e9))
        )
        sections.append(SectionDigest(key, SECTION_BY_KEY[key].heading, groups))
    return Digest(tuple(sections), digest_counts(corpus, fiches))


def digest_markdown(digest: Digest, *, title: str, base_url: str) -> str:
    """The whole synthesis as Markdown: counts as tables, then every excerpt with its link."""
    lines = [
        f"# Synthèse : {escape_md(title)}",
        "",
        "Extraits des rubriques Difficultés, Résultats obtenus, Intérêt / Enseignement et"
        " Perspectives, tels qu'ils figurent dans les fiches (rien n'est réécrit), classés"
        " par thème principal de la fiche.",
        "",
        "## Comptes",
        "",
    ]
    for heading, counts in digest.counts.items():
        lines += [f"### {heading}", "", "| valeur | actions |", "|---|---|"]
        lines += [f"| {escape_md(str(value))} | {n} |" for value, n in counts.items()]
        lines.append("")
    for section in digest.sections:
        lines += [f"## {escape_md(section.heading)}", ""]
        if not section.groups:
            lines += ["*Aucune fiche de la sélection ne renseigne cette rubrique.*", ""]
        for group in section.groups:
            lines += [f"### {escape_md(group.label)} ({len(group.excerpts)})", ""]
            for e in group.excerpts:
                url = fiche_url(base_url, e.fiche_id)
                lines += [f"#### [{escape_md(e.titre)}]({url})", "", e.text, ""]
    return "\n".join(lines)
