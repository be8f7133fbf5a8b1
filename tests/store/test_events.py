"""Events on real DuckDB files: round trip, audit rows, the role re-checked at each write,
the rules an event must keep, and a file of the previous schema version upgraded."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from bxgc_metrics.access import Actor
from bxgc_metrics.errors import PermissionDeniedError, ValidationError
from bxgc_metrics.store import EVENT_COLUMNS, LATEST, Event, Store
from tests.conftest import admin_store, old_schema

pytestmark = pytest.mark.usefixtures("backend")

POLICY = Event(
    dt.date(2024, 3, 15), "南关街道出台招商引资十条政策", kind="policy", unit_code="JD03"
)
ALL_UNITS = Event(dt.date(2023, 1, 1), "统计口径调整", kind="definition", indicator_code="FAI")


def test_events_round_trip_and_raise_the_data_version(demo_store: Store) -> None:
    before = demo_store.events()
    version = demo_store.data_version()
    first = demo_store.add_event(POLICY)
    assert demo_store.data_version() > version
    second = demo_store.add_event(ALL_UNITS)
    got = demo_store.events().set_index("id")
    assert list(got.reset_index().columns) == list(EVENT_COLUMNS)
    assert len(got) == len(before) + 2
    row = got.loc[first]
    assert (row["event_date"].date(), row["unit_code"], row["kind"]) == (
        dt.date(2024, 3, 15),
        "JD03",
        "policy",
    )
    assert row["text"] == POLICY.text and row["created_by"] == "test-admin"
    assert pd.isna(got.loc[second, "unit_code"]) and got.loc[second, "indicator_code"] == "FAI"

    demo_store.update_event(first, Event(dt.date(2024, 4, 1), "  改为四月  ", kind="other"))
    changed = demo_store.events().set_index("id").loc[first]
    assert changed["text"] == "改为四月" and pd.isna(changed["unit_code"])
    assert changed["created_by"] == "test-admin"  # the author and time stay

    demo_store.delete_event(second)
    assert second not in set(demo_store.events()["id"])


def test_each_change_is_one_audit_row_with_before_and_after(demo_store: Store) -> None:
    event_id = demo_store.add_event(POLICY)
    demo_store.update_event(event_id, Event(dt.date(2024, 3, 16), "改", kind="project"))
    demo_store.delete_event(event_id)
    log = demo_store.audit_log()
    log = log[log["action"].str.startswith("event_")].head(3)  # after the demo's own events
    assert log["action"].tolist() == ["event_delete", "event_update", "event_add"]
    assert set(log["target"]) == {str(event_id)}
    added = json.loads(log["after_json"].iloc[2])
    assert added == {
        "event_date": "2024-03-15",
        "unit_code": "JD03",
        "indicator_code": None,
        "kind": "policy",
        "text": POLICY.text,
    }
    updated_before = json.loads(log["before_json"].iloc[1])
    assert updated_before["text"] == POLICY.text and updated_before["kind"] == "policy"
    assert json.loads(log["after_json"].iloc[1])["kind"] == "project"
    assert json.loads(log["before_json"].iloc[0])["text"] == "改"


def test_an_editor_save_is_one_transaction(demo_store: Store) -> None:
    keep = demo_store.add_event(POLICY)
    gone = demo_store.add_event(ALL_UNITS)
    bad = Event(dt.date(2024, 5, 1), "")
    with pytest.raises(ValidationError):
        demo_store.save_events(added=[bad], updated={keep: ALL_UNITS}, deleted=[gone])
    assert set(demo_store.events()["id"]) >= {keep, gone}  # nothing of it was written
    new = demo_store.save_events(added=[ALL_UNITS], updated={keep: ALL_UNITS}, deleted=[gone])
    ids = set(demo_store.events()["id"])
    assert keep in ids and gone not in ids and new[0] in ids


def _signed_in(db: Path, username: str, role: str) -> Store:
    admin_store(db).create_user(username, f"pw-{username}-1", role)
    opened = Store(db).open_session(username, f"pw-{username}-1", hours=8)
    assert opened is not None
    return Store(db, actor=opened[0])


def test_an_analyst_may_edit_events_and_a_demoted_one_is_refused(demo_db: Path) -> None:
    store = _signed_in(demo_db, "li", "analyst")
    event_id = store.add_event(POLICY)
    assert admin_store(demo_db).audit_log(action="event_add")["who"].iloc[0] == "li"
    admin_store(demo_db).update_user("li", role="viewer")
    version = store.data_version()
    for write in (
        lambda: store.add_event(ALL_UNITS),
        lambda: store.update_event(event_id, ALL_UNITS),
        lambda: store.delete_event(event_id),
    ):
        with pytest.raises(PermissionDeniedError):
            write()
    assert store.data_version() == version
    assert event_id in set(store.events()["id"])


def test_a_viewer_and_an_unknown_account_write_no_event(demo_db: Path) -> None:
    for actor in (Actor("anonymous", "viewer"), Actor("ghost", "admin")):
        with pytest.raises(PermissionDeniedError):
            Store(demo_db, actor=actor).add_event(POLICY)
    assert Store(demo_db).events().empty or POLICY.text not in set(Store(demo_db).events()["text"])


@pytest.mark.parametrize(
    ("event", "zh", "en"),
    [
        (Event(dt.date(2024, 3, 15), "   "), "内容不能为空", "the text is empty"),
        (
            Event(dt.date(2024, 3, 15), "x" * 501),
            "内容最多 500 个字，现有 501 个",
            "at most 500 are allowed",
        ),
        (
            Event(dt.date(1900, 1, 1), "建国前"),
            "日期 1900-01-01 超出范围（1980-01-01 至 2100-12-31）",
            "the date 1900-01-01 is out of range (1980-01-01 to 2100-12-31)",
        ),
        (
            Event(dt.date(2201, 1, 1), "未来"),
            "日期 2201-01-01 超出范围",
            "the date 2201-01-01 is out of range",
        ),
        (Event(None, "无日期"), "缺少日期", "the date is missing"),  # type: ignore[arg-type]
        (
            Event(dt.date(2024, 3, 15), "某区", unit_code="NOPE"),
            "单位代码 NOPE 不存在",
            "there is no unit with the code NOPE",
        ),
        (
            Event(dt.date(2024, 3, 15), "某指标", indicator_code="NOPE"),
            "指标代码 NOPE 不存在",
            "there is no indicator with the code NOPE",
        ),
        (
            Event(dt.date(2024, 3, 15), "某事", kind="rumour"),
            "类型 rumour 无效",
            "the kind rumour is unknown",
        ),
    ],
)
def test_an_event_breaking_a_rule_is_refused_with_both_messages(
    demo_store: Store, event: Event, zh: str, en: str
) -> None:
    count, version = len(demo_store.events()), demo_store.data_version()
    with pytest.raises(ValidationError) as info:
        demo_store.add_event(event)
    assert zh in info.value.zh and "未写入任何数据" in info.value.zh
    assert en in info.value.en and "Nothing was written" in info.value.en
    assert len(demo_store.events()) == count and demo_store.data_version() == version


def test_an_unknown_event_id_is_named(demo_store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        demo_store.delete_event(9999)
    assert "没有编号为 9999 的大事记" in info.value.zh and "no event 9999" in info.value.en


def test_hostile_text_is_stored_as_typed(demo_store: Store) -> None:
    text = "<script>alert(1)</script> $x$ **b** '; DROP TABLE events; --"
    event_id = demo_store.add_event(Event(dt.date(2024, 3, 15), text))
    assert demo_store.events().set_index("id").loc[event_id, "text"] == text


def _v8_file(path: Path) -> None:
    """A file of the previous schema version (8) with a unit and a phase in it."""
    con = old_schema(path, 8)
    con.execute("INSERT INTO units (code, name_zh, kind) VALUES ('A', '东城街道', '街道')")
    con.execute(
        "INSERT INTO phases (campaign, name_zh, start_date, end_date) "
        "VALUES ('方案三', '积极动员', DATE '2014-07-19', DATE '2014-07-28')"
    )
    con.close()


@pytest.mark.embedded
def test_a_version_8_file_gains_the_events_table_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v8.duckdb"
    _v8_file(path)
    store = admin_store(path)
    assert store.schema_version() == LATEST
    assert store.events().empty and list(store.events().columns) == list(EVENT_COLUMNS)
    assert store.units()["name_zh"].tolist() == ["东城街道"]
    assert store.table("phases")["name_zh"].tolist() == ["积极动员"]
    event_id = store.add_event(Event(dt.date(2014, 7, 20), "动员大会", unit_code="A"))
    assert store.events()["id"].tolist() == [event_id]
