"""The rankings page's workbooks say what the page says: the measure a figure is in, and
新 for a unit with no previous place."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from bxgc_metrics.export import workbook
from bxgc_metrics.store import Store
from bxgc_metrics.tables.standings import members, standings
from bxgc_ui import exports
from bxgc_ui.ranking_labels import arrow

CONTEXT = exports.Context("2026年1-10月", "全部单位", "2026-11-05")


def _rows(data: bytes) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def _table(db: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    store = Store(db)
    units = store.units()
    table = standings(store.observations(), "FAI", "M", year=2026, sub=10, units=members(units))
    return table, dict(zip(units["code"], units["name_zh"], strict=True))


def test_the_ranking_workbook_names_one_measure_for_its_figures(demo_db_template: Path) -> None:
    """Fixed-asset investment is stored in 万元 and shown in 亿元: the header says 亿元 and
    no line above it says 万元."""
    table, names = _table(demo_db_template)
    sheet = exports.standings_table(
        table, names, indicator="固定资产投资", measure="万元", by="completion", context=CONTEXT
    )
    rows = _rows(workbook([sheet]))
    head = next(i for i, r in enumerate(rows) if "名次" in r)
    assert rows[head][3] == "累计完成（亿元）" and rows[head][4] == "全年目标（亿元）"
    above = " ".join(str(c) for r in rows[:head] for c in r)
    assert "指标：固定资产投资" in above and "万元" not in above


def test_a_unit_without_a_previous_place_reads_new_in_the_workbook(
    demo_db_template: Path,
) -> None:
    table, names = _table(demo_db_template)
    table = table.copy()
    table.loc[0, ["previous_rank", "rank_change"]] = pd.NA  # as a unit new this month
    sheet = exports.standings_table(
        table, names, indicator="固定资产投资", measure="万元", by="completion", context=CONTEXT
    )
    rows = _rows(workbook([sheet]))
    head = next(i for i, r in enumerate(rows) if "名次" in r)
    moves = [r[1] for r in rows[head + 1 : head + 1 + len(table)]]
    assert moves[0] == "新" == arrow(table.loc[0, "rank_change"])
    assert moves[1:] == [float(c) for c in table["rank_change"][1:]]


def test_the_ranking_workbook_names_the_units_that_have_not_reported(
    demo_db_template: Path,
) -> None:
    """A partly reported month's sheet lists the units it ranks without, by name, a name
    that reads as a formula kept as text."""
    table, names = _table(demo_db_template)
    late = [str(u) for u in table["unit_code"][-2:]]
    names = {**names, late[0]: "=HYPERLINK(1)"}
    sheet = exports.standings_table(
        table.iloc[:-2],
        names,
        indicator="固定资产投资",
        measure="万元",
        by="completion",
        context=CONTEXT,
        unreported=late,
    )
    rows = _rows(workbook([sheet]))
    head = next(i for i, r in enumerate(rows) if "名次" in r)
    above = [str(c) for r in rows[:head] for c in r if c != ""]
    assert f"未报送本期数据、未参与排名的单位（2个）：=HYPERLINK(1)、{names[late[1]]}" in above
    assert len(rows) - head - 1 == len(table) - 2
    plain = exports.standings_table(
        table, names, indicator="固定资产投资", measure="万元", by="completion", context=CONTEXT
    )
    assert not any("未报送" in str(c) for r in _rows(workbook([plain])) for c in r)


def test_a_unit_without_a_place_has_no_move_in_the_workbook(demo_db_template: Path) -> None:
    """A unit that reported but has no place (no target) is no new entry: its move cell
    stays empty, where a ranked unit without a previous place reads 新."""
    table, names = _table(demo_db_template)
    table = table.copy()
    table.loc[0, ["previous_rank", "rank_change"]] = pd.NA  # ranked, new this month
    table.loc[1, ["rank", "previous_rank", "rank_change"]] = pd.NA  # reported, no place
    sheet = exports.standings_table(
        table, names, indicator="固定资产投资", measure="万元", by="completion", context=CONTEXT
    )
    rows = _rows(workbook([sheet]))
    head = next(i for i, r in enumerate(rows) if "名次" in r)
    assert rows[head + 1][1] == "新"
    assert rows[head + 2][0] == "" and rows[head + 2][1] == ""
