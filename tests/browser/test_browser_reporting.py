"""The reporting round of a month in Chromium: who is overdue, then nobody, without a reload.

On a fresh copy of the demo, half the city units report 2026-11 (the month after the
demo's last) through the command line. The server runs a week after that month's due day
(``BXGC_TODAY``; monthly figures are due on the 8th of the next month), so the 数据质量
page opens on the 2026-11 round: the headline counts follow the reporting calendar
(computed here from the demo's tables), and the 催报 text lists the other half with their
contact person and phone to the analyst signed in (a visitor who is not signed in sees the
same list without them). The rest then report through the command line while the page
stays open; within one refresh (``?every=2``) and a little slack the page says nobody is
overdue, in the same page load.

Screenshots: ``screenshots/quality/*.png`` (git-ignored), at 1440 px and at phone size.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests import sheets
from tests.browser.support import (
    BROWSER_MARKS,
    RUN_TIMEOUT_MS,
    SHOTS,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)
from tests.conftest import admin_store, expected_pairs, past_due, run_cli

pytestmark = BROWSER_MARKS
EVERY = 2
SLACK = 4
"""Seconds beyond one refresh interval that the page may take to show a new import."""
PERIOD = (2026, 11)
PERIOD_SHOWN = "2026年11月"
TODAY = past_due(dt.date(2026, 12, 8))
"""A week after 2026-11's due day (or later: after the real date, so imports made now
count), as the server's "today"."""
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
NO_REMINDERS = "没有逾期未报的单位。"
ANALYST, PASSWORD = "li", "Li-2026-reporting"


