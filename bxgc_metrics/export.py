"""Tables to xlsx and csv files that are safe to open in Excel.

A text cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would
be run as a formula by a spreadsheet program; such cells get a leading apostrophe, the
OWASP advice against CSV injection. Numbers are left as numbers.

:func:`workbook` writes the reports analysts download: every figure a numeric cell with a
number format (so a column can be sorted, filtered and summed), money in the measure
:func:`bxgc_metrics.measures.display_scale` picks and named in the header, and above each
table a title and notes saying what it is (indicator, period, peer group, data date) and,
for a composite ranking, how it was made (normalisation, weights, aggregation).
:func:`to_xlsx_bytes` and :func:`to_csv_bytes` write a frame as it is.
"""

from __future__ import annotations

import io
import math
import numbers
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from bxgc_metrics.measures import Scale, display_scale

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """``text`` with a leading apostrophe if it would start a formula."""
    return "'" + text if text.startswith(_DANGEROUS) else text


def _safe_column(values: pd.Series) -> pd.Series:
    """A text column with :func:`_safe` applied to each distinct value once (an export
    of millions of rows names a few hundred units)."""
    codes, distinct = pd.factorize(values)
    safe = [_safe(v) if isinstance(v, str) else v for v in distinct]
    if all(a is b for a, b in zip(safe, distinct, strict=True)):
        return values
    table = np.asarray([*safe, None], dtype=object)  # code -1 (missing) takes the None
    return pd.Series(table.take(codes), index=values.index, name=values.name, dtype=object)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a formula.

    >>> neutralise(pd.DataFrame({"a": ["=1+1", "东城", "-x", "@A1"], "b": [1, -2, 3, 4]})).values.tolist()
    [["'=1+1", 1], ['东城', -2], ["'-x", 3], ["'@A1", 4]]
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = _safe_column(out[column])
    out.columns = [_safe(str(c)) if str(c).startswith(_DANGEROUS) else c for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel shows Chinese correctly."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An xlsx workbook with one sheet per table; text is written as text, never formulas."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        used: set[str] = set()
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel-legal, unique sheet name: no ``[]:*?/\\``, no control characters, ≤ 31."""
    clean = "".join("_" if c in "[]:*?/\\'" or ord(c) < 32 else c for c in str(name))
    clean = clean.strip() or "Sheet"
    candidate, n = clean[:31], 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{clean[: 31 - len(str(n)) - 1]}~{n}"
    used.add(candidate.lower())
    return candidate


Kind = Literal[
    "text", "rank", "move", "amount", "percent", "signed_percent", "score", "yuan", "number"
]
"""What a :class:`Column` holds, which decides its cells and number format:

- ``text``: text, neutralised as :func:`neutralise` does;
- ``rank``: a place, ``0``;
- ``move``: places gained (positive) or lost, shown ``▲2`` / ``▼1`` / ``–``;
- ``amount``: a figure in the column's ``measure``, shown in the measure
  :func:`~bxgc_metrics.measures.display_scale` picks, which the header names;
- ``percent``: a fraction shown ``97.0%``; ``signed_percent``: a change shown ``+23.4%``;
- ``score``: a composite score, ``0.000``;
- ``yuan``: whole yuan, ``#,##0``;
- ``number``: any other figure, ``#,##0`` when every value is whole, else ``#,##0.00``.
"""
KINDS: tuple[Kind, ...] = get_args(Kind)
"""Every :data:`Kind`."""

_FORMATS = {
    "rank": "0",
    "move": '"▲"0;"▼"0;"–"',
    "percent": "0.0%",
    "signed_percent": "+0.0%;-0.0%;0.0%",
    "score": "0.000",
    "yuan": "#,##0",
}
_MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """One column of an exported table.

    Examples
    --------
    >>> Column("value", "累计完成", "amount", "万元")
    Column(key='value', header='累计完成', kind='amount', measure='万元', missing=None, missing_unless=None)
    """

    key: str
    """The frame's column."""
    header: str
    """The header, in the reader's language; an ``amount`` header gets its measure added."""
    kind: Kind = "text"
    """What the column holds (:data:`Kind`)."""
    measure: str | None = None
    """The measure an ``amount`` column's figures are stored in (万元, 亿元, 亩 …)."""
    missing: str | None = None
    """What a missing figure reads (新 in a move column: no previous place, as the pages
    print it); ``None`` leaves the cell empty."""
    missing_unless: str | None = None
    """A column of the frame: where it is missing too (a unit with no place now), a
    missing figure stays empty instead of reading :attr:`missing`."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {KINDS}")
        if self.kind == "amount" and not self.measure:
            raise ValueError(f"amount column {self.key!r} needs the measure it is stored in")


@dataclass(frozen=True, eq=False)
class Table:
    """One sheet: a title, lines of notes, then the table.

    Compared by identity, as a data frame has no single truth value.
    """

    sheet: str
    """The sheet's name, made Excel-legal (≤ 31 characters, no ``[]:*?/\\``) and unique."""
    title: str
    """The first line, in bold and larger type."""
    notes: tuple[str, ...]
    """Lines under the title: indicator, period, peer group, data date and, for a composite,
    the normalisation, each indicator's weight and the aggregation."""
    frame: pd.DataFrame
    """The rows; its index is not written."""
    columns: tuple[Column, ...]
    """The columns written, in order."""

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError(f"table {self.sheet!r} has no columns")
        missing = [c.key for c in self.columns if c.key not in self.frame.columns]
        if missing:
            raise KeyError(f"table {self.sheet!r} has no column {', '.join(map(repr, missing))}")


def workbook(tables: Sequence[Table]) -> bytes:
    """An xlsx workbook with one sheet per table, figures as numbers with number formats.

    Each sheet has the title (bold, larger), the notes, a blank line, then the table: a bold
    header row with a bottom border, frozen so it stays in view and repeated on every printed
    page, an autofilter, and column widths from the content (CJK characters count double).
    Figures are numeric cells an analyst can sort and sum; a missing or infinite figure is an
    empty cell. ``amount`` columns of one measure share the measure they are shown in, so a
    value and its target read alike. Every piece of text, titles and notes included, is
    neutralised as :func:`neutralise` does and written as text, never as a formula.

    Parameters
    ----------
    tables
        The sheets, in order.

    Returns
    -------
    bytes
        The xlsx file.

    Raises
    ------
    ValueError
        If there are no tables.
    TypeError
        If a figure column holds something other than numbers and missing values.

    Examples
    --------
    >>> import openpyxl
    >>> frame = pd.DataFrame({"unit": ["东城", "=cmd"], "value": [289700.0, 98000.0],
    ...                       "completion": [0.97, None]})
    >>> columns = (Column("unit", "单位"), Column("value", "累计完成", "amount", "万元"),
    ...            Column("completion", "完成率", "percent"))
    >>> data = workbook([Table("排名", "地方财政收入排名", ("期间：2024年1-6月",), frame, columns)])
    >>> sheet = openpyxl.load_workbook(io.BytesIO(data))["排名"]
    >>> [[c.value for c in row] for row in sheet.iter_rows()]  # doctest: +NORMALIZE_WHITESPACE
    [['地方财政收入排名', None, None], ['期间：2024年1-6月', None, None], [None, None, None],
     ['单位', '累计完成（亿元）', '完成率'], ['东城', 28.97, 0.97], ["'=cmd", 9.8, None]]
    >>> sheet["B5"].number_format, sheet["C5"].number_format, sheet.freeze_panes
    ('#,##0.00', '0.0%', 'A5')
    """
    if not tables:
        raise ValueError("a workbook needs at least one table")
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(buffer, options) as book:
        styles = _Styles(book)
        used: set[str] = set()
        for table in tables:
            _write_table(book.add_worksheet(_sheet_name(table.sheet, used)), table, styles)
    return buffer.getvalue()


class _Styles:
    """The workbook's cell formats, each made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self._book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"font_color": "#404040"})
        self.header = book.add_format({"bold": True, "bottom": 1, "valign": "vcenter"})
        self._numbers: dict[str, Format] = {}

    def number(self, pattern: str) -> Format:
        if pattern not in self._numbers:
            self._numbers[pattern] = self._book.add_format({"num_format": pattern})
        return self._numbers[pattern]


def _write_table(sheet: Worksheet, table: Table, styles: _Styles) -> None:
    sheet.write_string(0, 0, _safe(table.title), styles.title)
    sheet.set_row(0, 21)
    for i, note in enumerate(table.notes, start=1):
        sheet.write_string(i, 0, _safe(note), styles.note)
    top = len(table.notes) + 2  # the header, under a blank line
    figures = {c.key: _figures(c, table.frame[c.key]) for c in table.columns if c.kind != "text"}
    scales = _amount_scales(table.columns, figures, _language(table.columns))
    for j, column in enumerate(table.columns):
        scale = scales[column.measure] if column.kind == "amount" and column.measure else None
        header = _safe(column.header if scale is None else _with_measure(column.header, scale))
        sheet.write_string(top, j, header, styles.header)
        widths = [_width(header) + 3]  # room for the filter button
        if column.kind == "text":
            for i, value in enumerate(table.frame[column.key].tolist(), start=top + 1):
                if not _missing(value):
                    text = _safe(str(value))
                    sheet.write_string(i, j, text)
                    widths.append(_width(text) + 2)
        else:
            values = [
                v if v is None or scale is None else scale.apply(v) for v in figures[column.key]
            ]
            pattern = _pattern(column.kind, values, scale)
            style = styles.number(pattern)
            shows_missing = (
                table.frame[column.missing_unless].notna().tolist()
                if column.missing_unless
                else [True] * len(values)
            )
            for i, value in enumerate(values, start=top + 1):
                if value is None and column.missing and shows_missing[i - top - 1]:
                    sheet.write_string(i, j, _safe(column.missing))
                    widths.append(_width(column.missing) + 2)
                elif value is None:
                    sheet.write_blank(i, j, None, style)
                else:
                    sheet.write_number(i, j, value, style)
                    widths.append(_width(_shown(column.kind, value, pattern)) + 2)
        sheet.set_column(j, j, min(max(widths), _MAX_WIDTH))
    sheet.freeze_panes(top + 1, 0)
    sheet.repeat_rows(top)  # the header on every printed page
    sheet.autofilter(top, 0, top + len(table.frame), len(table.columns) - 1)


def _missing(value: object) -> bool:
    """Whether ``value`` is None, NA, NaT or NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, numbers.Real) and math.isnan(value)


