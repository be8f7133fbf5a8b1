"""Report headings that once put a figure in the wrong period or role without a word:
each is read as a person reads it, or refused, or said.

The sheets are built as Chinese report sheets are: a title naming the period, a unit line,
an indicator over its sub-headings (全年目标 and the period's figure), a row per unit.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer.service import ImportPlan, analyse, commit
from bxgc_metrics.periods import Period
from bxgc_metrics.store import Store
from tests import sheets
from tests.conftest import admin_store, fingerprint

TODAY = dt.date(2026, 11, 25)
MERGES = ["A1:D1", "A3:A4", "B3:B4", "C3:D3"]
T10 = "2026年1-10月各街道固定资产投资完成情况"


def report(
    title: str,
    sub: str,
    *,
    target: str = "全年目标",
    line: str = "单位：万元",
    indicator: str = "固定资产投资",
    beside: str | None = None,
    values: tuple[float, float] = (867870, 711311.2),
) -> list[list]:
    """A title, a unit line (``beside`` it in D2), ``indicator`` over ``target`` and
    ``sub``, and 东城街道's row."""
    return [
        [title, None, None, None],
        [line, None, None, beside],
        ["序号", "单位", indicator, None],
        [None, None, target, sub],
        [1, "东城街道", *values],
    ]


def run(store: Store, rows: list[list], fmt: str = "xlsx", merges=MERGES) -> ImportPlan:
    data, name = sheets.grid(rows, fmt, merges=merges)
    return analyse(data, name, store, today=TODAY)


def planned(plan: ImportPlan) -> set[tuple]:
    """(kind, freq, year, sub, cumulative, value) of each planned figure."""
    obs = plan.observations
    cols = ["value_kind", "freq", "year", "sub", "cumulative", "value"]
    return {tuple(r) for r in obs[cols].itertuples(index=False)}


# --- year-to-date headings are read as the months they name -----------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("title", "sub"),
    [
        ("2026年各街道固定资产投资完成情况", "1月至10月累计"),
        ("2026年各街道固定资产投资完成情况", "1月-10月累计"),
        ("2026年各街道固定资产投资完成情况", "1至10月累计"),
        ("2026年度各街道固定资产投资完成情况", "截至10月底累计"),
        ("2026年度各街道固定资产投资完成情况", "截止10月末累计"),
        ("2026年各街道固定资产投资完成情况", "前10个月累计"),
        ("2026年各街道固定资产投资完成情况", "一至十月累计"),
        ("2026年一至十月各街道固定资产投资完成情况", "累计完成"),
        ("2026年1月至10月各街道固定资产投资完成情况", "累计完成"),
        # the year in Chinese numerals, as formal documents write it
        ("二〇二六年1-10月各街道固定资产投资完成情况", "累计完成"),
        ("二○二六年一至十月各街道固定资产投资完成情况", "累计完成"),
        ("二零二六年各街道固定资产投资完成情况", "1-10月累计"),
    ],
)
def test_a_year_to_date_heading_is_the_months_it_names(
    store: Store, title: str, sub: str, fmt: str
) -> None:
    plan = run(store, report(title, sub), fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 867870.0),
        ("actual", "M", 2026, 10, True, 711311.2),
    }


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Oct-2026", ("M", 2026, 10)),
        ("2026 Oct", ("M", 2026, 10)),
        ("October 2026", ("M", 2026, 10)),
        ("十月", ("M", None, 10)),
        ("十二月", ("M", None, 12)),
        ("2026年十一月", ("M", 2026, 11)),
        ("一季度", ("Q", None, 1)),  # quarters keep their own words
        ("二〇二六年十月", ("M", 2026, 10)),
        ("二○二五年", ("Y", 2025, None)),
        ("二零二六年上半年", ("H", 2026, 1)),
        ("二〇二六年第三季度", ("Q", 2026, 3)),
    ],
)
def test_months_in_words_are_read(text: str, want: tuple) -> None:
    from bxgc_metrics.periods import parse_text

    found = parse_text(text)
    assert found is not None, text
    assert (found.freq, found.year, found.sub if want[2] is not None else None) == want


@pytest.mark.parametrize("month", ["1-10", "1至10", "十月", "Oct"])
def test_a_long_sheets_month_column_under_a_year_column(store: Store, month: str) -> None:
    rows = [
        ["单位", "指标", "年份", "月份", "数值"],
        ["东城街道", "固定资产投资", 2026, month, 711311.2],
    ]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    ((kind, freq, year, sub, _cumulative, value),) = planned(plan)
    assert (kind, freq, year, sub, value) == ("actual", "M", 2026, 10, 711311.2)


# --- a full year not yet ended has no actual figure ---------------------------------------


@pytest.mark.parametrize(
    "sub", ["今年以来累计", "累计完成", "全年累计"], ids=["since-new-year", "to-date", "year"]
)
def test_an_actual_for_a_year_not_yet_ended_is_refused(store: Store, sub: str) -> None:
    """A heading that names no months under a title of this year cannot be the whole
    year's actual while the year runs: refused at the figure, asking for the months."""
    plan = run(store, report("2026年各街道固定资产投资完成情况", sub))
    found = [i for i in plan.errors if i.code == "actual_not_ended"]
    assert [(i.row, i.column) for i in found] == [(5, "D")], [i.text() for i in plan.issues]
    assert "2026年" in found[0].zh and "1-10月累计" in found[0].zh and "2026" in found[0].en


def test_last_years_whole_year_actual_is_still_read(store: Store) -> None:
    plan = run(store, report("2025年各街道固定资产投资完成情况", "全年完成"))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2025, 12, True, 711311.2) in planned(plan)  # its 1-12月 figure


# --- the title, not a filing date, dates the report --------------------------------------


@pytest.mark.parametrize("beside", ["填报日期：2026年11月5日", "制表时间：2026年11月5日"])
def test_a_filing_date_above_the_header_is_not_the_period(store: Store, beside: str) -> None:
    plan = run(store, report("2026年1-10月各街道固定资产投资完成情况", "累计完成", beside=beside))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, True, 711311.2) in planned(plan)


# --- targets, forecasts and last year's whole year --------------------------------------


@pytest.mark.parametrize("target", ["1-10月目标", "1-10月计划", "序时任务", "序时进度目标"])
def test_a_target_for_part_of_the_year_is_not_the_years_target(store: Store, target: str) -> None:
    plan = run(store, report(T10, "1-10月累计", target=target, values=(723225, 711311.2)))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 711311.2)}
    said = [i for i in plan.issues if i.code == "part_target"]
    assert [(i.severity, i.row, i.column) for i in said] == [("warning", 3, "C")]
    assert target in said[0].zh and "全年目标" in said[0].zh and "whole year" in said[0].en


@pytest.mark.parametrize("sub", ["全年预计完成", "预计完成", "全年预计"])
def test_a_forecast_is_not_an_actual(store: Store, sub: str) -> None:
    plan = run(store, report(T10, sub, values=(867870, 880000)))
    assert ("actual", "M", 2026, 10, True, 880000.0) not in planned(plan)
    said = [i for i in plan.issues if i.code == "forecast_column"]
    assert [(i.row, i.column) for i in said] == [(3, "D")], [i.text() for i in plan.issues]


@pytest.mark.parametrize("sub", ["上年全年完成", "去年全年", "上年全年"])
def test_last_years_whole_year_is_last_years_annual_figure(store: Store, sub: str) -> None:
    plan = run(store, report(T10, sub, values=(867870, 824954.4)))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2025, 12, True, 824954.4) in planned(plan)  # its 1-12月 figure


# --- measures: traditional characters, and a heading that disagrees with the line --------


@pytest.mark.parametrize("line", ["單位：萬元", "計量單位：萬元", "单位：萬元"])
def test_a_unit_line_in_traditional_characters_is_read(store: Store, line: str) -> None:
    rows = report(T10, "1-10月累计", line=line, indicator="基础设施投资", values=(59600, 53300))
    data, name = sheets.grid(rows, "xlsx", merges=MERGES)
    plan = analyse(
        data, name, store, today=TODAY, mapping={"indicators": {"基础设施投资": "INFRA"}}
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, True, 5.33) in planned(plan)


@pytest.mark.parametrize(
    ("indicator", "line", "value"),
    [
        ("固定资产投资（亿元）", "单位：万元", 711311.2 * 10_000),
        ("固定资产投资（万元）", "单位：亿元", 711311.2),
    ],
)
def test_a_heading_whose_measure_disagrees_with_the_unit_line_is_a_warning(
    store: Store, indicator: str, line: str, value: float
) -> None:
    """The heading's own measure decides, as it does when they agree, but the analyst is
    told that the unit line says otherwise: one of them is wrong."""
    plan = run(store, report(T10, "1-10月累计", indicator=indicator, line=line))
    said = [i for i in plan.issues if i.code == "heading_against_line"]
    assert [(i.severity, i.row, i.column) for i in said] == [("warning", 3, "C")]
    assert line in said[0].zh and line in said[0].en
    actual = [r for r in planned(plan) if r[0] == "actual"]
    assert [r[:5] for r in actual] == [("actual", "M", 2026, 10, True)]
    assert actual[0][5] == pytest.approx(value)


# --- a column whose period is not the title's ---------------------------------------------


def test_a_column_whose_months_differ_from_the_titles_is_a_warning(store: Store) -> None:
    plan = run(store, report(T10, "1-9月累计"))
    said = [i for i in plan.issues if i.code == "period_against_title"]
    assert [(i.severity, i.row, i.column) for i in said] == [("warning", 3, "D")]
    assert "1-9月" in said[0].zh and "1-10月" in said[0].zh
    assert ("actual", "M", 2026, 9, True, 711311.2) in planned(plan)  # the heading decides


def test_a_column_of_the_titles_months_or_another_year_says_nothing(store: Store) -> None:
    plan = run(store, report(T10, "上年同期"))
    assert not [i for i in plan.issues if i.code == "period_against_title"]
    plan = run(store, report(T10, "1-10月累计"))
    assert not [i for i in plan.issues if i.code == "period_against_title"]


# --- a wide sheet's target and forecast columns --------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_wide_sheets_target_column_is_a_target_and_its_forecast_is_left_out(
    store: Store, fmt: str
) -> None:
    rows = [
        ["各街道固定资产投资完成情况", None, None, None],
        ["单位：万元", None, None, None],
        ["单位", "2026年目标", "2026年1-10月", "2026年预计"],
        ["东城街道", 867870, 711311.2, 880000],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 867870.0),
        ("actual", "M", 2026, 10, True, 711311.2),
    }
    said = [i for i in plan.issues if i.code == "forecast_column"]
    assert [(i.row, i.column) for i in said] == [(3, "D")]


