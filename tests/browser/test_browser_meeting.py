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

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bxgc_metrics.importer.service import analyse, commit
from bxgc_metrics.tables.standings import members, standings
from tests.browser.support import (
    BROWSER_MARKS,
    SHOTS,
    launch_browser,
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

# The live ranking's bar labels, best first: "1  东湖区（邻区标杆）  –".
RANKING_JS = """() => {
  const plot = document.querySelector('.st-key-meeting_screen .js-plotly-plot');
  return plot && plot.data ? plot.data[0].y.map(label => label.replace(/<[^>]*>/g, '')) : null;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


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
        heading = page.locator(".st-key-meeting_screen h1").inner_text()
        assert heading.startswith("固定资产投资" if lang == "zh" else "Fixed-asset investment")
        assert len(_ranking(page)) == 16
        assert page.locator(".st-key-meeting_race .js-plotly-plot").count() == 1
        assert not page_errors(page)
        screenshot(page, SHOTS / lang / "meeting.png")
    finally:
        page.close()
