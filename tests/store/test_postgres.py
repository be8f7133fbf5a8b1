"""What only the PostgreSQL mode has: the database's own guard on the audit log, the local
copy kept exactly in step with the database, and the listening connection's fallback."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bxgc_metrics.store import Store, postgres
from bxgc_metrics.store.migrations import LATEST
from tests.conftest import ADMIN

UNITS = pd.DataFrame({"code": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"], "kind": ["街道"] * 3})
INDICATORS = pd.DataFrame(
    {
        "code": ["GDP"],
        "name_zh": ["地区生产总值"],
        "measure": ["亿元"],
        "direction": ["higher"],
        "kind": ["flow"],
        "frequency": ["M"],
    }
)


def _figures(values: dict[tuple[str, int], float]) -> pd.DataFrame:
    rows = [
        (unit, "GDP", "M", 2026, month, "actual", value, False)
        for (unit, month), value in values.items()
    ]
    columns = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
    return pd.DataFrame(rows, columns=[*columns, "value", "cumulative"])


@pytest.fixture
def dsn(pg_cluster) -> str:
    made = pg_cluster.create_database()
    yield made
    postgres.close_all()
    pg_cluster.drop_database(made.rsplit("/", 1)[-1])


@pytest.fixture
def pg_store(dsn: str, tmp_path: Path) -> Store:
    store = Store(tmp_path / "copy.duckdb", actor=ADMIN, dsn=dsn)
    store.upsert_units(UNITS)
    store.upsert_indicators(INDICATORS)
    return store


def _in_postgres(dsn: str) -> dict[tuple, tuple]:
    with psycopg.connect(dsn) as con:
        rows = con.execute(
            "SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, batch_id "
            "FROM observations"
        ).fetchall()
    return {tuple(r[:6]): (float(r[6]), int(r[7])) for r in rows}


def _in_copy(store: Store) -> dict[tuple, tuple]:
    frame = store.observations()
    key = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
    return {
        tuple(r[k] for k in key): (float(r["value"]), int(r["batch_id"]))
        for r in frame.to_dict("records")
    }


def test_the_audit_log_refuses_change_and_removal_even_to_its_owner(pg_store: Store) -> None:
    assert pg_store.audit_count() > 0
    for statement in (
        "UPDATE audit_log SET who = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with psycopg.connect(pg_store.dsn) as con, pytest.raises(psycopg.Error) as refused:
            con.execute(statement)
        assert isinstance(refused.value, psycopg.errors.InsufficientPrivilege), statement
    with psycopg.connect(pg_store.dsn) as con:
        owner, granted = con.execute(
            "SELECT tableowner = current_user, "
            "has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', "
            "'DELETE') OR has_table_privilege('audit_log', 'TRUNCATE') "
            "FROM pg_tables WHERE tablename = 'audit_log'"
        ).fetchone()
    assert owner and not granted
    assert pg_store.audit_count() == len(pg_store.audit_log())


def test_a_write_is_read_back_through_the_copy_at_once(pg_store: Store) -> None:
    before = pg_store.data_version()
    result = pg_store.write_observations(_figures({("A", 1): 5.0}), file_name="m1")
    assert pg_store.data_version() == before + 1
    assert _in_copy(pg_store) == {("A", "GDP", "M", 2026, 1, "actual"): (5.0, result.batch_id)}


def test_a_second_server_copies_the_database_whole_then_follows_its_changes(
    pg_store: Store, tmp_path: Path
) -> None:
    pg_store.write_observations(_figures({("A", 1): 1.0, ("B", 1): 2.0}), file_name="m1")
    other = Store(tmp_path / "other.duckdb", dsn=pg_store.dsn)
    assert _in_copy(other) == _in_postgres(pg_store.dsn)
    second = pg_store.write_observations(_figures({("A", 1): 3.0, ("C", 2): 4.0}), file_name="m2")
    assert _in_copy(other) == _in_postgres(pg_store.dsn)
    pg_store.undo_batch(second.batch_id)
    assert _in_copy(other) == _in_postgres(pg_store.dsn)
    assert other.observations().set_index("unit_code")["value"].to_dict() == {"A": 1.0, "B": 2.0}
    assert len(other.units()) == 3 and other.batches()["status"].tolist() == ["undone", "committed"]


KEYS = st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(1, 4))
STEPS = st.lists(
    st.one_of(
        st.dictionaries(KEYS, st.integers(1, 5).map(float), min_size=1, max_size=6),
        st.just("undo"),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_any_run_of_writes_and_undos_leaves_every_copy_equal_to_the_database(
    pg_cluster, tmp_path_factory: pytest.TempPathFactory, steps: list
) -> None:
    dsn = pg_cluster.create_database()
    folder = tmp_path_factory.mktemp("copies")
    writer = Store(folder / "writer.duckdb", actor=ADMIN, dsn=dsn)
    writer.upsert_units(UNITS)
    writer.upsert_indicators(INDICATORS)
    reader = Store(folder / "reader.duckdb", dsn=dsn)
    undoable: list[int] = []
    for step in steps:
        if step == "undo":
            if undoable:
                writer.undo_batch(undoable.pop())
        else:
            result = writer.write_observations(_figures(step), file_name="step")
            if result.batch_id is not None:
                undoable.append(result.batch_id)
        if len(undoable) % 2:  # the reader looks now and then, the writer always
            assert _in_copy(reader) == _in_postgres(dsn)
        assert _in_copy(writer) == _in_postgres(dsn)
    assert _in_copy(reader) == _in_postgres(dsn)
    postgres.close_all()
    pg_cluster.drop_database(dsn.rsplit("/", 1)[-1])


def test_a_lost_listening_connection_falls_back_to_reading_the_version(pg_store: Store) -> None:
    primary = postgres.primary(pg_store.dsn)
    pg_store.data_version()
    deadline = time.monotonic() + 10
    while primary.listener_pid() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = primary.listener_pid()
    assert pid is not None
    with psycopg.connect(pg_store.dsn) as con:
        # the application role may end its own sessions
        con.execute("SELECT pg_terminate_backend(%s)", [pid])
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key = 'data_version'"
        )
        expected = int(
            con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
        )
    # no notice was sent: the version is read from the row (the listener, down, says
    # nothing) within two polling intervals
    deadline = time.monotonic() + 2 * postgres.POLL_SECONDS
    while pg_store.data_version() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pg_store.data_version() == expected
    deadline = time.monotonic() + 10
    while primary.listener_pid() in (None, pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert primary.listener_pid() not in (None, pid)  # listening again, on a new connection


def test_a_damaged_local_copy_is_set_aside_and_made_again(pg_store: Store) -> None:
    pg_store.write_observations(_figures({("A", 1): 1.0, ("B", 2): 2.0}), file_name="m1")
    expected = _in_postgres(pg_store.dsn)
    assert _in_copy(pg_store) == expected
    pg_store.path.write_bytes(b"not a database at all" * 1000)
    fresh = Store(pg_store.path, dsn=pg_store.dsn)  # as a server started afresh finds it
    assert _in_copy(fresh) == expected
    assert list(pg_store.path.parent.glob("copy.duckdb.damaged-*"))


def test_a_database_restored_to_an_earlier_state_is_copied_again(
    pg_store: Store, tmp_path: Path
) -> None:
    from tests.pgcluster import postgres_bin

    pg_store.write_observations(_figures({("A", 1): 1.0}), file_name="m1")
    dump = tmp_path / "m1.dump"
    subprocess.run(
        [str(postgres_bin() / "pg_dump"), "-Fc", "-f", str(dump), pg_store.dsn], check=True
    )
    pg_store.write_observations(_figures({("A", 1): 2.0, ("B", 1): 3.0}), file_name="m2")
    reader = Store(tmp_path / "reader.duckdb", dsn=pg_store.dsn)
    assert len(_in_copy(reader)) == 2
    subprocess.run(
        [
            str(postgres_bin() / "pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "-d",
            pg_store.dsn,
            str(dump),
        ],
        check=True,
    )
    restored = _in_postgres(pg_store.dsn)
    assert len(restored) == 1
    deadline = time.monotonic() + 2 * postgres.POLL_SECONDS
    while _in_copy(reader) != restored and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _in_copy(reader) == restored
    assert _in_copy(pg_store) == restored


def test_a_write_queued_behind_a_long_one_waits_its_turn_rather_than_failing(dsn: str) -> None:
    """Imports queue on one write lock; a queue longer than the connection timeout (four
    importers on a loaded machine) must wait, and only a queue past ``queue`` says busy."""
    import threading

    from bxgc_metrics.errors import StoreBusyError

    primary = postgres.Primary(dsn, timeout=1.0, queue=8.0)
    held = threading.Event()

    def long_write() -> None:
        other = postgres.Primary(dsn)
        with other.transaction(bump=True) as con:
            held.set()
            con.execute("SELECT pg_sleep(2.5)")
        other.close()

    writer = threading.Thread(target=long_write)
    writer.start()
    held.wait(10)
    started = time.monotonic()
    with primary.transaction(bump=True) as con:
        con.execute("SELECT 1")
    # it waited out the long write (2.5 s) instead of failing after its 1 s timeout
    assert 1.5 < time.monotonic() - started < 8
    writer.join()

    impatient = postgres.Primary(dsn, timeout=1.0, queue=0.5)
    impatient.migrate()
    held.clear()
    writer = threading.Thread(target=long_write)
    writer.start()
    held.wait(10)
    with pytest.raises(StoreBusyError), impatient.transaction(bump=True):
        pass
    writer.join()
    for each in (primary, impatient):
        each.close()


def test_a_database_of_the_version_before_is_brought_up_to_date_keeping_its_rows(
    dsn: str, tmp_path: Path
) -> None:
    """Version 10 added the reporting contacts, the due day and the data-quality tables; a
    version-9 database gains them on the first open and keeps what it held."""
    store = Store(tmp_path / "copy.duckdb", actor=ADMIN, dsn=dsn)
    store.upsert_units(UNITS)
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("DROP TABLE quality_rules")
        con.execute("DROP TABLE quality_reviews")
        con.execute("ALTER TABLE units DROP COLUMN contact_person")
        con.execute("ALTER TABLE units DROP COLUMN contact_phone")
        con.execute("ALTER TABLE indicators DROP COLUMN report_due_day")
        con.execute("ALTER TABLE batches DROP COLUMN created_json")
        con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    postgres.close_all()
    again = Store(tmp_path / "other.duckdb", actor=ADMIN, dsn=dsn)
    assert again.schema_version() == LATEST
    again.upsert_units(UNITS.assign(contact_person=["张三", None, None]))
    units = again.units().set_index("code")
    assert units.loc["A", "contact_person"] == "张三" and units.loc["C", "name_zh"] == "丙"
    with psycopg.connect(dsn) as con:
        columns = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'units' ORDER BY ordinal_position"
            ).fetchall()
        ]
    assert columns[-2:] == ["contact_person", "contact_phone"]


def test_an_indicator_in_percent_saved_as_a_flow_becomes_a_rate_on_upgrade(
    dsn: str, tmp_path: Path
) -> None:
    """Version 11: a version-10 database may hold an indicator in % marked flow or stock,
    saved before the store refused that; the upgrade makes it a rate, records which in the
    audit log, and moves the data version so that every server's copy reads it again."""
    store = Store(tmp_path / "copy.duckdb", actor=ADMIN, dsn=dsn)
    store.upsert_indicators(INDICATORS)
    before = store.data_version()
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(
            "INSERT INTO indicators (code, name_zh, measure, direction, kind, frequency) "
            "VALUES ('G', '增速', '%', 'higher', 'flow', 'M'), "
            "('S', '占比', '%', 'higher', 'stock', 'M')"
        )
        con.execute("ALTER TABLE batches DROP COLUMN created_json")
        con.execute("UPDATE meta SET value = '10' WHERE key = 'schema_version'")
    postgres.close_all()
    again = Store(tmp_path / "other.duckdb", actor=ADMIN, dsn=dsn)
    assert again.schema_version() == LATEST
    kinds = again.indicators().set_index("code")["kind"].to_dict()
    assert kinds == {"GDP": "flow", "G": "rate", "S": "rate"}
    assert again.data_version() == before + 1
    log = again.audit_log(action="indicators")
    row = log[log["who"] == "system"].iloc[0]
    assert row["target"] == "G,S"
    assert json.loads(row["before_json"]) == [
        {"code": "G", "kind": "flow"},
        {"code": "S", "kind": "stock"},
    ]
    assert json.loads(row["after_json"]) == [
        {"code": "G", "kind": "rate"},
        {"code": "S", "kind": "rate"},
    ]


