"""Cells of an xlsx whose stored value is not a figure Excel calculated.

python-calamine reads the value a workbook stores for each cell and cannot say whether it
came from a formula: a formula a program wrote and no one calculated stores 0 (xlsxwriter)
or nothing (openpyxl), and an Excel error value such as ``#DIV/0!`` reads as an empty
cell. Both would pass for a figure, or for no figure. :func:`suspect_cells` reads the
sheet's XML for exactly those cells; the importer asks only when a figure it read is 0 or
empty, so a workbook of ordinary figures is never opened twice.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

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
