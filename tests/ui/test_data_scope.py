"""The pages' loaders read only the rows a view needs; their answers equal the metrics run
on every stored observation.

Pages never load the whole observations table (on a city-wide database it is millions of
figures). Each loader in :mod:`bxgc_ui.data` asks the store for a scope — a few periods of
a few indicators — and runs the same metric on it. These tests run each loader beside the
metric on the full table of the demo database, at ordinary months, at January (whose
previous period is last December) and at a month with a hole before it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.metrics.audit import audit_plan
from bxgc_metrics.metrics.campaign import look_back
from bxgc_metrics.store import Store
from bxgc_metrics.tables import progress
from bxgc_metrics.tables.scorecard import (
    composite_standings,
    composite_unreported,
    pace_matrix,
    reward_standings,
    scorecard,
)
from bxgc_metrics.tables.standings import (
    expected_units,
    members,
    peer_groups,
    race_frames,
    standings,
    unreported,
)
from bxgc_metrics.tables.trajectory import annual_series, stated_plan
from bxgc_ui import data
from bxgc_ui.ranking_labels import rankable
from bxgc_ui.views.catchup import indicator_names
from bxgc_ui.views.rankings import months
from tests.conftest import ROOT, admin_store

PERIODS = [(2026, 10), (2026, 1), (2025, 6), (2024, 12)]


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False
    )


@pytest.fixture
def full(demo_store: Store) -> pd.DataFrame:
    return demo_store.observations()


@pytest.fixture
def key(demo_store: Store) -> tuple[str, int]:
    return str(demo_store.path), demo_store.data_version()


@pytest.mark.parametrize(("year", "sub"), PERIODS)
@pytest.mark.parametrize("by", ["completion", "growth"])
def test_standings_equal_the_full_table(
    year: int, sub: int, by: str, full: pd.DataFrame, key: tuple[str, int], demo_store: Store
) -> None:
    ranked = members(demo_store.units())
    for code in rankable(demo_store.indicators()).index:
        got = data.standings_of(
            *key, code, freq="M", year=year, sub=sub, by=by, higher_is_better=True, group="all"
        )
        _same(
            got,
            standings(
                full, code, "M", year=year, sub=sub, by=by, higher_is_better=True, units=ranked
            ),
        )
        assert len(got) > 0


@pytest.mark.parametrize(("year", "sub"), PERIODS)
def test_scorecard_composite_and_pace_equal_the_full_table(
    year: int, sub: int, full: pd.DataFrame, key: tuple[str, int], demo_store: Store
) -> None:
    inds = demo_store.indicators()
    group = peer_groups(demo_store.units())[0]
    chosen_units = members(demo_store.units(), group)
    for by in ("completion", "growth"):
        want = scorecard(full, inds, "M", year=year, sub=sub, by=by, units=chosen_units)
        got = data.scorecard_of(*key, year, sub=sub, by=by, group=group)
        pd.testing.assert_frame_equal(got, want)
        assert got.shape[1] >= 2
    options = (("aggregation", "topsis"), ("normalisation", "minmax"), ("weights", "entropy"))
    got = data.composite_of(*key, year, sub=sub, by="completion", group=group, options=options)
    want = composite_standings(
        full, inds, "M", year=year, sub=sub, units=chosen_units, options=dict(options)
    )
    _same(got, want)
    assert got["previous_rank"].notna().all()
    chosen = inds[(inds["frequency"] == "M") & (inds["kind"] != "rate")]
    pd.testing.assert_frame_equal(
        data.pace_matrix_of(*key, "M", year=year, sub=sub, group=group),
        pace_matrix(full, chosen, "M", year=year, sub=sub, units=chosen_units),
    )


@pytest.mark.parametrize(("year", "kind"), [(2025, "half"), (2025, "year"), (2024, "year")])
def test_reward_ranks_equal_the_full_table(
    year: int, kind: str, full: pd.DataFrame, key: tuple[str, int], demo_store: Store
) -> None:
    got = data.reward_ranks_of(*key, year, kind=kind, by="completion", group="all")
    ranked = members(demo_store.units())
    want = reward_standings(full, demo_store.indicators(), year, period_kind=kind, units=ranked)
    _same(got, want)
    assert got["previous_rank"].notna().any()


def test_race_annual_stated_and_periods_equal_the_full_table(
    full: pd.DataFrame, key: tuple[str, int], demo_store: Store
) -> None:
    inds = demo_store.indicators().set_index("code")
    for code in rankable(inds.reset_index()).index:
        _same(
            data.race_of(*key, code, by="growth", higher_is_better=True, group="all"),
            race_frames(
                full, code, "growth", higher_is_better=True, units=members(demo_store.units())
            ),
        )
        assert data.latest_period(*key, code) == progress.latest_period(full, code)
        assert months(data.actual_periods(*key), code) == months(full, code)
    for code in inds.index:
        frequency = inds.loc[code, "frequency"]
        _same(data.annual(*key, code, frequency=frequency), annual_series(full, code, frequency))
    got = data.stated_of(
        *key, "P4_FISCAL_REV", growth="P4_FISCAL_GROWTH", units=("P4_OURS", "P4_BENCH")
    )
    _same(
        got, stated_plan(full, "P4_FISCAL_REV", "P4_FISCAL_GROWTH", units=["P4_OURS", "P4_BENCH"])
    )
    assert got["value"].notna().any()
    verdict, flags = data.plan_audit_of(
        *key, "P4_FISCAL_REV", growth="P4_FISCAL_GROWTH", units=("P4_OURS", "P4_BENCH"), higher=True
    )
    assert verdict == (2012, 5.2, 4.2)  # plan four: "2012年我街道将全面赶超"
    _same(
        flags,
        audit_plan(
            stated_plan(full, "P4_FISCAL_REV", "P4_FISCAL_GROWTH", units=["P4_OURS", "P4_BENCH"])
        ),
    )
    assert len(flags) == 3
    for unit in demo_store.units()["code"]:
        assert indicator_names(inds.reset_index(), data.coverage(*key), unit) == indicator_names(
            inds.reset_index(), full, unit
        )


def test_look_back_equals_the_full_table(full: pd.DataFrame, key: tuple[str, int]) -> None:
    gaps = data.table(*key, "gaps")
    promised = gaps[gaps["indicator_code"].notna()]
    years = promised["promised_year"].dropna()
    scope = data.gap_observations(
        *key,
        tuple(promised["unit_code"].unique()),
        indicators=tuple(promised["indicator_code"].unique()),
        years=(int(years.min()), int(years.max())),
    )
    got, want = look_back(promised, scope, {}), look_back(promised, full, {})
    _same(got, want)
    assert got["latest_value"].notna().any()


def test_previous_period_skips_a_missing_month(demo_store: Store, demo_db: Path) -> None:
    """December figures with no November: December's moves compare with October."""
    october = demo_store.observations_in(
        indicators=["FAI"], value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)]
    )
    rng = np.random.default_rng(3)
    december = october.assign(sub=12, value=october["value"] * rng.uniform(1.1, 1.4, len(october)))
    admin_store(demo_db).write_observations(december, file_name="december.csv")
    key = (str(demo_db), demo_store.data_version())
    got = data.standings_of(
        *key,
        "FAI",
        freq="M",
        year=2026,
        sub=12,
        by="completion",
        higher_is_better=True,
        group="all",
    )
    ranked = members(demo_store.units())
    _same(got, standings(demo_store.observations(), "FAI", "M", year=2026, sub=12, units=ranked))
    assert got["previous_rank"].notna().all()
    assert (got["rank_change"] != 0).any()


