"""Workbooks (xlsx, xlsm, xls, ods) read through python-calamine.

An xlsx is measured before calamine opens it (size unpacked, cells and where they lie;
:mod:`bxgc_metrics.importer.workbook_guard`), and calamine reads the copy that was
measured. Merged ranges are filled with their top-left value and remembered, and the
spreadsheet's own row and column numbers are kept.
"""

from __future__ import annotations

import functools
import gc
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from bxgc_metrics.importer import issues, workbook_guard
from bxgc_metrics.importer.formulas import Suspects, suspect_cells
from bxgc_metrics.importer.limits import Limits
from bxgc_metrics.importer.reading.sheet import Sheet, check_width
from bxgc_metrics.importer.shown import Shown, as_shown, shown, shown_xls


def read_excel(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    if data.startswith(b"\xd0\xcf\x11\xe0") and file_name.lower().endswith((".xlsx", ".xlsm")):
        raise issues.ENCRYPTED.refused(file=file_name)
    # calamine reads only the copy the guard measured and wrote (its size, its cells), and
    # formulas are looked up in that copy too, never in the bytes as uploaded
    with tempfile.TemporaryDirectory(prefix="bxgc-upload-") as folder:
        checked = workbook_guard.checked_copy(data, file_name, limits, folder=Path(folder))
        sheets = _read_checked(checked, file_name, limits)
        if checked.suffix == ".xls":
            return _xls_as_shown(sheets, checked.read_bytes())
        if checked.suffix != ".xlsx":
            return sheets
        measured = checked.read_bytes()
    looks = shown(measured, [s.name for s in sheets if not s.hidden])
    return [
        s
        if s.hidden
        else _as_shown(s, looks.get(s.name), suspects=partial(suspect_cells, measured, s.name))
        for s in sheets
    ]


def _xls_as_shown(sheets: list[Sheet], data: bytes) -> list[Sheet]:
    """A legacy .xls's sheets with their cells given as shown, their hidden rows and
    columns, formulas calculated by hand and cells holding no figure Excel calculated
    (:func:`~bxgc_metrics.importer.shown.shown_xls`), as an xlsx's are."""
    looks = shown_xls(data, [s.name for s in sheets if not s.hidden])
    return [s if s.hidden or s.name not in looks else _looked_xls(s, looks[s.name]) for s in sheets]


def _looked_xls(sheet: Sheet, looks: Shown) -> Sheet:
    """:func:`_looked`, and the cells whose stored value is not a figure Excel calculated,
    which an .xls's records have said already."""
    looked = _looked(sheet, looks)
    if not looks.suspects:
        return looked
    return replace(looked, suspects=partial(dict, looks.suspects))


def _looked(sheet: Sheet, looks: Shown) -> Sheet:
    """``sheet`` with its cells as :class:`Shown` says they show, and its hidden lines."""
    cells = as_shown(sheet.cells, looks, first_row=sheet.first_row, first_col=sheet.first_col)
    return replace(
        sheet,
        cells=cells,
        hidden_rows=looks.hidden_rows,
        hidden_columns=looks.hidden_columns,
        stale_formulas=looks.formulas,
    )


def _as_shown(sheet: Sheet, looks: Shown | None, *, suspects: partial[Suspects]) -> Sheet:
    """A sheet with its formulas to look up, its cells shown as percentages given as
    shown (0.065 → 6.5%) and its hidden rows and columns."""
    sheet = replace(sheet, suspects=functools.cache(suspects))
    return sheet if looks is None else _looked(sheet, looks)


def _read_checked(path: Path, file_name: str, limits: Limits) -> list[Sheet]:
    try:
        with CalamineWorkbook.from_path(path) as book:
            return _read_book(book, file_name, limits)
    except PasswordError as exc:
        raise issues.PASSWORD.refused(file=file_name) from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise issues.NOT_EXCEL.refused(file=file_name, why=exc) from exc


def _read_book(book: CalamineWorkbook, file_name: str, limits: Limits) -> list[Sheet]:
    """Every visible worksheet read, and every hidden one named (unread, ``hidden``)."""
    sheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    names = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
    if len(names) > limits.max_sheets:
        raise issues.TOO_MANY_SHEETS.refused(
            file=file_name, count=len(names), limit=limits.max_sheets
        )
    return [
        _sheet(book, m.name, limits=limits, file_name=file_name)
        if m.visible == SheetVisibleEnum.Visible
        else Sheet(name=m.name, cells=pd.DataFrame(dtype=object), hidden=True)
        for m in sheets
    ]


def _sheet(book: CalamineWorkbook, name: str, *, limits: Limits, file_name: str) -> Sheet:
    raw = book.get_sheet_by_name(name)
    if raw.height > limits.max_rows:
        raise issues.SHEET_TOO_MANY_ROWS.refused(name=name, rows=raw.height, limit=limits.max_rows)
    check_width(raw.width, limits, name)
    if raw.height * raw.width > limits.max_cells:  # an .xls sheet; an xlsx was checked before
        raise issues.SHEET_TOO_MANY_CELLS.refused(
            name=name, rows=raw.height, columns=raw.width, limit=limits.max_cells
        )
    with _collector_paused():
        rows = raw.to_python()
        cells = _cells(rows)
        del rows
    start = raw.start or (0, 0)
    merged = []
    for (r0, c0), (r1, c1) in raw.merged_cell_ranges or []:
        top, left = r0 - start[0], c0 - start[1]
        if 0 <= top < len(cells) and 0 <= left < cells.shape[1]:
            cells.iloc[top : r1 - start[0] + 1, left : c1 - start[1] + 1] = cells.iat[top, left]
            if (r1, c1) != (r0, c0):
                merged.append((top, left, r1 - start[0], c1 - start[1]))
    return Sheet(
        name=name,
        cells=cells,
        first_row=start[0] + 1,
        first_col=start[1],
        merged=tuple(merged),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: a sheet's cells are a list per row, and collecting
    while hundreds of thousands of them are made only walks them again and again (none
    of them forms a cycle)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _cells(rows: list[list]) -> pd.DataFrame:
    """The rectangle of cell values as an object frame, empty text as ``None``."""
    if not rows:
        return pd.DataFrame(dtype=object)
    width = len(rows[0])
    if width and all(len(row) == width for row in rows):
        grid = np.array(rows, dtype=object)
        if grid.shape == (len(rows), width):  # one value per cell, as calamine gives
            grid[grid == ""] = None
            return pd.DataFrame(grid, dtype=object)
    cells = pd.DataFrame(rows, dtype=object)
    return cells.where(cells.ne(""), None) if not cells.empty else cells
