"""The PostgreSQL-mode benchmarks: PostgreSQL as the system of record, reads through a local
DuckDB copy (``BXGC_PG_DSN`` set; :mod:`bxgc_metrics.store.replica`).

Each case measures an operation in PostgreSQL mode beside the same operation on the
embedded file, or beside the least PostgreSQL itself takes for it. The run starts a
throwaway cluster of its own (:class:`tests.pgcluster.Cluster`, in memory, durability off:
the costs measured are those of the work, not of the disk) on first use and stops it at
the end, so ``make bench`` needs nothing set up beforehand.

The full data set of a size is loaded once per run, through the store as one batch (the
load is itself measured), and its first local copy made; the cases that change data work
on copies of that database (``CREATE DATABASE … TEMPLATE``).
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg

from bench import concurrency, data
from bench.cases import ANALYST, Context, _import, _label, page_names, page_rerun
from bench.report import Row
from bench.timing import median, times
from bxgc_metrics.access import SYSTEM
from bxgc_metrics.store import Store, postgres

PG_DSN_ENV = "BXGC_PG_DSN"

_DRAIN = "COPY (SELECT {columns} FROM observations{where}) TO STDOUT (FORMAT csv)"
_COLUMNS = "unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id"
_OTHER_SESSIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = %s AND pid <> pg_backend_pid()"
)


@dataclass
class Loaded:
    """A size's full data set in PostgreSQL, and a local copy of it."""

    name: str
    """The database's name in the cluster."""
    dsn: str
    """Its DSN for the application role."""
    replica: Path
    """A local copy brought up to date (copy it before use: using it changes it)."""
    load: float
    """Seconds the load through the store took."""
    first_copy: float
    """Seconds the first local copy took (a new file, copied whole)."""


