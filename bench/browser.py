"""How long a page takes as a user feels it: headless Chromium, from navigation until the
script has stopped running and every chart is drawn, beside a bare Streamlit page with
one plotly chart served by the same machine in the same run (and, as further references,
that page with the catch-up page's three pickers, and a page of Streamlit's own elements
laid out as the catch-up page lays out its own).

Each page is timed in turns with the bare page: a visit to one, then to the other, 15
times each (one visit of each first fills the caches), and the page's median is set beside
the bare page's median of the same turns. A page and its reference then meet the same
moments of the machine: on a shared 2-core machine one page's median of 9–15 visits read
from 567 to 726 ms in five runs on one commit, and visits in turns keep that drift out of
the ratio. On the demo data, as an anonymous viewer; and the first visit to the home page
after a server start, beside the bare page's first visit after its own server's start
(each in a new browser context: the browser fetches and compiles Streamlit's JavaScript
again, whatever page it serves).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Row
from tests.browser.support import (
    RUN_TIMEOUT_MS,
    _healthy,
    _stop,
    free_port,
    launch_browser,
    serve_app,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from bench.cases import Context

ROOT = Path(__file__).resolve().parent.parent
VISITS = 15
BARE = """
import plotly.express as px
import streamlit as st

st.title("bare")
st.plotly_chart(px.line(x=[2019, 2020, 2021, 2022], y=[1.0, 3.0, 2.0, 4.0]))
"""
"""The reference: a Streamlit page with one plotly chart and nothing else."""
PICKERS = """
import plotly.express as px
import streamlit as st

units = [f"单位{i:02d}" for i in range(20)]
indicators = [f"指标{i:02d}" for i in range(22)]
st.title("bare")
left, middle, right = st.columns(3)
left.selectbox("单位", units)
middle.selectbox("指标", indicators)
right.multiselect("对标单位", units[1:], default=units[1:2])
st.plotly_chart(px.line(x=[2019, 2020, 2021, 2022], y=[1.0, 3.0, 2.0, 4.0]))
"""
"""A second reference, beside the target's: the bare page with the three pickers the
catch-up page opens with (two selectboxes and a multiselect, as many options as the demo
has units and indicators), showing what Streamlit's own pickers cost a page."""
ELEMENTS = """
import plotly.express as px
import streamlit as st

units = [f"单位{i:02d}" for i in range(20)]
indicators = [f"指标{i:02d}" for i in range(22)]
models = ["按设定增速", "沿用最新值（基准）", "历史年均增速", "线性趋势", "对数线性趋势", "指数平滑（阻尼趋势）"]
note = "在这些单位的回测中误差最小的是“指数平滑（阻尼趋势）”（平均误差 5.6%）。"


def catch_up():
    st.title("bare")
    st.info("当前显示的是演示数据（虚构单位与数字）。", icon=":material/science:")
    controls = st.container(key="controls")
    left, middle, right = controls.columns(3)
    left.selectbox("单位", units)
    middle.selectbox("指标", indicators)
    right.multiselect("对标单位", units[1:], default=units[1:2])
    controls.pills("预测方法", models, default=models[-1], required=True, help=note)
    controls.caption(note)
    controls.expander("各方法回测表现", key="skill", on_change="rerun")
    controls.slider("目标赶超年份", 2026, 2040, 2027)
    st.caption(note)
    row = st.container(horizontal=True, gap="medium")
    row.metric("当前差距", "39.05亿元", "相当于标杆的 47.3%", delta_color="off", delta_arrow="off")
    row.metric("预计赶超年份", "30年以上", "30年内无法赶超", delta_color="off", delta_arrow="off")
    row.metric("所需年均增速", "51.3%", help=note)
    row.container().metric("持平或领先的概率", "0%", help=note)
    st.toggle("显示活动阶段", help=note)
    st.plotly_chart(px.line(x=[2019, 2020, 2021, 2022], y=[1.0, 3.0, 2.0, 4.0]))
    row = st.container(horizontal=True, gap="small")
    for label, icon in (("下载图片 PNG", ":material/download:"), ("SVG", None)):
        row.download_button(label, b"", icon=icon, type="tertiary", on_click="ignore", help=note)
    st.caption(note)


def other():
    st.title("other")


st.set_page_config(layout="wide")  # as the app's pages are laid out
st.sidebar.segmented_control("语言 / Language", ["中文", "English"], default="中文", required=True)
pages = [st.Page(catch_up, title="赶超轨迹", icon=":material/trending_up:", default=True)]
pages += [
    st.Page(other, title=f"页面{i}", icon=":material/dashboard:", url_path=f"p{i}")
    for i in range(11)
]
page = st.navigation(pages)
st.sidebar.caption("未登录：只读浏览")
with st.sidebar.popover("复制链接", icon=":material/link:"):
    st.caption(note)
    st.code("http://localhost:8501/catchup", language=None)
page.run()
"""
"""A third reference: a Streamlit page of Streamlit's own elements only, the ones the
catch-up page shows in the order it shows them (the demo notice, the pickers, the model
choice and its note, the folded back-test table, the slider, the four headline figures,
the phases toggle, the bare page's chart with its two image buttons, a caption) beside
the same sidebar (language switch, twelve pages, sign-in line, link box). None of the
app's code runs: the row shows what those elements cost a page in this browser."""
PAGES = {
    "overview": ("", 1.5),  # the default page is served at the root
    "catch-up": ("catchup?unit=JD03&bench=JD01", 1.5),
    "rankings": ("rankings", 1.5),
    "bulletin": ("bulletin", 1.5),
    "gaps": ("gaps", 1.5),
    "quality": ("quality", 1.5),
    "campaign": ("campaign", 1.5),
    "meeting": ("meeting", 2.0),
}
"""Page → (path, target: at most this many times the bare page)."""
FIRST_VISIT_TARGET = 3.0
FIRST_VISITS = 3
"""Server starts whose first visit is timed, for the app and for the bare page in turns."""

_DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(chart => chart.querySelector('svg.main-svg'));
}"""
"""The page has stopped running, nothing is a placeholder and every chart has drawn."""


def visit(page: Page, url: str) -> float:
    """Seconds from navigation to :data:`_DRAWN`."""
    began = time.perf_counter()
    page.goto(url)
    page.wait_for_function(_DRAWN, timeout=RUN_TIMEOUT_MS, polling=20)
    return time.perf_counter() - began


def _in_turns(page: Page, url: str, bare_url: str) -> tuple[float, float]:
    """Medians of :data:`VISITS` visits to ``url`` and as many to the bare page, taken in
    turns: (the page's, the bare page's)."""
    visit(page, url)  # fills the caches
    visit(page, bare_url)
    pairs = [(visit(page, url), visit(page, bare_url)) for _ in range(VISITS)]
    return statistics.median(p for p, _ in pairs), statistics.median(b for _, b in pairs)


@contextlib.contextmanager
def _serve_bare(
    folder: Path, source: str = BARE, name: str = "bare.py", port: int | None = None
) -> Iterator[str]:
    script = folder / name
    script.write_text(source, encoding="utf-8")
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, env=os.environ.copy(),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bare Streamlit page did not start")
            time.sleep(0.2)
        yield url
    finally:
        _stop(proc)


def _demo(folder: Path) -> Path:
    db = folder / "demo.duckdb"
    subprocess.run(
        [sys.executable, "-m", "bxgc_metrics", "demo", "--db", str(db)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return db


def browser_pages(ctx: Context) -> None:
    """Every viewer page against the bare page, and the first visit after a start."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        folder = Path(name)
        db = _demo(folder)
        browser = launch_browser(playwright)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        with contextlib.ExitStack() as servers:
            bare_url = servers.enter_context(_serve_bare(folder))
            pickers_url = servers.enter_context(_serve_bare(folder, PICKERS, "pickers.py"))
            elements_url = servers.enter_context(_serve_bare(folder, ELEMENTS, "elements.py"))
            visit(page, bare_url)
            bare = statistics.median(visit(page, bare_url) for _ in range(VISITS))
            pickers, pickers_bare = _in_turns(page, pickers_url, bare_url)
            elements, elements_bare = _in_turns(page, elements_url, bare_url)
            ctx.rows.append(
                Row(
                    "browser: bare Streamlit page with one plotly chart",
                    bare,
                    note="Navigation until the script stops and the chart is drawn, headless "
                    f"Chromium at 1440 px, median of {VISITS} warm visits. Every row below "
                    "sets its page beside the bare page's median of visits taken in turns "
                    "with its own.",
                )
            )
            ctx.rows.append(
                Row(
                    "browser: the bare page with the catch-up page's three pickers (reference)",
                    pickers,
                    pickers_bare,
                    note="The bare page with two selectboxes (20 and 22 options) and a "
                    "multiselect (19 options, one chosen) above its chart: Streamlit's own "
                    "pickers, as the catch-up page opens with them.",
                )
            )
            ctx.rows.append(
                Row(
                    "browser: Streamlit's own elements as the catch-up page shows them (reference)",
                    elements,
                    elements_bare,
                    note="Streamlit's elements only, none of the app's code: the catch-up "
                    "page's controls, notes, four headline figures, toggle, chart (the bare "
                    "page's) and image buttons, beside its sidebar of twelve pages, language "
                    "switch and link box. What the page's elements cost a browser, whatever "
                    "builds them.",
                )
            )
            with serve_app(db) as url:
                for label, (path, limit) in PAGES.items():
                    seconds, reference = _in_turns(page, f"{url}/{path}", bare_url)
                    ctx.rows.append(
                        Row(
                            f"browser: {label} page, demo data",
                            seconds,
                            reference,
                            f"≤ {limit:g}× bare page",
                            seconds <= limit * reference,
                        )
                    )
            first, first_bare = _first_visits(browser, folder, db)
            again, again_bare = _returning_visits(browser, folder, db)
        ctx.rows.append(
            Row(
                "browser: first visit after a server start (home page, demo data)",
                first,
                first_bare,
                f"< {FIRST_VISIT_TARGET:g} s",
                first < FIRST_VISIT_TARGET,
                note=f"Median of {FIRST_VISITS} server starts, one visit after each. Reference: "
                "the bare page's first visit after its own server's start, the same number "
                "of times, in turns, each visit in a new browser context: the browser fetches "
                "and compiles Streamlit's JavaScript again, whatever page it serves.",
            )
        )
        ctx.rows.append(
            Row(
                "browser: first visit after a server start, from a browser that has opened "
                "the dashboard before (home page, demo data)",
                again,
                again_bare,
                f"< {FIRST_VISIT_TARGET:g} s",
                again < FIRST_VISIT_TARGET,
                note=f"Median of {FIRST_VISITS} server starts on one address, one visit after "
                "each, all in one browser context that visited the address before the first "
                "start: its cache holds Streamlit's JavaScript (served as immutable for a "
                "year), as a meeting room's browser or a returning reader's does after a "
                "restart. Reference: the bare page the same way, in turns.",
            )
        )
        browser.close()


