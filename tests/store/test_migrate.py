"""``migrate``: the embedded file moves into an empty PostgreSQL database and back, every
table row for row, checked by both databases before the target commits; a target that
holds data is refused and left as it was, and a copy that differs is not kept."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pytest
from psycopg import sql

from bxgc_metrics.errors import CopyMismatchError, MoveRefusedError
from bxgc_metrics.store import LATEST, Store, moving, postgres
from tests.conftest import ADMIN, admin_store, old_schema, run_cli

PASSWORD = "pw-migrate-2026"

AWKWARD_VALUES = (5e-324, -0.0, 1.7976931348623157e308, 0.1 + 0.2, -123456789.000001)
"""Figures whose text forms differ between programs: the copy must keep every bit."""

AWKWARD_TEXT = "a,\"b\"\nc\\d \t 中文 ☃ 'q'"
"""A name with the characters CSV and SQL treat specially."""


@pytest.fixture(autouse=True)
def _close_connections():
    yield
    postgres.close_all()


def _changed(store: Store, factor: float, rows: int) -> pd.DataFrame:
    """The first ``rows`` stored non-zero observations with their values times ``factor``."""
    key = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
    frame = store.observations().query("value != 0").sort_values(key).head(rows)
    return frame[[*key, "value", "cumulative"]].assign(value=frame["value"] * factor)


@pytest.fixture
def lived_in(demo_db: Path) -> Path:
    """The demo file after some use: batches (one undone) with their history, an account
    with a session and a failed sign-in, a wall token, settings, a profile, reward and
    data-quality rules, a reviewed flag, and text and figures that are awkward to copy."""
    store = admin_store(demo_db)
    store.write_observations(_changed(store, 1.1, 40), file_name="二月.xlsx")
    undone = store.write_observations(_changed(store, 0.9, 10), file_name="三月.xlsx")
    store.undo_batch(undone.batch_id)  # type: ignore[arg-type]
    store.create_user("ana", PASSWORD, "analyst")
    assert store.open_session("ana", PASSWORD, 8.0, address="10.0.0.7") is not None
    assert store.sign_in("ana", "wrong", address="10.0.0.8") is None
    store.create_wall_token("会议室")
    store.save_setting("composite_weights", {"FAI": 0.4, "GDP": 0.6})
    store.save_profile("财政局月报", {"地方一般公共预算收入": "GBR"})
    store.save_quality_rules(
        pd.DataFrame([{"rule_id": "tax_le", "kind": "le", "left": "TAX", "right": "GBR"}])
    )
    store.review_flag("revision:JD01:GBR:M:2025:1", "已与财政局核对")
    with duckdb.connect(str(demo_db)) as con:
        con.execute("INSERT INTO reward_rules VALUES ('r1', ?)", [json.dumps({"top": 3})])
        con.execute(
            "UPDATE units SET name_en = ?, peer_group = '' WHERE code = 'JD01'", [AWKWARD_TEXT]
        )
        keys = con.execute(
            "SELECT unit_code, indicator_code, freq, year, sub, value_kind FROM observations "
            f"ORDER BY ALL LIMIT {len(AWKWARD_VALUES)}"
        ).fetchall()
        for key, value in zip(keys, AWKWARD_VALUES, strict=True):
            con.execute(
                "UPDATE observations SET value = ? WHERE unit_code = ? AND indicator_code = ? "
                "AND freq = ? AND year = ? AND sub = ? AND value_kind = ?",
                [value, *key],
            )
    return demo_db


def _tables(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def _rows(path: Path, table: str) -> list[tuple]:
    """Every row of ``table`` (one of the schema's, :data:`moving.TABLES`), floats by their
    bits (so -0.0 is not 0.0), in one order whatever order the file keeps them in."""
    assert table in moving.TABLES, table
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.table(table).fetchall()
    return sorted((tuple(_bits(v) for v in row) for row in rows), key=_order)


def _order(row: tuple) -> tuple:
    """Rows in column order, as ``ORDER BY ALL`` sorts them (a missing value last)."""
    return tuple((True, 0) if v is None else (False, v) for v in row)


def _bits(value: object) -> object:
    return ("float", np.float64(value).tobytes().hex()) if isinstance(value, float) else value


def _sequences(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT sequence_name, COALESCE(last_value, 0) FROM duckdb_sequences()"
        ).fetchall()
    return {str(n): int(v) for n, v in rows}


def _pg(dsn: str, statement: str | sql.Composed) -> list[tuple]:
    with psycopg.connect(dsn) as con:
        return con.execute(statement).fetchall()


def _pg_state(dsn: str) -> dict[str, object]:
    """Everything a refused move must leave as it was: each table's rows, and the schema."""
    with psycopg.connect(dsn) as con:
        names = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY 1"
            ).fetchall()
        ]
        every = sql.SQL("SELECT * FROM {}")
        return {
            n: sorted(map(repr, con.execute(every.format(sql.Identifier(n))).fetchall()))
            for n in names
        }