@dataclass
class Server:
    """The run's throwaway cluster, started on first use, and what was loaded into it."""

    work: Path
    cluster: object | None = None
    loaded: dict[str, Loaded] = field(default_factory=dict)

    version: str = ""
    """The server's version, once started."""

    def start(self) -> object:
        if self.cluster is None:
            from tests.pgcluster import Cluster  # the same throwaway cluster as the tests

            cluster = Cluster()
            cluster.start()
            self.cluster = cluster
            with psycopg.connect(cluster.dsn()) as con:
                self.version = str(con.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        return self.cluster

    def describe(self) -> str:
        """The server and its settings, for the report."""
        from tests.pgcluster import SETTINGS

        settings = ", ".join(f"{k} {v}" for k, v in SETTINGS.items() if k != "max_connections")
        return (
            f"PostgreSQL {self.version.split()[0]}, a throwaway cluster started by the run "
            f"(`tests.pgcluster`, in /dev/shm when it has room; {settings}), on this machine"
        )

    def database(self, *, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``); its DSN."""
        cluster = self.start()
        if template is not None:
            postgres.close_all()  # a template may have no sessions: end this process's
            with psycopg.connect(cluster.dsn(user="postgres"), autocommit=True) as admin:  # type: ignore[attr-defined]
                admin.execute(_OTHER_SESSIONS, [template])
        return cluster.create_database(template=template)  # type: ignore[attr-defined]

    def full(self, size: data.Size) -> Loaded:
        """The full data set of ``size`` in PostgreSQL (loaded on first use)."""
        if size.name not in self.loaded:
            self.loaded[size.name] = self._load(size)
        return self.loaded[size.name]

    def _load(self, size: data.Size) -> Loaded:
        dsn = self.database()
        store = Store(self.work / f"load-{size.name}.duckdb", actor=SYSTEM, dsn=dsn)
        store.upsert_units(data.units_frame(size))
        store.upsert_indicators(data.indicators_frame(size))
        figures = data.observations(size)
        began = time.perf_counter()
        store.write_observations(figures, file_name=f"bench {size.key}", who="bench")
        load = time.perf_counter() - began
        replica = self.work / f"replica-{size.name}.duckdb"
        first_copy = times(lambda _: _copy(replica, dsn), 1)[0]
        return Loaded(dsn.rsplit("/", 1)[1], dsn, replica, load, first_copy)

    def close(self) -> None:
        postgres.close_all()
        if self.cluster is not None:
            self.cluster.close()  # type: ignore[attr-defined]
            self.cluster = None


def server(ctx: Context) -> Server:
    """The run's :class:`Server` (made on first use; ``python -m bench`` closes it)."""
    if ctx.postgres is None:
        ctx.postgres = Server(ctx.scratch("postgres"))
    return ctx.postgres


def _copy(replica: Path, dsn: str) -> int:
    """A new local copy at ``replica``, made whole from PostgreSQL; its figures."""
    replica.unlink(missing_ok=True)
    return Store(replica, dsn=dsn).count_observations()


def _drain(dsn: str, where: str = "") -> int:
    """PostgreSQL's own reading of the figures (``COPY … TO STDOUT``) into memory, the
    least a copy can cost; the bytes read."""
    buffer = io.BytesIO()
    with psycopg.connect(dsn) as con, con.cursor() as cur:
        statement = _DRAIN.format(columns=_COLUMNS, where=where)
        with cur.copy(statement) as copy:  # type: ignore[arg-type]
            for block in copy:
                buffer.write(block)
    return buffer.tell()


# --- loading and the first copy -----------------------------------------------------------


def load(ctx: Context) -> None:
    """The full data set loaded through the store, then copied whole to a new local copy."""
    for size in ctx.sizes:
        _load(ctx, size)


def _embedded_load(ctx: Context, size: data.Size) -> float:
    """The same load into a new embedded file."""
    db = ctx.scratch(f"load-{size.name}.duckdb")
    db.unlink(missing_ok=True)
    store = Store(db, actor=SYSTEM, dsn="")
    store.upsert_units(data.units_frame(size))
    store.upsert_indicators(data.indicators_frame(size))
    figures = data.observations(size)
    began = time.perf_counter()
    store.write_observations(figures, file_name=f"bench {size.key}", who="bench")
    return time.perf_counter() - began


def _load(ctx: Context, size: data.Size) -> None:
    loaded = server(ctx).full(size)
    embedded = _embedded_load(ctx, size)
    ctx.rows.append(
        Row(
            _label(size, f"PostgreSQL mode: load {size.observations:,} figures, one batch"),
            loaded.load,
            embedded,
            note="`write_observations` of the whole data set through the store into an "
            "empty PostgreSQL database; reference: the same write into a new embedded "
            "file. One run each.",
        )
    )
    repeats = ctx.repeats if size.name == "S" else min(ctx.repeats, 2)
    extra = times(lambda _: _copy(ctx.scratch(f"copy-{size.name}.duckdb"), loaded.dsn), repeats - 1)
    copies = [loaded.first_copy, *extra]
    floor = median(lambda _: _drain(loaded.dsn), repeats)
    ctx.rows.append(
        Row(
            _label(size, "PostgreSQL mode: first local copy, made whole"),
            statistics.median(copies),
            floor,
            note="A new server's first read: a new DuckDB file, the schema, then every "
            "figure and reference table copied from PostgreSQL in one snapshot; reference: "
            "PostgreSQL's `COPY (SELECT … FROM observations) TO STDOUT` read into memory "
            f"alone. Median of {repeats} runs.",
        )
    )
    ctx.grew(
        "PostgreSQL mode: first local copy", size, statistics.median(copies), size.observations
    )


# --- importing ----------------------------------------------------------------------------


def _reference_template(ctx: Context, size: data.Size) -> str:
    """A database with the units and indicators only (to copy for each import)."""
    dsn = server(ctx).database()
    store = Store(ctx.scratch(f"ref-{size.name}.duckdb"), actor=SYSTEM, dsn=dsn)
    store.upsert_units(data.units_frame(size))
    store.upsert_indicators(data.indicators_frame(size))
    return dsn.rsplit("/", 1)[1]


def import_csv(ctx: Context) -> None:
    """The long CSV through the importer into PostgreSQL, beside the embedded file."""
    for size in ctx.sizes:
        _import_csv(ctx, size)


def _import_csv(ctx: Context, size: data.Size) -> None:
    csv, rows = data.long_csv(size), size.csv_rows
    template = _reference_template(ctx, size)

    def on_postgres() -> tuple[Path, str]:
        dsn = server(ctx).database(template=template)
        db = ctx.scratch(f"import-pg-{size.name}.duckdb")
        db.unlink(missing_ok=True)
        Store(db, dsn=dsn).count_observations()  # the local copy, before the timing
        return db, dsn

    def embedded() -> Path:
        db = data.fresh_copy(data.reference_db(size), ctx.scratch(f"import-{size.name}.duckdb"))
        Store(db, dsn="").schema_version()
        return db

    mine = median(
        lambda given: _import(csv, given[0], rows, dsn=given[1]), ctx.repeats, on_postgres
    )
    limit = median(lambda db: _import(csv, db, rows), ctx.repeats, embedded)
    ctx.rows.append(
        Row(
            _label(size, f"PostgreSQL mode: import long CSV, {rows:,} rows: analyse + commit"),
            mine,
            limit,
            note="Analysis reads the units and indicators through the local copy; the "
            "commit writes one batch to PostgreSQL. Reference: the same import into the "
            "embedded file (its backup copy before the import included), in the same case.",
        )
    )
    ctx.grew("PostgreSQL mode: import long CSV (analyse + commit)", size, mine, rows)


# --- one month's batch and the local copy catching up -------------------------------------


def month(size: data.Size, number: int, *, revised: bool = False) -> pd.DataFrame:
    """Every unit's and indicator's figures of month ``number`` of the year after the data
    set (new keys), or those figures revised (the same keys, other values)."""
    units = data.units_frame(size)["code"].to_numpy(dtype=object)
    indicators = data.indicators_frame(size)["code"].to_numpy(dtype=object)
    rng = np.random.default_rng(number)
    values = np.round(rng.uniform(1, 1000, size.units * size.indicators), 1)
    return pd.DataFrame(
        {
            "unit_code": np.repeat(units, size.indicators),
            "indicator_code": np.tile(indicators, size.units),
            "freq": "M",
            "year": data.LAST_YEAR + 1,
            "sub": number,
            "value_kind": "actual",
            "value": values * 1.01 if revised else values,
            "cumulative": False,
        }
    )


def batch(ctx: Context) -> None:
    """A month's batch written in PostgreSQL mode, then the local copy brought up to date."""
    for size in ctx.sizes:
        _batch(ctx, size)


def _batch(ctx: Context, size: data.Size) -> None:
    loaded = server(ctx).full(size)
    dsn = server(ctx).database(template=loaded.name)
    replica = data.fresh_copy(loaded.replica, ctx.scratch(f"batch-{size.name}.duckdb"))
    store = Store(replica, actor=ANALYST, dsn=dsn)
    store.count_observations()
    embedded = Store(
        data.fresh_copy(data.full_db(size), ctx.scratch(f"batch-ref-{size.name}.duckdb")),
        actor=ANALYST,
        dsn="",
    )
    found: dict[str, list[float]] = {}
    for number in range(1, ctx.repeats + 1):
        for revised in (False, True):
            kind = "revised" if revised else "new"
            figures = month(size, number, revised=revised)
            began = time.perf_counter()
            done = store.write_observations(figures, file_name=f"{kind} {number}", who="bench")
            found.setdefault(f"write {kind}", []).append(time.perf_counter() - began)
            began = time.perf_counter()
            store.count_observations()  # the copy catches up with that batch
            found.setdefault(f"sync {kind}", []).append(time.perf_counter() - began)
            began = time.perf_counter()
            _drain(dsn, f" WHERE batch_id = {int(done.batch_id or 0)}")
            found.setdefault(f"drain {kind}", []).append(time.perf_counter() - began)
            began = time.perf_counter()
            embedded.write_observations(figures, file_name=f"{kind} {number}", who="bench")
            found.setdefault(f"embedded {kind}", []).append(time.perf_counter() - began)
    rows = size.units * size.indicators
    med = {k: statistics.median(v) for k, v in found.items()}
    for kind, what in (
        ("new", "new figures (a new month)"),
        ("revised", "changed figures (that month revised)"),
    ):
        ctx.rows.append(
            Row(
                _label(size, f"PostgreSQL mode: write one batch, {rows:,} {what}"),
                med[f"write {kind}"],
                med[f"embedded {kind}"],
                note="`write_observations` of one month for every unit and indicator into "
                f"a copy of the full {size.name} database; reference: the same batch into a "
                "copy of the embedded file (its backup copy before the write included).",
            )
        )
        ctx.rows.append(
            Row(
                _label(size, f"PostgreSQL mode: local copy catches up after it ({kind})"),
                med[f"sync {kind}"],
                med[f"drain {kind}"],
                note="The next read's cost after that batch: the local copy (the full data "
                "set) takes the batch's figures, the keys it touched and the reference "
                "tables from PostgreSQL; reference: PostgreSQL's `COPY` of the batch's "
                "figures read into memory alone.",
            )
        )


# --- pages --------------------------------------------------------------------------------


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Environment variables set (``None``: removed) inside, restored after."""
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def pages(ctx: Context) -> None:
    """Each page's rerun in PostgreSQL mode beside the same page on the embedded file,
    the two measured one after the other."""
    for size in ctx.sizes:
        loaded = server(ctx).full(size)
        local = data.fresh_copy(loaded.replica, ctx.scratch(f"pages-pg-{size.name}.duckdb"))
        embedded = data.fresh_copy(data.full_db(size), ctx.scratch(f"pages-ref-{size.name}.duckdb"))
        limit = 0.300 if size.name == "S" else 0.500
        for page in page_names():
            with _environment(BXGC_DB=str(embedded), **{PG_DSN_ENV: None}):
                reference, _ = page_rerun(ctx, page)
            with _environment(BXGC_DB=str(local), **{PG_DSN_ENV: loaded.dsn}):
                seconds, note = page_rerun(ctx, page)
            ctx.rows.append(
                Row(
                    _label(size, f"PostgreSQL mode: page rerun `{page}`"),
                    seconds,
                    reference,
                    target=f"< {limit * 1000:.0f} ms",
                    met=None if seconds is None else seconds < limit,
                    note=note + "; reference: the same page on the embedded file, measured "
                    "just before",
                )
            )
            if seconds is not None:
                ctx.grew(f"page rerun `{page}`, PostgreSQL mode", size, seconds, 1.0)


# --- concurrent writes --------------------------------------------------------------------


def concurrent(ctx: Context) -> None:
    """4 importer processes × 5 batches × 50,000 figures at once with 10 readers, on
    PostgreSQL and on the embedded file; distinct keys, then the same keys."""
    quick = ctx.sizes[-1].name == "S"
    shape = (
        {"writers": 4, "batches": 2, "rows": 5_000, "readers": 3}
        if quick
        else {"writers": 4, "batches": 5, "rows": 50_000, "readers": 10}
    )
    for same_keys in (False, True):
        scenario = concurrency.Scenario(**shape, same_keys=same_keys)
        keys = "the same keys" if same_keys else "distinct keys"
        work = ctx.scratch(f"concurrency-{scenario.keys}")
        mine = concurrency.run(scenario, work=work / "postgres", dsn=server(ctx).database())
        postgres.close_all()
        embedded = concurrency.run(scenario, work=work / "duckdb")
        what = (
            f"{scenario.writers} importers × {scenario.batches} batches × "
            f"{scenario.rows:,} figures, {keys}, {scenario.readers} readers"
        )
        target = "0 errors, none lost or doubled" + (", one value per key" if same_keys else "")
        ctx.rows.append(
            Row(
                f"PostgreSQL mode: concurrent imports, {what}: import p95",
                mine.import_p(95),
                embedded.import_p(95),
                target=target,
                met=mine.ok,
                note=_concurrency_note(mine, embedded),
            )
        )
        ctx.rows.append(
            Row(
                f"PostgreSQL mode: concurrent imports, {what}: reader p95",
                mine.read_p(95),
                embedded.read_p(95),
                note="A reader's iteration: the data version, the count and one indicator's "
                "month, through its own local copy (brought up to date when a batch has "
                "committed); reference: the same on the embedded file, which the readers "
                "and importers open in turn.",
            )
        )


def _concurrency_note(mine: concurrency.Outcome, embedded: concurrency.Outcome) -> str:
    def line(o: concurrency.Outcome) -> str:
        ms = concurrency._ms
        found = o.violations[:2] + o.errors[:2]
        return (
            f"import p50 {ms(o.import_p(50))}, max {ms(max(o.imports) if o.imports else None)}; "
            f"reader p50 {ms(o.read_p(50))} ({len(o.reads):,} reads); {len(o.errors)} errors; "
            f"{o.stored:,} figures stored of {o.scenario.expected_rows:,}; "
            f"{len(o.violations)} violations" + (f" ({'; '.join(found)})" if found else "")
        )

    return (
        f"`python -m bench.concurrency`. PostgreSQL: {line(mine)}; every reader's copy and a "
        f"new one equal to PostgreSQL: {mine.replicas} of {mine.scenario.readers + 1}; the "
        f"readers held the final version {concurrency._ms(mine.catch_up)} after the last "
        f"commit. Embedded file (reference): {line(embedded)}."
    )


CASES = {
    "pg_load": load,
    "pg_import": import_csv,
    "pg_batch": batch,
    "pg_pages": pages,
    "pg_concurrency": concurrent,
}
"""The PostgreSQL-mode cases by the name ``--only`` takes, in the order they run (after
:data:`bench.cases.CASES`; the batch case copies the loaded database, which no page may
hold open then)."""
