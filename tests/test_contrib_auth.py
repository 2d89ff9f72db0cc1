"""Moderators' password, its configuration, idle expiry, and the moderator-password command."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from fiches import paths
from fiches.contrib import auth


def test_a_hash_verifies_its_password_only():
    hashed = auth.hash_password("jardins partagés")
    assert hashed.startswith("$argon2id$")
    assert hashed != auth.hash_password("jardins partagés")  # salted
    assert auth.verify_password(hashed, "jardins partagés")
    assert not auth.verify_password(hashed, "jardins partages")
    assert not auth.verify_password(hashed, "")


@pytest.mark.parametrize(
    "malformed",
    ["", "pas une empreinte", "$argon2id$v=19$m=65536,t=3,p=4$abc", "$2b$12$" + "a" * 53, None, 42],
)
def test_a_malformed_hash_never_lets_in_nor_raises(malformed):
    assert auth.verify_password(malformed, "secret") is False


@pytest.mark.parametrize(
    ("env", "secrets", "expected"),
    [
        ({}, None, None),
        ({}, {}, None),
        ({}, {"moderation": {"password_hash": " $argon2id$x "}}, "$argon2id$x"),
        ({}, {"moderation": {"password_hash": ""}}, None),
        (
            {auth.ENV_HASH: "$argon2id$env"},
            {"moderation": {"password_hash": "$s"}},
            "$argon2id$env",
        ),
        ({auth.ENV_HASH: "  "}, {"moderation": {"password_hash": "$s"}}, "$s"),
        ({}, {"connections": {}}, None),
    ],
)
def test_configured_hash_order(env, secrets, expected):
    assert auth.configured_hash(secrets, env=env) == expected


def test_a_session_expires_after_eight_idle_hours():
    seen = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    assert not auth.session_expired(seen, seen + timedelta(hours=8))
    assert auth.session_expired(seen, seen + timedelta(hours=8, seconds=1))


def run_command(stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fiches", "moderator-password"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=60,
    )


def test_moderator_password_prints_the_hash_on_its_last_line():
    done = run_command("mot de passe sûr\n")
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert auth.verify_password(last, "mot de passe sûr")
    assert auth.ENV_HASH in done.stderr


@pytest.mark.parametrize("stdin", ["", "\n"])
def test_moderator_password_refuses_an_empty_one(stdin):
    done = run_command(stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "le mot de passe est vide" in done.stderr


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 0, "10.0.0.9"),  # no proxy: the socket's peer
        ("1.2.3.4", 0, "10.0.0.9"),  # a header the client wrote itself is not read
        ("6.6.6.6, 1.2.3.4", 1, "1.2.3.4"),  # one proxy: the entry it appended
        ("6.6.6.6, 1.2.3.4, 172.16.0.2", 2, "1.2.3.4"),  # two: the outer one's entry
        ("1.2.3.4", 2, "10.0.0.9"),  # fewer entries than proxies: the peer
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_added(forwarded, proxies, expected):
    assert auth.client_address(forwarded, "10.0.0.9", proxies) == expected
