"""What one upload may hold: the file size the upload page and the command line take, and
the bounds an xlsx is measured against before it is parsed."""

from __future__ import annotations

from dataclasses import dataclass

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
