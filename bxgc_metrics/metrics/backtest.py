"""Rolling-origin back-tests of the projection models, and prediction bands calibrated on
them (split conformal, one calibration per step ahead).

A model's own prediction interval is right only if the model is right; on real series the
trend models' 80 % intervals cover about a third of what happens. So the bands a leader
sees come from the model's own track record instead: every past year is taken in turn as
the last one known (the *origin*), the model projects from there, and the errors it made
one, two and three years ahead are kept. The band for a future year runs between the
errors the model stayed above and below in the chosen share of those trials, one tail
each (conformal percentiles of the signed errors, made by
``crepes.ConformalPredictiveSystem`` for each step ahead): a model that has always fallen
short gets a band above its line. The chance of catching up is read off the same errors.

Errors drift: the last value carried forward misses fading growth by less each year, and
the errors known at an origin are one to seven years old. So the levels are recalibrated
on the recent outcomes themselves: each forecast of the latest origins gets the rank its
outcome took among the errors that calibrated it at its origin (its probability integral
transform), and an 80 % band runs between the 10th and 90th percentiles of those ranks
(by the same conformal rule as the errors') rather than of a uniform spread. Where the
outcomes kept landing low, the band reaches lower; where they kept inside, it narrows
(recalibration after Kuleshov, Fenner and Ermon, "Accurate uncertainties for deep learning
using calibrated regression", 2018).

Errors are measured on one scale per indicator (:func:`error_scale`). Where every value
of every unit is positive (revenue, investment) they are relative: the log of actual over
forecast, so a band is ``forecast × exp(low) … forecast × exp(high)`` and units of any
size share them; a forecast at or below zero of such a series missed by more than any
ratio, an error of +∞ that counts as the largest miss upward (a band that would reach it
is not given). Where some value is zero or below (growth rates, balances) they are
differences in the indicator's own units (percentage points), since a share of a
forecast near zero has no size. Series of one indicator share their errors: the chart's
own series first, and the other units on the same indicator when those alone give too
few.

crepes (and scikit-learn, which it imports) load only when a band is calibrated.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bxgc_metrics.metrics.projection import (
    MIN_POINTS,
    STATUS_OK,
    forecast_arrays,
    model_status,
)

STEPS = 3
"""Steps ahead that the back-test measures (years, as a rule); bands further out widen
with the square root of the step from the last measured one."""
MIN_CALIBRATION = 19
"""Fewest back-test errors per step that calibrate a band: with fewer, the band and the
chance are not given. An 80 % band from n ≤ 18 errors can only be their whole range,
which holds (n − 1) / (n + 1) of outcomes as likely as any of them (89.5 % from 18), so
it would say 80 % and mean up to 90 %; from 19 on its ends lie inside the errors seen and
it holds 80–86 %. A 95 % band needs 39 (below that it would be unbounded) and holds
95–97.5 %."""
LEVEL_TOLERANCE = 1e-9
"""Relative difference below which two outcomes count as level (rounding aside)."""
SKILL_LEVEL = 0.8
"""The band whose coverage :func:`skill` measures."""
RECENT_ORIGINS = 5
"""Only the errors of the latest five origins calibrate a step's band: a model's errors
change as its history grows and growth itself changes (a trend fitted to fading growth
misses by more each year), and older errors would give bands too wide or too narrow."""
MIN_RANKS = 20
"""Fewest recent outcomes with a rank that recalibrate a band's levels; with fewer, the
levels are used as they are."""
BASELINE = "naive"
"""The model every other is measured against: the last value carried forward."""
LOG = "log"
"""Errors as ``log(actual / forecast)``: for indicators whose values are all positive."""
DIFFERENCE = "difference"
"""Errors as ``actual − forecast``: for indicators with a value at zero or below."""
ERROR_COLUMNS = [
    "unit_code",
    "origin",
    "step",
    "period",
    "forecast",
    "actual",
    "error",
    "scale",
    "lower",
    "upper",
]
"""Columns of :func:`rolling_errors`: the origin (last period known), the step ahead, the
period forecast, the forecast and what happened, the ``error`` and the ``scale`` it is
measured on (:data:`LOG` or :data:`DIFFERENCE`, one per indicator), and the model's own
80 % interval (NaN for a model without one)."""
MIN_COVERAGE_CHECKS = 20
"""Fewest checks of a calibrated band that say how it holds: from fewer, a band that holds
80 % often reads otherwise (both of two checks held 64 % of the time, all of ten 11 %);
from 20, all held 1 % of the time and 60 % or fewer 3 %. A share from fewer checks is
kept in :func:`skill` but is not read as the band's coverage."""
SKILL_COLUMNS = [
    "model",
    "forecasts",
    "mape",
    "mae",
    "scale",
    "error",
    "model_coverage",
    "coverage",
    "checked",
]
"""Columns of :func:`skill`: back-test forecasts made, mean absolute percentage error (NaN
on :data:`DIFFERENCE`, where a percentage of a value near zero has no size), mean absolute
error in the indicator's own units, the errors' ``scale``, the ``error`` models are
compared on (``mape`` on :data:`LOG`, ``mae`` on :data:`DIFFERENCE`), share of outcomes
inside the model's own 80 % interval (NaN for models without one), share inside the
calibrated 80 % band made only from errors known at the time, and how many forecasts that
coverage was checked on."""


