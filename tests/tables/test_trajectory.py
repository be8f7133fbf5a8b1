"""Catch-up trajectories: annual series, plan four's stated plan, and the leader's answers.

Every expected number is worked out by hand in a comment beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bxgc_metrics.demo import build_demo
from bxgc_metrics.metrics.audit import audit_plan
from bxgc_metrics.metrics.backtest import pooled_errors
from bxgc_metrics.tables.trajectory import (
    PROBABILITY_NOTES,
    annual_series,
    default_change,
    default_rate,
    stated_crossing,
    stated_plan,
    stated_rates,
    trajectory,
)
from tests.conftest import observations as _obs

OURS, BENCH = "P4_OURS", "P4_BENCH"
REVENUE, GROWTH = "P4_FISCAL_REV", "P4_FISCAL_GROWTH"


def _annual(values: dict[str, dict[int, float]]) -> pd.DataFrame:
    """``unit_code, year, value`` from {unit: {year: value}}."""
    rows = [(u, y, float(v)) for u, series in values.items() for y, v in series.items()]
    return pd.DataFrame(rows, columns=["unit_code", "year", "value"])


def _paired(ours: list[float], theirs: list[float]) -> tuple[pd.DataFrame, int]:
    """US and THEM over their common years from 2015, and how many years, with two peers
    on the same indicator: each series backwards, so the four span the same values and
    give the 19 errors per step a band needs (five latest origins each)."""
    n = min(len(ours), len(theirs))
    years = range(2015, 2015 + n)
    series = {"US": ours[:n], "THEM": theirs[:n], "P1": ours[:n][::-1], "P2": theirs[:n][::-1]}
    return _annual({u: dict(zip(years, v, strict=True)) for u, v in series.items()}), n


@pytest.fixture(scope="module")
def demo_obs() -> pd.DataFrame:
    return build_demo().observations


@pytest.fixture(scope="module")
def plan4(demo_obs: pd.DataFrame) -> pd.DataFrame:
    return stated_plan(demo_obs, REVENUE, GROWTH, units=[OURS, BENCH])


# --- annual_series ----------------------------------------------------------------------


def test_annual_series_takes_december_ytd_and_skips_incomplete_years() -> None:
    obs = _obs(
        [
            # rows deliberately out of order
            ("B", "REV", "M", 2025, 12, "actual", 90.0),
            ("A", "REV", "M", 2025, 6, "actual", 55.0),  # 2025 for A stops in June: skipped
            ("A", "REV", "M", 2024, 12, "actual", 100.0),
            ("A", "REV", "M", 2024, 6, "actual", 40.0),  # mid-year YTD, not the annual figure
            ("B", "REV", "M", 2024, 12, "actual", 80.0),
            ("A", "REV", "M", 2024, 11, "actual", 91.0),
            ("A", "REV", "Y", 2024, 0, "target", 120.0),  # a target, not an actual
            ("A", "REV", "M", 2023, 12, "target", 77.0),  # December, but a target
            ("A", "OTHER", "M", 2024, 12, "actual", 5.0),  # another indicator
        ]
    )
    out = annual_series(obs, "REV", "M")
    assert list(out.columns) == ["unit_code", "year", "value"]
    assert out.values.tolist() == [["A", 2024, 100.0], ["B", 2024, 80.0], ["B", 2025, 90.0]]
    assert out["year"].dtype == np.int64
    # the plan figures are reachable with value_kind
    assert annual_series(obs, "REV", "M", value_kind="target").values.tolist() == [
        ["A", 2023, 77.0]
    ]


@pytest.mark.parametrize(
    ("freq", "year_end"),
    [("Y", 0), ("H", 2), ("Q", 4), ("M", 12)],
)
def test_annual_series_year_end_sub_per_frequency(freq: str, year_end: int) -> None:
    # one row at the year-end sub and one just before it (none before a Y figure)
    rows = [("A", "X", freq, 2020, year_end, "actual", 10.0)]
    if year_end > 1:
        rows.append(("A", "X", freq, 2020, year_end - 1, "actual", 4.0))
    out = annual_series(_obs(rows), "X", freq)
    assert out.values.tolist() == [["A", 2020, 10.0]]


def test_annual_series_annual_figure_and_unknown_frequency_fall_back_to_y() -> None:
    obs = _obs(
        [
            ("A", "X", "Y", 2021, 0, "actual", 7.5),
            ("A", "X", "Y", 2022, 0, "actual", 8.25),
            ("A", "X", "M", 2022, 12, "actual", 999.0),  # monthly rows ignored for Y
        ]
    )
    assert annual_series(obs, "X", "Y").values.tolist() == [["A", 2021, 7.5], ["A", 2022, 8.25]]
    # an unknown frequency is read as annual
    assert annual_series(obs, "X", "W").values.tolist() == [["A", 2021, 7.5], ["A", 2022, 8.25]]


# --- plan four: stated plan, audit, stated crossing and rates ---------------------------


def test_stated_plan_on_demo_is_plan_fours_six_lines(plan4: pd.DataFrame) -> None:
    assert list(plan4.columns) == ["unit", "period", "value", "growth"]
    lines = plan4.reset_index(drop=True)
    # sorted by unit then period: P4_BENCH sorts before P4_OURS
    assert lines["unit"].tolist() == [BENCH] * 3 + [OURS] * 3
    assert lines["period"].tolist() == [2010, 2011, 2012] * 2
    assert lines["value"].tolist() == [2.9, 3.5, 4.2, 2.0, 3.2, 5.2]
    # growth stated in % (15, 16, 15, 56, 60, 60) becomes a fraction: 15 / 100 = 0.15
    assert lines["growth"].tolist() == pytest.approx([0.15, 0.16, 0.15, 0.56, 0.60, 0.60])


def test_stated_plan_without_growth_indicator_has_nan_growth(demo_obs: pd.DataFrame) -> None:
    lines = stated_plan(demo_obs, REVENUE, None, units=[OURS])
    assert lines["value"].tolist() == [2.0, 3.2, 5.2]
    assert lines["growth"].isna().all()


def test_audit_of_plan_four_flags_exactly_35_42_and_52(plan4: pd.DataFrame) -> None:
    flagged = audit_plan(plan4)
    assert flagged[["unit", "period", "stated"]].values.tolist() == [
        [BENCH, 2011, 3.5],
        [BENCH, 2012, 4.2],
        [OURS, 2012, 5.2],
    ]
    # 2.9 × 1.16 = 3.364; 3.5 × 1.15 = 4.025; 3.2 × 1.60 = 5.12
    assert flagged["implied"].tolist() == pytest.approx([3.364, 4.025, 5.12])
    # 3.5 / 3.364 − 1 = 0.040428; 4.2 / 4.025 − 1 = 0.043478; 5.2 / 5.12 − 1 = 0.015625
    assert flagged["deviation"].tolist() == pytest.approx([0.040428, 0.043478, 0.015625], abs=1e-6)
    # ours 2011: 2.0 × 1.60 = 3.2 exactly, so it is not flagged


def test_stated_crossing_of_plan_four(plan4: pd.DataFrame) -> None:
    # 2010: 2.0 < 2.9; 2011: 3.2 < 3.5; 2012: 5.2 >= 4.2 — "2012年我街道将全面赶超"
    assert stated_crossing(plan4, OURS, BENCH) == (2012, 5.2, 4.2)
    # the benchmark is ahead in 2010 already when the roles are swapped
    assert stated_crossing(plan4, BENCH, OURS) == (2010, 2.9, 2.0)


def test_stated_crossing_lower_is_better_and_never() -> None:
    plan = pd.DataFrame(
        {
            "unit": ["A"] * 3 + ["B"] * 3,
            "period": [2020, 2021, 2022] * 2,
            "value": [0.9, 0.7, 0.5, 0.6, 0.6, 0.6],  # energy per unit GDP: lower is better
        }
    )
    # 0.9 > 0.6, 0.7 > 0.6, 0.5 <= 0.6: level in 2022
    assert stated_crossing(plan, "A", "B", higher_is_better=False) == (2022, 0.5, 0.6)
    # higher-is-better: 0.9 >= 0.6 in 2020 already
    assert stated_crossing(plan, "A", "B") == (2020, 0.9, 0.6)
    # with the roles swapped, B (0.6) is at or below A (0.9) from 2020 on ...
    assert stated_crossing(plan, "B", "A", higher_is_better=False) == (2020, 0.6, 0.9)
    # higher-is-better with roles swapped: 0.6 < 0.9, 0.6 < 0.7, then 0.6 >= 0.5 in 2022
    assert stated_crossing(plan, "B", "A") == (2022, 0.6, 0.5)
    # a chaser that never draws level gives None
    assert stated_crossing(plan.assign(value=[0.1, 0.2, 0.3, 1, 1, 1]), "A", "B") is None


def test_stated_rates_of_plan_four(plan4: pd.DataFrame) -> None:
    # the growth stated for 2011, the year after the 2010 actuals
    assert stated_rates(plan4, 2010) == pytest.approx({OURS: 0.60, BENCH: 0.16})
    assert stated_rates(plan4, 2011) == pytest.approx({OURS: 0.60, BENCH: 0.15})
    assert stated_rates(plan4, 2012) == {}


# --- trajectory -------------------------------------------------------------------------


def test_trajectory_plan_four_at_sixty_and_fifteen_percent(demo_obs: pd.DataFrame) -> None:
    annual = annual_series(demo_obs, REVENUE, "Y")  # the 2010 actuals only
    assert annual.values.tolist() == [[BENCH, 2010, 2.9], [OURS, 2010, 2.0]]
    result = trajectory(
        annual, OURS, [BENCH], model="plan", target_year=2012, rates={OURS: 0.60, BENCH: 0.15}
    )
    assert result.status == {OURS: "ok", BENCH: "ok"}
    row = result.answers.iloc[0]
    assert row["benchmark_code"] == BENCH
    assert row["base_year"] == 2010
    assert (row["chaser_value"], row["benchmark_value"]) == (2.0, 2.9)
    assert row["gap"] == pytest.approx(0.9)  # 2.9 − 2.0
    assert row["gap_ratio"] == pytest.approx(0.9 / 2.9)  # 0.310345
    assert (row["chaser_rate"], row["benchmark_rate"]) == (0.60, 0.15)
    # ln(2.9 / 2.0) / ln(1.60 / 1.15) = 0.371564 / 0.330242 = 1.12513
    assert row["crossing_time"] == pytest.approx(math.log(1.45) / math.log(1.6 / 1.15))
    assert round(row["crossing_time"], 4) == 1.1251
    # 2011: 3.2 < 3.335 (2.9 × 1.15); 2012: 5.12 > 3.835 (2.9 × 1.15²)
    assert row["crossing_period"] == 2012
    assert row["status"] == "catches_up"
    # level by 2012 (T = 2): 1.15 × (2.9 / 2.0)^(1/2) − 1 = 1.15 × 1.204159 − 1 = 0.384783
    assert row["required_rate"] == pytest.approx(1.15 * (2.9 / 2.0) ** 0.5 - 1)
    assert row["required_rate"] == pytest.approx(0.384783, abs=1e-6)
    # a fixed-rate model has no error model: no probability, and it says why
    assert math.isnan(row["probability"]) and row["probability_note"] == "no_error_model"
    # both paths at the target year: 5.12 and 3.83525 (below)
    assert (row["chaser_at_target"], row["benchmark_at_target"]) == pytest.approx((5.12, 3.83525))

    proj = result.projection
    ours = proj[proj["unit_code"] == OURS].set_index("period")["value"]
    bench = proj[proj["unit_code"] == BENCH].set_index("period")["value"]
    assert len(ours) == 30 and ours.index[0] == 2011 and ours.index[-1] == 2040  # horizon 30
    # 2.0 × 1.6 = 3.2, × 1.6 = 5.12; 2.9 × 1.15 = 3.335, × 1.15 = 3.83525
    assert ours.loc[[2011, 2012]].tolist() == pytest.approx([3.2, 5.12])
    assert bench.loc[[2011, 2012]].tolist() == pytest.approx([3.335, 3.83525])
    assert set(proj["model"]) == {"plan"}
    # one common year, the benchmark never below 2.0 in history: no time distance
    assert result.distance["time_distance"].isna().all()
    assert result.history.shape == (2, 3)


def test_trajectory_uses_the_stated_rates_as_what_if(plan4: pd.DataFrame) -> None:
    # the plan's own 2011 rates, 60 % against 16 %, from the 2010 actuals
    annual = _annual({OURS: {2010: 2.0}, BENCH: {2010: 2.9}})
    result = trajectory(
        annual, OURS, [BENCH], model="plan", target_year=2012, rates=stated_rates(plan4, 2010)
    )
    row = result.answers.iloc[0]
    # 2011: 3.2 < 2.9 × 1.16 = 3.364; 2012: 5.12 >= 3.364 × 1.16 = 3.90224
    assert row["crossing_period"] == 2012
    # ln 1.45 / ln(1.6 / 1.16) = 0.371564 / 0.321584 = 1.15542
    assert row["crossing_time"] == pytest.approx(math.log(1.45) / math.log(1.6 / 1.16))


def test_trajectory_lower_is_better_energy_intensity() -> None:
    # energy per unit GDP (lower is better): we use 0.8, the benchmark 0.6, in 2020
    annual = _annual({"US": {2020: 0.8}, "THEM": {2020: 0.6}})
    result = trajectory(
        annual,
        "US",
        ["THEM"],
        model="plan",
        target_year=2022,
        rates={"US": -0.10, "THEM": -0.02},
        higher_is_better=False,
    )
    row = result.answers.iloc[0]
    assert row["gap"] == pytest.approx(0.2)  # 0.8 − 0.6, positive = behind
    assert row["gap_ratio"] == pytest.approx(1 / 3)  # 0.2 / 0.6
    # (0.9 / 0.98)^k <= 0.6 / 0.8 → k >= ln 0.75 / ln(0.9 / 0.98) = 0.287682 / 0.085158 = 3.378
    assert row["crossing_time"] == pytest.approx(math.log(0.75) / math.log(0.9 / 0.98))
    # k = 3: 0.8 × 0.729 = 0.5832 > 0.6 × 0.941192 = 0.564715;
    # k = 4: 0.8 × 0.6561 = 0.52488 <= 0.6 × 0.922368 = 0.553421
    assert row["crossing_period"] == 2024
    assert row["status"] == "catches_up"
    # level by 2022 (T = 2): 0.98 × (0.6 / 0.8)^(1/2) − 1 = 0.98 × 0.866025 − 1 = −0.151295
    assert row["required_rate"] == pytest.approx(0.98 * 0.75**0.5 - 1)
    assert row["required_rate"] == pytest.approx(-0.151295, abs=1e-6)


def test_trajectory_lower_is_better_already_ahead() -> None:
    annual = _annual({"US": {2020: 0.5}, "THEM": {2020: 0.6}})
    result = trajectory(
        annual,
        "US",
        ["THEM"],
        model="plan",
        target_year=2022,
        rates={"US": 0.0, "THEM": 0.0},
        higher_is_better=False,
    )
    row = result.answers.iloc[0]
    assert row["gap"] == pytest.approx(-0.1)  # 0.5 − 0.6: negative = ahead
    assert row["status"] == "already_level_or_ahead"
    assert row["crossing_period"] == 2020 and row["crossing_time"] == 0.0
    assert row["standing"] == "ahead"  # 0.5 below 0.6, lower being better


@pytest.mark.parametrize("higher", [True, False])
def test_already_level_or_ahead_says_which(higher: bool) -> None:
    """0.39 against 0.39 is level, each against the other, whichever way is better; 0.38
    against 0.39 is ahead when lower is better and behind when higher is."""
    annual = _annual({"A": {2025: 0.39}, "B": {2025: 0.39}, "C": {2025: 0.38}})
    rates = {"A": 0.0, "B": 0.0, "C": 0.0}

    def answer(chaser: str, bench: str) -> pd.Series:
        return trajectory(
            annual, chaser, [bench], model="plan", target_year=2027, rates=rates,
            higher_is_better=higher,
        ).answers.iloc[0]  # fmt: skip

    for chaser, bench in (("A", "B"), ("B", "A")):
        row = answer(chaser, bench)
        assert (row["status"], row["standing"], row["gap"]) == (
            "already_level_or_ahead",
            "level",
            0,
        )
    row = answer("C", "A")
    assert row["standing"] == ("behind" if higher else "ahead")
    assert row["status"] == ("not_faster" if higher else "already_level_or_ahead")


def test_default_rate_is_cagr_over_the_last_three_years() -> None:
    # 2019 is outside the window: (133.1 / 100)^(1/3) − 1 = 1.1 − 1 = 0.1
    series = pd.Series({2019: 50.0, 2020: 100.0, 2021: 110.0, 2022: 121.0, 2023: 133.1})
    assert default_rate(series) == pytest.approx(0.10)
    # unsorted and with a NaN: same window after dropping NaN and sorting
    shuffled = pd.Series({2023: 133.1, 2018: np.nan, 2021: 110.0, 2019: 50.0, 2022: 121.0})
    shuffled[2020] = 100.0
    assert default_rate(shuffled) == pytest.approx(0.10)
    # window 1: 133.1 / 121 − 1 = 0.1; window 4: (133.1 / 50)^(1/4) − 1 = 0.277326
    assert default_rate(series, window=1) == pytest.approx(0.10)
    assert default_rate(series, window=4) == pytest.approx((133.1 / 50) ** 0.25 - 1)
    # two points: 3.2 / 2.0 − 1 = 0.6; fewer than two: NaN
    assert default_rate(pd.Series({2010: 2.0, 2011: 3.2})) == pytest.approx(0.6)
    assert math.isnan(default_rate(pd.Series({2010: 2.0})))
    assert math.isnan(default_rate(pd.Series(dtype=float)))
    # the same as a change a year: (133.1 − 100) / 3 over the last three years
    assert default_change(series) == pytest.approx(33.1 / 3)
    assert default_change(pd.Series({2020: -1.0, 2021: 0.5})) == pytest.approx(1.5)
    assert math.isnan(default_change(pd.Series({2010: 2.0})))


def test_trajectory_default_rates_not_faster_and_time_distance() -> None:
    annual = _annual(
        {
            "US": {2018: 2.0, 2019: 2.5, 2020: 3.0},
            "THEM": {2016: 2.0, 2017: 3.0, 2018: 4.0, 2019: 5.0, 2020: 6.0},
        }
    )
    result = trajectory(annual, "US", ["THEM"], model="plan", target_year=2025, rates={})
    row = result.answers.iloc[0]
    # US: only 3 points, (3.0 / 2.0)^(1/2) − 1 = 0.224745
    assert row["chaser_rate"] == pytest.approx(1.5**0.5 - 1)
    # THEM: last four points 2017-2020, (6.0 / 3.0)^(1/3) − 1 = 0.259921
    assert row["benchmark_rate"] == pytest.approx(2 ** (1 / 3) - 1)
    assert row["base_year"] == 2020 and row["gap"] == pytest.approx(3.0)
    assert row["status"] == "not_faster"
    assert math.isnan(row["crossing_time"]) and math.isnan(row["crossing_period"])
    # level by 2025 (T = 5): 1.259921 × 2^(1/5) − 1 = 1.259921 × 1.148698 − 1 = 0.447269
    assert row["required_rate"] == pytest.approx(2 ** (1 / 3) * 2 ** (1 / 5) - 1)
    # Sicherl distance: THEM reached 2.0 in 2016, 2.5 in 2016.5, 3.0 in 2017
    distance = result.distance.set_index("period")["time_distance"]
    assert distance.loc[[2018, 2019, 2020]].tolist() == pytest.approx([2.0, 2.5, 3.0])
    assert set(result.distance["benchmark_code"]) == {"THEM"}


def test_trajectory_too_short_for_ets_does_not_raise() -> None:
    annual = _annual(
        {"US": {2018: 1.0, 2019: 1.5, 2020: 2.0}, "THEM": {2018: 3.0, 2019: 3.2, 2020: 3.4}}
    )
    result = trajectory(annual, "US", ["THEM"], model="ets", target_year=2023, rates={})
    assert result.status == {"US": "too_short", "THEM": "too_short"}  # ETS needs 4 points
    assert result.projection.empty
    row = result.answers.iloc[0]
    # the model cannot project, so it names no year, no rate and no chance: the page says
    # so rather than borrowing another model's answer
    assert row["status"] == "no_projection"
    assert math.isnan(row["crossing_period"]) and math.isnan(row["required_rate"])
    assert math.isnan(row["probability"]) and row["probability_note"] == "no_projection"
    assert row["gap"] == pytest.approx(1.4)  # 3.4 − 2.0 in 2020 still stands


def test_trajectory_chaser_without_data_answers_missing() -> None:
    annual = _annual({"THEM": {2020: 1.0, 2021: 1.1}})
    result = trajectory(annual, "US", ["THEM"], model="cagr", target_year=2025, rates={})
    assert result.status == {"US": "no_data", "THEM": "ok"}
    assert result.answers.to_dict("records") == [{"benchmark_code": "THEM", "status": "missing"}]
    assert result.distance.empty


def test_trajectory_several_benchmarks_one_row_each() -> None:
    annual = _annual({"US": {2020: 2.0}, "B1": {2020: 2.9}, "B2": {2020: 1.0}})
    result = trajectory(
        annual,
        "US",
        ["B1", "B2"],
        model="plan",
        target_year=2022,
        rates={"US": 0.6, "B1": 0.15, "B2": 0.5},
    )
    answers = result.answers.set_index("benchmark_code")
    # plan four's arithmetic moved to 2020: 2.0 × 1.6² = 5.12 > 2.9 × 1.15² = 3.835 in 2022
    assert answers.loc["B1", "crossing_period"] == 2022
    assert answers.loc["B2", "status"] == "already_level_or_ahead"  # 2.0 >= 1.0
    assert answers.loc["B2", "gap"] == pytest.approx(-1.0)
    assert answers.loc["B2", "gap_ratio"] == pytest.approx(-1.0)  # −1.0 / 1.0
    assert set(result.projection["unit_code"]) == {"US", "B1", "B2"}


def test_model_crossing_counts_an_exact_tie_as_level() -> None:
    annual = _annual({"US": {2020: 1.0}, "THEM": {2020: 1.1}})
    result = trajectory(
        annual, "US", ["THEM"], model="plan", target_year=2021, rates={"US": 0.21, "THEM": 0.10}
    )
    row = result.answers.iloc[0]
    # 1.0 × 1.21 = 1.21 = 1.1 × 1.10: level in 2021, and 21 % is exactly the rate required
    assert row["crossing_period"] == 2021
    assert row["required_rate"] == pytest.approx(0.21)


def test_a_percentage_indicator_needs_points_a_year_not_growth_of_its_rate() -> None:
    """A growth rate (measure %) of 3.5 % against 5.6 %: the page asks how many points a
    year it must rise, never the compound growth of a rate."""
    annual = _annual(
        {
            "US": {2017: 2.0, 2018: 2.5, 2019: 3.0, 2020: 3.5},
            "THEM": {2017: 5.0, 2018: 5.2, 2019: 5.4, 2020: 5.6},
        }
    )
    result = trajectory(
        annual, "US", ["THEM"], model="linear", target_year=2025, rates={}, measure="%"
    )
    row = result.answers.iloc[0]
    # straight lines: US 3.5 + 5 × 0.5 = 6.0 and THEM 5.6 + 5 × 0.2 = 6.6 in 2025
    assert row["chaser_at_target"] == pytest.approx(6.0)
    assert row["benchmark_at_target"] == pytest.approx(6.6)
    assert row["required_form"] == "change"
    # level by 2025 from 3.5 in 2020: (6.6 − 3.5) / 5 = 0.62 points a year
    assert row["required_change"] == pytest.approx(0.62)
    # what the lines run at, in points a year: (6.0 − 3.5) / 5 and (6.6 − 5.6) / 5
    assert row["chaser_change"] == pytest.approx(0.5)
    assert row["benchmark_change"] == pytest.approx(0.2)
    # the same figures in 万元 read as growth: (6.6 / 3.5)^(1/5) − 1 = 0.135 a year
    money = trajectory(
        annual, "US", ["THEM"], model="linear", target_year=2025, rates={}, measure="万元"
    ).answers.iloc[0]
    assert money["required_form"] == "rate"
    assert money["required_rate"] == pytest.approx((6.6 / 3.5) ** 0.2 - 1)
    assert money["required_change"] == pytest.approx(0.62)  # given either way
    assert money["chaser_rate"] == pytest.approx((6.0 / 3.5) ** 0.2 - 1)


def test_a_loss_that_must_turn_round_needs_a_change_a_year() -> None:
    """A chaser at −1.5 (a loss) has no growth rate to reach +2.6; the change it needs
    a year still has one: (2.6 − (−1.5)) / 5 = 0.82, in the indicator's units."""
    annual = _annual(
        {
            "US": {2017: -3.0, 2018: -2.5, 2019: -2.0, 2020: -1.5},
            "THEM": {2017: 1.0, 2018: 1.2, 2019: 1.4, 2020: 1.6},
        }
    )
    row = trajectory(
        annual, "US", ["THEM"], model="linear", target_year=2025, rates={}, measure="万元"
    ).answers.iloc[0]
    assert math.isnan(row["required_rate"]) and math.isnan(row["chaser_rate"])
    assert row["required_form"] == "change"
    assert row["required_change"] == pytest.approx(0.82)
    assert row["chaser_change"] == pytest.approx(0.5)  # (1.0 − (−1.5)) / 5
    assert row["benchmark_change"] == pytest.approx(0.2)


