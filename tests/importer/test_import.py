"""The importer on real files built by code: the layouts that arrive, and what goes wrong."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
import xlsxwriter

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer.reading import Limits
from bxgc_metrics.importer.service import ImportPlan, analyse, commit
from bxgc_metrics.store import Store
from tests import sheets
from tests.conftest import fingerprint

TODAY = dt.date(2026, 11, 25)


def run(store: Store, data: bytes, name: str, **kwargs) -> ImportPlan:
    return analyse(data, name, store, today=TODAY, **kwargs)


def codes(plan: ImportPlan) -> list[str]:
    return sorted({i.code for i in plan.errors})


# --- the report-style sheet ---------------------------------------------------------------


def _stored(store: Store, unit: str, indicator: str = "GBR") -> dict:
    obs = store.observations(unit=unit, indicator=indicator)
    return {(r.value_kind, r.period): r.value for r in obs.itertuples()}


@pytest.mark.parametrize("fmt", ["xlsx", "gbk-csv"])
def test_report_sheet_imports_into_the_right_units_periods_and_kinds(
    demo_store: Store, fmt: str
) -> None:
    data, name = (
        (sheets.report_xlsx(), "报表.xlsx") if fmt == "xlsx" else (sheets.report_csv(), "报表.csv")
    )
    plan = run(demo_store, data, name)
    assert plan.sheets[0].layout == "report"
    assert plan.can_commit, [i.text() for i in plan.errors]
    matched = dict(zip(plan.unit_matches["name"], plan.unit_matches["code"], strict=True))
    assert matched == {"东城街道办事处": "JD01", "西城街道": "JD02", "黄楼镇": "XZ01"}
    result = commit(plan, demo_store, who="analyst")
    assert result.rows_read == 9
    stored = _stored(demo_store, "JD01")
    assert stored[("target", "2024")] == 82812.0
    assert stored[("actual", "2024-06")] == 41300.5
    assert stored[("actual", "2023-06")] == 38000.0  # 去年同期 is last year's figure
    obs = demo_store.observations(unit="JD01", indicator="GBR", value_kind="actual")
    assert bool(obs.set_index("period").loc["2024-06", "cumulative"]) is True


def test_report_completion_and_growth_agree_with_the_stored_values(demo_store: Store) -> None:
    commit(run(demo_store, sheets.report_xlsx(), "r.xlsx"), demo_store)
    for name, target, ytd, prior in sheets.REPORT_UNITS:
        code = {"东城街道办事处": "JD01", "西城街道": "JD02", "黄楼镇": "XZ01"}[name]
        stored = _stored(demo_store, code)
        completion = stored[("actual", "2024-06")] / stored[("target", "2024")]
        growth = stored[("actual", "2024-06")] / stored[("actual", "2023-06")] - 1
        assert f"{completion * 100:.1f}%" == f"{ytd / target * 100:.1f}%"
        assert f"{growth * 100:.1f}%" == f"{(ytd / prior - 1) * 100:.1f}%"


def test_report_total_row_is_skipped_and_checked(demo_store: Store) -> None:
    good = run(demo_store, sheets.report_xlsx(), "r.xlsx")
    assert not [i for i in good.issues if i.code == "total_mismatch"]
    assert "合计" not in set(good.unit_matches["name"])
    bad = run(demo_store, sheets.report_xlsx(total=99999.0), "r.xlsx")
    mismatch = [i for i in bad.warnings if i.code == "total_mismatch"]
    assert len(mismatch) == 1 and mismatch[0].row == 8 and mismatch[0].column == "D"
    assert "99,999.00" in mismatch[0].zh and "82,050.50" in mismatch[0].zh


def test_stated_completion_that_does_not_match_is_a_warning(demo_store: Store) -> None:
    data = sheets.xlsx_from_rows(
        [
            ["2024年1-6月完成情况"],
            ["单位：万元"],
            ["序号", "单位", "地方一般公共预算收入", None, None],
            [None, None, "全年目标", "1-6月累计", "完成率"],
            [1, "东城街道", 1000, 500, "60.0%"],
        ],
        merges=["C3:E3"],
    )
    plan = run(demo_store, data, "r.xlsx")
    found = [i for i in plan.warnings if i.code == "stated_completion_mismatch"]
    assert len(found) == 1 and found[0].column == "E" and "50.0%" in found[0].zh


def test_yi_yuan_sheet_is_converted_to_wan_yuan_and_the_preview_says_so(demo_store: Store) -> None:
    units = [("东城街道", 8.2812, 4.13005, 3.8)]
    plan = run(demo_store, sheets.report_xlsx(units, measure="亿元"), "r.xlsx")
    assert plan.can_commit
    note = [i for i in plan.issues if i.code == "converted"]
    assert note and "亿元" in note[0].zh and "万元" in note[0].zh and "10,000" in note[0].en
    values = plan.observations.set_index(["value_kind", "year"])["value"]
    assert values[("target", 2024)] == pytest.approx(82812.0)
    assert values[("actual", 2024)] == pytest.approx(41300.5)


# --- long and wide ------------------------------------------------------------------------


def test_export_then_import_round_trip_changes_nothing(demo_store: Store) -> None:
    exported = demo_store.export_long()
    exported = exported[exported["indicator"].isin(["固定资产投资", "单位GDP能耗"])]
    plan = run(demo_store, exported.to_csv(index=False).encode("utf-8"), "export.csv")
    assert plan.sheets[0].layout == "long"
    assert plan.can_commit, [i.text() for i in plan.errors][:3]
    assert plan.counts() == {"new": 0, "changed": 0, "unchanged": len(exported)}


def test_long_csv_with_chinese_kinds_and_periods(demo_store: Store) -> None:
    data = sheets.long_csv(
        [
            ("东城街道", "固定资产投资", "2024年1-6月", '"1,234.5"', "实际"),
            ("东城街道", "固定资产投资", "2027", "500000", "目标"),
            ("黄楼镇", "单位GDP能耗", "2025", "0.55", "计划"),
        ]
    )
    plan = run(demo_store, data, "long.csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = plan.observations.set_index(["unit_code", "value_kind"])
    assert got.loc[("JD01", "actual"), "value"] == 1234.5
    assert got.loc[("JD01", "actual"), "sub"] == 6 and bool(
        got.loc[("JD01", "actual"), "cumulative"]
    )
    assert got.loc[("JD01", "target"), "year"] == 2027
    assert got.loc[("XZ01", "plan"), "indicator_code"] == "ENERGY"


@pytest.mark.parametrize(
    ("header", "year", "period", "expected"),
    [
        (("单位", "指标", "年份", "月份", "数值"), "2026", "6", ("M", 2026, 6)),
        (("单位", "指标", "年份", "月份", "数值"), 2026, 6, ("M", 2026, 6)),
        (("单位", "指标", "年度", "期间", "数值"), "2026", "1-6月", ("M", 2026, 6)),
        (("单位", "指标", "年度", "期间", "数值"), "2026", "6月", ("M", 2026, 6)),
        (("单位", "指标", "年份", "季度", "数值"), "2026", "3", ("Q", 2026, 3)),
        (("单位", "指标", "年份", "季度", "数值"), "2026年", "三季度", ("Q", 2026, 3)),
        (("单位", "指标", "年份", "月份", "数值"), "2026", "2025年6月", ("M", 2025, 6)),
        (("单位", "指标", "年份", "数值", "类型"), "2026", None, ("Y", 2026, 0)),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_year_column_dates_the_period_beside_it(
    demo_store: Store, header: tuple, year: object, period: object, expected: tuple, fmt: str
) -> None:
    """年份 and 月份 (or 年度 and a period without a year, or 季度) in two columns give one
    period; a period that names its own year keeps it; a year column alone is the year."""
    fields = ["东城街道", "固定资产投资", year, period, "123.5"]
    if period is None:
        fields = ["东城街道", "固定资产投资", year, "123.5", "目标"]
    if fmt == "csv":
        data, name = sheets.long_csv([tuple(fields)], header=header), "x.csv"
    else:
        data, name = sheets.xlsx_from_rows([list(header), fields]), "x.xlsx"
    plan = run(demo_store, data, name)
    assert plan.can_commit, [i.text() for i in plan.errors]
    (row,) = plan.observations.itertuples()
    assert (row.freq, row.year, row.sub) == expected
    assert row.value == 123.5 and row.unit_code == "JD01"


def test_a_second_unit_column_beside_a_region_column_is_the_measure(demo_store: Store) -> None:
    """地区, 单位: the region names the unit, and 单位 the figures' measure (亿元 into a
    万元 indicator: ×10,000)."""
    data = sheets.long_csv(
        [("东城街道", "固定资产投资", "亿元", "2026-06", "1.5")],
        header=("地区", "指标", "单位", "期间", "数值"),
    )
    plan = run(demo_store, data, "x.csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    (row,) = plan.observations.itertuples()
    measure = demo_store.indicators().set_index("code").loc["FAI", "measure"]
    assert measure == "万元" and row.value == pytest.approx(15000.0)


def test_wide_sheet_with_year_columns_and_title_indicator(demo_store: Store) -> None:
    data = sheets.wide_xlsx(
        {"东城街道": [0.61, 0.6, "—"], "西城街道": ["0.58", 0.57, 0.55]},
        ["2019年", "2020年", "2021"],
        title="各街道单位GDP能耗（吨标准煤/万元）",
    )
    plan = run(demo_store, data, "wide.xlsx")
    assert plan.sheets[0].layout == "wide"
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert set(plan.observations["indicator_code"]) == {"ENERGY"}
    assert len(plan.observations) == 5  # the "—" cell is missing, not an error


def test_wide_sheet_of_months_converts_single_months_to_year_to_date(demo_store: Store) -> None:
    data = sheets.wide_xlsx(
        {"东城街道": [100, 200, 300]},
        ["2025年1月当月", "2025年2月当月", "2025年3月当月"],
        title="工业投资（万元）",
    )
    plan = run(demo_store, data, "m.xlsx")
    assert plan.can_commit
    assert plan.observations.sort_values("sub")["value"].tolist() == [100.0, 300.0, 600.0]
    assert plan.observations["cumulative"].all()


def test_full_width_digits_and_thousands_separators(demo_store: Store) -> None:
    data = sheets.long_csv(
        [("东城街道", "固定资产投资", "２０２４-０６", '"１２，３４５.６"', "实际")]
    )
    plan = run(demo_store, data, "fw.csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert plan.observations["value"].tolist() == [12345.6]


# --- commit, idempotence, undo, profiles --------------------------------------------------


def test_same_file_twice_changes_nothing_and_says_so(demo_store: Store) -> None:
    data = sheets.report_xlsx()
    first = commit(run(demo_store, data, "r.xlsx"), demo_store)
    before = fingerprint(demo_store)
    again = run(demo_store, data, "r.xlsx")
    assert again.same_file_batch == first.batch_id
    assert again.counts()["unchanged"] == 9
    result = commit(again, demo_store)
    assert result.batch_id is None
    assert fingerprint(demo_store)[1:] == before[1:]


def test_undo_brings_back_the_replaced_demo_values(demo_store: Store) -> None:
    before = _stored(demo_store, "JD01")
    result = commit(run(demo_store, sheets.report_xlsx(), "r.xlsx"), demo_store)
    assert _stored(demo_store, "JD01") != before
    demo_store.undo_batch(result.batch_id)
    assert _stored(demo_store, "JD01") == before


def test_near_match_needs_confirmation_and_the_profile_remembers_it(demo_store: Store) -> None:
    data = sheets.report_xlsx([("东城", 82812, 41300.5, 38000)])
    plan = run(demo_store, data, "r.xlsx")
    assert codes(plan) == ["confirm_unit"]
    assert "东城街道" in plan.errors[0].zh and plan.errors[0].row == 5
    confirmed = run(demo_store, data, "r.xlsx", mapping={"units": {"东城": "JD01"}})
    assert confirmed.can_commit
    commit(confirmed, demo_store, profile_name="财政局月报")
    assert demo_store.profile("财政局月报")["units"]["东城"] == "JD01"
    next_month = run(demo_store, data, "r.xlsx", profile="财政局月报")
    assert next_month.can_commit and not next_month.errors


def test_create_missing_makes_new_units_in_the_same_batch(demo_store: Store) -> None:
    data = sheets.report_xlsx([("新城街道", 5000, 2600, 2400)])
    assert codes(run(demo_store, data, "r.xlsx")) == ["unknown_unit"]
    plan = run(demo_store, data, "r.xlsx", create_missing=True)
    assert plan.can_commit and plan.new_units["kind"].tolist() == ["街道"]
    result = commit(plan, demo_store)
    units = demo_store.units()
    code = units.loc[units["name_zh"] == "新城街道", "code"].iloc[0]
    assert len(demo_store.observations(unit=code)) == 3
    demo_store.undo_batch(result.batch_id)
    assert demo_store.observations(unit=code).empty


def test_commit_of_a_plan_with_errors_is_refused_and_writes_nothing(demo_store: Store) -> None:
    plan = run(demo_store, sheets.report_xlsx([("不存在街道", 1, 1, 1)]), "r.xlsx")
    before = fingerprint(demo_store)
    with pytest.raises(ValidationError, match="1"):
        commit(plan, demo_store)
    assert fingerprint(demo_store) == before


def test_progress_is_reported(demo_store: Store) -> None:
    seen: list[float] = []
    run(
        demo_store, sheets.report_xlsx(), "r.xlsx", progress=lambda share, _what: seen.append(share)
    )
    assert seen[0] < 0.5 and seen[-1] == 1.0 and seen == sorted(seen)


def test_every_sheet_of_a_workbook_is_offered_and_one_can_be_chosen(demo_store: Store) -> None:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    for name, value in (("东城", 10), ("西城", 20)):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, ["单位", "指标", "期间", "数值"])
        ws.write_row(1, 0, [f"{name}街道", "固定资产投资", "2024-06", value])
    book.close()
    both = run(demo_store, buf.getvalue(), "two.xlsx")
    assert [s.name for s in both.sheets] == ["东城", "西城"] and len(both.observations) == 2
    one = run(demo_store, buf.getvalue(), "two.xlsx", sheet="西城")
    assert one.observations["unit_code"].tolist() == ["JD02"]


# --- at least fifty malformed inputs: message and an untouched database ------------------


def _encrypted() -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(sheets.report_xlsx())).encrypt("secret", out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    return buf.getvalue()


def _long(*rows: tuple, header=("单位", "指标", "期间", "数值", "类型")) -> bytes:
    return sheets.long_csv(list(rows), header=header)


R = ("东城街道", "固定资产投资", "2024-06", "1000", "实际")
_R2 = "西城街道,固定资产投资,2024-06,2"
_HEADER = ("单位", "指标", "期间", "数值", "类型")
_CODED = (*_HEADER, "unit_code", "indicator_code")
_EXPORT = [
    "unit",
    "indicator",
    "period",
    "kind",
    "value",
    "measure",
    "cumulative",
    "unit_code",
    "indicator_code",
]

MALFORMED = [
    ("empty file", b"", "x.csv", "unreadable", "空"),
    ("unsupported type", b"hello", "x.pdf", "unreadable", "不支持"),
    ("corrupt xlsx", b"PK\x03\x04" + b"garbage" * 100, "x.xlsx", "unreadable", "损坏"),
    ("not excel at all", b"just text" * 50, "x.xlsx", "unreadable", "损坏"),
    ("password protected", "encrypted", "x.xlsx", "unreadable", "密码"),
    ("zip bomb", "bomb", "x.xlsx", "unreadable", "压缩炸弹"),
    (
        "unknown encoding",
        "单位,指标\n€".encode("cp1252", errors="replace") + b"\x80\xff\xfe\x81",
        "x.csv",
        "unreadable",
        "编码",
    ),
    (
        "utf-16 without bom",
        "单位,指标,期间,数值\n东城街道,固定资产投资,2024,1\n".encode("utf-16-le"),
        "x.csv",
        "unreadable",
        "编码",
    ),
    ("empty sheet", sheets.xlsx_from_rows([]), "x.xlsx", "empty_sheet", "空"),
    ("only a title", sheets.xlsx_from_rows([["2024年报表"]]), "x.xlsx", "no_header", "表头"),
    ("only headers", _long(), "x.csv", "no_figures", "没有找到"),
    (
        "text in a number",
        _long(("东城街道", "固定资产投资", "2024-06", "一千", "实际")),
        "x.csv",
        "not_a_number",
        "一千",
    ),
    (
        "inf",
        _long(("东城街道", "固定资产投资", "2024-06", "inf", "实际")),
        "x.csv",
        "not_a_number",
        "inf",
    ),
    (
        "nan text",
        _long(("东城街道", "固定资产投资", "2024-06", "NaN%x", "实际")),
        "x.csv",
        "not_a_number",
        "NaN%x",
    ),
    (
        "a footnote mark after a figure",
        _long(("东城街道", "固定资产投资", "2024-06", "500①", "实际")),
        "x.csv",
        "not_a_number",
        "500①",
    ),
    (
        "a superscript mark after a figure, in a workbook",
        sheets.xlsx_from_rows(
            [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", "2024-06", "500.5¹"]]
        ),
        "x.xlsx",
        "not_a_number",
        "500.5¹",
    ),
    (
        "a long sheet's period typed as a number (2026.10 held as 2026.1)",
        sheets.xlsx_from_rows(
            [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", 2026.10, 1]]
        ),
        "x.xlsx",
        "number_period",
        "“2026.1”",
    ),
    (
        "a wide sheet's months typed as numbers",
        sheets.xlsx_from_rows(
            [["单位", "指标", 2026.09, 2026.10], ["东城街道", "固定资产投资", 5, 6]]
        ),
        "x.xlsx",
        "number_period",
        "“2026.1”",
    ),
    (
        "a space inside a figure",
        _long(("东城街道", "固定资产投资", "2024-06", "1.5 2", "实际")),
        "x.csv",
        "not_a_number",
        "1.5 2",
    ),
    (
        "two lines in a figure's cell",
        _long(("东城街道", "固定资产投资", "2024-06", '"100\n5"', "实际")),
        "x.csv",
        "not_a_number",
        "100",
    ),
    (
        "unknown unit",
        _long(("火星街道", "固定资产投资", "2024-06", "1", "实际")),
        "x.csv",
        "unknown_unit",
        "火星街道",
    ),
    (
        "unknown indicator",
        _long(("东城街道", "幸福指数", "2024-06", "1", "实际")),
        "x.csv",
        "unknown_indicator",
        "幸福指数",
    ),
    (
        "near unit",
        _long(("东城", "固定资产投资", "2024-06", "1", "实际")),
        "x.csv",
        "confirm_unit",
        "东城街道",
    ),
    (
        "bad period",
        _long(("东城街道", "固定资产投资", "2024年13月", "1", "实际")),
        "x.csv",
        "bad_period",
        "2024年13月",
    ),
    (
        "period text",
        _long(("东城街道", "固定资产投资", "去年", "1", "实际")),
        "x.csv",
        "bad_period",
        "去年",
    ),
    (
        "year too early",
        _long(("东城街道", "固定资产投资", "1900", "1", "实际")),
        "x.csv",
        "year_out_of_range",
        "1900",
    ),
    (
        "actual in the future",
        _long(("东城街道", "固定资产投资", "2031-06", "1", "实际")),
        "x.csv",
        "actual_in_future",
        "2031",
    ),
    (
        "bad kind",
        _long(("东城街道", "固定资产投资", "2024-06", "1", "估计")),
        "x.csv",
        "bad_value_kind",
        "估计",
    ),
    (
        "duplicate rows with different values",
        _long(R, ("东城街道", "固定资产投资", "2024-06", "2000", "实际")),
        "x.csv",
        "duplicate_conflict",
        "东城街道",
    ),
    (
        "negative where forbidden",
        _long(("东城街道", "固定资产投资", "2024-06", "-5", "实际")),
        "x.csv",
        "negative_value",
        "-5",
    ),
    (
        "measure that does not convert",
        sheets.report_xlsx(measure="个"),
        "x.xlsx",
        "measure_mismatch",
        "个",
    ),
    (
        "report without a period",
        sheets.report_xlsx(title="各街道地方一般公共预算收入完成情况"),
        "x.xlsx",
        "no_period",
        "时期",
    ),
    (
        "missing value column",
        _long(R[:3], header=("单位", "指标", "期间")),
        "x.csv",
        "missing_columns",
        "数值",
    ),
    ("no sheet of that name", sheets.report_xlsx(), "x.xlsx", "no_such_sheet", "没有名为"),
    (
        "wide without unit column",
        sheets.xlsx_from_rows([["2019", "2020"], [1, 2], [3, 4]]),
        "x.xlsx",
        "no_unit_column",
        "单位",
    ),
    (
        "merged-cell jungle",
        sheets.xlsx_from_rows(
            [["汇总"] * 6, ["汇总"] * 6, [None, "说明", None, None, None, None], ["注：见附件"]],
            merges=["A1:F2", "B3:F3"],
        ),
        "x.xlsx",
        "no_header",
        "表头",
    ),
    (
        "single months with a gap",
        sheets.wide_xlsx(
            {"东城街道": [100, 300]}, ["2025年1月当月", "2025年3月当月"], title="工业投资（万元）"
        ),
        "x.xlsx",
        "months_missing",
        "1月",
    ),
    (
        "report with no data rows",
        sheets.xlsx_from_rows(
            [
                ["2024年1-6月"],
                ["序号", "单位", "固定资产投资"],
                [None, None, "1-6月累计"],
                ["注：无"],
            ]
        ),
        "x.xlsx",
        "no_data_rows",
        "数据行",
    ),
    # issue 12: classes of files that once imported wrong figures, or raised
    (
        "open quote swallows rows",
        sheets.text_file(
            ["单位,指标,期间,数值,备注", '东城街道,固定资产投资,2024-06,1,"待核', _R2]
        ),
        "x.csv",
        "unclosed_quote",
        "引号",
    ),
    (
        "open quote swallows rows, gbk",
        sheets.text_file(
            ["单位,指标,期间,数值,备注", '东城街道,固定资产投资,2024-06,1,"待核', _R2], "gbk"
        ),
        "x.csv",
        "unclosed_quote",
        "第2行",
    ),
    (
        "open quote swallows rows, utf-16",
        sheets.text_file(
            [
                "单位,指标,期间,数值,备注",
                '东城街道,固定资产投资,2024-06,1,"待核',
                _R2,
                '南关街道,固定资产投资,2024-06,1,"x"',
            ],
            "utf-16",
        ),
        "x.csv",
        "unclosed_quote",
        "引号",
    ),
    (
        "indicator name two share",
        _long(("东城街道", "基础设施投资", "2024-06", "1", "实际")),
        "x.csv",
        "ambiguous_indicator",
        "P4_INFRA",
    ),
    (
        "english name two share",
        _long(("东城街道", "Industrial investment", "2024-06", "1", "实际")),
        "x.csv",
        "ambiguous_indicator",
        "P4_IND_INV",
    ),
    (
        "unknown unit code",
        _long((*R, "JD77", "FAI"), header=_CODED),
        "x.csv",
        "unknown_unit_code",
        "JD77",
    ),
    (
        "code and name disagree",
        _long((*R, "JD02", "FAI"), header=_CODED),
        "x.csv",
        "code_name_mismatch",
        "西城街道",
    ),
    (
        "decimal comma",
        _long(("东城街道", "固定资产投资", "2024-06", '"389005,5"', "实际")),
        "x.csv",
        "ambiguous_number",
        "389005,5",
    ),
    (
        "european thousands",
        _long(("东城街道", "固定资产投资", "2024-06", '"322.600,5"', "实际")),
        "x.csv",
        "ambiguous_number",
        "322.600,5",
    ),
    (
        "excel error text",
        _long(("东城街道", "固定资产投资", "2024-06", "#DIV/0!", "实际")),
        "x.csv",
        "excel_error",
        "#DIV/0!",
    ),
    (
        "infinite after conversion",
        _long((*R[:3], "1e308", "实际", "亿元"), header=(*_HEADER, "计量单位")),
        "x.csv",
        "too_large",
        "1e308",
    ),
    (
        "percent in a money column",
        _long(("东城街道", "固定资产投资", "2024-06", "38%", "实际")),
        "x.csv",
        "percent_in_amount",
        "38%",
    ),
    ("formula never calculated", "formula", "x.xlsx", "formula_not_calculated", "D2*2"),
    ("formula with a cached 0", "formula0", "x.xlsx", "formula_not_calculated", "D2*2"),
    ("excel error cell", "error cell", "x.xlsx", "excel_error", "#DIV/0!"),
    (
        "value merged over three units",
        sheets.xlsx_from_rows(
            [["2024年1-6月"], ["单位", "固定资产投资"], ["东城街道", 9], ["西城街道"], ["黄楼镇"]],
            merges=["B3:B5"],
        ),
        "x.xlsx",
        "merged_value",
        "B3:B5",
    ),
    (
        "two value columns",
        _long(
            ("东城街道", "固定资产投资", "2024-06", "3", "1200"),
            header=(*_HEADER[:3], "数量", "金额"),
        ),
        "x.csv",
        "two_value_columns",
        "金额",
    ),
    (
        "parenthesised qualifier",
        _long(("东城街道（新区）", "固定资产投资", "2024-06", "1", "实际")),
        "x.csv",
        "confirm_unit",
        "东城街道",
    ),
    ("over the upload limit", "too large", "x.csv", "file_too_large", "MB"),
    ("16,384 columns csv", "wide csv", "x.csv", "too_many_columns", "16,384"),
    ("20,000 columns csv", "wider csv", "x.csv", "too_many_columns", "20,000"),
    ("16,384 columns xlsx", "wide xlsx", "x.xlsx", "too_many_columns", "16,384"),
    ("header-only export csv", sheets.grid([_EXPORT], "csv")[0], "x.csv", "no_figures", "没有找到"),
    (
        "header-only export xlsx",
        sheets.grid([_EXPORT], "xlsx")[0],
        "x.xlsx",
        "no_figures",
        "没有找到",
    ),
    (
        "gbk after a utf-8 bom",
        b"\xef\xbb\xbf" + "单位,指标,期间,数值\n东城街道,固定资产投资,2024-06,1\n".encode("gbk"),
        "x.csv",
        "bad_encoding",
        "UTF-8",
    ),
    (
        "odd-length utf-16",
        b"\xff\xfe"
        + "单位,指标,期间,数值\n东城街道,固定资产投资,2024-06,1".encode("utf-16-le")
        + b"\0",
        "x.csv",
        "bad_encoding",
        "UTF-16",
    ),
    ("20 MB cell", "huge cell", "x.csv", "cell_too_long", "字符"),
]

_LAZY = {
    "encrypted": _encrypted,
    "bomb": _zip_bomb,
    "formula": lambda: sheets.formula_xlsx(None),
    "formula0": lambda: sheets.formula_xlsx(0),
    "error cell": lambda: sheets.formula_xlsx("#DIV/0!", calculated_by_excel=True),
    "too large": lambda: b"x" * (Limits().max_bytes + 1),
    "wide csv": lambda: sheets.many_columns(16_384, "csv"),
    "wider csv": lambda: sheets.many_columns(20_000, "csv"),
    "wide xlsx": lambda: sheets.many_columns(16_384, "xlsx"),
    "huge cell": lambda: sheets.text_file(
        ["单位,指标,期间,数值,备注", f"{_R2},{'x' * 20_000_000}"]
    ),
}
"""Files built only when their case runs: large, or slow to make."""


@pytest.mark.parametrize(
    ("label", "data", "name", "code", "words"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_input_is_named_and_the_database_is_unchanged(
    demo_store: Store, label: str, data: bytes | str, name: str, code: str, words: str
) -> None:
    payload = _LAZY[data]() if isinstance(data, str) else data
    before = fingerprint(demo_store)
    kwargs = {"sheet": "nope"} if code == "no_such_sheet" else {}
    plan = run(demo_store, payload, name, **kwargs)
    assert code in codes(plan), [i.text() for i in plan.issues]
    found = next(i for i in plan.errors if i.code == code)
    assert words in found.zh, found.zh
    assert found.en and found.sheet
    filewide = ("unreadable", "file_too_large", "too_many_columns", "no_such_sheet")
    if code not in (*filewide, "no_figures", "empty_sheet", "no_header"):
        assert found.row is not None or code in ("measure_mismatch",)
    assert not plan.can_commit
    with pytest.raises(ValidationError):
        commit(plan, demo_store)
    assert fingerprint(demo_store) == before


def test_there_are_at_least_fifty_malformed_cases_and_the_readme_says_how_many() -> None:
    assert len(MALFORMED) >= 50 and len({m[0] for m in MALFORMED}) == len(MALFORMED)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    assert f"`tests/importer/test_import.py`, {len(MALFORMED)} cases" in readme


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        (
            [
                ("东城街道", "固定资产投资", "2024-06", "50", "实际"),
                ("东城街道", "固定资产投资", "2024-05", "80", "实际"),
            ],
            "cumulative_drop",
        ),
        ([("东城街道", "地方一般公共预算收入", "2026-06", "3000000", "实际")], "jump"),
        (
            [("东城街道", "地方一般公共预算收入", "2026-06", "900000", "实际")],
            "completion_over_300",
        ),
        ([R, R], "duplicate_same"),
    ],
)
def test_warnings_are_shown_but_allowed(demo_store: Store, rows: list, code: str) -> None:
    plan = run(demo_store, _long(*rows), "w.csv")
    assert code in {i.code for i in plan.warnings}, [i.text() for i in plan.issues]
    assert plan.can_commit


# --- the column-wise long reader gives what the cell-by-cell one gives -------------------

_MESSY = [
    ("东城街道", "固定资产投资", "2024-06", "1,000", "实际"),
    ("东城街道办事处", "固定资产投资", "2024-07", "１２００", "实际"),
    (" 西城街道 ", "固定资产投资", "2024年8月", "—", "实际"),
    ("西城街道", "固定资产投资", "2024", "3000", "目标"),
    ("东城街道", "固定资产投资", "2024-05", "abc", "实际"),
    ("东城街道", "固定资产投资", "2024年13月", "1", "实际"),
    ("东城街道", "固定资产投资", "2024-04", "2", "估计"),
    ("火星街道", "固定资产投资", "2024-04", "2", "实际"),
    ("东城街道", "固定资产投资", "2024-03", "12%", "plan"),
    ("东城街道", "固定资产投资", "2024-02", "1e5", "实际"),
    ("东城街道", "固定资产投资", "2024-02", "7", "实际"),
    ("", "", "", "", ""),
]


def _plan_summary(plan: ImportPlan) -> tuple:
    def rows(frame):
        return frame.astype(object).where(frame.notna(), None).values.tolist()

    return (
        [(i.severity, i.code, i.sheet, i.row, i.column, i.value, i.zh, i.en) for i in plan.issues],
        rows(plan.observations),
        rows(plan.preview),
        [tuple(vars(s).values()) for s in plan.sheets],
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "csv-gbk"])
def test_long_sheets_read_by_column_as_cell_by_cell(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    header = ("单位", "指标", "期间", "数值", "类型")
    if fmt == "xlsx":
        data = sheets.xlsx_from_rows([["2024年报表"], list(header), *map(list, _MESSY * 3)])
    else:
        data = _long(*(_MESSY * 3), header=header)
        data = data.decode("utf-8-sig").encode("gb18030") if fmt == "csv-gbk" else data
    name = f"m.{fmt.split('-')[0]}"
    by_column = run(demo_store, data, name)
    from bxgc_metrics.importer.layouts import detect

    monkeypatch.setattr(detect, "HEAD_ROWS", 0)  # the header found in the whole sheet
    by_cell = run(demo_store, data, name)
    assert _plan_summary(by_column) == _plan_summary(by_cell)
    assert {"not_a_number", "bad_period", "bad_value_kind", "unknown_unit"} <= set(codes(by_column))


def _unknown_indicator(plan: ImportPlan) -> tuple[str, int | None, str | None, object]:
    (found,) = [i for i in plan.errors if "未知指标" in i.text("zh")]
    return found.sheet, found.row, found.column, found.value


def test_an_unknown_indicator_is_named_where_the_sheet_names_it(demo_store: Store) -> None:
    """Each layout names the indicator in its own place, and the error points there: a
    report's merged header (C3, not the first figure's row), a wide sheet's title (A1) or
    its indicator column on the row, a long sheet's indicator column on the row."""
    report = sheets.xlsx_from_rows(
        [
            ["2024年1-6月各街道神秘指标完成情况"],
            ["单位：万元"],
            ["序号", "单位", "神秘指标", None],
            [None, None, "全年目标", "1-6月累计"],
            [1, "东城街道", 8.2812, 4.13005],
            [2, "西城街道", 8.0, 4.0],
        ],
        merges=["C3:D3"],
    )
    assert _unknown_indicator(run(demo_store, report, "r.xlsx")) == ("Sheet1", 3, "C", "神秘指标")
    titled = sheets.wide_xlsx(
        {"东城街道": [1.0, 2.0], "西城街道": [3.0, 4.0]}, ["2019年", "2020年"],
        title="各街道神秘指标（万元）",
    )  # fmt: skip
    assert _unknown_indicator(run(demo_store, titled, "w.xlsx")) == ("Sheet1", 1, "A", "神秘指标")
    columned = sheets.xlsx_from_rows(
        [["单位", "指标", "2019年", "2020年"], ["东城街道", "神秘指标", 1.0, 2.0]]
    )
    assert _unknown_indicator(run(demo_store, columned, "c.xlsx")) == ("Sheet1", 2, "B", "神秘指标")
    long = _long(("东城街道", "神秘指标", "2024-06", "1000", "实际"))
    assert _unknown_indicator(run(demo_store, long, "l.csv")) == ("l", 2, "B", "神秘指标")


