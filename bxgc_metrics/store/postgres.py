"""PostgreSQL as the system of record: the one module that imports psycopg.

With ``BXGC_PG_DSN`` set, every write goes to PostgreSQL and every analytic read to a local
DuckDB copy kept in step with it (:mod:`~bxgc_metrics.store.replica`); accounts, sessions,
wall tokens and the audit log are read from PostgreSQL itself, since they must be current.

What this module holds:

- :data:`SCHEMA`, the schema as PostgreSQL spells it: the same tables, keys and checks as
  :mod:`~bxgc_metrics.store.migrations` at :data:`~bxgc_metrics.store.migrations.LATEST`,
  key columns in ``COLLATE "C"``; the audit log refuses UPDATE, DELETE and TRUNCATE by a
  trigger, and the application role holds no such privilege on it. Two small functions
  named as DuckDB names them (``list_contains``, ``current_localtimestamp``) let the
  store's statements run unchanged on both databases.
- :class:`Connection`, a PostgreSQL connection that takes the store's statements as
  written for DuckDB: ``?`` and ``$name`` parameters, frames registered as tables (copied
  into temporary tables with ``COPY``), results as frames and NumPy columns.
- :class:`Primary`, the server of one DSN: a connection per thread, write transactions
  that queue on one advisory lock (PostgreSQL's counterpart of DuckDB's single writer),
  the data version raised and announced with ``NOTIFY`` at commit, and a listening thread
  that learns other servers' commits, falling back to reading the version row whenever
  its connection is lost.
"""

from __future__ import annotations

import io
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql

from bxgc_metrics.errors import SchemaTooNewError, StoreBusyError, StoreError
from bxgc_metrics.store.arrow import frame_as_arrow
from bxgc_metrics.store.migrations import CREATED_BY_BATCH, PERCENT_AS_RATE, RATES_YEAR_TO_DATE

CHANNEL = "bxgc_data"
"""The ``NOTIFY`` channel a commit announces its new data version on."""

APPLICATION = "bxgc"
"""The ``application_name`` of the store's connections (``pg_stat_activity``)."""
LISTENER_APPLICATION = "bxgc-listen"
"""The ``application_name`` of each process's listening connection, so that an operator
can tell it from the others (it spends its time idle, its last statement a read of the
version row)."""

POLL_SECONDS = 2.0
"""How often the listening thread also reads the version row (and notices a lost
connection); readers read it themselves while the listener is down."""

STALE_SECONDS = 2 * POLL_SECONDS
"""How long the listening thread may go without an answer from the database before
readers stop trusting what it heard: a connection that stops answering without breaking
(a stalled server process, a network path that drops packets silently) leaves the thread
waiting for a reply, and it would otherwise hand out the same version for ever."""

_WAKE_SECONDS = 0.5  # how soon the listening thread notices it is asked to stop
_WRITE_LOCK_KEY = 0x62786763  # "bxgc": every write transaction queues on this lock

