"""The contributions' tables and the one API over them (:class:`Store`).

Payloads are opaque JSON objects here (their shape belongs to ``fiches.contrib.proposal``).
Every method is one transaction; connection failures become
:class:`fiches.contrib.db.DatabaseUnavailable`, whose text is for the person.

Tokens: the private links carry random tokens (``secrets.token_urlsafe``); the database keeps
only their SHA-256, so reading it does not open anyone's draft or follow-up page. The
follow-up token of a proposal sent from a draft is *derived* from the draft token (an HMAC
keyed by it), never stored: whoever holds the draft link can get the receipt back
(:meth:`Store.proposal_of_draft`) after a lost answer, and sending the same draft twice
returns the first proposal instead of a second one.

Decisions: ``moderator == ""`` marks the contributor's own actions (``proposee`` when sent,
``modifiee`` when sent again after « modifications demandées »).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fiches.contrib.db import UNAVAILABLE_ERRORS, WRITE_OPTION, DatabaseUnavailable

STATUSES = ("en_attente", "modifications_demandees", "publiee", "refusee", "retiree")
ACTIONS = ("accepter", "demander_modifications", "refuser", "retirer", "corriger")
CONTRIBUTOR_ACTIONS = ("proposee", "modifiee")

# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accepter": (frozenset({"en_attente", "modifications_demandees", "retiree"}), "publiee"),
    "demander_modifications": (
        frozenset({"en_attente", "modifications_demandees"}),
        "modifications_demandees",
    ),
    "refuser": (frozenset({"en_attente", "modifications_demandees"}), "refusee"),
    "retirer": (frozenset({"publiee"}), "retiree"),
    "corriger": (
        frozenset({"en_attente", "modifications_demandees", "publiee", "retiree"}),
        None,
    ),
}
MESSAGE_REQUIRED = {
    "refuser": "Indiquez la raison du refus : elle sera montrée à la personne qui propose.",
    "demander_modifications": (
        "Indiquez les modifications demandées : elles seront montrées à la personne qui propose."
    ),
}
STATUS_LABELS = {
    "en_attente": "en attente de modération",
    "modifications_demandees": "modifications demandées",
    "publiee": "publiée",
    "refusee": "refusée",
    "retiree": "retirée",
}
REFUSED_TRANSITION = {
    "accepter": "Impossible d'accepter une proposition {status}.",
    "demander_modifications": (
        "Impossible de demander des modifications sur une proposition {status}."
    ),
    "refuser": "Impossible de refuser une proposition {status}.",
    "retirer": "Impossible de retirer une proposition {status}.",
    "corriger": "Impossible de corriger une proposition {status}.",
}

MAX_SUBMISSIONS_PER_HOUR = 20
REFUSED_EMAIL_DAYS = 90
DRAFT_DAYS = 30
LOGIN_ATTEMPT_DAYS = 1
DEFAULT_MODERATOR = "modération"
_FOLLOW_KEY = b"fiches/suivi/v1"


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive, in UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("email", sa.String(320), nullable=False, server_default=""),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("follow_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("session_hash", sa.String(64), nullable=False),
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("published_at", UTCDateTime, nullable=True),
    sa.Index("ix_proposals_status_created", "status", "created_at"),
    sa.Index("ix_proposals_session_created", "session_hash", "created_at"),
)
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "proposal_id",
        sa.Integer,
        sa.ForeignKey("proposals.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("moderator", sa.String(200), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Index("ix_decisions_proposal", "proposal_id", "id"),
)
drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column(
        "proposal_id",
        sa.Integer,
        sa.ForeignKey("proposals.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Index("ix_drafts_updated", "updated_at"),
)
login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index("ix_login_attempts_key_at", "key_hash", "at"),
)
# One row (id 1): bumped in the same transaction as any change to what is published.
state = sa.Table(
    "state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("instance", sa.String(32), nullable=False),
    sa.Column("published_counter", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class ProposalRecord:
    id: int
    status: str
    payload: dict
    email: str
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    message: str  # the moderators' last message to the contributor ("" if none)


@dataclass(frozen=True)
class Decision:
    at: datetime
    moderator: str  # "" for the contributor's own actions
    action: str
    message: str
    changes: dict  # {top-level key: [before, after]}


class Conflict(Exception):
    """Someone else acted on the proposal since it was read (its version moved)."""

    def __init__(
        self,
        text: str = (
            "Une autre personne a agi sur cette proposition entre-temps : "
            "rien n'a été enregistré. Rechargez-la pour voir son état actuel."
        ),
    ) -> None:
        super().__init__(text)


class RateLimited(Exception):
    def __init__(self) -> None:
        super().__init__(
            f"Vous avez déjà envoyé {MAX_SUBMISSIONS_PER_HOUR} propositions depuis une heure : "
            "réessayez un peu plus tard. Votre texte est conservé."
        )


class NotFound(LookupError):
    def __init__(self) -> None:
        super().__init__("Cette proposition est introuvable : le lien est peut-être incomplet.")


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a private token or key: the only form the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def follow_token_of_draft(draft_token: str) -> str:
    """The follow-up token of a proposal sent from this draft (HMAC keyed by the draft token)."""
    digest = hmac.new(draft_token.encode("utf-8"), _FOLLOW_KEY, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """``{key: [before, after]}`` for every top-level key whose value differs."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _checked(payload: Mapping[str, Any]) -> dict:
    """``payload`` as a dict, or TypeError/ValueError (one behaviour on every driver)."""
    if not isinstance(payload, Mapping):
        raise TypeError(f"payload must be a mapping, not {type(payload).__name__}")
    json.dumps(payload, allow_nan=False)
    return dict(payload)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _record(row: sa.Row) -> ProposalRecord:
    return ProposalRecord(
        id=row.id,
        status=row.status,
        payload=dict(row.payload),
        email=row.email,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        published_at=row.published_at,
        message=row.message,
    )


