"""Statistical report forms (统计报表) as offices fill them in: a row of column numbers
under the header (甲 | 1 | 2 | 3), sign-off lines under the table (单位负责人：, 联系电话：)
and columns of row numbers or codes beside the units (行次, 区划代码). None of them is a
unit's figure; each is left out, and said where the reader might wonder.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bxgc_metrics.importer.reading.sheet import column_letter
from bxgc_metrics.importer.service import ImportPlan, analyse
from bxgc_metrics.store import Store
from tests import sheets

TODAY = dt.date(2026, 11, 25)
TITLE = "2026年1-10月各街道地方一般公共预算收入完成情况"
UNITS = {"东城街道": (133130.0, 107529.1), "西城街道": (72633.0, 61123.6)}
"""Each unit's 2026 target and 1-10月 figure (万元)."""
FORMATS = ["xlsx", "csv", "gbk"]


def form(
    header: list, *, under: list | None = None, after: list[list] = (), extra: dict | None = None
) -> list[list]:
    """A title, a unit line, ``header``, the row ``under`` it, a row per unit (``extra``
    gives the cells of other headings, by heading, as a function of the unit's place),
    then the rows ``after`` the table."""
    rows = [[TITLE], ["单位：万元"], header]
    if under is not None:
        rows.append(under)
    for place, (name, (target, figure)) in enumerate(UNITS.items()):
        cells = {"单位": name, "全年目标": target, "1-10月累计": figure}
        cells |= {h: f(place) for h, f in (extra or {}).items()}
        rows.append([cells[h] for h in header])
    rows.append([None])
    return rows + [list(r) for r in after]


def run(store: Store, rows: list[list], fmt: str, **kwargs) -> ImportPlan:
    data, name = sheets.grid(rows, fmt)
    return analyse(data, name, store, today=TODAY, **kwargs)


def planned(plan: ImportPlan) -> set[tuple]:
    """(unit, kind, year, sub, value) of each planned figure."""
    cols = ["unit_code", "value_kind", "year", "sub", "value"]
    return {tuple(r) for r in plan.observations[cols].itertuples(index=False)}


WANTED = {
    ("JD01", "target", 2026, 0, 133130.0),
    ("JD01", "actual", 2026, 10, 107529.1),
    ("JD02", "target", 2026, 0, 72633.0),
    ("JD02", "actual", 2026, 10, 61123.6),
}
HEADER = ["单位", "全年目标", "1-10月累计"]


# --- a row of column numbers under the header ------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "under",
    [
        ["甲", 1, 2],
        ["甲", "1", "2"],
        ["栏次", 1, 2],
        ["乙", "1", "2"],
        ["A", "B", "C"],
        ["甲", "(1)", "(2)"],
        ["甲", "①", "②"],
    ],
)
def test_a_row_of_column_numbers_is_no_unit(store: Store, fmt: str, under: list) -> None:
    """The numbers under a form's headings (甲 for the names, 1, 2… for the figures) were
    read as a unit 甲 with figures 1 and 2: refused as an unknown unit, or, with unknown
    units created, stored as a new unit."""
    for create in (False, True):
        plan = run(store, form(HEADER, under=under), fmt, create_missing=create)
        assert plan.can_commit, [i.text("zh") for i in plan.errors]
        assert planned(plan) == WANTED
        assert plan.new_units.empty
        note = [i for i in plan.issues if i.code == "column_numbers_row"]
        assert [(i.severity, i.row) for i in note] == [("info", 4)]
        shown = " ".join(str(v) for v in under)  # as typed, 1 not 1.0
        assert f"“{shown}”" in note[0].text("zh") and "未导入" in note[0].text("zh")
        assert "not imported" in note[0].text("en")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_row_of_column_numbers_under_a_two_row_header_and_a_serial_column(
    store: Store, fmt: str
) -> None:
    rows = [
        [TITLE],
        ["单位：万元"],
        ["序号", "单位", "地方一般公共预算收入", None],
        [None, None, "全年目标", "1-10月累计"],
        ["甲", "乙", 1, 2],
    ]
    rows += [[k + 1, name, *v] for k, (name, v) in enumerate(UNITS.items())]
    data, name = sheets.grid(rows, fmt, merges=["A3:A4", "B3:B4", "C3:D3"])
    plan = analyse(data, name, store, today=TODAY, create_missing=True)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert planned(plan) == WANTED
    assert plan.new_units.empty
    assert [i.row for i in plan.issues if i.code == "column_numbers_row"] == [5]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_unit_whose_figures_happen_to_count_up_is_still_a_unit(store: Store, fmt: str) -> None:
    """Only a form's own label (甲, 栏次, A) makes a row of 1, 2… the column numbers: a
    unit's figures that read 1, 2 are its figures."""
    rows = [[TITLE], ["单位：个"], ["单位", "全年目标", "1-10月累计"], ["东城街道", 1, 2]]
    data, name = sheets.grid(rows, fmt)
    plan = analyse(data, name, store, today=TODAY)
    assert not [i for i in plan.issues if i.code == "column_numbers_row"]
    assert ("JD01", "actual", 2026, 10, 2.0) in planned(plan)


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
def test_a_labelled_row_whose_cells_are_not_a_count_is_a_unit_to_match(
    store: Store, fmt: str
) -> None:
    """A row labelled 甲 whose figures are not 1, 2, 3… is a row like any other: its unit
    is asked about, never dropped without a word."""
    plan = run(store, form(HEADER, under=["甲", 500, 400]), fmt)
    assert "unknown_unit" in {i.code for i in plan.errors}


