"""What an xlsx shows that its values do not say: cells shown as percentages, and rows
and columns hidden.

A cell formatted as a percentage stores its fraction: Excel shows 0.065 as 6.5%, and
python-calamine, which reads values and not formats, gives 0.065. The analyst reads, and
means, 6.5; a % indicator stores 6.5. The numeric cells whose number format shows a
percentage (Excel's own 0% and 0.00%, or any format with a ``%`` that is not quoted text)
are found from the workbook's styles and the sheet's XML, and :func:`as_shown` gives them
as the sheet shows them (``6.5%``), so that every layout reads them as it reads a typed
``6.5%``: a % indicator stores 6.5, a stated rate is 0.065, and an amount shown as a
percentage is refused as a typed one is.

A row or column hidden in Excel still holds figures (Excel's SUM counts them), easily
forgotten by whoever uploads the sheet: they are found here, and the importer imports
their figures with a warning naming them rather than unseen.

Chinese sheets also keep 元 and show 万元 with a number format: ``0!.0000`` writes a point
four places in, ``#,##0,`` drops three places. Such a cell is given as the number it
shows (7113112000 shown as 711311.2000 is 711311.2), in the measure the unit line names.

A workbook set to calculate by hand (``calcMode="manual"``, common in large report
workbooks; an .xls's CALCMODE record) keeps each formula's last result until someone
presses F9: its formula cells are found, and the figures read from them are imported with
a warning.

A workbook without such a format, a hidden line or manual calculation, the usual case, has
each sheet's XML looked at by one byte search.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import xlrd

from bxgc_metrics.importer.formulas import MAIN, Suspects, sheet_paths, xls_formulas

PERCENT_BUILTIN = frozenset({9, 10})
"""Excel's built-in number formats ``0%`` and ``0.00%``."""

_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
"""Quoted text, an escaped character, or a bracket (colour, condition) of a format code."""
_WHERE = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_NOT_NUMBERS = (b"s", b"str", b"inlineStr", b"b", b"e", b"d")
"""Cell types that hold no number (shared or inline text, boolean, error, date)."""
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_HIDDEN_COLUMNS = re.compile(rb'<col\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')
_MIN = re.compile(rb'\bmin="([0-9]+)"')
_MAX = re.compile(rb'\bmax="([0-9]+)"')
_MANUAL = re.compile(rb'<calcPr\b[^>]*\bcalcMode="manual"')
"""A workbook set to calculate by hand: Excel keeps each formula's last result until F9."""
_FORMULA_TAG = re.compile(rb"<f[ >/]")
_EXCEL_COLUMNS = 16_384
_LOCAL_HEADER = b"PK\x03\x04"


@dataclass(frozen=True)
class Shown:
    """What one sheet shows beyond its values."""

    percent: tuple[tuple[int, int], ...] = ()
    """Numeric cells shown as percentages: (Excel row, column index from 0)."""
    scaled: tuple[tuple[int, int, float | str], ...] = ()
    """Other numeric cells shown otherwise: (Excel row, column index, the divisor of a
    scaling format, or :data:`MONTH` or :data:`YEAR` for a date shown as its month or
    year alone)."""
    hidden_rows: frozenset[int] = frozenset()
    """Hidden rows, by Excel row number."""
    hidden_columns: frozenset[int] = frozenset()
    """Hidden columns, by column index from 0 (A)."""
    formulas: frozenset[tuple[int, int]] = frozenset()
    """Cells holding a formula, (Excel row, column index from 0), in a workbook set to
    calculate by hand (:data:`_MANUAL`), whose stored results may predate their inputs;
    found in no other workbook."""
    suspects: Suspects = field(default_factory=dict)
    """A legacy .xls's cells whose stored value is not a figure Excel calculated
    (:func:`~bxgc_metrics.importer.formulas.xls_formulas`); an xlsx's are read from its
    XML when asked (:func:`~bxgc_metrics.importer.formulas.suspect_cells`)."""


