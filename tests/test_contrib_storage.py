"""The contributions' storage, against SQLite (a temporary file) and PostgreSQL (tests/pg.py).

Every test that takes ``store`` runs on both; without PostgreSQL they fail, never skip.
Real databases only: failures are injected with SQLAlchemy events on a real engine.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from fiches import paths
from fiches.contrib import auth, db
from fiches.contrib.storage import (
    MAX_SUBMISSIONS_PER_HOUR,
    STATUSES,
    TRANSITIONS,
    Conflict,
    RateLimited,
    Store,
    metadata,
    token_hash,
)
from tests import pg

BACKENDS = ["sqlite", "postgresql"]
PAYLOAD = {"titre": "Jardins partagés", "quoi": "Un jardin au pied des immeubles."}


class Clock:
    """A settable UTC clock: hourly and daily limits without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def at_once(action, count: int = 4) -> list:
    """``action(i)`` for i in range(count), in threads released together: each result, or
    the exception it raised, in the order of i."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = action(i)
        except BaseException as exc:  # returned to the test, which asserts on it
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def raised(outcomes: list) -> list[BaseException]:
    return [o for o in outcomes if isinstance(o, BaseException)]


@pytest.fixture(scope="module", params=BACKENDS)
def db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('contrib') / 'fiches.sqlite'}"
    else:
        with pg.fresh_database() as url:
            yield url


@pytest.fixture(scope="module")
def engine(db_url):
    engine = db.make_engine(db_url)
    db.migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(engine, clock):
    with engine.begin() as conn:
        for table in ("decisions", "drafts", "proposals", "login_attempts"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    return Store(engine, clock=clock)


def raw_rows(engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {table}"))]


def count(engine, table: str) -> int:
    return len(raw_rows(engine, table))


def submitted(store: Store, session: str = "session-a", **payload) -> tuple[int, int]:
    proposal_id, _ = store.submit({**PAYLOAD, **payload}, "anne@example.org", session=session)
    return proposal_id, 1


def in_status(store: Store, status: str) -> tuple[int, int]:
    """A proposal brought to ``status`` through the allowed actions; (id, version)."""
    proposal_id, version = submitted(store)
    path = {
        "en_attente": [],
        "modifications_demandees": ["demander_modifications"],
        "publiee": ["accepter"],
        "refusee": ["refuser"],
        "retiree": ["accepter", "retirer"],
    }[status]
    for action in path:
        version = store.decide(
            proposal_id, seen_version=version, action=action, moderator="Mo", message="raison"
        ).version
    return proposal_id, version


# -- migrations ---------------------------------------------------------------------------


def test_migrate_is_idempotent_and_matches_the_tables(engine):
    db.migrate(engine)
    db.migrate(engine)
    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
        # the hand-written migrations build exactly the tables storage.py declares
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    assert count(engine, "state") == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_servers_starting_together_migrate_once(backend, tmp_path):
    def race(url: str) -> None:
        engines = [db.make_engine(url) for _ in range(4)]
        assert raised(at_once(lambda i: db.migrate(engines[i]), len(engines))) == []
        assert count(engines[0], "state") == 1
        assert Store(engines[0]).published_version().endswith("-0")
        for e in engines:
            e.dispose()

    if backend == "sqlite":
        race(f"sqlite:///{tmp_path / 'race.sqlite'}")
    else:
        with pg.fresh_database("fiches_race") as url:
            race(url)


# -- drafts -------------------------------------------------------------------------------


def test_drafts_are_kept_and_reopened_by_a_token_stored_only_hashed(store, engine, clock):
    token = store.save_draft(None, {"titre": "Premier jet"})
    assert len(token) >= 40
    assert store.load_draft(token) == {"titre": "Premier jet"}
    clock.advance(minutes=1)
    assert store.save_draft(token, {"titre": "Deuxième jet"}) == token
    assert store.load_draft(token) == {"titre": "Deuxième jet"}
    assert count(engine, "drafts") == 1

    stored = repr(raw_rows(engine, "drafts"))
    assert token not in stored
    assert token_hash(token) in stored

    assert store.load_draft("inconnu") is None
    other = store.save_draft("inconnu", {"titre": "x"})  # a purged or mistyped link
    assert other != "inconnu"
    assert store.load_draft(other) == {"titre": "x"}
    assert store.load_draft("inconnu") is None


def test_a_sent_draft_gives_its_receipt_back_and_is_not_sent_twice(store, engine):
    token = store.save_draft(None, PAYLOAD)
    assert store.proposal_of_draft(token) is None
    proposal_id, follow = store.submit(PAYLOAD, "a@b.fr", session="s", draft_token=token)
    # the server was killed before the receipt was shown: the draft link brings it back
    assert store.proposal_of_draft(token) == (proposal_id, follow)
    assert store.by_follow_token(follow).id == proposal_id
    # sending again (reload, double click) does not make a second proposal
    assert store.submit(PAYLOAD, "a@b.fr", session="s", draft_token=token) == (proposal_id, follow)
    assert count(engine, "proposals") == 1
    # the sent draft is frozen: typing on starts a new draft
    new = store.save_draft(token, {**PAYLOAD, "titre": "Autre"})
    assert new != token
    assert store.load_draft(token) == PAYLOAD
    # neither token is in the database
    stored = repr(raw_rows(engine, "drafts") + raw_rows(engine, "proposals"))
    assert token not in stored and follow not in stored


def test_one_draft_sent_from_several_tabs_at_once_makes_one_proposal(store, engine):
    token = store.save_draft(None, PAYLOAD)
    url = engine.url.render_as_string(hide_password=False)
    tabs = [Store(db.make_engine(url)) for _ in range(4)]  # each its own session
    receipts = at_once(
        lambda i: tabs[i].submit(PAYLOAD, "a@b.fr", session=f"tab{i}", draft_token=token),
        len(tabs),
    )
    for tab in tabs:
        tab.engine.dispose()
    assert raised(receipts) == []
    assert len(set(receipts)) == 1 and len(receipts) == len(tabs)
    assert count(engine, "proposals") == 1


def test_a_draft_never_saved_still_links_its_proposal(store):
    proposal_id, follow = store.submit(PAYLOAD, "a@b.fr", session="s", draft_token="t" * 43)
    assert store.proposal_of_draft("t" * 43) == (proposal_id, follow)


# -- submit -------------------------------------------------------------------------------


def test_submit_stores_a_pending_proposal_and_its_first_history_line(store, clock):
    proposal_id, follow = store.submit(PAYLOAD, "anne@example.org", session="s")
    record = store.by_follow_token(follow)
    assert (record.id, record.status, record.version) == (proposal_id, "en_attente", 1)
    assert record.payload == PAYLOAD and record.email == "anne@example.org"
    assert record.created_at == record.updated_at == clock.now
    assert record.created_at.tzinfo is not None and record.created_at.utcoffset() == timedelta(0)
    assert record.published_at is None and record.message == ""
    [line] = store.history(proposal_id)
    assert (line.action, line.moderator, line.changes, line.at) == ("proposee", "", {}, clock.now)
    assert store.by_follow_token("faux") is None


def test_a_failure_mid_submit_leaves_nothing(store, engine):
    draft = store.save_draft(None, PAYLOAD)

    def fail_on_history(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO DECISIONS"):
            raise RuntimeError("server killed between the two inserts")

    sa.event.listen(engine, "before_cursor_execute", fail_on_history)
    try:
        with pytest.raises(RuntimeError):
            store.submit(PAYLOAD, "a@b.fr", session="s", draft_token=draft)
    finally:
        sa.event.remove(engine, "before_cursor_execute", fail_on_history)
    assert count(engine, "proposals") == 0
    assert count(engine, "decisions") == 0
    assert store.proposal_of_draft(draft) is None
    assert store.load_draft(draft) == PAYLOAD  # the text is still there

    with pytest.raises(TypeError):  # not JSON: refused before anything is kept
        store.submit({"titre": object()}, "a@b.fr", session="s")
    assert count(engine, "proposals") == 0


def test_at_most_twenty_submissions_an_hour_per_session(store, clock):
    for _ in range(MAX_SUBMISSIONS_PER_HOUR):
        store.submit(PAYLOAD, "a@b.fr", session="bot")
        clock.advance(seconds=10)
    with pytest.raises(RateLimited) as refused:
        store.submit(PAYLOAD, "a@b.fr", session="bot")
    assert "20 propositions depuis une heure" in str(refused.value)
    store.submit(PAYLOAD, "a@b.fr", session="someone-else")
    clock.advance(seconds=3600 - 200 + 5)  # only the first one is now more than an hour old
    store.submit(PAYLOAD, "a@b.fr", session="bot")
    with pytest.raises(RateLimited):
        store.submit(PAYLOAD, "a@b.fr", session="bot")


# -- moderation ---------------------------------------------------------------------------

ALLOWED = {(status, action) for action, (froms, _) in TRANSITIONS.items() for status in froms}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_transitions(store, status, action):
    proposal_id, version = in_status(store, status)
    payload = {**PAYLOAD, "quoi": "Corrigé."}

    def decide():
        return store.decide(
            proposal_id,
            seen_version=version,
            action=action,
            moderator="Mo",
            message="parce que",
            payload=payload,
        )

    if (status, action) not in ALLOWED:
        with pytest.raises(ValueError, match=r"^Impossible d"):
            decide()
        assert store.get(proposal_id).version == version
        return
    after = decide()
    assert after.status == (TRANSITIONS[action][1] or status)
    assert after.version == version + 1
    assert after.payload == payload
    assert (after.published_at is not None) == (after.status in ("publiee", "retiree"))


@pytest.mark.parametrize(
    ("action", "status"),
    [("accepter", "en_attente"), ("retirer", "publiee"), ("refuser", "en_attente")],
)
def test_french_words_of_a_refused_transition(store, action, status):
    if action == "refuser":
        proposal_id, version = in_status(store, "publiee")
        expected = "Impossible de refuser une proposition publiée."
    elif action == "retirer":
        proposal_id, version = in_status(store, "en_attente")
        expected = "Impossible de retirer une proposition en attente de modération."
    else:
        proposal_id, version = in_status(store, "refusee")
        expected = "Impossible d'accepter une proposition refusée."
    with pytest.raises(ValueError) as refused:
        store.decide(proposal_id, seen_version=version, action=action, moderator="Mo", message="m")
    assert str(refused.value) == expected


@pytest.mark.parametrize("action", ["refuser", "demander_modifications"])
def test_a_refusal_or_a_request_needs_a_message(store, action):
    proposal_id, version = submitted(store)
    with pytest.raises(ValueError, match="Indiquez"):
        store.decide(proposal_id, seen_version=version, action=action, moderator="Mo", message=" ")
    assert store.get(proposal_id).status == "en_attente"


def test_the_contributor_sees_the_request_and_sends_a_new_text(store, clock):
    proposal_id, follow = store.submit(PAYLOAD, "a@b.fr", session="s")
    clock.advance(hours=1)
    store.decide(
        proposal_id,
        seen_version=1,
        action="demander_modifications",
        moderator="Mo",
        message="Précisez la commune.",
    )
    seen = store.by_follow_token(follow)
    assert (seen.status, seen.message, seen.version) == (
        "modifications_demandees",
        "Précisez la commune.",
        2,
    )
    with pytest.raises(Conflict):
        store.resubmit(follow, PAYLOAD, seen_version=1)
    clock.advance(hours=1)
    again = store.resubmit(follow, {**PAYLOAD, "ou": "Tours"}, seen_version=2)
    assert (again.status, again.version) == ("en_attente", 3)
    assert again.payload["ou"] == "Tours"
    last = store.history(proposal_id)[-1]
    assert (last.action, last.moderator, last.changes) == ("modifiee", "", {"ou": [None, "Tours"]})
    with pytest.raises(ValueError, match="ne peut plus être modifiée"):
        store.resubmit(follow, PAYLOAD, seen_version=3)


def test_two_moderators_on_one_proposal_the_second_is_told(engine, store, clock):
    other = Store(db.make_engine(str(engine.url.render_as_string(hide_password=False))))
    try:
        proposal_id, version = submitted(store)
        first, second = store.get(proposal_id), other.get(proposal_id)
        assert first.version == second.version == version
        store.decide(proposal_id, seen_version=first.version, action="accepter", moderator="A")
        with pytest.raises(Conflict) as told:
            other.decide(
                proposal_id,
                seen_version=second.version,
                action="refuser",
                moderator="B",
                message="Hors sujet.",
            )
        assert "rien n'a été enregistré" in str(told.value)
        assert other.get(proposal_id).status == "publiee"
        assert [d.moderator for d in other.history(proposal_id)] == ["", "A"]
    finally:
        other.engine.dispose()


def test_two_moderators_at_the_same_instant_exactly_one_wins(engine, store):
    proposal_id, version = submitted(store)
    url = engine.url.render_as_string(hide_password=False)
    stores = [Store(db.make_engine(url)) for _ in range(4)]

    def act(index: int) -> str:
        stores[index].decide(
            proposal_id,
            seen_version=version,
            action="corriger",
            moderator=f"M{index}",
            payload={**PAYLOAD, "quoi": f"version {index}"},
        )
        return "won"

    outcomes = at_once(act, len(stores))
    for s in stores:
        s.engine.dispose()
    assert [o for o in raised(outcomes) if not isinstance(o, Conflict)] == []
    assert sorted("told" if isinstance(o, Conflict) else o for o in outcomes) == ["told"] * 3 + [
        "won"
    ]
    assert store.get(proposal_id).version == version + 1
    assert len(store.history(proposal_id)) == 2


def test_history_keeps_who_when_and_what_changed(store, clock):
    proposal_id, version = submitted(store, themes=["jardins"])
    clock.advance(days=1)
    corrected = {**PAYLOAD, "themes": ["jardins", "cadre-de-vie"], "annee": 2024}
    store.decide(
        proposal_id, seen_version=version, action="accepter", moderator="Zoé", payload=corrected
    )
    first, accepted = store.history(proposal_id)
    assert first.action == "proposee"
    assert accepted.at == clock.now and accepted.moderator == "Zoé"
    assert accepted.action == "accepter"
    assert accepted.changes == {
        "annee": [None, 2024],
        "themes": [["jardins"], ["jardins", "cadre-de-vie"]],
    }
    assert store.get(proposal_id).published_at == clock.now


def test_queue_and_published_are_in_order(store, clock):
    ids = []
    for _ in range(3):
        ids.append(submitted(store)[0])
        clock.advance(minutes=5)
    assert [p.id for p in store.queue()] == ids
    store.decide(ids[2], seen_version=1, action="accepter", moderator="Mo")
    clock.advance(minutes=5)
    store.decide(ids[0], seen_version=1, action="accepter", moderator="Mo")
    assert [p.id for p in store.queue(["en_attente"])] == [ids[1]]
    assert [p.id for p in store.published()] == [ids[2], ids[0]]
    assert [p.id for p in store.queue(["publiee"], limit=1)] == [ids[0]]  # the oldest
    assert store.status_counts() == dict.fromkeys(STATUSES, 0) | {"en_attente": 1, "publiee": 2}
    with pytest.raises(ValueError):
        store.queue(["publie"])


def test_published_version_follows_what_is_published_only(store):
    def moved(action) -> bool:
        before = store.published_version()
        action()
        return store.published_version() != before

    pending, _ = submitted(store)
    assert not moved(lambda: submitted(store))
    assert not moved(
        lambda: store.decide(
            pending, seen_version=1, action="corriger", moderator="M", payload={"titre": "x"}
        )
    )
    assert not moved(
        lambda: store.decide(
            pending, seen_version=2, action="demander_modifications", moderator="M", message="m"
        )
    )
    assert not moved(
        lambda: store.decide(pending, seen_version=3, action="refuser", moderator="M", message="m")
    )
    assert not moved(lambda: store.failed_login("k"))

    public, _ = submitted(store)
    assert moved(lambda: store.decide(public, seen_version=1, action="accepter", moderator="M"))
    assert moved(
        lambda: store.decide(
            public, seen_version=2, action="corriger", moderator="M", payload={"titre": "y"}
        )
    )
    assert not moved(  # same text: nothing the site shows has changed
        lambda: store.decide(
            public, seen_version=3, action="corriger", moderator="M", payload={"titre": "y"}
        )
    )
    assert moved(lambda: store.decide(public, seen_version=4, action="retirer", moderator="M"))
    assert moved(lambda: store.decide(public, seen_version=5, action="accepter", moderator="M"))


# -- login throttling and retention -------------------------------------------------------


def test_failed_logins_are_counted_per_key_over_the_last_minute(store, engine, clock):
    for _ in range(auth.MAX_FAILED_PER_MINUTE):
        store.failed_login("203.0.113.7")
        clock.advance(seconds=5)
    assert store.failed_logins("203.0.113.7") == 5
    assert auth.throttled(store, ["session-x", "203.0.113.7"])
    assert not auth.throttled(store, ["session-x"])
    assert "203.0.113.7" not in repr(raw_rows(engine, "login_attempts"))
    clock.advance(seconds=36)  # the first attempt is now 61 s old
    assert store.failed_logins("203.0.113.7") == 4
    assert not auth.throttled(store, ["203.0.113.7"])


def test_purge_erases_old_emails_drafts_and_attempts(store, clock):
    start = clock.now
    refused_old, v = submitted(store)
    store.decide(refused_old, seen_version=v, action="refuser", moderator="M", message="m")
    store.failed_login("k")
    old_draft = store.save_draft(None, {"titre": "vieux"})
    clock.advance(days=2)
    refused_recent, v = submitted(store)
    store.decide(refused_recent, seen_version=v, action="refuser", moderator="M", message="m")
    pending, _ = submitted(store)
    recent_draft = store.save_draft(None, {"titre": "récent"})
    store.failed_login("k")

    now = start + timedelta(days=91)
    assert store.purge(now) == {"emails": 1, "drafts": 2, "login_attempts": 2}
    assert store.get(refused_old).email == ""
    assert store.get(refused_recent).email == "anne@example.org"  # refused 89 days ago
    assert store.get(pending).email == "anne@example.org"
    assert store.load_draft(old_draft) is None and store.load_draft(recent_draft) is None

    fresh_at, fresh = clock.now, store.save_draft(None, {"titre": "neuf"})
    assert store.purge(fresh_at + timedelta(days=29))["drafts"] == 0
    assert store.load_draft(fresh) == {"titre": "neuf"}
    assert store.purge(fresh_at + timedelta(days=31)) == {
        "emails": 0,
        "drafts": 1,
        "login_attempts": 0,
    }
    assert store.purge(fresh_at + timedelta(days=91))["emails"] == 1


# -- opening the database -----------------------------------------------------------------


def test_an_unreachable_server_is_said_in_french():
    with pytest.raises(db.DatabaseUnavailable) as unreachable:
        db.open_store("postgresql://postgres@127.0.0.1:1/x")
    assert str(unreachable.value).startswith("La base de données est injoignable")
    assert unreachable.value.detail  # the driver's words, for the logs
    store = Store(db.make_engine("postgresql://postgres@127.0.0.1:1/x"))
    for call in (store.queue, store.published_version, lambda: store.save_draft(None, {})):
        with pytest.raises(db.DatabaseUnavailable):
            call()


def test_open_store_migrates_once_per_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'open.sqlite'}"
    first = db.open_store(url)
    assert db.open_store(url).engine is first.engine is db.engine_for(url)
    assert first.queue() == []


@pytest.mark.parametrize(
    ("env", "secrets", "expected"),
    [
        ({}, None, db.DEFAULT_URL),
        ({}, {}, db.DEFAULT_URL),
        ({"FICHES_DATABASE_URL": " "}, None, db.DEFAULT_URL),
        ({}, {"connections": {"sql": {"url": "postgresql://h/d"}}}, "postgresql://h/d"),
        (
            {"FICHES_DATABASE_URL": "sqlite:////tmp/a.sqlite"},
            {"connections": {"sql": {"url": "postgresql://h/d"}}},
            "sqlite:////tmp/a.sqlite",
        ),
        (
            {},
            {
                "connections": {
                    "sql": {
                        "dialect": "postgresql",
                        "driver": "psycopg",
                        "host": "db.example.org",
                        "port": 5433,
                        "database": "fiches",
                        "username": "centre",
                        "password": "p@ss",
                    }
                }
            },
            "postgresql+psycopg://centre:p%40ss@db.example.org:5433/fiches",
        ),
        ({}, {"moderation": {}}, db.DEFAULT_URL),
    ],
)
def test_database_url_order(env, secrets, expected):
    assert db.database_url(secrets, env=env) == expected


def test_urls_are_resolved_to_our_drivers_and_the_project_root():
    assert db.resolve_url(db.DEFAULT_URL).database == str(paths.ROOT / "var" / "fiches.sqlite")
    assert db.resolve_url("sqlite:////tmp/x.sqlite").database == "/tmp/x.sqlite"
    assert db.resolve_url("postgresql://h/d").drivername == "postgresql+psycopg"
    assert db.resolve_url("postgres://h/d").drivername == "postgresql+psycopg"