def test_every_table_moves_to_postgres_and_back_row_for_row(
    lived_in: Path, pg_cluster, tmp_path: Path
) -> None:
    dsn = pg_cluster.create_database()
    original_version = admin_store(lived_in).data_version()
    done = run_cli("migrate", "--to-postgres", dsn, "--db", str(lived_in))
    assert done.returncode == 0, done.stderr
    for table in _tables(lived_in):
        assert re.search(rf"^\s+{table}\s+[\d,]+\s+[0-9a-f]{{16}}$", done.stdout, re.M), table
    assert "checksums agree" in done.stdout and "校验和一致" in done.stdout
    assert "password" not in done.stdout

    meta = dict(_pg(dsn, "SELECT key, value FROM meta"))
    assert meta["data_version"] == str(original_version)
    assert re.fullmatch(r"[0-9a-f]{32}", meta["generation"])
    who, action, after = _pg(dsn, "SELECT who, action, after_json FROM audit_log ORDER BY id DESC")[
        0
    ]
    assert (who.startswith("cli:"), action) == (True, "migrate")
    assert json.loads(after)["rows"]["observations"] == len(_rows(lived_in, "observations"))
    # every id sequence goes on past the ids the file handed out
    file_ids = _sequences(lived_in)
    for sequence in postgres.SEQUENCES:
        (last,) = _pg(dsn, sql.SQL("SELECT last_value FROM {}").format(sql.Identifier(sequence)))[0]
        assert last >= file_ids[sequence], sequence

    back = tmp_path / "back" / "bxgc.duckdb"
    moved = moving.from_postgres(dsn, back, actor=ADMIN)
    assert set(moved.counts()) == set(_tables(lived_in)) == set(_tables(back))
    assert all(moved.counts().values()), moved.counts()  # every table had rows to move
    assert moved.generation is None and moved.data_version == original_version
    for table in _tables(lived_in):
        before, after_move = _rows(lived_in, table), _rows(back, table)
        if table == "audit_log":
            # the log keeps every row with its id, and each move appended its own
            assert after_move[: len(before)] == before
            added = after_move[len(before) :]
            assert [(r[0], r[3]) for r in added] == [
                (before[-1][0] + 1, "migrate"),
                (before[-1][0] + 2, "migrate"),
            ]
        else:
            assert after_move == before, table
    assert _sequences(back) == {**file_ids, "audit_ids": file_ids["audit_ids"] + 2}
    assert not back.with_name("bxgc.duckdb.moving").exists()
    signed_in = admin_store(back).sign_in("ana", PASSWORD)  # the password hash moved too
    assert signed_in is not None and signed_in.role == "analyst"


def test_batches_stay_undoable_after_a_move(demo_db: Path, pg_cluster, tmp_path: Path) -> None:
    file_store = admin_store(demo_db)
    before = file_store.observations()
    batch = file_store.write_observations(_changed(file_store, 1.5, 30), file_name="四月.xlsx")
    # a server already running on the new database made the schema and a local copy of it
    dsn = pg_cluster.create_database()
    replica = tmp_path / "replica" / "bxgc.duckdb"
    pg_store = Store(replica, dsn=dsn, actor=ADMIN)
    assert pg_store.observations().empty
    empty = postgres.primary(dsn).version()

    moved = moving.to_postgres(demo_db, dsn, actor=ADMIN)
    assert moved.counts()["observation_history"] == 30
    deadline = time.monotonic() + 10
    while postgres.primary(dsn).version().generation == empty.generation:  # heard by NOTIFY
        assert time.monotonic() < deadline
        time.sleep(0.05)
    key = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]

    def figures(store: Store) -> pd.DataFrame:
        return store.observations().sort_values(key).reset_index(drop=True)

    pd.testing.assert_frame_equal(figures(pg_store), figures(file_store))
    pg_store.undo_batch(batch.batch_id)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(figures(pg_store), before.sort_values(key).reset_index(drop=True))
    assert pg_store.batches().set_index("id").loc[batch.batch_id, "status"] == "undone"
    again = pg_store.write_observations(_changed(pg_store, 2.0, 3), file_name="五月.xlsx")
    assert again.batch_id == batch.batch_id + 1  # type: ignore[operator]
    with pytest.raises(MoveRefusedError, match="local copy"):
        moving.to_postgres(replica, pg_cluster.create_database(), actor=ADMIN)


