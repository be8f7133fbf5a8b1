"""Views that travel, in a real Chromium: a link reopens the same view in a new browser,
the back button steps through the views made, and a phone shows figures before controls.

The server runs on the demo database; nothing here writes to it, so one server serves
every test of the module.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from bxgc_ui import entry
from tests.browser.support import (
    BROWSER_MARKS,
    SHOTS,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)

pytestmark = BROWSER_MARKS
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# What a reader sees: the headline figures and every chart's drawn values.
FIGURES_JS = """() => ({
  metrics: [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(m => m.innerText),
  charts: [...document.querySelectorAll('.js-plotly-plot')].map(p => JSON.stringify(
    (p.data || []).map(trace => [trace.x, trace.y]))),
})"""


@pytest.fixture(scope="module")
def url(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("links") / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    with serve_app(db) as served:
        yield served


def _open(browser: Browser, address: str, viewport: dict | None = None) -> Page:
    page = browser.new_context(viewport=viewport or DESKTOP).new_page()  # type: ignore[arg-type]
    page.set_default_timeout(60_000)
    page.goto(address)
    wait_for_app(page, settle_ms=800)
    page.wait_for_selector(".js-plotly-plot")
    return page


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label``, as a reader does."""
    page.get_by_label(label, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page, settle_ms=800)


def _query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


VIEWS = {
    "overview": ("indicator=RETAIL&period=2026-04", ("地方一般公共预算收入", "GBR")),
    "catchup": ("unit=JD03&indicator=GBR&bench=JD01,JD02&target=2029", ("线性趋势", "linear")),
    "rankings": (
        "group=乡镇&by=growth&period=2026-06&norm=zscore&weighting=entropy&agg=topsis",
        ("社会消费品零售总额", "RETAIL"),
    ),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_link_reopens_the_same_view_in_a_new_browser(
    url: str, browser: Browser, view: str
) -> None:
    query, (option, code) = VIEWS[view]
    page = _open(browser, f"{url}/{view}?{query}")
    try:
        # one more choice, made with the mouse: an indicator, or catch-up's model
        param = "model" if view == "catchup" else "indicator"
        if view == "catchup":
            page.get_by_test_id("stButtonGroup").get_by_text(option, exact=True).click()
            wait_for_app(page, settle_ms=800)
        else:
            _pick(page, "指标", option)
        address = page.url
        asked = _query(page)
        linked = {k: v[0] for k, v in parse_qs(query).items()}
        assert asked == {**linked, param: code}  # the link's choices kept, and the new one
        shown = page.evaluate(FIGURES_JS)
        assert shown["metrics"] or shown["charts"]
        assert not page_errors(page)
        other = _open(browser, address)  # a colleague's browser: nothing shared but the link
        try:
            assert _query(other) == asked
            assert other.evaluate(FIGURES_JS) == shown
            assert not other.get_by_text("无法识别").count()
        finally:
            other.context.close()
    finally:
        page.context.close()


def test_the_back_button_steps_through_the_views(url: str, browser: Browser) -> None:
    page = _open(browser, f"{url}/overview")
    try:
        assert _query(page) == {}  # arriving adds nothing to the address
        first = page.evaluate(FIGURES_JS)
        _pick(page, "指标", "社会消费品零售总额")
        assert _query(page) == {"indicator": "RETAIL"}
        second = page.evaluate(FIGURES_JS)
        assert second != first
        page.go_back()
        wait_for_app(page, settle_ms=1200)
        assert _query(page) == {}
        assert page.evaluate(FIGURES_JS) == first
        page.go_forward()
        wait_for_app(page, settle_ms=1200)
        assert _query(page) == {"indicator": "RETAIL"}
        assert page.evaluate(FIGURES_JS) == second
    finally:
        page.context.close()


@pytest.mark.parametrize("view", ["overview", "catchup"])
def test_a_phone_shows_the_figures_and_the_chart_before_the_controls(
    url: str, browser: Browser, view: str
) -> None:
    page = _open(browser, f"{url}/{view}", PHONE)
    try:
        top = page.evaluate(
            """() => ({
              metric: document.querySelector('[data-testid="stMetric"]').getBoundingClientRect().top,
              chart: document.querySelector('.js-plotly-plot').getBoundingClientRect().top,
              controls: document.querySelector('.st-key-controls').getBoundingClientRect().top,
              toolbar: [...document.querySelectorAll('.modebar-container')]
                .filter(m => m.getClientRects().length).length,
              wide: document.documentElement.scrollWidth > innerWidth,
              charts: [...document.querySelectorAll('.js-plotly-plot')]
                .every(p => p.getBoundingClientRect().right <= innerWidth + 1),
            })"""
        )
        assert top["metric"] < top["controls"] and top["chart"] < top["controls"], top
        assert top["toolbar"] == 0 and not top["wide"] and top["charts"], top
        screenshot(page, SHOTS / "phone" / f"{view}.png")
    finally:
        page.context.close()


CUT_FIGURES_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMetricLabel"], [data-testid="stMetricValue"], [data-testid="stMetricDelta"]'
  )].flatMap(m => [...m.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth + 1
      && getComputedStyle(e).textOverflow === 'ellipsis')
    .map(e => e.innerText))"""
"""Headline figures, their labels and the lines under them that the browser cut short."""

FIGURES_SHOWN_BY = {"catchup": "unit=JD03&bench=JD01"}
"""Query parameters that make a page show its headline figures on the demo data."""


def test_every_page_at_its_own_address_on_a_narrow_desktop(url: str, browser: Browser) -> None:
    """Each page opened at its own address, in both languages, at 1280 px (a meeting-room
    laptop): it asks the server at the root first, not ``/catchup/_stcore/health`` (which
    Streamlit's own page asks, then waits a retry delay after the refusal); it is a page,
    not "page not found"; and its headline figures, their labels and the lines under them
    show whole, not ending in an ellipsis."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(60_000)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(urlsplit(r.url).path))
    try:
        for lang, address in [(lang, a) for lang in ("zh", "en") for a in entry.ADDRESSES]:
            asked.clear()
            query = "&".join(filter(None, [FIGURES_SHOWN_BY.get(address, ""), f"lang={lang}"]))
            page.goto(f"{url}/{address}?{query}")
            wait_for_app(page, settle_ms=300)
            health = [p for p in asked if p.endswith("/_stcore/health")]
            assert health == ["/_stcore/health"], (lang, address, health)
            assert page.locator("h1").count() >= 1, (lang, address)
            assert not page.get_by_role("dialog").count(), (lang, address)  # no "Page not found"
            assert page.evaluate(CUT_FIGURES_JS) == [], (lang, address)
            assert not page_errors(page), (lang, address, page_errors(page))
    finally:
        page.context.close()
