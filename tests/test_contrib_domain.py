"""The proposal's domain (``fiches.contrib.proposal``): payload, checks, conversion to the
committed rows, the corpus with contributions, and the export read back by the importer."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pandas as pd
import pytest

from fiches import paths
from fiches.build import build_tables, load_sources, read_documents
from fiches.contrib.proposal import (
    MAX_SECTION_CHARS,
    RECUEIL,
    Porteur,
    Proposal,
    contributed_rows,
    email_error,
    export_contributions,
    fiche_rows,
    link_errors,
    origin_line,
    published_payload,
    search_communes,
    section_label,
    section_markdown,
    to_markdown,
    too_fast,
    unique_fiche_id,
    validate,
    vocabulary,
)
from fiches.corpus import with_contributions
from fiches.curation import load_curation, parse_curation
from fiches.filters import FilterState, apply_filters
from fiches.geocode import ChainGeocoder, GeocodeCache, OnlineGeocoder, QuartierGeocoder
from fiches.importer import plan_import
from fiches.markup import markdown_to_plain
from fiches.parse import parse_document
from fiches.render import fiche_markdown, place_precision, safe_html
from fiches.schema import FICHE_COLUMNS, PLACE_COLUMNS, SECTION_KEYS, SECTIONS, match_section
from fiches.text import fold
from tests.helpers import copy_data

TODAY = date(2026, 12, 2)
PUBLISHED = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
VIERZON, TOURS, JOUE = "18279", "37261", "37122"
THEME_IDS = list(load_curation(paths.CURATION).themes)


@pytest.fixture(scope="module")
def vocab():
    return vocabulary()


def good(**changes) -> Proposal:
    sections = dict.fromkeys(SECTION_KEYS, "")
    sections |= {"objet": "Créer des jardins partagés.", "comment": "Avec les habitants."}
    sections |= changes.pop("sections", {})
    base = Proposal(
        titre="Jardins partagés à Vierzon",
        sections=sections,
        bailleurs=["France Loire"],
        porteurs=[Porteur("Association des Forges", "association")],
        themes=["vivre-ensemble", "habitat-participatif"],
        periode="depuis 2019",
        annee_debut=2019,
        communes=[VIERZON],
    )
    return replace(base, **changes)


def record(proposal: Proposal, pid: int = 1, published_at=PUBLISHED, payload=None):
    return SimpleNamespace(
        id=pid, payload=payload or proposal.to_payload(), published_at=published_at
    )


# --- payload ----------------------------------------------------------------------------


def test_payload_round_trip_is_json(vocab):
    p = good(point=(47.22, 2.07), lieu="Quartier des Forges", fiche_id="x")
    payload = json.loads(json.dumps(p.to_payload()))
    assert Proposal.from_payload(payload) == p
    assert list(payload["sections"]) == list(SECTION_KEYS)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {},
        [],
        {"titre": 3, "sections": "x", "themes": "budget", "annee_debut": "2019"},
        {"porteurs": [["a"], "b", ["n", "t", "x"]], "point": [1, "x"], "communes": None},
        {"point": [float("nan"), 1.0], "annee_debut": True},
    ],
)
def test_payload_of_the_wrong_shape_gives_an_empty_field_never_an_error(payload):
    p = Proposal.from_payload(payload)
    assert p.point is None and p.annee_debut is None
    assert all(isinstance(v, str) for v in p.sections.values())


# --- checks -------------------------------------------------------------------------------


def test_a_good_proposal_passes(vocab):
    assert validate(good(), vocab, today=TODAY) == {}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"titre": ""}, "titre", "Donnez un titre"),
        ({"titre": "Abc"}, "titre", "5 caractères au moins"),
        ({"titre": "x" * 201}, "titre", "200 caractères au plus"),
        ({"titre": "Contacts"}, "titre", "nom d'une rubrique"),
        ({"titre": "Quoi ?"}, "titre", "nom d'une rubrique"),
        ({"titre": "Jardins <b>bio</b>"}, "titre", "signes < et >"),
        ({"titre": "*Jardins*"}, "titre", "signes < et >"),
        ({"titre": "- Jardins partagés"}, "titre", "en début ou en fin"),
        ({"titre": "Ligne\nDeux lignes"}, "titre", "une ligne"),
        ({"sections": {"objet": ""}}, "section_objet", "Rubrique obligatoire"),
        ({"sections": {"objet": "   \n "}}, "section_objet", "Quoi ?"),
        ({"sections": {"comment": ""}}, "section_comment", "Comment ?"),
        ({"sections": {"docs": "x" * (MAX_SECTION_CHARS + 1)}}, "section_docs", "trop long"),
        ({"sections": {"docs": "[site](javascript:alert(1))"}}, "section_docs", "Lien refusé"),
        ({"sections": {"contact": "javascript:alert(1)"}}, "section_contact", "javascript:"),
        ({"sections": {"docs": "ftp://exemple.fr/x"}}, "section_docs", "http, https et mailto"),
        ({"sections": {"docs": "data:text/html,<b>"}}, "section_docs", "Lien refusé"),
        ({"themes": []}, "themes", "de 1 à 4 thèmes"),
        ({"themes": ["a-b", "vivre-ensemble"]}, "themes", "de 1 à 4"),
        ({"themes": [*THEME_IDS[:5]]}, "themes", "de 1 à 4"),
        ({"porteurs": [Porteur("", "association")]}, "porteurs", "Nommez"),
        ({"porteurs": [Porteur("Ville", "mairie")]}, "porteurs", "type du porteur"),
        ({"porteurs": [Porteur("A | B", "commune")]}, "porteurs", "« | »"),
        ({"bailleurs": ["x" * 201]}, "bailleurs", "200 caractères"),
        ({"bailleurs": ["A | B"]}, "bailleurs", "« | »"),
        ({"annee_debut": 1850}, "annee_debut", "entre 1900 et 2027"),
        ({"annee_debut": 2031}, "annee_debut", "entre 1900"),
        ({"communes": []}, "communes", "au moins une commune"),
        ({"communes": ["99999"]}, "communes", "inconnue"),
        ({"communes": [VIERZON] * 21}, "communes", "20 communes"),
        ({"lieu": "x" * 201}, "lieu", "200 caractères"),
        ({"point": (40.0, 2.0)}, "point", "en France"),
        ({"point": (48.0, 12.0)}, "point", "en France"),
        ({"point": (47.2, 2.0), "communes": []}, "point", "commune de cette position"),
    ],
)
def test_checks_name_the_field_in_french(vocab, changes, field, words):
    errors = validate(good(**changes), vocab, today=TODAY)
    assert field in errors and words in errors[field], errors


@pytest.mark.parametrize(
    "changes",
    [
        {"sections": {"docs": "https://exemple.fr/a?b=1 et http://x.fr, [site](https://a.fr)"}},
        {"sections": {"contact": "[écrire](mailto:contact@exemple.fr) ou contact@exemple.fr"}},
        {"sections": {"objet": "<script>alert(1)</script> reste du texte"}},
        {"titre": "Jardins « bio » & co (Vierzon, 18)"},
        {"titre": "Quoi de neuf ? Les jardins"},
        {"point": (-21.1, 55.5), "communes": ["97411"]},  # La Réunion
        {"annee_debut": None, "periode": "", "bailleurs": [], "porteurs": []},
        {"themes": ["vivre-ensemble"]},
    ],
)
def test_accepted_values(vocab, changes):
    assert validate(good(**changes), vocab, today=TODAY) == {}


def test_a_title_already_published_is_refused(vocab, corpus):
    title = corpus.fiches["titre"].iloc[0]
    errors = validate(good(titre=title.upper()), vocab, titles=corpus.fiches["titre"])
    assert "déjà ce titre" in errors["titre"]


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("rien", []),
        ("https://a.fr http://b.fr mailto:x@y.fr", []),
        ("[a](https://a.fr) [b](mailto:b@c.fr)", []),
        ("[a](javascript:alert(1))", ["javascript:"]),
        ("vbscript:msgbox", ["vbscript:"]),
        ("ftp://serveur/fichier", ["ftp:"]),
        ("[a](/relatif)", ["/relatif"]),
    ],
)
def test_link_reading(text, bad):
    found = link_errors(text)
    assert [b for b in bad if not any(b in f for f in found)] == [] and bool(found) == bool(bad)


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("prenom.nom@exemple.fr", True),
        ("a+b@sous.domaine.org", True),
        ("", False),
        ("sans-arobase", False),
        ("a@b", False),
        ("a@b.c", False),
        ("<script>@x.fr", False),
        ("a@" + "x" * 260 + ".fr", False),
    ],
)
def test_email_check(email, ok):
    assert (email_error(email) is None) is ok


def test_minimum_fill_time():
    assert too_fast(100.0, 104.9) and not too_fast(100.0, 105.0)


@pytest.mark.parametrize(
    ("query", "first"),
    [("vierzon", "Vierzon"), ("JOUE LES", "Joué-lès-Tours"), ("joué-lès", "Joué-lès-Tours"),
     ("rochelle", "La Rochelle"), ("st etienne", None)],
)  # fmt: skip
def test_commune_search_ignores_accents_and_case(query, first):
    found = search_communes(query)
    if first is None:
        assert all(c.nom for c in found)
    else:
        assert found[0].nom == first


def test_commune_search_needs_two_characters():
    assert search_communes("") == [] and search_communes("a") == []
    assert len(search_communes("sa", limit=20)) == 20


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Un paragraphe.", "Un paragraphe."),
        ("Ligne 1\nLigne 2", "Ligne 1\n\nLigne 2"),
        ("Intro :\n- un\n- deux\nFin.", "Intro :\n\n- un\n- deux\n\nFin."),
        ("• puce", "- puce"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("a & b < c", "a \\& b \\< c"),
        ("*gras* _x_ [y]", "\\*gras\\* \\_x\\_ \\[y\\]"),
        ("voir https://a.fr/x.", "voir [https://a.fr/x](https://a.fr/x)."),
        ("[site](https://a.fr)", "site ([https://a.fr](https://a.fr))"),
        ("[écrire](mailto:a@b.fr)", "écrire (a@b.fr)"),
        ("&lt;pas une entité&gt;", "\\&lt;pas une entité\\&gt;"),
        ("1. premier", "1\\. premier"),
        ("", ""),
    ],
)
def test_typed_text_becomes_the_stored_markdown(typed, stored):
    assert section_markdown(typed) == stored


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "javascript:alert(1)",
     "<a href='javascript:alert(1)'>x</a>", "]]><svg onload=alert(1)>"],
)  # fmt: skip
def test_script_payloads_stay_text_in_every_rendering(payload):
    md = section_markdown(payload)
    assert markdown_to_plain(md) == payload  # shown as typed
    html = safe_html(md)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "<a " not in html


def test_every_section_has_a_label_the_parser_reads():
    for key in SECTION_KEYS:
        assert match_section(fold(section_label(key))) == key


def test_markdown_download_has_the_fiche_type_sections(vocab):
    p = good(sections={"difficultes": "Peu de bénévoles"}, point=(47.22, 2.07))
    md = to_markdown(p, vocab)
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert headings == [s.heading for s in SECTIONS]
    assert "# Jardins partagés à Vierzon" in md and "Peu de bénévoles" in md
    assert "Vierzon (18)" in md and "Vivre-ensemble" in md and "47.22000" in md


# --- conversion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taken", "pid", "expected"),
    [
        ([], 7, "jardins-partages-a-vierzon"),
        (["jardins-partages-a-vierzon"], 7, "jardins-partages-a-vierzon-7"),
        (["jardins-partages-a-vierzon", "jardins-partages-a-vierzon-7"], 7,
         "jardins-partages-a-vierzon-7-2"),
    ],
)  # fmt: skip
def test_fiche_id_is_the_slug_made_unique(taken, pid, expected):
    assert unique_fiche_id("Jardins partagés à Vierzon", taken, pid) == expected


@pytest.mark.parametrize(
    ("changes", "places"),
    [
        # (nom, niveau, localisation, precision, commune code)
        ({}, [("Vierzon", "commune", "commune", "à la commune", VIERZON)]),
        (
            {"communes": [JOUE, TOURS], "lieu": "Quartier de la Rabière"},
            [("Quartier de la Rabière", "quartier", "zone", "position approximative (± 500 m)",
              JOUE), ("Tours", "commune", "commune", "à la commune", TOURS)],
        ),
        (
            {"lieu": "Quartier des Forges"},
            [("Quartier des Forges", "commune", "commune", "à la commune", VIERZON)],
        ),
        (
            {"communes": [TOURS, JOUE], "point": (47.345, 0.665), "lieu": "12 rue des Jardins"},
            [("12 rue des Jardins", "adresse", "point", "position indiquée par le contributeur",
              JOUE), ("Tours", "commune", "commune", "à la commune", TOURS)],
        ),
        (
            {"point": (47.22, 2.07)},
            [("Vierzon", "adresse", "point", "position indiquée par le contributeur", VIERZON)],
        ),
    ],
)  # fmt: skip
def test_places_are_built_as_the_committed_ones(vocab, changes, places):
    _, rows = fiche_rows(good(**changes), fiche_id="f", proposal_id=3, rank=0, vocab=vocab)
    got = [(r["nom"], r["niveau"], r["localisation"], r["precision"], r["code_commune"])
           for r in rows]  # fmt: skip
    assert got == places
    assert all(set(r) == set(PLACE_COLUMNS) for r in rows)


def test_a_place_in_words_not_found_keeps_the_commune_with_a_note(vocab):
    _, rows = fiche_rows(
        good(lieu="Quartier des Forges"), fiche_id="f", proposal_id=3, rank=0, vocab=vocab
    )
    assert rows[0]["note"] == "quartier non localisé : placé à la commune"


def test_fiche_row_has_every_column_and_the_recueil(vocab):
    row, _ = fiche_rows(good(), fiche_id="f", proposal_id=3, rank=4, vocab=vocab)
    assert set(row) == set(FICHE_COLUMNS)
    assert (row["source_id"], row["source"], row["ordre"]) == (RECUEIL.id, RECUEIL.reference, "5")
    assert row["bailleurs"] == "France Loire" and row["types_porteurs"] == "association"
    assert row["porteurs"] == "Association des Forges (association)"
    assert row["themes"] == "vivre-ensemble | habitat-participatif"
    assert (row["communes"], row["departements"], row["regions"]) == (
        "Vierzon", "18", "Centre-Val de Loire",
    )  # fmt: skip


def test_contributor_point_precision_in_the_panel(vocab):
    _, rows = fiche_rows(
        good(point=(47.22, 2.07)), fiche_id="f", proposal_id=3, rank=0, vocab=vocab
    )
    place = pd.DataFrame(rows).astype({"incertitude_m": "Int64"}).iloc[0]
    assert place_precision(place) == "position indiquée par le contributeur"


def test_published_payload_keeps_a_stable_id_and_its_rows(vocab, corpus):
    taken = [*corpus.ids, "jardins-partages-a-vierzon"]
    payload = published_payload(good(), proposal_id=9, taken=taken, vocab=vocab)
    assert payload["fiche_id"] == "jardins-partages-a-vierzon-9"
    again = published_payload(
        Proposal.from_payload(payload), proposal_id=9, taken=[*taken, "x"], vocab=vocab
    )
    assert again["fiche_id"] == payload["fiche_id"]
    rows = contributed_rows([record(good(), 9, payload=payload)], taken=corpus.ids, vocab=vocab)
    assert rows.fiches[0]["id"] == "jardins-partages-a-vierzon-9"
    assert rows.fiches[0]["section_objet"] == payload["publication"]["fiche"]["section_objet"]


def test_kept_rows_are_used_only_when_they_are_whole(vocab, corpus):
    payload = published_payload(good(), proposal_id=2, taken=corpus.ids, vocab=vocab)
    payload["publication"]["fiche"]["section_objet"] = "kept"
    rows = contributed_rows([record(good(), 2, payload=payload)], taken=corpus.ids, vocab=vocab)
    assert rows.fiches[0]["section_objet"] == "kept"  # built once, at acceptance
    del payload["publication"]["fiche"]["titre"]
    rows = contributed_rows([record(good(), 2, payload=payload)], taken=corpus.ids, vocab=vocab)
    assert rows.fiches[0]["section_objet"] == "Créer des jardins partagés."


@pytest.mark.parametrize(
    ("published_at", "line"),
    [(PUBLISHED, "Proposée en ligne, publiée le 2 décembre 2026"),
     (None, "Proposée en ligne, pas encore publiée")],
)  # fmt: skip
def test_origin_line(published_at, line):
    assert origin_line(published_at) == line


# --- the corpus with contributions ----------------------------------------------------------


@pytest.fixture(scope="module")
def contributed(corpus, vocab):
    records = [
        record(good(), 1),
        record(
            good(
                titre="Forum des voisins de la Rabière",
                communes=[JOUE],
                point=(47.345, 0.665),
                bailleurs=["Nouveau bailleur"],
                themes=["budget-participatif"],
                porteurs=[Porteur("Ville de Joué-lès-Tours", "commune")],
                annee_debut=2024,
            ),
            2,
            published_at=datetime(2026, 12, 3, tzinfo=UTC),
        ),
    ]
    return with_contributions(corpus, records, vocab=vocab)


def test_no_contribution_gives_the_corpus_itself(corpus, vocab):
    assert with_contributions(corpus, [], vocab=vocab) is corpus


def test_accepted_fiches_join_the_corpus(corpus, contributed):
    assert len(contributed.fiches) == len(corpus.fiches) + 2
    assert contributed.total_in_file == corpus.total_in_file + 2
    assert list(contributed.fiches.index[-2:]) == [
        "jardins-partages-a-vierzon", "forum-des-voisins-de-la-rabiere",
    ]  # fmt: skip
    assert contributed.fiches.dtypes.equals(corpus.fiches.dtypes)
    assert contributed.places.dtypes.equals(corpus.places.dtypes)
    assert contributed.notices == []
    assert contributed.origins["forum-des-voisins-de-la-rabiere"] == (
        "Proposée en ligne, publiée le 3 décembre 2026"
    )
    assert len(corpus.fiches) == 13  # the committed corpus is left as it was


@pytest.mark.parametrize(
    ("state", "added"),
    [
        (FilterState(recueils=(RECUEIL.id,)), 2),
        (FilterState(bailleurs=("Nouveau bailleur",)), 1),
        (FilterState(themes=("budget-participatif",)), 1),
        (FilterState(communes=("Vierzon",)), 1),
        (FilterState(departements=("18",)), 1),
        (FilterState(types_porteurs=("commune",)), 1),
        (FilterState(years=(2019, 2019)), 1),
        (FilterState(q="voisins de la rabiere"), 1),
        (FilterState(q="jardins partages", section="objet"), 2),
    ],
)
def test_accepted_fiches_are_filtered_like_the_others(corpus, contributed, state, added):
    assert len(apply_filters(contributed, state)) == len(apply_filters(corpus, state)) + added


def test_accepted_fiches_are_in_every_option_list(contributed):
    assert RECUEIL.id in contributed.options("source_id")
    assert "Nouveau bailleur" in contributed.options("bailleurs")
    assert "Vierzon" in contributed.options("communes")


def test_accepted_fiche_downloads_like_the_others(contributed):
    fiche = contributed.fiches.loc["forum-des-voisins-de-la-rabiere"]
    places = contributed.places[contributed.places["fiche_id"] == fiche["id"]]
    md = fiche_markdown(fiche, places, {})
    assert "position indiquée par le contributeur" in md
    assert "Source : Fiches proposées en ligne" in md


# --- export: the import format, read back ----------------------------------------------


def _records_for_export():
    return [
        record(
            good(
                sections={
                    "objet": "Créer des jardins <script>alert(1)</script> & co.\n- 40 parcelles\n"
                    "- une fête",
                    "comment": "Voir [le site](https://exemple.fr/jardins) ou https://a.fr.",
                    "difficultes": "Peu de bénévoles au début.",
                    "contact": "[écrire](mailto:jardins@exemple.fr)",
                },
                lieu="Quartier des Forges",
            ),
            1,
        ),
        record(
            good(
                titre="Forum des voisins de la Rabière",
                communes=[JOUE, TOURS],
                lieu="Quartier de la Rabière",
                porteurs=[Porteur("Ville de Joué-lès-Tours", "commune")],
            ),
            2,
            published_at=datetime(2026, 12, 3, tzinfo=UTC),
        ),
    ]


def _compared(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("ordre", "source_id", "source")}


def test_export_is_read_back_by_the_importer_unchanged(tmp_path, corpus, vocab):
    records = _records_for_export()
    export = export_contributions(records, committed_ids=corpus.ids, vocab=vocab)
    data_dir = copy_data(tmp_path / "data")
    with open(data_dir / "curation.toml", "a", encoding="utf-8") as fh:
        fh.write("\n" + export.curation)
    plan = plan_import(export.document, RECUEIL.fichier, data_dir=data_dir)
    assert sorted(plan.added) == sorted(export.ids.values()) and plan.changed == []
    site = contributed_rows(records, taken=corpus.ids, vocab=vocab)
    imported = {r["id"]: r for r in plan.result.fiches}
    for row in site.fiches:
        assert _compared(imported[export.ids[row["id"]]]) == _compared(row)
    site_places = [_compared(p) for p in site.places]
    assert [_compared(p) for p in plan.result.places if p["fiche_id"] in imported
            and imported[p["fiche_id"]]["source_id"] == RECUEIL.id] == site_places  # fmt: skip
    assert {r["source"] for r in plan.result.fiches if r["id"] in export.ids.values()} == {
        RECUEIL.reference
    }
    assert not [w for w in plan.result.warnings if w.kind == "sans_curation"]


def test_export_keeps_the_contributors_points(tmp_path, corpus, vocab):
    records = [record(good(communes=[JOUE], point=(47.345, 0.665), lieu="12 rue des Jardins"))]
    export = export_contributions(records, committed_ids=corpus.ids, vocab=vocab)
    rows = export.quartiers.split("\n", 1)[1]  # without its header
    path = tmp_path / "quartiers.csv"
    path.write_text(paths.QUARTIERS_CSV.read_text(encoding="utf-8") + rows, encoding="utf-8")
    gazetteer = vocab.gazetteer
    geocoder = ChainGeocoder(
        [QuartierGeocoder(gazetteer, path), gazetteer, OnlineGeocoder(GeocodeCache())]
    )
    text = paths.CURATION.read_text(encoding="utf-8") + "\n" + export.curation
    curation = parse_curation(tomllib.loads(text))
    document = parse_document(export.document, name=RECUEIL.fichier)
    docs = [*read_documents(load_sources()), (RECUEIL, document)]
    result = build_tables(docs, curation, geocoder, gazetteer)
    site = contributed_rows(records, taken=corpus.ids, vocab=vocab)
    built = [p for p in result.places if p["fiche_id"] == site.fiches[0]["id"]]
    keys = ("nom", "niveau", "lat", "lon", "localisation", "precision", "reference")
    assert [{k: p[k] for k in keys} for p in built] == [
        {k: p[k] for k in keys} for p in site.places
    ]
    assert built[0]["precision"] == "position indiquée par le contributeur"


def test_export_names_what_the_centre_must_add(corpus, vocab):
    records = [
        record(good(bailleurs=["Nouveau bailleur"], themes=["vivre-ensemble"])),
        record(good(titre=corpus.fiches["titre"].iloc[0] + " bis"), 2),
    ]
    export = export_contributions(records, committed_ids=corpus.ids, vocab=vocab)
    assert any("Nouveau bailleur" in w for w in export.warnings)
    assert any("1 thème" in w for w in export.warnings)
    assert "vocabulaire.bailleurs" in export.curation
    assert set(export.files) == {
        RECUEIL.fichier, "curation-propositions.toml", "quartiers-propositions.csv",
    }  # fmt: skip


def test_export_never_holds_the_email(corpus, vocab):
    rec = record(good())
    rec.email = "secret@exemple.fr"
    export = export_contributions([rec], committed_ids=corpus.ids, vocab=vocab)
    assert all("secret@exemple.fr" not in text for text in export.files.values())


def test_text_hash_is_the_scripts():
    from fiches.ui.proposer import text_hash

    shared = json.loads((paths.ROOT / "tests" / "js" / "draft-hashes.json").read_text("utf-8"))
    assert {text: text_hash(text) for text in shared} == shared


def test_export_command_writes_the_accepted_fiches(tmp_path, corpus, vocab, capsys):
    from fiches.cli import main
    from fiches.contrib.db import open_store

    url = f"sqlite:///{tmp_path / 'fiches.sqlite'}"
    store = open_store(url)
    accepted, _ = store.submit(good().to_payload(), "secret@exemple.fr", session="s")
    store.submit(good(titre="Pas encore relue").to_payload(), "b@exemple.fr", session="s")
    payload = published_payload(good(), proposal_id=accepted, taken=corpus.ids, vocab=vocab)
    store.decide(accepted, seen_version=1, action="accepter", moderator="A", payload=payload)
    out = tmp_path / "export"
    assert main(["export-contributions", "--out", str(out), "--database-url", url]) == 0
    assert "1 fiche(s) proposée(s) en ligne" in capsys.readouterr().out
    document = (out / RECUEIL.fichier).read_text(encoding="utf-8")
    assert [f.title for f in parse_document(document).fiches] == [good().titre]
    assert all("secret@exemple.fr" not in p.read_text("utf-8") for p in out.iterdir())
    assert "[fiches.jardins-partages-a-vierzon]" in (out / "curation-propositions.toml").read_text(
        encoding="utf-8"
    )


def test_export_command_reads_the_database_named_in_the_secrets(tmp_path, corpus, vocab, capsys,
                                                                  monkeypatch):  # fmt: skip
    from fiches.cli import main
    from fiches.contrib.db import ENV_URL, open_store

    url = f"sqlite:///{tmp_path / 'hosted.sqlite'}"
    store = open_store(url)
    accepted, _ = store.submit(good().to_payload(), "a@exemple.fr", session="s")
    payload = published_payload(good(), proposal_id=accepted, taken=corpus.ids, vocab=vocab)
    store.decide(accepted, seen_version=1, action="accepter", moderator="A", payload=payload)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.sql]\nurl = "{url}"\n', encoding="utf-8")
    monkeypatch.delenv(ENV_URL, raising=False)
    out = tmp_path / "export"
    assert main(["export-contributions", "--out", str(out), "--secrets", str(secrets)]) == 0
    assert "1 fiche(s) proposée(s) en ligne" in capsys.readouterr().out
    secrets.write_text("[connections.sql\n", encoding="utf-8")
    assert main(["export-contributions", "--out", str(out), "--secrets", str(secrets)]) == 2
    assert "fichier de secrets illisible" in capsys.readouterr().err
