"""Offline-first geocoding of fiche places, shaped like geopy.

Order: the curated quartiers (``geo/quartiers.csv``), then the gazetteer of French
communes (``geo/communes.csv.gz``), then, only when enabled, an online service through
geopy: the IGN Géoplateforme (``data.geopf.fr/geocodage``, successor of
api-adresse.data.gouv.fr) and Nominatim. Every online answer, including « not found »,
is kept in a persistent JSON cache so each query is made once; the app reads the cache
and never the network. Offline, no network call is attempted: an unresolved place is
reported, never invented.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from fiches import paths
from fiches.schema import PRECISION_LABELS
from fiches.store import write_atomic
from fiches.text import fold


@dataclass(frozen=True)
class Location:
    """A resolved place. ``lat``/``lon`` are None for a département (drawn as contour)."""

    name: str
    level: str  # adresse, quartier, commune, departement
    lat: float | None
    lon: float | None
    source: str  # quartiers, gazetteer, contours, geopf, nominatim
    code_commune: str = ""
    commune: str = ""
    code_departement: str = ""
    localisation: str = ""  # point, zone, commune, departement ("" = from the level)
    incertitude_m: int | None = None
    reference: str = ""

    @property
    def precision(self) -> str:
        return PRECISION_LABELS[self.level]


# Online answers carry no uncertainty of their own: an address is a point (± 50 m), a
# quartier an approximate area (± 500 m).
_ONLINE_DRAWING = {"adresse": ("point", 50), "quartier": ("zone", 500)}
_ONLINE_REFERENCES = {
    "geopf": "Géoplateforme IGN (data.geopf.fr/geocodage), réponse gardée dans"
    " geo/geocode_cache.json",
    "nominatim": "Nominatim (OpenStreetMap, ODbL), réponse gardée dans geo/geocode_cache.json",
}


def drawing(loc: Location) -> tuple[str, int | None, str]:
    """How a resolved place is drawn: (localisation, incertitude_m, reference)."""
    if loc.localisation:
        return loc.localisation, loc.incertitude_m, loc.reference
    if loc.level == "departement":
        return "departement", None, "contour du département (geo/contours.geojson)"
    if loc.level == "commune":
        return "commune", None, f"mairie de {loc.commune or loc.name} (geo/communes.csv.gz)"
    kind, radius = _ONLINE_DRAWING[loc.level]
    return kind, radius, _ONLINE_REFERENCES.get(loc.source, loc.source)


class Geocoder(Protocol):
    def geocode(self, query: str, *, commune: str = "", departement: str = "") -> Location | None:
        """Resolve ``query`` (with optional hints), or return None."""


def place_key(name: str) -> str:
    """Normalise a place name for matching: ``text.fold`` plus token rules.

    Insensitive to accents, case, hyphens and apostrophes, « St »/« Saint »,
    « lès »/« les »/« lez », and a trailing article: « Rochelle (La) » → « la rochelle ».
    """
    text = fold(name)
    m = re.fullmatch(r"(.*?)\s*\((l'|le|la|les)\)\s*", text)
    if m:
        article = m.group(2)
        text = f"{article}{m.group(1)}" if article.endswith("'") else f"{article} {m.group(1)}"
    text = re.sub(r"[-'_/.,()«»\"]", " ", text)
    tokens = []
    for token in text.split():
        token = {"st": "saint", "ste": "sainte", "lez": "les", "s": "saint"}.get(token, token)
        tokens.append(token)
    return " ".join(tokens)


def without_article(key: str) -> str:
    """A place key without its leading article (« la rochelle » → « rochelle »)."""
    return re.sub(r"^(le|la|les|l)\s+", "", key)


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    departement: str
    lat: float | None
    lon: float | None
    population: int


class Gazetteer:
    """All French communes and départements, from the committed extracts in ``geo/``."""

    def __init__(
        self,
        communes_path: Path = paths.COMMUNES_CSV,
        departements_path: Path = paths.DEPARTEMENTS_CSV,
    ) -> None:
        self.communes: dict[str, Commune] = {}
        self._by_key: dict[str, list[Commune]] = {}
        with gzip.open(communes_path, "rt", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                commune = Commune(
                    row["code"],
                    row["nom"],
                    row["departement"],
                    float(row["lat"]) if row["lat"] else None,
                    float(row["lon"]) if row["lon"] else None,
                    int(row["population"] or 0),
                )
                self.communes[commune.code] = commune
                key = place_key(commune.nom)
                for k in {key, without_article(key)}:
                    self._by_key.setdefault(k, []).append(commune)
        with open(departements_path, encoding="utf-8") as fh:
            self.departements: dict[str, dict[str, str]] = {
                r["code"]: r for r in csv.DictReader(fh)
            }
        self._dep_by_key = {place_key(d["nom"]): code for code, d in self.departements.items()}

    def find_communes(self, name: str, *, departement: str = "") -> list[Commune]:
        """Communes matching ``name``, most populous first (exact name before article-less)."""
        key = place_key(name)
        found = self._by_key.get(key) or self._by_key.get(without_article(key), [])
        if departement:
            found = [c for c in found if c.departement == departement]
        return sorted(found, key=lambda c: (-c.population, c.code))

    def departement(self, code_or_name: str) -> dict[str, str] | None:
        if code_or_name in self.departements:
            return self.departements[code_or_name]
        code = self._dep_by_key.get(place_key(code_or_name))
        return self.departements.get(code) if code else None

    def geocode(self, query: str, *, commune: str = "", departement: str = "") -> Location | None:
        for c in self.find_communes(query, departement=departement):
            if c.lat is not None:
                return Location(
                    c.nom, "commune", c.lat, c.lon, "gazetteer", c.code, c.nom, c.departement
                )
        dep = self.departement(query)
        if dep is not None and (not departement or dep["code"] == departement):
            return Location(
                dep["nom"], "departement", None, None, "contours", code_departement=dep["code"]
            )
        return None


class QuartierGeocoder:
    """The hand-curated quartiers and addresses of ``geo/quartiers.csv``."""

    def __init__(self, gazetteer: Gazetteer, path: Path = paths.QUARTIERS_CSV) -> None:
        self.rows: list[dict[str, str]] = []
        self._by_key: dict[tuple[str, str], dict[str, str]] = {}
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                self.rows.append(row)
                names = [row["nom"], *[a for a in row["alias"].split("|") if a]]
                for n in names:
                    self._by_key[(place_key(n), row["code_commune"])] = row
        self.gazetteer = gazetteer

    def geocode(self, query: str, *, commune: str = "", departement: str = "") -> Location | None:
        codes = (
            [c.code for c in self.gazetteer.find_communes(commune, departement=departement)]
            if commune
            else []
        )
        key = place_key(query)
        candidates = [
            r for (k, code), r in self._by_key.items() if k == key and (not codes or code in codes)
        ]
        if not candidates:
            return None
        row = candidates[0]
        c = self.gazetteer.communes.get(row["code_commune"])
        return Location(
            row["nom"],
            row["niveau"],
            float(row["lat"]),
            float(row["lon"]),
            "quartiers",
            row["code_commune"],
            c.nom if c else row["commune"],
            c.departement if c else departement,
            row["localisation"],
            int(row["incertitude_m"]),
            f"{row['reference']}. Position : {row['derivation']}.",
        )


class GeocodeCache:
    """Persistent JSON cache of online answers: ``{"service|query|hint": answer or null}``."""

    def __init__(self, path: Path = paths.GEOCODE_CACHE) -> None:
        self.path = path
        try:
            self.data: dict[str, dict | None] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.data = {}

    def save(self) -> None:
        text = json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomic({self.path: text})


class OnlineGeocoder:
    """geopy services behind a cache. Reads the cache only unless ``online=True``.

    Errors of the service (timeout, 429, 5xx, malformed answer, network) are counted in
    ``errors`` and leave the place unresolved; they are not cached, so a later run retries.
    """

    def __init__(
        self,
        cache: GeocodeCache,
        *,
        online: bool = False,
        geopf_domain: str = "data.geopf.fr/geocodage",
        nominatim_domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        user_agent: str = "fiches-experiences-participation (carte des fiches)",
        timeout: float = 8,
        min_delay_seconds: float = 1.0,
    ) -> None:
        self.cache = cache
        self.online = online
        self.errors: list[str] = []
        self._services: list[tuple[str, object]] = []
        if online:
            from geopy.adapters import RequestsAdapter
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import BANFrance, Nominatim

            def no_retry_adapter(*, proxies, ssl_context):
                # requests would retry a timed-out call twice: one request, one answer.
                return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)

            common = {"scheme": scheme, "timeout": timeout, "adapter_factory": no_retry_adapter}
            geopf = BANFrance(domain=geopf_domain, **common)
            nominatim = Nominatim(domain=nominatim_domain, user_agent=user_agent, **common)
            # Nominatim's policy: at most one request per second; no retry storm.
            limited = RateLimiter(
                nominatim.geocode,
                min_delay_seconds=min_delay_seconds,
                max_retries=0,
                swallow_exceptions=False,
            )
            self._services = [("geopf", geopf.geocode), ("nominatim", limited)]

    def geocode(self, query: str, *, commune: str = "", departement: str = "") -> Location | None:
        text = ", ".join(x for x in (query, commune) if x)
        for service, call in self._services or [("geopf", None), ("nominatim", None)]:
            key = f"{service}|{text}|{departement}"
            if key in self.cache.data:
                answer = self.cache.data[key]
                if answer:
                    return Location(**answer)
                continue
            if call is None:
                continue
            answer = self._ask(service, call, text, commune=commune, departement=departement)
            if answer is _FAILED:
                continue
            self.cache.data[key] = asdict(answer) if answer else None
            self.cache.save()
            if answer:
                return answer
        return None

    def _ask(self, service, call, text, *, commune, departement):
        from geopy.exc import GeopyError

        try:
            found = call(text, exactly_one=True)
        except (GeopyError, ValueError, KeyError, TypeError) as exc:
            self.errors.append(f"{service} « {text} » : {type(exc).__name__}: {exc}")
            return _FAILED
        if found is None:
            return None
        raw = found.raw if isinstance(found.raw, dict) else {}
        props = raw.get("properties", {})
        code_commune = str(props.get("citycode", ""))
        dep = code_commune[:3] if code_commune.startswith("97") else code_commune[:2]
        if departement and dep and dep != departement:
            return None
        level = "adresse" if props.get("type") in ("housenumber", "street") else "quartier"
        return Location(
            text,
            level,
            round(float(found.latitude), 6),
            round(float(found.longitude), 6),
            service,
            code_commune,
            str(props.get("city", commune)),
            dep or departement,
        )


_FAILED = object()


class ChainGeocoder:
    """Try each geocoder in order; the first answer wins."""

    def __init__(self, geocoders: list[Geocoder]) -> None:
        self.geocoders = geocoders

    def geocode(self, query: str, *, commune: str = "", departement: str = "") -> Location | None:
        for geocoder in self.geocoders:
            found = geocoder.geocode(query, commune=commune, departement=departement)
            if found is not None:
                return found
        return None


def default_geocoder(
    gazetteer: Gazetteer | None = None, *, online: bool | None = None
) -> tuple[ChainGeocoder, Gazetteer, OnlineGeocoder]:
    """Quartiers, then gazetteer, then the online cache (network only when enabled).

    ``online`` defaults to the environment variable ``FICHES_GEOCODE_ONLINE=1``.
    """
    gazetteer = gazetteer or Gazetteer()
    if online is None:
        online = os.environ.get("FICHES_GEOCODE_ONLINE") == "1"
    remote = OnlineGeocoder(GeocodeCache(), online=online)
    return ChainGeocoder([QuartierGeocoder(gazetteer), gazetteer, remote]), gazetteer, remote
