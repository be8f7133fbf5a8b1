"""A leader's catch-up question in one call: our unit against its benchmarks on one indicator.

The store keeps monthly year-to-date figures; catching up is a question about years. This
module turns observations into annual series (the December year-to-date figure, or the
annual figure itself), projects them, and answers, for each benchmark: when do we
overtake at the chosen growth rates, what growth do we need to be level by a target year,
how likely is it given how wrong the model has been on these series before, and how many
years behind are we now.
All of them come from one set of projected paths per model (:func:`trajectory`), the
paths the chart draws. It also gathers a plan's stated values and growth rates for
:func:`bxgc_metrics.metrics.audit.audit_plan`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bxgc_metrics.measures import reads_in_points
from bxgc_metrics.metrics.backtest import LOG, Calibration, calibration, pooled_errors
from bxgc_metrics.metrics.catchup import (
    STATUS_NO_PROJECTION,
    STATUS_NOT_FASTER,
    STATUS_NOT_WITHIN_HORIZON,
    catch_up,
    first_crossing,
    required_rate,
    standing,
    time_distance,
)
from bxgc_metrics.metrics.growth import average_change, cagr
from bxgc_metrics.metrics.projection import Projection, project

_YEAR_END = {"Y": 0, "H": 2, "Q": 4, "M": 12}


def annual_series(
    observations: pd.DataFrame, indicator: str, frequency: str, *, value_kind: str = "actual"
) -> pd.DataFrame:
    """Each unit's value per complete year: the annual figure or the year-end one.

    Returns columns ``unit_code, year, value``.

    Examples
    --------
    >>> obs = pd.DataFrame({"unit_code": ["A"] * 3, "indicator_code": ["X"] * 3,
    ...                     "freq": ["M"] * 3, "year": [2024, 2024, 2025], "sub": [6, 12, 6],
    ...                     "value_kind": ["actual"] * 3, "value": [40.0, 100.0, 55.0]})
    >>> annual_series(obs, "X", "M").values.tolist()
    [['A', 2024, 100.0]]
    """
    freq = frequency if frequency in _YEAR_END else "Y"
    rows = observations[
        (observations["indicator_code"] == indicator)
        & (observations["value_kind"] == value_kind)
        & (observations["freq"] == freq)
        & (observations["sub"] == _YEAR_END[freq])
    ]
    out = rows[["unit_code", "year", "value"]].sort_values(["unit_code", "year"])
    return out.astype({"year": "int64"}).reset_index(drop=True)


def stated_plan(
    observations: pd.DataFrame,
    indicator: str,
    growth_indicator: str | None,
    *,
    units: Sequence[str],
) -> pd.DataFrame:
    """A plan's stated lines: actual and plan values with the growth stated beside them.

    Returns the input of :func:`bxgc_metrics.metrics.audit.audit_plan`: ``unit, period, value,
    growth`` (growth as a fraction; NaN where the plan states none).
    """

    def pick(code: str | None, name: str) -> pd.DataFrame:
        rows = observations[
            (observations["indicator_code"] == code)
            & observations["unit_code"].isin(list(units))
            & observations["value_kind"].isin(["actual", "plan"])
            & (observations["freq"] == "Y")
        ]
        return rows[["unit_code", "year", "value"]].rename(columns={"value": name})

    values = pick(indicator, "value")
    growth = pick(growth_indicator, "growth") if growth_indicator else values.iloc[:0, :2]
    out = values.merge(growth, on=["unit_code", "year"], how="left")
    out["growth"] = out.get("growth", np.nan) / 100.0
    out = out.rename(columns={"unit_code": "unit", "year": "period"})
    out = out[["unit", "period", "value", "growth"]].sort_values(["unit", "period"])
    return out.reset_index(drop=True)


def default_rate(series: pd.Series, window: int = 3) -> float:
    """Compound annual growth over the last ``window`` years (NaN with fewer than two).

    >>> round(default_rate(pd.Series({2021: 100.0, 2022: 110.0, 2023: 121.0})), 4)
    0.1
    """
    tail = series.dropna().sort_index().iloc[-(window + 1) :]
    if len(tail) < 2:
        return float("nan")
    return float(cagr(tail.iloc[0], tail.iloc[-1], tail.index[-1] - tail.index[0]))


def default_change(series: pd.Series, window: int = 3) -> float:
    """The average change a year over the last ``window`` years (NaN with fewer than two):
    :func:`default_rate` for an indicator read in points.

    >>> default_change(pd.Series({2021: 6.5, 2022: 7.0, 2023: 7.5}))
    0.5
    """
    tail = series.dropna().sort_index().iloc[-(window + 1) :]
    if len(tail) < 2:
        return float("nan")
    return float(average_change(tail.iloc[0], tail.iloc[-1], tail.index[-1] - tail.index[0]))


def default_pace(series: pd.Series, measure: str | None) -> float:
    """The what-if rate of a unit without one: :func:`default_change` (points a year) for
    an indicator read in points, else :func:`default_rate` (growth a year).

    >>> history = pd.Series({2021: 6.5, 2022: 7.0, 2023: 7.5})
    >>> default_pace(history, "%"), round(default_pace(history, "万元"), 4)
    (0.5, 0.0742)
    """
    return default_change(series) if reads_in_points(measure) else default_rate(series)


HORIZON = 30
"""Years projected past the base year (at least to the target year): far enough that a
crossing the chart shows is never cut off, and that "not within the horizon" means
"not within a generation"."""

CONSTANT_RATE_MODELS = ("plan", "cagr")
"""Models that compound a constant rate: their crossing has a closed form."""

WHAT_IF_MODELS = ("plan",)
"""Models run at rates a person sets: a what-if has no track record to calibrate a band
or a chance on."""

REQUIRED_FORMS = ("rate", "change")
"""How the growth needed and the model's own pace read (``required_form``): ``rate``, as
growth a year (``required_rate``, ``chaser_rate``, ``benchmark_rate``); ``change``, as the
same step a year in the indicator's units (``required_change``, ``chaser_change``,
``benchmark_change``), for an indicator read in points (a growth rate or a share, in %:
:func:`bxgc_metrics.measures.reads_in_points`), whose what-if sliders set points a year
too, and wherever a level at or below zero leaves no growth rate."""

BAND_LEVEL = 0.8
"""Coverage the chart's band aims at (calibrated on back-test errors)."""

