"""The listening connection each process holds on PostgreSQL: found by its name, replaced
when the database cuts it, not trusted once it stops answering, and never the reason a
commit goes unnoticed."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest

from bxgc_metrics.store import Store, postgres
from tests.pgcluster import SUPERUSER

T = TypeVar("T")


@pytest.fixture
def dsn(pg_cluster) -> Iterator[str]:
    yield str(pg_cluster.create_database())
    postgres.close_all()


@pytest.fixture
def superuser(pg_cluster) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg_cluster.dsn("postgres", user=SUPERUSER), autocommit=True) as con:
        yield con


def _until(found: Callable[[], T], seconds: float = 5.0) -> T:
    deadline = time.monotonic() + seconds
    while not (value := found()):
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)
    return value


def _listener_pid(dsn: str) -> int:
    """This process's listening connection to ``dsn`` (once it is connected)."""
    pid = _until(postgres.primary(dsn).listener_pid)
    assert pid is not None
    return pid


def _listeners(superuser: psycopg.Connection, dsn: str) -> list[int]:
    """The backends of ``dsn``'s database that go by the listener's name."""
    rows = superuser.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
        [psycopg.conninfo.conninfo_to_dict(dsn)["dbname"], postgres.LISTENER_APPLICATION],
    ).fetchall()
    return [int(pid) for (pid,) in rows]


def _other_server_commits(dsn: str) -> None:
    """A write by another server, bumped and announced as every write is."""
    other = postgres.Primary(dsn)
    with other.transaction(bump=True):
        pass
    other.close()


def test_the_listening_connection_goes_by_its_name(
    dsn: str, superuser: psycopg.Connection, tmp_path: Path
) -> None:
    Store(tmp_path / "copy.duckdb", dsn=dsn).data_version()
    pid = _listener_pid(dsn)
    assert _until(lambda: _listeners(superuser, dsn)) == [pid]


def test_a_listener_cut_by_the_database_comes_back_and_hears_the_next_commit(
    dsn: str, superuser: psycopg.Connection, tmp_path: Path
) -> None:
    store = Store(tmp_path / "copy.duckdb", dsn=dsn)
    before = store.data_version()
    cut = _listener_pid(dsn)
    assert superuser.execute("SELECT pg_terminate_backend(%s)", [cut]).fetchone() == (True,)
    _other_server_commits(dsn)
    _until(lambda: store.data_version() == before + 1, seconds=postgres.POLL_SECONDS + 1)
    again = _until(lambda: [pid for pid in _listeners(superuser, dsn) if pid != cut])
    assert len(again) == 1
    assert _listener_pid(dsn) == again[0]


def test_a_listener_whose_connection_stops_answering_is_not_trusted(
    dsn: str, superuser: psycopg.Connection, tmp_path: Path
) -> None:
    """A stalled server process (or a network path that drops packets without a word)
    leaves the listening thread waiting for an answer: readers read the version row
    themselves after :data:`~bxgc_metrics.store.postgres.STALE_SECONDS`."""
    store = Store(tmp_path / "copy.duckdb", dsn=dsn)
    before = store.data_version()
    pid = _listener_pid(dsn)
    idle = (
        "SELECT state = 'idle' AND query LIKE 'SELECT key, value FROM meta%%'"
        " FROM pg_stat_activity WHERE pid = %s"
    )
    _until(lambda: superuser.execute(idle, [pid]).fetchone() == (True,))  # it has read the row
    os.kill(pid, signal.SIGSTOP)
    try:
        _other_server_commits(dsn)
        limit = postgres.STALE_SECONDS + postgres.POLL_SECONDS + 1
        _until(lambda: store.data_version() == before + 1, seconds=limit)
    finally:
        os.kill(pid, signal.SIGCONT)
