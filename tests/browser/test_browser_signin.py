"""Signing in, in a real Chromium: the session survives a reload and a new tab, signing
out ends it in both, and neither the password nor the session token is ever in a URL.

An anonymous reader starts on the upload page, is told at the top that importing needs an
analyst account, follows the sign-in link and comes back to the upload page signed in.
Screenshots: ``screenshots/signin/*.png`` (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

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
PASSWORD = "Li-secret-2026"
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def served(demo_db_template: Path, tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "bxgc.duckdb"
    shutil.copy(demo_db_template, db)
    admin_store(db).create_user("li", PASSWORD, "analyst")
    with serve_app(db) as url:
        yield url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


def _status(page: Page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def _session_cookie(context: BrowserContext) -> dict | None:
    found = [c for c in context.cookies() if c["name"] == "bxgc_session"]
    return dict(found[0]) if found else None


def test_sign_in_survives_reload_and_new_tab_and_sign_out_ends_both(
    served: str, context: BrowserContext
) -> None:
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    context.on("page", lambda p: p.on("websocket", lambda ws: urls.append(ws.url)))
    first = context.new_page()
    first.on("framenavigated", lambda frame: urls.append(frame.url))
    first.on("websocket", lambda ws: urls.append(ws.url))

    # Anonymous on the upload page: told at the top, before any upload step.
    _open(first, f"{served}/upload")
    assert "未登录" in _status(first)
    notice = first.get_by_test_id("stAlertContentInfo").first
    expect(notice).to_contain_text("分析员")
    assert first.get_by_test_id("stFileUploader").count() == 0
    screenshot(first, SHOTS / "signin" / "upload-anonymous.png")

    # The link leads to the sign-in form, which posts and comes back to the upload page.
    first.get_by_test_id("stMain").get_by_role("link", name="登录").click()
    wait_for_app(first)
    assert "/signin" in first.url
    first.locator('form[action="/auth/signin"] input[name="username"]').fill("li")
    first.locator('form[action="/auth/signin"] input[name="password"]').fill(PASSWORD)
    screenshot(first, SHOTS / "signin" / "form.png")
    with first.expect_navigation():
        first.locator('form[action="/auth/signin"] button[type="submit"]').click()
    wait_for_app(first)
    assert first.url.rstrip("/").endswith("/upload"), first.url
    assert "li（分析员）" in _status(first)
    expect(first.get_by_test_id("stFileUploader")).to_have_count(1)
    assert not page_errors(first)
    # signed in, the navigation offers the account (who, and signing out), not a sign-in
    nav = first.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="我的账户", exact=True)).to_have_count(1)
    expect(nav.get_by_role("link", name="登录", exact=True)).to_have_count(0)

    cookie = _session_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert cookie["expires"] > 0  # persistent (Max-Age), not a browser-session cookie
    token = cookie["value"]

    # A reload keeps the reader signed in.
    first.reload()
    wait_for_app(first)
    assert "li（分析员）" in _status(first)

    # So does a new tab: the gaps table is editable there.
    second = context.new_page()
    second.on("framenavigated", lambda frame: urls.append(frame.url))
    _open(second, f"{served}/gaps")
    assert "li（分析员）" in _status(second)
    expect(second.get_by_role("button", name="保存")).to_have_count(1)
    screenshot(second, SHOTS / "signin" / "gaps-signed-in.png")

    # Signing out in the new tab ends the session for both tabs.
    with second.expect_navigation():
        second.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").click()
    wait_for_app(second)
    assert "/signin" in second.url
    assert "未登录" in _status(second)
    assert _session_cookie(context) is None
    nav = second.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="登录", exact=True)).to_have_count(1)
    expect(nav.get_by_role("link", name="我的账户", exact=True)).to_have_count(0)
    # The first tab's next run, without a reload, already reads anonymously ...
    first.get_by_test_id("stSidebarNav").get_by_role("link", name="差距整改").click()
    wait_for_app(first)
    assert "未登录" in _status(first)
    expect(first.get_by_role("button", name="保存")).to_have_count(0)
    # ... and so does a fresh load in it.
    first.goto(f"{served}/upload")
    wait_for_app(first)
    assert "未登录" in _status(first)
    assert first.get_by_test_id("stFileUploader").count() == 0
    _open(second, f"{served}/gaps")
    expect(second.get_by_role("button", name="保存")).to_have_count(0)
    screenshot(second, SHOTS / "signin" / "gaps-anonymous.png")

    assert urls
    leaked = [u for u in urls if PASSWORD in u or token in u]
    assert not leaked, leaked


def test_a_wrong_password_says_so_in_english_and_sets_no_cookie(
    served: str, context: BrowserContext
) -> None:
    page = context.new_page()
    _open(page, f"{served}/signin?lang=en")
    page.locator('input[name="username"]').fill("li")
    page.locator('input[name="password"]').fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)
    assert "/signin" in page.url and "not-the-password" not in page.url
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Wrong username")
    assert _session_cookie(context) is None
    screenshot(page, SHOTS / "signin" / "failed-en.png")
