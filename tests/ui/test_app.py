"""Every page under AppTest, on the demo database and on an empty one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from bxgc_metrics.access import Actor
from bxgc_metrics.store import Store
from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ADMIN, ROOT
from tests.ui.folds import every_view, open_fold

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def _app(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    page: str | None = None,
    lang: str = "zh",
    actor: Actor | None = None,
    state: dict[str, object] | None = None,
) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if actor is not None:
        at.session_state[SESSION_KEY] = actor
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def test_every_page_is_listed_in_the_navigation() -> None:
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert PAGES and all(page in source for page in PAGES)


_MEASURES = "亿元|万元|元|亩|栋|户|个|平方米|吨标准煤"
CHINESE_MEASURE = re.compile(
    rf"(?<![\u3000-\u9fff\uff00-\uffef\d.,\\])[-+]?\d[\d,.\\]*\s*({_MEASURES})"
    rf"|\}}\s*({_MEASURES})"  # a chart's hover: %{{y:,.2f}}亿元
    rf'|"text":\s*"({_MEASURES})"'  # a chart's axis title
)
"""A figure in a Chinese measure that is not part of a Chinese sentence (a gap's wording,
the Chinese bulletin's preview, a campaign's notes: the data's own words): what an
English page must not show."""


STORED_PERIOD = re.compile(r"(?<![\d/=-])20\d\d-(?:0[1-9]|1[0-2]|Q[1-4]|H[12])(?![\d-])")
"""A period as the database keys it (2026-10, 2026-Q3), which no page shows: it reads
2026年10月 or Oct 2026 (a date, 2026-10-31, is not one)."""


def _nodes(node: object) -> Iterator[object]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


def _shown(at: AppTest) -> Iterator[str]:
    """Every text the page sends: each element's fields (chart specs and hovers
    included) and every header and cell of its tables."""
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            yield text_format.MessageToString(proto, as_utf8=True)
        if getattr(node, "type", None) in ("arrow_data_frame", "dataframe", "table"):
            frame = node.value
            if isinstance(frame, pd.DataFrame):
                yield from map(str, frame.columns)
                yield from (str(v) for v in frame.to_numpy().ravel())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_demo_data(
    page: str, lang: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every tab and every fold the page builds on demand included. No period reads as the
    database keys it (2026-10 reads 2026年10月, Oct 2026), and in English no figure reads
    in a Chinese measure (28.97亿元 reads 2.897 bn yuan, 158栋 158 buildings), in any
    text, table, chart axis or hover."""
    for view, at in every_view(lambda state: _app(demo_db, monkeypatch, page, lang, state=state)):
        assert not at.exception, (view, at.exception)
        assert not at.error, view
        if lang == "en":
            found = {
                text[max(0, m.start() - 60) : m.end()]
                for text in _shown(at)
                for m in CHINESE_MEASURE.finditer(text)
            }
            assert not found, (view, sorted(found)[:5])
        keys = {
            text[max(0, m.start() - 40) : m.end()]
            for text in _shown(at)
            for m in STORED_PERIOD.finditer(text)
        }
        assert not keys, (view, sorted(keys)[:5])  # 2026年10月 / Oct 2026
        assert not _missing_shown_as_none(at), view


