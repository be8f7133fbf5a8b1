"""Growth rates and year-to-date arithmetic on long frames of periodic values.

Chinese statistical tables report flows as year-to-date totals (1-6月累计) and growth
as 同比 (on the same period last year) or 环比 (on the previous period). This module
converts between cumulative and single-period values and computes those rates.

Input shape: a long DataFrame with integer columns ``year`` and ``sub`` (the period
within the year: month 1-12, quarter 1-4, half 1-2, or 0 for a whole year, as in
:mod:`bxgc_metrics.periods`), a value column, and optional key columns (``unit``,
``indicator``) that identify one series. Each (keys, year, sub) must be unique; rows
need not be sorted. Functions return a Series aligned with the input's index, so
``frame.assign(yoy=yoy(frame))`` reads naturally. Missing periods give NaN, never a
rate over a longer span than asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from bxgc_metrics._columnar import series_numbers


def _ordinal(frame: pd.DataFrame, per_year: int) -> np.ndarray:
    """A running period number, so that the previous period is always ordinal - 1."""
    sub = np.maximum(frame["sub"].to_numpy(dtype=np.int64), 1)
    return frame["year"].to_numpy(dtype=np.int64) * per_year + sub - 1


def _year_sub(frame: pd.DataFrame) -> np.ndarray:
    """``year * 100 + sub``: same period last year is - 100, previous sub is - 1."""
    return frame["year"].to_numpy(dtype=np.int64) * 100 + frame["sub"].to_numpy(dtype=np.int64)


def _lagged(
    frame: pd.DataFrame, keys: Sequence[str], value: str, *, ordinal: np.ndarray, lag: int
) -> np.ndarray:
    """The value ``lag`` periods earlier in the same series, NaN where not observed.

    Each row gets one integer key (its series number times the span of ordinals, plus its
    ordinal). Where the keys are dense enough, the values are laid out on a grid of every
    series and period and the lagged value is read ``lag`` cells back; else the keys are
    matched through a hash index. Either way no tuple of strings is hashed."""
    values = frame[value].to_numpy(dtype=float)
    if not len(frame):
        return values
    series, count = series_numbers(frame, list(keys))
    ordinal = np.asarray(ordinal, dtype=np.int64)
    low = int(ordinal.min()) - abs(lag)
    span = int(ordinal.max()) + abs(lag) - low + 1
    key = series * span + (ordinal - low)
    cells = count * span
    if cells <= 4 * len(key) + (1 << 20):
        seen = np.zeros(cells, dtype=bool)
        seen[key] = True
        if int(seen.sum()) != len(key):
            raise ValueError("cannot look up a lagged value: a (series, period) repeats")
        grid = np.full(cells, np.nan)
        grid[key] = values
        return grid[key - lag]
    index = pd.Index(key)
    if not index.is_unique:
        raise ValueError("cannot look up a lagged value: a (series, period) repeats")
    found = index.get_indexer(key - lag)
    return np.where(found >= 0, values[found], np.nan)


def _rate(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """current / previous - 1, NaN when the base is not positive or the rate is too large
    to hold in a float (a base of 1e-320 against 1: no meaningful rate either)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = np.where(previous > 0, current / previous - 1, np.nan)
    return np.where(np.isfinite(rate), rate, np.nan)


def yoy(frame: pd.DataFrame, keys: Sequence[str] = (), value: str = "value") -> pd.Series:
    """Year-on-year growth (同比): on the same period of the previous year.

    Parameters
    ----------
    frame
        Long frame with ``year``, ``sub``, the value column and the key columns.
    keys
        Columns identifying one series, e.g. ``["unit", "indicator"]``.
    value
        Name of the value column.

    Returns
    -------
    pandas.Series
        Growth as a fraction, named ``yoy``, aligned with ``frame``; NaN when the
        previous year's period is missing or not positive.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2010, 2011], "sub": [0, 0], "value": [2.0, 3.2]})
    >>> yoy(f).round(4).tolist()
    [nan, 0.6]
    """
    previous = _lagged(frame, keys, value, ordinal=_year_sub(frame), lag=100)
    rate = _rate(frame[value].to_numpy(dtype=float), previous)
    return pd.Series(rate, index=frame.index, name="yoy")