# --- a row of measures under the header -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("infra", "fai"), [("万元", "亿元"), ("（万元）", "(亿元)")])
def test_a_row_of_measures_under_the_header_gives_each_column_its_measure(
    store: Store, fmt: str, infra: str, fai: str
) -> None:
    rows = [
        ["2026年1-10月各街道主要指标完成情况", None, None, None],
        ["序号", "单位", "基础设施投资", "固定资产投资"],
        [None, None, infra, fai],
        [1, "东城街道", 53300, 71.13112],
    ]
    data, name = sheets.grid(rows, fmt)
    plan = analyse(
        data, name, store, today=TODAY, mapping={"indicators": {"基础设施投资": "INFRA"}}
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = plan.observations.set_index("indicator_code")["value"]
    assert got["INFRA"] == pytest.approx(5.33)  # 万元 into the 亿元 indicator
    assert got["FAI"] == pytest.approx(711311.2)  # 亿元 into the 万元 indicator


# --- a second block under the table with a unit line of its own -----------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_unit_line_inside_the_table_that_differs_is_an_error(store: Store, fmt: str) -> None:
    """Two blocks stacked in one sheet, the second under a row that says 单位：亿元: its
    figures would be read in the first block's 万元. Refused at that row."""
    rows = [
        *report(T10, "1-10月累计")[:4],
        [1, "东城街道", 867870, 711311.2],
        [None] * 4,
        ["各镇（单位：亿元）", None, None, None],
        [1, "黄楼镇", 38.86, 34.28],
    ]
    plan = run(store, rows, fmt)
    found = [i for i in plan.errors if i.code == "unit_line_inside"]
    assert [(i.row, i.column) for i in found] == [(7, "A")], [i.text() for i in plan.issues]
    assert "亿元" in found[0].zh and "万元" in found[0].zh and "sheet" in found[0].en


def test_a_unit_line_inside_the_table_that_agrees_says_nothing(store: Store) -> None:
    rows = [
        *report(T10, "1-10月累计")[:4],
        [1, "东城街道", 867870, 711311.2],
        ["各镇（单位：万元）", None, None, None],
        [2, "黄楼镇", 388600, 342800],
    ]
    plan = run(store, rows)
    assert plan.can_commit, [i.text() for i in plan.errors]


# --- a long sheet's cumulative flag -------------------------------------------------------------

LONG = ["单位", "指标", "期间", "数值", "累计"]


def _months(flag: object, periods=("2018-01", "2018-02", "2018-03")) -> list[list]:
    return [LONG] + [
        ["东城街道", "固定资产投资", p, 100 * (k + 1), flag] for k, p in enumerate(periods)
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "flag", [0, "0", "否", "单月", "本月", "当月数", "当月值", "不累计", "非累计", "否（当月）"]
)
def test_a_single_month_flag_in_any_common_form_sums_from_january(
    store: Store, fmt: str, flag: object
) -> None:
    plan = run(store, _months(flag), fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = sorted(plan.observations["value"].tolist())
    assert got == [100.0, 300.0, 600.0]  # 100, 100+200, 100+200+300


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("flag", [1, "1", "是", "累计", "累计数"])
def test_a_year_to_date_flag_in_any_common_form_is_kept(
    store: Store, fmt: str, flag: object
) -> None:
    plan = run(store, _months(flag), fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 200.0, 300.0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_flag_that_is_no_flag_is_an_error(store: Store, fmt: str) -> None:
    """Year-to-date figures written into the 累计 column (100, 220, 350) beside single
    months are no flag: refused at the cell, not read as 'year to date'."""
    rows = [LONG] + [
        ["东城街道", "固定资产投资", f"2018-0{m}", v, ytd]
        for m, v, ytd in ((1, 100, 100), (2, 120, 220), (3, 130, 350))
    ]
    plan = run(store, rows, fmt, merges=[])
    found = [i for i in plan.errors if i.code == "bad_cumulative"]
    assert [(i.row, i.column) for i in found] == [(2, "E"), (3, "E"), (4, "E")], [
        i.text() for i in plan.issues
    ]
    assert "220" in found[1].zh and "是" in found[1].zh


def test_a_year_to_date_period_flagged_single_is_an_error(store: Store) -> None:
    """2018年1-3月 says January to March; a 否 beside it says March alone: one is wrong,
    and summing it again would count January twice."""
    rows = _months("否", periods=("2018年1月", "2018年1-2月", "2018年1-3月"))
    plan = run(store, rows, "csv", merges=[])
    found = [i for i in plan.errors if i.code == "cumulative_conflict"]
    assert [(i.row, i.column) for i in found] == [(3, "E"), (4, "E")], [
        i.text() for i in plan.issues
    ]
    assert "1-3月" in found[1].zh or "1-2月" in found[0].zh


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_measure_written_after_a_long_sheets_indicator_name_is_its_measure(
    store: Store, fmt: str
) -> None:
    """固定资产投资（亿元） in a long sheet's 指标 column names the indicator and its figures'
    measure, as a report's heading does: matched without asking, and converted."""
    rows = [
        ["单位", "指标", "期间", "数值"],
        ["东城街道", "固定资产投资（亿元）", "2018-03", 5.2],
        ["东城街道", "基础设施投资(万元)", "2018-03", 53300],
    ]
    data, name = sheets.grid(rows, fmt)
    plan = analyse(
        data, name, store, today=TODAY, mapping={"indicators": {"基础设施投资": "INFRA"}}
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = plan.observations.set_index("indicator_code")["value"]
    assert got["FAI"] == pytest.approx(52000.0) and got["INFRA"] == pytest.approx(5.33)


def test_a_year_typed_as_a_number_in_the_period_column_is_that_year(store: Store) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "地方财政收入", 2018, 9.5]]
    plan = run(store, rows, "xlsx", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "Y", 2018, 0, False, 9.5)}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "period", ["2025年1-10", "2025年10", "2025年第10月", "2025年半年", "2025年同期", "2025年 1-10"]
)
def test_a_period_cell_naming_part_of_a_year_it_cannot_read_is_refused_there(
    store: Store, period: str, fmt: str
) -> None:
    """A year before months the reader cannot read is not that whole year: stored so, it
    replaced the year's 1-12月 figure without a word."""
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "地方一般公共预算收入", period, 98000]]
    plan = run(store, rows, fmt, merges=[])
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "bad_period"]
    assert [(i.sheet, i.row, i.column, i.value) for i in said] == [
        (plan.sheets[0].name, 2, "C", period)
    ]
    assert plan.observations.empty


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_year_before_its_first_months_is_those_months(store: Store, fmt: str) -> None:
    rows = [
        ["单位", "指标", "期间", "数值"],
        ["东城街道", "地方一般公共预算收入", "2025年前10月", 98000],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2025, 10, True, 98000.0)}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["2025年同期", "2025年同期完成", "上年同期"])
def test_a_same_period_heading_naming_its_year_is_that_years_months(
    store: Store, heading: str, fmt: str
) -> None:
    """2025年同期 beside 1-10月 under a 2026年1-10月 title is 2025's 1-10月, as 上年同期
    is; read as 2025's whole year it replaced the year's 1-12月 rate."""
    rows = [
        ["2026年1-10月各街道规上工业增加值增速", None, None],
        ["单位：%", None, None],
        ["单位", "1-10月", heading],
        ["东城街道", 8.0, 7.9],
        ["西城街道", 7.5, 6.8],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = plan.observations
    assert sorted(zip(got["unit_code"], got["year"], got["sub"], got["value"], strict=True)) == [
        ("JD01", 2025, 10, 7.9),
        ("JD01", 2026, 10, 8.0),
        ("JD02", 2025, 10, 6.8),
        ("JD02", 2026, 10, 7.5),
    ]
    assert set(got["freq"]) == {"M"} and got["cumulative"].all()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("sub", ["2025年1-10", "2025年10"])
def test_a_heading_naming_part_of_a_year_it_cannot_read_is_never_that_whole_year(
    store: Store, sub: str, fmt: str
) -> None:
    """Under a report's indicator, or across a wide sheet: refused at the heading, or left
    out with a note naming it; never stored as the whole of 2025."""
    for rows, merges in [
        (report(T10, sub), MERGES),
        (
            [
                ["2026年1-10月各街道固定资产投资完成情况", None, None],
                ["单位：万元", None, None],
                ["单位", "1-10月", sub],
                ["东城街道", 711311.2, 650000],
            ],
            [],
        ),
    ]:
        plan = run(store, rows, fmt, merges=merges)
        said = [i for i in plan.issues if sub in i.text() and i.severity != "info"]
        assert [(i.row, i.column) for i in said] == [(3, "D" if merges else "C")], [
            i.text() for i in plan.issues
        ]
        assert not (plan.observations["year"] == 2025).any()


def _by_month(title: str, first: float, step: float) -> list[list]:
    months = [f"{m}月" for m in range(1, 11)]
    rows = [[title, *[None] * 10], ["单位：万元", *[None] * 10], ["单位", *months]]
    rows += [["东城街道", *[first + step * i for i in range(10)]]]
    rows += [["西城街道", *[first * 0.9 + step * i for i in range(10)]]]
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_figures_taken_as_year_to_date_that_barely_grow_are_warned_of(
    store: Store, fmt: str
) -> None:
    """1月 9,000 … 10月 11,700 under a title that says neither 累计 nor 当月: taken as year
    to date, October's 11,700 would replace the year's 107,529 without a word."""
    title = "2026年各街道地方一般公共预算收入分月完成情况"
    plan = run(store, _by_month(title, 9000, 300), fmt, merges=[])
    said = [i for i in plan.issues if i.code == "flat_as_ytd"]
    assert [(i.severity, i.row, i.column) for i in said] == [("warning", 4, "K")]
    assert "2 个单位" in said[0].text() and "1月为 9000" in said[0].text()


@pytest.mark.parametrize(
    ("title", "first", "step"),
    [
        ("2026年各街道地方一般公共预算收入完成情况", 9000, 9000),  # year to date: tenfold
        ("2026年各街道地方一般公共预算收入当月完成情况", 9000, 300),  # said to be single
    ],
)
def test_figures_that_grow_as_totals_do_or_are_said_to_be_single_are_not(
    store: Store, title: str, first: float, step: float
) -> None:
    plan = run(store, _by_month(title, first, step), "xlsx", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert not [i for i in plan.issues if i.code == "flat_as_ytd"]


# --- a whole year's actual, stored where the indicator's own series reads it ---------------


@pytest.mark.parametrize("period", ["2025年全年", "2025年", "2025"])
def test_a_monthly_flows_whole_year_is_its_january_to_december(store: Store, period: str) -> None:
    """A monthly flow's year is read from its 1-12月 figure: a whole-year actual is stored
    there, with a note, rather than beside it where no series reads it."""
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "地方一般公共预算收入", period, 140000]]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2025, 12, True, 140000.0)}
    assert [i.code for i in plan.issues if i.code == "whole_year"] == ["whole_year"]


def test_a_yearly_flows_january_to_december_is_its_year(store: Store) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "地方财政收入", "2018年1-12月", 9.5]]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "Y", 2018, 0, False, 9.5)}


def test_a_whole_years_target_stays_the_years_target(store: Store) -> None:
    rows = [
        ["单位", "指标", "期间", "数值", "类型"],
        ["东城街道", "固定资产投资", "2025", 9.5, "目标"],
    ]
    plan = run(store, rows, "csv", merges=[])
    assert planned(plan) == {("target", "Y", 2025, 0, False, 9.5)}


# --- a sheet that says it holds single months (当月) ------------------------------------------

SINGLE_TITLES = [
    "2026年10月各街道固定资产投资完成情况（当月）",
    "2026年10月当月各街道固定资产投资完成情况",
    "2026年10月各街道固定资产投资本月完成情况",
    "2026年10月各街道固定资产投资单月完成情况",
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("title", SINGLE_TITLES)
def test_a_flows_single_month_under_a_single_month_title_is_refused_at_its_cell(
    store: Store, title: str, fmt: str
) -> None:
    """One month's figure of a flow is not its year-to-date figure: without January's to
    September's it cannot become one, so the import is refused at the figure."""
    plan = run(store, report(title, "完成"), fmt)
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "months_missing"]
    assert [(i.row, i.column) for i in said] == [(5, "D")]
    assert "固定资产投资" in said[0].text() and "2026" in said[0].text()
    assert "months_to_ytd" not in {i.code for i in plan.issues}  # nothing was turned


@pytest.mark.parametrize("title", SINGLE_TITLES[:2])
def test_a_stocks_figure_under_a_single_month_title_is_its_level(store: Store, title: str) -> None:
    rows = report(title.replace("固定资产投资", "高层楼宇"), "完成", indicator="高层楼宇")
    rows[1][0] = "单位：栋"
    plan = run(store, rows, "xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, False, 711311.2) in {
        (k, f, y, s, False, v) for k, f, y, s, _, v in planned(plan)
    }
    assert not [i for i in plan.issues if i.code == "months_missing"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "title",
    [
        "2026年10月各街道固定资产投资完成情况（当月）",
        "2026年10月各街道固定资产投资完成情况（单月）",
    ],
)
def test_a_year_to_date_heading_under_a_single_month_title_is_year_to_date(
    store: Store, title: str, fmt: str
) -> None:
    plan = run(store, report(title, "1-10月累计"), fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 867870.0),
        ("actual", "M", 2026, 10, True, 711311.2),
    }


