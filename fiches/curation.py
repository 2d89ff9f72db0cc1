"""Read and check the hand-edited curation (``data/curation.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from fiches import paths
from fiches.schema import LEVELS

_PLACE_KEYS = {"nom", "niveau", "departement", "commune", "note", "source"}


class CurationError(ValueError):
    """The curation file is not valid; the message names the fiche and the field."""


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    definition: str


@dataclass(frozen=True)
class Porteur:
    nom: str
    type: str


@dataclass(frozen=True)
class CuratedPlace:
    nom: str
    niveau: str
    departement: str
    commune: str = ""
    note: str = ""
    # A place the fiche does not name but that follows from a cited document: that
    # document (title, date, URL). Shown as « déduit de …, non nommé par la fiche ».
    source: str = ""


@dataclass
class FicheCuration:
    bailleurs: list[str] = field(default_factory=list)
    porteurs: list[Porteur] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    annee_debut: int | None = None
    periode: str = ""
    places: list[CuratedPlace] = field(default_factory=list)


@dataclass
class Curation:
    themes: dict[str, Theme]
    bailleurs: list[str]
    types_porteurs: list[str]
    fiches: dict[str, FicheCuration]


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise CurationError(f"{where} : texte attendu, trouvé {value!r}")
    if "|" in value:
        raise CurationError(f"{where} : le caractère « | » est réservé au format des listes")
    return value


def parse_curation(data: dict, *, name: str = "curation.toml") -> Curation:
    vocab = data.get("vocabulaire", {})
    themes = {
        key: Theme(
            key,
            _str(t.get("label"), f"{name}, thème {key}"),
            _str(t.get("definition"), f"{name}, thème {key}"),
        )
        for key, t in vocab.get("themes", {}).items()
    }
    bailleurs = [_str(b, f"{name}, vocabulaire.bailleurs") for b in vocab.get("bailleurs", [])]
    types = [
        _str(t, f"{name}, vocabulaire.types_porteurs") for t in vocab.get("types_porteurs", [])
    ]
    fiches: dict[str, FicheCuration] = {}
    for fid, raw in data.get("fiches", {}).items():
        where = f"{name}, fiche {fid}"
        cur = FicheCuration()
        for b in raw.get("bailleurs", []):
            if b not in bailleurs:
                raise CurationError(
                    f"{where} : bailleur inconnu « {b} » (voir vocabulaire.bailleurs)"
                )
            cur.bailleurs.append(b)
        for p in raw.get("porteurs", []):
            if p.get("type") not in types:
                raise CurationError(f"{where} : type de porteur inconnu « {p.get('type')} »")
            cur.porteurs.append(Porteur(_str(p.get("nom"), where), p["type"]))
        for t in raw.get("themes", []):
            if t not in themes:
                raise CurationError(f"{where} : thème inconnu « {t} » (voir vocabulaire.themes)")
            cur.themes.append(t)
        if cur.themes and not 2 <= len(cur.themes) <= 4:
            raise CurationError(f"{where} : 2 à 4 thèmes attendus, {len(cur.themes)} trouvés")
        year = raw.get("annee_debut")
        if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
            raise CurationError(f"{where} : annee_debut invalide {year!r}")
        cur.annee_debut = year
        cur.periode = _str(raw.get("periode", ""), where)
        for i, place in enumerate(raw.get("lieux", []), start=1):
            pw = f"{where}, lieu {i}"
            niveau = place.get("niveau")
            if niveau not in LEVELS:
                raise CurationError(
                    f"{pw} : niveau « {niveau} » inconnu (attendu : {', '.join(LEVELS)})"
                )
            dep = _str(place.get("departement", ""), pw)
            if not dep:
                raise CurationError(f"{pw} : departement manquant")
            commune = _str(place.get("commune", ""), pw)
            if niveau != "departement" and not commune:
                raise CurationError(f"{pw} : commune manquante pour un lieu de niveau {niveau}")
            unknown = sorted(set(place) - _PLACE_KEYS)
            if unknown:
                raise CurationError(f"{pw} : champ(s) inconnu(s) : {', '.join(unknown)}")
            source = _str(place.get("source", ""), pw)
            if "source" in place and not source.strip():
                raise CurationError(
                    f"{pw} : source vide (citer le document d'où le lieu se déduit)"
                )
            cur.places.append(
                CuratedPlace(
                    _str(place.get("nom"), pw),
                    niveau,
                    dep,
                    commune,
                    _str(place.get("note", ""), pw),
                    source.strip(),
                )
            )
        fiches[fid] = cur
    return Curation(themes, bailleurs, types, fiches)


def load_curation(path: Path = paths.CURATION) -> Curation:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CurationError(f"Fichier de curation introuvable : {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path.name} : TOML invalide ({exc})") from exc
    return parse_curation(data, name=path.name)
