"""``python -m bxgc_metrics quality --period P``, run as an operator runs it from cron.

It prints the period's reporting round and its open data-quality flags and exits 0 when
nothing is overdue and no flag is open, 1 when a unit is overdue or a flag is open (so a
script can act), 2 when it cannot answer (a bad period, an unknown group). "Today" is
fixed with ``BXGC_TODAY`` so the rounds read the same whatever the date.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from tests import sheets
from tests.conftest import admin_store, expected_pairs, past_due, run_cli

NOVEMBER_OVERDUE = {"BXGC_TODAY": past_due(dt.date(2026, 12, 8)), "BXGC_TZ": "Asia/Shanghai"}
"""A week after 2026-11's figures were due (the 8th of December), or later."""
BEFORE_NOVEMBER_DUE = {"BXGC_TODAY": "2026-12-08", "BXGC_TZ": "Asia/Shanghai"}
"""The day 2026-11's figures are due: nothing of it is overdue yet."""
FLAGGED = "outlier_growth:JD02:FDI:M:2022:10"
"""The demo's one flag of 2022-10: 西城街道's 招商引资到位资金 grew far out of its pattern."""


def _quality(db: Path, *args: str, env: dict[str, str] = BEFORE_NOVEMBER_DUE):
    return run_cli("quality", *args, "--db", str(db), env=env)