@pytest.mark.parametrize(
    "title",
    [
        "2026年10月各街道固定资产投资完成情况（当月及累计）",
        "2026年10月各街道固定资产投资完成情况",
    ],
)
def test_a_title_that_says_year_to_date_keeps_year_to_date(store: Store, title: str) -> None:
    plan = run(store, report(title, "完成"), "xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, True, 711311.2) in planned(plan)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "title",
    [
        "2026年1月至当月各街道固定资产投资完成情况",
        "2026年一月至本月各街道固定资产投资完成情况",
        "2026年截至本月底各街道固定资产投资完成情况",
    ],
)
def test_a_title_running_to_this_month_names_no_month(store: Store, title: str, fmt: str) -> None:
    """1月至当月 is year-to-date to a month the sheet does not name: not January, and not
    single months. The figure is refused, asking for the months."""
    plan = run(store, report(title, "完成"), fmt)
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "actual_not_ended"]
    assert [(i.row, i.column) for i in said] == [(5, "D")]
    assert not [i for i in plan.issues if i.code == "months_missing"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("sub", ["当月完成", "10月当月", "本月", "10月单月", "单月完成"])
def test_a_single_month_heading_is_left_out_with_a_note(store: Store, sub: str, fmt: str) -> None:
    plan = run(store, report(T10, sub), fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("target", "Y", 2026, 0, False, 867870.0)}
    said = [i for i in plan.issues if i.code == "column_not_imported"]
    assert [(i.row, i.column) for i in said] == [(3, "D")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_wide_sheet_under_a_single_month_title_sums_from_january(store: Store, fmt: str) -> None:
    rows = [
        ["2026年各街道固定资产投资当月完成情况", None, None, None],
        ["单位：万元", None, None, None],
        ["单位", "1月", "2月", "3月"],
        ["东城街道", 100, 200, 300],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2026, 1, True, 100.0),
        ("actual", "M", 2026, 2, True, 300.0),
        ("actual", "M", 2026, 3, True, 600.0),
    }
    assert "months_to_ytd" in {i.code for i in plan.issues}


def test_a_wide_sheets_year_to_date_headings_under_a_single_month_title_stay(
    store: Store,
) -> None:
    rows = [
        ["2026年各街道固定资产投资当月完成情况", None, None, None],
        ["单位：万元", None, None, None],
        ["单位", "1月", "1-2月", "1-3月"],
        ["东城街道", 100, 300, 600],
    ]
    plan = run(store, rows, "xlsx", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 300.0, 600.0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("period", ["2026年10月（当月）", "2026年10月当月", "2026年10月单月"])
def test_a_long_sheets_period_that_says_single_month_is_single(
    store: Store, period: str, fmt: str
) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", period, 711311.2]]
    plan = run(store, rows, fmt, merges=[])
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "months_missing"]
    assert [(i.row, i.column) for i in said] == [(2, "D")]


def test_a_long_sheet_under_a_single_month_title_sums_from_january(store: Store) -> None:
    rows = [
        ["2026年各街道固定资产投资（当月）", None, None, None],
        ["单位", "指标", "期间", "数值"],
        *[["东城街道", "固定资产投资", f"2026-0{m}", 100 * m] for m in (1, 2, 3)],
    ]
    plan = run(store, rows, "xlsx", merges=["A1:D1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 300.0, 600.0]


def test_a_long_sheets_flag_decides_over_its_title(store: Store) -> None:
    rows = [
        ["2026年各街道固定资产投资（当月）", None, None, None, None],
        LONG,
        *[["东城街道", "固定资产投资", f"2026-0{m}", 100 * m, "是"] for m in (1, 2, 3)],
    ]
    plan = run(store, rows, "xlsx", merges=["A1:E1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 200.0, 300.0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("flag", ["否", "当月", 0])
def test_a_rates_single_month_is_refused_rather_than_stored_as_year_to_date(
    store: Store, flag: object, fmt: str
) -> None:
    """A month's own growth rate cannot be summed into a year-to-date one, and stored
    under the same key it would replace it: refused at the figure."""
    rows = [LONG, ["东城街道", "规上工业增加值增速", "2026-10", 6.5, flag]]
    plan = run(store, rows, fmt, merges=[])
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "rate_single_month"]
    assert [(i.row, i.column) for i in said] == [(2, "D")]
    assert "规上工业增加值增速" in said[0].text()


def test_a_rates_single_month_under_a_single_month_title_is_refused(store: Store) -> None:
    rows = report(
        "2026年10月各街道规上工业增加值增速（当月）",
        "完成",
        indicator="规上工业增加值增速",
        line="单位：%",
        values=(7.0, 6.5),
    )
    plan = run(store, rows, "xlsx")
    said = [i for i in plan.errors if i.code == "rate_single_month"]
    assert [(i.row, i.column) for i in said] == [(5, "D")]


@pytest.mark.parametrize("flag", ["是", None])
def test_a_rates_year_to_date_value_is_kept(store: Store, flag: object) -> None:
    rows = [LONG, ["东城街道", "规上工业增加值增速", "2026-10", 6.5, flag]]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 6.5)}  # as the demo's rates


def test_a_rate_exported_and_imported_again_changes_nothing(
    demo_db_template: Path, tmp_path: Path
) -> None:
    """A rate imported without a 累计 column is exported with the flag the store holds;
    that file imported again is the same figures, not single months refused."""
    path = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, path)
    own = admin_store(path)
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "规上工业增加值增速", "2026-10", 6.5]]
    commit(run(own, rows, "csv", merges=[]), own)
    exported = own.export_long()
    again = run(own, [exported.columns.tolist(), *exported.values.tolist()], "csv", merges=[])
    assert again.can_commit, [i.text() for i in again.errors][:3]
    assert again.counts() == {"new": 0, "changed": 0, "unchanged": len(exported)}


# --- formulas in a workbook calculated by hand -----------------------------------------------


def _manual_report(
    formula_at: tuple[int, int], *, manual: bool = True, kind: str = "xlsx"
) -> bytes:
    """The report sheet with a formula (its stored result 711311.2) at ``formula_at``
    (row, column from 0), in a workbook set to calculate by hand when ``manual``, as an
    xlsx or a legacy .xls."""
    import io

    import xlsxwriter

    rows = report(T10, "1-10月累计")
    rows[4][1] = "东城街道"
    if kind == "xls":
        cached = rows[formula_at[0]][formula_at[1]]
        return sheets.xls_rows(rows, formulas={formula_at: ("C5*0.8196", cached)}, manual=manual)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    if manual:
        book.set_calc_mode("manual")
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) == formula_at:
                sheet.write_formula(r, c, "=C5*0.8196", None, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_report_figure_from_a_formula_calculated_by_hand_is_a_warning(
    store: Store, kind: str
) -> None:
    plan = analyse(_manual_report((4, 3), kind=kind), f"表.{kind}", store, today=TODAY)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, True, 711311.2) in planned(plan)
    found = [i for i in plan.issues if i.code == "stale_formulas"]
    assert [(i.row, i.column) for i in found] == [(5, "D")]


@pytest.mark.parametrize(
    ("at", "manual", "kind"),
    [((4, 3), False, "xlsx"), ((0, 0), True, "xlsx"), ((4, 3), False, "xls")],
)
def test_no_warning_without_manual_calculation_or_a_formula_figure(
    store: Store, at: tuple[int, int], manual: bool, kind: str
) -> None:
    """Calculated automatically, or a formula only in the title: nothing to say."""
    data = _manual_report(at, manual=manual, kind=kind)
    plan = analyse(data, f"表.{kind}", store, today=TODAY)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert not [i for i in plan.issues if i.code == "stale_formulas"]


# --- quarters and halves: 前三季度 is year-to-date, 下半年 is the half alone --------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2025年前三季度", ("Q", 2025, 3, True)),
        ("2025年1-3季度", ("Q", 2025, 3, True)),
        ("2025年一至三季度", ("Q", 2025, 3, True)),
        ("2025年1至3季度累计", ("Q", 2025, 3, True)),
        ("前三季度", ("Q", None, 3, True)),
        ("2025年三季度", ("Q", 2025, 3, False)),
        ("2025年第三季度", ("Q", 2025, 3, False)),
        ("2025年一季度", ("Q", 2025, 1, False)),
    ],
)
def test_a_quarter_from_the_first_is_year_to_date(text: str, want: tuple) -> None:
    from bxgc_metrics.periods import parse_text

    found = parse_text(text)
    assert found is not None and (found.freq, found.year, found.sub, found.cumulative) == want


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("period", ["2025年前三季度", "2025年1-3季度", "2025年一至三季度"])
def test_a_long_sheets_quarters_from_the_first_are_year_to_date(
    store: Store, period: str, fmt: str
) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", period, 500000]]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "Q", 2025, 3, True, 500000.0)}
    assert "quarter_assumed_ytd" not in {i.code for i in plan.issues}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_second_half_alone_is_summed_with_the_first(store: Store, fmt: str) -> None:
    """下半年 is July to December: summed with 上半年 it is the year to date."""
    rows = [
        ["单位", "指标", "期间", "数值"],
        ["东城街道", "固定资产投资", "2025年上半年", 300000],
        ["东城街道", "固定资产投资", "2025年下半年", 200000],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("actual", "H", 2025, 1, True, 300000.0),
        ("actual", "H", 2025, 2, True, 500000.0),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_second_half_without_the_first_is_refused_at_its_cell(store: Store, fmt: str) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", "2025年下半年", 200000]]
    plan = run(store, rows, fmt, merges=[])
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "months_missing"]
    assert [(i.row, i.column) for i in said] == [(2, "D")]


@pytest.mark.parametrize("sub", ["下半年", "三季度当季", "7-9月", "当季"])
def test_a_reports_single_period_column_is_left_out_as_a_single_month_is(
    store: Store, sub: str
) -> None:
    """下半年, 当季 or 7-9月 beside the year-to-date column: the period alone, left out
    with a note, never stored as the year to date."""
    plan = run(store, report("2025年各街道固定资产投资完成情况", sub), "xlsx")
    assert planned(plan) == {("target", "Y", 2025, 0, False, 867870.0)}
    said = [i for i in plan.issues if i.code == "column_not_imported"]
    assert [(i.row, i.column) for i in said] == [(3, "D")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("period", ["2025年三季度", "2025年第三季度", "2025Q3", "2025-H2"])
def test_a_bare_later_quarter_is_taken_as_year_to_date_with_a_warning(
    store: Store, period: str, fmt: str
) -> None:
    """三季度 may be the third quarter alone or the year to its end: taken as the store
    keeps quarters (year-to-date), and said at the figure as a warning, not a note."""
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", period, 500000]]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    said = [i for i in plan.warnings if i.code == "quarter_assumed_ytd"]
    assert [(i.row, i.column) for i in said] == [(2, "D")]


@pytest.mark.parametrize("period", ["2025年一季度", "2025年上半年", "2025年10月"])
def test_a_period_that_starts_the_year_draws_no_quarter_warning(store: Store, period: str) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", period, 500000]]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert "quarter_assumed_ytd" not in {i.code for i in plan.issues}


# --- a third round of hostile sheets -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_six_digit_year_and_month_is_that_month_not_a_year_inside_it(
    store: Store, fmt: str
) -> None:
    """202010 is October 2020, not the year 2010 found inside it (which would overwrite
    2010's figures)."""
    rows = [
        ["2020年各街道固定资产投资", None, None],
        ["单位：万元", None, None],
        ["单位", "202009", "202010"],
        ["东城街道", 361933.8, 403893.0],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert {(f, y, s) for _, f, y, s, _, _ in planned(plan)} == {("M", 2020, 9), ("M", 2020, 10)}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("202010", ("M", 2020, 10)),
        ("2020年10月", ("M", 2020, 10)),
        ("12020", None),
        ("2026年（1-10月）", ("M", 2026, 10)),
        ("2026年(1-10月累计)", ("M", 2026, 10)),
        ("2026年截至10月", ("M", 2026, 10)),
        ("2026年 截止10月底", ("M", 2026, 10)),
    ],
)
def test_a_year_before_a_bracket_or_a_cut_off_dates_the_months(text: str, want: tuple) -> None:
    from bxgc_metrics.periods import parse_text

    found = parse_text(text)
    assert (None if found is None else (found.freq, found.year, found.sub)) == want


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["2026年（1-10月）", "2026年截至10月"])
def test_a_wide_column_with_its_year_before_a_bracket_is_read(
    store: Store, heading: str, fmt: str
) -> None:
    rows = [
        ["各街道固定资产投资", None, None, None],
        ["单位：万元", None, None, None],
        ["单位", "2024年", "2025年", heading],
        ["东城街道", 733962.2, 824954.4, 711311.2],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, True, 711311.2) in planned(plan)