def test_the_plan_model_reads_as_growth_on_money() -> None:
    """On money the what-if sliders set growth rates, and the answers read as growth:
    plan four's 66.75 % a year to be level in 2011."""
    annual = _annual({"US": {2010: 2.0}, "THEM": {2010: 2.9}})
    row = trajectory(
        annual,
        "US",
        ["THEM"],
        model="plan",
        target_year=2011,
        rates={"US": 0.6, "THEM": 0.15},
        measure="亿元",
    ).answers.iloc[0]
    assert row["required_form"] == "rate"
    assert row["required_rate"] == pytest.approx(0.6675)
    assert row["required_change"] == pytest.approx(2.9 * 1.15 - 2.0)  # 1.335


def test_the_plan_model_on_a_growth_rate_adds_points_a_year() -> None:
    """On an indicator in % the what-if rates are points a year: 3.5 % rising 0.5 a year
    meets 5.6 % rising 0.2 after (5.6 − 3.5) / 0.3 = 7 years, in 2027; without rates set,
    each unit keeps its last three years' average change."""
    annual = _annual(
        {
            "US": {2017: 2.0, 2018: 2.5, 2019: 3.0, 2020: 3.5},
            "THEM": {2017: 5.0, 2018: 5.2, 2019: 5.4, 2020: 5.6},
        }
    )
    for rates in ({"US": 0.5, "THEM": 0.2}, {}):
        result = trajectory(
            annual, "US", ["THEM"], model="plan", target_year=2025, rates=rates, measure="%"
        )
        row = result.answers.iloc[0]
        path = result.projection.set_index(["unit_code", "period"])["value"]
        assert path[("US", 2021)] == pytest.approx(4.0)  # 3.5 + 0.5, not 3.5 × 1.5
        assert path[("THEM", 2027)] == pytest.approx(7.0)  # 5.6 + 7 × 0.2
        assert row["crossing_time"] == pytest.approx(7.0)
        assert row["crossing_period"] == 2027 and row["status"] == "catches_up"
        assert row["required_form"] == "change"
        assert row["required_change"] == pytest.approx(0.62)  # (6.6 − 3.5) / 5
        assert (row["chaser_change"], row["benchmark_change"]) == pytest.approx((0.5, 0.2))
    # no faster than the benchmark: never, from the closed form
    row = trajectory(
        annual,
        "US",
        ["THEM"],
        model="plan",
        target_year=2025,
        rates={"US": 0.2, "THEM": 0.2},
        measure="%",
    ).answers.iloc[0]
    assert row["status"] == "not_faster"


