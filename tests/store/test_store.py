"""The store on real DuckDB files: round trips, replacement, undo, migrations, errors."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from bxgc_metrics.access import operator
from bxgc_metrics.errors import (
    BatchConflictError,
    CorruptDatabaseError,
    SchemaTooNewError,
    StoreError,
)
from bxgc_metrics.store import (
    LATEST,
    MIGRATIONS,
    Store,
    backups,
    batches,
    connection,
    engine,
    restore,
)
from tests.conftest import ADMIN, old_schema

pytestmark = pytest.mark.usefixtures("backend")

UNITS = pd.DataFrame(
    {
        "code": ["A", "B"],
        "name_zh": ["东城街道", "黄楼镇"],
        "name_en": ["Dongcheng", "Huanglou"],
        "kind": ["街道", "乡镇"],
        "peer_group": ["城区", "乡镇"],
    }
)
INDICATORS = pd.DataFrame(
    {
        "code": ["REV"],
        "name_zh": ["地方一般公共预算收入"],
        "name_en": ["Revenue"],
        "measure": ["万元"],
        "direction": ["higher"],
        "kind": ["flow"],
        "frequency": ["M"],
    }
)


def _obs(values: dict[str, float], month: int = 6, kind: str = "actual") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": list(values),
            "indicator_code": "REV",
            "freq": "M",
            "year": 2024,
            "sub": month,
            "value_kind": kind,
            "value": list(values.values()),
            "cumulative": True,
        }
    )


@pytest.fixture
def store(empty_store: Store) -> Store:
    empty_store.upsert_units(UNITS)
    empty_store.upsert_indicators(INDICATORS)
    return empty_store


def test_round_trip_keeps_every_field(store: Store) -> None:
    result = store.write_observations(_obs({"A": 1234.5, "B": 99.0}), file_name="f.xlsx", who="li")
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (2, 0, 0)
    got = store.observations().set_index("unit_code")
    assert got.loc["A", "value"] == 1234.5
    assert got.loc["B", "period"] == "2024-06"
    assert bool(got.loc["A", "cumulative"]) is True
    assert (got["batch_id"] == result.batch_id).all()
    units = store.units().set_index("code")
    assert units.loc["A", "name_zh"] == "东城街道" and units.loc["B", "kind"] == "乡镇"
    batch = store.batches().iloc[0]
    assert (batch["file_name"], batch["who"], batch["rows_new"]) == ("f.xlsx", "li", 2)


def test_names_are_stored_as_they_read(store: Store) -> None:
    """A name typed or pasted on the settings page with characters that show nothing (a
    zero-width space, a byte-order mark, a soft hyphen) or spaces around it was stored as
    given: 东城街道 that an import, reading the sheet's 东城街道, could not find."""
    store.upsert_units(
        pd.DataFrame(
            {
                "code": ["A", "C"],
                "name_zh": [" 东城\u200b街道\ufeff ", "\u200e滨海街道"],
                "name_en": ["Dong\u00adcheng ", "Binhai"],
                "kind": ["街道", "街道"],
            }
        )
    )
    store.upsert_indicators(
        pd.DataFrame(
            {
                "code": ["REV"],
                "name_zh": ["地方一般公共预算收入\u2060"],
                "name_en": ["Revenue\u200b"],
            }
        )
    )
    units = store.units().set_index("code")
    assert units.loc["A", ["name_zh", "name_en"]].tolist() == ["东城街道", "Dongcheng"]
    assert units.loc["C", "name_zh"] == "滨海街道"
    assert units.loc["A", "peer_group"] == "城区"  # the columns left out keep their values
    indicator = store.indicators().set_index("code").loc["REV"]
    assert [indicator["name_zh"], indicator["name_en"]] == ["地方一般公共预算收入", "Revenue"]


def test_loading_the_same_figure_replaces_and_never_duplicates(store: Store) -> None:
    store.write_observations(_obs({"A": 100.0, "B": 50.0}), file_name="may")
    again = store.write_observations(_obs({"A": 100.0, "B": 50.0}), file_name="may")
    assert again.batch_id is None and again.rows_unchanged == 2
    changed = store.write_observations(_obs({"A": 120.0, "B": 50.0}), file_name="may-fixed")
    assert (changed.rows_new, changed.rows_changed, changed.rows_unchanged) == (0, 1, 1)
    got = store.observations()
    assert len(got) == 2
    assert got.set_index("unit_code").loc["A", "value"] == 120.0


