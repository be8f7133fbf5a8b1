"""The local DuckDB copy an app server reads from when PostgreSQL is the system of record.

Pages read whole years of figures at once; DuckDB answers those in a fraction of the time
PostgreSQL takes, so each server keeps the figures and the reference tables in a DuckDB
file of its own (``BXGC_DB``) and brings it up to the database's data version before it
reads (:func:`sync`). Accounts, sessions, wall tokens and the audit log are not copied:
they are read from PostgreSQL itself.

What changed since the copy was made is found without a separate log, because the
observations change only by batches and the batches table records every batch and every
undo: a batch the copy does not hold, or holds with another status, is one to apply. For
those batches the copy drops its rows they wrote and the rows of every key they touched
(the keys whose old values their history keeps), then takes the current rows of those
keys from the database, all read in one snapshot. A database whose generation differs (a
new database, a copy from an embedded file) or whose data version is below the copy's (a
restore to an earlier state) is copied whole.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from psycopg import sql

from bxgc_metrics.store import postgres
from bxgc_metrics.store.postgres import Connection, Version, copy_out

REFERENCE_TABLES = (
    "units",
    "indicators",
    "batches",
    "benchmark_pairs",
    "gaps",
    "phases",
    "milestones",
    "import_profiles",
    "reward_rules",
    "settings",
    "events",
    "quality_rules",
    "quality_reviews",
)
"""Small tables copied whole at every change."""

KEY = ("unit_code", "indicator_code", "freq", "year", "sub", "value_kind")
_PERIOD_ORDER = "year, sub, freq, indicator_code, value_kind, unit_code"

_SHAPE = {
    name: f"SELECT * FROM {name} LIMIT 0"
    for name in (*REFERENCE_TABLES, "observations", "observation_history")
}
_CLEAR = {
    name: f"DELETE FROM {name}"
    for name in (*REFERENCE_TABLES, "observations", "observation_history")
}
_HELD = {name: f"SELECT * FROM {name}" for name in REFERENCE_TABLES}
_FILL = {name: f"INSERT INTO {name} SELECT * FROM incoming" for name in REFERENCE_TABLES}
_FILL_OBSERVATIONS = f"INSERT INTO observations SELECT * FROM incoming ORDER BY {_PERIOD_ORDER}"
_FILL_HISTORY = "INSERT INTO observation_history SELECT * FROM incoming"
_FILL_NEW_HISTORY = """
    INSERT INTO observation_history SELECT * FROM incoming WHERE list_contains(?, batch_id)
"""
_CHANGED_BATCHES = """
    SELECT p.id, b.id IS NULL AS new, p.status = 'undone' AS undone
    FROM pg_batches AS p LEFT JOIN batches AS b ON b.id = p.id
    WHERE b.id IS NULL OR b.status <> p.status ORDER BY p.id
"""
_DROP_BATCH_ROWS = "DELETE FROM observations WHERE list_contains(?, batch_id)"
_DROP_TOUCHED = """
    DELETE FROM observations AS o USING touched AS t
    WHERE o.unit_code = t.unit_code AND o.indicator_code = t.indicator_code
      AND o.freq = t.freq AND o.year = t.year AND o.sub = t.sub AND o.value_kind = t.value_kind
"""
_LOCAL_VERSION = """
    SELECT key, value FROM meta WHERE key IN ('data_version', 'replica_generation')
