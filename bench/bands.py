"""Do the catch-up page's bands and chances mean what they say? Rolling-origin back-tests
on series with known noise that nobody tuned the bands to, and on the demo data.

For every model the rows give the share of held-out outcomes inside the calibrated 80 %
and 95 % bands (made only from errors known at each origin) beside the share inside the
model's own 80 % interval, the mean absolute percentage error beside the last value
carried forward, and the Brier score of the chance of being level or ahead beside always
answering the base rate. Growth rates that cross zero are back-tested too: their errors
are differences in points (:func:`bxgc_metrics.metrics.backtest.error_scale`), so their
error is a mean absolute error in points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bench.report import Row
from bxgc_metrics.metrics.backtest import (
    BASELINE,
    DIFFERENCE,
    ERROR_COLUMNS,
    SKILL_COLUMNS,
    calibrated_coverage,
    calibration,
    error_scale,
    model_skill,
    rolling_errors,
)
from bxgc_metrics.metrics.projection import MIN_POINTS, forecast_arrays, model_status

if TYPE_CHECKING:
    from bench.cases import Context

MODELS = ("naive", "cagr", "linear", "loglinear", "ets")
YEARS = 14
N_SERIES = 120
"""Series per generator."""
SERIES = {"ets": 30}
"""Series per generator for a model whose fits are slow (ETS), fewer than :data:`N_SERIES`."""


def _walk(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random walk in logs with a drift that differs by series (sd 6 %)."""
    drift = rng.uniform(0.0, 0.1, (n, 1))
    return 100 * np.exp(np.cumsum(drift + 0.06 * rng.standard_normal((n, YEARS)), axis=1))


def _trend(rng: np.random.Generator, n: int) -> np.ndarray:
    """Exponential trend with AR(1) noise around it (φ = 0.6, sd 5 %)."""
    t = np.arange(YEARS)
    noise = np.zeros((n, YEARS))
    for i in range(1, YEARS):
        noise[:, i] = 0.6 * noise[:, i - 1] + 0.05 * rng.standard_normal(n)
    return 100 * np.exp(rng.uniform(0.02, 0.12, (n, 1)) * t + noise)


def _slowing(rng: np.random.Generator, n: int) -> np.ndarray:
    """Growth that fades (15 % a year falling by a fifth each year), noise sd 4 %."""
    growth = rng.uniform(0.08, 0.2, (n, 1)) * 0.8 ** np.arange(YEARS)
    return 100 * np.exp(np.cumsum(growth + 0.04 * rng.standard_normal((n, YEARS)), axis=1))


GENERATORS: dict[str, Callable[[np.random.Generator, int], np.ndarray]] = {
    "random walk": _walk,
    "trend + AR(1)": _trend,
    "fading growth": _slowing,
}


def _rates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Growth rates in % around a mean of −1 to 6 that drifts by up to ±0.5 points a year,
    with AR(1) noise (φ = 0.5, sd 2.5 points): most series cross zero somewhere."""
    t = np.arange(YEARS)
    noise = np.zeros((n, YEARS))
    noise[:, 0] = 2.5 * rng.standard_normal(n)
    for i in range(1, YEARS):
        noise[:, i] = 0.5 * noise[:, i - 1] + 2.5 * rng.standard_normal(n)
    return rng.uniform(-1.0, 6.0, (n, 1)) + rng.uniform(-0.5, 0.5, (n, 1)) * t + noise


RATE_GENERATORS = {"growth rates around zero": _rates}
"""Series read in points, not as growth: their bands are additive."""

RATE_MODELS = ("naive", "linear", "ets")
"""The models that project a series through zero (CAGR and log-linear need it positive)."""


def _annual(levels: np.ndarray) -> pd.DataFrame:
    n, years = levels.shape
    return pd.DataFrame(
        {
            "unit_code": np.repeat([f"U{i:04d}" for i in range(n)], years),
            "year": np.tile(np.arange(2010, 2010 + years), n),
            "value": levels.ravel(),
        }
    )


def _errors(annual: pd.DataFrame, model: str) -> pd.DataFrame:
    scale = error_scale(annual["value"].to_numpy(dtype=float))
    parts = [
        rolling_errors(g.set_index("year")["value"], model, unit=str(u), scale=scale)
        for u, g in annual.groupby("unit_code")
    ]
    found = [p for p in parts if not p.empty]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ERROR_COLUMNS)


def _skill(errors: pd.DataFrame, model: str, own: list[str]) -> dict:
    """:func:`model_skill`'s row by column name (:data:`SKILL_COLUMNS`)."""
    return dict(zip(SKILL_COLUMNS, model_skill(errors, model, own), strict=True))


def _brier(annual: pd.DataFrame, errors: pd.DataFrame, model: str) -> tuple[float, float, int]:
    """Brier score of the chance that unit 2k is level or ahead of unit 2k+1 one to three
    years after each origin (each chance from the errors known at the origin), that of
    always answering the base rate, and how many chances were given."""
    series = {u: g.set_index("year")["value"] for u, g in annual.groupby("unit_code")}
    codes = sorted(series)
    chances, outcomes = [], []
    for origin in range(2010 + MIN_POINTS[model] + 2, 2010 + YEARS - 1):
        cal = calibration(errors[errors["period"] <= origin])
        forecasts = {}
        for code in codes:
            s = series[code]
            known = s[s.index <= origin]
            periods, values = known.index.to_numpy(np.int64), known.to_numpy(float)
            if model_status(model, periods, values) != "ok":
                continue
            forecasts[code] = forecast_arrays(
                model, periods, values, horizon=3, rates=None, level=0.8
            )[0]
        for a, b in zip(codes[::2], codes[1::2], strict=False):
            if a not in forecasts or b not in forecasts:
                continue
            for step in (1, 2, 3):
                year = origin + step
                if year not in series[a].index:
                    continue
                fa, fb = forecasts[a][step - 1], forecasts[b][step - 1]
                chance = cal.chance_at_least((fa, step), (fb, step))
                if np.isnan(chance):
                    continue
                chances.append(chance)
                outcomes.append(float(series[a][year] >= series[b][year]))
    p, y = np.array(chances), np.array(outcomes)
    if not len(p):
        return float("nan"), float("nan"), 0
    return float(((p - y) ** 2).mean()), float(((y.mean() - y) ** 2).mean()), len(p)


