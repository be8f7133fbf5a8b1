"""Every download button on every page: a click downloads without rerunning the page, and
a file made on click is made right on Streamlit's download thread.

A download whose file is made on click (``data`` a callable) is asked for by the browser
after the click. Were the click to rerun the page too, the rerun would replace the
button's registered maker while the browser still asks for the old one, and now and then
the file never comes (the button spins). The maker then runs on a thread of its own,
where the session cannot be read: what it needs from the session (who is signed in, the
language) is taken in the page run.
"""

from __future__ import annotations

import ast
import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from streamlit.elements.widgets.button import ButtonMixin
from streamlit.testing.v1 import AppTest

from bxgc_metrics.access import Actor
from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ROOT, admin_store

PASSWORD = "Zhou-2026-downloads"
ANALYST = Actor("zhou", "analyst")
PAGES = [
    "pages/overview.py",
    "pages/rankings.py",
    "pages/bulletin.py",
    "pages/quality.py",
    "pages/upload.py",
    "pages/admin.py",
]
"""The pages with download buttons; what their first view offers is checked here (the
buttons in folded boxes and closed tabs by the source test below)."""


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every ``download_button`` a page run offers: its label, data and ``on_click``."""
    seen: list[dict[str, Any]] = []
    original = ButtonMixin.download_button

    def recording(self: Any, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append({"label": label, "data": data, "on_click": kwargs.get("on_click", "rerun")})
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    yield seen


def _run(db: Path, page: str, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")  # no chart images: quick
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.session_state[SESSION_KEY] = actor
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _on_download_thread(make: Callable[[], Any]) -> Any:
    """``make()`` on a thread with no script run, as Streamlit runs a download's maker."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = make()
        except BaseException as exc:  # reported to the test below
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.mark.parametrize("page", PAGES)
def test_every_download_leaves_the_page_alone(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch, offered: list[dict[str, Any]]
) -> None:
    admin = Actor("admin", "admin")
    _run(demo_db, page, admin, monkeypatch)
    for button in offered:
        assert button["on_click"] == "ignore", (page, button["label"])
        if callable(button["data"]):
            made = _on_download_thread(button["data"])
            assert made is None or len(made) > 0, (page, button["label"])


def test_every_download_button_in_the_source_leaves_the_page_alone() -> None:
    """The buttons a first view does not show (in folded boxes, closed tabs, after an
    upload) are held to the same rule, by their calls in the source."""
    calls = []
    for path in sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "bxgc_ui").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "download_button":
                given = {k.arg: k.value for k in node.keywords}
                ignore = given.get("on_click")
                ok = isinstance(ignore, ast.Constant) and ignore.value == "ignore"
                calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", ok))
    assert len(calls) >= 14, calls
    assert [where for where, ok in calls if not ok] == []


def test_a_bulletin_downloaded_is_recorded_under_its_reader(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, offered: list[dict[str, Any]]
) -> None:
    admin_store(demo_db).create_user(ANALYST.name, PASSWORD, ANALYST.role)
    _run(demo_db, "pages/bulletin.py", ANALYST, monkeypatch)
    word = next(b for b in offered if b["label"] == "下载通报 Word")
    made = _on_download_thread(word["data"])
    assert len(Document(io.BytesIO(made)).tables) >= 2
    log = admin_store(demo_db).audit_log(action="report")
    assert list(log["who"]) == ["zhou"], log[["who", "target"]]


def test_the_wide_template_lists_the_months_of_this_year(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from python_calamine import CalamineWorkbook

    from bxgc_metrics.store import Store
    from bxgc_ui.views import upload as upload_view

    monkeypatch.setenv("BXGC_TODAY", "2027-01-10")  # a new year's first reports
    store = Store(demo_db)
    _long, wide = upload_view.templates(store.units(), store.indicators())
    rows = CalamineWorkbook.from_filelike(io.BytesIO(wide())).get_sheet_by_index(0).to_python()
    assert rows[1] == ["单位", *(f"2027-{m:02d}" for m in range(1, 13))]
