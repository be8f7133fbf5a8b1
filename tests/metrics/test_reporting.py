"""Reporting rounds by hand: due dates, who is expected, on time, late, missing or not yet
due, the 催报 list, text and workbook, a year's record and the missed_report rule."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bxgc_metrics.metrics.reporting import (
    REMINDER_COLUMNS,
    ROW_COLUMNS,
    UNIT_COLUMNS,
    YEARLY_COLUMNS,
    due_date,
    due_dates,
    progress,
    reminder_list,
    reminder_text,
    reminder_workbook,
    yearly_counts,
)
from bxgc_metrics.metrics.rewards import RULE_COLUMNS, compute_rewards, load_default_rules
from bxgc_metrics.periods import Period
from bxgc_metrics.tables.standings import expected_units

WRITE_COLUMNS = [
    "unit_code",
    "indicator_code",
    "freq",
    "year",
    "sub",
    "value_kind",
    "batch_id",
    "written_at",
    "who",
    "value",
    "file_name",
]


@pytest.fixture(autouse=True, scope="module")
def _beijing_time() -> Iterator[None]:
    """Stored times are UTC; the tests read them in Beijing time (UTC+8)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BXGC_TZ", "Asia/Shanghai")
        yield


def writes(rows: list[tuple]) -> pd.DataFrame:
    """Writes from ``(unit, indicator, period label, UTC time, value[, who[, kind]])``
    rows; batch ids follow the list order."""
    out = []
    for batch, row in enumerate(rows, start=1):
        unit, indicator, label, when, value, *rest = row
        who = rest[0] if rest else "analyst"
        kind = rest[1] if len(rest) > 1 else "actual"
        p = Period.parse(label)
        out.append(
            {
                "unit_code": unit,
                "indicator_code": indicator,
                "freq": p.freq,
                "year": p.year,
                "sub": p.sub,
                "value_kind": kind,
                "batch_id": batch,
                "written_at": pd.Timestamp(when),
                "who": who,
                "value": float(value),
                "file_name": f"batch{batch}.xlsx",
            }
        )
    return pd.DataFrame(out, columns=WRITE_COLUMNS)


def units_table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["code", "name_zh", "name_en", "kind", "contact_person", "contact_phone"]
    ).assign(parent_code=None, peer_group=None)


UNITS = units_table(
    [
        ("A", "甲街道", "Jia", "街道", "赵一", "13800000001"),
        ("B", "乙街道", "Yi", "街道", "钱二", "13800000002"),
        ("C", "丙街道", "Bing", "街道", None, None),
        ("D", "丁街道", "Ding", "街道", "张三", "13800000000"),
        ("E", "戊镇", None, "乡镇", "孙五", None),
        ("X", "先进市", "Leader City", "外部标杆", "外人", "1"),
    ]
)
INDICATORS = pd.DataFrame(
    {
        "code": ["GDP", "TAX", "EMP", "NOC"],
        "name_zh": ["地区生产总值", "税收收入", "新增就业", "无日历指标"],
        "name_en": ["GDP", "Tax revenue", "New jobs", None],
        "measure": ["万元", "万元", "人", "个"],
        "frequency": ["M", "M", "M", "M"],
        "report_due_day": pd.array([8, 8, 15, pd.NA], dtype="Int64"),
    }
)

# October 2026; GDP and TAX are due on 8 November, EMP on 15 November; today is 11 November.
# Stored times are UTC: 2026-11-08 15:30 is 23:30 in Beijing, still the 8th.
SEPTEMBER = [
    (u, i, "2026-09", "2026-10-07 02:00", 1)
    for u, i in [
        ("A", "GDP"),
        ("A", "TAX"),
        ("A", "NOC"),  # no calendar: never expected
        ("B", "GDP"),  # B never reports TAX: (B, TAX) is not expected
        ("C", "GDP"),
        ("D", "GDP"),
        ("D", "TAX"),
        ("E", "EMP"),
        ("X", "GDP"),  # an external benchmark: never expected
    ]
]
OCTOBER = [
    ("C", "TAX", "2025-11", "2025-12-05 02:00", 1),  # 11 months back: (C, TAX) expected
    ("E", "GDP", "2025-09", "2025-10-05 02:00", 1),  # 13 months back: (E, GDP) is not
    ("A", "GDP", "2026-10", "2026-11-05 02:00", 100),
    ("A", "TAX", "2026-10", "2026-11-08 15:30", 50),  # 23:30 on the 8th in Beijing
    ("A", "NOC", "2026-10", "2026-11-20 02:00", 1),
    ("B", "GDP", "2026-10", "2026-11-10 01:00", 80),  # two days late
    ("C", "GDP", "2026-10", "2026-11-06 02:00", 70),
    ("C", "TAX", "2026-10", "2026-11-07 02:00", 30),
    ("C", "TAX", "2026-10", "2026-11-08 10:00", 31, "周六"),  # revised before the deadline
    ("C", "GDP", "2026-10", "2026-11-09 03:00", 72, "李四"),  # revised after it
    ("C", "GDP", "2026-10", "2026-11-10 03:00", 72, "王五"),  # the same value: no revision
    ("D", "TAX", "2026-10", "2026-11-05 02:00", 500, "analyst", "target"),  # not a report
    ("D", "GDP", "2026-10", "2026-11-12 02:00", 90),  # after today: not known yet
    ("X", "GDP", "2026-10", "2026-11-20 02:00", 999),
]
WRITES = writes(SEPTEMBER + OCTOBER)
TODAY = dt.date(2026, 11, 11)