# --- properties -------------------------------------------------------------------------

_levels = st.floats(0.01, 1e4)


@given(
    a=_levels,
    ratio=st.floats(1.001, 50.0),
    gb=st.floats(-0.5, 1.0),
    edge=st.floats(0.01, 2.0),
    base=st.integers(1990, 2030),
)
def test_plan_model_crossing_equals_closed_form(
    a: float, ratio: float, gb: float, edge: float, base: int
) -> None:
    """For a chaser behind and growing faster, the plan paths cross where the formula says."""
    b = a * ratio
    ga = (1 + gb) * (1 + edge) - 1
    horizon = 40
    annual = _annual({"US": {base: a}, "THEM": {base: b}})
    result = trajectory(
        annual,
        "US",
        ["THEM"],
        model="plan",
        target_year=base + 3,
        rates={"US": ga, "THEM": gb},
        horizon=horizon,
    )
    row = result.answers.iloc[0]
    k = math.ceil(row["crossing_time"] - 1e-9)
    if k > horizon:  # beyond the projection: not named, as no chart could show it
        assert row["status"] == "not_within_horizon" and math.isnan(row["crossing_period"])
        return
    assert row["status"] == "catches_up"
    k = row["crossing_period"] - base
    # away from a tie at the crossing year (the exact-tie test above covers one)
    margin = math.log(a) + k * math.log1p(ga) - math.log(b) - k * math.log1p(gb)
    assume(margin > 1e-9)
    assert row["crossing_time"] <= k < row["crossing_time"] + 1 + 1e-9
    # the crossing is where the drawn paths meet: behind the year before, level then
    ours = result.projection.query("unit_code == 'US'").set_index("period")["value"]
    theirs = result.projection.query("unit_code == 'THEM'").set_index("period")["value"]
    year = int(row["crossing_period"])
    assert ours[year] >= theirs[year] * (1 - 1e-9)
    if year - 1 > base:
        assert ours[year - 1] < theirs[year - 1]


