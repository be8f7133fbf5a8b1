"""The rules on hand-made figures: each case's numbers can be checked by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bxgc_metrics import _columnar
from bxgc_metrics.importer import checking, validate
from bxgc_metrics.importer.validate.shown import SHOWN
from bxgc_metrics.store import Store

_DEFAULTS = {
    "sheet": "表1",
    "column": "D",
    "unit_code": "JD01",
    "indicator_code": "GDP",
    "unit_name": "东城街道",
    "indicator_name": "地区生产总值",
    "indicator_name_db": "地区生产总值",
    "freq": "M",
    "year": 2024,
    "value_kind": "actual",
    "cumulative": True,
    "single": False,
    "kind": "flow",
    "measure": "万元",
    "measure_db": "万元",
    "allow_negative": False,
    "percent": False,
    "invalid": False,
    "from_line": False,
}


def figures(*rows: dict) -> pd.DataFrame:
    """Mapped figures: each row's ``sub`` and ``value`` (and anything else it says) over
    :data:`_DEFAULTS`, on Excel rows 2, 3, …"""
    out = [_DEFAULTS | {"row": i, "raw": str(r["value"])} | r for i, r in enumerate(rows, start=2)]
    return pd.DataFrame(out)


NO_HISTORY = figures({"sub": 1, "value": 0.0}).iloc[:0]


def codes(found: list) -> list[str]:
    return [i.code for i in found]


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["JD01", "JD02", None]),
            st.sampled_from([2024, 2025, 10**9]),
            st.integers(0, 12),
            st.integers(-(10**6), 10**6),
        ),
        max_size=30,
    ),
    categorical=st.booleans(),
    wide=st.booleans(),
)
def test_the_duplicate_test_finds_what_pandas_does(rows, categorical, wide) -> None:
    """Two rows with one key, found by marking possible keys (a narrow range of them) or
    by sorting (a wide one): as ``DataFrame.duplicated`` says, missing equal to missing."""
    frame = pd.DataFrame(rows, columns=["unit", "year", "sub", "n"])
    if categorical:
        frame["unit"] = frame["unit"].astype("category")
    columns = ["unit", "year", "sub", "n"] if wide else ["unit", "sub"]
    expected = bool(frame.duplicated(columns).any())
    assert _columnar.has_duplicates(frame, columns) == expected


def test_duplicates_equal_are_merged_different_ones_block() -> None:
    same = figures({"sub": 6, "value": 100.0}, {"sub": 6, "value": 100.0}, {"sub": 7, "value": 1.0})
    kept, found = validate.duplicates(same)
    assert len(kept) == 2 and codes(found) == ["duplicate_same"] and found[0].row == 3
    clash = figures({"sub": 6, "value": 100.0}, {"sub": 6, "value": 101.0})
    _kept, found = validate.duplicates(clash)
    assert codes(found) == ["duplicate_conflict", "duplicate_conflict"]


def test_single_months_are_summed_from_january() -> None:
    months = figures(
        {"sub": 3, "value": 20.0, "single": True, "cumulative": False},
        {"sub": 1, "value": 10.0, "single": True, "cumulative": False},
        {"sub": 2, "value": 15.0, "single": True, "cumulative": False},
    )
    out, found = validate.single_months_to_ytd(months)
    # in the file's order: March 10+15+20, January 10, February 10+15
    assert out["value"].tolist() == [45.0, 10.0, 25.0] and out["cumulative"].all()
    assert codes(found) == ["months_to_ytd"]


def test_a_month_missing_blocks_the_sum() -> None:
    months = figures(
        {"sub": 1, "value": 100.0, "single": True, "cumulative": False},
        {"sub": 3, "value": 300.0, "single": True, "cumulative": False},
    )
    _out, found = validate.single_months_to_ytd(months)
    assert codes(found) == ["months_missing"]  # none turned: nothing said of turning
    assert found[0].row == 2 and "2024年须从1月起逐月齐全" in found[0].zh


def test_monthly_flows_not_marked_are_taken_as_year_to_date() -> None:
    out, found = validate.single_months_to_ytd(
        figures({"sub": 6, "value": 5.0, "cumulative": False})
    )
    assert out["cumulative"].tolist() == [True] and codes(found) == ["assumed_ytd"]


def test_years_out_of_range_and_actuals_not_begun() -> None:
    today = dt.date(2024, 6, 30)
    found = validate.years_out_of_range(
        figures(
            {"sub": 6, "value": 1.0},  # June 2024: begun
            {"freq": "H", "sub": 1, "value": 1.0},  # first half: begun in January
            {"freq": "Q", "sub": 3, "value": 1.0},  # Q3 begins in July: not yet
            {"freq": "Y", "sub": 0, "year": 2025, "value": 1.0, "value_kind": "target"},
            {"sub": 1, "year": 1900, "value": 1.0},
        ),
        today,
    )
    assert [(i.code, i.row) for i in found] == [("year_out_of_range", 6), ("actual_in_future", 4)]
    assert "今天是 2024-06-30" in found[1].zh


def test_a_figure_converted_from_another_measure_is_compared_in_the_stored_one() -> None:
    """7.2 written under 单位：亿元 is 72,000 万元: the warnings set that figure beside the
    stored 万元 one, not the 7.2 as written (the cell keeps it, as typed)."""
    history = figures({"sub": 9, "value": 97010.6}, {"sub": 10, "year": 2023, "value": 5000.0})
    records = figures({"sub": 10, "value": 72000.0, "raw": "7.2"})
    jump, drop = validate.history_checks(records, history)
    assert (drop.code, drop.value) == ("cumulative_drop", "7.2")
    assert "累计值 72,000.00 低于上月累计 97,010.60" in drop.zh
    assert "Year-to-date value 72,000.00 is below the previous month's 97,010.60" in drop.en
    assert (jump.code, jump.value) == ("jump", "7.2") and "数值 72,000.00 是上期" in jump.zh


def test_history_jumps_drops_and_completion() -> None:
    history = figures({"sub": 6, "year": 2023, "value": 100.0})
    records = figures(
        {"sub": 5, "value": 1600.0},
        {"sub": 6, "value": 1500.0},
        {"freq": "Y", "sub": 0, "value": 400.0, "value_kind": "target", "cumulative": False},
    )
    found = validate.history_checks(records, history)
    jump, drop, may, june = found
    # June: 1500 against 100 a year before; May has no earlier figure
    assert (jump.code, jump.row) == ("jump", 3) and "15.0 倍" in jump.zh
    # June's 1500 is below May's 1600
    assert (drop.code, drop.row) == ("cumulative_drop", 3) and "1,600.00" in drop.zh
    # May's 1600 is 400% of the target 400, June's 1500 375%
    assert [may.code, may.row, june.row] == ["completion_over_300", 2, 3]
    assert "完成率 400%" in may.zh and "完成率 375%" in june.zh
    assert codes(validate.history_checks(records.iloc[[1]], NO_HISTORY)) == []


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (1500.0, "的 15.0 倍", "is 15.0×"),
        (123456.0, "的 1,234.6 倍", "is 1,234.6×"),  # 元 written where 万元 was meant
        (3.4, "的 0.034 倍", "is 0.034×"),  # never "0.0": two significant digits below one
        (0.05, "的 0.0005 倍", "is 0.0005×"),
        (-20.0, "的 -0.2 倍", "is -0.2×"),
    ],
)
def test_a_jump_names_its_ratio_in_figures_that_say_something(
    value: float, zh: str, en: str
) -> None:
    """Against 100 a year before, the warning's ratio reads as a number a reader can check."""
    history = figures({"sub": 6, "year": 2023, "value": 100.0})
    [jump] = validate.history_checks(figures({"sub": 6, "value": value}), history)
    assert jump.code == "jump" and zh in jump.zh and en in jump.en