def _lock_key(hex_digest: str) -> int:
    return int.from_bytes(bytes.fromhex(hex_digest)[:8], "big", signed=True)


class Store:
    """Drafts, proposals, moderation decisions and login attempts, in one database.

    ``clock`` returns the current UTC time (tests move it to check hourly and daily limits).
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.engine = engine
        self._clock = clock

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailable(str(exc)) from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailable(str(exc)) from exc

    # -- drafts -------------------------------------------------------------------------

    def save_draft(self, token: str | None, payload: dict) -> str:
        """Keep what is typed; returns the draft's token.

        A new token is made when ``token`` is None, unknown (a purged draft, a mistyped
        link) or belongs to a draft already sent: a sent draft is never changed, so the
        caller must keep the token returned.
        """
        payload = _checked(payload)
        now = self._clock()
        with self._write() as conn:
            if token is not None:
                updated = conn.execute(
                    drafts.update()
                    .where(drafts.c.token_hash == token_hash(token))
                    .where(drafts.c.proposal_id.is_(None))
                    .values(payload=payload, updated_at=now)
                )
                if updated.rowcount == 1:
                    return token
            token = secrets.token_urlsafe(32)
            conn.execute(
                drafts.insert().values(
                    token_hash=token_hash(token), payload=payload, updated_at=now
                )
            )
            return token

    def load_draft(self, token: str) -> dict | None:
        with self._read() as conn:
            payload = conn.execute(
                sa.select(drafts.c.payload).where(drafts.c.token_hash == token_hash(token))
            ).scalar_one_or_none()
        return None if payload is None else dict(payload)

    def proposal_of_draft(self, token: str) -> tuple[int, str] | None:
        """``(proposal id, follow-up token)`` if this draft was sent, else None."""
        with self._read() as conn:
            proposal_id = conn.execute(
                sa.select(drafts.c.proposal_id).where(drafts.c.token_hash == token_hash(token))
            ).scalar_one_or_none()
        return None if proposal_id is None else (proposal_id, follow_token_of_draft(token))

    # -- the contributor ----------------------------------------------------------------

    def submit(
        self, payload: dict, email: str, *, session: str, draft_token: str | None = None
    ) -> tuple[int, str]:
        """Store a proposal (en attente) and its first history line; ``(id, follow token)``.

        One transaction. Sending the same draft again returns the first proposal (a lost
        receipt, a double click). Beyond :data:`MAX_SUBMISSIONS_PER_HOUR` per ``session``
        in the last hour: :class:`RateLimited`.
        """
        payload = _checked(payload)
        now = self._clock()
        follow = follow_token_of_draft(draft_token) if draft_token else secrets.token_urlsafe(32)
        session_key = token_hash(session)
        with self._write() as conn:
            if draft_token and conn.dialect.name == "postgresql":
                # two tabs sending one draft: the second waits, then finds the first's row
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": _lock_key(token_hash(follow))},
                )
            if draft_token:
                existing = conn.execute(
                    sa.select(proposals.c.id).where(proposals.c.follow_hash == token_hash(follow))
                ).scalar_one_or_none()
                if existing is not None:
                    return existing, follow
            if conn.dialect.name == "postgresql":
                # SQLite's BEGIN IMMEDIATE already serialises writers: the count is exact.
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(session_key)}
                )
            recent = conn.execute(
                sa.select(sa.func.count())
                .select_from(proposals)
                .where(proposals.c.session_hash == session_key)
                .where(proposals.c.created_at > now - timedelta(hours=1))
            ).scalar_one()
            if recent >= MAX_SUBMISSIONS_PER_HOUR:
                raise RateLimited
            proposal_id = conn.execute(
                proposals.insert().values(
                    status="en_attente",
                    payload=payload,
                    email=email,
                    version=1,
                    follow_hash=token_hash(follow),
                    session_hash=session_key,
                    message="",
                    created_at=now,
                    updated_at=now,
                    published_at=None,
                )
            ).inserted_primary_key[0]
            self._log(conn, proposal_id, now, "", "proposee", "", {})
            if draft_token:
                linked = conn.execute(
                    drafts.update()
                    .where(drafts.c.token_hash == token_hash(draft_token))
                    .values(payload=payload, updated_at=now, proposal_id=proposal_id)
                )
                if linked.rowcount == 0:  # never saved, or purged: keep the way back anyway
                    conn.execute(
                        drafts.insert().values(
                            token_hash=token_hash(draft_token),
                            payload=payload,
                            updated_at=now,
                            proposal_id=proposal_id,
                        )
                    )
        return proposal_id, follow

    def by_follow_token(self, token: str) -> ProposalRecord | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(proposals).where(proposals.c.follow_hash == token_hash(token))
            ).first()
        return None if row is None else _record(row)

    def resubmit(self, token: str, payload: dict, *, seen_version: int) -> ProposalRecord:
        """The contributor's new text after « modifications demandées »: back to en attente."""
        payload = _checked(payload)
        now = self._clock()
        with self._write() as conn:
            row = conn.execute(
                sa.select(proposals).where(proposals.c.follow_hash == token_hash(token))
            ).first()
            if row is None:
                raise NotFound
            if row.version != seen_version:
                raise Conflict(
                    "Cette proposition a changé depuis l'ouverture de la page : "
                    "rien n'a été enregistré. Rechargez la page pour voir son état actuel."
                )
            if row.status != "modifications_demandees":
                raise ValueError(
                    "Cette proposition ne peut plus être modifiée : elle est "
                    f"{STATUS_LABELS[row.status]}."
                )
            self._update(conn, row.id, seen_version, status="en_attente", payload=payload, at=now)
            changes = changes_between(row.payload, payload)
            self._log(conn, row.id, now, "", "modifiee", "", changes)
            return _record(self._row(conn, row.id))

    # -- moderation ---------------------------------------------------------------------

    def queue(
        self, statuses: Sequence[str] | None = None, *, limit: int | None = None
    ) -> list[ProposalRecord]:
        """Proposals in ``statuses`` (None: every status), oldest first; the first
        ``limit`` of them when given."""
        query = sa.select(proposals).order_by(proposals.c.created_at, proposals.c.id)
        if statuses is not None:
            unknown = set(statuses) - set(STATUSES)
            if unknown:
                raise ValueError(f"unknown statuses: {sorted(unknown)}")
            query = query.where(proposals.c.status.in_(list(statuses)))
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [_record(row) for row in conn.execute(query)]

    def status_counts(self) -> dict[str, int]:
        """How many proposals are in each status (every status, 0 included)."""
        query = sa.select(proposals.c.status, sa.func.count()).group_by(proposals.c.status)
        with self._read() as conn:
            found = dict(conn.execute(query).all())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def get(self, proposal_id: int) -> ProposalRecord | None:
        with self._read() as conn:
            row = conn.execute(sa.select(proposals).where(proposals.c.id == proposal_id)).first()
        return None if row is None else _record(row)

    def decide(
        self,
        proposal_id: int,
        *,
        seen_version: int,
        action: str,
        moderator: str,
        message: str = "",
        payload: dict | None = None,
    ) -> ProposalRecord:
        """Apply a moderator's decision, with corrections when ``payload`` is given.

        :class:`Conflict` if the proposal's version is no longer ``seen_version`` (someone
        acted first: nothing is written); ``ValueError`` (French) for a transition that
        :data:`TRANSITIONS` does not allow or a missing reason. Every decision but
        « corriger » replaces the message shown to the contributor.
        """
        if action not in TRANSITIONS:
            raise ValueError(f"unknown action: {action!r}")
        message = message.strip()
        if action in MESSAGE_REQUIRED and not message:
            raise ValueError(MESSAGE_REQUIRED[action])
        if action == "corriger" and payload is None:
            raise ValueError("Aucune correction à enregistrer.")
        if payload is not None:
            payload = _checked(payload)
        moderator = moderator.strip() or DEFAULT_MODERATOR
        now = self._clock()
        with self._write() as conn:
            row = conn.execute(sa.select(proposals).where(proposals.c.id == proposal_id)).first()
            if row is None:
                raise NotFound
            if row.version != seen_version:
                raise Conflict
            allowed_from, target = TRANSITIONS[action]
            if row.status not in allowed_from:
                raise ValueError(
                    REFUSED_TRANSITION[action].format(status=STATUS_LABELS[row.status])
                )
            new_status = target or row.status
            new_payload = row.payload if payload is None else payload
            changes = changes_between(row.payload, new_payload)
            values: dict[str, Any] = {"status": new_status, "payload": new_payload, "at": now}
            if action == "accepter":
                values["published_at"] = now
            if action != "corriger":
                values["message"] = message
            self._update(conn, proposal_id, seen_version, **values)
            self._log(conn, proposal_id, now, moderator, action, message, changes)
            was_public, is_public = row.status == "publiee", new_status == "publiee"
            if (was_public or is_public) and (was_public != is_public or changes):
                conn.execute(
                    state.update()
                    .where(state.c.id == 1)
                    .values(published_counter=state.c.published_counter + 1)
                )
            return _record(self._row(conn, proposal_id))

    def history(self, proposal_id: int) -> list[Decision]:
        """Every action on the proposal, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(decisions)
                .where(decisions.c.proposal_id == proposal_id)
                .order_by(decisions.c.id)
            ).all()
        return [
            Decision(
                at=r.at,
                moderator=r.moderator,
                action=r.action,
                message=r.message,
                changes=dict(r.changes),
            )
            for r in rows
        ]

    # -- what the site shows ------------------------------------------------------------

    def published(self) -> list[ProposalRecord]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(proposals)
                .where(proposals.c.status == "publiee")
                .order_by(proposals.c.published_at, proposals.c.id)
            ).all()
        return [_record(row) for row in rows]

    def published_version(self) -> str:
        """Changes whenever the published set or a published payload changes (one query)."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(state.c.instance, state.c.published_counter).where(state.c.id == 1)
            ).one()
        return f"{row.instance}-{row.published_counter}"

    # -- login throttling ---------------------------------------------------------------

    def failed_login(self, key: str) -> None:
        """Record a failed attempt for ``key`` (a session id, a client address: hashed)."""
        with self._write() as conn:
            conn.execute(login_attempts.insert().values(key_hash=token_hash(key), at=self._clock()))

    def failed_logins(self, key: str, *, seconds: int = 60) -> int:
        since = self._clock() - timedelta(seconds=seconds)
        with self._read() as conn:
            return conn.execute(
                sa.select(sa.func.count())
                .select_from(login_attempts)
                .where(login_attempts.c.key_hash == token_hash(key))
                .where(login_attempts.c.at > since)
            ).scalar_one()

    # -- retention ----------------------------------------------------------------------

    def purge(self, now: datetime | None = None) -> dict[str, int]:
        """Apply the retention rules; the counts of what was erased.

        ``emails``: e-mails of proposals refused more than 90 days ago; ``drafts``: drafts
        untouched for 30 days; ``login_attempts``: attempts older than a day.
        """
        now = now or self._clock()
        with self._write() as conn:
            emails = conn.execute(
                proposals.update()
                .where(proposals.c.status == "refusee")
                .where(proposals.c.updated_at < now - timedelta(days=REFUSED_EMAIL_DAYS))
                .where(proposals.c.email != "")
                .values(email="")
            ).rowcount
            old_drafts = conn.execute(
                drafts.delete().where(drafts.c.updated_at < now - timedelta(days=DRAFT_DAYS))
            ).rowcount
            attempts = conn.execute(
                login_attempts.delete().where(
                    login_attempts.c.at < now - timedelta(days=LOGIN_ATTEMPT_DAYS)
                )
            ).rowcount
        return {"emails": emails, "drafts": old_drafts, "login_attempts": attempts}

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _row(conn: Connection, proposal_id: int) -> sa.Row:
        return conn.execute(sa.select(proposals).where(proposals.c.id == proposal_id)).one()

    @staticmethod
    def _update(conn: Connection, proposal_id: int, seen_version: int, **values: Any) -> None:
        values["updated_at"] = values.pop("at")
        result = conn.execute(
            proposals.update()
            .where(proposals.c.id == proposal_id)
            .where(proposals.c.version == seen_version)
            .values(version=proposals.c.version + 1, **values)
        )
        if result.rowcount != 1:  # another server committed between our read and write
            raise Conflict

    @staticmethod
    def _log(
        conn: Connection,
        proposal_id: int,
        at: datetime,
        moderator: str,
        action: str,
        message: str,
        changes: dict,
    ) -> None:
        conn.execute(
            decisions.insert().values(
                proposal_id=proposal_id,
                at=at,
                moderator=moderator,
                action=action,
                message=message,
                changes=changes,
            )
        )
