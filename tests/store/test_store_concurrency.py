"""Two real processes on one DuckDB file: the dashboard and the command line side by side."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import admin_store

pytestmark = pytest.mark.usefixtures("backend")

WRITER = textwrap.dedent("""
    import sys, pandas as pd
    from bxgc_metrics.store import Store
    from bxgc_metrics.access import Actor
    store, unit = Store(sys.argv[1], actor=Actor("w", "analyst", operator=True)), sys.argv[2]
    for i in range(15):
        frame = pd.DataFrame({"unit_code": [unit], "indicator_code": ["REV"], "freq": ["Y"],
                              "year": [2000 + i], "sub": [0], "value_kind": ["actual"],
                              "value": [float(i)], "cumulative": [False]})
        store.write_observations(frame, file_name=f"{unit}-{i}", who=unit)
        store.observations(unit=unit)  # read back between writes, as the dashboard does
""")

READER = textwrap.dedent("""
    import sys, time
    from bxgc_metrics.store import Store
    store, seen = Store(sys.argv[1]), 0
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        seen = max(seen, len(store.observations()))
        store.data_version()
    print(seen)
""")


def test_two_writers_and_a_reader_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    store = admin_store(path)
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
                "frequency": ["Y"],
            }
        )
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), unit],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for unit in ("A", "B")
    ]
    procs.append(
        subprocess.Popen(
            [sys.executable, "-c", READER, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    final = store.observations()
    assert len(final) == 30
    assert sorted(final.groupby("unit_code").size().tolist()) == [15, 15]
    assert len(store.batches()) == 30
    assert 0 <= int(outputs[2][0]) <= 30  # the reader saw a consistent count, never an error


def test_threads_writing_the_same_new_figures_never_duplicate_them(demo_db: Path) -> None:
    """Two app sessions importing the same new figures at once: the writes queue, the first
    creates the figures, the others replace values, and each key is stored once."""
    from concurrent.futures import ThreadPoolExecutor

    from bxgc_metrics.access import Actor
    from bxgc_metrics.store import Store

    keys = pd.DataFrame(
        {
            "unit_code": "JD01",
            "indicator_code": "GBR",
            "freq": "M",
            "year": 2031,
            "sub": range(1, 13),
            "value_kind": "actual",
            "cumulative": True,
        }
    )

    def write(i: int) -> int | None:
        store = Store(demo_db, actor=Actor(f"s{i}", "analyst", operator=True))
        frame = keys.assign(value=float(i + 1))
        return store.write_observations(frame, file_name=f"{i}").batch_id

    before = Store(demo_db).count_observations()
    with ThreadPoolExecutor(6) as pool:
        batches = list(pool.map(write, range(6)))
    assert all(b is not None for b in batches)
    store = Store(demo_db)
    assert store.count_observations() == before + 12
    stored = store.observations(unit="JD01", indicator="GBR")
    assert not stored.duplicated(["freq", "year", "sub", "value_kind"]).any()
    mine = store.batches().query("id in @batches")
    assert sorted(mine["rows_new"]) == [0, 0, 0, 0, 0, 12]