@pytest.mark.parametrize(
    ("before", "value", "warned"),
    [
        (5.3, -0.2, False),  # growth turned negative: a rate's news, not a slip
        (6.8, 0.0, False),
        (0.0, 3.2, False),  # from zero: no ratio
        (5.3, 0.4, False),  # growth slowed 13-fold
        (0.2, 4.1, False),  # and picked up 20-fold
        (0.2, 14.6, False),  # 73-fold, back from a bad year: 14.6 is no share
        (13.4, 0.2, True),  # a share, or a very bad year: worth a look
        (8.5, 0.085, True),  # a share where percent was meant: 100×
        (6.5, 650.0, True),
        (-4.0, -0.04, True),
    ],
)
def test_a_rates_jump_is_a_slip_of_a_hundred_not_a_change_of_sign(
    before: float, value: float, warned: bool
) -> None:
    """A growth rate crosses zero and moves many-fold near it; the slip worth a warning
    is percent written as a share (8.5 as 0.085) or the other way round."""
    rate = {"kind": "rate", "measure": "%", "measure_db": "%", "allow_negative": True}
    history = figures({"sub": 6, "year": 2023, "value": before} | rate)
    found = validate.history_checks(figures({"sub": 6, "value": value} | rate), history)
    assert (codes(found) == ["jump"]) is warned, codes(found)


