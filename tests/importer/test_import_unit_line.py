"""A unit line that names several measures (单位：万元、%): each column takes the one that
fits it, and where none can be told the analyst is asked, at the unit line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer.service import ImportPlan, analyse, commit
from bxgc_metrics.importer.unit_line import line_measures
from bxgc_metrics.store import Store
from tests import sheets
from tests.conftest import admin_store, fingerprint

TODAY = dt.date(2026, 11, 25)
GBR, INFRA, GROWTH = "地方一般公共预算收入", "基础设施投资", "规上工业增加值增速"


def run(store: Store, data: bytes, name: str, **kwargs) -> ImportPlan:
    # The demo has two indicators named 基础设施投资 (INFRA, plan four's P4_INFRA); these
    # files mean the monthly one, as an analyst picks it under "Match names".
    kwargs.setdefault("mapping", {"indicators": {INFRA: "INFRA"}})
    return analyse(data, name, store, today=TODAY, **kwargs)


def figures(plan: ImportPlan) -> dict[tuple, float]:
    """Planned figures by (unit, indicator, kind, year, period number)."""
    obs = plan.observations
    columns = ("unit_code", "indicator_code", "value_kind", "year", "sub")
    keys = zip(*(obs[c] for c in columns), strict=True)
    return dict(zip(keys, obs["value"], strict=True))


@pytest.fixture(scope="module")
def reading_store(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One demo database for tests that only analyse (nothing is committed)."""
    path = tmp_path_factory.mktemp("unit_line") / "bxgc.duckdb"
    shutil.copy(demo_db_template, path)
    return admin_store(path)


# --- the unit line's text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("单位：万元、%", ("万元", "%")),
        ("单位：亿元/万人", ("亿元", "万人")),
        ("单位：万元，%", ("万元", "%")),
        ("计量单位：万元；%", ("万元", "%")),
        ("单位:万元,%", ("万元", "%")),
        ("单位: 万元; %", ("万元", "%")),
        ("单位：万元 %", ("万元", "%")),
        ("单位：亿元、％", ("亿元", "%")),
        ("单位：吨标准煤/万元", ("吨标准煤/万元",)),
        ("单位：万元", ("万元",)),
        ("金额单位：万元", ("万元",)),
        ("单位：万元（现价）", ("万元",)),
        ("单位：万元      填报日期：2024年7月10日", ("万元",)),
        ("单位：万元 2024年7月", ("万元",)),
        ("2024年各街道主要指标单位：万元、%", ("万元", "%")),
        ("(单位:万元)", ("万元",)),
        ("单位：（万元）", ("万元",)),  # the measure in brackets is the measure
        ("单位：(亿元)、(%)", ("亿元", "%")),
        ("单位：万元（现价）（2024年）", ("万元",)),
        ("单位：万 元", ("万元",)),  # a space typed inside a measure
        ("单位：亿 元、%", ("亿元", "%")),
        ("填报单位：东城街道    单位：万元", ("万元",)),  # the measure after who reported
        ("填报单位：东城街道 单位:亿元、%", ("亿元", "%")),
        ("填报单位：东城街道", None),
        ("报送单位：区财政局", None),
        ("单位：东城街道办事处", None),
        ("单位名称", None),
        ("单位：", None),
        # written without a colon: a dash, a slash, a space, 为, or nothing at all
        ("单位——万元", ("万元",)),
        ("单位—亿元、%", ("亿元", "%")),
        ("单位－万元", ("万元",)),
        ("单位/万元", ("万元",)),
        ("单位／亿元", ("亿元",)),
        ("单位 万元", ("万元",)),
        ("单位　亿元、%", ("亿元", "%")),
        ("（单位 万元）", ("万元",)),
        ("单位为万元", ("万元",)),
        ("注：本表单位为亿元", ("亿元",)),
        ("单位万元", ("万元",)),
        ("计量单位 万元", ("万元",)),
        # ...but only when a known measure follows: names, indicators, dates are not one
        ("单位 东城街道", None),
        ("单位GDP能耗", None),
        ("单位户数", None),
        ("各单位为确保进度", None),
        ("单位 2026-01", None),
        ("填报单位 东城街道", None),
        ("单位/部门", None),
    ],
)
def test_a_unit_line_gives_its_measures(text: str, measures: tuple | None) -> None:
    assert line_measures(text) == measures


# --- every separator, every layout, every format ----------------------------------------