@given(
    a=_levels,
    b=_levels,
    ga=st.floats(-0.5, 1.0),
    gb=st.floats(-0.5, 1.0),
    target=st.integers(1, 15),
)
def test_direction_mirror_reciprocal_levels(
    a: float, b: float, ga: float, gb: float, target: int
) -> None:
    """Getting below with levels x is getting above with levels 1/x and rates 1/(1+g) − 1."""
    assume(abs(math.log(a / b)) > 1e-6 and abs(math.log1p(ga) - math.log1p(gb)) > 1e-6)
    base = 2000
    low = trajectory(
        _annual({"US": {base: a}, "THEM": {base: b}}),
        "US",
        ["THEM"],
        model="plan",
        target_year=base + target,
        rates={"US": ga, "THEM": gb},
        higher_is_better=False,
    ).answers.iloc[0]
    high = trajectory(
        _annual({"US": {base: 1 / a}, "THEM": {base: 1 / b}}),
        "US",
        ["THEM"],
        model="plan",
        target_year=base + target,
        rates={"US": 1 / (1 + ga) - 1, "THEM": 1 / (1 + gb) - 1},
    ).answers.iloc[0]
    assert low["status"] == high["status"]
    assert low["crossing_time"] == pytest.approx(high["crossing_time"], rel=1e-6, nan_ok=True)
    if low["status"] == "catches_up":
        k = low["crossing_period"] - base
        margin = abs(math.log(b / a) - k * (math.log1p(gb) - math.log1p(ga)))
        assume(margin > 1e-9)
    assert low["crossing_period"] == pytest.approx(high["crossing_period"], nan_ok=True)
    # the gap has the sign of "behind" in both readings
    assert np.sign(low["gap"]) == np.sign(high["gap"])
    # the chaser growing at the required rate is level with the benchmark at the target
    r = low["required_rate"]
    assert a * (1 + r) ** target == pytest.approx(b * (1 + gb) ** target, rel=1e-9)


