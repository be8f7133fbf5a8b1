"""Bringing a backup back in place of the database file, moving forward.

A restore never moves the file back in time as the rest of the system sees it: the
restored copy's data version and every id sequence go past the replaced file's, the audit
rows written since the backup are carried over, every session ends, and the replaced file
is kept beside the backups. The copy is renamed over the file, so a reader sees the old
file or the restored one, never half of each.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bxgc_metrics.access import Actor
from bxgc_metrics.errors import CorruptDatabaseError
from bxgc_metrics.store import audit
from bxgc_metrics.store.backup import backup_time, backups, copy_file
from bxgc_metrics.store.connection import (
    Database,
    check_backup,
    data_version,
    utcnow,
    write_lock,
)

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


def sequence_values(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each sequence of the open file and the last value it handed out (0: none yet)."""
    return {str(n): int(v) for n, v in con.execute(_SEQUENCES).fetchall()}


def advance_sequences(con: duckdb.DuckDBPyConnection, wanted: dict[str, int]) -> None:
    """Move each sequence of the open file named in ``wanted`` until the last value it
    handed out is at least the value wanted (a DuckDB sequence only moves by ``nextval``);
    a sequence already there is left as it is."""
    for name, last in sequence_values(con).items():
        gap = wanted.get(name, 0) - last
        if gap > 0:
            con.execute(_ADVANCE_SEQUENCE, [name, gap]).fetchall()


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
    """The replaced file's data version."""
    sequences: dict[str, int]
    """Each sequence's last value handed out (for ``audit_ids`` at least the largest id)."""
    audit: pa.Table
    """Its whole audit log."""
    batch_ids: frozenset[int]
    """The ids of its batches."""

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Replaced:
        version = data_version(con)
        sequences = sequence_values(con)
        log = con.sql(_ALL_AUDIT).to_arrow_table()
        if log.num_rows:
            largest = int(pc.max(log.column("id")).as_py())
            sequences["audit_ids"] = max(sequences.get("audit_ids", 0), largest)
        batch_ids = frozenset(int(r[0]) for r in con.execute(_BATCH_IDS).fetchall())
        return cls(version, sequences, log, batch_ids)


def _backups_high_water(db: Path) -> tuple[int, dict[str, int]]:
    """The highest data version and sequence values among the readable backups of ``db``:
    what ids must pass when the file being replaced cannot be read."""
    version = 0
    sequences: dict[str, int] = {}
    for path in backups(db):
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                found = data_version(con)
                values = con.execute(_SEQUENCES).fetchall()
        except duckdb.Error:  # an unreadable backup holds nothing to pass
            continue
        version = max(version, found)
        for name, value in values:
            sequences[str(name)] = max(sequences.get(str(name), 0), int(value))
    return version, sequences


def _hold(db: Path) -> tuple[duckdb.DuckDBPyConnection | None, _Replaced | None]:
    """The file a restore replaces, open read-only (writers elsewhere wait until it is
    closed) and what was read from it; ``(None, None)`` when there is no file, and no
    reading when it cannot be read."""
    if not db.exists():
        return None, None
    try:
        con = Database(db)._open(read_only=True)
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
    *,
    high_water: tuple[int, dict[str, int]],
    note: dict[str, object],
    kept: Path,
    actor: Actor,
) -> Restored:
    """In the restored copy (``con``, inside its transaction): move the data version and
    every sequence past ``replaced`` (or past ``high_water`` when it could not be read),
    carry its audit rows over, end every session and record the restore."""
    version_floor, wanted = high_water
    if replaced is not None:
        version_floor, wanted = replaced.data_version, replaced.sequences
    advance_sequences(con, wanted)
    carried = 0
    if replaced is not None and replaced.audit.num_rows:
        con.register("carried", replaced.audit)
        carried = int(con.execute(_CARRY_AUDIT).fetchall()[0][0])
        con.unregister("carried")
    # Above the clock in microseconds too: above any version the replaced file had even
    # when it cannot be read (a counter raised once per write stays far below it).
    now = time.time_ns() // 1000
    version = max(data_version(con), version_floor, now) + 1
    con.execute(_SET_DATA_VERSION, [version])
    ended = len(con.execute(_END_ALL_SESSIONS, [utcnow()]).fetchall())
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
    audit.append(con, actor.name, "restore", target=str(note["backup"]), after=detail)
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
    check_backup(backup)
    partial = db.with_name(db.name + ".restoring")
    partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    if not copy_file(backup, partial):  # a clone where the file system makes clones
        shutil.copyfile(backup, partial)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    kept = db.parent / "backups" / f"{db.stem}-{stamp}-replaced.bak" if db.exists() else db
    note: dict[str, object] = {
        "backup": backup.name,
        "backup_taken": backup_time(backup).isoformat(timespec="seconds"),
        "kept_as": None if kept == db else kept.name,
    }
    try:
        with write_lock(db):
            held, replaced = _hold(db)
            try:
                high_water = (0, {}) if replaced is not None else _backups_high_water(db)
                with Database(partial, actor=actor)._transaction(bump=False) as con:
                    done = _move_forward(
                        con, replaced, high_water=high_water, note=note, kept=kept, actor=actor
                    )
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
