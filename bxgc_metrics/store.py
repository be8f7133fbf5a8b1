"""The indicator store: the only module that talks to DuckDB.

DuckDB lets one process hold a database file at a time. The dashboard and the command
line must both work on the same file while the other runs, so this module never keeps a
connection open: every call opens the file, does its work in one transaction and closes
it, retrying for a while when another process holds the lock (the reads of one short
task, such as analysing an upload, may share one opening: :meth:`Store.reading`).
Callers above (the dashboard's cached loaders) keep reads rare.

Every statement is a constant string with parameters; identifiers never come from data.
Driver errors leave this module as :class:`~bxgc_metrics.errors.StoreError` subclasses
with a message in Chinese and English.

A store acts for an :class:`~bxgc_metrics.access.Actor` (by default an anonymous viewer).
Every write method checks the actor's role before it opens the file and appends a row to
the audit log in the same transaction as the change, so a change and its record are
written together or not at all. The audit log has an INSERT here and nothing that updates
or deletes it. An import or undo that changes something first copies the file to
``backups/`` beside it, and so does the first edit of settings, rules, gaps, accounts or
wall links after a quiet while; :func:`restore` brings a copy back, moving the data
version and every id forward and keeping every audit row.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import os
import random
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bxgc_metrics import access, periods
from bxgc_metrics.access import VIEWER, Actor
from bxgc_metrics.errors import (
    BatchConflictError,
    CorruptDatabaseError,
    SchemaTooNewError,
    StoreBusyError,
    StoreError,
    TooManyAttemptsError,
    ValidationError,
)
from bxgc_metrics.periods import labels as label_periods
from bxgc_metrics.store_schema import LATEST, MIGRATIONS

DEFAULT_DB = Path("data") / "bxgc.duckdb"
"""Where the database lives unless ``BXGC_DB`` or ``--db`` says otherwise."""

BACKUPS_KEPT = 20
"""Backups kept per database file unless ``BXGC_BACKUPS_KEEP`` says otherwise."""

BACKUP_DAYS = 7
"""Days back (today included) whose first backup is kept beyond the newest
:data:`BACKUPS_KEPT`, unless ``BXGC_BACKUPS_DAYS`` says otherwise: each is the state that
day's work started from."""

EDIT_BACKUP_MINUTES = 30
"""An edit (settings, rules, gaps, accounts, wall links, import profiles) is backed up
first unless a backup is younger than this, unless ``BXGC_BACKUPS_EDIT_MINUTES`` says
otherwise (0: every edit)."""

RESTORE_COMMAND = "python -m bxgc_metrics restore --latest"
"""What brings the newest backup back (``restore --list`` shows them all)."""

OBSERVATION_KEY = ("unit_code", "indicator_code", "freq", "year", "sub", "value_kind")
"""The columns that identify one stored figure; loading the same key again replaces it."""

OBSERVATION_COLUMNS = (*OBSERVATION_KEY, "value", "cumulative")
"""The columns :meth:`Store.write_observations` takes."""

UNIT_COLUMNS = ("code", "name_zh", "name_en", "kind", "parent_code", "peer_group", "is_demo")
INDICATOR_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "measure",
    "direction",
    "kind",
    "frequency",
    "allow_negative",
    "is_demo",
    "growth_of",
)


def _utcnow() -> dt.datetime:
    """Now in UTC, naive, as the database stores times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def default_path() -> Path:
    """``BXGC_DB`` if set, else ``data/bxgc.duckdb``."""
    return Path(os.environ.get("BXGC_DB") or DEFAULT_DB)


@dataclass(frozen=True)
class BatchResult:
    """What one write of observations did."""

    batch_id: int | None
    """The new batch's id, or ``None`` when nothing changed and no batch was recorded."""
    rows_read: int
    """Rows offered."""
    rows_new: int
    """Keys that did not exist before."""
    rows_changed: int
    """Keys whose value (or cumulative flag) was replaced."""
    rows_unchanged: int
    """Keys offered with exactly the value already stored."""


@dataclass(frozen=True, eq=False)
class UndoPreview:
    """What undoing one batch would change (:meth:`Store.undo_preview`)."""

    batch_id: int
    """The batch."""
    removed: int
    """Figures the batch added that the undo deletes."""
    restored: int
    """Figures the batch replaced whose earlier values come back."""
    blocked_by: tuple[int, ...]
    """Later batches that replaced some of this batch's figures: undo those first."""
    sample: pd.DataFrame
    """A few of the figures, replaced ones first: ``unit_code, indicator_code, freq, year,
    sub, value_kind, value_now, value_after`` (``value_after`` missing: the figure goes)."""


# --- SQL (constants only) -------------------------------------------------------------------

_UTC = "SET TimeZone = 'UTC'"
"""Every stored time is UTC, whatever the server's zone; pages show them in ``BXGC_TZ``
(:mod:`bxgc_metrics.clock`)."""

_GET_VERSION = "SELECT value FROM meta WHERE key = 'schema_version'"
_SET_VERSION = "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)"
_HAS_META = (
    "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta' AND schema_name = 'main'"
)
_BUMP_DATA_VERSION = """
    INSERT OR REPLACE INTO meta
    SELECT 'data_version', CAST(COALESCE(max(CAST(value AS BIGINT)), 0) + 1 AS VARCHAR)
    FROM meta WHERE key = 'data_version'
"""
_GET_DATA_VERSION = (
    "SELECT COALESCE(max(CAST(value AS BIGINT)), 0) FROM meta WHERE key = 'data_version'"
)

_UPSERT_UNITS = "INSERT OR REPLACE INTO units BY NAME SELECT * FROM incoming"
_UPSERT_INDICATORS = "INSERT OR REPLACE INTO indicators BY NAME SELECT * FROM incoming"
_INSERT_UNITS = "INSERT INTO units BY NAME SELECT * FROM incoming"
_INSERT_INDICATORS = "INSERT INTO indicators BY NAME SELECT * FROM incoming"
_TAKEN_CODES = """
    SELECT 'unit' AS what, code FROM units WHERE list_contains(?::VARCHAR[], code)
    UNION ALL
    SELECT 'indicator', code FROM indicators WHERE list_contains(?::VARCHAR[], code)
    ORDER BY 1, 2 LIMIT 5
"""
_SELECT_UNITS = "SELECT * FROM units ORDER BY kind, peer_group, code"
_SELECT_INDICATORS = "SELECT * FROM indicators ORDER BY code"

_UNKNOWN_CODES = """
    SELECT 'unit' AS what, c AS code FROM unnest(?::VARCHAR[]) AS t(c)
    WHERE c NOT IN (SELECT code FROM units)
    UNION
    SELECT 'indicator', c FROM unnest(?::VARCHAR[]) AS t(c)
    WHERE c NOT IN (SELECT code FROM indicators)
    ORDER BY 1, 2 LIMIT 5
"""
_NEW_BATCH = """
    INSERT INTO batches (file_name, sha256, who, rows_read, rows_new, rows_changed,
                         rows_unchanged, status, note)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'committed', ?) RETURNING id
"""
_STORED = """
    SELECT i.row_id, o.value <> i.value OR o.cumulative <> i.cumulative AS differs,
           o.value AS old_value, o.cumulative AS old_cumulative, o.batch_id AS old_batch_id
    FROM incoming AS i
    JOIN observations AS o USING (unit_code, indicator_code, freq, year, sub, value_kind)
"""
"""The incoming rows (``row_id``) whose key is stored, whether their value differs and the
stored value; a key is stored at most once, so each row comes at most once."""
_KEEP_HISTORY = """
    INSERT INTO observation_history
    SELECT ?, unit_code, indicator_code, freq, year, sub, value_kind,
           TRUE, old_value, old_cumulative, old_batch_id
    FROM replaced
"""
_INSERT_NEW = """
    INSERT INTO observations
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, ?
    FROM fresh
"""
"""``fresh`` holds the new rows ordered by year and period; a plain scan keeps that order
(DuckDB preserves insertion order), so a one-period query can skip row groups."""
_UPDATE_CHANGED = """
    UPDATE observations AS o
    SET value = c.value, cumulative = c.cumulative, batch_id = ?
    FROM replaced AS c
    WHERE o.unit_code = c.unit_code AND o.indicator_code = c.indicator_code
      AND o.freq = c.freq AND o.year = c.year AND o.sub = c.sub
      AND o.value_kind = c.value_kind
"""
_SELECT_BATCH = "SELECT status FROM batches WHERE id = ?"
_LATER_BATCHES = """
    SELECT DISTINCT h.batch_id FROM observation_history h
    JOIN batches b ON b.id = h.batch_id
    WHERE h.old_batch_id = ? AND b.status = 'committed' ORDER BY 1
"""
_DELETE_BATCH_ROWS = "DELETE FROM observations WHERE batch_id = ?"
_RESTORE_REPLACED = """
    INSERT INTO observations
    SELECT unit_code, indicator_code, freq, year, sub, value_kind,
           old_value, old_cumulative, old_batch_id
    FROM observation_history WHERE batch_id = ? AND existed
"""
_MARK_UNDONE = (
    "UPDATE batches SET status = 'undone', undone_at = current_localtimestamp() WHERE id = ?"
)
_PREVIEW_STATUS = ("new", "changed", "unchanged")
"""``status`` of :meth:`Store.preview_observations`, by code."""
_FOR_INDICATORS = """
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id
    FROM observations WHERE list_contains(?, indicator_code)
"""
_SAVE_PROFILE = "INSERT OR REPLACE INTO import_profiles VALUES (?, ?, current_localtimestamp())"
_GET_PROFILE = "SELECT mapping_json FROM import_profiles WHERE name = ?"
_SELECT_BATCHES = "SELECT * FROM batches ORDER BY id DESC"
_FIND_SHA = "SELECT max(id) FROM batches WHERE sha256 = ? AND status = 'committed'"