# --- one computation per model ------------------------------------------------------------

# Long enough that the back-tests give the ten errors per step a chance is made from.
_year_values = st.lists(st.floats(1.0, 1e4), min_size=12, max_size=14)


@settings(max_examples=30, deadline=None)
@given(ours=_year_values, theirs=_year_values,
       model=st.sampled_from(["naive", "cagr", "linear", "loglinear", "ets"]),
       ahead=st.integers(1, 8), higher=st.booleans())  # fmt: skip
def test_answers_agree_with_the_paths_they_come_from(
    ours: list[float], theirs: list[float], model: str, ahead: int, higher: bool
) -> None:
    """The chance is at least a half exactly when the projected point paths have the chaser
    level or ahead in the target year (both paths positive and as many steps ahead); the
    required rate reaches the benchmark's path."""
    annual, n = _paired(ours, theirs)
    base = 2014 + n
    result = trajectory(
        annual, "US", ["THEM"], model=model, target_year=base + ahead, rates={},
        higher_is_better=higher,
    )  # fmt: skip
    row = result.answers.iloc[0]
    assume(row["status"] != "no_projection" and not math.isnan(row["probability"]))
    assume(row["chaser_at_target"] > 0 and row["benchmark_at_target"] > 0)
    sign = 1 if higher else -1
    level = sign * (row["chaser_at_target"] - row["benchmark_at_target"]) >= 0
    assert (row["probability"] >= 0.5) == level or abs(row["probability"] - 0.5) < 1e-9
    paths = result.projection.set_index(["unit_code", "period"])["value"]
    assert row["benchmark_at_target"] == paths[("THEM", base + ahead)]
    if row["benchmark_at_target"] > 0:
        reached = row["chaser_value"] * (1 + row["required_rate"]) ** ahead
        assert reached == pytest.approx(row["benchmark_at_target"], rel=1e-9)
    # the headline year is where the drawn paths first meet
    if row["status"] == "catches_up":
        year = int(row["crossing_period"])
        assert sign * (paths[("US", year)] - paths[("THEM", year)]) >= -1e-9 * abs(
            paths[("THEM", year)]
        )