def is_percent(code: str) -> bool:
    """Whether a number format code shows its number as a percentage.

    >>> is_percent("0.0%"), is_percent('0.0"%"'), is_percent("#,##0.00%;[Red]-0.00%")
    (True, False, True)
    """
    return "%" in _LITERAL.sub("", code)


_POINT_PUT_IN = re.compile(r'0(?:!\.|\\\.|"\.")(0+)')
"""A point written into a format as text (``0!.0000``, ``0"."0000``): the number shown
with that many places fewer (元 kept, 万元 shown)."""
_SCALING_COMMAS = re.compile(r"[0#](,+)(?=[^0#,]*$)")
"""Commas after a format's last digit (``#,##0,``): each shows the number a thousandth."""


def divisor(code: str) -> float | None:
    """What a number format divides its number by to show it; ``None`` for one that
    shows it as it is.

    Both ways multiply: ``0!.0,`` drops three places and writes a point one place in, so
    it shows 7113112000 as 711311.2 (10 × 1,000).

    >>> divisor("0!.0000"), divisor('#,##0"."0000"万元"'), divisor("#,##0,"), divisor("0.00")
    (10000.0, 10000.0, 1000.0, None)
    >>> divisor("0!.0,"), divisor("0!.00,,")
    (10000.0, 100000000.0)
    """
    first = code.split(";")[0]
    by = 1
    point = _POINT_PUT_IN.search(first)
    if point is not None and "." not in _LITERAL.sub("", first[: point.start()]):
        by = 10 ** len(point.group(1))
    commas = _SCALING_COMMAS.search(_LITERAL.sub("", first).replace("!", ""))
    by *= 1000 ** len(commas.group(1)) if commas else 1
    return float(by) if by != 1 else None


PERCENT, MONTH, YEAR = "%", "month", "year"
"""What :func:`cell_styles` gives a percentage format, a date shown as its month alone
(``m"月"``) and a date shown as its year alone (``yyyy"年"``); a scaling one, its divisor."""
_MONTH_MARK, _YEAR_MARK = "月", "年"
_DATE_PARTS = re.compile(r"[a-zA-Z]+")


def date_part(code: str) -> str | None:
    """:data:`MONTH` for a date format that shows the month alone, :data:`YEAR` for one
    that shows the year alone, else ``None``.

    >>> date_part('m"月"'), date_part('yyyy"年"'), date_part("yyyy-mm-dd"), date_part("0.0")
    ('month', 'year', None, None)
    """
    parts = {p.lower() for p in _DATE_PARTS.findall(_LITERAL.sub("", code.split(";")[0]))}
    if parts and parts <= {"m", "mm", "mmm", "mmmm"}:
        return MONTH
    if parts and parts <= {"yy", "yyyy", "e"}:
        return YEAR
    return None


def cell_styles(styles: bytes) -> dict[int, float | str]:
    """The indices of a workbook's cell formats (``cellXfs``) that show a number other
    than it is stored: :data:`PERCENT` for a percentage, :data:`MONTH` or :data:`YEAR`
    for a date shown as its month or year alone, else what the number is divided by to
    be shown (``0!.0000``: 10,000)."""
    root = ElementTree.fromstring(styles)
    codes = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{MAIN}numFmt")
    }
    formats = root.find(f"{MAIN}cellXfs")
    found: dict[int, float | str] = {}
    for index, xf in enumerate(formats.findall(f"{MAIN}xf") if formats is not None else []):
        number = int(xf.get("numFmtId", "0"))
        if (how := _format_shows(number, codes.get(number, ""))) is not None:
            found[index] = how
    return found


def _format_shows(number: int, code: str) -> float | str | None:
    """What a number format (its id and code) does to the number it shows: :data:`PERCENT`,
    :data:`MONTH`, :data:`YEAR`, a divisor, or ``None`` for nothing."""
    if number in PERCENT_BUILTIN or (code and is_percent(code)):
        return PERCENT
    if code and (part := date_part(code)) is not None:
        return part
    if code and (by := divisor(code)) is not None:
        return by
    return None


