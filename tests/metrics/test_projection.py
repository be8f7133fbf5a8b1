"""Projections: each model by hand where possible, honest statuses, seeded simulation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.projection import COLUMNS, MIN_POINTS, MODELS, project, simulate

HISTORY = pd.Series(
    [10.0, 11.2, 12.1, 13.9, 15.0, 16.8, 18.1, 20.2], index=pd.RangeIndex(2015, 2023)
)


@pytest.mark.parametrize("rates", [0.6, [0.6, 0.6]])
def test_plan_compounds_plan_four(rates: float | list[float]) -> None:
    result = project(pd.Series({2010: 2.0}), 2, "plan", rates=rates)
    assert result.status == "ok"
    assert list(result.frame.columns) == COLUMNS
    assert result.frame["period"].tolist() == [2011, 2012]
    np.testing.assert_allclose(result.frame["value"], [3.2, 5.12])
    assert result.frame[["lower", "upper"]].isna().all().all()


def test_plan_with_per_period_rates_and_bad_rates() -> None:
    frame = project(pd.Series({2010: 2.9}), 2, "plan", rates=[0.16, 0.15]).frame
    np.testing.assert_allclose(frame["value"], [3.364, 3.8686])  # 2.9*1.16, *1.15
    with pytest.raises(ValueError):
        project(pd.Series({2010: 2.9}), 3, "plan", rates=[0.16, 0.15])
    with pytest.raises(ValueError, match="needs rates"):
        project(pd.Series({2010: 2.9}), 1, "plan")


def test_plan_in_points_adds_the_same_change_each_year() -> None:
    """A growth rate of 3.5 % rising 0.5 points a year, then per-year steps; a loss
    narrowing through zero."""
    frame = project(pd.Series({2020: 3.5}), 3, "plan", rates=0.5, additive=True).frame
    np.testing.assert_allclose(frame["value"], [4.0, 4.5, 5.0])
    steps = project(pd.Series({2020: -1.0}), 2, "plan", rates=[0.6, 0.8], additive=True)
    np.testing.assert_allclose(steps.frame["value"], [-0.4, 0.4])
    assert steps.status == "ok"


def test_cagr_uses_the_window() -> None:
    history = pd.Series({2008: 1.0, 2010: 2.0, 2012: 5.12})
    # window 2: 2010-2012 is 60 % a year -> 5.12 * 1.6
    assert project(history, 1, "cagr", window=2).frame["value"].item() == pytest.approx(8.192)
    # whole history: (5.12 / 1) ** (1/4) - 1
    expected = 5.12 * 5.12**0.25
    assert project(history, 1, "cagr").frame["value"].item() == pytest.approx(expected)


def test_linear_trend_and_interval_by_hand() -> None:
    # y = 1, 2, 4 at x = 0, 1, 2: slope 1.5, fit at x=3 is 7/3 + 1.5 * 2 = 5.3333;
    # residual se = sqrt(1/6) = 0.40825; spread = se * sqrt(1 + 1/3 + 4/2) = 0.74536;
    # t(0.9, 1 df) = 3.0777 -> half-width 2.2940
    row = project(pd.Series([1.0, 2.0, 4.0], index=[0, 1, 2]), 1, "linear").frame.iloc[0]
    assert row["value"] == pytest.approx(5.33333, abs=1e-5)
    assert row["upper"] - row["value"] == pytest.approx(2.2940, abs=1e-4)
    assert row["value"] - row["lower"] == pytest.approx(2.2940, abs=1e-4)


def test_loglinear_follows_doubling() -> None:
    frame = project(pd.Series([1.0, 2.0, 4.0, 8.0], index=range(2020, 2024)), 2, "loglinear").frame
    np.testing.assert_allclose(frame["value"], [16.0, 32.0])
    np.testing.assert_allclose(frame["lower"], [16.0, 32.0])  # perfect fit, no spread


@pytest.mark.parametrize("model", ["cagr", "linear", "loglinear", "ets"])
def test_too_short_is_honest(model: str) -> None:
    short = HISTORY.iloc[: MIN_POINTS[model] - 1]
    result = project(short, 3, model)
    assert result.status == "too_short"
    assert result.frame.empty and list(result.frame.columns) == COLUMNS
    assert project(HISTORY.iloc[: MIN_POINTS[model]], 3, model).status == "ok"


def test_other_statuses_and_errors() -> None:
    assert project(pd.Series([1.0, -1.0, 2.0]), 1, "loglinear").status == "non_positive"
    assert project(pd.Series([0.0, 1.0]), 1, "cagr").status == "non_positive"
    gappy = HISTORY.drop(2018)
    assert project(gappy, 2, "ets").status == "irregular"
    assert project(gappy, 2, "linear").status == "ok"
    with pytest.raises(ValueError, match="unknown model"):
        project(HISTORY, 1, "arima")
    with pytest.raises(ValueError, match="horizon"):
        project(HISTORY, 0, "linear")


@pytest.mark.parametrize("model", ["cagr", "linear", "loglinear", "ets"])
def test_every_model_projects_history_with_ordered_intervals(model: str) -> None:
    result = project(HISTORY, 5, model, level=0.9)
    frame = result.frame
    assert frame["period"].tolist() == list(range(2023, 2028))
    assert (frame["model"] == model).all()
    assert frame["value"].between(20, 60).all()  # a plausible continuation, not a wild curve
    bands = frame.dropna(subset=["lower"])
    assert (bands["lower"] <= bands["value"]).all() and (bands["value"] <= bands["upper"]).all()


def test_ets_warnings_do_not_leak_and_input_is_untouched() -> None:
    before = HISTORY.copy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        project(HISTORY.iloc[:4], 3, "ets")
        simulate(HISTORY.iloc[:4], 3, 10)
    assert not [w for w in caught if "statsmodels" in str(w.filename)]
    pd.testing.assert_series_equal(HISTORY, before)


def test_simulate_is_seeded_and_shaped() -> None:
    paths = simulate(HISTORY, 3, 200, seed=42)
    assert paths.shape == (3, 200)
    assert paths.index.tolist() == [2023, 2024, 2025]
    pd.testing.assert_frame_equal(paths, simulate(HISTORY, 3, 200, seed=42))
    assert not paths.equals(simulate(HISTORY, 3, 200, seed=43))
    centre = project(HISTORY, 3, "ets").frame["value"].to_numpy()
    np.testing.assert_allclose(paths.mean(axis=1), centre, rtol=0.05)
    assert simulate(HISTORY.iloc[:3], 3, 10) is None


@given(
    slope=st.floats(-100, 100),
    intercept=st.floats(-1e3, 1e3),
    n=st.integers(3, 15),
    horizon=st.integers(1, 5),
)
def test_linear_extends_an_exact_line(slope: float, intercept: float, n: int, horizon: int) -> None:
    periods = np.arange(2000, 2000 + n)
    line = pd.Series(intercept + slope * (periods - 2000), index=periods)
    frame = project(line, horizon, "linear").frame
    future = np.arange(n, n + horizon)
    np.testing.assert_allclose(frame["value"], intercept + slope * future, rtol=1e-6, atol=1e-6)


@given(st.sampled_from(MODELS), st.integers(1, 6))
def test_frame_shape_is_fixed(model: str, horizon: int) -> None:
    result = project(HISTORY, horizon, model, rates=0.05)
    assert result.model == model and result.status == "ok"
    assert list(result.frame.columns) == COLUMNS and len(result.frame) == horizon
