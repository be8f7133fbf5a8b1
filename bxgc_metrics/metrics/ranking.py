"""Rankings (排名), rank moves (进位) and composite indices over many units.

Three layers, each vectorised over units: :func:`rank_units` ranks a long frame per
indicator; :func:`rank_change` compares two rankings; :func:`composite` builds a
composite index following the OECD/JRC *Handbook on Constructing Composite Indicators*
(normalise, weight, aggregate), and :func:`rank_sensitivity` shows how much a unit's
place depends on those choices. Ties share the better place ("min" method; 1 = best).
Lower-is-better indicators are flipped during normalisation, so a higher normalised
value is always better.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bxgc_metrics.metrics.gaps import distance_to_frontier

NORMALISATIONS = ("minmax", "zscore", "frontier")
"""Normalisation methods of :func:`normalise`."""
WEIGHTINGS = ("equal", "entropy")
"""Named weighting schemes of :func:`composite` (a mapping of fixed weights also works)."""
AGGREGATIONS = ("weighted_sum", "topsis")
"""Aggregation methods of :func:`composite`."""


def _signed(
    frame: pd.DataFrame, by: str, higher_is_better: bool | Mapping[str, bool] | str
) -> pd.Series:
    """Values oriented so that smaller is better, ready for an ascending rank."""
    if isinstance(higher_is_better, str):
        higher = frame[higher_is_better].astype(bool)
    elif isinstance(higher_is_better, Mapping):
        higher = frame["indicator"].map(higher_is_better).fillna(True).astype(bool)
    else:
        higher = pd.Series(bool(higher_is_better), index=frame.index)
    values = frame[by].astype(float)
    return values.where(~higher, -values)


def rank_units(
    frame: pd.DataFrame,
    by: str = "value",
    higher_is_better: bool | Mapping[str, bool] | str = True,
    *,
    within: Sequence[str] = ("indicator",),
) -> pd.DataFrame:
    """Rank units per indicator (or any grouping), direction-aware, ties sharing the better place.

    Rank by value, by growth rate or by completion rate: pass the column to ``by``.

    Parameters
    ----------
    frame
        Long frame, e.g. columns ``unit, indicator, value`` (+ ``growth``, ``completion``).
    by
        Column to rank on.
    higher_is_better
        One flag for all rows; a mapping indicator → flag (looked up in the ``indicator``
        column, missing indicators are higher-is-better); or the name of a boolean column.
    within
        Columns defining separate rankings, e.g. ``("period", "indicator")``; ``()`` ranks
        all rows together.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with an ``Int64`` column ``rank`` (1 = best; missing values
        are not ranked).

    Examples
    --------
    >>> f = pd.DataFrame({"unit": list("ABC"), "indicator": "revenue", "value": [5.0, 7.0, 5.0]})
    >>> rank_units(f)["rank"].tolist()
    [2, 1, 2]
    >>> rank_units(f, higher_is_better={"revenue": False})["rank"].tolist()
    [1, 3, 1]
    """
    key = _signed(frame, by, higher_is_better)
    if within:
        ranks = key.groupby([frame[c] for c in within]).rank(method="min")
    else:
        ranks = key.rank(method="min")
    return frame.assign(rank=ranks.astype("Int64"))


def rank_change(
    previous: pd.DataFrame, current: pd.DataFrame, on: Sequence[str] = ("unit",)
) -> pd.DataFrame:
    """Rank moves between two rankings (进位): positive = places gained.

    Parameters
    ----------
    previous, current
        Frames with the ``on`` columns and ``rank``.
    on
        Columns identifying a ranked entry, e.g. ``("unit",)`` or ``("unit", "indicator")``.

    Returns
    -------
    pandas.DataFrame
        One row per entry of ``current`` (in its order): the ``on`` columns,
        ``previous_rank``, ``rank`` and ``change = previous_rank - rank`` (``Int64``;
        missing when the entry was not ranked before).

    Examples
    --------
    >>> before = pd.DataFrame({"unit": ["A", "B"], "rank": [5, 1]})
    >>> after = pd.DataFrame({"unit": ["A", "B"], "rank": [2, 3]})
    >>> rank_change(before, after)["change"].tolist()
    [3, -2]
    """
    keys = list(on)
    prior = previous[[*keys, "rank"]].rename(columns={"rank": "previous_rank"})
    merged = current[[*keys, "rank"]].merge(prior, on=keys, how="left")
    merged = merged.astype({"rank": "Int64", "previous_rank": "Int64"})
    merged["change"] = merged["previous_rank"] - merged["rank"]
    return merged[[*keys, "previous_rank", "rank", "change"]]


def _higher(matrix: pd.DataFrame, directions: Mapping[str, bool] | None) -> np.ndarray:
    """Higher-is-better flag per column (missing → True)."""
    directions = directions or {}
    return np.array([bool(directions.get(c, True)) for c in matrix.columns])


def _minmax(x: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1], flipped for lower-is-better; a constant column is 1 (all best)."""
    low, high = x.min(axis=0), x.max(axis=0)
    span = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(higher, x - low, high - x) / span
    return np.where(span > 0, scaled, 1.0)


