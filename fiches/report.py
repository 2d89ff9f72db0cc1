"""The geocoding report: each fiche's places with level, precision, source, reference and
uncertainty."""

from __future__ import annotations

import pandas as pd

from fiches.schema import metres


def places_report(fiches: pd.DataFrame, places: pd.DataFrame) -> str:
    lines = []
    for fiche in fiches.itertuples():
        lines.append(f"{fiche.ordre:>2}. {fiche.titre} [{fiche.id}]")
        rows = places[places["fiche_id"] == fiche.id]
        if rows.empty:
            lines.append("      (aucun lieu)")
        for p in rows.itertuples():
            where = f"{p.lat:.4f}, {p.lon:.4f}" if pd.notna(p.lat) else "contour"
            extra = f" ({p.note})" if p.note else ""
            lines.append(
                f"      - {p.nom} · {p.niveau} · {p.precision} · {where} · source {p.source_geo}"
                f" · {p.code_departement} {p.region_2015} / {p.region}{extra}"
            )
            radius = f"± {metres(int(p.incertitude_m))}" if pd.notna(p.incertitude_m) else "—"
            lines.append(f"        dessin : {p.localisation or 'aucun'} · incertitude {radius}")
            lines.append(f"        référence : {p.reference or 'aucune'}")

    n_places = len(places)
    located = int(places["lat"].notna().sum() + (places["niveau"] == "departement").sum())
    lines.append(f"{len(fiches)} fiches, {n_places} lieux, {located} localisés (point ou contour)")
    return "\n".join(lines)
