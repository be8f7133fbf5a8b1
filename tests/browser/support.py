"""Real-browser helpers: serve the app on a loopback port and drive Debian's Chromium.

The waits follow Streamlit's own e2e suite (``e2e_playwright/conftest.py``,
``wait_for_app_run``): the root ``[data-testid="stApp"]`` element carries
``data-test-connection-state`` and ``data-test-script-state``; the script has finished
when the latter reads ``notRunning``, and the page has rendered when no
``stSkeleton`` placeholder is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The network is closed: without these Chromium keeps dialling out and logging refusals.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Milliseconds to wait for a script run (the first run also fills the data caches).
RUN_TIMEOUT_MS = 90_000

#: What an error looks like on a Streamlit 1.67 page: an uncaught exception box and
#: ``st.error`` (alerts get ``data-testid="stAlertContent<Kind>"``).
ERROR_SELECTORS = ('[data-testid="stException"]', '[data-testid="stAlertContentError"]')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return bool(response.read().decode().strip() == "ok")
    except (OSError, urllib.error.URLError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server and everything it started (it runs in its own group)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def serve_app(
    db_path: Path | str,
    port: int | None = None,
    timeout: float = 60,
    *,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run ``streamlit run app.py`` on ``db_path`` and yield its base URL.

    ``env`` adds to (or overrides) the environment the server inherits, e.g.
    ``BXGC_PG_DSN`` for a server whose ``db_path`` is its local copy of a PostgreSQL
    database.

    Waits (at most ``timeout`` seconds) until ``/_stcore/health`` answers ``ok``; fails
    with the server's output if it never does or exits early. The file watcher is off,
    so edits made in the tree while the tests run do not put a "source changed" banner
    into the screenshots.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "bxgc_ui.serve",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    environ = {**os.environ, **(env or {}), "BXGC_DB": str(db_path)}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=environ, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip

        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-5000:]

        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{output()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{output()}")
                time.sleep(0.2)
            yield url
        finally:
            _stop(proc)


def launch_browser(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with nothing phoning home."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def wait_for_app(page: Page, settle_ms: int = 300) -> None:
    """Block until Streamlit has connected, finished the script run and rendered it.

    Also waits for web fonts and for every Plotly chart to have drawn its SVG, so a
    screenshot taken next shows the finished page.
    """
    from playwright.sync_api import expect

    # A click that triggers a rerun takes a moment to flip the state to "running".
    page.wait_for_timeout(200)
    for state in ('data-test-connection-state="CONNECTED"', 'data-test-script-state="notRunning"'):
        page.locator(f'[data-testid="stApp"][{state}]').wait_for(
            state="attached", timeout=RUN_TIMEOUT_MS
        )
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(chart => chart.querySelector('svg.main-svg'))""",
        timeout=RUN_TIMEOUT_MS,
    )
    page.evaluate("document.fonts.ready.then(() => true)")
    if settle_ms:
        page.wait_for_timeout(settle_ms)