def october(**changes: object) -> pd.DataFrame:
    kwargs = {"writes": WRITES, "units": UNITS, "indicators": INDICATORS, "today": TODAY}
    return progress("2026-10", **(kwargs | changes))  # type: ignore[arg-type]


# --- due dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "day", "due"),
    [
        ("2026-10", 8, dt.date(2026, 11, 8)),
        ("2026-01", 28, dt.date(2026, 2, 28)),
        ("2026-11", 1, dt.date(2026, 12, 1)),
        ("2026-12", 8, dt.date(2027, 1, 8)),  # December: due in January of the next year
        ("2026-Q1", 15, dt.date(2026, 4, 15)),
        ("2026-Q3", 15, dt.date(2026, 10, 15)),
        ("2026-Q4", 15, dt.date(2027, 1, 15)),
        ("2026-H1", 10, dt.date(2026, 7, 10)),
        ("2026-H2", 10, dt.date(2027, 1, 10)),
        ("2026", 20, dt.date(2027, 1, 20)),
    ],
)
def test_due_dates_for_every_frequency(label: str, day: int, due: dt.date) -> None:
    assert due_date(label, day) == due
    assert due_date(Period.parse(label), day) == due
    p = Period.parse(label)
    frame = pd.DataFrame(
        {"freq": [p.freq], "year": [p.year], "sub": [p.sub], "report_due_day": [day]}
    )
    assert due_dates(frame).iloc[0] == pd.Timestamp(due)


@pytest.mark.parametrize("day", [0, 29, 31, -1, 8.5, "8", True, None])
def test_a_due_day_outside_1_to_28_is_refused(day: object) -> None:
    with pytest.raises(ValueError, match="1-28"):
        due_date("2026-10", day)  # type: ignore[arg-type]


def test_vectorised_due_dates_match_one_by_one_and_missing_days_have_none() -> None:
    periods = [
        Period(y, f, s)
        for y in (2025, 2026)
        for f, n in [("Y", 0), ("H", 2), ("Q", 4), ("M", 12)]
        for s in (range(1, n + 1) if n else [0])
    ]
    frame = pd.DataFrame(
        {
            "freq": [p.freq for p in periods],
            "year": [p.year for p in periods],
            "sub": [p.sub for p in periods],
            "report_due_day": [(i % 29) or None for i in range(len(periods))],
        }
    )
    got = due_dates(frame)
    for p, day, value in zip(periods, frame["report_due_day"], got, strict=True):
        if day is None or pd.isna(day):
            assert pd.isna(value)
        else:
            assert value == pd.Timestamp(due_date(p, int(day)))
    with pytest.raises(ValueError, match="1-28"):
        due_dates(frame.assign(report_due_day=31))


def test_an_indicator_with_a_bad_due_day_is_named() -> None:
    bad = INDICATORS.assign(report_due_day=pd.array([8, 30, 15, pd.NA], dtype="Int64"))
    with pytest.raises(ValueError, match="TAX"):
        october(indicators=bad)


# --- one month by hand ----------------------------------------------------------------------