def test_values_of_different_kinds_are_separate_figures(store: Store) -> None:
    store.write_observations(_obs({"A": 100.0}), file_name="a")
    store.write_observations(_obs({"A": 150.0}, kind="plan"), file_name="p")
    got = store.observations(unit="A").set_index("value_kind")["value"]
    assert got.to_dict() == {"actual": 100.0, "plan": 150.0}


def test_reports_in_are_each_pairs_latest_actual_figure_among_the_periods(store: Store) -> None:
    """A reported March, May and July 2024; B only February. Among February to June, A's
    latest is May and B's February; a plan, another frequency or a month not asked for is
    no report."""
    for month, values in ((2, {"B": 7.0}), (3, {"A": 1.0}), (5, {"A": 2.0}), (7, {"A": 3.0})):
        store.write_observations(_obs(values, month), file_name=f"m{month}")
    store.write_observations(_obs({"B": 9.0}, 6, kind="plan"), file_name="plan")
    store.write_observations(_obs({"B": 8.0}, 2).assign(freq="Q"), file_name="quarter")
    months = [(2024, m) for m in range(2, 7)]
    got = store.reports_in(freq="M", periods=months)
    assert got[["unit_code", "year", "sub", "value_kind", "value"]].values.tolist() == [
        ["A", 2024, 5, "actual", 2.0],
        ["B", 2024, 2, "actual", 7.0],
    ]
    assert store.reports_in(freq="M", periods=[(2024, 6)]).empty
    assert store.reports_in(freq="Q", periods=[(2024, 2)])["value"].tolist() == [8.0]
    assert store.reports_in(freq="M", periods=months, indicators=["X"]).empty
    empty = store.reports_in(freq="M", periods=[])
    assert empty.empty and list(empty.columns) == list(got.columns)


def test_undo_brings_back_replaced_values(store: Store) -> None:
    first = store.write_observations(_obs({"A": 100.0, "B": 50.0}), file_name="v1")
    both = pd.concat([_obs({"A": 120.0}), _obs({"A": 7.0}, month=7)])
    second = store.write_observations(both, file_name="v2")
    with pytest.raises(BatchConflictError, match=str(second.batch_id)):
        store.undo_batch(first.batch_id)  # a later batch replaced one of its values
    store.undo_batch(second.batch_id)
    got = store.observations().set_index(["unit_code", "sub"])["value"]
    assert got.to_dict() == {("A", 6): 100.0, ("B", 6): 50.0}
    assert store.batches().set_index("id").loc[second.batch_id, "status"] == "undone"
    store.undo_batch(first.batch_id)
    assert store.observations().empty
    with pytest.raises(StoreError):
        store.undo_batch(first.batch_id)


NEW_UNIT = pd.DataFrame(
    {"code": ["C"], "name_zh": ["新城街道"], "kind": ["街道"], "peer_group": ["城区"]}
)
NEW_INDICATOR = INDICATORS.assign(code="JOB", name_zh="城镇新增就业", name_en="Jobs")


def _created_in_one_batch(store: Store) -> int:
    """A batch that creates unit C and indicator JOB with their first figures, and
    changes A's figure."""
    store.write_observations(_obs({"A": 100.0}), file_name="v1")
    figures = pd.concat(
        [_obs({"A": 120.0, "C": 30.0}), _obs({"A": 5.0}).assign(indicator_code="JOB")]
    )
    result = store.write_observations(
        figures, file_name="v2", new_units=NEW_UNIT, new_indicators=NEW_INDICATOR
    )
    assert result.batch_id is not None
    return result.batch_id


def test_undo_takes_back_the_units_and_indicators_its_batch_created(store: Store) -> None:
    batch = _created_in_one_batch(store)
    preview = store.undo_preview(batch)
    assert (preview.units, preview.indicators) == (("C",), ("JOB",))
    store.undo_batch(batch)
    assert sorted(store.units()["code"]) == ["A", "B"]
    assert list(store.indicators()["code"]) == ["REV"]
    assert store.observations().set_index("unit_code")["value"].to_dict() == {"A": 100.0}
    entry = store.as_actor(ADMIN).audit_log(action="undo").iloc[0]
    assert json.loads(entry["after_json"]) == {"units": ["C"], "indicators": ["JOB"]}