# --- sign-off lines under the table -----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "line",
    [
        ["单位负责人：", 5368801234],
        ["单位负责人：王五", None, 13905361234],
        ["主要负责人", "王五", 13905361234],
        ["统计负责人：赵六", 13905361234],
        ["分管领导：孙七", 13905361234],
        ["联系电话：", 5363201101],
        ["联系人：钱八", 13905361234],
        ["填表人：周九", 13905361234],
        ["统计员：吴十", 13905361234],
        ["报出日期：", 20261105],
    ],
)
def test_a_sign_off_line_under_the_table_ends_it(store: Store, fmt: str, line: list) -> None:
    """A sign-off line whose number falls in a figure column was read as a unit with that
    figure (a telephone number as its target): refused as an unknown unit or, with unknown
    units created, stored."""
    for create in (False, True):
        plan = run(store, form(HEADER, after=[line]), fmt, create_missing=create)
        assert plan.can_commit, [i.text("zh") for i in plan.errors]
        assert planned(plan) == WANTED
        assert plan.new_units.empty


# --- columns of row numbers or codes ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("heading", "cells"),
    [
        ("行次", lambda k: k + 1),
        ("行号", lambda k: k + 1),
        ("代码", lambda k: f"37078100{k}"),
        ("区划代码", lambda k: 370781001 + k),
        ("行政区划代码", lambda k: 370781001 + k),
        ("统一社会信用代码", lambda k: f"11370781MB28{k:05d}"),
    ],
)
@pytest.mark.parametrize("header", [["单位", "{}", "1-10月累计"], ["单位", "{}", *HEADER[1:]]])
def test_a_column_of_row_numbers_or_codes_holds_no_figures(
    store: Store, fmt: str, heading: str, cells, header: list
) -> None:
    """Such a column refused the whole sheet (未知指标“行次”), or was warned about as
    figures under no period."""
    header = [h.format(heading) for h in header]
    plan = run(store, form(header, extra={heading: cells}), fmt)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    want = {r for r in WANTED if r[1] == "actual" or "全年目标" in header}
    assert planned(plan) == want
    assert not plan.warnings, [i.text("zh") for i in plan.warnings]


# --- a table printed in blocks side by side -------------------------------------------

LEFT = {
    "东城街道": (133130.0, 107529.1),
    "西城街道": (72633.0, 61123.6),
    "南关街道": (130092.0, 104867.3),
}
RIGHT = {"黄楼镇": (75315.0, 62339.1), "弥河镇": (80043.0, 63967.9)}
CODES = {
    "东城街道": "JD01",
    "西城街道": "JD02",
    "南关街道": "JD03",
    "黄楼镇": "XZ01",
    "弥河镇": "XZ02",
}