def error_scale(values: np.ndarray) -> str:
    """:data:`LOG` when every known value is positive, else :data:`DIFFERENCE`.

    >>> error_scale(np.array([52000.0, 61000.0])), error_scale(np.array([7.0, -0.4]))
    ('log', 'difference')
    """
    values = np.asarray(values, dtype=float)
    known = values[~np.isnan(values)]
    return LOG if len(known) and bool((known > 0).all()) else DIFFERENCE


def relative_error(actual: np.ndarray, forecast: np.ndarray, scale: str = LOG) -> np.ndarray:
    """How far ``actual`` fell from ``forecast`` on ``scale``.

    :data:`LOG`: ``log(actual / forecast)``; +∞ where the forecast is at or below zero and
    the outcome above it, −∞ where the outcome is at or below zero under a positive
    forecast, NaN where both are. :data:`DIFFERENCE`: ``actual − forecast``."""
    actual, forecast = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    if scale == DIFFERENCE:
        return actual - forecast
    _check_scale(scale)
    up, down = actual > 0, forecast > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a ratio past ∞ is ∞
        logs = np.log(np.where(up & down, actual, 1.0) / np.where(up & down, forecast, 1.0))
    beyond = np.where(up, np.inf, np.where(down, -np.inf, np.nan))
    keep = np.isnan(actual) | np.isnan(forecast)
    return np.where(keep, np.nan, np.where(up & down, logs, beyond))


def apply_error(forecast: np.ndarray, error: np.ndarray, scale: str = LOG) -> np.ndarray:
    """The value an ``error`` on ``scale`` makes of ``forecast`` (the inverse of
    :func:`relative_error`): +∞ for an error of +∞, and NaN for a forecast at or below
    zero on :data:`LOG`, whose errors are ratios to positive forecasts."""
    forecast, error = np.asarray(forecast, dtype=float), np.asarray(error, dtype=float)
    if scale == DIFFERENCE:
        return forecast + error
    _check_scale(scale)
    with np.errstate(over="ignore", invalid="ignore"):
        made = forecast * np.exp(error)
    return np.where(forecast > 0, made, np.nan)


def _check_scale(scale: str) -> None:
    if scale not in (LOG, DIFFERENCE):
        raise ValueError(f"unknown error scale {scale!r}")


