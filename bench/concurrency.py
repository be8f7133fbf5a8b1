"""Concurrent imports and reads, checked afterwards: ``python -m bench.concurrency``.

``WRITERS`` importer processes each write ``BATCHES`` batches of ``ROWS`` figures at once
while ``READERS`` reader processes read continuously, each through its own local copy
(``BXGC_DB``) in PostgreSQL mode, or all from the one file in embedded mode. A batch is one
month of figures for every unit and indicator (1,000 units × 50 indicators = 50,000).

- Distinct keys (the default): every writer writes months of its own, so every figure is
  new and the database ends with ``WRITERS × BATCHES × ROWS`` figures.
- ``--same-keys``: all writers write the same months with values of their own, so each
  key is written ``WRITERS`` times; afterwards each key must hold exactly one value, the
  one of the last committed batch that wrote it (batch ids are taken under the write lock,
  so their order is the order of the commits), and the replaced values must form one
  chain per key: each batch's history names the batch committed just before it, with its
  value (no write was lost or applied over a value it did not see).

Measured: each batch's import latency (``write_observations``, waiting for the write lock
included), each reader iteration (data version, count, one indicator in one month: what a
page run asks the store), errors, and how long the readers took to hold the final version
after the last commit. Checked afterwards, in the system of record: the number of figures,
no duplicate key, every value and batch id, the batches' counts and history; in PostgreSQL
mode also that each reader's copy (kept up to date batch by batch throughout) and a new
copy made afterwards (a whole copy) hold exactly what PostgreSQL holds. Readers check as
they go that the count never falls, only ever grows by whole batches, and that a month of
an indicator is either absent or complete.

Without ``--dsn`` a throwaway PostgreSQL cluster (:class:`tests.pgcluster.Cluster`) is
started; a given database must hold no figures. The same scenario then runs on the
embedded DuckDB file (the writers retrying while another process holds it) for
comparison, unless ``--backend`` says otherwise. Prints a table; exits 1 on any error or
violation.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import multiprocessing as mp
import os
import queue
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bench import data

BACKENDS = ("postgres", "duckdb")
"""``postgres``: PostgreSQL is the system of record, each process reads through its own
local copy; ``duckdb``: every process opens the one embedded file."""

FIRST_YEAR = 2000
"""The months written start in January of this year."""

READY_SECONDS = 180.0
"""How long the processes may take to start (import the libraries, build their frames)."""

CATCH_UP_SECONDS = 30.0
"""How long a reader may take to hold the final data version once the writers are done."""

KEY = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]

_SCHEMA = pa.schema(
    [
        ("unit_code", pa.string()),
        ("indicator_code", pa.string()),
        ("freq", pa.string()),
        ("year", pa.int32()),
        ("sub", pa.int32()),
        ("value_kind", pa.string()),
        ("value", pa.float64()),
        ("cumulative", pa.bool_()),
        ("batch_id", pa.int64()),
    ]
)
"""The observations as both systems are compared in."""

_HISTORY_SCHEMA = pa.schema(
    [
        ("batch_id", pa.int64()),
        ("unit_code", pa.string()),
        ("indicator_code", pa.string()),
        ("year", pa.int32()),
        ("sub", pa.int32()),
        ("existed", pa.bool_()),
        ("old_value", pa.float64()),
        ("old_batch_id", pa.int64()),
    ]
)
_BATCHES_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("file_name", pa.string()),
        ("status", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_new", pa.int64()),
        ("rows_changed", pa.int64()),
    ]
)
_SELECT_OBSERVATIONS = (
    "SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id "
    "FROM observations ORDER BY unit_code, indicator_code, freq, year, sub, value_kind"
)
_SELECT_HISTORY = (
    "SELECT batch_id, unit_code, indicator_code, year, sub, existed, old_value, old_batch_id "
    "FROM observation_history"
)
_SELECT_BATCHES = (
    "SELECT id, file_name, status, rows_read, rows_new, rows_changed FROM batches ORDER BY id"
)
_DUPLICATE_KEYS = """
    SELECT count(*) FROM (
        SELECT 1 FROM observations
        GROUP BY unit_code, indicator_code, freq, year, sub, value_kind HAVING count(*) > 1
    ) AS d