_C = 'COLLATE "C"'
SCHEMA: tuple[str, ...] = (
    """
    CREATE FUNCTION list_contains(text[], text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT $2 = ANY($1)'
    """,
    """
    CREATE FUNCTION current_localtimestamp() RETURNS timestamp
    LANGUAGE sql STABLE AS $$SELECT (now() AT TIME ZONE 'UTC')::timestamp$$
    """,
    f"CREATE TABLE meta (key VARCHAR {_C} PRIMARY KEY, value VARCHAR NOT NULL)",
    f"""
    CREATE TABLE units (
        code VARCHAR {_C} PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        kind VARCHAR NOT NULL CHECK (kind IN ('街道', '乡镇', '部门', '学校', '外部标杆')),
        parent_code VARCHAR {_C},
        peer_group VARCHAR,
        is_demo BOOLEAN NOT NULL DEFAULT FALSE,
        contact_person VARCHAR,
        contact_phone VARCHAR
    )
    """,
    f"""
    CREATE TABLE indicators (
        code VARCHAR {_C} PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        measure VARCHAR NOT NULL,
        direction VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower')),
        kind VARCHAR NOT NULL CHECK (kind IN ('flow', 'stock', 'rate')),
        frequency VARCHAR NOT NULL CHECK (frequency IN ('Y', 'H', 'Q', 'M')),
        allow_negative BOOLEAN NOT NULL DEFAULT FALSE,
        is_demo BOOLEAN NOT NULL DEFAULT FALSE,
        growth_of VARCHAR {_C},
        report_due_day SMALLINT
    )
    """,
    "CREATE SEQUENCE batch_ids START 1",
    """
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY DEFAULT nextval('batch_ids'),
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR,
        who VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        rows_read INTEGER NOT NULL DEFAULT 0,
        rows_new INTEGER NOT NULL DEFAULT 0,
        rows_changed INTEGER NOT NULL DEFAULT 0,
        rows_unchanged INTEGER NOT NULL DEFAULT 0,
        status VARCHAR NOT NULL CHECK (status IN ('committed', 'undone')),
        undone_at TIMESTAMP,
        note VARCHAR,
        created_json VARCHAR
    )
    """,
    f"""
    CREATE TABLE observations (
        unit_code VARCHAR {_C} NOT NULL,
        indicator_code VARCHAR {_C} NOT NULL,
        freq VARCHAR {_C} NOT NULL CHECK (freq IN ('Y', 'H', 'Q', 'M')),
        year SMALLINT NOT NULL,
        sub SMALLINT NOT NULL,
        value_kind VARCHAR {_C} NOT NULL CHECK (value_kind IN ('actual', 'target', 'plan')),
        value DOUBLE PRECISION NOT NULL,
        cumulative BOOLEAN NOT NULL,
        batch_id INTEGER NOT NULL,
        PRIMARY KEY (unit_code, indicator_code, freq, year, sub, value_kind)
    )
    """,
    "CREATE INDEX observations_batch ON observations (batch_id)",
    "CREATE INDEX observations_period ON observations (indicator_code, year, sub)",
    f"""
    CREATE TABLE observation_history (
        batch_id INTEGER NOT NULL,
        unit_code VARCHAR {_C} NOT NULL,
        indicator_code VARCHAR {_C} NOT NULL,
        freq VARCHAR {_C} NOT NULL,
        year SMALLINT NOT NULL,
        sub SMALLINT NOT NULL,
        value_kind VARCHAR {_C} NOT NULL,
        existed BOOLEAN NOT NULL,
        old_value DOUBLE PRECISION,
        old_cumulative BOOLEAN,
        old_batch_id INTEGER
    )
    """,
    "CREATE INDEX history_batch ON observation_history (batch_id)",
    "CREATE INDEX history_old_batch ON observation_history (old_batch_id)",
    "CREATE SEQUENCE pair_ids START 1",
    """
    CREATE TABLE benchmark_pairs (
        id INTEGER PRIMARY KEY DEFAULT nextval('pair_ids'),
        chaser_code VARCHAR NOT NULL,
        benchmark_code VARCHAR NOT NULL,
        indicator_code VARCHAR,
        base_year SMALLINT NOT NULL,
        target_year SMALLINT NOT NULL,
        note VARCHAR
    )
    """,
    "CREATE SEQUENCE gap_ids START 1",
    """
    CREATE TABLE gaps (
        id INTEGER PRIMARY KEY DEFAULT nextval('gap_ids'),
        unit_code VARCHAR NOT NULL,
        gap VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        owner VARCHAR,
        deadline DATE,
        status VARCHAR NOT NULL CHECK (status IN ('open', 'in_progress', 'done')),
        indicator_code VARCHAR,
        promised_value DOUBLE PRECISION,
        promised_year SMALLINT
    )
    """,
    "CREATE SEQUENCE phase_ids START 1",
    """
    CREATE TABLE phases (
        id INTEGER PRIMARY KEY DEFAULT nextval('phase_ids'),
        campaign VARCHAR NOT NULL,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        start_date DATE NOT NULL,
        end_date DATE NOT NULL
    )
    """,
    "CREATE SEQUENCE milestone_ids START 1",
    """
    CREATE TABLE milestones (
        id INTEGER PRIMARY KEY DEFAULT nextval('milestone_ids'),
        campaign VARCHAR NOT NULL,
        name_zh VARCHAR NOT NULL,
        name_en VARCHAR,
        due_date DATE NOT NULL,
        done_date DATE,
        unit_code VARCHAR
    )
    """,
    """
    CREATE TABLE import_profiles (
        name VARCHAR PRIMARY KEY,
        mapping_json VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )
    """,
    "CREATE TABLE reward_rules (rule_id VARCHAR PRIMARY KEY, body_json VARCHAR NOT NULL)",
    "CREATE TABLE settings (key VARCHAR PRIMARY KEY, value_json VARCHAR NOT NULL)",
    """
    CREATE TABLE users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        disabled BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    "CREATE SEQUENCE audit_ids START 1",
    """
    CREATE TABLE audit_log (
        id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
        logged_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        who VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        target VARCHAR,
        before_json VARCHAR,
        after_json VARCHAR
    )
    """,
    # Append-only, enforced by the database: a trigger refuses every change and removal
    # (whoever asks), and the application role holds no UPDATE, DELETE or TRUNCATE on it.
    """
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
    """,
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER",
    """
    CREATE TABLE wall_tokens (
        token_hash VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        revoked_at TIMESTAMP
    )
    """,
    """
    CREATE TABLE sessions (
        token_hash VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        end_reason VARCHAR CHECK (end_reason IN ('sign_out', 'expired', 'disabled', 'restore'))
    )
    """,
    """
    CREATE TABLE sign_in_failures (
        attempted_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        address VARCHAR
    )
    """,
    "CREATE SEQUENCE event_ids START 1",
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY DEFAULT nextval('event_ids'),
        event_date DATE NOT NULL,
        unit_code VARCHAR,
        indicator_code VARCHAR,
        kind VARCHAR NOT NULL CHECK (kind IN ('policy', 'project', 'definition', 'other')),
        text VARCHAR NOT NULL,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )
    """,
    "CREATE TABLE quality_rules (rule_id VARCHAR PRIMARY KEY, body_json VARCHAR NOT NULL)",
    """
    CREATE TABLE quality_reviews (
        flag_id VARCHAR PRIMARY KEY,
        note VARCHAR NOT NULL,
        who VARCHAR NOT NULL,
        reviewed_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    )
    """,
)
"""The schema at :data:`~bxgc_metrics.store.migrations.LATEST`, created in one transaction
on a database that has none; an older database takes the :data:`UPGRADES` steps."""

