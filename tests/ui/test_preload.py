"""The server imports what the pages import before the first reader comes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bxgc_ui.serve import page_modules
from tests.browser.support import free_port
from tests.conftest import ROOT


def test_the_modules_named_are_what_the_pages_import(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("import streamlit as st\n", encoding="utf-8")
    (tmp_path / "pages" / "a.py").write_text(
        "from functools import partial\nfrom bxgc_ui import data\nfrom . import x\n"
        "def f():\n    import json\n",
        encoding="utf-8",
    )
    assert page_modules(tmp_path) == ["bxgc_ui", "bxgc_ui.data", "functools", "json", "streamlit"]
    every = page_modules()
    assert {"bxgc_ui.data", "bxgc_ui.views.rankings", "streamlit"} <= set(every)


def test_preload_leaves_every_page_module_and_plotly_loaded() -> None:
    script = (
        "import sys; from bxgc_ui.serve import page_modules, preload; preload(); "
        "missing = [m for m in [*page_modules(), 'plotly.graph_objects'] "
        "if m not in sys.modules]; print(missing)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


_PROBE = """
from bxgc_ui.serve import APP, warm_pages
from bxgc_metrics.store import connection

problems = warm_pages({pages})
reads = []
read = connection.Database._frame
def counted(self, sql, params=None):
    reads.append(sql)
    return read(self, sql, params)
connection.Database._frame = counted
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(str(APP), default_timeout=300)
at.run()
print(problems, len(reads))
"""


def _probe(db: Path, *, warm: str, pages: str = "") -> str:
    env = {**os.environ, "BXGC_DB": str(db), "BXGC_WARM": warm}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(pages=pages)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_warmed_server_answers_the_home_page_from_its_caches(demo_db: Path) -> None:
    """After the start-up run, a new reader's home page reads nothing from the database;
    without it (``BXGC_WARM=0``) the same visit reads the units, indicators and periods."""
    assert _probe(demo_db, warm="1") == "[] 0"
    problems, reads = _probe(demo_db, warm="0").rsplit(" ", 1)
    assert problems == "[]" and int(reads) > 0


def test_a_page_that_fails_to_warm_is_reported_not_raised(demo_db: Path) -> None:
    problems, _ = _probe(demo_db, warm="1", pages="('pages/nowhere.py',)").rsplit(" ", 1)
    assert problems.startswith('["pages/nowhere.py: ValueError')


_START = "from bxgc_ui.serve import preload, warm_pages; preload(); print(warm_pages())"
"""What the server does before it answers: import the pages' modules, run two pages."""


def test_warming_leaves_the_console_free_of_streamlit_bare_mode_warnings(demo_db: Path) -> None:
    """Importing the pages' modules makes Streamlit log "No runtime found" for each
    cached function; the start-up run of the pages is Streamlit's test runner on the
    server's main thread, which makes Streamlit warn that the thread has no script
    context and that session state needs ``streamlit run``. Those lines would be the
    first thing an operator reads after ``make run``, and they mean nothing there: they
    are not shown. What went wrong in a page is still reported (the test above)."""
    env = {**os.environ, "BXGC_DB": str(demo_db), "BXGC_WARM": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _START],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "ScriptRunContext" not in done.stderr
    assert "Session state does not function" not in done.stderr
    assert "No runtime found" not in done.stderr
    assert "WARNING" not in done.stderr


def test_a_server_started_on_another_port_does_not_ask_to_be_restarted(
    demo_db: Path, tmp_path: Path
) -> None:
    """Warming reads Streamlit's configuration before ``streamlit run`` reads it again with
    the command line's flags. Read without them, the [server] section (the port and
    address that ``make run PORT=… ADDRESS=…`` and a second server pass) looks changed,
    and Streamlit told the operator to restart a server that already runs as asked."""
    port = free_port()
    log = tmp_path / "console.txt"
    cmd = [
        sys.executable, "-m", "bxgc_ui.serve",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "BXGC_DB": str(demo_db), "BXGC_WARM": "1"}
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 120
            while not _healthy(port):
                assert proc.poll() is None, log.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        finally:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=20)
    console = log.read_text(encoding="utf-8")
    assert f"127.0.0.1:{port}" in console  # the flags are what the server runs with
    assert "config option section was detected" not in console
    assert "restart streamlit" not in console


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
            return r.read().decode().strip() == "ok"
    except OSError:
        return False
