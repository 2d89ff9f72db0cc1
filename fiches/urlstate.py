"""The whole view in the URL: filters, search, open fiche, colouring and map position.

``parse_query`` never raises: every unknown key, unknown value, malformed or oversized
value is dropped and reported in a notice; ``to_query`` writes the canonical form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fiches.filters import LIST_FILTERS, FilterState
from fiches.map_contract import EMBED_PARAMS, POSITION_DECIMALS, POSITION_PARAMS, round_zoom
from fiches.map_data import COLOR_MODES
from fiches.schema import SECTION_KEYS

# URL name -> FilterState field, for multi-valued filters (from the filter registry)
LIST_PARAMS: dict[str, str] = {spec.param: spec.field for spec in LIST_FILTERS}
# POSITION_PARAMS (lat, lon, z) are written by the map itself, without a rerun
SCALAR_PARAMS = ("annees", "q", "section", "fiche", "couleur", *POSITION_PARAMS)
# Read by one page itself (``fiches`` by Comparer); every other page keeps them as they are.
PAGE_PARAMS = ("fiches",)
IGNORED_PARAMS = (*EMBED_PARAMS, *PAGE_PARAMS)  # Streamlit's own, and PAGE_PARAMS
MAX_VALUE_LENGTH = 200
MAX_VALUES = 50
LAT_RANGE, LON_RANGE, ZOOM_RANGE = (41.0, 51.5), (-5.5, 10.0), (5, 18)


@dataclass(frozen=True)
class ViewState:
    fiche: str = ""
    color_by: str = "theme"
    center: tuple[float, float] | None = None
    zoom: float | None = None  # quarter steps


def _short(value: str) -> str:
    value = re.sub(r"\s+", " ", value)
    return value if len(value) <= 30 else value[:29] + "…"


def parse_query(
    params: Mapping[str, Sequence[str]],
    *,
    options: Mapping[str, Sequence[str]],
    fiche_ids: Sequence[str],
    year_range: tuple[int, int] | None,
) -> tuple[FilterState, ViewState, list[str]]:
    """Read URL parameters (each key -> its list of values) into states plus notices.

    ``options`` maps each FilterState list field to its allowed values.
    """
    notices: list[str] = []
    fields: dict[str, object] = {}
    view: dict[str, object] = {}

    def last(key: str) -> str | None:
        values = [v for v in params.get(key, []) if isinstance(v, str)]
        if not values:
            return None
        value = values[-1]
        if len(value) > MAX_VALUE_LENGTH:
            notices.append(f"paramètre « {key} » trop long, ignoré")
            return None
        return value

    for key in params:
        if key not in LIST_PARAMS and key not in SCALAR_PARAMS and key not in IGNORED_PARAMS:
            notices.append(f"paramètre inconnu « {_short(str(key))} » ignoré")

    for key, field_name in LIST_PARAMS.items():
        allowed = set(options.get(field_name, ()))
        kept: list[str] = []
        for value in list(params.get(key, []))[: MAX_VALUES * 4]:
            if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH or value not in allowed:
                notices.append(f"valeur « {_short(str(value))} » inconnue pour « {key} », ignorée")
            elif value not in kept:
                kept.append(value)
        if kept:
            fields[field_name] = tuple(kept[:MAX_VALUES])

    annees = last("annees")
    if annees is not None:
        m = re.fullmatch(r"(\d{4})-(\d{4})", annees)
        if not m or year_range is None or int(m.group(1)) > int(m.group(2)):
            notices.append(f"période « {_short(annees)} » invalide, ignorée")
        else:
            lo = max(int(m.group(1)), year_range[0])
            hi = min(int(m.group(2)), year_range[1])
            if lo > hi:
                notices.append(f"période « {_short(annees)} » hors du corpus, ignorée")
            elif (lo, hi) != year_range:
                fields["years"] = (lo, hi)

    q = last("q")
    if q is not None and q.strip():
        fields["q"] = q.strip()

    def pick(key: str, allowed, unknown: str) -> str | None:
        """The URL's value for ``key`` when allowed; otherwise a notice and None."""
        value = last(key)
        if not value:
            return None
        if value in allowed:
            return value
        notices.append(unknown.format(_short(value)))
        return None

    section = pick("section", SECTION_KEYS, "section « {} » inconnue, ignorée")
    if section:
        fields["section"] = section
    fiche = pick("fiche", set(fiche_ids), "fiche « {} » introuvable")
    if fiche:
        view["fiche"] = fiche
    couleur = pick("couleur", COLOR_MODES, "couleur « {} » inconnue, ignorée")
    if couleur:
        view["color_by"] = couleur

    lat, lon, z = last("lat"), last("lon"), last("z")
    if lat is not None or lon is not None or z is not None:
        try:
            flat, flon, iz = float(lat or "nan"), float(lon or "nan"), float(z or "nan")
            iz = round_zoom(iz) if abs(iz) < 100 else iz  # in the map's steps
            ok = (
                math.isfinite(flat)
                and math.isfinite(flon)
                and LAT_RANGE[0] <= flat <= LAT_RANGE[1]
                and LON_RANGE[0] <= flon <= LON_RANGE[1]
                and ZOOM_RANGE[0] <= iz <= ZOOM_RANGE[1]
            )
        except ValueError:
            ok = False
        if ok:
            view["center"], view["zoom"] = (round(flat, 4), round(flon, 4)), iz
        else:
            notices.append("position de carte invalide, ignorée")

    return FilterState(**fields), ViewState(**view), notices


def to_query(state: FilterState, view: ViewState) -> dict[str, str | list[str]]:
    """Canonical URL parameters of a view (defaults omitted)."""
    out: dict[str, str | list[str]] = {}
    for key, field_name in LIST_PARAMS.items():
        values = getattr(state, field_name)
        if values:
            out[key] = list(values)
    if state.years is not None:
        out["annees"] = f"{state.years[0]}-{state.years[1]}"
    if state.q:
        out["q"] = state.q
    if state.section:
        out["section"] = state.section
    if view.fiche:
        out["fiche"] = view.fiche
    if view.color_by != "theme":
        out["couleur"] = view.color_by
    if view.center is not None and view.zoom is not None:
        lat, lon, z = POSITION_PARAMS
        out[lat] = f"{view.center[0]:.{POSITION_DECIMALS}f}"
        out[lon] = f"{view.center[1]:.{POSITION_DECIMALS}f}"
        out[z] = f"{view.zoom:g}"
    return out
