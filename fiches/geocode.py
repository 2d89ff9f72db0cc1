"""Offline-first geocoding of fiche places, shaped like geopy (the reference data and the
place keys are in ``fiches.gazetteer``).

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
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

from fiches import paths
from fiches.gazetteer import Gazetteer, Location, place_key
from fiches.store import write_atomic

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

    def geocode(
        self, query: str, *, commune: str = "", departement: str = "", level: str = ""
    ) -> Location | None:
        """The first answer; with ``level``, the first answer at that level (a place the
        fiche gives as a commune or a département is located as one, never finer)."""
        for geocoder in self.geocoders:
            found = geocoder.geocode(query, commune=commune, departement=departement)
            if found is not None and (not level or found.level == level):
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
