"""Two real processes on one DuckDB file: the dashboard and the command line side by side."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

from tests.conftest import admin_store

WRITER = textwrap.dedent("""
    import sys, pandas as pd
    from bxgc_metrics.store import Store
    from bxgc_metrics.access import Actor
    store, unit = Store(sys.argv[1], actor=Actor("w", "analyst")), sys.argv[2]
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
