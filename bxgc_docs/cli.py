"""``python -m bxgc_docs report``: the 通报 (.docx) or the deck (.pptx) for one month.

The format follows the output file's suffix. The command acts as the machine's operator
(as ``python -m bxgc_metrics`` does) and records each document in the audit log (action
``report``, the file name as target, the data version, period, group and indicators), so
an office can schedule it (cron) and still say which figures each copy was made from.
``python -m bxgc_metrics report …`` runs this command in a child process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from bxgc_docs.source import Report
from bxgc_metrics.errors import BxgcError

FORMATS = (".docx", ".pptx")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m bxgc_docs", description="比学赶超排名通报与会议材料 / bulletin and deck."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write the 通报 (.docx) or the deck (.pptx)")
    report.add_argument("--db", type=Path, default=None, help="database file (default: $BXGC_DB)")
    report.add_argument("--period", help="the month, e.g. 2026-10 (default: the latest)")
    report.add_argument("--group", default="all", help="peer group ranked (default: all units)")
    report.add_argument("--indicators", help="indicator codes, comma separated (default: all)")
    report.add_argument("--out", type=Path, required=True, help="通报.docx or deck.pptx")
    report.add_argument("--template", type=Path, help="the office's own .docx template")
    report.add_argument("--office", default=None, help="issuing office (落款)")
    report.add_argument("--date", help="the bulletin's date, YYYY-MM-DD (default: today)")
    report.add_argument("--no-charts", action="store_true", help="no chart images in the .docx")
    return parser


def _period(text: str) -> tuple[int, int]:
    year, _, month = text.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        raise SystemExit(f"时期应为 YYYY-MM / period must be YYYY-MM: {text!r}")
    return int(year), int(month)


def report(args: argparse.Namespace) -> int:
    """Write the document and record it; returns the exit code."""
    from bxgc_docs import source
    from bxgc_metrics import clock
    from bxgc_metrics.access import operator
    from bxgc_metrics.store import Store

    suffix = args.out.suffix.lower()
    if suffix not in FORMATS:
        print(f"输出文件应为 .docx 或 .pptx / --out must end in .docx or .pptx: {args.out}")
        return 2
    if args.template is not None and not args.template.is_file():
        print(f"找不到模板 / no such template: {args.template}")
        return 2
    store = Store(args.db, actor=operator())
    if args.period:
        year, sub = _period(args.period)
    else:
        found = source.latest_month(store)
        if found is None:
            print("数据库中没有月度数据 / the database holds no monthly figures")
            return 1
        year, sub = found
    indicators = store.indicators()
    codes = None
    if args.indicators:
        codes = [c.strip() for c in args.indicators.split(",") if c.strip()]
        unknown = sorted(set(codes) - set(indicators["code"]))
        if unknown:
            print(f"未知指标 / unknown indicators: {', '.join(unknown)}")
            return 2
    date = dt.date.fromisoformat(args.date) if args.date else clock.today()
    made = source.load(
        store,
        year=year,
        sub=sub,
        group=args.group,
        codes=codes,
        office=args.office or source.DEFAULT_OFFICE,
        date=date,
    )
    data = _render(made, suffix, template=args.template, charts=not args.no_charts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    store.append_audit(
        "report",
        args.out.name,
        after={
            "data_version": made.data_version,
            "period": f"{year}-{sub:02d}",
            "group": args.group,
            "indicators": [s.indicator for s in made.bulletin.sections],
            "format": suffix[1:],
        },
    )
    print(f"已生成 / written: {args.out} (数据版本 / data version {made.data_version})")
    return 0


def _render(made: Report, suffix: str, *, template: Path | None, charts: bool) -> bytes:
    from bxgc_docs import bulletin_docx, deck_pptx

    if suffix == ".pptx":
        return deck_pptx.render(made)
    chart = partial(bulletin_docx.chart_png, made) if charts else None
    return bulletin_docx.render(made, template=template, chart=chart)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return report(args)
    except BxgcError as exc:
        print(f"错误：{exc.zh}\nError: {exc.en}", file=sys.stderr)
        return 2
