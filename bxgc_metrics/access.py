"""Who may change what: roles, the acting user, password hashes and wall-screen tokens.

Permission is checked where the write happens: every write method of
:class:`~bxgc_metrics.store.Store` checks the store's :class:`Actor`
(:func:`require_account`) before it changes or copies anything, so hiding a button is
never the only guard. Three roles, each
allowed what the one below it may do:

- ``viewer`` reads everything;
- ``analyst`` also imports, undoes imports, saves import profiles, edits gaps, edits the
  events drawn on the trajectory charts and marks data-quality flags checked (核实无误);
- ``admin`` also changes settings, reward and data-quality rules, users and wall-screen
  tokens, and reads the audit log.

Two kinds of actor, and one rule for each:

- An **account** (the default): a name in ``users``, as a sign-in or an OpenID Connect
  account resolves it. The role it carries is only what the page saw; each write reads the
  account's current role and disabled flag from ``users`` on the connection that writes
  (:meth:`~bxgc_metrics.store.Store._write`), so an account disabled or demoted while its
  session is open is refused at the store at once. A name with no account writes nothing.
- The **operator** (``operator=True``): a program run on the machine itself — the command
  line (``cli:<login>``, admin), the first-start bootstrap and the demo loader
  (:data:`SYSTEM`), scripts and tests that open the file directly. Whoever can run code
  against the file can change it anyway, so the operator keeps the role it was given and
  needs no account. Nothing a browser sends can make an operator: the dashboard gets its
  actors only from the store's sign-in and session look-ups.

Either is recorded in the audit log under its name.
"""

from __future__ import annotations

import datetime as dt
import functools
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
    "edit_events": "analyst",
    "review_flags": "analyst",
    "contacts": "analyst",
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
    operator: bool = False
    """The machine's operator (command line, bootstrap, scripts): keeps :attr:`role`.
    Otherwise the actor is an account whose current role the store reads at each write."""


VIEWER = Actor("anonymous", "viewer")
"""Anyone not signed in: may read, may not write."""

SYSTEM = Actor("system", "admin", operator=True)
"""The first-start bootstrap and the demo loader."""


def operator() -> Actor:
    """The command line's actor: the machine's login as an admin."""
    try:
        login = getpass.getuser()
    except OSError:
        login = "unknown"
    return Actor(f"cli:{login}", "admin", operator=True)


def allowed(actor: Actor, permission: str) -> bool:
    """Whether ``actor``'s role holds ``permission``."""
    needed = PERMISSIONS[permission]
    return actor.role in ROLES and ROLES.index(actor.role) >= ROLES.index(needed)


def require_account(actor: Actor, account: tuple[str, bool] | None, permission: str) -> None:
    """:func:`require` for an account as ``users`` holds it now: ``(role, disabled)``, or
    ``None`` when there is no such account. An operator is checked with its own role."""
    if actor.operator:
        require(actor, permission)
        return
    if account is None or account[1]:
        require(actor, permission)  # an anonymous viewer is told which role it needs
        raise PermissionDeniedError(
            f"账户 {actor.name} 不存在或已停用，无权执行此操作；未写入任何数据。",
            f"The account {actor.name} does not exist or is disabled; nothing was written.",
        )
    require(Actor(actor.name, account[0]), permission)


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


# --- signing in ------------------------------------------------------------------------

MAX_USERNAME = 64
"""Characters in an account name; a longer name is never an account."""

MAX_PASSWORD = 1024
"""Characters of a password; a longer one is never right (and is not hashed whole)."""

MAX_AUDIT_TEXT = 200
"""Characters kept of who, action and target in an audit row."""

MAX_AUDIT_JSON = 1_000_000
"""Characters kept of a before or after value in an audit row; a longer one is replaced by
its length and its beginning."""

FREE_FAILURES_ACCOUNT = 5
"""Failed sign-ins on one account name (from anywhere) before attempts are spaced out."""

FREE_FAILURES_ADDRESS = 20
"""Failed sign-ins from one address (any names; offices share one) before the same."""

FIRST_DELAY = 1.0
"""Seconds the first attempt past the free ones waits; each further failure doubles it."""

MAX_DELAY = 900.0
"""The longest wait between attempts (15 minutes): also the longest a stranger guessing
at someone's name can keep that person out."""

THROTTLE_WINDOW = dt.timedelta(hours=24)
"""Failures older than this no longer count."""


def sign_in_delay(failures: int, free: int) -> float:
    """Seconds to wait after the latest of ``failures`` recent failed sign-ins before the
    next attempt: none while fewer than ``free``, then 1, 2, 4 … up to :data:`MAX_DELAY`.

    >>> [sign_in_delay(n, 5) for n in (0, 4, 5, 6, 9, 40)]
    [0.0, 0.0, 1.0, 2.0, 16.0, 900.0]
    """
    if failures < free:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2.0 ** min(failures - free, 32))


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters and ``…`` when it was longer (so a cut account
    name, one character too long, is never an account).

    >>> clip("东城街道", 2), clip("东城", 2)
    ('东城…', '东城')
    """
    return text if len(text) <= limit else text[:limit] + "…"


@functools.cache
def unknown_user_hash() -> str:
    """A hash to check the passwords of unknown (or over-long) names against, so that they
    take as long as a real account's. Made once per process; the server makes it before
    it serves anyone, so the first unknown name takes no longer either."""
    return hash_password(new_secret())


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
