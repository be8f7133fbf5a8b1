"""Completion rates, time progress and 时间过半、任务过半 pace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.targets import (
    PACE_AHEAD,
    PACE_BEHIND,
    PACE_COLUMNS,
    PACE_ON,
    PACE_UNKNOWN,
    completion_rate,
    pace,
    time_progress,
    time_progress_on,
)


@pytest.mark.parametrize(
    ("actual", "target", "higher", "expected"),
    [
        (27.0, 50.0, True, 0.54),
        (60.0, 50.0, True, 1.2),
        (0.5, 0.4, False, 0.8),  # energy use 0.5 against a ceiling of 0.4
        (0.32, 0.4, False, 1.25),
        (5.0, 0.0, True, np.nan),
    ],
)
def test_completion_rate(actual: float, target: float, higher: bool, expected: float) -> None:
    np.testing.assert_allclose(completion_rate(actual, target, higher), expected)


@pytest.mark.parametrize(
    ("sub", "per_year", "expected"),
    [(6, 12, 0.5), (1, 12, 1 / 12), (3, 4, 0.75), (1, 2, 0.5), (0, 1, 1.0), (12, 12, 1.0)],
)
def test_time_progress_by_period(sub: int, per_year: int, expected: float) -> None:
    assert time_progress(sub, per_year) == pytest.approx(expected)


def test_time_progress_by_date() -> None:
    assert time_progress_on("2023-06-30") == pytest.approx(181 / 365)
    np.testing.assert_allclose(time_progress_on(["2024-06-30", "2024-12-31"]), [182 / 366, 1.0])


UNITS = pd.DataFrame(
    {
        "unit": ["A", "B", "C", "D", "E"],
        "actual": [27.0, 24.8, 25.5, 20.0, np.nan],
        "target": [50.0, 50.0, 50.0, 50.0, 50.0],
    }
)


def test_pace_at_the_end_of_june() -> None:
    out = pace(UNITS, time_progress(6))
    assert list(out.columns) == [*UNITS.columns, *PACE_COLUMNS]
    np.testing.assert_allclose(out["gap_pp"], [4.0, -0.4, 1.0, -10.0, np.nan], atol=1e-9)
    assert out["status"].tolist() == [PACE_AHEAD, PACE_ON, PACE_ON, PACE_BEHIND, PACE_UNKNOWN]


def test_pace_lower_is_better_ceiling_and_tolerance() -> None:
    cap = pd.DataFrame({"actual": [40.0, 60.0], "target": [100.0, 100.0]})
    out = pace(cap, 0.5, higher_is_better=False)
    np.testing.assert_allclose(out["gap_pp"], [10.0, -10.0])
    assert out["status"].tolist() == [PACE_AHEAD, PACE_BEHIND]
    assert pace(cap, 0.5, higher_is_better=False, tolerance_pp=15)["status"].eq(PACE_ON).all()


def test_pace_does_not_mutate_input() -> None:
    before = UNITS.copy()
    pace(UNITS, [0.5] * 5)
    pd.testing.assert_frame_equal(UNITS, before)


@given(
    actual=st.floats(0, 1e6),
    target=st.floats(0.01, 1e6),
    progress=st.floats(0, 1),
    tol=st.floats(0, 5),
)
def test_status_agrees_with_gap(actual: float, target: float, progress: float, tol: float) -> None:
    row = pace(pd.DataFrame({"actual": [actual], "target": [target]}), progress, tolerance_pp=tol)
    gap, status = row["gap_pp"].item(), row["status"].item()
    assert gap == pytest.approx((actual / target - progress) * 100)
    if status == PACE_AHEAD:
        assert gap > tol
    elif status == PACE_BEHIND:
        assert gap < -tol
    else:
        assert status == PACE_ON and abs(gap) <= tol + 1e-6