def test_a_period_typed_as_a_number_is_read_where_its_month_can_be_told(
    demo_store: Store,
) -> None:
    """2026.06 and 2026.12 typed as numbers say their month; only x.1 (1月 or 10月) is
    refused (see the malformed cases)."""
    long = sheets.xlsx_from_rows(
        [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", 2026.06, 7]]
    )
    plan = run(demo_store, long, "x.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    (row,) = plan.observations.itertuples()
    assert (row.freq, row.year, row.sub) == ("M", 2026, 6)
    wide = sheets.xlsx_from_rows(
        [["单位", "指标", 2025.09, 2025.12], ["东城街道", "固定资产投资", 5, 6]]
    )
    plan = run(demo_store, wide, "w.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["sub"].tolist()) == [9, 12]


@pytest.mark.parametrize(
    ("title", "heading", "expected"),
    [
        ("2026年1-10月各街道固定资产投资完成情况", "上年1-10月", ("M", 2025, 10)),
        ("2026年1-10月各街道固定资产投资完成情况", "上年完成", ("M", 2025, 10)),
        ("2026年1-10月各街道固定资产投资完成情况", "去年实际", ("M", 2025, 10)),
        ("2026年1-10月各街道固定资产投资完成情况", "上年同期", ("M", 2025, 10)),
        ("2026年各街道固定资产投资完成情况", "10月完成", ("M", 2026, 10)),
        ("2026年各街道固定资产投资完成情况", "10月实际", ("M", 2026, 10)),
        ("2026年1-10月各街道固定资产投资完成情况", "1-10月累计", ("M", 2026, 10)),
    ],
)
def test_a_report_columns_heading_says_whose_year_and_month_it_holds(
    demo_store: Store, title: str, heading: str, expected: tuple
) -> None:
    """上年… and 去年… are last year's figures, not this year's; 10月完成 under a title of
    the year is October's, not the year's."""
    rows = [
        [title],
        ["单位：万元"],
        ["序号", "单位", "固定资产投资", None],
        [None, None, "全年目标", heading],
        [1, "东城街道", 1000, 500.5],
        [2, "西城街道", 2000, 800],
    ]
    data = sheets.xlsx_from_rows(rows, merges=["A3:A4", "B3:B4", "C3:D3"])
    plan = run(demo_store, data, "r.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    obs = plan.observations
    actual = obs[obs["value_kind"] == "actual"].set_index("unit_code")
    assert tuple(actual.loc["JD01", ["freq", "year", "sub"]]) == expected
    assert actual.loc["JD01", "value"] == 500.5 and actual.loc["JD02", "value"] == 800
    target = obs[obs["value_kind"] == "target"].set_index("unit_code")
    assert tuple(target.loc["JD01", ["freq", "year", "sub"]]) == ("Y", 2026, 0)


@pytest.mark.parametrize(
    ("heading", "code", "words"),
    [
        ("本月", "column_not_imported", "本月"),
        ("当月完成", "column_not_imported", "当月完成"),
        ("排名", "column_not_imported", "排名"),
        ("", "untitled_column", "没有列标题"),
    ],
)
def test_a_report_column_left_out_is_said(
    demo_store: Store, heading: str, code: str, words: str
) -> None:
    """A report's 本月 or 排名 column is not imported (the year-to-date figures are, and the
    places are the system's own), and a column of figures without a heading cannot be; each
    is said at its column rather than dropped without a word."""
    rows = [
        ["2026年1-10月各街道固定资产投资完成情况"],
        ["单位：万元"],
        ["序号", "单位", "固定资产投资", None, "固定资产投资"],
        [None, None, "全年目标", "1-10月累计", heading],
        [1, "东城街道", 1000, 500.5, 7],
        [2, "西城街道", 2000, 800, 9],
    ]
    if not heading:
        rows[2][4] = None
    data = sheets.xlsx_from_rows(rows, merges=["A3:A4", "B3:B4", "C3:D3"])
    plan = run(demo_store, data, "r.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    said = [i for i in plan.issues if i.code == code]
    assert len(said) == 1 and said[0].column == "E", [i.text() for i in plan.issues]
    assert words in said[0].zh and said[0].en
    assert sorted(plan.observations["value"].tolist()) == [500.5, 800.0, 1000.0, 2000.0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize(
    ("heading", "cells"),
    [("目标值", [900, 800]), ("全年目标", ["900", "800.5"]), ("排名", [1, 2]), ("", [9, 8])],
)
def test_a_long_sheets_column_of_figures_left_out_is_said(
    demo_store: Store, fmt: str, heading: str, cells: list
) -> None:
    """A long sheet imports one figure a row, from its 数值 (or 完成值) column: another
    column of figures (目标值 beside 完成值, a rank) is not imported, and says so at its
    heading rather than being dropped without a word; a 备注 column of numbers says nothing."""
    rows = [
        ["单位", "指标", "期间", heading, "完成值", "备注"],
        ["东城街道", "固定资产投资", "2026-10", cells[0], 100, 1],
        ["西城街道", "固定资产投资", "2026-10", cells[1], 40, 2],
    ]
    plan = run(demo_store, *sheets.grid(rows, fmt))
    assert plan.can_commit, [i.text() for i in plan.errors]
    said = [i for i in plan.issues if i.code == "column_left_out"]
    assert [(i.severity, i.row, i.column, i.value) for i in said] == [("warning", 1, "D", heading)]
    assert "完成值" in said[0].zh and "完成值" in said[0].en
    assert ("类型" in said[0].zh and "目标" in said[0].zh) and "kind" in said[0].en
    assert sorted(plan.observations["value"].tolist()) == [40.0, 100.0]


def test_a_long_sheets_column_of_names_is_not_said(demo_store: Store) -> None:
    rows = [
        ["单位", "指标", "期间", "数值", "责任科室", "联系电话"],
        ["东城街道", "固定资产投资", "2026-10", 100, "经济科", "0536-1234567"],
    ]
    plan = run(demo_store, *sheets.grid(rows, "csv"))
    assert plan.can_commit and not [i for i in plan.issues if i.code == "column_left_out"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("layout", ["wide", "report"])
def test_subtotal_and_of_which_rows_are_left_out_with_a_note(
    demo_store: Store, fmt: str, layout: str
) -> None:
    """A 其中 row (part of the unit above it) or a 小计 row would count figures twice:
    it is not imported, and the note says which rows were left out."""
    if layout == "wide":
        rows = [["单位", "指标", "2023年", "2024年"]]
        body = [
            ["东城街道", "规上工业增加值增速", 7.1, 6.5],
            ["其中：东城社区", "规上工业增加值增速", 3.0, 2.0],
            ["西城街道", "规上工业增加值增速", 6.0, 5.5],
            ["小计", "规上工业增加值增速", 13.1, 12.0],
        ]
        first = 3
    else:
        rows = [
            ["2026年1-10月各街道固定资产投资完成情况", None, None],
            ["单位：万元", None, None],
            ["单位", "固定资产投资", None],
            [None, "全年目标", "1-10月累计"],
        ]
        body = [
            ["东城街道", 1000, 500.5],
            ["其中：东城社区", 300, 100],
            ["西城街道", 2000, 800],
            ["小计", 3000, 1300.5],
        ]
        first = 6
    plan = run(demo_store, *sheets.grid(rows + body, fmt))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 4
    said = [i for i in plan.issues if i.code == "subtotal_rows"]
    assert [(i.severity, i.row, i.column) for i in said] == [("info", first, "A")]
    assert said[0].value == "其中：东城社区"
    assert f"第{first}、{first + 2}行" in said[0].zh and f"rows {first}, {first + 2}" in said[0].en


@pytest.mark.parametrize("layout", ["report", "wide"])
@pytest.mark.parametrize("create", [False, True])
def test_a_total_row_is_checked_against_every_unit_row_known_or_not(
    demo_store: Store, layout: str, create: bool
) -> None:
    """A 合计 row is the file's own sum: a unit not yet known (asked about, or to be
    created) still counts in it, so a right total draws no warning and a wrong one is
    compared with the sum of every row."""
    new = ("新城街道", 10000, 5000.0, 4000)

    def sheet(total: float | None) -> bytes:
        if layout == "report":
            return sheets.report_xlsx([*sheets.REPORT_UNITS, new], total=total)
        rows = {
            "东城街道": [41300.5, 45000.0],
            "西城街道": [30250.0, 33000.0],
            "新城街道": [5000.0, 5500.0],
        }
        sums = [sum(v[i] for v in rows.values()) for i in range(2)]
        if total is not None:
            sums[0] = total
        return sheets.wide_xlsx(
            {**rows, "合计": sums}, ["2019年", "2020年"], title="各街道工业投资（万元）"
        )

    right = run(demo_store, sheet(None), f"{layout}.xlsx", create_missing=create)
    matched = dict(zip(right.unit_matches["name"], right.unit_matches["code"], strict=True))
    assert (matched["新城街道"] is None) is not create  # asked about, or a new code
    assert not [i for i in right.issues if i.code == "total_mismatch"], [
        i.zh for i in right.issues if i.code == "total_mismatch"
    ]
    wrong = run(demo_store, sheet(99999.0), f"{layout}.xlsx", create_missing=create)
    mismatch = [i for i in wrong.warnings if i.code == "total_mismatch"]
    every = 41300.5 + 30250 + 10500 + 5000 if layout == "report" else 41300.5 + 30250 + 5000
    assert len(mismatch) == 1 and f"{every:,.2f}" in mismatch[0].zh, [i.zh for i in mismatch]


NUMBERED = (
    ("（一）东城街道", "（二）西城街道", "（三）黄楼镇"),
    ("一、东城街道", "二、西城街道", "三、黄楼镇"),
    ("(一)东城街道", "(二)西城街道", "(三)黄楼镇"),
)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("numbered", NUMBERED)
def test_units_numbered_as_groups_are_read_when_no_unit_is_under_them(
    demo_store: Store, numbered: tuple[str, str, str], fmt: str
) -> None:
    """A sheet that numbers its units (（一）东城街道) as another numbers its groups: with
    no plain unit row under any of them, each is its unit, where the sheet was refused as
    having no figures."""
    rows = [
        ["2026年1-10月各街道地方一般公共预算收入完成情况", None],
        ["单位：万元", None],
        ["单位", "1-10月累计"],
        *[[n, v] for n, v in zip(numbered, (100.0, 60.0, 50.0), strict=True)],
        ["合  计", 210.0],
    ]
    data, name = sheets.grid(rows, fmt)
    plan = run(demo_store, data, name, create_missing=True)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert not [i for i in plan.issues if i.code == "subtotal_rows"]
    assert plan.new_units.empty
    got = dict(zip(plan.observations["unit_code"], plan.observations["value"], strict=True))
    assert got == {"JD01": 100.0, "JD02": 60.0, "XZ01": 50.0}
    assert not [i for i in plan.issues if i.code == "total_mismatch"]


SERIALS = ("①", "⑴", "⒈", "1.", "1、", "1．", "(1)", "（1）", "1 . ", "（一）", "一、")
_NTH = {"①": "①②③", "⑴": "⑴⑵⑶", "⒈": "⒈⒉⒊", "1": "123", "一": "一二三"}


def _nth(serial: str, n: int) -> str:
    """``serial`` (the first) as the ``n``-th: ``（一）`` → ``（三）``."""
    return "".join(_NTH[c][n - 1] if c in _NTH else c for c in serial)


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
@pytest.mark.parametrize("serial", SERIALS)
def test_a_units_serial_number_is_no_part_of_its_name(
    demo_store: Store, serial: str, fmt: str
) -> None:
    """东城街道 numbered ①, 1., (1), （一） … is 东城街道 (it was a name to confirm, and a
    unit created under it kept the number); a new unit so numbered is created without it."""
    if fmt == "gbk" and serial[0] in "①⑴⒈":
        pytest.skip("GBK has no circled or parenthesised digits")
    names = ("东城街道", "西城街道", "滨海新区")
    rows = [
        ["2026年1-10月各街道地方一般公共预算收入完成情况", None],
        ["单位：万元", None],
        ["单位", "1-10月累计"],
        *[
            [f"{_nth(serial, n)}{u}", v]
            for n, (u, v) in enumerate(zip(names, (100.0, 60.0, 5.0), strict=True), 1)
        ],
    ]
    data, name = sheets.grid(rows, fmt)
    plan = run(demo_store, data, name, create_missing=True)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert list(plan.new_units["name_zh"]) == ["滨海新区"]
    new = str(plan.new_units["code"].iloc[0])
    got = dict(zip(plan.observations["unit_code"], plan.observations["value"], strict=True))
    assert got == {"JD01": 100.0, "JD02": 60.0, new: 5.0}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_numbered_groups_over_numbered_units_are_groups(demo_store: Store, fmt: str) -> None:
    """一、街道 over （一）东城街道: the first level is the groups, left out with a note, and
    the second the units."""
    rows = [
        ["2026年1-10月各街道地方一般公共预算收入完成情况", None],
        ["单位：万元", None],
        ["单位", "1-10月累计"],
        ["一、街道", 160.0],
        ["（一）东城街道", 100.0],
        ["（二）西城街道", 60.0],
        ["二、乡镇", 50.0],
        ["（一）黄楼镇", 50.0],
    ]
    data, name = sheets.grid(rows, fmt)
    mapping = {
        "units": {"（一）东城街道": "JD01", "（二）西城街道": "JD02", "（一）黄楼镇": "XZ01"}
    }
    plan = run(demo_store, data, name, mapping=mapping, create_missing=True)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert plan.new_units.empty
    got = dict(zip(plan.observations["unit_code"], plan.observations["value"], strict=True))
    assert got == {"JD01": 100.0, "JD02": 60.0, "XZ01": 50.0}
    [note] = [i for i in plan.issues if i.code == "subtotal_rows"]
    assert note.row == 4


@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize(
    ("grand", "groups"),
    [
        ("全区合计", ("街道合计", "乡镇合计")),
        ("合  计", ("一、街道", "二、乡镇")),
        ("全区", ("（一）街道小计", "（二）乡镇小计")),
        ("总计", ("街道", "乡镇")),
    ],
)
def test_total_and_group_rows_are_never_units(
    demo_store: Store, grand: str, groups: tuple[str, str], create: bool
) -> None:
    """A grand total is checked against the units' sum, a group's row (街道合计, 一、街道)
    is left out with a note: neither is asked about as an unknown unit, nor created as one
    when unknown units are to be created, where 全区合计 became a unit that ranked first."""
    streets, towns = [("东城街道", 100.0), ("西城街道", 60.0)], [("黄楼镇", 50.0)]
    rows = [
        ["2026年1-10月各街道地方一般公共预算收入完成情况", None],
        ["单位：万元", None],
        ["单位", "1-10月累计"],
        [grand, 210.0],
        [groups[0], 160.0],
        *[[n, v] for n, v in streets],
        [groups[1], 50.0],
        *[[n, v] for n, v in towns],
    ]
    plan = run(demo_store, sheets.xlsx_from_rows(rows), "r.xlsx", create_missing=create)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert plan.new_units.empty
    assert sorted(plan.observations["unit_code"]) == ["JD01", "JD02", "XZ01"]
    assert not [i for i in plan.issues if i.code == "total_mismatch"]
    [note] = [i for i in plan.issues if i.code == "subtotal_rows"]
    assert note.row == 5
    wrong = [r if r[0] != grand else [grand, 999.0] for r in rows]
    plan = run(demo_store, sheets.xlsx_from_rows(wrong), "r.xlsx", create_missing=create)
    assert [i.row for i in plan.warnings if i.code == "total_mismatch"] == [4]


TOTALS = ("合计：", "汇总", "全区汇总", "全区（合计）", "总 计:", "Total:")
AVERAGES = ("平均", "全区平均", "平均值", "全区（平均）")


def _with_last_row(layout: str, name: str, figure: float, fmt: str) -> tuple[bytes, str]:
    """东城街道 100 and 西城街道 60 (2026年1-10月 地方一般公共预算收入) and a last row
    ``name`` with ``figure``, as a report-style, a wide or a long sheet."""
    units = [("东城街道", 100.0), ("西城街道", 60.0), (name, figure)]
    if layout == "long":
        rows = [["单位", "指标", "期间", "数值"]]
        rows += [[n, "地方一般公共预算收入", "2026年1-10月", v] for n, v in units]
    elif layout == "wide":
        rows = [["各街道地方一般公共预算收入（万元）", None], ["单位", "2026年1-10月"]]
        rows += [[n, v] for n, v in units]
    else:
        rows = [
            ["2026年1-10月各街道地方一般公共预算收入完成情况", None],
            ["单位：万元", None],
            ["单位", "1-10月累计"],
            *[[n, v] for n, v in units],
        ]
    return sheets.grid(rows, fmt)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("layout", ["report", "wide", "long"])
@pytest.mark.parametrize("total", TOTALS)
def test_a_total_row_however_spelled_is_checked_never_a_unit(
    store: Store, total: str, layout: str, fmt: str
) -> None:
    """合计：, 汇总, 全区（合计）… were units (created, they ranked first): each is the
    file's total, checked against the units' sum."""
    right = run(store, *_with_last_row(layout, total, 160.0, fmt), create_missing=True)
    assert right.can_commit, [i.zh for i in right.errors]
    assert right.new_units.empty, right.new_units
    got = dict(zip(right.observations["unit_code"], right.observations["value"], strict=True))
    assert got == {"JD01": 100.0, "JD02": 60.0}
    assert not [i for i in right.issues if i.code == "total_mismatch"]
    wrong = run(store, *_with_last_row(layout, total, 999.0, fmt))
    assert wrong.can_commit, [i.zh for i in wrong.errors]
    mismatch = [i for i in wrong.warnings if i.code == "total_mismatch"]
    assert len(mismatch) == 1 and "160.00" in mismatch[0].zh, [i.zh for i in wrong.issues]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("layout", ["report", "wide", "long"])
@pytest.mark.parametrize("average", AVERAGES)
def test_an_average_row_is_left_out_with_a_note_never_a_unit(
    store: Store, average: str, layout: str, fmt: str
) -> None:
    """平均 or 全区平均 is no unit (created, it would be ranked) and no sum: it is left out
    with a note, not checked against the units' sum."""
    plan = run(store, *_with_last_row(layout, average, 80.0, fmt), create_missing=True)
    assert plan.can_commit, [i.zh for i in plan.errors]
    assert plan.new_units.empty, plan.new_units
    got = dict(zip(plan.observations["unit_code"], plan.observations["value"], strict=True))
    assert got == {"JD01": 100.0, "JD02": 60.0}
    assert not [i for i in plan.issues if i.code == "total_mismatch"]
    [note] = [i for i in plan.issues if i.code == "subtotal_rows"]
    assert note.value.replace(" ", "") == average and "平均" in note.zh and "average" in note.en


def test_a_total_row_spelled_otherwise_is_not_stored(demo_store: Store) -> None:
    before = demo_store.units()
    data, name = _with_last_row("report", "全区（合计）", 160.0, "gbk")
    commit(run(demo_store, data, name, create_missing=True), demo_store)
    assert len(demo_store.units()) == len(before)
    stored = demo_store.observations(indicator="GBR", value_kind="actual")
    stored = stored[stored["period"] == "2026-10"].set_index("unit_code")["value"]
    assert (stored["JD01"], stored["JD02"]) == (100.0, 60.0)
