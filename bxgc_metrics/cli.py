"""Command line: ``python -m bxgc_metrics COMMAND``.

Every command takes ``--db PATH`` (default: ``BXGC_DB`` or ``data/bxgc.duckdb``) and exits
non-zero with a message in Chinese and English when something is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bxgc_metrics.errors import BxgcError


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="database file (default: $BXGC_DB or data/bxgc.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m bxgc_metrics",
        description="比学赶超 dashboard data tools: demo data, export, import.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="create a database with the demo data")
    _db_argument(demo)
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing when the database file already exists")
    demo.set_defaults(run=_demo)

    export = commands.add_parser("export", help="write all observations to a CSV file")
    _db_argument(export)
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.set_defaults(run=_export)

    info = commands.add_parser("info", help="print what the database holds")
    _db_argument(info)
    info.set_defaults(run=_info)
    return parser


def _store(args: argparse.Namespace):  # noqa: ANN202 - the store module is imported lazily
    from bxgc_metrics.store import Store

    return Store(args.db)


def _demo(args: argparse.Namespace) -> int:
    from bxgc_metrics.demo import load_demo

    store = _store(args)
    if args.if_missing and store.path.exists():
        print(f"数据库已存在，未改动 / database exists, left as it is: {store.path}")
        return 0
    batch = load_demo(store)
    state = f"batch {batch}" if batch else "already loaded / 已是最新"
    print(f"演示数据已写入 / demo data written: {store.path} ({state})")
    return 0


def _export(args: argparse.Namespace) -> int:
    frame = _store(args).export_long()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False, encoding="utf-8-sig")
    print(f"已导出 {len(frame)} 行 / exported {len(frame)} rows: {args.out}")
    return 0


def _info(args: argparse.Namespace) -> int:
    store = _store(args)
    latest = store.latest_actual_period()
    print(f"database: {store.path}")
    print(f"schema version: {store.schema_version()}")
    print(f"units: {len(store.units())}, indicators: {len(store.indicators())}")
    print(f"observations: {store.count_observations()}")
    print(f"latest actual period: {latest.label if latest else '-'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BxgcError as exc:
        print(f"错误：{exc.zh}\nError: {exc.en}", file=sys.stderr)
        return 2
