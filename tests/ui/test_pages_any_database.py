"""Every page renders every database the importer and the settings editors can produce.

Hypothesis builds small databases through the same store calls the importer and the
settings page use — units and indicators with empty optional fields (no English name, no
peer group, as "create unknown units" leaves them), external benchmarks, one period only,
a unit with no figures, an indicator with no target, hostile names — and every page runs
on each in AppTest, as a signed-in admin (so the write controls render too). A separate
test runs every page on 2,000 units.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from bxgc_metrics.store import Store
from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ADMIN, ROOT, admin_store

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
EXAMPLES = 40 if os.environ.get("HYPOTHESIS_PROFILE") == "dev" else 6

KINDS = ("街道", "乡镇", "部门", "学校", "外部标杆")
MEASURES = ("万元", "亿元", "元", "%", "个", "亩")
NAMES = st.sampled_from(
    ["东城街道", "黄楼镇", "<b>粗体</b>", "**星号**", "名称\u202e86.6%", "=HYPERLINK(1)", "A" * 60]
)
GROUPS = st.sampled_from([None, "", "城区街道", "乡镇", "外部标杆", "新区"])


@st.composite
def databases(draw: st.DrawFn) -> dict:
    """A database description: units, indicators and observations."""
    n_units = draw(st.integers(1, 6))
    units = pd.DataFrame(
        {
            "code": [f"U{i}" for i in range(n_units)],
            "name_zh": [f"{draw(NAMES)}{i}" for i in range(n_units)],
            "name_en": [draw(st.sampled_from([None, "", f"Unit {i}"])) for i in range(n_units)],
            "kind": [draw(st.sampled_from(KINDS)) for _ in range(n_units)],
            "peer_group": [draw(GROUPS) for _ in range(n_units)],
        }
    )
    n_inds = draw(st.integers(1, 3))
    measures = [draw(st.sampled_from(MEASURES)) for _ in range(n_inds)]
    kinds = [draw(st.sampled_from(["flow", "stock", "rate"])) for _ in range(n_inds)]
    indicators = pd.DataFrame(
        {
            "code": [f"I{i}" for i in range(n_inds)],
            "name_zh": [f"{draw(NAMES)}指标{i}" for i in range(n_inds)],
            "name_en": [draw(st.sampled_from([None, f"Indicator {i}"])) for i in range(n_inds)],
            "measure": measures,
            "direction": [draw(st.sampled_from(["higher", "lower"])) for _ in range(n_inds)],
            # a figure in % is a rate (the store refuses it as a flow or a stock)
            "kind": ["rate" if m == "%" else k for m, k in zip(measures, kinds, strict=True)],
            "frequency": [draw(st.sampled_from(["M", "M", "Y", "Q"])) for _ in range(n_inds)],
        }
    )
    months = draw(st.sampled_from([[10], [1], [5, 6], list(range(1, 13))]))
    years = draw(st.sampled_from([[2026], [2025, 2026], [2021, 2022, 2023, 2024, 2025]]))
    rows = []
    for ind in indicators.itertuples():
        has_target = draw(st.booleans())
        for unit in units.itertuples():
            if draw(st.integers(0, 4)) == 0:  # a unit with no figures of this indicator
                continue
            for year in years:
                level = draw(st.floats(0.0, 1e6, allow_nan=False))
                if has_target:
                    rows.append((unit.code, ind.code, "Y", year, 0, "target", level * 1.3 + 1))
                subs = {"M": months, "Q": [1, 2, 3, 4], "Y": [0]}[ind.frequency]
                for k, sub in enumerate(subs, 1):
                    value = level * k / len(subs)
                    rows.append((unit.code, ind.code, ind.frequency, year, sub, "actual", value))
    columns = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind", "value"]
    observations = pd.DataFrame(rows, columns=columns)
    observations["cumulative"] = observations["freq"].isin(["M", "Q"])
    return {"units": units, "indicators": indicators, "observations": observations}


def _build(path: Path, spec: dict) -> Store:
    store = admin_store(path)
    store.upsert_units(spec["units"])
    store.upsert_indicators(spec["indicators"])
    if len(spec["observations"]):
        store.write_observations(spec["observations"], file_name="spec.csv")
    return store


def _run_every_page(path: Path) -> None:
    os.environ["BXGC_DB"] = str(path)
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.session_state["lang"] = "zh"
        at.session_state[SESSION_KEY] = ADMIN
        at.run()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


IMPORTED = {  # what "create unknown units" leaves: no English name, no peer group
    "units": pd.DataFrame(
        {"code": ["U0", "U1", "X"], "name_zh": ["新街道", "老街道", "标杆市"],
         "name_en": [None, None, None], "kind": ["街道", "街道", "外部标杆"],
         "peer_group": [None, "城区街道", "外部标杆"]}
    ),
    "indicators": pd.DataFrame(
        {"code": ["I0"], "name_zh": ["收入"], "name_en": [None], "measure": ["万元"],
         "direction": ["higher"], "kind": ["flow"], "frequency": ["M"]}
    ),
    "observations": pd.DataFrame(
        {"unit_code": ["U0", "U1", "X", "U1"], "indicator_code": "I0",
         "freq": ["M", "M", "M", "Y"], "year": 2026, "sub": [10, 10, 10, 0],
         "value_kind": ["actual", "actual", "actual", "target"],
         "value": [10.0, 20.0, 30.0, 50.0], "cumulative": [True, True, True, False]}
    ),
}  # fmt: skip


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(spec=IMPORTED)
@given(spec=databases())
def test_every_page_renders_any_database(spec: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.duckdb"
        _build(path, spec)
        try:
            _run_every_page(path)
        finally:
            os.environ.pop("BXGC_DB", None)


def test_every_page_renders_two_thousand_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 2_000
    rng = np.random.default_rng(7)
    units = pd.DataFrame(
        {"code": [f"U{i:04d}" for i in range(n)], "name_zh": [f"单位{i}" for i in range(n)],
         "kind": "街道", "peer_group": [None if i % 3 else "城区" for i in range(n)]}
    )  # fmt: skip
    indicators = IMPORTED["indicators"]
    actual = pd.DataFrame(
        {"unit_code": units["code"], "indicator_code": "I0", "freq": "M", "year": 2026,
         "sub": 10, "value_kind": "actual", "value": rng.uniform(0, 1e5, n), "cumulative": True}
    )  # fmt: skip
    target = actual.assign(freq="Y", sub=0, value_kind="target", value=1e5, cumulative=False)
    spec = {"units": units, "indicators": indicators, "observations": pd.concat([actual, target])}
    _build(tmp_path / "big.duckdb", spec)
    monkeypatch.setenv("BXGC_DB", str(tmp_path / "big.duckdb"))
    _run_every_page(tmp_path / "big.duckdb")
