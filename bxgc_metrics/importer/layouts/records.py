"""What every layout gives: a :class:`ParsedSheet` of :data:`RECORD_COLUMNS` records, so
matching and validation do not care where a figure came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bxgc_metrics._columnar import empty_frame
from bxgc_metrics.importer.issues import Issue, Kind, Text
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import UnitLine
from bxgc_metrics.periods import PeriodText

RECORD_COLUMNS = (
    "sheet",
    "row",
    "column",
    "raw",
    "unit_name",
    "indicator_name",
    "freq",
    "year",
    "sub",
    "value_kind",
    "cumulative",
    "single",
    "value",
    "missing",
    "invalid",
    "percent",
    "measure",
    "from_line",
)
"""Columns of :attr:`ParsedSheet.records`: where the figure stands (sheet, Excel row and
column letter, raw text), what it is (unit and indicator *names* as written, period,
value kind, ``cumulative`` when the file says year-to-date, ``single`` when it says
single-month (当月), measure as written; ``from_line`` when the measure comes from the
sheet's unit line, and is missing while that line names several) and its number
(``value``; ``missing`` for ``—`` or empty cells; ``invalid`` for text that is not a
number). A long sheet with code columns (``unit_code``, ``indicator_code``, as
``export`` writes them) adds :data:`GIVEN_CODES`."""

GIVEN_CODES = ("unit_code_given", "indicator_code_given")
"""Record columns of the codes a long sheet writes beside the names (``""`` where a row
leaves its code empty); a code decides over the name."""

CHECK_COLUMNS = ("sheet", "row", "column", "raw", "unit_name", "indicator_name", "what", "stated")
"""Columns of :attr:`ParsedSheet.checks`: a stated 完成率 or 同比增长 (``what`` is
``completion``, ``growth`` or ``index``, for growth written as a percentage of last year,
为上年同期%; ``stated`` a fraction, growth for both of the last) to compare with the
figures."""


@dataclass(frozen=True)
class ParsedSheet:
    """One sheet read into records."""

    sheet: str
    """Sheet name."""
    layout: str
    """``long``, ``wide``, ``report`` or ``unknown``."""
    records: pd.DataFrame
    """Figures, :data:`RECORD_COLUMNS`."""
    checks: pd.DataFrame = field(default_factory=lambda: empty_frame(CHECK_COLUMNS))
    """Stated completion rates and growth, :data:`CHECK_COLUMNS`."""
    totals: pd.DataFrame = field(default_factory=lambda: empty_frame(RECORD_COLUMNS))
    """Figures of 合计 rows (not stored; checked against the sum of their rows)."""
    issues: tuple[Issue, ...] = ()
    """What reading the layout found."""
    period: PeriodText | None = None
    """The period named in the title, if any."""
    unit_line: UnitLine | None = None
    """The line above the header that says what the figures are measured in."""
    field_columns: dict[str, str] = field(default_factory=dict)
    """Where a long sheet's names and codes stand: ``unit``, ``indicator``, ``unit_code``,
    ``indicator_code`` → column letter."""
    field_cells: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    """Where a sheet names a field once for all its figures: ``indicator`` → the row of a
    report's header or of a wide sheet's title, and its column (``None``: each figure's
    own column under that header)."""


def unread(sheet: Sheet, found: Issue) -> ParsedSheet:
    """A sheet whose layout could not be read, and why."""
    return ParsedSheet(sheet.name, "unknown", empty_frame(RECORD_COLUMNS), issues=(found,))


def failed(sheet: Sheet, kind: Kind, row: int | None = None, **fields: Text) -> ParsedSheet:
    """A sheet refused for the reason of catalogue entry ``kind`` (at ``row``), its
    message filled with ``fields``."""
    return unread(sheet, kind.at(sheet.name, row, None, **fields))


def field_columns(sheet: Sheet, fields: dict[str, int]) -> dict[str, str]:
    """The column letters of a sheet's names and codes."""
    named = ("unit", "indicator", "unit_code", "indicator_code")
    return {name: sheet.column_letter(fields[name]) for name in named if name in fields}