def test_moving_into_a_database_that_holds_data_is_refused_and_changes_nothing(
    demo_db: Path, pg_cluster, tmp_path: Path
) -> None:
    dsn = pg_cluster.create_database()
    Store(tmp_path / "replica.duckdb", dsn=dsn, actor=ADMIN).bootstrap_admin(PASSWORD)
    postgres.close_all()
    state = _pg_state(dsn)
    done = run_cli("migrate", "--to-postgres", dsn, "--db", str(demo_db))
    assert done.returncode == 2
    assert "已有数据" in done.stderr and "already holds data (audit_log, users)" in done.stderr
    assert _pg_state(dsn) == state

    other = pg_cluster.create_database()
    with psycopg.connect(other) as con:
        con.execute("CREATE TABLE notes (body text)")
    with pytest.raises(MoveRefusedError, match="other tables"):
        moving.to_postgres(demo_db, other, actor=ADMIN)
    assert _pg(other, "SELECT to_regclass('meta') IS NULL") == [(True,)]

    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as con:
        con.execute(
            "CREATE DATABASE latin ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    with pytest.raises(MoveRefusedError, match="must be UTF8"):
        moving.to_postgres(demo_db, pg_cluster.dsn("latin"), actor=ADMIN)


def test_a_figure_one_bit_off_in_postgresql_is_not_kept(
    demo_db: Path, pg_cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    def off_by_one_bit(cur, name: str, table: pa.Table) -> None:
        if name == "observations":
            values = table.column("value").to_numpy().copy()
            values[0] = math.nextafter(values[0], math.inf)
            table = table.set_column(
                table.schema.get_field_index("value"), "value", pa.array(values)
            )
        real_copy_in(cur, name, table)

    real_copy_in = moving.copy_in
    monkeypatch.setattr(moving, "copy_in", off_by_one_bit)
    dsn = pg_cluster.create_database()
    rows = len(_rows(demo_db, "observations"))
    with pytest.raises(CopyMismatchError, match=rf"observations \({rows} → {rows}\)"):
        moving.to_postgres(demo_db, dsn, actor=ADMIN)
    assert _pg(dsn, "SELECT to_regclass('meta') IS NULL") == [(True,)]  # nothing kept


def test_a_table_that_differs_in_the_new_file_leaves_no_file(
    demo_db: Path, pg_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn = pg_cluster.create_database()
    moving.to_postgres(demo_db, dsn, actor=ADMIN)

    def losing_an_event(duck, raw, table) -> None:
        real_receive(duck, raw, table)
        if table.name == "events":
            duck.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events)")

    real_receive = moving._receive
    monkeypatch.setattr(moving, "_receive", losing_an_event)
    target = tmp_path / "out" / "new.duckdb"
    events = len(_rows(demo_db, "events"))
    with pytest.raises(CopyMismatchError, match=rf"events \({events} → {events - 1}\)"):
        moving.from_postgres(dsn, target, actor=ADMIN)
    assert list(target.parent.iterdir()) == []  # neither the file nor a partial one


def test_moving_out_refuses_an_existing_file_and_a_database_without_data(
    demo_db: Path, pg_cluster, tmp_path: Path
) -> None:
    digest = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    empty = pg_cluster.create_database()
    with pytest.raises(MoveRefusedError, match="exists"):
        moving.from_postgres(empty, demo_db, actor=ADMIN)
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == digest

    target = tmp_path / "new.duckdb"
    with pytest.raises(MoveRefusedError, match="holds no data"):
        moving.from_postgres(empty, target, actor=ADMIN)
    assert not target.exists()
    assert _pg(empty, "SELECT to_regclass('meta') IS NULL") == [(True,)]  # no schema made

    done = run_cli("migrate", "--from-postgres", empty)
    assert done.returncode == 2 and "--db" in done.stderr


def test_a_file_of_an_older_release_is_upgraded_before_it_moves(pg_cluster, tmp_path: Path) -> None:
    old = tmp_path / "v6.duckdb"
    with old_schema(old, 6, data_version=3) as con:
        con.execute("INSERT INTO units VALUES ('JD01', '一街道', NULL, '街道', NULL, NULL, FALSE)")
    dsn = pg_cluster.create_database()
    moved = moving.to_postgres(old, dsn, actor=ADMIN)
    assert moved.counts()["units"] == 1 and moved.counts()["events"] == 0
    assert moved.data_version == 3
    assert _pg(dsn, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(LATEST),)]
    assert Store(old, dsn="").schema_version() == LATEST


def test_every_sequence_is_carried() -> None:
    assert set(moving.SEQUENCE_TABLES) == set(postgres.SEQUENCES)


def test_a_file_with_a_table_outside_the_schema_is_refused(
    demo_db: Path, pg_cluster, tmp_path: Path
) -> None:
    """A move names only the schema's own tables: a file holding another is refused
    before anything is written."""
    copy = tmp_path / "extra.duckdb"
    copy.write_bytes(demo_db.read_bytes())
    with duckdb.connect(str(copy)) as con:
        con.execute("CREATE TABLE notes (body VARCHAR)")
    dsn = pg_cluster.create_database()
    with pytest.raises(Exception, match="notes") as refused:
        moving.to_postgres(copy, dsn, actor=ADMIN)
    assert "cannot be moved" in str(refused.value.args) or "无法迁移" in str(refused.value)
    assert _pg(dsn, "SELECT to_regclass('meta') IS NULL") == [(True,)]


def test_the_allow_list_is_the_schema(tmp_path: Path) -> None:
    """Every table a new database has, and only those, may be moved."""
    path = tmp_path / "new.duckdb"
    Store(path).data_version()
    with duckdb.connect(str(path), read_only=True) as con:
        names = {
            str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
    assert names == set(moving.TABLES)
