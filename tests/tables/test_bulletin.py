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
    NO_COMPOSITE,
    NO_WARNING,
    bulletin,
    composite_line,
    honour_line,
    list_line,
    narrative,
    rankable,
    reward_kind,
    section,
    title,
    warning_line,
)
from bxgc_metrics.tables.scorecard import composite_standings, reward_standings
from bxgc_metrics.tables.standings import expected_units, members, standings
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


def test_every_unit_tied_with_the_last_listed_move_is_listed() -> None:
    """Four units each one place down: naming three of them, the first three by code, left
    the fourth out without a word, and it would dispute the list."""
    feb = {"A": 50, "B": 40, "C": 30, "D": 20, "E": 10}
    mar = {"A": 55, "B": 45, "C": 35, "D": 25, "E": 60}
    rows = []
    for unit in feb:
        rows += [
            (unit, "M", 2026, 2, "actual", float(feb[unit])),
            (unit, "M", 2026, 3, "actual", float(mar[unit])),
            (unit, "Y", 2026, 0, "target", 100.0),
        ]
    s = section(observations(rows, indicator="R"), INDICATOR, year=2026, sub=3)
    assert [(p.unit_code, p.rank_change) for p in s.falls] == [
        ("A", -1),
        ("B", -1),
        ("C", -1),
        ("D", -1),
    ]
    assert [(p.unit_code, p.rank_change) for p in s.gains] == [("E", 4)]
    names = {u: u for u in feb}
    assert all(u in narrative(s, names) for u in "ABCDE")


def test_the_narrative_by_hand() -> None:
    s = section(_obs(), INDICATOR, year=2026, sub=3)
    assert narrative(s, NAMES) == (
        "2026年1-3月，收入累计完成96.0万元，同比增长20.0%，完成全年目标的24.0%，"
        "低于时间进度1.0个百分点。"
        "排名前三位的是甲（40.0万元，完成率40.0%）、乙（25.0万元，完成率25.0%）、"
        "丙（20.0万元，完成率20.0%）。"
        "排名末位的是丁（11.0万元，完成率11.0%）。"  # four units: one in the last band
        "与上期相比，甲提高1个位次、乙提高1个位次，进位明显。"
        "丙下降2个位次，退位较多。"
        "丙、丁共2个单位未达到时间进度，需加快推进。"
    )


def _partly_reported() -> pd.DataFrame:
    """March as :data:`FIGURES` but 丙 and 丁 have not reported it; 丁 has no target."""
    obs = _obs()
    late = (obs["unit_code"].isin(["C", "D"])) & (obs["year"] == 2026) & (obs["sub"] == 3)
    no_target = (obs["unit_code"] == "D") & (obs["value_kind"] == "target")
    return obs[~late & ~no_target].reset_index(drop=True)


def test_a_unit_that_has_not_reported_is_named_not_counted_as_on_pace() -> None:
    s = section(_partly_reported(), INDICATOR, year=2026, sub=3, units=list(FIGURES))
    assert s.missing == ("C", "D")
    assert s.total == 65.0 and list(s.ranking["unit_code"]) == ["A", "B"]
    text = narrative(s, NAMES)
    assert text.startswith("2026年1-3月，收入已报送的2个单位累计完成65.0万元，")
    assert "排名前两位的是甲（40.0万元" in text and "排名前三位" not in text
    assert "丙、丁共2个单位未报送本期数据，未计入合计和排名。" in text
    assert text.endswith("已报送的单位均达到时间进度。")
    assert "各单位均达到时间进度" not in text


def test_a_month_nobody_has_reported_says_so_and_nothing_else() -> None:
    s = section(_obs(), INDICATOR, year=2026, sub=4, units=list(FIGURES))
    assert s.missing == ("A", "B", "C", "D") and s.ranking.empty
    assert narrative(s, NAMES) == "2026年1-4月，收入暂无数据：4个单位均未报送本期数据。"


def test_units_without_a_target_are_not_said_to_keep_pace() -> None:
    obs = _obs()
    obs = obs[~((obs["unit_code"] == "C") & (obs["value_kind"] == "target"))]
    s = section(obs, INDICATOR, year=2026, sub=3, units=list(FIGURES))
    assert s.missing == () and s.unpaced == ("C",)
    text = narrative(s, NAMES)
    assert "丙未下达全年目标，未对照时间进度。" in text
    assert "丁共1个单位未达到时间进度" in text


