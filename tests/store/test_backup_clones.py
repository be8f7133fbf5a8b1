"""An import's backup is a clone where the file system makes clones (XFS, btrfs): it takes
no disk space and no time to speak of at any size, stays what it was when the file
changes after it, and restores like any backup; elsewhere it is a plain copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bxgc_metrics.store import Store, backups, engine
from bxgc_metrics.store import backup as backup_module
from bxgc_metrics.store.restoring import restore
from tests.conftest import ADMIN, admin_store

XFS_IMAGE_BYTES = 512 * 1024**2
"""A sparse file for the XFS file system (its least size is 300 MB); it takes only what
is written to it."""


@pytest.fixture(scope="module")
def cloning_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder on an XFS file system (which clones files: reflink, on by default since
    xfsprogs 5.1) mounted from a file. Mounting needs root, ``mkfs.xfs`` (Debian's
    xfsprogs, which ``scripts/install-system-deps.sh`` installs) and a loop device; the
    tests that need it are skipped where any is missing."""
    mkfs = shutil.which("mkfs.xfs") or shutil.which("mkfs.xfs", path="/usr/sbin:/sbin")
    if os.geteuid() != 0 or mkfs is None:
        pytest.skip("mounting an XFS file system needs root and mkfs.xfs")
    base = tmp_path_factory.mktemp("xfs")
    image, mount = base / "xfs.img", base / "mnt"
    mount.mkdir()
    with image.open("wb") as sparse:
        sparse.truncate(XFS_IMAGE_BYTES)
    subprocess.run([mkfs, "-q", "-f", str(image)], check=True, capture_output=True)
    done = subprocess.run(
        ["mount", "-o", "loop", str(image), str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"no loop device to mount an XFS file system on: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


def _free(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def _figure(store: Store) -> pd.DataFrame:
    return store.observations(unit="JD01", indicator="FAI").head(1)


def _value(db: Path) -> float:
    """The figure :func:`_figure` picks, as ``db`` holds it."""
    return float(_figure(Store(db))["value"].iloc[0])


def test_on_a_file_system_that_clones_a_backup_takes_no_space_and_restores(
    cloning_folder: Path, demo_db_template: Path
) -> None:
    db = cloning_folder / "clones" / "bxgc.duckdb"
    db.parent.mkdir()
    shutil.copy(demo_db_template, db)
    size = db.stat().st_size
    assert size > 4 * 1024**2  # large enough for a copy's blocks to show

    con = engine.attach(db)
    try:
        before = _free(cloning_folder)
        cloned = backup_module.take_backup(con, db, "clone")
        used_by_clone = before - _free(cloning_folder)
        before = _free(cloning_folder)
        copied = cloned.with_name("copied.duckdb")
        subprocess.run(["cp", "--reflink=never", str(db), str(copied)], check=True)
        used_by_copy = before - _free(cloning_folder)
    finally:
        con.close()
    assert cloned.read_bytes() == db.read_bytes()
    assert used_by_copy >= 0.9 * size  # the measure sees a copy's blocks...
    assert used_by_clone < 0.05 * size  # ...and the clone shares the file's
    copied.unlink()

    # An import clones the file before it writes; the clone keeps the state before it.
    store = admin_store(db)
    figure = _figure(store)
    old = float(figure["value"].iloc[0])
    store.write_observations(figure.assign(value=old + 1000.0), file_name="later.csv")
    taken = backups(db)[0]
    assert "import" in taken.name
    assert _value(taken) == old
    assert _value(cloned) == old  # the first clone did not change with the file
    assert _value(db) == old + 1000.0

    before = _free(cloning_folder)
    restore(db, taken, ADMIN)
    used_by_restore = before - _free(cloning_folder)
    assert _value(db) == old
    # the restored copy is a clone too: only the blocks its moving forward wrote are new
    assert used_by_restore < 0.5 * size
    assert Store(db).count_observations() == Store(taken).count_observations()


def test_a_cp_that_knows_no_clones_still_copies_the_file(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cp other than GNU's refuses ``--reflink``: the backup is then a plain file copy,
    not the catalog copy (a hundred times slower)."""
    calls = tmp_path / "calls.txt"
    fake = tmp_path / "cp"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{calls}"\n'
        'case "$1" in --reflink*) echo "cp: unrecognized option" >&2; exit 1;; esac\n'
        'exec /bin/cp "$@"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    real_which = shutil.which
    monkeypatch.setattr(
        backup_module.shutil, "which", lambda name: str(fake) if name == "cp" else real_which(name)
    )

    def refuse(*_: object) -> None:
        raise AssertionError("the catalog copy ran although cp could copy the file")

    monkeypatch.setattr(backup_module, "_copy_catalog", refuse)
    store = admin_store(demo_db)
    figure = _figure(store)
    old = float(figure["value"].iloc[0])
    store.write_observations(figure.assign(value=old + 1.0), file_name="one.csv")
    (taken,) = backups(demo_db)
    assert _value(taken) == old
    tried = calls.read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in tried] == ["--reflink=auto", "--"]