def side_by_side(
    *, serial: bool, gap: bool, two_rows: bool, total: str | None = None
) -> list[list]:
    """The units in two blocks side by side, each under the same headings (the second
    block one row shorter; ``total`` puts a 合计 row in that row)."""
    lead = ["序号"] if serial else []
    space = [None] if gap else []
    if two_rows:
        top = [*lead, "单位", "地方一般公共预算收入", None]
        heads = [top + space + top, [*[None] * len(lead), None, "全年目标", "1-10月累计"] * 1]
        heads[1] = heads[1] + space + heads[1]
    else:
        heads = [[*lead, "单位", "全年目标", "1-10月累计"] * 1]
        heads[0] = heads[0] + space + heads[0]
    rows = [[TITLE], ["单位：万元"], *heads]
    right = list(RIGHT.items())
    for k, (name, figures) in enumerate(LEFT.items()):
        left = [*([k + 1] if serial else []), name, *figures]
        if k < len(right):
            other = [*([k + 4] if serial else []), right[k][0], *right[k][1]]
        elif total:
            both = [*LEFT.values(), *RIGHT.values()]
            other = [
                *([None] if serial else []),
                total,
                *(round(sum(f[i] for f in both), 1) for i in (0, 1)),
            ]
        else:
            other = [None] * len(left)
        rows.append(left + space + other)
    return rows


