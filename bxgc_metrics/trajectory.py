"""A leader's catch-up question in one call: our unit against its benchmarks on one indicator.

The store keeps monthly year-to-date figures; catching up is a question about years. This
module turns observations into annual series (the December year-to-date figure, or the
annual figure itself), projects them, and answers, for each benchmark: when do we
overtake at the chosen growth rates, what growth do we need to be level by a target year,
how likely is it on the simulated paths, and how many years behind are we now. It also
gathers a plan's stated values and growth rates for :func:`bxgc_metrics.audit.audit_plan`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bxgc_metrics.catchup import (
    catch_up,
    catch_up_projected,
    first_crossing,
    required_rate,
    time_distance,
)
from bxgc_metrics.growth import cagr
from bxgc_metrics.projection import project

_YEAR_END = {"Y": 0, "H": 2, "Q": 4, "M": 12}


def annual_series(
    observations: pd.DataFrame, indicator: str, frequency: str, value_kind: str = "actual"
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
    observations: pd.DataFrame, indicator: str, growth_indicator: str | None, units: Sequence[str]
) -> pd.DataFrame:
    """A plan's stated lines: actual and plan values with the growth stated beside them.

    Returns the input of :func:`bxgc_metrics.audit.audit_plan`: ``unit, period, value,
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


@dataclass(frozen=True)
class Trajectory:
    """Everything the catch-up page shows for one chaser and its benchmarks."""

    history: pd.DataFrame
    """``unit_code, year, value`` of the annual actuals used."""
    projection: pd.DataFrame
    """``unit_code, period, value, lower, upper, model`` for every unit projected."""
    status: dict[str, str]
    """Projection status per unit (``ok``, ``too_short``, …)."""
    answers: pd.DataFrame
    """One row per benchmark: ``benchmark_code, base_year, chaser_value, benchmark_value,
    gap`` (positive = behind), ``gap_ratio`` (gap / benchmark), the growth rates used,
    the closed-form ``crossing_time, crossing_period, status`` at those rates,
    ``required_rate`` to be level by the target year, and ``model_crossing``, the first
    year the model's projected paths are level."""
    distance: pd.DataFrame
    """``benchmark_code, period, time_distance`` (years behind; negative = ahead)."""


def trajectory(
    annual: pd.DataFrame,
    chaser: str,
    benchmarks: Sequence[str],
    *,
    model: str,
    target_year: int,
    rates: Mapping[str, float],
    higher_is_better: bool = True,
    horizon: int = 10,
) -> Trajectory:
    """Project the chaser and each benchmark and answer the catch-up questions.

    ``rates`` gives each unit's growth rate for the what-if (``plan``) projection and
    the closed-form crossing; units without one use :func:`default_rate`.
    """
    series = {
        u: annual[annual["unit_code"] == u].set_index("year")["value"]
        for u in [chaser, *benchmarks]
    }
    used = {u: rates.get(u, default_rate(s)) for u, s in series.items()}
    projections = {
        u: project(s, horizon, model, rates=used[u] if model == "plan" else None)
        if len(s)
        else None
        for u, s in series.items()
    }
    frames = [p.frame.assign(unit_code=u) for u, p in projections.items() if p is not None]
    projection = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    status = {u: (p.status if p is not None else "no_data") for u, p in projections.items()}
    answers = [
        _answer(
            series[chaser],
            series[b],
            b,
            used[chaser],
            used[b],
            target_year,
            higher_is_better,
            _paths(series, projection, chaser, b),
        )
        for b in benchmarks
    ]
    distance = [
        time_distance(series[chaser], series[b], higher_is_better).assign(benchmark_code=b)
        for b in benchmarks
        if len(series[b])
    ]
    return Trajectory(
        history=annual[annual["unit_code"].isin(series)].reset_index(drop=True),
        projection=projection,
        status=status,
        answers=pd.DataFrame(answers),
        distance=pd.concat(distance, ignore_index=True)
        if distance
        else pd.DataFrame(columns=["benchmark_code", "period", "time_distance"]),
    )


def _paths(
    series: Mapping[str, pd.Series], projection: pd.DataFrame, chaser: str, benchmark: str
) -> tuple[pd.Series, pd.Series]:
    """History followed by the model's projection, for the chaser and one benchmark."""

    def path(unit: str) -> pd.Series:
        if projection.empty:
            return series[unit]
        ahead = projection[projection["unit_code"] == unit].set_index("period")["value"]
        return pd.concat([series[unit], ahead]).sort_index()

    return path(chaser), path(benchmark)


def _model_crossing(paths: tuple[pd.Series, pd.Series], base: int, higher_is_better: bool) -> float:
    """The first period from ``base`` on where the chaser's path is level or ahead."""
    ours, theirs = (p[p.index >= base] for p in paths)
    return first_crossing(ours, theirs, 1.0 if higher_is_better else -1.0)[0]


def _answer(
    ours: pd.Series,
    theirs: pd.Series,
    code: str,
    rate: float,
    their_rate: float,
    target_year: int,
    higher_is_better: bool,
    paths: tuple[pd.Series, pd.Series],
) -> dict:
    common = ours.index.intersection(theirs.index)
    if common.empty:
        return {"benchmark_code": code, "status": "missing"}
    base = int(common.max())
    a, b = float(ours[base]), float(theirs[base])
    closed = catch_up(a, rate, b, their_rate, base, higher_is_better)
    gap = (b - a) if higher_is_better else (a - b)
    return {
        "benchmark_code": code,
        "base_year": base,
        "chaser_value": a,
        "benchmark_value": b,
        "gap": gap,
        "gap_ratio": gap / b if b else np.nan,
        "chaser_rate": rate,
        "benchmark_rate": their_rate,
        "crossing_time": closed.crossing_time,
        "crossing_period": closed.crossing_period,
        "status": closed.status,
        "required_rate": required_rate(
            a, b, their_rate, max(target_year - base, 1), higher_is_better
        ),
        "model_crossing": _model_crossing(paths, base, higher_is_better),
    }


def catch_up_probability(
    annual: pd.DataFrame,
    chaser: str,
    benchmark: str,
    target_year: int,
    higher_is_better: bool = True,
    n_paths: int = 1000,
) -> float:
    """Share of simulated (ETS) paths on which the chaser is level by ``target_year``.

    NaN when a series is too short to simulate.
    """
    ours = annual[annual["unit_code"] == chaser].set_index("year")["value"]
    theirs = annual[annual["unit_code"] == benchmark].set_index("year")["value"]
    result = catch_up_projected(
        ours, theirs, target_year, models=(), higher_is_better=higher_is_better, n_paths=n_paths
    )
    return float(result.probability)


def stated_crossing(
    stated: pd.DataFrame, chaser: str, benchmark: str, higher_is_better: bool = True
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
