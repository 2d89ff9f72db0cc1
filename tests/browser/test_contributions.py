"""Proposals in a real browser, on PostgreSQL: propose, moderate, publish to another
browser and another server; the follow-up link; a reload mid-typing; the sign-in throttle;
hostile text; a server killed during a submit; two moderators; accessibility."""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from fiches.contrib.auth import ENV_HASH, hash_password
from fiches.contrib.db import ENV_URL, open_store
from fiches.contrib.proposal import Porteur, Proposal
from fiches.map_data import SPREAD_RADIUS_DEG
from fiches.schema import SECTION_KEYS
from tests.browser.test_accessibility import drawn, violations
from tests.browser.test_promises import english_on, readme_english
from tests.helpers import (
    SCREENSHOTS,
    StreamlitServer,
    map_frame,
    script_runs,
    wait_for_map,
    wait_idle,
)
from tests.pg import fresh_database

pytestmark = pytest.mark.browser

PASSWORD = "jardin-2026"
TITLE = "Jardins partagés à Vierzon"
PWN = "window.__pwned = 1"  # no « | »: the list separator is refused in names
HOSTILE = f'<img src=x onerror="{PWN}"><script>{PWN}</script>'


# a published title cannot be proposed again: one per run of a test (pytest --count)
_RUN = itertools.count(1)


def unique(title: str) -> str:
    n = next(_RUN)
    return title if n == 1 else f"{title} ({n})"


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database("fiches_browser") as url:
        yield url


@pytest.fixture(scope="module")
def env(database) -> dict[str, str]:
    return {ENV_URL: database, ENV_HASH: hash_password(PASSWORD)}


@pytest.fixture(scope="module")
def servers(env) -> Iterator[tuple[StreamlitServer, StreamlitServer]]:
    """Two servers on the one database, started together (each takes seconds)."""
    with ThreadPoolExecutor(2) as pool:
        started = [pool.submit(StreamlitServer, env=env) for _ in range(2)]
        both = tuple(f.result() for f in started)
    yield both
    for server in both:
        server.stop()


@pytest.fixture(scope="module")
def site(servers) -> StreamlitServer:
    return servers[0]


@pytest.fixture(scope="module")
def store(site, database):
    return open_store(database)  # the server has migrated it


@pytest.fixture
def new_page(browser, browser_context_args, request):
    """Pages in their own browser contexts (other people, other browsers); each page's last
    view is kept in tests/screenshots/ for a failure's reader."""
    contexts = []

    def make():
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return context.new_page()

    yield make
    name = request.node.name.split("[")[0].removeprefix("test_")
    for i, context in enumerate(contexts):
        for page in context.pages:
            with contextlib.suppress(Exception):  # a closed page
                page.screenshot(path=SCREENSHOTS / f"contrib-{name}-{i}.png")
        context.close()