def all_units() -> set[tuple]:
    return {
        (CODES[name], kind, year, sub, value)
        for name, (target, figure) in (LEFT | RIGHT).items()
        for kind, year, sub, value in (("target", 2026, 0, target), ("actual", 2026, 10, figure))
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("serial", [False, True])
@pytest.mark.parametrize("gap", [False, True])
@pytest.mark.parametrize("two_rows", [False, True])
def test_a_table_printed_in_two_blocks_side_by_side_is_one_table(
    store: Store, fmt: str, serial: bool, gap: bool, two_rows: bool
) -> None:
    """A table printed in two blocks side by side (单位 | 全年目标 | 1-10月累计 | 单位 | 全年目标
    | 1-10月累计) was refused with every right-hand figure named a second figure of a
    left-hand unit (同一单位…出现多次), 黄楼镇's under 东城街道."""
    rows = side_by_side(serial=serial, gap=gap, two_rows=two_rows)
    data, name = sheets.grid(rows, fmt)
    plan = analyse(data, name, store, today=TODAY)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert planned(plan) == all_units()
    assert not plan.warnings, [i.text("zh") for i in plan.warnings]
    # each figure where it stands: 黄楼镇's 1-10月 in the second block's last column
    block = len(serial * ["序号"]) + 3
    column = column_letter(block + gap + block - 1)
    obs = plan.observations
    at = obs[(obs["unit_code"] == "XZ01") & (obs["value_kind"] == "actual")]
    assert at[["row", "column"]].values.tolist() == [[5 if two_rows else 4, column]]
    assert obs["column"].nunique() == 4
    note = [i for i in plan.issues if i.code == "side_by_side"]
    assert len(note) == 1 and note[0].severity == "info"


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
def test_a_figure_in_the_second_block_is_named_at_its_own_cell(store: Store, fmt: str) -> None:
    rows = side_by_side(serial=False, gap=False, two_rows=False)
    rows[3][5] = "六万"  # 黄楼镇's 1-10月 (F4)
    data, name = sheets.grid(rows, fmt)
    plan = analyse(data, name, store, today=TODAY)
    [bad] = [i for i in plan.errors if i.code == "not_a_number"]
    assert (bad.row, bad.column, bad.value) == (4, "F", "六万")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_total_of_both_blocks_is_checked_against_every_unit(store: Store, fmt: str) -> None:
    rows = side_by_side(serial=False, gap=True, two_rows=False, total="合计")
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert planned(plan) == all_units()
    assert not [i for i in plan.issues if i.code == "total_mismatch"]
    rows[-1][-1] += 1000  # the total's 1-10月 off by 1,000
    plan = run(store, rows, fmt)
    [off] = [i for i in plan.issues if i.code == "total_mismatch"]
    assert (off.row, off.column) == (6, "G")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_total_row_of_each_indicator_sums_that_indicators_rows(store: Store, fmt: str) -> None:
    """In a sheet of several indicators (单位 | 指标 | 1-9月 | 1-10月), each indicator's 合计
    row was set against the sum of every indicator's rows of its column: a warning at each
    correct total. It sums its own indicator's rows; a wrong one is still said."""
    figures = {
        "地方一般公共预算收入": {"东城街道": (97010.6, 107529.1), "西城街道": (54277.9, 61123.6)},
        "固定资产投资": {"东城街道": (640180.1, 711311.2), "西城街道": (511654.6, 568505.1)},
    }
    rows = [["2026年各街道主要指标完成情况"], ["单位：万元"], ["单位", "指标", "1-9月", "1-10月"]]
    for indicator, units in figures.items():
        rows += [[name, indicator, *pair] for name, pair in units.items()]
        rows.append(
            ["合计", indicator, *(round(sum(p[i] for p in units.values()), 1) for i in (0, 1))]
        )
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert len(plan.observations) == 8
    assert not [i for i in plan.issues if i.code == "total_mismatch"]
    rows[8][3] += 10_000  # 固定资产投资's 合计 of 1-10月 (D9) off by 10,000
    plan = run(store, rows, fmt)
    [off] = [i for i in plan.issues if i.code == "total_mismatch"]
    assert (off.row, off.column) == (9, "D")


# --- a long sheet's 合计 and 小计 rows ----------------------------------------------------------

LONG_FIGURES = {"东城街道": 107529.1, "西城街道": 61123.6, "南关街道": 104867.3}


def long_rows(*extra: tuple) -> list[list]:
    rows = [["单位", "指标", "期间", "数值", "类型"]]
    rows += [[n, "地方一般公共预算收入", "2026-10", v, "实际"] for n, v in LONG_FIGURES.items()]
    return rows + [list(r) for r in extra]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("total", ["合计", "总计", "全区", "全区合计", "合 计", "Total"])
def test_a_long_sheets_total_row_is_checked_not_stored_as_a_unit(
    store: Store, fmt: str, total: str
) -> None:
    """A 合计 row of a long sheet was a unit named 合计: refused as unknown or, with unknown
    units created, stored as a unit that would rank first. It is checked against the sum
    of the units' figures, as a report's 合计 row is."""
    right = round(sum(LONG_FIGURES.values()), 1)
    row = (total, "地方一般公共预算收入", "2026-10", right, "实际")
    for create in (False, True):
        plan = run(store, long_rows(row), fmt, create_missing=create)
        assert plan.can_commit, [i.text("zh") for i in plan.errors]
        assert plan.new_units.empty
        assert sorted(plan.observations["unit_code"]) == ["JD01", "JD02", "JD03"]
        assert not [i for i in plan.issues if i.code == "total_mismatch"]
    wrong = (total, "地方一般公共预算收入", "2026-10", right + 10_000, "实际")
    plan = run(store, long_rows(wrong), fmt)
    [off] = [i for i in plan.issues if i.code == "total_mismatch"]
    assert (off.row, off.column) == (5, "D")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("serial", ["（{}）", "{}、"])
def test_a_long_sheets_units_numbered_as_groups_are_units(
    store: Store, fmt: str, serial: str
) -> None:
    """A long sheet whose every unit is numbered （一）东城街道: each row is its unit's
    figure, where every row was left out as a group's and the file had no figures."""
    rows = long_rows()
    for n, row in zip("一二三", rows[1:], strict=True):
        row[0] = serial.format(n) + row[0]
    plan = run(store, rows, fmt, create_missing=True)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert plan.new_units.empty
    assert not [i for i in plan.issues if i.code == "subtotal_rows"]
    got = dict(zip(plan.observations["unit_code"], plan.observations["value"], strict=True))
    assert got == dict(zip(["JD01", "JD02", "JD03"], LONG_FIGURES.values(), strict=True))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("part", ["小计", "其中：开发区", "街道小计", "一、街道"])
def test_a_long_sheets_subtotal_row_is_left_out_with_a_note(
    store: Store, fmt: str, part: str
) -> None:
    row = (part, "地方一般公共预算收入", "2026-10", 50000.0, "实际")
    plan = run(store, long_rows(row), fmt, create_missing=True)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert plan.new_units.empty
    assert sorted(plan.observations["unit_code"]) == ["JD01", "JD02", "JD03"]
    [note] = [i for i in plan.issues if i.code == "subtotal_rows"]
    assert (note.row, note.column, note.severity) == (5, "A", "info")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "below",
    [
        [("注：数据为快报数",)],
        [(None,), ("注：1.东城街道含开发区收入3200万元；",), ("2.西城街道", None, None, 5000)],
        [("填报人：张三", "联系电话：", 13800000000)],
        [("单位负责人：王五", None, "报出日期：2026年11月5日")],
    ],
)
def test_notes_below_a_long_sheet_end_it(store: Store, fmt: str, below: list[tuple]) -> None:
    """Notes and a sign-off under a long sheet were rows of figures without a period, and
    refused the file (期间“”无法识别). They end the table, and are said."""
    plan = run(store, long_rows(*below), fmt)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert sorted(plan.observations["unit_code"]) == ["JD01", "JD02", "JD03"]
    [note] = [i for i in plan.issues if i.code == "notes_below"]
    first = next(k for k, r in enumerate(below) if r[0])
    assert (note.row, note.column, note.severity) == (5 + first, "A", "info")
    assert below[first][0] in note.text("zh")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_row_after_a_note_that_names_its_period_is_still_read(store: Store, fmt: str) -> None:
    rows = long_rows(
        ("注：数据为快报数",), ("黄楼镇", "地方一般公共预算收入", "2026-10", 62339.1, "实际")
    )
    plan = run(store, rows, fmt)
    assert sorted(plan.observations["unit_code"]) == ["JD01", "JD02", "JD03", "XZ01"]