def _overdue_in(xlsx: Path) -> list[tuple[str, str, str]]:
    """(unit, contact, phone) of each row of the workbook's first sheet, the 催报名单,
    read with calamine under its header row (单位, 联系人, 联系电话, …)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.read_bytes()))
    table = book.get_sheet_by_index(0).to_python()
    head = next(i for i, row in enumerate(table) if row[:3] == ["单位", "联系人", "联系电话"])
    return [(str(r[0]), str(r[1]), str(r[2])) for r in table[head + 1 :] if r[0] not in ("", None)]


def _city_units(db: Path) -> pd.DataFrame:
    units = admin_store(db).units()
    return units[units["contact_person"].notna()].reset_index(drop=True)


def test_a_round_everyone_reported_on_time_prints_the_counts_and_exits_0(demo_db: Path) -> None:
    expected = expected_pairs(admin_store(demo_db), (2026, 10))
    assert expected == 176  # 16 city units × 11 monthly indicators
    out = _quality(demo_db, "--period", "2026-10")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == (
        f"2026年10月  应报 {expected}，已报 {expected}（按时 {expected}，迟报 0），未报 0，未到期 0"
    )
    assert "待核实 0 条" in lines and "催报" not in out.stdout and not out.stderr
    english = _quality(demo_db, "--period", "2026-10", "--lang", "en")
    assert english.returncode == 0
    assert english.stdout.startswith(
        f"2026-10  expected {expected}, reported {expected} (on time {expected}, late 0), "
        "missing 0, not yet due 0"
    )
    assert "0 flag(s) to verify" in english.stdout


def test_one_peer_group(demo_db: Path) -> None:
    towns = _city_units(demo_db).query("peer_group == '乡镇'")["code"]
    expected = expected_pairs(admin_store(demo_db), (2026, 10), towns)
    out = _quality(demo_db, "--period", "2026-10", "--group", "乡镇")
    assert out.returncode == 0
    assert out.stdout.startswith(f"2026年10月  应报 {expected}，已报 {expected}")
    assert expected == 88


def test_an_open_flag_exits_1_and_is_printed_until_it_is_marked_checked(demo_db: Path) -> None:
    out = _quality(demo_db, "--period", "2022-10")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "未报 0" in out.stdout  # nobody is overdue: the flag alone makes it 1
    assert "待核实 1 条" in out.stdout
    flag_lines = [line for line in out.stdout.splitlines() if line.startswith("- ")]
    assert len(flag_lines) == 1
    assert flag_lines[0].startswith("- JD02 FDI: 环比增速明显超出本单位历史波动，需核实 — ")
    assert "13,856.1万元" in flag_lines[0]  # the evidence: the figure itself

    admin_store(demo_db).review_flag(FLAGGED, "已与商务局核对到账凭证")
    checked = _quality(demo_db, "--period", "2022-10")
    assert checked.returncode == 0, checked.stdout
    assert "待核实 0 条" in checked.stdout


def test_overdue_units_exit_1_and_go_into_the_text_and_the_workbook(
    demo_db: Path, tmp_path: Path
) -> None:
    """Half the city units report 2026-11; a week after the due day the other half are
    listed with their contacts, in the printed 催报 text and in the workbook's first sheet."""
    store = admin_store(demo_db)
    city = _city_units(demo_db)
    reporting, silent = city.iloc[::2], city.iloc[1::2]
    report = tmp_path / "2026年11月报表.csv"
    report.write_bytes(
        sheets.month_report_csv(
            store.observations(), store.units(), store.indicators(), reporting["code"], (2026, 11)
        )
    )
    imported = run_cli("import", str(report), "--db", str(demo_db), "--who", "统计科")
    assert imported.returncode == 0, imported.stdout + imported.stderr

    expected = expected_pairs(store, (2026, 11))
    owed = expected_pairs(store, (2026, 11), silent["code"])
    xlsx = tmp_path / "out" / "催报.xlsx"
    xlsx.parent.mkdir()
    out = _quality(demo_db, "--period", "2026-11", "--xlsx", str(xlsx), env=NOVEMBER_OVERDUE)
    assert out.returncode == 1, out.stdout + out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith(f"2026年11月  应报 {expected}，已报 {expected - owed}（")
    assert first.endswith(f"未报 {owed}，未到期 0")
    for unit in silent.itertuples():
        assert unit.name_zh in out.stdout and unit.contact_person in out.stdout
        assert unit.contact_phone in out.stdout
    for unit in reporting.itertuples():
        assert unit.name_zh not in out.stdout and unit.contact_person not in out.stdout

    assert _overdue_in(xlsx) == [
        (u.name_zh, u.contact_person, u.contact_phone) for u in silent.itertuples()
    ]

    # before the due day nobody is overdue: exit 0, and the workbook lists nobody
    early = _quality(demo_db, "--period", "2026-11", "--xlsx", str(xlsx))
    assert early.returncode == 0, early.stdout
    assert "未报 0，" in early.stdout
    assert _overdue_in(xlsx) == []


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "十月", "1800", ""])
def test_a_bad_period_exits_2_with_a_message_in_both_languages(demo_db: Path, period: str) -> None:
    out = _quality(demo_db, "--period", period)
    assert out.returncode == 2
    assert "错误" in out.stderr and "Error" in out.stderr and repr(period) in out.stderr
    assert "应报" not in out.stdout


def test_an_unknown_group_exits_2_naming_the_groups(demo_db: Path) -> None:
    out = _quality(demo_db, "--period", "2026-10", "--group", "城区")
    assert out.returncode == 2, out.stdout
    assert "错误" in out.stderr and "Error" in out.stderr
    for group in ("乡镇", "城区街道"):
        assert group in out.stderr
    assert "应报" not in out.stdout


def test_a_database_without_the_demo_indicators(tmp_path: Path) -> None:
    """The shipped consistency rules name the demo's indicators; a database that has none
    of them still gets its round and its flags (the rules it cannot apply are left out)."""
    db = tmp_path / "own.duckdb"
    sheet = tmp_path / "gdp.csv"
    sheet.write_bytes(
        sheets.long_csv(
            [
                ("甲镇", "地区生产总值", "2026年1-10月", 1200.5, "实际"),
                ("乙镇", "地区生产总值", "2026年1-10月", 980.0, "实际"),
            ]
        )
    )
    imported = run_cli("import", str(sheet), "--db", str(db), "--create-missing")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    out = _quality(db, "--period", "2026-10")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("2026年10月  应报 0，已报 0") and "待核实 0 条" in out.stdout
