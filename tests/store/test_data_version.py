"""The data version a page polls: answered from the file's stamp while nobody writes,
read from the file again whenever anyone (this process, another one, a restore) does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bxgc_metrics.store import Store, connection
from tests.conftest import ROOT, admin_store

WRITE = (
    "import sys; from bxgc_metrics.store import Store; from bxgc_metrics.access import Actor; "
    "Store(sys.argv[1], actor=Actor('w', 'admin', operator=True))"
    ".save_setting('weights', {'FAI': int(sys.argv[2])})"
)


@pytest.fixture
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file stamp however young, so every stamp is remembered."""
    monkeypatch.setattr(connection, "SETTLED_NS", 0)


def _opens(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the store's openings of the file from now on."""
    opened: list[int] = []
    real = store._open

    def counting(**kwargs: object) -> object:
        opened.append(1)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_open", counting)
    return opened


def test_an_unchanged_file_answers_without_opening_it(
    demo_db: Path, settled_at_once: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(demo_db)
    first = store.data_version()
    opened = _opens(store, monkeypatch)
    assert [store.data_version() for _ in range(5)] == [first] * 5
    assert opened == []


def test_a_write_by_another_process_is_seen_at_once(demo_db: Path, settled_at_once: None) -> None:
    store = Store(demo_db)
    before = store.data_version()
    assert store.data_version() == before  # remembered
    for weight in (1, 2):
        subprocess.run(
            [sys.executable, "-c", WRITE, str(demo_db), str(weight)], cwd=ROOT, check=True
        )
        now = store.data_version()
        assert now > before
        before = now


def test_a_write_that_keeps_the_modification_time_is_still_seen(
    demo_db: Path, settled_at_once: None
) -> None:
    store = Store(demo_db)
    before = store.data_version()
    times = [
        (p, os.stat(p)) for p in (demo_db, demo_db.with_name(demo_db.name + ".wal")) if p.exists()
    ]
    admin_store(demo_db).save_setting("weights", {"FAI": 3})
    for path, stat in times:  # as if the clock had not moved on
        if path.exists():
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.data_version() > before


def test_a_file_put_in_its_place_is_read_again(
    demo_db: Path, settled_at_once: None, tmp_path: Path
) -> None:
    older = tmp_path / "older.duckdb"
    shutil.copy(demo_db, older)
    admin_store(older).save_setting("weights", {"FAI": 4})
    admin_store(older).save_setting("weights", {"FAI": 5})
    store = Store(demo_db)
    before = store.data_version()
    os.replace(older, demo_db)  # a new file, as a restore leaves one
    assert store.data_version() == Store(demo_db).data_version() != before


def test_a_young_stamp_is_not_trusted(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written within the settling time is read every time: a second write in the
    same clock tick could leave the stamp as it was."""
    monkeypatch.setattr(connection, "SETTLED_NS", 10**15)
    store = Store(demo_db)
    store.data_version()
    opened = _opens(store, monkeypatch)
    store.data_version()
    store.data_version()
    assert len(opened) == 2
