"""The wall board's markup: every place, pages, the race's frames, colours and escaping."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from bxgc_ui.fmt import plain
from bxgc_ui.palette import DARK, MEDALS, WARNING
from bxgc_ui.views.meeting import board
from bxgc_ui.views.meeting.board import DARK_LOOK, LIGHT_LOOK, Spec, race_board, ranking_board
from tests.conftest import ROOT, board_rows


def _standings(n: int) -> pd.DataFrame:
    """``n`` ranked units, best first: U000 at 99%, one point less each place after."""
    rank = pd.array(range(1, n + 1), dtype="Int64")
    band = ["top" if r <= 3 else "bottom" if r > n - 3 else "middle" for r in range(1, n + 1)]
    return pd.DataFrame(
        {
            "unit_code": [f"U{i:03d}" for i in range(n)],
            "label": [f"单位{i:03d}" for i in range(n)],
            "value": [1000.0 * (n - i) for i in range(n)],
            "metric": [0.99 - i / 100 for i in range(n)],
            "rank": rank,
            "rank_change": pd.array([2, -1, *[0] * n][:n], dtype="Int64"),
            "band": band,
        }
    )


SPEC = Spec(
    heading="固定资产投资 · 完成率排名", subline="2026年1-10月", by="completion", measure="万元"
)


def test_every_place_is_drawn_in_even_pages_that_turn_by_themselves() -> None:
    html = ranking_board(_standings(40), SPEC)
    rows = board_rows(html)
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, 41)]
    pages = re.findall(r'data-page="(\d+)" style="([^"]*)"', html)
    assert [p for p, _ in pages] == ["1", "2", "3"]  # 14 + 13 + 13 places, never 16 + 16 + 8
    assert re.findall(r"第\d/\d页", html) == ["第1/3页", "第2/3页", "第3/3页"]
    # each page is shown for `turn` seconds of a 30-second cycle, the first one first
    delays = [float(re.search(r"animation-delay:(-?[\d.]+)s", s)[1]) for _, s in pages]  # type: ignore[index]
    assert delays == [-30.0, -20.0, -10.0]
    assert all("animation-duration:30.00s" in s for _, s in pages)
    assert (
        "@keyframes bxgc-turn-3 { 0% { visibility: visible; } 33.3333% { visibility: hidden; }"
        in html
    )


def test_a_ranking_that_fits_is_one_page_with_nothing_turning() -> None:
    html = ranking_board(_standings(16), SPEC)
    assert len(board_rows(html)) == 16
    assert 'class="bxgc-pages turning"' not in html and "第1/" not in html


def test_places_moves_medals_and_last_places_are_marked() -> None:
    rows = board_rows(ranking_board(_standings(10), SPEC))
    assert [r["move"] for r in rows[:3]] == ["▲2", "▼1", "–"]
    html = ranking_board(_standings(10), SPEC)
    assert html.count('class="bxgc-tag">末位') == 3  # beside each of the last three names
    for medal in MEDALS:  # gold, silver and bronze bars and badges for the first three
        assert f"background:{medal}" in html
    assert f"background:{DARK.WARNING}" in html


def test_pace_colours_and_the_time_line() -> None:
    table = _standings(4).assign(status=["ahead", "on_pace", "behind", "unknown"])
    spec = Spec(**{**SPEC.__dict__, "time_progress": 0.5})
    html = ranking_board(table, spec)
    bars = re.findall(r'class="bxgc-bar" style="[^"]*background:(#[0-9A-Fa-f]{6})', html)
    assert bars == [DARK.GOOD, DARK.NEUTRAL, DARK.WARNING, DARK.NEUTRAL]
    # the time line at 50% of a track running from 0 to 100% × 1.05: 0.5 / 1.05
    assert re.findall(r'bxgc-line time" style="left:([\d.]+)%', html)[0] == "47.62"
    assert "时间进度 50.0%" in html  # as the overview prints it
    # on pace is a band: a unit up to a point behind the time line is not red
    assert "符合进度（±1个百分点）" in html


def test_light_look_is_black_on_white_with_deep_bars() -> None:
    html = ranking_board(_standings(6), Spec(**{**SPEC.__dict__, "look": LIGHT_LOOK}))
    assert "--bg:#FFFFFF;--ink:#000000" in html
    assert f"background:{WARNING}" in html and DARK_LOOK.background not in html


def test_reference_marks_are_lines_named_in_the_footer_never_places() -> None:
    marks = pd.DataFrame({"unit_code": ["EXT"], "label": ["东湖区（邻区标杆）"], "metric": [0.9]})
    html = ranking_board(_standings(5), SPEC, references=marks)
    assert "东湖区（邻区标杆） 90.0%" in html
    assert "东湖区（邻区标杆）" not in {r["unit"] for r in board_rows(html)}
    assert len(re.findall(r"bxgc-line ref", html)) == 5  # one dotted segment per row


@pytest.mark.parametrize(
    "name", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "A & B"]
)
def test_names_are_text_never_markup(name: str) -> None:
    table = _standings(3)
    table.loc[0, "label"] = name
    html = ranking_board(table, Spec(**{**SPEC.__dict__, "heading": name}))
    assert "<script>" not in html and "<img" not in html
    assert board_rows(html)[0]["unit"] == name  # the browser reads back what was typed


def _race(units: int, months: int) -> pd.DataFrame:
    frames = []
    for sub in range(1, months + 1):
        frame = _standings(units).assign(year=2026, sub=sub, position=range(1, units + 1))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_the_race_is_a_board_a_month_looping_with_the_last_month_held() -> None:
    html = race_board(_race(5, 3), {}, SPEC, period_name=lambda y, s: f"{y}年1-{s}月")
    periods = re.findall(r'data-period="([\d-]+)">([^<]*)<', html)
    assert periods == [
        ("2026-01", "2026年1-1月"),
        ("2026-02", "2026年1-2月"),
        ("2026-03", "2026年1-3月"),
        ("2026-03", "2026年1-3月"),
        ("2026-03", "2026年1-3月"),
    ]
    assert "animation-duration:7.50s" in html  # five frames of 1.5 s
    assert board.race_seconds(_race(5, 3)) == 7.5


def test_a_long_race_frame_keeps_its_first_and_last_places() -> None:
    html = race_board(_race(40, 1), {}, SPEC, period_name=lambda y, s: "m")
    ranks = [int(r["rank"]) for r in board_rows(html)]
    frame = [*range(1, board.RACE_TOP + 1), 38, 39, 40]
    assert ranks == frame * board.HOLD_FRAMES  # one month, held
    ranks = frame
    assert "另有 25 个单位" in html
    assert len(ranks) + 1 <= board.ROWS  # with the gap row, one page


def test_the_kiosk_link_reopens_the_same_settings(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    chosen = {
        "meeting_indicator": "GBR",
        "meeting_by": "growth",
        "meeting_group": "乡镇",
        "meeting_views": ["ranking", "race"],
        "meeting_carousel": True,
        "meeting_every": 30,
        "meeting_turn": 12,
        "meeting_theme": "light",
        "meeting_pace": True,
    }
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/meeting.py")

    def widget(key: str) -> str:  # translated select boxes have one key per language
        return f"{key}@zh" if key in ("meeting_indicator", "meeting_group") else key

    for key, value in chosen.items():
        at.session_state[widget(key)] = value
    at.run()
    url = next(c.value for c in at.code if c.value.startswith("/meeting?"))
    assert "theme=light" in url and "embed_options" not in url
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.run()
    again.query_params.update(dict(parse_qsl(urlsplit(url).query)))
    again.switch_page("pages/meeting.py").run()
    assert not again.exception
    for key, value in chosen.items():
        assert again.session_state[widget(key)] == value, key


class _Markup(HTMLParser):
    """Every tag, attribute name and text run of a board, as a browser parses it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


