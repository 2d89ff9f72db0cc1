"""Downloads of the filtered fiches: the table as CSV, places as GeoJSON."""

from __future__ import annotations

import json

import pandas as pd

from fiches.schema import FICHE_COLUMNS, split_list


def fiches_csv(fiches: pd.DataFrame) -> bytes:
    """The fiches in the columns of ``data/fiches.csv`` (pyarrow's writer: fast at 100,000)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(
        fiches[list(FICHE_COLUMNS)].astype("string").fillna(""), preserve_index=False
    )
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink)
    return sink.getvalue().to_pybytes()


def places_geojson(corpus, fiche_ids) -> str:
    """The places of the given fiches as a GeoJSON FeatureCollection.

    Points where the place has coordinates, the département contour for a place at
    département level, ``null`` geometry for a place that could not be located.
    """
    places = corpus.places[corpus.places["fiche_id"].isin(pd.Index(fiche_ids))]
    deps = corpus.contours_of("departement")
    fiches = corpus.fiches
    features = []
    for p in places.itertuples():
        if pd.notna(p.lat):
            geometry = {"type": "Point", "coordinates": [p.lon, p.lat]}
        elif p.niveau == "departement":
            geometry = deps.get(p.code_departement)
        else:
            geometry = None
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "fiche_id": p.fiche_id,
                    "titre": fiches.at[p.fiche_id, "titre"],
                    "lieu": p.nom,
                    "niveau": p.niveau,
                    "precision": p.precision,
                    "commune": p.commune,
                    "departement": p.code_departement,
                    "themes": split_list(fiches.at[p.fiche_id, "themes"]),
                    "bailleurs": split_list(fiches.at[p.fiche_id, "bailleurs"]),
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
