"""The sign-in and sign-out routes, through Starlette's test client.

Signing in posts a form to ``/auth/signin``; the answer sets an HttpOnly session cookie
and sends the browser back to a page. No password or token ever appears in a URL, a
wrong password sets nothing, and a form posted from another site is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bxgc_metrics.access import Actor
from bxgc_metrics.store import Store
from bxgc_ui import web
from tests.conftest import admin_store

PASSWORD = "pw-li-123"
SITE = "http://testserver"


@pytest.fixture
def db(empty_store: Store, monkeypatch: pytest.MonkeyPatch) -> Path:
    empty_store.create_user("li", PASSWORD, "analyst")
    monkeypatch.setenv("BXGC_DB", str(empty_store.path))
    monkeypatch.delenv("BXGC_SESSION_HOURS", raising=False)
    return empty_store.path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(Starlette(routes=web.ROUTES), base_url=SITE) as c:
        yield c


def _sign_in(client: TestClient, password: str = PASSWORD, **extra: str):
    headers = {"Origin": extra.pop("origin", SITE)}
    form = {"username": "li", "password": password, **extra}
    return client.post("/auth/signin", data=form, headers=headers, follow_redirects=False)


def _cookie_header(response) -> str:
    headers = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    mine = [h for h in headers if h.startswith(f"{web.COOKIE}=")]
    assert len(mine) == 1, headers
    return mine[0]


def test_signing_in_sets_an_httponly_samesite_cookie_and_goes_back(
    client: TestClient, db: Path
) -> None:
    response = _sign_in(client, next="upload")
    assert response.status_code == 303
    assert response.headers["location"] == "/upload"
    cookie = _cookie_header(response)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()
    assert "max-age=28800" in cookie.lower()  # 8 hours by default
    assert "secure" not in attributes  # plain http here
    token = cookie.split(";")[0].split("=", 1)[1]
    assert Store(db).session_actor(token) == Actor("li", "analyst")
    assert token not in response.headers["location"]
    assert PASSWORD not in response.headers["location"]


def test_the_cookie_is_secure_over_https(db: Path) -> None:
    with TestClient(Starlette(routes=web.ROUTES), base_url="https://testserver") as client:
        response = _sign_in(client, origin="https://testserver")
    assert response.status_code == 303
    assert "secure" in {p.strip().lower() for p in _cookie_header(response).split(";")}


def test_the_session_lasts_bxgc_session_hours(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_SESSION_HOURS", "2")
    assert "max-age=7200" in _cookie_header(_sign_in(client)).lower()


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
def test_a_bad_bxgc_session_hours_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BXGC_SESSION_HOURS", value)
    with pytest.raises(ValueError, match="BXGC_SESSION_HOURS"):
        web.session_hours()


def test_a_wrong_password_sets_no_cookie_and_says_so_without_the_password(
    client: TestClient, db: Path
) -> None:
    response = _sign_in(client, password="wrong-pw", next="upload", ui_lang="en")
    assert response.status_code == 303
    location = response.headers["location"]
    parts = urlsplit(location)
    assert parts.path == "/signin"
    assert parse_qs(parts.query) == {"failed": ["1"], "next": ["upload"], "lang": ["en"]}
    assert "wrong-pw" not in location and "username" not in location
    assert "set-cookie" not in response.headers
    assert admin_store(db).audit_log()["action"].iloc[0] == "sign_in_failed"


def test_english_readers_go_back_in_english(client: TestClient) -> None:
    response = _sign_in(client, next="gaps", ui_lang="en")
    assert response.headers["location"] == "/gaps?lang=en"


def test_next_is_taken_from_the_sign_in_pages_address_when_the_form_has_none(
    client: TestClient,
) -> None:
    response = client.post(
        "/auth/signin",
        data={"username": "li", "password": PASSWORD},
        headers={"Referer": f"{SITE}/signin?next=upload&lang=en"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/upload"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example", "/upload", "upload/../admin", "nope"]
)
def test_next_only_names_a_page_of_this_app(client: TestClient, target: str) -> None:
    location = _sign_in(client, next=target).headers["location"]
    assert location == "/", location


def test_overview_is_the_root(client: TestClient) -> None:
    assert _sign_in(client, next="overview").headers["location"] == "/"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/signin"},
        {"Origin": "http://testserver.evil.example"},
        {},
    ],
)
def test_a_form_posted_from_another_site_is_refused(
    client: TestClient, db: Path, headers: dict[str, str]
) -> None:
    before = len(admin_store(db).audit_log())
    response = client.post(
        "/auth/signin",
        data={"username": "li", "password": PASSWORD},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert len(admin_store(db).audit_log()) == before  # no password was even checked


def test_signing_out_ends_the_session_and_clears_the_cookie(client: TestClient, db: Path) -> None:
    token = _cookie_header(_sign_in(client)).split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE, token)
    response = client.post(
        "/auth/signout",
        data={"ui_lang": "en"},
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?lang=en"
    cleared = _cookie_header(response).lower()
    assert "max-age=0" in cleared and "httponly" in cleared and "path=/" in cleared
    assert Store(db).session_actor(token) is None
    assert admin_store(db).audit_log()["action"].iloc[0] == "sign_out"


def test_signing_out_from_another_site_is_refused(client: TestClient, db: Path) -> None:
    token = _cookie_header(_sign_in(client)).split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE, token)
    response = client.post(
        "/auth/signout", headers={"Origin": "http://evil.example"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert Store(db).session_actor(token) == Actor("li", "analyst")


def test_the_routes_answer_only_posts(client: TestClient) -> None:
    assert client.get("/auth/signin", follow_redirects=False).status_code == 405
    assert client.get("/auth/signout", follow_redirects=False).status_code == 405


def test_an_oversized_form_is_refused(client: TestClient) -> None:
    response = _sign_in(client, password="x" * 100_000)
    assert response.status_code == 413
    assert "set-cookie" not in response.headers
