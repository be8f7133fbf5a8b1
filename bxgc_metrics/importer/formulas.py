"""Cells of a workbook whose stored value is not a figure Excel calculated.

python-calamine reads the value a workbook stores for each cell and cannot say whether it
came from a formula: a formula a program wrote and no one calculated stores 0 (xlsxwriter)
or nothing (openpyxl), and an Excel error value such as ``#DIV/0!`` reads as an empty
cell. Both would pass for a figure, or for no figure. :func:`suspect_cells` reads an
xlsx sheet's XML for exactly those cells; the importer asks only when a figure it read is
0 or empty, so a workbook of ordinary figures is never opened twice. A legacy .xls says
the same in its records (:func:`xls_formulas`: a formula's stored result, an error value
typed into a cell, and whether the workbook calculates by hand), read with the formats
xlrd reads for it anyway.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import xlrd
from xlrd.biffh import error_text_from_code
from xlrd.formula import FMLA_TYPE_CELL, colname, decompile_formula

ERROR, UNCALCULATED, ZERO = "error", "uncalculated", "zero"
"""What a suspect cell holds: an Excel error value; a formula without a calculated
result (none stored, or 0 in a workbook that asks to be calculated when opened, as those
written by programs do); a formula whose calculated result is 0."""

Suspects = dict[tuple[int, str], tuple[str, str]]
"""(Excel row, column letter) → (:data:`ERROR`, :data:`UNCALCULATED` or :data:`ZERO`, the
error value or the formula)."""

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
"""The namespace of a workbook's own XML parts."""
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_HINT = re.compile(rb'<f[ >/]|\st="e"')
_CELL = re.compile(rb"<c\b([^>]*)>(.*?)</c>", re.S)
_WHERE = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_RECALC = re.compile(rb'fullCalcOnLoad="(?:1|true)"')


def suspect_cells(data: bytes, sheet: str) -> Suspects:
    """The cells of ``sheet`` in the xlsx ``data`` that hold an Excel error or a formula
    without a real result; empty for any other file.

    >>> import xlsxwriter, io
    >>> buf = io.BytesIO(); book = xlsxwriter.Workbook(buf); ws = book.add_worksheet("表")
    >>> ws.write_formula("B2", "=A2*2"); ws.write_formula("C2", "=1/0", None, "#DIV/0!")
    0
    0
    >>> book.close(); suspect_cells(buf.getvalue(), "表")
    {(2, 'B'): ('uncalculated', 'A2*2'), (2, 'C'): ('error', '#DIV/0!')}
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = sheet_path(archive, sheet)
            if path is None:
                return {}
            recalc = bool(_RECALC.search(archive.read("xl/workbook.xml")))
            return _scan(archive.read(path), recalc)
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return {}


def sheet_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The path in the archive of the worksheet named ``sheet``."""
    return sheet_paths(archive).get(sheet)


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """The path in the archive of each worksheet, by sheet name."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_RELS}Relationship")}
    out = {}
    for s in book.iter(f"{MAIN}sheet"):
        target = targets.get(s.get(_REL_ID))
        if s.get("name") is not None and target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            out[str(s.get("name"))] = path
    return out


def _scan(xml: bytes, recalc: bool) -> Suspects:
    """The suspect cells of a worksheet's XML (only cells holding a formula or an error
    are looked at)."""
    found: Suspects = {}
    seen: set[int] = set()
    for hint in _HINT.finditer(xml):
        start = xml.rfind(b"<c ", 0, hint.start() + 1)
        if start < 0 or start in seen:
            continue
        seen.add(start)
        cell = _CELL.match(xml, start)
        where = _WHERE.search(cell.group(1)) if cell else None
        if cell is None or where is None:
            continue
        what = _suspect(cell.group(1), cell.group(2), recalc)
        if what is not None:
            found[(int(where.group(2)), where.group(1).decode())] = what
    return found


def _suspect(attributes: bytes, body: bytes, recalc: bool) -> tuple[str, str] | None:
    """What one cell holds, if it is suspect."""
    kind = _TYPE.search(attributes)
    value = _VALUE.search(body)
    stored = html.unescape(value.group(1).decode()) if value else ""
    formula = _FORMULA.search(body)
    text = html.unescape((formula.group(1) or b"").decode()) if formula else ""
    if kind is not None and kind.group(1) == b"e":
        return ERROR, stored or text
    if formula is None or (kind is not None and kind.group(1) in (b"s", b"str", b"b")):
        return None
    if not stored.strip():
        return UNCALCULATED, text or "…"
    if _is_zero(stored):
        return (UNCALCULATED if recalc else ZERO), text or "…"
    return None


def _is_zero(stored: str) -> bool:
    try:
        return float(stored) == 0
    except ValueError:
        return False


# --- legacy .xls ---------------------------------------------------------------------------

_BOF, _EOF, _CALCMODE, _FORMULA_RECORD, _BOOLERR = 0x0809, 0x000A, 0x000D, 0x0006, 0x0205
"""The BIFF records read (MS-XLS): a substream's start and end, the calculation mode, a
formula cell and a boolean or error cell."""
_RESULT_TYPED = b"\xff\xff"
"""The last two bytes of a formula's stored result when it is not a number (its first
byte then says what it is: 0 text, 1 a boolean, 2 an error, 3 an empty text)."""
_RESULT_ERROR = 2


@dataclass(frozen=True)
class XlsFormulas:
    """What one .xls worksheet's records say of its formulas."""

    manual: bool = False
    """Whether the workbook is set to calculate by hand (its CALCMODE record is 0)."""
    cells: frozenset[tuple[int, int]] = frozenset()
    """Cells holding a formula: (Excel row, column index from 0)."""
    suspects: Suspects = field(default_factory=dict)
    """As :func:`suspect_cells`: a formula whose stored result is an Excel error or 0, an
    error value typed into a cell."""


