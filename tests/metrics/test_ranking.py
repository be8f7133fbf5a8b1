"""Rankings, rank moves and composite indices: hand cases and invariances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bxgc_metrics.metrics.ranking import (
    composite,
    entropy_weights,
    normalise,
    rank_change,
    rank_sensitivity,
    rank_units,
)

LONG = pd.DataFrame(
    {
        "unit": ["A", "B", "C", "A", "B", "C"],
        "indicator": ["revenue"] * 3 + ["energy"] * 3,
        "value": [5.0, 7.0, 5.0, 0.4, 0.6, 0.5],
        "growth": [0.10, 0.05, 0.20, np.nan, 0.0, 0.0],
    }
)


def test_rank_units_per_indicator_and_direction() -> None:
    out = rank_units(LONG, higher_is_better={"energy": False})
    assert out["rank"].tolist() == [2, 1, 2, 1, 3, 2]
    assert str(out["rank"].dtype) == "Int64"


def test_rank_by_growth_leaves_missing_values_unranked() -> None:
    out = rank_units(LONG, by="growth")
    assert out["rank"].tolist()[:3] == [2, 3, 1]
    assert out["rank"].isna().tolist()[3] and out["rank"].tolist()[4:] == [1, 1]


def test_rank_units_direction_column_and_no_grouping() -> None:
    frame = LONG.assign(higher=LONG["indicator"].eq("revenue"))
    assert rank_units(frame, higher_is_better="higher")["rank"].tolist() == [2, 1, 2, 1, 3, 2]
    assert rank_units(LONG.iloc[:3], within=())["rank"].tolist() == [2, 1, 2]


def test_rank_change_counts_places_gained() -> None:
    before = pd.DataFrame({"unit": ["A", "B", "C"], "rank": [5, 1, 3]})
    after = pd.DataFrame({"unit": ["C", "A", "B", "D"], "rank": [1, 2, 3, 4]})
    out = rank_change(before, after)
    assert out["unit"].tolist() == ["C", "A", "B", "D"]
    assert out["change"].tolist()[:3] == [2, 3, -2]
    assert out["change"].isna().tolist()[3]


MATRIX = pd.DataFrame(
    {"revenue": [1.0, 2.0, 3.0], "energy": [0.5, 0.6, 0.9]},
    index=pd.Index(list("ABC"), name="unit"),
)


def test_minmax_weighted_sum_by_hand() -> None:
    result = composite(MATRIX, {"energy": False})
    # A: (0 + 1) / 2, B: (0.5 + 0.75) / 2, C: (1 + 0) / 2
    np.testing.assert_allclose(result.scores["score"], [0.5, 0.625, 0.5])
    assert result.scores["rank"].tolist() == [2, 1, 2]
    assert result.weights.tolist() == [0.5, 0.5]
    assert result.scores.index.equals(MATRIX.index)


def test_fixed_weights_are_rescaled_and_validated() -> None:
    result = composite(MATRIX, {"energy": False}, weights={"revenue": 3, "energy": 1})
    np.testing.assert_allclose(result.weights, [0.75, 0.25])
    np.testing.assert_allclose(result.scores["score"], [0.25, 0.5625, 0.75])
    with pytest.raises(ValueError):
        composite(MATRIX, weights={"revenue": 1})
    with pytest.raises(ValueError):
        composite(MATRIX, weights={"revenue": 1, "energy": -1})


def test_entropy_weights_by_hand() -> None:
    # normalised x = (0, .5, 1) -> p = (0, 1/3, 2/3), e = 0.579380, d = 0.420620
    # normalised y = (0, 1, 1) -> p = (0, 1/2, 1/2), e = ln 2 / ln 3 = 0.630930, d = 0.369070
    m = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 2.0]})
    np.testing.assert_allclose(entropy_weights(m), [0.532639, 0.467361], atol=1e-6)


def test_topsis_by_hand() -> None:
    # v = x / 2; ideal (.5, .5), anti-ideal (0, 0): A and B equidistant, C is the ideal
    m = pd.DataFrame({"a": [1.0, 0.0, 1.0], "b": [0.0, 1.0, 1.0]}, index=list("ABC"))
    result = composite(m, aggregation="topsis")
    np.testing.assert_allclose(result.scores["score"], [0.5, 0.5, 1.0])
    assert result.scores["rank"].tolist() == [2, 2, 1]


def test_zscore_and_frontier_normalisations() -> None:
    z = normalise(MATRIX, {"energy": False}, "zscore")
    np.testing.assert_allclose(z["revenue"], [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(z.std(ddof=1), [1.0, 1.0])
    frontier = normalise(MATRIX, {"energy": False}, "frontier")
    np.testing.assert_allclose(frontier["energy"], [100.0, 75.0, 0.0])


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        composite(MATRIX.assign(revenue=[1.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise(MATRIX, method="rank")
    with pytest.raises(ValueError, match="unknown aggregation"):
        composite(MATRIX, aggregation="geometric")
    with pytest.raises(ValueError, match="unknown weights"):
        composite(MATRIX, weights="pca")


def test_sensitivity_reports_rank_moves() -> None:
    scenarios = {
        "same": {},
        "revenue_only": {"weights": {"revenue": 1, "energy": 0}},
        "energy_only": {"weights": {"revenue": 0, "energy": 1}},
    }
    s = rank_sensitivity(MATRIX, {"energy": False}, scenarios)
    assert s.ranks.columns.tolist() == ["base", "same", "revenue_only", "energy_only"]
    assert s.ranks["revenue_only"].tolist() == [3, 2, 1]
    assert s.ranks["energy_only"].tolist() == [1, 2, 3]
    assert s.summary.loc["same", "spearman"] == pytest.approx(1.0)
    assert s.summary.loc["same", "max_abs_shift"] == 0
    # base ranks (2, 1, 2) have mid-ranks (2.5, 1, 2.5), centred (.5, -1, .5); against
    # (3, 2, 1), centred (1, 0, -1), the cross product .5 + 0 - .5 is 0: no correlation
    assert s.summary.loc["revenue_only", "spearman"] == pytest.approx(0.0)
    assert s.summary.loc["revenue_only", "max_abs_shift"] == 1
    assert s.summary.loc["revenue_only", "mean_abs_shift"] == pytest.approx(1.0)
    assert s.unit_max_shift.tolist() == [1, 1, 1]


def test_thousand_units_fifty_indicators_in_one_call() -> None:
    rng = np.random.default_rng(0)
    m = pd.DataFrame(rng.lognormal(size=(1000, 50)), columns=[f"i{j}" for j in range(50)])
    directions = {f"i{j}": j % 3 != 0 for j in range(50)}
    for kwargs in ({"weights": "entropy"}, {"aggregation": "topsis", "normalisation": "zscore"}):
        result = composite(m, directions, **kwargs)
        assert result.scores.shape == (1000, 2) and result.normalised.shape == (1000, 50)
        assert result.scores["rank"].min() == 1
        assert result.weights.sum() == pytest.approx(1.0)


# thousandths keep the data realistic: subnormal floats would underflow to 0 when scaled
matrices = hnp.arrays(
    float,
    st.tuples(st.integers(2, 25), st.integers(1, 6)),
    elements=st.integers(-(10**6), 10**6).map(lambda i: i / 1000),
)


def frame_of(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(values, columns=[f"i{j}" for j in range(values.shape[1])])


@given(matrices, st.floats(0.01, 100), st.data())
def test_minmax_ranks_survive_positive_scaling_of_one_indicator(
    values: np.ndarray, factor: float, data: st.DataObject
) -> None:
    m = frame_of(values)
    column = data.draw(st.sampled_from(list(m.columns)))
    directions = {c: data.draw(st.booleans()) for c in m.columns}
    base = composite(m, directions).scores
    scaled = composite(m.assign(**{column: m[column] * factor}), directions).scores
    np.testing.assert_allclose(scaled["score"], base["score"], atol=1e-9)
    if (np.diff(np.sort(base["score"])) > 1e-9).all():  # no near-ties that rounding may flip
        assert scaled["rank"].tolist() == base["rank"].tolist()


@given(matrices)
def test_entropy_weights_are_non_negative_and_sum_to_one(values: np.ndarray) -> None:
    w = entropy_weights(frame_of(values))
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0)


@given(
    matrices,
    st.sampled_from(["minmax", "zscore", "frontier"]),
    st.sampled_from(["equal", "entropy"]),
)
def test_topsis_scores_lie_in_unit_interval(
    values: np.ndarray, normalisation: str, weights: str
) -> None:
    scores = composite(
        frame_of(values), normalisation=normalisation, weights=weights, aggregation="topsis"
    ).scores["score"]
    assert ((scores >= 0) & (scores <= 1 + 1e-12)).all()


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.booleans())
def test_ties_share_the_better_place(values: list[int], higher: bool) -> None:
    frame = pd.DataFrame({"unit": range(len(values)), "indicator": "x", "value": values})
    ranks = rank_units(frame, higher_is_better=higher)["rank"].to_numpy()
    v = np.array(values)
    better = (v[None, :] > v[:, None]) if higher else (v[None, :] < v[:, None])
    np.testing.assert_array_equal(ranks, 1 + better.sum(axis=1))