def _zscore(x: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """Standard scores (sample sd), sign-flipped for lower-is-better; a constant column is 0."""
    sd = x.std(axis=0, ddof=1) if len(x) > 1 else np.zeros(x.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x - x.mean(axis=0)) / sd
    return np.where(sd > 0, np.where(higher, z, -z), 0.0)


def normalise(
    matrix: pd.DataFrame, directions: Mapping[str, bool] | None = None, method: str = "minmax"
) -> pd.DataFrame:
    """Normalise a units × indicators matrix so that higher is better in every column.

    Parameters
    ----------
    matrix
        Units × indicators, numeric, no missing values.
    directions
        Indicator → higher-is-better flag; missing indicators are higher-is-better.
    method
        ``minmax`` (0-1), ``zscore`` (mean 0, sd 1) or ``frontier`` (distance to frontier,
        0-100, see :func:`bxgc_metrics.metrics.gaps.distance_to_frontier`).

    Returns
    -------
    pandas.DataFrame
        Same shape, index and columns.

    Examples
    --------
    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0], "energy": [0.5, 0.7, 0.9]})
    >>> normalise(m, {"energy": False}).round(6).values.tolist()
    [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
    """
    _check_matrix(matrix)
    if method == "frontier":
        return distance_to_frontier(matrix, directions)
    functions = {"minmax": _minmax, "zscore": _zscore}
    if method not in functions:
        raise ValueError(f"unknown normalisation {method!r}; choose from {NORMALISATIONS}")
    values = functions[method](matrix.to_numpy(dtype=float), _higher(matrix, directions))
    return pd.DataFrame(values + 0.0, index=matrix.index, columns=matrix.columns)


def _check_matrix(matrix: pd.DataFrame) -> None:
    """Composite indices need a complete numeric matrix; imputation is the caller's choice."""
    if matrix.empty:
        raise ValueError("the matrix is empty")
    if matrix.isna().to_numpy().any():
        raise ValueError("the matrix has missing values; impute or drop them first")


def entropy_weights(
    matrix: pd.DataFrame, directions: Mapping[str, bool] | None = None
) -> pd.Series:
    """Entropy weight method: indicators that separate units more get more weight.

    On min-max normalised data ``x``: ``p_ij = x_ij / sum_i x_ij``,
    ``e_j = -k sum_i p_ij ln p_ij`` with ``k = 1 / ln n`` (0 ln 0 = 0), ``d_j = 1 - e_j``,
    ``w_j = d_j / sum_j d_j``. Equal weights when no indicator varies or n < 2.

    Parameters
    ----------
    matrix
        Units × indicators, complete.
    directions
        Indicator → higher-is-better flag.

    Returns
    -------
    pandas.Series
        Weights indexed by indicator, non-negative, summing to 1.

    Examples
    --------
    A constant indicator carries no information and gets no weight:

    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0], "flat": [4.0, 4.0, 4.0]})
    >>> entropy_weights(m).tolist()
    [1.0, 0.0]
    """
    x = normalise(matrix, directions, "minmax").to_numpy()
    n, m = x.shape
    equal = pd.Series(1.0 / m, index=matrix.columns)
    if n < 2:
        return equal
    p = x / x.sum(axis=0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    d = np.clip(1 + plogp.sum(axis=0) / np.log(n), 0.0, None)
    d[np.ptp(x, axis=0) == 0] = 0.0  # exactly, not 1 - (1 - 5e-16)
    return equal if d.sum() <= 0 else pd.Series(d / d.sum(), index=matrix.columns)


def _weights(
    matrix: pd.DataFrame, directions: Mapping[str, bool] | None, weights: str | Mapping[str, float]
) -> pd.Series:
    """Resolve the weighting argument to a Series summing to 1."""
    if isinstance(weights, Mapping):
        given = pd.Series(weights, dtype=float).reindex(matrix.columns)
        if given.isna().any() or (given < 0).any() or given.sum() <= 0:
            raise ValueError("fixed weights need one non-negative weight per indicator")
        return given / given.sum()
    if weights == "equal":
        return pd.Series(1.0 / matrix.shape[1], index=matrix.columns)
    if weights == "entropy":
        return entropy_weights(matrix, directions)
    raise ValueError(f"unknown weights {weights!r}; choose from {WEIGHTINGS} or a mapping")


def _topsis(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Relative closeness to the ideal, in [0, 1]; all units identical → 1."""
    v = x * w
    to_best = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    to_worst = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    total = to_best + to_worst
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, to_worst / total, 1.0)


@dataclass(frozen=True, eq=False)
class Composite:
    """A composite index: scores, the weights used and the normalised matrix."""

    scores: pd.DataFrame
    """Indexed by unit (the matrix index): ``score`` (float, higher is better) and
    ``rank`` (``Int64``, 1 = best, ties share the better place)."""
    weights: pd.Series
    """Weight per indicator, summing to 1."""
    normalised: pd.DataFrame
    """The normalised matrix (higher is better in every column)."""


def composite(
    matrix: pd.DataFrame,
    directions: Mapping[str, bool] | None = None,
    *,
    normalisation: str = "minmax",
    weights: str | Mapping[str, float] = "equal",
    aggregation: str = "weighted_sum",
) -> Composite:
    """Composite index over a units × indicators matrix (OECD/JRC Handbook steps).

    Parameters
    ----------
    matrix
        Units × indicators, numeric, complete; the index names the units.
    directions
        Indicator → higher-is-better flag; missing indicators are higher-is-better.
    normalisation
        One of :data:`NORMALISATIONS`.
    weights
        ``equal``, ``entropy`` (:func:`entropy_weights`) or a mapping indicator → weight
        (rescaled to sum to 1).
    aggregation
        ``weighted_sum`` (sum of weight × normalised value) or ``topsis`` (closeness
        to the ideal unit, in [0, 1]).

    Returns
    -------
    Composite

    Examples
    --------
    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0], "energy": [0.5, 0.6, 0.9]},
    ...                  index=["A", "B", "C"])
    >>> result = composite(m, {"energy": False})
    >>> result.scores["score"].round(3).tolist(), result.scores["rank"].tolist()
    ([0.5, 0.625, 0.5], [2, 1, 2])
    """
    normalised = normalise(matrix, directions, normalisation)
    w = _weights(matrix, directions, weights)
    x = normalised.to_numpy()
    if aggregation == "weighted_sum":
        score = x @ w.to_numpy()
    elif aggregation == "topsis":
        score = _topsis(x, w.to_numpy())
    else:
        raise ValueError(f"unknown aggregation {aggregation!r}; choose from {AGGREGATIONS}")
    scores = pd.DataFrame({"score": score}, index=matrix.index)
    scores["rank"] = scores["score"].rank(method="min", ascending=False).astype("Int64")
    return Composite(scores=scores, weights=w, normalised=normalised)


def _spearman(ranks: pd.DataFrame) -> pd.Series:
    """Spearman correlation of each scenario column with ``base`` (Pearson on mid-ranks)."""
    mid = ranks.rank().to_numpy()
    centred = mid - mid.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = (centred[:, 1:] * centred[:, :1]).sum(axis=0) / (norms[1:] * norms[0])
    return pd.Series(corr, index=ranks.columns[1:])


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """How far ranks move when the composite's choices change."""

    ranks: pd.DataFrame
    """Units × scenarios: column ``base`` then one column of ranks per scenario."""
    summary: pd.DataFrame
    """Indexed by scenario: ``spearman`` (rank correlation with the base),
    ``max_abs_shift`` and ``mean_abs_shift`` (places, over units)."""
    unit_max_shift: pd.Series
    """Per unit, the largest absolute rank shift over all scenarios."""


