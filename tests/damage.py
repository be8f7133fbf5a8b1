"""Damaged database files made by test code: truncated, bytes flipped, not a database.

DuckDB's file starts with three 4 KiB headers; blocks of 256 KiB follow, each starting
with an 8-byte checksum of the rest. Flipping bytes inside a block in use makes every
read of that block fail its checksum; :func:`block_of` finds the block a table's data
lives in, so a test can damage the figures alone and leave the catalog readable.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import duckdb

HEADERS = 3 * 4096
"""Bytes before the first block."""


def truncate(fraction: float) -> Callable[[Path], None]:
    """Cut the file to ``fraction`` of its size (a copy interrupted part-way)."""

    def damage(path: Path) -> None:
        with path.open("r+b") as fh:
            fh.truncate(int(path.stat().st_size * fraction))

    return damage


def flip_at(offset: int, length: int = 64) -> Callable[[Path], None]:
    """Invert ``length`` bytes from ``offset`` (a disk that returns wrong bytes)."""

    def damage(path: Path) -> None:
        with path.open("r+b") as fh:
            fh.seek(offset)
            chunk = fh.read(length)
            fh.seek(offset)
            fh.write(bytes(b ^ 0xFF for b in chunk))

    return damage


def random_bytes(path: Path) -> None:
    """Replace the file by as many random bytes (not a database at all)."""
    size = path.stat().st_size
    path.write_bytes(random.Random(12).randbytes(size))


def block_of(path: Path, table: str) -> int:
    """The file offset of the first block holding ``table``'s data (read before damage)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]  # type: ignore[index]
        row = con.execute(
            "SELECT min(block_id) FROM pragma_storage_info(?) WHERE block_id >= 0", [table]
        ).fetchone()
    finally:
        con.close()
    assert row is not None and row[0] is not None, f"{table} has no data block"
    return HEADERS + int(row[0]) * int(size)


def flip_table(table: str) -> Callable[[Path], None]:
    """Flip bytes inside the first data block of ``table``."""

    def damage(path: Path) -> None:
        flip_at(block_of(path, table) + 16)(path)

    return damage


KINDS: dict[str, Callable[[Path], None]] = {
    "truncated-half": truncate(0.5),
    "truncated-tenth": truncate(0.1),
    "flipped-file-header": flip_at(100),
    "flipped-db-header": flip_at(4096 + 16),
    "flipped-catalog": flip_at(HEADERS + 16),
    "flipped-units": flip_table("units"),
    "flipped-figures": flip_table("observations"),
    "random-bytes": random_bytes,
}
"""Every kind of damage the tests apply, by name."""