def _bands_hold(result) -> None:  # type: ignore[no-untyped-def]
    """Every band end is a number or missing, never unbounded, and the lower one below."""
    frame = result.projection
    if frame.empty:
        return
    ends = frame[["lower", "upper"]].to_numpy(dtype=float)
    assert not np.isinf(ends).any()
    given_ = frame.dropna(subset=["lower", "upper"])
    assert (given_["lower"] <= given_["upper"]).all()


def test_a_trend_that_dived_below_zero_in_back_tests_gives_no_unbounded_band() -> None:
    """Two noisy positive series whose linear back-test forecasts fell below zero five
    times (the benchmark's, from 2017, 2019 and 2020): those misses have no ratio, so the upper
    band they would set is not drawn rather than drawn to infinity."""
    years = range(2015, 2027)
    ours = [2012.8, 9882.2, 7583.3, 3598.5, 6415.5, 3810.4, 3815.5, 5038.5, 168.2, 4936.2,
            9716.0, 2855.4]  # fmt: skip
    theirs = [7482.4, 4428.4, 2093.6, 9050.1, 169.3, 3035.8, 9990.3, 2622.2, 8490.6, 6057.2,
              8060.6, 6303.5]  # fmt: skip
    steady = {  # two peers whose trends never dive: they bring the errors to 20 per step
        "P1": {y: 5000.0 + 300.0 * (y - 2015) for y in years},
        "P2": {y: 4000.0 * 1.04 ** (y - 2015) for y in years},
    }
    annual = _annual({"US": dict(zip(years, ours, strict=True)),
                      "THEM": dict(zip(years, theirs, strict=True)), **steady})  # fmt: skip
    with np.errstate(all="raise"):
        result = trajectory(annual, "US", ["THEM"], model="linear", target_year=2029, rates={})
    _bands_hold(result)
    # the five dives count as misses upward, the largest there are; the two of the
    # latest origins (2019 and 2020, three years ahead) calibrate the band, with the
    # peers' errors (twenty per step in all)
    pooled = pooled_errors(annual, "linear", ["US", "THEM"])
    dived = pooled[np.isposinf(pooled["error"])]
    assert sorted(dived[["origin", "step"]].values.tolist()) == [
        [2017, 1], [2017, 2], [2017, 3], [2019, 3], [2020, 3]
    ]  # fmt: skip
    assert (dived["forecast"] <= 0).all() and (dived["actual"] > 0).all()
    kept = result.calibration.errors
    assert {s: int(np.isposinf(e).sum()) for s, e in kept.items()} == {1: 0, 2: 0, 3: 2}
    assert 0.0 <= result.answers.iloc[0]["probability"] <= 1.0


