"""Growth rates and year-to-date arithmetic on long frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.growth import (
    annualise,
    annualise_seasonal,
    average_change,
    cagr,
    pop,
    single_to_ytd,
    yoy,
    ytd_to_single,
)


def monthly(values: list[float], year: int = 2024, unit: str = "A") -> pd.DataFrame:
    """A unit's months 1..n of one year."""
    n = len(values)
    return pd.DataFrame({"unit": unit, "year": year, "sub": range(1, n + 1), "value": values})


def test_yoy_matches_same_month_last_year_per_unit() -> None:
    frame = pd.concat(
        [
            monthly([10.0, 20.0], 2023, "A"),
            monthly([12.0, 15.0], 2024, "A"),
            monthly([5.0], 2024, "B"),  # no 2023 data for B
        ],
        ignore_index=True,
    )
    out = yoy(frame, keys=["unit"])
    np.testing.assert_allclose(out, [np.nan, np.nan, 0.2, -0.25, np.nan])
    assert out.name == "yoy" and out.index.equals(frame.index)


@pytest.mark.filterwarnings("error")  # no overflow warning either
def test_a_rate_too_large_for_a_float_has_no_meaningful_value() -> None:
    """A base of 1e-320 (positive, but denormal) against 1 gives no finite rate: NaN, as for
    a base of 0, never ``inf`` (which a page would print as +inf%)."""
    years = pd.DataFrame({"year": [2023, 2024, 2025], "sub": 0, "value": [1e-320, 1.0, 1.5]})
    np.testing.assert_allclose(yoy(years), [np.nan, np.nan, 0.5])
    np.testing.assert_allclose(pop(years, per_year=1), [np.nan, np.nan, 0.5])


def test_plan_four_yearly_growth_and_cagr() -> None:
    years = pd.DataFrame({"year": [2010, 2011, 2012], "sub": 0, "value": [2.0, 3.2, 5.12]})
    np.testing.assert_allclose(yoy(years), [np.nan, 0.6, 0.6])
    np.testing.assert_allclose(pop(years, per_year=1), [np.nan, 0.6, 0.6])
    assert cagr(2.0, 5.12, 2) == pytest.approx(0.6)
    assert cagr(2.9, 4.2, 2) == pytest.approx(0.203443, abs=1e-6)  # sqrt(4.2 / 2.9) - 1
    assert np.isnan(cagr([0.0, 1.0], [1.0, -1.0], 2)).all()


def test_pop_crosses_the_year_boundary_and_skips_gaps() -> None:
    frame = pd.DataFrame(
        {"year": [2023, 2024, 2024, 2024], "sub": [4, 1, 2, 4], "value": [8.0, 10.0, 12.0, 9.0]}
    )
    np.testing.assert_allclose(pop(frame, per_year=4), [np.nan, 0.25, 0.2, np.nan])


def test_ytd_to_single_chinese_example() -> None:
    # 1-5月累计 40, 1-6月累计 52: June alone is 12; January is its own cumulative
    frame = monthly([6.0, 13.0, 21.0, 30.0, 40.0, 52.0])
    np.testing.assert_allclose(ytd_to_single(frame), [6.0, 7.0, 8.0, 9.0, 10.0, 12.0])


def test_ytd_to_single_needs_the_previous_month_and_resets_each_year() -> None:
    frame = pd.DataFrame(
        {"year": [2023, 2024, 2024, 2024], "sub": [12, 2, 3, 1], "value": [99.0, 25.0, 45.0, 10.0]}
    )
    # rows are deliberately unsorted; 2023-12 has no November
    np.testing.assert_allclose(ytd_to_single(frame), [np.nan, 15.0, 20.0, 10.0])


def test_single_to_ytd_marks_incomplete_totals() -> None:
    frame = pd.DataFrame({"year": 2024, "sub": [1, 2, 3, 4], "value": [1.0, np.nan, 3.0, 4.0]})
    out = single_to_ytd(frame)
    assert out.tolist()[0] == 1.0 and np.isnan(out.tolist()[1:]).all()


@pytest.mark.parametrize(
    ("ytd", "months", "expected"), [(30.0, 6, 60.0), (11.0, 11, 12.0), (5.0, 0, np.nan)]
)
def test_annualise(ytd: float, months: int, expected: float) -> None:
    np.testing.assert_allclose(annualise(ytd, months), expected)


def test_annualise_seasonal() -> None:
    # last year 40 of 100 by June; this year 30 by June -> 75
    np.testing.assert_allclose(annualise_seasonal([30.0, 30.0], [40.0, 0.0], 100.0), [75.0, np.nan])


series = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12)


@given(a=series, b=series)
def test_single_to_ytd_to_single_round_trip(a: list[float], b: list[float]) -> None:
    frame = pd.concat([monthly(a, 2023, "A"), monthly(b, 2024, "B")], ignore_index=True)
    frame = frame.sample(frac=1, random_state=0)  # order must not matter
    ytd = frame.assign(value=single_to_ytd(frame, keys=["unit"]))
    back = ytd_to_single(ytd, keys=["unit"])
    np.testing.assert_allclose(back, frame["value"], rtol=1e-9, atol=1e-6)


@given(series)
def test_ytd_to_single_to_ytd_round_trip(values: list[float]) -> None:
    frame = monthly(values)
    single = frame.assign(value=ytd_to_single(frame))
    np.testing.assert_allclose(single_to_ytd(single), values, rtol=1e-9, atol=1e-6)


def test_average_change_is_the_same_step_each_period_in_the_indicators_units() -> None:
    """Plan four's 2.0 to 5.12 in two years is 1.56 a year; a growth rate of 7.0 % falling
    to 5.5 % in three years is −0.5 points a year; a loss narrowing from −3.0 to −1.5 in
    two years is +0.75 a year, where a compound rate has no meaning."""
    assert average_change(2.0, 5.12, 2) == pytest.approx(1.56)
    assert average_change(7.0, 5.5, 3) == pytest.approx(-0.5)
    assert average_change(-3.0, -1.5, 2) == pytest.approx(0.75)
    assert np.isnan(cagr(-3.0, -1.5, 2))
    out = average_change([1.0, 1.0, np.nan], [2.0, 2.0, 2.0], [0, -1, 1])
    assert np.isnan(out).all()


@given(first=st.floats(-1e4, 1e4), step=st.floats(-1e3, 1e3), n=st.integers(1, 40))
def test_average_change_recovers_a_constant_step(first: float, step: float, n: int) -> None:
    assert average_change(first, first + step * n, n) == pytest.approx(step, abs=1e-6)


@given(first=st.floats(0.01, 1e4), rate=st.floats(-0.9, 2.0), n=st.integers(1, 40))
def test_cagr_recovers_a_constant_rate(first: float, rate: float, n: int) -> None:
    assert cagr(first, first * (1 + rate) ** n, n) == pytest.approx(rate, abs=1e-9)


def _yoy_by_lookup(frame: pd.DataFrame) -> list[float]:
    """Year-on-year growth one row at a time: the reference (no rate where the base is not
    positive, or where the rate is too large for a float)."""
    found = {(r.unit, r.kind, r.year, r.sub): r.value for r in frame.itertuples()}
    out = []
    for r in frame.itertuples():
        before = found.get((r.unit, r.kind, r.year - 1, r.sub))
        rate = float(r.value) / before - 1 if before is not None and before > 0 else math.nan
        out.append(rate if math.isfinite(rate) else math.nan)
    return out


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", None]),
            st.sampled_from(["actual", "plan"]),
            st.integers(0, 6),
            st.integers(1, 12),
            st.floats(-5, 100, allow_nan=False),
        ),
        min_size=1,
        max_size=60,
        unique_by=lambda r: r[:4],
    ),
    sparse=st.booleans(),
    categorical=st.booleans(),
)
def test_yoy_matches_a_lookup_one_row_at_a_time(
    rows: list[tuple], sparse: bool, categorical: bool
) -> None:
    """Whether the series' periods fill a grid (read cell by cell) or lie centuries apart
    (matched by a hash index), and whether keys are text or categorical, missing or not,
    the lagged value found is the one a row-by-row lookup finds."""
    frame = pd.DataFrame(rows, columns=["unit", "kind", "year", "sub", "value"])
    if sparse:  # years 100,000 apart: far more grid cells than rows
        frame["year"] = 2000 + frame["year"] * 100_000 - (frame["year"] > 0) * 99_999
    if categorical:
        frame = frame.astype({"unit": "category", "kind": "category"})
    got = yoy(frame, keys=["unit", "kind"])
    expected = _yoy_by_lookup(frame.astype({"unit": object}).fillna({"unit": "∅"}))
    np.testing.assert_allclose(got.to_numpy(), expected)


def test_a_repeated_series_and_period_is_refused() -> None:
    frame = pd.concat([monthly([1.0, 2.0]), monthly([3.0])], ignore_index=True)
    with pytest.raises(ValueError, match="repeats"):
        pop(frame, keys=["unit"], per_year=12)
