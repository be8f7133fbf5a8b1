"""The meeting screen in a real Chromium: kiosk mode, and a ranking that updates itself.

The server and this test share one DuckDB file. The test imports a file through the
real importer while the browser page stays open; the screen's fragment re-reads the data
version every ``every`` seconds and must show the new leader without a reload.
Screenshots: ``screenshots/zh/meeting.png``, ``screenshots/en/meeting.png`` and
``screenshots/embed/meeting.png`` (the projector view).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page

from bxgc_metrics.importer.service import analyse, commit
from bxgc_metrics.tables.standings import members, standings
from tests.browser.support import (
    BROWSER_MARKS,
    SHOTS,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)
from tests.conftest import admin_store

pytestmark = BROWSER_MARKS
PROJECTOR = {"width": 1920, "height": 1080}
EVERY = 2
KIOSK = f"meeting?embed=true&embed_options=dark_theme&every={EVERY}&indicator=FAI"

# The wall board's places, best first: "1  东城街道  ▲1".
RANKING_JS = """() => {
  const rows = [...document.querySelectorAll('.bxgc-row')];
  return rows.length ? rows.map(r => `${r.dataset.rank}  ${r.dataset.unit}  ${r.dataset.move}`) : null;
}"""


PHONE = {"width": 390, "height": 844}
REACH_JS = """() => {
  const fit = document.querySelector('.bxgc-fit');
  const box = fit.getBoundingClientRect();
  const shown = e => e.getClientRects().length && getComputedStyle(e).visibility === 'visible';
  const cells = [...fit.querySelectorAll('.bxgc-name > span:first-child, .bxgc-metric')]
    .filter(shown);
  const cut = cells.filter(e => { const r = e.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5 || e.scrollWidth > e.clientWidth; });
  return {cells: cells.length, cut: cut.length, scrolls: fit.scrollWidth > fit.clientWidth,
          smallest: Math.min(...cells.map(e => parseFloat(getComputedStyle(e).fontSize)))};
}"""
"""On a phone the in-app board fits its column: every name and ranked figure shown whole,
nothing to scroll sideways to, and the smallest of them at a readable size."""
SCROLLS_JS = """e => { let n = e.querySelector('.js-plotly-plot').parentElement;
  for (; n && n !== e; n = n.parentElement) {
    if (n.scrollWidth > n.clientWidth && getComputedStyle(n).overflowX === 'auto') return true; }
  return false; }"""
"""Whether something between the race panel and its chart scrolls sideways."""


@pytest.fixture
def served(demo_db_template: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    with serve_app(db) as url:
        yield url, db


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport=PROJECTOR)  # type: ignore[arg-type]
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_for_app(page, settle_ms=800)
    return page


def _ranking(page: Page) -> list[str]:
    page.wait_for_function(f"({RANKING_JS})() !== null")
    return list(page.evaluate(RANKING_JS))


def _import_new_leader(db: Path) -> str:
    """Import a long CSV that puts the last unit far ahead; return its Chinese name."""
    store = admin_store(db)
    table = standings(
        store.observations(), "FAI", "M", year=2026, sub=10, units=members(store.units())
    )
    last = table.iloc[-1]
    name = store.units().set_index("code").loc[last["unit_code"], "name_zh"]
    csv = f"单位,指标,期间,数值,类型\n{name},固定资产投资,2026年1-10月,{last['target'] * 1.5:.1f},实际\n"
    plan = analyse(csv.encode(), "late-report.csv", store, today=dt.date(2026, 11, 30))
    assert plan.can_commit, [i.text("en") for i in plan.errors]
    assert commit(plan, store).batch_id is not None
    return str(name)


def test_kiosk_screen_picks_up_an_import_without_a_reload(
    served: tuple[str, Path], browser: Browser
) -> None:
    url, db = served
    page = _open(browser, f"{url}/{KIOSK}")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        # Embed mode hides Streamlit's chrome (menu, deploy button, decoration); the page
        # folds the sidebar away, leaving only its small expand button in the corner.
        assert not page.get_by_test_id("stSidebar").is_visible()
        for chrome in ("stMainMenu", "stAppDeployButton", "stDecoration", "stStatusWidget"):
            assert page.get_by_test_id(chrome).count() == 0, chrome
        header = page.get_by_test_id("stHeader").locator("button:visible")
        assert header.count() == 1
        assert header.first.get_attribute("data-testid") == "stExpandSidebarButton"
        assert not page_errors(page)
        before = _ranking(page)
        assert len(before) == 16  # the demo's 16 units; external benchmarks are marks, not bars
        screenshot(page, SHOTS / "embed" / "meeting.png")

        leader = _import_new_leader(db)
        assert not before[0].startswith(f"1  {leader}")
        deadline = time.monotonic() + 5 * EVERY + 10
        after = before
        while time.monotonic() < deadline and not after[0].startswith(f"1  {leader}"):
            page.wait_for_timeout(500)
            after = _ranking(page)
        assert after[0].startswith(f"1  {leader}"), (before[:3], after[:3])
        assert page.url.endswith(KIOSK)  # the same page, never reloaded
        assert not page_errors(page) and not errors, errors
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_meeting_page_in_the_app(served: tuple[str, Path], browser: Browser, lang: str) -> None:
    url, _ = served
    page = _open(browser, f"{url}/meeting?every=600")
    try:
        if lang == "en":
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_role("radio", name="English").click()
            wait_for_app(page, settle_ms=800)
        assert page.get_by_test_id("stSidebar").is_visible()
        heading = page.locator(".bxgc-title").inner_text()
        assert heading.startswith("固定资产投资" if lang == "zh" else "Fixed-asset investment")
        assert len(_ranking(page)) == 16
        race = page.locator(".st-key-meeting_race")
        assert not race.locator(".js-plotly-plot").is_visible()  # folded until asked for
        race.get_by_text("排名赛跑" if lang == "zh" else "Ranking race").first.click()
        race.locator(".js-plotly-plot").wait_for(state="visible", timeout=15_000)
        assert race.locator(".js-plotly-plot").count() == 1
        assert not page_errors(page)
        screenshot(page, SHOTS / lang / "meeting.png")
        # on a phone the preview keeps places, names and the ranked figure, whole, without
        # scrolling sideways (the bars and the year-to-date column give way)
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        page.wait_for_timeout(300)
        reach = page.evaluate(REACH_JS)
        assert reach["cells"] >= 32 and not reach["scrolls"] and reach["cut"] == 0, reach
        assert reach["smallest"] >= 10, reach
        # so does the race, drawn at a width that leaves its labels and buttons room
        race_width = race.locator("svg.main-svg").first.evaluate(
            "e => e.getBoundingClientRect().width"
        )
        assert race_width >= 720 and race.evaluate(SCROLLS_JS), race_width
        # its folded heading reads at a phone's size, not the wall's (1.6rem over two lines)
        heading = race.locator('[data-testid="stExpander"] summary p').first.evaluate(
            "e => ({size: parseFloat(getComputedStyle(e).fontSize),"
            " lines: Math.round(e.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(e).lineHeight))})"
        )
        assert heading["size"] <= 18.5 and heading["lines"] <= 2, heading
        screenshot(page, SHOTS / "phone" / f"meeting-{lang}.png")
    finally:
        page.close()


WALLS = {"720p": (1280, 720), "768p": (1366, 768), "1080p": (1920, 1080), "2160p": (3840, 2160)}
TURN = 3
WALL_JS = """() => {
  const shown = [...document.querySelectorAll('.bxgc-page')]
    .filter(p => getComputedStyle(p).visibility === 'visible');
  const inside = e => { const r = e.getBoundingClientRect();
    return r.top >= -0.5 && r.left >= -0.5 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5; };
  const drawn = [...document.querySelectorAll('.bxgc-board *')].filter(e => e.getClientRects().length);
  const text = [...document.querySelectorAll('.bxgc-name > span:first-child, .bxgc-metric, .bxgc-value')];
  return {
    pages: shown.map(p => p.dataset.page || '1'),
    label: shown.length ? (shown[0].querySelector('.bxgc-pageno') || {}).textContent || '' : '',
    outside: drawn.filter(e => !inside(e)).length,
    scrolls: document.scrollingElement.scrollHeight > innerHeight
      || document.scrollingElement.scrollWidth > innerWidth,
    smallest: Math.min(...text.map(e => parseFloat(getComputedStyle(e).fontSize))),
    title: parseFloat(getComputedStyle(document.querySelector('.bxgc-title')).fontSize),
    rows: document.querySelectorAll('.bxgc-row').length,
  };
}"""


@pytest.fixture(scope="module")
def crowded(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with 24 more townships: 40 places, more than one wall page holds."""
    db = tmp_path_factory.mktemp("crowded") / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    store = admin_store(db)
    codes = [f"NT{i:02d}" for i in range(24)]
    store.upsert_units(
        pd.DataFrame(
            {
                "code": codes,
                "name_zh": [f"新增{i:02d}镇" for i in range(24)],
                "name_en": [f"New Town {i:02d}" for i in range(24)],
                "kind": "乡镇",
                "peer_group": "乡镇",
            }
        )
    )
    rows = [(c, "M", 2026, 10, "actual", 50_000.0 + 1_000 * i) for i, c in enumerate(codes)]
    rows += [(c, "Y", 2026, 0, "target", 100_000.0) for c in codes]
    frame = pd.DataFrame(rows, columns=["unit_code", "freq", "year", "sub", "value_kind", "value"])
    store.write_observations(
        frame.assign(indicator_code="FAI", cumulative=frame["freq"] == "M"), file_name="more.csv"
    )
    with serve_app(db) as url:
        yield url


