"""Files to grids of cells: xlsx/xlsm/xls/ods through python-calamine, CSV/TSV with
encoding detection.

A :class:`Sheet` is the raw rectangle of cell values with merged ranges filled in and the
spreadsheet's own row and column numbers kept, so every later message can name the cell
the analyst sees in Excel. A file refused raises :class:`ReadError`, whose message comes
from the issue catalogue (:mod:`bxgc_metrics.importer.issues`).

Parts:

- :mod:`.files` — :func:`read_file`: which reader a file goes to, by size and suffix.
- :mod:`.excel` — workbooks through calamine, measured first by
  :mod:`~bxgc_metrics.importer.workbook_guard`.
- :mod:`.text` — CSV and TSV: encoding, delimiter, and Arrow or pandas to read the cells.
- :mod:`.lines` — what the csv module cannot read, or reads wrongly (open quotes).
- :mod:`.sheet` — :class:`Sheet` and Excel column letters; the upload :class:`Limits` come
  from :mod:`bxgc_metrics.importer.limits`.
"""

from __future__ import annotations

from bxgc_metrics.importer.issues import ReadError
from bxgc_metrics.importer.limits import UPLOAD_LIMIT_MB, Limits
from bxgc_metrics.importer.reading.files import read_file
from bxgc_metrics.importer.reading.sheet import EXCEL_SUFFIXES, TEXT_SUFFIXES, Sheet, column_letter
from bxgc_metrics.importer.reading.text import decode

__all__ = [
    "EXCEL_SUFFIXES",
    "TEXT_SUFFIXES",
    "UPLOAD_LIMIT_MB",
    "Limits",
    "ReadError",
    "Sheet",
    "column_letter",
    "decode",
    "read_file",
]
