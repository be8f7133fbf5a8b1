"""Sign-in sessions in the store: created after a verified password, kept only as a hash,
resolved on every page run against the account's current role, ended by signing out,
by expiry or by disabling the account; each of these is in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from bxgc_metrics import cli
from bxgc_metrics.access import Actor, token_hash
from bxgc_metrics.store import LATEST, Store
from tests.conftest import stored

pytestmark = pytest.mark.usefixtures("backend")

T0 = dt.datetime(2026, 11, 2, 9, 0)


@pytest.fixture
def store(empty_store: Store) -> Store:
    """An empty database with the analyst ``li`` (an admin writes)."""
    empty_store.create_user("li", "pw-li-123", "analyst")
    return empty_store


def _actions(store: Store) -> list[str]:
    return store.audit_log()["action"].tolist()[::-1]  # oldest first


def test_the_schema_has_a_sessions_table(store: Store) -> None:
    assert LATEST >= 6 and store.schema_version() == LATEST
    listed = "SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions'"
    columns = {r[0] for r in stored(store, listed)}
    assert {"token_hash", "username", "created_at", "expires_at", "ended_at"} <= columns


def test_a_right_password_opens_a_session_that_resolves_to_the_account(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=8, now=T0)
    assert opened is not None
    actor, token = opened
    assert actor == Actor("li", "analyst")
    assert len(token) >= 32
    assert store.session_actor(token, now=T0 + dt.timedelta(hours=7, minutes=59)) == actor
    assert store.session_actor(token + "x", now=T0) is None
    assert store.session_actor("", now=T0) is None
    assert _actions(store)[-1] == "sign_in"


def test_a_wrong_password_or_unknown_user_opens_nothing_and_is_logged(store: Store) -> None:
    assert store.open_session("li", "wrong", hours=8, now=T0) is None
    assert store.open_session("nobody", "pw-li-123", hours=8, now=T0) is None
    assert stored(store, "SELECT count(*) FROM sessions")[0][0] == 0
    assert _actions(store)[-2:] == ["sign_in_failed", "sign_in_failed"]


def test_only_the_tokens_hash_is_stored(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=8, now=T0)
    assert opened is not None
    token = opened[1]
    rows = stored(store, "SELECT * FROM sessions")
    audit = stored(store, "SELECT * FROM audit_log")
    assert len(rows) == 1
    assert token_hash(token) in rows[0]
    assert token not in repr(rows) and token not in repr(audit)
    assert "pw-li-123" not in repr(rows) and "pw-li-123" not in repr(audit)


def test_a_session_expires_after_its_hours_and_the_expiry_is_logged_once(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=2, now=T0)
    assert opened is not None
    token = opened[1]
    assert store.session_actor(token, now=T0 + dt.timedelta(hours=1, minutes=59)) is not None
    later = T0 + dt.timedelta(hours=2, seconds=1)
    assert store.session_actor(token, now=later) is None
    assert store.session_actor(token, now=later) is None
    assert _actions(store).count("session_expired") == 1
    # Expired for good: a clock set back does not bring it back.
    assert store.session_actor(token, now=T0) is None


def test_signing_out_ends_the_session_and_is_logged(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=8, now=T0)
    assert opened is not None
    token = opened[1]
    assert store.end_session(token) is True
    assert store.session_actor(token, now=T0) is None
    assert store.end_session(token) is False  # already ended: nothing more to log
    assert store.end_session("not-a-token") is False
    log = store.audit_log()
    assert log["action"].tolist().count("sign_out") == 1
    assert log.iloc[0]["who"] == "li"


def test_two_sessions_of_one_account_are_independent(store: Store) -> None:
    first = store.open_session("li", "pw-li-123", hours=8, now=T0)
    second = store.open_session("li", "pw-li-123", hours=8, now=T0)
    assert first is not None and second is not None and first[1] != second[1]
    store.end_session(first[1])
    assert store.session_actor(first[1], now=T0) is None
    assert store.session_actor(second[1], now=T0) == Actor("li", "analyst")


def test_a_demoted_account_acts_with_its_new_role_at_once(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=8, now=T0)
    assert opened is not None
    store.update_user("li", role="viewer")
    assert store.session_actor(opened[1], now=T0) == Actor("li", "viewer")
    store.update_user("li", role="admin")
    assert store.session_actor(opened[1], now=T0) == Actor("li", "admin")


def test_disabling_an_account_ends_its_sessions(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=8, now=T0)
    assert opened is not None
    store.update_user("li", disabled=True)
    assert store.session_actor(opened[1], now=T0) is None
    store.update_user("li", disabled=False)  # enabling again does not revive it
    assert store.session_actor(opened[1], now=T0) is None
    assert '"sessions_ended": 1' in store.audit_log(action="user_update").iloc[1]["after_json"]


def test_the_command_line_disable_ends_the_users_sessions(store: Store) -> None:
    opened = store.open_session("li", "pw-li-123", hours=8)
    assert opened is not None
    assert store.session_actor(opened[1]) is not None
    assert cli.main(["user", "set", "li", "--disable", "--db", str(store.path)]) == 0
    assert store.session_actor(opened[1]) is None


def test_a_disabled_account_cannot_open_a_session(store: Store) -> None:
    store.update_user("li", disabled=True)
    assert store.open_session("li", "pw-li-123", hours=8, now=T0) is None


def test_session_hours_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError):
        store.open_session("li", "pw-li-123", hours=0, now=T0)
