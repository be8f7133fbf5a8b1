"""The dashboard in a real Chromium: every page in both languages, a phone, CJK fonts.

One Streamlit server (on a copy of the demo database) and one browser serve the whole
module. Screenshots land in ``screenshots/<lang>/<page>.png`` and
``screenshots/phone/overview-<lang>.png`` (git-ignored) for a human to look at.

The language lives in the Streamlit session, and loading a URL starts a new session, so
the English pass switches the language once and then moves between pages by clicking
the sidebar links, as a reader would.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page

from bxgc_ui import entry
from tests.browser.support import (
    BROWSER_MARKS,
    CUT_JS,
    CUT_TITLES_JS,
    OVERPRINT_JS,
    ROOT,
    SHOTS,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)

pytestmark = BROWSER_MARKS
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LANGUAGE_LABELS = {"zh": "中文", "en": "English"}


def _app_pages() -> list[tuple[str, bool]]:
    """``(script stem, is default)`` for every ``st.Page`` app.py lists in the navigation
    (hidden aliases such as ``/overview`` are not listed)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and not any(
                kw.arg == "visibility"
                and isinstance(kw.value, ast.Constant)
                and kw.value.value == "hidden"
                for kw in node.keywords
            )
        ):
            default = any(
                kw.arg == "default" and isinstance(kw.value, ast.Constant) and kw.value.value
                for kw in node.keywords
            )
            pages.append((Path(str(node.args[0].value)).stem, default))
    return pages


def _slug(href: str, base_url: str) -> str:
    """The screenshot name for a page URL: its path, or the default page's script stem."""
    path = href.removeprefix(base_url).strip("/")
    if path:
        return path
    pages = _app_pages()
    return next((stem for stem, default in pages if default), pages[0][0] if pages else "index")


def _new_page(browser: Browser, viewport: dict[str, int]) -> Page:
    page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
    page.set_default_timeout(30_000)
    return page


def _language_radio(page: Page, lang: str) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("radio", name=LANGUAGE_LABELS[lang])


