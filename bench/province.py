"""A province on one machine (L): 2,000 units × 100 indicators × 120 months (24 M figures).

What a province-wide deployment needs, each part in a process of its own so that its
peak memory (``VmHWM``) is its own:

- every page's rerun under AppTest, as the server runs the pages, with the process's
  peak memory after each page (``python -m bench.province pages DB``);
- a 1,000,000-row import into the L database: the month's reports of every unit
  arriving at once (:mod:`bench.memory`, into a database that lacks those figures);
- opening the database and reading from it at M and at L, which should not grow.

Run with ``python -m bench --only province`` (the full ``make bench`` runs it too; ``--quick``
leaves it out).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import duckdb

from bench import data
from bench.cases import ROOT, Context, page_names, page_rerun
from bench.memory import _status_mb
from bench.report import Row
from bench.timing import QUICK_BUDGET, median
from bxgc_metrics.store import Store

L = data.SIZES["L"]
M = data.SIZES["M"]
RERUN_TARGET = 0.500
"""Seconds a page rerun may take at L."""
IMPORT_TARGET = 3.0
"""Seconds a 1,000,000-row import may take at L."""
MEMORY_TARGET = 1536.0
"""Peak RSS in MB of the server and of an import (1.5 GB)."""
FLAT = 2.0
"""An open at L may take at most this many times the open at M ("flat")."""
PAGE_TIMEOUT = 3600
"""Seconds the pages' process may run (first views at L read a lot)."""


def _run_json(command: list[str], timeout: float) -> dict:
    """Run a benchmark helper in a fresh process; its last line of output, as JSON."""
    out = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
        timeout=timeout,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _open_and_read(path: Path) -> None:
    """What a new session does first: open the store, read the units, let go."""
    Store(path).units()


def _connect_and_close(path: Path) -> None:
    duckdb.connect(str(path), read_only=True).close()


def opens(ctx: Context) -> None:
    """Opening the database and a first read at M and at L."""
    found: dict[str, dict[str, float]] = {}
    for key, size in (("M", M), ("L", L)):
        db = data.fresh_copy(data.full_db(size), ctx.scratch(f"open-{size.name}.duckdb"))
        _open_and_read(db)  # migrations checked once, as at a server start
        found[key] = {
            "store": median(lambda _, db=db: _open_and_read(db), max(ctx.repeats, 5)),
            "duckdb": median(lambda _, db=db: _connect_and_close(db), max(ctx.repeats, 5)),
        }
    pairs = (("open the store and read the units", "store"), ("DuckDB connect + close", "duckdb"))
    for what, key in pairs:
        m, large = found["M"][key], found["L"][key]
        ctx.rows.append(
            Row(
                f"L: {what}",
                large,
                m,
                f"flat from M (≤ {FLAT:g}× M)",
                large <= FLAT * m,
                note="Reference: the same at M (1,000 × 50 × 120 months), same run.",
            )
        )


def import_million(ctx: Context) -> None:
    """A 1,000,000-row long CSV into the L database (none of its figures there yet)."""
    csv = data.long_csv(L)
    runs = []
    for _ in range(ctx.repeats):  # each in a fresh process, into a fresh copy
        db = data.fresh_copy(data.before_csv_db(L), ctx.scratch("province-import.duckdb"))
        runs.append(_run_json([sys.executable, "-m", "bench.memory", str(csv), str(db)], 1800))
    seconds = statistics.median(r["seconds"] for r in runs)
    each = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    found = max(runs, key=lambda r: r["peak_mb"])
    ctx.rows.append(
        Row(
            f"L: import long CSV, {L.csv_rows:,} new rows: analyse + commit",
            seconds,
            target=f"< {IMPORT_TARGET:g} s",
            met=seconds < IMPORT_TARGET,
            note="Into the L database without the file's figures (its last 4 months and "
            "their year's targets); each run a fresh process into a fresh copy, backup "
            f"included; runs {each} s.",
        )
    )
    ctx.rows.append(
        Row(
            "L: peak memory of that import",
            found["peak_mb"],
            target=f"< {MEMORY_TARGET / 1024:g} GB RSS",
            met=found["peak_mb"] < MEMORY_TARGET,
            unit="MB",
            note=f"`VmHWM` of the importing process, the highest of the runs; "
            f"{found['start_mb']:.0f} MB after importing the libraries.",
        )
    )


def pages(ctx: Context) -> None:
    """Every page's rerun at L and the peak memory of the process that ran them."""
    db = data.fresh_copy(data.full_db(L), ctx.scratch("province-pages.duckdb"))
    command = [sys.executable, "-m", "bench.province", "pages", str(db), str(ctx.repeats)]
    command += page_names()
    found = _run_json(command, PAGE_TIMEOUT)
    for page, (seconds, note, peak) in found["pages"].items():
        ctx.rows.append(
            Row(
                f"L: page rerun `{page}`",
                seconds,
                target=f"< {RERUN_TARGET * 1000:.0f} ms",
                met=None if seconds is None else seconds < RERUN_TARGET,
                note=f"{note}; process peak {peak:.0f} MB after this page",
            )
        )
    peak = found["peak_mb"]
    worst = max(found["pages"].items(), key=lambda item: item[1][2] if item[1][2] else 0.0)
    ctx.rows.append(
        Row(
            "L: peak memory of the server running every page",
            peak,
            target=f"< {MEMORY_TARGET / 1024:g} GB RSS",
            met=peak < MEMORY_TARGET,
            unit="MB",
            note=f"`VmHWM` of one process running every page in turn under AppTest "
            f"(the server's work, without the browser); highest after `{worst[0]}`.",
        )
    )


def province(ctx: Context) -> None:
    """Opens, a million-row import and every page, at L (not under ``--quick``)."""
    if ctx.sizes and ctx.sizes[-1].name == "S":
        ctx.rows.append(Row("L: not run under --quick", None, note="Run `make bench`."))
        return
    print(f"preparing {L.key} …", flush=True)
    for make in (data.full_db, data.before_csv_db, data.long_csv):
        make(L)
    opens(ctx)
    import_million(ctx)
    pages(ctx)


def _pages_main(db: str, repeats: int, pages: list[str]) -> dict:
    """Each page's median rerun at ``db`` and the peak RSS after it (this process)."""
    os.environ["BXGC_DB"] = db
    ctx = SimpleNamespace(repeats=repeats, budget=QUICK_BUDGET)
    out: dict[str, tuple[float | None, str, float]] = {}
    for page in pages:
        began = time.perf_counter()
        seconds, note = page_rerun(ctx, page)  # type: ignore[arg-type]
        note += f"; {time.perf_counter() - began:.0f} s in all"
        out[page] = (seconds, note, _status_mb("VmHWM"))
    return {"pages": out, "peak_mb": _status_mb("VmHWM")}


if __name__ == "__main__":
    if sys.argv[1:2] == ["pages"]:
        print(json.dumps(_pages_main(sys.argv[2], int(sys.argv[3]), sys.argv[4:])))
    else:
        raise SystemExit("usage: python -m bench.province pages DB REPEATS PAGE…")


CASES = {"province": province}
