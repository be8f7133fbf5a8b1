"""What a reader gives and what it may take: the :class:`Sheet` of raw cells, the upload
:class:`Limits`, and Excel's column letters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.formulas import Suspects

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


TEXT_SUFFIXES = (".csv", ".tsv", ".txt")

UPLOAD_LIMIT_MB = 50
"""The largest file the importer takes, in megabytes of 1024 × 1024 bytes as Streamlit
counts them: the upload page passes it to its file uploader, ``.streamlit/config.toml``
sets ``server.maxUploadSize`` to it (a test holds the two equal) and :class:`Limits`
refuses a larger file from the command line."""


@dataclass(frozen=True)
class Limits:
    """What a single upload may hold; past these the file is refused before parsing."""

    max_bytes: int = UPLOAD_LIMIT_MB * 1024 * 1024
    """File size."""
    max_rows: int = 2_000_000
    """Rows in one sheet."""
    max_columns: int = 1_000
    """Columns in one sheet: a monthly series over 80 years, or 200 indicators of five
    columns each. Excel's 16,384 columns of a stray cell far to the right are refused
    before any column is read."""
    max_sheets: int = 50
    """Sheets in one workbook."""
    max_unzip_ratio: float = 200.0
    """Uncompressed / compressed size of an xlsx; a zip bomb goes far beyond this."""
    max_unzipped_bytes: int = 128 * 1024**2
    """Uncompressed size of an xlsx, all its parts together: a 100,000-row sheet of five
    columns is about 30 MB of XML, so about 400,000 such rows fit."""
    max_cells: int = 2_000_000
    """Cells of an xlsx's sheets, each counted as the whole block from its top-left to its
    bottom-right cell (blanks in between cost the reader as much as filled cells), and
    as many shared strings: 400,000 rows of five columns, or 1,000 units × 50 indicators
    × 40 columns. Checked before parsing (:mod:`bxgc_metrics.importer.workbook_guard`);
    reading that many takes the process about 350 MB. An .xls sheet (at most 65,536 ×
    256) is checked as soon as it is read, before its cells are converted."""


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
    notes: tuple[str, ...] = field(default=())
    """What reading noticed, e.g. the detected encoding."""
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Merged ranges of more than one cell, as positions in ``cells``: (top, left,
    bottom, right). Their cells all hold the top-left value."""
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
