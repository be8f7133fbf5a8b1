"""The throwaway PostgreSQL cluster of :mod:`tests.pgcluster`: the application role is no
superuser, durability is off, databases are separate, and nothing is left behind."""

from __future__ import annotations

import socket
import subprocess
import sys

import psycopg
import pytest

from tests.conftest import ROOT
from tests.pgcluster import APP_DSN_ENV, DSN_ENV, Cluster


def accepts(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:``port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_cluster_serves_the_application_role_and_leaves_nothing_behind() -> None:
    with Cluster() as cluster:
        port, folder = cluster.port, cluster.folder
        assert accepts(port)
        first = cluster.create_database("t_first")
        second = cluster.create_database()
        assert first == f"postgresql://bxgc@127.0.0.1:{port}/t_first"
        assert second != first

        with psycopg.connect(first, autocommit=True) as conn:
            user, superuser, owner = conn.execute(
                "SELECT current_user, rolsuper, pg_get_userbyid(datdba) FROM pg_roles, "
                "pg_database WHERE rolname = current_user AND datname = current_database()"
            ).fetchone()
            assert (user, superuser, owner) == ("bxgc", False, "bxgc")
            assert conn.execute("SHOW fsync").fetchone() == ("off",)
            conn.execute("CREATE TABLE only_here (x int)")  # the owner may create in public
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("CREATE ROLE intruder SUPERUSER")
        with psycopg.connect(second) as conn:
            assert conn.execute("SELECT to_regclass('only_here')").fetchone() == (None,)
        with psycopg.connect(cluster.create_database(template="t_first")) as conn:
            assert conn.execute(
                "SELECT tableowner FROM pg_tables WHERE tablename = 'only_here'"
            ).fetchone() == ("bxgc",)

        cluster.drop_database("t_first")
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(first, connect_timeout=5).close()
    assert not accepts(port)
    assert not folder.exists()


def test_command_runs_against_a_fresh_database_and_its_exit_code_is_kept() -> None:
    check = (
        "import os, sys, psycopg\n"
        f"admin, app = os.environ[{DSN_ENV!r}], os.environ[{APP_DSN_ENV!r}]\n"
        "with psycopg.connect(admin) as a, psycopg.connect(app) as b:\n"
        "    one = a.execute('SELECT current_user, current_database()').fetchone()\n"
        "    two = b.execute('SELECT current_user, current_database()').fetchone()\n"
        "assert one[0] == 'postgres' and two[0] == 'bxgc' and one[1] == two[1], (one, two)\n"
        "sys.exit(7)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.pgcluster", "--", sys.executable, "-c", check],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 7, done.stderr