UPGRADES: dict[int, tuple[str, ...]] = {
    10: (
        "ALTER TABLE units ADD COLUMN contact_person VARCHAR",
        "ALTER TABLE units ADD COLUMN contact_phone VARCHAR",
        "ALTER TABLE indicators ADD COLUMN report_due_day SMALLINT",
        *SCHEMA[-2:],
    ),
    11: (
        # An indicator in % is a rate: the audit row, then the embedded file's change.
        """
        INSERT INTO audit_log (who, action, target, before_json, after_json)
        SELECT 'system', 'indicators', left(string_agg(code, ',' ORDER BY code), 200),
               CAST(json_agg(json_build_object('code', code, 'kind', kind) ORDER BY code)
                    AS VARCHAR),
               CAST(json_agg(json_build_object('code', code, 'kind', 'rate') ORDER BY code)
                    AS VARCHAR)
        FROM indicators WHERE measure = '%' AND kind <> 'rate'
        HAVING count(*) > 0
        """,
        *PERCENT_AS_RATE,
    ),
    12: (CREATED_BY_BATCH,),
    13: RATES_YEAR_TO_DATE,
}
"""The steps that bring a PostgreSQL database from the version before each key to the key:
the same tables and columns, in the same order, as :data:`SCHEMA` creates."""

SEQUENCES = (
    "batch_ids",
    "pair_ids",
    "gap_ids",
    "phase_ids",
    "milestone_ids",
    "audit_ids",
    "event_ids",
)
"""The id sequences, named as in the embedded file."""

