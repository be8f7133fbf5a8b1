"""The 差距整改 page: overdue items read as days past their deadline, and an item whose
promised value is reached says so wherever its status shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    monkeypatch.setenv("BXGC_TODAY", "2026-12-03")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/gaps.py").run()
    assert not at.exception, at.exception
    return at


def test_overdue_items_count_days_past_the_deadline(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 3 December: XZ05's 征地拆迁 (due 31 August) is 94 days late, JD03's 新开工项目
    (due 30 September) 64, and the latter promised 30 projects and has 32."""
    at = _page(demo_db, monkeypatch)
    overdue = next(d.value for d in at.dataframe if "逾期天数" in d.value.columns)
    assert overdue[["差距", "逾期天数"]].values.tolist() == [
        ["征地拆迁进度慢", 94],
        ["新开工项目偏少", 64],
    ]
    assert overdue["备注"].tolist() == ["", "已达到承诺值，请确认是否已完成"]
    assert not any("剩余天数" in d.value.columns for d in at.dataframe)
    review = next(d.value for d in at.dataframe if "完成承诺" in d.value.columns)
    status = dict(zip(review["差距"], review["状态"], strict=True))
    assert status["新开工项目偏少"] == "未开始（已达到承诺值，请确认是否已完成）"
    assert status["工业投资增速落后于同组乡镇"] == "已完成"  # met and done: nothing to ask
    assert status["征地拆迁进度慢"] == "未开始"  # not met


def test_the_english_page_reads_days_overdue(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch, lang="en")
    overdue = next(d.value for d in at.dataframe if "Days overdue" in d.value.columns)
    assert overdue["Days overdue"].tolist() == [94, 64]


def test_the_gaps_table_keeps_whose_gap_it_is_in_view(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1440 px the gaps table is wider than the page and scrolls sideways: the unit
    stays pinned at its left, wide enough for a name of several characters (it showed
    "东城街" for 东城街道), and the gap itself has room for a sentence."""
    at = _page(demo_db, monkeypatch)
    (table,) = [d for d in at.dataframe if "unit_code" in d.value.columns]
    columns = json.loads(table.proto.columns)
    assert columns["unit_code"]["pinned"] is True
    names = [o["label"] for o in columns["unit_code"]["type_config"]["options"]]
    longest = max(names, key=len)
    assert columns["unit_code"]["width"] >= 14 * len(longest) + 16  # 14 px a character
    # the gap's sentences fit whole: "招商引资到位资金不足东城街道的九成" is 17 characters
    assert columns["gap"]["width"] >= 14 * 17


def test_the_look_back_table_keeps_the_unit_in_view_and_its_status_whole(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-back table is wider than a 1440 px page too: the unit stays pinned at its
    left, and the status has room for its note ("整改中（已达到承诺值，请确认是否已完成）"
    was cut after 请确认)."""
    at = _page(demo_db, monkeypatch)
    (table,) = [d for d in at.dataframe if "完成承诺" in d.value.columns]
    columns = json.loads(table.proto.columns)
    assert columns["单位"]["pinned"] is True
    longest = max(table.value["单位"], key=len)
    assert columns["单位"]["width"] >= 14 * len(longest) + 16
    status = max(table.value["状态"], key=len)
    assert columns["状态"]["width"] >= 14 * len(status)


def test_the_english_look_back_names_indicators_in_english(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every other English table names an indicator by its English name; the look-back
    table read the Chinese one."""
    at = _page(demo_db, monkeypatch, lang="en")
    (table,) = [d.value for d in at.dataframe if "Achieved" in d.value.columns]
    named = table["Indicator"].dropna()
    assert len(named) and not named.str.contains(r"[\u4e00-\u9fff]").any(), named.tolist()
