"""Guessing passwords is slow and tells nothing: failed sign-ins are throttled per account
and per address with a growing delay, unknown and known names go through the same steps,
lengths are capped before anything is checked or logged, and the admin reads every row of
the audit log, page by page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import duckdb
import psycopg
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from bxgc_metrics import access
from bxgc_metrics.access import Actor
from bxgc_metrics.errors import TooManyAttemptsError, ValidationError
from bxgc_metrics.store import Store
from bxgc_ui import web
from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ADMIN, ROOT, stored

pytestmark = pytest.mark.usefixtures("backend")

T0 = dt.datetime(2026, 11, 2, 9, 0)
PASSWORD = "pw-li-123"
SITE = "http://testserver"


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap stand-ins for argon2, for tests about counting attempts, not about hashes."""
    import hashlib

    def digest(password: str) -> str:
        return "$quick$" + hashlib.sha256(password.encode()).hexdigest()

    monkeypatch.setattr(access, "hash_password", digest)
    monkeypatch.setattr(access, "verify_password", lambda stored, pw: stored == digest(pw))
    access.unknown_user_hash.cache_clear()
    yield
    access.unknown_user_hash.cache_clear()  # made with the stand-in: not for later tests


@pytest.fixture
def store(empty_store: Store) -> Store:
    empty_store.create_user("li", PASSWORD, "analyst")
    empty_store.create_user("off", PASSWORD, "analyst")
    empty_store.update_user("off", disabled=True)
    return empty_store


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _fail(store: Store, username: str, n: int, *, address: str | None = "10.0.0.1", at=T0):
    for _ in range(n):
        assert store.open_session(username, "wrong", 8, address=address, now=at) is None


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every password verification: (the hash's argon2 parameters, password length)."""
    seen: list[tuple[str, int]] = []
    real = access.verify_password

    def counting(stored_hash: str, password: str) -> bool:
        seen.append((stored_hash.rsplit("$", 2)[0], len(password)))
        return real(stored_hash, password)

    monkeypatch.setattr(access, "verify_password", counting)
    return seen


# --- throttling ---------------------------------------------------------------------------


def test_five_failures_on_an_account_then_each_attempt_waits_longer(
    quick: None, store: Store, checks: list
) -> None:
    _fail(store, "li", access.FREE_FAILURES_ACCOUNT)
    waits = []
    for _ in range(6):
        with pytest.raises(TooManyAttemptsError) as refused:
            store.open_session("li", PASSWORD, 8, address="10.0.0.9", now=_at(sum(waits)))
        waits.append(refused.value.wait)
        checked = len(checks)
        _fail(store, "li", 1, address="10.0.0.9", at=_at(sum(waits)))  # allowed once waited
        assert len(checks) == checked + 1
    assert waits == [1, 2, 4, 8, 16, 32]  # seconds, doubling
    assert "秒" in refused.value.zh and "second" in refused.value.en


def test_a_throttled_attempt_checks_no_password_even_the_right_one(
    quick: None, store: Store, checks: list
) -> None:
    _fail(store, "li", access.FREE_FAILURES_ACCOUNT)
    before, log = len(checks), len(store.audit_log())
    with pytest.raises(TooManyAttemptsError):
        store.open_session("li", PASSWORD, 8, address="10.0.0.2", now=_at(0.5))
    assert len(checks) == before  # refused before any password was checked
    assert len(store.audit_log()) == log
    assert store.open_session("li", PASSWORD, 8, address="10.0.0.2", now=_at(1)) is not None


def test_a_sign_in_clears_the_accounts_failures(quick: None, store: Store) -> None:
    _fail(store, "li", access.FREE_FAILURES_ACCOUNT)
    assert store.open_session("li", PASSWORD, 8, now=_at(1)) is not None
    _fail(store, "li", access.FREE_FAILURES_ACCOUNT - 1, at=_at(2))  # free again


def test_the_delay_stops_growing_at_its_cap(quick: None, store: Store) -> None:
    for n in range(access.FREE_FAILURES_ACCOUNT + 15):
        try:
            store.open_session("li", "wrong", 8, now=_at(n * access.MAX_DELAY))
        except TooManyAttemptsError:
            pytest.fail(f"attempt {n} waited longer than the cap")
    with pytest.raises(TooManyAttemptsError) as refused:
        store.open_session("li", "wrong", 8, now=_at((n + 0.5) * access.MAX_DELAY))
    assert refused.value.wait == pytest.approx(access.MAX_DELAY / 2)


def test_failures_from_one_address_throttle_every_name_from_it(quick: None, store: Store) -> None:
    for i in range(access.FREE_FAILURES_ADDRESS):
        _fail(store, f"guess{i}", 1, address="203.0.113.7")
    with pytest.raises(TooManyAttemptsError):
        store.open_session("li", PASSWORD, 8, address="203.0.113.7", now=T0)
    assert store.open_session("li", PASSWORD, 8, address="198.51.100.1", now=T0) is not None


def test_old_failures_no_longer_count(quick: None, store: Store) -> None:
    for n in range(access.FREE_FAILURES_ACCOUNT + 3):
        _fail(store, "li", 1, at=_at(n * access.MAX_DELAY))
    with pytest.raises(TooManyAttemptsError):
        store.open_session("li", PASSWORD, 8, now=_at(n * access.MAX_DELAY))
    later = _at(n * access.MAX_DELAY) + access.THROTTLE_WINDOW + dt.timedelta(seconds=1)
    assert store.open_session("li", PASSWORD, 8, now=later) is not None


def test_parallel_guesses_cannot_slip_past_the_throttle(quick: None, store: Store) -> None:
    """An attempt counts as a failure from the moment it starts, so a burst of guesses sent
    at once is throttled as if they had come one after the other."""
    from concurrent.futures import ThreadPoolExecutor

    def guess(_: int) -> str:
        try:
            store.open_session("li", "wrong", 8, now=T0)
        except TooManyAttemptsError:
            return "throttled"
        return "checked"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(12)))
    assert outcomes.count("checked") == access.FREE_FAILURES_ACCOUNT