def pop(
    frame: pd.DataFrame, per_year: int, keys: Sequence[str] = (), *, value: str = "value"
) -> pd.Series:
    """Period-on-period growth (环比): on the immediately preceding period.

    Parameters
    ----------
    frame
        Long frame with ``year``, ``sub``, the value column and the key columns.
    per_year
        Periods per year: 12 monthly, 4 quarterly, 2 half-yearly, 1 yearly. January's
        previous period is December of the year before.
    keys
        Columns identifying one series.
    value
        Name of the value column.

    Returns
    -------
    pandas.Series
        Growth as a fraction, named ``pop``, aligned with ``frame``.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2023, 2024], "sub": [12, 1], "value": [50.0, 40.0]})
    >>> pop(f, per_year=12).round(4).tolist()
    [nan, -0.2]
    """
    previous = _lagged(frame, keys, value, ordinal=_ordinal(frame, per_year), lag=1)
    rate = _rate(frame[value].to_numpy(dtype=float), previous)
    return pd.Series(rate, index=frame.index, name="pop")


def cagr(first: npt.ArrayLike, last: npt.ArrayLike, periods: npt.ArrayLike) -> float | np.ndarray:
    """Compound annual (per-period) growth rate: ``(last / first) ** (1 / periods) - 1``.

    Parameters
    ----------
    first, last
        Levels at the start and end of the window (positive).
    periods
        Length of the window in periods (positive).

    Returns
    -------
    float or numpy.ndarray
        The rate as a fraction; NaN for non-positive inputs. Scalar for scalar inputs.

    Examples
    --------
    Plan four's ours: 2.0 in 2010 to 5.12 in 2012 is 60 % a year.

    >>> round(cagr(2.0, 5.12, 2), 4)
    0.6
    """
    a, b, n = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (first, last, periods)))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where((a > 0) & (b > 0) & (n > 0), (b / a) ** (1 / n) - 1, np.nan)
    return rate.item() if rate.ndim == 0 else rate


def average_change(
    first: npt.ArrayLike, last: npt.ArrayLike, periods: npt.ArrayLike
) -> float | np.ndarray:
    """The same change every period from ``first`` to ``last``: ``(last - first) / periods``.

    The counterpart of :func:`cagr` for figures that are read in their own units rather
    than as growth: a percentage (a growth rate of 7.0 % falling to 5.5 % in three years
    moves −0.5 points a year) or a level at or below zero, which has no growth rate.

    Parameters
    ----------
    first, last
        Levels at the start and end of the window (any sign).
    periods
        Length of the window in periods (positive).

    Returns
    -------
    float or numpy.ndarray
        The change per period in the levels' units; NaN for a missing level or a window
        that is not positive. Scalar for scalar inputs.

    Examples
    --------
    >>> average_change(2.0, 5.12, 2), average_change(7.0, 5.5, 3), average_change(-3.0, -1.5, 2)
    (1.56, -0.5, 0.75)
    """
    a, b, n = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (first, last, periods)))
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(n > 0, (b - a) / n, np.nan)
    return step.item() if step.ndim == 0 else step


def ytd_to_single(frame: pd.DataFrame, keys: Sequence[str] = (), value: str = "value") -> pd.Series:
    """Single-period values from year-to-date totals (1-6月累计 − 1-5月累计 = June).

    The first period of a year (``sub`` 1, or 0 for a whole year) equals its
    cumulative value; any other period needs the previous period of the same year,
    else NaN (e.g. a 1-2月 total with no January figure).

    Parameters
    ----------
    frame
        Long frame with ``year``, ``sub``, cumulative values and key columns.
    keys
        Columns identifying one series.
    value
        Name of the cumulative value column.

    Returns
    -------
    pandas.Series
        Named ``single``, aligned with ``frame``.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2024] * 3, "sub": [1, 2, 3], "value": [10.0, 25.0, 45.0]})
    >>> ytd_to_single(f).tolist()
    [10.0, 15.0, 20.0]
    """
    sub = frame["sub"].to_numpy(dtype=np.int64)
    previous = _lagged(frame, keys, value, ordinal=_year_sub(frame), lag=1)
    current = frame[value].to_numpy(dtype=float)
    single = np.where(sub <= 1, current, current - previous)
    return pd.Series(single, index=frame.index, name="single")


