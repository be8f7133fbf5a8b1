"""Moving the whole database between the embedded DuckDB file and PostgreSQL.

``python -m bxgc_metrics migrate --to-postgres DSN`` copies a file into an empty
PostgreSQL database, which can then be the system of record (``BXGC_PG_DSN``);
``migrate --from-postgres DSN --db FILE`` copies a PostgreSQL database into a new file.
Every table moves as it is: batch, audit and other ids, password hashes, sessions, the
history an undo reads. Each side works in one transaction; rows move by ``COPY``; every id
sequence on the target goes past the largest id it must not hand out again. The target's
meta rows are the source's (its schema and data version); PostgreSQL gets a new
``generation``, so every server's local copy is copied afresh.

Before the target's transaction commits, both databases count the rows of each table and
add up a hash of every row (:func:`checksum_query`): the first 60 bits of the MD5 of a
canonical text of the row, which DuckDB and PostgreSQL compute alike. Integers are written
in decimal, booleans as 0 or 1, dates as days and times as microseconds since 1970, and
floating-point numbers as their 64 IEEE bits read as an integer, so a figure that changed
in its last bit is noticed. A table that differs stops the move: the target's transaction
is rolled back (a new file is removed) and the error names the table.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import duckdb
import psycopg
import pyarrow as pa
from psycopg import sql

from bxgc_metrics import access
from bxgc_metrics.access import Actor
from bxgc_metrics.errors import CopyMismatchError, MoveRefusedError, SchemaTooNewError, StoreError
from bxgc_metrics.store import audit, postgres
from bxgc_metrics.store.connection import Database, data_version, write_lock
from bxgc_metrics.store.migrations import LATEST
from bxgc_metrics.store.postgres import copy_in, copy_out, redacted
from bxgc_metrics.store.restoring import advance_sequences, sequence_values

ACTION = "migrate"
"""The audit action a move records on its target."""

CHUNK_ROWS = 500_000
"""Rows sent to PostgreSQL per ``COPY``: a large table moves without being held whole."""

SEQUENCE_TABLES = {
    "batch_ids": "batches",
    "pair_ids": "benchmark_pairs",
    "gap_ids": "gaps",
    "phase_ids": "phases",
    "milestone_ids": "milestones",
    "audit_ids": "audit_log",
    "event_ids": "events",
}
"""Each id sequence and the table whose ``id`` it hands out."""

REINDEX_ROWS = 50_000
"""A table with at least this many rows gets its keys and indexes on PostgreSQL built
after its rows are copied in (one sort each instead of an index insert per row)."""

_LOCAL_KEYS = ("generation", "replica_generation")
"""Meta keys that belong to one database and never move: PostgreSQL's generation, and
the generation a local copy last took from PostgreSQL."""

_PERIOD_ORDER = "year, sub, freq, indicator_code, value_kind, unit_code"
"""The order observations are stored in, in a file (see migration 5)."""

_NAME = re.compile(r"[a-z_][a-z0-9_]*")
TABLES = frozenset(
    {
        "audit_log", "batches", "benchmark_pairs", "events", "gaps", "import_profiles",
        "indicators", "meta", "milestones", "observation_history", "observations", "phases",
        "quality_reviews", "quality_rules", "reward_rules", "sessions", "settings",
        "sign_in_failures", "units", "users", "wall_tokens",
    }
)  # fmt: skip
"""Every table of the schema: the only table names a move's statements ever name."""
_ANY_ROW = "SELECT EXISTS (SELECT 1 FROM {table})"
_COUNT_ROWS = "SELECT count(*) FROM {table}"
_MAX_ID = "SELECT COALESCE(max(id), 0) FROM {table}"
_ROWS = "SELECT {columns} FROM {table}"
_SHAPE = "SELECT {columns} FROM {table} LIMIT 0"
_FILL = "INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming"
_FILL_IN_PERIOD_ORDER = _FILL + " ORDER BY " + _PERIOD_ORDER

