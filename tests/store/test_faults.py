"""Faults: a killed import, a corrupt file and restore, readers beside importers."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bxgc_metrics.errors import CorruptDatabaseError
from bxgc_metrics.store import Store, backups
from tests import sheets
from tests.conftest import ROOT, admin_store, run_cli

ROWS = 200_000

# Imports ROWS new figures (and 1,000 new units) as one batch, as the importer does. Given
# a marker path as well, it creates that file inside the transaction, just before the
# commit, and waits there, so a test can kill it inside the transaction.
BIG_IMPORT = textwrap.dedent("""
    import sys, time, numpy as np, pandas as pd
    from pathlib import Path
    from bxgc_metrics.access import Actor
    from bxgc_metrics.store import Store, connection
    if len(sys.argv) > 3:
        def pause_then_commit(con, *, bump, commit=connection.commit):
            Path(sys.argv[3]).touch()
            time.sleep(60)
            commit(con, bump=bump)
        connection.commit = pause_then_commit
    n = int(sys.argv[2])
    units = pd.DataFrame({"code": [f"K{i:04d}" for i in range(1000)], "name_zh": "k",
                          "kind": "街道"})
    i = np.arange(n)
    frame = pd.DataFrame({"unit_code": units["code"].to_numpy()[i % 1000],
                          "indicator_code": "FAI", "freq": "M", "year": 1800 + i // 1000 // 12,
                          "sub": 1 + (i // 1000) % 12, "value_kind": "actual",
                          "value": i.astype(float), "cumulative": True})
    Store(sys.argv[1], actor=Actor("killer", "analyst", operator=True)).write_observations(
        frame, file_name="big.csv", new_units=units)
""")


def _state(db: Path) -> tuple[int, int, int]:
    store = Store(db)
    return store.count_observations(), len(store.batches()), len(store.units())


def _start_import(db: Path, pause_marker: Path | None = None) -> subprocess.Popen:
    marker = [] if pause_marker is None else [str(pause_marker)]
    return subprocess.Popen(
        [sys.executable, "-c", BIG_IMPORT, str(db), str(ROWS), *marker],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_sigkill_inside_the_import_transaction_leaves_nothing(demo_db: Path) -> None:
    before = _state(demo_db)
    marker = demo_db.with_name("in-transaction")
    proc = _start_import(demo_db, pause_marker=marker)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _state(demo_db) == before  # every row, batch and unit of the batch is gone
    assert Store(demo_db).schema_version() > 0


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0, None])
def test_sigkill_at_any_moment_leaves_the_whole_batch_or_none(demo_db: Path, delay) -> None:
    rows, batches, units = _state(demo_db)
    proc = _start_import(demo_db)
    if delay is None:
        assert proc.wait(timeout=300) == 0  # the unkilled import, for comparison
    else:
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    after = _state(demo_db)
    assert after in {(rows, batches, units), (rows + ROWS, batches + 1, units + 1000)}
    if delay is None:
        assert after == (rows + ROWS, batches + 1, units + 1000)


def test_each_import_takes_a_backup_and_restore_brings_it_back(demo_db: Path) -> None:
    store = admin_store(demo_db)
    before = store.count_observations()
    assert not backups(demo_db)
    report = demo_db.with_name("报表.xlsx")
    report.write_bytes(sheets.report_xlsx())
    out = run_cli("import", str(report), "--db", str(demo_db))
    assert out.returncode == 0, out.stderr
    assert len(backups(demo_db)) == 1
    changed = store.observations(unit="JD01", indicator="GBR").set_index("period")["value"]

    demo_db.write_bytes(b"\0garbage" * 4096)  # the disk ate the file
    with pytest.raises(CorruptDatabaseError) as caught:
        Store(demo_db).units()
    assert "python -m bxgc_metrics restore" in caught.value.en
    assert "restore" in caught.value.zh
    listed = run_cli("restore", "--list", "--db", str(demo_db))
    assert str(backups(demo_db)[0]) in listed.stdout
    out = run_cli("restore", "--latest", "--db", str(demo_db))
    assert out.returncode == 0, out.stderr
    restored = Store(demo_db)
    assert restored.count_observations() == before  # the state just before the import
    assert restored.observations(unit="JD01", indicator="GBR")["value"].tolist() != list(changed)
    log = admin_store(demo_db).audit_log()
    assert log.iloc[0]["action"] == "restore" and log.iloc[0]["who"].startswith("cli:")
    assert list(demo_db.parent.glob("backups/*replaced.bak"))  # the broken file is kept


def test_backups_are_pruned_to_the_configured_number(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_BACKUPS_KEEP", "2")
    monkeypatch.setenv("BXGC_BACKUPS_DAYS", "0")  # by count alone (test_backups: by age)
    store = admin_store(demo_db)
    frame = store.observations(unit="JD01", indicator="FAI").head(1)
    for value in (1.0, 2.0, 3.0):
        store.write_observations(frame.assign(value=value), file_name=f"{value}.csv")
    assert len(backups(demo_db)) == 2


READER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from bxgc_metrics.store import Store
    # correctness under contention, not latency: a loaded machine may make a reader wait
    store, stop, seen = Store(sys.argv[1], timeout=180), Path(sys.argv[2]), []
    while not stop.exists():
        seen.append(len(store.observations()))
        store.data_version()
        time.sleep(0.02)
    print(" ".join(map(str, seen)))
""")

WRITER = textwrap.dedent("""
    import sys, pandas as pd
    from bxgc_metrics.access import Actor
    from bxgc_metrics.store import Store
    store = Store(sys.argv[1], actor=Actor("importer", "analyst", operator=True), timeout=180)
    for i in range(10):
        frame = pd.DataFrame({"unit_code": "JD01", "indicator_code": "FAI", "freq": "M",
                              "year": 1900 + i, "sub": list(range(1, 13)),
                              "value_kind": "actual", "value": 1.0, "cumulative": True})
        store.write_observations(frame, file_name=f"w{i}.csv")
""")


def test_ten_readers_an_importer_and_the_command_line_at_once(demo_db: Path) -> None:
    start = Store(demo_db).count_observations()
    stop = demo_db.with_name("stop")
    report = demo_db.with_name("报表.xlsx")
    report.write_bytes(sheets.report_xlsx())
    run = {"cwd": ROOT, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(demo_db), str(stop)], **run)
        for _ in range(10)
    ]
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(demo_db)], **run)
    cli = subprocess.Popen(
        [sys.executable, "-m", "bxgc_metrics", "import", str(report), "--db", str(demo_db)], **run
    )
    results = [p.communicate(timeout=300) for p in (writer, cli)]
    stop.touch()
    results += [p.communicate(timeout=120) for p in readers]
    for proc, (_out, err) in zip([writer, cli, *readers], results, strict=True):
        assert proc.returncode == 0 and "Error" not in err, err
    store = Store(demo_db)
    assert store.count_observations() == start + 120  # 10 batches of 12 new figures
    assert set(store.batches()["file_name"]) >= {f"w{i}.csv" for i in range(10)} | {report.name}
    assert store.observations(unit="JD01", indicator="GBR").set_index("period").loc[
        "2024-06", "value"
    ] == pytest.approx(41300.5)
    for out, _ in results[2:]:
        seen = [int(n) for n in out.split()]
        assert seen and seen == sorted(seen)  # never fewer rows than a moment before
        assert all((n - start) % 12 == 0 for n in seen)  # only whole batches are visible
