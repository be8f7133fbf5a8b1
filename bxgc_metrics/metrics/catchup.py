"""Catch-up arithmetic: when a chaser overtakes a benchmark, and how fast it must grow.

This module owns the closed-form answers a leader asks about one unit and its benchmark
(标杆): the crossing time under constant growth rates, the growth rate needed to be level
by a target period, and Sicherl's time distance between two observed series. The
closed-form functions broadcast like numpy so that thousands of unit/benchmark pairs are
answered in one call; :func:`catch_up_projected` compares several projection models and
lives here because its question, "when do we overtake?", is the same.

Every function is direction-aware. For a lower-is-better indicator (energy use per unit
of GDP) catching up means getting at or below the benchmark, so the chaser must shrink
faster than the benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bxgc_metrics.metrics.projection import MODELS, project, simulate

STATUS_CATCHES_UP = "catches_up"
"""The chaser is behind, grows faster, and so overtakes at a finite time."""
STATUS_LEVEL = "already_level_or_ahead"
"""The chaser is already level with or ahead of the benchmark at the start."""
STATUS_NOT_FASTER = "not_faster"
"""The chaser is behind and grows no faster than the benchmark, so it never catches up."""
STATUS_NON_POSITIVE = "non_positive"
"""A level is zero or negative, or a growth rate is -100 % or below: ratios are undefined."""
STATUS_MISSING = "missing"
"""An input is NaN, so no answer can be given."""
STATUSES = (
    STATUS_CATCHES_UP,
    STATUS_LEVEL,
    STATUS_NOT_FASTER,
    STATUS_NON_POSITIVE,
    STATUS_MISSING,
)
"""Every status :func:`catch_up` can return."""

STATUS_NOT_WITHIN_HORIZON = "not_within_horizon"
"""Projected series: the chaser is still behind at the end of the projection horizon."""
STATUS_NO_PROJECTION = "no_projection"
"""Projected series: the model could not project one of the series (too short, etc.)."""

STANDING_AHEAD = "ahead"
"""The chaser is ahead of the benchmark (above it, or below it when lower is better)."""
STANDING_LEVEL = "level"
"""The chaser and the benchmark are equal (within the relative slack of :func:`standing`)."""
STANDING_BEHIND = "behind"
"""The chaser is behind the benchmark."""

_EPS = 1e-9  # relative slack so that an exact tie (2.0 * 2**2 == 8) counts as level


@dataclass(frozen=True)
class CatchUp:
    """Result of :func:`catch_up`; fields are scalars for scalar input, else arrays."""

    crossing_time: float | np.ndarray
    """Continuous periods after ``start`` until the chaser is level; 0 if already level,
    NaN if it never catches up."""
    crossing_period: float | np.ndarray
    """``start + k`` for the first whole period ``k`` at which the chaser is at least
    level (a float such as ``2012.0``); NaN if it never catches up."""
    status: str | np.ndarray
    """One of :data:`STATUSES`."""


def _log_gap_and_speed(
    a: np.ndarray, ga: np.ndarray, b: np.ndarray, *, gb: np.ndarray, sign: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the log gap still to close and the log speed of closing it, per period."""
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = sign * (np.log(b) - np.log(a))
        speed = sign * (np.log1p(ga) - np.log1p(gb))
    return gap, speed


