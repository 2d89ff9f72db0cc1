"""Streamlit AppTest: the entry point and every page run without exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from fiches import paths
from fiches.filters import FILTERS
from fiches.ui.state import Session

PAGES = sorted(f"pages/{p.name}" for p in (paths.ROOT / "pages").glob("*.py"))


def run_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_entry_point_runs():
    at = run_app()
    assert not at.exception
    assert any("13 actions sur 13" in m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page):
    at = run_app({"bailleur": "France Loire"})
    at.switch_page(page).run()
    assert not at.exception, page
    # through app.py: the shared sidebar is there and the filters hold
    assert at.multiselect(key="f_bailleurs").value == ["France Loire"]


def test_url_opens_filters_and_fiche():
    at = run_app({"bailleur": ["France Loire"], "fiche": "habitat-participatif-france-loire"})
    assert not at.exception
    assert at.multiselect(key="f_bailleurs").value == ["France Loire"]
    assert any("2 actions sur 13" in m.value for m in at.markdown)
    assert any("Habitat participatif (France Loire)" in m.value for m in at.markdown)
    assert at.query_params["fiche"] == "habitat-participatif-france-loire"


def test_hostile_url_gives_a_notice_not_an_exception():
    at = run_app(
        {"bailleur": ["<script>alert(1)</script>"], "annees": "abc", "zzz": "1", "q": "x" * 10_000}
    )
    assert not at.exception
    notice = " ".join(c.value for c in at.info)  # at the top of the page, not the sidebar
    assert "Lien partiellement repris" in notice and "<script>" not in notice
    assert any("13 actions sur 13" in m.value for m in at.markdown)
    assert "zzz" not in at.query_params


def test_filter_widget_updates_the_url():
    at = run_app()
    at.multiselect(key="f_themes").set_value(["budget-participatif"]).run()
    assert at.query_params["theme"] == "budget-participatif"
    assert any("1 action sur 13" in m.value for m in at.markdown)
    at.text_input(key="f_q").input("Joué lès Tours").run()
    assert any("0 action sur 13" in m.value for m in at.markdown)
    assert at.query_params["q"] == "Joué lès Tours"


def test_reset_clears_filters():
    at = run_app({"theme": "budget-participatif", "q": "Logiparc"})
    assert any("1 action sur 13" in m.value for m in at.markdown)
    next(b for b in at.sidebar.button if b.label == "Réinitialiser les filtres").click().run()
    assert not at.exception
    assert any("13 actions sur 13" in m.value for m in at.markdown)
    assert "theme" not in at.query_params and "q" not in at.query_params


def test_no_result_is_a_friendly_message():
    at = run_app({"q": "aucune action ne contient cette phrase"})
    assert not at.exception
    assert any("Aucune action ne correspond" in i.value for i in at.info)


def test_import_page_previews_and_offers_downloads():
    from tests.helpers import NEW_DOCUMENT

    at = run_app()
    at.switch_page("pages/importer.py").run()
    at.file_uploader(key="import_file").upload("nouvelles.txt", NEW_DOCUMENT.encode(), "text/plain")
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("2 fiches lues : 1 nouvelle, 1 mise à jour ;")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Télécharger fiches.csv mis à jour", "Télécharger places.csv mis à jour"]
    assert (paths.DATA / "fiches.csv").read_text(encoding="utf-8").count("jardins-partages") == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Un texte sans fiche.\n", "aucune fiche"),
        (b"\xff\xfe\x00binaire", "n'est pas un document texte"),
        ("Quoi ? > Objet de l'action\tx".encode("utf-16"), "document texte"),
    ],
)
def test_import_page_refuses_bad_documents(content, message):
    at = run_app()
    at.switch_page("pages/importer.py").run()
    at.file_uploader(key="import_file").upload("doc.txt", content, "text/plain")
    at.run()
    assert not at.exception
    assert message in at.error[0].value


def test_broken_data_gives_a_french_message_not_a_traceback(tmp_path, monkeypatch):
    from tests.helpers import copy_data

    data = copy_data(tmp_path / "data")
    text = (data / "fiches.csv").read_text(encoding="utf-8")
    (data / "fiches.csv").write_text(text.replace("titre,", "title,", 1), encoding="utf-8")
    monkeypatch.setenv("FICHES_DATA_DIR", str(data))
    at = run_app()
    assert not at.exception
    assert "fiches.csv, ligne 1 : colonne(s) manquante(s) : titre" in at.error[0].value


def test_embed_shows_only_the_map_count_and_list():
    at = run_app({"embed": "true", "theme": "budget-participatif"})
    assert not at.exception
    assert len(at.sidebar) == 0  # no filters, no page menu
    assert any("1 action sur 13" in m.value for m in at.markdown)
    assert not at.title  # the page's own heading is left to the host page


def test_no_embed_draws_the_sidebar():
    at = run_app({"theme": "budget-participatif"})
    assert at.multiselect(key="f_themes").value == ["budget-participatif"]
    assert [t.value for t in at.title] == ["Carte des actions"]


def test_rare_filters_come_on_demand_or_when_in_use():
    at = run_app()
    assert not at.radio and not at.slider and not at.selectbox  # not sent on first load
    more = next(b for b in at.sidebar.button if b.label == "Plus de filtres")
    more.click().run()
    assert at.radio(key="v_color").value == "theme"
    assert at.slider(key="f_years").value == (2001, 2013)  # the whole range
    assert at.selectbox(key="f_section").value == ""
    # a link that sets one of them shows them at once
    at = run_app({"couleur": "bailleur"})
    assert at.radio(key="v_color").value == "bailleur"


def _drawn_on_the_committed_data(spec) -> bool:
    """Every filter is drawn, but a list filter with fewer options than it needs (the
    « Recueil » with one collection: tests/test_filters.py checks it with two)."""
    from fiches.corpus import load_corpus
    from fiches.filters import ListFilter, filter_options

    if not isinstance(spec, ListFilter):
        return True
    return len(filter_options(load_corpus(), spec)) >= spec.min_options


def test_only_the_recueil_filter_waits_for_a_second_collection():
    assert [s.field for s in FILTERS if not _drawn_on_the_committed_data(s)] == ["recueils"]


@pytest.mark.parametrize(
    "spec", [s for s in FILTERS if _drawn_on_the_committed_data(s)], ids=lambda s: s.field
)
def test_every_filter_has_its_widget_and_reaches_the_url(spec):
    """The sidebar draws each registry entry under its label and key; a value set in its
    widget is in the URL under the entry's name, and the count follows."""
    from fiches.corpus import load_corpus
    from fiches.filters import filter_options
    from tests.test_filters import SCALAR_SAMPLES

    at = run_app()
    at.button(key="more-filters").click().run()
    key = Session.filter_key(spec.field)
    widget = next(w for w in at.sidebar if getattr(w, "key", None) == key)
    assert widget.label == spec.label
    if spec.qualifies:
        at.text_input(key=Session.filter_key(spec.qualifies)).input(
            SCALAR_SAMPLES[spec.field][spec.qualifies]
        ).run()
        widget = next(w for w in at.sidebar if getattr(w, "key", None) == key)
    value = SCALAR_SAMPLES.get(spec.field, {}).get(spec.field)
    if value is None:
        value = [filter_options(load_corpus(), spec)[0]]
    widget.set_value(value).run()
    assert not at.exception
    assert spec.param in at.query_params
    assert not any("13 actions sur 13" in m.value for m in at.markdown)
