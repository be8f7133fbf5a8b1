"""Opening the database file: retries, shared reads, transactions, the write lock, errors.

DuckDB lets one process hold a database file at a time. The dashboard and the command
line must both work on the same file while the other runs, so the store never keeps a
connection open: every call opens the file, does its work in one transaction and closes
it, retrying for a while when another process holds the lock (the reads of one short
task, such as analysing an upload, may share one opening: :meth:`Database.reading`).
Opening is attaching the file to the process's one DuckDB engine and closing is
detaching it (:mod:`~bxgc_metrics.store.engine`), a millisecond instead of DuckDB's
start-up each time. Every stored time is UTC, whatever the server's zone (the engine is
set so); pages show them in ``BXGC_TZ`` (:mod:`bxgc_metrics.clock`).

This module is the one place driver errors become the project's own: a
:class:`~bxgc_metrics.errors.StoreError` with a message in Chinese and English, or a
:class:`~bxgc_metrics.errors.CorruptDatabaseError` naming the restore command when the
file itself is damaged. :class:`Database` is the base the store's parts build
:class:`~bxgc_metrics.store.Store` on.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from bxgc_metrics import access
from bxgc_metrics.access import VIEWER, Actor
from bxgc_metrics.errors import CorruptDatabaseError, StoreBusyError, StoreError
from bxgc_metrics.store import audit, engine, migrations, turns
from bxgc_metrics.store.backup import RESTORE_COMMAND, backup_folder, edit_backup_due, take_backup

if TYPE_CHECKING:
    from bxgc_metrics.store import postgres

DEFAULT_DB = Path("data") / "bxgc.duckdb"
"""Where the database lives unless ``BXGC_DB`` or ``--db`` says otherwise."""

PG_DSN_ENV = "BXGC_PG_DSN"
"""Set to a PostgreSQL DSN, it makes PostgreSQL the system of record; the DuckDB file
(``BXGC_DB``) is then this server's local copy (:mod:`~bxgc_metrics.store.replica`)."""

# an update in place: replacing the row would also rewrite the key's index entry
_BUMP_DATA_VERSION = (
    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
)
_FIRST_DATA_VERSION = "INSERT INTO meta VALUES ('data_version', '1')"
_GET_DATA_VERSION = "SELECT value FROM meta WHERE key = 'data_version'"
_ACCOUNT = "SELECT role, disabled FROM users WHERE username = ?"


def default_dsn() -> str | None:
    """``BXGC_PG_DSN`` if set (PostgreSQL mode), else ``None`` (the embedded file)."""
    return os.environ.get(PG_DSN_ENV) or None


def default_path() -> Path:
    """``BXGC_DB`` if set, else ``data/bxgc.duckdb``."""
    return Path(os.environ.get("BXGC_DB") or DEFAULT_DB)


def utcnow() -> dt.datetime:
    """Now in UTC, naive, as the database stores times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _is_opening_race(exc: Exception) -> bool:
    """Two threads of this process opening the file at the same moment: DuckDB refuses one
    ("Unique file handle conflict", or a different configuration from an open connection)
    until the other's connection is made or closed, so the opening is tried again."""
    text = str(exc)
    return isinstance(exc, duckdb.Error) and (
        "Unique file handle conflict" in text or "different configuration" in text
    )


_DAMAGE = re.compile(
    r"corrupt|checksum|not a valid duckdb|could not read|failed to deserialize", re.IGNORECASE
)


def _is_damage(exc: Exception) -> bool:
    """Whether a driver error says the file itself is damaged (cut short, wrong bytes, not a
    database): the cure is a backup, not another try."""
    if isinstance(exc, duckdb.SerializationException):
        return True
    return bool(_DAMAGE.search(str(exc))) and not _is_lock_error(exc)


T = TypeVar("T")

_JITTER = random.Random()
"""The retries' jitter: its own generator, so that a retry on any thread leaves the
process's global ``random`` state (which a seeded caller may rely on) untouched."""

_ALONGSIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bxgc-store")
"""The threads :meth:`Database.alongside` reads on."""

CODED_BATCH_ROWS = 1 << 20
"""Rows :func:`coded` converts at a time."""


