"""Plan audit: plan four's inconsistent compounding is caught, consistent plans pass."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.audit import AUDIT_COLUMNS, audit_plan, check_plan

PLAN_FOUR = pd.DataFrame(
    {
        "unit": ["ours"] * 3 + ["benchmark"] * 3,
        "period": [2010, 2011, 2012] * 2,
        "value": [2.0, 3.2, 5.2, 2.9, 3.5, 4.2],
        "growth": [0.56, 0.60, 0.60, 0.15, 0.16, 0.15],
    }
)


def test_plan_four_flags_exactly_the_three_inconsistent_lines() -> None:
    flagged = audit_plan(PLAN_FOUR, tolerance=0.01)
    assert list(flagged.columns) == AUDIT_COLUMNS
    assert flagged["stated"].tolist() == [3.5, 4.2, 5.2]
    assert flagged["period"].tolist() == [2011, 2012, 2012]
    np.testing.assert_allclose(flagged["previous"], [2.9, 3.5, 3.2])
    np.testing.assert_allclose(flagged["implied"], [3.364, 4.025, 5.12])
    # 3.5 / 3.364 - 1, 4.2 / 4.025 - 1, 5.2 / 5.12 - 1
    np.testing.assert_allclose(flagged["deviation"], [0.040428, 0.043478, 0.015625], atol=1e-6)
    # what the stated values really mean: 3.5 / 2.9 - 1 etc.
    np.testing.assert_allclose(flagged["implied_growth"], [0.206897, 0.2, 0.625], atol=1e-6)


def test_consistent_line_is_checked_but_not_flagged() -> None:
    checked = check_plan(PLAN_FOUR)
    assert len(checked) == 4  # the 2010 lines have no previous value
    ours_2011 = checked[(checked["unit"] == "ours") & (checked["period"] == 2011)].iloc[0]
    assert ours_2011["implied"] == pytest.approx(3.2)
    assert not ours_2011["flag"]


@pytest.mark.parametrize(("tolerance", "flagged"), [(0.01, 3), (0.016, 2), (0.05, 0), (0.0, 3)])
def test_tolerance_is_relative(tolerance: float, flagged: int) -> None:
    assert len(audit_plan(PLAN_FOUR, tolerance)) == flagged


def test_missing_growth_and_missing_years_are_not_checkable() -> None:
    plan = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "a"],
            "period": [2010, 2011, 2013, 2014],
            "value": [1.0, 9.0, 1.0, 9.0],
            "growth": [np.nan, np.nan, 0.1, 0.1],
        }
    )
    checked = check_plan(plan)
    assert checked["period"].tolist() == [2014]  # 2011 has no growth, 2013 no 2012 value
    assert audit_plan(plan)["period"].tolist() == [2014]


def test_input_is_not_mutated() -> None:
    before = PLAN_FOUR.copy()
    audit_plan(PLAN_FOUR)
    pd.testing.assert_frame_equal(PLAN_FOUR, before)


growth_lists = st.lists(st.floats(-0.5, 1.0), min_size=2, max_size=8)


@given(start=st.floats(0.1, 1000), rates=growth_lists, bump=st.floats(0.02, 0.5))
def test_compounded_plans_pass_and_a_bumped_line_is_the_one_flagged(
    start: float, rates: list[float], bump: float
) -> None:
    values = start * np.cumprod([1.0, *(1 + np.array(rates[1:]))])
    plan = pd.DataFrame(
        {"unit": "u", "period": range(2000, 2000 + len(rates)), "value": values, "growth": rates}
    )
    assert audit_plan(plan).empty
    bumped = plan.assign(value=plan["value"].where(plan.index != 1, values[1] * (1 + bump)))
    flagged = audit_plan(bumped)
    # the bumped line, and the next one whose base moved
    assert flagged["period"].tolist() == [2001, 2002][: min(2, len(rates) - 1)]
