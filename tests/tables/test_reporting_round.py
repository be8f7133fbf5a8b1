"""The reporting round the page, its export and the 通报 read: the hand-built month's
tables, a peer group, the year's record, the summary sentence and the bulletin's part."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import numpy as np
import openpyxl
import pandas as pd
import pytest

from bxgc_metrics.metrics.reporting import reminder_list, yearly_counts
from bxgc_metrics.metrics.rewards import RULE_COLUMNS, load_default_rules
from bxgc_metrics.tables.bulletin import bulletin, reporting_line
from bxgc_metrics.tables.reporting import (
    INDICATOR_TABLE_COLUMNS,
    UNIT_TABLE_COLUMNS,
    reporting_round,
    summary,
    year_record,
)
from tests.conftest import observations
from tests.metrics.test_reporting import INDICATORS, TODAY, UNITS, WRITES, writes

GROUPED = UNITS.assign(peer_group=["城区", "城区", "乡镇", "乡镇", "乡镇", None])


@pytest.fixture(autouse=True, scope="module")
def _beijing_time() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BXGC_TZ", "Asia/Shanghai")
        yield


def october(**changes: object):  # type: ignore[no-untyped-def]
    kwargs = {"writes": WRITES, "units": GROUPED, "indicators": INDICATORS, "today": TODAY}
    return reporting_round("2026-10", **(kwargs | changes))  # type: ignore[arg-type]


def test_the_hand_built_month_as_tables() -> None:
    r = october()
    assert list(r.units.columns) == list(UNIT_TABLE_COLUMNS)
    assert list(r.indicators.columns) == list(INDICATOR_TABLE_COLUMNS)
    assert r.units[["unit_code", "expected", "reported", "share_reported"]].values.tolist() == [
        ["A", 2, 2, 1.0],
        ["B", 1, 1, 1.0],
        ["C", 2, 2, 1.0],
        ["D", 2, 0, 0.0],
        ["E", 1, 0, 0.0],
    ]
    assert r.indicators.drop(columns=["indicator_name_en"]).values.tolist() == [
        ["GDP", "地区生产总值", 4, 3, 2, 1, 1, 0, 0.75],
        ["TAX", "税收收入", 3, 2, 2, 0, 1, 0, 2 / 3],
        ["EMP", "新增就业", 1, 0, 0, 0, 0, 1, 0.0],
    ]
    assert r.grid.to_dict("index") == {
        "A": {"GDP": "on_time", "TAX": "on_time", "EMP": None},
        "B": {"GDP": "late", "TAX": None, "EMP": None},
        "C": {"GDP": "on_time", "TAX": "on_time", "EMP": None},
        "D": {"GDP": "missing", "TAX": "missing", "EMP": None},
        "E": {"GDP": None, "TAX": None, "EMP": "not_due"},
    }
    pd.testing.assert_frame_equal(r.reminders, reminder_list(r.progress))


def test_every_table_counts_the_same_figures() -> None:
    r = october(today=dt.date(2026, 11, 16))
    p = r.progress
    for table in (r.units, r.indicators):
        assert table["expected"].sum() == p.expected
        assert table["reported"].sum() == p.reported
        assert table["missing"].sum() == p.missing
    cells = pd.Series(r.grid.to_numpy().ravel()).dropna().value_counts()
    assert cells.to_dict() == {"on_time": p.on_time, "late": p.late, "missing": p.missing}
    assert r.reminders["missing"].sum() == p.missing == 2


def test_a_peer_group_is_assessed_alone() -> None:
    r = october(group="城区")
    assert list(r.units["unit_code"]) == ["A", "B"]
    assert (r.progress.expected, r.progress.reported, r.progress.missing) == (3, 3, 0)
    assert r.reminders.empty


def test_the_years_record_is_the_groups_yearly_counts() -> None:
    history = pd.concat(
        [WRITES, writes([("D", "GDP", "2026-08", "2026-09-01", 1)])], ignore_index=True
    ).assign(batch_id=lambda f: np.arange(1, len(f) + 1))
    whole = yearly_counts(2026, writes=history, units=GROUPED, indicators=INDICATORS, today=TODAY)
    towns = year_record(
        2026, writes=history, units=GROUPED, indicators=INDICATORS, today=TODAY, group="乡镇"
    )
    assert list(towns["unit_code"]) == ["C", "D", "E"]
    pd.testing.assert_frame_equal(
        towns, whole[whole["unit_code"].isin(["C", "D", "E"])].reset_index(drop=True)
    )
    # D's GDP: August and September on time, October missing, November and December not
    # due; its TAX: September on time, October missing, November and December not due.
    d = towns.set_index("unit_code").loc["D"]
    assert d[["expected", "on_time", "missing", "not_due"]].tolist() == [9, 3, 2, 4]


def test_the_summary_sentence() -> None:
    r = october()
    assert summary(r) == (
        "截至2026年11月11日，2026年10月数据应报8项，已报5项（按时4项、迟报1项），"
        "逾期未报2项，未到期1项。逾期未报的单位：丁街道。"
    )
    assert summary(r, names={"D": "丁街道办事处"}).endswith("逾期未报的单位：丁街道办事处。")
    assert summary(r, lang="en") == (
        "As of 2026-11-11, 8 figures for Oct 2026 were expected: 5 reported (4 on time, "
        "1 late), 2 overdue, 1 not yet due. Overdue: Ding."
    )
    assert summary(october(group="城区")).endswith("未到期0项。")


def test_the_round_exports_its_tables() -> None:
    book = openpyxl.load_workbook(io.BytesIO(october().workbook(lang="en")))
    assert book.sheetnames == ["Reminders", "Progress", "Details"]
    assert book["Reminders"]["A6"].value == "Ding"


# --- the bulletin's 报送情况 ----------------------------------------------------------------

BULLETIN_UNITS = pd.DataFrame(
    {
        "code": ["A", "B", "C", "D"],
        "name_zh": ["甲", "乙", "丙", "丁"],
        "name_en": None,
        "kind": "街道",
        "peer_group": None,
        "is_demo": False,
    }
)
BULLETIN_INDICATORS = pd.DataFrame(
    {
        "code": ["R"],
        "name_zh": ["收入"],
        "name_en": ["Revenue"],
        "measure": ["万元"],
        "direction": ["higher"],
        "kind": ["flow"],
        "frequency": ["M"],
        "report_due_day": [8],
    }
)


def _march() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for unit, figure in {"A": 40, "B": 25, "C": 20, "D": 11}.items():
        rows += [
            (unit, "M", 2026, 2, "actual", figure / 2),
            (unit, "M", 2026, 3, "actual", float(figure)),
            (unit, "Y", 2026, 0, "target", 100.0),
        ]
    history = writes(
        [(u, "R", "2026-02", "2026-03-05", 1) for u in "ABCD"]
        + [
            ("A", "R", "2026-03", "2026-04-07 02:00", 40),
            ("B", "R", "2026-03", "2026-04-10 02:00", 25),  # two days late
            ("C", "R", "2026-03", "2026-04-08 02:00", 20),
        ]
    )
    return observations(rows, indicator="R"), history


def test_the_bulletin_prints_the_months_round() -> None:
    obs, history = _march()
    args = {"units": BULLETIN_UNITS, "indicators": BULLETIN_INDICATORS, "year": 2026, "sub": 3}
    made = bulletin(obs, **args, date=dt.date(2026, 4, 15), writes=history)  # type: ignore[arg-type]
    assert made.reporting is not None
    same = reporting_round(
        "2026-03",
        writes=history,
        units=BULLETIN_UNITS,
        indicators=BULLETIN_INDICATORS,
        today=dt.date(2026, 4, 15),
    )
    pd.testing.assert_frame_equal(made.reporting.units, same.units)
    pd.testing.assert_frame_equal(made.reporting.progress.rows, same.progress.rows)
    assert reporting_line(made, {"D": "丁"}) == (
        "截至2026年4月15日，2026年3月数据应报4项，已报3项（按时2项、迟报1项），"
        "逾期未报1项，未到期0项。逾期未报的单位：丁。"
    )
    without = bulletin(obs, **args, date=dt.date(2026, 4, 15))  # type: ignore[arg-type]
    assert without.reporting is None and reporting_line(without, {}) == ""


def test_the_year_end_bulletin_docks_missed_reports_when_the_rules_say_so() -> None:
    rows = []
    for unit, figure in {"A": 90.0, "B": 110.0}.items():
        rows += [
            (unit, "M", 2025, 12, "actual", figure),
            (unit, "M", 2026, 11, "actual", figure * 0.9),
            (unit, "M", 2026, 12, "actual", figure),
            (unit, "Y", 2025, 0, "target", 100.0),
            (unit, "Y", 2026, 0, "target", 100.0),
        ]
    obs = observations(rows, indicator="R")
    history = writes(
        [("A", "R", "2025-12", "2026-01-05", 1), ("B", "R", "2025-12", "2026-01-05", 1)]
        + [("B", "R", f"2026-{m:02d}", f"2026-{m + 1:02d}-03", 1) for m in range(1, 12)]
        + [("A", "R", f"2026-{m:02d}", f"2026-{m + 1:02d}-03", 1) for m in (1, 2, 3, 5, 6)]
    )  # A stops after June: July to November missing on 20 January; December is late
    history = pd.concat(
        [history, writes([(u, "R", "2026-12", "2027-01-12", 1) for u in "AB"])], ignore_index=True
    ).assign(batch_id=lambda f: np.arange(1, len(f) + 1))
    rule = pd.DataFrame(
        [
            {
                "rule_id": "missed_missing",
                "kind": "missed_report",
                "period_kind": "year",
                "level": "missing",
                "amount_yuan": 500.0,
                "points": 0.0,
                "bars_excellent": False,
                "note_zh": "漏统漏报扣发考核奖金",
                "note_en": "Bonus docked for missing reports",
            }
        ]
    )
    rules = pd.concat([load_default_rules(), rule], ignore_index=True)[RULE_COLUMNS]
    made = bulletin(
        obs,
        units=BULLETIN_UNITS[BULLETIN_UNITS["code"].isin(["A", "B"])],
        indicators=BULLETIN_INDICATORS,
        year=2026,
        sub=12,
        rules=rules,
        date=dt.date(2027, 1, 20),
        writes=history,
    )
    assert made.rewards is not None
    docked = made.rewards.items[made.rewards.items["rule_id"] == "missed_missing"]
    # A missed April and July to November: 6 × 500 元; B missed nothing.
    assert docked[["unit", "amount_yuan"]].values.tolist() == [["A", -3000.0]]
    assert docked["description_zh"].iloc[0] == "漏统漏报扣发考核奖金（漏报6次，每次扣500元）"
    assert made.reporting is not None and made.reporting.progress.late == 2
