"""Real spreadsheets built by code: the messy layouts analysts actually receive."""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Iterable

import openpyxl
import pandas as pd
import xlsxwriter
import xlwt
from xlsxwriter.utility import xl_rowcol_to_cell

REPORT_UNITS = [
    ("东城街道办事处", 82812, 41300.5, 38000),
    ("西城街道", 61000, 30250, 28100),
    ("黄楼镇", 24630, 10500, 9800),
]
"""(unit as written, 全年目标, 1-6月累计, 去年同期) in 万元."""


def report_xlsx(
    units=REPORT_UNITS, measure: str = "万元", title: str | None = None, total: float | None = None
) -> bytes:
    """A report-style sheet: title, 单位 line, two-row merged header, 序号, 合计, 注."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("1-6月")
    sheet.merge_range("A1:H1", title or "2024年1-6月各街道（乡镇）地方一般公共预算收入完成情况")
    sheet.write("A2", f"单位：{measure}")
    sheet.merge_range("A3:A4", "序号")
    sheet.merge_range("B3:B4", "单位")
    sheet.merge_range("C3:G3", "地方一般公共预算收入")
    sheet.write_row("C4", ["全年目标", "1-6月累计", "完成率", "去年同期", "同比增长"])
    sheet.write("H3", "备注")
    row = 4
    for i, (name, target, ytd, prior) in enumerate(units, start=1):
        sheet.write_row(
            row,
            0,
            [
                i,
                name,
                f"{target:,}",
                ytd,
                f"{ytd / target * 100:.1f}%",
                prior,
                f"{(ytd / prior - 1) * 100:.1f}%",
            ],
        )
        row += 1
    total_ytd = sum(u[2] for u in units) if total is None else total
    sheet.write_row(row, 0, ["", "合  计", sum(u[1] for u in units), total_ytd, "", "", ""])
    sheet.write(row + 1, 0, "注：1. 数据来源于区财政局；2. “—”表示无数据。")
    book.close()
    return buf.getvalue()


def report_csv(units=REPORT_UNITS, encoding: str = "gbk") -> bytes:
    """The same report saved by Chinese Excel as CSV: GBK, no BOM, headers unmerged."""
    lines = [
        "2024年1-6月各街道（乡镇）地方一般公共预算收入完成情况,,,,,,",
        "单位：万元,,,,,,",
        "序号,单位,地方一般公共预算收入,,,,",
        ",,全年目标,1-6月累计,完成率,去年同期,同比增长",
    ]
    for i, (name, target, ytd, prior) in enumerate(units, start=1):
        lines.append(
            f'{i},{name},"{target:,}",{ytd},{ytd / target * 100:.1f}%,{prior},'
            f"{(ytd / prior - 1) * 100:.1f}%"
        )
    lines.append("注：数据来源于区财政局,,,,,,")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def wide_xlsx(
    rows: dict[str, list], headers: list, title: str | None = None, sheet: str = "Sheet1"
) -> bytes:
    """One row per unit, one column per period."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(["单位", *headers])
    for name, values in rows.items():
        ws.append([name, *values])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def long_csv(
    rows: list[tuple], header=("单位", "指标", "期间", "数值", "类型"), encoding: str = "utf-8"
) -> bytes:
    """The tidy long form."""
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


EXPORT_HEADER = (
    "unit", "indicator", "period", "kind", "value", "measure", "cumulative", "unit_code",
    "indicator_code",
)  # fmt: skip
"""The header ``python -m bxgc_metrics export`` writes, which the importer reads back."""


def month_report_csv(
    figures: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    codes: Iterable[str],
    period: tuple[int, int],
) -> bytes:
    """The monthly report of ``period`` (year, month, not January) from the units
    ``codes``: every indicator with a reporting calendar that each unit reported the month
    before, in the export's long form.

    Each figure follows its unit's own seasons, so no data-quality check flags it: the
    month's flow is last month's times the same two months' ratio a year earlier (a
    year-to-date figure adds it to last month's total), a stock moves by last year's ratio,
    and a rate by last year's change. Whole numbers stay whole. ``figures``, ``units`` and
    ``indicators`` are the store's tables."""
    year, month = period
    assert month > 2, "the figures need the two months before in both years"
    calendar = indicators[indicators["report_due_day"].notna() & (indicators["frequency"] == "M")]
    about = calendar.set_index("code")
    monthly = figures[
        (figures["freq"] == "M")
        & (figures["value_kind"] == "actual")
        & figures["unit_code"].isin(list(codes))
        & figures["indicator_code"].isin(calendar["code"])
    ]
    value = monthly.set_index(["unit_code", "indicator_code", "year", "sub"])["value"]
    last = monthly[(monthly["year"] == year) & (monthly["sub"] == month - 1)]
    unit_names = units.set_index("code")["name_zh"]
    rows = []
    for f in last.sort_values(["unit_code", "indicator_code"]).itertuples():

        def at(y: int, m: int, key: tuple[str, str] = (f.unit_code, f.indicator_code)) -> float:
            return float(value[(*key, y, m)])

        kind = about.loc[f.indicator_code, "kind"]
        if kind == "rate":
            new = at(year, month - 1) + at(year - 1, month) - at(year - 1, month - 1)
        elif f.cumulative:
            flow = at(year, month - 1) - at(year, month - 2)
            seasonal = (at(year - 1, month) - at(year - 1, month - 1)) / (
                at(year - 1, month - 1) - at(year - 1, month - 2)
            )
            new = at(year, month - 1) + flow * seasonal
        else:
            new = at(year, month - 1) * at(year - 1, month) / at(year - 1, month - 1)
        new = round(new) if float(f.value).is_integer() else round(new, 2)
        rows.append((
            unit_names[f.unit_code], about.loc[f.indicator_code, "name_zh"],
            f"{year}-{month:02d}", "actual", new, about.loc[f.indicator_code, "measure"],
            bool(f.cumulative), f.unit_code, f.indicator_code,
        ))  # fmt: skip
    return long_csv(rows, header=EXPORT_HEADER)