FORMS = [
    ("单位：万元、%", 1.0),
    ("单位：万元，%", 1.0),
    ("计量单位：万元；%", 1.0),
    ("单位:万元,%", 1.0),
    ("计量单位: 万元; %", 1.0),
    ("单位：亿元/%", 1e-4),
    ("单位：万元 %", 1.0),
    ("单位：亿元、％", 1e-4),
    ("单位：（万元）、（%）", 1.0),
    ("单位：亿 元、%", 1e-4),
    ("填报单位：东城街道    单位：万元、%", 1.0),
    ("单位——万元、%", 1.0),
    ("单位—亿元、%", 1e-4),
    ("单位/万元、%", 1.0),
    ("单位 亿元、%", 1e-4),
    ("单位-万元、%", 1.0),
    ("（单位 万元、%）", 1.0),
    ("单位为亿元、%", 1e-4),
    ("单位万元、%", 1.0),
]
"""(unit line, how a 万元 figure is written there: 1 for 万元, 1e-4 for 亿元)."""

# unit code, name, GBR target and 1-6月 in 万元, INFRA 1-6月 in 万元, growth in %
UNITS = [
    ("JD01", "东城街道", 82812, 41300.5, 24000, 6.5),
    ("JD02", "西城街道", 61000, 30250, 18000, 7.2),
]


def _money(wan: float, scale: float) -> float:
    return round(wan * scale, 6)


def report_rows(line: str, scale: float, at: int = 0) -> tuple[list[list], list[str]]:
    """Title, unit line (in column ``at``), two-row header over three indicators."""
    unit_line = [None] * 7
    unit_line[at] = line
    rows = [
        ["2024年1-6月各街道主要经济指标完成情况", *[None] * 6],
        unit_line,
        ["序号", "单位", GBR, None, None, INFRA, GROWTH],
        [None, None, "全年目标", "1-6月累计", "完成率", "1-6月", "1-6月"],
    ]
    for i, (_code, name, target, ytd, infra, growth) in enumerate(UNITS, start=1):
        rows.append(
            [
                i,
                name,
                _money(target, scale),
                _money(ytd, scale),
                f"{ytd / target * 100:.1f}%",
                _money(infra, scale),
                growth,
            ]
        )
    return rows, ["A1:G1", "A3:A4", "B3:B4", "C3:E3"]


def wide_rows(line: str, scale: float) -> tuple[list[list], list[str]]:
    """One row per unit and indicator, one column per year; the unit line on the right."""
    rows = [["2023-2024年各街道主要经济指标", None, None, None], [None, None, None, line]]
    rows.append(["单位", "指标", "2023年", "2024年"])
    for _code, name, _target, ytd, infra, growth in UNITS:
        rows.append([name, GBR, _money(ytd * 0.9, scale), _money(ytd, scale)])
        rows.append([name, INFRA, _money(infra * 0.9, scale), _money(infra, scale)])
        rows.append([name, GROWTH, growth + 1, growth])
    return rows, []


def long_rows(line: str, scale: float) -> tuple[list[list], list[str]]:
    """The long form under a title and a unit line."""
    rows = [["2024年1-6月各街道主要经济指标", None, None, None], [line, None, None, None]]
    rows.append(["单位", "指标", "期间", "数值"])
    for _code, name, _target, ytd, infra, growth in UNITS:
        rows.append([name, GBR, "2024年1-6月", _money(ytd, scale)])
        rows.append([name, INFRA, "2024年1-6月", _money(infra, scale)])
        rows.append([name, GROWTH, "2024年1-6月", growth])
    return rows, []


def expected(layout: str) -> dict[tuple, float]:
    """Hand-checked figures: money in the indicator's measure (GBR 万元, INFRA 亿元)."""
    out: dict[tuple, float] = {}
    for code, _name, target, ytd, infra, growth in UNITS:
        if layout == "wide":  # a monthly flow's or rate's year is its 1-12月 figure
            out |= {
                (code, "GBR", "actual", 2024, 12): ytd,
                (code, "GBR", "actual", 2023, 12): ytd * 0.9,
                (code, "INFRA", "actual", 2024, 12): infra / 10_000,
                (code, "INFRA", "actual", 2023, 12): infra * 0.9 / 10_000,
                (code, "IVA_G", "actual", 2024, 12): growth,
                (code, "IVA_G", "actual", 2023, 12): growth + 1,
            }
            continue
        out |= {
            (code, "GBR", "actual", 2024, 6): ytd,
            (code, "INFRA", "actual", 2024, 6): infra / 10_000,
            (code, "IVA_G", "actual", 2024, 6): growth,
        }
        if layout == "report":
            out[(code, "GBR", "target", 2024, 0)] = target
    return out