PROBABILITY_NOTES = ("", "no_error_model", "no_projection", "short_backtest", "not_positive")
"""Why ``probability`` is missing: ``no_error_model`` for the what-if model (its answer is
yes or no), ``no_projection`` when a series could not be projected, ``short_backtest``
when the back-tests gave too few errors to calibrate on, ``not_positive`` when a path of
an indicator whose values are all positive falls to zero or below by the target year
(its errors are ratios to positive forecasts and say nothing there)."""

ANSWER_COLUMNS = (
    "benchmark_code",
    "base_year",
    "chaser_value",
    "benchmark_value",
    "gap",
    "gap_ratio",
    "standing",
    "chaser_rate",
    "benchmark_rate",
    "chaser_change",
    "benchmark_change",
    "crossing_time",
    "crossing_period",
    "status",
    "target_year",
    "chaser_at_target",
    "benchmark_at_target",
    "required_rate",
    "required_change",
    "required_form",
    "higher_is_better",
    "probability",
    "probability_note",
)
"""Columns of :attr:`Trajectory.answers` (a benchmark without a common year gets only
``benchmark_code`` and ``status = "missing"``)."""


@dataclass(frozen=True)
class Trajectory:
    """Everything the catch-up page shows for one chaser and its benchmarks, under one model.

    Every answer comes from the same projected paths the chart draws: the crossing
    year is where the paths meet, the required rate closes the gap to the benchmark's
    path at the target year, and the probability and the chart's bands are read off the
    same back-test errors (:mod:`bxgc_metrics.metrics.backtest`).
    """

    model: str
    """The projection model (:data:`bxgc_metrics.metrics.projection.MODELS`)."""
    history: pd.DataFrame
    """``unit_code, year, value`` of the annual actuals used."""
    projection: pd.DataFrame
    """``unit_code, period, value, lower, upper, sd, model`` for every unit projected,
    :data:`HORIZON` years past the base year (at least to the target year). ``lower`` and
    ``upper`` are the :data:`BAND_LEVEL` band calibrated on the model's back-test errors
    (NaN for the what-if model or too short a back-test); ``sd`` is the model's own
    predictive standard deviation, which the band does not use."""
    status: dict[str, str]
    """Projection status per unit (``ok``, ``too_short``, …)."""
    answers: pd.DataFrame
    """One row per benchmark, columns :data:`ANSWER_COLUMNS`: the base year (the latest
    year both are observed) and the levels then; ``gap`` (positive = behind) and
    ``gap_ratio`` (gap / benchmark); ``standing`` in the base year
    (:func:`bxgc_metrics.metrics.catchup.standing`: ``ahead``, ``level`` or ``behind``,
    direction-aware, so a status of already level or ahead says which); the growth rates the model runs at (the what-if
    rates for ``plan`` on an indicator read as growth, the historic CAGR for ``cagr``,
    the average growth from the base year to the target year on the projected path
    otherwise) and the average change a year on the paths over the same years
    (``chaser_change``, ``benchmark_change``); ``crossing_period``, the first year at
    or after the base year in which the chaser's path is level or ahead,
    with ``status`` (:mod:`bxgc_metrics.metrics.catchup` statuses) and, for the constant-rate
    models, the continuous ``crossing_time``; both paths at the target year;
    ``required_rate``, the constant growth from the base year that reaches the
    benchmark's path at the target year, and ``required_change``, the same step a year
    that does; ``required_form`` (:data:`REQUIRED_FORMS`), which of the two the answer
    reads in; ``higher_is_better``, the indicator's direction, which says how both read
    (for a lower-is-better indicator the most growth, or change, allowed rather than the
    least needed); ``probability`` of being level or ahead *in* the target year when each
    path misses by an error the model made at that many steps
    ahead in back-tests (the errors independent), NaN with a ``probability_note``
    (:data:`PROBABILITY_NOTES`) when there is none."""
    distance: pd.DataFrame
    """``benchmark_code, period, time_distance`` (years behind; negative = ahead)."""
    calibration: Calibration | None = None
    """The back-test errors behind the bands and the probability (None for the what-if
    model)."""