"""
_DATA_VERSION = "SELECT value FROM meta WHERE key = 'data_version'"


# --- the scenario -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """How many processes write and read, and what they write."""

    writers: int = 4
    """Importer processes."""
    batches: int = 5
    """Batches each importer writes, one after the other."""
    rows: int = 50_000
    """Figures in a batch: one month of every unit and indicator."""
    readers: int = 10
    """Reader processes."""
    same_keys: bool = False
    """Whether every importer writes the same keys (with values of its own)."""

    def __post_init__(self) -> None:
        if min(self.writers, self.batches, self.rows) < 1 or self.readers < 0:
            raise ValueError("writers, batches and rows must be positive, readers not negative")
        if self.indicators > 50:
            raise ValueError("at most 50,000 rows a batch (1,000 units × 50 indicators)")

    @property
    def units(self) -> int:
        """Units seeded: up to 1,000."""
        return min(self.rows, 1000)

    @property
    def indicators(self) -> int:
        """Indicators seeded: as many as a batch of :attr:`rows` needs."""
        return math.ceil(self.rows / self.units)

    @property
    def keys(self) -> str:
        """``same`` or ``distinct``."""
        return "same" if self.same_keys else "distinct"

    @property
    def expected_rows(self) -> int:
        """Figures stored once every batch is written."""
        return self.rows * self.batches * (1 if self.same_keys else self.writers)

    def slot(self, *, writer: int, batch: int) -> int:
        """The month (counted from January of :data:`FIRST_YEAR`) a batch writes."""
        return batch if self.same_keys else writer * self.batches + batch

    @property
    def slots(self) -> int:
        """Months written."""
        return self.batches if self.same_keys else self.writers * self.batches

    def month_rows(self, indicator: int) -> int:
        """Figures of one indicator in a written month."""
        if indicator < self.indicators - 1:
            return self.units
        return self.rows - self.units * (self.indicators - 1)

    def size(self) -> data.Size:
        """The units and indicators as a benchmark size (for their frames)."""
        return data.Size(
            f"c{self.rows}",
            units=self.units,
            indicators=self.indicators,
            months=1,
            csv_months=1,
            xlsx_months=1,
            wide_months=1,
        )


def period(slot: int | np.ndarray) -> tuple[Any, Any]:
    """(year, month) of a written month."""
    return FIRST_YEAR + slot // 12, slot % 12 + 1


def value(writer: int | np.ndarray, batch: int | np.ndarray, i: np.ndarray) -> np.ndarray:
    """The value a writer writes for key ``i`` of its batch: distinct for every writer,
    batch and key, and exact as a double."""
    return (np.asarray(writer) + 1) * 1e9 + (np.asarray(batch) + 1) * 1e7 + np.asarray(i)


def frame(scenario: Scenario, *, writer: int, batch: int) -> pd.DataFrame:
    """The figures of one batch; key ``i`` is unit ``i % units`` of indicator ``i // units``."""
    i = np.arange(scenario.rows)
    year, sub = period(scenario.slot(writer=writer, batch=batch))
    return pd.DataFrame(
        {
            "unit_code": [f"U{u:04d}" for u in i % scenario.units],
            "indicator_code": [f"I{j:03d}" for j in i // scenario.units],
            "freq": "M",
            "year": year,
            "sub": sub,
            "value_kind": "actual",
            "value": value(writer, batch, i),
            "cumulative": False,
        }
    )


# --- the outcome --------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (linear between ranks); ``None`` of nothing."""
    return float(np.percentile(values, q)) if len(values) else None


@dataclass
class Outcome:
    """What one run of a scenario measured and found."""

    backend: str
    scenario: Scenario
    imports: list[float] = field(default_factory=list)
    """Seconds of each batch write."""
    reads: list[float] = field(default_factory=list)
    """Seconds of each reader iteration."""
    errors: list[str] = field(default_factory=list)
    """Exceptions raised in the writers and readers."""
    violations: list[str] = field(default_factory=list)
    """What the checks found wrong."""
    stored: int = 0
    """Figures in the system of record afterwards."""
    replicas: int = 0
    """Local copies found equal to PostgreSQL."""
    writing: float = 0.0
    """Seconds from the start signal to the last writer's end."""
    catch_up: float | None = None
    """Seconds the slowest reader took to hold the final version after the last commit."""
    written: dict[tuple[int, int], int | None] = field(default_factory=dict)
    """The batch id each writer's write returned, by (writer, batch)."""

    @property
    def ok(self) -> bool:
        """No error, no violation."""
        return not self.errors and not self.violations

    def import_p(self, q: float) -> float | None:
        return percentile(self.imports, q)

    def read_p(self, q: float) -> float | None:
        return percentile(self.reads, q)


# --- the processes ------------------------------------------------------------------------


def _store(path: Path, *, dsn: str | None, actor: Any = None) -> Any:
    from bxgc_metrics.access import VIEWER
    from bxgc_metrics.store import Store

    return Store(path, actor=actor or VIEWER, dsn=dsn or "")


def _failure(who: str, exc: BaseException) -> str:
    return f"{who}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _quiet() -> None:
    """No output from a process of the run but its result (DuckDB draws a progress bar on
    standard output for a statement that takes more than two seconds)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _writer(spec: dict[str, Any], barrier: Any, results: Any) -> None:
    """One importer: build its frames, wait for the others, write its batches."""
    from bxgc_metrics.access import Actor

    _quiet()
    scenario: Scenario = spec["scenario"]
    w = spec["index"]
    out: dict[str, Any] = {"role": "writer", "index": w, "imports": [], "errors": [], "ids": []}
    try:
        actor = Actor(f"writer{w}", "analyst", operator=True)
        store = _store(spec["path"], dsn=spec["dsn"], actor=actor)
        frames = [frame(scenario, writer=w, batch=b) for b in range(scenario.batches)]
        barrier.wait(READY_SECONDS)
        for b, batch in enumerate(frames):
            began = time.perf_counter()
            try:
                done = store.write_observations(batch, file_name=f"w{w}-b{b}", who=f"writer{w}")
            except Exception as exc:
                out["errors"].append(_failure(f"writer {w} batch {b}", exc))
                continue
            out["imports"].append(time.perf_counter() - began)
            out["ids"].append((b, done.batch_id))
    except Exception as exc:  # a writer that cannot start is an error of the run
        out["errors"].append(_failure(f"writer {w}", exc) + "\n" + traceback.format_exc())
        barrier.abort()
    results.put(out)


class _Watch:
    """What a reader checks as it goes: counts never fall and grow by whole batches, a
    month of an indicator is absent or complete, the data version never falls."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.count = 0
        self.version = 0
        self.problems: list[str] = []

    def saw(self, *, version: int, count: int, month: tuple[int, int]) -> None:
        indicator, found = month
        if version < self.version:
            self.problems.append(f"data version fell from {self.version} to {version}")
        if count < self.count:
            self.problems.append(f"count fell from {self.count} to {count}")
        if count % self.scenario.rows:
            self.problems.append(f"count {count} is not a whole number of batches")
        if found not in (0, self.scenario.month_rows(indicator)):
            self.problems.append(f"indicator {indicator}: {found} figures of a month")
        self.version, self.count = max(self.version, version), max(self.count, count)


def _read_once(store: Any, scenario: Scenario, rng: random.Random) -> tuple[int, int, int, int]:
    """One reader iteration: the data version, the count, one indicator in one month."""
    version = store.data_version()
    count = store.count_observations()
    indicator = rng.randrange(scenario.indicators)
    year, sub = period(rng.randrange(scenario.slots))
    found = store.observations_in(
        indicators=[f"I{indicator:03d}"], freqs=["M"], periods=[(int(year), int(sub))]
    )
    return version, count, indicator, len(found)


def _reader(spec: dict[str, Any], barrier: Any, control: dict[str, Any], results: Any) -> None:
    """One reader: read until told to stop, then until it holds the final version."""
    _quiet()
    scenario: Scenario = spec["scenario"]
    k = spec["index"]
    out: dict[str, Any] = {"role": "reader", "index": k, "reads": [], "errors": [], "problems": []}
    errors = 0
    try:
        store = _store(spec["path"], dsn=spec["dsn"])
        rng = random.Random(k)
        watch = _Watch(scenario)
        store.count_observations()  # the copy's first sync, before the clock starts
        barrier.wait(READY_SECONDS)
        while not control["stop"].is_set():
            began = time.perf_counter()
            try:
                version, count, indicator, found = _read_once(store, scenario, rng)
            except Exception as exc:
                errors += 1
                if len(out["errors"]) < 5:
                    out["errors"].append(_failure(f"reader {k}", exc))
                time.sleep(0.05)
                continue
            out["reads"].append(time.perf_counter() - began)
            watch.saw(version=version, count=count, month=(indicator, found))
        final = control["final"].value
        while store.data_version() < final:
            if time.time() - control["at"].value > CATCH_UP_SECONDS:
                out["errors"].append(f"reader {k}: never saw data version {final}")
                break
            time.sleep(0.02)
        out["count"] = store.count_observations()  # brings the copy to that version
        # from the writers' end, a read begun before it included
        out["caught_up"] = time.time() - control["at"].value
        out["problems"] = [f"reader {k}: {p}" for p in dict.fromkeys(watch.problems)]
    except Exception as exc:
        out["errors"].append(_failure(f"reader {k}", exc) + "\n" + traceback.format_exc())
        barrier.abort()
    if errors > len(out["errors"]):
        out["errors"].append(f"reader {k}: {errors} failed reads in all")
    results.put(out)


# --- running ------------------------------------------------------------------------------


def seed(scenario: Scenario, *, path: Path, dsn: str | None) -> None:
    """Register the units and indicators the batches write."""
    from bxgc_metrics.access import SYSTEM

    store = _store(path, dsn=dsn, actor=SYSTEM)
    if store.count_observations():
        raise SystemExit(f"{dsn or path} holds figures already: give an empty database")
    store.upsert_units(data.units_frame(scenario.size()))
    store.upsert_indicators(data.indicators_frame(scenario.size()))


def run(scenario: Scenario, *, work: Path, dsn: str | None = None) -> Outcome:
    """Run ``scenario`` on PostgreSQL (``dsn``) or, without it, on the embedded file
    ``work/shared.duckdb``, then check what was stored."""
    from bxgc_metrics.store import postgres

    backend = "postgres" if dsn else "duckdb"
    outcome = Outcome(backend, scenario)
    work.mkdir(parents=True, exist_ok=True)
    shared = work / "shared.duckdb"
    seed(scenario, path=work / "seed.duckdb" if dsn else shared, dsn=dsn)
    ctx = _context()
    barrier = ctx.Barrier(scenario.writers + scenario.readers + 1)
    control = {"stop": ctx.Event(), "final": ctx.Value("q", 0), "at": ctx.Value("d", 0.0)}
    results = ctx.Queue()
    writers = [
        ctx.Process(
            target=_writer,
            args=(
                {
                    "scenario": scenario,
                    "index": w,
                    "dsn": dsn,
                    "path": work / f"writer{w}.duckdb" if dsn else shared,
                },
                barrier,
                results,
            ),
        )
        for w in range(scenario.writers)
    ]
    readers = [
        ctx.Process(
            target=_reader,
            args=(
                {
                    "scenario": scenario,
                    "index": k,
                    "dsn": dsn,
                    "path": work / f"reader{k}.duckdb" if dsn else shared,
                },
                barrier,
                control,
                results,
            ),
        )
        for k in range(scenario.readers)
    ]
    found: list[dict[str, Any]] = []
    try:
        start([*writers, *readers])
        try:
            barrier.wait(READY_SECONDS)
        except threading.BrokenBarrierError:
            return _not_started(outcome, results, processes=(*writers, *readers))
        began = time.perf_counter()
        while sum(1 for f in found if f["role"] == "writer") < scenario.writers:
            found.append(results.get(timeout=3600))
        outcome.writing = time.perf_counter() - began
        control["final"].value = _final_version(dsn=dsn, path=shared)
        control["at"].value = time.time()
        control["stop"].set()
        while len(found) < scenario.writers + scenario.readers:
            found.append(results.get(timeout=READY_SECONDS))
    finally:
        control["stop"].set()
        for process in (*writers, *readers):
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                outcome.errors.append(f"{process.name} did not finish")
    _gather(outcome, found)
    check(outcome, dsn=dsn, path=shared)
    if dsn:
        readers_paths = [work / f"reader{k}.duckdb" for k in range(scenario.readers)]
        check_copies(outcome, copies=(*readers_paths, work / "fresh.duckdb"), dsn=dsn)
        postgres.close_all()
    return outcome


def _not_started(outcome: Outcome, results: Any, *, processes: Sequence[Any]) -> Outcome:
    """What the processes said when some could not start."""
    outcome.errors.append("the processes did not all start")
    for _ in processes:
        with contextlib.suppress(queue.Empty):
            outcome.errors += results.get(timeout=5)["errors"]
    return outcome


PRELOAD = ["bench.data", "bxgc_metrics.store.postgres", "bxgc_metrics.store.replica"]
"""Imported once by the fork server, so each process starts in milliseconds, not seconds."""


def start(processes: Sequence[Any]) -> None:
    """Start ``processes`` (of :func:`_context`) with no foreign ``__main__`` to import.

    Streamlit's script runner leaves the app installed as ``__main__`` in any process
    that ran it, and a forkserver child imports the parent's ``__main__`` first: it would
    run the whole app (and open ``BXGC_DB``, or ``data/bxgc.duckdb``). Children need
    ``__main__`` only when their targets live there (``python -m bench.concurrency``).
    """
    main = sys.modules["__main__"]
    if _writer.__module__ != "__main__":
        sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        for process in processes:
            process.start()
    finally:
        sys.modules["__main__"] = main


def _context() -> Any:
    """Processes forked from a server that imported the store once (no threads, no open
    connections: unlike forking this process)."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _gather(outcome: Outcome, found: list[dict[str, Any]]) -> None:
    caught = []
    for one in found:
        outcome.errors += one["errors"]
        outcome.violations += one.get("problems", [])
        outcome.imports += one.get("imports", [])
        outcome.reads += one.get("reads", [])
        if "caught_up" in one:
            caught.append(one["caught_up"])
        for batch, batch_id in one.get("ids", []):
            outcome.written[one["index"], batch] = batch_id
    outcome.catch_up = max(caught) if caught else None


def _final_version(*, dsn: str | None, path: Path) -> int:
    if dsn:
        import psycopg

        with psycopg.connect(dsn) as con:
            row = con.execute(_DATA_VERSION).fetchone()
    else:
        with _duckdb(path) as con:
            row = con.execute(_DATA_VERSION).fetchone()
    return int(row[0]) if row else 0


@contextlib.contextmanager
def _duckdb(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file opened read-only, waiting while another process holds it."""
    deadline = time.monotonic() + 60
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield con
    finally:
        con.close()


# --- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What the system of record holds after a run."""

    observations: pa.Table
    """Every figure, ordered by key, as :data:`_SCHEMA`."""
    history: pd.DataFrame
    """The values batches replaced."""
    batches: pd.DataFrame
    """Every batch."""
    duplicates: int
    """Keys stored more than once."""


def _pg_table(cur: Any, statement: str, schema: pa.Schema) -> pa.Table:
    buffer = io.BytesIO()
    with cur.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return schema.empty_table()
    buffer.seek(0)
    return pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=schema.names),
        convert_options=pacsv.ConvertOptions(
            column_types=schema, true_values=["t"], false_values=["f"]
        ),
    )


