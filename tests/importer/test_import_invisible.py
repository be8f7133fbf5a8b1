"""Characters nobody sees: a zero-width space, a byte-order mark inside a cell, a
direction mark or a soft hyphen, as text copied from a web page, an office system or a
chat carries them into a sheet. The reader sees 东城街道 and 107529.1; so must the
importer, in a unit's name, an indicator's, a heading and a figure, in every layout and
encoding."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from bxgc_metrics.importer.cells import normalise_text, normalise_texts
from bxgc_metrics.importer.service import ImportPlan, analyse
from bxgc_metrics.store import Store
from tests import sheets

TODAY = dt.date(2026, 11, 25)
TITLE = "2026年1-10月各街道地方一般公共预算收入完成情况"
FORMATS = ["xlsx", "csv", "gb18030"]
"""GB18030 is the encoding of Chinese Excel's CSV that holds every character (GBK has no
zero-width space)."""
INVISIBLE = {
    "zero-width space": "\u200b",
    "byte-order mark": "\ufeff",
    "left-to-right mark": "\u200e",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "zero-width joiner": "\u200d",
}
WANTED = {
    ("JD01", "target", 2026, 0, 133130.0),
    ("JD01", "actual", 2026, 10, 107529.1),
    ("JD02", "target", 2026, 0, 72633.0),
    ("JD02", "actual", 2026, 10, 61123.6),
}


def encoded(rows: list[list], fmt: str) -> tuple[bytes, str]:
    if fmt != "gb18030":
        return sheets.grid(rows, fmt)
    data, name = sheets.grid(rows, "csv")
    return data.decode("utf-8").encode("gb18030"), name


def run(store: Store, rows: list[list], fmt: str, **kwargs) -> ImportPlan:
    data, name = encoded(rows, fmt)
    return analyse(data, name, store, today=TODAY, **kwargs)


def planned(plan: ImportPlan) -> set[tuple]:
    cols = ["unit_code", "value_kind", "year", "sub", "value"]
    return {tuple(r) for r in plan.observations[cols].itertuples(index=False)}


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_an_invisible_character_is_no_part_of_a_text(name: str) -> None:
    mark = INVISIBLE[name]
    for written, meant in [
        (f"东城街道{mark}", "东城街道"),
        (f"{mark}东城{mark}街道", "东城街道"),
        (f"107529.1{mark}", "107529.1"),
        (f" {mark}１-10月累计{mark} ", "1-10月累计"),
    ]:
        assert normalise_text(written) == meant
        # the vectorised path (a column of many cells) means the same
        many = normalise_texts(pd.Series([written] * 40 + ["东城街道"], dtype=object))
        assert many.iloc[0] == meant
        arrow = normalise_texts(pd.Series([written] * 40 + ["东城街道"], dtype="str"))
        assert arrow.iloc[0] == meant


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(INVISIBLE))
def test_a_report_sheet_with_invisible_characters_reads_as_it_shows(
    store: Store, fmt: str, name: str
) -> None:
    """Each unit's name, a heading and a figure carry the character: the units were asked
    about as unknown (or, with unknown units created, stored again under a name that reads
    the same as the stored one), and the figure was refused as no number."""
    mark = INVISIBLE[name]
    rows = [
        [TITLE],
        ["单位：万元"],
        ["单位", f"全年{mark}目标", f"1-10月累计{mark}"],
        [f"东城街道{mark}", 133130, f"107529.1{mark}"],
        [f"{mark}西城街道", f"{mark}72633", 61123.6],
    ]
    for create in (False, True):
        plan = run(store, rows, fmt, create_missing=create)
        assert plan.can_commit, [i.text("zh") for i in plan.errors]
        assert planned(plan) == WANTED
        assert plan.new_units.empty and plan.new_indicators.empty


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["zero-width space", "byte-order mark", "soft hyphen"])
def test_a_long_sheet_with_invisible_characters_reads_as_it_shows(
    store: Store, fmt: str, name: str
) -> None:
    """The same in a long sheet, whose columns are read through their distinct texts: a
    unit, an indicator, a period, a type and a figure each carry the character."""
    mark = INVISIBLE[name]
    rows = [
        ["单位", f"指标{mark}", "期间", "数值", "类型"],
        [f"东城街道{mark}", "地方一般公共预算收入", "2026-10", f"107529.1{mark}", "实际"],
        ["西城街道", f"地方一般公共预算收入{mark}", f"2026-10{mark}", 61123.6, f"实际{mark}"],
        [f"{mark}东城街道", "地方一般公共预算收入", "2026", 133130, "目标"],
        ["西城街道", "地方一般公共预算收入", "2026", 72633, "目标"],
    ]
    # the months before, so that each column has more cells than are read one by one
    rows += [
        [unit, "地方一般公共预算收入", f"2026-{m:02d}", 1000 * m, "实际"]
        for unit in ("东城街道", "西城街道")
        for m in range(1, 10)
    ]
    for create in (False, True):
        plan = run(store, rows, fmt, create_missing=create)
        assert plan.can_commit, [i.text("zh") for i in plan.errors]
        assert {r for r in planned(plan) if r[3] in (0, 10)} == WANTED
        assert len(plan.observations) == 4 + 18
        assert plan.new_units.empty and plan.new_indicators.empty