def shown(data: bytes, sheets: list[str]) -> dict[str, Shown]:
    """What each of ``sheets`` in the xlsx ``data`` shows beyond its values, for the
    sheets that show anything; empty for a file that cannot be read so."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            styles = cell_styles(archive.read("xl/styles.xml")) if "xl/styles.xml" in names else {}
            found = {}
            paths = sheet_paths(archive)  # the workbook's own parts read once
            manual = "xl/workbook.xml" in names and bool(
                _MANUAL.search(archive.read("xl/workbook.xml"))
            )
            for name in sheets:
                path = paths.get(name)
                if path is None or path not in names:
                    continue
                xml, start, stop = _body(data, archive, archive.getinfo(path))
                styled = _styled_cells(xml, styles, start=start, stop=stop) if styles else ()
                percent = tuple((r, c) for r, c, how in styled if how == PERCENT)
                scaled = tuple(cell for cell in styled if cell[2] != PERCENT)
                hidden = xml.find(b'hidden="', start, stop) >= 0
                rows, columns = _hidden(xml, start, stop) if hidden else (frozenset(), frozenset())
                formulas = _formula_cells(xml, start, stop) if manual else frozenset()
                if styled or rows or columns or formulas:
                    found[name] = Shown(percent, scaled, rows, columns, formulas)
            return found
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return {}


_XLS_NUMBERS = (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE)


def shown_xls(data: bytes, sheets: list[str]) -> dict[str, Shown]:
    """:func:`shown` for a legacy .xls (BIFF): each of ``sheets``' numeric cells shown
    as a percentage, scaled or as a date's month or year alone, its hidden rows and
    columns, from the cell formats xlrd reads (python-calamine reads values only), and
    from the sheet's records its formulas in a workbook set to calculate by hand and the
    cells whose stored value is not a figure Excel calculated
    (:func:`~bxgc_metrics.importer.formulas.xls_formulas`). Empty for a file xlrd cannot
    read."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError, struct.error):
        return {}
    try:
        styles = {}
        for index, xf in enumerate(book.xf_list):
            fmt = book.format_map.get(xf.format_key)
            how = _format_shows(xf.format_key, fmt.format_str if fmt is not None else "")
            if how is not None:
                styles[index] = how
        found = {}
        names = book.sheet_names()
        for name in sheets:
            try:
                sheet = book.sheet_by_name(name)
            except xlrd.XLRDError:
                continue
            styled = _styled_xls_cells(sheet, styles) if styles else ()
            rows = frozenset(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
            columns = frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden)
            told = xls_formulas(book, names.index(name))
            stale = told.cells if told.manual else frozenset()
            if styled or rows or columns or stale or told.suspects:
                percent = tuple((r, c) for r, c, how in styled if how == PERCENT)
                scaled = tuple(cell for cell in styled if cell[2] != PERCENT)
                found[name] = Shown(percent, scaled, rows, columns, stale, told.suspects)
        return found
    finally:
        book.release_resources()


def _styled_xls_cells(
    sheet: xlrd.sheet.Sheet, styles: dict[int, float | str]
) -> tuple[tuple[int, int, float | str], ...]:
    """The numeric cells of an .xls sheet whose format is one of ``styles``: (Excel row,
    column index, what the format does)."""
    found = []
    for r in range(sheet.nrows):
        types = sheet.row_types(r)
        for c, kind in enumerate(types):
            if kind in _XLS_NUMBERS and (how := styles.get(sheet.cell_xf_index(r, c))) is not None:
                found.append((r + 1, c, how))
    return tuple(found)


