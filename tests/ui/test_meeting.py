"""The meeting screen under AppTest: demo and empty databases, both languages, settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.store import Store
from bxgc_metrics.tables.standings import members, standings
from tests.conftest import ROOT, admin_store, board_html, board_rows

PAGE = "pages/meeting.py"


def _meeting(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str = "zh",
    query: dict[str, str] | None = None,
    state: dict[str, object] | None = None,
) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
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
def test_board_ranks_every_unit_as_the_standings_do(
    lang: str, column: int, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(demo_db, monkeypatch, lang)
    store = Store(demo_db)
    expected = standings(
        store.observations(), "FAI", "M", year=2026, sub=10, units=members(store.units())
    )
    rows = board_rows(board_html(at))
    assert len(rows) == 16  # the 16 demo units; the 2 external benchmarks are never ranked
    names = _names(store)
    assert [r["unit"] for r in rows] == [names[c][column] for c in expected["unit_code"]]
    assert [r["rank"] for r in rows] == [str(r) for r in expected["rank"]]
    assert [r["band"] for r in rows] == expected["band"].tolist()
    board = board_html(at)
    assert "东湖区（邻区标杆）" in board or "Donghu District" in board  # a reference line, named
    assert not {"东湖区（邻区标杆）", "Donghu District (neighbour benchmark)"} & {
        r["unit"] for r in rows
    }
    assert not at.get("plotly_chart")  # the race is folded, and built when opened
    opened = _meeting(demo_db, monkeypatch, lang, state={"meeting_race_box": True})
    assert len(opened.get("plotly_chart")) == 1  # the race to play by hand, in the app only
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
    assert not any("bxgc-board" in h.value for h in at.html)


def test_query_parameters_pick_growth_a_peer_group_and_the_interval(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {"by": "growth", "group": "城区街道", "indicator": "GBR", "every": "3", "turn": "7"}
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
    rows = board_rows(board_html(at))
    assert len(rows) == len(expected) == 8
    assert rows[0]["unit"] == _names(store)[expected["unit_code"].iloc[0]][0]
    assert at.number_input(key="meeting_every").value == 3
    assert at.number_input(key="meeting_turn").value == 7
    assert "城区街道 · 最后更新" in _caption(at, "每 3 秒")


def _heading(at: AppTest) -> str:
    return re.search(r'class="bxgc-title">([^<]*)<', board_html(at))[1]  # type: ignore[index]


def test_indicators_rotate_once_each_has_been_shown(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(demo_db, monkeypatch, query={"carousel": "1", "indicator": "FAI"})
    headings = [_heading(at)]
    at.run()  # a refresh before the slide has been shown whole keeps it
    assert _heading(at) == headings[0]
    for _ in range(2):
        at.session_state["meeting_since"] = -1e9  # the slide has been on screen long enough
        at.run()
        headings.append(_heading(at))
    assert headings[0].startswith("固定资产投资")
    assert len(set(headings)) == 3, headings


def test_carousel_of_ranking_and_race(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _meeting(demo_db, monkeypatch, query={"carousel": "ranking,race", "indicator": "FAI"})
    assert at.session_state["meeting_views"] == ["ranking", "race"]
    assert "data-period" not in board_html(at)
    at.session_state["meeting_since"] = -1e9
    at.run()
    race = board_html(at)
    periods = re.findall(r'data-period="(\d{4}-\d{2})"', race)
    # January to October, the latest month held for the last frames, then again
    assert periods == [f"2026-{m:02d}" for m in range(1, 11)] + ["2026-10"] * 2
    assert _heading(at).startswith("排名赛跑")
    at.session_state["meeting_since"] = -1e9
    at.run()
    assert "data-period" not in board_html(at)  # back to the ranking


def test_new_data_shows_on_the_next_refresh(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _meeting(demo_db, monkeypatch)
    store = admin_store(demo_db)
    last = board_rows(board_html(at))[-1]["unit"]
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
    # on top now, and marked: a figure changed after it was first reported is to verify
    assert board_rows(board_html(at))[0]["unit"] == f"{last} ⚠"


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
    at = _meeting(demo_db, monkeypatch, query={"every": every, "turn": every})
    assert 2 <= at.number_input(key="meeting_every").value <= 600
    assert 3 <= at.number_input(key="meeting_turn").value <= 120


def test_the_race_opens_on_the_month_asked_and_reads_on_a_light_page() -> None:
    from bxgc_ui.palette import BAND_COLOURS
    from bxgc_ui.views import meeting
    from bxgc_ui.views.meeting.race import LIGHT_INK

    race = _race(5, 3).assign(band=["top", "middle", "middle", "middle", "bottom"] * 3)
    figure = meeting.race_figure(
        race,
        {},
        "completion",
        title="t",
        x_title="x",
        period_name=lambda y, s: f"{y}-{s}",
        ink=LIGHT_INK,
        opens=(2026, 2),
    )
    assert figure.layout.sliders[0].active == 1
    assert figure.layout.annotations[0].text == "2026-2"
    assert list(figure.data[0].marker.color) == [
        BAND_COLOURS[b] for b in ["top", "middle", "middle", "middle", "bottom"]
    ]
    assert figure.layout.paper_bgcolor == "#FFFFFF"
    unknown = meeting.race_figure(
        race,
        {},
        "completion",
        title="t",
        x_title="x",
        period_name=lambda y, s: "p",
        opens=(2020, 1),
    )
    assert unknown.layout.sliders[0].active == 2  # a month not in the race: the latest


def test_the_sidebar_offers_the_projector_link_of_the_chosen_view(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(demo_db, monkeypatch, query={"indicator": "GBR", "every": "3"})
    links = [c.value for c in at.sidebar.get("code")]
    assert len(links) == 1 and links[0].startswith("/meeting?embed=true")
    assert "indicator=GBR" in links[0] and "every=3" in links[0]


def test_the_projector_link_opens_at_the_top_of_the_screen_settings(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the foot of a dozen settings the link's popover opened below the window's edge
    at 1440 × 900: it comes first, under the settings' heading, above the indicator."""
    at = _meeting(demo_db, monkeypatch)

    def walk(node: object) -> Iterator[object]:
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    kinds = [getattr(n, "type", "") for n in walk(at.sidebar)]
    heading = next(
        i for i, n in enumerate(walk(at.sidebar)) if getattr(n, "value", "") == "大屏设置"
    )
    assert heading < kinds.index("popover") < kinds.index("selectbox"), kinds