def trajectory(
    annual: pd.DataFrame,
    chaser: str,
    benchmarks: Sequence[str],
    *,
    model: str,
    target_year: int,
    rates: Mapping[str, float],
    higher_is_better: bool = True,
    horizon: int = HORIZON,
    calibrated: Calibration | None = None,
    measure: str | None = None,
) -> Trajectory:
    """Project the chaser and each benchmark with one model and answer the catch-up questions.

    Parameters
    ----------
    annual
        ``unit_code, year, value`` (:func:`annual_series`).
    chaser, benchmarks
        Unit codes.
    model
        One of :data:`bxgc_metrics.metrics.projection.MODELS`.
    target_year
        The year by which the chaser wants to be level.
    rates
        Growth rates (fractions) for the ``plan`` model, the what-if sliders; units
        without one use :func:`default_rate`. On an indicator read in points
        (``measure`` %) they are changes a year in points, added rather than compounded,
        and units without one use :func:`default_change` (:func:`default_pace`). Other
        models ignore them.
    higher_is_better
        The indicator's direction.
    horizon
        Years to project past the latest base year (at least to the target year).
    calibrated
        The model's back-test errors on these series, if already made (a page caches
        them across target years); by default they are made here from ``annual``, the
        chaser's and benchmarks' series, with their peers' when those are short.
    measure
        The indicator's measure: one read in points (%) has its growth needed and the
        models' pace read as a change a year (:data:`REQUIRED_FORMS`).

    Returns
    -------
    Trajectory

    Examples
    --------
    Plan four at its own 2010 rates, 60 % against 15 %: level in 2012, and being level
    already in 2011 would need 2.9 × 1.15 / 2.0 − 1 = 66.75 % a year.

    >>> annual = pd.DataFrame({"unit_code": ["ours", "bench"], "year": [2010, 2010],
    ...                        "value": [2.0, 2.9]})
    >>> row = trajectory(annual, "ours", ["bench"], model="plan", target_year=2011,
    ...                  rates={"ours": 0.6, "bench": 0.15}).answers.iloc[0]
    >>> float(row["crossing_period"]), row["status"], round(float(row["required_rate"]), 4)
    (2012.0, 'catches_up', 0.6675)
    """
    series = {
        u: annual[annual["unit_code"] == u].set_index("year")["value"]
        for u in [chaser, *benchmarks]
    }
    points = reads_in_points(measure)
    used = {u: rates.get(u, default_pace(s, measure)) for u, s in series.items()}
    until = _until(series, target_year, horizon)
    if model in WHAT_IF_MODELS:
        calibrated = None
    elif calibrated is None:
        calibrated = calibration(pooled_errors(annual, model, [chaser, *benchmarks]))
    projections = {
        u: _banded(_project(s, model, used[u], until=until, additive=points), s, calibrated)
        if len(s)
        else None
        for u, s in series.items()
    }
    frames = [
        p.frame.assign(unit_code=u)
        for u, p in projections.items()
        if p is not None and not p.frame.empty
    ]
    projection = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    status = {u: (p.status if p is not None else "no_data") for u, p in projections.items()}
    answers = [
        _answer(
            _Side(series[chaser], projections[chaser], used[chaser]),
            _Side(series[b], projections[b], used[b]),
            code=b,
            model=model,
            target_year=target_year,
            higher_is_better=higher_is_better,
            calibrated=calibrated,
            points=points,
        )
        for b in benchmarks
    ]
    distance = [
        time_distance(series[chaser], series[b], higher_is_better).assign(benchmark_code=b)
        for b in benchmarks
        if len(series[b])
    ]
    return Trajectory(
        model=model,
        history=annual[annual["unit_code"].isin(series)].reset_index(drop=True),
        projection=projection,
        status=status,
        answers=pd.DataFrame(answers),
        distance=pd.concat(distance, ignore_index=True)
        if distance
        else pd.DataFrame(columns=["benchmark_code", "period", "time_distance"]),
        calibration=calibrated,
    )


