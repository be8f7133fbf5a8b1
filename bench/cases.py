"""The benchmarks: each measures an operation beside its reference in the same run.

Every case takes the :class:`Context` and adds :class:`~bench.report.Row` entries (and
S/M timings for the growth table) to it. SQL here is built from constants only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from bench import data
from bench.report import Growth, Row
from bench.timing import QUICK_BUDGET, in_turns, median, runs_within
from bxgc_metrics.access import Actor
from bxgc_metrics.importer.service import Limits, analyse, commit
from bxgc_metrics.metrics.catchup import catch_up
from bxgc_metrics.metrics.ranking import composite
from bxgc_metrics.store import Store, backups
from bxgc_metrics.store.backup import backup_folder

if TYPE_CHECKING:
    from bench.pgmode import Server

TODAY = dt.date(2026, 6, 30)
"""The importer's "today", fixed so that results do not depend on the clock."""

ANALYST = Actor("bench", "analyst", operator=True)
LIMITS = Limits(max_bytes=1024**3)
"""The 1,000,000-row CSV is 56 MB, past the upload page's limit: the benchmark imports it
as an operator would from the command line with ``--max-mb 1024``."""
"""Imports run as an analyst, the weakest role that may import."""

NAIVE_ROWS = 10_000
"""Rows the naive row-by-row INSERT is timed on; its time is scaled to the whole file."""

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    """What every case needs and what the cases found."""

    sizes: tuple[data.Size, ...]
    """The data sets to run on (S, or S and M)."""
    repeats: int
    """Runs per median (the least: a quick operation gets more, within :attr:`budget`)."""
    work: Path
    """Scratch folder for database copies."""
    rows: list[Row] = field(default_factory=list)
    """Results for the main table."""
    load: tuple[float, float] = (0.0, 0.0)
    """The machine's load average (1 minute) when the run began and when it ended."""
    postgres: Server | None = None
    """The PostgreSQL-mode cases' throwaway cluster (:class:`bench.pgmode.Server`), started
    by the first of them; :func:`bench.run.main` stops it."""
    budget: float = QUICK_BUDGET
    """Seconds within which a quick operation gets more than :attr:`repeats` runs, up to
    :data:`~bench.timing.QUICK_MOST` (0: exactly :attr:`repeats`, as the tests run it)."""
    growth: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    """Operation → size name → (median seconds, input size) for the growth table."""

    def grew(self, operation: str, size: data.Size, seconds: float, amount: float) -> None:
        """Record one size's time and input size of ``operation``."""
        self.growth.setdefault(operation, {})[size.name] = (seconds, amount)

    def scratch(self, name: str) -> Path:
        """A path in the scratch folder."""
        self.work.mkdir(parents=True, exist_ok=True)
        return self.work / name


def _label(size: data.Size, what: str, where: str = "") -> str:
    return f"{what} ({size.name}, {where})" if where else f"{what} ({size.name})"


# --- importing ----------------------------------------------------------------------------


def _import(path: Path, db: Path, rows: int, *, dsn: str = "") -> None:
    """The in-process import: analyse, then commit into ``db`` (or, with ``dsn``, into that
    PostgreSQL database, ``db`` being the local copy)."""
    store = Store(db, actor=ANALYST, dsn=dsn)
    plan = analyse(path.read_bytes(), path.name, store, today=TODAY, limits=LIMITS)
    if not plan.can_commit:
        raise RuntimeError(f"{path.name}: {[i.text('en') for i in plan.errors][:3]}")
    result = commit(plan, store, who="bench")
    if result.rows_read != rows:
        raise RuntimeError(f"{path.name}: {result.rows_read} figures read, {rows} expected")


def _fresh_reference(ctx: Context, size: data.Size) -> Callable[[], Path]:
    """A set-up that copies the units-and-indicators database and opens it once."""

    def prepare() -> Path:
        db = data.fresh_copy(data.reference_db(size), ctx.scratch(f"import-{size.name}.duckdb"))
        Store(db).schema_version()  # any schema upgrade happens here, not in the timing
        return db

    return prepare


def _importer_in_turns(
    ctx: Context, size: data.Size, path: Path, rows: int, reference: Callable[[object], object]
) -> tuple[float, float]:
    """The importer's median on ``path`` and the median of ``reference``, taken in turns."""
    return in_turns(
        lambda db: _import(path, db, rows),
        reference,
        ctx.repeats,
        _fresh_reference(ctx, size),
        budget=ctx.budget,
    )