def coded(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pd.DataFrame:
    """The rows of ``sql`` on ``con``, every text column categorical: a code repeated over
    millions of rows is held once, not once per row (read through Arrow, whose strings
    become categories without a Python string per row). The rows arrive in batches and are
    converted a million at a time (smaller batches, such as a union's one per branch,
    together), so the text of millions of rows is never held at once."""
    reader = con.sql(sql, params=params).to_arrow_reader(CODED_BATCH_ROWS)
    names = reader.schema.names
    columns: list[list[pd.Series]] = [[] for _ in names]
    group: list[pa.RecordBatch] = []  # batches waiting to be converted together

    def convert() -> None:
        for i, parts in enumerate(columns):
            chunks = pa.chunked_array([b.column(i) for b in group], reader.schema.types[i])
            parts.append(chunks.to_pandas(strings_to_categorical=True))
        group.clear()

    waiting = 0
    for batch in reader:
        group.append(batch)
        waiting += batch.num_rows
        if waiting >= CODED_BATCH_ROWS:
            convert()
            waiting = 0
    if group:
        convert()
    if not columns or not columns[0]:
        return reader.schema.empty_table().to_pandas(strings_to_categorical=True)
    frame = {}
    for name, parts in zip(names, columns, strict=True):
        frame[name] = _joined(parts)
        parts.clear()  # this column's batches go before the next column is joined
    return pd.DataFrame(frame, copy=False)


def _joined(parts: list[pd.Series]) -> pd.Series:
    """One column's batches as one column (categories united)."""
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    if isinstance(parts[0].dtype, pd.CategoricalDtype):
        return pd.Series(union_categoricals(parts))
    return pd.concat(parts, ignore_index=True)


class Database:
    """One DuckDB file, opened for each call and closed after it; or, in PostgreSQL mode, a
    PostgreSQL database written to directly and read through that file as a local copy.

    Parameters
    ----------
    path
        The database file; created (with the schema) on first use. In PostgreSQL mode,
        this server's local copy.
    timeout
        Seconds to keep retrying while another process holds the file.
    actor
        On whose behalf writes are made; the default, an anonymous viewer, may only read.
    dsn
        A PostgreSQL DSN: PostgreSQL is then the system of record. Defaults to
        ``BXGC_PG_DSN``; ``""`` means the embedded file whatever the environment says.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        timeout: float = 30.0,
        actor: Actor = VIEWER,
        dsn: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.timeout = timeout
        self.actor = actor
        self.dsn = default_dsn() if dsn is None else (dsn or None)
        self._migrated = False
        self._shared = threading.local()

    @property
    def on_postgres(self) -> bool:
        """Whether PostgreSQL is the system of record (else the DuckDB file is)."""
        return self.dsn is not None

    def _pg(self) -> postgres.Primary:
        """The PostgreSQL database (PostgreSQL mode only)."""
        from bxgc_metrics.store import postgres

        assert self.dsn is not None
        return postgres.primary(self.dsn)

    def _sync_copy(self, con: duckdb.DuckDBPyConnection) -> None:
        """Bring the local copy open on ``con`` up to the PostgreSQL database's data
        version, unless this process knows it is there already."""
        from bxgc_metrics.store import replica

        primary = self._pg()
        wanted = primary.version()
        key = (str(self.path.resolve()), self.dsn)
        held = _SYNCED.get(key)
        if held == wanted:  # not >=: a restored database may stand at an earlier version
            return
        with write_lock(self.path):
            _SYNCED[key] = replica.sync(con, primary)

    @contextmanager
    def _primary_read(self) -> Iterator[Any]:
        """A connection to the system of record for reads that must be current (accounts,
        sessions, tokens, the audit log): PostgreSQL in PostgreSQL mode, else the file."""
        if self.dsn is None:
            with self._connection() as con:
                yield con
            return
        with self._pg().reading() as con:
            yield con

    def _primary_frame(self, sql: str, params: Any = None) -> pd.DataFrame:
        with self._primary_read() as con:
            return con.execute(sql, params).df()

    # --- opening ----------------------------------------------------------------------------

    def _open(self, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """The file attached to this process's engine, retried while another process holds
        it (or, refused once, claiming the next turn: see :mod:`.turns`) until ``timeout``."""
        deadline = time.monotonic() + self.timeout
        pause = 0.01
        turn = turns.Turn(self.path)
        try:
            while True:
                try:
                    con = engine.attach(self.path, read_only=read_only, turn=turn)
                except turns.TurnTakenError as exc:
                    refused: Exception = exc
                except duckdb.Error as exc:
                    if not (_is_lock_error(exc) or _is_opening_race(exc)):
                        raise self._failed(exc) from exc
                    refused = exc
                    if _is_lock_error(exc) and not turn.claimed:
                        turn.claim()
                        if turn.claimed:  # next in: look again soon
                            pause = 0.01
                else:
                    return cast("duckdb.DuckDBPyConnection", con)
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        f"数据库 {self.path} 正被其他程序占用，请稍后重试。",
                        f"The database {self.path} is held by another process; try again shortly.",
                    ) from refused
                time.sleep(pause * (1 + _JITTER.random()))
                pause = min(pause * 2, 0.25)
        finally:
            turn.release()

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
        >>> from bxgc_metrics.store import Store
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

    def alongside(self, work: Callable[[], T]) -> Future[T]:
        """Start ``work`` (reads of this store) on another thread and return at once: inside
        :meth:`reading`, ``work`` reads through a cursor of the same connection, so both
        threads query the open file at the same time (DuckDB runs each query without
        holding Python's lock). Outside it, ``work`` opens the file as any read does."""
        shared = getattr(self._shared, "con", None)
        cursor = shared.cursor() if shared is not None else None  # made on this thread

        def run() -> T:
            if cursor is None:
                return work()
            self._shared.con = cursor  # this worker thread's own shared connection
            try:
                return work()
            finally:
                self._shared.con = None
                cursor.close()

        return _ALONGSIDE.submit(run)

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
        try:
            con = self._ready(own=own)
        except CorruptDatabaseError:
            if self.dsn is None:
                raise
            self._discard_copy()  # only a copy: PostgreSQL holds everything
            con = self._ready(own=own)
        try:
            yield con
        except duckdb.Error as exc:
            raise self._failed(exc) from exc
        finally:
            con.close()

    def _ready(self, *, own: bool) -> duckdb.DuckDBPyConnection:
        """The file opened, its schema up to date and, in PostgreSQL mode (for a read), the
        copy brought up to the database."""
        con = self._open()
        try:
            if not self._migrated:
                migrations.migrate(con, self.path)
                self._migrated = True
            if self.dsn is not None and not own:
                self._sync_copy(con)
        except duckdb.Error as exc:
            con.close()
            raise self._failed(exc) from exc
        except BaseException:
            con.close()
            raise
        return con

    def _discard_copy(self) -> None:
        """Set a damaged local copy aside (``NAME.damaged-TIME``) so that a new one is made
        from PostgreSQL."""
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        for part in (self.path, self.path.with_name(self.path.name + ".wal")):
            if part.exists():
                part.rename(part.with_name(f"{part.name}.damaged-{stamp}"))
        _SYNCED.pop((str(self.path.resolve()), self.dsn), None)
        self._migrated = False

    def _frame(self, sql: str, params: Any = None) -> pd.DataFrame:
        with self._connection() as con:
            return con.execute(sql, params).df()

    def _coded_frame(self, sql: str, params: Any = None) -> pd.DataFrame:
        """As :meth:`_frame`, with every text column categorical (:func:`coded`)."""
        with self._connection() as con:
            return coded(con, sql, params)

    # --- writing ----------------------------------------------------------------------------

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

        In PostgreSQL mode the transaction is PostgreSQL's, queued behind other writes by
        one advisory lock; no file copy is taken (PostgreSQL is backed up by ``pg_dump``
        and WAL archiving).
        """
        if self.dsn is not None:
            with self._pg().transaction(bump=bump) as pg:
                # PostgreSQL's connection takes the same statements and calls
                con = cast("duckdb.DuckDBPyConnection", pg)
                if check is not None:
                    check(con)
                yield con
            return
        with self._connection(own=True) as con:
            if check is not None:
                check(con)
            if backup is not None and (backup_if is None or backup_if(con)):
                take_backup(con, self.path, backup)
            con.begin()
            try:
                yield con
                commit(con, bump=bump)
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
            backup = permission
            backup_if = functools.partial(_edit_backup_due, db=self.path)
        check = functools.partial(self._check_actor, permission=permission)
        with (
            write_lock(self.path),
            self._transaction(backup=backup, backup_if=backup_if, check=check) as con,
        ):
            yield con

    def _check_actor(self, con: duckdb.DuckDBPyConnection, permission: str) -> None:
        """Refuse unless the actor, as ``users`` holds it now, has ``permission``."""
        # fetchall: the connection goes on to copy and write, with no result left open
        rows = [] if self.actor.operator else con.execute(_ACCOUNT, [self.actor.name]).fetchall()
        account = (str(rows[0][0]), bool(rows[0][1])) if rows else None
        access.require_account(self.actor, account, permission)

    def _audit(
        self,
        con: duckdb.DuckDBPyConnection,
        action: str,
        target: str | None,
        *,
        before: object = None,
        after: object = None,
    ) -> None:
        """Append a row under this actor to the audit log, inside the caller's transaction."""
        audit.append(con, self.actor.name, action, target=target, before=before, after=after)

    def backup_dir(self) -> Path:
        """Where this file's backups go: ``backups/`` beside it."""
        return backup_folder(self.path)


def _edit_backup_due(con: duckdb.DuckDBPyConnection, *, db: Path) -> bool:
    """Whether an edit of ``db`` is backed up first (:func:`.backup.edit_backup_due`)."""
    return edit_backup_due(db)


def commit(con: duckdb.DuckDBPyConnection, *, bump: bool) -> None:
    """End a write's transaction: raise the data version (with ``bump``), then commit."""
    if bump and not con.execute(_BUMP_DATA_VERSION).fetchall()[0][0]:
        con.execute(_FIRST_DATA_VERSION)  # the file's first write
    con.commit()


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The open file's data version, a counter every committed write raises."""
    # fetchall: the connection may go on to other work, with no result left open
    rows = con.execute(_GET_DATA_VERSION).fetchall()
    return int(rows[0][0]) if rows else 0


SETTLED_NS = 2_000_000_000
"""A file stamp younger than this (2 s) is not trusted to stand for one data version: a
write within the file system's timestamp granularity might leave it unchanged."""


def file_stamp(path: Path) -> tuple[tuple[int, int, int, int] | None, ...]:
    """What changes whenever anyone writes the file: device, inode, size and modification
    time of the database file and of its write-ahead log (``None`` if absent). Reads leave
    it unchanged; a commit (WAL append or checkpoint) or a restore (a new file) does not."""
    parts: list[tuple[int, int, int, int] | None] = []
    for part in (path, path.with_name(path.name + ".wal")):
        try:
            s = os.stat(part)
        except FileNotFoundError:
            parts.append(None)
            continue
        parts.append((s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns))
    return tuple(parts)


def settled(stamp: tuple[tuple[int, int, int, int] | None, ...]) -> bool:
    """Whether ``stamp``'s newest modification is at least :data:`SETTLED_NS` old."""
    newest = max((p[3] for p in stamp if p is not None), default=0)
    return time.time_ns() - newest >= SETTLED_NS


_SYNCED: dict[tuple[str, str | None], Any] = {}
"""The version each local copy (file, DSN) was last brought to in this process."""

_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def write_lock(path: Path) -> threading.RLock:
    """One lock per database file in this process: writes from two sessions of the app
    queue instead of racing (between processes DuckDB's file lock does the same)."""
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


def check_backup(backup: Path) -> None:
    """Refuse a backup that does not open as a database."""
    try:
        with duckdb.connect(str(backup), read_only=True) as check:
            check.execute(migrations.GET_VERSION).fetchone()
    except duckdb.Error as exc:
        raise StoreError(
            f"备份文件 {backup} 无法读取（{exc}），请选择另一个备份。",
            f"The backup {backup} cannot be read ({exc}); pick another one.",
        ) from exc