# --- each unit on several rows, one per role ----------------------------------------------------


def by_role(fmt: str, heading: str, roles: tuple[str, ...], figures: str = "1-10月累计") -> tuple:
    """单位 | ``heading`` | ``figures`` with a row per role of each unit (the name merged
    down them in xlsx, written once in a CSV): this year's 1-10月, 90 % of it, then 8.5."""
    rows = [[TITLE], ["单位：万元"], ["单位", heading, figures]]
    merges = []
    for name, (_, figure) in UNITS.items():
        merges.append(f"A{len(rows) + 1}:A{len(rows) + len(roles)}")
        values = [figure, round(figure * 0.9, 1), 8.5]
        for k, role in enumerate(roles):
            rows.append([name if k == 0 or fmt == "xlsx" else None, role, values[k]])
    return sheets.grid(rows, fmt, merges=merges)


LAST_YEAR = {("JD01", "actual", 2025, 10, 96776.2), ("JD02", "actual", 2025, 10, 55011.2)}
THIS_YEAR = {r for r in WANTED if r[1] == "actual"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("heading", "roles", "figures"),
    [
        ("项目", ("本年", "上年同期"), "1-10月累计"),
        ("类别", ("本年累计", "上年同期"), "1-10月累计"),
        ("", ("本年", "上年"), "1-10月累计"),
        ("指标", ("本期", "同期"), "1-10月累计"),
        ("项目", ("本年", "上年同期", "增长%"), "1-10月累计"),
        ("项目", ("本年", "上年同期"), "累计完成"),
    ],
)
def test_each_unit_on_a_row_per_role_is_read_as_a_column_per_role(
    store: Store, fmt: str, heading: str, roles: tuple[str, ...], figures: str
) -> None:
    """单位 | 项目 | 1-10月累计 with 本年 and 上年同期 on two rows per unit was refused with
    项目 offered as a near match of 新开工项目数, or with 本年 not a number; with unknown
    indicators created, an indicator 项目 or 类别 was offered. Each unit's rows are now
    read as its columns: this year's and last year's 1-10月, each figure at its own cell,
    and a row of growth left out with a note."""
    data, file_name = by_role(fmt, heading, roles, figures)
    for create in (False, True):
        plan = analyse(data, file_name, store, today=TODAY, create_missing=create)
        assert plan.can_commit, [i.text("zh") for i in plan.errors]
        assert planned(plan) == THIS_YEAR | LAST_YEAR
        assert plan.new_indicators.empty and plan.new_units.empty
        obs = plan.observations
        last = obs[(obs["unit_code"] == "JD02") & (obs["year"] == 2025)]
        assert last[["row", "column"]].values.tolist() == [[5 + len(roles), "C"]]
        noted = [i.code for i in plan.issues if i.severity == "info" and i.column == "B"]
        growth = ["role_rows_left_out"] if len(roles) > 2 else []
        assert noted == ["roles_in_rows", *growth]


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
def test_a_figure_on_last_years_row_is_named_at_its_own_cell(store: Store, fmt: str) -> None:
    data, file_name = by_role(fmt, "项目", ("本年", "上年同期"))
    rows = [[TITLE], ["单位：万元"], ["单位", "项目", "1-10月累计"]]
    rows += [["东城街道", "本年", 107529.1], ["东城街道", "上年同期", "九万"]]
    rows += [["西城街道", "本年", 61123.6], ["西城街道", "上年同期", 55011.2]]
    data, file_name = sheets.grid(rows, fmt)
    plan = analyse(data, file_name, store, today=TODAY)
    [bad] = [i for i in plan.errors if i.code == "not_a_number"]
    assert (bad.row, bad.column, bad.value) == (5, "C", "九万")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rows_by_role_under_indicators_across_are_refused_in_their_own_words(
    store: Store, fmt: str
) -> None:
    """单位 | 项目 | 地方一般公共预算收入 | 固定资产投资 with 本年 and 上年同期 rows: last
    year's rows had been read under a column named 上年同期, refused as an unknown
    indicator. The layout is named instead."""
    rows = [[TITLE], ["单位：万元"], ["单位", "项目", "地方一般公共预算收入", "固定资产投资"]]
    rows += [["东城街道", "本年", 107529.1, 711311.2], ["东城街道", "上年同期", 99143.6, 662293.7]]
    rows += [["西城街道", "本年", 61123.6, 568505.1], ["西城街道", "上年同期", 58298.4, 551473.7]]
    plan = run(store, rows, fmt)
    assert [i.code for i in plan.errors] == ["rows_by_role"], [i.text("zh") for i in plan.errors]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("roles", [("本月", "累计"), ("全年目标", "累计")])