def test_a_rate_is_compared_with_its_peers_in_the_same_period() -> None:
    """A year after 0.2 %, four units report 14.6, 14.2, 13.9 and 0.146: the units sit
    together at about 14, so only the fourth, a share where percent was meant, is
    warned, though all four are more than 50× last year's."""
    rate = {"kind": "rate", "measure": "%", "measure_db": "%", "allow_negative": True}
    units = ["JD01", "JD02", "JD03", "JD04"]
    history = figures(
        *[{"unit_code": u, "sub": 6, "year": 2023, "value": 0.2} | rate for u in units]
    )
    values = [14.6, 14.2, 13.9, 0.146]
    records = figures(
        *[{"unit_code": u, "sub": 6, "value": v} | rate for u, v in zip(units, values, strict=True)]
    )
    found = validate.history_checks(records, history)
    assert [(i.code, i.row) for i in found] == [("rate_off_peers", 5)]
    assert "中位数（14.05）" in found[0].zh and "0.01 倍" in found[0].zh


def test_rates_among_other_figures_are_compared_with_their_own_peers() -> None:
    """A file of flows, targets and rates: the rates' period median is taken over the
    rates alone, and each rate's warning names its own row and its own median, wherever
    the rates stand among the other figures; the flows keep their own jump check."""
    rate = {"kind": "rate", "measure": "%", "measure_db": "%", "allow_negative": True}
    units = ["JD01", "JD02", "JD03", "JD04", "JD05"]
    history = figures(
        *[{"unit_code": u, "sub": 6, "year": 2023, "value": 100.0} for u in units],
        *[
            {"unit_code": u, "sub": 6, "year": 2023, "value": 0.2, "indicator_code": "R"} | rate
            for u in units
        ],
    )
    flows = [105.0, 1500.0, 98.0, 101.0, 99.0]  # the second ten-fold its year before
    rates = [14.6, 14.2, 0.139, 13.9, 14.1]  # the third a share where percent was meant
    target = {"freq": "Y", "sub": 0, "value_kind": "target", "cumulative": False}
    records = figures(
        {"unit_code": "JD01", "value": 1200.0} | target,
        *[
            row
            for u, f, r in zip(units, flows, rates, strict=True)
            for row in (
                {"unit_code": u, "sub": 6, "value": r, "indicator_code": "R"} | rate,
                {"unit_code": u, "sub": 6, "value": f},
            )
        ],
    )
    found = validate.history_checks(records, history)
    assert [(i.code, i.row) for i in found] == [("jump", 6), ("rate_off_peers", 7)]
    assert "15.0 倍" in found[0].zh and "中位数（14.10）" in found[1].zh


def test_measures_convert_or_are_refused() -> None:
    records = figures(
        {"sub": 6, "value": 1.5, "measure": "亿元"}, {"sub": 7, "value": 2.0, "measure": "个"}
    )
    out, found = validate.conversions(records)
    assert out["value"].tolist()[0] == 15000.0  # 1.5 亿元 = 15,000 万元
    assert codes(found) == ["converted", "measure_mismatch"]
    assert "×10,000" in found[0].zh and found[1].row == 3


def test_too_large_and_negative() -> None:
    records = figures(
        {"sub": 6, "value": 2e15}, {"sub": 7, "value": -1.0}, {"sub": 8, "value": 3.0}
    )
    kept, found = validate.too_large(records)
    assert len(kept) == 2 and codes(found) == ["too_large"] and "2e+15" in found[0].zh
    assert [i.row for i in validate.negatives(kept)] == [3]