def test_who_has_not_reported_equals_the_full_table(demo_db: Path) -> None:
    """One unit reported only from February to April 2026 (in October still expected, and
    named as not reported, with no figure in any period a ranking itself reads), one
    stopped after May 2025 (in October no longer expected; in June 2025 it is). What the
    pages say of each period, for every indicator and the composite, equals the rule run
    on every stored figure."""
    store = admin_store(demo_db)
    ranked = members(store.units())
    stopped, lapsed = ranked[0], ranked[1]
    con = duckdb.connect(str(demo_db))
    for unit, first, last in ((stopped, 202602, 202604), (lapsed, 0, 202505)):
        con.execute(
            "DELETE FROM observations WHERE unit_code = ? AND value_kind = 'actual'"
            " AND freq = 'M' AND CAST(year AS INTEGER) * 100 + sub NOT BETWEEN ? AND ?",
            [unit, first, last],
        )
    con.close()  # a database of this test's own: nothing has read it yet
    full, key = store.observations(), (str(demo_db), store.data_version())
    options = (("aggregation", "weighted_sum"), ("normalisation", "minmax"), ("weights", "equal"))
    said: dict[tuple[int, int], set[str]] = {}
    for year, sub in PERIODS:
        current = full[(full["freq"] == "M") & (full["year"] == year) & (full["sub"] == sub)]
        said[(year, sub)] = set()
        for code in rankable(store.indicators()).index:
            expected = expected_units(full, [code], year=year, sub=sub, units=ranked)
            mine = expected.get(code, ())
            want = (unreported(current[current["indicator_code"] == code], mine), len(mine))
            got = data.unreported_of(*key, code, freq="M", year=year, sub=sub, group="all")
            assert got == want, (year, sub, code)
            said[(year, sub)].update(got[0])
        table = data.composite_of(
            *key, year, sub=sub, by="completion", group="all", options=options
        )
        want_c = composite_unreported(full, table, year=year, sub=sub, units=ranked)
        got_c = data.composite_unreported_of(
            *key, year, sub=sub, by="completion", group="all", options=options
        )
        assert got_c == want_c, (year, sub)
    assert said[(2026, 10)] == {stopped}
    assert said[(2025, 6)] == {lapsed}


def test_no_page_loads_the_whole_table(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page runs with the unscoped read disabled."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page read every observation")

    scoped = Store.observations_in
    reading_all: list[str] = []

    def only_in_scope(self: Store, **scope: object) -> pd.DataFrame:
        if all(v is None for v in scope.values()) and not reading_all:
            raise AssertionError("a page read every observation")
        return scoped(self, **scope)

    monkeypatch.setattr(Store, "observations", refuse)
    monkeypatch.setattr(Store, "observations_in", only_in_scope)
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    for page in sorted((ROOT / "pages").glob("*.py")):
        # The 数据质量 page alone reads every figure: its digit tests judge a unit over
        # all of them (once per data version, cached).
        reading_all[:] = ["quality"] if page.stem == "quality" else []
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["lang"] = "zh"
        at.run()
        at.switch_page(str(page.relative_to(ROOT))).run()
        assert not at.exception, (page.name, at.exception)