LINE_AT = {"report": ("A", 2), "wide": ("D", 2), "long": ("A", 2)}
BUILD = {"report": report_rows, "wide": wide_rows, "long": long_rows}


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("layout", ["report", "wide", "long"])
@pytest.mark.parametrize(("line", "scale"), FORMS, ids=[f[0] for f in FORMS])
def test_each_column_takes_the_measure_of_the_unit_line_that_fits_it(
    reading_store: Store, line: str, scale: float, layout: str, fmt: str
) -> None:
    data, name = sheets.grid(*BUILD[layout](line, scale), fmt)
    plan = run(reading_store, data, name)
    assert plan.sheets[0].layout == layout
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = figures(plan)
    want = expected(layout)
    assert set(got) == set(want)
    assert got == pytest.approx(want)
    column, row = LINE_AT[layout]
    chosen = [i for i in plan.issues if i.code == "measure_chosen"]
    assert {i.value for i in chosen} == {line}  # as written in the sheet
    assert {(i.row, i.column) for i in chosen} == {(row, column)}
    assert any(GBR in i.zh and GBR in i.en for i in chosen)
    scaled = {i.zh for i in plan.issues if i.code == "converted"}
    note = (INFRA, "÷10,000") if scale == 1.0 else (GBR, "×10,000")  # 万元 → 亿元, 亿元 → 万元
    assert any(note[0] in text and note[1] in text for text in scaled)


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
def test_yi_yuan_and_percent_columns_are_stored_as_checked_by_hand(
    demo_store: Store, fmt: str
) -> None:
    data, name = sheets.grid(*report_rows("单位：亿元、%", 1e-4), fmt)
    commit(run(demo_store, data, name), demo_store)
    gbr = demo_store.observations(unit="JD01", indicator="GBR").set_index(["value_kind", "period"])[
        "value"
    ]
    assert gbr[("target", "2024")] == pytest.approx(82812.0)  # 8.2812 亿元 × 10,000
    assert gbr[("actual", "2024-06")] == pytest.approx(41300.5)  # 4.13005 亿元 × 10,000
    infra = demo_store.observations(unit="JD02", indicator="INFRA").set_index("period")["value"]
    assert infra["2024-06"] == pytest.approx(1.8)  # 亿元 into a 亿元 indicator, as written
    growth = demo_store.observations(unit="JD02", indicator="IVA_G").set_index("period")["value"]
    assert growth["2024-06"] == pytest.approx(7.2)  # % into a % indicator, as written


def test_a_measure_written_in_the_header_wins_over_the_unit_line(reading_store: Store) -> None:
    rows = [
        ["2024年1-6月各街道主要经济指标"],
        ["单位：亿元/万人"],
        ["序号", "单位", f"{GBR}（万元）", INFRA, f"{GROWTH}(%)"],
        [None, None, "1-6月", "1-6月", "1-6月"],
        [1, "东城街道", 41300.5, 2.4, 6.5],
    ]
    plan = run(reading_store, sheets.xlsx_from_rows(rows), "h.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert figures(plan) == pytest.approx(
        {
            ("JD01", "GBR", "actual", 2024, 6): 41300.5,  # 万元 from its header, not 亿元
            ("JD01", "INFRA", "actual", 2024, 6): 2.4,  # 亿元 fits the 亿元 indicator
            ("JD01", "IVA_G", "actual", 2024, 6): 6.5,  # % from its header
        }
    )


def test_new_indicators_take_the_measure_their_words_name(demo_store: Store) -> None:
    rows = [
        ["2024年1-6月各街道主要经济指标"],
        ["单位：亿元、万人、%"],
        ["序号", "单位", "常住人口", "新兴产业营业收入", "城镇新增就业人数", "研发投入占比"],
        [None, None, "1-6月", "1-6月", "1-6月", "1-6月"],
        [1, "东城街道", 12.3, 5.6, 0.42, 3.1],
    ]
    plan = run(demo_store, sheets.xlsx_from_rows(rows), "n.xlsx", create_missing=True)
    assert plan.can_commit, [i.text() for i in plan.errors]
    commit(plan, demo_store)
    indicators = demo_store.indicators().set_index("name_zh")
    assert indicators.loc["常住人口", "measure"] == "万人"
    assert indicators.loc["城镇新增就业人数", "measure"] == "万人"
    assert indicators.loc["新兴产业营业收入", "measure"] == "亿元"
    assert indicators.loc["研发投入占比", "measure"] == "%"
    code = indicators.loc["常住人口", "code"]
    stored = demo_store.observations(unit="JD01", indicator=code)
    assert stored["value"].tolist() == [12.3]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("layout", ["report", "wide"])