def _duckdb_csv(csv: Path, db: Path) -> None:
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.execute("CREATE TABLE figures AS SELECT * FROM read_csv(?)", [str(csv)])
    finally:
        con.close()


def _naive_csv(csv: Path, db: Path, rows: int) -> float:
    """pandas reads the file, then one INSERT per row: the first :data:`NAIVE_ROWS` rows
    are timed and the INSERT time is scaled to all ``rows``."""
    db.unlink(missing_ok=True)
    read = median(lambda _: pd.read_csv(csv, low_memory=False), 1)
    frame = pd.read_csv(csv, low_memory=False).head(NAIVE_ROWS)
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "CREATE TABLE figures (单位 VARCHAR, 指标 VARCHAR, 期间 VARCHAR, 数值 DOUBLE, 类型 VARCHAR)"
        )
        values = list(frame.itertuples(index=False, name=None))

        def insert(_: object) -> None:
            for row in values:
                con.execute("INSERT INTO figures VALUES (?, ?, ?, ?, ?)", row)

        inserts = median(insert, 1)
    finally:
        con.close()
    return read + inserts * rows / len(values)


def import_csv(ctx: Context) -> None:
    """The long CSV through the importer, DuckDB's read_csv and the naive path."""
    for size in ctx.sizes:
        _import_csv(ctx, size)


def _import_csv(ctx: Context, size: data.Size) -> None:
    csv, rows = data.long_csv(size), size.csv_rows
    read_csv = ctx.scratch("read_csv.duckdb")
    mine, limit = _importer_in_turns(ctx, size, csv, rows, lambda _: _duckdb_csv(csv, read_csv))
    naive = _naive_csv(csv, ctx.scratch("naive.duckdb"), rows)
    what = f"import long CSV, {rows:,} rows: analyse + commit"
    ctx.rows.append(
        Row(
            _label(size, what),
            mine,
            limit,
            "≤ 2× DuckDB read_csv",
            mine <= 2 * limit,
            note="Reference: DuckDB `CREATE TABLE … AS SELECT * FROM read_csv(…)` of the "
            "same file into a new database file.",
        )
    )
    ctx.rows.append(
        Row(
            _label(size, "naive: pandas read_csv + row-by-row INSERT"),
            naive,
            limit,
            note=f"INSERTs timed on the first {NAIVE_ROWS:,} rows and extrapolated "
            f"linearly to {rows:,}; one run.",
        )
    )
    ctx.grew("import long CSV (analyse + commit)", size, mine, rows)


def _calamine(path: Path) -> None:
    pd.read_excel(path, engine="calamine")


def _naive_xlsx(path: Path, db: Path) -> None:
    """pandas with openpyxl, then one bulk INSERT."""
    frame = pd.read_excel(path, engine="openpyxl")
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.register("frame", frame)
        con.execute("CREATE TABLE figures AS SELECT * FROM frame")
    finally:
        con.close()


def import_xlsx(ctx: Context) -> None:
    """The long xlsx through the importer, beside calamine alone and pandas + openpyxl."""
    for size in ctx.sizes:
        _import_xlsx(ctx, size)


def _import_xlsx(ctx: Context, size: data.Size) -> None:
    path, rows = data.long_xlsx(size), size.xlsx_rows
    mine, limit = _importer_in_turns(ctx, size, path, rows, lambda _: _calamine(path))
    naive = median(lambda _: _naive_xlsx(path, ctx.scratch("naive.duckdb")), ctx.repeats)
    what = f"import long xlsx, {rows:,} rows: analyse + commit"
    ctx.rows.append(
        Row(
            _label(size, what),
            mine,
            limit,
            "≤ 1.3× calamine",
            mine <= 1.3 * limit,
            note='Reference: `pandas.read_excel(engine="calamine")` of the same file alone.',
        )
    )
    ctx.rows.append(
        Row(
            _label(size, "same import against naive pandas + openpyxl"),
            mine,
            naive,
            "≥ 6× faster than naive (≤ 0.17×)",
            naive >= 6 * mine,
            note='Naive: `pandas.read_excel(engine="openpyxl")`, then one bulk INSERT into DuckDB.',
        )
    )
    ctx.grew("import long xlsx (analyse + commit)", size, mine, rows)