def test_totals_against_the_sum_of_their_rows() -> None:
    records = figures({"sub": 6, "value": 10.0}, {"sub": 6, "value": 20.0}).assign(missing=False)
    near = figures({"sub": 6, "value": 30.3}).assign(missing=False)  # within half a unit
    off = figures({"sub": 6, "value": 31.0}).assign(missing=False)
    assert validate.totals_mismatch(records, near) == []
    [found] = validate.totals_mismatch(records, off)
    assert found.zh == "合计行 31.00 与各单位之和 30.00 不符。"
    rates = records.assign(kind="rate", measure="%")  # 全区 7.6 % is no sum of rates
    total = figures({"sub": 6, "value": 7.6}).assign(missing=False)
    assert validate.totals_mismatch(rates, total) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    year=st.integers(2019, 2026),
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=40),
    factors=st.lists(st.sampled_from([0.05, 0.5, 1.0, 3.5, 12.0]), min_size=40, max_size=40),
)
def test_the_checks_read_only_the_history_they_compare_with(
    demo_db_template: Path, year: int, picks: list[int], factors: list[float]
) -> None:
    """The stored figures an import's checks read (the file's units and indicators at its
    periods, the periods before, a year before, and the annual figures) find exactly what
    every stored figure would, for files of one year or two."""
    store = Store(demo_db_template)
    every = store.observations()
    stored = every[every["year"].isin([year, year + len(picks) % 2])].reset_index(drop=True)
    assume(len(stored))
    chosen = stored.iloc[[p % len(stored) for p in picks]].drop_duplicates(validate.KEY)
    records = chosen.assign(
        value=chosen["value"].to_numpy() * np.array(factors[: len(chosen)]),
        kind="flow",
        sheet="表1",
        row=np.arange(2, 2 + len(chosen)),
        column="D",
        raw="1",
        unit_name=chosen["unit_code"],
        indicator_name=chosen["indicator_code"],
    ).reset_index(drop=True)
    near = checking._history(records, store)
    assert len(near) < len(every)
    scoped = validate.history_checks(records, near)
    whole = validate.history_checks(records, every.drop(columns="period"))
    assert [(i.code, i.row, i.zh) for i in scoped] == [(i.code, i.row, i.zh) for i in whole]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["M", "Q", "Y", "H"]), st.integers(1990, 2100), st.integers(0, 12)
        ),
        max_size=60,
    ),
    st.booleans(),
)
def test_the_periods_a_file_holds_are_its_distinct_periods(
    rows: list[tuple[str, int, int]], coded: bool
) -> None:
    """The periods the checks read stored figures at: each distinct (freq, year, sub)
    once, as ``drop_duplicates`` finds them, the frequency text or categorical."""
    frame = pd.DataFrame(rows, columns=["freq", "year", "sub"]).astype(
        {"freq": "category" if coded else object, "year": "int64", "sub": "int64"}
    )
    freq, year, sub = checking._distinct_periods(frame)
    expected = set(frame.drop_duplicates().itertuples(index=False, name=None))
    assert sorted(zip(freq, year, sub, strict=True)) == sorted(expected)
    assert len(freq) == len(expected)