_DUCK_TABLES = """
    SELECT table_name FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
    ORDER BY table_name
"""
_DUCK_COLUMNS = """
    SELECT table_name, column_name, data_type FROM duckdb_columns()
    WHERE database_name = current_database() AND schema_name = 'main'
    ORDER BY table_name, column_index
"""
_PG_TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
    ORDER BY table_name
"""
_PG_COLUMNS = """
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
"""
_PG_KEYS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u') ORDER BY conname
"""
_PG_INDEXES = """
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = %s ORDER BY indexname
"""
_PG_INDEX_MEMORY = "SET LOCAL maintenance_work_mem = '256MB'"
_PG_META = "SELECT key, value FROM meta"
_PG_SEQUENCE = "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {}"
_PG_SET_SEQUENCE = "SELECT setval(%s::regclass, %s)"
_PG_SET_META = "INSERT INTO meta (key, value) VALUES (%s, %s)"
_DUCK_META = "SELECT key, value FROM meta"
_DUCK_SET_META = "INSERT INTO meta (key, value) VALUES (?, ?)"
_CLEAR_META = "DELETE FROM meta"

_RENDER: dict[str, tuple[str, str]] = {
    "VARCHAR": ("{c}", "{c}"),
    "BOOLEAN": ("CAST(CAST({c} AS INTEGER) AS VARCHAR)",) * 2,
    "TINYINT": ("CAST({c} AS VARCHAR)",) * 2,
    "SMALLINT": ("CAST({c} AS VARCHAR)",) * 2,
    "INTEGER": ("CAST({c} AS VARCHAR)",) * 2,
    "BIGINT": ("CAST({c} AS VARCHAR)",) * 2,
    "DATE": ("CAST({c} - DATE '1970-01-01' AS VARCHAR)",) * 2,
    "TIMESTAMP": (
        "CAST(epoch_us({c}) AS VARCHAR)",
        "CAST(CAST(extract(epoch FROM {c}) * 1000000 AS BIGINT) AS VARCHAR)",
    ),
    "DOUBLE": (
        "CAST(CAST(CAST({c} AS BIT) AS BIGINT) AS VARCHAR)",
        "CAST(CAST(CAST('x' || encode(float8send({c}), 'hex') AS BIT(64)) AS BIGINT) AS VARCHAR)",
    ),
}
"""How each column type (as DuckDB names it) is written in a row's canonical text, in
DuckDB and in PostgreSQL: the same text for the same value on both."""

_SUM = (
    "CAST('0x' || substr(md5({row}), 1, 15) AS BIGINT)",
    "CAST(CAST('x' || substr(md5({row}), 1, 15) AS BIT(60)) AS BIGINT)",
)
"""A row's hash, the first 60 bits of the MD5 of its canonical text, in DuckDB and in
PostgreSQL."""


@dataclass(frozen=True)
class Counted:
    """One table as both databases counted it after a move."""

    table: str
    rows: int
    checksum: int
    """The sum of the rows' hashes (:func:`checksum_query`), the same on both sides."""


@dataclass(frozen=True)
class Moved:
    """What a move copied, each table's rows and checksum agreed by both databases."""

    source: str
    """The file, or the PostgreSQL DSN without its password."""
    target: str
    tables: tuple[Counted, ...]
    data_version: int
    """The data version carried over from the source."""
    generation: str | None
    """The new PostgreSQL generation (``None`` for a move into a file)."""
    seconds: float

    @property
    def rows(self) -> int:
        """Rows moved, every table together."""
        return sum(t.rows for t in self.tables)

    def counts(self) -> dict[str, int]:
        """Each table's rows."""
        return {t.table: t.rows for t in self.tables}


