"""AppTest of the Dossier, Comparer and Synthèse pages (registered in app.py)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from devtools.synth import generate
from fiches import paths

LOIRE = "habitat-participatif-france-loire,des-locataires-auditeurs-france-loire"


def run_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run()


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_dossier_follows_the_filters():
    at = run_page("pages/dossier.py", {"bailleur": "France Loire"})
    assert not at.exception
    text = markdown(at)
    assert "Bailleur : France Loire — 2 actions" in text
    assert "Habitat participatif (France Loire)" in text
    assert "Des locataires auditeurs (France Loire)" in text
    assert len(at.get("download_button")) == 1


@pytest.fixture(scope="module")
def big_data(tmp_path_factory):
    return generate(60, tmp_path_factory.mktemp("data60"))


def test_a_large_dossier_waits_for_confirmation(big_data, monkeypatch):
    monkeypatch.setenv("FICHES_DATA_DIR", str(big_data))
    at = run_page("pages/dossier.py")
    assert not at.exception
    assert "plus de 50" in " ".join(w.value for w in at.warning)
    assert len(at.get("download_button")) == 0  # nothing built yet
    at.button(key="dossier-confirm").click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 1
    at.run()  # a rerun keeps the built dossier, without asking again
    assert len(at.get("download_button")) == 1 and not at.warning


def test_comparer_reads_the_url_and_keeps_it():
    at = run_page("pages/comparer.py", {"fiches": LOIRE + ",inconnue"})
    assert not at.exception
    assert at.multiselect(key="compare_select").value == LOIRE.split(",")
    assert at.query_params["fiches"] == LOIRE
    assert "introuvable" in " ".join(c.value for c in at.caption)
    assert "##### Perspectives envisagées" in markdown(at)


def test_comparer_choice_from_the_list_goes_to_the_url():
    at = run_page("pages/comparer.py")
    assert not at.exception
    assert at.info  # asks for two or three fiches
    at.multiselect(key="compare_select").set_value(LOIRE.split(",")[::-1]).run()
    assert not at.exception
    assert at.query_params["fiches"] == ",".join(LOIRE.split(",")[::-1])
    assert "#### 1. Des locataires auditeurs (France Loire)" in markdown(at)


def test_synthese_lists_excerpts_with_their_fiche():
    at = run_page("pages/synthese.py", {"bailleur": "France Loire"})
    assert not at.exception
    text = markdown(at)
    assert "**[Habitat participatif (France Loire)](" in text
    assert "carte?fiche=habitat-participatif-france-loire" in text
    assert len(at.get("download_button")) == 1