def test_the_hand_built_month() -> None:
    p = october()
    assert list(p.rows.columns) == list(ROW_COLUMNS)
    rows = p.rows.set_index(["unit_code", "indicator_code"])
    assert list(rows.index) == [
        ("A", "GDP"),
        ("A", "TAX"),
        ("B", "GDP"),
        ("C", "GDP"),
        ("C", "TAX"),
        ("D", "GDP"),
        ("D", "TAX"),
        ("E", "EMP"),
    ]  # no benchmark, no calendar-less indicator, no never-reported or lapsed pair
    assert rows["status"].to_dict() == {
        ("A", "GDP"): "on_time",
        ("A", "TAX"): "on_time",  # 23:30 Beijing time on the due date
        ("B", "GDP"): "late",
        ("C", "GDP"): "on_time",
        ("C", "TAX"): "on_time",
        ("D", "GDP"): "missing",  # its write on the 12th is after today
        ("D", "TAX"): "missing",  # a target is not a report
        ("E", "EMP"): "not_due",  # due on the 15th
    }
    assert rows["days_late"].tolist() == [0, 0, 2, 0, 0, 3, 3, pd.NA]
    assert rows["due"].dt.strftime("%m-%d").tolist() == ["11-08"] * 7 + ["11-15"]
    assert rows.loc[("B", "GDP"), "first_reported_at"] == pd.Timestamp("2026-11-10 01:00")
    assert pd.isna(rows.loc[("D", "GDP"), "first_reported_at"])
    assert rows["revised_after_deadline"].tolist() == [False, False, False, True] + [False] * 4
    assert rows.loc[("C", "GDP"), "revisions_after"] == 1
    assert rows.loc[("C", "GDP"), "last_reviser"] == "李四"  # 王五 wrote the same value
    assert rows.loc[("C", "TAX"), "revisions_after"] == 0  # revised before the deadline
    assert (p.expected, p.on_time, p.late, p.missing, p.not_due) == (8, 4, 1, 2, 1)
    assert p.reported == 5 and p.share_reported == 5 / 8


def test_the_per_unit_summary() -> None:
    p = october()
    assert list(p.units.columns) == list(UNIT_COLUMNS)
    table = p.units.set_index("unit_code")
    assert list(table.index) == ["A", "B", "C", "D", "E"]
    assert table[
        ["expected", "reported", "on_time", "late", "missing", "not_due"]
    ].values.tolist() == [
        [2, 2, 2, 0, 0, 0],
        [1, 1, 0, 1, 0, 0],
        [2, 2, 2, 0, 0, 0],
        [2, 0, 0, 0, 2, 0],
        [1, 0, 0, 0, 0, 1],
    ]
    assert table["revised_after_deadline"].tolist() == [0, 0, 1, 0, 0]
    assert table.loc["D", ["name", "contact_person", "contact_phone"]].tolist() == [
        "丁街道",
        "张三",
        "13800000000",
    ]
    assert table.loc["E", "name_en"] == "戊镇"  # no English name: the Chinese one


def test_as_of_a_later_day_the_late_write_counts_and_the_fifteenth_passes() -> None:
    p = october(today=dt.date(2026, 11, 16))
    rows = p.rows.set_index(["unit_code", "indicator_code"])
    assert rows.loc[("D", "GDP"), ["status", "days_late"]].tolist() == ["late", 4]
    assert rows.loc[("D", "TAX"), ["status", "days_late"]].tolist() == ["missing", 8]
    assert rows.loc[("E", "EMP"), ["status", "days_late"]].tolist() == ["missing", 1]


def test_on_the_due_date_nothing_is_missing_yet() -> None:
    p = october(today=dt.date(2026, 11, 8))
    assert p.missing == 0 and p.late == 0
    assert (
        p.rows.set_index(["unit_code", "indicator_code"]).loc[("D", "GDP"), "status"] == "not_due"
    )
    # B's report is not written yet, but B reported September: expected, not yet due
    assert (p.expected, p.on_time, p.not_due) == (8, 4, 4)


def test_a_longer_lookback_brings_back_a_lapsed_pair() -> None:
    p = october(lookback_months=13)
    assert ("E", "GDP") in set(zip(p.rows["unit_code"], p.rows["indicator_code"], strict=True))
    assert october(lookback_months=0).expected == 5  # only pairs reported for October


def test_another_time_zone_moves_the_deadline() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BXGC_TZ", "UTC")
        rows = october().rows.set_index(["unit_code", "indicator_code"])
        assert rows.loc[("A", "TAX"), "status"] == "on_time"  # 15:30 UTC on the 8th
        assert rows.loc[("B", "GDP"), "days_late"] == 2
    late = writes(
        [("A", "GDP", "2026-09", "2026-10-01", 1), ("A", "GDP", "2026-10", "2026-11-08 16:00", 1)]
    )
    row = progress(
        "2026-10", writes=late, units=UNITS, indicators=INDICATORS, today=TODAY
    ).rows.iloc[0]
    assert (row["status"], row["days_late"]) == ("late", 1)  # 00:00 on the 9th in Beijing