@dataclass(frozen=True)
class _Table:
    """A table of the schema: its name and its columns with their DuckDB types."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    @property
    def where(self) -> str:
        """The rows that move: all but meta's keys that belong to one database."""
        if self.name != "meta":
            return ""
        return " WHERE key NOT IN ({})".format(", ".join(f"'{k}'" for k in _LOCAL_KEYS))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _named(template: str, table: _Table) -> str:
    """One of the statement templates above for ``table``: its name is one of
    :data:`TABLES` and its columns passed :data:`_NAME` when the schema was read."""
    if table.name not in TABLES:
        raise StoreError(
            f"数据库中的表 {table.name} 不属于本程序的结构，无法迁移。",
            f"The table {table.name} is not part of this release's schema; it cannot be moved.",
        )
    columns = ", ".join(_quoted(c) for c in table.names)
    return template.format(table=_quoted(table.name), columns=columns)


def checksum_query(table: _Table, *, postgresql: bool) -> str:
    """``SELECT count(*), sum of row hashes`` over ``table``'s moving rows, as DuckDB
    (or PostgreSQL) runs it; both give the same two numbers for the same rows."""
    side = 1 if postgresql else 0
    parts = []
    for column, kind in table.columns:
        if kind not in _RENDER:
            raise StoreError(
                f"无法校验 {table.name}.{column} 列（类型 {kind}）。",
                f"Cannot checksum the column {table.name}.{column} (type {kind}).",
            )
        text = _RENDER[kind][side].format(c=_quoted(column))
        parts.append(f"COALESCE('v' || {text}, 'n')")
    row = " || '|' || ".join(parts)
    total = _SUM[side].format(row=row)
    return f"SELECT count(*), COALESCE(sum({total}), 0) FROM {_quoted(table.name)}{table.where}"


# --- reading the schema ---------------------------------------------------------------------


def _duck_tables(duck: duckdb.DuckDBPyConnection) -> list[_Table]:
    names = [str(r[0]) for r in duck.execute(_DUCK_TABLES).fetchall()]
    columns: dict[str, list[tuple[str, str]]] = {n: [] for n in names}
    for table, column, kind in duck.execute(_DUCK_COLUMNS).fetchall():
        if table in columns:
            columns[str(table)].append((str(column), str(kind)))
    for name in names:
        bad_column = not all(_NAME.fullmatch(c) for c, _ in columns[name])
        if name not in TABLES or not _NAME.fullmatch(name) or bad_column:
            raise StoreError(
                f"数据库中的表 {name} 名称不符合预期，无法迁移。",
                f"The table {name} has an unexpected name; it cannot be moved.",
            )
    return [_Table(n, tuple(columns[n])) for n in names]


def _check_same_schema(raw: psycopg.Connection, tables: list[_Table], where: str) -> None:
    """Refuse unless PostgreSQL has exactly ``tables``, with the same columns in order."""
    found: dict[str, list[str]] = {str(r[0]): [] for r in raw.execute(_PG_TABLES).fetchall()}
    for table, column in raw.execute(_PG_COLUMNS).fetchall():
        if table in found:
            found[str(table)].append(str(column))
    wanted = {t.name: t.names for t in tables}
    if found != wanted:
        differ = sorted(n for n in set(found) | set(wanted) if found.get(n) != wanted.get(n))
        raise StoreError(
            f"PostgreSQL 数据库 {where} 的表结构与本程序不一致（{', '.join(differ)}），无法迁移。",
            f"The tables of the PostgreSQL database {where} do not match this release's "
            f"({', '.join(differ)}); nothing was moved.",
        )


def _pg_meta(raw: psycopg.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in raw.execute(_PG_META).fetchall()}


def _max_ids(execute: Any) -> dict[str, int]:
    """The largest id of each sequence's table (0 when empty)."""
    found = {}
    for sequence, table in SEQUENCE_TABLES.items():
        assert table in TABLES, table  # a constant of this module, one of the schema's
        rows = execute(_MAX_ID.format(table=_quoted(table))).fetchall()
        found[sequence] = int(rows[0][0])
    return found


