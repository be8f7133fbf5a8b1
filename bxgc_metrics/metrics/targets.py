"""Targets: completion rates, time progress (序时进度) and 时间过半、任务过半 pace.

Meetings compare each unit's year-to-date completion of its annual target with the
share of the year gone: by the end of June half the target should be done. This module
gives the three numbers behind that comparison, vectorised over a frame of units.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

PACE_AHEAD = "ahead"
"""Completion exceeds time progress by more than the tolerance."""
PACE_ON = "on_pace"
"""Completion within the tolerance of time progress."""
PACE_BEHIND = "behind"
"""Completion falls short of time progress by more than the tolerance."""
PACE_UNKNOWN = "unknown"
"""Actual, target or time progress is missing or the target is not positive."""
PACE_TOLERANCE_PP = 1.0
"""Half-width of the on-pace band in percentage points: a unit up to this far behind time
elapsed still counts as keeping pace (:func:`pace`'s default)."""
PACE_COLUMNS = ["completion", "time_progress", "gap_pp", "status"]
"""Columns added by :func:`pace`."""


def completion_rate(
    actual: npt.ArrayLike, target: npt.ArrayLike, higher_is_better: npt.ArrayLike = True
) -> float | np.ndarray:
    """Completion rate (完成率) of an annual target.

    ``actual / target``; for lower-is-better indicators (a ceiling such as energy use
    per unit of GDP) ``target / actual``, so that 1 always means "target met" and above 1
    "beaten". Not for pacing a ceiling mid-year: use :func:`pace` for that.

    Parameters
    ----------
    actual, target
        Achieved and target values (broadcast).
    higher_is_better
        Direction, one flag or one per element.

    Returns
    -------
    float or numpy.ndarray
        The rate as a fraction; NaN where the divisor is not positive.

    Examples
    --------
    >>> completion_rate(27.0, 50.0)
    0.54
    >>> completion_rate(0.5, 0.4, higher_is_better=False)
    0.8
    """
    a, t, h = np.broadcast_arrays(
        np.asarray(actual, float), np.asarray(target, float), np.asarray(higher_is_better, bool)
    )
    num, den = np.where(h, a, t), np.where(h, t, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den, np.nan)
    return out.item() if out.ndim == 0 else out


def time_progress(sub: npt.ArrayLike, per_year: int = 12) -> float | np.ndarray:
    """Share of the year elapsed at the end of a period (序时进度), from period numbers.

    Parameters
    ----------
    sub
        Period within the year: month 1-12, quarter 1-4, half 1-2; 0 for a whole year.
    per_year
        Periods per year: 12, 4, 2 or 1.

    Returns
    -------
    float or numpy.ndarray
        ``sub / per_year``, and 1.0 for a whole year.

    Examples
    --------
    >>> time_progress(6), time_progress(3, per_year=4)
    (0.5, 0.75)
    """
    s = np.asarray(sub, dtype=float)
    out = np.where(s <= 0, 1.0, s / per_year)
    return out.item() if out.ndim == 0 else out


def time_progress_on(dates: npt.ArrayLike) -> float | np.ndarray:
    """Share of the year elapsed at the end of each given day (days elapsed / days in year).

    Parameters
    ----------
    dates
        Dates or timestamps (anything :func:`pandas.to_datetime` reads).

    Returns
    -------
    float or numpy.ndarray
        Day of year / 365 (366 in leap years).

    Examples
    --------
    >>> round(time_progress_on("2023-06-30"), 4)  # 181 / 365
    0.4959
    """
    stamps = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(dates)))
    days = np.where(stamps.is_leap_year, 366.0, 365.0)
    out = stamps.day_of_year.to_numpy(dtype=float) / days
    return out.item() if np.ndim(dates) == 0 else out


def pace(
    frame: pd.DataFrame,
    progress: npt.ArrayLike,
    *,
    tolerance_pp: float = PACE_TOLERANCE_PP,
    higher_is_better: npt.ArrayLike = True,
    actual: str = "actual",
    target: str = "target",
) -> pd.DataFrame:
    """时间过半、任务过半: is each unit's year-to-date completion keeping pace with time?

    ``completion = actual / target`` is the share of the annual figure reached so far;
    ``gap_pp = (completion - progress) * 100`` in percentage points, positive = ahead.
    For a lower-is-better ceiling (an energy-use cap) using less than time progress is
    good, so the gap's sign flips: ``gap_pp = (progress - completion) * 100``.
    Status is ``ahead`` above ``+tolerance_pp``, ``behind`` below ``-tolerance_pp``,
    ``on_pace`` within the band (inclusive), ``unknown`` when not computable.

    Parameters
    ----------
    frame
        One row per unit with year-to-date ``actual`` and annual ``target`` columns.
    progress
        Time progress as a fraction (see :func:`time_progress`), one value or one per row.
    tolerance_pp
        Half-width of the on-pace band, in percentage points.
    higher_is_better
        One flag or one per row.
    actual, target
        Column names.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with :data:`PACE_COLUMNS` added.

    Examples
    --------
    End of June: 27 of 50 is 54 %, four points ahead of 50 %; 24.8 of 50 is on pace.

    >>> units = pd.DataFrame({"unit": ["A", "B"], "actual": [27.0, 24.8], "target": [50.0] * 2})
    >>> out = pace(units, time_progress(6))
    >>> out["gap_pp"].round(1).tolist(), out["status"].tolist()
    ([4.0, -0.4], ['ahead', 'on_pace'])
    """
    a = frame[actual].to_numpy(dtype=float)
    t = frame[target].to_numpy(dtype=float)
    p, h = np.broadcast_arrays(np.asarray(progress, float), np.asarray(higher_is_better, bool))
    p, h = np.broadcast_to(p, a.shape), np.broadcast_to(h, a.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where(t > 0, a / t, np.nan)
    gap = np.where(h, completion - p, p - completion) * 100
    status = pace_status(gap, tolerance_pp)
    return frame.assign(completion=completion, time_progress=p, gap_pp=gap, status=status)


def pace_status(gap_pp: npt.ArrayLike, tolerance_pp: float = PACE_TOLERANCE_PP) -> np.ndarray:
    """The verdict of :func:`pace` for gaps in points (any shape): ``ahead`` above
    ``+tolerance_pp``, ``behind`` below ``-tolerance_pp``, ``on_pace`` within the band
    (inclusive), ``unknown`` where the gap is missing.

    >>> pace_status([1.0000000000000009, -0.98, -1.3, float("nan")]).tolist()
    ['on_pace', 'on_pace', 'behind', 'unknown']
    """
    gap = np.asarray(gap_pp, dtype=float)
    band = tolerance_pp + 1e-9  # 25.5 / 50 - 0.5 is 1.0000000000000009 points, still on pace
    conditions = [np.isnan(gap), gap > band, gap < -band]
    return np.select(conditions, [PACE_UNKNOWN, PACE_AHEAD, PACE_BEHIND], default=PACE_ON)
