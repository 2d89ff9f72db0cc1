"""Synthetic corpora with the real schema, for benchmarks and tests only.

Fiches get real communes drawn from the gazetteer (weighted by population), themes and
bailleurs from the real vocabularies, and sections assembled from sentences of the real
fiches (so lengths and vocabulary are realistic). Never written into ``data/``.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from fiches import paths
from fiches.curation import load_curation
from fiches.gazetteer import Gazetteer
from fiches.schema import FICHE_COLUMNS, PLACE_COLUMNS, PRECISION_LABELS, SECTION_KEYS, join_list
from fiches.store import read_table, to_csv_text

DEPARTEMENT_SHARE = 0.15  # places described at département level


def _sentences() -> dict[str, list[str]]:
    table = read_table(paths.FICHES_CSV, FICHE_COLUMNS).table
    out: dict[str, list[str]] = {}
    for key in SECTION_KEYS:
        pieces: list[str] = []
        for md in table[f"section_{key}"]:
            for block in md.split("\n"):
                pieces += [s for s in re.split(r"(?<=[.;:!?])\s+", block) if len(s) > 20]
        out[key] = pieces or ["Texte de la rubrique."]
    return out


def generate(
    n: int, out_dir: Path, *, seed: int = 2015, gazetteer: Gazetteer | None = None
) -> Path:
    """Write fiches.csv, places.csv, curation.toml and sources.toml for ``n`` fiches."""
    rng = random.Random(seed)
    gazetteer = gazetteer or Gazetteer()
    curation = load_curation()
    sentences = _sentences()
    communes = [c for c in gazetteer.communes.values() if c.lat is not None and c.population]
    weights = [c.population for c in communes]
    deps = [d for d in gazetteer.departements.values() if d["region_2015"]]
    themes = list(curation.themes)
    bailleurs = curation.bailleurs + [f"Bailleur {i:02d}" for i in range(1, 24)]
    types = curation.types_porteurs
    fiches, places = [], []
    picked = rng.choices(communes, weights=weights, k=n * 2)
    for i in range(n):
        main = picked[2 * i]
        fid = f"fiche-synthetique-{i + 1:06d}"
        title = f"Action {i + 1} : {rng.choice(sentences['objet'])[:60].rstrip()} ({main.nom})"
        fiche_places = []
        count = rng.choice((1, 1, 1, 2, 2, 3))
        for rank in range(1, count + 1):
            if rng.random() < DEPARTEMENT_SHARE:
                dep = rng.choice(deps)
                fiche_places.append(
                    {"nom": dep["nom"], "niveau": "departement", "code_departement": dep["code"],
                     "region_2015": dep["region_2015"], "region": dep["region"],
                     "lat": "", "lon": "", "code_commune": "", "commune": ""}
                )  # fmt: skip
                continue
            c = main if rank == 1 else picked[2 * i + 1]
            dep = gazetteer.departements[c.departement]
            fiche_places.append(
                {"nom": c.nom, "niveau": "commune", "code_departement": c.departement,
                 "region_2015": dep["region_2015"], "region": dep["region"],
                 "lat": f"{c.lat:.5f}", "lon": f"{c.lon:.5f}",
                 "code_commune": c.code, "commune": c.nom}
            )  # fmt: skip
        for rank, place in enumerate(fiche_places, start=1):
            places.append(
                {**place, "fiche_id": fid, "rang": str(rank), "source_geo": "gazetteer",
                 "precision": PRECISION_LABELS[place["niveau"]], "note": "synthétique"}
            )  # fmt: skip
        owner = rng.random() < 0.7
        bailleur = [rng.choice(bailleurs)] if owner else []
        porteur_type = rng.choice(types)
        row = {
            "id": fid,
            "ordre": str(i % 9999 + 1),
            "titre": title,
            "intitule": title.upper(),
            "source_id": "synthetique",
            "source": "Corpus synthétique pour les mesures de performance",
            "bailleurs": join_list(bailleur),
            "porteurs": join_list([f"{bailleur[0] if owner else 'Ville'} ({porteur_type})"]),
            "types_porteurs": porteur_type,
            "themes": join_list(rng.sample(themes, rng.randint(2, 4))),
            "annee_debut": str(rng.randint(1995, 2025)) if rng.random() < 0.7 else "",
            "periode": "",
            "departements": join_list(
                list(dict.fromkeys(p["code_departement"] for p in fiche_places))
            ),
            "communes": join_list(
                list(dict.fromkeys(p["commune"] for p in fiche_places if p["commune"]))
            ),
            "regions_2015": join_list(list(dict.fromkeys(p["region_2015"] for p in fiche_places))),
            "regions": join_list(list(dict.fromkeys(p["region"] for p in fiche_places))),
            "liens": "",
            "label_difficultes": "Difficultés rencontrées",
        }
        for key in SECTION_KEYS:
            k = (
                rng.choice((0, 1, 1, 2, 2, 3))
                if key not in ("contact", "docs")
                else rng.choice((0, 1))
            )
            row[f"section_{key}"] = " ".join(rng.choice(sentences[key]) for _ in range(k))
        fiches.append(row)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "fiches.csv").write_text(to_csv_text(fiches, FICHE_COLUMNS), encoding="utf-8")
    (out_dir / "places.csv").write_text(to_csv_text(places, PLACE_COLUMNS), encoding="utf-8")
    shutil.copyfile(paths.CURATION, out_dir / "curation.toml")
    (out_dir / "sources.toml").write_text(
        '[synthetique]\nfichier = "synthetique.txt"\ntitre = "Corpus synthétique"\n'
        'date = ""\nreference = "Corpus synthétique pour les mesures de performance"\n',
        encoding="utf-8",
    )
    (out_dir / "raw").mkdir(exist_ok=True)
    return out_dir


def document(n: int, *, seed: int = 2015, gazetteer: Gazetteer | None = None) -> str:
    """A well-formed source document of ``n`` short fiches, in the format of ``data/raw/``
    (for the import benchmark: 10,000 fiches stay under the 2 MB upload limit)."""
    rng = random.Random(seed)
    gazetteer = gazetteer or Gazetteer()
    communes = [c.nom for c in gazetteer.communes.values() if c.population]
    titles = [f"Action synthétique {i + 1}" for i in range(n)]
    lines = [
        "Fiches d'expériences",
        "",
        "« Actions synthétiques » pour les mesures de performance",
        "",
        "Publiées le 1 décembre 2026",
        "",
        "Sommaire",
        "",
        *(f"- *{t}*" for t in titles),
        "",
    ]
    for title in titles:
        lines += [
            title,
            "",
            "Quoi ? > Objet de l'action\tRéunir les locataires.",
            f"Où ? > lieu/périmètre de l'action\t{rng.choice(communes)}.",
            "",
        ]
    return "\n".join(lines)