@pytest.fixture(scope="module")
def app_url(
    demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory, browser: Browser
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    with serve_app(db) as url:
        yield url


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_without_errors(app_url: str, browser: Browser, lang: str) -> None:
    page = _new_page(browser, DESKTOP)
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    try:
        page.goto(app_url)
        wait_for_app(page)
        if lang != "zh":
            _language_radio(page, lang).click()
            wait_for_app(page)

        links = page.locator('[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]')
        hrefs = [link.get_attribute("href") or "" for link in links.all()]
        listed = len(_app_pages())
        # Streamlit shows no navigation at all for a single page.
        assert len(hrefs) == (listed if listed > 1 else 0), (hrefs, listed)

        problems: list[str] = []
        for index, href in enumerate(hrefs or [app_url]):
            slug = _slug(href, app_url)
            if hrefs:
                links.nth(index).click()
                wait_for_app(page)
                # the page's own choices may follow in the query (the overview keeps its indicator)
                assert page.url.split("?")[0].rstrip("/") == href.rstrip("/"), (page.url, href)
            # Still the same session: the language chosen at the start is still active.
            radio = _language_radio(page, lang)
            if radio.get_attribute("aria-checked") != "true":
                problems.append(f"{slug}: language {lang} lost")
            problems += [f"{slug}: {text[:300]}" for text in page_errors(page)]
            if lang == "en":
                heading = page.locator("h1").first
                shown = [*links.all_inner_texts()]
                if heading.count():
                    shown.append(heading.inner_text())
                problems += [f"{slug}: untranslated {t!r}" for t in shown if CJK.search(t)]
            problems += [f"{slug}: {text}" for text in _redrawn_charts(page)]
            problems += [f"{slug}: {text}" for text in page.evaluate(OVERPRINT_JS)]
            screenshot(page, SHOTS / lang / f"{slug}.png")
            problems += [f"{slug}: {text}" for text in _charts_in_other_tabs(page)]
        assert not problems, "\n".join(problems)
        assert not js_errors, "\n".join(js_errors)
    finally:
        page.close()


ROOM_JS = r"""() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.offsetParent && gd._fullLayout && gd._fullLayout._pushmargin)
  .map(gd => {
    const set = gd.layout.margin || {}, size = gd._fullLayout._size, need = {l: 0, r: 0, b: 0};
    for (const [key, push] of Object.entries(gd._fullLayout._pushmargin)) {
      if (key === 'base') continue;
      if (push.l.val === 0) need.l = Math.max(need.l, push.l.size);
      if (push.r.val === 1) need.r = Math.max(need.r, push.r.size);
      if (push.b.val <= 0) need.b = Math.max(need.b, push.b.size - push.b.val * size.h);
    }
    return {title: String((gd.layout.title || {}).text || '').slice(0, 40), set: {l: set.l, r: set.r, b: set.b},
            drawn: {l: size.l, r: size.r, b: size.b}, need};
  })"""
"""Every chart drawn on the page: its margins as the figure sets them, as drawn, and as
its axis labels and legend need them (Plotly's automargin pushes)."""
ROOM_SPARE_PX = 40
"""How much room a chart may set beyond what its labels and legend need."""


def _redrawn_charts(page: Page) -> list[str]:
    """Charts whose room for axis labels and legend was not set right: Plotly draws a
    chart whose margins are too small a second time, wider (automargin), which made the
    chart pages the slowest to open; and room far beyond the need is space lost."""
    problems = []
    for chart in page.evaluate(ROOM_JS):
        for side in ("l", "r", "b"):
            set_px, drawn, need = chart["set"][side], chart["drawn"][side], chart["need"][side]
            if set_px is None or drawn > set_px + 0.5:
                problems.append(f"{chart['title']!r}: {side} set {set_px}, drawn {drawn:.1f}")
            elif set_px > need + ROOM_SPARE_PX:
                problems.append(f"{chart['title']!r}: {side} set {set_px}, needs {need:.1f}")
    return problems


def _charts_in_other_tabs(page: Page) -> list[str]:
    """:func:`_redrawn_charts` for the charts of every further tab of the page (the
    composite ranking's bars), each opened in turn; the first tab is opened again after."""
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    if tabs.count() < 2:
        return []
    problems = []
    for index in range(1, tabs.count()):
        tabs.nth(index).click()
        wait_for_app(page, settle_ms=0)
        name = tabs.nth(index).inner_text()
        problems += [f"tab {name}: {text}" for text in _redrawn_charts(page)]
    tabs.first.click()
    wait_for_app(page, settle_ms=0)
    return problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_fits_a_phone(app_url: str, browser: Browser, lang: str) -> None:
    """No page scrolls sideways at phone width, and none cuts text off where it cannot be
    reached (the meeting board once lost its last column this way, and later hid its
    figures in a box that scrolled sideways), nor a chart's title or notes at its edge
    (the catch-up chart's events, its crossing and its target year); no chart draws its
    texts over one another (the campaign chart's dates over its legend, its English
    milestone names over each other; the catch-up chart's title over its crossing year)."""
    page = _new_page(browser, PHONE)
    try:
        for address in [*entry.ADDRESSES, LONG_TITLE, CATCHUP_VIEWS[0]]:
            joiner = "&" if "?" in address else "?"
            page.goto(f"{app_url}/{address}{joiner}lang={lang}")
            wait_for_app(page)
            assert not page_errors(page), address
            # Streamlit scrolls inside stMain, so check it as well as the document.
            overflow = page.evaluate(
                """() => [document.documentElement,
                          ...document.querySelectorAll('[data-testid="stMain"], .bxgc-fit')]
                         .filter(el => el.scrollWidth > el.clientWidth + 1)
                         .map(el => `${el.dataset.testid || el.tagName}: ${el.scrollWidth}px`
                                    + ` in ${el.clientWidth}px`)"""
            )
            assert not overflow, f"/{address} scrolls sideways at {PHONE['width']}px: {overflow}"
            cut = page.evaluate(CUT_JS) + page.evaluate(CUT_TITLES_JS)
            assert not cut, f"/{address} at {PHONE['width']}px: {cut}"
            over = page.evaluate(OVERPRINT_JS)
            assert not over, f"/{address} at {PHONE['width']}px: {over}"
            if not address:
                screenshot(page, SHOTS / "phone" / f"overview-{lang}.png")
    finally:
        page.close()


LAPTOP = {"width": 1024, "height": 768}
"""The narrowest laptop screen, the sidebar open beside the page."""
CATCHUP_VIEWS = [
    f"catchup?unit={ours}&indicator={code}&bench={theirs}"
    for ours, theirs in (("JD01", "JD03"), ("JD03", "JD01"))
    for code in ("GBR", "FAI", "IVA_G", "HIGHRISE", "ENERGY")
]
"""The catch-up headline for a unit ahead and a unit behind, in money (万元 and 亿元), a
growth rate in points, a count and an intensity where lower is better."""
LONG_TITLE = "catchup?unit=JD05&indicator=GBR&bench=EXT_KS"
"""A catch-up chart whose English title (General public budget revenue: history and
projection) is wider than a phone, and whose crossing year is the chart's last."""


NARROWEST_CHART_PX = 340
"""The narrowest a chart may be drawn beside the sidebar: a chart beside a table is
stacked above it sooner (a ranking's bars beside its table were 274 px wide at 1024 px,
their English names taking most of it)."""
NARROW_CHARTS_JS = """least => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.offsetParent)
  .map(gd => Math.round(gd.getBoundingClientRect().width))
  .filter(width => width < least)"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_cuts_its_text_on_a_laptop(app_url: str, browser: Browser, lang: str) -> None:
    """A row of headline figures beside the open sidebar keeps every label and figure
    whole, moving a figure to the next line where the row has no room for it (the catch-up
    headline once read "Ahead …" at 1280 px, and the overview's and the quality page's
    figures lost their labels at 1024); a chart's title is never wider than its chart, nor
    a chart squeezed beside a table, nor a chart's texts drawn over one another."""
    page = _new_page(browser, LAPTOP)
    try:
        problems: list[str] = []
        for address in [*entry.ADDRESSES, *CATCHUP_VIEWS, LONG_TITLE]:
            joiner = "&" if "?" in address else "?"
            page.goto(f"{app_url}/{address}{joiner}lang={lang}")
            wait_for_app(page)
            assert not page_errors(page), address
            cut = page.evaluate(CUT_JS) + page.evaluate(CUT_TITLES_JS)
            problems += [f"/{address}: {text}" for text in cut + page.evaluate(OVERPRINT_JS)]
            narrow = page.evaluate(NARROW_CHARTS_JS, NARROWEST_CHART_PX)
            problems += [f"/{address}: a chart {width} px wide" for width in narrow]
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def _cjk_families() -> set[str]:
    """Every family name fontconfig knows for fonts that cover Chinese."""
    if not shutil.which("fc-list"):
        return set()
    listing = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",")}