_any_values = st.one_of(
    st.lists(st.floats(1.0, 1e4), min_size=12, max_size=14),
    st.lists(st.floats(-50.0, 50.0).map(lambda v: round(v, 2)), min_size=12, max_size=14),
)
"""Noisy levels, or rates that cross zero as reports give them (to two decimals)."""


@settings(max_examples=60, deadline=None)
@given(ours=_any_values, theirs=_any_values,
       model=st.sampled_from(["naive", "cagr", "linear", "loglinear", "ets"]),
       ahead=st.integers(1, 8))  # fmt: skip
def test_bands_and_chances_are_bounded_on_any_series(
    ours: list[float], theirs: list[float], model: str, ahead: int
) -> None:
    """Positive or not, noisy or steady: no band end is unbounded, no overflow is hidden in
    one, and a chance is a share or missing with its reason."""
    annual, n = _paired(ours, theirs)
    with np.errstate(over="raise"):
        result = trajectory(annual, "US", ["THEM"], model=model, target_year=2014 + n + ahead,
                            rates={})  # fmt: skip
    _bands_hold(result)
    row = result.answers.iloc[0]
    if math.isnan(row["probability"]):
        assert row["probability_note"] in PROBABILITY_NOTES[1:]
    else:
        assert 0.0 <= row["probability"] <= 1.0 and row["probability_note"] == ""