def test_a_batch_of_version_11_is_undone_after_the_upgrade(dsn: str, tmp_path: Path) -> None:
    """Version 12 records the units a batch created; a batch written before has no record,
    and undoing it after the upgrade takes back its figures and leaves every unit."""
    store = Store(tmp_path / "copy.duckdb", actor=ADMIN, dsn=dsn)
    store.upsert_units(UNITS)
    store.upsert_indicators(INDICATORS)
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("ALTER TABLE batches DROP COLUMN created_json")
        con.execute("UPDATE meta SET value = '11' WHERE key = 'schema_version'")
        con.execute(
            "INSERT INTO batches (file_name, who, rows_read, rows_new, status) "
            "VALUES ('old.csv', 'li', 1, 1, 'committed')"
        )
        batch = con.execute("SELECT max(id) FROM batches").fetchone()[0]
        con.execute(
            "INSERT INTO observations VALUES ('C', 'GDP', 'M', 2024, 6, 'actual', 5, TRUE, %s)",
            [batch],
        )
    postgres.close_all()
    again = Store(tmp_path / "other.duckdb", actor=ADMIN, dsn=dsn)
    assert again.schema_version() == LATEST
    preview = again.undo_preview(batch)
    assert (preview.removed, preview.units, preview.indicators) == (1, (), ())
    again.undo_batch(batch)
    assert again.observations().empty and "C" in set(again.units()["code"])
