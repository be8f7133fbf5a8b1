"""Backups: taken before real changes only, kept by age as well as count, taken before
settings and account changes too (the first in a while), and never left half-written."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bxgc_metrics.store import Store, backups, engine
from tests.conftest import ROOT, admin_store
from tests.store.test_faults import BIG_IMPORT


@pytest.fixture(autouse=True)
def defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BXGC_BACKUPS_KEEP", "BXGC_BACKUPS_DAYS", "BXGC_BACKUPS_EDIT_MINUTES"):
        monkeypatch.delenv(name, raising=False)


def _figure(store: Store) -> pd.DataFrame:
    return store.observations(unit="JD01", indicator="FAI").head(1)


def _fake_backup(db: Path, when: dt.datetime, label: str = "import") -> Path:
    """A file named as a backup taken at ``when`` (its contents do not matter to pruning)."""
    folder = db.parent / "backups"
    folder.mkdir(exist_ok=True)
    path = folder / f"{db.stem}-{when:%Y%m%d-%H%M%S-%f}-{label}.duckdb"
    path.write_bytes(b"old backup")
    return path


def test_an_import_that_changes_nothing_takes_no_backup(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_BACKUPS_KEEP", "2")
    store = admin_store(demo_db)
    frame = _figure(store)
    for value in (1.0, 2.0):
        store.write_observations(frame.assign(value=value), file_name=f"{value}.csv")
    kept = backups(demo_db)
    assert len(kept) == 2
    for _ in range(3):  # the same file again: nothing to write, nothing to back up
        result = store.write_observations(frame.assign(value=2.0), file_name="2.0.csv")
        assert result.batch_id is None
    assert backups(demo_db) == kept


def test_an_undo_that_is_refused_takes_no_backup(demo_db: Path) -> None:
    store = admin_store(demo_db)
    batch = store.write_observations(_figure(store).assign(value=7.0), file_name="7.csv")
    store.undo_batch(int(batch.batch_id or 0))
    kept = backups(demo_db)
    with pytest.raises(Exception, match="already undone"):
        store.undo_batch(int(batch.batch_id or 0))
    assert backups(demo_db) == kept


def test_backups_are_kept_by_day_as_well_as_by_count(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_BACKUPS_KEEP", "3")
    monkeypatch.setenv("BXGC_BACKUPS_DAYS", "7")
    now = dt.datetime.now().replace(microsecond=0)
    today = now.replace(hour=0, minute=0, second=1)
    days = {d: today - dt.timedelta(days=d) for d in (1, 3, 6, 7, 30)}
    first_yesterday = _fake_backup(demo_db, days[1])
    later_yesterday = _fake_backup(demo_db, days[1] + dt.timedelta(hours=5))
    three_days = _fake_backup(demo_db, days[3])
    six_days = _fake_backup(demo_db, days[6])
    seven_days = _fake_backup(demo_db, days[7])  # outside the last seven days
    month = _fake_backup(demo_db, days[30])
    first_today = _fake_backup(demo_db, today)
    store = admin_store(demo_db)
    for value in (1.0, 2.0, 3.0):
        store.write_observations(_figure(store).assign(value=value), file_name=f"{value}.csv")

    kept = backups(demo_db)
    assert len([p for p in kept if p.stat().st_size > len(b"old backup")]) == 3  # the newest 3
    assert {first_today, first_yesterday, three_days, six_days} <= set(kept)
    assert not ({later_yesterday, seven_days, month} & set(kept))
    assert len(kept) == 3 + 4


def test_backups_are_pruned_by_count_alone_when_days_are_off(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_BACKUPS_KEEP", "2")
    monkeypatch.setenv("BXGC_BACKUPS_DAYS", "0")
    _fake_backup(demo_db, dt.datetime.now() - dt.timedelta(days=2))
    store = admin_store(demo_db)
    for value in (1.0, 2.0, 3.0):
        store.write_observations(_figure(store).assign(value=value), file_name=f"{value}.csv")
    assert len(backups(demo_db)) == 2


def _setting_in(backup: Path) -> object:
    with duckdb.connect(str(backup), read_only=True) as con:
        row = con.execute("SELECT value_json FROM settings WHERE key = 'weights'").fetchone()
    return None if row is None else row[0]


def test_settings_and_account_changes_are_backed_up_before_the_first_in_a_while(
    demo_db: Path,
) -> None:
    store = admin_store(demo_db)
    assert not backups(demo_db)
    store.save_setting("weights", {"FAI": 1})
    first = backups(demo_db)
    assert len(first) == 1 and first[0].name.endswith("-settings.duckdb")
    assert _setting_in(first[0]) is None  # the state before the change

    store.save_setting("weights", {"FAI": 2})  # the next clicks: no backup each
    store.create_user("li", "pw-li-2026", "analyst")
    store.update_user("li", role="viewer")
    store.replace_table("gaps", store.table("gaps").head(2))
    store.create_wall_token("三楼")
    assert backups(demo_db) == first


def test_a_change_after_a_quiet_while_is_backed_up_again(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_BACKUPS_EDIT_MINUTES", "30")
    _fake_backup(demo_db, dt.datetime.now() - dt.timedelta(minutes=31), "settings")
    store = admin_store(demo_db)
    store.create_user("li", "pw-li-2026", "analyst")
    newest = backups(demo_db)[0]
    assert len(backups(demo_db)) == 2 and newest.name.endswith("-users.duckdb")
    with duckdb.connect(str(newest), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM users WHERE username = 'li'").fetchone() == (0,)


def test_every_edit_is_backed_up_when_the_interval_is_zero(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_BACKUPS_EDIT_MINUTES", "0")
    store = admin_store(demo_db)
    store.save_setting("weights", {"FAI": 1})
    store.save_setting("weights", {"FAI": 2})
    assert len(backups(demo_db)) == 2


def test_orphan_partial_files_are_removed_by_the_next_backup(demo_db: Path) -> None:
    folder = demo_db.parent / "backups"
    folder.mkdir()
    orphans = [
        folder / f"{demo_db.stem}-20261101-101010-000001-import.partial",
        folder / f"{demo_db.stem}-20261101-101010-000001-import.partial.wal",
    ]
    other = folder / "other-20261101-101010-000001-import.partial"  # another database's
    for path in (*orphans, other):
        path.write_bytes(b"half a copy")
    store = admin_store(demo_db)
    store.write_observations(_figure(store).assign(value=4.0), file_name="4.csv")
    assert not any(p.exists() for p in orphans)
    assert other.exists()
    assert len(backups(demo_db)) == 1


def test_a_backup_killed_half_way_leaves_a_partial_that_the_next_one_removes(
    demo_db: Path,
) -> None:
    """kill -9 while the copy is being written: the next backup cleans up after it."""
    folder = demo_db.parent / "backups"
    pristine = demo_db.with_name("pristine.duckdb")
    shutil.copy(demo_db, pristine)
    caught = False
    for _attempt in range(8):
        shutil.copy(pristine, demo_db)  # an unkilled attempt imported: start again
        shutil.rmtree(folder, ignore_errors=True)
        proc = subprocess.Popen(
            [sys.executable, "-c", BIG_IMPORT, str(demo_db), "200000"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if folder.is_dir() and any(n.endswith(".partial") for n in os.listdir(folder)):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
        proc.wait()
        # the copy may have been renamed into place between seeing it and the kill
        caught = bool(list(folder.glob("*.partial")))
        if caught:
            break
    assert caught, "no attempt was killed while its backup was being written"
    assert list(folder.glob("*.partial"))
    store = admin_store(demo_db)
    store.write_observations(_figure(store).assign(value=9.0), file_name="9.csv")
    assert not list(folder.glob("*.partial*"))
    assert Store(demo_db).count_observations() > 0


def _value_in(backup: Path, figure: pd.DataFrame) -> float:
    row = figure.iloc[0]
    with duckdb.connect(str(backup), read_only=True) as con:
        found = con.execute(
            "SELECT value FROM observations WHERE unit_code = ? AND indicator_code = ? "
            "AND freq = ? AND year = ? AND sub = ? AND value_kind = ?",
            [
                getattr(row[c], "item", lambda v=row[c]: v)()
                for c in ("unit_code", "indicator_code", "freq", "year", "sub", "value_kind")
            ],
        ).fetchone()
    assert found is not None
    return float(found[0])


def test_a_backup_is_the_checkpointed_file_copied_and_restores_the_state_before(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no other transaction open, the backup is a byte copy of the file after a
    checkpoint (no catalog copy), and it holds exactly the state before the import."""
    from bxgc_metrics.store import backup as backup_module

    def refuse(*_: object) -> None:
        raise AssertionError("the catalog copy ran although the file could be copied")

    monkeypatch.setattr(backup_module, "_copy_catalog", refuse)
    store = admin_store(demo_db)
    before = _figure(store)
    count = store.count_observations()
    store.write_observations(before.assign(value=123.0), file_name="123.csv")
    (taken,) = backups(demo_db)
    assert _value_in(taken, before) == float(before["value"].iloc[0])
    assert Store(taken).count_observations() == count
    assert float(_figure(store)["value"].iloc[0]) == 123.0
    assert not taken.with_name(taken.name + ".wal").exists()


def test_a_backup_taken_while_a_read_is_open_in_this_process_is_still_whole(
    demo_db: Path,
) -> None:
    """A read on another connection of this process keeps a transaction open, so the
    file cannot be checkpointed: the backup is then the catalog copy, just as whole."""
    store = admin_store(demo_db)
    before = _figure(store)
    count = store.count_observations()
    reader = engine.attach(demo_db)  # another connection of this process, as a page's read
    try:
        reader.begin()
        reader.execute("SELECT count(*) FROM observations").fetchone()
        store.write_observations(before.assign(value=456.0), file_name="456.csv")
        reader.commit()
    finally:
        reader.close()
    (taken,) = backups(demo_db)
    assert _value_in(taken, before) == float(before["value"].iloc[0])
    assert Store(taken).count_observations() == count
    assert float(_figure(store)["value"].iloc[0]) == 456.0
