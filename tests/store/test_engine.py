"""The process's one DuckDB engine: files are attached while in use and freed after, each
file's names resolve in that file, and a file held read-only makes a writer wait."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bxgc_metrics.access import operator
from bxgc_metrics.store import LATEST, Store, backups, engine, restore
from tests.conftest import admin_store

pytestmark = pytest.mark.embedded


def _changed(store: Store, value: float) -> pd.DataFrame:
    """One stored figure of the demo with a new value."""
    return store.observations(unit="JD01", indicator="FAI").head(1).assign(value=value)


def _another_process_opens(path: Path) -> str:
    """What a second process sees when it opens ``path`` for writing now."""
    code = (
        "import duckdb, sys\n"
        "try:\n"
        "    duckdb.connect(sys.argv[1]).close()\n"
        "    print('opened')\n"
        "except duckdb.Error as exc:\n"
        "    print('refused', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_file_is_freed_for_other_processes_between_calls(demo_db: Path) -> None:
    store = admin_store(demo_db)
    with store.reading():
        assert not store.units().empty
        assert engine.attached() == {str(demo_db.resolve()): 1}
        assert _another_process_opens(demo_db).startswith("refused")
    assert engine.attached() == {}
    assert _another_process_opens(demo_db) == "opened"
    store.write_observations(_changed(store, 5.0), file_name="a.csv")
    assert engine.attached() == {}
    assert _another_process_opens(demo_db) == "opened"  # the write was checkpointed and freed


def test_a_write_is_in_the_file_itself_once_committed_while_the_file_is_held(
    demo_db: Path,
) -> None:
    """A write is checkpointed as it commits, not when the file is let go: while a read
    still holds the file, the figure is already in the database file and its log empty
    (a large write is never logged at all)."""
    store = admin_store(demo_db)
    wal = demo_db.with_name(demo_db.name + ".wal")
    first = float(store.observations(unit="JD01", indicator="FAI").head(1)["value"].iloc[0])
    large = store.observations(indicator="FAI").assign(value=lambda f: f["value"] + 1)
    with store.reading():
        for figures in (_changed(store, 5.0), large):
            store.write_observations(figures, file_name="a.csv")
            assert engine.attached() == {str(demo_db.resolve()): 1}  # still held
            assert not wal.exists() or wal.stat().st_size == 0
    again = float(store.observations(unit="JD01", indicator="FAI").head(1)["value"].iloc[0])
    assert again == first + 1


def test_two_files_held_at_once_each_answer_for_themselves(demo_db: Path, tmp_path: Path) -> None:
    """Unqualified names resolve in each connection's own file: a new file opened while
    the demo is attached is still new (no schema is borrowed from the other)."""
    demo = admin_store(demo_db)
    fresh = admin_store(tmp_path / "fresh.duckdb")
    with demo.reading():
        units = len(demo.units())
        assert fresh.schema_version() == LATEST
        assert fresh.units().empty and fresh.count_observations() == 0
        assert len(engine.attached()) == 1  # the fresh file has been let go already
        figure = _changed(demo, 5.0)
        demo.write_observations(figure, file_name="a.csv")  # its own connection, same file
        assert len(demo.units()) == units
    assert fresh.count_observations() == 0
    assert float(demo.observations(unit="JD01", indicator="FAI").head(1)["value"].iloc[0]) == 5.0


def test_cursors_of_an_attached_file_read_that_file(demo_db: Path) -> None:
    with engine.attach(demo_db) as con:
        here = con.execute("SELECT count(*) FROM units").fetchone()
        with con.cursor() as cursor, cursor.cursor() as deeper:
            assert deeper.execute("SELECT count(*) FROM units").fetchone() == here
            assert deeper.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
    assert engine.attached() == {}


def test_a_writer_waits_while_the_file_is_held_read_only(demo_db: Path) -> None:
    """A restore holds the replaced file read-only; a write from another thread of the
    process waits for it, as it would for another process, and then goes through."""
    store = admin_store(demo_db)
    held = engine.attach(demo_db, read_only=True)
    with pytest.raises(duckdb.ConnectionException, match="different configuration"):
        engine.attach(demo_db)
    assert engine.attach(demo_db, read_only=True).close() is None  # read-only ones share it
    release = threading.Timer(0.3, held.close)
    release.start()
    started = time.monotonic()
    store.write_observations(_changed(store, 7.0), file_name="a.csv")
    assert time.monotonic() - started >= 0.25
    release.join()
    assert engine.attached() == {}
    assert float(store.observations(unit="JD01", indicator="FAI").head(1)["value"].iloc[0]) == 7.0


def test_a_restore_waits_for_the_reads_in_progress_and_every_read_after_sees_it(
    demo_db: Path,
) -> None:
    """A restore holds the file it replaces read-only. While a page of this process is
    reading, that hold waits (it does not share the page's connection, which would keep
    the replaced file attached for every later read); once it has the file, reads wait
    for the restore, and the first read after it sees the restored figures."""
    store = admin_store(demo_db)
    original = float(store.observations(unit="JD01", indicator="FAI").head(1)["value"].iloc[0])
    store.write_observations(_changed(store, original + 1000.0), file_name="a.csv")
    (backup,) = backups(demo_db)  # taken before that write: it holds the original figure
    reading = engine.attach(demo_db)  # a page's read in progress
    with pytest.raises(duckdb.ConnectionException, match="different configuration"):
        engine.attach(demo_db, read_only=True)
    release = threading.Timer(0.3, reading.close)
    release.start()
    started = time.monotonic()
    restore(demo_db, backup, operator())
    assert time.monotonic() - started >= 0.25
    release.join()
    assert engine.attached() == {}
    now = store.observations(unit="JD01", indicator="FAI").head(1)["value"].iloc[0]
    assert float(now) == original


def test_a_connection_closed_twice_lets_go_once(demo_db: Path) -> None:
    first, second = engine.attach(demo_db), engine.attach(demo_db)
    first.close()
    first.close()
    assert engine.attached() == {str(demo_db.resolve()): 1}
    second.close()
    assert engine.attached() == {}


def test_a_waiting_writer_leaves_the_global_random_state_alone(demo_db: Path) -> None:
    """The retries while a file is held wait a jittered while; the jitter has its own
    generator, so a seeded caller (or a test drawing examples) on any thread sees its
    ``random`` sequence unchanged."""
    store = admin_store(demo_db)
    held = engine.attach(demo_db, read_only=True)
    release = threading.Timer(0.3, held.close)
    random.seed(2026)
    state = random.getstate()
    release.start()
    store.write_observations(_changed(store, 8.0), file_name="b.csv")
    release.join()
    assert random.getstate() == state