def _layout(
    ctx: Context, make: Callable[[data.Size], Path], what: str, figures: str, times: float
) -> None:
    for size in ctx.sizes:
        path, rows = make(size), _figures_in(size, figures)
        mine, limit = _importer_in_turns(ctx, size, path, rows, lambda _, p=path: _calamine(p))
        label = f"import {what} xlsx, {rows:,} figures: analyse + commit"
        target = f"≤ {times:g}× calamine"
        ctx.rows.append(Row(_label(size, label), mine, limit, target, mine <= times * limit))
        ctx.grew(f"import {what} xlsx (analyse + commit)", size, mine, rows)


def _figures_in(size: data.Size, layout: str) -> int:
    if layout == "wide":
        return size.units * size.indicators * size.wide_months
    money = sum(data.measure_is_money(j) for j in range(size.indicators))
    return size.units * money * 2  # the annual target and 1-6月累计 of each 万元 indicator


def import_wide(ctx: Context) -> None:
    """The wide xlsx (one row per unit and indicator, a column per month)."""
    _layout(ctx, data.wide_xlsx, "wide", "wide", 2)


def import_report(ctx: Context) -> None:
    """The report-style xlsx (merged two-row header, 合计 row, footnote)."""
    _layout(ctx, data.report_xlsx, "report-style", "report", 3)


FIXED_COST_TARGET = 0.040
"""Seconds an import of one figure may take, backup included (issue: ≤ 40 ms)."""


def _one_figure(ctx: Context, size: data.Size, value: int) -> Path:
    """The long CSV's first figure with ``value``: a file of one changed figure."""
    with data.long_csv(size).open(encoding="utf-8") as csv:
        header, first = csv.readline().rstrip("\n"), csv.readline().rstrip("\n")
    cells = first.split(",")
    cells[3] = str(value)
    path = ctx.scratch(f"one-{value}.csv")
    path.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    return path


CLONES_FOLDER = "BXGC_BENCH_CLONES"
"""The environment variable naming a folder on a file system that clones files (XFS,
btrfs): the fixed-cost case then runs there too, its backups clones rather than copies."""


def import_fixed(ctx: Context) -> None:
    """The fixed cost of an import: one changed figure into the full database, so that a
    backup is taken each time, beside DuckDB opening the file and updating one row; again
    on a file system that clones files, if :data:`CLONES_FOLDER` names one."""
    cloning = os.environ.get(CLONES_FOLDER)
    for size in ctx.sizes:
        _import_fixed(ctx, size)
        if cloning:
            folder = Path(cloning)
            _import_fixed(ctx, size, folder, f"on {file_system(folder)}, backups cloned")