@pytest.mark.parametrize("sub", ["上年度", "上年度完成", "去年度实际"])
def test_last_years_whole_year_written_as_a_year_of_account(store: Store, sub: str) -> None:
    plan = run(store, report(T10, sub, target="1-10月累计"), "csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2025, 12, True, 711311.2) in planned(plan)  # the whole of 2025


def test_a_stocks_level_is_never_year_to_date(store: Store) -> None:
    rows = [
        ["2026年1-10月各街道主要经济指标完成情况", None, None],
        ["单位", "固定资产投资（万元）", "高层楼宇（栋）"],
        ["东城街道", 711311.2, 12],
    ]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    obs = plan.observations.set_index("indicator_code")
    assert not bool(obs.loc["HIGHRISE", "cumulative"]) and bool(obs.loc["FAI", "cumulative"])


@pytest.mark.parametrize("sub", ["完成全年目标%", "完成全年目标(%)", "占全年目标比例"])
def test_a_share_of_the_target_is_a_completion_rate(store: Store, sub: str) -> None:
    plan = run(store, report(T10, sub, target="1-10月累计", values=(711311.2, 88.9)), "csv")
    assert ("target", "Y", 2026, 0, False, 88.9) not in planned(plan)


@pytest.mark.parametrize(
    "sub",
    ["剩余任务", "距目标差额", "任务缺口", "目标差距", "尚需完成", "未完成", "上月累计", "差额"],
)
def test_a_gap_or_last_months_column_is_never_a_target_or_an_actual(store: Store, sub: str) -> None:
    plan = run(store, report(T10, sub, target="1-10月累计", values=(711311.2, 156558.8)), "csv")
    assert planned(plan) == {("actual", "M", 2026, 10, True, 711311.2)}
    said = [i for i in plan.issues if i.column == "D" and i.severity in ("warning", "info")]
    assert said, [i.text() for i in plan.issues]


_BLOCK = [
    ["2026年1-10月各街道（镇）主要指标完成情况", None, None, None],
    ["单位：万元", None, None, None],
    ["序号", "单位", "固定资产投资", None],
    [None, None, "全年目标", "1-10月累计"],
    [1, "东城街道", 867870, 711311.2],
    [2, "西城街道", 690000, 568505.1],
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "title",
    [
        ["二、工业投资", None, None, None],
        [None, None, "工业投资", None],
        ["工业投资（单位：万元）", None, None, None],
    ],
)
def test_a_second_block_under_the_first_is_refused_at_its_header(
    store: Store, title: list, fmt: str
) -> None:
    """A block of another indicator stacked under the first, with its own title and the
    sub-headings repeated: its figures would be read as the first block's indicator."""
    rows = [
        *_BLOCK,
        title,
        [None, None, "全年目标", "1-10月累计"],
        [1, "黄楼镇", 400000, 330000],
        [2, "王坟镇", 300000, 230000],
    ]
    plan = run(store, rows, fmt, merges=["A1:D1", "A3:A4", "B3:B4", "C3:D3"])
    assert not plan.can_commit
    said = [i for i in plan.errors if i.code == "second_block"]
    assert [i.row for i in said] == [8]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_header_repeated_whole_as_at_a_page_break_is_the_same_table(
    store: Store, fmt: str
) -> None:
    rows = [*_BLOCK, _BLOCK[2], _BLOCK[3], [3, "南关街道", 500000, 370640.5]]
    plan = run(store, rows, fmt, merges=["A1:D1", "A3:A4", "B3:B4", "C3:D3"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 6


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_wide_header_repeated_as_at_a_page_break_is_the_same_table(
    store: Store, fmt: str
) -> None:
    header = ["单位", "2024年", "2025年"]
    rows = [
        ["各街道固定资产投资", None, None],
        ["单位：万元", None, None],
        header,
        ["东城街道", 733962.2, 824954.4],
        header,
        ["西城街道", 655821.5, 685326.3],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 4


# --- a wide sheet's months beside their 合计 ---------------------------------------------------


def _months_and_total(heads: list[str], values: list[float], total: float) -> list[list]:
    return [
        ["2025年各街道固定资产投资完成情况", *[None] * (len(heads) + 1)],
        ["单位：万元", *[None] * (len(heads) + 1)],
        ["单位", *heads, "合计"],
        ["东城街道", *values, total],
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_months_whose_sum_is_the_total_column_are_single_months(store: Store, fmt: str) -> None:
    rows = _months_and_total(["1月", "2月", "3月"], [100, 200, 300], 600)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 300.0, 600.0]
    said = [i for i in plan.issues if i.code == "months_by_total"]
    assert [(i.row, i.column) for i in said] == [(3, "E")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_months_whose_last_is_the_total_column_stay_year_to_date(store: Store, fmt: str) -> None:
    rows = _months_and_total(["1月", "2月", "3月"], [100, 300, 600], 600)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 300.0, 600.0]
    assert not [i for i in plan.issues if i.code in ("months_by_total", "total_column_unclear")]


def test_a_total_column_that_fits_neither_reading_is_a_warning(store: Store) -> None:
    rows = _months_and_total(["1月", "2月", "3月"], [100, 300, 600], 950)
    plan = run(store, rows, "csv", merges=[])
    said = [i for i in plan.warnings if i.code == "total_column_unclear"]
    assert [(i.row, i.column) for i in said] == [(3, "E")]


# --- a sheet named by its months, and quarters written as months -------------------------------


@pytest.mark.parametrize("name", ["1-10月", "2025年1-10月", "1至10月累计"])
def test_a_sheet_named_by_its_months_dates_a_title_of_the_year(store: Store, name: str) -> None:
    rows = report("2025年各街道固定资产投资完成情况", "累计完成")
    data = sheets.xlsx_from_rows(rows, sheet=name, merges=MERGES)
    plan = analyse(data, "表.xlsx", store, today=TODAY)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2025, 10, True, 711311.2) in planned(plan)


def test_a_sheet_name_does_not_overrule_a_title_naming_its_months(store: Store) -> None:
    rows = report("2025年1-9月各街道固定资产投资完成情况", "累计完成")
    data = sheets.xlsx_from_rows(rows, sheet="1-10月", merges=MERGES)
    plan = analyse(data, "表.xlsx", store, today=TODAY)
    assert ("actual", "M", 2025, 9, True, 711311.2) in planned(plan)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_quarters_written_as_months_are_never_the_whole_year(store: Store, fmt: str) -> None:
    """1-3月 / 4-6月 / 7-9月 / 10-12月 under an indicator: the first is year-to-date March;
    the others are quarters alone, left out with a note as single months are, never stored
    as the year."""
    rows = [
        ["2025年各街道固定资产投资完成情况", None, None, None, None],
        ["单位：万元", None, None, None, None],
        ["单位", "固定资产投资", None, None, None],
        [None, "1-3月", "4-6月", "7-9月", "10-12月"],
        ["东城街道", 175870.7, 213841.3, 200128.3, 235114.1],
    ]
    plan = run(store, rows, fmt, merges=["A1:E1", "A3:A4", "B3:E3"])
    assert planned(plan) == {("actual", "M", 2025, 3, True, 175870.7)}
    said = [i for i in plan.issues if i.code == "column_not_imported"]
    assert [i.column for i in said] == ["C", "D", "E"]


@pytest.mark.parametrize("note", ["说明：本月数据为快报数", "注：当月数据待核实"])
def test_a_note_above_the_header_that_speaks_of_this_month_changes_nothing(
    store: Store, note: str
) -> None:
    rows = [
        ["2026年各街道固定资产投资完成情况", None, None, None],
        [note, None, None, None],
        ["单位：万元", None, None, None],
        ["单位", "1月", "1-2月", "3月"],
        ["东城街道", 100, 300, 600],
    ]
    plan = run(store, rows, "xlsx", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [100.0, 300.0, 600.0]


# --- what a second probe of ordinary sheets found ---------------------------------------------


@pytest.mark.parametrize("sub", ["上年度同期", "上年度同期累计", "上年度1-10月"])
def test_last_years_same_period_is_not_its_whole_year(store: Store, sub: str) -> None:
    plan = run(store, report(T10, sub, target="1-10月累计"), "csv")
    assert ("actual", "M", 2025, 10, True, 711311.2) in planned(plan)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "between",
    [
        [],
        [["（续）", None, None, None]],
        [["固定资产投资", None, None, None]],
        [[None, None, "固定资产投资", None]],
    ],
)
def test_sub_headings_repeated_in_the_same_table_are_skipped(
    store: Store, between: list, fmt: str
) -> None:
    rows = [*_BLOCK, *between, _BLOCK[3], [3, "南关街道", 500000, 370640.5]]
    plan = run(store, rows, fmt, merges=["A1:D1", "A3:A4", "B3:B4", "C3:D3"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 6


def test_a_whole_years_heading_is_the_whole_year_whatever_the_sheets_name(store: Store) -> None:
    rows = report("2025年各街道固定资产投资完成情况", "全年完成")
    data = sheets.xlsx_from_rows(rows, sheet="10月", merges=MERGES)
    plan = analyse(data, "表.xlsx", store, today=TODAY)
    assert ("actual", "M", 2025, 12, True, 711311.2) in planned(plan)


@pytest.mark.parametrize(
    ("title", "sub"),
    [
        ("2026年三季度各街道固定资产投资完成情况", "累计完成"),
        ("2026年第三季度各街道固定资产投资完成情况（累计）", "完成"),
    ],
)
def test_a_quarter_said_to_be_cumulative_draws_no_quarter_warning(
    store: Store, title: str, sub: str
) -> None:
    plan = run(store, report(title, sub), "csv")
    assert ("actual", "Q", 2026, 3, True, 711311.2) in planned(plan)
    assert "quarter_assumed_ytd" not in {i.code for i in plan.issues}


def test_a_wide_sheet_of_cumulative_quarters_draws_no_quarter_warning(store: Store) -> None:
    rows = [
        ["2025年各街道固定资产投资累计完成情况", None, None, None, None],
        ["单位：万元", None, None, None, None],
        ["单位", "一季度", "二季度", "三季度", "四季度"],
        ["东城街道", 100, 300, 600, 1000],
    ]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert "quarter_assumed_ytd" not in {i.code for i in plan.issues}
    assert sorted(plan.observations["value"].tolist()) == [100.0, 300.0, 600.0, 1000.0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_months_after_a_combined_january_and_february_sum_to_the_total(
    store: Store, fmt: str
) -> None:
    """Bureaus publish 1-2月 together, then each month: with a 合计 that is their sum,
    the months are single and add to 1-2月."""
    rows = _months_and_total(["1-2月", "3月", "4月"], [300, 300, 400], 1000)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2025, 2, True, 300.0),
        ("actual", "M", 2025, 3, True, 600.0),
        ("actual", "M", 2025, 4, True, 1000.0),
    }
    assert "months_by_total" in {i.code for i in plan.issues}


@pytest.mark.parametrize("same", ["上年同期", "上年同期累计", "去年同期"])
def test_last_years_same_period_follows_the_months_beside_it(store: Store, same: str) -> None:
    """Under a title naming only its year, 上年同期 beside 1-10月累计 is last year's 1-10月,
    not last year's whole year."""
    rows = report(
        "2026年各街道固定资产投资完成情况", same, target="1-10月累计", values=(711311.2, 662293.7)
    )
    plan = run(store, rows, "csv")
    assert ("actual", "M", 2025, 10, True, 662293.7) in planned(plan)
    assert not any((f, y) == ("M", 2025) and s == 12 for _, f, y, s, _, _ in planned(plan))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_single_month_adds_to_the_year_to_date_month_before_it(store: Store, fmt: str) -> None:
    rows = [
        LONG,
        ["东城街道", "固定资产投资", "2025年1-2月", 300, "是"],
        ["东城街道", "固定资产投资", "2025-03", 300, "否"],
        ["东城街道", "固定资产投资", "2025-04", 400, "否"],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [300.0, 600.0, 1000.0]


def test_a_single_month_after_a_gap_is_still_refused(store: Store) -> None:
    rows = [
        LONG,
        ["东城街道", "固定资产投资", "2025年1-2月", 300, "是"],
        ["东城街道", "固定资产投资", "2025-04", 400, "否"],
    ]
    plan = run(store, rows, "csv", merges=[])
    assert [i.row for i in plan.errors if i.code == "months_missing"] == [3]


# --- headings an ordinary sheet writes ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("period", "value"),
    [("统计期", "数值"), ("期间", "累计数"), ("期间", "本年累计"), ("期间", "累计完成")],
)
def test_a_long_sheets_common_column_names_are_read(
    store: Store, period: str, value: str, fmt: str
) -> None:
    rows = [["单位", "指标", period, value], ["东城街道", "固定资产投资", "2026年1-10月", 711311.2]]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 711311.2)}


@pytest.mark.parametrize("sub", ["比上年增减（百分点）", "比上年同期增减(百分点)"])
def test_a_change_in_points_is_no_growth_check(store: Store, sub: str) -> None:
    rows = report(T10, sub, target="1-10月累计", values=(711311.2, 1.2))
    plan = run(store, rows, "csv")
    assert not [i for i in plan.issues if i.code == "stated_growth_mismatch"]
    assert [i.column for i in plan.issues if i.code == "difference_column"] == ["D"]


def test_a_stated_decline_is_growth_below_zero(store: Store) -> None:
    """Last year's 1-10月 for 东城街道 is 662,293.7; 600,000 is 9.4 % below it."""
    stored = store.observations(unit="JD01", indicator="FAI")
    last = stored[(stored["period"] == "2025-10") & (stored["value_kind"] == "actual")]
    assert last["value"].tolist() == [662293.7]
    for sub, stated, warned in (("比上年下降%", 9.4, False), ("比上年下降%", -9.4, True)):
        rows = report(T10, sub, target="1-10月累计", values=(600000, stated))
        plan = run(store, rows, "csv")
        said = [i for i in plan.issues if i.code == "stated_growth_mismatch"]
        assert bool(said) is warned, (sub, stated, [i.text() for i in plan.issues])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "sub", ["比上年同期增加（万元）", "比上年增减(万元)", "比上年同期增加", "比上年同期减少"]
)
def test_a_change_in_amount_is_no_growth_check(store: Store, sub: str, fmt: str) -> None:
    """比上年同期增加 48,923.5 (万元) is an amount, not a growth of 48,923.5 %: left out
    as a difference, with no growth warning."""
    rows = report(T10, sub, target="1-10月累计", values=(711311.2, 48923.5))
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert not [i for i in plan.issues if i.code == "stated_growth_mismatch"]
    assert [i.column for i in plan.issues if i.code == "difference_column"] == ["D"]


@pytest.mark.parametrize("sub", ["比上年同期增长（%）", "比上年增减(%)", "增幅", "比上年同期增加%"])
def test_a_growth_in_percent_is_still_checked(store: Store, sub: str) -> None:
    """Last year's 1-10月 for 东城街道 is 662,293.7: 711,311.2 is 7.4 % above it, so a
    stated 17.4 is a warning, whatever the growth heading says."""
    for indicator in ("固定资产投资", "固定资产投资（万元）"):  # its measure is not the growth's
        rows = report(T10, sub, target="1-10月累计", indicator=indicator, values=(711311.2, 17.4))
        plan = run(store, rows, "csv")
        said = [i.column for i in plan.issues if i.code == "stated_growth_mismatch"]
        assert said == ["D"], indicator


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["时间进度", "序时进度", "时间进度(%)"])
def test_a_time_progress_column_is_left_out_with_a_note(
    store: Store, fmt: str, heading: str
) -> None:
    """时间进度 (83.3 % by October) is the share of the year gone, which the dashboard
    computes from the month: left out with a note, whether under the indicator or
    heading a column of its own, never read as an unknown indicator or column."""
    under = report(T10, heading, target="全年目标", values=(867870, 83.3))
    beside = [
        [T10, None, None, None, None],
        ["单位：万元", None, None, None, None],
        ["序号", "单位", "固定资产投资", None, heading],
        [None, None, "全年目标", "1-10月累计", None],
        [1, "东城街道", 867870, 711311.2, 83.3],
    ]
    merges = ["A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"]
    for rows, column, kept in ((under, "D", 1), (beside, "E", 2)):
        plan = run(store, rows, fmt, merges=merges if rows is beside else MERGES)
        assert plan.can_commit, [i.text() for i in plan.errors]
        assert len(plan.observations) == kept
        codes = {i.code: i.column for i in plan.issues}
        assert codes.get("time_progress_column") == column, [i.text() for i in plan.issues]
        assert "column_skipped" not in codes
        [note] = [i for i in plan.issues if i.code == "time_progress_column"]
        said = "“固定资产投资 时间进度”" if rows is under else "“时间进度”"  # once, merged or not
        assert heading != "时间进度" or said in note.zh, note.zh


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("heading", "code"),
    [("排名", "column_not_imported"), ("距目标差额", "difference_column")],
)
def test_a_heading_over_both_header_rows_is_no_indicator(
    store: Store, fmt: str, heading: str, code: str
) -> None:
    """A place or a remainder heading a column of its own (merged down both header rows,
    or written once in a CSV) is left out with its note, not read as an indicator."""
    rows = [
        [T10, None, None, None, None],
        ["单位：万元", None, None, None, None],
        ["序号", "单位", "固定资产投资", None, heading],
        [None, None, "全年目标", "1-10月累计", None],
        [1, "东城街道", 867870, 711311.2, 3],
    ]
    plan = run(store, rows, fmt, merges=["A1:E1", "A3:A4", "B3:B4", "C3:D3", "E3:E4"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 2
    assert {i.code: i.column for i in plan.issues}.get(code) == "E"


# --- a wide sheet's column of figures that names no period -------------------------------------


def _wide(title: str, headings: list[str], figures: list[list]) -> list[list]:
    """A wide sheet: ``title`` over 单位 and ``headings``, a row per unit of ``figures``."""
    width = len(headings) + 1
    return [
        [title] + [None] * (width - 1),
        ["单位", *headings],
        *[[unit, *values] for unit, values in zip(["东城街道", "西城街道"], figures, strict=False)],
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("whole", ["全年", "全年完成", "全年累计"])
def test_a_whole_year_column_beside_the_quarters_is_the_titles_year(
    store: Store, fmt: str, whole: str
) -> None:
    """一季度, 上半年, 前三季度 and 全年 under a title of 2025: the last column is 2025's
    whole year, not a column dropped without a word."""
    rows = _wide(
        "2025年各街道固定资产投资（万元）",
        ["一季度", "上半年", "前三季度", whole],
        [[30, 60, 95.1, 120], [30, 50, 88, 110]],
    )
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    whole_year = plan.observations.query("year == 2025 and freq == 'M' and sub == 12")
    assert sorted(whole_year["value"].tolist()) == [110.0, 120.0]
    assert not [i for i in plan.issues if i.code == "wide_column_left_out"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_whole_year_column_of_a_year_not_ended_is_refused_at_its_cells(
    store: Store, fmt: str
) -> None:
    """全年 beside 前三季度 under a title of 2026 in November: the year has not ended,
    so its figure cannot be the year's actual; refused where it stands, not dropped."""
    rows = _wide(
        "2026年各街道固定资产投资（万元）",
        ["上半年", "前三季度", "全年"],
        [[60, 95.1, 130], [50, 88, 120]],
    )
    plan = run(store, rows, fmt, merges=[])
    assert not plan.can_commit
    assert {i.column for i in plan.errors} == {"D"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_wide_column_of_figures_that_names_no_period_is_a_warning(store: Store, fmt: str) -> None:
    """Figures under a heading that is neither a period nor the unit (考核得分) are left
    out with a warning at the heading; a serial number and a remarks column are not."""
    rows = [
        ["各街道固定资产投资（万元）", None, None, None, None, None],
        ["序号", "单位", "2024年", "2025年", "考核得分", "备注"],
        [1, "东城街道", 100, 120, 95.5, "快报"],
        [2, "西城街道", 90, 110, 88, None],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 4
    said = [i for i in plan.warnings if i.code == "wide_column_left_out"]
    assert [(i.row, i.column, i.value) for i in said] == [(2, "E", "考核得分")]
    assert "考核得分" in said[0].text() and "was" not in said[0].text()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_total_column_beside_one_month_is_a_warning(store: Store, fmt: str) -> None:
    """A 合计 beside too few single months to test it against is not dropped silently."""
    rows = _wide(
        "2025年各街道固定资产投资（万元）",
        ["2024年", "10月", "合计"],
        [[900, 100, 1000], [800, 90, 890]],
    )
    plan = run(store, rows, fmt, merges=[])
    said = [i for i in plan.warnings if i.code == "wide_column_left_out"]
    assert [(i.row, i.column) for i in said] == [(2, "D")]


# --- a wide sheet's title, as offices write it ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("title", "merges", "fill"),
    [
        ("2019-2025年各街道固定资产投资完成情况", ["A1:C1"], False),  # merged across
        ("2019-2025年各街道固定资产投资完成情况", [], True),  # written in each cell
        ("2019-2025年各街道固定资产投资完成情况（快报）", [], False),
        ("各街道固定资产投资（快报）（万元）", [], False),
        ("各街道固定资产投资（万元）（初步统计）", ["A1:C1"], False),
        ("各街道固定资产投资完成情况（修订）", [], False),
        ("2019-2025年各街道固定资产投资完成情况（万元）", ["A1:C1"], False),
    ],
)
def test_a_wide_title_names_its_indicator_however_it_is_laid_out(
    store: Store, fmt: str, title: str, merges: list[str], fill: bool
) -> None:
    """A title merged across the table, repeated in each cell, or followed by its status
    (（快报）, （初步统计）) names 固定资产投资, as a reader sees; it is not asked about."""
    rows = [
        [title, title if fill else None, title if fill else None],
        ["单位", "2024年", "2025年"],
        ["东城街道", 120.5, 95.1],
        ["西城街道", 110.2, 88.0],
    ]
    plan = run(store, rows, fmt, merges=merges)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert set(plan.observations["indicator_code"]) == {"FAI"}
    assert sorted(plan.observations["value"].tolist()) == [88.0, 95.1, 110.2, 120.5]


def test_a_status_in_brackets_is_kept_where_it_names_the_indicator() -> None:
    """A bracket that qualifies the indicator (（不含基金）) is part of its name; only a
    report's status is dropped."""
    from bxgc_metrics.importer.layouts.wide import title_indicator_of

    assert title_indicator_of("各街道地方一般公共预算收入（不含基金）", "表1") == (
        "地方一般公共预算收入（不含基金）"
    )
    assert title_indicator_of("各街道固定资产投资（快报）", "表1") == "固定资产投资"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_title_repeated_at_a_page_break_is_skipped(store: Store, fmt: str) -> None:
    """A printed table repeats its merged title and its header on each page: the title is
    not a unit, in a wide sheet or a report."""
    title = "2019-2025年各街道固定资产投资完成情况"
    head = ["单位", "2024年", "2025年"]
    wide = [[title, None, None], head, ["东城街道", 120.5, 95.1], [title, None, None], head]
    wide.append(["西城街道", 110.2, 88.0])
    plan = run(store, wide, fmt, merges=["A1:C1", "A4:C4"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [88.0, 95.1, 110.2, 120.5]
    top, sub = ["序号", "单位", "固定资产投资", None], [None, None, "全年目标", "1-10月累计"]
    rows = [[T10, None, None, None], ["单位：万元", None, None, None], top, sub]
    rows += [[1, "东城街道", 867870, 711311.2], [T10, None, None, None], top, sub]
    rows.append([2, "西城街道", 767870, 611311.2])
    merges = [*MERGES, "A6:D6", "A7:A8", "B7:B8", "C7:D7"]
    plan = run(store, rows, fmt, merges=merges)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 867870.0),
        ("actual", "M", 2026, 10, True, 711311.2),
        ("target", "Y", 2026, 0, False, 767870.0),
        ("actual", "M", 2026, 10, True, 611311.2),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("period", ["1-10月", "2026年1-10月", "1-10月累计"])
def test_a_sheet_of_one_period_column_under_an_indicators_title(
    store: Store, fmt: str, period: str
) -> None:
    """单位 | 1-10月 under a title naming the indicator is one period of that indicator,
    not an indicator named 1-10月."""
    rows = [
        ["2026年1-10月各街道规上工业增加值增速（%）", None],
        ["单位", period],
        ["东城街道", 6.5],
        ["西城街道", -1.2],
    ]
    plan = run(store, rows, fmt, merges=["A1:B1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    obs = plan.observations
    assert set(obs["indicator_code"]) == {"IVA_G"}
    assert {(r.freq, r.year, r.sub, r.value) for r in obs.itertuples()} == {
        ("M", 2026, 10, 6.5),
        ("M", 2026, 10, -1.2),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("heading", "code"),
    [
        ("2025年增幅（%）", "derived_column"),
        ("2025年同比增长%", "derived_column"),
        ("2025年完成率", "derived_column"),
        ("2025年占比（%）", "derived_column"),
        ("2025年排名", "column_not_imported"),
        ("排名", "column_not_imported"),
        ("增幅（%）", "derived_column"),
        ("增减额", "difference_column"),
    ],
)
def test_a_wide_column_of_growth_shares_or_places_is_left_out_with_its_note(
    store: Store, fmt: str, heading: str, code: str
) -> None:
    """2025年增幅（%） names a year, but its 12.4 is a growth, not 12.4 万元 of 2025: left
    out with the note a report gives it, and no warning to head it with a period."""
    rows = [
        ["各街道固定资产投资（万元）", None, None, None],
        ["序号", "单位", "2024年", heading],
        [1, "东城街道", 733962.2, 12.4],
        [2, "西城街道", 655821.5, 4.5],
    ]
    plan = run(store, rows, fmt, merges=["A1:D1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"].tolist()) == [655821.5, 733962.2]
    assert {i.code: i.column for i in plan.issues}.get(code) == "D"
    assert not plan.warnings, [i.text() for i in plan.warnings]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("sub", ["比上年增减", "同比增减", "增减"])
def test_a_stated_change_that_is_the_difference_is_no_growth_mismatch(
    store: Store, fmt: str, sub: str
) -> None:
    """比上年增减 beside 1-10月累计 and 去年同期 may be the change in 万元, or for a rate
    in points: where it is exactly that, it draws no growth warning; where it is neither
    that nor the growth, it still does."""
    stored = store.observations(unit="JD01", indicator="FAI")
    last = stored[(stored["period"] == "2025-10") & (stored["value_kind"] == "actual")]
    assert last["value"].tolist() == [662293.7]
    for stated, warned in ((711311.2 - 662293.7, False), (7.4, False), (9999.0, True)):
        rows = report(T10, sub, target="1-10月累计", values=(711311.2, round(stated, 1)))
        plan = run(store, rows, fmt)
        said = [i for i in plan.issues if i.code == "stated_growth_mismatch"]
        assert bool(said) is warned, (stated, [i.text() for i in plan.issues])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "target",
    [
        *("全年目标", "年度目标", "全年任务"),
        # each refused the sheet, 1-10月 and the target taken for indicators
        *("全年目标任务", "年度目标任务", "年初目标", "考核目标", "预期目标", "全年预期目标"),
        *("市定目标", "区下达任务", "目标值", "任务数", "计划", "任务", "年度任务数"),
    ],
)
def test_a_one_row_header_of_a_target_and_the_months_under_a_title_of_the_year(
    store: Store, fmt: str, target: str
) -> None:
    """序号 | 单位 | 全年目标 | 1-10月 | 完成率（%） under 2026年…固定资产投资: the year's
    target and its 1-10月, not indicators named 全年目标 and 1-10月."""
    rows = [
        ["2026年各街道固定资产投资完成情况", None, None, None, None],
        ["序号", "单位", target, "1-10月", "完成率（%）"],
        [1, "东城街道", 867870, 711311.2, 82.0],
    ]
    plan = run(store, rows, fmt, merges=["A1:E1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 867870.0),
        ("actual", "M", 2026, 10, True, 711311.2),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "targets", [("保底目标", "奋斗目标"), ("全年目标", "力争目标"), ("目标", "计划")]
)
def test_two_targets_side_by_side_never_store_either_as_the_other(
    store: Store, fmt: str, targets: tuple[str, str]
) -> None:
    """Two targets (保底 and 奋斗) are two figures for one year: neither is taken for the
    other, and the one not read is said."""
    rows = [
        ["2026年各街道固定资产投资完成情况", None, None, None, None],
        ["序号", "单位", *targets, "1-10月"],
        [1, "东城街道", 867870, 950000, 711311.2],
    ]
    plan = run(store, rows, fmt, merges=["A1:E1"])
    stored = {r[-1] for r in planned(plan) if r[0] == "target"}
    assert stored <= {867870.0}
    assert not any(i.code == "duplicate_conflict" for i in plan.issues)
    said = {i.column for i in plan.issues if i.severity in ("warning", "error")}
    assert "D" in said


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("taken", "second"), [("全年目标", "力争目标"), ("目标任务", "调整后目标")]
)
def test_a_second_target_is_said_to_be_one(store: Store, fmt: str, taken: str, second: str) -> None:
    """The target left out beside the one read was warned as a column whose heading names
    no period (请在列标题中写明时期); it is said to be a second target."""
    rows = [
        ["2026年各街道固定资产投资完成情况", None, None, None, None],
        ["序号", "单位", taken, second, "1-10月"],
        [1, "东城街道", 867870, 950000, 711311.2],
    ]
    plan = run(store, rows, fmt, merges=["A1:E1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    [said] = [i for i in plan.warnings if i.column == "D"]
    assert said.code == "second_target"
    assert f"“{second}”" in said.zh and f"“{taken}”" in said.zh


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("title", "second"),
    [
        ("2024-2025年各街道固定资产投资完成情况（单位：万元）", None),
        ("2024-2025年各街道固定资产投资完成情况", "（截至2025年12月31日）"),
        ("各街道固定资产投资完成情况分年度", None),
        ("各街道固定资产投资分年度完成情况", None),
        ("各街道固定资产投资分年度情况表", None),
    ],
)
def test_a_wide_title_with_its_unit_or_cut_off_names_the_indicator(
    store: Store, fmt: str, title: str, second: str | None
) -> None:
    rows = [
        [title, None, None, None],
        [second, None, None, None],
        ["序号", "单位", "2024年", "2025年"],
        [1, "东城街道", 733962.2, 824954.4],
    ]
    plan = run(store, rows, fmt, merges=["A1:D1", "A2:D2"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert set(plan.observations["indicator_code"]) == {"FAI"}
    assert sorted(plan.observations["value"].tolist()) == [733962.2, 824954.4]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_monthly_rates_whole_year_is_its_january_to_december_rate(store: Store, fmt: str) -> None:
    """规上工业增加值增速 is kept by month, year to date: its 2024年 and 2025年 are its
    1-12月 rates, not a yearly series beside the monthly one."""
    rows = [
        ["各街道规上工业增加值增速（%）", None, None],
        ["单位", "2024年", "2025年"],
        ["东城街道", 7.1, 6.5],
    ]
    plan = run(store, rows, fmt, merges=["A1:C1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert {
        (r.freq, r.year, r.sub, r.cumulative, r.value) for r in plan.observations.itertuples()
    } == {
        ("M", 2024, 12, True, 7.1),
        ("M", 2025, 12, True, 6.5),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["1-10月累计增速（%）", "1-10月增速"])
def test_a_growth_column_under_a_title_of_a_growth_rate_is_its_figures(
    store: Store, fmt: str, heading: str
) -> None:
    """单位 | 1-10月累计增速（%） under 2026年1-10月各街道规上工业增加值增速: the indicator is
    a growth rate, so the column of 增速 holds its figures, not a growth of them."""
    rows = [
        ["2026年1-10月各街道规上工业增加值增速", None],
        ["单位", heading],
        ["东城街道", 8.0],
        ["西城街道", 8.5],
    ]
    plan = run(store, rows, fmt, merges=["A1:B1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert {
        (r.indicator_code, r.freq, r.year, r.sub, r.value) for r in plan.observations.itertuples()
    } == {
        ("IVA_G", "M", 2026, 10, 8.0),
        ("IVA_G", "M", 2026, 10, 8.5),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_quarters_whose_sum_is_the_whole_year_are_single_quarters(store: Store, fmt: str) -> None:
    """一季度 … 四季度 and 全年 = their sum: each quarter alone, added up from January,
    with a note and no warning that they were taken as year-to-date."""
    heads = ["一季度", "二季度", "三季度", "四季度", "全年"]
    rows = [
        ["2025年各街道固定资产投资完成情况（万元）", *[None] * 5],
        ["单位", *heads],
        ["东城街道", 30, 31, 32, 33, 126],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {
        ("actual", "Q", 2025, 1, True, 30.0),
        ("actual", "Q", 2025, 2, True, 61.0),
        ("actual", "Q", 2025, 3, True, 93.0),
        ("actual", "Q", 2025, 4, True, 126.0),
        ("actual", "M", 2025, 12, True, 126.0),
    }
    codes = {i.code: i.column for i in plan.issues}
    assert codes.get("quarters_by_total") == "F"
    assert "quarter_assumed_ytd" not in codes


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_quarters_whose_last_is_the_whole_year_are_year_to_date_without_a_doubt(
    store: Store, fmt: str
) -> None:
    heads = ["一季度", "二季度", "三季度", "四季度", "全年"]
    rows = [
        ["2025年各街道固定资产投资完成情况（万元）", *[None] * 5],
        ["单位", *heads],
        ["东城街道", 30, 61, 93, 126, 126],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "Q", 2025, 3, True, 93.0) in planned(plan)
    codes = {i.code for i in plan.issues}
    assert not codes & {"quarter_assumed_ytd", "quarters_by_total", "quarters_total_unclear"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("title", "heading", "want"),
    [
        ("2026年各街道固定资产投资目标", "全年目标", ("target", "Y", 2026, 0, False, 867870.0)),
        ("2025年各街道固定资产投资完成情况", "全年", ("actual", "M", 2025, 12, True, 867870.0)),
    ],
)
def test_a_wide_sheet_of_the_years_target_or_whole_year_alone(
    store: Store, fmt: str, title: str, heading: str, want: tuple
) -> None:
    """单位 | 全年目标 (or 全年, for a year ended) under a title naming the year and the
    indicator: that year's target (or whole year), not an indicator named 全年目标."""
    rows = [[title, None], ["单位", heading], ["东城街道", 867870]]
    plan = run(store, rows, fmt, merges=["A1:B1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert planned(plan) == {want}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["同比增长（%）", "增幅", "完成率", "排名"])
def test_a_rate_beside_indicator_columns_is_left_out_not_an_indicator(
    store: Store, fmt: str, heading: str
) -> None:
    """单位 | 固定资产投资 | 同比增长（%） | 规上工业增加值增速 under a title of 1-10月: the
    growth (or completion, or place) column is left out with a note, and an indicator
    whose name holds 增速 stays an indicator."""
    rows = [
        ["2026年1-10月各街道主要指标", None, None, None],
        ["单位", "固定资产投资（万元）", heading, "规上工业增加值增速（%）"],
        ["东城街道", 711311.2, 7.4, 6.5],
    ]
    plan = run(store, rows, fmt, merges=["A1:D1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = {(r.indicator_code, r.value) for r in plan.observations.itertuples()}
    assert got == {("FAI", 711311.2), ("IVA_G", 6.5)}
    assert "C" in {i.column for i in plan.issues if i.severity == "info"}


# --- a dotted year and month, then a range --------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize(
    "heads",
    [("2017.1-10", "2018.1-10"), ("2017/1-10", "2018/1-10"), ("2017.01-2017.10", "2018.1-2018.10")],
)
def test_a_dotted_range_of_months_is_year_to_date_not_january(
    store: Store, fmt: str, heads: tuple[str, str]
) -> None:
    """2018.1-10 is how many offices write 1-10月 of 2018: it was stored as January 2018,
    silently where nothing of that year was stored to compare with."""
    rows = [
        ["各街道地方一般公共预算收入完成情况", None, None],
        ["单位：万元", None, None],
        ["单位", *heads],
        ["东城街道", 99143.6, 107529.1],
        ["西城街道", 58298.4, 61123.6],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert {(y, s, c) for _, _, y, s, c, _ in planned(plan)} == {(2017, 10, True), (2018, 10, True)}


# --- a measure written in a wide sheet's period heading ---------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("heading", ["1-10月累计（亿元）", "1-10月(亿元)", "2018年1-10月（亿元）"])
def test_a_period_headings_measure_is_the_columns(store: Store, fmt: str, heading: str) -> None:
    """The indicator from the title, the measure only in the period heading: 10.75 亿元 is
    107,500 万元, where it was stored as 10.75 万元 with no more than a note."""
    rows = [
        ["2018年1-10月各街道地方一般公共预算收入完成情况", None],
        ["单位", heading],
        ["东城街道", 10.75],
        ["西城街道", 6.11],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2018, 10, True, 107500.0),
        ("actual", "M", 2018, 10, True, 61100.0),
    }


def test_a_period_heading_against_the_unit_line_is_read_by_the_heading_and_warned(
    store: Store,
) -> None:
    rows = [
        ["2018年1-10月各街道地方一般公共预算收入完成情况", None, None],
        ["单位：亿元", None, None],
        ["单位", "1-10月累计（万元）", "全年目标"],
        ["东城街道", 107529.1, 13.31],
    ]
    plan = run(store, rows, "xlsx", merges=[])
    assert planned(plan) == {
        ("actual", "M", 2018, 10, True, 107529.1),
        ("target", "Y", 2018, 0, False, 133100.0),  # the line's 亿元 where no heading says
    }
    [warned] = [i for i in plan.warnings if i.code == "heading_against_line"]
    assert (warned.row, warned.column) == (3, "B") and "万元" in warned.zh and "亿元" in warned.zh


# --- a title's months over columns of years ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "title",
    [
        "各街道1-10月地方一般公共预算收入完成情况",
        "2018年1-10月各街道地方一般公共预算收入完成情况",
        "各街道前10个月地方一般公共预算收入",
    ],
)
def test_years_under_a_title_of_months_are_those_months_of_each_year(
    store: Store, fmt: str, title: str
) -> None:
    """1-10月 in the title, 2017年 | 2018年 over the columns: each column is 1-10月 of its
    year, where each was stored as the whole year."""
    rows = [
        [title, None, None],
        ["单位：万元", None, None],
        ["单位", "2017年", "2018年"],
        ["东城街道", 99143.6, 107529.1],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2017, 10, True, 99143.6),
        ("actual", "M", 2018, 10, True, 107529.1),
    }


def test_years_under_a_title_of_no_months_stay_whole_years(store: Store) -> None:
    rows = [
        ["各街道地方一般公共预算收入完成情况", None, None],
        ["单位：万元", None, None],
        ["单位", "2017年", "2018年"],
        ["东城街道", 99143.6, 107529.1],
    ]
    plan = run(store, rows, "xlsx", merges=[])
    assert {(f, y, s) for _, f, y, s, _, _ in planned(plan)} == {("M", 2017, 12), ("M", 2018, 12)}


# --- last year's figure beside a single month -----------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("prior", ["去年同期", "上年同期", "上年同月"])
def test_last_years_figure_beside_a_single_month_is_left_out_with_it(
    store: Store, fmt: str, prior: str
) -> None:
    """当月 | 去年同期 | 1-10月累计 | 去年同期累计: 当月 is October alone and is left out, and
    so is the 去年同期 beside it, last year's October alone, where it was stored as last
    year's 1-10月 over the figure 同比 is made from. The year-to-date pair is read."""
    rows = [
        ["2026年10月各街道地方一般公共预算收入", None, None, None, None],
        ["单位：万元", None, None, None, None],
        ["单位", "地方一般公共预算收入", None, None, None],
        [None, "当月", prior, "1-10月累计", "去年同期累计"],
        ["东城街道", 10519.0, 6983.5, 107529.1, 99143.6],
    ]
    plan = run(store, rows, fmt, merges=["B3:E3"])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2026, 10, True, 107529.1),
        ("actual", "M", 2025, 10, True, 99143.6),
    }
    left = [i for i in plan.issues if i.code == "column_not_imported"]
    assert sorted(i.column for i in left) == ["B", "C"]


def test_a_single_month_and_last_years_beside_it_write_nothing(store: Store) -> None:
    """当月 | 去年同期 alone: no figure is planned, where last year's October alone replaced
    last year's stored 1-10月; each column is named as left out."""
    rows = [
        ["2026年10月各街道地方一般公共预算收入", None, None],
        ["单位：万元", None, None],
        ["单位", "地方一般公共预算收入", None],
        [None, "当月", "去年同期"],
        ["东城街道", 10519.0, 6983.5],
    ]
    plan = run(store, rows, "xlsx", merges=["B3:C3"])
    assert plan.observations.empty and not plan.can_commit
    assert sorted(i.column for i in plan.issues if i.code == "column_not_imported") == ["B", "C"]


# --- a month beside the months to it ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("title", "month"),
    [
        ("2026年10月各街道地方一般公共预算收入", "10月"),
        ("2026年1-10月各街道地方一般公共预算收入", "10月"),
        ("2026年1-10月各街道地方一般公共预算收入", "10月份"),
    ],
)
def test_a_month_beside_january_to_that_month_is_that_month_alone(
    store: Store, fmt: str, title: str, month: str
) -> None:
    """10月 | 1-10月 under one indicator: 10月 is October alone, left out as 当月 is, where
    both were read as 1-10月 and the file was refused as holding every figure twice."""
    rows = [
        [title, None, None],
        ["单位：万元", None, None],
        ["单位", "地方一般公共预算收入", None],
        [None, month, "1-10月"],
        ["东城街道", 10518.5, 107529.1],
    ]
    plan = run(store, rows, fmt, merges=["B3:C3"])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 107529.1)}
    [left] = [i for i in plan.issues if i.code == "column_not_imported"]
    assert left.column == "B"


# --- a footnote mark beside a figure ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("cell", ["500①", "100²", "²", "⑩", "7₃"])
@pytest.mark.parametrize("layout", ["report", "wide"])
def test_a_figure_with_a_footnote_mark_is_refused_in_every_layout(
    store: Store, fmt: str, cell: str, layout: str
) -> None:
    """500① is 500 with a footnote mark, never 5,001: the cell is refused as no number,
    quoted as written, in report and wide sheets as in a long one (where ① became 1)."""
    if layout == "report":
        rows = report(T10, "1-10月累计", values=(867870, cell))  # type: ignore[arg-type]
        merges = MERGES
    else:
        rows = [
            ["2026年1-10月各街道固定资产投资", None],
            ["单位：万元", None],
            ["单位", "1-10月累计"],
            ["东城街道", cell],
            ["西城街道", 61123.6],
        ]
        merges = []
    if fmt == "gbk":
        try:
            cell.encode("gbk")
        except UnicodeEncodeError:
            pytest.skip("GBK has no such character")
    plan = run(store, rows, fmt, merges=merges)
    bad = [i for i in plan.errors if i.code == "not_a_number"]
    assert len(bad) == 1 and f"“{cell}”" in bad[0].zh, [i.zh for i in plan.issues]
    assert cell.strip("①²⑩₃") == "" or not (plan.observations["raw"] == cell).any()


# --- last year's column in a one-row header ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("prior", ["去年同期", "上年同期", "去年1-10月", "上年同期累计"])
def test_a_one_row_header_with_last_years_column_is_read(
    store: Store, fmt: str, prior: str
) -> None:
    """序号 | 单位 | 1-10月累计 | 去年同期 | 同比增长% under a title naming the indicator: this
    year's and last year's 1-10月, the growth left out with a note, where each heading was
    taken for an indicator (未知指标“1-10月累计”) and the sheet refused."""
    rows = [
        ["2026年1-10月各街道（镇）地方一般公共预算收入完成情况", None, None, None, None],
        ["单位：亿元", None, None, None, None],
        ["序号", "单位", "1-10月累计", prior, "同比增长%"],
        [1, "东城街道", 10.7529, 9.9144, 8.5],
        [2, "西城街道", 6.1124, 5.8298, 4.8],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    got = {(y, s, c, round(v, 1)) for _, _, y, s, c, v in planned(plan)}
    assert got == {
        (2026, 10, True, 107529.0),
        (2026, 10, True, 61124.0),
        (2025, 10, True, 99144.0),
        (2025, 10, True, 58298.0),
    }
    assert [i.column for i in plan.issues if i.code == "derived_column"] == ["E"]


def test_last_years_column_beside_a_single_month_is_not_dated_by_it(store: Store) -> None:
    """单位 | 当月 | 去年同期 in one row: the 当月 figure is a single month and 去年同期 with
    it; neither is read as a year-to-date figure."""
    rows = [
        ["2026年10月各街道地方一般公共预算收入", None, None],
        ["单位：万元", None, None],
        ["单位", "当月", "去年同期"],
        ["东城街道", 10519.0, 6983.5],
    ]
    plan = run(store, rows, "xlsx", merges=[])
    assert not any(y == 2025 for _, _, y, *_ in planned(plan))


# --- this year as a percentage of last year (为上年同期%, 上年=100) --------------------------

INDEX_HEADINGS = [
    "为上年同期%",
    "为上年同期(%)",
    "为去年同期的%",
    "上年同期=100",
    "上年=100",
    "去年同期为100",
    "发展速度(%)",
]
"""Headings of this year's figure as a percentage of last year's (an index, 108.5 for
growth of 8.5 %): a rate the figures give, never last year's figure."""


def _index_rows(heading: str, *, two_rows: bool) -> tuple[list[list], list[str]]:
    """东城街道's and 西城街道's 1-10月 (亿元) beside ``heading`` with 108.5 and 104.8, under
    a one-row header (the indicator in the title) or under the indicator's name."""
    title = "2026年1-10月各街道地方一般公共预算收入完成情况"
    body = [["东城街道", 10.7529, 108.5], ["西城街道", 6.1124, 104.8]]
    if not two_rows:
        return [
            [title, None, None],
            ["单位：亿元", None, None],
            ["单位", "1-10月累计", heading],
            *body,
        ], []
    header = [["单位", "地方一般公共预算收入", None], [None, "1-10月累计", heading]]
    return [
        ["2026年1-10月各街道完成情况", None, None],
        ["单位：亿元", None, None],
        *header,
        *body,
    ], [
        "A3:A4",
        "B3:C3",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("two_rows", [False, True], ids=["one-row", "two-row"])
@pytest.mark.parametrize("heading", INDEX_HEADINGS)
def test_this_year_as_a_percentage_of_last_year_is_not_last_years_figure(
    store: Store, fmt: str, two_rows: bool, heading: str
) -> None:
    """108.5 under 为上年同期% was stored as last year's 1-10月 (亿元: 1,085,000 万元),
    replacing the figure 同比 is made from, with only a jump warning. It is now a rate, as
    同比增长% is: under a one-row header left out with a note; under an indicator's name
    checked as growth of 8.5 % against the figures (the stored 1-10月 of 2025: 99,143.6
    and 58,298.4 万元, growth 8.5 % and 4.8 %), which it meets."""
    rows, merges = _index_rows(heading, two_rows=two_rows)
    plan = run(store, rows, fmt, merges=merges)
    assert plan.can_commit, [i.zh for i in plan.errors]
    got = {(y, s, c, round(v, 1)) for _, _, y, s, c, v in planned(plan)}
    assert got == {(2026, 10, True, 107529.0), (2026, 10, True, 61124.0)}
    derived = [i for i in plan.issues if i.code == "derived_column"]
    assert [i.column for i in derived] == ([] if two_rows else ["C"]), [i.zh for i in plan.issues]
    said = {"jump", "column_skipped", "stated_growth_mismatch"}
    assert not [i for i in plan.issues if i.code in said], [i.zh for i in plan.issues]


@pytest.mark.parametrize("heading", ["为上年同期%", "上年同期=100"])
def test_a_percentage_of_last_year_the_figures_do_not_give_is_warned(
    store: Store, heading: str
) -> None:
    """为上年同期% 110.0 beside 107,529.1 万元, 108.5 % of the stored 99,143.6: warned with
    the percentage the figures give, as the sheet writes it."""
    rows, merges = _index_rows(heading, two_rows=True)
    rows[4][2] = 110.0
    plan = run(store, rows, "xlsx", merges=merges)
    warned = [i for i in plan.issues if i.code == "stated_growth_mismatch"]
    assert [(i.row, i.column) for i in warned] == [(5, "C")], [i.zh for i in plan.issues]
    assert warned[0].zh == "表中为上年同期的 110.0 与数据计算结果 108.5% 不符。"


@pytest.mark.parametrize("heading", INDEX_HEADINGS)
def test_this_year_as_a_percentage_of_last_year_beside_a_wide_sheets_periods(
    store: Store, heading: str
) -> None:
    """单位 | 2025年1-10月 | 2026年1-10月 | 为上年同期%: the two periods are read and the
    index column is left out with a note."""
    rows = [
        ["各街道地方一般公共预算收入", None, None, None],
        ["单位：亿元", None, None, None],
        ["单位", "2025年1-10月", "2026年1-10月", heading],
        ["东城街道", 9.9144, 10.7529, 108.5],
    ]
    plan = run(store, rows, "xlsx", merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    got = {(y, s, round(v, 1)) for _, _, y, s, _, v in planned(plan)}
    assert got == {(2025, 10, 99144.0), (2026, 10, 107529.0)}
    assert not [i for i in plan.issues if i.code in ("jump", "column_skipped")]


@pytest.mark.parametrize("name", ["居民消费价格指数(上年=100)", "商品零售价格指数（上年同期=100）"])
def test_an_indicator_named_with_its_base_year_is_not_left_out(name: str) -> None:
    """An index whose name gives its base (居民消费价格指数(上年=100)) is an indicator's
    name, not a column of this year as a percentage of last year's."""
    from bxgc_metrics.importer.layouts.vocabulary import header_role

    assert header_role(name) != "growth"


@pytest.mark.parametrize("text", ["一二三四年", "第一二三四号", "十二三四年"])
def test_chinese_numerals_that_are_no_year_are_not_read_as_one(text: str) -> None:
    """Four Chinese numerals make a year only between 1900 and 2199 and before 年."""
    from bxgc_metrics.periods import parse_text

    found = parse_text(text)
    assert found is None or found.year is None, found


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("year", ["二〇二六年", "二○二六年", "二零二六年"])
def test_a_title_with_its_year_in_chinese_numerals_names_the_indicator(
    store: Store, fmt: str, year: str
) -> None:
    """单位 | 1-10月累计 under 二〇二六年1-10月各街道地方一般公共预算收入完成情况: the year
    dates the figures and is no part of the indicator's name (it was refused as 看不出是
    哪个时期, then offered as the indicator 二〇二六年各街道地方一般公共预算收入)."""
    rows = [
        [f"{year}1-10月各街道地方一般公共预算收入完成情况", None],
        ["单位：万元", None],
        ["单位", "1-10月累计"],
        ["东城街道", 107529.1],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 107529.1)}
    assert set(plan.observations["indicator_code"]) == {"GBR"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("target", ["预期目标%", "全年目标%", "目标％", "全年目标(%)"])
def test_a_target_in_percent_under_an_amount_is_refused(
    store: Store, fmt: str, target: str
) -> None:
    """预期目标% 8.0 under 固定资产投资 (万元) is a growth target: it was stored as a target
    of 8 万元 with only a warning of completion above 300 %. A heading that ends in % gives
    its column's measure as (%) does, and % does not convert to 万元."""
    plan = run(store, report(T10, "1-10月累计", target=target, values=(8.0, 711311.2)), fmt)
    assert not plan.can_commit
    refused = [i for i in plan.errors if i.code == "measure_mismatch"]
    assert [i.column for i in refused] == ["C"], [i.zh for i in plan.issues]
    assert "“%”" in refused[0].zh and "万元" in refused[0].zh


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_rates_target_and_figure_in_percent_are_read(store: Store, fmt: str) -> None:
    """全年目标% and 1-10月% under 规上工业增加值增速 (%): the rate's own measure."""
    rows = report(
        T10.replace("固定资产投资", "规上工业增加值增速"),
        "1-10月%",
        target="全年目标%",
        line="",
        indicator="规上工业增加值增速",
        values=(7.5, 8.0),
    )
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 7.5),
        ("actual", "M", 2026, 10, True, 8.0),
    }


# --- a one-row header whose figures' period is the title's -----------------------------------


def _one_row(title: str, headings: list[str], *values: float) -> list[list]:
    """``title``, a unit line in 万元, ``单位`` and ``headings``, and 东城街道's row."""
    blank = [None] * len(headings)
    return [[title, *blank], ["单位：万元", *blank], ["单位", *headings], ["东城街道", *values]]


GBR_TITLE = "2026年1-10月各街道地方一般公共预算收入完成情况"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize(
    "ytd", ["累计完成", "本年累计", "累计", "完成数", "实际完成", "累计完成数"]
)
def test_a_bare_year_to_date_heading_takes_the_titles_months(
    store: Store, fmt: str, ytd: str
) -> None:
    """单位 | 全年目标 | 累计完成 | 完成率% under 2026年1-10月…地方一般公共预算收入…: the
    year's target and 1-10月, the rate left out with a note. The sheet was refused, each
    heading taken for an indicator (未知指标“累计完成”)."""
    rows = _one_row(GBR_TITLE, ["全年目标", ytd, "完成率%"], 133130, 107529.1, 80.8)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 133130.0),
        ("actual", "M", 2026, 10, True, 107529.1),
    }
    assert set(plan.observations["indicator_code"]) == {"GBR"}
    assert [i.column for i in plan.issues if i.code == "derived_column"] == ["D"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_bare_year_to_date_heading_beside_last_years_and_the_change(
    store: Store, fmt: str
) -> None:
    """单位 | 本年累计 | 上年同期 | 增减额 | 增减%: 1-10月 of 2026 and of 2025, the change
    and the rate left out with their notes."""
    headings = ["本年累计", "上年同期", "增减额", "增减%"]
    rows = _one_row(GBR_TITLE, headings, 107529.1, 99143.6, 8385.5, 8.5)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2026, 10, True, 107529.1),
        ("actual", "M", 2025, 10, True, 99143.6),
    }
    noted = {i.column: i.code for i in plan.issues if i.column in ("D", "E")}
    assert noted == {"D": "difference_column", "E": "derived_column"}, [i.zh for i in plan.issues]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize(
    ("this", "last"),
    [
        ("本期", "同期"),
        ("本期数", "同期数"),
        ("本期累计", "同期累计"),
        ("本期数", "上年同期数"),
        ("本年累计", "上年累计"),
        ("今年累计", "去年累计"),
        ("本月累计", "上年同期"),
    ],
)
def test_this_periods_and_the_same_period_last_years_headings(
    store: Store, fmt: str, this: str, last: str
) -> None:
    """单位 | 本期 | 同期 | 增长% under 2026年1-10月…, as statistical sheets head them: 1-10月
    of 2026 and of 2025, the growth left out with a note (the system works it out). The
    sheet was refused, each heading taken for an indicator (未知指标“本期”)."""
    rows = _one_row(GBR_TITLE, [this, last, "增长%"], 107529.1, 99143.6, 8.5)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2026, 10, True, 107529.1),
        ("actual", "M", 2025, 10, True, 99143.6),
    }
    assert not plan.warnings, [i.zh for i in plan.warnings]
    assert [i.code for i in plan.issues if i.column == "D"] == ["derived_column"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("this", ["本期", "本期数", "本期累计"])
def test_this_periods_heading_under_an_indicator_is_the_titles_months(
    store: Store, fmt: str, this: str
) -> None:
    """固定资产投资 over 全年目标 | 本期: the year's target and 1-10月. 本期 was skipped with a
    warning, and only the target read."""
    plan = run(store, report(T10, this), fmt)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 867870.0),
        ("actual", "M", 2026, 10, True, 711311.2),
    }
    assert not plan.warnings, [i.zh for i in plan.warnings]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("previous", ["上期", "上期数", "上期累计", "上月累计"])
def test_the_previous_periods_heading_is_never_last_years(
    store: Store, fmt: str, previous: str
) -> None:
    """上期 (1-9月 beside 本期 1-10月) is the period before, not the same period a year
    earlier: left out with a note."""
    rows = _one_row(GBR_TITLE, ["本期", previous], 107529.1, 97010.6)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 107529.1)}
    assert [(i.column, i.severity) for i in plan.issues if i.column == "C"] == [("C", "info")]


def test_a_cumulative_heading_under_a_month_is_january_to_that_month(store: Store) -> None:
    """单位 | 本月 | 累计 under 2026年10月…: 累计 is 1-10月; 本月 is October alone, left out
    as a 当月 column is."""
    rows = _one_row(
        "2026年10月各街道地方一般公共预算收入完成情况", ["本月", "累计"], 10519.0, 107529.1
    )
    plan = run(store, rows, "xlsx", merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 107529.1)}
    assert any(i.column == "B" and i.severity == "info" for i in plan.issues), [
        (i.code, i.zh) for i in plan.issues
    ]


@pytest.mark.parametrize(
    ("title", "headings"),
    [
        (GBR_TITLE, ["累计完成", "本年累计"]),  # two of them: which is the figure?
        ("2026年10月各街道地方一般公共预算收入完成情况", ["完成数"]),  # October, or 1-10月?
        ("2026年各街道地方一般公共预算收入完成情况", ["累计完成"]),  # a year not yet ended
        ("2026年10月各街道地方一般公共预算收入完成情况", ["本期"]),  # October, or 1-10月?
        (GBR_TITLE, ["本月完成"]),  # October alone
    ],
)
def test_a_bare_heading_the_title_does_not_settle_is_still_refused(
    store: Store, title: str, headings: list[str]
) -> None:
    rows = _one_row(title, headings, *([107529.1] * len(headings)))
    plan = run(store, rows, "xlsx", merges=[])
    assert not plan.can_commit
    assert plan.observations.empty or not (plan.observations["value_kind"] == "actual").any()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_last_years_column_beside_a_month_and_its_year_to_date_is_left_out_with_a_warning(
    store: Store, fmt: str
) -> None:
    """单位 | 本月 | 累计 | 上年同期 | 增长% under 2026年10月…: 累计 is 1-10月; 上年同期 could
    be last October or last year's 1-10月, so it is left out with a warning that asks for
    its period. The whole sheet was refused, each heading taken for an indicator."""
    rows = _one_row(
        "2026年10月各街道地方一般公共预算收入完成情况",
        ["本月", "累计", "上年同期", "增长%"],
        10519.0,
        107529.1,
        99143.6,
        8.5,
    )
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 107529.1)}
    said = {i.column: (i.severity, i.code) for i in plan.issues if i.column in ("B", "D", "E")}
    assert said == {
        "B": ("info", "column_not_imported"),
        "D": ("warning", "prior_unclear"),
        "E": ("info", "derived_column"),
    }, [i.zh for i in plan.issues]
    prior = next(i for i in plan.issues if i.code == "prior_unclear")
    assert "“上年同期”" in prior.zh and "本月" in prior.zh and "上年1-10月" in prior.zh