def rolling_errors(
    series: pd.Series, model: str, *, steps: int = STEPS, unit: str = "", scale: str | None = None
) -> pd.DataFrame:
    """Back-test ``model`` on one series: from every origin with enough history, project
    ``steps`` ahead and compare with what was then observed, with errors on ``scale``
    (by default the series' own, :func:`error_scale`).

    Examples
    --------
    Carrying 100 forward from 2020 misses 2021's 110 by log(1.1):

    >>> errors = rolling_errors(pd.Series({2020: 100.0, 2021: 110.0}), "naive")
    >>> errors[["origin", "step", "forecast", "actual"]].values.tolist()
    [[2020.0, 1.0, 100.0, 110.0]]
    >>> round(float(errors["error"].iloc[0]), 4)
    0.0953
    """
    clean = series.dropna().sort_index()
    periods = clean.index.to_numpy(dtype=np.int64)
    values = clean.to_numpy(dtype=float)
    scale = error_scale(values) if scale is None else scale
    _check_scale(scale)
    parts = []
    for end in range(MIN_POINTS[model], len(values)):
        known_p, known_v = periods[:end], values[:end]
        origin = known_p[-1]
        ahead = (periods > origin) & (periods <= origin + steps)
        if not ahead.any() or model_status(model, known_p, known_v) != STATUS_OK:
            continue
        step = periods[ahead] - origin
        value, lower, upper, _ = forecast_arrays(
            model, known_p, known_v, horizon=int(step.max()), rates=None, level=SKILL_LEVEL
        )
        at = step - 1
        parts.append(
            np.column_stack(
                [np.full(len(step), origin), step, periods[ahead], value[at], values[ahead],
                 lower[at], upper[at]]
            )
        )  # fmt: skip
    block = np.vstack(parts) if parts else np.empty((0, 7))
    columns = [c for c in ERROR_COLUMNS if c not in ("unit_code", "error", "scale")]
    frame = pd.DataFrame(block, columns=columns)
    frame.insert(0, "unit_code", pd.Series([unit] * len(frame), dtype="str"))
    frame["error"] = relative_error(frame["actual"].to_numpy(), frame["forecast"].to_numpy(), scale)
    frame["scale"] = pd.Series([scale] * len(frame), dtype="str")
    return frame[ERROR_COLUMNS]


def pooled_errors(
    annual: pd.DataFrame,
    model: str,
    own: Sequence[str],
    *,
    steps: int = STEPS,
    minimum: int = MIN_CALIBRATION,
) -> pd.DataFrame:
    """Back-test errors of ``own`` units' series (``unit_code, year, value``), with other
    units' on the same indicator added, one at a time in code order, while the errors
    :func:`calibration` keeps give fewer than ``minimum`` at some step. All on the one
    :func:`error_scale` of every unit's values."""
    by_unit = {u: g.set_index("year")["value"] for u, g in annual.groupby("unit_code", sort=True)}
    scale = error_scale(annual["value"].to_numpy(dtype=float))
    mine = [u for u in own if u in by_unit]
    parts = [rolling_errors(by_unit[u], model, steps=steps, unit=str(u), scale=scale) for u in mine]

    def short() -> bool:
        found = [p for p in parts if not p.empty]
        if not found:
            return True
        kept = calibration(pd.concat(found, ignore_index=True), minimum=minimum).errors
        return any(s not in kept for s in range(1, steps + 1))

    for peer in (u for u in by_unit if u not in mine):
        if not short():
            break
        parts.append(rolling_errors(by_unit[peer], model, steps=steps, unit=str(peer), scale=scale))
    found = [p for p in parts if not p.empty]
    return pd.concat(found, ignore_index=True) if found else _no_errors()


def _no_errors() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float) for c in ERROR_COLUMNS}).astype(
        {"unit_code": "str", "scale": "str"}
    )


