"""Access and hostile names through the pages, under AppTest."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.store import Store
from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ROOT, admin_store

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))

HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE units; --",
    "长" * 5000,
    "控制\x00字符\x07\x1b[31m\r\n\t尾",
    "<img src=x onerror=alert(1)>**粗体** [链接](javascript:alert(1))",
]


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **query: str) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_a_viewer_clicking_every_button_changes_nothing(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = Store(demo_db).data_version()
    at = _app(demo_db, monkeypatch, page)
    for i in range(len(at.button)):
        if not at.button[i].disabled:
            at.button[i].click().run()
            assert not at.exception, at.exception
    assert Store(demo_db).data_version() == version


@pytest.mark.parametrize("page", ["pages/upload.py", "pages/settings.py", "pages/admin.py"])
def test_write_pages_ask_a_viewer_to_sign_in(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(demo_db, monkeypatch, page)
    assert any("登录" in i.value for i in at.info)


def test_signing_in_gives_the_role_and_is_audited(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_store(demo_db).create_user("li", "pw-li-123", "analyst")
    at = _app(demo_db, monkeypatch, "pages/signin.py")
    at.text_input(key="auth_username").set_value("li")
    at.text_input(key="auth_password").set_value("wrong")
    at.button[0].click().run()
    assert at.error and SESSION_KEY not in at.session_state
    at.text_input(key="auth_password").set_value("pw-li-123")
    at.button[0].click().run()
    assert at.session_state[SESSION_KEY].role == "analyst"
    log = admin_store(demo_db).audit_log()
    assert log["action"].head(2).tolist() == ["sign_in", "sign_in_failed"]


def test_closed_mode_shows_only_the_sign_in_page(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_PUBLIC_READ", "0")
    at = _app(demo_db, monkeypatch, "pages/overview.py")
    assert not at.dataframe and not at.metric
    assert any("登录" in i.value for i in at.info)


def test_the_wall_link_opens_the_meeting_screen_until_revoked(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_PUBLIC_READ", "0")
    store = admin_store(demo_db)
    token = store.create_wall_token("会议室")
    at = _app(demo_db, monkeypatch, "pages/meeting.py", token=token)
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) > 5
    at.switch_page("pages/overview.py").run()  # the link opens nothing else
    assert at.error and not at.dataframe
    store.revoke_wall_token(store.wall_tokens().iloc[0]["id"])
    at = _app(demo_db, monkeypatch, "pages/meeting.py", token=token)
    assert at.error and "吊销" in at.error[0].value and not at.dataframe
    wrong = _app(demo_db, monkeypatch, "pages/meeting.py", token="guess")
    assert wrong.error and not wrong.dataframe


def test_hostile_names_are_stored_exactly_and_shown_as_text(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = admin_store(demo_db)
    units = store.units()
    renamed = units[units["code"].isin(["JD01", "JD02", "JD03", "JD04", "JD05"])].copy()
    renamed["name_zh"] = HOSTILE
    store.upsert_units(renamed)
    indicators = store.indicators()
    fai = indicators[indicators["code"] == "FAI"].assign(name_zh=HOSTILE[0])
    store.upsert_indicators(fai)
    stored = Store(demo_db).units().set_index("code").loc[renamed["code"], "name_zh"]
    assert stored.tolist() == HOSTILE  # a round trip changes nothing
    assert len(Store(demo_db).units()) == len(units)  # and nothing was dropped
    for page in ["pages/overview.py", "pages/rankings.py", "pages/meeting.py"]:
        at = _app(demo_db, monkeypatch, page)
        assert not at.exception, at.exception
        cells = {
            str(v) for frame in at.dataframe for v in pd.DataFrame(frame.value).to_numpy().ravel()
        }
        assert any(name in cells for name in HOSTILE), page
        # Markdown elements (the overview's honour lists) carry names escaped: the stars,
        # brackets and angle brackets show as typed instead of formatting or linking.
        for block in at.markdown:
            assert "**粗体**" not in block.value and "](javascript" not in block.value, page


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def test_no_html_is_rendered_from_data() -> None:
    """No page or helper turns on unsafe HTML; ``st.html`` only with a module constant."""
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("bxgc_ui/*.py")]
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            for kw in call.keywords:
                assert kw.arg != "unsafe_allow_html", f"{path.name}:{call.lineno}"
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "html":
                args = call.args
                ok = len(args) == 1 and isinstance(args[0], ast.Name) and args[0].id.isupper()
                assert ok, f"st.html with a non-constant argument in {path.name}:{call.lineno}"
