"""Lines of a delimited text file as the csv module reads them, and what it cannot read
or reads wrongly: a line it refuses, a cell too long, a quote left open that swallows the
rows after it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import ReadError
from bxgc_metrics.importer.reading.sheet import column_letter


def line_reader(text: str, delimiter: str, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """Each row of ``text`` with the line it starts on; every line ending counts (CR-only
    ones too, as old Mac Excel writes them). A row the csv module cannot read is
    refused, naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _unreadable_line(text, delimiter, file_name=file_name, line=start, exc=exc) from exc


def all_rows(text: str, delimiter: str, file_name: str) -> list[list[str]]:
    """Every row of ``text`` (:func:`_reader`)."""
    return [row for _line, row in line_reader(text, delimiter, file_name)]


def widest(text: str, delimiter: str, file_name: str) -> int:
    """The most fields a row of the beginning of ``text`` has (at least 1)."""
    return max((len(row) for row in all_rows(text[:200_000], delimiter, file_name)), default=1)


def _unreadable_line(
    text: str, delimiter: str, *, file_name: str, line: int, exc: csv.Error
) -> ReadError:
    """What the csv module could not read at ``line``: a cell too long, or anything else."""
    if "field larger than field limit" not in str(exc):
        return issues.UNREADABLE_LINE.refused(
            sheet=file_name, row=line, file=file_name, line=line, why=exc
        )
    limit = csv.field_size_limit()
    position = _long_cell(text, line, delimiter=delimiter, limit=limit)
    column = column_letter(position) if position is not None else None
    letter = issues.AT_COLUMN.text(column=column) if column else issues.Text("", "")
    return issues.CELL_TOO_LONG.refused(
        sheet=file_name,
        row=line,
        column=column,
        file=file_name,
        line=line,
        letter=letter,
        limit=limit,
    )


def _long_cell(text: str, line: int, *, delimiter: str, limit: int) -> int | None:
    """The position of the first field longer than ``limit`` in ``line`` of ``text``
    (split at every delimiter, quoted or not); ``None`` if there is none."""
    for number, content in enumerate(io.StringIO(text, newline=""), start=1):
        if number == line:
            fields = content.split(delimiter)
            return next((i for i, f in enumerate(fields) if len(f) > limit), None)
    return None


def has_line_break(frame: pd.DataFrame) -> bool:
    """Whether a cell holds a line break."""
    texts = [
        c for _, c in frame.items() if c.dtype == object or isinstance(c.dtype, pd.StringDtype)
    ]
    return any(bool(c.str.contains("[\r\n]", regex=True, na=False).any()) for c in texts)


def check_quotes(text: str, delimiter: str, *, width: int, file_name: str) -> None:
    """Refuse a quote left open: a cell whose lines read like rows of the file (half as
    many delimiters as a row has, or more) swallowed them, and so does a quote still
    open at the end of the file; their figures would silently go.

    A note written over two lines in Excel (Alt+Enter) is one quoted cell with a line
    break and (almost) no delimiters; that stays a cell.
    """
    fields = max(1, width // 2)
    last: tuple[int, list[str]] | None = None
    for line, row in line_reader(text, delimiter, file_name):
        last = line, row
        for position, cell in enumerate(row):
            swallowed = _swallowed(cell, delimiter, fields)
            if swallowed:
                raise _unclosed(file_name, line, position, cell=cell, swallowed=swallowed)
    if last is not None and _open_at_end(text, delimiter, last[0]):
        line, row = last
        position = next((i for i, c in enumerate(row) if "\n" in c or "\r" in c), len(row) - 1)
        raise _unclosed(
            file_name, line, position, cell=row[position], swallowed=row[position].count("\n")
        )


def _swallowed(cell: str, delimiter: str, fields: int) -> int:
    """How many of a cell's lines hold ``fields`` delimiters or more (0 without a break)."""
    if "\n" not in cell and "\r" not in cell:
        return 0
    return sum(line.count(delimiter) >= fields for line in cell.splitlines())


def _open_at_end(text: str, delimiter: str, line: int) -> bool:
    """Whether the row starting at ``line`` ends inside quotes at the end of ``text``."""
    lines = io.StringIO(text, newline="")
    for _ in range(line - 1):
        lines.readline()
    strict = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        next(strict, None)
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _unclosed(file_name: str, line: int, position: int, *, cell: str, swallowed: int) -> ReadError:
    column = column_letter(position)
    shown = cell.splitlines()[0][:40] if cell.splitlines() else ""
    return issues.UNCLOSED_QUOTE.refused(
        sheet=file_name,
        row=line,
        column=column,
        value=shown,
        file=file_name,
        line=line,
        letter=column,
        shown=shown,
        swallowed=swallowed,
    )
