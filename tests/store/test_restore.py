"""Restoring a backup moves forward: the data version and every id only grow, the audit
log keeps every row it had plus one for the restore, and every sign-in session ends.

A dashboard caches reads by database path and data version (``bxgc_ui/data.py``), so a
version that went back to a number it had before would serve the state cached then.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bxgc_metrics.access import operator
from bxgc_metrics.store import LATEST, Store, backups, restore
from tests import damage
from tests.conftest import ROOT, admin_store, old_schema

PASSWORD = "pw-restore-2026"


def _sequences(db: Path) -> dict[str, int]:
    """Each sequence's last value handed out (0 when none was)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT sequence_name, COALESCE(last_value, start_value - 1) FROM duckdb_sequences()"
        ).fetchall()
    return {str(name): int(value) for name, value in rows}


def _max_ids(db: Path) -> dict[str, int]:
    """The largest id in each table that takes its ids from a sequence."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: int(con.execute(sql).fetchone()[0])  # type: ignore[index]
            for t, sql in _MAX_ID.items()
        }


_MAX_ID = {
    "batches": "SELECT COALESCE(max(id), 0) FROM batches",
    "audit_log": "SELECT COALESCE(max(id), 0) FROM audit_log",
    "gaps": "SELECT COALESCE(max(id), 0) FROM gaps",
    "benchmark_pairs": "SELECT COALESCE(max(id), 0) FROM benchmark_pairs",
    "phases": "SELECT COALESCE(max(id), 0) FROM phases",
    "milestones": "SELECT COALESCE(max(id), 0) FROM milestones",
}
"""The largest id of each table that takes its ids from a sequence, one constant query each."""


def _one_figure(store: Store, value: float, name: str) -> int:
    frame = store.observations(unit="JD01", indicator="FAI").head(1).assign(value=value)
    batch = store.write_observations(frame, file_name=name).batch_id
    assert batch is not None
    return batch


def _busy_history(store: Store) -> None:
    """After the first backup: another import, settings, a gap, a user and a wall link."""
    _one_figure(store, 2.0, "second.csv")
    store.save_setting("composite_weights", {"FAI": 2})
    gaps = store.table("gaps")
    store.replace_table("gaps", pd.concat([gaps, gaps.head(1)], ignore_index=True))
    pairs = store.table("benchmark_pairs")
    store.replace_table("benchmark_pairs", pd.concat([pairs, pairs.head(1)], ignore_index=True))
    store.create_user("li", PASSWORD, "analyst")
    store.create_wall_token("三楼会议室")


@pytest.fixture
def history(demo_db: Path) -> Path:
    """The demo database with one import backed up first (the backup restored below), and
    then more changes."""
    store = admin_store(demo_db)
    _one_figure(store, 1.0, "first.csv")
    assert len(backups(demo_db)) == 1
    _busy_history(store)
    return demo_db


def _oldest(db: Path) -> Path:
    return backups(db)[-1]


def test_the_data_version_and_every_id_move_forward_across_a_restore(history: Path) -> None:
    version, sequences, ids = Store(history).data_version(), _sequences(history), _max_ids(history)
    restore(history, _oldest(history), operator())

    assert Store(history).data_version() > version
    after = _sequences(history)
    for name, last in sequences.items():
        assert after[name] >= last, name  # the next id handed out is above every old one
    store = admin_store(history)
    assert _one_figure(store, 3.0, "after.csv") > ids["batches"]
    store.replace_table("gaps", store.table("gaps").head(1))
    store.replace_table("benchmark_pairs", store.table("benchmark_pairs").head(1))
    new = _max_ids(history)
    for table in ("batches", "audit_log", "gaps", "benchmark_pairs"):
        assert new[table] > ids[table], table
    assert Store(history).data_version() > version


def test_the_audit_log_keeps_every_row_and_gains_the_restore(history: Path) -> None:
    before = admin_store(history).audit_log()
    backup = _oldest(history)
    restore(history, backup, operator())
    after = admin_store(history).audit_log()

    assert len(after) == len(before) + 1
    kept = after.merge(before, how="inner", on=list(before.columns))
    assert len(kept) == len(before)  # every row, unchanged, with its id
    newest = after.iloc[0]
    assert newest["action"] == "restore" and newest["id"] > before["id"].max()
    assert newest["who"] == operator().name and newest["target"] == backup.name


def test_the_restore_row_says_what_was_restored_from_which_backup(history: Path) -> None:
    version = Store(history).data_version()
    dropped = admin_store(history).batches()["id"].max()
    backup = _oldest(history)
    done = restore(history, backup, operator())
    row = admin_store(history).audit_log(action="restore").iloc[0]
    detail = json.loads(row["after_json"])
    assert detail["backup"] == backup.name
    assert detail["replaced_version"] == version
    assert detail["data_version"] == Store(history).data_version() > version
    assert dropped in detail["batches_not_restored"]
    assert detail["kept_as"] == done.kept.name and done.kept.exists()
    assert detail["audit_rows_carried"] == done.carried > 0
    assert detail["sessions_ended"] == done.sessions_ended


def test_a_restore_ends_every_session(demo_db: Path) -> None:
    store = admin_store(demo_db)
    store.create_user("li", PASSWORD, "analyst")
    early = store.open_session("li", PASSWORD, hours=8)
    ended = store.open_session("li", PASSWORD, hours=8)
    assert early and ended
    _one_figure(store, 1.0, "first.csv")  # the backup holds both sessions, live
    late = store.open_session("li", PASSWORD, hours=8)
    assert late
    store.end_session(ended[1])  # signed out after the backup was taken

    done = restore(demo_db, backups(demo_db)[0], operator())  # the import's backup
    for _actor, token in (early, ended, late):
        assert Store(demo_db).session_actor(token) is None
    assert done.sessions_ended == 2  # the two the backup held as live
    with duckdb.connect(str(demo_db), read_only=True) as con:
        open_ = con.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone()
        reasons = con.execute("SELECT DISTINCT end_reason FROM sessions").fetchall()
    assert open_ == (0,)
    assert ("restore",) in reasons


def test_a_corrupt_file_is_restored_with_a_higher_version_all_the_same(history: Path) -> None:
    """The replaced file cannot be read: the version still moves past any it had, and
    ids past every backup's (what the unreadable file alone held cannot be known)."""
    version = Store(history).data_version()
    newest = backups(history)[0]
    in_backups = max(_max_ids(b)["batches"] for b in backups(history))
    damage.truncate(0.5)(history)
    done = restore(history, _oldest(history), operator())

    assert not done.replaced_readable and done.carried == 0
    assert Store(history).data_version() > version
    assert _one_figure(admin_store(history), 5.0, "after.csv") > in_backups
    row = admin_store(history).audit_log(action="restore").iloc[0]
    detail = json.loads(row["after_json"])
    assert detail["replaced_readable"] is False and detail["replaced_version"] is None
    assert newest.exists() and done.kept.stat().st_size > 0  # the damaged file is kept