_rates = st.lists(st.floats(-20.0, 30.0).map(lambda v: round(v, 2)), min_size=12, max_size=14)


@settings(max_examples=40, deadline=None)
@given(ours=_rates, theirs=_rates)
def test_a_band_on_rates_that_cross_zero_is_points_within_what_the_rates_did(
    ours: list[float], theirs: list[float]
) -> None:
    """Carrying a growth rate forward misses by the difference of two rates seen, so the
    band never reaches further from the line than the rates' own range (widened by
    √(step / 3) past the three steps measured), never a multiple of a rate near zero."""
    assume(min(ours + theirs) <= 0)
    annual, n = _paired(ours, theirs)
    result = trajectory(annual, "US", ["THEM"], model="naive", target_year=2014 + n + 3, rates={})
    seen = ours[:n] + theirs[:n]
    spread = max(seen) - min(seen)
    frame = result.projection.dropna(subset=["lower", "upper"])
    widen = np.sqrt(np.maximum(frame["period"] - (2014 + n), 3) / 3)
    assert ((frame["value"] - frame["lower"]) <= spread * widen + 1e-9).all()
    assert ((frame["upper"] - frame["value"]) <= spread * widen + 1e-9).all()


def test_no_chance_without_a_track_record_and_each_says_why() -> None:
    """The what-if model has no errors to learn from; three years give a back-test of
    three one-step errors, too few for any model."""
    annual = _annual(
        {"US": {2018: 1.0, 2019: 1.2, 2020: 1.44}, "THEM": {2018: 2.0, 2019: 2.1, 2020: 2.205}}
    )
    for model, note in (("plan", "no_error_model"), ("cagr", "short_backtest")):
        result = trajectory(annual, "US", ["THEM"], model=model, target_year=2025, rates={})
        row = result.answers.iloc[0]
        assert math.isnan(row["probability"]) and row["probability_note"] == note
        assert result.projection[["lower", "upper"]].isna().all().all()
    # cagr: 20 % against 5 %: ln(2.205/1.44)/ln(1.2/1.05) = 0.42608/0.13353 = 3.19 → 2024
    row = trajectory(annual, "US", ["THEM"], model="cagr", target_year=2025, rates={}).answers.iloc[
        0
    ]
    assert (row["chaser_rate"], row["benchmark_rate"]) == pytest.approx((0.2, 0.05))
    assert row["crossing_period"] == 2024 and row["status"] == "catches_up"
