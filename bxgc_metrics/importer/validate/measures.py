"""Figures brought to what the store holds: converted from the measure they were written
in (亿元 → 万元) or refused, and monthly flows brought to year-to-date."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.unit_line import UnitLine
from bxgc_metrics.importer.validate.history import column_codes
from bxgc_metrics.importer.validate.shown import at, rows, shown
from bxgc_metrics.measures import conversion_factor
from bxgc_metrics.metrics.growth import single_to_ytd
from bxgc_metrics.periods import format_en, format_zh


def conversions(
    records: pd.DataFrame, lines: Mapping[str, UnitLine] | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    """Convert values written in another unit of measure (亿元 → 万元) or refuse.

    A refusal stands at the first figure written in that measure, or at its sheet's unit
    line (from ``lines``, by sheet) when that is where the measure came from."""
    out = records.copy(deep=False)  # copy on write: changing values leaves records alone
    found: list[Issue] = []
    # Each (measure, measure_db) pair once, in order of first appearance, as
    # ``out[["measure", "measure_db"]].drop_duplicates()`` lists them; code 0 is missing.
    given, given_values = pd.factorize(out["measure"])
    stored, stored_values = pd.factorize(out["measure_db"])
    given, stored = given.astype(np.int64) + 1, stored.astype(np.int64) + 1
    sources, targets = [None, *given_values], [None, *stored_values]
    _codes, pairs = pd.factorize(given * len(targets) + stored)
    for pair in pairs:
        source, target = sources[pair // len(targets)], targets[pair % len(targets)]
        source = source if isinstance(source, str) and source else None
        factor = conversion_factor(source, target)
        if factor == 1.0:  # written as stored: no row to change or report
            continue
        # the rows of ``measure.fillna("") == (source or "")`` and ``measure_db == target``
        written = [
            i
            for i, v in enumerate(sources)
            if (v is None or v == "" if source is None else v == source)
        ]
        member = np.zeros(len(sources), dtype=bool)
        member[written] = True  # ``np.isin(given, written)`` as one lookup per row
        rows_at = member[given] & (stored == pair % len(targets)) & (stored > 0)
        rows = pd.Series(rows_at, index=out.index)
        first = out.iloc[np.flatnonzero(rows_at)[0]]
        if factor is None:
            found.append(_mismatch(first, source, target, lines=lines or {}))
        else:
            out.loc[rows, "value"] = out.loc[rows, "value"] * factor
            found.append(
                issues.CONVERTED.at(
                    first["sheet"],
                    value=source,
                    indicator=first["indicator_name_db"],
                    source=source,
                    target=target,
                    factor=_scaled(factor),
                )
            )
    return out, found


def _scaled(factor: float) -> str:
    """``×10,000`` for a factor above one, ``÷10,000`` below (亿元 → 万元, 万元 → 亿元).

    >>> _scaled(10_000.0), _scaled(0.0001)
    ('×10,000', '÷10,000')
    """
    return f"×{factor:,.0f}" if factor >= 1 else f"÷{1 / factor:,.0f}"


def _mismatch(
    first: pd.Series, source: str | None, target: str, *, lines: Mapping[str, UnitLine]
) -> Issue:
    """A measure that does not convert: at the unit line it came from, else at the first
    figure written in it."""
    name = first["indicator_name_db"]
    line = lines.get(first["sheet"]) if bool(first.get("from_line", False)) else None
    if line is None:
        return issues.MEASURE_MISMATCH.at(
            first["sheet"],
            int(first["row"]),
            first["column"],
            value=source,
            source=source,
            target=target,
            indicator=name,
        )
    return issues.LINE_MEASURE_MISMATCH.at(
        line.sheet,
        line.row,
        line.column,
        value=line.text,
        line=line.text,
        source=source,
        target=target,
        indicator=name,
        letter=first["column"],
    )


def whole_years(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """A flow's or a rate's whole-year actual stored where its indicator's own series
    reads the year: a monthly indicator's as its 1-12月 figure (2025年全年 → 2025-12, year
    to date; a growth rate's year is its 1-12月 rate), a yearly indicator's 1-12月 figure
    as its year. A note says so, once per sheet."""
    if "frequency_db" not in records:
        return records, []
    flows = records["kind"].isin(["flow", "rate"]) & (records["value_kind"] == "actual")
    monthly = flows & (records["frequency_db"] == "M") & (records["freq"] == "Y")
    yearly = (
        flows
        & (records["frequency_db"] == "Y")
        & (records["freq"] == "M")
        & (records["sub"] == 12)
        & records["cumulative"]
    )
    if not (monthly.any() or yearly.any()):
        return records, []
    freq = records["freq"].astype(object).to_numpy(copy=True)
    sub = records["sub"].to_numpy(copy=True)
    cumulative = records["cumulative"].to_numpy(dtype=bool, copy=True)
    freq[monthly.to_numpy()], sub[monthly.to_numpy()] = "M", 12
    cumulative[monthly.to_numpy()] = True
    freq[yearly.to_numpy()], sub[yearly.to_numpy()] = "Y", 0
    cumulative[yearly.to_numpy()] = False
    out = records.assign(freq=pd.Categorical(freq), sub=sub, cumulative=cumulative)
    moved = records[monthly | yearly]
    found = [issues.WHOLE_YEAR.at(str(sheet)) for sheet in moved["sheet"].unique()]
    return out, found


OWN_FREQUENCY = {
    "Y": ("年度", "yearly"),
    "H": ("半年度", "half-yearly"),
    "Q": ("季度", "quarterly"),
    "M": ("月度", "monthly"),
}
"""An indicator's frequency in the words :data:`~bxgc_metrics.importer.issues.OFF_FREQUENCY`
names it by."""


def off_frequency(records: pd.DataFrame) -> list[Issue]:
    """Actual figures (after :func:`whole_years`) at a frequency their indicator's own series
    does not read, such as a yearly indicator's 1-10月 figure or a monthly stock's whole
    year: stored as the file gives them, and said at their cells, since no page shows them."""
    if "frequency_db" not in records:
        return []
    own, freq = records["frequency_db"], records["freq"]
    off = np.zeros(len(records), dtype=bool)
    for f in OWN_FREQUENCY:  # scalar comparisons: a categorical column compares its codes
        off |= ((own == f) & (freq != f)).to_numpy(dtype=bool)
    off &= (records["value_kind"] == "actual").to_numpy(dtype=bool)
    found = []
    for r in rows(shown(records, off)):
        words, words_en = OWN_FREQUENCY[r["frequency_db"]]
        period = (str(r["freq"]), int(r["year"]), int(r["sub"]))
        ytd = bool(r["cumulative"])
        found.append(
            issues.OFF_FREQUENCY.at(
                **at(r),
                indicator=r["indicator_name_db"],
                own=words,
                own_en=words_en,
                period=format_zh(*period, cumulative=ytd),
                period_en=format_en(*period, cumulative=ytd),
            )
        )
    return found


def single_months_to_ytd(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Bring monthly flows to the store's year-to-date form.

    Chinese reports give flows as 1-N月累计, so a monthly flow figure is taken as
    year-to-date unless the file says it is single-month (当月, or 累计 = 否); those are
    summed from January (:func:`~bxgc_metrics.metrics.growth.single_to_ytd`), which needs
    every month from January: a year that lacks one is an error. A stock's figure is a
    level, never year-to-date, whatever its title says (1-10月). A rate's figure for part
    of the year is its year-to-date rate (累计增速); one said to be a single month's (its
    own growth) is an error: it cannot be summed, and stored it would replace the
    year-to-date rate under the same key.
    """
    records = records.assign(cumulative=records["cumulative"] & (records["kind"] != "stock"))
    rates = (
        (records["kind"] == "rate")
        & (records["value_kind"] == "actual")
        & records["freq"].isin(["M", "Q", "H"])
    )
    refused = [
        issues.RATE_SINGLE_MONTH.at(**at(r), indicator=r["indicator_name_db"])
        for r in rows(records[rates & records["single"]])
    ]
    records = records.assign(cumulative=records["cumulative"] | (rates & ~records["single"]))
    flows = (
        (records["kind"] == "flow")
        & (records["value_kind"] == "actual")
        & records["freq"].isin(["M", "Q", "H"])
    )
    assumed = flows & ~records["cumulative"] & ~records["single"]
    out = records.assign(cumulative=records["cumulative"] | assumed)
    found = refused
    # a later quarter or the second half may be the period alone: a warning at the first
    later = (records["freq"].isin(["Q", "H"]) & (records["sub"] >= 2)).to_numpy(dtype=bool)
    doubtful = assumed.to_numpy(dtype=bool) & later
    if doubtful.any():
        first = records.iloc[int(np.flatnonzero(doubtful)[0])]
        found.append(issues.QUARTER_ASSUMED_YTD.at(**at(first), count=int(doubtful.sum())))
    if (assumed & ~later).any():
        found.append(issues.ASSUMED_YTD.at(str(records.loc[assumed & ~later, "sheet"].iloc[0])))
        found += _flat_as_to_date(records, (assumed & ~later).to_numpy(dtype=bool))
    mask = flows & out["single"]
    if not mask.any():
        return out, found
    series = ["unit_code", "indicator_code", "freq", "year"]
    mask = mask | _bases(out, flows, mask, series=series)
    months = out[mask].sort_values("sub")
    by = months.groupby(series, observed=True, sort=False)
    first, last = by["sub"].transform("first"), by["sub"].transform("last")
    n, distinct = by["sub"].transform("size"), by["sub"].transform("nunique")
    from_start = (first == 1) | ~by["single"].transform("first").astype(bool)
    complete = (last - first + 1 == n) & (distinct == n) & from_start
    found += [
        issues.MONTHS_MISSING.at(**at(r), indicator=r["indicator_name_db"], year=r["year"])
        for r in rows(months[~complete & months["single"]].drop_duplicates(series))
    ]
    ytd = single_to_ytd(months, keys=series[:3], partial=True)
    converted = months.assign(value=ytd, cumulative=True)
    if complete.any():  # said only where some were turned
        found.append(issues.MONTHS_TO_YTD.at(str(months.loc[complete, "sheet"].iloc[0])))
    return pd.concat([out[~mask], converted]).sort_index(), found