def _wanted_sequences(last: dict[str, int], largest: dict[str, int]) -> dict[str, int]:
    """What each sequence must have handed out on the target: the source's last value or
    the largest id, whichever is higher."""
    return {s: max(last.get(s, 0), largest.get(s, 0)) for s in SEQUENCE_TABLES}


# --- comparing ------------------------------------------------------------------------------


def _compare(
    tables: list[_Table], *, duck: duckdb.DuckDBPyConnection, raw: psycopg.Connection, into: str
) -> tuple[Counted, ...]:
    """Count and checksum every table on both sides, DuckDB in a thread of its own while
    PostgreSQL works; raise naming the tables that differ."""

    def checksums(execute: Any, *, postgresql: bool) -> list[tuple[int, int]]:
        found = []
        for table in tables:
            row = execute(checksum_query(table, postgresql=postgresql)).fetchall()[0]
            found.append((int(row[0]), int(row[1])))
        return found

    with ThreadPoolExecutor(max_workers=1) as pool:
        duck_side = pool.submit(checksums, duck.execute, postgresql=False)
        pg_side = checksums(raw.execute, postgresql=True)
        file_side = duck_side.result()
    sources, targets = (file_side, pg_side) if into == "postgres" else (pg_side, file_side)
    differ = [
        f"{table.name} ({source[0]} → {target[0]})"
        for table, source, target in zip(tables, sources, targets, strict=True)
        if source != target
    ]
    if differ:
        names = ", ".join(differ)
        raise CopyMismatchError(
            f"复制后以下表的行数或校验和与源数据库不一致：{names}。目标数据库未作任何改动。",
            f"After copying, these tables differ from the source (row count or checksum): "
            f"{names}. Nothing was kept on the target.",
        )
    return tuple(Counted(t.name, n, total) for t, (n, total) in zip(tables, sources, strict=True))


# --- into PostgreSQL ------------------------------------------------------------------------


def to_postgres(path: str | Path, dsn: str, *, actor: Actor | None = None) -> Moved:
    """Copy the embedded file ``path`` into the empty PostgreSQL database ``dsn``.

    The file is brought to the latest schema first, then held open read-only (no one
    writes it meanwhile). In one PostgreSQL transaction on the write lock: the schema is
    created (or found empty), every table copied, the sequences set past the largest ids,
    the meta rows carried over with a new ``generation``, every table compared with the
    file, a ``migrate`` audit row appended and the new data version announced.

    Refused (:class:`~bxgc_metrics.errors.MoveRefusedError`, nothing written) when the
    file does not exist or is a local copy of PostgreSQL, or when the PostgreSQL database
    already holds rows in any table or tables of its own.
    """
    path, actor = Path(path), actor or access.operator()
    where = redacted(dsn)
    started = time.monotonic()
    if not path.exists():
        raise MoveRefusedError(
            f"数据库文件 {path} 不存在，未作任何改动。",
            f"The database file {path} does not exist; nothing was changed.",
        )
    source = Database(path, actor=actor, dsn="")
    with source._connection():  # brings an older file up to the latest schema
        pass
    with write_lock(path):
        duck = source._open(read_only=True)
        try:
            duck.begin()
            tables, meta, wanted, version = _read_file(duck, path)
            with postgres.Primary(dsn).replacing() as raw:
                _prepare_empty(raw, tables, where)
                for table in tables:
                    _send(duck, raw, table)
                generation = uuid.uuid4().hex
                _pg_set_meta(raw, meta, generation=generation)
                _pg_set_sequences(raw, wanted)
                counted = _compare(tables, duck=duck, raw=raw, into="postgres")
                moved = Moved(
                    str(path), where, counted, version, generation, time.monotonic() - started
                )
                audit.append(
                    cast("duckdb.DuckDBPyConnection", postgres.Connection(raw)),
                    actor.name,
                    ACTION,
                    target=where,
                    after=_detail(moved),
                )
                postgres.announce(raw, version)
            duck.rollback()
        except duckdb.Error as exc:
            raise source._failed(exc) from exc
        finally:
            duck.close()
    return replace(moved, seconds=time.monotonic() - started)


