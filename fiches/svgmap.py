"""A static SVG map of a selection: committed contours and numbered places, no tiles.

Printed on the cover of a dossier. Each fiche has a number (its rank in the dossier);
each of its places carries that number: a disc for a located place, the département's
area filled for a place at département level. Longitude is scaled by the cosine of the
middle latitude (a local equirectangular projection), which is close enough at the scale
of a few départements.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

MIN_SPAN_DEG = 0.6  # smallest height of the framed area, in degrees of latitude
MARGIN = 0.12  # share of the span added around the places


@dataclass(frozen=True)
class Marker:
    number: int
    fiche_id: str
    x: float
    y: float
    kind: str  # "point" (a located place) or "departement" (label on the area)


@dataclass(frozen=True)
class Frame:
    """Projection of lon/lat into a width × height drawing."""

    west: float
    south: float
    east: float
    north: float
    width: float
    height: float

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * self.width
        y = (self.north - lat) / (self.north - self.south) * self.height
        return round(x, 1), round(y, 1)


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _bbox(rings: Iterable[Sequence[Sequence[float]]]) -> tuple[float, float, float, float]:
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _ring_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Area centroid of the ring (the shoelace formula); the mean of points if flat."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def label_point(geometry: dict) -> tuple[float, float]:
    """Where to write a label on an area: the centroid of its largest outer ring."""
    rings = (
        [geometry["coordinates"][0]]
        if geometry["type"] == "Polygon"
        else [polygon[0] for polygon in geometry["coordinates"]]
    )

    def extent(ring: Sequence[Sequence[float]]) -> float:
        west, south, east, north = _bbox([ring])
        return (east - west) * (north - south)

    return _ring_centroid(max(rings, key=extent))


def frame_for(
    points: Sequence[tuple[float, float]],
    areas: Sequence[dict],
    *,
    width: float,
    height: float,
) -> Frame:
    """The smallest frame of the drawing's aspect that holds every point and area."""
    boxes = [_bbox(_rings(g)) for g in areas]
    boxes += [(lon, lat, lon, lat) for lon, lat in points]
    if not boxes:  # nothing located: the two regions of the first corpus
        boxes = [(-1.6, 45.2, 3.1, 48.9)]
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    kx = math.cos(math.radians((south + north) / 2))
    span_lat = max(north - south, MIN_SPAN_DEG)
    span_lon = max(east - west, MIN_SPAN_DEG / kx)
    # grow one side so that the frame has the drawing's aspect ratio
    if span_lon * kx / span_lat < width / height:
        span_lon = span_lat * width / height / kx
    else:
        span_lat = span_lon * kx * height / width
    span_lat, span_lon = span_lat * (1 + 2 * MARGIN), span_lon * (1 + 2 * MARGIN)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    return Frame(
        mid_lon - span_lon / 2,
        mid_lat - span_lat / 2,
        mid_lon + span_lon / 2,
        mid_lat + span_lat / 2,
        width,
        height,
    )


def _path(geometry: dict, frame: Frame) -> str:
    parts = []
    for ring in _rings(geometry):
        coords = [frame.project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x},{y}" for x, y in coords) + "Z")
    return "".join(parts)


