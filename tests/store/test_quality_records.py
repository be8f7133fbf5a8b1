"""What the reporting rounds and the data-quality flags read from the store, on both
systems of record: each figure's committed writes (first reports and revisions, undone
batches gone), reviews of flags (audited, the role re-checked), the rules, the due day."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bxgc_metrics.access import Actor
from bxgc_metrics.errors import PermissionDeniedError, StoreError
from bxgc_metrics.store import WRITE_COLUMNS, Store
from tests.conftest import ADMIN, stored

pytestmark = pytest.mark.usefixtures("backend")

UNITS = pd.DataFrame(
    {
        "code": ["A", "B"],
        "name_zh": ["甲街道", "乙街道"],
        "kind": ["街道", "街道"],
        "contact_person": ["张三", None],
        "contact_phone": ["13800000000", None],
    }
)
INDICATORS = pd.DataFrame(
    {
        "code": ["GDP"],
        "name_zh": ["地区生产总值"],
        "measure": ["亿元"],
        "direction": ["higher"],
        "kind": ["flow"],
        "frequency": ["M"],
        "report_due_day": [8],
    }
)


def _figures(values: dict[tuple[str, int], float]) -> pd.DataFrame:
    rows = [
        (unit, "GDP", "M", 2026, month, "actual", value, False)
        for (unit, month), value in values.items()
    ]
    columns = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
    return pd.DataFrame(rows, columns=[*columns, "value", "cumulative"])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    made = Store(tmp_path / "q.duckdb", actor=ADMIN)
    made.upsert_units(UNITS)
    made.upsert_indicators(INDICATORS)
    return made


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Writes by figure, then batch: the store hands them over in no particular order."""
    keys = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind", "batch_id"]
    return frame.astype({"unit_code": str, "indicator_code": str}).sort_values(
        keys, ignore_index=True
    )


def _writes(store: Store) -> list[tuple]:
    frame = _in_order(store.figure_writes())
    assert list(frame.columns) == list(WRITE_COLUMNS)
    return [(r.unit_code, r.sub, r.batch_id, r.value, r.who) for r in frame.itertuples()]