def xls_formulas(book: xlrd.Book, index: int) -> XlsFormulas:
    """The formulas of the ``index``-th sheet of ``book`` (opened by xlrd with
    ``on_demand``, so that its workbook stream is kept), read from the sheet's own
    records; nothing for a book whose records cannot be read so. A workbook Excel
    calculated stores each formula's result: a result of 0 is suspect as in an xlsx
    Excel calculated (:data:`ZERO`), an error as an error; a text result is no figure,
    as in an xlsx.

    >>> import xlwt, io
    >>> wb = xlwt.Workbook(); ws = wb.add_sheet("表"); ws.write(0, 0, xlwt.Formula("1/0"))
    >>> ws.row(0).set_cell_error(1, 0x07); ws.calc_mode = 0; buf = io.BytesIO(); wb.save(buf)
    >>> book = xlrd.open_workbook(file_contents=buf.getvalue(), on_demand=True)
    >>> found = xls_formulas(book, 0)
    >>> found.manual, sorted(found.cells), found.suspects
    (True, [(1, 0)], {(1, 'B'): ('error', '#DIV/0!')})
    """
    memory = getattr(book, "mem", None)
    starts = getattr(book, "_sh_abs_posn", None)
    if not memory or not starts or index >= len(starts):
        return XlsFormulas()
    try:
        return _xls_records(book, memory, starts[index])
    except (struct.error, IndexError, ValueError):
        return XlsFormulas()


def _xls_records(book: xlrd.Book, memory: bytes, position: int) -> XlsFormulas:
    """:func:`xls_formulas` from the sheet substream starting at ``position``."""
    manual, cells, suspects = False, set(), {}
    depth, end = 0, len(memory)
    while position + 4 <= end:
        code, length = struct.unpack_from("<HH", memory, position)
        body = position + 4
        position = body + length
        if code == _BOF:
            depth += 1
        elif code == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth != 1:
            continue  # a chart's substream inside the sheet
        elif code == _CALCMODE:
            manual = struct.unpack_from("<h", memory, body)[0] == 0
        elif code == _FORMULA_RECORD:
            row, column = struct.unpack_from("<HH", memory, body)
            cells.add((row + 1, column))
            what = _formula_result(book, memory, body, length=length)
            if what is not None:
                suspects[(row + 1, colname(column))] = what
        elif code == _BOOLERR and memory[body + 7] == 1:
            row, column = struct.unpack_from("<HH", memory, body)
            suspects[(row + 1, colname(column))] = (ERROR, _error_text(memory[body + 6]))
    return XlsFormulas(manual, frozenset(cells), suspects)


def _formula_result(
    book: xlrd.Book, memory: bytes, body: int, *, length: int
) -> tuple[str, str] | None:
    """What a FORMULA record's stored result makes of its cell, if it is suspect."""
    result = memory[body + 6 : body + 14]
    if result[6:8] == _RESULT_TYPED:
        return (ERROR, _error_text(result[2])) if result[0] == _RESULT_ERROR else None
    if struct.unpack("<d", result)[0] != 0:
        return None
    size = struct.unpack_from("<H", memory, body + 20)[0]
    tokens = memory[body + 22 : min(body + 22 + size, body + length)]
    row, column = struct.unpack_from("<HH", memory, body)
    try:
        text = decompile_formula(book, tokens, size, FMLA_TYPE_CELL, row, column)
    except Exception:  # xlrd cannot write out every token; the cell is named all the same
        text = None
    return ZERO, text or "…"


def _error_text(code: int) -> str:
    """Excel's error value of a BIFF error code (``#DIV/0!`` for 7)."""
    return str(error_text_from_code.get(code, "#N/A"))