def _until(series: Mapping[str, pd.Series], target_year: int, horizon: int) -> int:
    """The last year projected: ``horizon`` past the latest observation, at least the target."""
    last = max((int(s.dropna().index.max()) for s in series.values() if s.notna().any()), default=0)
    return max(target_year, last + horizon)


def _project(
    series: pd.Series, model: str, rate: float, *, until: int, additive: bool
) -> Projection:
    """``series`` projected to ``until`` (at least one year) with ``model`` (the plan's
    rate added a year rather than compounded when ``additive``)."""
    steps = max(until - int(series.dropna().index.max()), 1) if series.notna().any() else 1
    if model != "plan":
        return project(series, steps, model)
    return project(series, steps, model, rates=rate, additive=additive)


def _banded(made: Projection, series: pd.Series, calibrated: Calibration | None) -> Projection:
    """``made`` with its band replaced by the calibrated one (NaN without one)."""
    if made.status != "ok":
        return made
    frame = made.frame.copy()
    if calibrated is None:
        frame[["lower", "upper"]] = np.nan
    else:
        steps = frame["period"].to_numpy() - int(series.dropna().index.max())
        lower, upper = calibrated.band(frame["value"].to_numpy(), steps, BAND_LEVEL)
        frame["lower"], frame["upper"] = lower, upper
    return Projection(frame=frame, status=made.status, model=made.model, df=made.df)


@dataclass(frozen=True)
class _Side:
    """One unit of a pair: its history, its projection and its what-if rate."""

    history: pd.Series
    projection: Projection | None
    rate: float

    def path(self) -> pd.Series:
        """History followed by the projection (the line the chart draws)."""
        if self.projection is None or self.projection.frame.empty:
            return self.history.dropna().sort_index()
        ahead = self.projection.frame.set_index("period")["value"]
        return pd.concat([self.history.dropna(), ahead]).sort_index()

    def at(self, year: int) -> tuple[float, int]:
        """Point value in ``year`` and how many steps past the last observation it is
        (0 when observed; NaN value if unknown)."""
        if year in self.history.index and pd.notna(self.history.get(year)):
            return float(self.history[year]), 0
        if self.history.dropna().empty:
            return float("nan"), 0
        last = int(self.history.dropna().index.max())
        if self.projection is None or self.projection.frame.empty:
            return float("nan"), year - last
        row = self.projection.frame.set_index("period").reindex([year]).iloc[0]
        return float(row["value"]), year - last


