"""Views as links: overview, catch-up and rankings read their choices from the address,
write them back, and follow the address when it changes under them (back, forward)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.ui.folds import open_tab


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update(params)
    if page != "overview":
        at.run()
        at.query_params.clear()
        at.query_params.update(params)
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _box(at: AppTest, start: str):
    return next(s for s in at.selectbox if s.key.startswith(start))


def _notes(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "无法识别" in c.value]


def test_the_address_opens_the_view_it_names(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "overview", indicator="RETAIL", period="2026-03")
    assert _box(at, "overview_indicator").value == "RETAIL"
    assert at.select_slider[0].value == "2026-03"
    assert at.metric[0].value == "2026年1-3月"  # the figures are that month's
    assert not _notes(at)


def test_defaults_stay_out_of_the_address_and_changes_are_written(
    demo_db: Path, monkeypatch
) -> None:
    at = _page(demo_db, monkeypatch, "overview")
    first = _box(at, "overview_indicator").value
    assert dict(at.query_params) == {}  # arriving adds nothing to the history
    other = next(o for o in ("FAI", "GBR") if o != first)
    _box(at, "overview_indicator").set_value(other).run()
    assert at.query_params["indicator"] == other
    at.select_slider[0].set_value("2026-05").run()
    assert dict(at.query_params) == {"indicator": other, "period": "2026-05"}


def test_the_back_button_brings_the_earlier_view_back(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "overview")
    _box(at, "overview_indicator").set_value("GBR").run()
    at.select_slider[0].set_value("2026-05").run()
    # the browser goes back: the address is the earlier one, the widgets still the later
    at.query_params.clear()
    at.query_params["indicator"] = "GBR"
    at.run()
    assert _box(at, "overview_indicator").value == "GBR"
    assert at.select_slider[0].value == "2026-10"  # left out = the default, the latest month
    at.query_params.clear()
    at.run()  # back to where the reader arrived
    assert _box(at, "overview_indicator").value == "FAI" and dict(at.query_params) == {}


@pytest.mark.parametrize("bad", ["NOPE", "*GBR*", ""])
def test_a_value_that_names_nothing_falls_back_with_a_notice(
    bad: str, demo_db: Path, monkeypatch
) -> None:
    at = _page(demo_db, monkeypatch, "overview", indicator=bad)
    assert _box(at, "overview_indicator").value == "FAI"
    assert "indicator" not in at.query_params
    notes = _notes(at)
    assert len(notes) == 1 and f"indicator={bad}".replace("*", "\\*") in notes[0]
    at.run()  # said once, not on every rerun
    assert not _notes(at)


CATCHUP = {
    "unit": "JD03",
    "indicator": "GBR",
    "bench": "JD01,JD02",
    "model": "plan",
    "target": "2029",
    "ours": "12.5",
    "theirs": "4",
}


def test_catchup_round_trip(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "catchup", **CATCHUP)
    assert _box(at, "cu_chaser").value == "JD03"
    assert _box(at, "cu_ind_JD03").value == "GBR"
    assert at.multiselect[0].value == ["JD01", "JD02"]
    assert [s.value for s in at.slider] == [2029, 12.5, 4.0]
    assert not _notes(at)
    # every choice differs from its default; the model is always written, because its
    # default (the model that has been right here) moves with the data
    assert dict(at.query_params) == CATCHUP
    headline = [m.value for m in at.metric]
    again = _page(demo_db, monkeypatch, "catchup", **dict(at.query_params))
    assert [m.value for m in again.metric] == headline  # the same figures


def test_catchup_ignores_what_names_nothing(demo_db: Path, monkeypatch) -> None:
    at = _page(
        demo_db,
        monkeypatch,
        "catchup",
        unit="JD03",
        bench="JD01,ZZ99",
        target="1999",
        model="plan",  # the rates' sliders show with the plan model only
        ours="x",
    )
    notes = _notes(at)
    assert len(notes) == 1
    assert all(p in notes[0] for p in ("bench=JD01,ZZ99", "target=1999", "ours=x"))
    assert _box(at, "cu_chaser").value == "JD03"


RANKINGS = {
    "group": "乡镇",
    "by": "growth",
    "period": "2026-06",
    "indicator": "GBR",
    "norm": "zscore",
    "weighting": "custom",
    "agg": "topsis",
    "weights": "FAI:2,GBR:1",
    "tab": "composite",
}


def test_rankings_round_trip(demo_db: Path, monkeypatch) -> None:
    at = _page(demo_db, monkeypatch, "rankings", **RANKINGS)
    assert not _notes(at)
    assert _box(at, "rank_group").value == "乡镇"
    assert _box(at, "rank_period").value == "2026-06"
    # the link opens the tab it names; only that tab is built
    assert [t.label for t in at.tabs] == ["单项排名", "综合排名", "奖励测算"]
    assert not any(s.key.startswith("rank_ind") for s in at.selectbox)
    assert (_box(at, "rank_norm").value, _box(at, "rank_agg").value) == ("zscore", "topsis")
    weights = dict(at.query_params)["weights"]
    assert weights.startswith("FAI:2,") and ",GBR:1" in weights  # the others at 1, written out
    assert at.query_params["indicator"] == "GBR"  # the closed tab's choice stays in the link
    tables = [d.value.to_dict() for d in at.dataframe[:2]]
    again = _page(demo_db, monkeypatch, "rankings", **dict(at.query_params))
    assert [d.value.to_dict() for d in again.dataframe[:2]] == tables
    # the other tab shows the link's indicator; the composite's choices stay in the address
    open_tab(at, "rank_tab", "单项排名")
    assert _box(at, "rank_ind").value == "GBR"
    assert "tab" not in at.query_params  # the first tab is the default
    assert at.query_params["norm"] == "zscore" and at.query_params["weights"] == weights
    open_tab(at, "rank_tab", "综合排名")
    assert (_box(at, "rank_norm").value, _box(at, "rank_agg").value) == ("zscore", "topsis")
    assert [d.value.to_dict() for d in at.dataframe[:2]] == tables


@pytest.mark.parametrize(
    ("page", "key", "position", "first_only"),
    [("rankings", "rank_tab", 1, "rank_ind"), ("rankings", "rank_tab", 2, "rank_ind"),
     ("quality", "q_tab", 1, None)],
)  # fmt: skip
def test_a_language_switch_keeps_the_open_tab(
    demo_db: Path, monkeypatch, page: str, key: str, position: int, first_only: str | None
) -> None:
    """A tab's state is its label, which a language switch changes: the reader still sees
    the tab they had open, now in English, and the first tab is still not built."""
    at = _page(demo_db, monkeypatch, page)
    chinese = [t.label for t in at.tabs]
    open_tab(at, key, chinese[position])
    at.session_state["lang"] = "en"  # what the sidebar's 中文 / English switch sets
    at.run()
    assert not at.exception, at.exception
    english = [t.label for t in at.tabs]
    assert len(english) == len(chinese) and english[0] != chinese[0]
    assert at.session_state[key] == english[position]
    if first_only is not None:
        assert not any((s.key or "").startswith(first_only) for s in at.selectbox)


@pytest.mark.parametrize(
    ("period", "kind", "year"),
    [("2026-10", "half", 2026), ("2025-12", "year", 2025), ("2026-03", "year", 2025)],
)
def test_the_rewards_follow_the_period_picked(
    demo_db: Path, monkeypatch, period: str, kind: str, year: int
) -> None:
    """The rewards tab opens on the latest assessment the page's 时期 has reached: 1-10月
    the half-year of 2026, December the year-end of that year, March the year before's
    year-end."""
    at = _page(demo_db, monkeypatch, "rankings", period=period, tab="rewards")
    assert at.session_state["reward_kind"] == kind
    assert at.selectbox(key=f"reward_year_{kind}").value == year