# --- a period over the roles, the indicator in the title ---------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_month_over_its_single_and_year_to_date_columns(store: Store, fmt: str) -> None:
    """各街道地方一般公共预算收入完成情况 over 单位 | 2026年10月 (当月 | 累计): 累计 is 1-10月
    of 地方一般公共预算收入, 当月 left out with a note. The sheet was refused, 2026年10月
    taken for an indicator whose 累计 named no period."""
    rows = [
        ["各街道地方一般公共预算收入完成情况", None, None],
        ["单位：万元", None, None],
        ["单位", "2026年10月", None],
        [None, "当月", "累计"],
        ["东城街道", 10519.0, 107529.1],
    ]
    plan = run(store, rows, fmt, merges=["A3:A4", "B3:C3"])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {("actual", "M", 2026, 10, True, 107529.1)}
    assert set(plan.observations["indicator_code"]) == {"GBR"}
    assert [i.column for i in plan.issues if i.code == "column_not_imported"] == ["B"]
    assert any(i.code == "indicator_from_title" for i in plan.issues)


def test_months_over_a_target_and_its_figure(store: Store) -> None:
    """2026年1-10月 over 全年目标 | 累计完成 | 完成率%, the indicator in the title: the year's
    target and 1-10月, the rate checked against them."""
    rows = [
        ["各街道地方一般公共预算收入完成情况", None, None, None],
        ["单位：万元", None, None, None],
        ["单位", "2026年1-10月", None, None],
        [None, "全年目标", "累计完成", "完成率%"],
        ["东城街道", 133130, 107529.1, 80.8],
    ]
    plan = run(store, rows, "xlsx", merges=["A3:A4", "B3:D3"])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("target", "Y", 2026, 0, False, 133130.0),
        ("actual", "M", 2026, 10, True, 107529.1),
    }
    assert not [i for i in plan.issues if i.code.startswith("stated_")]


