"""The test PostgreSQL server: a fresh database per use, dropped afterwards.

Every machine (developers' and CI's) runs PostgreSQL at 127.0.0.1:5432 with trust
authentication and a database ``test``. Other agents and CI jobs use the same server at the
same time, so each use creates its own randomly named database. Without the server the tests
fail (never skip): ``FICHES_TEST_POSTGRES`` names another server.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get(
    "FICHES_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def require_server() -> None:
    """Fail the test, with the reason, when PostgreSQL does not accept connections."""
    url = make_url(ADMIN_URL)
    host, port = url.host or "127.0.0.1", url.port or 5432
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {host}:{port} ({exc}). The storage tests need "
            "it: start a server with trust authentication and a database `test` "
            "(or set FICHES_TEST_POSTGRES).",
            pytrace=False,
        )


@contextmanager
def fresh_database(prefix: str = "fiches_test") -> Iterator[str]:
    """The URL of a new empty database, dropped (even with connections left) at the end."""
    require_server()
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