def test_a_created_unit_that_other_figures_or_records_use_stays(store: Store) -> None:
    batch = _created_in_one_batch(store)
    later = store.write_observations(_obs({"C": 31.0}, month=7), file_name="july")
    store.replace_table(
        "gaps",
        pd.DataFrame(
            {"unit_code": ["A"], "indicator_code": ["JOB"], "gap": ["就业"], "owner": ["王"],
             "measure": ["招聘会"], "deadline": [pd.Timestamp("2024-12-31").date()],
             "status": ["open"]}
        ),
    )  # fmt: skip
    preview = store.undo_preview(batch)
    assert (preview.units, preview.indicators) == ((), ())
    store.undo_batch(batch)
    assert "C" in set(store.units()["code"]) and "JOB" in set(store.indicators()["code"])
    store.undo_batch(later.batch_id)
    assert "C" in set(store.units()["code"])  # created by the other batch, not this one


def test_unknown_codes_are_refused_and_nothing_is_written(store: Store) -> None:
    bad = _obs({"A": 1.0, "NOPE": 2.0})
    with pytest.raises(StoreError, match="NOPE"):
        store.write_observations(bad, file_name="bad")
    assert store.observations().empty and store.batches().empty


def test_duplicate_keys_in_one_batch_are_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.write_observations(pd.concat([_obs({"A": 1.0}), _obs({"A": 2.0})]), file_name="d")
    assert store.observations().empty


def test_data_version_grows_with_each_write(store: Store) -> None:
    before = store.data_version()
    store.write_observations(_obs({"A": 1.0}), file_name="x")
    assert store.data_version() > before


def _v1_file(path: Path) -> None:
    con = duckdb.connect(str(path))
    for sql in MIGRATIONS[0]:
        con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO units (code, name_zh, kind) VALUES ('A', '东城街道', '街道')")
    con.close()


@pytest.mark.embedded
def test_an_older_file_is_upgraded_on_open_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _v1_file(path)
    store = Store(path)
    assert store.schema_version() == LATEST
    assert store.units()["name_zh"].tolist() == ["东城街道"]
    assert store.table("import_profiles").empty  # a table that version 2 added


@pytest.mark.embedded
def test_a_newer_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    Store(path).schema_version()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(LATEST + 1)])
    con.close()
    with pytest.raises(SchemaTooNewError) as info:
        Store(path).units()
    assert str(LATEST + 1) in info.value.zh and str(LATEST + 1) in info.value.en
    assert "upgrade" in info.value.en


