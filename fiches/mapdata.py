"""What the map draws, as data: a constant dataset per corpus and a small view per rerun.

The dataset (every placed fiche: coordinates, escaped title, colour per colouring mode;
the contours of départements) is written once as a static JSON file named by its content
hash, fetched once by the browser and kept in its cache. Each rerun then sends only the
view: which fiches are visible (a bitmap), the colouring, the legend, the selected fiche
and the département areas with their tooltips. At 10,000 fiches that is a few KB per
rerun instead of megabytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import tempfile
from collections import ChainMap, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fiches.text import clean_spaces

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#393b79",
)  # fmt: skip
OTHER_COLOR = "#7f7f7f"
COLORS = (*PALETTE, OTHER_COLOR)
OTHER = len(COLORS) - 1
SPREAD_RADIUS_DEG = 0.004  # ~400 m: fiches sharing a point are drawn around it
COLOR_COLUMNS = {"theme": "themes", "bailleur": "bailleurs"}
MAX_AREA_TITLES = 5


def escape_tooltip(text: str) -> str:
    """The tooltip string for Leaflet (which sets it as innerHTML): escaped text."""
    return html.escape(clean_spaces(text), quote=True)


def tooltip_key(text: str | None) -> str:
    """What the browser sends back for a clicked tooltip, normalised for lookup."""
    return clean_spaces(text or "")


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


@dataclass
class MapDataset:
    """The constant part, built once per corpus."""

    url: str
    ids: list[str]
    position: dict[str, int]
    colors: dict[str, dict[str, int]]  # mode -> value -> colour index
    title_ids: dict[str, list[str]]  # tooltip text of a point -> fiche ids
    firsts: dict[str, pd.Series] = field(repr=False, default_factory=dict)  # mode -> 1st value
    text: str = field(repr=False, default="")

    index: pd.Index = field(repr=False, default_factory=lambda: pd.Index([]))
    dep_codes: frozenset[str] = frozenset()
    inline: bool = False  # the file could not be published: views carry the data

    def positions(self, fiche_ids) -> np.ndarray:
        found = self.index.get_indexer(pd.Index(fiche_ids))
        return found[found >= 0]


def _color_index(values: list[str]) -> dict[str, int]:
    return {v: i % len(PALETTE) for i, v in enumerate(values)}


def build_dataset(corpus, url_prefix: str = "/app/static/data") -> MapDataset:
    fiches = corpus.fiches
    ids = list(fiches.index)
    position = {fid: i for i, fid in enumerate(ids)}
    colors = {mode: _color_index(corpus.options(col)) for mode, col in COLOR_COLUMNS.items()}
    firsts = {mode: corpus.first_value(col) for mode, col in COLOR_COLUMNS.items()}
    titles = fiches["titre"].tolist()
    per_fiche = [
        [escape_tooltip(t), colors["theme"].get(th, OTHER), colors["bailleur"].get(b, OTHER)]
        for t, th, b in zip(titles, firsts["theme"], firsts["bailleur"], strict=True)
    ]
    places = corpus.places
    pts = places[places["lat"].notna() & places["fiche_id"].isin(position)]
    idx = [position[f] for f in pts["fiche_id"]]
    lats, lons = spread(pts["lat"].tolist(), pts["lon"].tolist(), idx)
    points = [[round(a, 5), round(o, 5), i] for a, o, i in zip(lats, lons, idx, strict=True)]
    deps = {
        f["properties"]["code"]: f["geometry"]
        for f in corpus.contours["features"]
        if f["properties"]["kind"] == "departement"
    }
    payload = {"colors": list(COLORS), "fiches": per_fiche, "points": points, "deps": deps}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    title_ids: dict[str, list[str]] = defaultdict(list)
    for fid, title in zip(ids, titles, strict=True):
        title_ids[tooltip_key(title)].append(fid)
    return MapDataset(
        f"{url_prefix}/carte-{digest}.json", ids, position, colors, title_ids, firsts, text,
        pd.Index(ids), frozenset(deps),
    )  # fmt: skip


def publish(dataset: MapDataset, static_dir: Path) -> Path:
    """Write the dataset file under ``static_dir`` (atomically, once per content)."""
    path = static_dir / "data" / dataset.url.rsplit("/", 1)[1]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".carte-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dataset.text)
        os.replace(tmp, path)
    return path


@dataclass
class MapView:
    """The per-rerun part: small, and the click lookup that goes with it."""

    payload: dict
    lookup: Mapping[str, list[str]]  # tooltip text -> fiche ids (areas, then point titles)


def bitmap(positions: list[int] | np.ndarray, size: int) -> str:
    """Base64 of a little-endian bitmap with the given positions set."""
    bits = np.zeros(size, dtype=bool)
    bits[np.asarray(positions, dtype=int)] = True
    return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def build_view(
    dataset: MapDataset, corpus, fiche_ids, *, color_by: str = "theme", selected: str = ""
) -> MapView:
    ids = pd.Index(fiche_ids)
    positions = dataset.positions(ids)
    mode = color_by if color_by in COLOR_COLUMNS else "theme"
    column = COLOR_COLUMNS[mode]
    colors = dataset.colors[mode]
    firsts = dataset.firsts[mode].reindex(ids)
    present = set(firsts.unique().tolist())
    label = corpus.theme_label if column == "themes" else (lambda v: v)
    legend = [[label(v), COLORS[i]] for v, i in colors.items() if v in present]
    if "" in present:
        legend.append(["Sans bailleur" if column == "bailleurs" else "Sans thème", OTHER_COLOR])
    areas, area_lookup = _areas(dataset, corpus, ids, colors, firsts, selected)
    payload = {
        "url": dataset.url,
        "visible": bitmap(positions, len(dataset.ids)),
        "mode": 1 if mode == "theme" else 2,
        "selected": dataset.position.get(selected, -1),
        "legendTitle": "Bailleur" if column == "bailleurs" else "Thème principal",
        "legend": legend,
        "areas": areas,
    }
    if dataset.inline:
        payload["data"] = json.loads(dataset.text)
    return MapView(payload, ChainMap(area_lookup, dataset.title_ids))


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
    areas, lookup = [], {}
    for code, group in dep_places.groupby("code_departement", sort=True):
        fids = list(dict.fromkeys(group["fiche_id"].tolist()))
        color_ids = set(fiche_colors.reindex(fids).tolist())
        color = color_ids.pop() if len(color_ids) == 1 else OTHER
        name = corpus.departements.get(code, code)
        shown = titles.reindex(fids[:MAX_AREA_TITLES]).tolist()
        more = len(fids) - len(shown)
        count = f"{len(fids)} action{'s' if len(fids) > 1 else ''}"
        text = f"{name} ({count} au département) : " + " ; ".join(shown)
        if more:
            text += f" ; et {more} autre{'s' if more > 1 else ''}"
        lookup[tooltip_key(text)] = fids
        areas.append([code, escape_tooltip(text), color, int(selected in fids)])
    return areas, lookup


def resolve_click(tooltip: str | None, lookup: Mapping[str, list[str]]) -> list[str]:
    """Fiche ids behind a clicked marker or area (from the tooltip the browser returns)."""
    return list(lookup.get(tooltip_key(tooltip), []))


def view_of_fiche(corpus, fiche_id: str) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that show every place of a fiche."""
    places = corpus.places[corpus.places["fiche_id"] == fiche_id]
    lats, lons = list(places["lat"].dropna()), list(places["lon"].dropna())
    for code in places.loc[places["niveau"] == "departement", "code_departement"]:
        for f in corpus.contours["features"]:
            if f["properties"]["kind"] == "departement" and f["properties"]["code"] == code:
                for lon, lat in _coords(f["geometry"]):
                    lats.append(lat)
                    lons.append(lon)
    if not lats:
        return None
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.7)
    zoom = 13 if span < 0.02 else 11 if span < 0.15 else 9 if span < 0.8 else 8 if span < 1.6 else 7
    return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2), zoom


def _coords(geometry: dict):
    def walk(obj):
        if obj and isinstance(obj[0], (int, float)):
            yield obj
        else:
            for x in obj:
                yield from walk(x)

    yield from walk(geometry["coordinates"])