def single_to_ytd(
    frame: pd.DataFrame, keys: Sequence[str] = (), value: str = "value", *, partial: bool = False
) -> pd.Series:
    """Year-to-date totals from single-period values (cumulative sum within each year).

    A total is NaN from the first missing period of a year onwards (a missing row or
    a NaN value), because it would silently cover fewer periods than its label says;
    with ``partial`` the running sum is kept there too (for a caller that reports the
    gap itself, as the importer does).

    Parameters
    ----------
    frame
        Long frame with ``year``, ``sub``, single-period values and key columns.
    keys
        Columns identifying one series.
    value
        Name of the value column.
    partial
        Keep the running sum past a missing period instead of NaN.

    Returns
    -------
    pandas.Series
        Named ``ytd``, aligned with ``frame``.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2024] * 3, "sub": [1, 2, 4], "value": [10.0, 15.0, 20.0]})
    >>> single_to_ytd(f).tolist(), single_to_ytd(f, partial=True).tolist()
    ([10.0, 25.0, nan], [10.0, 25.0, 45.0])
    """
    groups = [*keys, "year"]
    ordered = frame.sort_values([*groups, "sub"])
    by = ordered.groupby(groups, sort=False)
    total = by[value].cumsum()
    if partial:
        return total.reindex(frame.index).rename("ytd")
    seen = ordered[value].notna().astype(np.int64).groupby([ordered[g] for g in groups]).cumsum()
    complete = seen.to_numpy() == np.maximum(ordered["sub"].to_numpy(dtype=np.int64), 1)
    ytd = pd.Series(np.where(complete, total.to_numpy(dtype=float), np.nan), index=ordered.index)
    return ytd.reindex(frame.index).rename("ytd")


def annualise(ytd: npt.ArrayLike, months_elapsed: npt.ArrayLike) -> float | np.ndarray:
    """Full-year estimate from a partial year at a constant pace: ``ytd / months * 12``.

    Parameters
    ----------
    ytd
        Year-to-date totals.
    months_elapsed
        Months the totals cover (1-12).

    Returns
    -------
    float or numpy.ndarray
        Annualised values; NaN where ``months_elapsed`` is not positive.

    Examples
    --------
    >>> annualise(30.0, 6)
    60.0
    """
    y, m = np.broadcast_arrays(np.asarray(ytd, dtype=float), np.asarray(months_elapsed, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(m > 0, y / m * 12, np.nan)
    return out.item() if out.ndim == 0 else out


def annualise_seasonal(
    ytd: npt.ArrayLike, last_year_ytd: npt.ArrayLike, last_year_total: npt.ArrayLike
) -> float | np.ndarray:
    """Full-year estimate assuming last year's seasonal share: ``ytd / (last_ytd / last_total)``.

    Parameters
    ----------
    ytd
        This year's year-to-date totals.
    last_year_ytd
        Last year's totals to the same period.
    last_year_total
        Last year's full-year totals.

    Returns
    -------
    float or numpy.ndarray
        Annualised values; NaN where last year's share is not positive.

    Examples
    --------
    Last year 40 of 100 came by June; this year 30 by June suggests 75 for the year.

    >>> annualise_seasonal(30.0, 40.0, 100.0)
    75.0
    """
    arrays = (ytd, last_year_ytd, last_year_total)
    y, ly, lt = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in arrays))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = ly / lt
        out = np.where(share > 0, y / share, np.nan)
    return out.item() if out.ndim == 0 else out
