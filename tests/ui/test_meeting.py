"""The meeting screen under AppTest: demo and empty databases, both languages, settings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.store import Store
from bxgc_metrics.tables.standings import members, standings
from tests.conftest import ROOT, admin_store

PAGE = "pages/meeting.py"


def _meeting(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str = "zh",
    query: dict[str, str] | None = None,
) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.query_params.update(query or {})
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert not at.error
    return at


def _names(store: Store) -> dict[str, tuple[str, str]]:
    units = store.units()
    return dict(
        zip(units["code"], zip(units["name_zh"], units["name_en"], strict=True), strict=True)
    )


def _caption(at: AppTest, containing: str) -> str:
    return next(c.value for c in at.caption if containing in c.value)


@pytest.mark.parametrize(("lang", "column"), [("zh", 0), ("en", 1)])
def test_ranking_table_matches_standings(
    lang: str, column: int, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(demo_db, monkeypatch, lang)
    store = Store(demo_db)
    expected = standings(
        store.observations(), "FAI", "M", year=2026, sub=10, units=members(store.units())
    )
    table = at.dataframe[0].value
    assert len(table) == 16  # the 16 demo units; the 2 external benchmarks are never ranked
    assert not set(table["label"]) & {"东湖区（邻区标杆）", "Donghu District (neighbour benchmark)"}
    assert table["label"].iloc[0] == _names(store)[expected["unit_code"].iloc[0]][column]
    assert table["rank"].tolist() == [str(r) for r in expected["rank"]]
    assert len(at.get("plotly_chart")) == 2  # live ranking and ranking race
    marker = "最后更新" if lang == "zh" else "last updated"
    stamp = _caption(at, marker)
    assert ("2026年1-10月 · 全部单位" if lang == "zh" else "Jan-Oct 2026 · All units") in stamp


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_database_shows_the_empty_state(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(tmp_path / "empty.duckdb", monkeypatch, lang)
    wanted = "数据库中还没有数据" if lang == "zh" else "The database holds no data yet"
    assert at.subheader[0].value == wanted
    assert not at.dataframe


def test_query_parameters_pick_growth_a_peer_group_and_the_interval(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {"by": "growth", "group": "城区街道", "indicator": "GBR", "every": "3"}
    at = _meeting(demo_db, monkeypatch, query=query)
    store = Store(demo_db)
    units = store.units()
    urban = units.loc[units["peer_group"] == "城区街道", "code"].tolist()
    expected = standings(
        store.observations(),
        "GBR",
        "M",
        year=2026,
        sub=10,
        by="growth",
        higher_is_better=True,
        units=urban,
    )
    table = at.dataframe[0].value
    assert len(table) == len(expected) == 8
    assert table["label"].iloc[0] == _names(store)[expected["unit_code"].iloc[0]][0]
    assert at.number_input(key="meeting_every").value == 3
    assert "城区街道 · 最后更新" in _caption(at, "每 3 秒")


def test_carousel_moves_to_the_next_indicator_on_every_refresh(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(demo_db, monkeypatch, query={"carousel": "1", "indicator": "FAI"})
    titles = [at.title[0].value]
    for _ in range(2):
        at.run()
        titles.append(at.title[0].value)
    assert titles[0].startswith("固定资产投资")
    assert len(set(titles)) == 3, titles


def test_new_data_shows_on_the_next_refresh(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _meeting(demo_db, monkeypatch)
    store = admin_store(demo_db)
    last = at.dataframe[0].value["label"].iloc[-1]
    code = next(c for c, (zh, _) in _names(store).items() if zh == last)
    store.write_observations(
        pd.DataFrame(
            {
                "unit_code": [code],
                "indicator_code": ["FAI"],
                "freq": ["M"],
                "year": [2026],
                "sub": [10],
                "value_kind": ["actual"],
                "value": [1e9],
                "cumulative": [True],
            }
        ),
        file_name="late.csv",
    )
    at.run()
    assert at.dataframe[0].value["label"].iloc[0] == last


def _race(units: int, months: int = 2) -> pd.DataFrame:
    rows = []
    for sub in range(1, months + 1):
        for i in range(units):
            rows.append(
                {
                    "year": 2026,
                    "sub": sub,
                    "unit_code": f"U{i:03d}",
                    "metric": 1 - i / 100,
                    "rank": i + 1,
                    "position": i + 1,
                    "band": "middle",
                    "value": 1.0,
                    "period": f"2026-{sub:02d}",
                }
            )
    return pd.DataFrame(rows)


def test_long_rankings_show_head_and_tail() -> None:
    from bxgc_ui.views import meeting

    small = _race(20, 1)
    assert meeting.ranked_head_and_tail(small)["position"].tolist() == list(range(1, 21))
    big = _race(40, 1)
    drawn = meeting.ranked_head_and_tail(big)["position"].tolist()
    assert drawn == [*range(1, 16), 36, 37, 38, 39, 40]


def test_race_slots_keep_the_first_and_last_places() -> None:
    from bxgc_ui.views import meeting

    race = _race(40)
    race = race[~((race["sub"] == 1) & (race["position"] == 40))]  # one unit fewer in January
    slots = meeting.race_slots(race)
    jan, feb = slots[slots["sub"] == 1], slots[slots["sub"] == 2]
    assert jan["position"].tolist() == [*range(1, 16), 35, 36, 37, 38, 39]
    assert feb["position"].tolist() == [*range(1, 16), 36, 37, 38, 39, 40]
    assert jan["slot"].tolist() == feb["slot"].tolist() == [*range(1, 16), *range(17, 22)]
    figure = meeting.race_figure(
        race, {}, "completion", title="t", x_title="x", period_name=lambda y, s: f"{y}-{s}"
    )
    assert list(figure.layout.yaxis.ticktext) == [
        *map(str, range(1, 16)),
        "36",
        "37",
        "38",
        "39",
        "40",
    ]
    assert all(len(f.data[0].y) == 20 for f in figure.frames)


@pytest.mark.parametrize("every", ["²", "٣", "1e3", "-5", "", "abc", "99999999999999999999"])
def test_odd_refresh_values_in_the_url_fall_back_quietly(
    every: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(demo_db, monkeypatch, query={"every": every})
    assert 2 <= at.number_input(key="meeting_every").value <= 600
