"""Command line: ``python -m bxgc_metrics COMMAND``.

Every command takes ``--db PATH`` (default: ``BXGC_DB`` or ``data/bxgc.duckdb``) and exits
non-zero with a message in Chinese and English when something is wrong.

The command line acts as the machine's operator: ``cli:<login>`` with the admin role
(whoever can run it can write the file anyway); the audit log records that name.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bxgc_metrics.errors import BxgcError, CorruptDatabaseError

if TYPE_CHECKING:
    import pandas as pd

    from bxgc_metrics.store.moving import Moved


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file (default: $BXGC_DB or data/bxgc.duckdb)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m bxgc_metrics",
        description="比学赶超 dashboard data tools: demo data, export, import.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="create a database with the demo data")
    _db_argument(demo)
    demo.add_argument(
        "--if-missing", action="store_true", help="do nothing when the database file already exists"
    )
    demo.set_defaults(run=_demo)

    export = commands.add_parser("export", help="write all observations to a CSV file")
    _db_argument(export)
    export.add_argument("--out", type=Path, required=True, help="CSV file to write")
    export.set_defaults(run=_export)

    imp = commands.add_parser("import", help="import a spreadsheet (xlsx, xlsm, xls, csv, tsv)")
    imp.add_argument("file", type=Path, help="the file to import")
    _db_argument(imp)
    imp.add_argument("--sheet", help="import only this sheet")
    imp.add_argument("--profile", help="use (and update) this saved import profile")
    imp.add_argument(
        "--create-missing",
        action="store_true",
        help="create units and indicators the database does not know",
    )
    imp.add_argument(
        "--measure",
        action="append",
        type=_measure_choice,
        default=[],
        metavar="指标名=计量单位",
        help="the measure of an indicator whose unit line names several, "
        "e.g. 地方一般公共预算收入=亿元 (repeatable)",
    )
    imp.add_argument(
        "--max-mb",
        type=_positive_mb,
        default=None,
        metavar="MB",
        help="the largest file to take, in MB (default: the upload page's limit); "
        "an operator on the server may allow a larger file",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    imp.add_argument("--who", default=None, help="recorded as the importer (default: $USER)")
    imp.add_argument(
        "--lang", choices=["zh", "en", "both"], default="both", help="language of the report"
    )
    imp.set_defaults(run=_import)

    undo = commands.add_parser("undo", help="undo an import batch")
    undo.add_argument("batch", type=int, help="the batch id (see `history`)")
    _db_argument(undo)
    undo.set_defaults(run=_undo)

    history = commands.add_parser("history", help="list import batches")
    _db_argument(history)
    history.set_defaults(run=_history)

    quality = commands.add_parser(
        "quality",
        help="who has reported a period (填报进度, 催报) and the data-quality flags (预警)",
    )
    quality.add_argument("--period", required=True, help="e.g. 2026-10, 2026-Q3, 2025")
    quality.add_argument("--group", default=None, help="one peer group only (default: all)")
    quality.add_argument("--lang", choices=["zh", "en"], default="zh")
    quality.add_argument("--xlsx", type=Path, default=None, help="also write the 催报 workbook")
    _db_argument(quality)
    quality.set_defaults(run=_quality)

    info = commands.add_parser("info", help="print what the database holds")
    _db_argument(info)
    info.set_defaults(run=_info)

    restore = commands.add_parser("restore", help="bring back a backup of the database")
    _db_argument(restore)
    which = restore.add_mutually_exclusive_group(required=True)
    which.add_argument("--backup", type=Path, help="the backup file to restore")
    which.add_argument("--latest", action="store_true", help="restore the newest backup")
    which.add_argument("--list", action="store_true", help="list the backups, newest first")
    restore.set_defaults(run=_restore)

    migrate = commands.add_parser(
        "migrate",
        help="copy the database file into an empty PostgreSQL database, or back into a new file",
        description="Copies every table in one transaction on each side; both databases then "
        "count and checksum every table, and nothing is kept on the target unless they agree. "
        "A PostgreSQL database that already holds data, or an existing file, is refused.",
    )
    _db_argument(migrate)
    way = migrate.add_mutually_exclusive_group(required=True)
    way.add_argument(
        "--to-postgres",
        metavar="DSN",
        help="copy --db into this empty PostgreSQL database",
    )
    way.add_argument(
        "--from-postgres",
        metavar="DSN",
        help="copy this PostgreSQL database into a new file, named by --db (needed here)",
    )
    migrate.set_defaults(run=_migrate)

    boot = commands.add_parser(
        "bootstrap", help="create the admin account if none exists ($BXGC_ADMIN_PASSWORD)"
    )
    _db_argument(boot)
    boot.set_defaults(run=_bootstrap)

    user = commands.add_parser("user", help="add or change a local account")
    user.add_argument("action", choices=["add", "set", "list"])
    user.add_argument("username", nargs="?")
    user.add_argument("--role", choices=["viewer", "analyst", "admin"])
    user.add_argument("--disable", action="store_true", help="disable the account")
    user.add_argument("--enable", action="store_true", help="enable the account")
    user.add_argument(
        "--password-env",
        default="BXGC_PASSWORD",
        help="environment variable holding the new password (default BXGC_PASSWORD)",
    )
    _db_argument(user)
    user.set_defaults(run=_user)

    wall = commands.add_parser("wall-token", help="read-only links for the meeting screen")
    wall.add_argument("action", choices=["create", "revoke", "list"])
    wall.add_argument("value", nargs="?", help="label (create) or token id (revoke)")
    _db_argument(wall)
    wall.set_defaults(run=_wall_token)

    audit = commands.add_parser("audit", help="print or export the audit log")
    audit.add_argument("--out", type=Path, help="write CSV (or .xlsx) instead of printing")
    _db_argument(audit)
    audit.set_defaults(run=_audit)

    # listed for --help; main() hands the arguments to bxgc_docs before parsing
    commands.add_parser(
        "report",
        add_help=False,
        help="the 通报 (.docx) or meeting deck (.pptx): python -m bxgc_docs report --help",
    )
    return parser


def report(argv: Sequence[str]) -> int:
    """``report ARGS`` runs ``python -m bxgc_docs report ARGS`` as a child process and
    returns its exit code: the documents need plotly and python-docx, which the domain
    never imports."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "bxgc_docs", "report", *argv]).returncode


