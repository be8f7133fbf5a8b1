"""Who may change what: roles, the acting user, password hashes and wall-screen tokens.

Permission is checked where the write happens: every write method of
:class:`~bxgc_metrics.store.Store` calls :func:`require` with the store's :class:`Actor`
before it touches the file, so hiding a button is never the only guard. Three roles, each
allowed what the one below it may do:

- ``viewer`` reads everything;
- ``analyst`` also imports, undoes imports, saves import profiles and edits gaps;
- ``admin`` also changes settings, reward rules, users and wall-screen tokens, and reads
  the audit log.

The command line acts as the machine's operator (``cli:<login>``, admin): whoever can run
it can write the file anyway. Its actions are recorded under that name.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
from dataclasses import dataclass

from bxgc_metrics.errors import PermissionDeniedError

ROLES = ("viewer", "analyst", "admin")
"""The roles, weakest first."""

PERMISSIONS: dict[str, str] = {
    "import": "analyst",
    "undo": "analyst",
    "profile": "analyst",
    "edit_gaps": "analyst",
    "settings": "admin",
    "rules": "admin",
    "users": "admin",
    "wall_tokens": "admin",
    "audit": "admin",
}
"""Each permission and the weakest role that holds it."""

_ROLE_ZH = {"viewer": "查看者", "analyst": "分析员", "admin": "管理员"}


@dataclass(frozen=True)
class Actor:
    """The person (or program) on whose behalf the store reads and writes."""

    name: str
    """Recorded in the audit log and on import batches."""
    role: str
    """``viewer``, ``analyst`` or ``admin``."""


VIEWER = Actor("anonymous", "viewer")
"""Anyone not signed in: may read, may not write."""

SYSTEM = Actor("system", "admin")
"""The first-start bootstrap and the demo loader."""


def operator() -> Actor:
    """The command line's actor: the machine's login as an admin."""
    try:
        login = getpass.getuser()
    except OSError:
        login = "unknown"
    return Actor(f"cli:{login}", "admin")


def allowed(actor: Actor, permission: str) -> bool:
    """Whether ``actor``'s role holds ``permission``."""
    needed = PERMISSIONS[permission]
    return actor.role in ROLES and ROLES.index(actor.role) >= ROLES.index(needed)


def require(actor: Actor, permission: str) -> None:
    """Raise :class:`PermissionDeniedError` unless ``actor`` holds ``permission``."""
    if not allowed(actor, permission):
        needed = PERMISSIONS[permission]
        raise PermissionDeniedError(
            f"{actor.name}（{_ROLE_ZH.get(actor.role, actor.role)}）无权执行此操作，"
            f"需要{_ROLE_ZH[needed]}权限；未写入任何数据。",
            f"{actor.name} ({actor.role}) may not do this; it needs the {needed} role. "
            "Nothing was written.",
        )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; safe to store)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; never raises on a mismatch."""
    from argon2 import PasswordHasher
    from argon2.exceptions import Argon2Error, InvalidHashError

    try:
        return PasswordHasher().verify(stored_hash, password)
    except (Argon2Error, InvalidHashError):
        return False


def new_secret() -> str:
    """A random URL-safe secret (one-time passwords, wall-screen tokens)."""
    return secrets.token_urlsafe(18)


def new_session_token() -> str:
    """A random sign-in session token (256 bits, URL-safe): the browser's cookie holds it."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a wall-screen or session token: its SHA-256, never the
    token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
