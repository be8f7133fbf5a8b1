"""Opening a file another process keeps reopening: the process that was refused claims the
next turn, so a busy loop elsewhere (a server's reads, an importer, a pinger writing the
audit log) cannot keep it out until it gives up."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bxgc_metrics.errors import StoreBusyError
from bxgc_metrics.store import Store
from tests.conftest import ROOT, admin_store

# Reopens the file ``gap`` seconds after it closes it, holding it open ``hold`` seconds
# each time: with no gap the file is free for microseconds between two holds.
HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from bxgc_metrics.store import Store
    store, stop, n = Store(sys.argv[1]), Path(sys.argv[2]), 0
    hold, gap = float(sys.argv[3]), float(sys.argv[4])
    while not stop.exists():
        with store.reading():
            store.data_version()
            if n == 0:
                print("holding", flush=True)
            time.sleep(hold)
        n += 1
        time.sleep(gap)
    print(n, flush=True)
""")


def _holder(db: Path, hold: float, gap: float = 0.0) -> tuple[subprocess.Popen[str], Path]:
    stop = db.with_name(db.name + ".stop")
    stop.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(stop), str(hold), str(gap)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "holding"
    return proc, stop


def _stop(proc: subprocess.Popen[str], stop: Path) -> int:
    stop.touch()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return int(out.split()[-1])


@pytest.mark.parametrize("read_only", [True, False], ids=["read", "write"])
def test_a_file_reopened_in_a_loop_elsewhere_still_opens_here(
    tmp_path: Path, read_only: bool
) -> None:
    db = tmp_path / "busy.duckdb"
    admin_store(db).units()  # created, with its schema
    proc, stop = _holder(db, 0.05)
    try:
        for _ in range(5):
            store = Store(db, timeout=3.0)
            started = time.monotonic()
            con = store._open(read_only=read_only)
            try:
                assert con.execute("SELECT count(*) FROM units").fetchone() == (0,)
            finally:
                con.close()
            assert time.monotonic() - started < 3.0
            time.sleep(0.2)  # the loop's turn
    finally:
        holds = _stop(proc, stop)
    assert holds > 5  # the loop went on after each turn given away, and it ended cleanly


def test_a_file_held_past_the_timeout_is_still_refused_as_busy(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    admin_store(db).units()
    proc, stop = _holder(db, 5.0)
    try:
        with pytest.raises(StoreBusyError, match="正被其他程序占用"):
            Store(db, timeout=0.5).units()
    finally:
        _stop(proc, stop)


def test_the_turn_is_given_back_when_the_wait_ends_either_way(tmp_path: Path) -> None:
    """After a wait that succeeded and one that timed out, the other process opens the
    file as before: no claim is left standing."""
    db = tmp_path / "given.duckdb"
    admin_store(db).units()
    proc, stop = _holder(db, 5.0)
    try:
        with pytest.raises(StoreBusyError):
            Store(db, timeout=0.5).units()
    finally:
        _stop(proc, stop)
    proc, stop = _holder(db, 0.01)  # it opens (prints) only if no claim is left
    time.sleep(0.3)
    assert _stop(proc, stop) > 3


def test_a_turn_that_cannot_be_claimed_still_lets_the_file_open(tmp_path: Path) -> None:
    """Where the file beside the database cannot be made (here a folder stands in its
    place, as a directory that cannot be written would refuse it), opening waits and
    retries as it would without turns."""
    db = tmp_path / "odd.duckdb"
    admin_store(db).units()
    (tmp_path / "odd.duckdb.turn").mkdir()
    proc, stop = _holder(db, 0.05, gap=0.05)
    try:
        assert Store(db).units().empty
    finally:
        _stop(proc, stop)
    assert Store(db).units().empty


def test_an_open_nobody_contends_leaves_no_file_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "alone.duckdb"
    store = admin_store(db)
    for _ in range(3):
        store.units()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("alone")) == [
        "alone.duckdb"
    ]


def test_a_process_naming_the_file_through_a_link_takes_turns_with_the_others(
    tmp_path: Path,
) -> None:
    db = tmp_path / "real" / "busy.duckdb"
    db.parent.mkdir()
    admin_store(db).units()
    link = tmp_path / "linked.duckdb"
    link.symlink_to(db)
    proc, stop = _holder(db, 0.05)
    try:
        for _ in range(3):
            con = Store(link, timeout=3.0)._open(read_only=True)
            con.close()
            time.sleep(0.2)
    finally:
        _stop(proc, stop)
    assert (db.parent / "busy.duckdb.turn").exists()
    assert not (tmp_path / "linked.duckdb.turn").exists()