_SELECT_OBSERVATIONS = """
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id
    FROM observations
    WHERE ($unit IS NULL OR unit_code = $unit)
      AND ($indicator IS NULL OR indicator_code = $indicator)
      AND ($value_kind IS NULL OR value_kind = $value_kind)
      AND ($freq IS NULL OR freq = $freq)
    ORDER BY unit_code, indicator_code, value_kind, freq, year, sub
"""
_EXPORT = """
    SELECT u.name_zh AS unit, i.name_zh AS indicator, o.freq, o.year, o.sub,
           o.value_kind AS kind, o.value, i.measure, o.cumulative,
           o.unit_code, o.indicator_code
    FROM observations o
    JOIN units u ON u.code = o.unit_code
    JOIN indicators i ON i.code = o.indicator_code
    ORDER BY u.code, i.code, o.value_kind, o.freq, o.year, o.sub
"""
_COUNT_OBSERVATIONS = "SELECT count(*) FROM observations"
_SELECT_SCOPED = """
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id
    FROM observations
    WHERE ($indicators IS NULL OR list_contains($indicators, indicator_code))
      AND ($units IS NULL OR list_contains($units, unit_code))
      AND ($kinds IS NULL OR list_contains($kinds, value_kind))
      AND ($freqs IS NULL OR list_contains($freqs, freq))
      AND ($first_year IS NULL OR year >= $first_year)
      AND ($last_year IS NULL OR year <= $last_year)
      AND ($periods IS NULL OR list_contains($periods, CAST(year AS INTEGER) * 100 + sub))
    ORDER BY unit_code, indicator_code, value_kind, freq, year, sub
"""
_COVERAGE = """
    SELECT DISTINCT unit_code, indicator_code, 'actual' AS value_kind
    FROM observations WHERE value_kind = 'actual'
    ORDER BY unit_code, indicator_code
"""
_ACTUAL_PERIODS = """
    SELECT DISTINCT indicator_code, freq, year, sub, 'actual' AS value_kind
    FROM observations WHERE value_kind = 'actual'
    ORDER BY indicator_code, freq, year, sub
"""
_LATEST_ACTUAL = """
    SELECT freq, year, sub FROM observations WHERE value_kind = 'actual'
    ORDER BY year DESC, (CASE freq WHEN 'Y' THEN 12 WHEN 'H' THEN sub * 6
                         WHEN 'Q' THEN sub * 3 ELSE sub END) DESC LIMIT 1
"""

_SELECT = {
    "benchmark_pairs": "SELECT * FROM benchmark_pairs ORDER BY id",
    "gaps": "SELECT * FROM gaps ORDER BY unit_code, id",
    "phases": "SELECT * FROM phases ORDER BY start_date, id",
    "milestones": "SELECT * FROM milestones ORDER BY due_date, id",
    "import_profiles": "SELECT * FROM import_profiles ORDER BY name",
}
_INSERT = {
    "benchmark_pairs": "INSERT INTO benchmark_pairs BY NAME SELECT * FROM incoming",
    "gaps": "INSERT INTO gaps BY NAME SELECT * FROM incoming",
    "phases": "INSERT INTO phases BY NAME SELECT * FROM incoming",
    "milestones": "INSERT INTO milestones BY NAME SELECT * FROM incoming",
}
_CLEAR = {
    "benchmark_pairs": "DELETE FROM benchmark_pairs",
    "gaps": "DELETE FROM gaps",
    "phases": "DELETE FROM phases",
    "milestones": "DELETE FROM milestones",
}
_SELECT_UNITS_IN = "SELECT * FROM units WHERE list_contains(?, code) ORDER BY code"
_SELECT_INDICATORS_IN = "SELECT * FROM indicators WHERE list_contains(?, code) ORDER BY code"
_BATCH_SUMMARY = "SELECT file_name, who, rows_new, rows_changed FROM batches WHERE id = ?"
_UNDO_COUNTS = """
    SELECT (SELECT count(*) FROM observations WHERE batch_id = $batch)
         - (SELECT count(*) FROM observation_history WHERE batch_id = $batch AND existed),
           (SELECT count(*) FROM observation_history WHERE batch_id = $batch AND existed)
"""
"""Figures an undo removes (keys the batch created) and puts back (values it replaced)."""
_UNDO_SAMPLE = """
    SELECT o.unit_code, o.indicator_code, o.freq, o.year, o.sub, o.value_kind,
           o.value AS value_now, h.old_value AS value_after
    FROM observations AS o
    LEFT JOIN observation_history AS h
      ON h.batch_id = $batch AND h.existed
     AND h.unit_code = o.unit_code AND h.indicator_code = o.indicator_code
     AND h.freq = o.freq AND h.year = o.year AND h.sub = o.sub AND h.value_kind = o.value_kind
    WHERE o.batch_id = $batch
    ORDER BY h.old_value IS NULL, o.year DESC, o.sub DESC, o.indicator_code, o.unit_code
    LIMIT $limit
"""
"""A sample of what an undo changes, replaced values first: now → after (NULL: removed)."""

_APPEND_AUDIT = """
    INSERT INTO audit_log (who, action, target, before_json, after_json)
    VALUES (?, ?, ?, ?, ?)
"""
_SELECT_AUDIT = """
    SELECT id, logged_at, who, action, target, before_json, after_json FROM audit_log
    WHERE ($action IS NULL OR action = $action) ORDER BY id DESC LIMIT $limit OFFSET $offset
"""
_COUNT_AUDIT = "SELECT count(*) FROM audit_log WHERE ($action IS NULL OR action = $action)"

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

_CURRENT_DATABASE = "SELECT current_database()"
_ATTACH_BACKUP = "ATTACH ? AS bxgc_backup"
_COPY_TO_BACKUP_FROM = "COPY FROM DATABASE "
_COPY_TO_BACKUP_TO = " TO bxgc_backup"
_DETACH_BACKUP = "DETACH bxgc_backup"

_SEQUENCES = """
    SELECT sequence_name, COALESCE(last_value, start_value - 1) FROM duckdb_sequences()
    WHERE database_name = current_database() AND schema_name = 'main'
"""
"""Each sequence of the open file and the last value it handed out."""
_ADVANCE_SEQUENCE = "SELECT max(nextval(?)) FROM range(?)"
_SET_DATA_VERSION = "INSERT OR REPLACE INTO meta VALUES ('data_version', CAST(? AS VARCHAR))"
_ALL_AUDIT = """
    SELECT id, logged_at, who, action, target, before_json, after_json FROM audit_log ORDER BY id
"""
_BATCH_IDS = "SELECT id FROM batches ORDER BY id"
_CARRY_AUDIT = """
    INSERT INTO audit_log (id, logged_at, who, action, target, before_json, after_json)
    SELECT CASE WHEN a.id IS NULL THEN c.id ELSE nextval('audit_ids') END,
           c.logged_at, c.who, c.action, c.target, c.before_json, c.after_json
    FROM carried AS c LEFT JOIN audit_log AS a ON a.id = c.id
    WHERE a.id IS NULL
       OR (a.logged_at, a.who, a.action, a.target, a.before_json, a.after_json)
          IS DISTINCT FROM (c.logged_at, c.who, c.action, c.target, c.before_json, c.after_json)
    ORDER BY c.id
"""
"""The replaced file's audit rows (``carried``) that the restored file lacks, with their
ids; a row whose id the restored file gives to another row (a backup of another lineage)
gets a new one."""
_END_ALL_SESSIONS = """
    UPDATE sessions SET ended_at = ?, end_reason = 'restore' WHERE ended_at IS NULL
    RETURNING token_hash
"""

_SAVE_SETTING = "INSERT OR REPLACE INTO settings VALUES (?, ?)"
_GET_SETTING = "SELECT value_json FROM settings WHERE key = ?"
_UPSERT_RULE = "INSERT OR REPLACE INTO reward_rules VALUES (?, ?)"
_SELECT_RULES = "SELECT body_json FROM reward_rules ORDER BY rule_id"
_CLEAR_RULES = "DELETE FROM reward_rules"


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


_DAMAGE = re.compile(
    r"corrupt|checksum|not a valid duckdb|could not read|failed to deserialize", re.IGNORECASE
)