def test_chinese_is_drawn_with_a_cjk_font(app_url: str, browser: Browser) -> None:
    """Ask Chromium which fonts drew the title's glyphs (DevTools CSS domain).

    ``document.fonts.check()`` cannot tell: it answers true for any font that is not a
    web font, installed or not. ``CSS.getPlatformFontsForNode`` names the system fonts
    the glyphs actually came from; without a CJK font they come from a Latin fallback
    as tofu boxes, and this fails.
    """
    families = _cjk_families()
    assert families, "no font on this machine covers Chinese (install fonts-wqy-microhei)"
    page = _new_page(browser, DESKTOP)
    try:
        page.goto(app_url)
        wait_for_app(page)
        title = page.locator("h1").first.inner_text()
        wanted = len(CJK.findall(title))
        assert wanted, f"the default (Chinese) title has no Chinese in it: {title!r}"

        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        drawn = sum(f["glyphCount"] for f in fonts if f["familyName"] in families)
        assert drawn >= wanted, f"{title!r} drawn with {fonts}; CJK fonts: {sorted(families)}"
    finally:
        page.close()


# A `pages/` folder next to app.py puts a fresh Streamlit server in its old automatic
# multipage mode until some session has run app.py; `python -m bxgc_ui.serve` tells it up
# front that app.py declares its navigation. These two tests guard that, on a server no
# browser has talked to yet.


