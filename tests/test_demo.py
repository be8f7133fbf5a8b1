"""The embedded demo data set: plan four exactly as stated, and a plausible demo city."""

from __future__ import annotations

import pandas as pd
import pytest

from bxgc_metrics.demo import PLAN4_BENCHMARK, PLAN4_GROWTH, PLAN4_OURS, PLAN4_REVENUE, build_demo
from bxgc_metrics.store import Store


def _plan4(store: Store, indicator: str) -> dict[tuple[str, int], tuple[str, float]]:
    obs = store.observations(indicator=indicator)
    return {(r.unit_code, r.year): (r.value_kind, r.value) for r in obs.itertuples()}


def test_plan_four_fiscal_revenue_is_stored_exactly_as_the_plan_states(demo_store: Store) -> None:
    assert _plan4(demo_store, PLAN4_REVENUE) == {
        (PLAN4_OURS, 2010): ("actual", 2.0),
        (PLAN4_OURS, 2011): ("plan", 3.2),
        (PLAN4_OURS, 2012): ("plan", 5.2),
        (PLAN4_BENCHMARK, 2010): ("actual", 2.9),
        (PLAN4_BENCHMARK, 2011): ("plan", 3.5),
        (PLAN4_BENCHMARK, 2012): ("plan", 4.2),
    }
    growth = {k: v for k, (_kind, v) in _plan4(demo_store, PLAN4_GROWTH).items()}
    assert growth == {
        (PLAN4_OURS, 2010): 56.0,
        (PLAN4_OURS, 2011): 60.0,
        (PLAN4_OURS, 2012): 60.0,
        (PLAN4_BENCHMARK, 2010): 15.0,
        (PLAN4_BENCHMARK, 2011): 16.0,
        (PLAN4_BENCHMARK, 2012): 15.0,
    }
    measure = demo_store.indicators().set_index("code").loc[PLAN4_REVENUE, "measure"]
    assert measure == "亿元"


def test_plan_four_other_targets_are_tracked(demo_store: Store) -> None:
    targets = demo_store.observations(unit=PLAN4_OURS, value_kind="target")
    got = dict(zip(targets["indicator_code"], targets["value"], strict=True))
    assert got == {
        "P4_HIGHRISE": 360,
        "P4_BIG_PROJ": 13,
        "P4_IND_INV": 50,
        "P4_LAND": 1200,
        "P4_RES_BLDG": 70,
        "P4_RES_AREA": 350000,
        "P4_HOUSEHOLDS": 2000,
        "P4_INFRA": 3,
    }


def test_demo_is_deterministic() -> None:
    first, second = build_demo(), build_demo()
    pd.testing.assert_frame_equal(first.observations, second.observations)
    pd.testing.assert_frame_equal(first.units, second.units)


def test_demo_city_shape() -> None:
    demo = build_demo()
    units = demo.units
    city = units[units["peer_group"].isin(["城区街道", "乡镇"])]
    assert len(city) == 16 and set(city["peer_group"]) == {"城区街道", "乡镇"}
    assert (units["kind"] == "外部标杆").sum() == 3  # two city benchmarks and plan four's
    monthly = demo.observations[demo.observations["freq"] == "M"]
    assert monthly["year"].min() == 2019 and monthly["year"].max() >= 2025
    assert set(demo.indicators["direction"]) == {"higher", "lower"}
    assert {"万元", "亿元", "个", "栋", "亩", "%"} <= set(demo.indicators["measure"])
    assert set(demo.indicators["kind"]) == {"flow", "stock", "rate"}
    assert units["is_demo"].all() and demo.indicators["is_demo"].all()


def test_cumulative_flows_never_fall_within_a_year() -> None:
    obs = build_demo().observations
    flows = obs[(obs["freq"] == "M") & obs["cumulative"] & (obs["indicator_code"] != "IVA_G")]
    steps = (
        flows.sort_values("sub").groupby(["unit_code", "indicator_code", "year"])["value"].diff()
    )
    assert (steps.dropna() >= 0).all()


def test_annual_targets_are_reachable_but_not_trivial() -> None:
    obs = build_demo().observations
    dec = obs[(obs["sub"] == 12) & (obs["indicator_code"] == "GBR")].set_index(
        ["unit_code", "year"]
    )
    target = obs[(obs["value_kind"] == "target") & (obs["indicator_code"] == "GBR")]
    ratio = dec["value"] / target.set_index(["unit_code", "year"])["value"]
    assert 0.8 < ratio.median() < 1.2
    assert (ratio > 1).any() and (ratio < 1).any()  # some units make it, some do not


@pytest.mark.parametrize("table", ["benchmark_pairs", "gaps", "phases", "milestones"])
def test_campaign_tables_are_loaded(demo_store: Store, table: str) -> None:
    assert len(demo_store.table(table)) >= 4


def test_plan_three_has_four_dated_phases(demo_store: Store) -> None:
    phases = demo_store.table("phases")
    phases = phases[phases["campaign"].str.startswith("方案三")]
    assert len(phases) == 4
    assert str(phases["start_date"].min())[:10] == "2014-07-19"
    assert str(phases["end_date"].max())[:10] == "2014-08-21"


def test_the_demo_gaps_say_what_its_figures_show(demo_store: Store) -> None:
    """A gap is typed text beside figures: the demo's must not contradict them. JD03's
    funds attracted are short of nine tenths of 东城街道's (82 % and 88 % at October,
    2025 and 2026); 东城街道's energy per unit of GDP is below 东湖区's (lower is better)
    but fell less over 2025 (1.9 % against 8.7 %)."""
    gaps = demo_store.table("gaps").set_index("indicator_code")["gap"]
    fdi = demo_store.observations(indicator="FDI", value_kind="actual")
    october = fdi[(fdi["freq"] == "M") & (fdi["sub"] == 10) & (fdi["year"] >= 2025)]
    share = october.pivot_table(index="year", columns="unit_code", values="value")
    ratio = share["JD03"] / share["JD01"]
    assert ratio.between(0.8, 0.9).all(), ratio
    assert gaps["FDI"] == "招商引资到位资金不足东城街道的九成"
    energy = demo_store.observations(indicator="ENERGY", value_kind="actual")
    by = energy.pivot_table(index="year", columns="unit_code", values="value")
    assert by.loc[2025, "JD01"] < by.loc[2025, "EXT_DH"]
    fell = 1 - by.loc[2025] / by.loc[2024]
    assert fell["JD01"] == pytest.approx(0.019, abs=0.001) and fell["EXT_DH"] > 0.08
    assert gaps["ENERGY"] == "单位GDP能耗降幅小于东湖区"