def _spread(markers: list[Marker], radius: float) -> list[Marker]:
    """Set apart markers that would overlap (several fiches in one commune).

    Markers closer than two radii form a group (greedy, in order); one fiche keeps one
    marker per group; a group of several fiches is laid out on a small ring.
    """
    cell = 2 * radius
    groups: list[list[Marker]] = []
    grid: dict[tuple[int, int], list[int]] = {}  # cell -> groups whose first marker is there
    for m in markers:
        cx, cy = int(m.x // cell), int(m.y // cell)
        near = (
            g for dx in (-1, 0, 1) for dy in (-1, 0, 1) for g in grid.get((cx + dx, cy + dy), ())
        )
        for g in near:
            group = groups[g]
            if math.dist((group[0].x, group[0].y), (m.x, m.y)) < cell:
                if all(other.fiche_id != m.fiche_id for other in group):
                    group.append(m)
                break
        else:
            grid.setdefault((cx, cy), []).append(len(groups))
            groups.append([m])
    out: list[Marker] = []
    for group in groups:
        if len(group) == 1:
            out.extend(group)
            continue
        cx = sum(m.x for m in group) / len(group)
        cy = sum(m.y for m in group) / len(group)
        ring = radius * max(1.15, 1.1 * len(group) / math.pi)
        for i, m in enumerate(group):
            angle = 2 * math.pi * i / len(group) - math.pi / 2
            x = cx + ring * math.cos(angle)
            y = cy + ring * math.sin(angle)
            out.append(Marker(m.number, m.fiche_id, round(x, 1), round(y, 1), m.kind))
    return out


def map_markers(
    places: pd.DataFrame,
    numbers: dict[str, int],
    departements: dict[str, dict],
    frame: Frame,
    *,
    radius: float,
) -> list[Marker]:
    """One marker per place and fiche, inside the frame, in the dossier's numbering."""
    markers: list[Marker] = []
    seen: set[tuple[str, str]] = set()
    for p in places.itertuples():
        number = numbers.get(p.fiche_id)
        if number is None:
            continue
        if pd.notna(p.lat) and pd.notna(p.lon):
            x, y = frame.project(float(p.lon), float(p.lat))
            kind = "point"
        elif p.niveau == "departement" and p.code_departement in departements:
            x, y = frame.project(*label_point(departements[p.code_departement]))
            kind = "departement"
        else:
            continue
        key = (p.fiche_id, f"{x:.0f},{y:.0f}")
        if key in seen:  # two places of one fiche at one spot: one number is enough
            continue
        seen.add(key)
        markers.append(Marker(number, p.fiche_id, x, y, kind))
    spread = _spread(markers, radius)
    pad = radius + 1
    return [
        Marker(
            m.number,
            m.fiche_id,
            min(max(m.x, pad), frame.width - pad),
            min(max(m.y, pad), frame.height - pad),
            m.kind,
        )
        for m in spread
    ]


TOWN_FONT = 10.0  # px in the drawing's units


def town_labels(
    towns: Sequence[tuple[str, float, float]],
    markers: Sequence[Marker],
    frame: Frame,
    *,
    radius: float,
) -> list[tuple[str, float, float, float, float, str]]:
    """Town names that fit: ``(name, dot x, dot y, text x, text y, anchor)``, most
    important first (``towns`` is in that order). A name goes right of its dot, else left,
    else clear of a numbered marker on the town (above, below, farther aside); it is left
    out when it would still cover a marker, another name or the edge."""
    kept: list[tuple[float, float, float, float]] = [
        (m.x - radius, m.y - radius, m.x + radius, m.y + radius) for m in markers
    ]
    out = []

    def free(box):
        x0, y0, x1, y1 = box
        inside = x0 >= 2 and y0 >= 2 and x1 <= frame.width - 2 and y1 <= frame.height - 2
        return inside and all(x0 >= b[2] or b[0] >= x1 or y0 >= b[3] or b[1] >= y1 for b in kept)

    for name, lon, lat in towns:
        x, y = frame.project(lon, lat)
        width = 0.56 * TOWN_FONT * len(name)
        half = TOWN_FONT * 0.6
        far = radius + 4
        # (anchor, text x, text y, dot drawn): beside the dot, else clear of a marker that
        # sits on the town (its dot is then under the marker)
        spots = [
            ("start", x + 4, y, True), ("end", x - 4, y, True),
            ("middle", x, y - far - half, False), ("middle", x, y + far + half, False),
            ("start", x + far, y, False), ("end", x - far, y, False),
        ]  # fmt: skip
        dot = (x - 2, y - 2, x + 2, y + 2)
        for anchor, tx, ty, with_dot in spots:
            x0 = {"start": tx, "end": tx - width, "middle": tx - width / 2}[anchor]
            box = (x0, ty - half, x0 + width, ty + half)
            if free(box) and (free(dot) or not with_dot):
                kept += [box, dot]
                out.append((name, x, y, tx, ty, anchor))
                break
    return out


def selection_map_svg(
    contours: dict,
    places: pd.DataFrame,
    fiche_ids: Sequence[str],
    *,
    width: int = 640,
    height: int = 560,
    towns: Sequence[tuple[str, float, float]] = (),
) -> str:
    """The SVG map of the fiches ``fiche_ids``, numbered 1, 2, … in that order, with the
    names of ``towns`` (``(name, lon, lat)``, most important first) where they fit."""
    numbers = {fid: i for i, fid in enumerate(fiche_ids, start=1)}
    places = places[places["fiche_id"].isin(pd.Index(fiche_ids))]
    features = contours.get("features", [])
    departements = {
        f["properties"]["code"]: f["geometry"]
        for f in features
        if f["properties"]["kind"] == "departement"
    }
    located = places[places["lat"].notna() & places["lon"].notna()]
    points = list(zip(located["lon"].astype(float), located["lat"].astype(float), strict=True))
    area_codes = sorted(
        set(places.loc[places["niveau"] == "departement", "code_departement"]) & set(departements)
    )
    frame = frame_for(points, [departements[c] for c in area_codes], width=width, height=height)
    radius = 9.0 if len(numbers) < 100 else 5.0
    markers = map_markers(places, numbers, departements, frame, radius=radius)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="carte" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        ' aria-label="Carte des actions du dossier, numérotées comme au sommaire">',
        f'<rect class="mer" x="0" y="0" width="{width}" height="{height}" fill="#f4f6f8"/>',
    ]
    for f in features:
        props = f["properties"]
        kind = props["kind"]
        name = html.escape(str(props.get("nom", "")))
        if kind == "departement":
            selected = props["code"] in area_codes
            fill = "#f3d9a4" if selected else "#ffffff"
            out.append(
                f'<path class="dep{" choisi" if selected else ""}" data-code="'
                f'{html.escape(props["code"])}" d="{_path(f["geometry"], frame)}" fill="{fill}"'
                f' stroke="#8a94a3" stroke-width="0.8"><title>{name}</title></path>'
            )
        elif kind == "commune":
            out.append(
                f'<path class="commune" d="{_path(f["geometry"], frame)}" fill="#dfe7f1"'
                f' stroke="#9fb0c6" stroke-width="0.5"><title>{name}</title></path>'
            )
    for f in features:  # region outlines above the départements
        if f["properties"]["kind"] == "region_2015":
            out.append(
                f'<path class="region" d="{_path(f["geometry"], frame)}" fill="none"'
                ' stroke="#4a5563" stroke-width="1.6"/>'
            )
    for name, x, y, tx, ty, anchor in town_labels(towns, markers, frame, radius=radius):
        out.append(
            f'<g class="ville"><circle cx="{x}" cy="{y}" r="2" fill="#1d2733"/>'
            f'<text x="{tx:.1f}" y="{ty:.1f}" dy="0.35em" text-anchor="{anchor}"'
            f' font-size="{TOWN_FONT:.0f}" font-family="Helvetica, Arial, sans-serif"'
            ' fill="#1d2733" stroke="#fff" stroke-width="2.5" paint-order="stroke">'
            f"{html.escape(name)}</text></g>"
        )
    for m in markers:
        fid = html.escape(m.fiche_id)
        fill = "#b4462f" if m.kind == "point" else "#7a5a12"
        out.append(
            f'<g class="numero" data-fiche="{fid}" data-numero="{m.number}">'
            f'<circle cx="{m.x}" cy="{m.y}" r="{radius}" fill="{fill}" stroke="#fff"'
            ' stroke-width="1.2"/>'
            f'<text x="{m.x}" y="{m.y}" dy="0.35em" text-anchor="middle" fill="#fff"'
            f' font-size="{radius * 1.15:.1f}" font-family="Helvetica, Arial, sans-serif"'
            f' font-weight="bold">{m.number}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)