def test_a_new_indicator_whose_heading_names_no_measure_is_stored(
    demo_store: Store, layout: str, fmt: str
) -> None:
    """A heading with no measure and no unit line (绿化覆盖面积): the new indicator is
    created with no measure (—), where the preview was clean and the commit failed on
    the indicator's empty measure."""
    if layout == "report":
        rows = [
            ["2026年1-10月各街道主要指标完成情况", None],
            ["单位", "绿化覆盖面积"],
            ["东城街道", 123],
        ]
    else:
        rows = [["各街道绿化覆盖面积", None], ["单位", "2025年"], ["东城街道", 123]]
    plan = run(demo_store, *sheets.grid(rows, fmt), create_missing=True)
    assert plan.can_commit, [i.text() for i in plan.errors]
    commit(plan, demo_store)
    indicator = demo_store.indicators().set_index("name_zh").loc["绿化覆盖面积"]
    assert indicator["measure"] == "—"
    stored = demo_store.observations(unit="JD01", indicator=indicator["code"])
    assert stored["value"].tolist() == [123.0]


# --- where no measure can be told -------------------------------------------------------


def _undecided_report(fmt: str) -> tuple[bytes, str]:
    rows = [
        ["2024年1-6月各街道地方一般公共预算收入完成情况", None, None, None, None],
        [None, None, None, None, "单位：万元、亿元"],
        ["序号", "单位", GBR, None, None],
        [None, None, "全年目标", "1-6月累计", "完成率"],
        [1, "东城街道", 8.2812, 4.13005, "49.9%"],
    ]
    return sheets.grid(rows, fmt, merges=["C3:E3"])


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
def test_two_measures_that_both_fit_ask_at_the_unit_line_and_the_pick_commits(
    demo_store: Store, fmt: str
) -> None:
    data, name = _undecided_report(fmt)
    before = fingerprint(demo_store)
    plan = run(demo_store, data, name)
    assert [i.code for i in plan.errors] == ["measure_undecided"]
    found = plan.errors[0]
    assert (found.sheet, found.row, found.column, found.value) == (
        plan.sheets[0].name,
        2,
        "E",
        "单位：万元、亿元",
    )
    assert GBR in found.zh and "万元" in found.zh and "亿元" in found.zh and "C、D" in found.zh
    assert GBR in found.en and "万元" in found.en and "亿元" in found.en and "C, D" in found.en
    assert "第2行 E列" in found.text("zh") and "row 2, column E" in found.text("en")
    open_ = plan.measure_choices[plan.measure_choices["measure"].isna()]
    assert open_["name"].tolist() == [GBR]
    assert list(open_["options"].iloc[0]) == ["万元", "亿元"]
    with pytest.raises(ValidationError):
        commit(plan, demo_store)
    assert fingerprint(demo_store) == before
    picked = run(demo_store, data, name, measures={GBR: "亿元"})
    assert picked.can_commit, [i.text() for i in picked.errors]
    commit(picked, demo_store)
    stored = demo_store.observations(unit="JD01", indicator="GBR").set_index(
        ["value_kind", "period"]
    )["value"]
    assert stored[("target", "2024")] == pytest.approx(82812.0)
    assert stored[("actual", "2024-06")] == pytest.approx(41300.5)


def test_an_indicator_whose_measure_is_not_on_the_unit_line_is_asked_about(
    demo_store: Store,
) -> None:
    rows = [
        ["2024年1-6月各街道主要指标"],
        ["单位：万元、%"],
        ["序号", "单位", "新开工项目数"],
        [None, None, "1-6月"],
        [1, "东城街道", 14],
    ]
    data = sheets.xlsx_from_rows(rows)
    plan = run(demo_store, data, "p.xlsx")
    assert [i.code for i in plan.errors] == ["measure_undecided"]
    assert (plan.errors[0].row, plan.errors[0].column) == (2, "A")
    assert "个" in plan.errors[0].zh  # the indicator's own measure is named
    assert list(plan.measure_choices["options"].iloc[0]) == ["万元", "%", "个"]
    picked = run(demo_store, data, "p.xlsx", measures={"新开工项目数": "个"})
    assert picked.can_commit, [i.text() for i in picked.errors]
    assert figures(picked) == {("JD01", "NEW_PROJ", "actual", 2024, 6): 14.0}