_FIGURE = st.fixed_dictionaries(
    {
        "unit_code": st.sampled_from(["JD01", "JD02"]),
        "indicator_code": st.sampled_from(["GDP", "FAI"]),
        "freq": st.sampled_from(["M", "Y"]),
        "year": st.integers(2023, 2025),
        "sub": st.integers(0, 3),
        "value_kind": st.sampled_from(["actual", "target"]),
        "value": st.sampled_from([0.0, 50.0, 80.0, 100.0, 120.5]),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    own=st.lists(_FIGURE, min_size=1, max_size=14),
    stored=st.lists(_FIGURE, max_size=14),
    stated=st.lists(
        st.tuples(
            st.sampled_from(["JD01", "JD02"]),
            st.sampled_from(["GDP", "FAI"]),
            st.sampled_from(["completion", "growth"]),
            st.sampled_from([-0.2, 0.0, 0.5, 0.625, 1.0, 1.2]),
        ),
        min_size=1,
        max_size=6,
    ),
    odd_annual=st.booleans(),
)
def test_stated_rates_found_by_key_are_those_merges_find(
    own: list[dict], stored: list[dict], stated: list[tuple], odd_annual: bool
) -> None:
    """A stated 完成率 or 同比 is checked against the year's target or the same period a
    year before among the stored figures overlaid with the file's: looking them up by
    integer key finds exactly what merges on the overlaid frame find (annual figures at
    period 0, or, with ``odd_annual``, at any period, which only merges can match)."""
    from bxgc_metrics.importer.validate import consistency
    from bxgc_metrics.importer.validate.shown import pool

    if not odd_annual:
        own, stored = (
            [f | {"sub": 0} if f["freq"] == "Y" else f for f in figures_]
            for figures_ in (own, stored)
        )
    records = figures(*own)
    history = (figures(*stored) if stored else NO_HISTORY)[[*validate.KEY, "value", "cumulative"]]
    checks = pd.DataFrame(
        [
            {"sheet": "表1", "unit_code": u, "indicator_code": i, "what": w, "stated": s,
             "row": 20 + n, "column": "F", "raw": f"{s:.1%}"}
            for n, (u, i, w, s) in enumerate(stated)
        ]
    )  # fmt: skip
    found = validate.stated_rates(records, checks, history)
    beside = consistency._beside(checks, records).drop(columns="at_row")
    merged = consistency._by_merge(beside, pool(history, records))
    expected = consistency._issues(merged)
    assert [(i.code, i.row, i.zh) for i in found] == [(i.code, i.row, i.zh) for i in expected]


_KEY_CELL = st.sampled_from(["JD01", "JD02", "东城", None])
_ROW_KEY = st.tuples(st.sampled_from(["表1", "表2"]), _KEY_CELL, _KEY_CELL)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.tuples(_ROW_KEY, st.sampled_from(["actual", "target"])), max_size=12),
    checks=st.lists(_ROW_KEY, max_size=8),
    categorical=st.booleans(),
)
def test_each_stated_rate_stands_beside_the_figure_a_merge_finds(
    records: list[tuple], checks: list[tuple], categorical: bool
) -> None:
    """A stated rate is paired with the first actual figure of its sheet, unit and
    indicator by integer keys exactly as an inner merge pairs them: the same rows in the
    same order, missing codes equal to missing codes, categoricals or text alike."""
    from bxgc_metrics.importer.validate import consistency

    base = ["sheet", "unit_code", "indicator_code"]
    dtype = "category" if categorical else object
    own = pd.DataFrame([k for k, _ in records], columns=base, dtype=dtype)
    own = own.assign(
        value_kind=[kind for _, kind in records],
        year=2024,
        sub=np.arange(len(records), dtype=np.int64),
        freq="M",
        value=np.arange(len(records), dtype=float) * 1.5,
    )
    stated = pd.DataFrame(checks, columns=base, dtype=dtype).assign(
        what="completion", stated=np.linspace(0, 1, len(checks))
    )
    actual = np.flatnonzero(own["value_kind"].eq("actual").to_numpy(dtype=bool))
    ytd = own.iloc[actual]
    first = ~ytd.duplicated(base).to_numpy()
    now = ytd.loc[first, [*base, "year", "sub", "freq", "value"]]
    expected = stated.merge(now.assign(at_row=actual[first]), on=base, how="inner")
    got = consistency._beside(stated, own)
    assert got.columns.tolist() == expected.columns.tolist()
    assert got.astype(object).values.tolist() == expected.astype(object).values.tolist()