# --- a title's months apart from its year ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "title",
    [
        "2026年各街道地方一般公共预算收入完成情况（1-10月）",
        "各街道1-10月地方一般公共预算收入完成情况（2026年）",
        "二〇二六年各街道地方一般公共预算收入完成情况（1-10月）",
    ],
)
def test_a_titles_months_apart_from_its_year_are_that_years(
    store: Store, fmt: str, title: str
) -> None:
    """单位 | 累计完成 | 去年同期 under 2026年各街道…（1-10月）: 1-10月 of 2026 and of 2025.
    The months were read without a year, and the sheet refused as naming no period."""
    rows = _one_row(title, ["累计完成", "去年同期"], 107529.1, 99143.6)
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert planned(plan) == {
        ("actual", "M", 2026, 10, True, 107529.1),
        ("actual", "M", 2025, 10, True, 99143.6),
    }


@pytest.mark.parametrize(
    "title",
    [
        "2025-2026年各街道地方一般公共预算收入完成情况（1-10月）",  # which year's months?
        "各街道1-10月地方一般公共预算收入（与2025年同期对比）",  # the year compared with
    ],
)
def test_a_year_that_does_not_date_a_titles_months_is_not_taken(store: Store, title: str) -> None:
    """A title opening with two years, or naming a year only for a comparison, gives its
    months no year: the sheet is refused as naming no period, as before, never dated by
    the year of the comparison (2025), where last year's figures would be replaced."""
    plan = run(store, _one_row(title, ["累计完成"], 107529.1), "xlsx", merges=[])
    assert not plan.can_commit
    assert plan.observations.empty or not (plan.observations["year"] == 2025).any()