@pytest.mark.embedded
def test_a_file_that_is_not_a_database_points_to_restore(tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a duckdb file" * 1000)
    with pytest.raises(CorruptDatabaseError) as info:
        Store(path).units()
    assert "restore" in info.value.en and "restore" in info.value.zh
    assert path.read_bytes().startswith(b"this is not")  # left exactly as it was


def _v4_file_with_a_batch(path: Path) -> None:
    """A schema version 4 file (primary key and batch index on observations) holding one
    batch that created a figure and one that replaced it."""
    con = old_schema(path, 4)
    con.execute("INSERT INTO units (code, name_zh, kind) VALUES ('A', '东城街道', '街道')")
    con.execute(
        "INSERT INTO indicators (code, name_zh, measure, direction, kind, frequency) "
        "VALUES ('REV', '收入', '万元', 'higher', 'flow', 'M')"
    )
    for batch in (1, 2):
        con.execute(
            "INSERT INTO batches (file_name, who, status) VALUES (?, 'li', 'committed')",
            [f"b{batch}"],
        )
    con.execute("INSERT INTO observations VALUES ('A', 'REV', 'M', 2024, 6, 'actual', 120, 1, 2)")
    con.execute(
        "INSERT INTO observation_history VALUES "
        "(1, 'A', 'REV', 'M', 2024, 6, 'actual', FALSE, NULL, NULL, NULL), "
        "(2, 'A', 'REV', 'M', 2024, 6, 'actual', TRUE, 100, TRUE, 1)"
    )
    con.close()


@pytest.mark.embedded
def test_version_4_file_is_upgraded_keeping_its_figures_and_undo(tmp_path: Path) -> None:
    path = tmp_path / "v4.duckdb"
    _v4_file_with_a_batch(path)
    store = Store(path, actor=ADMIN)
    assert store.schema_version() == LATEST
    got = store.observations()
    assert got[["value", "batch_id"]].values.tolist() == [[120.0, 2]]
    con = duckdb.connect(str(path), read_only=True)
    try:
        keys = con.execute(
            "SELECT count(*) FROM duckdb_constraints() "
            "WHERE table_name = 'observations' AND constraint_type = 'PRIMARY KEY'"
        ).fetchone()[0]
        indexes = con.execute(
            "SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'observations'"
        ).fetchone()[0]
    finally:
        con.close()
    assert (keys, indexes) == (0, 0)
    store.undo_batch(2)  # a batch of the old file is still taken back
    assert store.observations()["value"].tolist() == [100.0]
    store.undo_batch(1)  # its history row with existed = FALSE means: delete
    assert store.observations().empty


def _v10_file_with_indicators(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """A schema version 10 file holding indicators ``(code, measure, kind)``, as a file
    saved before an indicator in % had to be a rate could."""
    con = old_schema(path, 10, data_version=7)
    for code, measure, kind in rows:
        con.execute(
            "INSERT INTO indicators (code, name_zh, measure, direction, kind, frequency) "
            "VALUES (?, ?, ?, 'higher', ?, 'M')",
            [code, f"指标{code}", measure, kind],
        )
    con.close()


@pytest.mark.embedded
def test_an_indicator_in_percent_saved_as_a_flow_or_stock_becomes_a_rate_on_upgrade(
    tmp_path: Path,
) -> None:
    """A file saved before the rule may hold a growth rate marked flow or stock, which
    the rankings would sum and rank by its growth: the upgrade makes it a rate, records
    that in the audit log, and leaves every other indicator as it was."""
    path = tmp_path / "v10.duckdb"
    _v10_file_with_indicators(
        path,
        [("G", "%", "flow"), ("S", "%", "stock"), ("R", "%", "rate"), ("REV", "万元", "flow")],
    )
    store = Store(path, actor=ADMIN)
    assert store.schema_version() == LATEST
    kinds = store.indicators().set_index("code")["kind"].to_dict()
    assert kinds == {"G": "rate", "S": "rate", "R": "rate", "REV": "flow"}
    assert store.data_version() == 8  # what the pages hold of the old kinds is read again
    log = store.audit_log(action="indicators")
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["who"], row["target"]) == ("system", "G,S")
    assert json.loads(row["before_json"]) == [
        {"code": "G", "kind": "flow"},
        {"code": "S", "kind": "stock"},
    ]
    assert json.loads(row["after_json"]) == [
        {"code": "G", "kind": "rate"},
        {"code": "S", "kind": "rate"},
    ]


@pytest.mark.embedded
def test_an_upgrade_with_every_indicator_in_percent_a_rate_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v10.duckdb"
    _v10_file_with_indicators(path, [("R", "%", "rate"), ("REV", "万元", "flow")])
    store = Store(path, actor=ADMIN)
    assert store.schema_version() == LATEST
    assert store.indicators().set_index("code")["kind"].to_dict() == {"R": "rate", "REV": "flow"}
    assert store.audit_count() == 0
    assert store.data_version() == 7


@pytest.mark.embedded
def test_a_rates_monthly_figures_are_year_to_date_after_the_upgrade(tmp_path: Path) -> None:
    """A rate's monthly actual imported without a 累计 column was stored as not
    year-to-date, though read as year-to-date: the upgrade says so in the flag, which
    the export writes, and leaves a flow's, a stock's and any year's as they were."""
    path = tmp_path / "v12.duckdb"
    con = old_schema(path, 12, data_version=5)
    for code, kind, measure in (("G", "rate", "%"), ("F", "flow", "万元"), ("S", "stock", "栋")):
        con.execute(
            "INSERT INTO indicators (code, name_zh, measure, direction, kind, frequency) "
            "VALUES (?, ?, ?, 'higher', ?, 'M')",
            [code, f"指标{code}", measure, kind],
        )
    con.execute("INSERT INTO units (code, name_zh, kind) VALUES ('U1', '东城街道', '街道')")
    con.execute(
        "INSERT INTO batches (id, file_name, who, status) VALUES (1, 'a', 'x', 'committed')"
    )
    figures = [
        ("G", "M", 10, "actual", False),
        ("G", "Y", 0, "actual", False),
        ("G", "Y", 0, "target", False),
        ("F", "M", 10, "actual", True),
        ("S", "M", 10, "actual", False),
    ]
    for code, freq, sub, kind, cumulative in figures:
        con.execute(
            "INSERT INTO observations VALUES ('U1', ?, ?, 2026, ?, ?, 1.0, ?, 1)",
            [code, freq, sub, kind, cumulative],
        )
    con.close()
    store = Store(path, actor=ADMIN)
    assert store.schema_version() == LATEST
    got = store.observations().set_index(["indicator_code", "freq", "value_kind"])["cumulative"]
    assert got.to_dict() == {
        ("G", "M", "actual"): True,
        ("G", "Y", "actual"): False,
        ("G", "Y", "target"): False,
        ("F", "M", "actual"): True,
        ("S", "M", "actual"): False,
    }
    assert store.data_version() == 6  # what was read of the old flags is read again


@pytest.mark.embedded
def test_a_batch_of_version_11_is_undone_after_the_upgrade(tmp_path: Path) -> None:
    """Version 12 records the units a batch created; a version-11 batch has no record, and
    undoing it after the upgrade takes back its figures and leaves every unit."""
    path = tmp_path / "v11.duckdb"
    con = old_schema(path, 11, data_version=3)
    con.execute("INSERT INTO units (code, name_zh, kind) VALUES ('C', '新城街道', '街道')")
    con.execute(
        "INSERT INTO indicators (code, name_zh, measure, direction, kind, frequency) "
        "VALUES ('REV', '收入', '万元', 'higher', 'flow', 'M')"
    )
    con.execute(
        "INSERT INTO batches (file_name, who, rows_read, rows_new, status) "
        "VALUES ('old.csv', 'li', 1, 1, 'committed')"
    )
    con.execute("INSERT INTO observations VALUES ('C', 'REV', 'M', 2024, 6, 'actual', 5, TRUE, 1)")
    con.close()
    store = Store(path, actor=ADMIN)
    assert store.schema_version() == LATEST
    preview = store.undo_preview(1)
    assert (preview.removed, preview.units, preview.indicators) == (1, (), ())
    store.undo_batch(1)
    assert store.observations().empty and list(store.units()["code"]) == ["C"]


def _key_counts(store: Store) -> tuple[int, int]:
    got = store.observations()
    return len(got), len(
        got.drop_duplicates(["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"])
    )


@pytest.mark.parametrize("batch_rows", [1, 2, 1 << 20])
def test_figures_are_every_stored_figure_without_labels(
    store: Store, batch_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the whole-database checks read: the same figures as ``observations``, less the
    label and batch, in any order, the text columns categorical; scoped to indicators when
    asked. Read a batch of rows at a time (one row, two, all), the frame is the same."""
    from bxgc_metrics.store import connection

    monkeypatch.setattr(connection, "CODED_BATCH_ROWS", batch_rows)
    store.write_observations(
        pd.concat([_obs({"A": 1.0, "B": 2.0}), _obs({"A": 3.0}, month=7, kind="target")]),
        file_name="f.xlsx",
    )
    figures = store.figures()
    columns = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
    assert list(figures.columns) == [*columns, "value", "cumulative"]
    text = ["unit_code", "indicator_code", "freq", "value_kind"]
    assert all(isinstance(figures[c].dtype, pd.CategoricalDtype) for c in text)
    both = store.observations()[list(figures.columns)]
    as_text = figures.astype(dict.fromkeys(text, both["unit_code"].dtype))
    pd.testing.assert_frame_equal(
        as_text.sort_values(columns, ignore_index=True),
        both.sort_values(columns, ignore_index=True),
        check_dtype=False,
    )
    assert len(store.figures(indicators=["REV"])) == 3
    assert store.figures(indicators=["NONE"]).empty


def test_observations_stay_unique_through_writes_and_undos(store: Store) -> None:
    first = store.write_observations(_obs({"A": 1.0, "B": 2.0}), file_name="1")
    second = store.write_observations(_obs({"A": 1.0, "B": 3.0}), file_name="2")
    third = store.write_observations(
        pd.concat([_obs({"A": 5.0}), _obs({"B": 9.0}, month=7)]), file_name="3"
    )
    assert (third.rows_new, third.rows_changed) == (1, 1)
    assert _key_counts(store) == (3, 3)
    store.undo_batch(third.batch_id)
    assert _key_counts(store) == (2, 2)
    store.undo_batch(second.batch_id)
    assert store.observations().set_index("unit_code")["value"].to_dict() == {"A": 1.0, "B": 2.0}
    again = store.write_observations(
        _obs(
            {
                "A": 1.0,
                "B": 2.0,
            }
        ),
        file_name="4",
    )
    assert again.batch_id is None and _key_counts(store) == (2, 2)
    store.undo_batch(first.batch_id)
    assert store.observations().empty
    with pytest.raises(StoreError):
        store.write_observations(pd.concat([_obs({"A": 1.0}), _obs({"A": 2.0})]), file_name="d")
    assert store.observations().empty


def test_a_batch_keeps_history_only_for_the_values_it_replaced(store: Store) -> None:
    store.write_observations(_obs({"A": 1.0}), file_name="1")
    second = store.write_observations(_obs({"A": 2.0, "B": 3.0}), file_name="2")
    store.count_observations()  # on PostgreSQL, the local copy (which keeps history too) catches up
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        rows = con.execute(
            "SELECT unit_code, existed, old_value FROM observation_history WHERE batch_id = ?",
            [second.batch_id],
        ).fetchall()
    finally:
        con.close()
    assert rows == [("A", True, 1.0)]
    store.undo_batch(second.batch_id)
    assert store.observations().set_index("unit_code")["value"].to_dict() == {"A": 1.0}


def test_a_prepared_batch_is_compared_again_when_written(store: Store) -> None:
    prepared = store.prepare_observations(_obs({"A": 100.0, "B": 50.0}))
    assert prepared.preview["status"].tolist() == ["new", "new"]
    store.write_observations(_obs({"A": 100.0}), file_name="in between")
    result = store.write_observations(prepared, file_name="prepared")
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (1, 0, 1)
    changed = store.prepare_observations(_obs({"A": 120.0, "B": 50.0}))
    assert changed.preview["status"].tolist() == ["changed", "unchanged"]
    assert changed.preview["old_value"].tolist() == [100.0, 50.0]
    store.write_observations(_obs({"A": 130.0}), file_name="in between again")
    again = store.write_observations(changed, file_name="prepared again")
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 1, 1)
    stored = store.observations().set_index("unit_code")["value"].to_dict()
    assert stored == {"A": 120.0, "B": 50.0}
    store.undo_batch(again.batch_id)  # type: ignore[arg-type]
    assert store.observations().set_index("unit_code")["value"].to_dict()["A"] == 130.0


@pytest.mark.embedded
def test_a_prepared_batch_written_at_once_is_not_compared_twice(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing written since the rows were prepared: the write takes what preparing found
    (one comparison with the stored figures, not two) and writes the same batch."""
    store.write_observations(_obs({"A": 100.0}), file_name="first")
    finds: list[int] = []
    real = batches._Stored.find.__func__  # type: ignore[attr-defined]

    def counted(cls: type, con: Any, table: Any) -> Any:
        finds.append(table.num_rows)
        return real(cls, con, table)

    monkeypatch.setattr(batches._Stored, "find", classmethod(counted))
    prepared = store.prepare_observations(_obs({"A": 120.0, "B": 50.0}))
    result = store.write_observations(prepared, file_name="prepared")
    assert finds == [2]
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (1, 1, 0)
    assert store.observations().set_index("unit_code")["value"].to_dict() == {
        "A": 120.0,
        "B": 50.0,
    }
    store.undo_batch(result.batch_id)  # type: ignore[arg-type]
    assert store.observations().set_index("unit_code")["value"].to_dict() == {"A": 100.0}
    again = store.write_observations(prepared, file_name="prepared, after its undo")
    assert finds == [2, 2]  # the undo raised the version: compared again
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (1, 1, 0)


@pytest.mark.embedded
def test_a_prepared_batch_is_compared_again_after_a_restore(store: Store) -> None:
    """A restore brings back other figures under a data version above every earlier one,
    so rows prepared before it are compared with what the restored file holds."""
    store.write_observations(_obs({"A": 100.0}), file_name="first")
    store.write_observations(_obs({"A": 110.0}), file_name="second")  # backed up A = 100
    prepared = store.prepare_observations(_obs({"A": 110.0, "B": 50.0}))
    assert prepared.preview["status"].tolist() == ["unchanged", "new"]
    restore(store.path, backups(store.path)[0], operator())
    result = store.write_observations(prepared, file_name="prepared before the restore")
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (1, 1, 0)
    assert store.observations().set_index("unit_code")["value"].to_dict() == {
        "A": 110.0,
        "B": 50.0,
    }


@pytest.mark.embedded
def test_new_figures_are_stored_in_period_order(store: Store) -> None:
    months = [_obs({"A": float(m), "B": float(m)}, month=m) for m in (9, 3, 12, 1, 6)]
    frame = pd.concat([*months, _obs({"A": 7.0}).assign(year=2023)], ignore_index=True)
    store.write_observations(frame, file_name="shuffled")
    with duckdb.connect(str(store.path), read_only=True) as con:
        stored = con.execute("SELECT year, sub FROM observations").fetchall()
    assert stored == sorted(stored) and len(stored) == len(frame)


@pytest.mark.embedded
def test_reads_inside_reading_share_one_connection(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = []
    open_file = Store._open

    def counting(self: Store) -> duckdb.DuckDBPyConnection:
        opened.append(1)
        return open_file(self)

    monkeypatch.setattr(Store, "_open", counting)
    with store.reading():
        units, indicators = store.units(), store.indicators()
        preview = store.preview_observations(_obs({"A": 1.0}))
        assert store.batch_with_sha256("0" * 64) is None
        store.write_observations(_obs({"A": 1.0}), file_name="inside")  # its own connection
        assert store.preview_observations(_obs({"A": 1.0}))["status"].tolist() == ["unchanged"]
    assert len(units) == 2 and len(indicators) == 1 and preview["status"].tolist() == ["new"]
    assert len(opened) == 2


@pytest.mark.embedded
def test_a_read_alongside_shares_the_open_connection_from_another_thread(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the import's preview does while its checks run: another thread reads through
    the connection :meth:`Store.reading` holds, and its errors reach the caller."""
    opened = []
    open_file = Store._open

    def counting(self: Store) -> duckdb.DuckDBPyConnection:
        opened.append(threading.get_ident())
        return open_file(self)

    monkeypatch.setattr(Store, "_open", counting)
    with store.reading():
        preview = store.alongside(lambda: store.preview_observations(_obs({"A": 1.0})))
        units = store.alongside(store.units)
        here = store.units()
        assert preview.result()["status"].tolist() == ["new"]
        assert units.result().equals(here)
        failed = store.alongside(lambda: store.preview_observations(pd.DataFrame({"x": [1]})))
        with pytest.raises(StoreError, match="Missing columns"):
            failed.result()
    assert opened == [threading.get_ident()]  # one file opened, on this thread
    apart = store.alongside(store.units).result()  # outside: it opens the file itself
    assert apart.equals(here) and len(opened) == 2


@pytest.mark.parametrize(
    "refusal",
    [
        duckdb.ResourceInUseException(
            'Resource In Use Error: Unique file handle conflict: Cannot attach "bxgc" - the '
            'database file "bxgc.duckdb" is already attached by database "bxgc"'
        ),
        duckdb.ConnectionException(
            "Connection Error: Can't open a connection to same database file with a different "
            "configuration than existing connections"
        ),
    ],
)
@pytest.mark.embedded
def test_an_opening_that_races_another_thread_is_tried_again(
    refusal: duckdb.Error, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sessions of the dashboard open the file at the same moment: DuckDB refuses one
    until the other's connection is made; the reader waits instead of seeing an error."""
    store = Store(tmp_path / "bxgc.duckdb")
    assert store.data_version() == 0
    real, calls = connection.engine.attach, []

    def racing(*args: Any, **kwargs: Any) -> engine.Attached:
        calls.append(args)
        if len(calls) <= 2:
            raise refusal
        return real(*args, **kwargs)

    monkeypatch.setattr(connection.engine, "attach", racing)
    assert store.data_version() == 0 and len(calls) == 3


@pytest.mark.embedded
def test_threads_of_one_process_open_the_file_together(tmp_path: Path) -> None:
    store, failures = Store(tmp_path / "bxgc.duckdb"), []
    store.schema_version()

    def reader() -> None:
        for _ in range(150):
            try:
                store._open().close()
            except Exception as exc:
                failures.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