@settings(max_examples=150, deadline=None)
@given(
    own=st.lists(_ROW_KEY, max_size=10),
    other=st.lists(_ROW_KEY, max_size=10),
    below=st.sampled_from([3, 8, 2**31, 2**62]),
    coded=st.sampled_from([(), (0,), (1,), (0, 1)]),
)
def test_rows_get_equal_keys_exactly_when_they_are_equal(
    own: list[tuple], other: list[tuple], below: int, coded: tuple[int, ...]
) -> None:
    """The integer keys the overlay and the stated rates match rows by: equal exactly where
    the rows are (missing equal to missing), and below the bound asked for whenever the
    distinct rows fit under it (the keys made dense where the columns' product does not);
    alike whether a side's columns are text or categorical (as stored figures are read),
    with categories that no row has."""
    from bxgc_metrics.importer.validate.history import row_keys

    columns = ["sheet", "unit_code", "indicator_code"]
    a, b = (pd.DataFrame(rows, columns=columns, dtype=object) for rows in (own, other))
    spare = ["表9", "ZZ99"]
    a, b = (
        pd.DataFrame(
            {
                c: pd.Categorical(frame[c], categories=[*spare, *frame[c].dropna().unique()])
                for c in columns
            }
        )
        if side in coded
        else frame
        for side, frame in enumerate((a, b))
    )
    a_keys, b_keys = row_keys(a, b, columns, below=below)
    rows_ = own + other
    keys = [*a_keys.tolist(), *b_keys.tolist()]
    for i, j in itertools.product(range(len(rows_)), repeat=2):
        assert (keys[i] == keys[j]) == (rows_[i] == rows_[j])
    if len(set(rows_)) <= below:
        assert all(0 <= k < below for k in keys)


def test_a_stated_growth_is_checked_against_the_stored_figure_a_year_before() -> None:
    """同比 +25 % stated beside 1-3 月 125: the stored 1-3 月 a year before is 100, so it
    holds; stated +40 % it is off (computed 25.0 %)."""
    records = figures({"sub": 3, "value": 125.0})
    history = figures({"sub": 3, "value": 100.0, "year": 2023})
    for stated, off in ((0.25, False), (0.40, True)):
        checks = pd.DataFrame(
            [{"sheet": "表1", "unit_code": "JD01", "indicator_code": "GDP", "what": "growth",
              "stated": stated, "row": 2, "column": "E", "raw": f"{stated:.0%}"}]
        )  # fmt: skip
        found = validate.stated_rates(records, checks, history)
        assert codes(found) == (["stated_growth_mismatch"] if off else [])
        assert not off or "25.0%" in found[0].zh


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=12),
    year=st.integers(2019, 2026),
    months=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    strangers=st.lists(st.sampled_from(["NOPE", "东城", ""]), max_size=2),
)
def test_the_figures_near_a_file_are_every_stored_figure_there(
    demo_db_template: Path, picks: list[int], year: int, months: list[int], strangers: list[str]
) -> None:
    """``observations_near`` gives exactly the stored figures of the units and indicators
    asked for (in any order, repeated, or never stored) at the periods asked for, plus
    their years' annual figures, each with its own unit and indicator."""
    store = Store(demo_db_template)
    every = store.observations().drop(columns="period")
    units = sorted(every["unit_code"].unique())
    indicators = sorted(every["indicator_code"].unique())
    asked_units = [units[p % len(units)] for p in picks] + strangers
    asked_indicators = [indicators[p % len(indicators)] for p in reversed(picks)]
    periods = [("M", year, m) for m in months] + [("M", year - 1, months[0])]
    near = store.observations_near(asked_units, asked_indicators, periods)
    years = {y for _, y, _ in periods}
    wanted = every["unit_code"].isin(asked_units) & every["indicator_code"].isin(asked_indicators)
    at_period = pd.Series(list(zip(every["freq"], every["year"], every["sub"], strict=True))).isin(
        periods
    )
    annual = (every["freq"] == "Y") & every["year"].isin(years)
    expected = every[wanted & (at_period | annual)]
    columns = list(expected.columns)
    got = near[columns].astype(
        {c: str for c in ("unit_code", "indicator_code", "freq", "value_kind")}
    )
    key = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True),
        expected.astype({c: str for c in ("unit_code", "indicator_code", "freq", "value_kind")})
        .sort_values(key)
        .reset_index(drop=True),
        check_dtype=False,
    )


def test_a_whole_column_of_shares_for_percentages_is_warned_figure_by_figure() -> None:
    """Five units wrote last year's 13.4, 13.7, 12.0, 9.8 and 11.1 as 0.08 … 0.035 this
    year: their median is a share too, so each is compared with its own last figure."""
    units = ["JD01", "JD02", "JD03", "JD04", "JD05"]
    last, now = [13.4, 13.7, 12.0, 9.8, 11.1], [0.08, 0.085, 0.054, 0.02, 0.035]
    found = _rates_a_year_apart(units, last, now)
    assert [(i.code, i.row) for i in found] == [("jump", r) for r in range(2, 7)]