# --- an actual figure at a frequency its indicator's own series does not read --------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_yearly_indicators_months_are_kept_and_said_to_be_shown_nowhere(
    store: Store, fmt: str
) -> None:
    """地方财政收入 is counted by the year, so no page reads its 1-10月 figure: the figure is
    kept, and the reader is told so at its cell."""
    rows = report(
        "2026年1-10月各街道地方财政收入完成情况",
        "1-10月累计",
        indicator="地方财政收入",
        line="单位：亿元",
        values=(12.0, 9.5),
    )
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert ("actual", "M", 2026, 10, True, 9.5) in planned(plan)
    said = [i for i in plan.issues if i.code == "off_frequency"]
    assert [(i.row, i.column) for i in said] == [(5, "D")]
    assert "地方财政收入" in said[0].text() and "年度" in said[0].text()
    assert "2026年1-10月" in said[0].text()
    assert "yearly" in said[0].text("en")


@pytest.mark.parametrize(
    ("indicator", "period"),
    [("高层楼宇", "2025年"), ("高层楼宇建设", "2025年10月"), ("单位GDP能耗", "2026-03")],
)
def test_every_actual_off_its_indicators_frequency_is_said(
    store: Store, indicator: str, period: str
) -> None:
    """A monthly stock's whole year, a yearly stock's month and a yearly rate's month: each
    is kept where the file puts it, which its indicator's series does not read, and said."""
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", indicator, period, 12]]
    plan = run(store, rows, "csv", merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    said = [i for i in plan.issues if i.code == "off_frequency"]
    assert [(i.row, i.column, i.value) for i in said] == [(2, "D", "12")]
    assert indicator in said[0].text()


@pytest.mark.parametrize(
    ("indicator", "period"),
    [("固定资产投资", "2026年1-10月"), ("地方财政收入", "2018年1-12月"), ("地方财政收入", "2018")],
)
def test_an_actual_its_indicators_series_reads_is_not_said_to_be_off(
    store: Store, indicator: str, period: str
) -> None:
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", indicator, period, 9.5]]
    plan = run(store, rows, "csv", merges=[])
    assert "off_frequency" not in {i.code for i in plan.issues}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("heading", "code"),
    [("同比增长", "derived_column"), ("完成率", "derived_column"), ("排名", "column_not_imported")],
)
def test_a_one_row_reports_left_out_column_names_its_heading_as_its_value(
    store: Store, fmt: str, heading: str, code: str
) -> None:
    """Each note about a column left out names the heading it stands at as its value, as
    a reader sees in the issue list's 值 column (it was empty under a one-row header)."""
    rows = [
        ["2026年1-10月各街道主要指标", None, None],
        ["单位：万元", None, None],
        ["单位", "地方一般公共预算收入", heading],
        ["东城街道", 100, 5],
        ["西城街道", 60, 6],
    ]
    plan = run(store, rows, fmt, merges=["A1:C1"])
    assert plan.can_commit, [i.text() for i in plan.errors]
    [note] = [i for i in plan.issues if i.code == code]
    assert (note.row, note.column, note.value) == (3, "C", heading)
    assert f"“{heading}”" in note.zh or heading in note.zh