"""
_SET_META = "INSERT OR REPLACE INTO meta VALUES (?, ?)"


def local_version(duck: duckdb.DuckDBPyConnection) -> Version:
    """The version of the database the open copy holds (generation ``""``: none yet)."""
    found = dict(duck.execute(_LOCAL_VERSION).fetchall())
    return Version(str(found.get("replica_generation", "")), int(found.get("data_version", 0)))


def sync(duck: duckdb.DuckDBPyConnection, primary: postgres.Primary) -> Version:
    """Bring the copy open on ``duck`` up to ``primary`` (in one transaction on each side);
    returns the version it now holds."""
    held = local_version(duck)
    shapes = {
        name: duck.sql(statement).to_arrow_table().schema for name, statement in _SHAPE.items()
    }
    with primary.snapshot() as pg:
        now = postgres._version(pg)
        if held == now:
            return now
        tables = {name: _read(pg, name, shapes[name]) for name in REFERENCE_TABLES}
        # another generation, or an earlier version (a restore): copied whole
        whole = held.generation != now.generation or now.data < held.data
        if whole:
            # unordered: DuckDB sorts the rows as it stores them (_FILL_OBSERVATIONS), and
            # PostgreSQL's ORDER BY, an external sort, took most of a whole copy's time
            figures = _read(pg, "observations", shapes["observations"])
            history = _read(pg, "observation_history", shapes["observation_history"])
        else:
            duck.register("pg_batches", tables["batches"].select(["id", "status"]))
            changed = duck.execute(_CHANGED_BATCHES).fetchall()
            duck.unregister("pg_batches")
            batches = [int(b) for b, _, _ in changed]
            new = [int(b) for b, is_new, _ in changed if is_new]
            undone = [int(b) for b, _, is_undone in changed if is_undone]
            figures = history = None
            if batches:
                figures = _read_touched(pg, (batches, undone), shapes["observations"])
                history = _read_history(pg, batches, shapes["observation_history"])
    duck.begin()
    try:
        _replace_reference(duck, tables)
        if whole:
            _replace_figures(duck, figures, history)
        elif figures is not None and history is not None:
            _apply(duck, changes=(batches, new, figures, history))
        duck.execute(_SET_META, ["data_version", str(now.data)])
        duck.execute(_SET_META, ["replica_generation", now.generation])
        duck.commit()
    except BaseException:
        duck.rollback()
        raise
    return now


def _replace_figures(duck: duckdb.DuckDBPyConnection, figures: pa.Table, history: pa.Table) -> None:
    for name, rows, fill in (
        ("observations", figures, _FILL_OBSERVATIONS),
        ("observation_history", history, _FILL_HISTORY),
    ):
        duck.execute(_CLEAR[name])
        duck.register("incoming", rows)
        duck.execute(fill)
        duck.unregister("incoming")


def _apply(
    duck: duckdb.DuckDBPyConnection,
    *,
    changes: tuple[list[int], list[int], pa.Table, pa.Table],
) -> None:
    """Drop the rows the changed batches wrote and every key they touched, then put back
    those keys' current rows and the history of the batches new to the copy."""
    batches, new, figures, history = changes
    keys = figures.select(list(KEY))
    touched = pa.concat_tables([keys, history.select(list(KEY)).cast(keys.schema)])
    duck.execute(_DROP_BATCH_ROWS, [batches])
    duck.register("touched", touched)
    duck.execute(_DROP_TOUCHED)
    duck.unregister("touched")
    duck.register("incoming", figures)
    duck.execute(_FILL_OBSERVATIONS)
    duck.unregister("incoming")
    if new:
        duck.register("incoming", history)
        duck.execute(_FILL_NEW_HISTORY, [new])
        duck.unregister("incoming")


def _replace_reference(duck: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Replace each reference table that differs from the database's (most changes touch
    one or two; rewriting the others would only grow the file's log)."""
    for name, rows in tables.items():
        if duck.sql(_HELD[name]).to_arrow_table().equals(rows):
            continue
        duck.execute(_CLEAR[name])
        if rows.num_rows:
            duck.register("incoming", rows)
            duck.execute(_FILL[name])
            duck.unregister("incoming")


def _columns(schema: pa.Schema, alias: str | None = None) -> sql.Composable:
    names = (sql.Identifier(alias, n) if alias else sql.Identifier(n) for n in schema.names)
    return sql.SQL(", ").join(names)


def _read(pg: Connection, name: str, schema: pa.Schema) -> pa.Table:
    """A whole table of the database, its columns as the copy has them."""
    statement = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv)").format(
        _columns(schema), sql.Identifier(name)
    )
    with pg.raw.cursor() as cur:
        return copy_out(cur, statement, schema)


_TOUCHED_KEYS = sql.SQL(", ").join(sql.Identifier(k) for k in KEY)


def _read_touched(
    pg: Connection, batches: tuple[list[int], list[int]], schema: pa.Schema
) -> pa.Table:
    """The current rows of every key the batches (all of them, and the undone ones among
    them) wrote or replaced.

    A key a committed batch wrote or replaced holds that batch's value still, or a later
    batch's: a batch committed later, which the copy has not seen either, or the value an
    undo of such a batch brought back. Only an undone batch's keys hold values of batches
    the copy may have seen already, so only those are looked up through the history (a
    join that cost several times the rest: 0.4 s of 0.5 s for 50,000 replaced figures).
    """
    changed, undone = batches
    statement = sql.SQL(
        "COPY (SELECT {cols} FROM observations AS o WHERE o.batch_id = ANY(%s) "
        "UNION SELECT {cols} FROM observations AS o JOIN observation_history AS h "
        "USING ({key}) WHERE h.batch_id = ANY(%s)) TO STDOUT (FORMAT csv)"
    ).format(cols=_columns(schema, "o"), key=_TOUCHED_KEYS)
    if not undone:
        statement = sql.SQL(
            "COPY (SELECT {cols} FROM observations AS o WHERE o.batch_id = ANY(%s)) "
            "TO STDOUT (FORMAT csv)"
        ).format(cols=_columns(schema, "o"))
    with pg.raw.cursor() as cur:
        params = [changed, undone] if undone else [changed]
        return copy_out(cur, statement, schema, params=params)


def _read_history(pg: Connection, batches: list[int], schema: pa.Schema) -> pa.Table:
    """The history rows of the ``batches``: the keys they replaced."""
    statement = sql.SQL(
        "COPY (SELECT {} FROM observation_history WHERE batch_id = ANY(%s)) TO STDOUT (FORMAT csv)"
    ).format(_columns(schema))
    with pg.raw.cursor() as cur:
        return copy_out(cur, statement, schema, params=[batches])