def test_quarterly_and_yearly_indicators_are_assessed_in_their_own_periods() -> None:
    indicators = pd.DataFrame(
        {
            "code": ["Q", "Y"],
            "name_zh": ["季度指标", "年度指标"],
            "name_en": [None, None],
            "frequency": ["Q", "Y"],
            "report_due_day": [15, 20],
        }
    )
    history = writes(
        [
            ("A", "Q", "2025-Q4", "2026-01-10", 1),
            ("A", "Q", "2026-Q3", "2026-10-16 02:00", 1),
            ("A", "Y", "2025", "2026-01-15", 1),
            ("A", "Q", "2026-10", "2026-11-01", 1),  # a monthly figure of a quarterly indicator
        ]
    )
    args = {
        "writes": history,
        "units": UNITS,
        "indicators": indicators,
        "today": dt.date(2027, 2, 1),
    }
    q3 = progress("2026-Q3", **args).rows
    assert q3[["unit_code", "indicator_code", "status", "days_late"]].values.tolist() == [
        ["A", "Q", "late", 1]
    ]
    assert progress("2026-10", **args).expected == 0
    year = progress("2026", **args).rows
    assert year[["indicator_code", "status", "days_late"]].values.tolist() == [["Y", "missing", 12]]
    assert year["due"].iloc[0] == pd.Timestamp("2027-01-20")


def test_without_a_calendar_column_or_any_writes_nothing_is_expected() -> None:
    assert october(indicators=INDICATORS.drop(columns="report_due_day")).expected == 0
    empty = october(writes=WRITES.iloc[:0])
    assert empty.expected == 0 and empty.share_reported is None
    assert list(empty.units.columns) == list(UNIT_COLUMNS)
    assert reminder_list(empty).empty
    assert reminder_text(empty) == "【催报】2026年10月数据目前没有逾期未报的单位。"
    assert (
        reminder_text(empty, lang="en")
        == "[Reminder] No unit is overdue with its Oct 2026 figures."
    )


def test_inputs_stay_untouched() -> None:
    before = (WRITES.copy(), UNITS.copy(), INDICATORS.copy())
    october()
    pd.testing.assert_frame_equal(WRITES, before[0])
    pd.testing.assert_frame_equal(UNITS, before[1])
    pd.testing.assert_frame_equal(INDICATORS, before[2])


# --- chasing ------------------------------------------------------------------------------


def test_the_reminder_list() -> None:
    listed = reminder_list(october(today=dt.date(2026, 11, 16)))
    assert list(listed.columns) == list(REMINDER_COLUMNS)
    assert listed.drop(columns=["name_en", "indicators_en"]).values.tolist() == [
        ["D", "丁街道", "张三", "13800000000", 1, "税收收入", 8],
        ["E", "戊镇", "孙五", "", 1, "新增就业", 1],
    ]  # most overdue first; D's GDP arrived on the 12th
    both = reminder_list(october())
    assert both[
        ["unit_code", "missing", "indicators", "indicators_en", "days_overdue"]
    ].values.tolist() == [["D", 2, "地区生产总值、税收收入", "GDP, Tax revenue", 3]]


def test_the_reminder_text_in_both_languages() -> None:
    p = october(today=dt.date(2026, 11, 16))
    assert reminder_text(p) == (
        "【催报】2026年10月数据截至11月15日应报，以下单位尚未报送：\n"
        "1. 丁街道（联系人：张三 13800000000）：税收收入，已逾期 8 天\n"
        "2. 戊镇（联系人：孙五）：新增就业，已逾期 1 天\n"
        "请尽快报送。"
    )
    assert reminder_text(p, lang="en") == (
        "[Reminder] Oct 2026 figures were due by 15 Nov; these units have not reported:\n"
        "1. Ding (contact: 张三 13800000000): Tax revenue, 8 days overdue\n"
        "2. 戊镇 (contact: 孙五): New jobs, 1 day overdue\n"
        "Please report as soon as possible."
    )


def test_a_december_reminder_names_the_next_year() -> None:
    history = writes([("A", "GDP", "2026-11", "2026-12-01", 1)])
    p = progress(
        "2026-12", writes=history, units=UNITS, indicators=INDICATORS, today=dt.date(2027, 1, 10)
    )
    assert (
        reminder_text(p).splitlines()[0]
        == "【催报】2026年12月数据截至2027年1月8日应报，以下单位尚未报送："
    )
    assert "due by 8 Jan 2027;" in reminder_text(p, lang="en")
    assert (
        reminder_text(p).splitlines()[1]
        == "1. 甲街道（联系人：赵一 13800000001）：地区生产总值，已逾期 2 天"
    )