def _rates_a_year_apart(units: list[str], last: list[float], now: list[float]) -> list:
    """The history checks of each unit's rate ``now`` beside its ``last`` a year before."""
    rate = {"kind": "rate", "measure": "%", "measure_db": "%", "allow_negative": True}
    history = figures(
        *[
            {"unit_code": u, "sub": 6, "year": 2023, "value": v} | rate
            for u, v in zip(units, last, strict=True)
        ]
    )
    records = figures(
        *[{"unit_code": u, "sub": 6, "value": v} | rate for u, v in zip(units, now, strict=True)]
    )
    return validate.history_checks(records, history)


def test_in_a_column_of_shares_a_share_beside_a_low_rate_last_year_is_warned_too() -> None:
    """A whole column typed as shares: 黄楼镇's 0.075 beside its own 2.5 last year is only
    30-fold, but the column's median fell from 8.0 to 0.075, a hundredfold, so each share
    in it is a slip, where that one was stored without a word."""
    units = ["JD01", "JD02", "JD03", "XZ01", "XZ02"]
    last, now = [8.5, 9.0, 8.0, 2.5, 7.0], [0.08, 0.085, 0.054, 0.075, 0.07]
    found = _rates_a_year_apart(units, last, now)
    assert [(i.code, i.row) for i in found] == [("jump", r) for r in range(2, 7)]
    assert "2.50" in found[3].zh  # the message names the unit's own last figure


def test_a_rate_far_above_peers_near_zero_is_growth_not_a_slip() -> None:
    """In a slow year seven towns grow about 0.2 % and one 15 %: 75× the median, but 15
    is no percentage written as a share, nor 1,500 % one written the other way."""
    rate = {"kind": "rate", "measure": "%", "measure_db": "%", "allow_negative": True}
    values = [0.2, -0.3, 0.1, 0.3, 15.0, 0.2, -0.1, 0.25]
    units = [f"JD0{k}" for k in range(1, 9)]
    records = figures(
        *[{"unit_code": u, "sub": 6, "value": v} | rate for u, v in zip(units, values, strict=True)]
    )
    assert codes(validate.history_checks(records, NO_HISTORY)) == []
    records.loc[records["value"] == 15.0, "value"] = 1500.0  # 15 % written as a count of points
    assert codes(validate.history_checks(records, NO_HISTORY)) == ["rate_off_peers"]


def _totals_by_merging(
    records: pd.DataFrame, totals: pd.DataFrame, unmatched: pd.DataFrame | None
) -> list[tuple]:
    """What a 合计 row is checked against, by grouping and merging frames: each stated
    total's (row, total, sum) where they differ by more than half a unit and 0.1 %."""
    group = ["sheet", "indicator_name", "value_kind", "freq", "year", "sub"]
    sums = (
        records[records["kind"] != "rate"]
        .groupby(group, as_index=False, dropna=False, observed=True)["value"]
        .sum(min_count=1)
    )
    if unmatched is not None and not unmatched.empty:
        rates = records.loc[records["kind"] == "rate", group].drop_duplicates()
        summed = sums[group].merge(rates, on=group, how="left", indicator=True)
        plain = summed.loc[summed["_merge"] == "left_only", group]
        more = unmatched[group].assign(value=unmatched["value"].to_numpy(dtype=float))
        more = (
            more.merge(plain, on=group).groupby(group, as_index=False, dropna=False)["value"].sum()
        )
        sums = sums.merge(more, on=group, how="left", suffixes=("", "_more"))
        sums["value"] = sums["value"].add(sums.pop("value_more"), fill_value=0.0)
    merged = totals[~totals["missing"] & ~totals["invalid"]].merge(
        sums, on=group, suffixes=("", "_sum")
    )
    gap = (merged["value"] - merged["value_sum"]).abs()
    bad = merged[gap > np.maximum(0.5, 0.001 * merged["value"].abs())]
    return list(zip(bad["row"], bad["value"], bad["value_sum"], strict=True))


