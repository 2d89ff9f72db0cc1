"""A proposed fiche: its shape, its checks, and its conversion to the committed formats.

A proposal is what a partner types in the « Proposer une fiche » form: a title, the
fiche-type's sections (plain text, one paragraph per line, « - » for a list item, bare
http/https addresses as links), facets from the curation's vocabulary and places from the
gazetteer. The database keeps it as a JSON payload (``Proposal.to_payload``).

Its section text becomes the stored Markdown through the import format itself: each
section is written as an import cell (``section_cell``, HTML-ish, every character of the
text escaped) and read by ``markup.html_to_markdown``, as an imported document is. So a
published proposal converts to fiche and place rows exactly as the committed fiches are
built (``fiches.build``), and ``export_document`` gives a document that the importer reads
back to the same rows. No Streamlit here.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from fiches import paths
from fiches.build import Source, _fiche_row, _place_row, resolve_place
from fiches.curation import CuratedPlace, FicheCuration, Porteur, load_curation
from fiches.gazetteer import Commune, Gazetteer, Location
from fiches.markup import Link, html_to_markdown, split_links
from fiches.parse import ParsedFiche, ParseError, parse_document
from fiches.schema import (
    CONTRIBUTOR_POSITION,
    FICHE_COLUMNS,
    LIST_SEPARATOR,
    PLACE_COLUMNS,
    SECTION_KEYS,
    SECTIONS,
    match_section,
)
from fiches.store import FRANCE_BOXES
from fiches.text import MONTHS, fold, search_key, slugify

# The Recueil of the fiches accepted from the form, shown and filtered like a document's.
RECUEIL = Source(
    id="propositions-en-ligne",
    fichier="propositions-en-ligne.txt",
    titre="Fiches proposées en ligne",
    date="",
    reference="Fiches proposées en ligne",
)
REQUIRED_SECTIONS = ("objet", "comment")
MAX_SECTION_CHARS = 20_000
MAX_TITLE_CHARS = 200
MIN_TITLE_CHARS = 5
MAX_NAME_CHARS = 200  # a bailleur, a porteur, a place in words, a period
MAX_LIST = 20  # bailleurs, porteurs, communes
MAX_THEMES = 4
MIN_YEAR = 1900
MAX_EMAIL_CHARS = 254
LINK_SCHEMES = ("http", "https", "mailto")
# The form refuses a proposal sent sooner than this after it was opened (simple bots).
MIN_FILL_SECONDS = 5.0
# What each action of the history says (contributor's and moderators', storage.ACTIONS)
ACTION_LABELS = {
    "proposee": "proposition envoyée",
    "modifiee": "proposition modifiée et renvoyée",
    "accepter": "acceptée et publiée",
    "demander_modifications": "modifications demandées",
    "refuser": "refusée",
    "retirer": "retirée de la publication",
    "corriger": "corrigée par la modération",
}
# The payload's fields as the history names what changed
FIELD_LABELS = {
    "titre": "titre",
    "sections": "rubriques",
    "bailleurs": "bailleurs",
    "porteurs": "porteurs",
    "themes": "thèmes",
    "periode": "période",
    "annee_debut": "année de début",
    "communes": "communes",
    "lieu": "lieu",
    "point": "position",
}
# How the panel names a contributed fiche's origin: « Proposée en ligne, publiée le … ».
ORIGIN_PREFIX = "Proposée en ligne, publiée le"
# A contributor's point, as a row of geo/quartiers.csv would cite it (see ``point_row``).
POINT_DERIVATION = "point placé sur la carte du formulaire par la personne qui propose la fiche"

_LIST_ITEM = re.compile(r"^\s*(?:[-•*])\s+(.*)$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
# a link-like token with a scheme other than http, https or mailto: « javascript:… »
_OTHER_SCHEME = re.compile(
    r"(?<![\w.+-])(?!(?:https?|mailto):)([a-z][a-z0-9+.-]{1,30}):(?=//|[^\s]*\()", re.I
)
_DANGEROUS_SCHEME = re.compile(r"(?<![\w.+-])(javascript|vbscript|data|file)\s*:", re.I)


@dataclass
class Proposal:
    """The payload of a proposal (and of a draft): what the form holds."""

    titre: str = ""
    sections: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SECTION_KEYS, ""))
    bailleurs: list[str] = field(default_factory=list)
    porteurs: list[Porteur] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    periode: str = ""
    annee_debut: int | None = None
    communes: list[str] = field(default_factory=list)  # INSEE codes, as text
    lieu: str = ""  # a quartier or an address, in words
    point: tuple[float, float] | None = None  # (lat, lon) placed by the contributor
    fiche_id: str = ""  # given once, when a moderator accepts it: the fiche's stable id

    def to_payload(self) -> dict:
        """JSON-ready: what the database keeps."""
        return {
            "titre": self.titre,
            "sections": {k: self.sections.get(k, "") for k in SECTION_KEYS},
            "bailleurs": list(self.bailleurs),
            "porteurs": [[p.nom, p.type] for p in self.porteurs],
            "themes": list(self.themes),
            "periode": self.periode,
            "annee_debut": self.annee_debut,
            "communes": list(self.communes),
            "lieu": self.lieu,
            "point": list(self.point) if self.point else None,
            "fiche_id": self.fiche_id,
        }

    @classmethod
    def from_payload(cls, payload: dict | None) -> Proposal:
        """The proposal of a payload; a value of the wrong type is dropped, never raised
        (a draft may come from an older form)."""
        data = payload if isinstance(payload, dict) else {}
        sections = data.get("sections") if isinstance(data.get("sections"), dict) else {}
        porteurs = []
        for item in _list(data.get("porteurs")):
            if isinstance(item, list | tuple) and len(item) == 2:
                porteurs.append(Porteur(_text(item[0]), _text(item[1])))
        year = data.get("annee_debut")
        point = data.get("point")
        if not (
            isinstance(point, list | tuple)
            and len(point) == 2
            and all(isinstance(v, int | float) and math.isfinite(v) for v in point)
        ):
            point = None
        return cls(
            titre=_text(data.get("titre")),
            sections={k: _text(sections.get(k)) for k in SECTION_KEYS},
            bailleurs=[_text(b) for b in _list(data.get("bailleurs")) if _text(b)],
            porteurs=porteurs,
            themes=[_text(t) for t in _list(data.get("themes")) if _text(t)],
            periode=_text(data.get("periode")),
            annee_debut=year if isinstance(year, int) and not isinstance(year, bool) else None,
            communes=[_text(c) for c in _list(data.get("communes")) if _text(c)],
            lieu=_text(data.get("lieu")),
            point=(float(point[0]), float(point[1])) if point else None,
            fiche_id=_text(data.get("fiche_id")),
        )

    def is_empty(self) -> bool:
        return self == Proposal()


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


# --- vocabularies ------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """What the form offers and the checks accept: the curation's vocabularies, the
    corpus' bailleurs, and the gazetteer of communes."""

    themes: dict[str, str]  # id -> label, in the curation's order
    types_porteurs: tuple[str, ...]
    bailleurs: tuple[str, ...]
    gazetteer: Gazetteer = field(repr=False, compare=False)

    def commune(self, code: str) -> Commune | None:
        return self.gazetteer.communes.get(code)

    def commune_label(self, code: str) -> str:
        c = self.commune(code)
        return f"{c.nom} ({c.departement})" if c else code


