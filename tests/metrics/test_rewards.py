"""Rewards from plan four's rules table, computed by hand and itemised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.rewards import (
    ITEM_COLUMNS,
    RULE_COLUMNS,
    TOTAL_COLUMNS,
    Rewards,
    compute_rewards,
    load_default_rules,
)

RULES = load_default_rules()


def standings(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "rank", "previous_rank"])


def total(result: Rewards, unit: str) -> tuple[float, float, bool]:
    row = result.totals.set_index("unit").loc[unit]
    return row["amount_yuan"], row["points"], bool(row["excellent_allowed"])


def test_default_rules_are_plan_fours() -> None:
    assert list(RULES.columns) == RULE_COLUMNS
    by_id = RULES.set_index("rule_id")
    assert by_id.loc[["top_half_1", "top_half_2", "top_half_3"], "amount_yuan"].tolist() == [
        5000,
        3000,
        1500,
    ]
    assert by_id.loc[["top_year_1", "top_year_2", "top_year_3"], "amount_yuan"].tolist() == [
        10000,
        6000,
        3000,
    ]
    assert by_id.loc[["criticism_city", "criticism_province"], "fraction"].tolist() == [0.1, 0.2]
    assert by_id.loc["single_award", ["amount_min_yuan", "amount_max_yuan"]].tolist() == [
        5000,
        10000,
    ]


@pytest.mark.parametrize(
    ("period_kind", "rank", "previous", "amount", "points"),
    [
        ("year", 2, 5, 3 * 2000 + 6000, 1.0),  # the brief's example
        ("year", 1, 1, 10000, 1.5),
        ("year", 3, 4, 2000 + 3000, 0.5),
        ("year", 4, 9, 5 * 2000, 0.0),
        ("year", 7, 2, 0, 0.0),  # losing places is not fined
        ("year", 2, np.nan, 6000, 1.0),  # not ranked last year: no gain reward
        ("half", 1, 4, 3 * 1000 + 5000, 0.0),
        ("half", 3, 3, 1500, 0.0),
        ("half", 5, 8, 3 * 1000, 0.0),
    ],
)
def test_single_unit_hand_cases(
    period_kind: str, rank: int, previous: float, amount: float, points: float
) -> None:
    result = compute_rewards(RULES, standings([("A", rank, previous)]), period_kind)
    assert total(result, "A") == (amount, points, True)
    assert list(result.totals.columns) == TOTAL_COLUMNS
    assert list(result.items.columns) == ITEM_COLUMNS
    assert result.items["amount_yuan"].sum() == amount


def test_items_explain_each_amount_in_both_languages() -> None:
    result = compute_rewards(RULES, standings([("A", 2, 5)]), "year")
    items = result.items
    assert items["rule_id"].tolist() == ["gain_year", "top_year_2"]
    assert items["amount_yuan"].tolist() == [6000.0, 6000.0]
    assert items["description_zh"].tolist() == [
        "年终考核排名同比每上升一个名次奖励（上升3位×2000元）",
        "年终考核排名第二（第2名）",
    ]
    assert "up 3 places × 2000 yuan" in items["description_en"].iloc[0]


def test_single_item_awards_within_and_outside_the_range() -> None:
    awards = pd.DataFrame({"unit": ["A", "Z"], "amount_yuan": [5000.0, 10000.0]})
    result = compute_rewards(RULES, standings([("A", 9, 9)]), "year", awards=awards)
    assert total(result, "A")[0] == 5000 and total(result, "Z")[0] == 10000
    for bad in (4999.0, 12000.0):
        with pytest.raises(ValueError, match="outside 5000-10000"):
            compute_rewards(
                RULES,
                standings([("A", 9, 9)]),
                "year",
                awards=pd.DataFrame({"unit": ["A"], "amount_yuan": [bad]}),
            )


def test_criticism_docks_the_year_end_reward_or_a_given_base() -> None:
    table = standings([("A", 1, 1), ("B", 2, 5), ("C", 6, 6)])
    criticisms = pd.DataFrame({"unit": ["A", "B", "B"], "level": ["city", "city", "province"]})
    result = compute_rewards(RULES, table, "year", criticisms=criticisms)
    assert total(result, "A") == (9000.0, 1.5, False)  # 10,000 less 10 %
    assert total(result, "B") == (8400.0, 1.0, False)  # 12,000 less 10 % + 20 %
    assert total(result, "C") == (0.0, 0.0, True)
    based = compute_rewards(
        RULES, table, "year", criticisms=criticisms, base_bonus={"A": 50000.0, "B": 20000.0}
    )
    assert total(based, "A")[0] == 10000 - 5000
    assert total(based, "B")[0] == 12000 - 2000 - 4000


def test_docking_is_capped_at_the_whole_bonus() -> None:
    criticisms = pd.DataFrame({"unit": ["A"] * 6, "level": ["province"] * 6})  # 120 %
    result = compute_rewards(RULES, standings([("A", 1, 1)]), "year", criticisms=criticisms)
    assert total(result, "A") == (0.0, 1.5, False)


def test_refusals() -> None:
    criticisms = pd.DataFrame({"unit": ["A"], "level": ["city"]})
    with pytest.raises(ValueError, match="annual bonus"):
        compute_rewards(RULES, standings([("A", 1, 1)]), "half", criticisms=criticisms)
    with pytest.raises(ValueError, match="no criticism rule"):
        compute_rewards(
            RULES,
            standings([("A", 1, 1)]),
            "year",
            criticisms=pd.DataFrame({"unit": ["A"], "level": ["county"]}),
        )
    with pytest.raises(ValueError, match="period_kind"):
        compute_rewards(RULES, standings([("A", 1, 1)]), "quarter")


def test_edited_rules_change_the_outcome_and_inputs_stay_untouched() -> None:
    rules = RULES.copy()
    rules.loc[rules["rule_id"] == "gain_year", "amount_yuan"] = 2500.0
    table = standings([("A", 2, 5)])
    before = (rules.copy(), table.copy())
    assert total(compute_rewards(rules, table, "year"), "A")[0] == 3 * 2500 + 6000
    pd.testing.assert_frame_equal(rules, before[0])
    pd.testing.assert_frame_equal(table, before[1])


TOP_YEAR = {1: (10000.0, 1.5), 2: (6000.0, 1.0), 3: (3000.0, 0.5)}


@given(st.lists(st.tuples(st.integers(1, 40), st.integers(1, 40)), min_size=1, max_size=40))
def test_year_end_totals_follow_the_rules(ranks: list[tuple[int, int]]) -> None:
    table = standings([(f"u{i}", now, before) for i, (now, before) in enumerate(ranks)])
    result = compute_rewards(RULES, table, "year")
    for i, (now, before) in enumerate(ranks):
        top_amount, top_points = TOP_YEAR.get(now, (0.0, 0.0))
        expected = 2000 * max(before - now, 0) + top_amount
        assert total(result, f"u{i}") == (expected, top_points, True)
    assert result.totals["amount_yuan"].sum() == pytest.approx(result.items["amount_yuan"].sum())


def test_nullable_ranks_from_the_store_are_accepted() -> None:
    table = pd.DataFrame(
        {
            "unit": ["A", "B", "C"],
            "rank": pd.array([2, 1, pd.NA], dtype="Int64"),
            "previous_rank": pd.array([5, pd.NA, 1], dtype="Int64"),
        }
    )
    result = compute_rewards(RULES, table, "year")
    assert result.totals["amount_yuan"].tolist() == [12000.0, 10000.0, 0.0]
    assert result.totals["points"].tolist() == [1.0, 1.5, 0.0]