def _read_file(
    duck: duckdb.DuckDBPyConnection, path: Path
) -> tuple[list[_Table], dict[str, str], dict[str, int], int]:
    """What a move into PostgreSQL reads from the file first: its tables, meta rows,
    wanted sequence values and data version."""
    meta = {str(k): str(v) for k, v in duck.execute(_DUCK_META).fetchall()}
    if "replica_generation" in meta:
        raise MoveRefusedError(
            f"{path} 是 PostgreSQL 数据库的本地副本，不是独立的数据库，未作任何改动。",
            f"{path} is a local copy of a PostgreSQL database, not a database of its own; "
            "nothing was changed.",
        )
    version = data_version(duck)
    tables = _duck_tables(duck)
    largest = _max_ids(duck.execute)
    wanted = _wanted_sequences(sequence_values(duck), largest)
    return tables, meta, wanted, version


def _check_encoding(raw: psycopg.Connection, where: str) -> None:
    """Refuse a database whose text is not UTF-8: names would not hash as in DuckDB (and
    some could not be stored at all)."""
    encoding = str(raw.execute("SHOW server_encoding").fetchall()[0][0])
    if encoding.upper() != "UTF8":
        raise MoveRefusedError(
            f"PostgreSQL 数据库 {where} 的编码为 {encoding}，需要 UTF8"
            "（CREATE DATABASE … ENCODING 'UTF8'）；未作任何改动。",
            f"The PostgreSQL database {where} is encoded in {encoding}; it must be UTF8 "
            "(CREATE DATABASE … ENCODING 'UTF8'). Nothing was changed.",
        )


def _prepare_empty(raw: psycopg.Connection, tables: list[_Table], where: str) -> None:
    """Create the schema on a database that has none, or check that the one it has is of
    this release and holds no rows; refuse anything else."""
    _check_encoding(raw, where)
    if not postgres.has_schema(raw):
        others = [str(r[0]) for r in raw.execute(_PG_TABLES).fetchall()]
        if others:
            raise MoveRefusedError(
                f"PostgreSQL 数据库 {where} 已有其他表（{', '.join(others)}），"
                "只能迁入空数据库；未作任何改动。",
                f"The PostgreSQL database {where} already holds other tables "
                f"({', '.join(others)}); migrate moves into an empty database only. "
                "Nothing was changed.",
            )
        postgres.install_schema(raw)
    else:
        found = int(_pg_meta(raw).get("schema_version", 0))
        if found != LATEST:
            raise MoveRefusedError(
                f"PostgreSQL 数据库 {where} 的结构版本为 {found}，本程序为 {LATEST}；未作任何改动。",
                f"The PostgreSQL database {where} has schema version {found}, this release "
                f"{LATEST}; nothing was changed.",
            )
    _check_same_schema(raw, tables, where)
    held = [
        t.name
        for t in tables
        if t.name != "meta" and raw.execute(_named(_ANY_ROW, t)).fetchone()[0]  # type: ignore[index]
    ]
    if held:
        raise MoveRefusedError(
            f"PostgreSQL 数据库 {where} 已有数据（{', '.join(held)}），只能迁入空数据库；"
            "未作任何改动。",
            f"The PostgreSQL database {where} already holds data ({', '.join(held)}); "
            "migrate moves into an empty database only. Nothing was changed.",
        )


