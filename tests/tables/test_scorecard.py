"""The composite scorecard, its standings and the year-on-year reward standings, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.rewards import compute_rewards, load_default_rules
from bxgc_metrics.tables.scorecard import (
    composite_standings,
    directions,
    reward_standings,
    scorecard,
)

INDICATORS = pd.DataFrame(
    {"code": ["REV", "ENE"], "direction": ["higher", "lower"], "frequency": ["M", "M"]}
)
"""Revenue (a year-to-date flow, higher is better) and energy per unit GDP (lower)."""


def _rows(indicator: str, kind: str, freq: str, year: int, sub: int, values: dict) -> list[dict]:
    return [
        {
            "unit_code": unit,
            "indicator_code": indicator,
            "freq": freq,
            "year": year,
            "sub": sub,
            "value_kind": kind,
            "value": float(value),
        }
        for unit, value in values.items()
    ]


def _city() -> pd.DataFrame:
    """Three units, two monthly indicators, 2026 targets; May and June 2026, June 2025."""
    rows = [
        *_rows("REV", "target", "Y", 2026, 0, {"A": 200, "B": 100, "C": 400}),
        *_rows("ENE", "target", "Y", 2026, 0, {"A": 0.5, "B": 0.5, "C": 0.4}),
        *_rows("REV", "actual", "M", 2026, 5, {"A": 80, "B": 50, "C": 180}),
        *_rows("ENE", "actual", "M", 2026, 5, {"A": 0.625, "B": 0.5, "C": 0.4}),
        *_rows("REV", "actual", "M", 2026, 6, {"A": 120, "B": 45, "C": 220}),
        *_rows("ENE", "actual", "M", 2026, 6, {"A": 0.5, "B": 0.4, "C": 0.5}),
        *_rows("REV", "actual", "M", 2025, 6, {"A": 100, "B": 50, "C": 200}),
        *_rows("ENE", "actual", "M", 2025, 6, {"A": 0.5, "B": 0.5, "C": 0.4}),
    ]
    return pd.DataFrame(rows)


# --- scorecard --------------------------------------------------------------------------


def test_scorecard_completion_matrix_by_hand() -> None:
    matrix = scorecard(_city(), INDICATORS, "M", year=2026, sub=6)
    assert list(matrix.index) == ["A", "B", "C"]
    assert list(matrix.columns) == ["REV", "ENE"]
    # REV (higher): 120 / 200 = 0.60; 45 / 100 = 0.45; 220 / 400 = 0.55
    assert matrix["REV"].tolist() == pytest.approx([0.60, 0.45, 0.55])
    # ENE (lower: target / value): 0.5 / 0.5 = 1.00; 0.5 / 0.4 = 1.25; 0.4 / 0.5 = 0.80
    assert matrix["ENE"].tolist() == pytest.approx([1.00, 1.25, 0.80])


def test_a_month_half_reported_makes_no_composite() -> None:
    """June 2026 without ENE, which was reported in June 2025: one of the month's two
    indicators is no composite (it would rank on revenue alone and call it 综合)."""
    city = _city()
    late = (city["indicator_code"] == "ENE") & (city["year"] == 2026) & (city["sub"] == 6)
    half = city[~late]
    assert scorecard(half, INDICATORS, "M", year=2026, sub=6).shape[1] == 0
    assert composite_standings(half, INDICATORS, "M", year=2026, sub=6).empty
    # a campaign of revenue alone still has its composite that month
    alone = INDICATORS[INDICATORS["code"] == "REV"]
    assert list(scorecard(half, alone, "M", year=2026, sub=6).columns) == ["REV"]
    # three indicators, two in: more than half, the composite is made of those two
    third = pd.DataFrame(
        _rows("JOB", "actual", "M", 2025, 6, {"A": 1, "B": 2, "C": 3})
        + _rows("JOB", "target", "Y", 2026, 0, {"A": 5, "B": 5, "C": 5})
    )
    three = pd.concat(
        [INDICATORS, pd.DataFrame({"code": ["JOB"], "direction": ["higher"], "frequency": ["M"]})]
    )
    made = scorecard(pd.concat([city, third]), three, "M", year=2026, sub=6)
    assert list(made.columns) == ["REV", "ENE"]


def test_scorecard_growth_matrix_by_hand() -> None:
    matrix = scorecard(_city(), INDICATORS, "M", year=2026, sub=6, by="growth")
    # REV 同比: 120 / 100 − 1 = 0.20; 45 / 50 − 1 = −0.10; 220 / 200 − 1 = 0.10
    assert matrix["REV"].tolist() == pytest.approx([0.20, -0.10, 0.10])
    # ENE 同比 (raw, not direction-flipped): 0.5/0.5 − 1 = 0; 0.4/0.5 − 1 = −0.2; 0.5/0.4 − 1 = 0.25
    assert matrix["ENE"].tolist() == pytest.approx([0.0, -0.20, 0.25])


def test_scorecard_peer_group_and_frequency_filter() -> None:
    matrix = scorecard(_city(), INDICATORS, "M", year=2026, sub=6, units=["A", "C"])
    assert list(matrix.index) == ["A", "C"]
    assert matrix["REV"].to_dict() == pytest.approx({"A": 0.60, "C": 0.55})
    assert matrix["ENE"].to_dict() == pytest.approx({"A": 1.0, "C": 0.8})
    # no indicator is reported quarterly: an empty matrix
    assert scorecard(_city(), INDICATORS, "Q", year=2026, sub=2).empty


def test_scorecard_drops_sparse_indicators_then_incomplete_units() -> None:
    rows = [
        *_rows("REV", "target", "Y", 2026, 0, {"D": 100}),
        *_rows("REV", "actual", "M", 2026, 6, {"D": 50}),  # D has no ENE figure
        *_rows("X", "target", "Y", 2026, 0, {"A": 2}),
        *_rows("X", "actual", "M", 2026, 6, {"A": 1}),  # X: 1 of 4 units (75 % missing)
    ]
    obs = pd.concat([_city(), pd.DataFrame(rows)], ignore_index=True)
    indicators = pd.concat(
        [INDICATORS, pd.DataFrame({"code": ["X"], "direction": ["higher"], "frequency": ["M"]})]
    )
    matrix = scorecard(obs, indicators, "M", year=2026, sub=6)
    # X is dropped (present for 1/4 <= 1/2); ENE is kept (3/4); D, missing ENE, is dropped
    assert list(matrix.columns) == ["REV", "ENE"]
    assert list(matrix.index) == ["A", "B", "C"]
    # a unit with a value but no target has no completion rate: missing, so dropped too
    city = _city()
    no_target = city[~((city["unit_code"] == "C") & (city["value_kind"] == "target"))]
    assert list(scorecard(no_target, INDICATORS, "M", year=2026, sub=6).index) == ["A", "B"]


def test_scorecard_keeps_an_indicator_missing_for_exactly_half() -> None:
    rows = [
        *_rows("X", "target", "Y", 2026, 0, {"A": 2, "B": 4}),
        *_rows("X", "actual", "M", 2026, 6, {"A": 1, "B": 1}),  # X for A and B, not C or D
        *_rows("REV", "target", "Y", 2026, 0, {"D": 100}),
        *_rows("REV", "actual", "M", 2026, 6, {"D": 50}),
        *_rows("ENE", "target", "Y", 2026, 0, {"D": 0.5}),
        *_rows("ENE", "actual", "M", 2026, 6, {"D": 0.5}),
    ]
    obs = pd.concat([_city(), pd.DataFrame(rows)], ignore_index=True)
    indicators = pd.concat(
        [INDICATORS, pd.DataFrame({"code": ["X"], "direction": ["higher"], "frequency": ["M"]})]
    )
    matrix = scorecard(obs, indicators, "M", year=2026, sub=6)
    # X is missing for 2 of 4 units, not more than half: kept, so C and D are dropped
    assert list(matrix.columns) == ["REV", "ENE", "X"]  # got ["REV", "ENE"]
    assert list(matrix.index) == ["A", "B"]
    assert matrix["X"].tolist() == pytest.approx([0.5, 0.25])  # 1 / 2, 1 / 4


def test_directions_completion_is_always_higher() -> None:
    assert directions(INDICATORS, "completion") == {"REV": True, "ENE": True}
    assert directions(INDICATORS, "growth") == {"REV": True, "ENE": False}


# --- composite standings ----------------------------------------------------------------


def test_composite_standings_ranks_and_rank_change_by_hand() -> None:
    table = composite_standings(_city(), INDICATORS, "M", year=2026, sub=6)
    # June, min-max per column (higher is better for completion):
    #   REV 0.60, 0.45, 0.55 → span 0.15 → A 1, B 0, C 0.10 / 0.15 = 2/3
    #   ENE 1.00, 1.25, 0.80 → span 0.45 → A 0.20 / 0.45 = 4/9, B 1, C 0
    #   equal weights: A (1 + 4/9) / 2 = 13/18 = 0.7222, B 1/2, C 1/3
    assert table["unit_code"].tolist() == ["A", "B", "C"]
    assert table["score"].tolist() == pytest.approx([13 / 18, 1 / 2, 1 / 3])
    assert table["rank"].tolist() == [1, 2, 3]
    # May (the previous month with data):
    #   REV 80/200 = 0.40, 50/100 = 0.50, 180/400 = 0.45 → A 0, B 1, C 0.5
    #   ENE 0.5/0.625 = 0.80, 0.5/0.5 = 1.00, 0.4/0.4 = 1.00 → A 0, B 1, C 1
    #   scores A 0, B 1, C 0.75 → ranks B 1, C 2, A 3
    assert table["previous_rank"].tolist() == [3, 1, 2]
    # rank_change = previous − now: A 3 − 1 = +2, B 1 − 2 = −1, C 2 − 3 = −1
    assert table["rank_change"].tolist() == [2, -1, -1]
    assert str(table["previous_rank"].dtype) == "Int64"
    assert list(table.columns) == [
        "unit_code", "score", "rank", "previous_rank", "rank_change", "band"
    ]  # fmt: skip
    assert table["band"].tolist() == ["top", "top", "top"]  # three units: all in the first three


def test_a_composite_move_is_counted_among_the_units_ranked_in_both_months() -> None:
    """B has not reported June yet. Among A and C, May read (min-max over the two):
    REV A 0.40 → 0, C 0.45 → 1; ENE A 0.80 → 0, C 1.00 → 1: C first, A second. June:
    REV A 0.60 → 1, C 0.55 → 0; ENE A 1.00 → 1, C 0.80 → 0: A first. A gained one place
    and C lost one; against May's three, A read ▲2 and C 0 (B's place counted)."""
    june_without_b = _city()
    june_without_b = june_without_b[
        ~((june_without_b["unit_code"] == "B") & (june_without_b["sub"] == 6))
    ]
    table = composite_standings(june_without_b, INDICATORS, "M", year=2026, sub=6)
    assert table["unit_code"].tolist() == ["A", "C"]
    assert table["previous_rank"].tolist() == [2, 1]
    assert table["rank_change"].tolist() == [1, -1]


def test_composite_standings_by_growth() -> None:
    table = composite_standings(_city(), INDICATORS, "M", year=2026, sub=6, by="growth")
    # REV yoy 0.20, −0.10, 0.10 → span 0.30 → A 1, B 0, C 0.20 / 0.30 = 2/3
    # ENE yoy 0, −0.20, 0.25, lower is better → (0.25 − x) / 0.45 → A 5/9, B 1, C 0
    # scores: A (1 + 5/9) / 2 = 7/9, B 1/2, C 1/3
    assert table.set_index("unit_code")["score"].to_dict() == pytest.approx(
        {"A": 7 / 9, "B": 1 / 2, "C": 1 / 3}
    )
    assert table["unit_code"].tolist() == ["A", "B", "C"]


def test_composite_standings_first_period_has_no_previous_rank() -> None:
    obs = _city()
    obs = obs[obs["year"] == 2026]
    table = composite_standings(obs, INDICATORS, "M", year=2026, sub=5)
    # May alone: B 1, C 0.75, A 0 (see above)
    assert table["unit_code"].tolist() == ["B", "C", "A"]
    assert table["previous_rank"].isna().all() and table["rank_change"].isna().all()


def test_composite_standings_peer_group_ties_share_the_better_place() -> None:
    table = composite_standings(_city(), INDICATORS, "M", year=2026, sub=6, units=["A", "B"])
    # REV A 0.60 > B 0.45 → A 1, B 0; ENE A 1.00 < B 1.25 → A 0, B 1; both score 0.5
    assert table["score"].tolist() == pytest.approx([0.5, 0.5])
    assert table["rank"].tolist() == [1, 1]
    assert table["unit_code"].tolist() == ["A", "B"]  # ties ordered by code
    # May among A and B: REV A 0, B 1; ENE A 0, B 1 → B 1, A 2
    assert table["previous_rank"].tolist() == [2, 1]
    assert table["rank_change"].tolist() == [1, 0]


def test_zero_weight_equals_ranking_on_the_other_indicator_alone() -> None:
    zeroed = composite_standings(
        _city(), INDICATORS, "M", year=2026, sub=6, options={"weights": {"REV": 1.0, "ENE": 0.0}}
    )
    alone = composite_standings(
        _city(), INDICATORS[INDICATORS["code"] == "REV"], "M", year=2026, sub=6
    )
    pd.testing.assert_frame_equal(zeroed, alone)
    # REV alone: June A 1, C 2/3, B 0; May 0.40, 0.50, 0.45 → B 1, C 2, A 3
    assert zeroed["unit_code"].tolist() == ["A", "C", "B"]
    assert zeroed["score"].tolist() == pytest.approx([1.0, 2 / 3, 0.0])
    assert zeroed["previous_rank"].tolist() == [3, 2, 1]
    assert zeroed["rank_change"].tolist() == [2, 0, -2]


def test_custom_weights_by_hand() -> None:
    table = composite_standings(
        _city(), INDICATORS, "M", year=2026, sub=6, options={"weights": {"REV": 1.0, "ENE": 3.0}}
    )
    # weights rescale to 1/4 and 3/4: A 1/4 + 3/4 × 4/9 = 7/12; B 3/4; C 1/4 × 2/3 = 1/6
    assert table.set_index("unit_code")["score"].to_dict() == pytest.approx(
        {"A": 7 / 12, "B": 3 / 4, "C": 1 / 6}
    )
    assert table["unit_code"].tolist() == ["B", "A", "C"]


def test_previous_period_does_not_depend_on_indicator_order() -> None:
    rows = [
        *_rows("X", "target", "Y", 2026, 0, {"A": 2}),
        *_rows("X", "actual", "M", 2026, 3, {"A": 1}),
        *_rows("X", "actual", "M", 2026, 6, {"A": 1}),
    ]
    obs = pd.concat([_city(), pd.DataFrame(rows)], ignore_index=True)
    x = pd.DataFrame({"code": ["X"], "direction": ["higher"], "frequency": ["M"]})
    x_last = composite_standings(obs, pd.concat([INDICATORS, x]), "M", year=2026, sub=6)
    x_first = composite_standings(obs, pd.concat([x, INDICATORS]), "M", year=2026, sub=6)
    assert x_last["rank_change"].tolist() == [2, -1, -1]  # against May, as without X
    # got previous_rank [1, <NA>, <NA>]: March, where only A has (X) data
    pd.testing.assert_frame_equal(x_first, x_last)


# --- reward standings and rewards -------------------------------------------------------


def _five_units() -> pd.DataFrame:
    """Five units, one monthly indicator with a target of 100 in both years.

    Completion = YTD / 100.
    June 2025: A .50 B .40 C .45 D .60 E .30 → D 1, A 2, C 3, B 4, E 5
    Dec. 2025: A .90 B 1.0 C 1.1 D 1.2 E .80 → D 1, C 2, B 3, A 4, E 5
    June 2026: A .40 B .55 C .45 D .50 E .35 → B 1, D 2, C 3, A 4, E 5
    July 2026: E leads (not an assessment month)
    Dec. 2026: A .90 B 1.0 C 1.1 D 1.2 E 1.15 → D 1, E 2, C 3, B 4, A 5
    """
    units = "ABCDE"
    table = {
        (2025, 6): [50, 40, 45, 60, 30],
        (2025, 12): [90, 100, 110, 120, 80],
        (2026, 6): [40, 55, 45, 50, 35],
        (2026, 7): [50, 60, 55, 58, 99],
        (2026, 12): [90, 100, 110, 120, 115],
    }
    rows = [
        row
        for (year, month), values in table.items()
        for row in _rows("REV", "actual", "M", year, month, dict(zip(units, values, strict=True)))
    ]
    for year in (2025, 2026):
        rows += _rows("REV", "target", "Y", year, 0, dict.fromkeys(units, 100))
    return pd.DataFrame(rows)


REV_ONLY = INDICATORS[INDICATORS["code"] == "REV"]


def test_reward_standings_half_year_compares_june_with_june() -> None:
    table = reward_standings(_five_units(), REV_ONLY, 2026, period_kind="half")
    assert list(table.columns) == ["unit", "rank", "previous_rank"]
    got = table.set_index("unit")
    assert got["rank"].to_dict() == {"A": 4, "B": 1, "C": 3, "D": 2, "E": 5}
    assert got["previous_rank"].to_dict() == {"A": 2, "B": 4, "C": 3, "D": 1, "E": 5}


def test_reward_standings_year_end_compares_december_with_december() -> None:
    got = reward_standings(_five_units(), REV_ONLY, 2026, period_kind="year").set_index("unit")
    assert got["rank"].to_dict() == {"A": 5, "B": 4, "C": 3, "D": 1, "E": 2}
    assert got["previous_rank"].to_dict() == {"A": 4, "B": 3, "C": 2, "D": 1, "E": 5}


def test_year_end_rewards_by_hand() -> None:
    standings = reward_standings(_five_units(), REV_ONLY, 2026, period_kind="year")
    result = compute_rewards(load_default_rules(), standings, "year")
    totals = result.totals.set_index("unit")
    # E: 5th → 2nd, 3 places × 2,000 + second place 6,000 = 12,000 元 and 1 point
    # D: stays 1st, 10,000 元 and 1.5 points; C: 2nd → 3rd, no gain, third place 3,000 + 0.5
    # B: 3rd → 4th and A: 4th → 5th earn nothing (losses are not fined)
    assert totals["amount_yuan"].to_dict() == {
        "A": 0.0,
        "B": 0.0,
        "C": 3000.0,
        "D": 10000.0,
        "E": 12000.0,
    }
    assert totals["points"].to_dict() == {"A": 0.0, "B": 0.0, "C": 0.5, "D": 1.5, "E": 1.0}
    gain = result.items[result.items["rule_id"] == "gain_year"]
    assert gain[["unit", "amount_yuan"]].values.tolist() == [["E", 6000.0]]


def test_half_year_rewards_by_hand() -> None:
    standings = reward_standings(_five_units(), REV_ONLY, 2026, period_kind="half")
    totals = compute_rewards(load_default_rules(), standings, "half").totals.set_index("unit")
    # B: 4th → 1st, 3 × 1,000 + 5,000 = 8,000; D: 1st → 2nd, 3,000; C: 3rd → 3rd, 1,500
    # A: 2nd → 4th and E: 5th → 5th, nothing; no points at half-year
    assert totals["amount_yuan"].to_dict() == {
        "A": 0.0,
        "B": 8000.0,
        "C": 1500.0,
        "D": 3000.0,
        "E": 0.0,
    }
    assert (totals["points"] == 0).all()


def test_reward_standings_new_unit_has_no_previous_rank() -> None:
    rows = [
        *_rows("REV", "actual", "M", 2026, 12, {"F": 130}),
        *_rows("REV", "target", "Y", 2026, 0, {"F": 100}),
    ]
    obs = pd.concat([_five_units(), pd.DataFrame(rows)], ignore_index=True)
    got = reward_standings(obs, REV_ONLY, 2026, period_kind="year").set_index("unit")
    # F leads with 1.30; everyone else moves down one place
    assert got["rank"].to_dict() == {"A": 6, "B": 5, "C": 4, "D": 2, "E": 3, "F": 1}
    assert pd.isna(got.loc["F", "previous_rank"])
    totals = compute_rewards(load_default_rules(), got.reset_index(), "year").totals
    # F: first place only, 10,000 and 1.5 points; E: 5th → 3rd, 2 × 2,000 + 3,000 = 7,000
    assert totals.set_index("unit")["amount_yuan"].to_dict() == {
        "A": 0.0,
        "B": 0.0,
        "C": 0.0,
        "D": 6000.0,
        "E": 7000.0,
        "F": 10000.0,
    }


# --- properties -------------------------------------------------------------------------


@given(
    data=st.lists(
        st.tuples(
            st.integers(1, 10_000), st.integers(1, 10_000), st.integers(1, 1000), st.integers(1, 9)
        ),
        min_size=2,
        max_size=7,
    )
)
def test_zero_weight_ranks_like_the_kept_indicator(data: list[tuple[int, int, int, int]]) -> None:
    """Any complete two-indicator city: weight 0 on ENE ranks by REV completion alone."""
    units = [f"U{i}" for i in range(len(data))]
    rows = []
    for unit, (rev, rev_target, ene, ene_target) in zip(units, data, strict=True):
        rows += _rows("REV", "actual", "M", 2026, 6, {unit: rev})
        rows += _rows("REV", "target", "Y", 2026, 0, {unit: rev_target})
        rows += _rows("ENE", "actual", "M", 2026, 6, {unit: ene / 10})
        rows += _rows("ENE", "target", "Y", 2026, 0, {unit: ene_target / 10})
    obs = pd.DataFrame(rows)
    table = composite_standings(
        obs, INDICATORS, "M", year=2026, sub=6, options={"weights": {"REV": 2.0, "ENE": 0.0}}
    ).set_index("unit_code")
    completion = pd.Series([rev / target for rev, target, _, _ in data], index=units)
    # the score is REV's min-max normalised completion (1 for all when REV is constant)
    span = completion.max() - completion.min()
    score = (completion - completion.min()) / span if span > 0 else completion * 0 + 1.0
    assert table["score"].to_dict() == pytest.approx(score.to_dict())
    # ranks as the completion rates alone, ties sharing the better place
    expected = completion.rank(method="min", ascending=False).astype("int64")
    assert table["rank"].astype("int64").to_dict() == expected.to_dict()
    # one period only: nobody has a previous rank
    assert table["rank_change"].isna().all()


def _pace_figures() -> tuple[pd.DataFrame, pd.DataFrame]:
    """October (time elapsed 10/12 = 83.33 %): A, B and C on two indicators, C without a
    figure for S; E is an energy cap (lower is better)."""
    rows = []
    for unit, r, s, e in (
        ("A", 82.35, 90.0, 80.0),
        ("B", 80.0, 70.0, 90.0),
        ("C", 95.0, None, 70.0),
    ):
        for code, value in (("R", r), ("S", s), ("E", e)):
            if value is not None:
                rows.append((unit, code, "M", 2026, 10, "actual", value))
            rows.append((unit, code, "Y", 2026, 0, "target", 100.0))
    obs = pd.DataFrame(
        rows, columns=["unit_code", "indicator_code", "freq", "year", "sub", "value_kind", "value"]
    )
    inds = pd.DataFrame(
        {
            "code": ["R", "S", "E"],
            "direction": ["higher", "higher", "lower"],
            "frequency": ["M"] * 3,
            "kind": ["flow"] * 3,
        }
    )
    return obs, inds


def test_the_pace_matrix_keeps_a_unit_that_lacks_one_indicator_and_reads_as_pace_does() -> None:
    """Every unit with a figure is in the matrix (C lacks S: NaN there, not dropped as a
    composite drops it); its gaps and verdicts are :func:`pace`'s, the energy cap's sign
    flipped (80 % of the cap used by October is 3.3 points ahead), A's R at −0.98 points on
    pace, B's R at −3.3 behind."""
    from bxgc_metrics.metrics.targets import pace_status
    from bxgc_metrics.tables.scorecard import pace_matrix

    obs, inds = _pace_figures()
    matrix = pace_matrix(obs, inds, "M", year=2026, sub=10)
    assert matrix.index.tolist() == ["A", "B", "C"]
    assert matrix.loc["A", "R"] == pytest.approx(82.35 - 250 / 3)
    assert np.isnan(matrix.loc["C", "S"]) and matrix.loc["C", "R"] == pytest.approx(35 / 3)
    assert matrix.loc["A", "E"] == pytest.approx(10 / 3)  # under the cap: ahead
    assert matrix.loc["B", "E"] == pytest.approx(-20 / 3)  # over it: behind
    verdicts = pd.DataFrame(
        pace_status(matrix.to_numpy()), index=matrix.index, columns=matrix.columns
    )
    assert verdicts.loc["A"].tolist() == ["on_pace", "ahead", "ahead"]
    assert verdicts.loc["B"].tolist() == ["behind", "behind", "behind"]
    assert verdicts.loc["C", "S"] == "unknown"