_GET_SCHEMA_VERSION = "SELECT value FROM meta WHERE key = 'schema_version'"
_HAS_META = "SELECT to_regclass('meta') IS NOT NULL"
_GET_META = (
    "SELECT key, value FROM meta WHERE key IN ('schema_version', 'data_version', 'generation')"
)
_SET_META = """
    INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
"""
_BUMP = """
    UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR)
    WHERE key = 'data_version' RETURNING CAST(value AS BIGINT)
"""
_NOTIFY = "SELECT pg_notify('bxgc_data', %s)"
# How long a write waits its turn behind the writes before it (each on one write lock): four
# importers' 50,000-figure batches on a loaded machine queued for more than 30 s.
QUEUE_SECONDS = 300.0

_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', %s, true)"

_TOKEN = re.compile(r"'(?:[^']|'')*'|\?|\$[A-Za-z_]\w*|%")

_ARROW_TYPES = (
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_int8, "SMALLINT"),
    (pa.types.is_int16, "SMALLINT"),
    (pa.types.is_int32, "INTEGER"),
    (pa.types.is_unsigned_integer, "BIGINT"),
    (pa.types.is_integer, "BIGINT"),
    (pa.types.is_floating, "DOUBLE PRECISION"),
    (pa.types.is_date, "DATE"),
    (pa.types.is_timestamp, "TIMESTAMP"),
)
"""How a registered table's Arrow column becomes a temporary table's column; text (and
anything else) becomes ``VARCHAR``."""


def translate(statement: str) -> str:
    """A store statement as psycopg takes it: ``?`` becomes ``%s``, ``$name`` becomes
    ``%(name)s`` and a literal ``%`` is doubled; quoted text is left alone.

    >>> translate("SELECT * FROM t WHERE a = ? AND b = $b AND c LIKE 'x%?'")
    "SELECT * FROM t WHERE a = %s AND b = %(b)s AND c LIKE 'x%%?'"
    """

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({token[1:]})s"

    return _TOKEN.sub(one, statement)


class Result:
    """What one statement returned, read as DuckDB's results are."""

    def __init__(self, columns: list[str], rows: list[tuple]) -> None:
        self._columns = columns
        self._rows = rows
        self._next = 0

    def fetchone(self) -> tuple | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def df(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.fetchall(), columns=self._columns)

    def fetchnumpy(self) -> dict[str, np.ndarray]:
        rows = self.fetchall()
        return {
            name: np.array([row[i] for row in rows], dtype=object)
            for i, name in enumerate(self._columns)
        }


class Connection:
    """A PostgreSQL connection that takes the store's statements as written for DuckDB."""

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw

    def execute(
        self, statement: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> Result:
        with self.raw.cursor() as cur:
            cur.execute(translate(statement), _params(params))
            if cur.description is None:
                return Result([], [])
            return Result([d.name for d in cur.description], cur.fetchall())

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(translate(statement), [_params(r) for r in rows])

    def register(self, name: str, data: pd.DataFrame | pa.Table) -> None:
        """``data`` as the temporary table ``name`` until the transaction ends."""
        table = _arrow(data)
        columns = [
            sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(_pg_type(f.type)))
            for f in table.schema
        ]
        with self.raw.cursor() as cur:
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
            cur.execute(
                sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
                    sql.Identifier(name), sql.SQL(", ").join(columns)
                )
            )
            if table.num_rows:
                copy_in(cur, name, table)

    def unregister(self, name: str) -> None:
        with self.raw.cursor() as cur:
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))


def copy_in(cur: psycopg.Cursor, name: str, table: pa.Table) -> None:
    """Append ``table``'s rows to the table ``name`` (its columns, by name) with ``COPY``."""
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    pacsv.write_csv(_plain(table), buffer, write_options=options)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(name), sql.SQL(", ").join(sql.Identifier(c) for c in table.column_names)
    )
    with cur.copy(statement) as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


