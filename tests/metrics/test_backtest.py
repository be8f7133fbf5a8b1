"""Rolling-origin back-tests and the bands calibrated on them: hand-computed errors,
bands and chances, coverage on series with known noise, and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bxgc_metrics.metrics.backtest import (
    DIFFERENCE,
    ERROR_COLUMNS,
    LOG,
    MIN_CALIBRATION,
    SKILL_COLUMNS,
    Calibration,
    apply_error,
    calibrated_coverage,
    calibration,
    error_scale,
    pooled_errors,
    relative_error,
    rolling_errors,
    skill,
)

GROWING = pd.Series({2020: 100.0, 2021: 110.0, 2022: 121.0})


def _annual(series: dict[str, pd.Series]) -> pd.DataFrame:
    rows = [(u, int(y), float(v)) for u, s in series.items() for y, v in s.items()]
    return pd.DataFrame(rows, columns=["unit_code", "year", "value"])


def _walks(n_units: int, years: int, *, sd: float, drift: float, seed: int) -> pd.DataFrame:
    """Random walks in logs with a drift: the noise is known, so an 80 % band should hold
    about 80 % of the time."""
    rng = np.random.default_rng(seed)
    steps = drift + sd * rng.standard_normal((n_units, years))
    levels = 100 * np.exp(np.cumsum(steps, axis=1))
    return _annual(
        {f"U{u:03d}": pd.Series(levels[u], index=range(2000, 2000 + years)) for u in range(n_units)}
    )


def test_naive_errors_by_hand() -> None:
    """From 2020 (100): 110 and 121 one and two years on; from 2021 (110): 121."""
    errors = rolling_errors(GROWING, "naive", unit="A")
    assert list(errors.columns) == ERROR_COLUMNS
    rows = errors[["origin", "step", "period", "forecast", "actual"]].values.tolist()
    assert rows == [
        [2020, 1, 2021, 100, 110],
        [2020, 2, 2022, 100, 121],
        [2021, 1, 2022, 110, 121],
    ]
    # log(110/100) = 0.09531, log(121/100) = 0.19062, log(121/110) = 0.09531
    assert errors["error"].round(5).tolist() == [0.09531, 0.19062, 0.09531]
    assert errors[["lower", "upper"]].isna().all().all()  # naive has no interval of its own


def test_linear_errors_carry_the_models_own_interval() -> None:
    series = pd.Series([10.0, 12.0, 13.0, 15.0, 18.0], index=range(2016, 2021))
    errors = rolling_errors(series, "linear")
    # origins 2018 (three points) and 2019; 2018 looks 2 ahead, 2019 one
    assert errors[["origin", "step"]].values.tolist() == [[2018, 1], [2018, 2], [2019, 1]]
    # from 10, 12, 13 the line is 11.6667 + 1.5 (t − 2017): 2019 → 14.6667
    assert errors["forecast"].iloc[0] == pytest.approx(11.6667 + 1.5 * 2, abs=1e-4)
    assert (errors["lower"] < errors["forecast"]).all()
    assert (errors["upper"] > errors["forecast"]).all()


def test_relative_error_is_a_log_ratio_for_positive_values() -> None:
    got = relative_error(np.array([110.0, 90.0]), np.array([100.0, 100.0]))
    assert got.tolist() == pytest.approx([math.log(1.1), math.log(0.9)])
    assert apply_error(np.array([100.0, 100.0]), got).tolist() == pytest.approx([110.0, 90.0])


def test_a_forecast_at_or_below_zero_of_a_positive_series_missed_it_without_bound() -> None:
    """A trend that dives to zero or below while the series stays positive erred by more
    than any ratio: the error is +∞, never a share of the forecast read as a log."""
    got = relative_error(np.array([8.0, 3.0]), np.array([-2.0, 0.0]))
    assert got.tolist() == [math.inf, math.inf]
    # so applied to a positive forecast it reaches without bound, never e^share
    assert apply_error(np.array([50.0]), np.array([math.inf])).tolist() == [math.inf]
    # and a positive scale says nothing about a forecast at or below zero
    assert math.isnan(apply_error(np.array([-5.0]), np.array([0.1]))[0])


def test_series_that_reach_zero_or_below_compare_errors_in_their_own_units() -> None:
    """Growth rates of −5 % and 3 % forecast at −10 % and 0 %: off by 5 and 3 points."""
    assert error_scale(np.array([7.0, 3.5, 0.2])) == LOG
    assert error_scale(np.array([7.0, -1.0, 2.0])) == DIFFERENCE
    assert error_scale(np.array([7.0, 0.0])) == DIFFERENCE
    got = relative_error(np.array([-5.0, 3.0]), np.array([-10.0, 0.0]), scale=DIFFERENCE)
    assert got.tolist() == [5.0, 3.0]
    back = apply_error(np.array([-10.0, 0.0]), got, scale=DIFFERENCE)
    assert back.tolist() == [-5.0, 3.0]


def test_a_pool_shares_one_scale_chosen_from_every_series_on_the_indicator() -> None:
    """One unit's growth rate once fell below zero: every unit's errors on the indicator
    are then differences in points, its own and its peers', and the band around a
    forecast is the forecast plus those points."""
    rng = np.random.default_rng(3)
    years = range(2000, 2016)
    rates = {f"U{u}": pd.Series(6 + 2 * rng.standard_normal(16), index=years) for u in range(5)}
    rates["U2"].iloc[4] = -1.5
    annual = _annual(rates)
    errors = pooled_errors(annual, "naive", ["U0"])
    assert set(errors["scale"]) == {DIFFERENCE}
    np.testing.assert_allclose(errors["error"], errors["actual"] - errors["forecast"])
    cal = calibration(errors)
    assert cal.scale == DIFFERENCE
    low, high = cal.interval(1, 0.8)
    assert np.isfinite([low, high]).all()
    lower, upper = cal.band(np.array([-2.0, 9.0]), np.array([1, 1]), 0.8)
    assert lower.tolist() == pytest.approx([-2.0 + low, 9.0 + low])
    assert upper.tolist() == pytest.approx([-2.0 + high, 9.0 + high])
    # the same series all positive keep their log errors
    rates["U2"].iloc[4] = 1.5
    assert set(pooled_errors(_annual(rates), "naive", ["U0"])["scale"]) == {LOG}


def test_a_pool_of_two_scales_is_refused() -> None:
    positive = rolling_errors(pd.Series(np.linspace(10, 30, 14), index=range(2000, 2014)), "naive")
    crossing = rolling_errors(pd.Series(np.linspace(-3, 3, 14), index=range(2000, 2014)), "naive")
    with pytest.raises(ValueError, match="scale"):
        calibration(pd.concat([positive, crossing], ignore_index=True))


def test_unbounded_errors_give_no_band_and_count_in_the_chance_by_their_side() -> None:
    """Twenty one-step errors, two of them +∞ (forecasts that fell below zero). The 80 %
    band reaches the 19th smallest, +∞, so it is unbounded and not given. The chance of
    our 90 against their observed 100: the two unbounded draws put us ahead, 2 of 20.
    Both a step ahead: pairs where both are unbounded say nothing and are left out, so
    2 × 18 of the 396 other pairs."""
    cal = Calibration(errors={1: np.array([math.inf] * 2 + [0.0] * 18)})
    assert all(math.isnan(x) for x in cal.interval(1, 0.8))
    with np.errstate(all="raise"):
        assert cal.chance_at_least((90.0, 1), (100.0, 0)) == pytest.approx(0.1)
        assert cal.chance_at_least((90.0, 1), (100.0, 1)) == pytest.approx(36 / 396)
    recalibrated = Calibration(
        errors={1: np.array([math.inf] * 2 + [0.0] * 18)}, ranks=np.linspace(0.05, 0.95, 20)
    )
    with np.errstate(all="raise"):
        chance = recalibrated.chance_at_least((90.0, 1), (100.0, 0))
    assert 0.0 <= chance <= 1.0


def test_the_band_is_the_conformal_quantiles_of_the_signed_errors() -> None:
    """Twenty errors −0.045, −0.04, … 0.05: the 80 % band runs from the ⌊0.1 × 21⌋ = 2nd
    smallest to the ⌈0.9 × 21⌉ = 19th smallest, −0.04 to 0.045."""
    cal = Calibration(errors={1: np.linspace(-0.045, 0.05, 20)})
    assert cal.interval(1, 0.8) == pytest.approx((-0.04, 0.045))
    lower, upper = cal.band(np.array([100.0]), np.array([1]), 0.8)
    assert lower[0] == pytest.approx(100 * math.exp(-0.04))
    assert upper[0] == pytest.approx(100 * math.exp(0.045))
    # a 95 % band from twenty errors would be unbounded: none is given
    assert all(math.isnan(x) for x in cal.interval(1, 0.95))
    # further out than measured: the last measured step's errors widened by √(step / 1)
    assert cal.interval(4, 0.8) == pytest.approx((-0.04 * 2, 0.045 * 2))
    # nineteen errors 0.01 … 0.19: the 2nd smallest and the 18th
    many = Calibration(errors={1: np.linspace(0.01, 0.19, 19)})
    assert many.interval(1, 0.8) == pytest.approx((0.02, 0.18))


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_every_band_given_covers_what_it_says_within_eight_points(level: float) -> None:
    """From n distinct errors, an outcome as likely as any of them falls into each of the
    n + 1 gaps between them alike, so a band from the a-th to the b-th smallest holds
    (b − a) / (n + 1) of outcomes. For every n from 1 to 400, a band is given only where
    that share lies between the level and eight points above it: an 80 % band from 18
    errors would be their whole range, 17 / 19 = 89.5 %, and none is given from fewer
    than 19."""
    for n in range(1, 401):
        errors = np.arange(1.0, n + 1)
        low, high = Calibration(errors={1: errors}).interval(1, level)
        if math.isnan(low):
            continue
        assert n >= MIN_CALIBRATION
        a, b = np.searchsorted(errors, [low, high]) + 1
        assert level <= (b - a) / (n + 1) <= level + 0.08, (n, a, b)
    assert not math.isnan(Calibration(errors={1: np.arange(19.0)}).interval(1, 0.8)[0])
    assert not math.isnan(Calibration(errors={1: np.arange(39.0)}).interval(1, 0.95)[0])


def test_a_model_that_always_fell_short_gets_a_band_above_its_line() -> None:
    """A model whose forecasts were all too low: the band says so, lying wholly above its
    line, rather than spreading the same width below it where nothing ever landed."""
    cal = Calibration(errors={1: np.linspace(0.01, 0.20, 20)})
    lower, upper = cal.band(np.array([100.0]), np.array([1]), 0.8)
    assert lower[0] == pytest.approx(100 * math.exp(0.02))
    assert upper[0] == pytest.approx(100 * math.exp(0.19))


def test_only_the_latest_origins_calibrate() -> None:
    """Errors that shrank over the years: the band follows the five latest origins."""
    rows = [
        ("A", origin, 1.0, origin + 1, 100.0, 100.0, error, "log", np.nan, np.nan)
        for origin in range(2010, 2020)
        for error in (
            [0.5, -0.5] * 2
            if origin < 2015
            else [
                sign * (0.01 * (origin - 2014) + extra) for sign in (1, -1) for extra in (0, 0.05)
            ]
        )
    ]
    errors = pd.DataFrame(rows, columns=ERROR_COLUMNS)
    recent = calibration(errors, recalibrate=False)  # the errors alone, not their ranks
    # 2015–2019: ±0.01 … ±0.10; the 2nd and 19th smallest bound the band
    small = [round(0.01 * k, 2) for k in range(1, 11)]
    assert sorted(recent.errors[1].round(2)) == sorted([-x for x in small] + small)
    assert recent.interval(1, 0.8) == pytest.approx((-0.09, 0.09))
    # all 40: twenty of ±0.5 as well; the ⌊0.1 × 41⌋ = 4th smallest and ⌈0.9 × 41⌉ = 37th
    every = calibration(errors, recent=None, recalibrate=False)
    assert every.interval(1, 0.8) == pytest.approx((-0.5, 0.5))


def test_outcomes_that_kept_landing_low_pull_the_band_down() -> None:
    """Nineteen errors 0.01 … 0.19 give the band 0.02 … 0.18 (the 2nd and 18th). Twenty
    recent outcomes ranked 0.025, 0.05, … 0.5 among the errors of their day: the 80 %
    levels become their 2nd smallest and 19th (⌊0.1 × 21⌋, ⌈0.9 × 21⌉), 0.05 and 0.475.
    So the band runs from the 5th percentile of the errors, clipped to the smallest seen
    (0.01), to the 47.5th (the ⌈0.475 × 20⌉ = 10th smallest, 0.10)."""
    errors = {1: np.linspace(0.01, 0.19, 19)}
    ranks = np.arange(1, 21) / 40
    cal = Calibration(errors=errors, ranks=ranks)
    assert cal.recalibrated
    assert cal.levels(0.8) == pytest.approx((0.05, 0.475))
    assert cal.interval(1, 0.8) == pytest.approx((0.01, 0.10))
    assert Calibration(errors=errors).interval(1, 0.8) == pytest.approx((0.02, 0.18))


def test_ranks_spread_evenly_leave_the_levels_as_they_are() -> None:
    """99 ranks 0.01 … 0.99: the 10th and 90th are 0.10 and 0.90, so the 80 % band is the
    unrecalibrated one; fewer than twenty ranks are not used at all."""
    errors = {1: np.linspace(0.01, 0.19, 19)}
    even = Calibration(errors=errors, ranks=np.arange(1, 100) / 100)
    assert even.levels(0.8) == pytest.approx((0.1, 0.9))
    assert even.interval(1, 0.8) == pytest.approx(Calibration(errors=errors).interval(1, 0.8))
    few = Calibration(errors=errors, ranks=np.full(19, 0.01))
    assert not few.recalibrated
    assert few.levels(0.8) == pytest.approx((0.1, 0.9))
    # too few errors for a bounded 95 % band stay so, whatever the ranks say
    twenty = Calibration(errors={1: np.linspace(-0.045, 0.05, 20)}, ranks=np.full(30, 0.5))
    assert all(math.isnan(x) for x in twenty.interval(1, 0.95))


def test_the_chance_follows_the_recalibrated_errors() -> None:
    """Errors ±0.1, half each; the benchmark's 100 × e^0.05 is observed. Unrecalibrated,
    our 100 reaches it in the half of draws at +0.1. When every recent outcome ranked at
    0.95 (landed high) every draw is +0.1; at 0.05 every draw is −0.1."""
    errors = {1: np.array([-0.1] * 10 + [0.1] * 10)}
    theirs = (100.0 * math.exp(0.05), 0)
    assert Calibration(errors=errors).chance_at_least((100.0, 1), theirs) == pytest.approx(0.5)
    high = Calibration(errors=errors, ranks=np.full(20, 0.95))
    assert high.chance_at_least((100.0, 1), theirs) == pytest.approx(1.0)
    low = Calibration(errors=errors, ranks=np.full(20, 0.05))
    assert low.chance_at_least((100.0, 1), theirs) == pytest.approx(0.0)


def test_calibration_ranks_the_recent_outcomes_among_the_errors_of_their_day() -> None:
    """Twelve one-step errors 0.01 … 0.12, one per origin 2005–2016, each larger than all
    before it. Origin 2010 is the first to know five errors (those of 2005–2009, whose
    outcomes came by 2010), so its outcome ranks (5 + 1/2) / 6; 2016's ranks (11 + 1/2) /
    12. The ranks are kept only with recalibration."""
    rows = [
        ("A", 2005 + k, 1.0, 2006 + k, 1.0, 1.0, 0.01 * (k + 1), "log", np.nan, np.nan)
        for k in range(12)
    ]
    frame = pd.DataFrame(rows, columns=ERROR_COLUMNS)
    ranks = calibration(frame, minimum=5, recent=None).ranks
    known = np.arange(5, 12)  # origins 2010 … 2016 know 5 … 11 errors
    assert ranks.tolist() == pytest.approx(((known + 0.5) / (known + 1)).tolist())
    # with the five latest origins, 2012–2016, each knowing the errors of the five
    # origins before it: (5 + 1/2) / 6 each
    assert calibration(frame, minimum=5).ranks.tolist() == pytest.approx([5.5 / 6] * 5)
    assert len(calibration(frame, minimum=5, recent=None, recalibrate=False).ranks) == 0


def test_too_few_errors_give_no_band_and_no_chance() -> None:
    cal = calibration(rolling_errors(GROWING, "naive"))
    assert not cal.usable
    assert all(math.isnan(x) for x in cal.interval(1, 0.8))
    assert math.isnan(cal.chance_at_least((100.0, 1), (90.0, 1)))


def test_chance_counts_pairs_of_errors() -> None:
    """Ten errors of −0.1 and ten of +0.1 on each side; we are e^0.2 behind, so only our
    +0.1 against their −0.1 brings us level: 10 × 10 of 400 pairs."""
    cal = Calibration(errors={1: np.array([-0.1] * 10 + [0.1] * 10)})
    assert cal.chance_at_least((100.0, 1), (100.0 * math.exp(0.2), 1)) == pytest.approx(0.25)
    # lower is better: the same pairs from the other side, every pair but that one
    assert cal.chance_at_least((100.0, 1), (100.0 * math.exp(0.2), 1), sign=-1.0) == pytest.approx(
        1.0
    )
    # an observed value (step 0) has no error
    assert cal.chance_at_least((100.0, 0), (95.0, 1)) == pytest.approx(0.5)


def test_peers_are_added_only_while_the_own_series_are_short() -> None:
    annual = _walks(6, 12, sd=0.05, drift=0.05, seed=1)
    own = ["U000", "U001", "U002", "U003"]
    errors = pooled_errors(annual, "naive", own)
    # the five latest origins of each step give five errors per series: four series
    # are enough, so no peer is read
    assert set(errors["unit_code"]) == set(own)
    # three give fifteen, fewer than 19: one peer is added
    errors = pooled_errors(annual, "naive", own[:3])
    assert set(errors["unit_code"]) == set(own)
    assert len(calibration(errors).errors[3]) == 20 >= MIN_CALIBRATION


def test_peers_are_added_when_the_recent_origins_alone_are_too_few() -> None:
    """One 14-year series has 13 one-step errors, but only its five latest origins
    calibrate: five errors, so three peers are added and a band is given."""
    annual = _walks(5, 14, sd=0.05, drift=0.05, seed=2)
    errors = pooled_errors(annual, "naive", ["U000"])
    assert set(errors["unit_code"]) == {"U000", "U001", "U002", "U003"}
    assert set(calibration(errors).errors) == {1, 2, 3}


def test_calibrated_bands_cover_what_they_say_on_series_with_known_noise() -> None:
    """On 60 random walks with drift, bands made only from errors known at each origin
    hold 72–88 % of the outcomes at 80 %, where the trend's own 80 % interval holds far
    fewer."""
    annual = _walks(60, 14, sd=0.06, drift=0.04, seed=7)
    own = sorted(annual["unit_code"].unique())
    table = skill(annual, ["naive", "cagr", "linear"], own)
    assert list(table.columns) == SKILL_COLUMNS
    for row in table.itertuples():
        assert row.checked > 500, row
        assert 0.72 <= row.coverage <= 0.88, row
    linear = table.set_index("model").loc["linear"]
    assert linear["model_coverage"] < 0.72


def _fading(seed: int) -> pd.DataFrame:
    """60 series whose growth fades (8–20 % a year, falling by a fifth each year, noise
    sd 4 %)."""
    rng = np.random.default_rng(seed)
    growth = rng.uniform(0.08, 0.2, (60, 1)) * 0.8 ** np.arange(14)
    levels = 100 * np.exp(np.cumsum(growth + 0.04 * rng.standard_normal((60, 14)), axis=1))
    return _annual({f"U{u:03d}": pd.Series(levels[u], index=range(2000, 2014)) for u in range(60)})


def test_bands_hold_on_fading_growth_where_a_trend_errs_one_way() -> None:
    """A trend fitted to fading growth overshoots more each year, so its errors lean one
    way. Bands from the signed errors still hold 72–88 % of the outcomes at 80 %."""
    annual = _fading(11)
    own = sorted(annual["unit_code"].unique())
    for row in skill(annual, ["linear", "loglinear"], own).itertuples():
        assert row.checked > 500, row
        assert 0.72 <= row.coverage <= 0.88, row


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_bands_follow_errors_that_drift_as_growth_fades(seed: int) -> None:
    """The last value carried forward misses fading growth by less each year, so the
    errors known at an origin (three to seven years old for three steps ahead) are larger
    than the next ones: bands made from them alone held about 67 % at 80 % and 89 % at
    95 %. Where the recent outcomes fell within the bands of their day recalibrates the
    levels, and the bands hold what they say."""
    annual = _fading(seed)
    own = sorted(annual["unit_code"].unique())
    errors = pooled_errors(annual, "naive", own)
    for level, low, high in ((0.8, 0.72, 0.88), (0.95, 0.90, 0.98)):
        share, checked = calibrated_coverage(errors, own, level)
        assert checked > 1500
        assert low <= share <= high, (level, share)
        stale, _ = calibrated_coverage(errors, own, level, recalibrate=False)
        assert stale < low, (level, stale)


def test_skill_by_hand_on_one_series() -> None:
    """Naive on 100, 110, 121: misses 10/110, 21/121 and 11/121, a MAPE of 11.85 %."""
    table = skill(_annual({"A": GROWING}), ["naive"], ["A"])
    row = table.iloc[0]
    assert row["forecasts"] == 3
    assert row["mape"] == pytest.approx((10 / 110 + 21 / 121 + 11 / 121) / 3)
    assert math.isnan(row["model_coverage"]) and row["checked"] == 0
    # the same misses in the indicator's own units; models compare on the percentage
    assert row["mae"] == pytest.approx((10 + 21 + 11) / 3)
    assert row["scale"] == LOG and row["error"] == row["mape"]


def test_skill_on_rates_that_cross_zero_is_in_points() -> None:
    """Naive on growth rates of 2.0, −1.0 and 3.0 %: misses of 3, 4 and 1 points, 8/3 on
    average. A percentage of a rate near zero has no size, so there is no MAPE and the
    models compare on the points."""
    rates = pd.Series({2020: 2.0, 2021: -1.0, 2022: 3.0})
    row = skill(_annual({"A": rates}), ["naive"], ["A"]).iloc[0]
    assert row["scale"] == DIFFERENCE and math.isnan(row["mape"])
    assert row["mae"] == pytest.approx(8 / 3) and row["error"] == row["mae"]


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.floats(1.0, 1e4), min_size=14, max_size=16),
    k=st.integers(-3, 3),
    model=st.sampled_from(["naive", "cagr", "linear"]),
)
def test_scaling_a_series_scales_its_band_and_keeps_its_errors(
    values: list[float], k: int, model: str
) -> None:
    series = pd.Series(values, index=range(2000, 2000 + len(values)))
    base = rolling_errors(series, model)
    scaled = rolling_errors(series * 10.0**k, model)
    pd.testing.assert_series_equal(base["error"], scaled["error"], rtol=1e-6, atol=1e-9)
    one, other = calibration(base), calibration(scaled)
    for step in one.errors:
        assert one.interval(step, 0.8) == pytest.approx(other.interval(step, 0.8), abs=1e-9)
