"""The listening connection each process holds on PostgreSQL: found by its name, and
replaced when the database cuts it, without missing the commits made meanwhile."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from bxgc_metrics.store import Store, postgres
from tests.pgcluster import SUPERUSER


@pytest.fixture
def dsn(pg_cluster) -> Iterator[str]:
    yield str(pg_cluster.create_database())
    postgres.close_all()


@pytest.fixture
def superuser(pg_cluster) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg_cluster.dsn("postgres", user=SUPERUSER), autocommit=True) as con:
        yield con


def _until(found: Callable[[], object], seconds: float = 5.0) -> object:
    deadline = time.monotonic() + seconds
    while not (value := found()):
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)
    return value


def _listeners(superuser: psycopg.Connection, dsn: str) -> list[int]:
    """The backends of ``dsn``'s database that go by the listener's name."""
    rows = superuser.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
        [psycopg.conninfo.conninfo_to_dict(dsn)["dbname"], postgres.LISTENER_APPLICATION],
    ).fetchall()
    return [int(pid) for (pid,) in rows]


def test_the_listening_connection_goes_by_its_name(
    dsn: str, superuser: psycopg.Connection, tmp_path: Path
) -> None:
    Store(tmp_path / "copy.duckdb", dsn=dsn).data_version()
    pid = _until(postgres.primary(dsn).listener_pid)
    assert _until(lambda: _listeners(superuser, dsn)) == [pid]


def test_a_listener_cut_by_the_database_comes_back_and_hears_the_next_commit(
    dsn: str, superuser: psycopg.Connection, tmp_path: Path
) -> None:
    store = Store(tmp_path / "copy.duckdb", dsn=dsn)
    before = store.data_version()
    cut = _until(postgres.primary(dsn).listener_pid)
    assert superuser.execute("SELECT pg_terminate_backend(%s)", [cut]).fetchone() == (True,)
    other = postgres.Primary(dsn)  # another server's commit, announced as every write is
    with other.transaction(bump=True):
        pass
    other.close()
    _until(lambda: store.data_version() == before + 1, seconds=postgres.POLL_SECONDS + 1)
    again = _until(lambda: _listeners(superuser, dsn))
    assert again != [cut] and len(again) == 1
    assert _until(postgres.primary(dsn).listener_pid) == again[0]