def _model_rate(side: _Side, model: str, base: int, *, target_year: int, points: bool) -> float:
    """The growth rate the model runs at (see :attr:`Trajectory.answers`)."""
    if model == "plan" and not points:
        return float(side.rate)
    if model == "cagr":
        clean = side.history.dropna().sort_index()
        if len(clean) < 2:
            return float("nan")
        return float(cagr(clean.iloc[0], clean.iloc[-1], clean.index[-1] - clean.index[0]))
    start, end = side.at(base)[0], side.at(target_year)[0]
    return float(cagr(start, end, target_year - base)) if target_year > base else float("nan")


def _model_change(side: _Side, base: int, *, target_year: int) -> float:
    """The average change a year on the path from the base year to the target year."""
    if target_year <= base:
        return float("nan")
    return float(average_change(side.at(base)[0], side.at(target_year)[0], target_year - base))


def _crossing(
    ours: _Side,
    theirs: _Side,
    model: str,
    *,
    rates: tuple[float, float],
    base: int,
    sign: float,
    points: bool,
) -> tuple[float, float, str]:
    """Crossing time (constant-rate models only), crossing year and status, from the paths.

    Paths that do not meet within the projection are "not within the horizon", except
    that a constant-rate chaser growing no faster than its benchmark is told it never
    catches up (``not_faster``, from the closed form). A crossing further away than the
    horizon is not named: no chart could show it, and no leader plans for it.
    """
    a, b = float(ours.history[base]), float(theirs.history[base])
    if model == "plan":  # its closed form runs at the what-if rates (points a year, additive)
        rates = (float(ours.rate), float(theirs.rate))
    closed = catch_up(
        a,
        rates[0],
        b,
        benchmark_rate=rates[1],
        start=base,
        higher_is_better=sign > 0,
        additive=points and model == "plan",
    )
    constant = model in CONSTANT_RATE_MODELS
    time = float(closed.crossing_time) if constant else float("nan")
    if ours.projection is None or theirs.projection is None:
        return float("nan"), float("nan"), STATUS_NO_PROJECTION
    if ours.projection.status != "ok" or theirs.projection.status != "ok":
        return float("nan"), float("nan"), STATUS_NO_PROJECTION
    ours_path, theirs_path = (p[p.index >= base] for p in (ours.path(), theirs.path()))
    year, status = first_crossing(ours_path, theirs_path, sign)
    if constant and status == STATUS_NOT_WITHIN_HORIZON and closed.status == STATUS_NOT_FASTER:
        return time, year, STATUS_NOT_FASTER
    return time, year, status


def _probability(
    ours: _Side,
    theirs: _Side,
    model: str,
    *,
    target_year: int,
    sign: float,
    calibrated: Calibration | None,
) -> tuple[float, str]:
    """P(chaser level or ahead in ``target_year``), or NaN and why.

    Each side's value is its path's value missed by one of the errors the model made that
    many steps ahead in the back-tests, the two independent; every pair of errors counts
    once. When both are the same number of steps ahead the chance is at least one half
    exactly when the chart's paths have the chaser level or ahead in the target year.
    """
    if model in WHAT_IF_MODELS:
        return float("nan"), "no_error_model"
    if ours.projection is None or theirs.projection is None:
        return float("nan"), "no_projection"
    if ours.projection.status != "ok" or theirs.projection.status != "ok":
        return float("nan"), "no_projection"
    (a, steps_a), (b, steps_b) = ours.at(target_year), theirs.at(target_year)
    if not np.isfinite(a) or not np.isfinite(b):
        return float("nan"), "no_projection"
    if calibrated is None:
        return float("nan"), "short_backtest"
    if calibrated.scale == LOG and min(a, b) <= 0:
        return float("nan"), "not_positive"
    chance = calibrated.chance_at_least((a, steps_a), (b, steps_b), sign=sign)
    return (chance, "") if np.isfinite(chance) else (float("nan"), "short_backtest")


