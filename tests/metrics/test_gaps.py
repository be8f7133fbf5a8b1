"""Gaps and distance-to-frontier scores: hand cases and direction symmetry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bxgc_metrics.metrics.gaps import GAP_COLUMNS, distance_to_frontier, gap_table


@pytest.mark.parametrize(
    ("chaser", "benchmark", "higher", "expected"),
    [
        # plan four 2010: 2.9 - 2.0 = 0.9 behind, 0.9 / 2.9 = 31.03 %, 2.0 / 2.9 = 0.6897
        (2.0, 2.9, True, [0.9, 0.310345, 0.689655, 0.689655]),
        # plan four 2012 as planned: 5.2 against 4.2, one ahead
        (5.2, 4.2, True, [-1.0, -0.238095, 1.238095, 1.238095]),
        # energy use 0.6 against a benchmark 0.5, lower is better: 0.1 behind
        (0.6, 0.5, False, [0.1, 0.2, 1.2, 0.833333]),
        (1.0, 0.0, True, [-1.0, np.nan, np.nan, np.nan]),
    ],
)
def test_gap_table_hand_cases(
    chaser: float, benchmark: float, higher: bool, expected: list[float]
) -> None:
    frame = pd.DataFrame({"chaser": [chaser], "benchmark": [benchmark]})
    out = gap_table(frame, higher_is_better=higher)
    np.testing.assert_allclose(out[GAP_COLUMNS].to_numpy()[0], expected, atol=1e-6)


def test_gap_table_per_row_direction_custom_columns_and_no_mutation() -> None:
    frame = pd.DataFrame({"ours": [2.0, 0.6], "best": [2.9, 0.5], "indicator": ["rev", "energy"]})
    before = frame.copy()
    out = gap_table(frame, chaser="ours", benchmark="best", higher_is_better=[True, False])
    np.testing.assert_allclose(out["gap"], [0.9, 0.1])
    assert out["indicator"].tolist() == ["rev", "energy"]
    pd.testing.assert_frame_equal(frame, before)


def test_distance_to_frontier_with_given_bounds_clips() -> None:
    m = pd.DataFrame({"revenue": [1.0, 2.0, 6.0], "days": [30.0, 10.0, 50.0]})
    out = distance_to_frontier(
        m,
        {"days": False},
        frontier={"revenue": 5.0, "days": 5.0},
        worst={"revenue": 0.0, "days": 45.0},
    )
    # revenue: 100 * y / 5, clipped; days: 100 * (45 - y) / 40, clipped
    np.testing.assert_allclose(out["revenue"], [20.0, 40.0, 100.0])
    np.testing.assert_allclose(out["days"], [37.5, 87.5, 0.0])


def test_distance_to_frontier_constant_column_scores_100_and_nan_stays_nan() -> None:
    m = pd.DataFrame({"flat": [3.0, 3.0, 3.0], "x": [1.0, np.nan, 3.0]})
    out = distance_to_frontier(m)
    assert out["flat"].tolist() == [100.0] * 3
    assert out["x"].tolist()[0] == 0.0 and np.isnan(out["x"].tolist()[1])


matrices = hnp.arrays(
    float, st.tuples(st.integers(2, 20), st.integers(1, 5)), elements=st.floats(-1e6, 1e6)
)


@given(matrices)
def test_scores_are_within_0_100_with_best_100_and_worst_0(values: np.ndarray) -> None:
    m = pd.DataFrame(values)
    out = distance_to_frontier(m).to_numpy()
    assert ((out >= 0) & (out <= 100)).all()
    varying = values.max(axis=0) > values.min(axis=0)
    np.testing.assert_allclose(out[values.argmax(axis=0), range(m.shape[1])], 100.0)
    worst = out[values.argmin(axis=0), range(m.shape[1])]
    np.testing.assert_allclose(worst[varying], 0.0)


@given(matrices)
def test_negating_an_indicator_and_flipping_its_direction_changes_nothing(
    values: np.ndarray,
) -> None:
    m = pd.DataFrame(values, columns=[f"i{j}" for j in range(values.shape[1])])
    flipped = distance_to_frontier(-m, dict.fromkeys(m.columns, False))
    np.testing.assert_allclose(flipped.to_numpy(), distance_to_frontier(m).to_numpy(), atol=1e-9)