FLAT_SHARE = 0.4
"""How much of the growth a year-to-date series is expected to show that figures taken as
year to date must show: from January to October a total grows about tenfold, and one that
grows less than 1 + 0.4 × 9 = 4.6-fold reads as each month's own figure."""


def _flat_as_to_date(records: pd.DataFrame, taken: np.ndarray) -> list[Issue]:
    """A warning, per indicator, where figures taken as year-to-date (``taken``: no 累计 or
    当月 said) barely grow across three months or more: 9,000 in January and 11,700 in
    October are a year of single months, and stored as year-to-date October's 11,700 would
    replace the year's 107,529 without a word.

    A series' figures taken so grow with its months, so its largest against its smallest
    is compared with its last month against its first. Each series is one integer made of
    category codes, and its rows one run once ordered (a long file's rows come so already,
    a wide sheet's are ordered: 15 ms for a million rows)."""
    keep = taken & (records["freq"] == "M").to_numpy(dtype=bool)
    keep &= records["value"].to_numpy(dtype=float) > 0
    at_rows = np.flatnonzero(keep)
    if not len(at_rows):
        return []
    key = _series_codes(records, at_rows)
    sub = records["sub"].to_numpy(dtype=np.int64)[at_rows]
    value = records["value"].to_numpy(dtype=float)[at_rows]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    dense = int(key.max()) < 4 * len(key) + 1_000_000  # else counted by sorting
    if not dense or len(starts) > np.count_nonzero(np.bincount(key)):  # in several runs
        order = np.argsort(key, kind="stable")
        key, sub, value, at_rows = key[order], sub[order], value[order], at_rows[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    span = np.maximum.reduceat(sub, starts) / np.minimum.reduceat(sub, starts)
    grew = np.maximum.reduceat(value, starts) / np.minimum.reduceat(value, starts)
    flat = (span >= 3) & (grew < 1 + FLAT_SHARE * (span - 1))
    if not flat.any():
        return []
    ends = np.r_[starts[1:], len(key)]
    indicator = records["indicator_code"].to_numpy(dtype=object)
    found, said = [], set()
    for run in np.flatnonzero(flat):
        rows = at_rows[starts[run] : ends[run]]
        code = indicator[rows[0]]
        if code in said:
            continue
        said.add(code)
        months = sub[starts[run] : ends[run]]
        r, f = records.iloc[rows[np.argmax(months)]], records.iloc[rows[np.argmin(months)]]
        same = flat & (indicator[at_rows[starts]] == code)
        found.append(
            issues.FLAT_AS_YTD.at(
                **at(r),
                indicator=r["indicator_name_db"],
                count=int(same.sum()),
                figure=r["raw"],
                month=int(f["sub"]),
                first=f["raw"],
            )
        )
    return found


def _series_codes(records: pd.DataFrame, at_rows: np.ndarray) -> np.ndarray:
    """One small integer per row of ``at_rows``, the same for the rows of one unit,
    indicator and year (from category codes where the columns are categorical)."""
    key = np.zeros(len(at_rows), dtype=np.int64)
    for column in ("unit_code", "indicator_code"):
        codes, values = column_codes(records[column])
        key = key * len(values) + codes[at_rows]
    year = records["year"].to_numpy(dtype=np.int64)[at_rows]
    low = int(year.min())
    return key * (int(year.max()) - low + 1) + (year - low)


def _bases(
    out: pd.DataFrame, flows: pd.Series, single: pd.Series, *, series: list[str]
) -> np.ndarray:
    """The year-to-date figure each series of single periods adds to: the latest of its
    figures before its first single one that is year-to-date (1-2月, as bureaus publish
    January and February together) or a first period (January, 一季度, 上半年, the same
    alone as to date), however it was flagged."""
    joined = np.zeros(len(out), dtype=bool)
    base = (flows & ~single & (out["cumulative"] | (out["sub"] == 1))).to_numpy(dtype=bool)
    if not base.any():
        return joined
    lowest = out.loc[single, [*series, "sub"]].groupby(series, observed=True)["sub"].min()
    found = out.loc[base, [*series, "sub"]].assign(_at=np.flatnonzero(base))
    found = found.merge(lowest.rename("_lowest").reset_index(), on=series)
    found = found[found["sub"] < found["_lowest"]].sort_values("sub")
    joined[found.groupby(series, observed=True).tail(1)["_at"].to_numpy(dtype=np.int64)] = True
    return joined
