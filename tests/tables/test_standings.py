"""Meeting-screen standings and race frames: hand-computed cases and properties."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.tables.standings import (
    RACE_COLUMNS,
    STANDINGS_COLUMNS,
    bands,
    previous_period,
    race_frames,
    standings,
    standings_by_indicator,
)
from tests.conftest import observations


def _obs(rows: list[tuple[str, str, int, int, str, float]]) -> pd.DataFrame:
    return observations(rows, indicator="R")


# Four units, year-to-date values (actual) and 2026 annual targets (target).
#            2025-01  2025-02  2026-01  2026-02  target 2026
#   A          10       25       10       30       100
#   B          20       50       30       40       200
#   C           4       10        5       15        50
#   D          10       12        8       12        80
# Completion 2026-01: A .10  B .15  C .10  D .10  -> B 1, A/C/D 2
# Completion 2026-02: A .30  B .20  C .30  D .15  -> A/C 1, B 3, D 4
# Growth 2026-01:     A 0    B +.5  C +.25 D -.2  -> B 1, C 2, A 3, D 4
# Growth 2026-02:     A +.2  B -.2  C +.5  D 0    -> C 1, A 2, D 3, B 4
VALUES = {
    "A": (10, 25, 10, 30, 100),
    "B": (20, 50, 30, 40, 200),
    "C": (4, 10, 5, 15, 50),
    "D": (10, 12, 8, 12, 80),
}
OBS = _obs(
    [
        row
        for unit, (a1, a2, b1, b2, target) in VALUES.items()
        for row in [
            (unit, "M", 2025, 1, "actual", float(a1)),
            (unit, "M", 2025, 2, "actual", float(a2)),
            (unit, "M", 2026, 1, "actual", float(b1)),
            (unit, "M", 2026, 2, "actual", float(b2)),
            (unit, "Y", 2026, 0, "target", float(target)),
        ]
    ]
)


def _cols(table: pd.DataFrame, *names: str) -> list[list[object]]:
    return table[list(names)].astype(object).values.tolist()


def test_completion_standings_with_ties_and_moves() -> None:
    table = standings(OBS, "R", "M", year=2026, sub=2, top=1, bottom=1)
    assert list(table.columns) == list(STANDINGS_COLUMNS)
    assert _cols(table, "unit_code", "rank", "previous_rank", "rank_change", "band") == [
        ["A", 1, 2, 1, "top"],
        ["C", 1, 2, 1, "top"],
        ["B", 3, 1, -2, "middle"],
        ["D", 4, 2, -2, "bottom"],
    ]
    assert table["completion"].round(4).tolist() == [0.3, 0.3, 0.2, 0.15]
    assert table["metric"].equals(table["completion"])


def test_growth_standings_follow_the_direction() -> None:
    table = standings(OBS, "R", "M", year=2026, sub=2, by="growth")
    assert _cols(table, "unit_code", "rank", "previous_rank", "rank_change") == [
        ["C", 1, 2, 1],
        ["A", 2, 3, 1],
        ["D", 3, 4, 1],
        ["B", 4, 1, -3],
    ]
    assert table["yoy"].round(4).tolist() == [0.5, 0.2, 0.0, -0.2]
    lower = standings(OBS, "R", "M", year=2026, sub=2, by="growth", higher_is_better=False)
    assert lower["unit_code"].tolist() == ["B", "D", "A", "C"]


def test_completion_is_already_direction_aware() -> None:
    # For a lower-is-better indicator completion is target/value; higher is still better.
    table = standings(OBS, "R", "M", year=2026, sub=2, higher_is_better=False)
    assert table["unit_code"].tolist() == ["D", "B", "A", "C"]  # 80/12, 200/40, 100/30, 50/15
    assert table["completion"].round(4).tolist() == [6.6667, 5.0, 3.3333, 3.3333]
    assert table["rank"].tolist() == [1, 2, 3, 3]


def test_a_peer_group_is_ranked_on_its_own() -> None:
    table = standings(OBS, "R", "M", year=2026, sub=2, units=["B", "D"])
    assert _cols(table, "unit_code", "rank", "previous_rank", "rank_change") == [
        ["B", 1, 1, 0],
        ["D", 2, 2, 0],
    ]


def test_a_move_is_counted_among_the_units_ranked_in_both_periods() -> None:
    """Only C and D have reported March: ranked 3rd and 4th of four in February, they are
    1st and 2nd of two now, which is no place gained. Against February's four, a wall
    projected the first morning after an import ▲2 and ▲2; among the two, D overtook C:
    D ▲1, C ▼1."""
    march = _obs(
        [
            *[(u, "M", 2026, 2, "actual", 10.0 * (4 - i)) for i, u in enumerate("ABCD")],
            ("C", "M", 2026, 3, "actual", 50.0),
            ("D", "M", 2026, 3, "actual", 60.0),
            *[(u, "Y", 2026, 0, "target", 100.0) for u in "ABCD"],
        ]
    )
    table = standings(march, "R", "M", year=2026, sub=3)
    assert _cols(table, "unit_code", "rank", "previous_rank", "rank_change") == [
        ["D", 1, 2, 1],
        ["C", 2, 1, -1],
    ]


def test_first_period_has_no_previous_rank() -> None:
    table = standings(OBS, "R", "M", year=2025, sub=1, by="growth")
    assert table["rank"].isna().all()  # no 2024 values: no growth to rank on
    assert table["band"].eq("unranked").all() and table["previous_rank"].isna().all()
    assert previous_period(OBS, "R", "M", year=2026, sub=1) == ("M", 2025, 2)


def test_unknown_basis_is_refused() -> None:
    with pytest.raises(ValueError, match="ranking basis"):
        standings(OBS, "R", "M", year=2026, sub=2, by="points")


def test_race_frames_are_numbered_in_a_stable_order() -> None:
    race = race_frames(OBS, "R", top=1, bottom=1)
    assert list(race.columns) == list(RACE_COLUMNS)
    assert _cols(race, "period", "unit_code", "rank", "position", "band") == [
        ["2026-01", "B", 1, 1, "top"],
        ["2026-01", "A", 2, 2, "middle"],  # A, C, D tie at 2 and keep unit-code order
        ["2026-01", "C", 2, 3, "middle"],
        ["2026-01", "D", 2, 4, "middle"],
        ["2026-02", "A", 1, 1, "top"],
        ["2026-02", "C", 1, 2, "top"],
        ["2026-02", "B", 3, 3, "middle"],
        ["2026-02", "D", 4, 4, "bottom"],
    ]


def test_race_without_targets_is_unranked_and_without_data_empty() -> None:
    race = race_frames(OBS, "R", year=2025)  # no 2025 targets: no completion
    assert race["rank"].isna().all() and race["position"].tolist() == [1, 2, 3, 4] * 2
    assert race_frames(OBS, "OTHER").empty
    assert list(race_frames(OBS, "OTHER").columns) == list(RACE_COLUMNS)


@pytest.mark.parametrize(
    ("ranks", "top", "bottom", "expected"),
    [
        ([1, 2, 3, 4, 5], 3, 3, ["top", "top", "top", "bottom", "bottom"]),
        ([1, 1, 3, 4, 4], 1, 2, ["top", "top", "middle", "bottom", "bottom"]),
        ([1, 2, 3, 3, 3], 1, 2, ["top", "middle", "middle", "middle", "middle"]),
        ([1, 2], 3, 3, ["top", "top"]),
    ],
)
def test_bands(ranks: list[int], top: int, bottom: int, expected: list[str]) -> None:
    assert bands(pd.Series(ranks, dtype="Int64"), top, bottom).tolist() == expected


@st.composite
def _two_months(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    level = st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 8.0])  # few values: many ties
    rows = []
    for i in range(n):
        unit = f"U{i:02d}"
        rows += [
            (unit, "M", 2026, 1, "actual", draw(level)),
            (unit, "M", 2026, 2, "actual", draw(level)),
            (unit, "Y", 2026, 0, "target", 10.0),
        ]
    return _obs(rows)


@given(_two_months(), st.sampled_from(["completion", "value"]))
def test_ranks_are_a_permutation_with_ties_sharing_the_better_place(
    obs: pd.DataFrame, by: str
) -> None:
    table = standings(obs, "R", "M", year=2026, sub=2, by=by)
    metric = table["metric"].to_numpy()
    ranks = table["rank"].astype(int).to_numpy()
    # Each unit's place is one more than the number of units strictly ahead of it ...
    assert all(r == 1 + (metric > m).sum() for r, m in zip(ranks, metric, strict=True))
    # ... so, sorted, the ranks are 1..n with each tie holding the first of its places.
    for i, r in enumerate(ranks, start=1):
        assert r == (ranks[i - 2] if i > 1 and metric[i - 1] == metric[i - 2] else i)
    assert (table["rank_change"] == table["previous_rank"] - table["rank"]).all()


@given(_two_months())
def test_race_positions_are_unique_and_follow_the_ranks(obs: pd.DataFrame) -> None:
    race = race_frames(obs, "R")
    for _, frame in race.groupby("period"):
        assert frame["position"].tolist() == list(range(1, len(frame) + 1))
        assert frame["rank"].is_monotonic_increasing
        tied = frame.groupby("rank")["unit_code"]
        assert all(group.is_monotonic_increasing for _, group in tied)


def test_race_of_units_that_did_not_report_is_empty() -> None:
    obs = pd.DataFrame({"unit_code": ["A", "A"], "indicator_code": "R", "freq": ["M", "Y"],
                        "year": 2026, "sub": [3, 0], "value_kind": ["actual", "target"],
                        "value": [30.0, 100.0]})  # fmt: skip
    race = race_frames(obs, "R", units=["B"])
    assert race.empty and list(race.columns) == list(RACE_COLUMNS)


def test_progress_given_is_progress_made(demo_db: Path) -> None:
    """A caller's own ``period_progress`` (the bulletin's, made once per section) gives the
    same standings as standings making it, for every indicator, basis and peer group."""
    from bxgc_metrics.store import Store
    from bxgc_metrics.tables.progress import period_progress

    store = Store(demo_db)
    obs, inds = store.observations(), store.indicators()
    groups = [None, list(store.units()["code"][:5])]
    checked = 0
    for ind in inds.itertuples():
        higher = ind.direction == "higher"
        made = period_progress(obs, ind.code, "M", year=2026, sub=10, higher_is_better=higher)
        for by in ("completion", "growth"):
            for units in groups:
                kw = {"year": 2026, "sub": 10, "by": by, "higher_is_better": higher, "units": units}
                own = standings(obs, ind.code, "M", **kw)
                pd.testing.assert_frame_equal(
                    standings(obs, ind.code, "M", progress=made, **kw), own
                )
                checked += len(own)
    assert checked > 0


def test_indicators_ranked_together_are_each_ranked_on_its_own() -> None:
    """Two indicators in one call, by hand. Revenue R (higher is better): the table above,
    in February; A/C share first, B third, D fourth; a month earlier B led and A, C and D
    shared second, so A and C gained a place. Energy use E (lower is better), by growth,
    reported by A and B only, last in January 2026 (December 2025 was the month before):
    A grew 10 % and B 40 % in February, A 5 % and B 2 % in January, so A is first and
    gained one. Each indicator has its own count for the bands: one top and one bottom
    place of four for R, of two for E."""
    energy = observations(
        [
            (u, "E", "M", y, s, "actual", v)
            for u, values in {
                "A": (100, 100, 110, 105, 121),
                "B": (100, 100, 140, 102, 140),
            }.items()
            for (y, s), v in zip(
                [(2025, 1), (2025, 2), (2026, 2), (2026, 1), (2025, 12)], values, strict=True
            )
        ]
    )
    obs = pd.concat([OBS, energy], ignore_index=True)
    table = standings_by_indicator(
        obs, {"R": True, "E": False}, "M", year=2026, sub=2, top=1, bottom=1
    )
    assert list(table.columns) == ["indicator_code", *STANDINGS_COLUMNS]
    assert _cols(table, "indicator_code", "unit_code", "rank", "previous_rank", "band") == [
        ["R", "A", 1, 2, "top"],
        ["R", "C", 1, 2, "top"],
        ["R", "B", 3, 1, "middle"],
        ["R", "D", 4, 2, "bottom"],
        ["E", "A", pd.NA, pd.NA, "unranked"],
        ["E", "B", pd.NA, pd.NA, "unranked"],
    ]  # E has no target: no completion to rank on
    grown = standings_by_indicator(
        obs, {"R": True, "E": False}, "M", year=2026, sub=2, by="growth", top=1, bottom=1
    )
    energy_rows = grown[grown["indicator_code"] == "E"]
    assert _cols(
        energy_rows, "unit_code", "yoy", "rank", "previous_rank", "rank_change", "band"
    ) == [
        ["A", pytest.approx(0.10), 1, 2, 1, "top"],
        ["B", pytest.approx(0.40), 2, 1, -1, "bottom"],
    ]
    for code, higher in (("R", True), ("E", False)):
        alone = standings(obs, code, "M", year=2026, sub=2, by="growth", higher_is_better=higher,
                          top=1, bottom=1)  # fmt: skip
        together = grown[grown["indicator_code"] == code].drop(columns="indicator_code")
        pd.testing.assert_frame_equal(together.reset_index(drop=True), alone)


def test_every_demo_indicator_ranked_together_is_its_standings_alone(demo_db: Path) -> None:
    """One call for every demo indicator gives, indicator by indicator, the standings and
    the progress each gives alone, on every basis, for all units and a peer group."""
    from bxgc_metrics.store import Store
    from bxgc_metrics.tables.progress import period_progress, progress_by_indicator

    store = Store(demo_db)
    obs, inds = store.observations(), store.indicators()
    directions = dict(zip(inds["code"], inds["direction"] == "higher", strict=True))
    at = pd.DataFrame({"indicator_code": list(directions), "year": 2026, "sub": 10})
    at["higher_is_better"] = at["indicator_code"].map(directions)
    progress = progress_by_indicator(obs, "M", at)
    checked = 0
    for code, higher in directions.items():
        alone = period_progress(obs, code, "M", year=2026, sub=10, higher_is_better=higher)
        mine = progress[progress["indicator_code"] == code].drop(columns="indicator_code")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone)
    for by in ("completion", "growth", "value"):
        for units in (None, list(store.units()["code"][:5])):
            kw = {"year": 2026, "sub": 10, "by": by, "units": units}
            together = standings_by_indicator(obs, directions, "M", **kw)
            assert list(dict.fromkeys(together["indicator_code"])) == [
                c for c in directions if c in set(together["indicator_code"])
            ]
            for code, higher in directions.items():
                alone = standings(obs, code, "M", higher_is_better=higher, **kw)
                mine = together[together["indicator_code"] == code].drop(columns="indicator_code")
                pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone)
                checked += int(alone["rank"].notna().sum())
    assert checked > 700  # ranked places compared
