"""Excel exports hold numbers with number formats, a title, notes on the method, and safe text."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from bxgc_metrics.export import KINDS, Column, Kind, Table, neutralise, workbook
from bxgc_metrics.measures import display_scale

NAMES = ["东城街道办事处（示范片区）", '=HYPERLINK("x")', "<b>x</b>", "西城", "@SUM(A1)"]

STANDINGS = pd.DataFrame(
    {
        "rank": pd.array([1, 2, None, 3, 4], dtype="Int64"),
        "rank_change": pd.array([2, -1, None, 0, None], dtype="Int64"),
        "unit": NAMES,
        "value": [289700.0, 150000.0, np.nan, 98000.0, 5000.0],
        "target": [300000.0, 200000.0, 100000.0, None, 12000.0],
        "completion": [0.97, 0.75, np.nan, None, 0.4166],
        "yoy": [0.234, -0.05, np.nan, 0.0, None],
    }
)

COLUMNS = (
    Column("rank", "排名", "rank"),
    Column("rank_change", "进位", "move"),
    Column("unit", "单位", "text"),
    Column("value", "累计完成", "amount", "万元"),
    Column("target", "全年目标", "amount", "万元"),
    Column("completion", "完成率", "percent"),
    Column("yoy", "同比增长", "signed_percent"),
)

NOTES = (
    "指标：地方财政收入（万元）",
    "期间：2024年1-6月",
    "比较范围：全部街道",
    "数据日期：2024-07-05",
)

HEADER_ROW = 1 + len(NOTES) + 2  # title, notes, a blank line, then the header (1-based)


def _standings_table(**changes: object) -> Table:
    fields = {
        "sheet": "排名",
        "title": "地方财政收入 按完成率排名",
        "notes": NOTES,
        "frame": STANDINGS,
        "columns": COLUMNS,
    }
    return Table(**{**fields, **changes})  # type: ignore[arg-type]


def _openpyxl(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _calamine(data: bytes, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


def test_numbers_are_numeric_cells_in_the_shown_measure() -> None:
    rows = _calamine(workbook([_standings_table()]), "排名")
    header, body = rows[HEADER_ROW - 1], rows[HEADER_ROW:]
    assert header == [
        "排名",
        "进位",
        "单位",
        "累计完成（亿元）",
        "全年目标（亿元）",
        "完成率",
        "同比增长",
    ]
    assert body[0] == [1.0, 2.0, NAMES[0], 28.97, 30.0, 0.97, 0.234]
    assert body[1][3:] == [15.0, 20.0, 0.75, -0.05]
    assert body[3][1] == 0.0 and body[3][6] == 0.0
    for row in body:
        for cell in row[:2] + row[3:]:
            assert cell == "" or isinstance(cell, float), (row, cell)


def test_missing_values_are_empty_cells_never_text() -> None:
    sheet = _openpyxl(workbook([_standings_table()]))["排名"]
    third = [c.value for c in sheet[HEADER_ROW + 3]]
    assert third == [None, None, "<b>x</b>", None, 10.0, None, None]
    fourth = [c.value for c in sheet[HEADER_ROW + 4]]
    assert fourth[4] is None and fourth[5] is None
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert not any(
        isinstance(v, str) and v.strip().lower() in ("nan", "—", "<na>", "none") for v in values
    )


def test_a_column_may_say_what_a_missing_figure_means() -> None:
    """A move without a previous place reads 新 in the workbook as on the page; the other
    columns stay empty where a figure is missing."""
    moves = tuple(
        Column("rank_change", "进位", "move", missing="新") if c.key == "rank_change" else c
        for c in COLUMNS
    )
    sheet = _openpyxl(workbook([_standings_table(columns=moves)]))["排名"]
    column = [sheet.cell(row=HEADER_ROW + i, column=2).value for i in range(1, 6)]
    assert column == [2, -1, "新", 0, "新"]
    assert sheet.cell(row=HEADER_ROW + 3, column=1).value is None  # rank: still empty


def test_number_formats_by_kind() -> None:
    sheet = _openpyxl(workbook([_standings_table()]))["排名"]
    first = sheet[HEADER_ROW + 1]
    assert [c.number_format for c in first] == [
        "0",
        '"▲"0;"▼"0;"–"',
        "General",
        "#,##0.00",
        "#,##0.00",
        "0.0%",
        "+0.0%;-0.0%;0.0%",
    ]


def test_title_and_notes_lines_above_the_table() -> None:
    sheet = _openpyxl(workbook([_standings_table()]))["排名"]
    assert sheet["A1"].value == "地方财政收入 按完成率排名"
    assert sheet["A1"].font.b and sheet["A1"].font.sz > sheet["A2"].font.sz
    assert [sheet.cell(row=2 + i, column=1).value for i in range(len(NOTES))] == list(NOTES)
    assert sheet.cell(row=HEADER_ROW - 1, column=1).value is None  # a blank line before the header


def test_header_is_bold_with_a_bottom_border_frozen_and_filtered() -> None:
    sheet = _openpyxl(workbook([_standings_table()]))["排名"]
    for cell in sheet[HEADER_ROW]:
        assert cell.font.b and cell.border.bottom.style == "thin"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW + len(STANDINGS)}"


def test_text_is_neutralised_exactly_as_neutralise_does() -> None:
    table = _standings_table(
        title='=HYPERLINK("http://x","点击")',
        notes=("+比较范围：@东城", "-备注"),
        columns=(Column("unit", "=单位", "text"), *COLUMNS[3:4]),
    )
    sheet = _openpyxl(workbook([table]))["排名"]
    assert sheet["A1"].value == '\'=HYPERLINK("http://x","点击")'
    assert [sheet["A2"].value, sheet["A3"].value] == ["'+比较范围：@东城", "'-备注"]
    header_row = 1 + 2 + 2
    assert sheet.cell(row=header_row, column=1).value == "'=单位"
    shown = [sheet.cell(row=header_row + 1 + i, column=1).value for i in range(len(NAMES))]
    assert shown == neutralise(STANDINGS[["unit"]])["unit"].tolist()
    assert shown[1] == '\'=HYPERLINK("x")' and shown[2] == "<b>x</b>" and shown[4] == "'@SUM(A1)"
    assert all(
        sheet.cell(row=r, column=1).data_type == "s"
        for r in range(1, header_row + 6)
        if sheet.cell(row=r, column=1).value
    )


def test_column_widths_follow_the_content_with_cjk_counted_double() -> None:
    frame = pd.DataFrame(
        {"cjk": ["东城街道办事处（示范片区）"], "ascii": ["abcdefghijklm"], "n": [1.0]}
    )
    columns = (
        Column("cjk", "单位", "text"),
        Column("ascii", "code", "text"),
        Column("n", "n", "rank"),
    )
    sheet = _openpyxl(workbook([Table("w", "t", (), frame, columns)]))["w"]
    widths = {c: sheet.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] > widths["B"] > widths["C"] > 0
    assert widths["A"] >= 26 and widths["B"] >= 13  # 13 CJK characters are 26 wide
    assert widths["A"] > 8.43  # wider than Excel's default


def test_amount_columns_of_one_measure_share_the_shown_measure() -> None:
    frame = pd.DataFrame({"value": [9000.0, 8000.0], "target": [12000.0, 9000.0]})
    columns = (
        Column("value", "累计完成", "amount", "万元"),
        Column("target", "全年目标", "amount", "万元"),
    )
    rows = _calamine(workbook([Table("t", "t", (), frame, columns)]), "t")
    assert rows[2] == ["累计完成（亿元）", "全年目标（亿元）"]
    assert rows[3] == [0.9, 1.2]
    scale = display_scale([9000.0, 8000.0, 12000.0, 9000.0], "万元")
    assert scale.measure == "亿元" and math.isclose(rows[4][1], scale.apply(9000.0))


def test_amount_headers_and_formats_for_other_measures_and_languages() -> None:
    frame = pd.DataFrame(
        {"small": [4161.6, 3900.0], "land": [1200.0, 80.5], "yuan": [5000.0, 1500.0]}
    )
    columns = (
        Column("small", "YTD value", "amount", "万元"),
        Column("land", "土地", "amount", "亩"),
        Column("yuan", "奖金（元）", "yuan"),
    )
    data = workbook([Table("t", "t", (), frame, columns)])
    assert _calamine(data, "t")[2:4] == [
        ["YTD value (万元)", "土地（亩）", "奖金（元）"],
        [4161.6, 1200.0, 5000.0],
    ]
    sheet = _openpyxl(data)["t"]
    assert [c.number_format for c in sheet[4]] == ["#,##0.0", "#,##0.0", "#,##0"]


def test_composite_table_with_method_notes_and_several_sheets() -> None:
    frame = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "unit": ["东城", "西城", "南城"],
            "score": [0.8123456, 0.5, np.nan],
            "points": [12.5, 3.0, 7.0],
        }
    )
    notes = (
        "期间：2024年1-6月",
        "标准化：极差法（min-max）",
        "权重：地方财政收入 0.50；固定资产投资 0.30；招商引资 0.20",
        "合成：加权求和",
    )
    columns = (
        Column("rank", "排名", "rank"),
        Column("unit", "单位", "text"),
        Column("score", "综合得分", "score"),
        Column("points", "积分", "number"),
    )
    tables = [
        _standings_table(sheet="综合/排名"),
        Table("综合/排名", "综合排名", notes, frame, columns),
    ]
    book = _openpyxl(workbook(tables))
    assert book.sheetnames == ["综合_排名", "综合_排名~2"]
    sheet = book["综合_排名~2"]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 6)] == list(notes)
    first = sheet[8]
    assert [c.value for c in first] == [1, "东城", 0.8123456, 12.5]
    assert [c.number_format for c in first] == ["0", "General", "0.000", "#,##0.00"]


def test_a_number_column_of_whole_values_shows_no_decimals() -> None:
    frame = pd.DataFrame({"n": [360.0, 1200.0, np.nan], "x": [1.25, 2.0, 3.0]})
    columns = (Column("n", "高层建筑（栋）", "number"), Column("x", "x", "number"))
    sheet = _openpyxl(workbook([Table("t", "t", (), frame, columns)]))["t"]
    assert [c.number_format for c in sheet[4]] == ["#,##0", "#,##0.00"]
    assert [c.value for c in sheet[5]] == [1200, 2]


def test_an_empty_frame_still_has_its_title_and_header() -> None:
    frame = STANDINGS.iloc[0:0]
    sheet = _openpyxl(workbook([_standings_table(frame=frame)]))["排名"]
    assert sheet["A1"].value == "地方财政收入 按完成率排名"
    assert sheet.cell(row=HEADER_ROW, column=4).value == "累计完成（万元）"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW}"


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="measure"):
        Column("value", "累计", "amount")
    with pytest.raises(ValueError, match="kind"):
        Column("value", "累计", "money")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="nope"):
        workbook([_standings_table(columns=(Column("nope", "x", "text"),))])
    with pytest.raises(TypeError, match=r"97\.0%"):
        text = STANDINGS.assign(completion=["97.0%", None, None, None, None])
        workbook([_standings_table(frame=text)])
    with pytest.raises(ValueError, match="table"):
        workbook([])


@given(
    data=st.data(),
    rows=st.integers(min_value=0, max_value=8),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5),
)
def test_every_number_reads_back_as_the_same_float_or_empty(
    data: st.DataObject, rows: int, kinds: list[Kind]
) -> None:
    floats = st.one_of(st.floats(min_value=-1e15, max_value=1e15), st.just(math.nan), st.none())
    texts = st.one_of(st.text(max_size=12), st.none())
    frame = pd.DataFrame(
        {
            f"c{i}": pd.Series(
                data.draw(
                    st.lists(texts if kind == "text" else floats, min_size=rows, max_size=rows)
                ),
                dtype=object if kind == "text" else float,
            )
            for i, kind in enumerate(kinds)
        }
    )
    columns = tuple(
        Column(f"c{i}", f"列{i}", kind, "万元" if kind == "amount" else None)
        for i, kind in enumerate(kinds)
    )
    scales = display_scale(
        [v for k, c in zip(kinds, frame, strict=True) if k == "amount" for v in frame[c]], "万元"
    )
    rows_read = _calamine(workbook([Table("p", "t", (), frame, columns)]), "p")[3:]
    rows_read += [[""] * len(kinds)] * (rows - len(rows_read))  # calamine drops trailing empty rows
    for i, kind in enumerate(kinds):
        for r, value in enumerate(frame[f"c{i}"]):
            cell = rows_read[r][i] if i < len(rows_read[r]) else ""
            if kind == "text":
                expected = "" if value is None else neutralise(pd.DataFrame({"x": [value]}))["x"][0]
                assert cell == expected
            elif value is None or math.isnan(value):
                assert cell == ""
            else:
                shown = scales.apply(value) if kind == "amount" else value
                assert isinstance(cell, float)
                assert math.isclose(cell, shown, rel_tol=1e-15, abs_tol=0.0), (kind, value, cell)
