"""Rules on each figure alone: a number where one belongs, a missing marker, a value in
range and in the indicator's measure, a year a report can mean, a sign allowed."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.cells import MARKED_MISSING
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.validate.shown import at, rows, shown
from bxgc_metrics.periods import MAX_YEAR, MIN_YEAR, end_months, format_en, format_zh, start_months

_EXCEL_ERROR = re.compile(r"^#(N/A|DIV/0!|REF!|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!)$", re.I)


_SEPARATED = re.compile(r"^[-+]?[0-9.,]*[0-9][0-9.,]*%?$")
"""Digits with commas or dots that :func:`~bxgc_metrics.importer.cells.parse_numbers`
did not take: ``389005,5``, ``322.600,5``, ``1.234.567``."""


def not_numbers(records: pd.DataFrame) -> list[Issue]:
    """Text (or inf/NaN) where a number belongs: an Excel error value, digits whose comma
    or dot could mean either, or other text."""
    return [_not_a_number(r) for r in rows(shown(records, records["invalid"]))]


def _not_a_number(r: dict) -> Issue:
    raw = str(r["raw"])
    if _EXCEL_ERROR.match(raw):
        return issues.EXCEL_ERROR.at(r["sheet"], int(r["row"]), r["column"], value=raw, error=raw)
    if _SEPARATED.match(raw):
        return issues.AMBIGUOUS_NUMBER.at(**at(r), raw=raw)
    return issues.NOT_A_NUMBER.at(**at(r), raw=raw)


def missing_markers(missing: pd.DataFrame) -> list[Issue]:
    """Cells without a figure that a program marked so (NaN, null, None, N/A): read as
    no figure, and named, since the program may have lost one."""
    marked = missing["raw"].astype(str).str.lower().isin(MARKED_MISSING)
    return [issues.MISSING_MARKER.at(**at(r), raw=r["raw"]) for r in rows(shown(missing, marked))]


LARGEST = 1e15
"""No figure of a report reaches this in its indicator's measure (10¹⁵ 元 is several
times a year of China's GDP); past it, or at infinity, a unit or a digit is wrong."""


def too_large(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Figures that are infinite or past :data:`LARGEST` once in their indicator's
    measure (``1e308`` 亿元 in a 万元 indicator): errors, and left out."""
    value = records["value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(value) | (np.abs(value) > LARGEST)
    if not bad.any():
        return records, []
    found = [
        issues.TOO_LARGE.at(
            **at(r),
            raw=r["raw"],
            indicator=r["indicator_name_db"],
            measure=r["measure_db"],
            figure=r["value"],
        )
        for r in rows(shown(records, bad))
    ]
    return records[~bad], found


def percent_signs(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """A figure written with ``%`` for an indicator not measured in %: an error (38% of
    what?), and left out."""
    # a categorical compares its codes: missing is "not %" as for text
    bad = records["percent"].to_numpy(dtype=bool) & (records["measure_db"] != "%").to_numpy(
        dtype=bool
    )
    if not bad.any():
        return records, []
    found = [
        issues.PERCENT_IN_AMOUNT.at(
            **at(r), raw=r["raw"], indicator=r["indicator_name_db"], measure=r["measure_db"]
        )
        for r in rows(shown(records, bad))
    ]
    return records[~bad], found


def years_out_of_range(records: pd.DataFrame, today: dt.date) -> list[Issue]:
    """Years outside what a report can mean, and actual figures for periods not yet begun."""
    year = records["year"].astype("int64")
    begun = start_months(records["freq"], records["sub"]) > today.month
    old = shown(records, (year < MIN_YEAR) | (year > MAX_YEAR))
    future = shown(
        records,
        (records["value_kind"] == "actual")
        & ((year > today.year) | ((year == today.year) & begun)),
    )
    found = [
        issues.YEAR_OUT_OF_RANGE.at(**at(r), year=r["year"], low=MIN_YEAR, high=MAX_YEAR)
        for r in rows(old)
    ]
    found += [
        issues.ACTUAL_IN_FUTURE.at(**at(r), year=r["year"], today=today) for r in rows(future)
    ]
    # a year (half, quarter) begun and not ended has no actual figure yet: a year-to-date
    # figure under a heading that names no months would be stored as the whole year's
    ends = end_months(records["freq"], records["sub"])
    running = shown(
        records,
        (records["value_kind"] == "actual")
        & (records["freq"] != "M")
        & (year == today.year)
        & ~begun
        & (ends > today.month),
    )
    found += [
        issues.ACTUAL_NOT_ENDED.at(
            **at(r),
            period=format_zh(r["freq"], int(r["year"]), int(r["sub"])),
            period_en=format_en(r["freq"], int(r["year"]), int(r["sub"])),
            today=today,
        )
        for r in rows(running)
    ]
    return found


def negatives(records: pd.DataFrame) -> list[Issue]:
    """Negative values for indicators that cannot be negative."""
    bad = shown(records, (records["value"] < 0) & ~records["allow_negative"].astype(bool))
    return [
        issues.NEGATIVE_VALUE.at(**at(r), indicator=r["indicator_name_db"], raw=r["raw"])
        for r in rows(bad)
    ]