def _answer(
    ours: _Side,
    theirs: _Side,
    *,
    code: str,
    model: str,
    target_year: int,
    higher_is_better: bool,
    calibrated: Calibration | None,
    points: bool,
) -> dict:
    common = ours.history.dropna().index.intersection(theirs.history.dropna().index)
    if common.empty:
        return {"benchmark_code": code, "status": "missing"}
    base = int(common.max())
    sign = 1.0 if higher_is_better else -1.0
    a, b = float(ours.history[base]), float(theirs.history[base])
    rates = (
        _model_rate(ours, model, base, target_year=target_year, points=points),
        _model_rate(theirs, model, base, target_year=target_year, points=points),
    )
    time, year, status = _crossing(
        ours, theirs, model, rates=rates, base=base, sign=sign, points=points
    )
    ours_t, theirs_t = ours.at(target_year)[0], theirs.at(target_year)[0]
    chance, note = _probability(
        ours, theirs, model, target_year=target_year, sign=sign, calibrated=calibrated
    )
    gap = sign * (b - a)
    years = max(target_year - base, 1)
    required = float(required_rate(a, theirs_t, 0.0, periods=years))
    change = float(average_change(a, theirs_t, years))
    in_change = points or (np.isnan(required) and np.isfinite(change))
    return {
        "benchmark_code": code,
        "base_year": base,
        "chaser_value": a,
        "benchmark_value": b,
        "gap": gap,
        "gap_ratio": gap / b if b else np.nan,
        "standing": standing(a, b, sign),
        "chaser_rate": rates[0],
        "benchmark_rate": rates[1],
        "chaser_change": _model_change(ours, base, target_year=target_year),
        "benchmark_change": _model_change(theirs, base, target_year=target_year),
        "crossing_time": time,
        "crossing_period": year,
        "status": status,
        "target_year": target_year,
        "chaser_at_target": ours_t,
        "benchmark_at_target": theirs_t,
        "required_rate": required,
        "required_change": change,
        "required_form": REQUIRED_FORMS[1] if in_change else REQUIRED_FORMS[0],
        "higher_is_better": higher_is_better,
        "probability": chance,
        "probability_note": note,
    }


def stated_crossing(
    stated: pd.DataFrame, chaser: str, benchmark: str, *, higher_is_better: bool = True
) -> tuple[int, float, float] | None:
    """The first year in which a plan's own figures put the chaser level or ahead.

    Plan four: "2012年我街道将全面赶超" — 5.2 against 4.2.

    >>> plan = pd.DataFrame({"unit": ["A", "A", "B", "B"], "period": [2011, 2012] * 2,
    ...                      "value": [3.2, 5.2, 3.5, 4.2]})
    >>> stated_crossing(plan, "A", "B")
    (2012, 5.2, 4.2)
    """
    ours = stated[stated["unit"] == chaser].set_index("period")["value"]
    theirs = stated[stated["unit"] == benchmark].set_index("period")["value"]
    both = pd.concat([ours, theirs], axis=1, keys=["a", "b"]).dropna().sort_index()
    level = both["a"] >= both["b"] if higher_is_better else both["a"] <= both["b"]
    if not level.any():
        return None
    year = int(level[level].index[0])
    return year, float(both.loc[year, "a"]), float(both.loc[year, "b"])


def stated_rates(stated: pd.DataFrame, base_year: int) -> dict[str, float]:
    """Each unit's growth rate stated for the year after ``base_year`` (the what-if default).

    >>> plan = pd.DataFrame({"unit": ["A", "A"], "period": [2010, 2011], "growth": [0.56, 0.6]})
    >>> stated_rates(plan, 2010)
    {'A': 0.6}
    """
    rows = stated[(stated["period"] == base_year + 1) & stated["growth"].notna()]
    return dict(zip(rows["unit"], rows["growth"].astype(float), strict=True))
