"""Which reader a file goes to, by its size and its name's suffix."""

from __future__ import annotations

from pathlib import Path

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.limits import Limits
from bxgc_metrics.importer.reading.excel import read_excel
from bxgc_metrics.importer.reading.sheet import EXCEL_SUFFIXES, TEXT_SUFFIXES, Sheet
from bxgc_metrics.importer.reading.text import read_text

_MB = 1024 * 1024


def read_file(data: bytes, file_name: str, limits: Limits | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet or CSV/TSV file given as bytes."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        size, limit = len(data) / _MB, limits.max_bytes / _MB
        raise issues.FILE_TOO_LARGE.refused(
            sheet=file_name, value=f"{size:.1f} MB", file=file_name, size=size, limit=limit
        )
    if not data:
        raise issues.FILE_EMPTY.refused(file=file_name)
    suffix = Path(file_name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(data, file_name, limits)
    if suffix in TEXT_SUFFIXES:
        delimiter = "\t" if suffix == ".tsv" else None
        return [read_text(data, file_name, delimiter=delimiter, limits=limits)]
    shown = issues.Text(suffix, suffix) if suffix else issues.NO_SUFFIX
    raise issues.UNSUPPORTED_TYPE.refused(suffix=shown)
