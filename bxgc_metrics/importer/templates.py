"""Downloadable xlsx templates with drop-down lists of known units and indicators.

Anyone may download a template, and the names in it come from the database, so every
name is written as text and neutralised as the dashboard's exports are
(:func:`bxgc_metrics.export.neutralise`): a unit called ``=HYPERLINK(…)`` reads
``'=HYPERLINK(…)`` and is never run as a formula. The importer reads such a name back as
the unit it came from (:func:`bxgc_metrics.importer.matching.normalise_name`).
"""

from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

from bxgc_metrics.export import neutralise

_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
"""Text is written as text: no cell of a template is a formula or a link."""

_INSTRUCTIONS = [
    ("填写说明", "Instructions"),
    (
        "每行一个数据：单位、指标、期间、数值、类型。",
        "One figure per row: unit, indicator, period, value, kind.",
    ),
    (
        "单位和指标请从下拉列表中选择，名称须与系统一致。",
        "Pick units and indicators from the drop-down lists; names must match the system.",
    ),
    (
        "期间写法：2024（全年）、2024-H1（上半年）、2024-Q2（二季度）、2024-06（6月）。",
        "Periods: 2024 (year), 2024-H1 (half), 2024-Q2 (quarter), 2024-06 (month).",
    ),
    (
        "流量指标（如收入、投资）的月度数据填写1月至当月的累计数，并在“累计”列填“是”。",
        "Monthly flows (revenue, investment) are year-to-date totals; write 是 (yes) in 累计.",
    ),
    (
        "类型：实际、目标、计划；不填视为实际。",
        "Kind: 实际 (actual), 目标 (target), 计划 (plan); empty means actual.",
    ),
    (
        "数值按指标的计量单位填写，不要带单位；缺数据留空或填“—”。",
        "Write values in the indicator's measure without units; leave empty or write — if missing.",
    ),
    (
        "宽表模板：每行一个单位，每列一个期间；指标写在标题行。",
        "Wide template: one row per unit, one column per period; name the indicator in the title row.",
    ),
]


def _names(frame: pd.DataFrame) -> list[str]:
    """The Chinese names of ``frame``, neutralised."""
    return list(neutralise(frame[["name_zh"]])["name_zh"])


def _lists(book: xlsxwriter.Workbook, units: pd.DataFrame, indicators: pd.DataFrame) -> None:
    sheet = book.add_worksheet("lists")
    sheet.write_column(0, 0, _names(units))
    sheet.write_column(0, 1, _names(indicators))
    sheet.write_column(0, 2, ["实际", "目标", "计划"])
    sheet.write_column(0, 3, ["是", "否"])
    sheet.hide()


def _instructions(book: xlsxwriter.Workbook) -> None:
    sheet = book.add_worksheet("说明 Instructions")
    bold = book.add_format({"bold": True})
    for row, (zh, en) in enumerate(_INSTRUCTIONS):
        sheet.write(row, 0, zh, bold if row == 0 else None)
        sheet.write(row, 1, en, bold if row == 0 else None)
    sheet.set_column(0, 1, 70)


def long_template(units: pd.DataFrame, indicators: pd.DataFrame, rows: int = 500) -> bytes:
    """One figure per row, with drop-downs for unit, indicator, kind and 累计."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _OPTIONS)
    sheet = book.add_worksheet("数据 Data")
    header = book.add_format({"bold": True, "bg_color": "#F3D6D9", "border": 1})
    sheet.write_row(0, 0, ["单位", "指标", "期间", "数值", "类型", "累计"], header)
    n_units, n_inds = max(len(units), 1), max(len(indicators), 1)
    lists = {
        0: f"=lists!$A$1:$A${n_units}",
        1: f"=lists!$B$1:$B${n_inds}",
        4: "=lists!$C$1:$C$3",
        5: "=lists!$D$1:$D$2",
    }
    for column, source in lists.items():
        sheet.data_validation(1, column, rows, column, {"validate": "list", "source": source})
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, 5, 12)
    sheet.freeze_panes(1, 0)
    _instructions(book)
    _lists(book, units, indicators)
    book.close()
    return buffer.getvalue()


def wide_template(units: pd.DataFrame, indicators: pd.DataFrame, periods: list[str]) -> bytes:
    """One row per unit, one column per period; the indicator is picked in the title cell."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _OPTIONS)
    sheet = book.add_worksheet("数据 Data")
    header = book.add_format({"bold": True, "bg_color": "#F3D6D9", "border": 1})
    first = _names(indicators)[0] if len(indicators) else "指标"
    sheet.write(0, 0, first)
    sheet.data_validation(
        0, 0, 0, 0, {"validate": "list", "source": f"=lists!$B$1:$B${max(len(indicators), 1)}"}
    )
    sheet.write_row(1, 0, ["单位", *periods], header)
    sheet.write_column(2, 0, _names(units))
    sheet.set_column(0, 0, 24)
    sheet.freeze_panes(2, 1)
    _instructions(book)
    _lists(book, units, indicators)
    book.close()
    return buffer.getvalue()
