"""Importer processes writing PostgreSQL at once while readers read through their own local
copies: nothing lost, nothing doubled, one value per key, every copy equal to PostgreSQL.

The small version of ``python -m bench.concurrency`` (4 importers × 3 batches × 2,000
figures, 3 readers); the checks of :mod:`bench.concurrency` are themselves checked here
against PostgreSQL directly and against a figure changed behind the store's back.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from bench import concurrency
from bench.concurrency import Outcome, Scenario

SMALL = {"writers": 4, "batches": 3, "rows": 2_000, "readers": 3}

_STORED = """
    SELECT count(*), count(DISTINCT (unit_code, indicator_code, freq, year, sub, value_kind))
    FROM observations
"""
_NOT_THE_LAST = """
    SELECT count(*) FROM observations AS o JOIN batches AS b ON b.id = o.batch_id
    WHERE o.batch_id <> (
        SELECT max(l.id) FROM batches AS l
        WHERE l.file_name LIKE 'w%-b' || ((o.year - 2000) * 12 + o.sub - 1)
    ) OR floor(o.value / 1e9) - 1 <> CAST(substr(split_part(b.file_name, '-', 1), 2) AS INTEGER)
"""
"""Figures whose batch is not the last one that wrote their month, or whose value is not
that batch's writer's (same keys: the month of batch ``b`` is ``b``)."""


def _run(pg_cluster, tmp_path: Path, *, same_keys: bool) -> tuple[Outcome, str]:
    dsn = pg_cluster.create_database()
    scenario = Scenario(**SMALL, same_keys=same_keys)
    return concurrency.run(scenario, work=tmp_path, dsn=dsn), dsn


def _assert_clean(outcome: Outcome) -> None:
    scenario = outcome.scenario
    assert outcome.errors == []
    assert outcome.violations == []
    assert len(outcome.imports) == scenario.writers * scenario.batches
    assert all(batch_id is not None for batch_id in outcome.written.values())
    assert outcome.reads, "the readers read while the importers wrote"
    assert outcome.replicas == scenario.readers + 1  # every reader's copy and a new one


def test_importers_with_distinct_keys_lose_and_double_nothing(pg_cluster, tmp_path: Path) -> None:
    outcome, dsn = _run(pg_cluster, tmp_path, same_keys=False)
    _assert_clean(outcome)
    with psycopg.connect(dsn) as con:
        assert con.execute(_STORED).fetchone() == (4 * 3 * 2_000, 4 * 3 * 2_000)
        assert con.execute("SELECT count(*) FROM observation_history").fetchone() == (0,)

    # the checks see a figure changed behind the store's back, in PostgreSQL and the copies
    with psycopg.connect(dsn) as con:
        con.execute(
            "UPDATE observations SET value = value + 1 "
            "WHERE unit_code = 'U0007' AND indicator_code = 'I001' AND year = 2000 AND sub = 2"
        )
    again = Outcome("postgres", outcome.scenario, written=outcome.written)
    concurrency.check(again, dsn=dsn, path=Path())
    concurrency.check_copies(again, copies=[tmp_path / "reader0.duckdb"], dsn=dsn)
    assert [v.split(":")[0] for v in again.violations] == [
        "1 figures hold another value than the last batch's",
        "reader0.duckdb",
    ]


def test_importers_writing_the_same_keys_leave_one_value_per_key(
    pg_cluster, tmp_path: Path
) -> None:
    outcome, dsn = _run(pg_cluster, tmp_path, same_keys=True)
    _assert_clean(outcome)
    with psycopg.connect(dsn) as con:
        assert con.execute(_STORED).fetchone() == (3 * 2_000, 3 * 2_000)
        assert con.execute(_NOT_THE_LAST).fetchone() == (0,)
        replaced = con.execute("SELECT count(*) FROM observation_history").fetchone()
    assert replaced == (3 * 3 * 2_000,)  # each key replaced by three of the four writers


@pytest.mark.parametrize("rows", [0, 50_001])
def test_a_scenario_holds_whole_months_of_at_most_50000_figures(rows: int) -> None:
    with pytest.raises(ValueError):
        Scenario(rows=rows)