def file_system(folder: Path) -> str:
    """The type of the file system ``folder`` is on (``/proc/mounts``' longest mount point
    above it), e.g. ``xfs``; ``"?"`` where that cannot be read."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "?"
    where = folder.resolve()
    found = [
        (len(point), kind)
        for _device, point, kind, *_ in (line.split() for line in mounts)
        if where == Path(point) or Path(point) in where.parents
    ]
    return max(found)[1] if found else "?"


def _import_fixed(
    ctx: Context, size: data.Size, folder: Path | None = None, where: str = ""
) -> None:
    name = f"fixed-{size.name}.duckdb"
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    db = data.fresh_copy(data.full_db(size), folder / name if folder else ctx.scratch(name))
    Store(db).schema_version()
    values = iter(range(1, 10_000))
    before = len(backups(db))

    def update(_: object) -> None:
        con = duckdb.connect(str(db))
        try:
            con.execute("UPDATE observations SET value = value + 1 WHERE rowid = 0")
        finally:
            con.close()

    mine, limit = in_turns(
        lambda path: _import(path, db, 1),
        update,
        5,
        lambda: _one_figure(ctx, size, next(values)),
        budget=ctx.budget,
    )
    taken = len(backups(db)) - before
    ctx.rows.append(
        Row(
            _label(
                size, "import of one changed figure into the full database, backup included", where
            ),
            mine,
            limit,
            f"≤ {FIXED_COST_TARGET * 1000:g} ms",
            mine <= FIXED_COST_TARGET,
            note="Reference: DuckDB opening the same file, updating one row, closing. "
            f"{taken} backups taken by the imports timed.",
        )
    )
    _backup_rows(ctx, size, db, where)


def _backup_rows(ctx: Context, size: data.Size, db: Path, where: str = "") -> None:
    """The backup an import takes (a checkpointed file copy) beside the catalog copy it
    falls back to, and a restore of that backup."""
    from bxgc_metrics.store import backup as backup_module

    con = duckdb.connect(str(db))
    try:
        copy = median(lambda _: backup_module.take_backup(con, db, "bench"), ctx.repeats)

        def catalog(_: object) -> None:
            target = db.with_name("catalog.duckdb")
            target.unlink(missing_ok=True)
            backup_module._copy_catalog(con, target)

        whole = median(catalog, ctx.repeats)
    finally:
        con.close()
    ctx.rows.append(
        Row(
            _label(size, "backup before an import: checkpointed file copy", where),
            copy,
            whole,
            note="Reference: DuckDB `COPY FROM DATABASE` into a new file, the copy taken "
            "when another connection of the process holds a transaction.",
        )
    )
    _restore_row(ctx, size, db, where)


def _restore_row(ctx: Context, size: data.Size, db: Path, where: str) -> None:
    """A restore of the newest backup (the command line's ``restore --latest``) beside a
    plain copy of the same file."""
    from bxgc_metrics.store.restoring import restore

    newest = backups(db)[0]
    plain = db.with_name("plain-copy.duckdb")
    restored = median(lambda _: restore(db, newest, ANALYST), ctx.repeats)
    copied = median(lambda _: shutil.copyfile(newest, plain), ctx.repeats)
    plain.unlink(missing_ok=True)
    for kept in backup_folder(db).glob("*-replaced.bak*"):
        kept.unlink()  # each restore keeps the file it replaced: not wanted here
    ctx.rows.append(
        Row(
            _label(size, "restore of the newest backup", where),
            restored,
            copied,
            note="The backup checked, copied (cloned where the file system clones), brought "
            "forward and renamed into place, the replaced file kept. Reference: "
            "`shutil.copyfile` of the same backup.",
        )
    )


# --- memory -------------------------------------------------------------------------------


def memory(ctx: Context) -> None:
    """Peak RSS of the largest long-CSV import, in a fresh process."""
    size = ctx.sizes[-1]
    db = _fresh_reference(ctx, size)()
    command = [sys.executable, "-m", "bench.memory", str(data.long_csv(size)), str(db)]
    out = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    peak = found["peak_mb"]
    ctx.rows.append(
        Row(
            _label(size, f"peak memory of the {size.csv_rows:,}-row CSV import"),
            peak,
            target="< 1 GB RSS",
            met=peak < 1024,
            unit="MB",
            note=f"Peak RSS (`VmHWM`) of a fresh process running analyse + commit; "
            f"{found['start_mb']:.0f} MB after importing the libraries, "
            f"{found['seconds']:.1f} s for the import.",
        )
    )


# --- metrics ------------------------------------------------------------------------------


def _pairs(n: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(7)
    return (
        rng.uniform(1, 100, n),
        rng.uniform(-0.05, 0.3, n),
        rng.uniform(1, 200, n),
        rng.uniform(-0.05, 0.2, n),
    )


def _crossing_loop(a, ga, b, gb) -> list[float]:
    """The naive way: one pair at a time in Python."""
    out = []
    for x, gx, y, gy in zip(a, ga, b, gb, strict=True):
        if x >= y:
            out.append(0.0)
        elif gx <= gy:
            out.append(math.nan)
        else:
            out.append(math.log(y / x) / math.log((1 + gx) / (1 + gy)))
    return out


def catchup(ctx: Context) -> None:
    """Crossing times of 10,000 chaser/benchmark pairs."""
    a, ga, b, gb = _pairs(10_000)
    repeats = max(ctx.repeats, 10)
    mine = median(lambda _: catch_up(a, ga, b, benchmark_rate=gb, start=2025), repeats)
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = median(lambda _: np.log(b / a) / np.log((1 + ga) / (1 + gb)), repeats)
    naive = median(lambda _: _crossing_loop(a, ga, b, gb), ctx.repeats)
    ctx.rows.append(
        Row(
            "catch-up, 10,000 pairs: `catch_up` with arrays",
            mine,
            limit,
            "< 20 ms",
            mine < 0.020,
            note="Reference: the closed form `log(B/A) / log((1+gA)/(1+gB))` as one numpy "
            "expression (no statuses, no crossing period).",
        )
    )
    ctx.rows.append(Row("catch-up, 10,000 pairs: naive Python loop", naive, limit))


_RANK_SQL = """
    WITH scaled AS (
        SELECT unit, (value - min(value) OVER w) / (max(value) OVER w - min(value) OVER w) AS x
        FROM figures WINDOW w AS (PARTITION BY indicator)
    ), scores AS (SELECT unit, avg(x) AS score FROM scaled GROUP BY unit)
    SELECT unit, score, RANK() OVER (ORDER BY score DESC) AS rank FROM scores
"""


def _naive_ranking(matrix: pd.DataFrame) -> pd.Series:
    """The naive way: one unit at a time."""
    low, high = matrix.min(), matrix.max()
    scores = {}
    for unit in matrix.index:
        row = matrix.loc[unit]
        scores[unit] = sum((row[c] - low[c]) / (high[c] - low[c]) for c in matrix.columns) / len(
            matrix.columns
        )
    ordered = sorted(scores.values(), reverse=True)
    return pd.Series({u: ordered.index(s) + 1 for u, s in scores.items()})


def ranking(ctx: Context) -> None:
    """Composite index and ranks of 1,000 units × 50 indicators."""
    size = data.SIZES["M"]
    values = data.figures(size).actual[:, :, -1]
    units = data.units_frame(size)["code"].tolist()
    indicators = data.indicators_frame(size)["code"].tolist()
    matrix = pd.DataFrame(values, index=units, columns=indicators)
    long = matrix.stack().rename_axis(["unit", "indicator"]).reset_index(name="value")
    repeats = max(ctx.repeats, 10)
    mine = median(lambda _: composite(matrix).scores["rank"], repeats)
    con = duckdb.connect()
    try:
        con.register("figures", long)
        limit = median(lambda _: con.execute(_RANK_SQL).df(), repeats)
        sql = con.execute(_RANK_SQL).df().set_index("unit")["rank"]
    finally:
        con.close()
    naive = median(lambda _: _naive_ranking(matrix), ctx.repeats)
    same = bool((composite(matrix).scores["rank"].astype(int) == sql.reindex(units)).all())
    ctx.rows.append(
        Row(
            "composite ranking, 1,000 units × 50 indicators: `composite` + ranks",
            mine,
            limit,
            "< 50 ms",
            mine < 0.050,
            note="Reference: DuckDB min-max scaling, mean and `RANK()` window over the same "
            f"figures in long form (in memory); same ranks as `composite`: {'yes' if same else 'NO'}.",
        )
    )
    ctx.rows.append(Row("composite ranking, 1,000 × 50: naive pandas loop per unit", naive, limit))


# --- queries and pages --------------------------------------------------------------------

_ONE_PERIOD = """
    SELECT unit_code, value FROM observations
    WHERE indicator_code = ? AND freq = 'M' AND year = ? AND sub = ? AND value_kind = 'actual'
"""


def query(ctx: Context) -> None:
    """One indicator in one period for every unit, from the full database file."""
    for size in ctx.sizes:
        _query(ctx, size)


def _query(ctx: Context, size: data.Size) -> None:
    db = str(data.full_db(size))

    def once(_: object) -> None:
        con = duckdb.connect(db, read_only=True)
        try:
            con.execute(_ONE_PERIOD, ["I000", data.LAST_YEAR, 6]).df()
        finally:
            con.close()

    seconds = median(once, max(ctx.repeats, 10))
    label = f"one-period query: one indicator, all units, {size.observations:,} stored"
    ctx.rows.append(Row(_label(size, label), seconds, note=_QUERY_NOTE))
    ctx.grew("one-period query (open file, select, close)", size, seconds, 1.0)


_QUERY_NOTE = "Opens the database file read-only, selects one indicator's June figures for every unit, closes."


def page_names() -> list[str]:
    """Every page file, as ``st.navigation`` names them."""
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


RERUN_BUDGET = 20.0
"""Seconds of reruns per page after which no further rerun is started (keeps a slow page
from taking the whole run's ten minutes)."""


def _reruns(at: object, repeats: int, budget: float = QUICK_BUDGET) -> list[float]:
    """Seconds of up to ``repeats`` reruns, stopping once :data:`RERUN_BUDGET` is spent;
    a quick page gets more, up to :data:`~bench.timing.QUICK_MOST` within ``budget``
    seconds (its median then does not rest on three runs)."""

    def rerun(_: object) -> None:
        at.run()  # type: ignore[attr-defined]

    return runs_within(rerun, repeats, budget=budget, cap=RERUN_BUDGET)


def _first_run(at: object, page: str) -> None:
    """The app's first run, then the page's."""
    at.run()  # type: ignore[attr-defined]
    at.switch_page(page).run()  # type: ignore[attr-defined]


def page_rerun(ctx: Context, page: str) -> tuple[float | None, str]:
    """The median rerun of ``page`` under AppTest on the database ``BXGC_DB`` names (and
    ``BXGC_PG_DSN``, if set); ``None`` if it failed. Also a note: the first run's time,
    and why it failed."""
    from streamlit.testing.v1 import AppTest  # only the page cases need streamlit

    for name in ("streamlit", "streamlit.runtime"):  # bare-mode chatter, once per element
        logging.getLogger(name).setLevel(logging.ERROR)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.session_state["lang"] = "zh"
    first = median(lambda _: _first_run(at, page), 1)
    failed = at.exception or at.error
    runs = [] if failed else _reruns(at, ctx.repeats, ctx.budget)
    seconds = statistics.median(runs) if runs else None
    note = f"first run {first:.1f} s" + (f"; failed: {failed[0].value}" if failed else "")
    if runs and len(runs) < ctx.repeats:
        note += f"; {len(runs)} rerun(s) only: reruns stop after {RERUN_BUDGET:.0f} s"
    return seconds, note


def pages(ctx: Context) -> None:
    """Each page's rerun under AppTest on each data set."""
    for size in ctx.sizes:
        db = data.fresh_copy(data.full_db(size), ctx.scratch(f"pages-{size.name}.duckdb"))
        os.environ["BXGC_DB"] = str(db)
        limit = 0.300 if size.name == "S" else 0.500
        for page in page_names():
            seconds, note = page_rerun(ctx, page)
            ctx.rows.append(
                Row(
                    _label(size, f"page rerun `{page}`"),
                    seconds,
                    target=f"< {limit * 1000:.0f} ms",
                    met=None if seconds is None else seconds < limit,
                    note=note,
                )
            )
            if seconds is not None:
                ctx.grew(f"page rerun `{page}`", size, seconds, 1.0)


BULLETIN_INDICATORS = 12
"""Indicators a 通报 of the benchmark reports on (the monthly, non-rate ones first)."""


def bulletin_codes(size: data.Size) -> list[str]:
    """The first :data:`BULLETIN_INDICATORS` indicators a ranking can rank."""
    inds = data.indicators_frame(size)
    return list(inds.loc[inds["kind"] != "rate", "code"].head(BULLETIN_INDICATORS))


def make_bulletin(db: Path, size: data.Size) -> int:
    """A 通报 (.docx, no chart images) for December of the last year from ``db``; its size."""
    from bxgc_docs import bulletin_docx, source

    store = Store(db)
    made = source.load(
        store, year=data.LAST_YEAR, sub=12, codes=bulletin_codes(size), date=dt.date(2026, 1, 5)
    )
    return len(bulletin_docx.render(made))


def bulletin(ctx: Context) -> None:
    """A 通报 for 1,000 units × 12 indicators, from the full M database file."""
    size = data.SIZES["M"]
    db = data.full_db(size)
    seconds = median(lambda _: make_bulletin(db, size), ctx.repeats)
    ctx.rows.append(
        Row(
            f"通报 (.docx), {size.units:,} units × {BULLETIN_INDICATORS} indicators",
            seconds,
            target="< 10 s",
            met=seconds < 10.0,
            note="Reads the month's figures from the file, builds the bulletin (standings per "
            "indicator, composite, rewards at year-end) and writes the Word file from the "
            "built-in template; chart images are left out (each takes a browser render).",
        )
    )


CASES: dict[str, Callable[[Context], None]] = {
    "import_csv": import_csv,
    "import_xlsx": import_xlsx,
    "import_wide": import_wide,
    "import_report": import_report,
    "import_fixed": import_fixed,
    "memory": memory,
    "catchup": catchup,
    "ranking": ranking,
    "query": query,
    "pages": pages,
    "bulletin": bulletin,
}
"""Every case by the name ``--only`` takes, in the order they run."""


def growth_rows(ctx: Context) -> list[Growth]:
    """S-to-M growth of every operation measured on both."""
    out = []
    for operation, by_size in ctx.growth.items():
        if "S" not in by_size or "M" not in by_size:
            continue
        (small, s_amount), (large, m_amount) = by_size["S"], by_size["M"]
        flat = operation.startswith(("one-period", "page"))
        ratio = 1.0 if flat else m_amount / s_amount
        out.append(Growth(operation, small, large, ratio, "flat" if flat else "linear"))
    return out
