"""Moderators' password and session rules (no Streamlit: ``fiches.ui`` applies them).

The password is never stored: its argon2 hash is set in the environment
(``FICHES_MODERATION_PASSWORD_HASH``) or in the secrets (``[moderation] password_hash``);
``python -m fiches moderator-password`` prints one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ENV_HASH = "FICHES_MODERATION_PASSWORD_HASH"
MAX_FAILED_PER_MINUTE = 5
IDLE_EXPIRY = timedelta(hours=8)

THROTTLED_TEXT = (
    f"Trop d'essais manqués ({MAX_FAILED_PER_MINUTE} par minute au plus) : "
    "attendez une minute avant de réessayer."
)
WRONG_PASSWORD_TEXT = "Mot de passe incorrect."
NOT_CONFIGURED_TEXT = (
    "La modération n'est pas activée. Pour l'activer, créez l'empreinte d'un mot de passe "
    "avec « python -m fiches moderator-password », puis placez-la dans la variable "
    f"d'environnement {ENV_HASH} ou dans les secrets de l'application, section "
    "[moderation], clé password_hash."
)

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted: two calls give two hashes)."""
    return _HASHER.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    """Whether ``password`` matches; False for a wrong password or any malformed hash."""
    if not isinstance(hashed, str) or not isinstance(password, str):
        return False
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError, TypeError, ValueError):
        return False


def configured_hash(
    secrets: Mapping | None = None, env: Mapping[str, str] = os.environ
) -> str | None:
    """The moderators' password hash: environment > secrets ``[moderation]`` > None."""
    if env.get(ENV_HASH, "").strip():
        return env[ENV_HASH].strip()
    if secrets is None:
        return None
    try:
        value = secrets["moderation"]["password_hash"]
    except (KeyError, TypeError, FileNotFoundError):
        return None
    return str(value).strip() or None


def client_address(forwarded: str, peer: str, trusted_proxies: int) -> str:
    """The address a sign-in attempt is counted against.

    Each proxy in front of the app appends the address it received the request from to
    ``X-Forwarded-For``; what is on the left of those entries is written by the client and
    never read. With ``trusted_proxies`` proxies, the entry the outermost one added
    (counted from the right); with none, or a header shorter than that, the socket's peer.
    """
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if trusted_proxies > 0 and len(hops) >= trusted_proxies:
        return hops[-trusted_proxies]
    return peer


def session_expired(last_seen: datetime, now: datetime) -> bool:
    """A moderator session ends after :data:`IDLE_EXPIRY` without activity."""
    return now - last_seen > IDLE_EXPIRY


def throttled(store, keys: Iterable[str]) -> bool:
    """Whether any of ``keys`` (session, client address) failed too often in the last minute.

    ``store`` is a :class:`fiches.contrib.storage.Store`: the count is shared by every
    server process.
    """
    return any(store.failed_logins(key, seconds=60) >= MAX_FAILED_PER_MINUTE for key in keys)
