"""Catch-up arithmetic: plan four's figures by hand, then properties over many pairs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bxgc_metrics.metrics.catchup import (
    STATUS_CATCHES_UP,
    STATUS_LEVEL,
    STATUS_MISSING,
    STATUS_NO_PROJECTION,
    STATUS_NON_POSITIVE,
    STATUS_NOT_FASTER,
    STATUS_NOT_WITHIN_HORIZON,
    STATUSES,
    catch_up,
    catch_up_projected,
    required_rate,
    time_distance,
)

NAN = float("nan")

levels = st.floats(0.01, 1e4)
rates = st.floats(-0.9, 2.0)


@pytest.mark.parametrize(
    ("args", "higher", "time", "period", "status"),
    [
        # plan four: ln(2.9/2.0) / ln(1.6/1.15) = 0.371564 / 0.330242
        ((2.0, 0.60, 2.9, 0.15, 2010), True, 1.1251, 2012.0, STATUS_CATCHES_UP),
        # an exact tie at t = 2 (1 * 2**2 == 4) must land on 2, not 3
        ((1.0, 1.0, 4.0, 0.0, 2020), True, 2.0, 2022.0, STATUS_CATCHES_UP),
        # energy use 1.2 falling 10 % against 0.9 falling 2 %: ln(1.2/0.9) / ln(0.98/0.9)
        ((1.2, -0.10, 0.9, -0.02, 2020), False, 3.3782, 2024.0, STATUS_CATCHES_UP),
        ((2.9, 0.10, 2.9, 0.15, 2010), True, 0.0, 2010.0, STATUS_LEVEL),
        ((3.0, 0.00, 2.9, 0.15, 2010), True, 0.0, 2010.0, STATUS_LEVEL),
        ((0.8, 0.00, 0.9, 0.15, 2010), False, 0.0, 2010.0, STATUS_LEVEL),
        ((2.0, 0.15, 2.9, 0.15, 2010), True, NAN, NAN, STATUS_NOT_FASTER),
        ((1.2, -0.01, 0.9, -0.02, 2020), False, NAN, NAN, STATUS_NOT_FASTER),
        ((0.0, 0.60, 2.9, 0.15, 2010), True, NAN, NAN, STATUS_NON_POSITIVE),
        ((2.0, -1.0, 2.9, 0.15, 2010), True, NAN, NAN, STATUS_NON_POSITIVE),
        ((2.0, NAN, 2.9, 0.15, 2010), True, NAN, NAN, STATUS_MISSING),
    ],
)
def test_catch_up_hand_cases(
    args: tuple, higher: bool, time: float, period: float, status: str
) -> None:
    result = catch_up(*args[:3], benchmark_rate=args[3], start=args[4], higher_is_better=higher)
    assert result.status == status
    assert isinstance(result.status, str)
    np.testing.assert_allclose(result.crossing_time, time, atol=5e-5)
    np.testing.assert_array_equal(result.crossing_period, period)


@pytest.mark.parametrize(
    ("args", "higher", "time", "period", "status"),
    [
        # a growth rate of 3.5 % rising 0.5 points a year against 5.6 % rising 0.2:
        # (5.6 − 3.5) / (0.5 − 0.2) = 7 years, level exactly in 2027 (7.0 and 7.0)
        ((3.5, 0.5, 5.6, 0.2, 2020), True, 7.0, 2027.0, STATUS_CATCHES_UP),
        # a loss of −1.5 narrowing by 0.5 against +1.6 growing 0.2: 3.1 / 0.3 = 10.33
        ((-1.5, 0.5, 1.6, 0.2, 2020), True, 10.3333, 2031.0, STATUS_CATCHES_UP),
        # lower is better, 5.0 falling 0.3 against 3.2 falling 0.1: 1.8 / 0.2 = 9
        ((5.0, -0.3, 3.2, -0.1, 2020), False, 9.0, 2029.0, STATUS_CATCHES_UP),
        ((5.6, 0.0, 5.6, 0.4, 2020), True, 0.0, 2020.0, STATUS_LEVEL),
        ((3.5, 0.2, 5.6, 0.2, 2020), True, NAN, NAN, STATUS_NOT_FASTER),
        ((3.5, NAN, 5.6, 0.2, 2020), True, NAN, NAN, STATUS_MISSING),
    ],
)
def test_catch_up_by_the_same_change_each_year(
    args: tuple, higher: bool, time: float, period: float, status: str
) -> None:
    """Points a year (a growth rate, a share) or units a year (a level that may be
    below zero): the levels meet after gap / difference of the changes."""
    result = catch_up(
        *args[:3], benchmark_rate=args[3], start=args[4], higher_is_better=higher, additive=True
    )
    assert result.status == status
    np.testing.assert_allclose(result.crossing_time, time, atol=5e-5)
    np.testing.assert_array_equal(result.crossing_period, period)


@given(a=st.floats(-50, 50), b=st.floats(-50, 50), ca=st.floats(-5, 5), cb=st.floats(-5, 5))
def test_the_additive_crossing_year_is_the_first_year_the_lines_are_level(
    a: float, b: float, ca: float, cb: float
) -> None:
    result = catch_up(a, ca, b, benchmark_rate=cb, start=0, additive=True)
    # a step faster by 1e-175 meets after 1e174 years, where k × step is no longer exact
    # in floating point; a million years is past any horizon the page draws
    assume(result.status != STATUS_CATCHES_UP or result.crossing_time < 1e6)
    if result.status == STATUS_CATCHES_UP:
        k = int(result.crossing_period)
        assert a + k * ca >= (b + k * cb) - 1e-9 * max(abs(a), abs(b), 1.0) * (1 + k)
        assert a + (k - 1) * ca < b + (k - 1) * cb
    elif result.status == STATUS_NOT_FASTER:
        # no faster, or faster by so little (1e-308) that the crossing time overflows
        assert a < b and ca - cb < 1e-290


def test_plan_four_levels_confirm_the_crossing_year() -> None:
    # 2011: 3.2 < 3.335 still behind; 2012: 5.12 > 3.835 ahead
    assert 2.0 * 1.6 < 2.9 * 1.15
    assert 2.0 * 1.6**2 > 2.9 * 1.15**2
    assert catch_up(2.0, 0.6, 2.9, benchmark_rate=0.15, start=2010).crossing_period == 2012


@pytest.mark.parametrize(
    ("periods", "expected"),
    [(1, 0.6675), (2, 0.3848), (3, 0.30163)],  # 1.15 * 1.45 ** (1/T) - 1
)
def test_required_rate_plan_four(periods: int, expected: float) -> None:
    assert required_rate(2.0, 2.9, 0.15, periods=periods) == pytest.approx(expected, abs=5e-5)


def test_required_rate_is_direction_free_and_nan_for_invalid_input() -> None:
    assert required_rate(1.2, 0.9, -0.02, periods=3, higher_is_better=False) == pytest.approx(
        required_rate(1.2, 0.9, -0.02, periods=3)
    )
    out = required_rate([2.0, -1.0, 2.0, 2.0], 2.9, [0.15, 0.15, -1.0, 0.15], periods=[1, 1, 1, 0])
    assert out[0] == pytest.approx(0.6675)
    assert np.isnan(out[1:]).all()


@given(a=levels, b=levels, gb=rates, t=st.integers(1, 30))
def test_required_rate_really_makes_the_levels_meet(a: float, b: float, gb: float, t: int) -> None:
    r = required_rate(a, b, gb, periods=t)
    assert a * (1 + r) ** t == pytest.approx(b * (1 + gb) ** t, rel=1e-9)


@given(
    a=levels,
    behind=st.floats(1.0001, 100),
    gb=rates,
    faster=st.floats(1.0001, 3),
    start=st.integers(1990, 2030),
)
def test_crossing_time_lies_within_the_crossing_period(
    a: float, behind: float, gb: float, faster: float, start: int
) -> None:
    b, ga = a * behind, (1 + gb) * faster - 1
    result = catch_up(a, ga, b, benchmark_rate=gb, start=start)
    assert result.status == STATUS_CATCHES_UP
    k = result.crossing_period - start
    assert k == math.ceil(result.crossing_time - 1e-9)
    assert k - 1 < result.crossing_time <= k + 1e-9

    def lead(periods: float) -> float:  # log of chaser / benchmark after some periods
        return math.log(a / b) + periods * math.log((1 + ga) / (1 + gb))

    assert lead(k) >= -1e-9
    assert lead(k - 1) < 1e-9


@given(a=levels, ga=rates, b=levels, gb=rates)
def test_lower_is_better_mirrors_higher_is_better_on_reciprocals(
    a: float, ga: float, b: float, gb: float
) -> None:
    lower = catch_up(a, ga, b, benchmark_rate=gb, start=2010, higher_is_better=False)
    mirror = catch_up(1 / a, 1 / (1 + ga) - 1, 1 / b, benchmark_rate=1 / (1 + gb) - 1, start=2010)
    assume(abs(math.log(a / b)) > 1e-6 and abs(math.log((1 + ga) / (1 + gb))) > 1e-6)
    assert lower.status == mirror.status
    np.testing.assert_allclose(lower.crossing_time, mirror.crossing_time, rtol=1e-6)
    np.testing.assert_array_equal(lower.crossing_period, mirror.crossing_period)


@given(st.lists(st.tuples(levels, rates, levels, rates, st.booleans()), min_size=1, max_size=30))
def test_array_and_scalar_catch_up_agree(pairs: list[tuple]) -> None:
    a, ga, b, gb, hib = (np.array(c) for c in zip(*pairs, strict=True))
    many = catch_up(a, ga, b, benchmark_rate=gb, start=2010, higher_is_better=hib)
    for i, pair in enumerate(pairs):
        one = catch_up(*pair[:3], benchmark_rate=pair[3], start=2010, higher_is_better=pair[4])
        assert one.status == many.status[i]
        np.testing.assert_array_equal(one.crossing_period, many.crossing_period[i])
        np.testing.assert_allclose(one.crossing_time, many.crossing_time[i])


def test_ten_thousand_pairs_in_one_call() -> None:
    rng = np.random.default_rng(7)
    n = 10_000
    result = catch_up(
        rng.uniform(1, 10, n),
        rng.uniform(0, 0.6, n),
        rng.uniform(1, 10, n),
        benchmark_rate=0.1,
        start=2024,
    )
    assert result.crossing_time.shape == result.crossing_period.shape == (n,)
    assert set(np.unique(result.status)) <= set(STATUSES)
    assert required_rate(rng.uniform(1, 10, n), 5.0, 0.1, periods=3).shape == (n,)


def test_inputs_are_not_mutated() -> None:
    a = np.array([2.0, 3.0])
    catch_up(a, 0.6, 2.9, benchmark_rate=0.15, start=2010)
    required_rate(a, 2.9, 0.15, periods=2)
    np.testing.assert_array_equal(a, [2.0, 3.0])


# --- time distance -----------------------------------------------------------------

BENCH = pd.Series([3.0, 4.0, 5.0, 6.0], index=[2010, 2011, 2012, 2013])


@pytest.mark.parametrize(
    ("chaser", "expected"),
    [
        ({2015: 4.5}, 3.5),  # the benchmark stood at 4.5 half-way through 2011
        ({2014: 6.0}, 1.0),
        ({2010: 5.0}, -2.0),  # ahead: the benchmark got there only in 2012
        ({2015: 7.0}, NAN),  # the benchmark never got there: no extrapolation
        ({2015: 2.0}, NAN),  # before the benchmark's first observation
        ({2010: 3.0}, 0.0),  # level with the first observation
    ],
)
def test_time_distance_hand_cases(chaser: dict, expected: float) -> None:
    out = time_distance(pd.Series(chaser), BENCH)
    assert list(out.columns) == ["period", "chaser", "benchmark", "time_distance"]
    np.testing.assert_allclose(out["time_distance"], [expected])


def test_time_distance_uses_the_first_time_a_non_monotone_benchmark_reached_the_level() -> None:
    bench = pd.Series([1.0, 5.0, 2.0, 6.0], index=[2000, 2001, 2002, 2003])
    out = time_distance(pd.Series({2005: 3.0}), bench)
    assert out["time_distance"].item() == pytest.approx(2005 - 2000.5)


def test_time_distance_lower_is_better_and_benchmark_column() -> None:
    bench = pd.Series([1.0, 0.8, 0.6], index=[2018, 2019, 2020])
    chaser = pd.Series([0.9, 0.7], index=[2020, 2019])
    out = time_distance(chaser, bench, higher_is_better=False)
    assert out["period"].tolist() == [2019, 2020]
    np.testing.assert_allclose(out["time_distance"], [2019 - 2019.5, 2020 - 2018.5])
    np.testing.assert_allclose(out["benchmark"], [0.8, 0.6])


@given(
    lag=st.floats(-3, 3),
    slope=st.floats(0.1, 10),
    level=st.floats(-50, 50),
    when=st.floats(2005, 2015),
)
def test_time_distance_recovers_a_known_lag(
    lag: float, slope: float, level: float, when: float
) -> None:
    bench = pd.Series(level + slope * np.arange(21.0), index=np.arange(2000.0, 2021.0))
    chaser = pd.Series([level + slope * (when - lag - 2000)], index=[when])
    assert time_distance(chaser, bench)["time_distance"].item() == pytest.approx(lag, abs=1e-6)


# --- projected catch-up ------------------------------------------------------------

OURS = pd.Series([2.0, 2.6, 3.2, 4.1, 5.0, 6.3, 7.7, 9.6], index=range(2010, 2018))
THEIRS = pd.Series([6.0, 6.5, 7.1, 7.6, 8.3, 8.9, 9.6, 10.3], index=range(2010, 2018))


def test_catch_up_projected_compares_models_and_is_seeded() -> None:
    result = catch_up_projected(OURS, THEIRS, 2019, chaser_rates=0.2, benchmark_rates=0.07)
    table = result.table
    assert list(table.columns) == ["model", "crossing_period", "status"]
    assert table["model"].tolist() == ["plan", "cagr", "linear", "loglinear", "ets"]
    plan = table.iloc[0]
    # 9.6 * 1.2 = 11.52 > 10.3 * 1.07 = 11.021 in 2018
    assert (plan["crossing_period"], plan["status"]) == (2018.0, STATUS_CATCHES_UP)
    assert 0.0 <= result.probability <= 1.0
    again = catch_up_projected(OURS, THEIRS, 2019, models=["ets"])
    assert again.probability == result.probability


def test_catch_up_projected_edge_statuses() -> None:
    ahead = catch_up_projected(THEIRS, OURS, 2017, models=["cagr"], n_paths=50)
    assert ahead.table["status"].item() == STATUS_LEVEL
    assert ahead.table["crossing_period"].item() == 2017.0
    assert ahead.probability == 1.0  # observed at the target: 10.3 >= 9.6
    far_ahead = catch_up_projected(OURS * 10, THEIRS, 2020, models=["ets"], n_paths=50)
    assert far_ahead.probability == 1.0
    far_behind = catch_up_projected(OURS * 0.01, THEIRS, 2020, models=["ets"], n_paths=50)
    assert far_behind.probability == 0.0
    never = catch_up_projected(OURS * 0.1, THEIRS, 2020, models=["linear"], horizon=3)
    assert never.table["status"].item() == STATUS_NOT_WITHIN_HORIZON
    short = catch_up_projected(OURS.iloc[:2], THEIRS, 2020, models=["ets", "plan"])
    assert short.table["status"].tolist() == [STATUS_NO_PROJECTION] * 2
    assert math.isnan(short.probability)
    with pytest.raises(ValueError, match="unknown models"):
        catch_up_projected(OURS, THEIRS, 2020, models=["magic"])