def rank_sensitivity(
    matrix: pd.DataFrame,
    directions: Mapping[str, bool] | None,
    scenarios: Mapping[str, Mapping[str, Any]],
    *,
    base: Mapping[str, Any] | None = None,
) -> Sensitivity:
    """Rank sensitivity of a composite index to weighting, normalisation and aggregation.

    Parameters
    ----------
    matrix
        Units × indicators, as for :func:`composite`.
    directions
        Indicator → higher-is-better flag.
    scenarios
        Name → keyword arguments of :func:`composite`, e.g.
        ``{"entropy": {"weights": "entropy"}}``.
    base
        Keyword arguments of the base composite (default: its defaults).

    Returns
    -------
    Sensitivity

    Examples
    --------
    >>> m = pd.DataFrame({"revenue": [1.0, 2.0, 3.0], "energy": [0.5, 0.6, 0.9]},
    ...                  index=["A", "B", "C"])
    >>> s = rank_sensitivity(m, {"energy": False}, {"revenue_only": {"weights": {"revenue": 1,
    ...                      "energy": 0}}})
    >>> s.ranks["revenue_only"].tolist(), s.unit_max_shift.tolist()
    ([3, 2, 1], [1, 1, 1])
    """
    runs = {"base": base or {}, **scenarios}
    ranks = pd.DataFrame(
        {name: composite(matrix, directions, **kw).scores["rank"] for name, kw in runs.items()}
    )
    shifts = ranks.drop(columns="base").sub(ranks["base"], axis=0).abs()
    spearman = _spearman(ranks.astype(float))
    summary = pd.DataFrame(
        {"spearman": spearman, "max_abs_shift": shifts.max(), "mean_abs_shift": shifts.mean()}
    )
    return Sensitivity(ranks=ranks, summary=summary, unit_max_shift=shifts.max(axis=1))
