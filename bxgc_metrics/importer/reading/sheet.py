"""What a reader gives: the :class:`Sheet` of raw cells and Excel's column letters (the
upload :class:`~bxgc_metrics.importer.limits.Limits` it may take live in their own module)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.formulas import Suspects
from bxgc_metrics.importer.limits import Limits

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as read, before any interpretation."""

    name: str
    """Sheet name (the file name for CSV)."""
    cells: pd.DataFrame
    """Cell values (str, float, int, datetime or ``None``); merged ranges are filled."""
    first_row: int = 1
    """The spreadsheet row number of ``cells``' first row (1-based)."""
    first_col: int = 0
    """The spreadsheet column index of ``cells``' first column (0 = A)."""
    hidden: bool = False
    """A sheet hidden in the workbook: its cells are not read and it is not imported,
    which the import says (:data:`~bxgc_metrics.importer.issues.SHEET_HIDDEN`)."""
    notes: tuple[str, ...] = field(default=())
    """What reading noticed, e.g. the detected encoding."""
    delimited: bool = False
    """Read from delimited text (CSV): a number written with unquoted thousands commas
    (1,234.5) is split across cells there, and figures past the last heading say so."""
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Merged ranges of more than one cell, as positions in ``cells``: (top, left,
    bottom, right). Their cells all hold the top-left value."""
    hidden_rows: frozenset[int] = frozenset()
    """Rows hidden in Excel, by Excel row number."""
    hidden_columns: frozenset[int] = frozenset()
    """Columns hidden in Excel, by spreadsheet column index (0 = A)."""
    stale_formulas: frozenset[tuple[int, int]] = frozenset()
    """Cells holding a formula in a workbook set to calculate by hand, whose stored results
    may not be up to date: (Excel row, spreadsheet column index)."""
    suspects: Callable[[], Suspects] | None = field(default=None, repr=False, compare=False)
    """The cells whose stored value is not a calculated figure (an Excel error, a formula
    never calculated), read from the workbook when first asked (:mod:`.formulas`);
    ``None`` where the format cannot tell (CSV, xls)."""

    def row_number(self, position: int) -> int:
        """The Excel row number of a positional row."""
        return self.first_row + position

    def column_letter(self, position: int) -> str:
        """The Excel column letter of a positional column."""
        return column_letter(self.first_col + position)


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``.

    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_width(width: int, limits: Limits, sheet: str) -> None:
    """Refuse a sheet wider than :attr:`Limits.max_columns` before reading its columns."""
    if width > limits.max_columns:
        raise issues.TOO_MANY_COLUMNS.refused(
            sheet=sheet, value=f"{width:,}", name=sheet, width=width, limit=limits.max_columns
        )