# --- unknown and known names alike --------------------------------------------------------


def test_unknown_known_and_disabled_names_take_the_same_steps(store: Store, checks: list) -> None:
    for name in ("li", "nobody", "off"):
        assert store.open_session(name, "wrong", 8, now=T0) is None
    # one argon2 verification each, against hashes with the same parameters
    assert len(checks) == 3 and len({params for params, _ in checks}) == 1
    log = store.audit_log().head(3)
    assert log["action"].tolist() == ["sign_in_failed"] * 3
    for name in ("nobody", "li"):  # unknown names are throttled like real ones
        _fail(store, name, access.FREE_FAILURES_ACCOUNT - 1, at=_at(1))
        with pytest.raises(TooManyAttemptsError):
            store.open_session(name, "wrong", 8, now=_at(1))


def test_the_hash_unknown_names_are_checked_against_is_made_before_serving() -> None:
    import inspect

    from bxgc_ui import serve

    assert "unknown_user_hash" in inspect.getsource(serve.first_start)
    assert (
        access.unknown_user_hash().rsplit("$", 2)[0] == access.hash_password("x").rsplit("$", 2)[0]
    )


# --- lengths ------------------------------------------------------------------------------


def test_a_five_million_character_name_is_cut_before_it_is_checked_or_logged(
    store: Store, checks: list
) -> None:
    assert store.open_session("x" * 5_000_000, "pw" * 100_000, 8, now=T0) is None
    assert all(length <= access.MAX_PASSWORD for _, length in checks)
    row = store.audit_log().iloc[0]
    assert row["action"] == "sign_in_failed"
    assert len(row["who"]) <= access.MAX_USERNAME + 1
    assert len(row["target"]) <= access.MAX_USERNAME + 1
    longest = stored(store, "SELECT max(length(username)) FROM sign_in_failures")[0][0]
    assert longest <= access.MAX_USERNAME + 1


def test_a_long_right_password_does_not_sign_in_by_its_first_characters(store: Store) -> None:
    store.create_user("long", "p" * access.MAX_PASSWORD, "viewer")
    assert store.open_session("long", "p" * access.MAX_PASSWORD, 8, now=T0) is not None
    assert store.open_session("long", "p" * (access.MAX_PASSWORD + 1), 8, now=T0) is None