HOSTILE = units_table(
    [
        (
            "A",
            "甲街道\n2. 假单位（联系人：无）：全部，已逾期 0 天",
            "Jia\r\nInjected",
            "街道",
            "=cmd|' /C calc'!A0",
            "+86\u202e138",
        ),
        (
            "B",
            '=HYPERLINK("http://evil.example","点我")',
            "@SUM(A1)",
            "街道",
            "-2+3",
            "\t13800000000",
        ),
    ]
)


def hostile_round() -> object:
    history = writes([(u, "GDP", "2026-09", "2026-10-01", 1) for u in ("A", "B")])
    return progress("2026-10", writes=history, units=HOSTILE, indicators=INDICATORS, today=TODAY)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_cannot_break_the_text(lang: str) -> None:
    text = reminder_text(hostile_round(), lang=lang)  # type: ignore[arg-type]
    lines = text.split("\n")
    assert len(lines) == 4  # the head, one line per unit, the tail
    assert lines[1].startswith("1. ") and lines[2].startswith("2. ")
    assert "\r" not in text and "\t" not in text and "\u202e" not in text
    if lang == "zh":
        assert lines[1].startswith(
            "1. 甲街道 2. 假单位（联系人：无）：全部，已逾期 0 天（联系人：=cmd"
        )
        assert lines[2].startswith(
            '2. =HYPERLINK("http://evil.example","点我")（联系人：-2+3 13800000000）'
        )
    else:
        assert lines[1].startswith("1. Jia Injected (contact: ")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_stays_text_in_the_workbook(lang: str) -> None:
    data = reminder_workbook(hostile_round(), lang=lang)  # type: ignore[arg-type]
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    values = [str(c.value) for c in cells]
    assert not any(v.startswith(("=", "+", "-", "@", "\t")) for v in values)
    assert all("\n" not in v and "\r" not in v for v in values)
    if lang == "zh":
        assert book.sheetnames == ["催报名单", "填报进度", "报送明细"]
        listed = [[c.value for c in row] for row in book["催报名单"].iter_rows(min_row=5)]
        assert listed == [
            ["单位", "联系人", "联系电话", "未报指标", "未报项数", "逾期天数"],
            [
                "甲街道 2. 假单位（联系人：无）：全部，已逾期 0 天",
                "'=cmd|' /C calc'!A0",
                "'+86 138",
                "地区生产总值",
                1,
                3,
            ],
            [
                '\'=HYPERLINK("http://evil.example","点我")',
                "'-2+3",
                "13800000000",
                "地区生产总值",
                1,
                3,
            ],
        ]
    else:
        assert book.sheetnames == ["Reminders", "Progress", "Details"]
        assert book["Reminders"]["A7"].value == "'@SUM(A1)"


def test_the_workbook_of_the_hand_built_month() -> None:
    book = openpyxl.load_workbook(io.BytesIO(reminder_workbook(october())))
    sheet = book["填报进度"]
    assert sheet["A1"].value == "2026年10月数据填报进度"
    assert sheet["A2"].value == "应报8项，已报5项（按时4项、迟报1项），逾期未报2项，未到期1项"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    assert rows[3] == ["丁街道", 2, 0, 0, 0, 2, 0, 0, "张三", "13800000000"]
    details = [[c.value for c in row] for row in book["报送明细"].iter_rows(min_row=6)]
    assert details[1] == [
        "甲街道",
        "税收收入",
        "2026-11-08",
        "按时报送",
        "2026-11-08 23:30",
        "analyst",
        0,
        0,
        None,
    ]
    assert details[3][3:] == ["按时报送", "2026-11-06 10:00", "analyst", 0, 1, "李四"]
    assert details[7][2:4] == ["2026-11-15", "未到期"] and details[7][6] is None


# --- a year -------------------------------------------------------------------------------


def year_history() -> pd.DataFrame:
    rows = [("A", "GDP", "2025-12", "2026-01-05", 1)]
    for month in range(1, 11):
        if month == 5:
            continue  # May is never reported
        when = "2026-04-10 02:00" if month == 3 else f"2026-{month + 1:02d}-03 02:00"
        rows.append(("A", "GDP", f"2026-{month:02d}", when, month))
    rows.append(("A", "GDP", "2026-07", "2026-08-20 02:00", 99, "李四"))  # after 8 August
    rows += [
        ("B", "QTR", "2025-Q4", "2026-01-10", 1),
        ("B", "QTR", "2026-Q1", "2026-04-10", 1),
        ("B", "QTR", "2026-Q3", "2026-10-20 02:00", 1),  # 15 October + 5
    ]
    return writes(rows)