def _pairs_close(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Put each odd series within 0–30 % of the even one before it at the start, so that
    who is ahead later is an open question."""
    out = levels.copy()
    out[1::2] = (
        out[1::2] / out[1::2, :1] * out[0::2, :1] * rng.uniform(0.7, 1.0, (len(out) // 2, 1))
    )
    return out


def _pairs_near(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """:func:`_pairs_close` for rates: each odd series starts 0–3 points below the even one
    before it."""
    out = levels.copy()
    shift = out[0::2, :1] - out[1::2, :1] - rng.uniform(0.0, 3.0, (len(out) // 2, 1))
    out[1::2] = out[1::2] + shift
    return out


def bands(ctx: Context) -> None:
    """Coverage of the calibrated bands and skill of the chance, per model and series kind."""
    rng = np.random.default_rng(2026)
    for kind, make in GENERATORS.items():
        _rows(ctx, kind, _pairs_close(make(rng, N_SERIES), rng), MODELS)
    for kind, make in RATE_GENERATORS.items():
        _rows(ctx, kind, _pairs_near(make(rng, N_SERIES), rng), RATE_MODELS)
    _demo(ctx)


def _rows(ctx: Context, kind: str, full: np.ndarray, models: tuple[str, ...]) -> None:
    """The rows of one series kind: coverage, error and Brier score for each model."""
    for model in models:
        n = min(SERIES.get(model, N_SERIES), N_SERIES)
        annual = _annual(full[:n])
        errors = _errors(annual, model)
        own = sorted(annual["unit_code"].unique())
        row = _skill(errors, model, own)
        baseline = row if model == BASELINE else _skill(_errors(annual, BASELINE), BASELINE, own)
        cover95, checked95 = calibrated_coverage(errors, own, 0.95)
        own_cover = row["model_coverage"]
        cover80, checked80 = row["coverage"], row["checked"]
        label = f"{model}, {kind} ({n} series × {YEARS} years)"
        points = row["scale"] == DIFFERENCE
        # the error models are compared on: a percentage, or points where values cross zero
        name, unit = (
            ("mean abs. error (points)", "points") if points else ("mean abs. % error", "share")
        )
        error = Row(
            f"{name}, {label}",
            row["error"],
            baseline["error"],
            "—",
            None,
            unit=unit,
            note="Reference: the last value carried forward on the same origins.",
        )
        apart = "0–3 points" if points else "0–30 %"
        ctx.rows += [
            Row(
                f"80 % band coverage, {label}",
                cover80,
                None if np.isnan(own_cover) else own_cover,
                "72–88 %",
                0.72 <= cover80 <= 0.88,
                unit="share",
                note=f"{checked80:,} held-out points, 1–3 years ahead; reference: the "
                "model's own 80 % interval on the same points (none for naive and CAGR).",
            ),
            Row(
                f"95 % band coverage, {label}",
                cover95,
                None,
                "90–98 %",
                0.90 <= cover95 <= 0.98,
                unit="share",
                note=f"{checked95:,} held-out points.",
            ),
            error,
        ]
        brier, base, given = _brier(annual, errors, model)
        ctx.rows.append(
            Row(
                f"chance of being level or ahead: Brier, {label}",
                brier,
                base,
                "< base rate's",
                bool(brier < base),
                unit="score",
                note=f"{given:,} chances for pairs of series that start {apart} apart, "
                "1–3 years ahead, each from the errors known at its origin; reference: "
                "always answering the share that came true.",
            )
        )


def _demo(ctx: Context) -> None:
    """The same coverage on the demo data's annual series, every indicator pooled."""
    from bxgc_metrics.demo import build_demo
    from bxgc_metrics.tables.trajectory import annual_series

    made = build_demo()
    obs, indicators = made.observations, made.indicators
    series = [annual_series(obs, row.code, row.frequency) for row in indicators.itertuples()]
    for model in MODELS:
        found = [(_errors(a, model), sorted(a["unit_code"].unique())) for a in series if len(a)]
        for level, low, high in ((0.8, 0.72, 0.88), (0.95, 0.90, 0.98)):
            percent = f"{round(level * 100)} %"
            hits = checked = 0.0
            for errors, own in found:
                share, n = calibrated_coverage(errors, own, level)
                if n:
                    hits, checked = hits + share * n, checked + n
            if not checked:  # ETS starts late: no origin knows enough errors for 95 %
                ctx.rows[-1] = replace(
                    ctx.rows[-1],
                    note=f"{ctx.rows[-1].note} No {percent} band could be given: no origin "
                    f"knew the {math.ceil(2 / (1 - level)) - 1} errors per step ahead a "
                    "bounded one needs.",
                )
                continue
            cover = hits / checked
            ctx.rows.append(
                Row(
                    f"{percent} band coverage, {model}, demo data (each indicator's units pooled)",
                    cover,
                    None,
                    f"{round(low * 100)}–{round(high * 100)} %",
                    bool(low <= cover <= high),
                    unit="share",
                    note=f"{int(checked):,} held-out points.",
                )
            )


CASES = {"bands": bands}
