"""One DuckDB engine per process; a database file is attached to it while in use.

Starting DuckDB costs about 13 ms each time (it builds its catalog of functions), and the
store opens the file for every call so that another process (the command line, a second
server) can take it between calls. Attaching a file to an engine that is already running
costs about 1 ms, and detaching it frees the file exactly as closing a connection does:
DuckDB checkpoints it and drops its lock. So every opening here is an ``ATTACH`` to this
process's one in-memory engine, shared by every thread and every file: a file stays
attached while anyone in the process holds it, and is detached when the last lets go.

:func:`attach` hands out an :class:`Attached` connection: a cursor of the engine whose
default database is the file, so unqualified table names mean the file's tables. Its
:meth:`~Attached.cursor` gives further cursors on the same file, and its
:meth:`~Attached.close` lets go of the file.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bxgc_metrics.store.turns import Turn

_UTC = "SET GLOBAL TimeZone = 'UTC'"  # every stored time is UTC, whatever the server's zone
_SPILL = "SET GLOBAL temp_directory = ?"  # spills go beside the system's temporary files
# A file is checkpointed when the last user lets it go (a detach), which follows every
# write here; checkpointing as the write commits instead does that work once, and DuckDB
# then skips writing a large commit to the log at all (auto_checkpoint_skip_wal_threshold).
_CHECKPOINT_EACH_COMMIT = "SET GLOBAL checkpoint_threshold = '0B'"
_ATTACH = "ATTACH ? AS {alias}"
_ATTACH_READ_ONLY = "ATTACH ? AS {alias} (READ_ONLY)"
_USE = "USE {alias}"
_DETACH = "DETACH {alias}"

# DuckDB's own words when a file is open in this process in another mode: the store's
# opening treats them as a race with another thread and tries again shortly.
_OTHER_MODE = (
    "Can't open a connection to same database file with a different configuration than "
    "existing connections"
)


@dataclass
class _Held:
    alias: str
    read_only: bool
    users: int


_GUARD = threading.Lock()
_HELD: dict[str, _Held] = {}
_ENGINE: duckdb.DuckDBPyConnection | None = None
_ENGINE_PID = 0


def _alias(key: str) -> str:
    """The catalog name a file is attached under: made from its path's digest, so it is
    a plain identifier whatever the path holds (the one name written into SQL here)."""
    return "bxgc_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _engine() -> duckdb.DuckDBPyConnection:
    """This process's engine, started on first use (and again in a forked child, which
    must not use its parent's)."""
    global _ENGINE, _ENGINE_PID
    if _ENGINE is None or os.getpid() != _ENGINE_PID:
        engine = duckdb.connect(":memory:")
        spill = Path(tempfile.gettempdir()) / f"bxgc-duckdb-{os.getpid()}"
        engine.execute(_UTC)
        engine.execute(_SPILL, [str(spill)])
        engine.execute(_CHECKPOINT_EACH_COMMIT)
        _ENGINE, _ENGINE_PID = engine, os.getpid()
    return _ENGINE


class Cursor:
    """A cursor of the engine on one attached file: everything a DuckDB connection does,
    with unqualified names resolved in that file. Closing it closes only the cursor."""

    __slots__ = ("_alias", "_con")

    def __init__(self, con: duckdb.DuckDBPyConnection, alias: str) -> None:
        con.execute(_USE.format(alias=alias))
        self._con = con
        self._alias = alias

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def cursor(self) -> Cursor:
        """Another cursor on the same file (for another thread, or a result kept apart)."""
        return Cursor(self._con.cursor(), self._alias)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Attached(Cursor):
    """The connection :func:`attach` hands out: closing it lets go of the file, which is
    detached (checkpointed, its lock dropped) when no one else in the process holds it."""

    __slots__ = ("_holding", "_key")

    def __init__(self, con: duckdb.DuckDBPyConnection, alias: str, key: str) -> None:
        self._key = key
        self._holding = True
        super().__init__(con, alias)

    def close(self) -> None:
        if not self._holding:
            return
        self._holding = False
        try:
            self._con.close()
        finally:
            _let_go(self._key)


def attach(path: Path, *, read_only: bool = False, turn: Turn | None = None) -> Attached:
    """A connection to the database file ``path``, attached to this process's engine (or
    shared with whoever in the process already holds it in the same mode). A request in
    the other mode is refused with DuckDB's own "different configuration" error, which
    callers retry until the holders let go, as DuckDB refused a second connection in
    another mode: a restore's read-only hold waits for the reads in progress, and then
    every read waits for the restore, so none reads the replaced file after it.

    A file not yet attached in this process is attached only if no other process has
    claimed the next ``turn`` (else :class:`~.turns.TurnTakenError`).

    Raises what DuckDB raises when the file cannot be attached (held by another process,
    damaged, not a database)."""
    key = str(Path(path).resolve())
    with _GUARD:
        engine = _engine()
        held = _HELD.get(key)
        if held is not None and held.read_only != read_only:
            raise duckdb.ConnectionException(_OTHER_MODE)
        if held is None:
            alias = _alias(key)
            attaching = _ATTACH_READ_ONLY if read_only else _ATTACH
            checked = turn.check() if turn is not None else None
            try:
                engine.execute(attaching.format(alias=alias), [str(path)])
            finally:
                Turn.done(checked)
            held = _HELD[key] = _Held(alias, read_only, 0)
        held.users += 1
        cursor = engine.cursor()
    try:
        return Attached(cursor, held.alias, key)
    except BaseException:
        cursor.close()
        _let_go(key)
        raise


def _let_go(key: str) -> None:
    """One user fewer of the file ``key``; the last one detaches it."""
    with _GUARD:
        held = _HELD.get(key)
        if held is None:
            return
        held.users -= 1
        if held.users > 0:
            return
        del _HELD[key]
        if _ENGINE is not None and os.getpid() == _ENGINE_PID:
            _ENGINE.execute(_DETACH.format(alias=held.alias))


def attached() -> dict[str, int]:
    """The files attached in this process now, and how many hold each (for tests and
    diagnostics)."""
    with _GUARD:
        return {key: held.users for key, held in _HELD.items()}


@atexit.register
def _stop() -> None:
    """Close the engine at exit: every file still attached is checkpointed and freed."""
    global _ENGINE
    with _GUARD:
        if _ENGINE is not None and os.getpid() == _ENGINE_PID:
            _ENGINE.close()
        _ENGINE = None
        _HELD.clear()
