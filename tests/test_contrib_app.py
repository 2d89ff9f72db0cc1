"""AppTest of « Proposer une fiche » and « Modération » on a fresh SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from devtools.contrib_form import TITLE, app, fill, send
from fiches import paths
from fiches.contrib.auth import ENV_HASH, MAX_FAILED_PER_MINUTE, hash_password
from fiches.contrib.db import ENV_URL, open_store
from fiches.contrib.proposal import Proposal
from fiches.contrib.storage import MAX_SUBMISSIONS_PER_HOUR
from fiches.ui.contrib import QUEUE_PAGE

PASSWORD = "jardin-2026"
HASH = hash_password(PASSWORD)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fiches.sqlite'}"
    monkeypatch.setenv(ENV_URL, url)
    monkeypatch.setenv(ENV_HASH, HASH)
    st.cache_resource.clear()  # the published version read by an earlier test's database
    yield open_store(url)
    st.cache_resource.clear()  # nor this one's for the next tests


def texts(at: AppTest, kind: str = "markdown") -> str:
    return "\n".join(e.value for e in getattr(at, kind))


def propose(db, title: str = TITLE) -> tuple[int, str]:
    at = app("proposer")
    fill(at, title)
    send(at)
    assert "enregistrée" in texts(at, "success")
    proposal_id = at.session_state["p_receipt"][0]
    return proposal_id, at.session_state["p_receipt"][1]


def moderator(name: str = "Alice") -> AppTest:
    at = app("moderation")
    at.text_input(key="m_login_name").input(name)
    at.text_input(key="m_login_password").input(PASSWORD)
    at.button[0].click().run()
    assert f"Connecté : **{name}**" in texts(at)
    return at


def open_proposal(at: AppTest, proposal_id: int, status: str = "en_attente") -> None:
    at.radio(key="m_status").set_value(status).run()
    at.button(key=f"m-open-{proposal_id}").click().run()
    assert not at.exception


# --- the form -------------------------------------------------------------------------------


def test_the_form_has_the_fiche_type_sections_in_order(db):
    from fiches.schema import SECTIONS

    at = app("proposer")
    labels = [a.label.removesuffix(" (obligatoire)") for a in at.text_area]
    assert labels[: len(SECTIONS)] == [s.heading for s in SECTIONS]


def test_a_proposal_is_stored_before_its_receipt(db):
    proposal_id, follow = propose(db)
    stored = db.get(proposal_id)
    assert stored.status == "en_attente" and stored.email == "contact@exemple.fr"
    assert Proposal.from_payload(stored.payload).titre == TITLE
    assert db.by_follow_token(follow).id == proposal_id


def test_the_draft_link_reopens_the_text_then_gives_the_receipt_back(db):
    at = app("proposer")
    at.text_input(key="p_titre").input(TITLE).run()
    at.text_area(key="p_section_objet").input("Texte du brouillon").run()
    token = at.query_params["brouillon"]
    again = app("proposer", brouillon=token)  # another browser, the private link
    assert again.text_area(key="p_section_objet").value == "Texte du brouillon"
    assert again.text_input(key="p_titre").value == TITLE
    fill(again)
    send(again)
    proposal_id = again.session_state["p_receipt"][0]
    back = app("proposer", brouillon=token)
    assert f"Proposition n° {proposal_id} enregistrée" in texts(back, "success")


def test_checks_are_shown_next_to_the_fields_in_french(db):
    at = app("proposer")
    at.text_input(key="p_titre").input("Abc").run()
    send(at)
    errors = texts(at, "error")
    for words in ("corrigez les champs", "5 caractères au moins", "Rubrique obligatoire",
                  "de 1 à 4 thèmes", "au moins une commune", "adresse électronique"):  # fmt: skip
        assert words in errors
    assert db.queue() == []
    at.text_input(key="p_titre").input(TITLE).run()  # the message goes as one corrects
    assert "5 caractères au moins" not in texts(at, "error")


def test_a_form_sent_too_fast_is_refused(db):
    at = app("proposer")
    fill(at)
    send(at, waited=False)
    assert "Envoi trop rapide" in texts(at, "warning") and db.queue() == []


def test_the_hidden_field_stops_bots(db):
    at = app("proposer")
    fill(at)
    at.text_input(key="p_site_web").input("http://spam.example").run()
    send(at)
    assert "Envoi refusé" in texts(at, "error") and db.queue() == []


def test_twenty_proposals_an_hour_per_session(db):
    at = app("proposer")
    fill(at)
    key = at.session_state["contrib_session"]
    for _ in range(MAX_SUBMISSIONS_PER_HOUR):
        db.submit({"titre": "x"}, "a@exemple.fr", session=key)
    send(at)
    assert "depuis une heure" in texts(at, "warning")
    assert at.text_area(key="p_section_objet").value == "Créer des jardins partagés."


@pytest.fixture
def unreachable(monkeypatch):
    monkeypatch.setenv(ENV_URL, "postgresql://postgres@127.0.0.1:9/absente")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_database_unreachable_keeps_the_text_and_offers_markdown(unreachable):
    at = app("proposer")
    fill(at)
    assert "injoignable" in texts(at, "warning")
    send(at)
    assert "n'est pas envoyée" in texts(at, "error")
    assert at.text_input(key="p_titre").value == TITLE
    assert [b for b in at.get("download_button") if "Markdown" in b.proto.label]
    carte = app("carte")  # the site still shows the committed fiches
    assert "13 actions sur 13" in texts(carte)


# --- the follow-up link ------------------------------------------------------------------------


def test_unknown_follow_up_link(db):
    assert "aucune proposition" in texts(app("proposer", suivi="inconnu"), "warning")


def test_changes_asked_then_sent_again_through_the_follow_up_link(db):
    proposal_id, follow = propose(db)
    mod = moderator()
    open_proposal(mod, proposal_id)
    mod.text_area(key="m_message").input("Précisez le quartier, s'il vous plaît.").run()
    mod.button(key="m-demander_modifications").click().run()
    assert "Modifications demandées" in texts(mod, "success")

    page = app("proposer", suivi=follow)
    assert "modifications demandées" in texts(page)
    assert "Précisez le quartier" in texts(page, "info")
    page.text_input(key="s_lieu").input("Quartier des Forges").run()
    page.button(key="follow-send").click().run()
    assert "renvoyée" in texts(page, "success")
    stored = db.get(proposal_id)
    assert stored.status == "en_attente"
    assert Proposal.from_payload(stored.payload).lieu == "Quartier des Forges"
    assert [d.action for d in db.history(proposal_id)] == [
        "proposee", "demander_modifications", "modifiee",
    ]  # fmt: skip


def test_a_refusal_needs_a_reason_shown_on_the_follow_up_link(db):
    proposal_id, follow = propose(db)
    mod = moderator()
    open_proposal(mod, proposal_id)
    mod.button(key="m-refuser").click().run()
    assert "raison du refus" in texts(mod, "error")
    mod.text_area(key="m_message").input("Hors du champ de la collection.").run()
    mod.button(key="m-refuser").click().run()
    page = app("proposer", suivi=follow)
    assert "refusée" in texts(page) and "Hors du champ" in texts(page, "info")


# --- moderation ---------------------------------------------------------------------------------


def test_without_a_hash_the_page_says_how_to_enable_it(db, monkeypatch):
    monkeypatch.delenv(ENV_HASH)
    at = app("moderation")
    assert "python -m fiches moderator-password" in texts(at, "info")
    assert "m_login_password" not in [t.key for t in at.text_input]


def test_wrong_passwords_are_slowed(db):
    at = app("moderation")
    for _ in range(MAX_FAILED_PER_MINUTE):
        at.text_input(key="m_login_password").input("faux")
        at.button[0].click().run()
        assert "Mot de passe incorrect" in texts(at, "error")
    at.text_input(key="m_login_password").input(PASSWORD)  # even the right one, for a minute
    at.button[0].click().run()
    assert "Trop d'essais" in texts(at, "error") and "Connecté" not in texts(at)


def test_a_moderator_session_ends_after_8_hours_idle(db):
    at = moderator()
    at.session_state["m_seen"] = datetime.now(UTC) - timedelta(hours=8, minutes=1)
    at.run()
    assert "expirée" in texts(at, "info") and "Connecté" not in texts(at)


def test_a_button_pressed_after_8_idle_hours_decides_nothing(db):
    proposal_id, _ = propose(db)
    mod = moderator()
    open_proposal(mod, proposal_id)
    mod.session_state["m_seen"] = datetime.now(UTC) - timedelta(hours=8, minutes=1)
    mod.button(key="m-accepter").click().run()  # the callback runs before the page
    assert db.get(proposal_id).status == "en_attente"
    assert [d.action for d in db.history(proposal_id)] == ["proposee"]
    assert "expirée" in texts(mod, "info")


def test_accept_publishes_everywhere_with_its_origin(db):
    proposal_id, _ = propose(db)
    mod = moderator()
    open_proposal(mod, proposal_id)
    assert f"## {TITLE}" in texts(mod)  # previewed as the public fiche
    mod.multiselect(key="m_themes").set_value(["vivre-ensemble", "budget-participatif"]).run()
    mod.button(key="m-accepter").click().run()
    assert "publiée" in texts(mod, "success")
    record = db.get(proposal_id)
    assert record.status == "publiee" and record.payload["fiche_id"] == "jardins-partages-a-vierzon"
    st.cache_resource.clear()  # not waiting for the 2 s version check
    fiches = app("fiches", fiche="jardins-partages-a-vierzon")
    assert "14 actions sur 14" in texts(fiches)
    assert "Proposée en ligne, publiée le" in texts(fiches, "caption")
    assert "**Vierzon** — à la commune" in texts(fiches)
    themed = app("carte", theme="budget-participatif")
    assert any(TITLE in b.label for b in themed.button)
    history = [d.action for d in db.history(proposal_id)]
    assert history == ["proposee", "accepter"]
    assert db.history(proposal_id)[-1].moderator == "Alice"


def test_unpublish(db):
    proposal_id, _ = propose(db)
    mod = moderator()
    open_proposal(mod, proposal_id)
    mod.button(key="m-accepter").click().run()
    open_proposal(mod, proposal_id, "publiee")
    mod.button(key="m-retirer").click().run()
    assert db.get(proposal_id).status == "retiree"
    st.cache_resource.clear()
    assert "13 actions sur 13" in texts(app("fiches"))


def test_two_moderators_on_one_proposal_the_second_is_told(db):
    proposal_id, _ = propose(db)
    alice, bob = moderator("Alice"), moderator("Bob")
    open_proposal(alice, proposal_id)
    open_proposal(bob, proposal_id)
    alice.button(key="m-accepter").click().run()
    bob.text_area(key="m_message").input("Doublon.")  # sent with the click, from the old page
    bob.button(key="m-refuser").click().run()
    assert "Une autre personne a agi" in texts(bob, "error")
    assert db.get(proposal_id).status == "publiee"
    assert [d.moderator for d in db.history(proposal_id)] == ["", "Alice"]


@pytest.mark.parametrize("page", sorted(p.stem for p in (paths.ROOT / "pages").glob("*.py")))
def test_every_page_runs_with_an_accepted_fiche(db, page):
    proposal_id, _ = propose(db)
    mod = moderator()
    open_proposal(mod, proposal_id)
    mod.button(key="m-accepter").click().run()
    st.cache_resource.clear()
    at = app(page, fiche="jardins-partages-a-vierzon", recueil="propositions-en-ligne")
    assert not at.exception, page


def test_the_queue_lists_fifty_at_a_time_with_the_counts(db):
    for i in range(QUEUE_PAGE + 1):
        db.submit({"titre": f"Proposition {i}"}, "a@exemple.fr", session=f"s{i}")
    at = moderator()
    buttons = [b.label for b in at.button if b.label.startswith("n° ")]
    assert len(buttons) == QUEUE_PAGE and buttons[0].startswith("n° 1 — Proposition 0")
    assert any(f"sur {QUEUE_PAGE + 1}" in c.value for c in at.caption)
    assert f"{QUEUE_PAGE + 1} propositions" in at.radio[0].proto.captions
    next(b for b in at.button if b.label == f"Afficher {QUEUE_PAGE} de plus").click().run()
    assert len([b for b in at.button if b.label.startswith("n° ")]) == QUEUE_PAGE + 1