def test_rows_of_other_roles_are_refused_in_their_own_words(
    store: Store, fmt: str, roles: tuple[str, str]
) -> None:
    """A unit's rows that are not this year's and last year's figures (本月 above 累计) are
    refused with a message naming the layout, never read as something else."""
    data, file_name = by_role(fmt, "项目", roles)
    plan = analyse(data, file_name, store, today=TODAY, create_missing=True)
    assert [i.code for i in plan.errors] == ["rows_by_role"], [i.text("zh") for i in plan.errors]
    [said] = plan.errors
    assert (said.row, said.column) == (4, "B")
    assert roles[0] in said.text("zh") and roles[1] in said.text("zh")
    assert plan.new_indicators.empty and plan.new_units.empty


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_column_of_indicators_is_no_column_of_roles(store: Store, fmt: str) -> None:
    rows = [["2026年各街道主要指标完成情况"], ["单位：万元"], ["单位", "指标", "1-9月", "1-10月"]]
    rows += [["东城街道", "地方一般公共预算收入", 97010.6, 107529.1]]
    rows += [["东城街道", "固定资产投资", 640180.1, 711311.2]]
    plan = run(store, rows, fmt)
    assert plan.can_commit, [i.text("zh") for i in plan.errors]
    assert len(plan.observations) == 4