def test_a_measure_that_does_not_convert_points_at_the_unit_line(demo_store: Store) -> None:
    plan = run(demo_store, sheets.report_xlsx(measure="个"), "r.xlsx")
    found = [i for i in plan.errors if i.code == "measure_mismatch"]
    assert len(found) == 1
    assert (found[0].row, found[0].column, found[0].value) == (2, "A", "单位：个")
    assert "单位行" in found[0].zh and "unit line" in found[0].en


def test_a_picked_measure_that_does_not_convert_points_at_the_unit_line(
    demo_store: Store,
) -> None:
    data, name = _undecided_report("xlsx")
    plan = run(demo_store, data, name, measures={GBR: "%"})
    assert [i.code for i in plan.errors] == ["measure_mismatch"]
    assert (plan.errors[0].row, plan.errors[0].column) == (2, "E")


# --- a unit line below the table, and two that disagree ------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "gbk"])
@pytest.mark.parametrize("layout", ["report", "wide"])
@pytest.mark.parametrize(
    ("line", "scale"),
    [
        ("注：单位为万元、%", 1.0),
        ("单位：亿元、%", 1e-4),
        ("说明：1.本表单位 亿元、%；2.数据来源：区统计局", 1e-4),
    ],
)
def test_a_unit_line_in_a_footnote_below_the_table_is_read(
    reading_store: Store, line: str, scale: float, layout: str, fmt: str
) -> None:
    rows, merges = BUILD[layout](None, scale)  # nothing above the header
    width = len(rows[0])
    rows += [[None] * width, [line, *[None] * (width - 1)]]
    data, name = sheets.grid(rows, fmt, merges=merges)
    plan = run(reading_store, data, name)
    assert plan.sheets[0].layout == layout
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert figures(plan) == pytest.approx(expected(layout))
    chosen = [i for i in plan.issues if i.code == "measure_chosen"]
    assert {(i.row, i.column, i.value) for i in chosen} == {(len(rows), "A", line)}


@pytest.mark.parametrize("fmt", ["xlsx", "gbk"])
def test_two_unit_lines_that_disagree_ask_rather_than_the_first_winning(
    demo_store: Store, fmt: str
) -> None:
    rows = [
        ["2024年1-6月各街道主要经济指标完成情况", None, None, None],
        [None, "单位：万元", None, "单位：亿元"],
        ["序号", "单位", GBR, INFRA],
        [None, None, "1-6月累计", "1-6月"],
        [1, "东城街道", 41300.5, 2.4],
    ]
    data, name = sheets.grid(rows, fmt, merges=["A1:D1"])
    before = fingerprint(demo_store)
    plan = run(demo_store, data, name)
    assert {i.code for i in plan.errors} == {"measure_undecided"}
    assert {(i.row, i.column) for i in plan.errors} == {(2, "B")}
    assert all("万元" in i.zh and "亿元" in i.zh and "D2" in i.value for i in plan.errors)
    assert sorted(plan.measure_choices["name"]) == sorted([GBR, INFRA])
    with pytest.raises(ValidationError):
        commit(plan, demo_store)
    assert fingerprint(demo_store) == before
    picked = run(demo_store, data, name, measures={GBR: "万元", INFRA: "亿元"})
    assert picked.can_commit, [i.text() for i in picked.errors]
    assert figures(picked) == pytest.approx(
        {("JD01", "GBR", "actual", 2024, 6): 41300.5, ("JD01", "INFRA", "actual", 2024, 6): 2.4}
    )


def test_the_same_unit_line_written_twice_is_one_line(reading_store: Store) -> None:
    rows = [
        ["2024年1-6月各街道主要经济指标完成情况", None, "单位：万元"],
        [None, "单位：万元", None],
        ["序号", "单位", GBR],
        [None, None, "1-6月累计"],
        [1, "东城街道", 41300.5],
    ]
    plan = run(reading_store, *sheets.grid(rows, "xlsx"))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert figures(plan) == {("JD01", "GBR", "actual", 2024, 6): 41300.5}
