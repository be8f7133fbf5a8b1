"""A local copy that missed several batches, replaced and undone in any order, catches up
to exactly what PostgreSQL holds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import psycopg
import pytest

from bxgc_metrics.access import SYSTEM
from bxgc_metrics.store import Store, postgres

_FIGURES = (
    "SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, batch_id "
    "FROM observations ORDER BY unit_code, year, sub"
)


def _figures(units: str, value: float, months: range = range(1, 7)) -> pd.DataFrame:
    return pd.DataFrame(
        [(u, "REV", "M", 2025, m, "actual", value + m, False) for u in units for m in months],
        columns=[
            "unit_code",
            "indicator_code",
            "freq",
            "year",
            "sub",
            "value_kind",
            "value",
            "cumulative",
        ],
    )


@pytest.fixture
def stores(pg_cluster, tmp_path: Path):
    dsn = pg_cluster.create_database()
    writer = Store(tmp_path / "writer.duckdb", actor=SYSTEM, dsn=dsn)
    writer.upsert_units(
        pd.DataFrame({"code": list("ABC"), "name_zh": ["甲", "乙", "丙"], "kind": "街道"})
    )
    writer.upsert_indicators(
        pd.DataFrame(
            {
                "code": ["REV"],
                "name_zh": ["收入"],
                "measure": ["万元"],
                "direction": ["higher"],
                "kind": ["flow"],
                "frequency": ["M"],
            }
        )
    )
    yield writer, Store(tmp_path / "copy.duckdb", dsn=dsn), dsn
    postgres.close_all()


def _caught_up(copy: Store, dsn: str) -> list[tuple]:
    """The copy brought up to date, checked equal to PostgreSQL; its figures."""
    copy.count_observations()
    with duckdb.connect(str(copy.path), read_only=True) as con:
        held = con.execute(_FIGURES).fetchall()
    with psycopg.connect(dsn) as con:
        assert held == con.execute(_FIGURES).fetchall()
    return held


def test_a_copy_catches_up_with_missed_replacements_and_undos(stores) -> None:
    writer, copy, dsn = stores
    first = writer.write_observations(_figures("AB", 100), file_name="1").batch_id
    assert {r[-1] for r in _caught_up(copy, dsn)} == {first}

    # missed: a replacement, a later one undone, and new keys beside them
    second = writer.write_observations(_figures("AB", 200), file_name="2").batch_id
    third = writer.write_observations(_figures("ABC", 300), file_name="3").batch_id
    assert third is not None
    writer.undo_batch(third)
    held = _caught_up(copy, dsn)
    assert {(r[0], r[-1]) for r in held} == {("A", second), ("B", second)}

    # missed: a replacement of some keys, undone; a replacement of others, kept
    fourth = writer.write_observations(_figures("A", 400), file_name="4").batch_id
    fifth = writer.write_observations(_figures("B", 500, range(1, 4)), file_name="5").batch_id
    assert fourth is not None
    writer.undo_batch(fourth)
    held = _caught_up(copy, dsn)
    assert sorted({(r[0], r[-1]) for r in held}) == [("A", second), ("B", second), ("B", fifth)]

    # seen, then undone: the copy gives the values back
    assert fifth is not None
    writer.undo_batch(fifth)
    held = _caught_up(copy, dsn)
    assert {r[-1] for r in held} == {second}
    assert [r[-2] for r in held if r[0] == "B"] == [200.0 + m for m in range(1, 7)]