def _body(data: bytes, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[bytes, int, int]:
    """A member's XML and where it lies in it: a member stored uncompressed (as the
    workbook guard writes every member) is searched where it lies in ``data``, neither
    copied nor checked again; any other is unpacked."""
    if member.compress_type == zipfile.ZIP_STORED:
        at = member.header_offset
        if data[at : at + 4] == _LOCAL_HEADER:
            name, extra = struct.unpack_from("<HH", data, at + 26)
            start = at + 30 + name + extra
            return data, start, start + member.compress_size
    body = archive.read(member)
    return body, 0, len(body)


def _styled_cells(
    xml: bytes, styles: dict[int, float | str], *, start: int, stop: int
) -> tuple[tuple[int, int, float | str], ...]:
    """The numeric cells of a worksheet's XML (``xml[start:stop]``) whose style is one of
    ``styles``: (Excel row, column index, what the style does)."""
    ids = b"|".join(str(i).encode() for i in sorted(styles))
    pattern = re.compile(rb'<c\b[^>]*?\bs="(' + ids + rb')"[^>]*>')
    found = []
    for cell in pattern.finditer(xml, start, stop):
        attributes = cell.group(0)
        kind = _TYPE.search(attributes)
        where = _WHERE.search(attributes)
        if where is None or (kind is not None and kind.group(1) in _NOT_NUMBERS):
            continue
        how = styles[int(cell.group(1))]
        found.append((int(where.group(2)), _column(where.group(1)), how))
    return tuple(found)


def _hidden(xml: bytes, start: int, stop: int) -> tuple[frozenset[int], frozenset[int]]:
    """The hidden rows (Excel numbers) and columns (indices from 0) of a worksheet's XML
    (``xml[start:stop]``)."""
    rows = set()
    for row in _HIDDEN_ROW.finditer(xml, start, stop):
        number = _ROW_NUMBER.search(row.group(0))
        if number is not None:
            rows.add(int(number.group(1)))
    columns: set[int] = set()
    for column in _HIDDEN_COLUMNS.finditer(xml, start, stop):
        low, high = _MIN.search(column.group(0)), _MAX.search(column.group(0))
        if low is not None and high is not None:
            columns.update(range(int(low.group(1)) - 1, min(int(high.group(1)), _EXCEL_COLUMNS)))
    return frozenset(rows), frozenset(columns)


def _formula_cells(xml: bytes, start: int, stop: int) -> frozenset[tuple[int, int]]:
    """The cells of a worksheet's XML (``xml[start:stop]``) that hold a formula, each
    found from its ``<f>`` back to the ``<c`` that opens it."""
    found = set()
    for tag in _FORMULA_TAG.finditer(xml, start, stop):
        opened = xml.rfind(b"<c ", start, tag.start())
        where = _WHERE.search(xml, opened, tag.start()) if opened >= 0 else None
        if where is not None:
            found.add((int(where.group(2)), _column(where.group(1))))
    return frozenset(found)


def _column(letters: bytes) -> int:
    """``A`` → 0, ``AB`` → 27."""
    index = 0
    for byte in letters:
        index = index * 26 + byte - 64
    return index - 1


def as_shown(cells: pd.DataFrame, looks: Shown, *, first_row: int, first_col: int) -> pd.DataFrame:
    """``cells`` with each number the sheet shows otherwise given as it is shown: a
    percentage as its text (0.065 → ``6.5%``), a scaled number divided (``0!.0000``:
    7113112000 → 711311.2)."""
    where: list[tuple[int, int, float | str]] = [(r, c, PERCENT) for r, c in looks.percent]
    where += list(looks.scaled)
    rows = np.array([r - first_row for r, _, _ in where], dtype=np.int64)
    cols = np.array([c - first_col for _, c, _ in where], dtype=np.int64)
    inside = (rows >= 0) & (rows < len(cells)) & (cols >= 0) & (cols < cells.shape[1])
    if not inside.any():
        return cells
    out = cells.copy()
    for k in np.flatnonzero(inside).tolist():
        row, col, how = int(rows[k]), int(cols[k]), where[k][2]
        value = out.iat[row, col]
        if how in (MONTH, YEAR) and hasattr(value, "month"):  # a date: as its part shows
            shown = f"{value.month}{_MONTH_MARK}" if how == MONTH else f"{value.year}{_YEAR_MARK}"
            out.iat[row, col] = shown
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if how == PERCENT:
                out.iat[row, col] = f"{value * 100:.12g}%"
            elif isinstance(how, float):
                out.iat[row, col] = value / how
    return out
