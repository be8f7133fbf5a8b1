"""Gaps (差距) between a unit and its benchmark, and distance-to-frontier scores.

Two shapes, both vectorised: :func:`gap_table` works row-wise on pairs of levels (one row
per unit, indicator and period), :func:`distance_to_frontier` works column-wise on a wide
matrix of units × indicators, as the World Bank's Doing Business report scored
economies against the best performer. The sign conventions are chosen so that a
positive gap always means "behind", whatever the indicator's direction.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

GAP_COLUMNS = ["gap", "relative_gap", "ratio", "attainment"]
"""Columns added by :func:`gap_table`."""


def gap_table(
    frame: pd.DataFrame,
    *,
    chaser: str = "chaser",
    benchmark: str = "benchmark",
    higher_is_better: bool | npt.ArrayLike = True,
) -> pd.DataFrame:
    """Absolute, relative and ratio gaps between a chaser and its benchmark, row by row.

    Parameters
    ----------
    frame
        Any frame holding the two level columns.
    chaser, benchmark
        Names of the level columns.
    higher_is_better
        One flag for all rows, or one per row (array aligned with ``frame``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with :data:`GAP_COLUMNS` added:
        ``gap`` = benchmark − chaser (chaser − benchmark for lower-is-better), so that a
        positive gap means behind; ``relative_gap`` = gap / |benchmark|;
        ``ratio`` = chaser / benchmark; ``attainment`` = the ratio oriented so that 1 is
        level and below 1 is behind (benchmark / chaser for lower-is-better).
        Divisions by zero give NaN.

    Examples
    --------
    Plan four, 2010: 2.0 亿元 against 2.9.

    >>> out = gap_table(pd.DataFrame({"chaser": [2.0], "benchmark": [2.9]}))
    >>> out[GAP_COLUMNS].round(4).values.tolist()
    [[0.9, 0.3103, 0.6897, 0.6897]]
    """
    a = frame[chaser].to_numpy(dtype=float)
    b = frame[benchmark].to_numpy(dtype=float)
    higher = np.broadcast_to(np.asarray(higher_is_better, dtype=bool), a.shape)
    gap = np.where(higher, b - a, a - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(b != 0, gap / np.abs(b), np.nan)
        ratio = np.where(b != 0, a / b, np.nan)
        attainment = np.where(higher, ratio, np.where(a != 0, b / a, np.nan))
    return frame.assign(gap=gap, relative_gap=relative, ratio=ratio, attainment=attainment)


def _directions(columns: pd.Index, directions: Mapping[str, bool] | None) -> np.ndarray:
    """Boolean higher-is-better flag per column; columns not in the mapping default to True."""
    directions = directions or {}
    return np.array([bool(directions.get(c, True)) for c in columns])


def _bounds(
    matrix: pd.DataFrame, higher: np.ndarray, given: Mapping[str, float] | None, *, best: bool
) -> np.ndarray:
    """Observed best (or worst) per column, overridden by any given values."""
    top, bottom = matrix.max().to_numpy(float), matrix.min().to_numpy(float)
    observed = np.where(higher == best, top, bottom)
    given_values = pd.Series(given or {}, dtype=float).reindex(matrix.columns)
    return np.where(given_values.notna(), given_values.to_numpy(float), observed)


def distance_to_frontier(
    matrix: pd.DataFrame,
    directions: Mapping[str, bool] | None = None,
    *,
    frontier: Mapping[str, float] | None = None,
    worst: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Distance-to-frontier scores, 0 (at the worst) to 100 (at the frontier).

    The World Bank Doing Business score ``100 * (y - worst) / (frontier - worst)``, which
    for a lower-is-better indicator reads ``100 * (worst - y) / (worst - frontier)``;
    values beyond either bound are clipped to [0, 100]. An indicator whose frontier
    equals its worst carries no information; every unit then scores 100.

    Parameters
    ----------
    matrix
        Units × indicators (wide, numeric).
    directions
        Indicator → higher-is-better flag; missing indicators are higher-is-better.
    frontier, worst
        Indicator → bound; missing indicators use the best and worst observed values
        (direction-aware).

    Returns
    -------
    pandas.DataFrame
        Same index and columns as ``matrix``.

    Examples
    --------
    Revenue 2.0 between a worst 1.0 and a frontier 3.0 scores 50; energy use 0.6 where
    lower is better, worst 1.0, frontier 0.5, scores 80.

    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0], "energy": [1.0, 0.6, 0.5]})
    >>> distance_to_frontier(m, {"energy": False}).values.tolist()
    [[0.0, 0.0], [50.0, 80.0], [100.0, 100.0]]
    """
    higher = _directions(matrix.columns, directions)
    best = _bounds(matrix, higher, frontier, best=True)
    low = _bounds(matrix, higher, worst, best=False)
    y = matrix.to_numpy(dtype=float)
    span = best - low
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(span != 0, 100 * (y - low) / span, 100.0)
    score = np.where(np.isnan(y), np.nan, np.clip(score, 0.0, 100.0) + 0.0)  # no -0.0
    return pd.DataFrame(score, index=matrix.index, columns=matrix.columns)