def _missing_shown_as_none(at: AppTest) -> list[str]:
    """The tables on the page that would show a missing cell as "None": a table reads —
    where a figure or a name is missing, and an editor leaves the cell empty to type in."""
    found = []
    for node in _nodes(at._tree):
        if getattr(node, "type", None) != "dataframe":
            continue
        proto = node.proto  # type: ignore[attr-defined]
        editing = node.editing_mode != "read_only"  # type: ignore[attr-defined]
        if proto.placeholder != ("" if editing else "—"):
            found.append(f"{proto.id or 'table'}: {proto.placeholder!r}")
    return found


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_in_postgresql_mode_for_an_admin(
    page: str, backend: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page reads the demo through a server's local copy of PostgreSQL, and the
    admin's views (accounts, wall links, the audit log) from PostgreSQL itself."""
    at = _app(demo_db, monkeypatch, page, actor=ADMIN)
    assert not at.exception, at.exception
    assert not at.error
    assert demo_db.exists()  # the copy the pages read


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_an_empty_database(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(tmp_path / "empty.duckdb", monkeypatch, page)
    assert not at.exception, at.exception
    assert not at.error


def test_overview_shows_the_demo_table_and_chart(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch)
    assert any("演示数据" in i.value for i in at.info)
    assert at.metric[0].value == "2026年1-10月" and at.metric[1].value == "83.3%"
    # units a point or less behind time elapsed count as keeping pace: the figure says so
    assert "不超过1个百分点" in at.metric[2].proto.help and "蓝色" in at.metric[2].proto.help
    # each honour list is one element with its heading: the top three places under 红榜
    honour = next(m.value for m in at.markdown if "- 1\\. " in m.value)
    heading, places = honour.split("\n\n")
    assert heading.startswith(":material/military_tech:") and "红榜" in heading
    assert places.startswith("- 1\\. ") and places.count("\n") == 2  # the top three places
    assert not any("回放" in c.value for c in at.caption)  # the folded replay's note waits too
    # the completion chart alone: the table, the replay and the matrix wait to be opened
    assert len(at.get("plotly_chart")) == 1 and not at.dataframe
    open_fold(at, "ov_table_box")
    table = at.dataframe[0].value
    assert len(table) == 16  # the 16 city units; external benchmarks are not assessed
    open_fold(at, "ov_replay_box")
    assert len(at.get("plotly_chart")) == 2  # and the month-by-month replay
    assert any(c.value.startswith("按 ▶ 回放") for c in at.caption)  # with its note
    open_fold(at, "ov_matrix_box")
    assert len(at.dataframe) == 2 and at.dataframe[1].value.shape == (16, 10)


def test_the_pace_matrix_keeps_a_unit_that_has_not_reported_one_indicator(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """东城街道 has not reported October's 地方一般公共预算收入: it stays in the pace
    matrix with that cell empty (—), its other nine indicators shown, where the matrix
    dropped the unit whole."""
    import duckdb

    con = duckdb.connect(str(demo_db))
    con.execute(
        "DELETE FROM observations WHERE unit_code = 'JD01' AND indicator_code = 'GBR' "
        "AND freq = 'M' AND year = 2026 AND sub = 10 AND value_kind = 'actual'"
    )
    con.close()  # a database of this test's own: no page has read it yet
    at = open_fold(_app(demo_db, monkeypatch), "ov_matrix_box")
    (element,) = at.dataframe
    assert element.proto.placeholder == "—"  # the empty cell reads —, not None
    matrix = element.value
    shown = matrix.data if hasattr(matrix, "data") else matrix
    assert shown.shape == (16, 10)
    row = shown.loc["东城街道"]
    assert row.isna().sum() == 1 and np.isnan(row["地方一般公共预算收入"])


def test_units_keeping_pace_are_counted_among_units_whose_pace_is_known(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit without a target has no pace: counted as keeping it, the tile read 2 / 4
    where 1 of the 3 with targets kept pace. Here every unit but one loses its target."""
    import duckdb

    at = _app(demo_db, monkeypatch)
    code = at.selectbox[0].value
    con = duckdb.connect(str(demo_db))
    try:
        kept_unit = "JD01"  # 东城街道
        target, actual = con.execute(
            "SELECT max(value) FILTER (value_kind = 'target' AND freq = 'Y'), "
            "max(value) FILTER (value_kind = 'actual' AND freq = 'M' AND sub = 10) "
            "FROM observations WHERE indicator_code = ? AND unit_code = ? AND year = 2026",
            [code, kept_unit],
        ).fetchone()
        con.execute(
            "DELETE FROM observations WHERE indicator_code = ? AND value_kind = 'target' "
            "AND unit_code <> ?",
            [code, kept_unit],
        )
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key = 'data_version'"
        )
    finally:
        con.close()
    # 2026年1-10月: 10/12 of the year gone; a point or less behind still keeps pace
    keeps = actual / target * 100 >= 10 / 12 * 100 - 1.0
    at = _app(demo_db, monkeypatch)
    assert at.metric[2].value == f"{int(keeps)} / 1"


def test_language_switch_changes_the_labels(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch)
    assert at.title[0].value == "比学赶超"
    assert "lang" not in at.query_params
    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value.startswith("Compare")
    assert dict(at.query_params) == {"lang": "en"}  # a refresh keeps English
    assert at.metric[0].value == "Jan-Oct 2026"
    assert at.metric[3].label == "Units ranked"
    at.button_group(key="lang").set_value("zh").run()
    assert "lang" not in at.query_params and at.title[0].value == "比学赶超"


def test_empty_database_offers_the_demo_and_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "empty.duckdb"
    at = _app(db, monkeypatch, actor=ADMIN)
    assert at.subheader[0].value == "数据库中还没有数据"
    at.button[0].click().run()
    assert not at.exception
    assert Store(db).count_observations() > 20000
    # the 16 demo units with figures, of the 16 that report it; benchmarks are not ranked
    assert at.metric[3].value == "16 / 16"


def test_campaign_folds_its_tables_under_the_timeline(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline draws every phase and milestone; their tables wait in a fold."""
    at = _app(demo_db, monkeypatch, "pages/campaign.py")
    store = Store(demo_db)
    picked = at.selectbox(key="camp_pick").value
    phases, milestones = store.table("phases"), store.table("milestones")
    phases = phases[phases["campaign"] == picked]
    milestones = milestones[milestones["campaign"] == picked]
    assert len(at.get("plotly_chart")) == 1 and not at.dataframe
    # the late milestone, listed in the warning: the demo's 重点项目集中开工 was due 30 September
    late = [w.value for w in at.warning if w.value.startswith("**逾期未完成的节点**")]
    assert len(late) == 1 and "- 重点项目集中开工：时限 2026-09-30，已逾期" in late[0]
    open_fold(at, "camp_details_box")
    assert not at.exception
    shown = [d.value for d in at.dataframe]
    assert [len(f) for f in shown] == [len(phases), len(milestones)] and len(phases)
    assert set(shown[0]["阶段"]) == set(phases["name_zh"])