@pytest.fixture
def city(demo_db_template: Path, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A fresh copy of the demo and its 16 city units (those with a reporting contact)."""
    db = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    units = admin_store(db).units()
    city = units[units["contact_person"].notna()].reset_index(drop=True)
    assert len(city) == 16
    return db, city


def _import(db: Path, codes: pd.Series, tmp_path: Path, name: str) -> None:
    """The 2026-11 report of ``codes``, generated here, imported as an operator does."""
    store = admin_store(db)
    sheet = tmp_path / f"{name}.csv"
    sheet.write_bytes(
        sheets.month_report_csv(
            store.observations(), store.units(), store.indicators(), codes, PERIOD
        )
    )
    done = run_cli("import", str(sheet), "--db", str(db), "--who", "统计科")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已导入" in done.stdout, done.stdout


@pytest.fixture
def served(city: tuple[Path, pd.DataFrame], tmp_path: Path) -> Iterator[str]:
    db, units = city
    _import(db, units["code"].iloc[::2], tmp_path, "first-half")
    admin_store(db).create_user(ANALYST, PASSWORD, "analyst")
    with serve_app(db, env={"BXGC_TODAY": TODAY, "BXGC_TZ": "Asia/Shanghai"}) as url:
        yield url


def _open(
    browser: Browser, url: str, viewport: dict[str, int], *, signed_in: bool = True
) -> tuple[Page, list[str]]:
    """``url`` in a browser of its own, signed in as the analyst unless told otherwise."""
    page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if signed_in:
        page.goto(url.rsplit("/", 1)[0] + "/signin")
        wait_for_app(page)
        form = page.locator('form[action="/auth/signin"]')
        form.locator('input[name="username"]').fill(ANALYST)
        form.locator('input[name="password"]').fill(PASSWORD)
        with page.expect_navigation():
            form.locator('button[type="submit"]').click()
        wait_for_app(page)
    page.goto(url)
    wait_for_app(page, settle_ms=500)
    return page, errors


def _choose_period(page: Page) -> None:
    """Make sure the round shown is 2026-11 (the page opens on it when it is past due)."""
    picker = page.get_by_role("combobox", name="报告期")
    if picker.input_value() != PERIOD_SHOWN:
        picker.click()
        page.get_by_role("option", name=PERIOD_SHOWN, exact=True).click()
        wait_for_app(page)
    assert picker.input_value() == PERIOD_SHOWN


def _metrics(page: Page) -> dict[str, str]:
    found = {}
    for metric in page.get_by_test_id("stMetric").all():
        label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
        found[label] = metric.get_by_test_id("stMetricValue").inner_text().strip()
    return found


GRID_JS = """frame => [...frame.querySelectorAll('table[role="grid"] tr')]
  .map(row => [...row.querySelectorAll('td[role="gridcell"]')].map(cell => cell.innerText))
  .filter(cells => cells.length)"""


def _grid_rows(frame: Locator) -> list[list[str]]:
    """Unit, contact and phone of each row of a data frame, as its grid's accessible
    table gives them (the rows in view: the grid draws only those)."""
    return [cells[:3] for cells in frame.evaluate(GRID_JS)]


def _reminder_text(page: Page) -> str:
    """The 催报 notice in its ``st.code`` block (empty when nobody is overdue)."""
    code = page.get_by_test_id("stCode")
    return code.first.inner_text() if code.count() else ""


def test_the_reminder_list_empties_when_the_rest_report(
    served: str, city: tuple[Path, pd.DataFrame], browser: Browser, tmp_path: Path
) -> None:
    db, units = city
    reporting, silent = units.iloc[::2], units.iloc[1::2]
    store = admin_store(db)
    expected = expected_pairs(store, PERIOD)
    owed = expected_pairs(store, PERIOD, silent["code"])
    assert expected == 176 and owed == 88  # 16 and 8 city units × 11 monthly indicators

    page, errors = _open(browser, f"{served}/quality?every={EVERY}", DESKTOP)
    try:
        _choose_period(page)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length === 6",
            timeout=RUN_TIMEOUT_MS,
        )
        metrics = _metrics(page)
        assert metrics["应报"] == f"{expected}", metrics
        assert metrics["已报"] == f"{expected - owed}" and metrics["未报"] == f"{owed}", metrics
        assert metrics["未到期"] == "0" and metrics["报送率"] == "50%", metrics
        assert int(metrics["迟报"]) in (0, expected - owed)  # late once the real date is past 12-08

        text = _reminder_text(page)
        assert text.startswith(f"【催报】{PERIOD_SHOWN}数据截至12月8日应报"), text
        for unit in silent.itertuples():
            line = next(line for line in text.splitlines() if unit.name_zh in line)
            assert f"联系人：{unit.contact_person} {unit.contact_phone}" in line, line
        for unit in reporting.itertuples():
            assert unit.name_zh not in text and unit.contact_person not in text
        numbered = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
        assert len(numbered) == len(silent)
        # the 催报名单 grid: its accessible table (the canvas draws the same cells)
        listed = _grid_rows(page.get_by_test_id("stDataFrame").first)
        assert listed == [
            [u.name_zh, u.contact_person, u.contact_phone] for u in silent.itertuples()
        ], listed
        assert not page_errors(page) and not errors, (page_errors(page), errors)
        screenshot(page, SHOTS / "quality" / "overdue-1440.png")

        phone, phone_errors = _open(browser, f"{served}/quality?every=600", PHONE, signed_in=False)
        try:
            _choose_period(phone)
            shown = _reminder_text(phone)  # a visitor: the same list, no names or phones
            assert silent.iloc[0].name_zh in shown and "联系人" not in shown, shown
            assert not any(u.contact_phone in shown for u in silent.itertuples())
            assert not page_errors(phone) and not phone_errors
            screenshot(phone, SHOTS / "quality" / "overdue-phone.png")
        finally:
            phone.close()

        # the rest report while the page stays open; it must say so without a reload
        page.evaluate("window.__still_the_same_page = true")
        _import(db, silent["code"], tmp_path, "second-half")
        imported = time.monotonic()
        page.get_by_test_id("stAlertContentSuccess").filter(has_text=NO_REMINDERS).wait_for(
            timeout=(EVERY + SLACK) * 1000
        )
        took = time.monotonic() - imported
        assert took <= EVERY + SLACK, took
        assert page.evaluate("window.__still_the_same_page === true")
        wait_for_app(page)
        metrics = _metrics(page)
        assert metrics["已报"] == metrics["应报"] == f"{expected}", metrics
        assert metrics["未报"] == "0" and metrics["报送率"] == "100%", metrics
        assert _reminder_text(page) == ""
        assert not page_errors(page) and not errors, (page_errors(page), errors)
        screenshot(page, SHOTS / "quality" / "all-reported-1440.png")

        page.get_by_role("tab", name="数据质量预警").click()
        wait_for_app(page)
        expect(page.get_by_text("待核实").first).to_be_visible()
        assert not page_errors(page) and not errors, (page_errors(page), errors)
        screenshot(page, SHOTS / "quality" / "flags-1440.png")
    finally:
        page.close()
    for shot in ("overdue-1440", "overdue-phone", "all-reported-1440", "flags-1440"):
        assert (SHOTS / "quality" / f"{shot}.png").stat().st_size > 10_000, shot
