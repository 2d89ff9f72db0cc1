"""Opening the contributions database: URL, engine, migrations.

Follows the conventions of Streamlit's ``st.connection("sql")`` (a ``[connections.sql]``
section in the secrets, with ``url`` or its parts) without importing Streamlit. The embedded
default is a SQLite file under ``var/`` so that ``make run`` needs no setup; a hosted
deployment names a PostgreSQL server (``FICHES_DATABASE_URL`` or the secrets).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

from fiches import paths

if TYPE_CHECKING:
    from fiches.contrib.storage import Store

ENV_URL = "FICHES_DATABASE_URL"
DEFAULT_URL = "sqlite:///var/fiches.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Any 64-bit constant of our own: PostgreSQL serialises every `migrate` holding it.
MIGRATION_LOCK_KEY = 0x46494348_45530001
SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
# Execution option read by the SQLite `begin` hook: this transaction will write.
WRITE_OPTION = "fiches_write"

UNAVAILABLE_TEXT = (
    "La base de données est injoignable pour le moment : réessayez dans quelques instants."
)


# What a lost or refused connection raises (a locked SQLite file too, after its timeout).
UNAVAILABLE_ERRORS = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
)


class DatabaseUnavailable(Exception):
    """The database cannot be reached (or stays locked); ``str()`` is for the person."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(UNAVAILABLE_TEXT)
        self.detail = detail  # the driver's text, for logs, never shown

    def __str__(self) -> str:
        return UNAVAILABLE_TEXT


def read_secrets(*files: Path) -> dict:
    """The secrets a command line sees, as Streamlit reads them for the app: the files in
    order (later ones win by top-level section), missing ones skipped. Default: the user's
    ``~/.streamlit/secrets.toml``, then the project's ``.streamlit/secrets.toml``."""
    import tomllib

    found: dict = {}
    for path in files or (Path.home() / ".streamlit" / "secrets.toml", paths.SECRETS):
        if path.is_file():
            try:
                found |= tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path} : fichier de secrets illisible ({exc})") from exc
    return found


def database_url(secrets: Mapping | None = None, env: Mapping[str, str] = os.environ) -> str:
    """The database to use: ``FICHES_DATABASE_URL`` > secrets ``[connections.sql]`` > default.

    The secrets section takes ``url``, or ``dialect`` (+ ``driver``), ``host``, ``port``,
    ``database``, ``username``, ``password`` and ``query`` as ``st.connection`` does.
    """
    if env.get(ENV_URL, "").strip():
        return env[ENV_URL].strip()
    section = _sql_section(secrets)
    if section.get("url"):
        return str(section["url"])
    if section.get("dialect"):
        driver = section.get("driver")
        drivername = f"{section['dialect']}+{driver}" if driver else str(section["dialect"])
        port = section.get("port")
        url = URL.create(
            drivername=drivername,
            username=section.get("username"),
            password=section.get("password"),
            host=section.get("host"),
            port=int(port) if port else None,
            database=section.get("database"),
            query=dict(section.get("query") or {}),
        )
        return url.render_as_string(hide_password=False)
    return DEFAULT_URL


def _sql_section(secrets: Mapping | None) -> Mapping[str, Any]:
    # st.secrets raises FileNotFoundError (its own subclass) when there is no secrets file.
    if secrets is None:
        return {}
    try:
        section = secrets["connections"]["sql"]
    except (KeyError, TypeError, FileNotFoundError):
        return {}
    return section if isinstance(section, Mapping) else {}


def resolve_url(url: str) -> URL:
    """The URL with our drivers and, for SQLite, a path relative to the project root.

    ``postgresql://`` (and ``postgres://``) use psycopg 3, the driver we install.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            if not path.is_absolute():
                path = paths.ROOT / path
            parsed = parsed.set(database=str(path))
    return parsed


def make_engine(url: str) -> sqlalchemy.Engine:
    """A new engine (not cached: tests use two on one database to act as two servers).

    SQLite: WAL journal, a busy timeout, foreign keys, and transactions that begin with
    ``BEGIN IMMEDIATE`` when they will write (so two writers queue on the busy timeout
    instead of failing on a lock upgrade). PostgreSQL: ``pool_pre_ping`` and a connect
    timeout, so an unreachable server fails in seconds.
    """
    resolved = resolve_url(url)
    if resolved.get_backend_name() == "sqlite":
        database = resolved.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sqlalchemy.create_engine(resolved)
        _sqlite_hooks(engine)
        return engine
    connect_args = (
        {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        if resolved.get_backend_name() == "postgresql"
        else {}
    )
    return sqlalchemy.create_engine(resolved, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_hooks(engine: sqlalchemy.Engine) -> None:
    # SQLAlchemy's recipe for real SQLite transactions: pysqlite's own implicit BEGIN is
    # turned off and we emit ours (DDL becomes transactional, which migrations need).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class _EngineCache:
    """One engine per URL per process, and one migration per URL per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: dict[str, sqlalchemy.Engine] = {}
        self._migrated: set[str] = set()

    def engine(self, url: str) -> sqlalchemy.Engine:
        with self._lock:
            if url not in self._engines:
                self._engines[url] = make_engine(url)
            return self._engines[url]

    def migrated_engine(self, url: str) -> sqlalchemy.Engine:
        engine = self.engine(url)
        with self._lock:
            if url not in self._migrated:
                migrate(engine)  # raises DatabaseUnavailable: the next call tries again
                self._migrated.add(url)
        return engine


_CACHE = _EngineCache()


def engine_for(url: str) -> sqlalchemy.Engine:
    """The process's engine for ``url`` (created on first use)."""
    return _CACHE.engine(url)


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: sqlalchemy.Engine) -> None:
    """Bring the schema to Alembic's head; idempotent, safe for servers starting together.

    One transaction: on PostgreSQL it first takes a transaction-level advisory lock, so a
    second server waits, then finds the schema at head; on SQLite ``BEGIN IMMEDIATE`` does
    the same. DDL is transactional on both, so a failed migration leaves nothing half done.
    """
    from alembic import command

    config = alembic_config()
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        sqlalchemy.text("SELECT pg_advisory_xact_lock(:key)"),
                        {"key": MIGRATION_LOCK_KEY},
                    )
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
    except UNAVAILABLE_ERRORS as exc:
        raise DatabaseUnavailable(str(exc)) from exc


def open_store(url: str | None = None, *, secrets: Mapping | None = None) -> Store:
    """The store of ``url`` (default: :func:`database_url`), migrated once per process."""
    from fiches.contrib.storage import Store

    return Store(_CACHE.migrated_engine(url or database_url(secrets)))