@pytest.mark.parametrize("batch_rows", [1, 1 << 20])
def test_writes_list_first_reports_and_revisions_and_forget_an_undone_batch(
    store: Store, batch_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bxgc_metrics.store import connection

    monkeypatch.setattr(connection, "CODED_BATCH_ROWS", batch_rows)  # a row at a time, or all
    first = store.write_observations(
        _figures({("A", 9): 10.0, ("B", 9): 20.0}), file_name="9月.xlsx"
    )
    second = store.write_observations(
        _figures({("A", 9): 11.5, ("A", 10): 12.0}), file_name="10月.xlsx", who="李四"
    )
    one, two = first.batch_id, second.batch_id
    assert _writes(store) == [
        ("A", 9, one, 10.0, "test-admin"),
        ("A", 9, two, 11.5, "李四"),
        ("A", 10, two, 12.0, "李四"),
        ("B", 9, one, 20.0, "test-admin"),
    ]
    frame = _in_order(store.figure_writes())
    assert frame["file_name"].tolist() == ["9月.xlsx", "10月.xlsx", "10月.xlsx", "9月.xlsx"]
    assert pd.api.types.is_datetime64_any_dtype(frame["written_at"])
    store.undo_batch(two)
    assert _writes(store) == [("A", 9, one, 10.0, "test-admin"), ("B", 9, one, 20.0, "test-admin")]
    assert store.figure_writes(from_year=2027).empty


def test_revised_only_keeps_every_write_of_the_figures_written_twice(store: Store) -> None:
    """The revision check reads only figures with a later write: all of their writes, and
    none of a figure reported once (the whole database's first reports stay unread)."""
    store.write_observations(_figures({("A", 9): 10.0, ("B", 9): 20.0}), file_name="9月.xlsx")
    store.write_observations(_figures({("A", 9): 11.5, ("A", 10): 12.0}), file_name="10月.xlsx")
    store.write_observations(_figures({("B", 9): 20.0}), file_name="重报.xlsx")
    every = _in_order(store.figure_writes())
    revised = _in_order(store.figure_writes(revised_only=True))
    assert list(revised.columns) == list(WRITE_COLUMNS)
    twice = every.groupby(["unit_code", "sub"])["batch_id"].transform("size") > 1
    expected = every[twice.to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(revised.reset_index(drop=True), expected, check_categorical=False)
    assert revised[["unit_code", "sub", "value"]].values.tolist() == [
        ["A", 9, 10.0],
        ["A", 9, 11.5],
    ]
    assert store.figure_writes(revised_only=True, from_year=2027).empty


def test_writes_of_one_indicator_leave_the_others_out(store: Store) -> None:
    """The meeting screen's badges read one indicator's history, not every figure's."""
    store.upsert_indicators(INDICATORS.assign(code="TAX", name_zh="税收收入"))
    store.write_observations(_figures({("A", 9): 10.0}), file_name="9月.xlsx")
    store.write_observations(
        _figures({("A", 9): 12.0, ("B", 9): 3.0}).assign(indicator_code="TAX"), file_name="税.xlsx"
    )
    store.write_observations(_figures({("A", 9): 10.5}), file_name="更正.xlsx")
    gdp = _in_order(store.figure_writes(indicator="GDP"))
    assert gdp[["unit_code", "value", "file_name"]].values.tolist() == [
        ["A", 10.0, "9月.xlsx"],
        ["A", 10.5, "更正.xlsx"],
    ]
    assert _in_order(store.figure_writes(indicator="TAX"))["value"].tolist() == [12.0, 3.0]
    assert store.figure_writes(indicator="NONE").empty
    assert len(store.figure_writes()) == 4


def test_a_review_is_kept_replaced_taken_back_and_audited(store: Store) -> None:
    flag = "revision:A:GDP:M:2026:9"
    store.review_flag(flag, "  统计局已确认更正  ")
    got = store.quality_reviews()
    assert got[["flag_id", "note", "who"]].values.tolist() == [
        [flag, "统计局已确认更正", "test-admin"]
    ]
    store.review_flag(flag, "改为：乡镇补报")
    assert store.quality_reviews()["note"].tolist() == ["改为：乡镇补报"]
    store.reopen_flag(flag)
    assert store.quality_reviews().empty
    actions = stored(store, "SELECT action FROM audit_log WHERE target = ? ORDER BY id", [flag])
    assert [a for (a,) in actions] == ["quality_review", "quality_review", "quality_reopen"]
    with pytest.raises(StoreError):
        store.review_flag(flag, "   ")


def test_only_an_analyst_or_better_reviews_and_only_an_admin_changes_rules(store: Store) -> None:
    viewer = store.as_actor(Actor("看客", "viewer", operator=True))
    with pytest.raises(PermissionDeniedError):
        viewer.review_flag("x", "note")
    analyst = store.as_actor(Actor("分析员", "analyst", operator=True))
    analyst.review_flag("x", "note")
    rules = pd.DataFrame(
        [{"rule_id": "tax_le_fiscal", "kind": "le", "left": "TAX", "right": "GDP"}]
    )
    with pytest.raises(PermissionDeniedError):
        analyst.save_quality_rules(rules)
    assert store.quality_rules() is None
    store.save_quality_rules(rules)
    assert store.quality_rules().to_dict("records") == rules.to_dict("records")


def test_contacts_and_due_days_round_trip_and_a_bad_due_day_is_refused(store: Store) -> None:
    units = store.units().set_index("code")
    assert units.loc["A", ["contact_person", "contact_phone"]].tolist() == ["张三", "13800000000"]
    assert pd.isna(units.loc["B", "contact_person"])
    assert int(store.indicators().set_index("code").loc["GDP", "report_due_day"]) == 8
    store.upsert_units(pd.DataFrame({"code": ["B"], "contact_person": ["王五"]}))
    units = store.units().set_index("code")
    assert units.loc["B", "contact_person"] == "王五" and units.loc["B", "name_zh"] == "乙街道"
    for bad in (0, 31, 8.5):
        with pytest.raises(StoreError, match="GDP"):
            store.upsert_indicators(INDICATORS.assign(report_due_day=[bad]))
    assert int(store.indicators().set_index("code").loc["GDP", "report_due_day"]) == 8


def test_an_indicator_in_percent_must_be_a_rate(store: Store) -> None:
    """A figure in % (a growth rate, a share) is a rate: as a flow or a stock it would be
    ranked by the growth of a percentage and summed into totals. Saying so is refused,
    naming the indicator, whether the whole row or only its measure changes; the
    database keeps what it had."""
    growth = INDICATORS.assign(code="IVA_G", name_zh="规上工业增加值增速", measure="%", kind="rate")
    store.upsert_indicators(growth)
    for bad, code in (
        (growth.assign(kind="flow"), "IVA_G"),
        (growth.assign(kind="stock"), "IVA_G"),
        (pd.DataFrame({"code": ["GDP"], "measure": ["%"]}), "GDP"),  # GDP stays a flow
    ):
        with pytest.raises(StoreError, match=code) as refused:
            store.upsert_indicators(bad)
        assert "%" in str(refused.value)
    kept = store.indicators().set_index("code")
    assert kept.loc["IVA_G", ["measure", "kind"]].tolist() == ["%", "rate"]
    assert kept.loc["GDP", ["measure", "kind"]].tolist() == ["亿元", "flow"]


def test_rules_in_force_keep_sum_rules_and_skip_rules_of_indicators_not_held(store: Store) -> None:
    """A sum rule names no right-hand indicator and stays; a rule naming an indicator the
    database does not hold (the shipped ones name the demo's) is skipped, never a crash."""
    from bxgc_metrics import oversight

    rules = pd.DataFrame(
        [
            {"rule_id": "sum", "kind": "sum_le", "left": "GDP", "right": None, "tolerance": 0.0},
            {"rule_id": "gone", "kind": "le", "left": "TAX", "right": "GDP", "tolerance": 0.0},
        ]
    ).assign(note_zh="说明", note_en="note")
    store.save_quality_rules(rules)
    assert oversight.quality_rules(store)["rule_id"].tolist() == ["sum"]
    store.write_observations(_figures({("A", 9): 10.0}), file_name="9月.xlsx")
    assert oversight.quality_report(store).flags.empty


def test_the_whole_database_report_reads_a_few_indicators_at_a_time(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over a whole database the report reads whole indicators a part at a time (a
    province's 26 million figures never sit in memory at once) and finds what it finds
    reading everything in one go."""
    from bxgc_metrics import oversight
    from bxgc_metrics.metrics.quality import indicator_parts

    counts = demo_store.figure_counts()
    everything = demo_store.figures()
    assert counts.sum() == len(everything) > 0
    assert counts.to_dict() == everything["indicator_code"].astype(str).value_counts().to_dict()
    whole = oversight.quality_report(demo_store)  # the demo fits in one part
    assert not whole.flags.empty
    reads: list[object] = []
    read = Store.figures

    def counted(self: Store, *, indicators: object = None) -> pd.DataFrame:
        reads.append(indicators)
        return read(self, indicators=indicators)

    monkeypatch.setattr(Store, "figures", counted)
    monkeypatch.setattr(oversight, "PART_FIGURES", 1)
    parts = oversight.quality_report(demo_store)
    expected = indicator_parts(counts, oversight.quality_rules(demo_store), budget=1)
    assert len(expected) > 10 and reads == expected
    pd.testing.assert_frame_equal(parts.flags, whole.flags)
    pd.testing.assert_frame_equal(parts.scores, whole.scores)


def test_writes_of_some_units_and_years_are_those_of_all_writes(demo_store: Store) -> None:
    """The reporting records read a slice of units and the years they need; the rows are
    exactly those of every write, filtered."""
    every = demo_store.figure_writes()
    some = sorted(every["unit_code"].astype(str).unique())[:3]
    picked = demo_store.figure_writes(from_year=2024, to_year=2025, units=some)
    assert len(picked) > 0
    wanted = every[every["unit_code"].astype(str).isin(some) & every["year"].between(2024, 2025)]
    pd.testing.assert_frame_equal(_in_order(picked), _in_order(wanted), check_categorical=False)
    assert demo_store.figure_writes(units=["NONE"]).empty


@pytest.mark.parametrize("part_writes", [1, 500_000])
def test_rounds_and_year_records_read_only_what_they_need(
    demo_store: Store, part_writes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round reads the writes of its look-back and a year's record reads them a slice of
    units at a time (one unit at a time here, with a budget of one figure): each is what the
    same table says given every write the store holds."""
    import datetime as dt

    from bxgc_metrics import oversight
    from bxgc_metrics.tables import reporting

    monkeypatch.setattr(oversight, "PART_WRITES", part_writes)
    every = demo_store.figure_writes()
    units, indicators = demo_store.units(), demo_store.indicators()
    today = dt.date(2027, 1, 20)
    for group in ["all", *sorted(units["peer_group"].dropna().astype(str).unique())[:1]]:
        for year in (2025, 2026):
            whole = reporting.year_record(
                year, writes=every, units=units, indicators=indicators, today=today, group=group
            )
            read = oversight.year_record(demo_store, year, group=group, today=today)
            assert whole["expected"].sum() > 0
            pd.testing.assert_frame_equal(read, whole)
    for period in ["2026-10", "2026-01", "2025-12", "2026-Q3", "2026-H1", "2025"]:
        whole_round = reporting.reporting_round(
            period, writes=every, units=units, indicators=indicators, today=today
        )
        round_read = oversight.reporting_round(demo_store, period, today=today)
        pd.testing.assert_frame_equal(round_read.progress.rows, whole_round.progress.rows)
        pd.testing.assert_frame_equal(round_read.units, whole_round.units)
        pd.testing.assert_frame_equal(round_read.grid, whole_round.grid)
