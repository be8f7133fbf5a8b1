"""Events on the pages: marked on the catch-up chart, phases behind a toggle, and the
settings page's events editor (editable for analysts, read-only for readers)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.access import Actor
from bxgc_metrics.store import Event, Store
from bxgc_ui.auth import SESSION_KEY
from bxgc_ui.views.settings import event_changes, event_rows
from tests.conftest import ADMIN, ROOT, admin_store


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, actor: Actor | None) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if actor is not None:
        at.session_state[SESSION_KEY] = actor
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _events_trace(figure: dict) -> dict:
    (trace,) = [t for t in figure["data"] if t.get("name") == "大事记"]
    return trace


def test_the_catch_up_chart_marks_the_demo_events_of_plan_four(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch, "pages/catchup.py", ADMIN)
    trace = _events_trace(_figure(at))
    # 2011-03-15 is day 74 of 2011 (2011 + 73/365): plan four's own policy, a star on its
    # line; 2012-01-01 (2012.0) changes the revenue's definition for every unit.
    assert trace["x"] == pytest.approx([2011 + 73 / 365, 2012.0])
    assert trace["marker"]["symbol"] == ["star", "triangle-down"]
    assert trace["hovertext"][0].startswith("2011-03-15 政策出台 · 方案四·本街道<br>")
    assert any("★" in c.value for c in at.caption)


def test_phases_show_as_bands_when_switched_on(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch, "pages/catchup.py", ADMIN)
    at.selectbox(key="cu_chaser@zh").set_value("JD03").run()
    shapes = _figure(at)["layout"].get("shapes", [])
    assert not [s for s in shapes if s["type"] == "rect"]  # off by default
    trace = _events_trace(_figure(at))
    assert 2023.0 in trace["x"] and 2024 + 74 / 366 in trace["x"]  # 口径调整, 南关十条
    at.toggle(key="cu_phases").set_value(True).run()
    assert not at.exception
    rects = [s for s in _figure(at)["layout"]["shapes"] if s["type"] == "rect"]
    # the 2026 demo campaign's four phases; the first from 1 March (2026 + 59/365)
    assert len(rects) == 4 and rects[0]["x0"] == pytest.approx(2026 + 59 / 365)


def test_an_analyst_edits_events_on_the_settings_page(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_store(demo_db).create_user("li", "pw-li-1", "analyst")
    at = _page(demo_db, monkeypatch, "pages/settings.py", Actor("li", "analyst"))
    (editor,) = [e for e in at.data_editor if "set_events_editor" in e.proto.id]
    assert not editor.proto.disabled and editor.proto.editing_mode == 2  # rows may be added
    version = Store(demo_db).data_version()
    at.button(key="set_events_save").click().run()
    assert not at.exception and not at.error
    assert Store(demo_db).data_version() == version  # saved unchanged: nothing written


def test_a_reader_sees_the_events_read_only(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch, "pages/settings.py", None)
    (editor,) = [e for e in at.data_editor if "set_events_editor" in e.proto.id]
    assert editor.proto.disabled
    assert not [b for b in at.button if b.key == "set_events_save"]
    assert any("分析员" in i.value for i in at.info)


def test_an_edit_becomes_added_updated_and_deleted_events(demo_store: Store) -> None:
    stored = demo_store.events()
    edited = event_rows(stored)
    first, last = int(edited["id"].iloc[0]), int(edited["id"].iloc[-1])
    edited.loc[edited.index[0], "text"] = "改过的内容"
    edited = edited[edited["id"] != last]
    blank = {"id": None, "event_date": None, "unit_code": "", "indicator_code": "", "kind": None}
    new = {
        "id": None, "event_date": dt.date(2026, 5, 1), "unit_code": "JD02",
        "indicator_code": "", "kind": "project", "text": " 西城重点项目投产 ", "created_by": "",
    }  # fmt: skip
    edited = pd.concat([edited, pd.DataFrame([{**blank, "text": ""}, new])], ignore_index=True)
    changes = event_changes(stored, edited)
    assert changes["deleted"] == [last]
    assert list(changes["updated"]) == [first] and changes["updated"][first].text == "改过的内容"
    assert changes["added"] == [
        Event(dt.date(2026, 5, 1), "西城重点项目投产", kind="project", unit_code="JD02")
    ]
    demo_store.save_events(**changes)
    texts = set(demo_store.events()["text"])
    assert {"改过的内容", "西城重点项目投产"} <= texts
    assert len(demo_store.events()) == len(stored)  # one added, one removed


def test_an_unchanged_editor_changes_nothing(demo_store: Store) -> None:
    stored = demo_store.events()
    assert event_changes(stored, event_rows(stored)) == {"added": [], "updated": {}, "deleted": []}


def test_the_phase_bands_follow_today_on_a_server_that_runs_for_days(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phase's colour says where it stands today: a server that drew the chart before
    the campaign began draws it again, in the finished phases' colour, once it is over,
    with no import in between."""
    from bxgc_ui.palette import PHASE_COLOURS

    def colours(at: AppTest) -> list[str]:
        shapes = _figure(at)["layout"]["shapes"]
        return [s["fillcolor"] for s in shapes if s["type"] == "rect"]

    monkeypatch.setenv("BXGC_TODAY", "2026-02-01")  # before the demo campaign's first phase
    at = _page(demo_db, monkeypatch, "pages/catchup.py", ADMIN)
    at.selectbox(key="cu_chaser@zh").set_value("JD03").run()
    at.toggle(key="cu_phases").set_value(True).run()
    assert colours(at) == [PHASE_COLOURS["upcoming"]] * 4
    monkeypatch.setenv("BXGC_TODAY", "2027-01-15")  # every phase is over
    at.run()
    assert not at.exception
    assert colours(at) == [PHASE_COLOURS["done"]] * 4