def _store(args: argparse.Namespace):
    from bxgc_metrics.access import operator
    from bxgc_metrics.store import Store

    return Store(args.db, actor=operator())


def _demo(args: argparse.Namespace) -> int:
    from bxgc_metrics.demo import load_demo

    store = _store(args)
    # in PostgreSQL mode the file is only this server's copy: the database counts
    exists = bool(len(store.batches())) if store.on_postgres else store.path.exists()
    if args.if_missing and exists:
        print(f"数据库已存在，未改动 / database exists, left as it is: {store.path}")
        return 0
    batch = load_demo(store)
    state = f"batch {batch}" if batch else "already loaded / 已是最新"
    print(f"演示数据已写入 / demo data written: {store.path} ({state})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bxgc_metrics.export import neutralise

    frame = _store(args).export_long()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    neutralise(frame).to_csv(args.out, index=False, encoding="utf-8-sig")
    print(f"已导出 {len(frame)} 行 / exported {len(frame)} rows: {args.out}")
    return 0


def _measure_choice(text: str) -> tuple[str, str]:
    """``地方一般公共预算收入=亿元`` → (indicator name as written, measure)."""
    name, _, measure = text.partition("=")
    if not name.strip() or not measure.strip():
        raise argparse.ArgumentTypeError(
            f"应为 指标名=计量单位，如 地方一般公共预算收入=亿元 / expected NAME=MEASURE: {text!r}"
        )
    return name.strip(), measure.strip()


def _positive_mb(text: str) -> int:
    """A ``--max-mb`` value: a whole number of megabytes, at least 1."""
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"应为正整数（MB） / expected a whole number of MB: {text!r}"
        )
    return int(text)


