"""The one definition of sections, columns and vocabularies.

Code, tests and the data dictionary (``data/README.md``) all read from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fiches.text import fr_int


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # French heading shown to users
    pattern: str  # full-match regex on the folded label (lowercase, no accents)


# The eleven sections of a fiche, in the source's order.
SECTIONS: tuple[Section, ...] = (
    Section("objet", "Quoi ? Objet de l'action", r"quoi\s*\?(\s*>\s*objet de l'action)?"),
    Section("porteur", "Qui ? Porteur de l'action", r"qui\s*\?(\s*>\s*porteurs? de l'action)?"),
    Section(
        "lieu",
        "Où ? Lieu / périmètre de l'action",
        r"ou\s*\?(\s*>\s*lieux?\s*/\s*perimetre de l'action)?",
    ),
    Section(
        "pourquoi",
        "Pourquoi ? Problème à résoudre, contexte, objectifs",
        r"pourquoi\s*\?(\s*>\s*probleme a resoudre, contexte, objectifs poursuivis)?",
    ),
    Section(
        "comment",
        "Comment ? Description de l'action",
        r"comment\s*\?(\s*>\s*description de l'action)?",
    ),
    Section("difficultes", "Difficultés", r"difficultes( rencontrees| potentielles)?"),
    Section("resultats", "Résultats obtenus", r"resultats( obtenus)?"),
    Section(
        "perspectives",
        "Perspectives envisagées",
        r"perspectives( envisagees)?(\s*>\s*« ?l'apres-action ?»)?",
    ),
    Section(
        "interet",
        "Intérêt / Enseignement de l'action",
        r"interet\s*/\s*enseignements?( de l'action)?",
    ),
    Section("contact", "Contact(s)", r"contacts?"),
    Section(
        "docs",
        "Docs / Liens / Site internet",
        r"(docs?\s*/\s*liens?\s*/\s*)?sites? internet associes? a l'action|docs?\s*/\s*liens?.*",
    ),
)
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
SECTION_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
_SECTION_RES = [(s.key, re.compile(s.pattern)) for s in SECTIONS]


def match_section(folded_label: str) -> str | None:
    """Return the section key whose label matches ``folded_label`` entirely, else None."""
    label = folded_label.strip().rstrip(":").strip()
    for key, regex in _SECTION_RES:
        if regex.fullmatch(label):
            return key
    return None


# Multi-valued cells hold their values separated by this string (values never contain it).
LIST_SEPARATOR = " | "


def split_list(cell: str) -> list[str]:
    """The values of a multi-valued cell (the list codec of the stored tables)."""
    return [v for v in (cell or "").split(LIST_SEPARATOR) if v]


def join_list(values: Sequence[str]) -> str:
    """One multi-valued cell from its values."""
    return LIST_SEPARATOR.join(values)


LEVELS: tuple[str, ...] = ("adresse", "quartier", "commune", "departement")
PRECISION_LABELS: dict[str, str] = {
    "adresse": "localisé à l'adresse",
    "quartier": "localisé au quartier",
    "commune": "à la commune",
    "departement": "au département",
}
# How a place is drawn (column ``localisation`` of data/places.csv): a sourced point, an
# approximate area (a circle of radius ``incertitude_m``), the commune, the département.
LOCALISATIONS: tuple[str, ...] = ("point", "zone", "commune", "departement")


def metres(value: int) -> str:
    """« 8 700 m »: thousands separated as French text writes them (``text.fr_int``)."""
    return f"{fr_int(value)} m"


# A point placed on a map by the person who proposed the fiche (``fiches.contrib``): its
# ``reference`` starts with these words, and the panel says them instead of « sourcée ».
CONTRIBUTOR_POSITION = "position indiquée par le contributeur"


def precision_label(
    niveau: str,
    localisation: str,
    incertitude_m: int | None,
    deduit_de: str = "",
    *,
    reference: str = "",
) -> str:
    """How precisely a place is located, in words (the panel line and ``precision``).

    A sourced point, a point placed by the contributor (its ``reference`` says so), an
    approximate area (« position approximative (± N m) »), the commune, the département;
    a place the fiche does not name says where it comes from.
    """
    if localisation == "point" and reference.startswith(CONTRIBUTOR_POSITION):
        text = CONTRIBUTOR_POSITION
    elif localisation == "point":
        radius = f" (± {metres(incertitude_m)})" if incertitude_m else ""
        text = f"{PRECISION_LABELS[niveau]}, position sourcée{radius}"
    elif localisation == "zone":
        text = f"position approximative (± {metres(incertitude_m or 0)})"
    elif localisation in ("commune", "departement"):
        text = PRECISION_LABELS[localisation]
    else:
        text = "non localisé"
    if deduit_de:
        text += f" ; déduit de {deduit_de}, non nommé par la fiche"
    return text


LEVEL_LABELS: dict[str, str] = {
    "adresse": "adresse",
    "quartier": "quartier",
    "commune": "commune",
    "departement": "département",
}

# Columns of data/fiches.csv: name -> description (the data dictionary).
FICHE_COLUMNS: dict[str, str] = {
    "id": "Identifiant stable de la fiche (slug du titre).",
    "ordre": "Rang de la fiche dans le sommaire de son document (1, 2, …).",
    "titre": "Titre d'affichage, tel qu'au sommaire du document. Unique.",
    "intitule": "Intitulé de la fiche tel que publié en tête de fiche.",
    "source_id": "Identifiant du document source (clé de data/sources.toml).",
    "source": "Référence du document source (titre, date) affichée avec la fiche.",
    "bailleurs": "Bailleur(s) social(aux) impliqué(s), noms canoniques ; vide si aucun.",
    "porteurs": "Structures porteuses, chacune sous la forme « Nom (type) ».",
    "types_porteurs": "Types des structures porteuses (vocabulaire de data/curation.toml).",
    "themes": "Identifiants des thèmes (2 à 4, vocabulaire de data/curation.toml).",
    "annee_debut": "Année de début indiquée par le texte ; vide sinon.",
    "periode": "Période telle que le texte l'indique ; vide sinon.",
    "departements": "Codes des départements des lieux de la fiche.",
    "communes": "Noms des communes des lieux de la fiche (hors lieux départementaux).",
    "regions_2015": "Régions (découpage de 2015) des lieux.",
    "regions": "Régions actuelles des lieux.",
    "liens": "URL citées dans la fiche, dans l'ordre du texte.",
    "label_difficultes": (
        "Libellé publié de la section Difficultés (« rencontrées » ou « potentielles »)."
    ),
    **{
        f"section_{s.key}": f"Section « {s.heading} », texte intégral en Markdown ; vide si vide."
        for s in SECTIONS
    },
}

# Columns of data/places.csv: one row per fiche × place.
PLACE_COLUMNS: dict[str, str] = {
    "fiche_id": "Identifiant de la fiche (colonne id de fiches.csv).",
    "rang": "Rang du lieu dans la fiche (1, 2, …).",
    "nom": "Nom du lieu tel que la fiche le donne.",
    "niveau": "Niveau du lieu : adresse, quartier, commune ou departement.",
    "code_commune": "Code INSEE de la commune (texte, ex. 37122) ; vide au niveau département.",
    "commune": "Nom officiel de la commune ; vide au niveau département.",
    "code_departement": "Code du département (texte, ex. 03, 2A).",
    "region_2015": "Région du lieu dans le découpage de 2015.",
    "region": "Région actuelle du lieu.",
    "lat": "Latitude WGS84 du point (vide pour un lieu départemental dessiné par son contour).",
    "lon": "Longitude WGS84 du point (idem).",
    "precision": "Précision de la localisation, en toutes lettres.",
    "source_geo": (
        "Origine des coordonnées (quartiers, gazetteer, contours, geopf, nominatim, ou"
        " contributeur pour une position placée par la personne qui a proposé la fiche)."
    ),
    "note": "Remarque de curation (par exemple : extension envisagée).",
    "localisation": (
        "Dessin du lieu : point (position sourcée), zone (position approximative, cercle de"
        " rayon incertitude_m), commune ou departement ; vide si le lieu n'est pas localisé."
    ),
    "incertitude_m": (
        "Rayon d'incertitude de la position, en mètres (entier) ; vide pour un lieu"
        " placé à la commune ou au département."
    ),
    "reference": (
        "Référence de la position, que le lecteur peut suivre : document lu, ce qu'il dit,"
        " et comment la position en est tirée."
    ),
    "deduit_de": (
        "Source d'un lieu que la fiche ne nomme pas mais qui s'en déduit (curation) ;"
        " vide si la fiche nomme le lieu."
    ),
}

MULTI_VALUED: tuple[str, ...] = (
    "bailleurs",
    "porteurs",
    "types_porteurs",
    "themes",
    "departements",
    "communes",
    "regions_2015",
    "regions",
    "liens",
)
