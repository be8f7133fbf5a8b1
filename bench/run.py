"""``python -m bench [--quick] [--only NAME]``: run the benchmarks, print the table and
write it to ``bench/RESULTS.md``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from bench import bands, browser, cases, data, pgmode, province
from bench.report import Row, growth_table, machine, table
from bench.timing import QUICK_BUDGET, QUICK_MOST

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
"""Where the full run's results go (committed; the README includes them)."""

CASES = {**cases.CASES, **bands.CASES, **browser.CASES, **pgmode.CASES, **province.CASES}
"""Every case, in the order they run: on the embedded file, then in PostgreSQL mode."""


def _runs(ctx: cases.Context) -> str:
    """How many runs a median rests on, as the results' first line says it."""
    if not ctx.budget:
        return f"{ctx.repeats} runs"
    return (
        f"at least {ctx.repeats} runs (a quick operation: up to {QUICK_MOST}, within "
        f"{ctx.budget:g} s)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="S data set only, fewer repeats (a smoke run)"
    )
    parser.add_argument("--only", choices=sorted(CASES), action="append", help="run only this case")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write the Markdown (default: bench/RESULTS.md for a full run)",
    )
    return parser


def report(ctx: cases.Context, seconds: float, quick: bool) -> str:
    """The whole Markdown document of one run."""
    shown = [*ctx.sizes]
    if any(row.operation.startswith("L: ") and row.measured is not None for row in ctx.rows):
        shown.append(data.SIZES["L"])
    sizes = ", ".join(
        f"{s.name} = {s.units:,} units × {s.indicators} indicators × {s.months} months "
        f"({s.observations:,} stored figures)"
        for s in shown
    )
    parts = [
        "# Benchmark results",
        "",
        f"`python -m bench{' --quick' if quick else ''}` on {dt.date.today():%Y-%m-%d}, "
        f"{seconds / 60:.1f} minutes. Medians of {_runs(ctx)} unless a note says "
        "otherwise; every reference ran in the same process in the same run, and an "
        "import's in turns with it.",
        "",
        f"Machine: {machine()}; load average {ctx.load[0]:.1f} when the run began, "
        f"{ctx.load[1]:.1f} when it ended (other work on the machine slows every row).",
        "",
        f"Data: {sizes}.",
        "",
    ]
    if ctx.postgres is not None and ctx.postgres.version:
        parts += [f"PostgreSQL mode: {ctx.postgres.describe()}.", ""]
    parts.append(table(ctx.rows))
    growth = cases.growth_rows(ctx)
    if growth:
        parts += [
            "",
            "## Growth from S to M",
            "",
            "Linear: at most 1.5× the growth of the input; flat: at most 2× slower on M.",
            "",
            growth_table(growth),
        ]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print, write; exit status 1 when a case crashed (a missed target is not a crash)."""
    args = build_parser().parse_args(argv)
    # Each case chooses its system of record: a shell's PostgreSQL DSN must not redirect
    # the embedded cases (the PostgreSQL-mode ones start a cluster of their own).
    os.environ.pop("BXGC_PG_DSN", None)
    sizes = (data.SIZES["S"],) if args.quick else (data.SIZES["S"], data.SIZES["M"])
    ctx = cases.Context(
        sizes=sizes,
        repeats=2 if args.quick else 3,
        work=data.ROOT / "work",
        budget=0.0 if args.quick else QUICK_BUDGET,
    )
    began = time.perf_counter()
    ctx.load = (os.getloadavg()[0], 0.0)
    for size in sizes:
        print(f"preparing {size.key} …", flush=True)
        data.prepare(size)
    crashed = False
    try:
        for name in args.only or list(CASES):
            print(f"running {name} …", flush=True)
            try:
                CASES[name](ctx)
            except Exception as exc:  # one broken case must not hide the others
                traceback.print_exc()
                ctx.rows.append(Row(f"{name}: crashed ({type(exc).__name__}: {exc})", None))
                crashed = True
    finally:
        if ctx.postgres is not None:
            ctx.postgres.close()
        shutil.rmtree(ctx.work, ignore_errors=True)  # database copies; the data sets stay cached
    ctx.load = (ctx.load[0], os.getloadavg()[0])
    text = report(ctx, time.perf_counter() - began, args.quick)
    print(text)
    out = args.out or (RESULTS if not args.quick and not args.only else None)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        print(f"written to {out}")
    return 1 if crashed else 0