def _send(duck: duckdb.DuckDBPyConnection, raw: psycopg.Connection, table: _Table) -> None:
    """Copy ``table``'s moving rows from the file into PostgreSQL, a chunk per ``COPY``; a
    large table's keys and indexes are built once after its rows are in, not row by row."""
    if table.name == "meta":
        return
    count = int(duck.execute(_named(_COUNT_ROWS, table)).fetchall()[0][0])
    if not count:
        return
    rebuild = _drop_indexes(raw, table.name) if count >= REINDEX_ROWS else []
    reader = duck.sql(_named(_ROWS, table)).to_arrow_reader(CHUNK_ROWS)
    assert reader is not None
    with raw.cursor() as cur:
        chunk: list[pa.RecordBatch] = []
        for batch in reader:
            chunk.append(batch)
            if sum(b.num_rows for b in chunk) >= CHUNK_ROWS:
                copy_in(cur, table.name, pa.Table.from_batches(chunk))
                chunk = []
        if chunk:
            copy_in(cur, table.name, pa.Table.from_batches(chunk))
    if rebuild:
        raw.execute(_PG_INDEX_MEMORY)
    for statement in rebuild:
        raw.execute(statement)


def _drop_indexes(raw: psycopg.Connection, table: str) -> list[sql.SQL | sql.Composed]:
    """Drop ``table``'s primary key, unique constraints and indexes (inside the caller's
    transaction); returns the statements that build them again."""
    rebuild: list[sql.SQL | sql.Composed] = []
    target = sql.Identifier(table)
    for constraint, definition in raw.execute(_PG_KEYS, [table]).fetchall():
        raw.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(target, sql.Identifier(constraint))
        )
        rebuild.append(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                target, sql.Identifier(constraint), sql.SQL(definition)
            )
        )
    for index, definition in raw.execute(_PG_INDEXES, [table]).fetchall():
        raw.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index)))
        rebuild.append(sql.SQL(definition))
    return rebuild


def _pg_set_meta(raw: psycopg.Connection, meta: dict[str, str], *, generation: str) -> None:
    raw.execute(_CLEAR_META)
    for key, value in meta.items():
        if key not in _LOCAL_KEYS:
            raw.execute(_PG_SET_META, [key, value])
    raw.execute(_PG_SET_META, ["generation", generation])


def _pg_sequence(raw: psycopg.Connection, name: str) -> int:
    """The last value the sequence ``name`` handed out (0: none yet)."""
    statement = sql.SQL(_PG_SEQUENCE).format(sql.Identifier(name))
    return int(raw.execute(statement).fetchone()[0])  # type: ignore[index]


def _pg_set_sequences(raw: psycopg.Connection, wanted: dict[str, int]) -> None:
    """Set each sequence to hand out ids above ``wanted`` (a sequence already past it, by
    transactions that wrote nothing, stays where it is)."""
    for name, value in wanted.items():
        last = _pg_sequence(raw, name)
        if max(value, last) > 0:
            raw.execute(_PG_SET_SEQUENCE, [name, max(value, last)])


# --- out of PostgreSQL ----------------------------------------------------------------------