@pytest.fixture
def fresh_app(demo_db_template: Path, tmp_path: Path) -> Iterator[str]:
    """A server no browser has talked to yet, on its own copy of the database."""
    db = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    with serve_app(db) as url:
        yield url


def test_first_session_after_start_switches_language(fresh_app: str, browser: Browser) -> None:
    """The first reader after a restart gets the English switch on the first click.

    Without the launcher's fix app.py ran as an automatic-multipage page in that
    reader's first run, the sidebar widgets changed IDs and the first click was dropped.
    """
    page = _new_page(browser, DESKTOP)
    try:
        page.goto(fresh_app)
        wait_for_app(page)
        _language_radio(page, "en").click()
        wait_for_app(page)
        assert _language_radio(page, "en").get_attribute("aria-checked") == "true"
        assert not CJK.search(page.locator("h1").first.inner_text())
    finally:
        page.close()


def test_page_url_after_start_runs_the_entrypoint(fresh_app: str, browser: Browser) -> None:
    """A bookmarked or reloaded page URL still gets app.py: page config, language switch.

    Without the launcher's fix, until someone opened the root URL, /<page> ran
    pages/<page>.py on its own: no language switch, narrow layout.
    """
    stem = next(stem for stem, _ in _app_pages())
    page = _new_page(browser, DESKTOP)
    try:
        page.goto(f"{fresh_app}/{stem}")
        wait_for_app(page)
        assert _language_radio(page, "zh").count() == 1, "no language switch in the sidebar"
    finally:
        page.close()


_PICKED = """() => [
  ...[...document.querySelectorAll('[data-testid="stMain"] input[role="combobox"]')]
     .map(e => `${e.getAttribute('aria-label')}: ${e.value}`),
  ...[...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMultiSelect"] [data-tag]')]
     .map(e => `tag: ${e.getAttribute('aria-label')}`),
  ...[...document.querySelectorAll('[data-testid="stMain"] input[type="range"]')]
     .map(e => `${e.getAttribute('aria-label')}: ${e.getAttribute('aria-valuetext')}`),
  ...[...document.querySelectorAll('[data-testid="stMain"] [data-testid="stButtonGroup"] button[aria-checked="true"]')]
     .map(e => `pressed: ${e.innerText}`),
]"""
"""What every picker on the page shows: each select box's label and value, each chosen tag,
each slider's value as read, each pressed segment or pill."""


def test_switching_to_english_translates_every_picker(app_url: str, browser: Browser) -> None:
    """A picker keeps the option its reader chose across a language switch and shows it in
    the new language: after 中文 → English each page's select boxes and tags read exactly
    as on the same page opened in English (a picker keyed the same in both languages
    would keep showing 全部单位 or 2026年1-10月)."""
    problems: list[str] = []
    for stem, default in _app_pages():
        path = "" if default else stem
        switched = _new_page(browser, DESKTOP)
        english = _new_page(browser, DESKTOP)
        try:
            switched.goto(f"{app_url}/{path}")
            wait_for_app(switched)
            _language_radio(switched, "en").click()
            wait_for_app(switched, settle_ms=600)
            english.goto(f"{app_url}/{path}?lang=en")
            wait_for_app(english, settle_ms=600)
            after, fresh = switched.evaluate(_PICKED), english.evaluate(_PICKED)
            if after != fresh:
                problems.append(f"{stem}: after the switch {after}, opened in English {fresh}")
        finally:
            switched.close()
            english.close()
    assert not problems, "\n".join(problems)
