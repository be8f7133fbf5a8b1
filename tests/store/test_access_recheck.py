"""Every write re-reads the account in the store: a session opened before an account was
disabled or demoted cannot keep writing.

A store's actor comes from a sign-in (its name is an account in ``users``) or is the
machine's operator (``operator=True``: the command line, the demo loader, scripts and
tests that open the file directly). For an account, each write reads its current role and
disabled flag from ``users`` on the connection that writes, before anything is copied or
changed; the role the actor was created with does not count. The operator keeps the role
it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from bxgc_metrics import access
from bxgc_metrics.access import Actor
from bxgc_metrics.errors import PermissionDeniedError
from bxgc_metrics.store import Store
from tests.conftest import admin_store

pytestmark = pytest.mark.usefixtures("backend")

OBS = pd.DataFrame(
    {
        "unit_code": ["JD01"],
        "indicator_code": ["FAI"],
        "freq": ["M"],
        "year": [2026],
        "sub": [10],
        "value_kind": ["actual"],
        "value": [123.0],
        "cumulative": [True],
    }
)

ANALYST_WRITES: dict[str, Callable[[Store], object]] = {
    "write_observations": lambda s: s.write_observations(OBS, file_name="late.csv"),
    "replace_table": lambda s: s.replace_table("gaps", s.table("gaps")),
    "save_profile": lambda s: s.save_profile("p", {"units": {}}),
}
ADMIN_WRITES: dict[str, Callable[[Store], object]] = {
    "upsert_units": lambda s: s.upsert_units(s.units().head(1)),
    "save_setting": lambda s: s.save_setting("composite_weights", {"FAI": 2.0}),
    "create_wall_token": lambda s: s.create_wall_token("room"),
    "create_user": lambda s: s.create_user("zhang", "pw-zhang-1", "viewer"),
}


@pytest.fixture
def signed_in(demo_db: Path) -> Callable[[str, str], Store]:
    """A store acting for an account as a sign-in resolves it (role as of signing in)."""

    def open_as(username: str, role: str) -> Store:
        admin_store(demo_db).create_user(username, f"pw-{username}-1", role)
        opened = Store(demo_db).open_session(username, f"pw-{username}-1", hours=8)
        assert opened is not None
        assert opened[0] == Actor(username, role)
        return Store(demo_db, actor=opened[0])

    return open_as


def _unchanged(store: Store, write: Callable[[Store], object]) -> None:
    """``write`` is refused by the store and leaves the file and its backups as they were."""
    version, kept = store.data_version(), len(list(store.backup_dir().glob("*")))
    with pytest.raises(PermissionDeniedError):
        write(store)
    assert store.data_version() == version
    assert len(list(store.backup_dir().glob("*"))) == kept  # no backup taken for a refusal


@pytest.mark.parametrize("write", list(ANALYST_WRITES), ids=list(ANALYST_WRITES))
def test_a_disabled_analyst_with_an_open_session_is_refused(
    signed_in: Callable[[str, str], Store], write: str
) -> None:
    store = signed_in("li", "analyst")
    ANALYST_WRITES[write](store)  # allowed while the account is enabled
    admin_store(store.path).update_user("li", disabled=True)
    _unchanged(store, ANALYST_WRITES[write])


@pytest.mark.parametrize("write", list(ADMIN_WRITES), ids=list(ADMIN_WRITES))
def test_a_demoted_admin_is_refused_admin_writes(
    signed_in: Callable[[str, str], Store], write: str
) -> None:
    store = signed_in("wang", "admin")
    admin_store(store.path).update_user("wang", role="analyst")
    _unchanged(store, ADMIN_WRITES[write])
    ANALYST_WRITES["replace_table"](store)  # what an analyst may do still works


def test_a_demoted_analyst_may_no_longer_import(signed_in: Callable[[str, str], Store]) -> None:
    store = signed_in("li", "analyst")
    admin_store(store.path).update_user("li", role="viewer")
    _unchanged(store, ANALYST_WRITES["write_observations"])


def test_the_current_role_counts_not_the_one_signed_in_with(
    signed_in: Callable[[str, str], Store],
) -> None:
    store = signed_in("li", "analyst")
    admin_store(store.path).update_user("li", role="admin")
    store.save_setting("composite_weights", {"FAI": 3.0})  # promoted: allowed at once
    log = admin_store(store.path).audit_log(action="setting")
    assert log["who"].iloc[0] == "li"


def test_an_actor_that_is_neither_an_account_nor_the_operator_writes_nothing(
    demo_db: Path,
) -> None:
    for write in (*ANALYST_WRITES.values(), *ADMIN_WRITES.values()):
        _unchanged(Store(demo_db, actor=Actor("ghost", "admin")), write)


def test_the_operator_keeps_the_role_it_was_given(demo_db: Path) -> None:
    cli = access.operator()
    assert cli.operator and cli.name.startswith("cli:") and cli.role == "admin"
    assert access.SYSTEM.operator
    store = Store(demo_db, actor=cli)
    for write in (*ANALYST_WRITES.values(), *ADMIN_WRITES.values()):
        write(store)
    assert admin_store(demo_db).audit_log(action="setting")["who"].iloc[0] == cli.name
    with pytest.raises(PermissionDeniedError):  # an operator viewer is still a viewer
        Store(demo_db, actor=Actor("script", "viewer", operator=True)).save_profile("p", {})


def test_an_operator_named_like_an_account_is_still_the_operator(demo_db: Path) -> None:
    admin_store(demo_db).create_user("li", "pw-li-1", "viewer")
    Store(demo_db, actor=Actor("li", "analyst", operator=True)).save_profile("p", {})
    with pytest.raises(PermissionDeniedError):
        Store(demo_db, actor=Actor("li", "analyst")).save_profile("p", {})