def test_restoring_twice_and_importing_between_only_moves_forward(history: Path) -> None:
    """Versions read after each step (what a dashboard would cache by) strictly increase."""
    seen = [Store(history).data_version()]
    store = admin_store(history)
    for step in range(3):
        restore(history, _oldest(history), operator())
        seen.append(Store(history).data_version())
        _one_figure(store, 10.0 + step, f"again-{step}.csv")
        seen.append(Store(history).data_version())
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    log = admin_store(history).audit_log()
    assert log["id"].is_unique and (log["action"] == "restore").sum() == 3


def test_a_dashboard_cache_keyed_by_version_never_serves_the_replaced_state(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bxgc_ui import data

    monkeypatch.setenv("BXGC_DB", str(history))
    path = str(history)
    store = admin_store(history)
    store.upsert_units(pd.DataFrame({"code": ["NEW1"], "name_zh": ["新设街道"], "kind": ["街道"]}))
    seen = data.version()
    assert "NEW1" in set(data.units(path, seen)["code"])  # cached under this version

    restore(history, _oldest(history), operator())  # a backup from before NEW1
    now = data.version()
    assert now > seen
    assert "NEW1" not in set(data.units(path, now)["code"])


def test_the_command_line_restore_reports_the_ended_sessions(history: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bxgc_metrics", "restore", "--latest", "--db", str(history)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "重新登录" in out.stdout and "sign in again" in out.stdout
    assert admin_store(history).audit_log().iloc[0]["who"].startswith("cli:")


def test_a_backup_from_before_sessions_could_end_by_restore_is_upgraded_first(
    demo_db: Path,
) -> None:
    """Backups taken by the previous release (schema 6) are upgraded in the copy: their
    live sessions end with the reason ``restore`` like any other."""
    backup = demo_db.parent / "backups" / f"{demo_db.stem}-20261101-090000-000000-import.duckdb"
    backup.parent.mkdir()
    with old_schema(backup, 6, data_version=3) as con:
        con.execute(
            "INSERT INTO sessions VALUES ('h', 'li', TIMESTAMP '2026-11-01 08:00', "
            "TIMESTAMP '2099-01-01', NULL, NULL)"
        )
    done = restore(demo_db, backup, operator())
    assert done.sessions_ended == 1
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert con.execute("SELECT end_reason FROM sessions").fetchall() == [("restore",)]
    assert Store(demo_db).schema_version() == LATEST


PINGER = """
import sys
from pathlib import Path
from bxgc_metrics.access import Actor
from bxgc_metrics.store import Store
store, stop, i = Store(sys.argv[1], actor=Actor("pinger", "viewer")), Path(sys.argv[2]), 0
while not stop.exists():
    store.append_audit("ping", str(i))
    print(i, flush=True)
    i += 1
"""


def test_a_restore_beside_a_process_writing_the_log_loses_none_of_its_rows(history: Path) -> None:
    """Every row another process wrote, before, during or after the restore, is in the log."""
    stop = history.with_name("stop")
    pinger = subprocess.Popen(
        [sys.executable, "-c", PINGER, str(history), str(stop)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert pinger.stdout is not None
    seen = [-1]
    try:
        while seen[-1] < 20:  # it is writing
            seen.append(int(pinger.stdout.readline() or -1))
            assert pinger.poll() is None
        out = subprocess.run(
            [sys.executable, "-m", "bxgc_metrics", "restore", "--latest", "--db", str(history)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        for _ in range(20):  # and it writes on, into the restored file
            seen.append(int(pinger.stdout.readline() or -1))
    finally:
        stop.touch()
        rest, err = pinger.communicate(timeout=120)
    assert pinger.returncode == 0, err
    written = max(seen + [int(n) for n in rest.split()])
    pings = admin_store(history).audit_log(action="ping")["target"].astype(int)
    assert sorted(pings) == list(range(written + 1))
    assert admin_store(history).audit_log(action="restore").shape[0] == 1