def stored(*, dsn: str | None, path: Path) -> Stored:
    """Read what PostgreSQL (``dsn``) or the file at ``path`` holds, around the store."""
    queries = (
        (_SELECT_OBSERVATIONS, _SCHEMA),
        (_SELECT_HISTORY, _HISTORY_SCHEMA),
        (_SELECT_BATCHES, _BATCHES_SCHEMA),
    )
    if dsn:
        import psycopg

        with psycopg.connect(dsn) as pg, pg.cursor() as cur:
            tables = [_pg_table(cur, statement, schema) for statement, schema in queries]
            duplicates = int(cur.execute(_DUPLICATE_KEYS).fetchone()[0])  # type: ignore[index]
    else:
        with _duckdb(path) as con:
            tables = [con.sql(q).to_arrow_table().cast(schema) for q, schema in queries]
            duplicates = int(con.execute(_DUPLICATE_KEYS).fetchone()[0])  # type: ignore[index]
    observations, history, batches = tables
    return Stored(observations, history.to_pandas(), batches.to_pandas(), duplicates)


def _key_index(scenario: Scenario, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's month (from January of :data:`FIRST_YEAR`) and key ``i`` in its batch."""
    unit = frame["unit_code"].str.slice(1).astype(int).to_numpy()
    indicator = frame["indicator_code"].str.slice(1).astype(int).to_numpy()
    slot = (frame["year"].to_numpy() - FIRST_YEAR) * 12 + frame["sub"].to_numpy() - 1
    return slot, unit + scenario.units * indicator


def check(outcome: Outcome, *, dsn: str | None, path: Path) -> None:
    """Check what the system of record holds against what the writers wrote."""
    scenario = outcome.scenario
    held = stored(dsn=dsn, path=path)
    wrong = outcome.violations
    outcome.stored = held.observations.num_rows
    if outcome.stored != scenario.expected_rows:
        wrong.append(f"{outcome.stored:,} figures stored, {scenario.expected_rows:,} expected")
    if held.duplicates:
        wrong.append(f"{held.duplicates} keys stored more than once")
    batches = held.batches
    parsed = batches["file_name"].str.extract(r"^w(\d+)-b(\d+)$").astype(float)
    batches = batches.assign(writer=parsed[0], batch=parsed[1]).dropna(subset=["writer"])
    batches = batches.astype({"writer": int, "batch": int})
    reported = outcome.written
    listed = {(int(r.writer), int(r.batch)): int(r.id) for r in batches.itertuples()}
    if reported != listed:
        wrong.append(f"batches reported by the writers {len(reported)} ≠ stored {len(listed)}")
    if (batches["status"] != "committed").any() or (batches["rows_read"] != scenario.rows).any():
        wrong.append("a batch is not committed or did not read every row")
    _check_values(outcome, held, batches)


def _check_values(outcome: Outcome, held: Stored, batches: pd.DataFrame) -> None:
    """Every figure holds the value and batch of the last committed batch that wrote it;
    the counts and history of every batch say the same."""
    scenario, wrong = outcome.scenario, outcome.violations
    obs = held.observations.select(["unit_code", "indicator_code", "year", "sub", "value"])
    frame = obs.to_pandas().assign(batch_id=held.observations.column("batch_id").to_numpy())
    slot, i = _key_index(scenario, frame)
    batches = batches.assign(
        slot=[
            scenario.slot(writer=w, batch=b)
            for w, b in zip(batches.writer, batches.batch, strict=True)
        ]
    ).sort_values("id")
    last = batches.groupby("slot").tail(1).set_index("slot")  # the last commit of each month
    first = batches.groupby("slot").head(1)
    winner = last.reindex(slot)
    bad = (frame["batch_id"].to_numpy() != winner["id"].to_numpy()) | (
        frame["value"].to_numpy()
        != value(winner["writer"].to_numpy(), winner["batch"].to_numpy(), i)
    )
    if bad.any():
        wrong.append(f"{int(bad.sum()):,} figures hold another value than the last batch's")
    is_first = batches["id"].isin(first["id"])
    new_ok = np.where(is_first, batches["rows_new"] == scenario.rows, batches["rows_new"] == 0)
    changed_ok = np.where(
        is_first, batches["rows_changed"] == 0, batches["rows_changed"] == scenario.rows
    )
    if not (new_ok.all() and changed_ok.all()):
        wrong.append("a batch's new and changed counts are not what it wrote")
    _check_history(outcome, held.history, batches)


def _check_history(outcome: Outcome, history: pd.DataFrame, batches: pd.DataFrame) -> None:
    """Each batch replaced exactly the values of the batch committed just before it in
    the same month (every committed batch but a month's first replaced all its keys)."""
    scenario, wrong = outcome.scenario, outcome.violations
    expected = (len(batches) - batches["slot"].nunique()) * scenario.rows
    if len(history) != expected:
        wrong.append(f"{len(history):,} replaced values kept, {expected:,} expected")
    if history.empty:
        return
    previous = batches.assign(prev=batches.groupby("slot")["id"].shift()).set_index("id")
    replacing = previous.reindex(history["batch_id"].to_numpy())
    before = previous.reindex(replacing["prev"].to_numpy())
    slot, i = _key_index(scenario, history)
    same_month = slot == replacing["slot"].to_numpy()
    chain = (
        same_month
        & history["existed"].to_numpy()
        & (history["old_batch_id"].to_numpy() == before.index.to_numpy())
        & (
            history["old_value"].to_numpy()
            == value(before["writer"].to_numpy(), before["batch"].to_numpy(), i)
        )
    )
    if not chain.all():
        wrong.append(f"{int((~chain).sum()):,} replaced values are not the previous commit's")


def check_copies(outcome: Outcome, *, copies: Sequence[Path], dsn: str) -> None:
    """Each local copy, brought up to date, holds exactly PostgreSQL's figures; the last
    of ``copies`` is made anew (a whole copy)."""
    want = stored(dsn=dsn, path=Path()).observations
    _store(copies[-1], dsn=dsn).count_observations()
    for copy in copies:
        if not copy.exists():
            outcome.violations.append(f"{copy.name}: no local copy")
            continue
        with _duckdb(copy) as con:
            held = con.sql(_SELECT_OBSERVATIONS).to_arrow_table().cast(_SCHEMA)
        if held.equals(want):
            outcome.replicas += 1
        else:
            outcome.violations.append(
                f"{copy.name}: {held.num_rows:,} figures, sum "
                f"{pc.sum(held['value']).as_py()}; PostgreSQL {want.num_rows:,}, "
                f"sum {pc.sum(want['value']).as_py()}"
            )


# --- the report ---------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def table(outcomes: Sequence[Outcome]) -> str:
    """The outcomes as a Markdown table."""
    lines = [
        "| system of record | keys | writers × batches × rows | readers | import p50 | "
        "import p95 | import max | read p50 | read p95 | reads | readers current after | "
        "errors | figures (expected) | copies equal | violations |",
        "|" + "---|" * 15,
    ]
    for o in outcomes:
        s = o.scenario
        copies = f"{o.replicas}/{s.readers + 1}" if o.backend == "postgres" else "—"
        lines.append(
            f"| {o.backend} | {s.keys} | {s.writers} × {s.batches} × {s.rows:,} | {s.readers} "
            f"| {_ms(o.import_p(50))} | {_ms(o.import_p(95))} | "
            f"{_ms(max(o.imports) if o.imports else None)} | {_ms(o.read_p(50))} | "
            f"{_ms(o.read_p(95))} | {len(o.reads):,} | {_ms(o.catch_up)} | {len(o.errors)} | "
            f"{o.stored:,} ({s.expected_rows:,}) | {copies} | {len(o.violations)} |"
        )
    return "\n".join(lines)


def ratios(outcomes: Sequence[Outcome]) -> list[str]:
    """PostgreSQL over DuckDB, per key mode, of the p95 latencies."""
    out = []
    by = {(o.backend, o.scenario.keys): o for o in outcomes}
    for keys in ("distinct", "same"):
        pg, dk = by.get(("postgres", keys)), by.get(("duckdb", keys))
        if pg is None or dk is None:
            continue
        for what, a, b in (
            ("import p95", pg.import_p(95), dk.import_p(95)),
            ("read p95", pg.read_p(95), dk.read_p(95)),
        ):
            if a is not None and b:
                out.append(f"{keys} keys, {what}: PostgreSQL / DuckDB = {a / b:.2f}×")
    return out


# --- the command line ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.concurrency",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--dsn", help="an empty PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--rows", type=int, default=50_000, help="figures a batch (50,000)")
    parser.add_argument("--batches", type=int, default=5, help="batches each writer writes (5)")
    parser.add_argument("--writers", type=int, default=4, help="importer processes (4)")
    parser.add_argument("--readers", type=int, default=10, help="reader processes (10)")
    parser.add_argument(
        "--same-keys", action="store_true", help="every writer writes the same keys"
    )
    parser.add_argument(
        "--backend",
        choices=(*BACKENDS, "both"),
        default="both",
        help="where to run the scenario (default: both, for the ratio)",
    )
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scenario, print the table; 1 on any error or violation."""
    args = build_parser().parse_args(argv)
    scenario = Scenario(
        writers=args.writers,
        batches=args.batches,
        rows=args.rows,
        readers=args.readers,
        same_keys=args.same_keys,
    )
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bxgc-concurrency-"))
    outcomes = []
    try:
        with contextlib.ExitStack() as stack:
            for backend in backends:
                print(f"running on {backend} …", flush=True)
                dsn = None
                if backend == "postgres":
                    dsn = args.dsn or _throwaway(stack)
                outcomes.append(run(scenario, work=work / backend, dsn=dsn))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(outcomes))
    for line in ratios(outcomes):
        print(line)
    for o in outcomes:
        for problem in (*o.errors, *o.violations)[:20]:
            print(f"{o.backend}: {problem}")
    return 0 if all(o.ok for o in outcomes) else 1


def _throwaway(stack: contextlib.ExitStack) -> str:
    from tests.pgcluster import Cluster

    return stack.enter_context(Cluster()).create_database()


def summary(outcome: Outcome) -> str:
    """One line: latencies, errors and what the checks found."""
    s = outcome.scenario
    med = statistics.median(outcome.imports) if outcome.imports else None
    return (
        f"{outcome.backend}, {s.keys} keys: import p50 {_ms(med)}, p95 "
        f"{_ms(outcome.import_p(95))}; read p95 {_ms(outcome.read_p(95))}; "
        f"{len(outcome.errors)} errors; {outcome.stored:,} figures of {s.expected_rows:,}; "
        f"{len(outcome.violations)} violations"
    )


if __name__ == "__main__":
    # the processes run this module's functions as bench.concurrency, not as __main__
    from bench import concurrency

    raise SystemExit(concurrency.main())
