"""Accounts: users and passwords, sign-in throttling, sessions, wall-screen tokens.

Only argon2 hashes of passwords and SHA-256 hashes of session and wall tokens are stored.
A sign-in is counted as failed when it starts (so guesses sent at once are spaced out as
if sent one after another) and recorded in the audit log when it ends, in the same
transaction as the session it opens; :mod:`bxgc_metrics.access` has the rules.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bxgc_metrics import access
from bxgc_metrics.access import Actor
from bxgc_metrics.errors import StoreError, TooManyAttemptsError, ValidationError
from bxgc_metrics.store import audit
from bxgc_metrics.store.connection import Database, utcnow, write_lock

_ADMIN_COUNT = "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled"
_CREATE_USER = "INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?)"
_GET_USER = "SELECT password_hash, role, disabled FROM users WHERE username = ?"
_SELECT_USERS = "SELECT username, role, created_at, disabled FROM users ORDER BY username"
_SET_ROLE = "UPDATE users SET role = ? WHERE username = ?"
_SET_DISABLED = "UPDATE users SET disabled = ? WHERE username = ?"
_SET_PASSWORD = "UPDATE users SET password_hash = ? WHERE username = ?"

_CREATE_TOKEN = "INSERT INTO wall_tokens (token_hash, label) VALUES (?, ?)"
_SELECT_TOKENS = """
    SELECT left(token_hash, 12) AS id, label, created_at, revoked_at FROM wall_tokens
    ORDER BY created_at DESC
"""
_FIND_TOKEN = "SELECT token_hash, label FROM wall_tokens WHERE starts_with(token_hash, ?)"
_REVOKE_TOKEN = """
    UPDATE wall_tokens SET revoked_at = current_localtimestamp()
    WHERE token_hash = ? AND revoked_at IS NULL
"""
_VALID_TOKEN = "SELECT label FROM wall_tokens WHERE token_hash = ? AND revoked_at IS NULL"

_RECENT_FAILURES = """
    SELECT count(*) FILTER (WHERE username = $username),
           max(attempted_at) FILTER (WHERE username = $username),
           count(*) FILTER (WHERE address = $address),
           max(attempted_at) FILTER (WHERE address = $address)
    FROM sign_in_failures WHERE attempted_at > $since
"""
_RECORD_ATTEMPT = """
    INSERT INTO sign_in_failures (attempted_at, username, address) VALUES (?, ?, ?)
"""
_FORGET_OLD_ATTEMPTS = "DELETE FROM sign_in_failures WHERE attempted_at <= ?"
_FORGET_ACCOUNT_FAILURES = "DELETE FROM sign_in_failures WHERE username = ?"

_CREATE_SESSION = """
    INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)
"""
_GET_SESSION = """
    SELECT s.username, u.role, u.disabled, s.expires_at, s.ended_at
    FROM sessions s LEFT JOIN users u ON u.username = s.username
    WHERE s.token_hash = ?
"""
_END_SESSION = """
    UPDATE sessions SET ended_at = ?, end_reason = ?
    WHERE token_hash = ? AND ended_at IS NULL
    RETURNING username
"""
_END_USER_SESSIONS = """
    UPDATE sessions SET ended_at = ?, end_reason = 'disabled'
    WHERE username = ? AND ended_at IS NULL
    RETURNING token_hash