@pytest.fixture(scope="module")
def alice(browser, browser_context_args, site):
    """A moderator signed in once for the module (a page load would be a new session)."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    sign_in(page, site.url, "Alice")
    yield page
    with contextlib.suppress(Exception):
        page.screenshot(path=SCREENSHOTS / "contrib-alice.png")
    context.close()


def refresh(moderator) -> None:
    click(moderator, "Actualiser la liste")


def goto(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def box(page, name: str | re.Pattern):
    """A text field by its label (``get_by_label`` would also find its « Aide » button)."""
    return page.get_by_role("textbox", name=name, exact=isinstance(name, str))


def acted(page, action) -> None:
    """Do ``action`` and wait for the run it starts."""
    runs = script_runs(page)
    action()
    wait_idle(page, after=runs)


def committed(page, field) -> None:
    """Leave a text field (Streamlit then sends it) and wait for the run."""
    acted(page, lambda: field.press("Tab"))


def click(page, name: str | re.Pattern) -> None:
    acted(page, lambda: page.get_by_role("button", name=name).click())


def pick(page, label: str, option: str, *, several: bool = True) -> None:
    """Choose ``option`` in the list ``label`` (opened again if a run closed it); a
    multiselect is closed after (Escape would empty a selectbox)."""
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        page.get_by_role("combobox", name=label, exact=True).click()
        try:
            choice.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_idle(page)
    acted(page, choice.click)
    if several:
        page.keyboard.press("Escape")


def fill_form(page, title: str = TITLE, *, point: bool = False) -> None:
    """The required fields, typed one after the other as a person does (each field is
    sent when the next one takes the focus); the lists wait for the runs they need."""
    box(page, "Titre de l'action").fill(title)
    box(page, "Quoi ? Objet de l'action (obligatoire)").fill("Créer des jardins.")
    box(page, "Comment ? Description de l'action (obligatoire)").fill(
        "Avec les habitants.\n- 40 parcelles"
    )
    box(page, "Votre adresse électronique").fill("contact@exemple.fr")
    search = box(page, "Chercher une commune")
    search.fill("vierzon")
    acted(page, lambda: search.press("Enter"))
    pick(page, "Commune(s) de l'action", "Vierzon (18)")
    pick(page, "Thèmes (1 à 4)", "Vivre-ensemble et lien social")
    if point:
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        acted(page, lambda: frame.locator(".leaflet-container").click())
        page.get_by_text(re.compile(r"^Position indiquée : ")).wait_for()
        # the form's map names Leaflet's own buttons in French, as the dashboard's does
        assert frame.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoomer"
        toggle = frame.locator(".leaflet-control-layers-toggle")
        assert toggle.get_attribute("aria-label") == "Choisir le fond de carte"


def send(page, opened: float) -> None:
    # the form refuses what is sent less than 5 s after it was first drawn (simple bots):
    # ``opened`` is read once that run has ended, so never before the server's own clock
    page.wait_for_timeout(max(0, 5_300 - (time.monotonic() - opened) * 1000))
    click(page, "Envoyer la proposition")


def sign_in(page, base: str, name: str, password: str = PASSWORD) -> None:
    goto(page, base + "/moderation")
    box(page, "Votre nom (pour l'historique des décisions)").fill(name)
    page.get_by_label("Mot de passe de modération", exact=True).fill(password)
    click(page, "Entrer")


def open_proposal(page, proposal_id: int) -> None:
    click(page, re.compile(rf"^n° {proposal_id} — "))


def submitted(store, title: str, **changes) -> tuple[int, str]:
    sections = dict.fromkeys(SECTION_KEYS, "") | {"objet": "Objet.", "comment": "Comment."}
    proposal = Proposal(
        titre=title, sections=sections, themes=["vivre-ensemble"], communes=["37122"]
    )
    for key, value in changes.items():
        setattr(proposal, key, value)
    return store.submit(proposal.to_payload(), "a@exemple.fr", session=f"test-{title}")


def unlisted_english(page) -> list[str]:
    """English strings on the page that the README does not list (``test_promises``)."""
    listed = readme_english()
    return sorted(s for s in english_on(page) if not any(item in s for item in listed))


def points(page) -> int:
    frame = map_frame(page)
    frame.wait_for_function("window.FicheMap.drawn() && window.FicheMap.drawn().draws > 0")
    return frame.evaluate("window.FicheMap.drawn().points")


def pin_at(page, title: str) -> tuple[float, float]:
    """Where the map puts the pin of ``title`` (alone or in a group: earlier runs of the
    test placed theirs at the same point)."""
    frame = map_frame(page)
    find = """(title) => { let at = null;
      map.eachLayer((layer) => { if (layer instanceof L.MarkerClusterGroup) {
        layer.getLayers().forEach((m) => { if (m.options.title === title) {
          at = [m.getLatLng().lat, m.getLatLng().lng]; } }); } });
      return at; }"""
    frame.wait_for_function(find, arg=title)
    return tuple(frame.evaluate(find, title))


def test_propose_moderate_accept_then_on_the_map_of_another_browser(site, store, new_page, alice):
    title = unique(TITLE)
    visitor = new_page()
    goto(visitor, site.url + "/")
    wait_for_map(visitor)
    before = points(visitor)

    contributor = new_page()
    goto(contributor, site.url + "/proposer")
    opened = time.monotonic()  # after the run that drew the form (the server's clock starts)
    fill_form(contributor, title, point=True)
    send(contributor, opened)
    receipt = contributor.locator(".st-key-contrib-receipt")
    receipt.get_by_text(re.compile(r"^Proposition n° \d+ enregistrée")).wait_for()
    follow = receipt.get_by_role("link", name="Suivre ma proposition").get_attribute("href")
    proposal_id = int(re.search(r"n° (\d+)", receipt.inner_text()).group(1))

    moderator = alice
    refresh(moderator)
    open_proposal(moderator, proposal_id)
    preview = moderator.locator(f".st-key-preview-{proposal_id}")
    preview.get_by_role("heading", name=title).wait_for()
    assert "position indiquée par le contributeur" in preview.inner_text()
    click(moderator, "Accepter et publier")
    moderator.get_by_text("Proposition acceptée").wait_for()
    accepted = time.monotonic()

    while points(visitor) != before + 1:  # another browser: within 5 s, on a reload
        assert time.monotonic() - accepted < 5, "the accepted fiche is not on the map in 5 s"
        goto(visitor, site.url + "/")
        wait_for_map(visitor)
    record = store.get(proposal_id)
    fiche = record.payload["fiche_id"]
    goto(visitor, f"{site.url}/?fiche={fiche}")
    panel = visitor.locator(f".st-key-panel-carte-{fiche}")
    panel.get_by_role("heading", name=title).wait_for()
    assert "Proposée en ligne, publiée le" in panel.inner_text()
    assert "Vierzon — position indiquée par le contributeur" in panel.inner_text()
    # its pin where the contributor put it (the dataset rounds to about a metre); under
    # --count, the earlier runs' fiches share that point and all are drawn on a small
    # circle around it (``map_data.spread``)
    lat, lon = record.payload["point"]
    around = 1e-4 if title == TITLE else SPREAD_RADIUS_DEG / math.cos(math.radians(lat)) + 1e-4
    assert pin_at(visitor, title) == pytest.approx((lat, lon), abs=around)

    goto(contributor, follow)  # the follow-up link says so too
    assert "État : publiée" in contributor.locator(".stMain").inner_text()


def test_ask_for_changes_then_reject_through_the_follow_up_link(site, store, new_page, alice):
    proposal_id, follow = submitted(store, "Forum des voisins de la Rabière")
    moderator = alice
    refresh(moderator)
    open_proposal(moderator, proposal_id)
    box(moderator, re.compile("^Message à la personne qui propose")).fill("Précisez le quartier.")
    committed(moderator, box(moderator, re.compile("^Message à la personne")))
    click(moderator, "Demander des modifications")
    moderator.get_by_text("Modifications demandées : le message").wait_for()

    contributor = new_page()
    goto(contributor, f"{site.url}/proposer?suivi={follow}")
    main = contributor.locator(".stMain")
    assert "État : modifications demandées" in main.inner_text()
    assert "Précisez le quartier." in main.inner_text()
    lieu = box(contributor, "Quartier ou adresse (facultatif)")
    lieu.fill("Quartier de la Rabière")
    committed(contributor, lieu)
    click(contributor, "Renvoyer la proposition")
    contributor.get_by_text("Proposition renvoyée").wait_for()

    refresh(moderator)
    open_proposal(moderator, proposal_id)
    message = box(moderator, re.compile("^Message à la personne qui propose"))
    message.fill("Action déjà décrite dans la fiche de Joué-lès-Tours.")
    committed(moderator, message)
    click(moderator, "Refuser")
    goto(contributor, f"{site.url}/proposer?suivi={follow}")
    text = contributor.locator(".stMain").inner_text()
    assert "État : refusée" in text and "Action déjà décrite" in text
    assert "modifiée et renvoyée" in text  # the history


def test_a_reload_in_the_middle_of_typing_keeps_the_text(site, new_page):
    page = new_page()
    goto(page, site.url + "/proposer")
    title = box(page, "Titre de l'action")
    title.fill("Brouillon à garder")
    committed(page, title)  # the server has a draft: its private link is the address
    page.wait_for_url(re.compile(r"brouillon="))
    typing = box(page, "Pourquoi ? Problème à résoudre, contexte, objectifs")
    typing.click()
    page.keyboard.type("Tapé sans quitter le champ")  # never sent to the server
    page.reload()
    wait_idle(page)
    expect(box(page, "Pourquoi ? Problème à résoudre, contexte, objectifs")).to_have_value(
        "Tapé sans quitter le champ"
    )
    expect(box(page, "Titre de l'action")).to_have_value("Brouillon à garder")
    # the restore sends the text; the browser drops its copy once the server holds it
    token = page.url.split("brouillon=", 1)[1].split("&")[0]
    page.wait_for_function(
        "(key) => localStorage.getItem(key) === null", arg=f"fiches-brouillon:{token}"
    )
    other = new_page()  # sent to the server by the restore: the private link has it
    goto(other, page.url)
    # a field is drawn a moment before Streamlit gives it its value: awaited, not read once
    expect(box(other, "Pourquoi ? Problème à résoudre, contexte, objectifs")).to_have_value(
        "Tapé sans quitter le champ"
    )


def test_script_payloads_in_every_field_are_shown_as_text(site, store, new_page, alice):
    title = "Piège « guillemets » & co"
    sections = {k: f"{HOSTILE} rubrique {k}" for k in SECTION_KEYS}
    proposal_id, follow = submitted(
        store,
        title,
        sections=sections,
        bailleurs=[f"Bailleur {HOSTILE}"],
        porteurs=[Porteur(f"Porteur {HOSTILE}", "association")],
        periode=f"Période {HOSTILE}",
        lieu=f"Lieu {HOSTILE}",
        point=(47.394, 0.689),
        communes=["37261"],
    )
    # a title the form refuses (« < » and « > »), stored anyway: shown as text too
    _, hostile_follow = submitted(store, f"Titre {HOSTILE}")
    contributor = new_page()
    goto(contributor, f"{site.url}/proposer?suivi={hostile_follow}")
    assert f"Titre {HOSTILE}" in contributor.locator(".stMain").inner_text()
    goto(contributor, f"{site.url}/proposer?suivi={follow}")
    moderator = alice
    refresh(moderator)
    assert f"Titre {HOSTILE}" in moderator.locator(".stMain").inner_text()  # the queue
    open_proposal(moderator, proposal_id)
    click(moderator, "Accepter et publier")
    moderator.get_by_text("Proposition acceptée").wait_for()
    fiche = store.get(proposal_id).payload["fiche_id"]
    visitor = new_page()
    deadline = time.monotonic() + 10
    while True:  # published within seconds (the 2 s version check)
        goto(visitor, f"{site.url}/?fiche={fiche}")
        if visitor.locator(f".st-key-panel-carte-{fiche}").count():
            break
        assert time.monotonic() < deadline
    wait_for_map(visitor)
    for page in (contributor, moderator, visitor):
        text = page.locator(".stMain").inner_text()
        for shown in (title, f"Lieu {HOSTILE}", f"Porteur {HOSTILE}", f"{HOSTILE} rubrique docs"):
            assert shown in text, (page.url, shown)
        assert page.evaluate("window.__pwned") is None
        assert page.locator('.stMain img[src="x"]').count() == 0
    assert map_frame(visitor).evaluate("window.__pwned") is None


def test_two_moderators_one_wins_the_other_is_told(site, store, new_page, alice):
    proposal_id, _ = submitted(store, "Conseil citoyen de Tours")
    bob = new_page()
    sign_in(bob, site.url, "Bob")
    refresh(alice)
    open_proposal(alice, proposal_id)
    open_proposal(bob, proposal_id)
    message = box(bob, re.compile("^Message à la personne qui propose"))
    message.fill("Doublon.")
    committed(bob, message)
    click(alice, "Accepter et publier")
    alice.get_by_text("Proposition acceptée").wait_for()
    click(bob, "Refuser")  # from the page read before Alice's decision
    bob.get_by_text(re.compile("^Une autre personne a agi sur cette proposition")).wait_for()
    assert store.get(proposal_id).status == "publiee"
    assert [d.moderator for d in store.history(proposal_id)] == ["", "Alice"]


def test_accessibility_of_both_pages(site, store, new_page, alice):
    page = new_page()
    goto(page, site.url + "/proposer")
    drawn(page)
    found = {"proposer": violations(page.main_frame)}
    proposal_id, _ = submitted(store, "Fête des voisins")
    refresh(alice)
    open_proposal(alice, proposal_id)
    drawn(alice)
    found["moderation"] = violations(alice.main_frame)
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert found == {"proposer": [], "moderation": []}, found
    # French everywhere we can reach (as test_promises checks the other pages)
    assert unlisted_english(page) == unlisted_english(alice) == []


def test_a_second_server_on_the_database_then_killed_during_a_submit(
    servers, store, new_page, alice
):
    second = servers[1]
    # a fiche accepted on the first server (the alice fixture's)
    shared = unique("Repair café de la Rabière")
    proposal_id, _ = submitted(store, shared)
    refresh(alice)
    open_proposal(alice, proposal_id)
    click(alice, "Accepter et publier")
    alice.get_by_text("Proposition acceptée").wait_for()
    fiche = store.get(proposal_id).payload["fiche_id"]

    page = new_page()
    goto(page, second.url + "/proposer")
    opened = time.monotonic()  # after the run that drew the form (the server's clock starts)
    title = unique("Atelier vélo du quartier")
    fill_form(page, title)
    page.wait_for_url(re.compile(r"brouillon="))
    draft = page.url
    token = draft.split("brouillon=", 1)[1].split("&")[0]

    other = new_page()  # meanwhile: the fiche accepted on the first server is here too
    goto(other, f"{second.url}/?fiche={fiche}")
    other.locator(f".st-key-panel-carte-{fiche}").get_by_role("heading", name=shared).wait_for()

    page.wait_for_timeout(max(0, 5_300 - (time.monotonic() - opened) * 1000))
    page.get_by_role("button", name="Envoyer la proposition").click()
    second.stop(signal.SIGKILL)  # during the submit
    second.start()
    goto(page, draft)
    page.wait_for_function(
        "(title) => document.body.innerText.includes('enregistrée. Merci')"
        " || (document.querySelector('.st-key-p_titre input') || {}).value === title",
        arg=title,
    )
    sent = store.proposal_of_draft(token)
    text = page.locator(".stMain").inner_text()
    if sent:  # stored: the draft link gives the receipt back
        assert f"Proposition n° {sent[0]} enregistrée" in text
    else:  # not stored: the text is still there
        assert "enregistrée" not in text
        comment = box(page, "Comment ? Description de l'action (obligatoire)")
        expect(comment).to_have_value(re.compile("^Avec les habitants."))


# last: the failed attempts would slow every sign-in from this session for a minute
def test_six_wrong_passwords_are_slowed_in_french(site, new_page):
    page = new_page()
    goto(page, site.url + "/moderation")
    for attempt in range(6):
        page.get_by_label("Mot de passe de modération", exact=True).fill(f"faux-{attempt}")
        click(page, "Entrer")
    alert = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "Trop d'essais manqués" in alert and "attendez une minute" in alert
    assert unlisted_english(page) == []  # the sign-in form too
    page.get_by_label("Mot de passe de modération", exact=True).fill(PASSWORD)
    click(page, "Entrer")
    assert "Connecté" not in page.locator(".stMain").inner_text()