def copy_out(
    cur: psycopg.Cursor, statement: sql.Composed, schema: pa.Schema, *, params: Any = None
) -> pa.Table:
    """The rows of a ``COPY (...) TO STDOUT (FORMAT csv)`` statement as Arrow of ``schema``."""
    buffer = io.BytesIO()
    with cur.copy(statement, params) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return schema.empty_table()
    buffer.seek(0)
    convert = pacsv.ConvertOptions(
        column_types=schema,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["t"],
        false_values=["f"],
    )
    read = pacsv.ReadOptions(column_names=schema.names, block_size=1 << 24)
    return pacsv.read_csv(buffer, read_options=read, convert_options=convert)


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded; null-typed columns as text (CSV writes them empty)."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_null(column.type):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _arrow(data: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    try:
        return pa.Table.from_pandas(data, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return frame_as_arrow(data)


def _pg_type(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return next((name for test, name in _ARROW_TYPES if test(kind)), "VARCHAR")


def _params(params: Sequence[Any] | dict[str, Any] | None) -> Any:
    """Parameters as psycopg adapts them (NumPy scalars as Python's)."""
    if params is None:
        return ()
    if isinstance(params, dict):
        return {k: _plain_value(v) for k, v in params.items()}
    return [_plain_value(v) for v in params]


def _plain_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Version:
    """Where a PostgreSQL database stands."""

    generation: str
    """Changes when the database's contents are replaced wholesale (a copy from an
    embedded file, a restore): a local copy of another generation is copied afresh."""
    data: int
    """The data version, raised by every committed write."""


class Primary:
    """One PostgreSQL database (its DSN): connections, write transactions, the schema and
    the data version as every server learns it.

    Use :func:`primary` for the one instance of a DSN in this process.

    Parameters
    ----------
    timeout
        Seconds to wait for a connection, and for any lock inside a write.
    queue
        Seconds a write waits its turn behind the writes before it; past it, the write
        fails as busy and nothing is written.
    """

    def __init__(self, dsn: str, *, timeout: float = 30.0, queue: float = QUEUE_SECONDS) -> None:
        self.dsn = dsn
        self.timeout = timeout
        self.queue = queue
        self._local = threading.local()
        self._migrated = False
        self._guard = threading.Lock()
        self._known: Version | None = None
        self._listener: _Listener | None = None

    # --- connections ------------------------------------------------------------------------

    def _raw(self) -> psycopg.Connection:
        con = getattr(self._local, "con", None)
        if con is not None and not con.closed and not con.broken:
            return con
        con = self.connect()
        self._local.con = con
        return con

    def connect(self, *, autocommit: bool = True) -> psycopg.Connection:
        """A new connection (client-side parameters, UTC), failures as the store's errors."""
        try:
            con = psycopg.connect(
                self.dsn,
                autocommit=autocommit,
                cursor_factory=psycopg.ClientCursor,
                connect_timeout=max(1, int(self.timeout)),
                application_name=APPLICATION,
            )
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc
        con.execute("SET TimeZone = 'UTC'")
        return con

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection outside any transaction (each statement sees the latest commits)."""
        self.migrate()
        try:
            yield Connection(self._raw())
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction that sees one moment of the database throughout."""
        self.migrate()
        raw = self._raw()
        try:
            with raw.transaction():
                raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield Connection(raw)
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc

    @contextmanager
    def transaction(self, *, bump: bool) -> Iterator[Connection]:
        """A write transaction: it waits for the writes before it (one advisory lock), and
        with ``bump`` raises the data version and announces it when it commits."""
        self.migrate()
        raw = self._raw()
        try:
            with raw.transaction():
                raw.execute(_LOCK_TIMEOUT, [f"{int(self.queue * 1000)}ms"])
                raw.execute(_LOCK, [_WRITE_LOCK_KEY])
                raw.execute(_LOCK_TIMEOUT, [f"{int(self.timeout * 1000)}ms"])
                yield Connection(raw)
                if bump:
                    version = int(raw.execute(_BUMP).fetchone()[0])  # type: ignore[index]
                    raw.execute(_NOTIFY, [str(version)])
        except psycopg.errors.LockNotAvailable as exc:
            raise StoreBusyError(
                "数据库正忙（其他写入尚未完成），请稍后重试。",
                "The database is busy with another write; try again shortly.",
            ) from exc
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc
        if bump:
            self._learn(None)

    @contextmanager
    def replacing(self) -> Iterator[psycopg.Connection]:
        """A write transaction on a connection of its own, queued on the write lock, that
        neither creates the schema nor raises the data version: for putting a whole
        database in place (:mod:`~bxgc_metrics.store.moving` does both itself)."""
        raw = self.connect()
        try:
            with raw.transaction():
                raw.execute(_LOCK_TIMEOUT, [f"{int(self.queue * 1000)}ms"])
                raw.execute(_LOCK, [_WRITE_LOCK_KEY])
                raw.execute(_LOCK_TIMEOUT, ["0"])
                yield raw
        except psycopg.errors.LockNotAvailable as exc:
            raise StoreBusyError(
                "数据库正忙（其他写入尚未完成），请稍后重试。",
                "The database is busy with another write; try again shortly.",
            ) from exc
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc
        finally:
            raw.close()

    @contextmanager
    def exporting(self) -> Iterator[psycopg.Connection]:
        """A read-only transaction on a connection of its own that sees one moment of the
        database throughout, without creating the schema on a database that has none."""
        raw = self.connect()
        try:
            with raw.transaction():
                raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield raw
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc
        finally:
            raw.close()

    # --- the schema -------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create the schema on a database that has none (once per process); refuse a
        database written by a newer release."""
        if self._migrated:
            return
        from bxgc_metrics.store.migrations import LATEST

        raw = self._raw()
        try:
            with raw.transaction():
                raw.execute(_LOCK, [_WRITE_LOCK_KEY])
                if not has_schema(raw):
                    install_schema(raw)
                    for key, value in (
                        ("schema_version", str(LATEST)),
                        ("data_version", "0"),
                        ("generation", uuid.uuid4().hex),
                    ):
                        raw.execute(_SET_META, [key, value])
                found: dict[str, str] = dict(raw.execute(_GET_META).fetchall())
                schema = int(found.get("schema_version", 0))
                if schema < LATEST:
                    _upgrade(raw, schema)
        except psycopg.Error as exc:
            raise _failed(exc, self.dsn) from exc
        if schema > LATEST:
            raise SchemaTooNewError(
                f"PostgreSQL 数据库的结构版本为 {schema}，本程序只支持到 {LATEST}，请升级程序。",
                f"The PostgreSQL database has schema version {schema}; this release supports "
                f"up to {LATEST}. Please upgrade the program.",
            )
        self._migrated = True

    def schema_version(self) -> int:
        with self.reading() as con:
            row = con.execute(_GET_SCHEMA_VERSION).fetchone()
        return int(row[0]) if row else 0

    # --- the data version -------------------------------------------------------------------

    def read_version(self) -> Version:
        """The version row as it is now (one round trip)."""
        with self.reading() as con:
            return _version(con)

    def version(self) -> Version:
        """The data version: as the listening thread last learned it while it listens and
        the database answers it, else read from the database."""
        listener = self._listening()
        known = self._known
        if listener is not None and listener.current and known is not None:
            return known
        return self._learn(self.read_version())

    def _learn(self, version: Version | None, *, settled: bool = False) -> Version:
        """Remember ``version`` (or read it) unless a newer one is known. A ``settled``
        version (the listening thread's own reads, one after another on one connection)
        is taken even when it is lower: the database was restored to an earlier state."""
        if version is None:
            version = self.read_version()
        with self._guard:
            known = self._known
            if (
                settled
                or known is None
                or known.generation != version.generation
                or version.data >= known.data
            ):
                self._known = version
            return self._known  # type: ignore[return-value]

    def _listening(self) -> _Listener | None:
        with self._guard:
            if self._listener is None or not self._listener.is_alive():
                self._listener = _Listener(self)
                self._listener.start()
            return self._listener

    def close(self) -> None:
        """Stop listening and close this thread's connection (others close with their
        threads)."""
        with self._guard:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop.set()
            listener.join(timeout=5)
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    def listener_pid(self) -> int | None:
        """The server process of the listening connection (for operators and tests)."""
        listener = self._listening()
        return listener.pid if listener is not None else None


class _Listener(threading.Thread):
    """Listens on :data:`CHANNEL` and keeps :attr:`Primary._known` current; reads the version
    row every :data:`POLL_SECONDS` too, and reconnects when the connection is lost (while
    it is down, or has not been answered for :data:`STALE_SECONDS`, :attr:`current` is
    false and readers read the row themselves)."""

    def __init__(self, primary: Primary) -> None:
        super().__init__(name=LISTENER_APPLICATION, daemon=True)
        self.primary = primary
        self.healthy = False
        self.answered = 0.0
        """When the database last answered (``time.monotonic()``)."""
        self.pid: int | None = None
        self.stop = threading.Event()

    @property
    def current(self) -> bool:
        """Whether what it heard can be trusted: it is connected, and the database answered
        it within :data:`STALE_SECONDS`."""
        return self.healthy and time.monotonic() - self.answered < STALE_SECONDS

    def run(self) -> None:
        pause = 0.2
        while not self.stop.is_set():
            try:
                with psycopg.connect(
                    self.primary.dsn, autocommit=True, application_name=LISTENER_APPLICATION
                ) as con:
                    self._listen(con)
                    pause = 0.2
            except psycopg.Error:
                self.healthy = False
                self.pid = None
                self.stop.wait(pause)
                pause = min(pause * 2, POLL_SECONDS)
        self.healthy = False

    def _listen(self, con: psycopg.Connection) -> None:
        con.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        self.pid = con.info.backend_pid
        self.primary._learn(_version(Connection(con)), settled=True)
        self.answered = time.monotonic()
        self.healthy = True
        while not self.stop.is_set():
            heard = any(True for _ in con.notifies(timeout=_WAKE_SECONDS, stop_after=1))
            if heard or time.monotonic() - self.answered >= POLL_SECONDS:
                self.primary._learn(_version(Connection(con)), settled=True)
                self.answered = time.monotonic()


def has_schema(raw: psycopg.Connection) -> bool:
    """Whether the database holds the schema (its ``meta`` table)."""
    return bool(raw.execute(_HAS_META).fetchone()[0])  # type: ignore[index]


def _upgrade(raw: psycopg.Connection, found: int) -> None:
    """Bring a database at schema version ``found`` up to the latest, inside the caller's
    transaction (which holds the write lock)."""
    from bxgc_metrics.store.migrations import LATEST

    for version in range(found + 1, LATEST + 1):
        for statement in UPGRADES[version]:
            raw.execute(statement)
    raw.execute(_SET_META, ["schema_version", str(LATEST)])


def install_schema(raw: psycopg.Connection) -> None:
    """Create :data:`SCHEMA` on ``raw``, inside the caller's transaction (``meta`` empty)."""
    for statement in SCHEMA:
        raw.execute(statement)


def announce(raw: psycopg.Connection, data_version: int) -> None:
    """Tell every listening server, when the caller's transaction commits, that the data
    version is now ``data_version``."""
    raw.execute(_NOTIFY, [str(data_version)])


def _version(con: Connection) -> Version:
    found = dict(con.execute(_GET_META).fetchall())
    return Version(str(found.get("generation", "")), int(found.get("data_version", 0)))


_PRIMARIES: dict[str, Primary] = {}
_PRIMARIES_GUARD = threading.Lock()


def primary(dsn: str) -> Primary:
    """The one :class:`Primary` of ``dsn`` in this process."""
    with _PRIMARIES_GUARD:
        return _PRIMARIES.setdefault(dsn, Primary(dsn))


def close_all() -> None:
    """Close every :class:`Primary` of this process (their listeners and this thread's
    connections); a later :func:`primary` opens afresh."""
    with _PRIMARIES_GUARD:
        found = list(_PRIMARIES.values())
        _PRIMARIES.clear()
    for one in found:
        one.close()


def _failed(exc: psycopg.Error, dsn: str) -> StoreError:
    where = redacted(dsn)
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(
            f"无法连接 PostgreSQL 数据库 {where}（{exc}）。",
            f"Cannot reach the PostgreSQL database {where} ({exc}).",
        )
    return StoreError(f"数据库操作失败：{exc}", f"Database operation failed: {exc}")


def redacted(dsn: str) -> str:
    """A DSN with any password left out, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1@", re.sub(r"password=\S+", "password=…", dsn))
