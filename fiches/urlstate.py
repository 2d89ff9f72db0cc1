"""The whole view in the URL: filters, search, open fiche, colouring and map position.

``parse_query`` never raises: every unknown key, unknown value, malformed or oversized
value is dropped and reported in a notice; ``to_query`` writes the canonical form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from fiches.filters import LIST_FILTERS, SCALAR_FILTERS, FilterState, short
from fiches.map_contract import EMBED_PARAMS, POSITION_DECIMALS, POSITION_PARAMS, round_zoom
from fiches.map_data import COLOR_MODES, DEFAULT_COLOR

# URL name -> FilterState field, for multi-valued filters (from the filter registry)
LIST_PARAMS: dict[str, str] = {spec.param: spec.field for spec in LIST_FILTERS}
# POSITION_PARAMS (lat, lon, z) are written by the map itself, without a rerun
SCALAR_PARAMS = (*(spec.param for spec in SCALAR_FILTERS), "fiche", "couleur", *POSITION_PARAMS)
# Read by one page itself (``fiches`` by Comparer, ``brouillon`` and ``suivi`` by Proposer:
# the private links of a draft and of a proposal); every other page keeps them as they are.
COMPARE_PARAM = "fiches"  # the compared fiches' ids, comma-separated (fiches.compare)
PAGE_PARAMS = (COMPARE_PARAM, "brouillon", "suivi")
IGNORED_PARAMS = (*EMBED_PARAMS, *PAGE_PARAMS)  # Streamlit's own, and PAGE_PARAMS
MAX_VALUE_LENGTH = 200
MAX_VALUES = 50
LAT_RANGE, LON_RANGE, ZOOM_RANGE = (41.0, 51.5), (-5.5, 10.0), (5, 18)


@dataclass(frozen=True)
class ViewState:
    fiche: str = ""
    color_by: str = DEFAULT_COLOR
    center: tuple[float, float] | None = None
    zoom: float | None = None  # quarter steps


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
    # one value may come as a string (``to_query``'s form), several as a list
    params = {k: [v] if isinstance(v, str) else v for k, v in params.items()}

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
            notices.append(f"paramètre inconnu « {short(str(key))} » ignoré")

    for key, field_name in LIST_PARAMS.items():
        allowed = set(options.get(field_name, ()))
        kept: list[str] = []
        for value in list(params.get(key, []))[: MAX_VALUES * 4]:
            if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH or value not in allowed:
                notices.append(f"valeur « {short(str(value))} » inconnue pour « {key} », ignorée")
            elif value not in kept:
                kept.append(value)
        if kept:
            fields[field_name] = tuple(kept[:MAX_VALUES])

    for spec in SCALAR_FILTERS:
        raw = last(spec.param)
        if raw:
            value, notice = spec.read(raw, year_range)
            if notice:
                notices.append(notice)
            elif value is not None:
                fields[spec.field] = value

    def pick(key: str, allowed, unknown: str) -> str | None:
        """The URL's value for ``key`` when allowed; otherwise a notice and None."""
        value = last(key)
        if not value:
            return None
        if value in allowed:
            return value
        notices.append(unknown.format(short(value)))
        return None

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
    for spec in SCALAR_FILTERS:
        value = getattr(state, spec.field)
        if value != spec.default:
            out[spec.param] = spec.write(value)
    if view.fiche:
        out["fiche"] = view.fiche
    if view.color_by != DEFAULT_COLOR:
        out["couleur"] = view.color_by
    if view.center is not None and view.zoom is not None:
        lat, lon, z = POSITION_PARAMS
        out[lat] = f"{view.center[0]:.{POSITION_DECIMALS}f}"
        out[lon] = f"{view.center[1]:.{POSITION_DECIMALS}f}"
        out[z] = f"{view.zoom:g}"
    return out


def view_url(base_url: str, state: FilterState | None = None, view: ViewState | None = None) -> str:
    """The dashboard's link that opens a view (its map page, the canonical query)."""
    query = to_query(state or FilterState(), view or ViewState())
    encoded = urlencode(query, doseq=True, quote_via=quote)
    return f"{base_url.rstrip('/')}/carte" + (f"?{encoded}" if encoded else "")


def fiche_url(base_url: str, fiche_id: str) -> str:
    """The link that opens one fiche on the dashboard's map."""
    return view_url(base_url, view=ViewState(fiche=fiche_id))


def selection_url(base_url: str, state: FilterState) -> str:
    """The link to a selection on the dashboard's map (filters only)."""
    return view_url(base_url, state)