def test_account_names_are_capped_when_created(store: Store) -> None:
    with pytest.raises(ValidationError):
        store.create_user("y" * (access.MAX_USERNAME + 1), "pw-123456", "viewer")
    with pytest.raises(ValidationError):
        store.create_user("", "pw-123456", "viewer")


def test_every_audit_text_is_capped(store: Store) -> None:
    store.append_audit("probe", "t" * 100_000, None, after={"big": "z" * 3_000_000})
    row = store.audit_log().iloc[0]
    assert len(row["target"]) <= access.MAX_AUDIT_TEXT + 1  # with the "…"
    assert len(row["after_json"]) <= access.MAX_AUDIT_JSON


# --- the route ----------------------------------------------------------------------------


@pytest.fixture
def client(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("BXGC_DB", str(store.path))
    with TestClient(Starlette(routes=web.ROUTES), base_url=SITE) as c:
        yield c


def _post(client: TestClient, password: str, **extra: str):
    form = {"username": "li", "password": password, **extra}
    return client.post("/auth/signin", data=form, headers={"Origin": SITE}, follow_redirects=False)


def test_the_route_throttles_by_the_readers_address_and_says_how_long_to_wait(
    quick: None, client: TestClient, store: Store
) -> None:
    for _ in range(access.FREE_FAILURES_ACCOUNT):
        assert "failed" in parse_qs(urlsplit(_post(client, "wrong").headers["location"]).query)
    response = _post(client, PASSWORD, next="upload")
    assert response.status_code == 303 and "set-cookie" not in response.headers
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert urlsplit(response.headers["location"]).path == "/signin"
    assert int(query["wait"][0]) >= 1 and query["next"] == ["upload"]
    addresses = {r[0] for r in stored(store, "SELECT address FROM sign_in_failures")}
    assert addresses == {"testclient"}  # Starlette's test client's address


def test_the_sign_in_page_says_how_long_to_wait(store: Store, monkeypatch) -> None:
    monkeypatch.setenv("BXGC_DB", str(store.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["wait"] = "8"
    at.run()
    at.switch_page("pages/signin.py").run()
    assert not at.exception
    assert any("8 秒" in w.value for w in at.warning), [w.value for w in at.warning]
    for odd in ("²", "-3", "99999", "abc"):  # nothing to say, and no traceback
        at.query_params["wait"] = odd
        at.run()
        assert not at.exception and not at.warning, odd


# --- the audit log, all of it -------------------------------------------------------------


@pytest.fixture
def long_log(store: Store) -> Store:
    """More than 100,000 audit rows (written directly: the store writes one per event)."""
    statement = (
        "INSERT INTO audit_log (who, action, target) "
        "SELECT 'bulk', 'probe', CAST(n AS VARCHAR) FROM generate_series(0, 100004) AS t(n)"
    )
    if store.dsn is None:
        with duckdb.connect(str(store.path)) as con:
            con.execute(statement)
    else:
        with psycopg.connect(store.dsn) as con:
            con.execute(statement)
    return store


def test_the_audit_log_is_read_whole_and_by_page(long_log: Store) -> None:
    total = long_log.audit_count()
    assert total > 100_005
    assert len(long_log.audit_log()) == total
    last = long_log.audit_log(limit=500, offset=total - 500)
    assert len(last) == 500 and last["id"].min() == long_log.audit_log()["id"].min()
    assert long_log.audit_count(action="probe") == 100_005
    with pytest.raises(Exception, match="admin"):
        Store(long_log.path, actor=Actor("li", "analyst")).audit_count()


def test_the_admin_page_pages_through_every_row(long_log: Store, monkeypatch) -> None:
    monkeypatch.setenv("BXGC_DB", str(long_log.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[SESSION_KEY] = ADMIN
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    total = long_log.audit_count()
    pages = -(-total // web_page_size())
    picker = at.number_input(key="adm_audit_page")
    assert picker.max == pages
    picker.set_value(pages).run()
    shown = next(d.value for d in at.dataframe if "id" in d.value.columns)
    assert shown["id"].min() == long_log.audit_log()["id"].min()  # the oldest row is reachable
    assert any(f"{total:,}" in c.value for c in at.caption)


def web_page_size() -> int:
    from bxgc_ui.views import admin

    return admin.AUDIT_PAGE