YEAR_INDICATORS = pd.DataFrame(
    {
        "code": ["GDP", "QTR"],
        "name_zh": ["地区生产总值", "季度指标"],
        "name_en": [None, None],
        "frequency": ["M", "Q"],
        "report_due_day": [8, 15],
    }
)


def test_yearly_counts_by_hand() -> None:
    counts = yearly_counts(
        2026, writes=year_history(), units=UNITS, indicators=YEAR_INDICATORS, today=TODAY
    )
    assert list(counts.columns) == list(YEARLY_COLUMNS)
    # A: Jan-Dec expected; 8 on time, March late, May missing, November and December not due;
    # July revised after its deadline. B: Q1 on time, Q2 missing, Q3 late, Q4 not due.
    assert counts.drop(columns="name").values.tolist() == [
        ["A", 12, 8, 1, 1, 2, 1],
        ["B", 4, 1, 1, 1, 1, 0],
    ]
    by_month = [
        progress(p, writes=year_history(), units=UNITS, indicators=YEAR_INDICATORS, today=TODAY)
        for p in [f"2026-{m:02d}" for m in range(1, 13)] + [f"2026-Q{q}" for q in range(1, 5)]
    ]
    assert sum(p.late for p in by_month) == counts["late"].sum()
    assert sum(p.missing for p in by_month) == counts["missing"].sum()


# --- the missed_report rule ----------------------------------------------------------------


def missed_rules(*rows: tuple) -> pd.DataFrame:
    extra = pd.DataFrame(
        [
            {
                "rule_id": rule_id,
                "kind": "missed_report",
                "period_kind": period_kind,
                "level": level,
                "amount_yuan": amount,
                "points": points,
                "bars_excellent": bars,
                "note_zh": "漏统漏报扣发考核奖金",
                "note_en": "Bonus docked for missed reports",
            }
            for rule_id, period_kind, level, amount, points, bars in rows
        ]
    )
    return pd.concat([load_default_rules(), extra], ignore_index=True)[RULE_COLUMNS]


STANDINGS = pd.DataFrame({"unit": ["A", "B"], "rank": [2, 1], "previous_rank": [5, 1]})
COUNTS = pd.DataFrame({"unit": ["A", "B", "C"], "late": [2, 0, 0], "missing": [3, 0, 1]})
RULES = missed_rules(
    ("missed_missing", "year", "missing", 500.0, 0.0, False),
    ("missed_late", "year", "late", 200.0, 0.0, False),
)


def totals(result: object) -> dict[str, list]:
    return result.totals.set_index("unit").T.to_dict("list")  # type: ignore[attr-defined]


def test_the_default_rules_dock_nothing_for_missed_reports() -> None:
    assert "missed_report" not in set(load_default_rules()["kind"])
    plain = compute_rewards(load_default_rules(), STANDINGS, "year")
    counted = compute_rewards(load_default_rules(), STANDINGS, "year", missed_reports=COUNTS)
    pd.testing.assert_frame_equal(plain.totals, counted.totals)
    pd.testing.assert_frame_equal(plain.items, counted.items)


def test_missed_reports_dock_per_report() -> None:
    result = compute_rewards(RULES, STANDINGS, "year", missed_reports=COUNTS)
    assert totals(result) == {
        "A": [12000.0 - 3 * 500 - 2 * 200, 1.0, True],
        "B": [10000.0, 1.5, True],
        "C": [-500.0, 0.0, True],
    }
    docked = result.items[result.items["rule_id"].str.startswith("missed")]
    assert docked[["unit", "rule_id", "amount_yuan"]].values.tolist() == [
        ["A", "missed_missing", -1500.0],
        ["A", "missed_late", -400.0],
        ["C", "missed_missing", -500.0],
    ]
    assert docked["description_zh"].tolist()[:2] == [
        "漏统漏报扣发考核奖金（漏报3次，每次扣500元）",
        "漏统漏报扣发考核奖金（迟报2次，每次扣200元）",
    ]
    assert (
        docked["description_en"].iloc[0]
        == "Bonus docked for missed reports (missing 3 times, 500 yuan each)"
    )