# --- quarters, halves and months in other spellings, or refused --------------------------

SPELLED = [
    ("2024年Q3", ("Q", 2024, 3)),
    ("Q3 2024", ("Q", 2024, 3)),
    ("3Q2024", ("Q", 2024, 3)),
    ("3Q 2024", ("Q", 2024, 3)),
    ("2024 Q3", ("Q", 2024, 3)),
    ("2024年H1", ("H", 2024, 1)),
    ("H2 2024", ("H", 2024, 2)),
    ("2024年上半年", ("H", 2024, 1)),
    ("11/2024", ("M", 2024, 11)),
    ("2024/11", ("M", 2024, 11)),
    ("11-2024", ("M", 2024, 11)),
]
NOT_PERIODS = ["9/30/2024", "30/9/2024", "Q5 2024", "13/2024", "2024年Q", "5 2024"]


@pytest.mark.parametrize(("text", "want"), SPELLED)
def test_a_quarter_half_or_month_in_other_spellings_is_read(text: str, want: tuple) -> None:
    from bxgc_metrics.periods import parse_text

    found = parse_text(text)
    assert found is not None, text
    assert (found.freq, found.year, found.sub) == want


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_a_year_beside_other_figures_is_not_read_as_the_year(text: str) -> None:
    """9/30/2024 once read as the year 2024 (then stored as December): a text that holds
    more than a year is a period only as a whole."""
    from bxgc_metrics.periods import parse_text

    assert parse_text(text) is None, text


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize(("text", "want"), SPELLED, ids=[s[0] for s in SPELLED])
def test_a_long_sheets_spelled_period_is_stored_as_that_period(
    demo_db_template: Path, tmp_path: Path, text: str, want: tuple, fmt: str
) -> None:
    """2024年Q3 in a long sheet was stored as 2024年12月: it is the third quarter."""
    path = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, path)
    store = admin_store(path)
    rows = [["单位", "指标", "期间", "数值"], ["东城街道", "规上工业增加值增速", text, 6.1]]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    ((_kind, freq, year, sub, _cumulative, value),) = planned(plan)
    assert (freq, year, sub, value) == (*want, 6.1)
    before = _figures(store)
    commit(plan, store)
    label = Period(want[1], want[0], want[2]).label
    after = _figures(store)
    assert after[label] == 6.1
    assert {k: v for k, v in after.items() if k != label} == {
        k: v for k, v in before.items() if k != label
    }  # nothing else, not December, was written


def _figures(store: Store) -> dict[str, float]:
    """东城街道's 规上工业增加值增速 actual figures by period label."""
    stored = store.observations(unit="JD01", indicator="IVA_G", value_kind="actual")
    return dict(zip(stored["period"], stored["value"], strict=True))


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("text", ["2024年Q3", "Q3 2024", "3Q2024"])
def test_a_wide_sheets_spelled_quarter_heading_is_that_quarter(
    store: Store, text: str, fmt: str
) -> None:
    rows = [
        ["各街道规上工业增加值增速（%）", None],
        ["单位", text],
        ["东城街道", 6.1],
        ["西城街道", 5.2],
    ]
    plan = run(store, rows, fmt, merges=[])
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert {(f, y, s, v) for _k, f, y, s, _c, v in planned(plan)} == {
        ("Q", 2024, 3, 6.1),
        ("Q", 2024, 3, 5.2),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("text", NOT_PERIODS)
def test_a_long_sheets_period_holding_more_than_a_year_is_refused(
    demo_store: Store, text: str, fmt: str
) -> None:
    before = fingerprint(demo_store)
    rows = [
        ["单位", "指标", "期间", "数值"],
        ["东城街道", "规上工业增加值增速", "2024-06", 6.0],
        ["东城街道", "规上工业增加值增速", text, 6.1],
    ]
    plan = run(demo_store, rows, fmt, merges=[])
    said = [i for i in plan.errors if i.code == "bad_period"]
    assert [(i.row, i.column, i.value) for i in said] == [(3, "C", text)], [
        i.text() for i in plan.issues
    ]
    assert text in said[0].zh and text in said[0].en and said[0].sheet
    assert not plan.can_commit
    with pytest.raises(ValidationError):
        commit(plan, demo_store)
    assert fingerprint(demo_store) == before