def from_postgres(dsn: str, path: str | Path, *, actor: Actor | None = None) -> Moved:
    """Copy the PostgreSQL database ``dsn`` into the new embedded file ``path``.

    PostgreSQL is read in one read-only snapshot; the file is built beside ``path`` in one
    transaction (every table, the sequences past the largest ids, the meta rows less
    PostgreSQL's ``generation``), compared with PostgreSQL table by table, given a
    ``migrate`` audit row and only then renamed to ``path``. Refused
    (:class:`~bxgc_metrics.errors.MoveRefusedError`) when ``path`` exists or the
    PostgreSQL database holds no schema of this release.
    """
    path, actor = Path(path), actor or access.operator()
    where = redacted(dsn)
    started = time.monotonic()
    wal = path.with_name(path.name + ".wal")
    if path.exists() or wal.exists():
        raise MoveRefusedError(
            f"{path if path.exists() else wal} 已存在；迁出只写入新文件，未作任何改动。",
            f"{path if path.exists() else wal} exists; migrate writes a new file only. "
            "Nothing was changed.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".moving")
    partial_wal = partial.with_name(partial.name + ".wal")
    partial.unlink(missing_ok=True)
    partial_wal.unlink(missing_ok=True)
    try:
        with postgres.Primary(dsn).exporting() as raw:
            meta = _pg_source_meta(raw, where)
            version = int(meta.get("data_version", 0))
            target = Database(partial, actor=actor, dsn="")
            with target._transaction(bump=False) as duck:
                tables = _duck_tables(duck)
                _check_same_schema(raw, tables, where)
                duck.execute(_CLEAR_META)
                for key, value in meta.items():
                    if key not in _LOCAL_KEYS:
                        duck.execute(_DUCK_SET_META, [key, value])
                for table in tables:
                    _receive(duck, raw, table)
                largest = _max_ids(raw.execute)
                last = {name: _pg_sequence(raw, name) for name in SEQUENCE_TABLES}
                advance_sequences(duck, _wanted_sequences(last, largest))
                counted = _compare(tables, duck=duck, raw=raw, into="file")
                moved = Moved(where, str(path), counted, version, None, time.monotonic() - started)
                audit.append(duck, actor.name, ACTION, target=str(path), after=_detail(moved))
        if path.exists() or wal.exists():
            raise MoveRefusedError(
                f"{path} 在迁出期间被创建，未覆盖。",
                f"{path} appeared while moving; it was not replaced.",
            )
        os.replace(partial, path)
        if partial_wal.exists():
            os.replace(partial_wal, wal)
    except BaseException:
        partial.unlink(missing_ok=True)
        partial_wal.unlink(missing_ok=True)
        raise
    return replace(moved, seconds=time.monotonic() - started)


def _pg_source_meta(raw: psycopg.Connection, where: str) -> dict[str, str]:
    """The meta rows of a PostgreSQL database to move out; refused unless it holds the
    schema of this release."""
    _check_encoding(raw, where)
    if not postgres.has_schema(raw):
        raise MoveRefusedError(
            f"PostgreSQL 数据库 {where} 中没有本程序的数据，未作任何改动。",
            f"The PostgreSQL database {where} holds no data of this program; nothing was changed.",
        )
    meta = _pg_meta(raw)
    found = int(meta.get("schema_version", 0))
    if found > LATEST:
        raise SchemaTooNewError(
            f"PostgreSQL 数据库的结构版本为 {found}，本程序只支持到 {LATEST}，请升级程序。",
            f"The PostgreSQL database has schema version {found}; this release supports "
            f"up to {LATEST}. Please upgrade the program.",
        )
    if found != LATEST:
        raise MoveRefusedError(
            f"PostgreSQL 数据库 {where} 的结构版本为 {found}，本程序为 {LATEST}；未作任何改动。",
            f"The PostgreSQL database {where} has schema version {found}, this release "
            f"{LATEST}; nothing was changed.",
        )
    return meta


def _receive(duck: duckdb.DuckDBPyConnection, raw: psycopg.Connection, table: _Table) -> None:
    """Copy ``table`` from PostgreSQL into the file (observations in period order)."""
    if table.name == "meta":
        return
    shape = duck.sql(_named(_SHAPE, table)).to_arrow_table().schema
    statement = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv)").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in table.names), sql.Identifier(table.name)
    )
    with raw.cursor() as cur:
        rows = copy_out(cur, statement, shape)
    if not rows.num_rows:
        return
    fill = _FILL_IN_PERIOD_ORDER if table.name == "observations" else _FILL
    duck.register("incoming", rows)
    try:
        duck.execute(_named(fill, table))
    finally:
        duck.unregister("incoming")


def _detail(moved: Moved) -> dict[str, object]:
    """What the audit row records of a move."""
    return {
        "from": moved.source,
        "to": moved.target,
        "rows": moved.counts(),
        "data_version": moved.data_version,
        "generation": moved.generation,
        "checksums_agree": True,
    }