BOARD_TAGS = {"style", "div", "span", "i", "b", "h1"}
BOARD_ATTRS = {"class", "style", "title", "data-rank", "data-unit", "data-move", "data-band",
               "data-page", "data-period"}  # fmt: skip
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(names=st.lists(texts, min_size=1, max_size=20), heading=texts, subline=texts, month=texts)
@settings(max_examples=60, deadline=None)
def test_any_text_stays_text(names: list[str], heading: str, subline: str, month: str) -> None:
    """Whatever units, indicators and periods are called, the board's markup holds only its
    own tags and attributes, and every name reads back as it was typed."""
    table = _standings(len(names)).assign(label=names)
    spec = Spec(heading=heading, subline=subline, by="growth", measure=heading or "万元")
    marks = pd.DataFrame({"unit_code": ["EXT"], "label": [heading], "metric": [0.5]})
    race = _race(len(names), 2)
    labels = dict(zip(race["unit_code"], names * 2, strict=False))
    for html in (
        ranking_board(table, spec, references=marks),
        race_board(race, labels, spec, period_name=lambda y, s: month),
        board.stamp(subline, DARK_LOOK),
    ):
        markup = _Markup()
        markup.feed(html)
        assert markup.tags <= BOARD_TAGS, markup.tags
        assert markup.attrs <= BOARD_ATTRS, markup.attrs
    rows = board_rows(ranking_board(table, spec, references=marks))
    assert [r["unit"] for r in rows] == [plain(n) for n in names]
