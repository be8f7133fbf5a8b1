"""Recognise a sheet's layout and read its figures into records.

Parts, in the order an uploaded sheet goes through them:

- :mod:`.detect` — finds the header row and picks the layout (:func:`parse_sheet`).
- :mod:`.long` — the one parser of the long layout: a row per unit, indicator, period
  and value, as ``python -m bxgc_metrics export`` writes it.
- :mod:`.wide` — a row per unit, a column per period.
- :mod:`.report` — the statistical table of Chinese reports, with sub-headers such as
  全年目标 / 1-6月累计 / 完成率, 合计 rows and footnotes.
- :mod:`.grid` — the body of a wide or report sheet: unit column, data and 合计 rows,
  blocks of figures.
- :mod:`.cells` — figures whose cell does not hold them (merged, Excel errors, formulas
  never calculated).
- :mod:`.vocabulary` — the header words, value kinds, row patterns and sub-header roles
  every layout recognises.
- :mod:`.records` — what every layout gives: :class:`ParsedSheet` and its columns.
"""

from __future__ import annotations

from bxgc_metrics.importer.layouts.detect import parse_sheet
from bxgc_metrics.importer.layouts.records import (
    CHECK_COLUMNS,
    GIVEN_CODES,
    RECORD_COLUMNS,
    ParsedSheet,
)
from bxgc_metrics.importer.layouts.vocabulary import header_role, split_measure

__all__ = [
    "CHECK_COLUMNS",
    "GIVEN_CODES",
    "RECORD_COLUMNS",
    "ParsedSheet",
    "header_role",
    "parse_sheet",
    "split_measure",
]