"""


class Accounts(Database):
    """Users, sign-ins, sessions and wall-screen tokens."""

    # --- users ------------------------------------------------------------------------------

    def bootstrap_admin(self, password: str) -> bool:
        """Create the account ``admin`` with ``password`` if no admin exists yet.

        The one write allowed without a role: it happens only on a database with no admin.
        Returns whether the account was created.
        """
        digest = access.hash_password(password)
        with self._transaction(bump=False) as con:
            if con.execute(_ADMIN_COUNT).fetchone()[0]:  # type: ignore[index]
                return False
            con.execute(_CREATE_USER, ["admin", digest, "admin"])
            audit.append(con, "system", "user_create", target="admin", after={"role": "admin"})
        return True

    def create_user(self, username: str, password: str, role: str) -> None:
        """Add a local account (admins only); a name has 1 to
        :data:`~bxgc_metrics.access.MAX_USERNAME` characters."""
        if not username or len(username) > access.MAX_USERNAME:
            raise ValidationError(
                f"用户名须为 1 到 {access.MAX_USERNAME} 个字符。",
                f"A user name has 1 to {access.MAX_USERNAME} characters.",
            )
        digest = access.hash_password(password)
        with self._write("users") as con:
            con.execute(_CREATE_USER, [username, digest, role])
            self._audit(con, "user_create", username, after={"role": role})

    def update_user(
        self,
        username: str,
        *,
        role: str | None = None,
        disabled: bool | None = None,
        password: str | None = None,
    ) -> None:
        """Change an account's role, disabled flag or password (admins only)."""
        digest = None if password is None else access.hash_password(password)
        with self._write("users") as con:
            row = con.execute(_GET_USER, [username]).fetchone()
            if row is None:
                raise StoreError(f"没有用户 {username}。", f"There is no user {username}.")
            before = {"role": row[1], "disabled": bool(row[2])}
            if role is not None:
                con.execute(_SET_ROLE, [role, username])
            if disabled is not None:
                con.execute(_SET_DISABLED, [disabled, username])
            ended = None
            if disabled:
                ended = len(con.execute(_END_USER_SESSIONS, [utcnow(), username]).fetchall())
            if digest is not None:
                con.execute(_SET_PASSWORD, [digest, username])
            after = {
                "role": role or row[1],
                "disabled": bool(row[2] if disabled is None else disabled),
            }
            after["password_changed"] = digest is not None
            if ended is not None:
                after["sessions_ended"] = ended
            self._audit(con, "user_update", username, before=before, after=after)

    def account_role(self, username: str) -> str | None:
        """The role of an enabled account, or ``None`` (for OpenID Connect sign-ins)."""
        with self._primary_read() as con:
            row = con.execute(_GET_USER, [username]).fetchone()
        return None if row is None or row[2] else str(row[1])

    def users(self) -> pd.DataFrame:
        """Accounts without their hashes (admins only): ``username, role, created_at, disabled``."""
        access.require(self.actor, "users")
        return self._primary_frame(_SELECT_USERS)

    # --- signing in -------------------------------------------------------------------------

    def _check_password(self, name: str, password: str) -> Actor | None:
        """The account's actor if the password is right and the account enabled.

        Every name takes the same steps — one look-up, one argon2 verification — so an
        unknown name answers as slowly as a real one: an unknown name, an over-long name or
        an over-long password is checked against a stand-in hash and fails.
        """
        with self._primary_read() as con:
            row = con.execute(_GET_USER, [name]).fetchone()
        fits = len(name) <= access.MAX_USERNAME and len(password) <= access.MAX_PASSWORD
        stored = row[0] if row is not None and fits else access.unknown_user_hash()
        right = access.verify_password(stored, password[: access.MAX_PASSWORD])
        if row is None or not fits or row[2] or not right:
            return None
        return Actor(name, str(row[1]))

    def _begin_attempt(self, name: str, address: str | None, now: dt.datetime) -> None:
        """Refuse a sign-in that comes too soon after failed ones, by name or by address
        (:class:`~bxgc_metrics.errors.TooManyAttemptsError`, before any password is
        checked); else count it as failed until it succeeds, so guesses sent all at once
        are spaced out as if sent one after another."""
        since = now - access.THROTTLE_WINDOW
        params = {"username": name, "address": address, "since": since}
        with write_lock(self.path), self._transaction(bump=False) as con:
            found = con.execute(_RECENT_FAILURES, params).fetchall()[0]
            by_name, name_last, by_address, address_last = found
            wait = max(
                _wait(by_name, name_last, free=access.FREE_FAILURES_ACCOUNT, now=now),
                _wait(by_address, address_last, free=access.FREE_FAILURES_ADDRESS, now=now),
            )
            if wait > 0:
                raise TooManyAttemptsError(wait)
            con.execute(_FORGET_OLD_ATTEMPTS, [since])
            con.execute(_RECORD_ATTEMPT, [now, name, address])

    def _end_attempt(
        self,
        name: str,
        address: str | None,
        actor: Actor | None,
        *,
        session: tuple[str, dt.datetime, dt.datetime] | None = None,
    ) -> None:
        """Record a sign-in's outcome in the audit log; a success forgets the name's
        failures and opens ``session`` (token hash, start, expiry) in the same transaction."""
        where = {"address": address} if address else {}
        with write_lock(self.path), self._transaction(bump=False) as con:
            if actor is None:
                audit.append(con, name, "sign_in_failed", target=name, after=where)
                return
            con.execute(_FORGET_ACCOUNT_FAILURES, [name])
            after: dict[str, object] = dict(where)
            if session is not None:
                digest, start, expires = session
                con.execute(_CREATE_SESSION, [digest, name, start, expires])
                after["session"] = digest[:12]
                after["expires_at"] = expires.isoformat(timespec="seconds")
            audit.append(con, name, "sign_in", target=name, after=after or None)

    def sign_in(
        self,
        username: str,
        password: str,
        *,
        address: str | None = None,
        now: dt.datetime | None = None,
    ) -> Actor | None:
        """The account's actor if the password is right and the account enabled, else
        ``None``; throttled and recorded as :meth:`open_session` is, without a session."""
        name, now = access.clip(username, access.MAX_USERNAME), now or utcnow()
        self._begin_attempt(name, address, now)
        actor = self._check_password(name, password)
        self._end_attempt(name, address, actor)
        return actor

    # --- sign-in sessions -------------------------------------------------------------------

    def open_session(
        self,
        username: str,
        password: str,
        hours: float,
        *,
        address: str | None = None,
        now: dt.datetime | None = None,
    ) -> tuple[Actor, str] | None:
        """Sign in for ``hours``: the account's actor and a new session token, or ``None``.

        The token is returned once (the browser keeps it in a cookie); the database keeps
        its SHA-256. The sign-in, or the failed attempt, is in the audit log, written in the
        same transaction as the session. Failed attempts are throttled per account name
        and per ``address`` (the reader's, as the web server sees it): past a few, the next
        one must wait, 1 s, then twice as long after each failure, up to 15 minutes
        (:func:`~bxgc_metrics.access.sign_in_delay`); an attempt that comes too soon raises
        :class:`~bxgc_metrics.errors.TooManyAttemptsError` without checking the password. A
        sign-in clears the name's failures. Names and passwords longer than
        :data:`~bxgc_metrics.access.MAX_USERNAME` and
        :data:`~bxgc_metrics.access.MAX_PASSWORD` never sign in.
        """
        if not (isinstance(hours, int | float) and 0 < hours < 24 * 366):
            raise ValueError(f"session hours must be a positive number of hours, not {hours!r}")
        name, now = access.clip(username, access.MAX_USERNAME), now or utcnow()
        self._begin_attempt(name, address, now)
        actor = self._check_password(name, password)
        token = access.new_session_token()
        session = (access.token_hash(token), now, now + dt.timedelta(hours=hours))
        self._end_attempt(name, address, actor, session=session if actor else None)
        return None if actor is None else (actor, token)

    def session_actor(self, token: str | None, *, now: dt.datetime | None = None) -> Actor | None:
        """Who holds the session ``token``: the account with its current role, or ``None``.

        ``None`` for an unknown, ended or expired session or a disabled account. The first
        look at an expired session ends it and records the expiry in the audit log.
        """
        if not token:
            return None
        now = now or utcnow()
        digest = access.token_hash(token)
        with self._primary_read() as con:
            row = con.execute(_GET_SESSION, [digest]).fetchone()
        if row is None or row[4] is not None:
            return None
        username, role, disabled, expires = row[0], row[1], row[2], row[3]
        if expires <= now:
            self._end_session(digest, "expired", now)
            return None
        if role is None or disabled:
            return None
        return Actor(str(username), str(role))

    def end_session(self, token: str | None, *, now: dt.datetime | None = None) -> bool:
        """Sign out: end the session ``token``; whether a live session was ended."""
        if not token:
            return False
        return self._end_session(access.token_hash(token), "sign_out", now or utcnow())

    def _end_session(self, digest: str, reason: str, now: dt.datetime) -> bool:
        """End one session (by its hash) and record it under the session's user."""
        action = {"sign_out": "sign_out", "expired": "session_expired"}[reason]
        with write_lock(self.path), self._transaction(bump=False) as con:
            row = con.execute(_END_SESSION, [now, reason, digest]).fetchone()
            if row is None:
                return False
            audit.append(con, row[0], action, target=row[0], after={"session": digest[:12]})
        return True

    # --- wall-screen tokens -----------------------------------------------------------------

    def create_wall_token(self, label: str) -> str:
        """A new read-only link token for the meeting screen (admins only); shown once."""
        token = access.new_secret()
        with self._write("wall_tokens") as con:
            con.execute(_CREATE_TOKEN, [access.token_hash(token), label])
            self._audit(con, "wall_token_create", label)
        return token

    def revoke_wall_token(self, token_id: str) -> None:
        """Revoke the token whose id (the start of its hash, see :meth:`wall_tokens`) is given."""
        with self._write("wall_tokens") as con:
            found = con.execute(_FIND_TOKEN, [token_id]).fetchall() if token_id else []
            if len(found) != 1:
                raise StoreError(
                    f"找不到唯一的令牌 {token_id}。", f"No single token matches {token_id}."
                )
            con.execute(_REVOKE_TOKEN, [found[0][0]])
            self._audit(con, "wall_token_revoke", found[0][1], after={"id": token_id})

    def wall_tokens(self) -> pd.DataFrame:
        """Tokens without their hashes (admins only): ``id, label, created_at, revoked_at``."""
        access.require(self.actor, "wall_tokens")
        return self._primary_frame(_SELECT_TOKENS)

    def wall_token_label(self, token: str) -> str | None:
        """The label of a valid (not revoked) token, or ``None``."""
        with self._primary_read() as con:
            row = con.execute(_VALID_TOKEN, [access.token_hash(token)]).fetchone()
        return None if row is None else str(row[0])


def _wait(failures: int | None, last: dt.datetime | None, *, free: int, now: dt.datetime) -> float:
    """Seconds from ``now`` until the next sign-in is allowed after ``failures`` recent
    failures, the latest at ``last``."""
    delay = access.sign_in_delay(int(failures or 0), free)
    if not delay or last is None:
        return 0.0
    return max(0.0, (last + dt.timedelta(seconds=delay) - now).total_seconds())