_TOTAL_GROUP = st.tuples(
    st.sampled_from(["表1", "表2"]),
    st.sampled_from(["地区生产总值", "税收收入"]),
    st.just("actual") | st.sampled_from(["actual", "target"]),
    st.just("M"),
    st.just(2026) | st.sampled_from([2025, 2026]),
    st.sampled_from([10, 0]),
)
"""A few groups of figures, so that totals, figures and units not yet known meet."""
_GROUP = ("表1", "地区生产总值", "actual", "M", 2026, 10)
_TOTAL_VALUE = st.one_of(
    st.sampled_from([0.0, 10.0, 20.5, 30.5, 1000.0, 1000.4, 1001.5, np.nan]),
    st.floats(-1e6, 1e6),
)


@settings(max_examples=120, deadline=None)
@given(
    records=st.lists(
        st.tuples(_TOTAL_GROUP, st.sampled_from(["flow", "stock", "rate", None]), _TOTAL_VALUE),
        max_size=12,
    ),
    totals=st.lists(
        st.tuples(_TOTAL_GROUP, _TOTAL_VALUE, st.booleans(), st.booleans()), max_size=6
    ),
    unmatched=st.none() | st.lists(st.tuples(_TOTAL_GROUP, _TOTAL_VALUE), max_size=6),
    categorical=st.booleans(),
)
@example(  # a rate among the figures: a unit not yet known is not added to them
    records=[(_GROUP, "flow", 10.0), (_GROUP, "rate", 5.0)],
    totals=[(_GROUP, 25.0, False, False)],
    unmatched=[(_GROUP, 15.0)],
    categorical=False,
)
@example(  # the known units' cells empty: the total is the unknown unit's figure
    records=[(_GROUP, "flow", np.nan)],
    totals=[(_GROUP, 20.0, False, False)],
    unmatched=[(_GROUP, 15.0)],
    categorical=True,
)
def test_a_total_is_checked_against_the_sum_a_merge_of_its_rows_gives(
    records: list, totals: list, unmatched: list | None, categorical: bool
) -> None:
    """Each 合计 row is compared with the sum of the figures of its sheet, indicator, kind
    and period, as grouping the figures and merging the totals on them gives: rates never
    summed, figures of units not known (yet) added where no rate is among them, an empty
    sum not compared; with the key columns as text or categorical (as a sheet's figures
    are made)."""
    group = ["sheet", "indicator_name", "value_kind", "freq", "year", "sub"]

    def frame(rows: list[dict]) -> pd.DataFrame:
        out = pd.DataFrame(rows) if rows else pd.DataFrame(columns=group)
        for c in ("sheet", "indicator_name", "value_kind", "freq"):
            out[c] = pd.Categorical(out[c]) if categorical else out[c].astype(object)
        return out

    def keyed(g: tuple) -> dict:
        return dict(zip(group, g, strict=True))

    mapped = frame([keyed(g) | {"kind": k, "value": v} for g, k, v in records])
    if "kind" not in mapped:
        mapped = mapped.assign(kind=pd.Series(dtype=object), value=pd.Series(dtype=float))
    stated = frame(
        [
            keyed(g) | {"value": v, "missing": m, "invalid": i, "row": r, "column": "C"}
            for r, (g, v, m, i) in enumerate(totals, start=2)
        ]
    )
    for c, dtype in (("value", float), ("missing", bool), ("invalid", bool), ("row", int)):
        if c not in stated:
            stated[c] = pd.Series(dtype=dtype)
    stated = stated.assign(sheet_name=stated["sheet"], raw=stated["value"].astype(str))
    unknown = (
        None
        if unmatched is None
        else frame([keyed(g) | {"value": v} for g, v in unmatched]).reindex(
            columns=[*group, "value"]
        )
    )
    found = validate.totals_mismatch(mapped, stated, unmatched=unknown)
    expected = _totals_by_merging(mapped, stated, unknown)
    assert [f.row for f in found] == [int(r) for r, _, _ in expected][: len(found)]
    assert len(found) == min(len(expected), SHOWN)
    for issue, (_, total, summed) in zip(found, expected, strict=False):
        assert f"{total:,.2f}" in issue.zh and f"{summed:,.2f}" in issue.zh