@dataclass(frozen=True, eq=False)
class Calibration:
    """Back-test errors by step ahead, and the bands and chances they give."""

    errors: Mapping[int, np.ndarray]
    """The errors seen at each step ahead (steps with at least :data:`MIN_CALIBRATION`
    only), on :attr:`scale`; +∞ and −∞ are misses beyond any ratio."""
    ranks: np.ndarray = field(default_factory=lambda: np.empty(0))
    """Where recent outcomes fell among the errors that calibrated their forecasts at
    the time, each in (0, 1) (uniform when the bands of the day held what they said); the
    levels are recalibrated on them when there are at least :data:`MIN_RANKS`."""
    scale: str = LOG
    """What the errors measure (:data:`LOG` or :data:`DIFFERENCE`)."""
    _intervals: dict[tuple[int, float], tuple[float, float]] = field(
        default_factory=dict, repr=False
    )

    @property
    def usable(self) -> bool:
        """Whether there are enough errors to give a band at all."""
        return bool(self.errors)

    def _scaled(self, step: int) -> np.ndarray:
        """Errors for ``step`` ahead: measured ones, else the furthest measured step's
        widened by √(step / that step)."""
        if step in self.errors:
            return np.asarray(self.errors[step], dtype=float)
        last = max(s for s in self.errors if s <= step) if min(self.errors) <= step else None
        if last is None:
            return np.empty(0)
        return np.asarray(self.errors[last], dtype=float) * np.sqrt(step / last)

    @property
    def recalibrated(self) -> bool:
        """Whether the levels are recalibrated on :attr:`ranks`."""
        return len(self.ranks) >= MIN_RANKS

    def levels(self, level: float) -> tuple[float, float]:
        """The shares of the errors below a ``level`` band's lower and upper ends: when
        :attr:`recalibrated`, the recent ranks' ``(1 − level) / 2`` lower and
        ``(1 + level) / 2`` upper percentiles by the same conformal rule as the band's
        (the ⌊tail × (m + 1)⌋-th smallest of m ranks and the ⌈(1 − tail) × (m + 1)⌉-th,
        the smallest and largest at most); else those shares themselves."""
        tail = (1 - level) / 2
        if not self.recalibrated:
            return tail, 1 - tail
        ranks = np.sort(self.ranks)
        m = len(ranks)
        low = int(np.floor(round(tail * (m + 1), 9))) - 1
        high = int(np.ceil(round((1 - tail) * (m + 1), 9))) - 1
        return float(ranks[max(low, 0)]), float(ranks[min(high, m - 1)])

    def interval(self, step: int, level: float) -> tuple[float, float]:
        """The conformal ``level`` band ``step`` ahead, in :attr:`scale` units: the
        :meth:`levels` lower and upper percentiles of the signed errors
        (``crepes.ConformalPredictiveSystem``), so a model that erred one way more than
        the other gets a band leaning that way. A recalibrated end reaches no further
        than the largest error seen on its side. NaN, NaN without enough errors for a
        bounded band at that level, and where an end falls on an unbounded error."""
        if (step, level) not in self._intervals:
            self._intervals[(step, level)] = self._interval(step, level)
        return self._intervals[(step, level)]

    def _interval(self, step: int, level: float) -> tuple[float, float]:
        errors = self._scaled(step) if self.usable else np.empty(0)
        if len(errors) < MIN_CALIBRATION:
            return float("nan"), float("nan")
        from crepes import ConformalPredictiveSystem  # slow to import; only bands need it

        tail = round(100 * (1 - level) / 2, 9)  # 10.0, not 9.999…, for an 80 % band
        if tail < 100 / (len(errors) + 1):  # too few errors for a bounded band
            return float("nan"), float("nan")
        lower, higher = (round(100 * x, 9) for x in self.levels(level))
        edge = 100 / (len(errors) + 1) * (1 + 1e-9)  # the smallest error, and the largest
        lower, higher = max(lower, edge), min(higher, 100 - edge)
        with warnings.catch_warnings():  # crepes warns at the edges it clips to
            warnings.simplefilter("ignore")
            system = ConformalPredictiveSystem().fit(errors)
            low, high = system.predict(
                np.zeros(1), lower_percentiles=lower, higher_percentiles=higher, smoothing=False
            )[0]
        if not (np.isfinite(low) and np.isfinite(high)):
            return float("nan"), float("nan")
        return float(low), float(high)

    def band(
        self, forecast: np.ndarray, steps: np.ndarray, level: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper ``level`` band around ``forecast`` values ``steps`` ahead."""
        low, high = np.array([self.interval(int(s), level) for s in steps]).reshape(-1, 2).T
        return apply_error(forecast, low, self.scale), apply_error(forecast, high, self.scale)

    def chance_at_least(
        self, ours: tuple[float, int], theirs: tuple[float, int], *, sign: float = 1.0
    ) -> float:
        """P(``sign × (our outcome − their outcome) ≥ 0``) when each outcome, given as
        ``(forecast, steps ahead)``, is its forecast with an error drawn from the
        back-test errors of its step (a step of 0 is an observed value); each pair of
        errors counts once, save pairs where both missed without bound the same way,
        which say nothing of who is ahead. NaN without enough errors, and for a forecast
        at or below zero on :data:`LOG`."""
        a = self._draws(*ours)
        b = self._draws(*theirs)
        if a is None or b is None or np.isnan(a).any() or np.isnan(b).any():
            return float("nan")
        with np.errstate(invalid="ignore"):  # ∞ − ∞: both unbounded the same way
            gap = sign * (a[:, None] - b[None, :])
            level = LEVEL_TOLERANCE * np.maximum(np.abs(a)[:, None], np.abs(b)[None, :])
        said = ~np.isnan(gap)
        if not said.any():
            return float("nan")
        level = np.where(np.isinf(level), 0.0, level)
        return float((gap[said] >= -level[said]).mean())

    def _draws(self, forecast: float, step: int) -> np.ndarray | None:
        if not np.isfinite(forecast):
            return None
        if step <= 0:
            return np.array([forecast])
        errors = self._scaled(step) if self.usable else np.empty(0)
        if len(errors) < MIN_CALIBRATION:
            return None
        if self.recalibrated:  # the errors at the recent outcomes' ranks
            errors = _quantiles(errors, self.ranks)
        return apply_error(np.full(len(errors), forecast), errors, self.scale)


def _quantiles(values: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``np.quantile`` (linear between order statistics), with unbounded values: between
    a number and +∞ lies +∞, and between −∞ and a number −∞; between −∞ and +∞ the
    nearer of the two.

    >>> _quantiles(np.array([0.0, 1.0, np.inf]), np.array([0.25, 0.5, 0.75])).tolist()
    [0.5, 1.0, inf]
    """
    values = np.asarray(values, dtype=float)
    if np.isfinite(values).all():
        return np.quantile(values, shares)
    ordered = np.sort(values)
    at = np.asarray(shares, dtype=float) * (len(ordered) - 1)
    below = np.floor(at).astype(np.int64)
    above = np.minimum(below + 1, len(ordered) - 1)
    part = at - below
    a, b = ordered[below], ordered[above]
    with np.errstate(invalid="ignore"):
        between = a + part * (b - a)
    between = np.where(part == 0, a, between)
    return np.where(np.isnan(between), np.where(part < 0.5, a, b), between)


def calibration(
    errors: pd.DataFrame,
    *,
    minimum: int = MIN_CALIBRATION,
    recent: int | None = RECENT_ORIGINS,
    recalibrate: bool = True,
) -> Calibration:
    """The :class:`Calibration` of back-test ``errors`` (:data:`ERROR_COLUMNS`): per step
    ahead, the errors of the ``recent`` latest origins (all with ``None``), and, with
    ``recalibrate``, the ranks of the ``recent`` latest origins' outcomes among the errors
    known at each of them (:func:`outcome_ranks`)."""
    clean = errors.dropna(subset=["error"])
    ranks = (
        _row_ranks(clean, minimum, recent, origins=_window(clean, recent)) if recalibrate else None
    )
    return _calibration(clean, ranks, minimum=minimum, recent=recent)


def scale_of(errors: pd.DataFrame) -> str:
    """The one scale ``errors`` are measured on (:data:`LOG` when there are none);
    errors on two scales cannot calibrate one band."""
    scales = pd.unique(errors["scale"].dropna())
    if len(scales) > 1:
        raise ValueError(f"back-test errors on more than one scale: {sorted(scales)}")
    return str(scales[0]) if len(scales) else LOG


def _calibration(
    clean: pd.DataFrame, ranks: np.ndarray | None, *, minimum: int, recent: int | None
) -> Calibration:
    """The :class:`Calibration` of ``clean`` errors, recalibrated on the ranks of its
    window's rows when ``ranks`` (one per row, NaN where none) are given."""
    kept = _kept(clean, minimum, recent)
    scale = scale_of(clean)
    if ranks is None or not kept:
        return Calibration(errors=kept, scale=scale)
    recent_ranks = ranks[_in_window(clean, _window(clean, recent)) & ~np.isnan(ranks)]
    return Calibration(errors=kept, ranks=recent_ranks, scale=scale)


def _kept(clean: pd.DataFrame, minimum: int, recent: int | None) -> dict[int, np.ndarray]:
    kept = {}
    for step, group in clean.groupby("step"):
        if recent is not None:
            group = group[group["origin"] > group["origin"].max() - recent]
        if len(group) >= minimum:
            kept[int(step)] = group["error"].to_numpy(dtype=float)
    return kept


def outcome_ranks(
    errors: pd.DataFrame, *, minimum: int = MIN_CALIBRATION, recent: int | None = RECENT_ORIGINS
) -> np.ndarray:
    """For each back-test forecast of the ``recent`` latest origins, where its error fell
    among the errors that calibrated its step at its origin (those whose outcome was known
    then): ``(below + ties / 2 + 1/2) / (n + 1)``, in (0, 1).

    Examples
    --------
    Nine one-step errors 0.01 … 0.09 were known in 2015. 2015's forecast then erred by
    0.095, above all nine: rank (9 + 1/2) / 10. 2016's erred by 0.01, tied with the
    smallest of the ten known by then: rank (0 + 1/2 + 1/2) / 11.

    >>> rows = [("A", 2005 + k, 1.0, 2006 + k, 1.0, 1.0, 0.01 * (k + 1), "log", np.nan, np.nan)
    ...         for k in range(9)]
    >>> rows += [("A", 2015, 1.0, 2016, 1.0, 1.0, 0.095, "log", np.nan, np.nan),
    ...          ("A", 2016, 1.0, 2017, 1.0, 1.0, 0.01, "log", np.nan, np.nan)]
    >>> frame = pd.DataFrame(rows, columns=ERROR_COLUMNS)
    >>> outcome_ranks(frame, minimum=9, recent=None)[-2:].round(4).tolist()
    [0.95, 0.0909]
    """
    clean = errors.dropna(subset=["error"])
    window = _window(clean, recent)
    ranks = _row_ranks(clean, minimum, recent, origins=window)
    return ranks[_in_window(clean, window) & ~np.isnan(ranks)]


def _window(clean: pd.DataFrame, recent: int | None) -> np.ndarray:
    """The origins whose outcomes recalibrate: the ``recent`` latest (all with ``None``)."""
    origins = np.unique(clean["origin"].to_numpy(dtype=float))
    if recent is not None and len(origins):
        origins = origins[origins > origins.max() - recent]
    return origins


def _in_window(clean: pd.DataFrame, window: np.ndarray) -> np.ndarray:
    """Rows made at one of the ``window`` origins."""
    return clean["origin"].isin(window).to_numpy()


def _row_ranks(
    clean: pd.DataFrame, minimum: int, recent: int | None, *, origins: np.ndarray | None = None
) -> np.ndarray:
    """Each row's rank among the errors that calibrated its step at its origin (those
    whose outcome was known then), for the rows made at ``origins`` (all when ``None``);
    NaN where there were too few errors, and for the other rows."""
    made = clean["origin"].to_numpy(dtype=float)
    period = clean["period"].to_numpy(dtype=float)
    steps = clean["step"].to_numpy(dtype=float)
    error = clean["error"].to_numpy(dtype=float)
    ranks = np.full(len(clean), np.nan)
    for origin in np.unique(made) if origins is None else origins:
        then = Calibration(errors=_kept(clean[period <= origin], minimum, recent))
        if not then.usable:
            continue
        at = made == origin
        for step in np.unique(steps[at]):
            seen = np.sort(then._scaled(int(step)))
            if len(seen) < minimum:
                continue
            rows = at & (steps == step)
            below = np.searchsorted(seen, error[rows], side="left")
            ties = np.searchsorted(seen, error[rows], side="right") - below
            ranks[rows] = (below + ties / 2 + 0.5) / (len(seen) + 1)
    return ranks


def skill(
    annual: pd.DataFrame,
    models: Sequence[str],
    own: Sequence[str],
    *,
    steps: int = STEPS,
) -> pd.DataFrame:
    """How each model did in back-tests on these series (:data:`SKILL_COLUMNS`), from
    :func:`pooled_errors`; see :func:`model_skill`."""
    rows = [
        model_skill(pooled_errors(annual, model, own, steps=steps), model, own) for model in models
    ]
    return pd.DataFrame(rows, columns=SKILL_COLUMNS)


def model_skill(errors: pd.DataFrame, model: str, own: Sequence[str]) -> tuple:
    """One row of :func:`skill` from one model's pooled back-test ``errors``.

    The error and the model's own coverage are measured on the ``own`` units' forecasts.
    ``coverage`` is honest: each of those forecasts gets the band calibrated only on the
    pooled errors whose outcome was known at its origin, and counts when that band held
    (``checked`` of them had enough errors for a band).
    """
    errors = errors.dropna(subset=["error"])
    mine = errors[errors["unit_code"].isin(list(own))]
    scale = scale_of(errors)
    if mine.empty:
        return (model, 0, np.nan, np.nan, scale, np.nan, np.nan, np.nan, 0)
    missed = np.abs(mine["actual"] - mine["forecast"])
    mae = float(missed.mean())
    mape = float((missed / np.abs(mine["actual"])).mean()) if scale == LOG else np.nan
    bounded = mine.dropna(subset=["lower", "upper"])
    inside = (bounded["actual"] >= bounded["lower"]) & (bounded["actual"] <= bounded["upper"])
    own_cover = float(inside.mean()) if len(bounded) else np.nan
    share, checked = calibrated_coverage(errors, own, SKILL_LEVEL)
    compared = mape if scale == LOG else mae
    return (model, len(mine), mape, mae, scale, compared, own_cover, share, checked)


def calibrated_coverage(
    errors: pd.DataFrame, own: Sequence[str], level: float, *, recalibrate: bool = True
) -> tuple[float, int]:
    """Share of the ``own`` units' back-test outcomes inside the ``level`` band calibrated
    only on the pooled ``errors`` whose outcome was known at the forecast's origin, and
    how many had enough errors for a band (NaN share when none)."""
    errors = errors.dropna(subset=["error"])
    mine = errors[errors["unit_code"].isin(list(own))]
    # each outcome's rank depends only on its own origin: ranked once, not per origin
    ranks = _row_ranks(errors, MIN_CALIBRATION, RECENT_ORIGINS)
    period = errors["period"].to_numpy(dtype=float)
    hits = checked = 0
    for origin, group in mine.groupby("origin"):
        known = period <= origin
        cal = _calibration(
            errors[known],
            ranks[known] if recalibrate else None,
            minimum=MIN_CALIBRATION,
            recent=RECENT_ORIGINS,
        )
        for row in group.itertuples():
            low, high = cal.interval(int(row.step), level)
            if np.isnan(low):
                continue
            checked += 1
            hits += int(low <= row.error <= high)
    return (hits / checked if checked else float("nan")), checked
