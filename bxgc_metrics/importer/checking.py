"""The rules applied to a file's mapped figures, in order, and the figures that pass
them in the columns the store writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from bxgc_metrics import clock
from bxgc_metrics.importer import validate
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.unit_line import UnitLine
from bxgc_metrics.store import Store, categorical_text


def checked_figures(
    mapped: pd.DataFrame,
    store: Store,
    *,
    checks: pd.DataFrame,
    totals: pd.DataFrame,
    unit_m: pd.DataFrame,
    ind_m: pd.DataFrame,
    today: dt.date | None,
    lines: dict[str, UnitLine],
    settled: Callable[[pd.DataFrame], None] | None = None,
    unmatched: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[Issue]]:
    """The figures that pass the rules (:mod:`~bxgc_metrics.importer.validate`), in the
    order the rules apply, and what they found; ``checks`` and ``totals`` are the sheets'
    stated rates and 合计 rows, and ``unmatched`` the figures whose unit is not known (yet),
    which a 合计 row counts.

    The rules that compare with stored figures, totals and stated rates only warn, so the
    figures are known before they run: ``settled`` is called with them then (the same
    frame this function returns), for work that needs only them to start early."""
    today = today or clock.today()
    found = validate.not_numbers(mapped)
    clean = mapped[~mapped["invalid"]] if mapped["invalid"].any() else mapped
    if clean.empty:
        return _figure_columns(clean), found
    clean, more = validate.percent_signs(clean)
    found += more
    clean, more = validate.conversions(clean, lines)
    found += more
    clean, more = validate.too_large(clean)
    found += more
    if clean.empty:
        return _figure_columns(clean), found
    clean = clean.assign(
        year=clean["year"].astype("int64"),
        sub=clean["sub"].astype("int64"),
        cumulative=clean["cumulative"].astype(bool),
        single=clean["single"].fillna(False).astype(bool),
    )
    found += validate.years_out_of_range(clean, today)
    clean, more = validate.whole_years(clean)
    found += more
    found += validate.off_frequency(clean)
    found += validate.negatives(clean)
    clean, more = validate.single_months_to_ytd(clean)
    found += more
    clean, more = validate.duplicates(clean)
    found += more
    figures = _figure_columns(clean)
    if settled is not None:
        settled(figures)
    history = _history(clean, store)
    overlay = validate.Overlay(history, clean)  # one coding of the keys for both
    found += validate.history_checks(clean, history, overlay=overlay)
    found += validate.totals_mismatch(mapped, totals, unmatched=unmatched)
    found += validate.stated_rates(
        clean, _mapped_checks(checks, unit_m, ind_m), history, overlay=overlay
    )
    return figures, found


def _history(clean: pd.DataFrame, store: Store) -> pd.DataFrame:
    """The stored figures the checks compare ``clean`` with: the same units and indicators,
    at the file's periods, the period before each, the same period a year earlier, and
    the annual figures (targets) of the file's years and the year before. No rule looks
    further: a jump compares with the period before or a year before, a year-to-date
    fall with the period before, completion and stated rates with the year's target and
    the same period a year before."""
    freq, year, sub = _distinct_periods(clean)
    wanted = {
        *zip(freq, year, sub, strict=True),
        *zip(freq, [y - 1 for y in year], sub, strict=True),
        *zip(freq, year, [s - 1 for s in sub], strict=True),
        *(("Y", y, 0) for y in {*year, *(y - 1 for y in year)}),
    }
    return store.observations_near(
        sorted(clean["unit_code"].unique()), sorted(clean["indicator_code"].unique()), wanted
    )


def _distinct_periods(clean: pd.DataFrame) -> tuple[list[str], list[int], list[int]]:
    """The distinct ``(freq, year, sub)`` of ``clean`` as three lists, each period found
    once by one integer per row (``drop_duplicates`` on the three columns, without
    hashing them one by one)."""
    codes, freqs = pd.factorize(clean["freq"], use_na_sentinel=False)
    year = clean["year"].to_numpy(dtype=np.int64)
    sub = clean["sub"].to_numpy(dtype=np.int64)
    if not len(year):
        return [], [], []
    y0, s0 = int(year.min()), int(sub.min())
    ys, ss = int(year.max()) - y0 + 1, int(sub.max()) - s0 + 1
    key = (codes.astype(np.int64) * ys + (year - y0)) * ss + (sub - s0)
    distinct = pd.unique(key)
    return (
        [str(f) for f in np.asarray(freqs, dtype=object)[distinct // (ys * ss)]],
        ((distinct // ss) % ys + y0).tolist(),
        (distinct % ss + s0).tolist(),
    )


def _mapped_checks(checks: pd.DataFrame, unit_m: pd.DataFrame, ind_m: pd.DataFrame) -> pd.DataFrame:
    if checks.empty:
        return checks
    units = dict(zip(unit_m["name"], unit_m["code"], strict=True))
    inds = dict(zip(ind_m["name"], ind_m["code"], strict=True))
    return checks.assign(
        unit_code=checks["unit_name"].map(units), indicator_code=checks["indicator_name"].map(inds)
    )


_FIGURE_COLUMNS = [*validate.KEY, "value", "cumulative", "sheet", "row", "column", "raw"]


def _figure_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures to write with where they stand; text columns may be categorical."""
    return frame[_FIGURE_COLUMNS].reset_index(drop=True)


def store_columns(frame: pd.DataFrame, text: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`_figure_columns` with their text columns as text (a categorical column's
    codes are looked up in its categories in one go, or taken from ``text``, the same
    rows with some of the columns as text already)."""
    out = _figure_columns(frame)

    def as_text(column: str) -> pd.Series:
        done = text[column] if text is not None and column in text else None
        if done is not None and isinstance(done.dtype, pd.StringDtype):
            return done
        return categorical_text(out[column])

    coded = {
        c: as_text(c) for c in _FIGURE_COLUMNS if isinstance(out[c].dtype, pd.CategoricalDtype)
    }
    return out.assign(**coded) if coded else out
