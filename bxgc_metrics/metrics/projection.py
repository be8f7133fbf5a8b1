"""Projections of one indicator series: planned rates, the last value carried forward,
historic CAGR, trends and ETS.

A leader's chart shows history plus a few honest futures side by side, so every model
goes through one function, :func:`project`, and returns the same
:class:`Projection` shape. A model that has too few points says so in ``status`` and
returns an empty frame rather than a wild curve.

Period convention: series are indexed by integer periods (years, as a rule); the next
period after the last observation ``p`` is ``p + 1``. NaN observations are dropped.
statsmodels is imported lazily inside the ETS path so that importing the package stays
fast.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:  # statsmodels is slow to import; load it only when ETS is used
    from statsmodels.tsa.exponential_smoothing.ets import ETSResults

MODELS = ("plan", "naive", "cagr", "linear", "loglinear", "ets")
"""Model names accepted by :func:`project`."""
MIN_POINTS = {"plan": 1, "naive": 1, "cagr": 2, "linear": 3, "loglinear": 3, "ets": 4}
"""Fewest observations each model needs; fewer gives status ``too_short``."""
STATUS_OK = "ok"
"""The projection was made."""
STATUS_TOO_SHORT = "too_short"
"""Fewer observations than :data:`MIN_POINTS` requires."""
STATUS_NON_POSITIVE = "non_positive"
"""``cagr`` and ``loglinear`` work on logarithms and need positive values."""
STATUS_IRREGULAR = "irregular"
"""``ets`` needs consecutive periods (no gaps)."""
COLUMNS = ["period", "value", "lower", "upper", "sd", "model"]
"""Columns of :attr:`Projection.frame`."""


@dataclass(frozen=True, eq=False)
class Projection:
    """A projection of one series by one model."""

    frame: pd.DataFrame
    """Columns :data:`COLUMNS`: future ``period`` (int), point ``value``, prediction
    interval ``lower``/``upper`` and the predictive standard deviation ``sd`` behind it
    (in logs for ``loglinear``; all three NaN for ``plan``, ``naive`` and ``cagr``, which
    carry no error model) and ``model``. Empty unless ``status`` is ``ok``."""
    status: str
    """``ok``, ``too_short``, ``non_positive`` or ``irregular``."""
    model: str
    """The model name."""
    df: float = float("nan")
    """Degrees of freedom of the predictive distribution: Student's t with ``n - 2`` for
    the trends, ``inf`` (normal) for ETS, NaN without an error model. The interval is
    ``value ± t(df) quantile × sd`` (in logs for ``loglinear``)."""


def _clean(series: pd.Series, window: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Periods and values, NaN dropped, sorted, limited to the last ``window`` points."""
    s = series.dropna().sort_index()
    if window is not None:
        s = s.iloc[-window:]
    return s.index.to_numpy(dtype=np.int64), s.to_numpy(dtype=float)


def model_status(model: str, periods: np.ndarray, values: np.ndarray) -> str:
    """Why a model cannot project these observations, or ``ok``."""
    if len(values) < MIN_POINTS[model]:
        return STATUS_TOO_SHORT
    if model in ("cagr", "loglinear") and (values <= 0).any():
        return STATUS_NON_POSITIVE
    if model == "ets" and (np.diff(periods) != 1).any():
        return STATUS_IRREGULAR
    return STATUS_OK


def _plan(
    values: np.ndarray, horizon: int, rates: npt.ArrayLike | None, *, additive: bool = False
) -> np.ndarray:
    """Last value compounded by the given rates (a constant or one per period), or with
    ``additive`` the rates added as the same change in the values' units."""
    if rates is None:
        raise ValueError("model 'plan' needs rates: a constant or one rate per period")
    r = np.broadcast_to(np.asarray(rates, dtype=float), (horizon,))
    return values[-1] + np.cumsum(r) if additive else values[-1] * np.cumprod(1 + r)