def xlsx_from_rows(rows: list[list], sheet: str = "Sheet1", merges: list[str] = ()) -> bytes:
    """Any grid of values as an xlsx, with optional merged ranges."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def styled_xlsx(
    rows: list[list],
    formats: dict[str, str] | None = None,
    writer: str = "openpyxl",
    *,
    hidden_rows: list[int] = (),
    hidden_columns: list[str] = (),
) -> bytes:
    """``rows`` as a workbook whose cells at the addresses of ``formats`` carry that number
    format, with ``hidden_rows`` (Excel numbers) and ``hidden_columns`` (letters) hidden,
    written by openpyxl or by xlsxwriter (their styles and row records differ in shape) as
    an xlsx, or by xlwt as a legacy .xls (:func:`styled_name` names it)."""
    formats = formats or {}
    out = io.BytesIO()
    if writer == "xlwt":
        book = xlwt.Workbook()
        ws = book.add_sheet("Sheet1")
        styles = {code: xlwt.easyxf(num_format_str=code) for code in set(formats.values())}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                style = styles.get(formats.get(xl_rowcol_to_cell(r, c), ""))
                if value is not None:
                    ws.write(r, c, value, *([style] if style is not None else []))
        for number in hidden_rows:
            ws.row(number - 1).hidden = True
        for letter in hidden_columns:
            ws.col(ord(letter) - ord("A")).hidden = True
        book.save(out)
        return out.getvalue()
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        ws = book.active
        for row in rows:
            ws.append(row)
        for address, code in formats.items():
            ws[address].number_format = code
        for number in hidden_rows:
            ws.row_dimensions[number].hidden = True
        for letter in hidden_columns:
            ws.column_dimensions[letter].hidden = True
        book.save(out)
        return out.getvalue()
    book = xlsxwriter.Workbook(out)
    ws = book.add_worksheet("Sheet1")
    styles = {code: book.add_format({"num_format": code}) for code in set(formats.values())}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            style = styles.get(formats.get(xl_rowcol_to_cell(r, c), ""))
            if value is not None:
                ws.write(r, c, value, style)
    for number in hidden_rows:
        ws.set_row(number - 1, None, None, {"hidden": True})
    for letter in hidden_columns:
        ws.set_column(f"{letter}:{letter}", None, None, {"hidden": True})
    book.close()
    return out.getvalue()


STYLED_WRITERS = ("openpyxl", "xlsxwriter", "xlwt")
"""Every writer :func:`styled_xlsx` knows: two shapes of xlsx and the legacy .xls."""


def styled_name(stem: str, writer: str) -> str:
    """A file name for :func:`styled_xlsx`'s bytes from ``writer``: ``.xls`` or ``.xlsx``."""
    return f"{stem}.xls" if writer == "xlwt" else f"{stem}.xlsx"


def grid(rows: list[list], fmt: str, merges: list[str] = ()) -> tuple[bytes, str]:
    """A grid of cells as ``xlsx``, ``csv`` (UTF-8) or ``gbk`` (CSV as Chinese Excel saves
    it); a CSV keeps a merged heading in its first cell. Returns the bytes and a file name."""
    if fmt == "xlsx":
        return xlsx_from_rows(rows, merges=merges), "表.xlsx"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8" if fmt == "csv" else "gbk"), "表.csv"