def test_the_projector_link_is_the_whole_address_the_browser_reaches_the_server_by(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The meeting room's computer needs the host and any path a reverse proxy serves the
    dashboard under, as the browser showing the link reached it, not a bare path."""
    import streamlit as st

    page = "https://tj.example.gov.cn/bxgc/meeting"
    monkeypatch.setattr(type(st.context), "url", property(lambda _self: page))
    at = _meeting(demo_db, monkeypatch, query={"indicator": "GBR"})
    (link,) = [c.value for c in at.sidebar.get("code")]
    assert link.startswith("https://tj.example.gov.cn/bxgc/meeting?embed=true")
    assert "indicator=GBR" in link


def test_a_very_long_name_in_the_race_is_shortened_and_keeps_its_figure_in_view() -> None:
    """A sixty-character name ran past the race's right edge and hid its figure: the
    label beside the bar is shortened, with the figure after it, in every frame."""
    from bxgc_ui.views import meeting
    from bxgc_ui.views.meeting.race import NAME_MOST_PX
    from bxgc_ui.widths import drawn_px

    long = "超长名称" * 15
    figure = meeting.race_figure(
        _race(3, 2),
        {"U000": long, "U001": "东城街道"},
        "completion",
        title="t",
        x_title="x",
        period_name=lambda y, s: f"{y}-{s}",
    )
    for frame in [figure, *figure.frames]:
        texts = list(frame.data[0].text)
        first = texts[list(frame.data[0].ids).index("U000")]
        name, figure_text = first.rsplit("  ", 1)
        assert name.endswith("…") and drawn_px(name, 18) <= NAME_MOST_PX
        assert figure_text == "100.0%"
        assert texts[list(frame.data[0].ids).index("U001")].startswith("东城街道  ")