def test_missed_reports_do_not_change_what_a_criticism_docks() -> None:
    criticisms = pd.DataFrame({"unit": ["A"], "level": ["city"]})
    result = compute_rewards(RULES, STANDINGS, "year", criticisms=criticisms, missed_reports=COUNTS)
    assert totals(result)["A"] == [12000.0 - 1200 - 1500 - 400, 1.0, False]


def test_points_and_the_excellent_grade() -> None:
    rules = missed_rules(("missed_missing", "year", "missing", 1000.0, 0.5, True))
    result = compute_rewards(rules, STANDINGS, "year", missed_reports=COUNTS)
    assert totals(result)["A"] == [12000.0 - 3000, 1.0 - 1.5, False]
    assert totals(result)["B"] == [10000.0, 1.5, True]
    assert "每次扣1000元、0.5分" in result.items["description_zh"].iloc[-1]


def test_a_year_rule_is_not_applied_at_half_year() -> None:
    half = pd.DataFrame({"unit": ["A"], "rank": [1], "previous_rank": [1]})
    result = compute_rewards(RULES, half, "half", missed_reports=COUNTS)
    assert totals(result) == {"A": [5000.0, 0.0, True]}


def test_missed_report_refusals() -> None:
    with pytest.raises(ValueError, match="'late' or 'missing'"):
        compute_rewards(
            missed_rules(("r", "year", "revised", 100.0, 0.0, False)),
            STANDINGS,
            "year",
            missed_reports=COUNTS,
        )
    with pytest.raises(ValueError, match="amount_yuan"):
        compute_rewards(
            missed_rules(("r", "year", "late", np.nan, 0.0, False)),
            STANDINGS,
            "year",
            missed_reports=COUNTS,
        )
    with pytest.raises(ValueError, match="amount_yuan"):
        compute_rewards(
            missed_rules(("r", "year", "late", -100.0, 0.0, False)),
            STANDINGS,
            "year",
            missed_reports=COUNTS,
        )
    with pytest.raises(ValueError, match="no column"):
        compute_rewards(RULES, STANDINGS, "year", missed_reports=COUNTS.drop(columns="late"))


def test_yearly_counts_feed_the_rule_directly() -> None:
    counts = yearly_counts(
        2026, writes=year_history(), units=UNITS, indicators=YEAR_INDICATORS, today=TODAY
    )
    result = compute_rewards(RULES, STANDINGS, "year", missed_reports=counts)
    assert totals(result)["A"] == [12000.0 - 500 - 200, 1.0, True]  # one missing, one late
    assert totals(result)["B"] == [10000.0 - 500 - 200, 1.5, True]


# --- properties ---------------------------------------------------------------------------

PROPERTY_UNITS = units_table([(f"U{i}", f"单位{i}", None, "街道", None, None) for i in range(4)])
START = pd.Timestamp("2026-10-20")


@st.composite
def worlds(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, dt.date, tuple]:
    days = draw(st.lists(st.integers(1, 28), min_size=2, max_size=2))
    indicators = pd.DataFrame(
        {
            "code": ["I0", "I1"],
            "name_zh": ["甲", "乙"],
            "name_en": None,
            "frequency": "M",
            "report_due_day": days,
        }
    )
    keys = [(f"U{u}", f"I{i}") for u in range(4) for i in range(2)]
    earlier = draw(st.lists(st.sampled_from(keys), unique=True))
    write = st.tuples(st.sampled_from(keys), st.integers(0, 60 * 24), st.integers(0, 3))
    now = draw(st.lists(write, max_size=12))
    extra = draw(write)
    today = (START + pd.Timedelta(days=draw(st.integers(0, 60)))).date()
    rows = [(u, i, "2026-09", "2026-10-01", 1) for u, i in earlier]
    rows += [(u, i, "2026-10", START + pd.Timedelta(hours=h), v) for (u, i), h, v in now]
    return indicators, in_order(writes(rows)), today, extra


def in_order(history: pd.DataFrame) -> pd.DataFrame:
    """Batch ids in the order the batches were written, as the store numbers them."""
    ordered = history.sort_values("written_at", kind="stable", ignore_index=True)
    return ordered.assign(batch_id=np.arange(1, len(ordered) + 1))


def with_write(history: pd.DataFrame, extra: tuple) -> pd.DataFrame:
    (u, i), hours, value = extra
    added = writes([(u, i, "2026-10", START + pd.Timedelta(hours=hours), value)])
    return in_order(pd.concat([history, added], ignore_index=True))


