"""Hostile names and a revoked wall link, in a real Chromium.

Names are data anyone with an import can set. Plotly reads ``<a href>``, ``<b>`` and
``<br>`` in any text it draws, and a right-to-left override turns ``86.6%`` into
``%6.68``: on the meeting screen, the rankings and the overview, no link, bold or line
break may come out of a name inside a chart's SVG, every name reads as typed, without
bidirectional controls, and figures beside names read in order. A hovered bar's label is
checked the same way.

A wall-screen link revoked while the screen runs must clear the whole screen at its next
refresh: both self-refreshing panels (the live ranking and the race), the sidebar and
everything around them, leaving only the message that the link is no longer valid.
Screenshots: ``screenshots/hostile/*.png`` (git-ignored).
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.support import (
    BROWSER_MARKS,
    SHOTS,
    open_folds,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)
from tests.conftest import admin_store

pytestmark = BROWSER_MARKS
DESKTOP = {"width": 1600, "height": 1000}
PROJECTOR = {"width": 1920, "height": 1080}
RLO = "\u202e"

HOSTILE = {
    "JD01": '<a href="https://evil.example/">点击领取奖金</a>',
    "JD02": "<b>粗体</b>街道",
    "JD03": "换行<br>街道",
    "JD04": f"东城{RLO}街道",
    "XZ01": '<a href="https://evil.example/x">领奖</a>镇',
    "EXT_DH": '<a href="https://evil.example/y">邻区</a>',
}

FRAGMENTS = ("点击领取奖金", "粗体", "换行", "东城", "领奖", "邻区")
"""The words inside the hostile names."""

SVG_JS = """() => {
  const svgs = [...document.querySelectorAll('.js-plotly-plot svg')];
  const all = (selector) => svgs.flatMap(svg => [...svg.querySelectorAll(selector)]);
  return {
    charts: document.querySelectorAll('.js-plotly-plot').length,
    links: all('a').map(a => a.outerHTML.slice(0, 120)),
    bold: all('tspan').filter(t => /bold/.test(t.getAttribute('style') || ''))
                     .map(t => t.textContent),
    texts: all('text').map(t => t.textContent),
    lines: all('text').filter(t => t.querySelectorAll('tspan.line').length > 1)
                      .map(t => t.textContent),
  };
}"""


@pytest.fixture
def hostile_url(demo_db_template: Path, tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    store = admin_store(db)
    units = store.units()
    units["name_zh"] = [
        HOSTILE.get(c, n) for c, n in zip(units["code"], units["name_zh"], strict=True)
    ]
    store.upsert_units(units)
    with serve_app(db) as url:
        yield url


def _open(browser: Browser, url: str, viewport: dict) -> Page:
    page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_for_app(page, settle_ms=800)
    return page


def _check_svgs(page: Page, where: str) -> list[str]:
    """Every check on the page's chart SVGs; returns their texts."""
    found = page.evaluate(SVG_JS)
    assert found["charts"], where
    assert not found["links"], (where, found["links"])
    # Titles may be bold by the theme; nothing of a name may be.
    bold = [t for t in found["bold"] if any(part in t for part in FRAGMENTS)]
    assert not bold, (where, bold)
    named = [t for t in found["lines"] if "换行" in t]
    assert not named, (where, named)  # a name never breaks a label into lines
    texts: list[str] = found["texts"]
    assert not [t for t in texts if RLO in t or "\u202d" in t], where
    return texts


BOARD_JS = """() => {
  const board = document.querySelector('.bxgc-board');
  return {
    names: [...board.querySelectorAll('.bxgc-name > span:first-child')].map(e => e.textContent),
    markup: [...board.querySelectorAll('a, img, script, br, .bxgc-name b')].length,
  };
}"""


def _check_board(page: Page) -> list[str]:
    """The wall board: names are text in their cells, none becomes a link, a break or bold."""
    page.locator(".bxgc-row").first.wait_for()
    found = page.evaluate(BOARD_JS)
    assert found["markup"] == 0, found
    typed = {n.replace(RLO, "") for n in HOSTILE.values()}
    assert typed & set(found["names"]), found["names"]  # drawn as typed
    return found["names"]


def _reads_as_typed(texts: list[str], where: str) -> None:
    joined = "\n".join(texts)
    shown = [n for n in HOSTILE.values() if n.replace(RLO, "") in joined]
    assert shown, (where, texts[:40])  # at least one hostile name is drawn, as typed
    for text in texts:
        if "东城街道" in text and "%" in text:  # a figure beside the reversed name
            assert re.search(r"东城街道\s+[+-]?\d+(\.\d+)?%", text), (where, text)


