"""The bulletin's figures and words: a hand-computed case, the demo, and the number words
against the pages' own formatting (``bxgc_ui.fmt``), so a document and a page never differ."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from bxgc_metrics import wording
from bxgc_metrics.metrics.rewards import compute_rewards, load_default_rules
from bxgc_metrics.store import Store
from bxgc_metrics.tables.bulletin import (
    bulletin,
    narrative,
    rankable,
    reward_kind,
    section,
    title,
)
from bxgc_metrics.tables.scorecard import composite_standings, reward_standings
from bxgc_metrics.tables.standings import members, standings
from bxgc_ui import fmt, ranking_labels
from tests.conftest import observations

# Four units, 万元, annual target 100 each.
#             2025-03  2026-02  2026-03   completion 03  rank 03  rank 02  move
#   A (甲)       32       20       40        .40           1        2      +1
#   B (乙)       20       10       25        .25           2        3      +1
#   C (丙)       20       30       20        .20           3        1      -2
#   D (丁)        8        5       11        .11           4        4       0
# Total 96 against 80 a year earlier: +20.0 %; 96 of 400 = 24.0 % against 3/12 = 25 %:
# 1.0 point behind. Pace (±1 point): A ahead, B on pace, C and D behind.
FIGURES = {"A": (32, 20, 40), "B": (20, 10, 25), "C": (20, 30, 20), "D": (8, 5, 11)}
NAMES = {"A": "甲", "B": "乙", "C": "丙", "D": "丁"}
INDICATOR = pd.Series(
    {"code": "R", "name_zh": "收入", "measure": "万元", "direction": "higher", "kind": "flow"}
)


def _obs() -> pd.DataFrame:
    rows = []
    for unit, (last_year, feb, mar) in FIGURES.items():
        rows += [
            (unit, "M", 2025, 3, "actual", float(last_year)),
            (unit, "M", 2026, 2, "actual", float(feb)),
            (unit, "M", 2026, 3, "actual", float(mar)),
            (unit, "Y", 2026, 0, "target", 100.0),
        ]
    return observations(rows, indicator="R")


def test_a_section_by_hand() -> None:
    s = section(_obs(), INDICATOR, year=2026, sub=3)
    assert s.period == "2026年1-3月"
    assert s.total == 96.0
    assert s.total_yoy == pytest.approx(0.2)
    assert s.total_completion == pytest.approx(0.24)
    assert s.pace_gap_pp == pytest.approx(-1.0)
    assert [(p.unit_code, p.rank, p.rank_change) for p in s.top] == [
        ("A", 1, 1),
        ("B", 2, 1),
        ("C", 3, -2),
    ]
    assert [p.unit_code for p in s.bottom] == ["D"]
    assert [p.unit_code for p in s.gains] == ["A", "B"]
    assert [(p.unit_code, p.rank_change) for p in s.falls] == [("C", -2)]
    assert s.behind == ("C", "D")
    pd.testing.assert_frame_equal(s.ranking, standings(_obs(), "R", "M", year=2026, sub=3))


def test_the_narrative_by_hand() -> None:
    s = section(_obs(), INDICATOR, year=2026, sub=3)
    assert narrative(s, NAMES) == (
        "2026年1-3月，收入累计完成96.0万元，同比增长20.0%，完成全年目标的24.0%，"
        "低于时间进度1.0个百分点。"
        "排名前三位的是甲（40.0万元，完成率40.0%）、乙（25.0万元，完成率25.0%）、"
        "丙（20.0万元，完成率20.0%）。"
        "排名后三位的是丁（11.0万元，完成率11.0%）。"
        "与上期相比，甲提高1个位次、乙提高1个位次，进位明显。"
        "丙下降2个位次，退位较多。"
        "丙、丁共2个单位未达到时间进度，需加快推进。"
    )


def test_a_name_is_printed_as_given() -> None:
    s = section(_obs(), INDICATOR, year=2026, sub=3)
    hostile = {"A": "{{ 7*7 }}<script>", "B": "{% raw %}"}
    text = narrative(s, hostile)
    assert "{{ 7*7 }}<script>（40.0万元" in text and "{% raw %}（25.0万元" in text


@pytest.mark.parametrize(("sub", "kind"), [(3, None), (6, "half"), (11, "half"), (12, "year")])
def test_the_assessment_a_month_has_reached(sub: int, kind: str | None) -> None:
    assert reward_kind(sub) == kind


@pytest.fixture(scope="module")
def demo(demo_db_template) -> dict:  # type: ignore[no-untyped-def]
    store = Store(demo_db_template)
    units, indicators = store.units(), store.indicators()
    made = bulletin(
        store.observations(),
        units=units,
        indicators=indicators,
        year=2026,
        sub=10,
        gaps=store.table("gaps"),
        rules=load_default_rules(),
        date=dt.date(2026, 11, 5),
    )
    return {"store": store, "units": units, "indicators": indicators, "b": made}


def test_the_demo_bulletin_is_the_pages_tables(demo: dict) -> None:
    b, obs = demo["b"], demo["store"].observations()
    ranked = members(demo["units"])
    inds = demo["indicators"].set_index("code")
    assert [s.indicator for s in b.sections] == rankable(demo["indicators"])
    for s in b.sections:
        higher = inds.loc[s.indicator, "direction"] == "higher"
        expected = standings(
            obs, s.indicator, "M", year=2026, sub=10, higher_is_better=higher, units=ranked
        )
        pd.testing.assert_frame_equal(s.ranking, expected)
        assert s.total == pytest.approx(expected["value"].sum())
        assert [p.unit_code for p in s.top] == list(
            expected.loc[expected["band"] == "top", "unit_code"]
        )
    composite = composite_standings(
        obs, demo["indicators"], "M", year=2026, sub=10, units=ranked, options=None
    )
    pd.testing.assert_frame_equal(b.composite, composite)
    assert [p.unit_code for p in b.honour] == list(composite["unit_code"].head(3))
    assert [p.unit_code for p in b.warning] == list(composite["unit_code"].tail(3))[::-1]
    ranks = reward_standings(obs, demo["indicators"], 2026, period_kind="half", units=ranked)
    expected_rewards = compute_rewards(load_default_rules(), ranks, "half")
    assert b.reward_kind == "half" and b.rewards is not None
    pd.testing.assert_frame_equal(b.rewards.totals, expected_rewards.totals)
    assert title(b) == "关于2026年1-10月比学赶超主要指标完成情况的通报"
    assert b.demo


@pytest.mark.parametrize("by", ["completion", "growth"])
def test_every_section_made_together_is_the_section_made_alone(demo: dict, by: str) -> None:
    """The bulletin makes every indicator's standings and progress in one pass; each
    section is field for field the one :func:`section` makes for that indicator alone."""
    store, inds = demo["store"], demo["indicators"].set_index("code", drop=False)
    obs, ranked = store.observations(), members(demo["units"])
    made = bulletin(
        obs, units=demo["units"], indicators=demo["indicators"], year=2026, sub=10, by=by,
        date=dt.date(2026, 11, 5),
    )  # fmt: skip
    assert len(made.sections) == len(rankable(demo["indicators"])) == 10
    for together in made.sections:
        alone = section(obs, inds.loc[together.indicator], year=2026, sub=10, by=by, units=ranked)
        for field in dataclasses.fields(together):
            got, expected = getattr(together, field.name), getattr(alone, field.name)
            if isinstance(got, pd.DataFrame):
                pd.testing.assert_frame_equal(got, expected)
            else:
                assert got == expected, field.name


def test_the_demo_overdue_items(demo: dict) -> None:
    # JD03's 新开工项目 (due 30 September) and XZ05's 征地拆迁 (31 August) are open and late;
    # XZ02's item is done, the others are due at the year's end
    overdue = demo["b"].overdue
    assert list(overdue["unit_code"]) == ["XZ05", "JD03"]
    assert list(overdue["days_left"]) == [-66, -36]


def test_the_demo_narratives_quote_the_sections(demo: dict) -> None:
    names = dict(zip(demo["units"]["code"], demo["units"]["name_zh"], strict=True))
    for s in demo["b"].sections:
        text = narrative(s, names)
        assert wording.amount(s.total, s.measure) in text
        for p in (*s.top, *s.bottom):
            assert f"{names[p.unit_code]}（{wording.amount(p.value, s.measure)}" in text


def test_rankable_is_the_rankings_pages_list(demo: dict) -> None:
    inds = demo["indicators"]
    assert rankable(inds) == list(ranking_labels.rankable(inds)["code"])


VALUES = [None, float("nan"), 0.0, 0.4, 5.0, 980.0, 4161.6, 9999.9, 10000.0, 759834.0, -20000.5]
MEASURES = ["元", "万元", "亿元", "%", "栋", "亩", "吨标准煤/万元"]


@pytest.mark.parametrize("measure", MEASURES)
def test_the_words_match_the_pages_formatting(measure: str) -> None:
    assert [wording.amount(v, measure) for v in VALUES] == [fmt.amount(v, measure) for v in VALUES]
    assert wording.amounts(VALUES, measure) == fmt.amounts(VALUES, measure)
    rates = [None, float("nan"), 0.085, -0.031, 0.9543, 0.0]
    assert [wording.pct(r) for r in rates] == [fmt.pct(r) for r in rates]
    assert [wording.pct(r, signed=False) for r in rates] == [
        fmt.pct(r, signed=False) for r in rates
    ]
    moves = [None, pd.NA, 2, -1, 0]
    assert [wording.arrow(m) for m in moves] == [ranking_labels.arrow(m) for m in moves]