@pytest.mark.parametrize("size", list(WALLS))
def test_the_wall_fits_every_room_display(crowded: str, browser: Browser, size: str) -> None:
    width, height = WALLS[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{crowded}/meeting?embed=true&embed_options=dark_theme&every=600&turn={TURN}")
        wait_for_app(page, settle_ms=300)
        page.wait_for_selector(".bxgc-row")
        first = page.evaluate(WALL_JS)
        assert first["rows"] == 40  # every place is on the wall, in pages
        assert first["outside"] == 0 and not first["scrolls"], first
        # names and figures readable from the back row: 3u, 32 px at 1080p
        assert first["smallest"] >= 28 * height / 1080 - 0.5, first
        assert first["title"] > first["smallest"]
        assert len(first["pages"]) == 1 and first["label"] == f"第{first['pages'][0]}/3页"
        screenshot(page, SHOTS / "embed" / f"wall-{size}.png")
        # No input: the page turns by itself. Waited for rather than slept, so a slow
        # screenshot on a loaded machine cannot land the sample on the same page a cycle later.
        page.wait_for_function(
            f"first => ({WALL_JS})().pages.join() !== first",
            arg=",".join(first["pages"]),
            timeout=3 * TURN * 1000,
            polling=100,
        )
        later = page.evaluate(WALL_JS)
        assert later["pages"] != first["pages"] and later["outside"] == 0, (first, later)
        assert not page_errors(page)
    finally:
        page.close()


def test_the_race_plays_by_itself_and_loops(crowded: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{crowded}/meeting?embed=true&theme=light&every=600&carousel=race")
        wait_for_app(page, settle_ms=300)
        page.wait_for_selector(".bxgc-row")
        seen = []
        for _ in range(4):
            seen.append(
                page.evaluate(
                    """() => [...document.querySelectorAll('.bxgc-page')]
                      .filter(p => getComputedStyle(p).visibility === 'visible')
                      .map(p => p.querySelector('[data-period]').dataset.period)[0]"""
                )
            )
            page.wait_for_timeout(1600)
        assert len(set(seen)) >= 3, seen  # a new month every 1.5 s, with no click
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.bxgc-board')).backgroundColor"
        )
        assert background == "rgb(255, 255, 255)"  # theme=light
        assert page.evaluate(WALL_JS)["outside"] == 0
        screenshot(page, SHOTS / "embed" / "race-light.png")
    finally:
        page.close()