def _import(args: argparse.Namespace) -> int:
    from bxgc_metrics.importer.report import format_plan
    from bxgc_metrics.importer.service import Limits, analyse, commit

    store = _store(args)
    plan = analyse(
        args.file.read_bytes(),
        args.file.name,
        store,
        sheet=args.sheet,
        profile=store.profile(args.profile) if args.profile else None,
        measures=dict(args.measure),
        create_missing=args.create_missing,
        limits=Limits(max_bytes=args.max_mb * 1024 * 1024) if args.max_mb else None,
    )
    print(format_plan(plan, args.lang))
    if not plan.can_commit:
        print("未写入任何数据。 / Nothing was written.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("试运行：可以导入，未写入。 / Dry run: the file would import; nothing was written.")
        return 0
    result = commit(plan, store, who=args.who, profile_name=args.profile)
    if result.batch_id is None:
        print("数据与库中完全一致，未产生新批次。 / Every figure is already stored; no new batch.")
    else:
        print(
            f"已导入，批次 {result.batch_id}：新增 {result.rows_new}，修改 {result.rows_changed}，"
            f"未变 {result.rows_unchanged}。 / Imported as batch {result.batch_id}: "
            f"{result.rows_new} new, {result.rows_changed} changed, "
            f"{result.rows_unchanged} unchanged."
        )
    return 0


def _undo(args: argparse.Namespace) -> int:
    _store(args).undo_batch(args.batch)
    print(f"批次 {args.batch} 已撤销。 / Batch {args.batch} undone.")
    return 0


def _readable(frame: pd.DataFrame) -> str:
    """A table for the terminal: stored UTC times in the configured zone to the minute, as
    the pages show them (:func:`~bxgc_metrics.clock.shown`), missing ones blank."""
    from pandas.api.types import is_datetime64_any_dtype

    from bxgc_metrics import clock

    times = {c: clock.shown(frame[c]) for c in frame.columns if is_datetime64_any_dtype(frame[c])}
    return frame.assign(**times).to_string(index=False)


def _history(args: argparse.Namespace) -> int:
    batches = _store(args).batches()
    columns = ["id", "file_name", "who", "created_at", "rows_new", "rows_changed", "status"]
    print(_readable(batches[columns]) if len(batches) else "(no batches)")
    return 0


def _quality(args: argparse.Namespace) -> int:
    """Print the period's reporting round, its 催报 text and its open data-quality flags;
    exit status 1 when a unit is overdue or a flag is open, so a script can act on it."""
    from bxgc_metrics import oversight
    from bxgc_metrics.metrics.reporting import reminder_text
    from bxgc_metrics.periods import Period
    from bxgc_metrics.tables.standings import ALL, peer_groups

    try:
        period = Period.parse(args.period)
    except ValueError:
        print(
            f"错误：无法识别的报告期 {args.period!r}（应如 2026-10、2026-Q3、2026-H1、2026）\n"
            f"Error: not a period: {args.period!r} (e.g. 2026-10, 2026-Q3, 2026-H1, 2026)",
            file=sys.stderr,
        )
        return 2
    store, zh = _store(args), args.lang == "zh"
    groups = peer_groups(store.units())
    if args.group is not None and args.group not in groups:
        known = "、".join(groups) or "-"
        print(
            f"错误：没有名为 {args.group!r} 的范围（可选：{known}）\n"
            f"Error: no peer group {args.group!r} (known: {', '.join(groups) or '-'})",
            file=sys.stderr,
        )
        return 2
    r = oversight.reporting_round(store, period, group=args.group or ALL)
    p = r.progress
    print(
        f"{period.zh() if zh else period.label}  "
        + (
            f"应报 {p.expected}，已报 {p.reported}（按时 {p.on_time}，迟报 {p.late}），"
            f"未报 {p.missing}，未到期 {p.not_due}"
            if zh
            else f"expected {p.expected}, reported {p.reported} (on time {p.on_time}, "
            f"late {p.late}), missing {p.missing}, not yet due {p.not_due}"
        )
    )
    if len(r.reminders):
        print()
        print(reminder_text(p, lang=args.lang))
    if args.xlsx is not None:
        args.xlsx.write_bytes(r.workbook(lang=args.lang))
        print(f"{'已写入' if zh else 'written to'} {args.xlsx}")
    report = oversight.quality_report(store, period=period)
    flags = report.flags[~report.flags["verified"].astype(bool)]
    print()
    print(f"待核实 {len(flags)} 条" if zh else f"{len(flags)} flag(s) to verify")
    for f in flags.itertuples():
        reason = f.reason_zh if zh else f.reason_en
        evidence = f.evidence_zh if zh else f.evidence_en
        print(f"- {f.unit_code} {f.indicator_code or ''}: {reason} — {evidence}")
    return 1 if len(r.reminders) or len(flags) else 0


def _info(args: argparse.Namespace) -> int:
    store = _store(args)
    latest = store.latest_actual_period()
    if store.on_postgres:
        from bxgc_metrics.store.postgres import redacted

        print(f"database: PostgreSQL {redacted(store.dsn or '')} (local copy: {store.path})")
    else:
        print(f"database: {store.path}")
    print(f"schema version: {store.schema_version()}")
    print(f"units: {len(store.units())}, indicators: {len(store.indicators())}")
    print(f"observations: {store.count_observations()}")
    print(f"latest actual period: {latest.label if latest else '-'}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from bxgc_metrics.access import operator
    from bxgc_metrics.store import backups, default_path, restore

    db = args.db or default_path()
    if os.environ.get("BXGC_PG_DSN"):
        print(
            "错误：PostgreSQL 模式下请用 pg_restore 恢复 pg_dump 备份（见 README）。\n"
            "Error: in PostgreSQL mode, restore a pg_dump backup with pg_restore "
            "(see the README).",
            file=sys.stderr,
        )
        return 2
    found = backups(db)
    if args.list:
        print("\n".join(str(p) for p in found) if found else "(no backups / 没有备份)")
        return 0
    chosen = args.backup or (found[0] if found else None)
    if chosen is None:
        print(f"错误：{db} 没有备份。\nError: there are no backups of {db}.", file=sys.stderr)
        return 2
    done = restore(db, chosen, operator())
    print(f"已从 {chosen} 恢复 {db}。 / Restored {db} from {chosen}.")
    if done.kept != db:
        print(f"原文件保存为 / the replaced file is kept as: {done.kept}")
    if done.replaced_readable:
        print(
            f"已保留备份之后的 {done.carried} 条审计记录。 / "
            f"{done.carried} audit entries written after the backup were carried over."
        )
    else:
        print(
            "原文件无法读取：备份之后的审计记录只在保存的原文件中。 / The replaced file could "
            "not be read: audit entries written after the backup are only in the kept file."
        )
    print(
        f"已结束 {done.sessions_ended} 个登录会话，所有用户需重新登录。 / "
        f"{done.sessions_ended} sign-in sessions ended: everyone must sign in again."
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from bxgc_metrics.access import operator
    from bxgc_metrics.store import default_path
    from bxgc_metrics.store.moving import from_postgres, to_postgres

    if args.to_postgres:
        moved = to_postgres(args.db or default_path(), args.to_postgres, actor=operator())
    elif args.db is None:
        print(
            "错误：--from-postgres 需要用 --db 指定要新建的数据库文件。\n"
            "Error: --from-postgres needs --db, the new database file to write.",
            file=sys.stderr,
        )
        return 2
    else:
        moved = from_postgres(args.from_postgres, args.db, actor=operator())
    print(format_moved(moved))
    return 0


def format_moved(moved: Moved) -> str:
    """What a move copied, as the command prints it: a line per table with its rows and
    checksum, then the totals."""
    width = max(len(t.table) for t in moved.tables)
    lines = [
        f"已迁移 / moved: {moved.source} → {moved.target}",
        # each Chinese character takes two columns
        f"  {'表 table':<{width + 1}} {'行数 rows':>10}  校验和 checksum",
    ]
    for t in moved.tables:
        lines.append(f"  {t.table:<{width + 2}} {t.rows:>12,}  {t.checksum & (2**64 - 1):016x}")
    lines.append(
        f"两边的行数和校验和一致：{len(moved.tables)} 张表，共 {moved.rows:,} 行，"
        f"用时 {moved.seconds:.1f} 秒。 / Row counts and checksums agree on both sides: "
        f"{len(moved.tables)} tables, {moved.rows:,} rows, {moved.seconds:.1f} s."
    )
    lines.append(f"数据版本 / data version: {moved.data_version}")
    if moved.generation:
        lines.append(
            "服务器设置 BXGC_PG_DSN 后即以此 PostgreSQL 数据库为准。 / Set BXGC_PG_DSN on the "
            "servers to make this PostgreSQL database the system of record."
        )
    return "\n".join(lines)


def backup_listing(db: Path, shown: int = 10) -> str:
    """The backups of ``db``, newest first, one a line with when each was taken."""
    from bxgc_metrics.store import backup_time, backups

    found = backups(db)
    if not found:
        return f"没有备份 / no backups of {db.name} in {db.parent / 'backups'}"
    lines = [f"备份（最新在前）/ backups, newest first ({len(found)}):"]
    for path in found[:shown]:
        lines.append(f"  {path.name}  ({backup_time(path):%Y-%m-%d %H:%M:%S})")
    if len(found) > shown:
        lines.append("  … python -m bxgc_metrics restore --list")
    return "\n".join(lines)


def bootstrap(store: object) -> str | None:
    """Create ``admin`` if no admin exists; returns a one-time password it made up, if any.

    The password is ``BXGC_ADMIN_PASSWORD`` when set, else a random one returned here for
    the caller to print once.
    """
    from bxgc_metrics.access import new_secret

    given = os.environ.get("BXGC_ADMIN_PASSWORD")
    password = given or new_secret()
    created = store.bootstrap_admin(password)  # type: ignore[attr-defined]
    return password if created and not given else None


def _bootstrap(args: argparse.Namespace) -> int:
    once = bootstrap(_store(args))
    if once:
        print(
            f"首次启动：管理员 admin 的一次性密码 / first start, one-time password for admin: {once}"
        )
    return 0


def _user(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "list":
        users = store.users()
        print(_readable(users) if len(users) else "(no users)")
        return 0
    password = os.environ.get(args.password_env)
    if args.action == "add":
        if not (args.username and args.role and password):
            print(
                "需要用户名、--role 和密码环境变量。 / Need a username, --role and "
                f"the password in ${args.password_env}.",
                file=sys.stderr,
            )
            return 2
        store.create_user(args.username, password, args.role)
    else:
        disabled = True if args.disable else (False if args.enable else None)
        store.update_user(args.username, role=args.role, disabled=disabled, password=password)
    print(f"已保存用户 {args.username}。 / Saved user {args.username}.")
    return 0


def _wall_token(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "list":
        tokens = store.wall_tokens()
        print(_readable(tokens) if len(tokens) else "(no tokens)")
    elif args.action == "create":
        token = store.create_wall_token(args.value or "wall")
        print(f"令牌（只显示一次）/ token (shown once): {token}")
        print(f"http://localhost:8501/meeting?embed=true&embed_options=dark_theme&token={token}")
    else:
        store.revoke_wall_token(args.value or "")
        print(f"令牌已吊销 / token revoked: {args.value}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    log = _store(args).audit_log()
    if args.out is None:
        print(_readable(log.drop(columns=["before_json", "after_json"])))
        return 0
    from bxgc_metrics.export import to_csv_bytes, to_xlsx_bytes

    args.out.parent.mkdir(parents=True, exist_ok=True)
    xlsx = args.out.suffix.lower() == ".xlsx"
    args.out.write_bytes(to_xlsx_bytes({"audit": log}) if xlsx else to_csv_bytes(log))
    print(f"已导出 {len(log)} 条 / exported {len(log)} entries: {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["report"]:
        return report(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BxgcError as exc:
        print(f"错误：{exc.zh}\nError: {exc.en}", file=sys.stderr)
        if isinstance(exc, CorruptDatabaseError):
            from bxgc_metrics.store import default_path

            print(backup_listing(getattr(args, "db", None) or default_path()), file=sys.stderr)
        return 2
    except OSError as exc:  # a mistyped path, a folder for a file, no permission
        zh, en = _os_error(exc)
        print(f"错误：{zh}\nError: {en}", file=sys.stderr)
        return 2


_OPEN_REASONS: dict[type[OSError], tuple[str, str]] = {
    FileNotFoundError: ("文件不存在", "no such file"),
    IsADirectoryError: ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    NotADirectoryError: ("路径中有一项不是文件夹", "part of the path is not a folder"),
    PermissionError: ("没有读写权限", "permission denied"),
}


def _os_error(exc: OSError) -> tuple[str, str]:
    """A file the command could not open, or read or write, named with why, in Chinese
    and English."""
    name = exc.filename if exc.filename is not None else ""
    reason = _OPEN_REASONS.get(type(exc))
    if reason is not None:
        return f"无法打开文件 {name}（{reason[0]}）", f"cannot open {name} ({reason[1]})"
    why = exc.strerror or str(exc)
    return f"文件读写失败 {name}（{why}）", f"could not read or write {name} ({why})"