def test_on_pace_within_the_tolerance_is_explained() -> None:
    # 丁 at 24.5 of 100 at the end of March: 0.5 points behind 25 %, within the one-point band
    obs = _obs()
    d = (obs["unit_code"] == "D") & (obs["year"] == 2026) & (obs["sub"] == 3)
    obs.loc[d, "value"] = 24.5
    obs.loc[(obs["unit_code"] == "C") & (obs["sub"] == 3) & (obs["year"] == 2026), "value"] = 30.0
    s = section(obs, INDICATOR, year=2026, sub=3, units=list(FIGURES))
    assert s.behind == ()
    assert narrative(s, NAMES).endswith(
        "各单位均达到时间进度（低于时间进度不超过1个百分点的视为达到）。"
    )


def test_the_tolerance_is_explained_beside_the_units_behind_too() -> None:
    # 丁 0.5 points behind 25 % is counted as keeping pace, 丙 5 points behind is not: the
    # sentence naming those behind says why 丁 is not among them
    obs = _obs()
    obs.loc[(obs["unit_code"] == "D") & (obs["year"] == 2026) & (obs["sub"] == 3), "value"] = 24.5
    obs.loc[(obs["unit_code"] == "C") & (obs["year"] == 2026) & (obs["sub"] == 3), "value"] = 20.0
    s = section(obs, INDICATOR, year=2026, sub=3, units=list(FIGURES))
    assert s.behind == ("C",) and s.lenient
    assert narrative(s, NAMES).endswith(
        "丙共1个单位未达到时间进度（低于时间进度不超过1个百分点的视为达到），需加快推进。"
    )


def test_a_unit_that_never_reports_an_indicator_is_not_chased_for_it() -> None:
    # E is in the group but has never reported 收入: it is not "missing" this month
    s = section(_obs(), INDICATOR, year=2026, sub=3, units=[*FIGURES, "E"])
    assert s.missing == ()


def test_too_few_indicators_make_no_composite_and_no_honour_list() -> None:
    # Two indicators reported a year earlier, only one has March figures: the rankings page
    # says no composite can be made, so the bulletin prints no 红榜 either
    other = observations(
        [
            (u, "M", year, 2, "actual", 5.0 + i)
            for i, u in enumerate(FIGURES)
            for year in (2025, 2026)
        ]
        + [(u, "M", 2025, 3, "actual", 8.0 + i) for i, u in enumerate(FIGURES)]
        + [(u, "Y", 2026, 0, "target", 50.0) for u in FIGURES],
        indicator="S",
    )
    obs = pd.concat([_obs(), other], ignore_index=True)
    inds = pd.DataFrame(
        {"code": ["R", "S"], "name_zh": ["收入", "投资"], "measure": ["万元", "万元"],
         "direction": ["higher"] * 2, "kind": ["flow"] * 2, "frequency": ["M"] * 2}
    )  # fmt: skip
    units = pd.DataFrame(
        {"code": list(FIGURES), "name_zh": list(NAMES.values()), "kind": "街道", "peer_group": None}
    )
    assert composite_standings(obs, inds, "M", year=2026, sub=3).empty
    assert not composite_standings(obs, inds, "M", year=2026, sub=2).empty
    made = bulletin(obs, units=units, indicators=inds, year=2026, sub=3, date=dt.date(2026, 4, 5))
    assert made.composite.empty and made.honour == () and made.warning == ()
    assert honour_line(made, NAMES) == NO_COMPOSITE == warning_line(made, NAMES)
    feb = bulletin(obs, units=units, indicators=inds, year=2026, sub=2, date=dt.date(2026, 3, 5))
    assert honour_line(feb, NAMES) == list_line(feb.honour, NAMES) != ""


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