def _returning_visits(browser: Browser, folder: Path, db: Path) -> tuple[float, float]:
    """Medians of the first visit after each of :data:`FIRST_VISITS` server starts on one
    address, from one browser context that opened the address before (its cache kept), for
    the app's home page and for the bare page, in turns."""
    app_port, bare_port = free_port(), free_port()
    app_context = browser.new_context(viewport={"width": 1440, "height": 900})
    bare_context = browser.new_context(viewport={"width": 1440, "height": 900})
    app: list[float] = []
    bare: list[float] = []

    def once(context: BrowserContext, url: str) -> float:
        page = context.new_page()  # closed before the server stops: it would reconnect
        try:
            return visit(page, url)
        finally:
            page.close()

    try:
        for i in range(FIRST_VISITS + 1):  # the first start fills the browsers' caches
            with _serve_bare(folder, BARE, f"again{i}.py", bare_port) as url:
                seconds = once(bare_context, url)
                bare += [seconds] if i else []
            with serve_app(db, app_port) as url:
                seconds = once(app_context, f"{url}/")
                app += [seconds] if i else []
    finally:
        app_context.close()
        bare_context.close()
    return statistics.median(app), statistics.median(bare)


def _first_visits(browser: Browser, folder: Path, db: Path) -> tuple[float, float]:
    """Medians of the first visit to the app's home page after its server starts and of
    the first visit to the bare page after its own server starts, :data:`FIRST_VISITS`
    starts each, in turns; each visit in a new browser context, whose cache holds nothing
    (a visitor who has not opened the address before)."""
    app: list[float] = []
    bare: list[float] = []

    def first(url: str) -> float:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        try:
            return visit(context.new_page(), url)
        finally:
            context.close()

    for i in range(FIRST_VISITS):
        with _serve_bare(folder, BARE, f"first{i}.py") as url:
            bare.append(first(url))
        with serve_app(db) as url:
            app.append(first(f"{url}/"))
    return statistics.median(app), statistics.median(bare)


CASES = {"browser_pages": browser_pages}