def open_folds(page: Page, limit: int = 10) -> int:
    """Open every closed expander on the page, one click and rerun at a time (a folded
    section is built only when opened); returns how many were opened."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    opened = 0
    while closed.count() and opened < limit:
        closed.first.click()
        wait_for_app(page, settle_ms=300)
        opened += 1
    return opened


def page_errors(page: Page) -> list[str]:
    """The texts of every visible error on the page (exceptions, st.error, tracebacks).

    An exception box also contains an error alert and the word "Traceback", so a text
    already contained in another one is reported once.
    """
    texts: list[str] = []
    for locator in [*map(page.locator, ERROR_SELECTORS), page.get_by_text("Traceback")]:
        texts += [el.inner_text().strip() for el in locator.all() if el.is_visible()]
    unique = sorted(set(texts), key=len, reverse=True)
    return [text for i, text in enumerate(unique) if not any(text in o for o in unique[:i])]


def screenshot(page: Page, path: Path) -> None:
    """A screenshot of the whole page, however long.

    Streamlit scrolls inside ``[data-testid="stMain"]``, not the document, so
    Playwright's ``full_page`` stops at the viewport. Grow the viewport to the content
    height instead, shoot, and put the viewport back.
    """
    size = page.viewport_size
    assert size is not None, "screenshot() needs a page with a fixed viewport"
    height = size["height"]
    for _ in range(3):  # charts may reflow once the viewport grows
        wanted = page.evaluate(
            """() => Math.max(document.documentElement.scrollHeight,
                   ...[...document.querySelectorAll('[data-testid="stMain"]')].map(
                       el => el.scrollHeight + el.getBoundingClientRect().top))"""
        )
        wanted = max(size["height"], int(wanted))
        if wanted <= height:
            break
        height = wanted
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    if height != size["height"]:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)


BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (`make test` installs Debian's chromium)",
    ),
]
"""Marks of every browser test module: ``browser``, skipped only without Chromium."""

SHOTS = ROOT / "screenshots"
"""Where browser tests save their screenshots (git-ignored)."""


CUT_JS = r"""() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (el.closest('svg') || !el.getClientRects().length) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    let cut = r.right > innerWidth + 1;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if ((x === 'auto' || x === 'scroll') && a.scrollWidth > a.clientWidth) {
        // a table's cells scroll into view; a switch's button is never read by scrolling
        const b = a.getBoundingClientRect();
        cut = !!el.closest('button') && (r.right > b.right + 1 || r.left < b.left - 1);
        break;
      }
      if (x === 'hidden' || x === 'clip') {
        const b = a.getBoundingClientRect();
        if (r.right > b.right + 1 || r.left < b.left - 1) { cut = true; break; }
      }
    }
    const dots = getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth
      && el.title !== el.textContent.trim();
    if (cut || dots) out.push(`${el.textContent.trim().slice(0, 40)} (${cut ? 'cut' : 'ellipsis'})`);
  }
  return out;
}"""
"""Text in the page that a reader cannot reach: past the screen's edge or clipped by a box
that does not scroll, or shortened with an ellipsis. A box that scrolls sideways (a
table, the meeting board) keeps its text reachable, though not a button's (a switch
whose last button ran past the end of its third of the row hid it in a scroller), and so does a shortened text whose
whole is its hover title (a chosen benchmark's chip in a picker)."""

CUT_TITLES_JS = r"""() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.offsetParent)
  .flatMap(gd => {
    const g = gd.getBoundingClientRect();
    return [...gd.querySelectorAll('.gtitle, .annotation-text')]
      .filter(text => text.textContent.trim())
      .filter(text => {
        const t = text.getBoundingClientRect();
        return t.right > g.right + 1 || t.left < g.left - 1;
      })
      .map(text => `chart text ${text.textContent.slice(0, 40)}`
                   + ` (${Math.round(text.getBoundingClientRect().width)} px in ${Math.round(g.width)})`);
  })"""
"""A chart's title or notes past its edges: Plotly draws a title or a note on one line and
the chart's edge cuts it."""

OVERPRINT_JS = r"""() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.offsetParent)
  .flatMap(gd => {
    const kinds = {'.xtick text': 'x tick', '.ytick text': 'y tick', '.legendtext': 'legend',
                   '.gtitle': 'title', '.annotation-text': 'note',
                   '.g-xtitle text': 'x title', '.g-ytitle text': 'y title'};
    const texts = Object.entries(kinds).flatMap(([selector, kind]) =>
      [...gd.querySelectorAll(selector)]
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
        .map(t => ({kind, text: t.textContent.trim().slice(0, 30), box: t.getBoundingClientRect(),
                    turned: /rotate\((?!0[,)])/.test(t.getAttribute('transform') || '')})));
    const found = [];
    texts.forEach((a, i) => texts.slice(i + 1).forEach(b => {
      // two turned tick labels stand side by side in boxes that overlap
      if (a.kind === b.kind && (a.turned || b.turned)) return;
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w > 2 && h > 2) {
        found.push(`${a.kind} "${a.text}" over ${b.kind} "${b.text}"`
                   + ` (${Math.round(w)}×${Math.round(h)} px)`);
      }
    }));
    return found;
  })"""
"""Texts of a chart drawn over one another: its title, notes, tick labels, axis titles and
legend entries, each pair's boxes sharing more than 2 px each way (a phone's campaign chart
once drew its dates over its legend and its English milestone names over each other)."""