def _cagr(periods: np.ndarray, values: np.ndarray, horizon: int) -> np.ndarray:
    """Last value compounded at the CAGR between the first and last observation."""
    g = (values[-1] / values[0]) ** (1 / (periods[-1] - periods[0])) - 1
    return values[-1] * (1 + g) ** np.arange(1, horizon + 1)


def _trend(
    periods: np.ndarray, y: np.ndarray, future: np.ndarray, *, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares line with a t-based prediction interval at ``future`` periods, and
    the predictive standard deviation behind it."""
    from scipy import stats

    x = periods - periods.mean()
    xf = future - periods.mean()
    slope, intercept = np.polyfit(x, y, 1)
    n = len(y)
    resid = y - (intercept + slope * x)
    se = np.sqrt(resid @ resid / (n - 2))
    spread = se * np.sqrt(1 + 1 / n + xf**2 / (x @ x))
    half = stats.t.ppf((1 + level) / 2, n - 2) * spread
    mean = intercept + slope * xf
    return mean, mean - half, mean + half, spread


def _fit_ets(values: np.ndarray) -> ETSResults:
    """Holt's damped additive trend (ETS A,Ad,N), warnings silenced for this fit only."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(pd.Series(values), error="add", trend="add", damped_trend=True)
        return model.fit(disp=False)


def _ets(
    values: np.ndarray, horizon: int, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ETS point forecast, prediction interval and forecast standard deviation."""
    fit = _fit_ets(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = fit.get_prediction(start=len(values), end=len(values) + horizon - 1)
        frame = pred.summary_frame(alpha=1 - level)
        sd = np.sqrt(np.asarray(pred.forecast_variance, dtype=float))
    mean = frame["mean"].to_numpy()
    return mean, frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy(), sd


def forecast_arrays(
    model: str,
    periods: np.ndarray,
    values: np.ndarray,
    *,
    horizon: int,
    rates: npt.ArrayLike | None,
    level: float,
    additive: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One model's forecast ``horizon`` steps past sorted, clean ``periods`` and
    ``values`` (their :func:`model_status` ``ok``): value, lower, upper and sd arrays."""
    future = periods[-1] + np.arange(1, horizon + 1)
    none = np.full(horizon, np.nan)
    if model == "plan":
        return _plan(values, horizon, rates, additive=additive), none, none, none
    if model == "naive":
        return np.full(horizon, values[-1]), none, none, none
    if model == "cagr":
        return _cagr(periods, values, horizon), none, none, none
    if model == "linear":
        return _trend(periods, values, future, level=level)
    if model == "loglinear":
        mean, lower, upper, sd = _trend(periods, np.log(values), future, level=level)
        return np.exp(mean), np.exp(lower), np.exp(upper), sd
    return _ets(values, horizon, level)


def _df(model: str, n: int) -> float:
    """Degrees of freedom of a model's predictive distribution (see :class:`Projection`)."""
    if model in ("linear", "loglinear"):
        return float(n - 2)
    return float("inf") if model == "ets" else float("nan")


def project(
    series: pd.Series,
    horizon: int,
    model: str,
    *,
    rates: npt.ArrayLike | None = None,
    window: int | None = None,
    level: float = 0.8,
    additive: bool = False,
) -> Projection:
    """Project a series ``horizon`` periods past its last observation with one model.

    Models: ``plan`` compounds the last value by ``rates`` (or, ``additive``, adds
    them); ``naive`` carries it forward unchanged (the baseline every model must beat);
    ``cagr`` compounds it at the historic compound annual growth rate between the
    first and last observation used;
    ``linear`` and ``loglinear`` fit a least-squares trend to the values or their logs,
    with prediction intervals from the residual standard error (t distribution);
    ``ets`` fits Holt's damped additive trend (statsmodels ``ETSModel``) with its
    prediction interval. Minimum observations: :data:`MIN_POINTS`.

    Parameters
    ----------
    series
        Observations indexed by integer periods.
    horizon
        Number of future periods (>= 1).
    model
        One of :data:`MODELS`.
    rates
        ``plan`` only: a constant growth rate (fraction) or one rate per future period.
    additive
        ``plan`` only: the rates are changes in the series' units (points a year for a
        growth rate), added rather than compounded.
    window
        Use only the last ``window`` observations (default: all).
    level
        Coverage of the prediction interval, e.g. 0.8 for an 80 % interval.

    Returns
    -------
    Projection
        ``frame`` with :data:`COLUMNS` and a ``status``.

    Examples
    --------
    Plan four's own rates from the 2010 actual, 2.0 growing 60 %:

    >>> frame = project(pd.Series({2010: 2.0}), 2, "plan", rates=0.6).frame
    >>> frame["period"].tolist(), frame["value"].round(2).tolist()
    ([2011, 2012], [3.2, 5.12])

    Two years of history give a CAGR (2.0 to 3.2 is +60 %) but no trend:

    >>> history = pd.Series({2010: 2.0, 2011: 3.2})
    >>> round(project(history, 1, "cagr").frame["value"].item(), 2)
    5.12
    >>> project(history, 1, "linear").status
    'too_short'
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose from {MODELS}")
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    periods, values = _clean(series, window)
    status = model_status(model, periods, values)
    if status != STATUS_OK:
        return Projection(frame=_empty(), status=status, model=model)
    value, lower, upper, sd = forecast_arrays(
        model, periods, values, horizon=horizon, rates=rates, level=level, additive=additive
    )
    future = periods[-1] + np.arange(1, horizon + 1)
    frame = pd.DataFrame(
        {"period": future, "value": value, "lower": lower, "upper": upper, "sd": sd}
    ).assign(model=model)
    return Projection(frame=frame, status=STATUS_OK, model=model, df=_df(model, len(values)))


def _empty() -> pd.DataFrame:
    """An empty projection frame with the documented columns and dtypes."""
    return pd.DataFrame(
        {
            "period": pd.Series(dtype=np.int64),
            "value": pd.Series(dtype=float),
            "lower": pd.Series(dtype=float),
            "upper": pd.Series(dtype=float),
            "sd": pd.Series(dtype=float),
            "model": pd.Series(dtype="str"),
        }
    )


def simulate(
    series: pd.Series,
    horizon: int,
    n_paths: int,
    *,
    seed: int = 0,
    window: int | None = None,
) -> pd.DataFrame | None:
    """Draw future paths from the ETS model of :func:`project` (same fit), seeded.

    Parameters
    ----------
    series
        Observations indexed by integer periods (consecutive, at least 4).
    horizon
        Number of future periods.
    n_paths
        Number of simulated paths.
    seed
        Seed of the random generator; the same seed gives the same paths.
    window
        Use only the last ``window`` observations.

    Returns
    -------
    pandas.DataFrame or None
        Index: future periods; columns ``0 .. n_paths-1``, one per path. None when the
        ETS model cannot be fitted (the reason is ``project(series, 1, "ets").status``).

    Examples
    --------
    >>> history = pd.Series([10.0, 11.0, 12.5, 13.1, 14.6], index=range(2016, 2021))
    >>> paths = simulate(history, horizon=2, n_paths=3, seed=1)
    >>> paths.shape, paths.index.tolist()
    ((2, 3), [2021, 2022])
    >>> paths.equals(simulate(history, horizon=2, n_paths=3, seed=1))
    True
    >>> simulate(history.iloc[:3], horizon=2, n_paths=3) is None
    True
    """
    periods, values = _clean(series, window)
    if model_status("ets", periods, values) != STATUS_OK:
        return None
    fit = _fit_ets(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sims = fit.simulate(
            horizon, anchor="end", repetitions=n_paths, rng=np.random.default_rng(seed)
        )
    array = np.asarray(sims, dtype=float).reshape(horizon, n_paths)
    return pd.DataFrame(array, index=pd.Index(periods[-1] + np.arange(1, horizon + 1)))
