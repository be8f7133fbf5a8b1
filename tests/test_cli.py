"""The command line, run as users run it: ``python -m bxgc_metrics``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.conftest import ROOT, run_cli


def test_help_lists_the_commands() -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    for command in ("demo", "export", "info"):
        assert command in out.stdout


def test_demo_then_export_in_long_form(tmp_path: Path) -> None:
    db, csv = tmp_path / "x.duckdb", tmp_path / "out" / "all.csv"
    assert run_cli("demo", "--db", str(db)).returncode == 0
    out = run_cli("export", "--db", str(db), "--out", str(csv))
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(csv, encoding="utf-8-sig", dtype={"period": str})
    assert {"unit", "indicator", "period", "kind", "value", "measure", "cumulative"} <= set(frame)
    ours = frame[(frame["unit"] == "方案四·本街道") & (frame["indicator"] == "地方财政收入")]
    assert ours[["period", "kind", "value"]].values.tolist() == [
        ["2010", "actual", 2.0],
        ["2011", "plan", 3.2],
        ["2012", "plan", 5.2],
    ]
    assert {"2024-06", "2019"} <= set(frame["period"])
    assert set(frame["kind"]) == {"actual", "target", "plan"}


def test_demo_if_missing_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    db.write_bytes(b"")
    out = run_cli("demo", "--db", str(db), "--if-missing")
    assert out.returncode == 0 and db.read_bytes() == b""


def test_errors_are_reported_in_both_languages_with_a_non_zero_exit(tmp_path: Path) -> None:
    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"garbage" * 500)
    out = run_cli("info", "--db", str(db))
    assert out.returncode == 2
    assert "错误" in out.stderr and "Error" in out.stderr and "restore" in out.stderr


def test_bxgc_db_environment_variable_selects_the_file(tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    env_run = subprocess.run(
        [sys.executable, "-m", "bxgc_metrics", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"BXGC_DB": str(db), "PATH": "/usr/bin:/bin"},
    )
    assert env_run.returncode == 0, env_run.stderr
    assert db.exists()


def test_import_takes_a_file_past_the_upload_limit_only_when_the_operator_allows_it(
    tmp_path: Path,
) -> None:
    db, csv = tmp_path / "x.duckdb", tmp_path / "big.csv"
    assert run_cli("demo", "--db", str(db)).returncode == 0
    rows = ["unit,indicator,period,kind,value"]
    rows += ["方案四·本街道,地方财政收入,2012,actual,5.0"]
    rows += [",,,,"] * 320_000  # empty rows, skipped: 1.5 MB in all
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    refused = run_cli("import", str(csv), "--db", str(db), "--max-mb", "1", "--dry-run")
    assert refused.returncode == 1
    assert "1 MB" in refused.stdout + refused.stderr
    taken = run_cli("import", str(csv), "--db", str(db), "--max-mb", "2", "--dry-run")
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert "new 1 " in taken.stdout
    bad = run_cli("import", str(csv), "--db", str(db), "--max-mb", "０")
    assert bad.returncode == 2 and "--max-mb" in bad.stderr


def test_listed_times_read_in_the_configured_zone_to_the_minute(demo_db: Path) -> None:
    """``history``, ``user list``, ``wall-token list`` and ``audit`` print times as the
    pages do (Beijing time, to the minute), never UTC with microseconds."""
    import re

    from bxgc_metrics import clock
    from bxgc_metrics.store import Store

    created = clock.shown(Store(demo_db).batches()["created_at"]).iloc[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", created)
    env = {"BXGC_ADMIN_PASSWORD": "", "BXGC_TZ": "Asia/Shanghai"}
    assert run_cli("wall-token", "create", "墙", "--db", str(demo_db)).returncode == 0
    outputs = {
        "history": run_cli("history", "--db", str(demo_db), env=env),
        "users": run_cli("user", "list", "--db", str(demo_db), env=env),
        "walls": run_cli("wall-token", "list", "--db", str(demo_db), env=env),
        "audit": run_cli("audit", "--db", str(demo_db), env=env),
    }
    for name, out in outputs.items():
        assert out.returncode == 0, (name, out.stderr)
        assert not re.search(r"\d\d:\d\d:\d\d\.\d", out.stdout), (name, out.stdout[:500])
    assert created in outputs["history"].stdout