def _linear_gap_and_speed(
    a: np.ndarray, ca: np.ndarray, b: np.ndarray, *, cb: np.ndarray, sign: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The gap still to close and the speed of closing it per period, in the levels' units,
    both divided by the levels' size so that the same tolerance as in logs applies."""
    size = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    return sign * (b - a) / size, sign * (ca - cb) / size


def _statuses(
    a: np.ndarray,
    ga: np.ndarray,
    b: np.ndarray,
    *,
    gb: np.ndarray,
    gap: np.ndarray,
    speed: np.ndarray,
    additive: bool = False,
) -> np.ndarray:
    """Classify each pair; the order of the conditions is the order of precedence."""
    missing = np.isnan(a) | np.isnan(ga) | np.isnan(b) | np.isnan(gb)
    non_positive = (
        np.zeros(a.shape, dtype=bool) if additive else (a <= 0) | (b <= 0) | (ga <= -1) | (gb <= -1)
    )
    level = gap <= _EPS  # the gap is in logs, so this is a relative tolerance
    conditions = [missing, non_positive, level, speed <= 0]
    choices = [STATUS_MISSING, STATUS_NON_POSITIVE, STATUS_LEVEL, STATUS_NOT_FASTER]
    return np.select(conditions, choices, default=STATUS_CATCHES_UP)


def _first_whole_period(gap: np.ndarray, speed: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Smallest integer k >= ceil(time) with k * speed >= gap, robust to rounding."""
    k = np.ceil(time - _EPS)
    short = k * speed < gap * (1 - _EPS)
    return k + short


def _as_output(x: np.ndarray, scalar: bool) -> Any:  # float, str or array, by input
    """Unwrap 0-d results so that scalar inputs give plain Python scalars."""
    return x.item() if scalar else x


def catch_up(  # noqa: PLR0917 -- two (level, rate) pairs, in the order plans state them
    chaser_value: npt.ArrayLike,
    chaser_rate: npt.ArrayLike,
    benchmark_value: npt.ArrayLike,
    benchmark_rate: npt.ArrayLike,
    *,
    start: npt.ArrayLike,
    higher_is_better: npt.ArrayLike = True,
    additive: bool = False,
) -> CatchUp:
    """When does a chaser growing at a constant rate draw level with its benchmark?

    With levels ``A``, ``B`` and rates ``gA``, ``gB`` the continuous crossing time is
    ``ln(B/A) / ln((1+gA)/(1+gB))``; the crossing period is the first whole period at
    which ``A(1+gA)^k >= B(1+gB)^k`` (``<=`` for lower-is-better), reported as
    ``start + k``. All arguments broadcast against each other like numpy arrays.

    Parameters
    ----------
    chaser_value, benchmark_value
        Levels at ``start`` (any unit, the same for both).
    chaser_rate, benchmark_rate
        Constant growth per period as fractions (0.6 means +60 %).
    start
        The period of the levels, e.g. the year 2010.
    higher_is_better
        False for indicators where lower is better; then catching up means getting at or
        below the benchmark.
    additive
        The rates are the same change every period in the levels' units, not growth:
        points a year for a growth rate or a share, or a level that may be at or below
        zero. The crossing time is then ``(B - A) / (cA - cB)`` and no level is
        ``non_positive``.

    Returns
    -------
    CatchUp
        Scalars when every input is scalar, else numpy arrays of the broadcast shape.

    Examples
    --------
    Plan four: we had 2.0 亿元 in 2010 growing 60 %, the benchmark 2.9 growing 15 %.

    >>> result = catch_up(2.0, 0.60, 2.9, 0.15, start=2010)
    >>> round(result.crossing_time, 4), result.crossing_period, result.status
    (1.1251, 2012.0, 'catches_up')

    Check by hand: 2.0 * 1.6 = 3.2 < 2.9 * 1.15 = 3.335 in 2011, but
    2.0 * 1.6**2 = 5.12 > 2.9 * 1.15**2 = 3.835 in 2012.

    A growth rate of 3.5 % rising 0.5 points a year against 5.6 % rising 0.2:

    >>> result = catch_up(3.5, 0.5, 5.6, 0.2, start=2020, additive=True)
    >>> round(result.crossing_time, 4), result.crossing_period
    (7.0, 2027.0)
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (chaser_value, chaser_rate, benchmark_value)),
        *(np.asarray(x, dtype=float) for x in (benchmark_rate, start, higher_is_better)),
    )
    a, ga, b, gb, t0, hib = arrays
    sign = np.where(hib > 0, 1.0, -1.0)
    if additive:
        gap, speed = _linear_gap_and_speed(a, ga, b, cb=gb, sign=sign)
    else:
        gap, speed = _log_gap_and_speed(a, ga, b, gb=gb, sign=sign)
    status = _statuses(a, ga, b, gb=gb, gap=gap, speed=speed, additive=additive)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        time = np.where(status == STATUS_CATCHES_UP, gap / speed, np.nan)
    status = np.where(np.isinf(time), STATUS_NOT_FASTER, status)  # faster by a hair only
    time = np.where(np.isinf(time), np.nan, time)
    time = np.where(status == STATUS_LEVEL, 0.0, time)
    period = t0 + _first_whole_period(gap, speed, time)
    period = np.where(status == STATUS_LEVEL, t0, period)
    scalar = a.ndim == 0
    return CatchUp(
        crossing_time=_as_output(time, scalar),
        crossing_period=_as_output(period, scalar),
        status=_as_output(status, scalar),
    )