def _is_damage(exc: Exception) -> bool:
    """Whether a driver error says the file itself is damaged (cut short, wrong bytes, not a
    database): the cure is a backup, not another try."""
    if isinstance(exc, duckdb.SerializationException):
        return True
    return bool(_DAMAGE.search(str(exc))) and not _is_lock_error(exc)


class Store:
    """A DuckDB file of units, indicators and their observations.

    Parameters
    ----------
    path
        The database file; created (with the schema) on first use.
    timeout
        Seconds to keep retrying while another process holds the file.
    actor
        On whose behalf writes are made; the default, an anonymous viewer, may only read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "x.duckdb")
    >>> store.schema_version() == LATEST
    True
    """

    def __init__(
        self, path: str | Path | None = None, *, timeout: float = 30.0, actor: Actor = VIEWER
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.timeout = timeout
        self.actor = actor
        self._migrated = False
        self._shared = threading.local()

    def as_actor(self, actor: Actor) -> Store:
        """The same file, acting for ``actor``."""
        other = Store(self.path, timeout=self.timeout, actor=actor)
        other._migrated = self._migrated
        return other

    # --- connections ------------------------------------------------------------------------

    def _open(self, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.timeout
        pause = 0.01
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if not _is_lock_error(exc):
                    raise self._failed(exc) from exc
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"数据库 {self.path} 正被其他程序占用，请稍后重试。",
                        f"The database {self.path} is held by another process; try again shortly.",
                    ) from exc
                time.sleep(pause * (1 + random.random()))
                pause = min(pause * 2, 0.25)
                continue
            except duckdb.Error as exc:
                raise self._failed(exc) from exc
            con.execute(_UTC)
            return con

    def _unreadable(self, exc: Exception) -> CorruptDatabaseError:
        command = RESTORE_COMMAND
        if self.path.resolve() != default_path().resolve():
            command += f" --db {self.path}"
        return CorruptDatabaseError(
            f"无法读取数据库文件 {self.path}，文件已损坏或不是数据库（{exc}）。"
            f"请先停止导入，再用 `{command}` 从最新备份恢复"
            "（`python -m bxgc_metrics restore --list` 列出全部备份）。",
            f"Cannot read the database file {self.path}: it is damaged or not a database "
            f"({exc}). Stop importers, then bring back the newest backup with `{command}` "
            "(`python -m bxgc_metrics restore --list` lists them all).",
        )

    def _failed(self, exc: duckdb.Error) -> StoreError:
        """A driver error as the project's own: damage points to the restore command."""
        if _is_damage(exc):
            return self._unreadable(exc)
        return StoreError(f"数据库操作失败：{exc}", f"Database operation failed: {exc}")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Reads made inside (on this thread) share one connection instead of opening the
        file each time; writes still open their own. The file stays open, so another
        process waits, until the block ends: keep it short.

        >>> import tempfile, pathlib
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "x.duckdb")
        >>> with store.reading():
        ...     store.units().empty and store.indicators().empty
        True
        """
        if getattr(self._shared, "con", None) is not None:
            yield
            return
        with self._connection() as con:
            self._shared.con = con
            try:
                yield
            finally:
                self._shared.con = None

    @contextmanager
    def _connection(self, *, own: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection (or the one :meth:`reading` holds, unless ``own``); the
        schema is brought up to date on first use."""
        shared = None if own else getattr(self._shared, "con", None)
        if shared is not None:
            cursor = shared.cursor()  # the same open file; a result left unread stays here
            try:
                yield cursor
            except duckdb.Error as exc:
                raise self._failed(exc) from exc
            finally:
                cursor.close()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open()
        try:
            if not self._migrated:
                self._migrate(con)
                self._migrated = True
            yield con
        except duckdb.Error as exc:
            raise self._failed(exc) from exc
        finally:
            con.close()

    @contextmanager
    def _transaction(
        self,
        *,
        bump: bool = True,
        backup: str | None = None,
        backup_if: Callable[[duckdb.DuckDBPyConnection], bool] | None = None,
        check: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside one transaction: everything or nothing is written.

        ``check`` runs first on that connection (it may refuse). With ``backup`` the file
        is then copied to the backups folder, on the same connection, so nothing can
        change between the copy and the transaction; with ``backup_if`` too, only when it
        says (on that connection) that the write will change something.
        """
        with self._connection(own=True) as con:
            if check is not None:
                check(con)
            if backup is not None and (backup_if is None or backup_if(con)):
                self._backup(con, backup)
            con.begin()
            try:
                yield con
                if bump:
                    con.execute(_BUMP_DATA_VERSION)
                _pause_for_tests()
                con.commit()
            except BaseException:
                con.rollback()
                raise

    @contextmanager
    def _write(
        self,
        permission: str,
        *,
        backup: str | None = None,
        backup_if: Callable[[duckdb.DuckDBPyConnection], bool] | None = None,
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """:meth:`_transaction`, after checking that the actor holds ``permission``.

        Without ``backup`` the write is an edit: it is backed up (labelled with the
        permission) only when no backup is younger than ``BXGC_BACKUPS_EDIT_MINUTES``.

        An account's role and disabled flag are read from ``users`` on the connection
        that then writes, before the backup and the transaction, while this process holds
        the file and this file's write lock: nothing can change the account between the
        check and the commit (:mod:`bxgc_metrics.access` has the rule).
        """
        if backup is None:
            backup, backup_if = permission, self._edit_backup_due
        check = functools.partial(self._check_actor, permission=permission)
        with (
            _write_lock(self.path),
            self._transaction(backup=backup, backup_if=backup_if, check=check) as con,
        ):
            yield con

    def _check_actor(self, con: duckdb.DuckDBPyConnection, permission: str) -> None:
        """Refuse unless the actor, as ``users`` holds it now, has ``permission``."""
        # fetchall: the connection goes on to copy and write, with no result left open
        rows = [] if self.actor.operator else con.execute(_GET_USER, [self.actor.name]).fetchall()
        account = (str(rows[0][1]), bool(rows[0][2])) if rows else None
        access.require_account(self.actor, account, permission)

    def _audit(
        self,
        con: duckdb.DuckDBPyConnection,
        action: str,
        target: str | None,
        before: object = None,
        after: object = None,
    ) -> None:
        con.execute(_APPEND_AUDIT, _audit_row(self.actor.name, action, target, before, after))

    # --- backups ----------------------------------------------------------------------------

    def backup_dir(self) -> Path:
        """Where this file's backups go: ``backups/`` beside it."""
        return self.path.parent / "backups"

    def _edit_backup_due(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Whether an edit is backed up first: no backup is younger than the interval."""
        newest = backups(self.path)[:1]
        if not newest:
            return True
        age = dt.datetime.now() - backup_time(newest[0])
        return age >= dt.timedelta(
            minutes=_setting("BXGC_BACKUPS_EDIT_MINUTES", EDIT_BACKUP_MINUTES, 0)
        )

    def _backup(self, con: duckdb.DuckDBPyConnection, label: str) -> Path:
        # DuckDB copies the whole catalog (tables, constraints, sequences at their current
        # values) into a new file from this connection's snapshot; this process holds the
        # file lock, so nothing changes meanwhile. Copying the file itself would need a
        # CHECKPOINT, which races with a process still closing the write-ahead log.
        # Holding the lock also means no other backup of this file is being written, so a
        # half-written one left here was left by a process that died (kill -9) doing it.
        folder = self.backup_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for orphan in folder.iterdir():
            if _backup_of(orphan.name, self.path.stem, (".partial", ".partial.wal")):
                orphan.unlink(missing_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        safe = re.sub(r"[^0-9A-Za-z_.-]+", "_", label)[:40]
        target = folder / f"{self.path.stem}-{stamp}-{safe}.duckdb"
        partial = target.with_suffix(".partial")
        source = con.execute(_CURRENT_DATABASE).fetchone()[0]  # type: ignore[index]
        con.execute(_ATTACH_BACKUP, [str(partial)])
        try:
            con.execute(_COPY_TO_BACKUP_FROM + _quoted(source) + _COPY_TO_BACKUP_TO)
        finally:
            con.execute(_DETACH_BACKUP)
        os.replace(partial, target)
        _prune(self.path)
        return target

    def _migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        version = self._version(con)
        if version > LATEST:
            raise SchemaTooNewError(
                f"数据库 {self.path} 的结构版本为 {version}，本程序只支持到 {LATEST}，请升级程序。",
                f"The database {self.path} has schema version {version}; this release "
                f"supports up to {LATEST}. Please upgrade the program.",
            )
        if version == LATEST:
            return
        con.begin()
        try:
            for steps in MIGRATIONS[version:]:
                for sql in steps:
                    con.execute(sql)
            con.execute(_SET_VERSION, [str(LATEST)])
            con.commit()
        except BaseException:
            con.rollback()
            raise

    @staticmethod
    def _version(con: duckdb.DuckDBPyConnection) -> int:
        # Fetched to the end: a result left open would refuse the connection's next
        # register() (what a write's first step may be once the file is up to date).
        if not con.execute(_HAS_META).fetchall()[0][0]:
            return 0
        rows = con.execute(_GET_VERSION).fetchall()
        return int(rows[0][0]) if rows else 0

    # --- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The file's schema version (after any upgrade on open)."""
        with self._connection() as con:
            return self._version(con)

    def data_version(self) -> int:
        """A counter that grows with every committed write; cheap to poll."""
        with self._connection() as con:
            return int(con.execute(_GET_DATA_VERSION).fetchone()[0])  # type: ignore[index]

    # --- reference tables -------------------------------------------------------------------

    def upsert_units(self, frame: pd.DataFrame) -> None:
        """Add units or change those with the same code; a column ``frame`` leaves out
        keeps each stored unit's value (a new unit takes the default)."""
        with self._write("settings") as con:
            codes = [str(c) for c in frame["code"]]
            before = con.execute(_SELECT_UNITS_IN, [codes]).df()
            incoming = _keeping(frame, before, UNIT_COLUMNS, {"is_demo": False})
            con.register("incoming", incoming)
            con.execute(_UPSERT_UNITS)
            self._audit(con, "units", ",".join(codes)[:500], before, incoming)

    def upsert_indicators(self, frame: pd.DataFrame) -> None:
        """Add indicators or change those with the same code; a column ``frame`` leaves
        out keeps each stored indicator's value (a new one takes the default)."""
        defaults = {"is_demo": False, "allow_negative": False}
        with self._write("settings") as con:
            codes = [str(c) for c in frame["code"]]
            before = con.execute(_SELECT_INDICATORS_IN, [codes]).df()
            incoming = _keeping(frame, before, INDICATOR_COLUMNS, defaults)
            con.register("incoming", incoming)
            con.execute(_UPSERT_INDICATORS)
            self._audit(con, "indicators", ",".join(codes)[:500], before, incoming)

    def units(self) -> pd.DataFrame:
        """All units: ``code, name_zh, name_en, kind, parent_code, peer_group, is_demo``."""
        return self._frame(_SELECT_UNITS)

    def indicators(self) -> pd.DataFrame:
        """All indicators: code, names, measure, direction, kind, frequency, flags."""
        return self._frame(_SELECT_INDICATORS)

    def table(self, name: str) -> pd.DataFrame:
        """One of ``benchmark_pairs``, ``gaps``, ``phases``, ``milestones``, ``import_profiles``."""
        return self._frame(_SELECT[name])

    def replace_table(self, name: str, frame: pd.DataFrame) -> None:
        """Replace all rows of ``benchmark_pairs``, ``gaps``, ``phases`` or ``milestones``."""
        clear, insert = _CLEAR[name], _INSERT[name]
        with self._write("edit_gaps" if name == "gaps" else "settings") as con:
            before = con.execute(_SELECT[name]).df()
            con.execute(clear)
            if len(frame):
                con.register("incoming", frame.drop(columns=["id"], errors="ignore"))
                con.execute(insert)
            self._audit(con, name, name, before, con.execute(_SELECT[name]).df())

    def reward_rules(self) -> pd.DataFrame | None:
        """The stored reward rules table, or ``None`` if none was saved."""
        rows = self._frame(_SELECT_RULES)
        if rows.empty:
            return None
        return pd.DataFrame([json.loads(body) for body in rows["body_json"]])

    def save_reward_rules(self, rules: pd.DataFrame) -> None:
        """Replace the reward rules table; each row is kept as JSON keyed by ``rule_id``."""
        bodies = [
            (str(r["rule_id"]), json.dumps(r, ensure_ascii=False, default=str))
            for r in rules.to_dict("records")
        ]
        with self._write("rules") as con:
            before = [json.loads(b) for (b,) in con.execute(_SELECT_RULES).fetchall()]
            con.execute(_CLEAR_RULES)
            if bodies:
                con.executemany(_UPSERT_RULE, bodies)
            self._audit(
                con, "reward_rules", "reward_rules", before, [json.loads(b) for _, b in bodies]
            )

    def setting(self, key: str) -> object:
        """A named setting (any JSON value), or ``None``."""
        with self._connection() as con:
            row = con.execute(_GET_SETTING, [key]).fetchone()
        return None if row is None else json.loads(row[0])

    def save_setting(self, key: str, value: object) -> None:
        """Store a named setting as JSON."""
        with self._write("settings") as con:
            row = con.execute(_GET_SETTING, [key]).fetchone()
            con.execute(_SAVE_SETTING, [key, json.dumps(value, ensure_ascii=False)])
            self._audit(con, "setting", key, None if row is None else json.loads(row[0]), value)

    # --- observations -----------------------------------------------------------------------

    def write_observations(
        self,
        frame: pd.DataFrame | PreparedObservations,
        *,
        file_name: str,
        who: str | None = None,
        sha256: str | None = None,
        note: str | None = None,
        new_units: pd.DataFrame | None = None,
        new_indicators: pd.DataFrame | None = None,
    ) -> BatchResult:
        """Write observations as one batch, atomically.

        A key already stored with the same value is left alone; a different value
        replaces it and the old one is kept so :meth:`undo_batch` can bring it back. When
        nothing would change no batch is recorded and ``batch_id`` is ``None``.
        ``new_units`` and ``new_indicators`` are created in the same transaction.
        ``frame`` may be what :meth:`prepare_observations` returned for it; what is
        stored is compared again inside the write transaction either way.
        """
        prepared = frame if isinstance(frame, PreparedObservations) else _prepare(frame)
        table = prepared.table
        rows = table.num_rows
        found: list[_Stored] = []

        def changes(con: duckdb.DuckDBPyConnection) -> bool:
            # Read on the connection the write then uses, which holds the file: nothing can
            # change in between, so the write below reuses what it found.
            found.append(_Stored.find(con, table))
            news = [f for f in (new_units, new_indicators) if f is not None and len(f)]
            return bool(news) or found[0].count < rows or bool(found[0].differs.any())

        with self._write("import", backup="import", backup_if=changes) as con:
            self._create(con, new_units, new_indicators)
            self._check_codes(con, table)
            stored = found[0] if found else _Stored.find(con, table)
            new, changed = rows - stored.count, int(stored.differs.sum())
            unchanged = stored.count - changed
            if new + changed == 0:
                return BatchResult(None, rows, 0, 0, unchanged)
            who = who or self.actor.name or _current_user()
            params = [file_name, sha256, who, rows, new, changed, unchanged, note]
            batch_id = int(con.execute(_NEW_BATCH, params).fetchone()[0])  # type: ignore[index]
            if changed:
                con.register("replaced", stored.replaced(table))
                con.execute(_KEEP_HISTORY, [batch_id])
            if new:
                fresh = table.filter(pa.array(stored.new_rows(table))) if stored.count else table
                con.register("fresh", fresh)
                con.execute(_INSERT_NEW, [batch_id])
            if changed:
                con.execute(_UPDATE_CHANGED, [batch_id])
            counts = {"new": int(new), "changed": int(changed), "unchanged": int(unchanged)}
            self._audit(con, "import", file_name, None, {"batch": batch_id, "who": who, **counts})
            return BatchResult(batch_id, rows, int(new), int(changed), int(unchanged))

    def _create(
        self,
        con: duckdb.DuckDBPyConnection,
        units: pd.DataFrame | None,
        indicators: pd.DataFrame | None,
    ) -> None:
        """Add an import's new units and indicators, audited; a code already stored is
        refused, never replaced (its peer group, kind and names stay as they are)."""
        defaults = {"is_demo": False, "allow_negative": False}
        new = {
            name: _with_defaults(frame, columns, defaults)
            for name, frame, columns in (
                ("units", units, UNIT_COLUMNS),
                ("indicators", indicators, INDICATOR_COLUMNS),
            )
            if frame is not None and len(frame)
        }
        codes = {name: [str(c) for c in frame["code"]] for name, frame in new.items()}
        taken = con.execute(_TAKEN_CODES, [codes.get("units", []), codes.get("indicators", [])])
        found = taken.fetchall()
        if found:
            listed = ", ".join(f"{what} {code!r}" for what, code in found)
            raise StoreError(
                f"新建的单位或指标代码已存在：{listed}，未写入任何数据。请重新分析文件后再导入。",
                f"New unit or indicator codes are taken already: {listed}; nothing was "
                "written. Analyse the file again and import.",
            )
        for name, frame in new.items():
            con.register("incoming", frame)
            con.execute(_INSERT_UNITS if name == "units" else _INSERT_INDICATORS)
            self._audit(con, name, ",".join(codes[name])[:500], None, frame)

    @staticmethod
    def _check_codes(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
        distinct = [pc.unique(table.column(c)).to_pylist() for c in ("unit_code", "indicator_code")]
        unknown = con.execute(_UNKNOWN_CODES, distinct).fetchall()
        if unknown:
            listed = ", ".join(f"{what} {code!r}" for what, code in unknown)
            raise StoreError(
                f"未知的单位或指标代码：{listed}。请先在设置中添加。",
                f"Unknown unit or indicator codes: {listed}. Add them in the settings first.",
            )

    def undo_batch(self, batch_id: int) -> None:
        """Take a batch back: its new rows go, the values it replaced return."""

        def allowed(con: duckdb.DuckDBPyConnection) -> bool:  # else refused below, unchanged
            row = con.execute(_SELECT_BATCH, [batch_id]).fetchone()
            later = con.execute(_LATER_BATCHES, [batch_id]).fetchall()
            return row is not None and row[0] == "committed" and not later

        with self._write("undo", backup=f"undo-{batch_id}", backup_if=allowed) as con:
            row = con.execute(_SELECT_BATCH, [batch_id]).fetchone()
            if row is None or row[0] != "committed":
                raise StoreError(
                    f"批次 {batch_id} 不存在或已撤销。",
                    f"Batch {batch_id} does not exist or was already undone.",
                )
            later = [r[0] for r in con.execute(_LATER_BATCHES, [batch_id]).fetchall()]
            if later:
                names = ", ".join(str(b) for b in later)
                raise BatchConflictError(
                    f"批次 {batch_id} 的部分数据已被后来的批次 {names} 改写，请先撤销这些批次。",
                    f"Values of batch {batch_id} were replaced by later batches {names}; "
                    "undo those first.",
                )
            con.execute(_DELETE_BATCH_ROWS, [batch_id])
            con.execute(_RESTORE_REPLACED, [batch_id])
            con.execute(_MARK_UNDONE, [batch_id])
            summary = con.execute(_BATCH_SUMMARY, [batch_id]).df()
            self._audit(con, "undo", str(batch_id), summary, None)

    def undo_preview(self, batch_id: int, sample: int = 5) -> UndoPreview:
        """What :meth:`undo_batch` would do to ``batch_id``, without doing it."""
        with self._connection() as con:
            row = con.execute(_SELECT_BATCH, [batch_id]).fetchone()
            if row is None or row[0] != "committed":
                raise StoreError(
                    f"批次 {batch_id} 不存在或已撤销。",
                    f"Batch {batch_id} does not exist or was already undone.",
                )
            params = {"batch": batch_id}
            removed, restored = con.execute(_UNDO_COUNTS, params).fetchone() or (0, 0)
            later = [r[0] for r in con.execute(_LATER_BATCHES, [batch_id]).fetchall()]
            rows = con.execute(_UNDO_SAMPLE, {**params, "limit": sample}).df()
        return UndoPreview(batch_id, int(removed), int(restored), tuple(later), rows)

    def preview_observations(self, frame: pd.DataFrame) -> pd.DataFrame:
        """What writing ``frame`` would do, without writing.

        Columns: the observation columns plus ``old_value, old_batch_id`` and ``status``
        (``new``, ``changed`` or ``unchanged``).
        """
        return self.prepare_observations(frame).preview

    def prepare_observations(self, frame: pd.DataFrame) -> PreparedObservations:
        """``frame`` checked for writing, with its :meth:`preview_observations`; pass the
        result to :meth:`write_observations` to write the same rows without checking and
        converting them again."""
        prepared = _prepare(frame)
        with self._connection() as con:
            stored = _Stored.find(con, prepared.table)
        incoming = prepared.frame
        n = len(incoming)
        status = np.zeros(n, dtype=np.int8)
        status[stored.row_id] = np.where(stored.differs, 1, 2)
        old_value = np.full(n, np.nan)
        old_value[stored.row_id] = stored.old_value
        batch = np.zeros(n, dtype=np.int32)
        batch[stored.row_id] = stored.old_batch_id
        unmatched = np.ones(n, dtype=bool)
        unmatched[stored.row_id] = False
        # as DuckDB gives a nullable INTEGER column: Int32 when a value is missing
        old_batch = pd.arrays.IntegerArray(batch, unmatched) if unmatched.any() else batch
        preview = incoming.reset_index(drop=True).assign(
            old_value=old_value,
            old_batch_id=old_batch,
            status=pd.array(_PREVIEW_STATUS, dtype=str).take(status),
        )
        return PreparedObservations(incoming, prepared.table, preview)

    def observations_for_indicators(self, codes: list[str]) -> pd.DataFrame:
        """Every stored observation of these indicators (no period label)."""
        return self._frame(_FOR_INDICATORS, [list(codes)])

    def save_profile(self, name: str, mapping: dict) -> None:
        """Save a confirmed import mapping under ``name`` (replacing one of that name)."""
        body = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
        with self._write("profile") as con:
            row = con.execute(_GET_PROFILE, [name]).fetchone()
            con.execute(_SAVE_PROFILE, [name, body])
            self._audit(con, "profile", name, None if row is None else json.loads(row[0]), mapping)

    def profile(self, name: str) -> dict | None:
        """A saved import profile, or ``None``."""
        with self._connection() as con:
            row = con.execute(_GET_PROFILE, [name]).fetchone()
        return None if row is None else json.loads(row[0])

    def batches(self) -> pd.DataFrame:
        """Every import batch, newest first."""
        return self._frame(_SELECT_BATCHES)

    def batch_with_sha256(self, sha256: str) -> int | None:
        """The newest committed batch that came from a file with this hash."""
        with self._connection() as con:
            row = con.execute(_FIND_SHA, [sha256]).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def observations(
        self,
        *,
        unit: str | None = None,
        indicator: str | None = None,
        value_kind: str | None = None,
        freq: str | None = None,
    ) -> pd.DataFrame:
        """Stored observations, optionally filtered, with a ``period`` label column.

        Columns: ``unit_code, indicator_code, freq, year, sub, value_kind, value,
        cumulative, batch_id, period``.
        """
        params = {"unit": unit, "indicator": indicator, "value_kind": value_kind, "freq": freq}
        frame = self._frame(_SELECT_OBSERVATIONS, params)
        frame["period"] = periods.labels(frame["freq"], frame["year"], frame["sub"])
        return frame

    def export_long(self) -> pd.DataFrame:
        """All observations in long form by display name.

        Columns: ``unit, indicator, period, kind, value, measure, cumulative, unit_code,
        indicator_code``.
        """
        frame = self._frame(_EXPORT)
        frame.insert(2, "period", periods.labels(frame["freq"], frame["year"], frame["sub"]))
        return frame.drop(columns=["freq", "year", "sub"])

    def count_observations(self) -> int:
        """How many observations are stored."""
        with self._connection() as con:
            return int(con.execute(_COUNT_OBSERVATIONS).fetchone()[0])  # type: ignore[index]

    def latest_actual_period(self) -> periods.Period | None:
        """The latest period with an actual value, or ``None`` when there is none."""
        with self._connection() as con:
            row = con.execute(_LATEST_ACTUAL).fetchone()
        return None if row is None else periods.Period(int(row[1]), row[0], int(row[2]))

    # --- scoped reads (what one page view needs, not the whole table) ---------------------

    def observations_in(
        self,
        *,
        indicators: Sequence[str] | None = None,
        units: Sequence[str] | None = None,
        value_kinds: Sequence[str] | None = None,
        freqs: Sequence[str] | None = None,
        years: tuple[int, int] | None = None,
        periods: Sequence[tuple[int, int]] | None = None,
    ) -> pd.DataFrame:
        """The stored observations inside a scope, with a ``period`` label column.

        Each argument left ``None`` does not restrict. ``years`` is an inclusive
        ``(first, last)`` range; ``periods`` lists ``(year, sub)`` pairs of any of
        ``freqs`` (an annual figure has ``sub`` 0, so ``(2026, 0)`` is the 2026 target
        row). Columns as :meth:`observations`, in the same order.

        Examples
        --------
        One indicator's June figures of 2025 and 2026 and the two annual targets::

            store.observations_in(indicators=["GDP"], freqs=["M", "Y"],
                                  periods=[(2025, 6), (2026, 6), (2025, 0), (2026, 0)])
        """
        if periods is not None and years is None and len(periods):
            # A year range as well lets DuckDB skip row groups by their min/max year.
            years = (min(int(y) for y, _ in periods), max(int(y) for y, _ in periods))
        params = {
            "indicators": None if indicators is None else [str(c) for c in indicators],
            "units": None if units is None else [str(c) for c in units],
            "kinds": None if value_kinds is None else [str(k) for k in value_kinds],
            "freqs": None if freqs is None else [str(f) for f in freqs],
            "first_year": None if years is None else int(years[0]),
            "last_year": None if years is None else int(years[1]),
            "periods": None if periods is None else [int(y) * 100 + int(s) for y, s in periods],
        }
        frame = self._frame(_SELECT_SCOPED, params)
        frame["period"] = label_periods(frame["freq"], frame["year"], frame["sub"])
        return frame

    def coverage(self) -> pd.DataFrame:
        """Which unit has actual figures of which indicator.

        Columns ``unit_code, indicator_code, value_kind`` (always ``actual``), one row
        per pair.
        """
        return self._frame(_COVERAGE)

    def actual_periods(self) -> pd.DataFrame:
        """Every period with at least one actual figure, per indicator.

        Columns ``indicator_code, freq, year, sub, value_kind`` (always ``actual``): the
        shape :func:`bxgc_metrics.tables.progress.latest_period` and
        :func:`bxgc_metrics.tables.standings.previous_period` read.
        """
        return self._frame(_ACTUAL_PERIODS)

    # --- audit log (append-only) -------------------------------------------------------------

    def append_audit(
        self, action: str, target: str | None = None, before: object = None, after: object = None
    ) -> None:
        """Record an event that changes no data (a sign-in, a restore) under this actor."""
        with self._transaction(bump=False) as con:
            self._audit(con, action, target, before, after)

    def audit_log(
        self, *, action: str | None = None, limit: int | None = None, offset: int = 0
    ) -> pd.DataFrame:
        """The audit log, newest first (admins only): every row, or ``limit`` rows after
        the newest ``offset`` (a page; :meth:`audit_count` says how many there are).

        Columns: ``id, logged_at, who, action, target, before_json, after_json``.
        """
        access.require(self.actor, "audit")
        params = {"action": action, "limit": limit, "offset": max(0, int(offset))}
        return self._frame(_SELECT_AUDIT, params)

    def audit_count(self, *, action: str | None = None) -> int:
        """How many rows the audit log has (of ``action``, if given; admins only)."""
        access.require(self.actor, "audit")
        with self._connection() as con:
            return int(con.execute(_COUNT_AUDIT, {"action": action}).fetchone()[0])  # type: ignore[index]

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
            con.execute(
                _APPEND_AUDIT, _audit_row("system", "user_create", "admin", None, {"role": "admin"})
            )
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
            self._audit(con, "user_create", username, None, {"role": role})

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
                now = _utcnow()
                ended = len(con.execute(_END_USER_SESSIONS, [now, username]).fetchall())
            if digest is not None:
                con.execute(_SET_PASSWORD, [digest, username])
            after = {
                "role": role or row[1],
                "disabled": bool(row[2] if disabled is None else disabled),
            }
            after["password_changed"] = digest is not None
            if ended is not None:
                after["sessions_ended"] = ended
            self._audit(con, "user_update", username, before, after)

    def account_role(self, username: str) -> str | None:
        """The role of an enabled account, or ``None`` (for OpenID Connect sign-ins)."""
        with self._connection() as con:
            row = con.execute(_GET_USER, [username]).fetchone()
        return None if row is None or row[2] else str(row[1])

    def users(self) -> pd.DataFrame:
        """Accounts without their hashes (admins only): ``username, role, created_at, disabled``."""
        access.require(self.actor, "users")
        return self._frame(_SELECT_USERS)

    def _check_password(self, name: str, password: str) -> Actor | None:
        """The account's actor if the password is right and the account enabled.

        Every name takes the same steps — one look-up, one argon2 verification — so an
        unknown name answers as slowly as a real one: an unknown name, an over-long name or
        an over-long password is checked against a stand-in hash and fails.
        """
        with self._connection() as con:
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
        with _write_lock(self.path), self._transaction(bump=False) as con:
            found = con.execute(_RECENT_FAILURES, params).fetchall()[0]
            by_name, name_last, by_address, address_last = found
            wait = max(
                _wait(by_name, name_last, access.FREE_FAILURES_ACCOUNT, now),
                _wait(by_address, address_last, access.FREE_FAILURES_ADDRESS, now),
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
        session: tuple[str, dt.datetime, dt.datetime] | None = None,
    ) -> None:
        """Record a sign-in's outcome in the audit log; a success forgets the name's
        failures and opens ``session`` (token hash, start, expiry) in the same transaction."""
        where = {"address": address} if address else {}
        with _write_lock(self.path), self._transaction(bump=False) as con:
            if actor is None:
                con.execute(_APPEND_AUDIT, _audit_row(name, "sign_in_failed", name, None, where))
                return
            con.execute(_FORGET_ACCOUNT_FAILURES, [name])
            after: dict[str, object] = dict(where)
            if session is not None:
                digest, start, expires = session
                con.execute(_CREATE_SESSION, [digest, name, start, expires])
                after["session"] = digest[:12]
                after["expires_at"] = expires.isoformat(timespec="seconds")
            con.execute(_APPEND_AUDIT, _audit_row(name, "sign_in", name, None, after or None))

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
        name, now = access.clip(username, access.MAX_USERNAME), now or _utcnow()
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
        name, now = access.clip(username, access.MAX_USERNAME), now or _utcnow()
        self._begin_attempt(name, address, now)
        actor = self._check_password(name, password)
        token = access.new_session_token()
        session = (access.token_hash(token), now, now + dt.timedelta(hours=hours))
        self._end_attempt(name, address, actor, session if actor else None)
        return None if actor is None else (actor, token)

    def session_actor(self, token: str | None, *, now: dt.datetime | None = None) -> Actor | None:
        """Who holds the session ``token``: the account with its current role, or ``None``.

        ``None`` for an unknown, ended or expired session or a disabled account. The first
        look at an expired session ends it and records the expiry in the audit log.
        """
        if not token:
            return None
        now = now or _utcnow()
        digest = access.token_hash(token)
        with self._connection() as con:
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
        return self._end_session(access.token_hash(token), "sign_out", now or _utcnow())

    def _end_session(self, digest: str, reason: str, now: dt.datetime) -> bool:
        """End one session (by its hash) and record it under the session's user."""
        action = {"sign_out": "sign_out", "expired": "session_expired"}[reason]
        with _write_lock(self.path), self._transaction(bump=False) as con:
            row = con.execute(_END_SESSION, [now, reason, digest]).fetchone()
            if row is None:
                return False
            after = {"session": digest[:12]}
            con.execute(_APPEND_AUDIT, _audit_row(row[0], action, row[0], None, after))
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
            self._audit(con, "wall_token_revoke", found[0][1], None, {"id": token_id})

    def wall_tokens(self) -> pd.DataFrame:
        """Tokens without their hashes (admins only): ``id, label, created_at, revoked_at``."""
        access.require(self.actor, "wall_tokens")
        return self._frame(_SELECT_TOKENS)

    def wall_token_label(self, token: str) -> str | None:
        """The label of a valid (not revoked) token, or ``None``."""
        with self._connection() as con:
            row = con.execute(_VALID_TOKEN, [access.token_hash(token)]).fetchone()
        return None if row is None else str(row[0])

    # --- helpers ----------------------------------------------------------------------------

    def _frame(self, sql: str, params: Any = None) -> pd.DataFrame:
        with self._connection() as con:
            return con.execute(sql, params).df()


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    """One lock per database file in this process: writes from two sessions of the app
    queue instead of racing (between processes DuckDB's file lock does the same)."""
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


def _keeping(
    frame: pd.DataFrame, stored: pd.DataFrame, columns: tuple[str, ...], defaults: dict
) -> pd.DataFrame:
    """``frame`` with all ``columns``: one it leaves out takes each code's ``stored``
    value, or the default for a code not stored yet."""
    out = frame.copy()
    by_code = stored.set_index("code")
    known = out["code"].isin(by_code.index).to_numpy()
    for column in columns:
        if column not in out.columns:
            values = pd.Series(defaults.get(column), index=out.index, dtype=object)
            if column in by_code and known.any():
                values[known] = out["code"][known].map(by_code[column]).astype(object)
            out[column] = values
    return out[list(columns)]


def _with_defaults(frame: pd.DataFrame, columns: tuple[str, ...], defaults: dict) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column not in out.columns:
            out[column] = defaults.get(column)
    return out[list(columns)]


@dataclass(frozen=True)
class PreparedObservations:
    """Observations checked for writing (:meth:`Store.prepare_observations`)."""

    frame: pd.DataFrame
    """The observation columns, typed as stored, in the order given."""
    table: pa.Table
    """The same rows as Arrow, ordered by year and period (the order new rows are
    stored in), with ``row_id``, each row's position in :attr:`frame`."""
    preview: pd.DataFrame
    """What writing them would have done when they were prepared
    (:meth:`Store.preview_observations`)."""


def _prepare(frame: pd.DataFrame) -> PreparedObservations:
    """``frame`` checked (:func:`_observation_frame`) and as an Arrow table ordered by year
    and period, text as dictionaries; no preview."""
    typed = _observation_frame(frame, check=False)
    table = _arrow(typed)  # a categorical column becomes a dictionary as it is
    table = pa.table(
        {
            name: pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
            else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    if _has_duplicates_coded(table, typed):
        raise _duplicates_error()
    incoming = _with_text(typed)
    table = table.append_column("row_id", pa.array(np.arange(len(incoming))))
    order = _period_order(incoming["year"].to_numpy(), incoming["sub"].to_numpy())
    if order is not None:
        table = table.take(pa.array(order))
    return PreparedObservations(incoming, table, pd.DataFrame())


def _period_order(year: np.ndarray, sub: np.ndarray) -> np.ndarray | None:
    """The stable order of rows by year and period, or ``None`` when they are in it."""
    if not len(year):
        return None
    key = (year.astype(np.int64) - int(year.min())) * 256 + (sub.astype(np.int64) + 128)
    if bool((key[1:] >= key[:-1]).all()):
        return None
    small = int(key.max()) < 2**16  # a 16-bit key sorts by radix, in one pass
    return np.argsort(key.astype(np.uint16) if small else key, kind="stable")


def _has_duplicates_coded(table: pa.Table, frame: pd.DataFrame) -> bool:
    """:func:`_has_duplicates` of the key, reading text columns' codes from their Arrow
    dictionaries (``table``) instead of coding them again."""
    columns: list[np.ndarray] = []
    for name in OBSERVATION_KEY:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            chunks = column.chunks
            if len(chunks) != 1:
                return _has_duplicates(frame, OBSERVATION_KEY)
            indices = pc.fill_null(chunks[0].indices.cast(pa.int64()), -1)  # missing: -1
            columns.append(indices.to_numpy() + 1)
        elif name in ("year", "sub"):
            values = frame[name].to_numpy().astype(np.int64)
            columns.append(values - int(values.min()) if len(values) else values)
        else:
            return _has_duplicates(frame, OBSERVATION_KEY)
    codes = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for level in columns:
        size = int(level.max(initial=0)) + 1
        if span > 2**62 // size:
            codes, _ = pd.factorize(codes)  # renumber densely so the product stays in range
            span = int(codes.max(initial=0)) + 1
        codes, span = codes * size + level, span * size
    if span <= max(16 * len(codes), 1 << 20):  # few possible keys: count them directly
        return bool(len(codes)) and int(np.bincount(codes, minlength=1).max()) > 1
    return bool(pd.Series(codes).duplicated().any())


def _with_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its categorical columns of text as text columns."""
    coded = {
        name: categorical_text(column)
        for name, column in frame.items()
        if isinstance(column.dtype, pd.CategoricalDtype)
        and pd.api.types.infer_dtype(column.cat.categories, skipna=True) in ("string", "empty")
    }
    return frame.assign(**coded) if coded else frame


def categorical_text(column: pd.Series) -> pd.Series:
    """A categorical column of text as a text column, its codes looked up in one go."""
    categories = pa.array(column.cat.categories.to_numpy(dtype=object), type=pa.large_string())
    codes = column.cat.codes.to_numpy()
    missing = codes < 0
    taken = pc.take(categories, pa.array(codes, mask=missing if missing.any() else None))
    text = taken.to_pandas(types_mapper=lambda _t: pd.StringDtype("pyarrow", np.nan))
    return pd.Series(text.array, index=column.index, name=column.name)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow, each column typed as DuckDB reads it from pandas."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError):  # e.g. a column mixing codes and numbers
        con = duckdb.connect()
        try:
            con.register("frame", frame)
            return con.sql("SELECT * FROM frame").to_arrow_table()
        finally:
            con.close()


@dataclass(frozen=True)
class _Stored:
    """The incoming rows whose key is stored (:data:`_STORED`)."""

    row_id: np.ndarray
    differs: np.ndarray
    old_value: np.ndarray
    old_cumulative: np.ndarray
    old_batch_id: np.ndarray

    @classmethod
    def find(cls, con: duckdb.DuckDBPyConnection, table: pa.Table) -> _Stored:
        con.register("incoming", table)
        found = con.execute(_STORED).fetchnumpy()
        return cls(
            np.asarray(found["row_id"], dtype=np.int64),
            np.asarray(np.ma.filled(found["differs"], False), dtype=bool),
            np.asarray(found["old_value"], dtype=np.float64),
            np.asarray(found["old_cumulative"], dtype=bool),
            np.asarray(found["old_batch_id"], dtype=np.int32),
        )

    @property
    def count(self) -> int:
        """How many incoming keys are stored."""
        return len(self.row_id)

    def new_rows(self, table: pa.Table) -> np.ndarray:
        """Which rows of ``table`` have a key not stored."""
        stored = np.zeros(table.num_rows, dtype=bool)
        stored[self.row_id] = True
        return ~stored[table.column("row_id").to_numpy()]

    def replaced(self, table: pa.Table) -> pa.Table:
        """The rows of ``table`` whose stored value differs, with the stored value."""
        position = np.empty(table.num_rows, dtype=np.int64)
        position[table.column("row_id").to_numpy()] = np.arange(table.num_rows)
        picked = self.differs
        return (
            table.take(pa.array(position[self.row_id[picked]]))
            .append_column("old_value", pa.array(self.old_value[picked]))
            .append_column("old_cumulative", pa.array(self.old_cumulative[picked]))
            .append_column("old_batch_id", pa.array(self.old_batch_id[picked]))
        )


def _observation_frame(frame: pd.DataFrame, *, check: bool = True) -> pd.DataFrame:
    """The observation columns of ``frame`` typed as stored; a key given twice is refused
    (unless ``check`` is false: then the caller checks)."""
    missing = [c for c in OBSERVATION_COLUMNS if c not in frame.columns]
    if missing:
        raise StoreError(f"缺少列：{missing}", f"Missing columns: {missing}")
    out = frame[list(OBSERVATION_COLUMNS)].copy()
    out["year"] = out["year"].astype("int16")
    out["sub"] = out["sub"].astype("int8")
    out["value"] = out["value"].astype("float64")
    out["cumulative"] = out["cumulative"].astype(bool)
    if check and _has_duplicates(out, OBSERVATION_KEY):
        raise _duplicates_error()
    return out


def _duplicates_error() -> StoreError:
    return StoreError("同一数据在批次中出现多次。", "The same figure appears twice in the batch.")


def _has_duplicates(frame: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    """Whether two rows agree on ``columns`` (``frame.duplicated(columns).any()``, with the
    columns coded as one integer instead of compared as tuples)."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        level, distinct = pd.factorize(frame[column], use_na_sentinel=False)
        if len(distinct) and int(codes.max(initial=0)) + 1 > 2**62 // len(distinct):
            codes, _ = pd.factorize(codes)  # renumber densely so the product stays in range
        codes = codes * len(distinct) + level
    return bool(pd.Series(codes).duplicated().any())


_STAMP = re.compile(r"(\d{8}-\d{6}-\d{6})-")
"""The time in a backup's name, ``<stem>-20261130-091500-123456-<label>.duckdb``."""


def _backup_of(name: str, stem: str, suffixes: tuple[str, ...]) -> bool:
    """Whether ``name`` is a backup file of the database ``stem`` ending in ``suffixes``."""
    head = stem + "-"
    return (
        name.startswith(head)
        and name.endswith(suffixes)
        and _STAMP.match(name, len(head)) is not None
    )


def backups(db: str | Path) -> list[Path]:
    """Backups of the database file ``db``, newest first."""
    db = Path(db)
    folder = db.parent / "backups"
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _backup_of(p.name, db.stem, (".duckdb",))]
    return sorted(found, key=lambda p: p.name, reverse=True)


def backup_time(backup: Path) -> dt.datetime:
    """When a backup was taken, in the server's local time (from its name, else the file's
    modification time)."""
    found = _STAMP.search(backup.name)
    if found is not None:
        try:
            return dt.datetime.strptime(found.group(1), "%Y%m%d-%H%M%S-%f")
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(backup.stat().st_mtime)


def _prune(db: Path) -> None:
    """Keep the newest ``BXGC_BACKUPS_KEEP`` backups and the first backup of each of the last
    ``BXGC_BACKUPS_DAYS`` days (the state that day's work started from); delete the rest."""
    found = backups(db)
    keep = set(found[: _setting("BXGC_BACKUPS_KEEP", BACKUPS_KEPT, 1)])
    days = _setting("BXGC_BACKUPS_DAYS", BACKUP_DAYS, 0)
    since = dt.date.today() - dt.timedelta(days=days - 1)
    first: dict[dt.date, Path] = {}
    for path in found:  # newest first: the last one seen of a day is that day's first
        day = backup_time(path).date()
        if days and day >= since:
            first[day] = path
    keep.update(first.values())
    for path in found:
        if path not in keep:
            path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    """What :func:`restore` did."""

    kept: Path
    """Where the replaced file was kept (``db`` itself when there was none)."""
    data_version: int
    """The restored file's data version, above any the replaced file had."""
    carried: int
    """Audit rows written after the backup was taken, carried into the restored file."""
    sessions_ended: int
    """Sign-in sessions ended: everyone signs in again."""
    replaced_readable: bool
    """Whether the replaced file could be read; if not, nothing could be carried from it
    (its audit rows are in the kept file)."""


@dataclass(frozen=True)
class _Replaced:
    """What a restore reads from the file it replaces, to move past it."""

    data_version: int
    sequences: dict[str, int]
    """Each sequence's last value handed out (for ``audit_ids`` at least the largest id)."""
    audit: pa.Table
    batch_ids: frozenset[int]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Replaced:
        version = int(con.execute(_GET_DATA_VERSION).fetchone()[0])  # type: ignore[index]
        sequences = {str(n): int(v) for n, v in con.execute(_SEQUENCES).fetchall()}
        audit = con.sql(_ALL_AUDIT).to_arrow_table()
        if audit.num_rows:
            largest = int(pc.max(audit.column("id")).as_py())
            sequences["audit_ids"] = max(sequences.get("audit_ids", 0), largest)
        batch_ids = frozenset(int(r[0]) for r in con.execute(_BATCH_IDS).fetchall())
        return cls(version, sequences, audit, batch_ids)


def _backups_high_water(db: Path) -> tuple[int, dict[str, int]]:
    """The highest data version and sequence values among the readable backups of ``db``:
    what ids must pass when the file being replaced cannot be read."""
    version = 0
    sequences: dict[str, int] = {}
    for path in backups(db):
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                found = int(con.execute(_GET_DATA_VERSION).fetchone()[0])  # type: ignore[index]
                values = con.execute(_SEQUENCES).fetchall()
        except duckdb.Error:
            continue
        version = max(version, found)
        for name, value in values:
            sequences[str(name)] = max(sequences.get(str(name), 0), int(value))
    return version, sequences


def _check_backup(backup: Path) -> None:
    """Refuse a backup that does not open as a database."""
    try:
        with duckdb.connect(str(backup), read_only=True) as check:
            check.execute(_GET_VERSION).fetchone()
    except duckdb.Error as exc:
        raise StoreError(
            f"备份文件 {backup} 无法读取（{exc}），请选择另一个备份。",
            f"The backup {backup} cannot be read ({exc}); pick another one.",
        ) from exc


def _hold(db: Path) -> tuple[duckdb.DuckDBPyConnection | None, _Replaced | None]:
    """The file a restore replaces, open read-only (writers elsewhere wait until it is
    closed) and what was read from it; ``(None, None)`` when there is no file, and no
    reading when it cannot be read."""
    if not db.exists():
        return None, None
    try:
        con = Store(db)._open(read_only=True)
    except CorruptDatabaseError:
        return None, None
    try:
        return con, _Replaced.read(con)
    except duckdb.Error:  # damaged inside, or too old to hold what a restore carries
        return con, None


def _keep(db: Path, kept: Path) -> None:
    """Keep the replaced file (and a write-ahead log beside it) as ``kept``: a second name
    for the same bytes where the file system allows it, else a copy."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    for source, target in (
        (db, kept),
        (db.with_name(db.name + ".wal"), kept.with_name(kept.name + ".wal")),
    ):
        if not source.exists():
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def _move_forward(
    con: duckdb.DuckDBPyConnection,
    replaced: _Replaced | None,
    high_water: tuple[int, dict[str, int]],
    note: dict[str, object],
    *,
    kept: Path,
    actor: Actor,
) -> Restored:
    """In the restored copy (``con``, inside its transaction): move the data version and
    every sequence past ``replaced`` (or past ``high_water`` when it could not be read),
    carry its audit rows over, end every session and record the restore."""
    version_floor, wanted = high_water
    if replaced is not None:
        version_floor, wanted = replaced.data_version, replaced.sequences
    for name, last in con.execute(_SEQUENCES).fetchall():
        gap = wanted.get(str(name), 0) - int(last)
        if gap > 0:
            con.execute(_ADVANCE_SEQUENCE, [str(name), gap]).fetchall()
    carried = 0
    if replaced is not None and replaced.audit.num_rows:
        con.register("carried", replaced.audit)
        carried = int(con.execute(_CARRY_AUDIT).fetchall()[0][0])
        con.unregister("carried")
    # Above the clock in microseconds too: above any version the replaced file had even
    # when it cannot be read (a counter raised once per write stays far below it).
    now = time.time_ns() // 1000
    version = max(int(con.execute(_GET_DATA_VERSION).fetchone()[0]), version_floor, now) + 1  # type: ignore[index]
    con.execute(_SET_DATA_VERSION, [version])
    ended = len(con.execute(_END_ALL_SESSIONS, [_utcnow()]).fetchall())
    restored = {int(r[0]) for r in con.execute(_BATCH_IDS).fetchall()}
    detail = {
        **note,
        "replaced_readable": replaced is not None,
        "replaced_version": None if replaced is None else replaced.data_version,
        "data_version": version,
        "audit_rows_carried": carried,
        "batches_not_restored": sorted(replaced.batch_ids - restored) if replaced else None,
        "sessions_ended": ended,
    }
    con.execute(_APPEND_AUDIT, _audit_row(actor.name, "restore", str(note["backup"]), None, detail))
    return Restored(kept, version, carried, ended, replaced is not None)


def restore(db: str | Path, backup: str | Path, actor: Actor) -> Restored:
    """Put ``backup`` in place of ``db`` atomically, moving forward; the replaced file is kept.

    The backup is checked to open and copied beside ``db``. While the file it replaces is
    held open read-only (so no process writes to it meanwhile), the copy is brought
    forward in one transaction: its data version goes above the replaced file's (and
    above the clock in microseconds), every sequence past the replaced file's (batch,
    audit, gap, pair, phase and milestone ids are never handed out twice), the audit rows
    written after the backup was taken are carried over (the audit log loses nothing),
    every sign-in session ends (everyone signs in again) and a ``restore`` row records
    what was restored from which backup. The copy is then renamed over ``db``, so a
    reader sees the old file or the restored one, never half of each.

    When the replaced file cannot be read (the usual reason to restore), the version
    still moves past any it had, ids move past every backup's, and its audit rows stay
    in the kept file ``backups/<name>-<time>-replaced.bak``.
    """
    db, backup = Path(db), Path(backup)
    _check_backup(backup)
    partial = db.with_name(db.name + ".restoring")
    partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(backup, partial)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    kept = db.parent / "backups" / f"{db.stem}-{stamp}-replaced.bak" if db.exists() else db
    note: dict[str, object] = {
        "backup": backup.name,
        "backup_taken": backup_time(backup).isoformat(timespec="seconds"),
        "kept_as": None if kept == db else kept.name,
    }
    try:
        with _write_lock(db):
            held, replaced = _hold(db)
            try:
                high_water = (0, {}) if replaced is not None else _backups_high_water(db)
                with Store(partial, actor=actor)._transaction(bump=False) as con:
                    done = _move_forward(con, replaced, high_water, note, kept=kept, actor=actor)
                if kept != db:
                    _keep(db, kept)
                # A write-ahead log of the replaced file must not be replayed onto the copy.
                db.with_name(db.name + ".wal").unlink(missing_ok=True)
                os.replace(partial, db)
            finally:
                if held is not None:
                    held.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return done


def _quoted(identifier: str) -> str:
    """A catalog name as a quoted SQL identifier. The one identifier this module does not
    write itself is the open file's catalog name (its stem, chosen by the operator, not by
    data), and COPY FROM DATABASE takes no parameters for it."""
    return '"' + identifier.replace('"', '""') + '"'


def _setting(name: str, default: int, least: int) -> int:
    """A whole number from the environment variable ``name``, at least ``least``;
    ``default`` when it is unset or not a number."""
    try:
        return max(least, int(os.environ.get(name, default)))
    except ValueError:
        return default


def _wait(failures: int | None, last: dt.datetime | None, free: int, now: dt.datetime) -> float:
    """Seconds from ``now`` until the next sign-in is allowed after ``failures`` recent
    failures, the latest at ``last``."""
    delay = access.sign_in_delay(int(failures or 0), free)
    if not delay or last is None:
        return 0.0
    return max(0.0, (last + dt.timedelta(seconds=delay) - now).total_seconds())


def _audit_row(
    who: str, action: str, target: str | None, before: object = None, after: object = None
) -> list[str | None]:
    """The parameters of one audit row, every text capped (a name may be anything a
    stranger typed into the sign-in form)."""
    short = access.MAX_AUDIT_TEXT
    return [
        access.clip(str(who), short),
        access.clip(str(action), short),
        None if target is None else access.clip(str(target), short),
        _as_json(before),
        _as_json(after),
    ]


def _as_json(value: object) -> str | None:
    """``value`` as JSON; past :data:`~bxgc_metrics.access.MAX_AUDIT_JSON` characters, its
    length and its beginning instead."""
    if value is None:
        return None
    if isinstance(value, pd.DataFrame):
        text = value.to_json(orient="records", force_ascii=False, date_format="iso")
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= access.MAX_AUDIT_JSON:
        return text
    return json.dumps({"truncated_chars": len(text), "start": text[:1000]}, ensure_ascii=False)


def _pause_for_tests() -> None:
    """Hold the transaction open before commit, for the kill test only.

    With ``BXGC_TEST_PAUSE_BEFORE_COMMIT`` set to a file path, a write creates that file
    and sleeps before committing, so a test can kill the process inside the transaction.
    Unset (always, outside that test), this does nothing.
    """
    marker = os.environ.get("BXGC_TEST_PAUSE_BEFORE_COMMIT")
    if marker:
        Path(marker).touch()
        time.sleep(60)


def _current_user() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return "system"