def _figures(column: Column, values: pd.Series) -> list[float | None]:
    """The column's figures as floats, ``None`` for missing or infinite ones."""
    out: list[float | None] = []
    for value in values.tolist():
        if _missing(value):
            out.append(None)
        elif isinstance(value, numbers.Real):
            number = float(value)
            out.append(number if math.isfinite(number) else None)
        else:
            raise TypeError(
                f"column {column.key!r} is {column.kind!r} but holds {value!r}, not a number"
            )
    return out


def _amount_scales(
    columns: Sequence[Column], figures: dict[str, list[float | None]], lang: str
) -> dict[str, Scale]:
    """For each measure ``amount`` columns are stored in, the measure they are all shown in
    (in ``lang``: an English sheet reads money in billions or millions of yuan)."""
    values: dict[str, list[float | None]] = {}
    for column in columns:
        if column.kind == "amount" and column.measure:
            values.setdefault(column.measure, []).extend(figures[column.key])
    return {measure: display_scale(v, measure, lang) for measure, v in values.items()}


def _chinese(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def _language(columns: Sequence[Column]) -> str:
    """The sheet's language, as its headers are written: English when no header of a
    figure column has a Chinese character."""
    headers = [c.header for c in columns if c.kind != "text"] or [c.header for c in columns]
    return "zh" if any(_chinese(h) for h in headers) else "en"


def _with_measure(header: str, scale: Scale) -> str:
    """``累计完成（亿元）`` for a Chinese header, ``YTD value (bn yuan)`` otherwise; a
    measure with no English word (个) adds nothing."""
    if not scale.measure:
        return header
    if _chinese(header):
        return f"{header}（{scale.measure}）"
    return f"{header} ({scale.measure})"


def _pattern(kind: str, values: list[float | None], scale: Scale | None) -> str:
    """The number format of a figure column."""
    if scale is not None:
        return "#,##0" + ("." + "0" * scale.decimals if scale.decimals else "")
    if kind == "number":
        whole = all(v is None or float(v).is_integer() for v in values)
        return "#,##0" if whole else "#,##0.00"
    return _FORMATS[kind]


def _shown(kind: str, value: float, pattern: str) -> str:
    """About what Excel shows for ``value`` (to size the column)."""
    if kind == "move":
        return "–" if value == 0 else f"▲{abs(value):.0f}"
    if kind in ("percent", "signed_percent"):
        return f"{value:+.1%}"
    decimals = len(pattern.rsplit(".", 1)[1]) if "." in pattern else 0
    return f"{value:,.{decimals}f}"


def _width(text: str) -> int:
    """Display width of the longest line of ``text``; CJK and full-width characters count 2."""
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        for line in text.split("\n")
    )