def test_names_are_text_in_every_chart_of_meeting_rankings_and_overview(
    hostile_url: str, browser: Browser
) -> None:
    pages = {
        "meeting": ("meeting?every=600&indicator=FAI", DESKTOP),
        "kiosk": ("meeting?embed=true&embed_options=dark_theme&every=600&indicator=FAI", PROJECTOR),
        "rankings": ("rankings", DESKTOP),
        "overview": ("", DESKTOP),
    }
    for where, (path, viewport) in pages.items():
        page = _open(browser, f"{hostile_url}/{path}", viewport)
        try:
            if where in ("meeting", "overview"):
                assert open_folds(page), where  # the races are folded until opened
            assert not page_errors(page), where
            texts = _check_board(page) if where == "kiosk" else _check_svgs(page, where)
            _reads_as_typed(texts, where)
            if where == "rankings":
                _hover_every_bar(page, where)
            screenshot(page, SHOTS / "hostile" / f"{where}.png")
        finally:
            page.close()


def _hover_every_bar(page: Page, where: str) -> None:
    """Hover each bar of the first chart; the hover label must be text too."""
    bars = page.locator(".js-plotly-plot").first.locator("g.point path")
    assert bars.count() > 3
    seen = []
    for i in range(bars.count()):
        bars.nth(i).hover(force=True)
        page.wait_for_timeout(150)
        label = page.evaluate(
            """() => {
                const layer = document.querySelector('.js-plotly-plot .hoverlayer');
                return layer ? {links: layer.querySelectorAll('a').length,
                                bold: [...layer.querySelectorAll('tspan')].filter(
                                    t => /bold/.test(t.getAttribute('style') || '')).length,
                                text: layer.textContent} : null;
            }"""
        )
        if label and label["text"]:
            assert not label["links"] and not label["bold"], (where, label)  # no title here
            assert RLO not in label["text"]
            seen.append(label["text"])
    assert any("<a href" in text or "<b>" in text for text in seen), (where, seen)


# --- a revoked wall link clears the screen -------------------------------------------------

EVERY = 2


@pytest.fixture
def wall(demo_db_template: Path, tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    db = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    token = admin_store(db).create_wall_token("三楼会议室")
    with serve_app(db) as url:
        yield url, db, token


DATA_JS = """() => ({
  charts: document.querySelectorAll('.js-plotly-plot, .bxgc-board').length,
  tables: document.querySelectorAll('[data-testid="stDataFrame"], .bxgc-row').length,
  sidebar: [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid]')]
           .map(e => e.getAttribute('data-testid')),
  inputs: [...document.querySelectorAll('input, textarea')].map(e => e.value),
  text: document.body.textContent,
})"""

SETTINGS = {
    "stSelectbox",
    "stNumberInput",
    "stCheckbox",
    "stPopover",
    "stHeading",
    "stCaptionContainer",
}
"""What the meeting page puts in the sidebar (the language switch is the app's own; the
projector link sits in a popover)."""


def test_a_revoked_wall_link_clears_the_whole_screen_at_the_next_refresh(
    wall: tuple[str, Path, str], browser: Browser
) -> None:
    url, db, token = wall
    store = admin_store(db)
    names = [*store.units()["name_zh"], *store.indicators()["name_zh"]]
    kiosk = f"meeting?embed=true&embed_options=dark_theme&every={EVERY}&token={token}"
    page = _open(browser, f"{url}/{kiosk}", PROJECTOR)
    try:
        page.locator(".bxgc-row").first.wait_for()
        before = page.evaluate(DATA_JS)
        assert before["charts"] == 1 and before["tables"] == 16, before  # the board, 16 places
        assert any(n in before["text"] for n in names)
        assert {"stSelectbox", "stPopover"} <= set(before["sidebar"])  # the projector link's

        store.revoke_wall_token(store.wall_tokens().iloc[0]["id"])
        deadline = time.monotonic() + 5 * EVERY + 15
        after = before
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            after = page.evaluate(DATA_JS)
            if not after["charts"] and "吊销" in after["text"]:
                break
        page.wait_for_timeout(2 * EVERY * 1000)  # and it stays so over further refreshes
        after = page.evaluate(DATA_JS)
        screenshot(page, SHOTS / "hostile" / "wall-revoked.png")
        assert after["charts"] == 0 and after["tables"] == 0, after
        assert "大屏链接无效或已被吊销" in after["text"]
        shown = after["text"] + "\n".join(after["inputs"])
        leaked = [n for n in names if n in shown]
        assert not leaked, leaked  # no unit or indicator name anywhere, sidebar included
        assert not SETTINGS & set(after["sidebar"]), after["sidebar"]  # no settings left
        assert "indicator=" not in after["text"]  # nor the kiosk address
        assert page.url.endswith(kiosk)  # the same page, never reloaded
    finally:
        page.close()