def text_file(lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> bytes:
    """Lines joined as a text file in ``encoding`` (with a BOM for utf-8-sig and utf-16)."""
    return (newline.join(lines) + newline).encode(encoding)


LONG_HEADER = ("单位", "指标", "期间", "数值", "类型")


def formula_xlsx(
    cached: object, *, calculated_by_excel: bool = False, manual: bool = False
) -> bytes:
    """A long sheet whose second figure (D3) is the formula ``=D2*2`` with ``cached`` as its
    stored result; ``None`` stores none, as openpyxl writes formulas. Without
    ``calculated_by_excel`` the workbook asks to be calculated when opened, as files
    written by programs do; ``manual`` sets it to calculate by hand (calcMode manual)."""
    if cached is None:
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "Sheet1"
        ws.append(list(LONG_HEADER))
        ws.append(["东城街道", "固定资产投资", "2024-06", 5, "实际"])
        ws.append(["西城街道", "固定资产投资", "2024-06", "=D2*2", "实际"])
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    if manual:
        book.set_calc_mode("manual")
    ws = book.add_worksheet("Sheet1")
    ws.write_row(0, 0, LONG_HEADER)
    ws.write_row(1, 0, ["东城街道", "固定资产投资", "2024-06", 5, "实际"])
    ws.write_row(2, 0, ["西城街道", "固定资产投资", "2024-06"])
    ws.write_formula(2, 3, "=D2*2", None, cached)
    ws.write(2, 4, "实际")
    book.close()
    return _calculated(buf.getvalue()) if calculated_by_excel else buf.getvalue()


XLS_ERRORS = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D}
"""Excel's error values as a legacy .xls codes them (MS-XLS BErr), those used here."""


def formula_xls(cached: object, *, manual: bool = False, typed: bool = False) -> bytes:
    """:func:`formula_xlsx` as a legacy .xls (:func:`xls_rows`): D3 is ``=D2*2`` with
    ``cached`` as the result Excel stored (a number, or an error value such as
    ``#DIV/0!``), or, with ``typed``, the error value typed into D3 itself; ``manual``
    sets the workbook to calculate by hand."""
    rows = [
        list(LONG_HEADER),
        ["东城街道", "固定资产投资", "2024-06", 5, "实际"],
        ["西城街道", "固定资产投资", "2024-06", None, "实际"],
    ]
    if typed:
        return xls_rows(rows, errors={(2, 3): str(cached)}, manual=manual)
    return xls_rows(rows, formulas={(2, 3): ("D2*2", cached)}, manual=manual)


def xls_rows(
    rows: list[list],
    *,
    formulas: dict[tuple[int, int], tuple[str, object]] | None = None,
    errors: dict[tuple[int, int], str] | None = None,
    manual: bool = False,
) -> bytes:
    """``rows`` as a legacy .xls written by xlwt, with ``formulas`` ((row, column) from 0
    → the formula and the result Excel stored: a number or an error value) and error
    values typed into the cells of ``errors``; ``manual`` sets the workbook to calculate
    by hand (its CALCMODE record)."""
    formulas, errors = formulas or {}, errors or {}
    book = xlwt.Workbook()
    ws = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in formulas:
                ws.write(r, c, xlwt.Formula(formulas[r, c][0]))
            elif (r, c) in errors:
                ws.row(r).set_cell_error(c, XLS_ERRORS[errors[r, c]])
            elif value is not None:
                ws.write(r, c, value)
    if manual:
        ws.calc_mode = 0
    buf = io.BytesIO()
    book.save(buf)
    data = bytearray(buf.getvalue())
    for (r, c), (_, cached) in formulas.items():
        # xlwt stores no result: put the one Excel would have stored into the cell's
        # FORMULA record (type 0x0006: length, row, column, format, then the result)
        at = data.find(b"\x06\x00")
        while data[at + 4 : at + 8] != struct.pack("<HH", r, c):
            at = data.find(b"\x06\x00", at + 1)
        data[at + 10 : at + 18] = (
            bytes([2, 0, XLS_ERRORS[cached], 0, 0, 0, 0xFF, 0xFF])
            if isinstance(cached, str)
            else struct.pack("<d", float(cached))  # type: ignore[arg-type]
        )
    return bytes(data)


def _calculated(data: bytes) -> bytes:
    """The workbook as Excel saves it: without "calculate everything when opened"."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = re.sub(rb'\s*fullCalcOnLoad="1"', b"", body)
            dst.writestr(info, body)
    return out.getvalue()


def many_columns(columns: int, fmt: str) -> bytes:
    """A wide sheet of two units and ``columns - 1`` monthly columns from 2000-01, as
    ``csv`` or ``xlsx`` (sheet 宽表)."""
    periods = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(columns - 1)]
    rows = [["单位", *periods]] + [
        [unit, *[1] * (columns - 1)] for unit in ("东城街道", "西城街道")
    ]
    if fmt == "csv":
        return text_file([",".join(map(str, row)) for row in rows])
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True})
    sheet = book.add_worksheet("宽表")
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return buf.getvalue()