@given(worlds())
def test_every_expected_figure_has_exactly_one_status(world: tuple) -> None:
    indicators, history, today, _ = world
    p = progress(
        "2026-10", writes=history, units=PROPERTY_UNITS, indicators=indicators, today=today
    )
    assert p.on_time + p.late + p.missing + p.not_due == p.expected == len(p.rows)
    assert p.units["expected"].sum() == p.expected
    assert (
        p.units[["on_time", "late", "missing", "not_due"]].sum(axis=1) == p.units["expected"]
    ).all()


@given(worlds())
def test_a_report_written_by_the_due_date_is_never_late(world: tuple) -> None:
    indicators, history, today, _ = world
    p = progress(
        "2026-10", writes=history, units=PROPERTY_UNITS, indicators=indicators, today=today
    )
    local = history["written_at"] + pd.Timedelta(hours=8)
    rows = p.rows.set_index(["unit_code", "indicator_code"])
    for key, row in rows.iterrows():
        mine = (
            (history["unit_code"] == key[0])
            & (history["indicator_code"] == key[1])
            & (history["sub"] == 10)
        )
        dates = local[mine].dt.normalize()
        if ((dates <= row["due"]) & (dates <= pd.Timestamp(today))).any():
            assert row["status"] == "on_time"


@given(worlds())
def test_a_new_write_never_adds_a_missing_figure(world: tuple) -> None:
    indicators, history, today, extra = world
    args = {"units": PROPERTY_UNITS, "indicators": indicators, "today": today}
    before = progress("2026-10", writes=history, **args)
    after = progress("2026-10", writes=with_write(history, extra), **args)
    assert after.missing <= before.missing
    assert after.reported >= before.reported
    assert after.expected >= before.expected


@settings(max_examples=max(5, settings().max_examples // 4))  # a year's counts each time
@given(worlds(), st.randoms(use_true_random=False), st.integers(0, 3))
def test_the_round_does_not_depend_on_the_order_of_the_writes_or_later_periods(
    world: tuple, random: object, later: int
) -> None:
    """The store hands the writes over in no particular order, and with periods after the
    round's: neither changes a round or a year's counts (a figure's writes are read in
    batch order, and a later period makes no one expected in this one)."""
    indicators, history, today, _ = world
    args = {"units": PROPERTY_UNITS, "indicators": indicators, "today": today}
    order = list(range(len(history)))
    random.shuffle(order)  # type: ignore[attr-defined]
    after = [
        ("U0", "I0", f"2026-{11 + k % 2}", START + pd.Timedelta(days=k), k) for k in range(later)
    ]
    shuffled = pd.concat([history.iloc[order], writes(after)], ignore_index=True)
    shuffled = shuffled.astype({"written_at": history["written_at"].dtype}).assign(
        batch_id=np.r_[history["batch_id"].to_numpy()[order], 100 + np.arange(later)]
    )
    one = progress("2026-10", writes=history, **args)
    other = progress("2026-10", writes=shuffled, **args)
    pd.testing.assert_frame_equal(one.rows, other.rows)
    pd.testing.assert_frame_equal(one.units, other.units)
    year = yearly_counts(2026, writes=history, **args)  # November is a period of the year:
    mixed = shuffled.iloc[: len(history)]  # the year's counts take the order alone
    pd.testing.assert_frame_equal(year, yearly_counts(2026, writes=mixed, **args))


def _month(k: int) -> Period:
    """The ``k``-th month from June 2024."""
    year, month = divmod(2024 * 12 + 5 + k, 12)
    return Period(year, "M", month + 1)


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1), st.integers(0, 30)), max_size=30),
    st.integers(0, 30),
)
def test_a_ranking_expects_the_units_the_round_expects(reports: list, target: int) -> None:
    """Any history of reports over two and a half years, all known by today: the units the
    rankings and the 通报 count as expected in a month
    (:func:`~bxgc_metrics.tables.standings.expected_units`) are those the round chases."""
    rows = [(f"U{u}", f"I{i}", _month(k).label, "2027-01-01 02:00", 1.0) for u, i, k in reports]
    history = in_order(writes(rows))
    indicators = pd.DataFrame(
        {"code": ["I0", "I1"], "name_zh": ["甲", "乙"], "name_en": None, "frequency": "M"}
    ).assign(report_due_day=8)
    period = _month(target)
    chased = progress(
        period,
        writes=history,
        units=PROPERTY_UNITS,
        indicators=indicators,
        today=dt.date(2027, 6, 1),
    ).rows
    found = expected_units(history, ["I0", "I1"], year=period.year, sub=period.sub)
    counted = {(u, code) for code, who in found.items() for u in who}
    assert set(zip(chased["unit_code"], chased["indicator_code"], strict=True)) == counted