@functools.cache
def _gazetteer() -> Gazetteer:
    return Gazetteer()


@functools.cache
def _commune_keys() -> tuple[list[str], list[Commune]]:
    communes = sorted(_gazetteer().communes.values(), key=lambda c: (-c.population, c.code))
    return [search_key(c.nom) for c in communes], communes


def vocabulary(data_dir: Path = paths.DATA) -> Vocabulary:
    """The vocabularies of ``data_dir/curation.toml`` and the committed gazetteer."""
    return _vocabulary(str(data_dir), (data_dir / "curation.toml").stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _vocabulary(directory: str, mtime_ns: int) -> Vocabulary:
    curation = load_curation(Path(directory) / "curation.toml")
    return Vocabulary(
        themes={k: t.label for k, t in curation.themes.items()},
        types_porteurs=tuple(curation.types_porteurs),
        bailleurs=tuple(curation.bailleurs),
        gazetteer=_gazetteer(),
    )


def search_communes(query: str, *, limit: int = 20) -> list[Commune]:
    """Communes whose name starts with (then contains) ``query``, accents, case and
    hyphens ignored as in the sidebar's search; the most populous first."""
    key = search_key(query)
    if len(key) < 2:
        return []
    keys, communes = _commune_keys()
    starts = [c for k, c in zip(keys, communes, strict=True) if k.startswith(key)]
    if len(starts) >= limit:
        return starts[:limit]
    inside = [c for k, c in zip(keys, communes, strict=True) if key in k and not k.startswith(key)]
    return (starts + inside)[:limit]


# --- checks -----------------------------------------------------------------------------


def section_field(key: str) -> str:
    """The name of a section's field in ``validate``'s answer (« section_objet »)."""
    return f"section_{key}"


def link_errors(text: str) -> list[str]:
    """The links of ``text`` that are neither http, https nor mailto (French messages).

    Links are read as the stored format reads them (``markup.split_links``:
    ``[texte](adresse)``), and any other address with a scheme (« javascript: »)."""
    bad: list[str] = []
    for part in split_links(text):
        if isinstance(part, Link):
            scheme = part.href.split(":", 1)[0].lower() if ":" in part.href else ""
            if scheme not in LINK_SCHEMES:
                bad.append(part.href)
    bad += [m.group(0) for m in _OTHER_SCHEME.finditer(text)]
    bad += [m.group(0) for m in _DANGEROUS_SCHEME.finditer(text)]
    return list(dict.fromkeys(b[:60] for b in bad))


def _name_error(value: str, what: str) -> str | None:
    if len(value) > MAX_NAME_CHARS:
        return f"{what} : {MAX_NAME_CHARS} caractères au plus ({len(value)} saisis)."
    if LIST_SEPARATOR.strip() in value:
        return f"{what} : le caractère « | » n'est pas accepté."
    return None


def _reads_back(titre: str) -> bool:
    """Whether an exported document gives this title back (``fiches.parse``)."""
    document = f"{RECUEIL.titre}\n\nSommaire\n\n- *{titre}*\n\n{titre}\n\nQuoi ?\t<p>x</p>\n"
    try:
        return parse_document(document).fiches[0].title == titre
    except ParseError:
        return False


def validate(
    proposal: Proposal,
    vocab: Vocabulary,
    *,
    titles: Iterable[str] = (),
    today: date | None = None,
) -> dict[str, str]:
    """What must be corrected before sending: field -> French message (empty: valid).

    Fields: ``titre``, ``section_<key>`` (``section_field``), ``bailleurs``, ``porteurs``,
    ``themes``, ``periode``, ``annee_debut``, ``communes``, ``lieu``, ``point``.
    ``titles``: the titles of the fiches already published (a new one must differ)."""
    today = today or date.today()
    errors: dict[str, str] = {}
    titre = proposal.titre.strip()
    if len(titre) < MIN_TITLE_CHARS:
        errors["titre"] = f"Donnez un titre à l'action ({MIN_TITLE_CHARS} caractères au moins)."
    elif len(titre) > MAX_TITLE_CHARS:
        errors["titre"] = f"Titre trop long : {MAX_TITLE_CHARS} caractères au plus ({len(titre)})."
    elif "\n" in titre or "\t" in titre:
        errors["titre"] = "Le titre tient sur une ligne."
    elif match_section(fold(titre)):
        errors["titre"] = "Ce titre est le nom d'une rubrique : nommez l'action elle-même."
    elif fold(titre) in {fold(t) for t in titles}:
        errors["titre"] = "Une fiche porte déjà ce titre : précisez-le (lieu, bailleur, année…)."
    elif not _reads_back(titre):
        errors["titre"] = (
            "Ce titre ne peut pas être enregistré tel quel : retirez les signes < et >, et"
            " les * ou _ en début ou en fin de titre."
        )
    for section in SECTIONS:
        text = proposal.sections.get(section.key, "")
        name = section_field(section.key)
        if section.key in REQUIRED_SECTIONS and not text.strip():
            errors[name] = f"Rubrique obligatoire : « {section.heading} »."
        elif len(text) > MAX_SECTION_CHARS:
            errors[name] = (
                f"Texte trop long : {MAX_SECTION_CHARS:,} caractères au plus ({len(text):,})."
            ).replace(",", "\u202f")
        elif bad := link_errors(text):
            errors[name] = (
                f"Lien refusé (« {bad[0]} ») : seuls les liens http, https et mailto sont acceptés."
            )
    if len(proposal.bailleurs) > MAX_LIST:
        errors["bailleurs"] = f"{MAX_LIST} bailleurs au plus."
    for b in proposal.bailleurs:
        if message := _name_error(b, f"Bailleur « {b[:40]} »"):
            errors["bailleurs"] = message
    if len(proposal.porteurs) > MAX_LIST:
        errors["porteurs"] = f"{MAX_LIST} porteurs au plus."
    for p in proposal.porteurs:
        if not p.nom.strip():
            errors["porteurs"] = "Nommez chaque porteur."
        elif p.type not in vocab.types_porteurs:
            errors["porteurs"] = f"Choisissez le type du porteur « {p.nom[:40]} »."
        elif message := _name_error(p.nom, f"Porteur « {p.nom[:40]} »"):
            errors["porteurs"] = message
    unknown = [t for t in proposal.themes if t not in vocab.themes]
    if unknown or not 1 <= len(proposal.themes) <= MAX_THEMES:
        errors["themes"] = f"Choisissez de 1 à {MAX_THEMES} thèmes dans la liste."
    if message := _name_error(proposal.periode, "Période"):
        errors["periode"] = message
    year = proposal.annee_debut
    if year is not None and not MIN_YEAR <= year <= today.year + 1:
        errors["annee_debut"] = f"Année de début entre {MIN_YEAR} et {today.year + 1}."
    if not proposal.communes:
        errors["communes"] = "Choisissez au moins une commune."
    elif len(proposal.communes) > MAX_LIST:
        errors["communes"] = f"{MAX_LIST} communes au plus."
    elif missing := [c for c in proposal.communes if vocab.commune(c) is None]:
        errors["communes"] = f"Commune inconnue (code {missing[0][:10]})."
    if message := _name_error(proposal.lieu, "Lieu"):
        errors["lieu"] = message
    if proposal.point is not None:
        lat, lon = proposal.point
        if not in_france(lat, lon):
            errors["point"] = "La position doit être en France."
        elif not proposal.communes:
            errors["point"] = "Choisissez la commune de cette position."
    return errors


def in_france(lat: float, lon: float) -> bool:
    """Whether a point lies in metropolitan France or an overseas département."""
    return any(
        lat_min <= lat <= lat_max and lon_min <= lon <= lon_max
        for (lat_min, lon_min), (lat_max, lon_max) in FRANCE_BOXES
    )


def email_error(email: str) -> str | None:
    """The French message for a contact e-mail that cannot be used, else None."""
    email = email.strip()
    if not email:
        return "Indiquez une adresse électronique : seuls les modérateurs la verront."
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.match(email):
        return "Adresse électronique invalide (exemple : prenom.nom@exemple.fr)."
    return None


# --- text: plain text -> import cell -> stored Markdown ----------------------------------


def _cell_text(text: str) -> str:
    """One line of plain text inside an import cell: every character kept as text."""
    out: list[str] = []
    for part in split_links(text):
        if isinstance(part, Link):  # « [texte](adresse) » reads « texte (adresse) »
            target = part.href.removeprefix("mailto:")
            out.append(f"{part.label} ({target})" if part.label != target else target)
        else:
            out.append(part)
    return html.escape("".join(out), quote=False).replace("\t", " ")


def section_cell(text: str) -> str:
    """A section's plain text as one cell of the import format (``fiches.parse``): one
    paragraph per line, « - » or « • » lines as list items."""
    parts: list[str] = []
    items: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        m = _LIST_ITEM.match(line)
        if m and m.group(1).strip():
            items.append(f"<li>{_cell_text(m.group(1).strip())}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        parts.append(f"<p>{_cell_text(line.strip())}</p>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def section_markdown(text: str) -> str:
    """A section's plain text as the stored Markdown, read as the importer reads it."""
    return html_to_markdown(section_cell(text))


# --- Markdown download (the database unreachable) ----------------------------------------


def to_markdown(proposal: Proposal, vocab: Vocabulary) -> str:
    """The proposal as a Markdown file, in the fiche-type's sections, as typed."""
    lines = [f"# {proposal.titre.strip() or 'Proposition de fiche'}", ""]
    facts = [
        ("Bailleur(s)", ", ".join(proposal.bailleurs)),
        ("Porteurs", " ; ".join(f"{p.nom} ({p.type})" for p in proposal.porteurs)),
        ("Thèmes", ", ".join(vocab.themes.get(t, t) for t in proposal.themes)),
        ("Période", proposal.periode),
        ("Année de début", str(proposal.annee_debut or "")),
        ("Communes", ", ".join(vocab.commune_label(c) for c in proposal.communes)),
        ("Lieu", proposal.lieu),
        ("Position", ", ".join(f"{v:.5f}" for v in proposal.point) if proposal.point else ""),
    ]
    lines += [f"- **{label}** : {value}" for label, value in facts if value]
    for section in SECTIONS:
        lines += ["", f"## {section.heading}", "", proposal.sections.get(section.key, "").strip()]
    return "\n".join(lines).rstrip() + "\n"


# --- conversion to the committed rows -----------------------------------------------------


def unique_fiche_id(titre: str, taken: Iterable[str], proposal_id: int) -> str:
    """The fiche id of a proposal: the slug of its title, or, when a fiche already has
    it, the slug followed by the proposal's number (the same every time)."""
    base = slugify(titre)
    taken = set(taken)
    if base not in taken:
        return base
    fid, n = f"{base}-{proposal_id}", 2
    while fid in taken:
        fid, n = f"{base}-{proposal_id}-{n}", n + 1
    return fid


def published_on(when: datetime | date) -> str:
    """« 2 décembre 2026 »."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def fr_datetime(when: datetime) -> str:
    """« 2 décembre 2026 à 14 h 05 » (time in Paris)."""
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo("Europe/Paris")) if when.tzinfo else when
    return f"{published_on(local)} à {local.hour} h {local.minute:02d}"


def changed_fields(changes: dict) -> str:
    """« titre, thèmes »: the fields a decision changed, in words."""
    return ", ".join(FIELD_LABELS[k] for k in FIELD_LABELS if k in changes)


def too_fast(opened_at: float, now: float) -> bool:
    """Whether a form sent at ``now`` was filled too fast (``MIN_FILL_SECONDS``)."""
    return now - opened_at < MIN_FILL_SECONDS


def origin_line(published_at: datetime | date | None) -> str:
    """The panel's origin line: « Proposée en ligne, publiée le 2 décembre 2026 »."""
    if published_at is None:
        return "Proposée en ligne, pas encore publiée"
    return f"{ORIGIN_PREFIX} {published_on(published_at)}"


def point_reference(proposal_id: int) -> str:
    """The reference of a contributor's point, as a geo/quartiers.csv row would give it."""
    return f"{CONTRIBUTOR_POSITION} (proposition en ligne n° {proposal_id})"


def _nearest(communes: Sequence[Commune], lat: float, lon: float) -> Commune:
    k = math.cos(math.radians(lat))
    located = [c for c in communes if c.lat is not None] or list(communes)
    return min(
        located,
        key=lambda c: math.hypot((c.lat or lat) - lat, ((c.lon or lon) - lon) * k),
    )


def _commune_location(c: Commune) -> Location:
    # as the gazetteer resolves a curated commune (``Gazetteer.geocode``)
    return Location(c.nom, "commune", c.lat, c.lon, "gazetteer", c.code, c.nom, c.departement)


def point_name(proposal: Proposal, commune: Commune) -> str:
    return proposal.lieu.strip() or commune.nom


def curated_places(
    proposal: Proposal, vocab: Vocabulary, proposal_id: int, *, geocoder=None
) -> list[tuple[CuratedPlace, Location | None, str]]:
    """The places of a proposal, each as (curated place, resolved location, note), in the
    order of its communes: the contributor's point (in the nearest chosen commune) or
    its place in words (in the first), then every other commune."""
    communes = [c for c in (vocab.commune(code) for code in proposal.communes) if c]
    if not communes:
        return []
    out: list[tuple[CuratedPlace, Location | None, str]] = []
    special: Commune | None = None
    if proposal.point is not None:
        lat, lon = proposal.point
        special = _nearest(communes, lat, lon)
        name = point_name(proposal, special)
        place = CuratedPlace(name, "adresse", special.departement, special.nom)
        loc = Location(
            name, "adresse", round(lat, 5), round(lon, 5), "contributeur", special.code,
            special.nom, special.departement, "point", 0,
            f"{point_reference(proposal_id)}. Position : {POINT_DERIVATION}.",
        )  # fmt: skip
        out.append((place, loc, ""))
    elif proposal.lieu.strip():
        special = communes[0]
        place = CuratedPlace(proposal.lieu.strip(), "quartier", special.departement, special.nom)
        loc, note = resolve_place(place, geocoder or _default_geocoder())
        out.append((place, loc, note))
    for c in communes:
        if c is not special:
            out.append(
                (CuratedPlace(c.nom, "commune", c.departement, c.nom), _commune_location(c), "")
            )
    return out


@functools.cache
def _default_geocoder():
    from fiches.geocode import default_geocoder

    geocoder, _, _ = default_geocoder(_gazetteer(), online=False)  # never the network
    return geocoder


def curation_of(proposal: Proposal, places: list[CuratedPlace]) -> FicheCuration:
    return FicheCuration(
        bailleurs=[b.strip() for b in proposal.bailleurs if b.strip()],
        porteurs=[Porteur(p.nom.strip(), p.type) for p in proposal.porteurs],
        themes=list(proposal.themes),
        annee_debut=proposal.annee_debut,
        periode=proposal.periode.strip(),
        places=places,
    )


def section_label(key: str) -> str:
    """The label a section's row carries in an exported document (read by ``parse``)."""
    section = next(s for s in SECTIONS if s.key == key)
    short = section.heading.split(" ? ", 1)[0] + " ?"  # « Pourquoi ? »
    for label in (section.heading, short, "Contacts"):
        if match_section(fold(label)) == key:
            return label
    raise AssertionError(f"no label for section {key}")  # guarded by the tests


def parsed_fiche(proposal: Proposal) -> ParsedFiche:
    """The proposal as the parser would read it from an exported document."""
    titre = proposal.titre.strip()
    sections = {k: section_markdown(proposal.sections.get(k, "")) for k in SECTION_KEYS}
    labels = {k: section_label(k) for k in SECTION_KEYS if sections[k]}
    return ParsedFiche(heading=titre, title=titre, line=0, sections=sections, labels=labels)


def fiche_rows(
    proposal: Proposal, *, fiche_id: str, proposal_id: int, rank: int, vocab: Vocabulary
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The fiche row and the place rows of a published proposal, built as ``fiches.build``
    builds the committed ones (``_fiche_row``, ``_place_row``)."""
    resolved = curated_places(proposal, vocab, proposal_id)
    places = [
        _place_row(fiche_id, n, place, loc, note, vocab.gazetteer)
        for n, (place, loc, note) in enumerate(resolved, start=1)
    ]
    cur = curation_of(proposal, [place for place, _, _ in resolved])
    row = _fiche_row(fiche_id, RECUEIL, parsed_fiche(proposal), rank, cur, places)
    return row, places


# --- publication: the rows kept with an accepted proposal ---------------------------------

PUBLICATION_KEY = "publication"  # payload key of the rows built when a moderator accepts


def publication(proposal: Proposal, *, proposal_id: int, fiche_id: str, vocab: Vocabulary) -> dict:
    """The rows of an accepted proposal, built once when it is accepted (or corrected),
    as ``make data`` builds the committed tables: loading thousands of published
    proposals then costs no conversion."""
    row, places = fiche_rows(
        proposal, fiche_id=fiche_id, proposal_id=proposal_id, rank=0, vocab=vocab
    )
    return {"fiche": row, "lieux": places}


def published_payload(
    proposal: Proposal, *, proposal_id: int, taken: Iterable[str], vocab: Vocabulary
) -> dict:
    """The payload a moderator's « accepter » stores: the proposal, its stable fiche id
    (the slug of its title, unique against ``taken``) and its rows."""
    fiche_id = proposal.fiche_id or unique_fiche_id(proposal.titre, taken, proposal_id)
    accepted = Proposal(**{**proposal.__dict__, "fiche_id": fiche_id})
    payload = accepted.to_payload()
    payload[PUBLICATION_KEY] = publication(
        accepted, proposal_id=proposal_id, fiche_id=fiche_id, vocab=vocab
    )
    return payload


@dataclass
class ContributedRows:
    fiches: list[dict[str, str]]
    places: list[dict[str, str]]
    origins: dict[str, str]  # fiche id -> « Proposée en ligne, publiée le … »
    proposals: dict[str, int]  # fiche id -> proposal id


def contributed_rows(
    records: Sequence, *, taken: Iterable[str], vocab: Vocabulary
) -> ContributedRows:
    """Fiche and place rows of published proposals (``ProposalRecord``: ``id``,
    ``payload``, ``published_at``), in publication order, each id unique against
    ``taken`` (the committed fiches) and the others."""
    used = set(taken)
    out = ContributedRows([], [], {}, {})
    for rank, record in enumerate(publication_order(records)):
        proposal = Proposal.from_payload(record.payload)
        fiche_id = proposal.fiche_id
        if not fiche_id or fiche_id in used:
            fiche_id = unique_fiche_id(proposal.titre, used, record.id)
        kept = (record.payload or {}).get(PUBLICATION_KEY)
        if _is_publication(kept, fiche_id):
            row, places = dict(kept["fiche"]), [dict(p) for p in kept["lieux"]]
        else:
            row, places = fiche_rows(
                proposal, fiche_id=fiche_id, proposal_id=record.id, rank=rank, vocab=vocab
            )
        row["ordre"] = str(rank + 1)
        used.add(fiche_id)
        out.fiches.append(row)
        out.places.extend(places)
        out.origins[fiche_id] = origin_line(record.published_at)
        out.proposals[fiche_id] = record.id
    return out


def publication_order(records: Sequence) -> list:
    """Published proposals in the order they were published (then by number)."""
    return sorted(
        records,
        key=lambda r: (
            r.published_at is None,
            r.published_at.timestamp() if r.published_at else 0,
            r.id,
        ),
    )


def _is_publication(kept: object, fiche_id: str) -> bool:
    if not isinstance(kept, dict) or not isinstance(kept.get("fiche"), dict):
        return False
    row, places = kept["fiche"], kept.get("lieux")
    return (
        row.get("id") == fiche_id
        and all(isinstance(row.get(c), str) for c in FICHE_COLUMNS)
        and isinstance(places, list)
        and all(
            isinstance(p, dict)
            and p.get("fiche_id") == fiche_id
            and all(isinstance(p.get(c), str) for c in PLACE_COLUMNS)
            for p in places
        )
    )


# --- export in the import format -----------------------------------------------------------

QUARTIER_COLUMNS = (
    "nom",
    "alias",
    "niveau",
    "code_commune",
    "commune",
    "lat",
    "lon",
    "localisation",
    "incertitude_m",
    "reference",
    "derivation",
)  # fmt: skip  (the columns of geo/quartiers.csv)


@dataclass
class Export:
    """What ``python -m fiches export-contributions`` writes, file name -> text, and what
    the centre must know before including it."""

    document: str  # the import format (``fiches.parse``), one fiche per accepted proposal
    curation: str  # [fiches.<id>] entries for data/curation.toml
    quartiers: str  # rows for geo/quartiers.csv: the contributors' points
    ids: dict[str, str]  # fiche id on the site -> id the import gives
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> dict[str, str]:
        return {
            RECUEIL.fichier: self.document,
            "curation-propositions.toml": self.curation,
            "quartiers-propositions.csv": self.quartiers,
        }


def _toml(value) -> str:
    import json

    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    items = [_toml(v) for v in value]
    if any(isinstance(v, dict) for v in value):
        return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
    return "[" + ", ".join(items) + "]"


def _curation_entry(fiche_id: str, cur: FicheCuration) -> str:
    lieux = []
    for place in cur.places:
        entry = {"nom": place.nom, "niveau": place.niveau}
        if place.niveau != "departement":
            entry["commune"] = place.commune
        entry["departement"] = place.departement
        if place.note:
            entry["note"] = place.note
        lieux.append(entry)
    lines = [
        f"[fiches.{fiche_id}]",
        f"bailleurs = {_toml(cur.bailleurs)}",
        f"porteurs = {_toml([{'nom': p.nom, 'type': p.type} for p in cur.porteurs])}",
        f"themes = {_toml(cur.themes)}",
    ]
    if cur.annee_debut is not None:
        lines.append(f"annee_debut = {cur.annee_debut}")
    if cur.periode:
        lines.append(f"periode = {_toml(cur.periode)}")
    lines.append(f"lieux = {_toml(lieux)}")
    return "\n".join(lines) + "\n"


def _import_id(titre: str, taken: set[str]) -> str:
    # as ``build.build_tables`` numbers a title's slug that is already used
    base = slugify(titre)
    fid, n = base, 2
    while fid in taken:
        fid, n = f"{base}-{n}", n + 1
    return fid


def export_contributions(
    records: Sequence, *, committed_ids: Iterable[str], vocab: Vocabulary
) -> Export:
    """The published proposals in the import format, with their curation and points.

    The document is read by ``fiches.importer`` as any published document is; with the
    curation entries in ``data/curation.toml`` (and the points in ``geo/quartiers.csv``),
    ``make data`` builds the same rows as the site shows (a test reads it back)."""
    committed = list(committed_ids)
    rows = contributed_rows(records, taken=committed, vocab=vocab)
    ordered = publication_order(records)
    taken = set(committed)
    blocks: list[str] = []
    entries: list[str] = []
    points: list[dict[str, str]] = []
    ids: dict[str, str] = {}
    warnings: list[str] = []
    new_bailleurs: list[str] = []
    for row, record in zip(rows.fiches, ordered, strict=True):
        proposal = Proposal.from_payload(record.payload)
        titre = proposal.titre.strip()
        new_id = _import_id(titre, taken)
        taken.add(new_id)
        ids[row["id"]] = new_id
        if new_id != row["id"]:
            warnings.append(
                f"« {titre} » : identifiant {row['id']} sur le site, {new_id} après l'import"
            )
        cells = [f"{section_label(k)}\t{section_cell(proposal.sections[k])}" for k in SECTION_KEYS]
        blocks.append(f"{titre}\n\n" + "\n".join(c for c in cells if not c.endswith("\t")) + "\n")
        resolved = curated_places(proposal, vocab, record.id)
        cur = curation_of(proposal, [place for place, _, _ in resolved])
        entries.append(_curation_entry(new_id, cur))
        new_bailleurs += [b for b in cur.bailleurs if b not in vocab.bailleurs]
        if len(cur.themes) < 2:
            warnings.append(
                f"« {titre} » : {len(cur.themes)} thème ; data/curation.toml en demande 2 à 4"
            )
        for place, loc, _ in resolved:
            if loc is not None and loc.source == "contributeur":
                points.append(
                    {
                        "nom": place.nom, "alias": "", "niveau": "adresse",
                        "code_commune": loc.code_commune, "commune": loc.commune,
                        "lat": f"{loc.lat:.5f}", "lon": f"{loc.lon:.5f}",
                        "localisation": "point", "incertitude_m": "0",
                        "reference": point_reference(record.id), "derivation": POINT_DERIVATION,
                    }
                )  # fmt: skip
    sommaire = "\n".join(f"- *{block.split(chr(10), 1)[0]}*" for block in blocks)
    document = f"{RECUEIL.titre}\n\nSommaire\n\n{sommaire}\n\n" + "\n".join(blocks)
    header = (
        "# Fiches proposées en ligne et acceptées par les modérateurs : entrées à ajouter"
        " sous [fiches] dans data/curation.toml.\n"
    )
    if new_bailleurs:
        names = ", ".join(_toml(b) for b in dict.fromkeys(new_bailleurs))
        header += f"# Bailleurs à ajouter à vocabulaire.bailleurs : {names}\n"
        warnings.append(f"bailleurs nouveaux à ajouter au vocabulaire : {names}")
    from fiches.store import to_csv_text

    return Export(
        document=document,
        curation=header + "\n" + "\n".join(entries),
        quartiers=to_csv_text(points, QUARTIER_COLUMNS),
        ids=ids,
        warnings=warnings,
    )
