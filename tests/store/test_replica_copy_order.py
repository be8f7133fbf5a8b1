"""A local copy made whole stores the figures in period order, as the embedded file does,
whatever order PostgreSQL hands them over in (it is not asked to sort them)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from bxgc_metrics.access import SYSTEM
from bxgc_metrics.store import Store, postgres


def _year(year: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["A", "B"] * 12,
            "indicator_code": "REV",
            "freq": "M",
            "year": year,
            "sub": [m for m in range(1, 13) for _ in range(2)],
            "value_kind": "actual",
            "value": [float(year * 100 + i) for i in range(24)],
            "cumulative": False,
        }
    )


def test_a_whole_copy_is_stored_in_period_order(pg_cluster, tmp_path: Path) -> None:
    dsn = pg_cluster.create_database()
    store = Store(tmp_path / "writer.duckdb", actor=SYSTEM, dsn=dsn)
    store.upsert_units(
        pd.DataFrame({"code": ["A", "B"], "name_zh": ["甲", "乙"], "kind": ["街道", "街道"]})
    )
    store.upsert_indicators(
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
    for year in (2025, 2019, 2022):  # PostgreSQL keeps them in the order written
        store.write_observations(_year(year), file_name=str(year))

    copy = tmp_path / "copy.duckdb"
    assert Store(copy, dsn=dsn).count_observations() == 72
    postgres.close_all()
    with duckdb.connect(str(copy), read_only=True) as con:
        stored = con.execute("SELECT year, sub, value FROM observations").fetchall()  # as kept
    assert [(y, s) for y, s, _ in stored] == sorted((y, s) for y, s, _ in stored)
    assert sorted(v for _, _, v in stored) == sorted(
        float(y * 100 + i) for y in (2025, 2019, 2022) for i in range(24)
    )
