"""Access and audit: roles checked in the store, an append-only audit log, accounts, tokens."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pandas as pd
import pytest

from bxgc_metrics import store as store_package
from bxgc_metrics.access import VIEWER, Actor
from bxgc_metrics.errors import PermissionDeniedError
from bxgc_metrics.metrics.quality import load_default_quality_rules
from bxgc_metrics.metrics.rewards import load_default_rules
from bxgc_metrics.store import Event, Store
from tests.conftest import ADMIN, ROOT

ANALYST = Actor("li", "analyst", operator=True)

STORE_MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.iter_modules(store_package.__path__, "bxgc_metrics.store.")
]
"""Every part of the store package, where its SQL constants live."""

OBS = pd.DataFrame(
    {
        "unit_code": ["JD01"],
        "indicator_code": ["FAI"],
        "freq": ["M"],
        "year": [2026],
        "sub": [10],
        "value_kind": ["actual"],
        "value": [1.0],
        "cumulative": [True],
    }
)

# Every write the store offers, called with harmless arguments.
WRITES = {
    "upsert_units": lambda s: s.upsert_units(s.units().head(1)),
    "upsert_indicators": lambda s: s.upsert_indicators(s.indicators().head(1)),
    "replace_table": lambda s: s.replace_table("gaps", s.table("gaps")),
    "save_reward_rules": lambda s: s.save_reward_rules(load_default_rules()),
    "save_setting": lambda s: s.save_setting("composite_weights", {"FAI": 2.0}),
    "write_observations": lambda s: s.write_observations(OBS, file_name="x.csv"),
    "undo_batch": lambda s: s.undo_batch(1),
    "save_profile": lambda s: s.save_profile("p", {"units": {}}),
    "create_user": lambda s: s.create_user("zhang", "pw-123456", "analyst"),
    "update_user": lambda s: s.update_user("admin", disabled=True),
    "create_wall_token": lambda s: s.create_wall_token("room"),
    "revoke_wall_token": lambda s: s.revoke_wall_token("abc"),
    "save_events": lambda s: s.save_events(added=[Event(dt.date(2026, 3, 1), "政策出台")]),
    "review_flag": lambda s: s.review_flag("revision:JD01:FAI:M:2026:10", "已核实"),
    "reopen_flag": lambda s: s.reopen_flag("revision:JD01:FAI:M:2026:10"),
    "save_quality_rules": lambda s: s.save_quality_rules(load_default_quality_rules()),
}
NEEDS_ADMIN = {
    "upsert_units",
    "upsert_indicators",
    "save_reward_rules",
    "save_setting",
    "create_user",
    "update_user",
    "create_wall_token",
    "revoke_wall_token",
    "save_quality_rules",
}


def test_every_store_method_that_writes_checks_the_role() -> None:
    """A write method is one that opens a transaction; each must go through ``_write``."""
    writers = set()
    for name, method in inspect.getmembers(Store, inspect.isfunction):
        source = inspect.getsource(method)
        if "self._transaction(" in source and name not in ("_write", "_transaction"):
            writers.add(name)
    # Only these open a transaction without a role: the append-only audit entry (sign-ins,
    # restores), the first-start admin, which acts only when no admin exists, a sign-in
    # attempt, counted before its password is checked and recorded (with its session, only
    # after the password is checked) when it ends, and ending a session, which needs its
    # token (signing out) or finds it expired.
    assert writers == {
        "append_audit",
        "bootstrap_admin",
        "_begin_attempt",
        "_end_attempt",
        "_end_session",
    }
    guarded = {
        name
        for name, method in inspect.getmembers(Store, inspect.isfunction)
        if "self._write(" in inspect.getsource(method) and name != "_transaction"
    }
    assert guarded == set(WRITES)


@pytest.mark.parametrize("method", sorted(WRITES))
def test_a_viewer_cannot_write_and_the_file_is_untouched(method: str, demo_db: Path) -> None:
    viewer = Store(demo_db)  # the default actor is an anonymous viewer
    assert viewer.actor == VIEWER
    version, log = viewer.data_version(), len(Store(demo_db, actor=ADMIN).audit_log())
    with pytest.raises(PermissionDeniedError) as caught:
        WRITES[method](viewer)
    assert "viewer" in caught.value.en and "查看者" in caught.value.zh
    assert viewer.data_version() == version
    assert len(Store(demo_db, actor=ADMIN).audit_log()) == log


@pytest.mark.parametrize("method", sorted(NEEDS_ADMIN))
def test_an_analyst_cannot_change_settings_users_or_rules(method: str, demo_db: Path) -> None:
    with pytest.raises(PermissionDeniedError):
        WRITES[method](Store(demo_db, actor=ANALYST))


def test_an_analyst_imports_undoes_and_edits_gaps_and_each_is_audited(demo_db: Path) -> None:
    store = Store(demo_db, actor=ANALYST)
    batch = store.write_observations(OBS.assign(value=123.0), file_name="late.csv").batch_id
    store.undo_batch(batch)
    store.replace_table("gaps", store.table("gaps").head(2))
    store.save_profile("p", {"units": {"东城": "JD01"}})
    log = Store(demo_db, actor=ADMIN).audit_log()
    mine = log[log["who"] == "li"]
    assert mine["action"].tolist() == ["profile", "gaps", "undo", "import"]
    imported = json.loads(mine.iloc[-1]["after_json"])
    assert imported["batch"] == batch and imported["new"] + imported["changed"] == 1
    assert store.batches().iloc[0]["who"] == "li"


def test_settings_and_rules_changes_keep_before_and_after(demo_db: Path) -> None:
    store = Store(demo_db, actor=ADMIN)
    store.save_setting("composite_weights", {"FAI": 1.0})
    store.save_setting("composite_weights", {"FAI": 3.0})
    rules = load_default_rules()
    store.save_reward_rules(rules)
    changed = rules.assign(amount_yuan=rules["amount_yuan"] * 2)
    store.save_reward_rules(changed)
    log = store.audit_log()
    setting = log[log["action"] == "setting"].iloc[0]
    assert json.loads(setting["before_json"]) == {"FAI": 1.0}
    assert json.loads(setting["after_json"]) == {"FAI": 3.0}
    rule = log[log["action"] == "reward_rules"].iloc[0]
    before, after = json.loads(rule["before_json"]), json.loads(rule["after_json"])
    before, after = (pd.DataFrame(x).set_index("rule_id")["amount_yuan"] for x in (before, after))
    assert (before * 2).fillna(-1).to_dict() == after.fillna(-1).to_dict()
    assert (setting["who"], rule["who"]) == ("test-admin", "test-admin")


def test_only_admins_read_the_audit_log(demo_db: Path) -> None:
    with pytest.raises(PermissionDeniedError):
        Store(demo_db, actor=ANALYST).audit_log()


def test_nothing_in_the_code_updates_or_deletes_the_audit_log() -> None:
    constants = [
        value
        for module in STORE_MODULES
        for name, value in vars(module).items()
        if name.startswith("_") and isinstance(value, str)
    ]
    touching = [sql for sql in constants if "audit_log" in sql]
    assert touching and all(
        re.match(r"\s*(INSERT INTO|SELECT)\b", sql, re.IGNORECASE) for sql in touching
    )
    for path in [*ROOT.glob("bxgc_metrics/**/*.py"), *ROOT.glob("bxgc_ui/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(UPDATE|DELETE FROM|DROP TABLE|TRUNCATE)\s+audit_log", text, re.I)


def test_accounts_sign_in_with_argon2_hashes_and_sign_ins_are_logged(empty_store: Store) -> None:
    assert empty_store.bootstrap_admin("first-secret")
    assert not empty_store.bootstrap_admin("again")  # only while no admin exists
    assert empty_store.sign_in("admin", "first-secret") == Actor("admin", "admin")
    assert empty_store.sign_in("admin", "wrong") is None
    empty_store.create_user("wang", "pw-wang-1", "analyst")
    assert empty_store.sign_in("wang", "pw-wang-1") == Actor("wang", "analyst")
    empty_store.update_user("wang", disabled=True)
    assert empty_store.sign_in("wang", "pw-wang-1") is None
    users = empty_store.users()
    assert "password_hash" not in users.columns
    log = empty_store.audit_log()
    assert log["action"].value_counts()[["sign_in", "sign_in_failed"]].tolist() == [2, 2]
    assert "first-secret" not in log.to_string() and "pw-wang-1" not in log.to_string()


def test_stored_passwords_are_argon2_hashes(empty_store: Store) -> None:
    import duckdb

    empty_store.create_user("zhao", "plain-text-pw", "viewer")
    with duckdb.connect(str(empty_store.path), read_only=True) as con:
        digest = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert digest.startswith("$argon2id$") and "plain-text-pw" not in digest


def test_wall_tokens_are_stored_hashed_and_can_be_revoked(demo_store: Store) -> None:
    token = demo_store.create_wall_token("三楼会议室")
    assert demo_store.wall_token_label(token) == "三楼会议室"
    assert demo_store.wall_token_label(token + "x") is None
    listed = demo_store.wall_tokens()
    assert token not in listed.to_string()
    demo_store.revoke_wall_token(listed.iloc[0]["id"])
    assert demo_store.wall_token_label(token) is None
