"""Files to sheets of raw cells: real generated workbooks and CSV files, their encodings,
merged cells and Excel's row and column numbers, and the files refused."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bxgc_metrics.importer.reading import Limits, ReadError, column_letter, decode, read_file
from tests import sheets


def test_a_report_workbook_keeps_excel_numbers_and_fills_merged_cells() -> None:
    [sheet] = read_file(sheets.report_xlsx(), "报表.xlsx")
    assert sheet.name == "1-6月" and (sheet.first_row, sheet.first_col) == (1, 0)
    # A3:A4 序号 and C3:G3 地方一般公共预算收入 are merged; every cell holds the value
    assert sheet.cells.iat[2, 0] == sheet.cells.iat[3, 0] == "序号"
    assert {sheet.cells.iat[2, c] for c in range(2, 7)} == {"地方一般公共预算收入"}
    assert (2, 0, 3, 0) in sheet.merged and (2, 2, 2, 6) in sheet.merged
    # row 5 of Excel is the first unit: target written as text with a comma, ytd a number
    assert sheet.cells.iloc[4, 1:4].tolist() == ["东城街道办事处", "82,812", 41300.5]
    assert sheet.row_number(4) == 5 and sheet.column_letter(3) == "D"


def test_a_gbk_csv_as_chinese_excel_saves_it() -> None:
    [sheet] = read_file(sheets.report_csv(), "报表.csv")
    assert sheet.name == "报表" and sheet.notes == ("encoding: gb18030",)
    assert sheet.cells.shape == (8, 7)
    assert sheet.cells.iat[4, 1] == "东城街道办事处" and sheet.cells.iat[4, 2] == "82,812"
    assert pd.isna(sheet.cells.iat[2, 3])  # an empty cell is missing, not ""


def test_a_utf8_long_csv_read_by_arrow() -> None:
    data = sheets.long_csv([("东城街道", "固定资产投资", "2024-06", "1000.5", "实际")] * 3)
    [sheet] = read_file(data, "long.csv")
    assert sheet.notes == ("encoding: utf-8",)
    assert sheet.cells.shape == (4, 5) and sheet.cells.iat[3, 3] == "1000.5"


def test_a_tab_separated_file() -> None:
    data = sheets.text_file(["单位\t指标\t期间\t数值", "东城街道\t工业投资\t2024\t5"])
    [sheet] = read_file(data, "t.tsv")
    assert sheet.cells.iloc[1].tolist() == ["东城街道", "工业投资", "2024", "5"]


def test_decoding() -> None:
    assert decode("单位,数值".encode("gb18030"), "a.csv") == ("单位,数值", "gb18030")
    assert decode("\ufeff单位".encode(), "b.csv") == ("单位", "utf-8-sig")
    assert decode("单位".encode("utf-16"), "c.csv") == ("单位", "utf-16")


@pytest.mark.parametrize(
    ("data", "name", "code", "words"),
    [
        (b"", "e.csv", "unreadable", "是空的"),
        (b"x", "e.pdf", "unreadable", "不支持的文件类型 .pdf"),
        (b"x", "noext", "unreadable", "（无扩展名）"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "locked.xlsx", "unreadable", "设有打开密码"),
        (b"not a zip", "bad.xlsx", "unreadable", "无法读取文件"),
        (b"a,b\n" * 10, "big.csv", "file_too_large", "超过上限"),
    ],
)
def test_files_refused(data: bytes, name: str, code: str, words: str) -> None:
    with pytest.raises(ReadError) as refused:
        read_file(data, name, Limits(max_bytes=30) if name == "big.csv" else None)
    assert refused.value.code == code and words in refused.value.zh


def test_an_unclosed_quote_is_refused_at_its_cell() -> None:
    data = sheets.text_file(["单位,数值", '东城,"1', "西城,2", "南城,3"])
    with pytest.raises(ReadError) as refused:
        read_file(data, "q.csv")
    assert (refused.value.code, refused.value.row, refused.value.column) == (
        "unclosed_quote",
        2,
        "B",
    )


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


_CELL = st.one_of(
    st.sampled_from(["东城街道", "固定资产投资", "2024-06", "1,234.5", "12.5%", "合计", "a b"]),
    st.text(alphabet='东城ab1,."\n ', min_size=1, max_size=6),
)


@settings(max_examples=80, deadline=None)
@given(
    header=st.lists(
        st.sampled_from(["单位", "指标", "期间", "数值", "类型"]), min_size=2, max_size=5
    ),
    rows=st.lists(st.lists(st.one_of(_CELL, st.just("")), min_size=5, max_size=5), max_size=8),
    quote_all=st.booleans(),
)
def test_a_utf8_csv_reads_as_the_csv_module_reads_it(
    header: list[str], rows: list[list[str]], quote_all: bool
) -> None:
    """Cells with commas, quotes and line breaks, or none of them: the file read into
    cells is what Python's csv module reads (an empty cell missing), whether Arrow must
    look for line breaks inside quotes or may read the lines apart."""
    width = len(header)
    body = [r[:width] for r in rows]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows([header, *body])
    data = out.getvalue().encode("utf-8")
    assume(b"\r" not in data.replace(b"\r\n", b""))  # the csv module's own line ends only
    try:
        [sheet] = read_file(data, "figures.csv")
    except ReadError:
        return  # a blank line or a lone quote is refused with its place, as tested above
    expected = list(csv.reader(io.StringIO(out.getvalue())))
    cells = sheet.cells.astype(object).where(sheet.cells.notna(), "")
    assert cells.to_numpy().tolist() == expected


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(
        st.one_of(
            st.characters(max_codepoint=0x7F),
            st.characters(min_codepoint=0x2000, max_codepoint=0x206F),
            st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
            st.characters(),  # anything else, lone surrogates included
        ),
        max_size=60,
    ),
    repeat=st.sampled_from([1, 400]),  # past the 20,000 characters judged
)
@example(text="\x7f\x80", repeat=1)  # the last ASCII character and the first one past it
@example(text="报表\x7f", repeat=1)
def test_plausible_text_is_judged_character_by_character(text: str, repeat: int) -> None:
    """The share of ASCII, CJK, punctuation and white space, counted on code points at
    once, is the share counted one character at a time."""
    from bxgc_metrics.importer.reading import text as reading

    whole = text * repeat
    sample = whole[:20000]
    good = sum(1 for ch in sample if ch.isascii() or reading._cjkish(ch))
    expected = bool(sample) and "\x00" not in sample and good / len(sample) >= reading._PLAUSIBLE
    assert reading._plausible(whole) == expected