def required_rate(
    chaser_value: npt.ArrayLike,
    benchmark_value: npt.ArrayLike,
    benchmark_rate: npt.ArrayLike,
    *,
    periods: npt.ArrayLike,
    higher_is_better: npt.ArrayLike = True,
) -> float | np.ndarray:
    """The constant growth rate that makes the chaser level with the benchmark after T periods.

    ``(1 + gB) * (B / A) ** (1 / T) - 1``. Level equality does not depend on the
    direction, so the value is the same either way; ``higher_is_better`` only changes
    its reading: for higher-is-better it is the *minimum* rate needed, for
    lower-is-better the *maximum* rate allowed (the chaser must shrink at least this
    fast). The argument is kept so that callers can pass direction uniformly.

    Parameters
    ----------
    chaser_value, benchmark_value
        Levels now (positive).
    benchmark_rate
        The benchmark's constant growth per period, as a fraction (> -1).
    periods
        T, the number of periods until the target (> 0).
    higher_is_better
        Direction of the indicator; see above.

    Returns
    -------
    float or numpy.ndarray
        The rate as a fraction; NaN where any input is invalid. Scalar for scalar input.

    Examples
    --------
    Plan four from 2010: level with the benchmark by 2011 needs 2.9 * 1.15 / 2.0 - 1.

    >>> round(required_rate(2.0, 2.9, 0.15, periods=1), 4)
    0.6675
    >>> round(required_rate(2.0, 2.9, 0.15, periods=3), 4)  # 1.15 * 1.45 ** (1/3) - 1
    0.3016

    (Rounding the cube root to 1.1319 first gives the 30.17 % sometimes quoted.)
    """
    a, b, gb, t, _ = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (chaser_value, benchmark_value, benchmark_rate)),
        *(np.asarray(x, dtype=float) for x in (periods, higher_is_better)),
    )
    valid = (a > 0) & (b > 0) & (gb > -1) & (t > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (1 + gb) * np.exp((np.log(b) - np.log(a)) / t) - 1
    return _as_output(np.where(valid, rate, np.nan), a.ndim == 0)


def _first_reached(levels: np.ndarray, periods: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Period at which ``values`` (over ``periods``) first reached each level; NaN if never
    within the observations or only before the first observation."""
    reached = values[None, :] >= levels[:, None]
    j = reached.argmax(axis=1)
    prev = np.maximum(j - 1, 0)
    span = values[j] - values[prev]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(span > 0, (levels - values[prev]) / span, 1.0)
    when = periods[prev] + share * (periods[j] - periods[prev])
    exact_at_first = (j == 0) & (values[0] == levels)
    ok = reached.any(axis=1) & ((j > 0) | exact_at_first)
    return np.where(ok, when, np.nan)


def time_distance(
    chaser: pd.Series, benchmark: pd.Series, higher_is_better: bool = True
) -> pd.DataFrame:
    """Sicherl's S-distance: how many periods ago the benchmark stood where the chaser is now.

    For each observed period ``t`` of the chaser with level ``x``, find the first time
    ``tau`` at which the benchmark reached ``x`` (linear interpolation between its
    observations) and return ``t - tau``. Positive means the chaser lags by that many
    periods; negative means the chaser is ahead and the benchmark reached the level only
    later. The distance is NaN when the benchmark never reached the level within its
    observations, or reached it before its first observation: both would need
    extrapolation, which a leader's chart should not invent.

    Parameters
    ----------
    chaser, benchmark
        Series of levels indexed by numeric periods (e.g. integer years; fractional
        periods work too). Order does not matter; NaN values are ignored.
    higher_is_better
        False for lower-is-better indicators: "reached" then means "got at or below".

    Returns
    -------
    pandas.DataFrame
        Columns ``period, chaser, benchmark, time_distance``, one row per chaser period in
        ascending order; ``benchmark`` is the benchmark's level in the same period (NaN
        if not observed).

    Examples
    --------
    The benchmark had 2.0 in 2006 and 4.0 in 2008; we have 3.0 in 2010, the level the
    benchmark reached half-way through 2007, so we are 3 years behind.

    >>> bench = pd.Series([2.0, 4.0], index=[2006, 2008])
    >>> time_distance(pd.Series([3.0], index=[2010]), bench)["time_distance"].tolist()
    [3.0]
    """
    chaser = chaser.dropna().sort_index()
    bench = benchmark.dropna().sort_index()
    sign = 1.0 if higher_is_better else -1.0
    levels = sign * chaser.to_numpy(dtype=float)
    periods = chaser.index.to_numpy(dtype=float)
    reached = np.full(len(levels), np.nan)
    if not bench.empty:
        bench_periods = bench.index.to_numpy(dtype=float)
        reached = _first_reached(levels, bench_periods, sign * bench.to_numpy(dtype=float))
    return pd.DataFrame(
        {
            "period": chaser.index.to_numpy(),
            "chaser": chaser.to_numpy(dtype=float),
            "benchmark": bench.reindex(chaser.index).to_numpy(dtype=float),
            "time_distance": periods - reached,
        }
    )


@dataclass(frozen=True, eq=False)
class ProjectedCatchUp:
    """Result of :func:`catch_up_projected`."""

    table: pd.DataFrame
    """One row per model; columns ``model, crossing_period, status`` where status is
    :data:`STATUS_CATCHES_UP`, :data:`STATUS_LEVEL`, :data:`STATUS_NOT_WITHIN_HORIZON` or
    :data:`STATUS_NO_PROJECTION`."""
    probability: float
    """Share of simulated ETS path pairs in which the chaser is at least level at the
    target period; NaN if ETS could not be fitted to both series."""


def _path_of(
    history: pd.Series, horizon: int, model: str, *, rates: npt.ArrayLike | None
) -> pd.Series | None:
    """Last observation followed by the model's projection; None if it cannot project."""
    if model == "plan" and rates is None:
        return None
    result = project(history, horizon, model, rates=rates)
    if result.status != "ok":
        return None
    future = result.frame.set_index("period")["value"]
    last = history.dropna().sort_index().iloc[-1:]
    return pd.concat([last, future])


def _lead(a: np.ndarray, b: np.ndarray, sign: float) -> tuple[np.ndarray, np.ndarray]:
    """How far the chaser leads (negative when behind, direction-aware) and the relative
    slack within which the two count as level."""
    return sign * (a - b), _EPS * np.maximum(np.abs(a), np.abs(b))


def standing(chaser_value: float, benchmark_value: float, sign: float) -> str:
    """Where the chaser stands against the benchmark: :data:`STANDING_AHEAD`,
    :data:`STANDING_LEVEL` (equal within the slack :func:`first_crossing` allows) or
    :data:`STANDING_BEHIND`; "" when a value is missing. ``sign`` is 1 when higher is
    better, -1 when lower is.

    >>> standing(0.39, 0.39, -1.0), standing(0.38, 0.39, -1.0), standing(0.38, 0.39, 1.0)
    ('level', 'ahead', 'behind')
    >>> standing(1.0 * 1.21, 1.1 * 1.10, 1.0)
    'level'
    """
    if np.isnan(chaser_value) or np.isnan(benchmark_value):
        return ""
    lead, slack = _lead(np.asarray(chaser_value), np.asarray(benchmark_value), sign)
    if lead > slack:
        return STANDING_AHEAD
    return STANDING_LEVEL if lead >= -slack else STANDING_BEHIND


def first_crossing(chaser: pd.Series, bench: pd.Series, sign: float) -> tuple[float, str]:
    """First common period at which the chaser is at least level, and the status.

    ``sign`` is 1 when higher is better, -1 when lower is. An exact tie counts as level
    (with the same relative slack as :func:`catch_up`: 1.0 × 1.21 and 1.1 × 1.10 meet).

    >>> first_crossing(pd.Series({2020: 1.0, 2021: 1.0 * 1.21}),
    ...                pd.Series({2020: 1.1, 2021: 1.1 * 1.10}), 1.0)
    (2021.0, 'catches_up')
    """
    both = pd.concat([chaser, bench], axis=1, join="inner").sort_index()
    lead, slack = _lead(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy(), sign)
    ahead = pd.Series(lead >= -slack, index=both.index)
    if not ahead.any():
        return np.nan, STATUS_NOT_WITHIN_HORIZON
    first = float(ahead.idxmax())
    return first, STATUS_LEVEL if first == both.index[0] else STATUS_CATCHES_UP


def _crossing_row(
    chaser: pd.Series, bench: pd.Series, horizon: int, *, model: str, sign: float, rates: tuple
) -> dict[str, object]:
    """One row of the model table."""
    paths = [
        _path_of(s, horizon, model, rates=r) for s, r in zip((chaser, bench), rates, strict=True)
    ]
    if paths[0] is None or paths[1] is None:
        return {"model": model, "crossing_period": np.nan, "status": STATUS_NO_PROJECTION}
    period, status = first_crossing(paths[0], paths[1], sign)
    return {"model": model, "crossing_period": period, "status": status}


def _simulated_probability(
    chaser: pd.Series, bench: pd.Series, target: int, *, sign: float, n_paths: int, seed: int
) -> float:
    """Share of independent ETS path pairs with the chaser level or ahead at ``target``."""
    seeds = np.random.SeedSequence(seed).spawn(2)
    ends = []
    for series, child in zip((chaser, bench), seeds, strict=True):
        last = int(series.dropna().index.max())
        if target <= last:
            ends.append(np.full(n_paths, float(series.dropna().sort_index().iloc[-1])))
            continue
        paths = simulate(series, target - last, n_paths, seed=int(child.generate_state(1)[0]))
        if paths is None:
            return float("nan")
        ends.append(paths.loc[target].to_numpy())
    return float(np.mean(sign * (ends[0] - ends[1]) >= 0))


def catch_up_projected(
    chaser: pd.Series,
    benchmark: pd.Series,
    target_period: int,
    *,
    models: Sequence[str] = ("plan", "cagr", "linear", "loglinear", "ets"),
    horizon: int = 20,
    higher_is_better: bool = True,
    chaser_rates: npt.ArrayLike | None = None,
    benchmark_rates: npt.ArrayLike | None = None,
    n_paths: int = 1000,
    seed: int = 0,
) -> ProjectedCatchUp:
    """Crossing period under each projection model, and the chance of catching up by a target.

    Each series is projected ``horizon`` periods past its own last observation with
    :func:`bxgc_metrics.metrics.projection.project`; the crossing period is the first period
    common to both paths (last observations included) at which the chaser is at least
    level. The probability comes from ``n_paths`` independent ETS simulations of each
    series (seeded, so repeatable): the share of pairs in which the chaser is at least
    level *at* ``target_period``. A series already observed at the target contributes
    its observed value.

    Parameters
    ----------
    chaser, benchmark
        Histories indexed by integer periods (years).
    target_period
        The period by which the chaser wants to be level, e.g. 2012.
    models
        Models to compare, from :data:`bxgc_metrics.metrics.projection.MODELS`. ``plan`` is
        reported as ``no_projection`` unless both rate arguments are given.
    horizon
        Periods to project past each series' last observation.
    higher_is_better
        Direction of the indicator.
    chaser_rates, benchmark_rates
        Planned growth rates for the ``plan`` model (a constant or one per period).
    n_paths
        Simulated paths per series.
    seed
        Seed for the simulations.

    Returns
    -------
    ProjectedCatchUp
        The model table and the probability.

    Examples
    --------
    Plan four's stated rates, 60 % against 15 %, from the 2010 actuals:

    >>> ours, bench = pd.Series({2010: 2.0}), pd.Series({2010: 2.9})
    >>> result = catch_up_projected(ours, bench, 2012, models=["plan"],
    ...                             chaser_rates=0.6, benchmark_rates=0.15, n_paths=10)
    >>> result.table.to_dict("records")
    [{'model': 'plan', 'crossing_period': 2012.0, 'status': 'catches_up'}]
    >>> result.probability  # one observation each: too short for ETS
    nan
    """
    unknown = set(models) - set(MODELS)
    if unknown:
        raise ValueError(f"unknown models {sorted(unknown)}; choose from {MODELS}")
    sign = 1.0 if higher_is_better else -1.0
    rates = (chaser_rates, benchmark_rates)
    if chaser_rates is None or benchmark_rates is None:
        rates = (None, None)
    rows = [
        _crossing_row(chaser, benchmark, horizon, model=m, sign=sign, rates=rates) for m in models
    ]
    table = pd.DataFrame(rows, columns=["model", "crossing_period", "status"])
    probability = _simulated_probability(
        chaser, benchmark, target_period, sign=sign, n_paths=n_paths, seed=seed
    )
    return ProjectedCatchUp(table=table, probability=probability)