def test_a_bulletin_without_a_date_is_dated_today_where_the_campaign_is(
    demo: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undated, a bulletin takes today's date as every page and document does
    (:func:`bxgc_metrics.clock.today`: the configured zone, or ``BXGC_TODAY``), not the
    server's own calendar."""
    monkeypatch.setenv("BXGC_TODAY", "2026-11-20")
    made = bulletin(
        demo["store"].observations(),
        units=demo["units"],
        indicators=demo["indicators"],
        year=2026,
        sub=10,
    )
    assert made.date == dt.date(2026, 11, 20)


def _november(store: Store, reporting: int) -> pd.DataFrame:
    """The demo's observations with 2026年1-11月 of every indicator from the first
    ``reporting`` ranked units only (October's figures ×1.1)."""
    obs = store.observations()
    early = list(members(store.units()))[:reporting]
    october = obs[
        (obs["freq"] == "M") & (obs["year"] == 2026) & (obs["sub"] == 10)
        & (obs["value_kind"] == "actual") & obs["unit_code"].isin(early)
    ]  # fmt: skip
    november = october.assign(sub=11, value=october["value"] * 1.1)
    return pd.concat([obs, november], ignore_index=True)


@pytest.mark.parametrize("reporting", [2, 3, 4, 5, 7])
def test_the_honour_lists_of_a_partly_reported_month_are_the_composites_bands(
    demo_db_template, reporting: int
) -> None:  # type: ignore[no-untyped-def]
    """November from a few units only: the 红榜 is the composite's top band and the 黑榜
    its last band, so no unit is on both (with four, 东城街道 and 西城街道 were), and
    the units that have not reported every indicator are named as not ranked."""
    store = Store(demo_db_template)
    units, indicators = store.units(), store.indicators()
    obs = _november(store, reporting)
    made = bulletin(
        obs, units=units, indicators=indicators, year=2026, sub=11, date=dt.date(2026, 12, 5)
    )
    c = made.composite
    assert len(c) == reporting
    top = c[c["band"] == "top"].sort_values(["rank", "unit_code"])
    bottom = c[c["band"] == "bottom"].sort_values(["rank", "unit_code"], ascending=False)
    assert [p.unit_code for p in made.honour] == top["unit_code"].tolist()
    assert [p.unit_code for p in made.warning] == bottom["unit_code"].tolist()
    assert not {p.unit_code for p in made.honour} & {p.unit_code for p in made.warning}
    assert len(made.warning) == max(0, min(3, reporting - 3))
    if not made.warning:
        assert warning_line(made, NAMES) == NO_WARNING
    ranked = set(c["unit_code"])
    expected = expected_units(obs, rankable(indicators), year=2026, sub=11, units=members(units))
    everyone = sorted(set().union(*expected.values()))
    assert made.composite_missing == tuple(u for u in everyone if u not in ranked)
    assert len(made.composite_missing) == 16 - reporting
    names = dict(zip(units["code"], units["name_zh"], strict=True))
    line = composite_line(made, names)
    assert f"共{16 - reporting}个单位尚未报送全部指标" in line and "未参与综合排名" in line
    assert names[made.composite_missing[0]] in line


def test_a_month_every_unit_has_reported_names_no_one_as_missing_the_composite(
    demo: dict,
) -> None:
    made, units = demo["b"], demo["units"]
    names = dict(zip(units["code"], units["name_zh"], strict=True))
    assert made.composite_missing == () and composite_line(made, names) == ""


def test_a_unit_that_reported_every_figure_is_never_said_not_to_have(demo_db_template) -> None:  # type: ignore[no-untyped-def]
    """东城街道 reported all of October but has no 2026 target for one indicator, so the
    composite (by completion) cannot score it: it is not among the units said not to have
    reported every indicator."""
    store = Store(demo_db_template)
    obs = store.observations()
    no_target = (
        (obs["unit_code"] == "JD01")
        & (obs["indicator_code"] == "GBR")
        & (obs["value_kind"] == "target")
    )
    units, indicators = store.units(), store.indicators()
    made = bulletin(
        obs[~no_target], units=units, indicators=indicators, year=2026, sub=10,
        date=dt.date(2026, 11, 5),
    )  # fmt: skip
    assert "JD01" not in set(made.composite["unit_code"])
    assert made.composite_missing == ()
    names = dict(zip(units["code"], units["name_zh"], strict=True))
    assert composite_line(made, names) == ""
