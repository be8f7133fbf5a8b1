"""What a workbook says where the importer once did not look, so that a figure was stored
wrong or left out without a word: a column of measures beside the indicators, a heading's
measure after a slash, a comma or a space, a unit line spaced as a centred cell is, a sheet
hidden in the workbook.

Each is read as a person reads it (converted, with the note that says so), or refused at
its cell, or left out with a word.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from bxgc_metrics.importer.service import ImportPlan, analyse
from bxgc_metrics.store import Store
from tests import sheets

TODAY = dt.date(2026, 11, 25)
TITLE = "2026年1-10月各街道地方一般公共预算收入完成情况"


def run(store: Store, rows: list[list], fmt: str) -> ImportPlan:
    data, name = sheets.grid(rows, fmt, merges=[])
    return analyse(data, name, store, today=TODAY)


def values(plan: ImportPlan) -> dict[tuple[str, str, str], float]:
    """Each planned figure's value by (unit, indicator, kind)."""
    obs = plan.observations
    keys = zip(obs["unit_code"], obs["indicator_code"], obs["value_kind"], strict=True)
    return dict(zip(keys, obs["value"].tolist(), strict=True))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["计量单位", "单位（计量）"])
def test_a_column_of_measures_gives_each_rows_figures_theirs(
    store: Store, fmt: str, heading: str
) -> None:
    """单位 | 指标 | 计量单位 | 全年目标 | 1-10月累计: 固定资产投资 in 亿元 beside 收入 in 万元.
    Read as 万元, the target of 80 亿元 was stored as 80 万元."""
    rows = [
        ["2026年1-10月主要经济指标完成情况", None, None, None, None],
        ["单位", "指标", heading, "全年目标", "1-10月累计"],
        ["东城街道", "固定资产投资", "亿元", 80, 71.13112],
        ["东城街道", "地方一般公共预算收入", "万元", 130000, 107529.1],
        ["西城街道", "固定资产投资", "亿元", 70, 60],
    ]
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert values(plan) == pytest.approx(
        {
            ("JD01", "FAI", "target"): 800000.0,
            ("JD01", "FAI", "actual"): 711311.2,
            ("JD01", "GBR", "target"): 130000.0,
            ("JD01", "GBR", "actual"): 107529.1,
            ("JD02", "FAI", "target"): 700000.0,
            ("JD02", "FAI", "actual"): 600000.0,
        }
    )
    assert "converted" in {i.code for i in plan.issues}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "heading",
    [
        "1-10月累计（亿元）",
        "1-10月累计/亿元",
        "1-10月累计／亿元",
        "1-10月累计，亿元",
        "1-10月累计 亿元",
        "1-10月累计[亿元]",
        "1-10月累计【亿元】",
    ],
)
def test_a_headings_measure_after_a_separator_is_its_measure(
    store: Store, fmt: str, heading: str
) -> None:
    rows = [[TITLE, None], ["单位", heading], ["东城街道", 10.75291], ["西城街道", 9.9]]
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert values(plan) == pytest.approx(
        {("JD01", "GBR", "actual"): 107529.1, ("JD02", "GBR", "actual"): 99000.0}
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["1-10月累计（亿）", "1-10月累计(万)"])
def test_a_scale_without_its_measure_is_refused_at_its_cells(
    store: Store, fmt: str, heading: str
) -> None:
    """（亿） could be 亿元 or 亿人: not read as the indicator's own 万元."""
    rows = [[TITLE, None], ["单位", heading], ["东城街道", 10.75291]]
    plan = run(store, rows, fmt)
    assert not plan.can_commit
    assert [(i.code, i.row, i.column) for i in plan.errors] == [("measure_mismatch", 3, "B")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "line", ["单 位：亿元", "单\u3000位：亿元", "單位：億元", "计 量 单 位：亿元", "單 位：億元"]
)
def test_a_spaced_or_traditional_unit_line_is_read(store: Store, fmt: str, line: str) -> None:
    """A centred cell is often spaced (单 位：亿元): read as a unit line, not as part of
    the title's indicator, whose name was then asked about and the 亿元 lost."""
    rows = [[TITLE, None, None], [line, None, None], ["单位", "全年目标", "1-10月累计"]]
    rows += [["东城街道", 13, 10.75291]]
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert values(plan) == pytest.approx(
        {("JD01", "GBR", "target"): 130000.0, ("JD01", "GBR", "actual"): 107529.1}
    )
    assert "converted" in {i.code for i in plan.issues}


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_left_out_with_a_word(store: Store, state: str) -> None:
    """A hidden sheet (an old month kept out of sight, a lookup list) is not imported, and
    the import says which one, so nothing in the file goes without a word."""
    book = openpyxl.Workbook()
    shown = book.active
    shown.title = "10月"
    for row in [[TITLE, None], ["单位", "1-10月累计"], ["东城街道", 107529.1]]:
        shown.append(row)
    kept_out = book.create_sheet("9月")
    for row in [["2026年1-9月各街道地方一般公共预算收入完成情况", None], ["单位", "1-9月累计"]]:
        kept_out.append(row)
    kept_out.append(["东城街道", 96000])
    kept_out.sheet_state = state
    data = io.BytesIO()
    book.save(data)
    plan = analyse(data.getvalue(), "两个月.xlsx", store, today=TODAY)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert values(plan) == pytest.approx({("JD01", "GBR", "actual"): 107529.1})
    said = [i for i in plan.issues if i.code == "sheet_hidden"]
    assert [(i.severity, i.sheet) for i in said] == [("warning", "9月")]


@pytest.mark.parametrize("first", [True, False])
def test_a_date_among_the_first_figures_is_refused_at_its_cell(store: Store, first: bool) -> None:
    """Excel turns a typed 1/12 into a date. In the first row of figures it made that row
    a second header: its unit's figure went without a word and the others' 1-10月累计
    were stored as January's."""
    book = openpyxl.Workbook()
    sheet = book.active
    units = [("东城街道", dt.datetime(2026, 1, 12)), ("西城街道", 40), ("南关街道", 33)]
    if not first:
        units[0], units[1] = units[1], units[0]
    for row in [["2026年1-10月各街道新开工项目数完成情况"], ["单位：个"], ["单位", "1-10月累计"]]:
        sheet.append(row)
    for row in units:
        sheet.append(list(row))
    dated = 4 if first else 5
    sheet.cell(dated, 2).number_format = "m/d"
    data = io.BytesIO()
    book.save(data)
    plan = analyse(data.getvalue(), "新开工.xlsx", store, today=TODAY)
    assert [(i.code, i.row, i.column) for i in plan.errors] == [("not_a_number", dated, "B")]
    obs = plan.observations
    assert set(zip(obs["freq"], obs["year"], obs["sub"], obs["cumulative"], strict=True)) == {
        ("M", 2026, 10, True)
    }
    assert sorted(obs["value"]) == [33.0, 40.0]
