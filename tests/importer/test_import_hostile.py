"""Files that once imported wrong figures, or none, without saying so: each class of input
gets a message naming sheet, row, column and value in Chinese and English, and writes
nothing until it is fixed.

Rankings decide bonuses, so a silently wrong figure is worse than a refusal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import tomllib
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from bxgc_metrics.errors import StoreError, ValidationError
from bxgc_metrics.importer import reading
from bxgc_metrics.importer.service import ImportPlan, analyse, commit
from bxgc_metrics.store import Store
from tests import sheets
from tests.conftest import ROOT, admin_store, fingerprint, run_cli

TODAY = dt.date(2026, 11, 25)
HEADER = ("单位", "指标", "期间", "数值", "类型")


def run(store: Store, data: bytes, name: str, **kwargs) -> ImportPlan:
    return analyse(data, name, store, today=TODAY, **kwargs)


def codes(plan: ImportPlan, severity: str = "error") -> set[str]:
    return {i.code for i in plan.issues if i.severity == severity}


def refused(store: Store, plan: ImportPlan, code: str) -> list:
    """The plan's errors of ``code``; asserts that none of the file is written."""
    found = [i for i in plan.errors if i.code == code]
    assert found, [i.text() for i in plan.issues]
    assert all(i.zh and i.en for i in found)
    before = fingerprint(store)
    with pytest.raises(ValidationError):
        commit(plan, store)
    assert fingerprint(store) == before
    return found


text_file = sheets.text_file


def _long(*rows: tuple, header: tuple = HEADER) -> bytes:
    return sheets.long_csv(list(rows), header=header)


# --- 1. a quoted field left open never swallows rows ----------------------------------------

ROWS = [
    "东城街道,固定资产投资,2024-03,100,实际,{0}",
    "西城街道,固定资产投资,2024-03,200,实际,{1}",
    "黄楼镇,固定资产投资,2024-03,300,实际,{2}",
    "南关街道,固定资产投资,2024-03,400,实际,{3}",
]
OPEN_QUOTES = {
    "open to the end": (['"见附件', "", "", ""], 2),
    "closed by a later quote": (['"见附件', "", '"续"', ""], 2),
    "in the second row": (["", '"待核实', "", ""], 3),
}
"""备注 cells of the four rows, and the line whose quote stays open."""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("case", list(OPEN_QUOTES))
def test_an_open_quote_in_an_ignored_column_is_an_error_naming_its_line(
    demo_store: Store, encoding: str, newline: str, case: str
) -> None:
    notes, line = OPEN_QUOTES[case]
    rows = [r.format(*notes) for r in ROWS]
    data = text_file(["单位,指标,期间,数值,类型,备注", *rows], encoding, newline)
    plan = run(demo_store, data, "备注.csv")
    found = refused(demo_store, plan, "unclosed_quote")
    assert found[0].row == line and found[0].column == "F"
    assert f"第{line}行" in found[0].text("zh") and f"row {line}" in found[0].text("en")


def test_an_open_quote_in_a_value_column_is_an_error_too(demo_store: Store) -> None:
    data = text_file(["单位,指标,期间,数值", '东城街道,固定资产投资,2024-03,"100', *ROWS[1:3]])
    found = refused(demo_store, run(demo_store, data, "v.csv"), "unclosed_quote")
    assert found[0].row == 2 and found[0].column == "D"


def test_a_note_written_over_two_lines_still_imports(demo_store: Store) -> None:
    notes = ['"第一行\n第二行"', "", '"a, b"', ""]
    rows = [r.format(*notes) for r in ROWS]
    plan = run(demo_store, text_file(["单位,指标,期间,数值,类型,备注", *rows]), "n.csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"]) == [100.0, 200.0, 300.0, 400.0]


# --- 2. ambiguous names; export → import is a no-op -----------------------------------------


@pytest.mark.parametrize(
    ("name", "candidates"),
    [
        ("基础设施投资", {"INFRA", "P4_INFRA"}),  # two indicators share the Chinese name
        ("Industrial investment", {"IND_INV", "P4_IND_INV"}),  # and an English one
        ("households moved in", {"HOUSEHOLDS", "P4_HOUSEHOLDS"}),
    ],
)
def test_an_indicator_name_two_indicators_share_lists_both(
    demo_store: Store, name: str, candidates: set[str]
) -> None:
    data = _long(("东城街道", name, "2024-06", "1000", "实际"))
    found = refused(demo_store, run(demo_store, data, "a.csv"), "ambiguous_indicator")
    assert len(found) == 1 and found[0].row == 2 and found[0].column == "B"
    assert all(code in found[0].zh and code in found[0].en for code in candidates)
    chosen = run(demo_store, data, "a.csv", mapping={"indicators": {name: min(candidates)}})
    assert chosen.can_commit and set(chosen.observations["indicator_code"]) == {min(candidates)}


@pytest.mark.parametrize("column", ["name_zh", "name_en"])
def test_a_unit_name_two_units_share_lists_both(demo_store: Store, column: str) -> None:
    units = demo_store.units()
    twin = units[units["code"] == "JD02"].assign(code="JD99")
    demo_store.upsert_units(twin)
    written = twin[column].iloc[0]
    data = _long((written, "固定资产投资", "2024-06", "1000", "实际"))
    found = refused(demo_store, run(demo_store, data, "u.csv"), "ambiguous_unit")
    assert "JD02" in found[0].zh and "JD99" in found[0].en and found[0].value == written


def test_a_code_column_resolves_a_shared_name_and_must_agree_with_it(demo_store: Store) -> None:
    header = (*HEADER, "unit_code", "indicator_code")
    ok = _long(("东城街道", "基础设施投资", "2024", "5", "目标", "JD01", "P4_INFRA"), header=header)
    plan = run(demo_store, ok, "c.csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert plan.observations[["unit_code", "indicator_code"]].values.tolist() == [
        ["JD01", "P4_INFRA"]
    ]
    other = _long(("东城街道", "固定资产投资", "2024", "5", "目标", "JD02", "FAI"), header=header)
    found = refused(demo_store, run(demo_store, other, "c.csv"), "code_name_mismatch")
    assert found[0].row == 2 and "JD02" in found[0].zh and "西城街道" in found[0].zh
    unknown = _long(("东城街道", "固定资产投资", "2024", "5", "目标", "JD77", "FAI"), header=header)
    refused(demo_store, run(demo_store, unknown, "c.csv"), "unknown_unit_code")


def test_export_then_import_of_the_whole_database_is_an_exact_no_op(
    demo_db: Path, tmp_path: Path
) -> None:
    store = admin_store(demo_db)
    units = store.units()  # a unit sharing another's Chinese name
    store.upsert_units(units[units["code"] == "JD03"].assign(code="JD98", name_en="Twin"))
    out = tmp_path / "all.csv"
    assert run_cli("export", "--db", str(demo_db), "--out", str(out)).returncode == 0
    before = (store.observations(), len(store.batches()), store.units())
    done = run_cli("import", str(out), "--db", str(demo_db))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "新增 new 0 · 修改 changed 0" in done.stdout
    assert "no new batch" in done.stdout
    pd.testing.assert_frame_equal(store.observations(), before[0])
    assert len(store.batches()) == before[1]
    pd.testing.assert_frame_equal(store.units(), before[2])


# --- 3. new codes never collide; reference tables are never overwritten unasked -------------


def test_a_new_unit_whose_code_would_collide_gets_its_own(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = demo_store.units()
    real_sha1 = hashlib.sha1
    monkeypatch.setattr(hashlib, "sha1", lambda _data=b"", **_kw: real_sha1(b"one digest"))
    taken = "U_" + real_sha1(b"one digest").hexdigest()[:6].upper()
    old = units[units["code"] == "JD04"].assign(code=taken, name_zh="老城街道", name_en="Old")
    demo_store.upsert_units(old)
    data = _long(
        ("新城街道", "固定资产投资", "2024-06", "10", "实际"),
        ("新区街道", "固定资产投资", "2024-06", "20", "实际"),
        ("开发区", "新指标甲", "2024-06", "30", "实际"),
        ("开发区", "新指标乙", "2024-06", "40", "实际"),
    )
    plan = run(demo_store, data, "new.csv", create_missing=True)
    assert plan.can_commit, [i.text() for i in plan.errors]
    new_units = plan.new_units["code"].tolist()
    new_inds = plan.new_indicators["code"].tolist()
    assert len(set(new_units)) == 3 and len(set(new_inds)) == 2
    assert not set(new_units) & set(units["code"]) and taken not in new_units
    commit(plan, demo_store)
    after = demo_store.units().set_index("code")
    assert after.loc[taken, "name_zh"] == "老城街道"
    assert after.loc[taken, "peer_group"] == old["peer_group"].iloc[0]
    stored = demo_store.observations(indicator="FAI")
    by_unit = stored[stored["period"] == "2024-06"].set_index("unit_code")["value"]
    assert sorted(by_unit[new_units[:2]].tolist()) == [10.0, 20.0] and taken not in by_unit


def test_a_new_unit_never_replaces_a_stored_one(demo_store: Store) -> None:
    before = demo_store.units()
    figure = pd.DataFrame(
        {
            "unit_code": ["JD01"],
            "indicator_code": ["FAI"],
            "freq": ["M"],
            "year": [2024],
            "sub": [6],
            "value_kind": ["actual"],
            "value": [10.0],
            "cumulative": [True],
        }
    )
    clash = pd.DataFrame({"code": ["JD01"], "name_zh": ["新城街道"], "kind": ["街道"]})
    with pytest.raises(StoreError, match="JD01"):
        demo_store.write_observations(figure, file_name="n.csv", new_units=clash)
    pd.testing.assert_frame_equal(demo_store.units(), before)


def test_writing_some_fields_of_a_unit_keeps_the_others(demo_store: Store) -> None:
    before = demo_store.units().set_index("code").loc["JD01"]
    demo_store.upsert_units(pd.DataFrame({"code": ["JD01"], "name_en": ["Dongcheng"]}))
    demo_store.upsert_indicators(pd.DataFrame({"code": ["FAI"], "name_en": ["FAI"]}))
    after = demo_store.units().set_index("code").loc["JD01"]
    assert after["name_en"] == "Dongcheng"
    assert after.drop("name_en").equals(before.drop("name_en"))
    fai = demo_store.indicators().set_index("code").loc["FAI"]
    assert (fai["name_zh"], fai["measure"], fai["kind"]) == ("固定资产投资", "万元", "flow")


def test_units_and_indicators_an_import_creates_are_audited(demo_store: Store) -> None:
    data = _long(("新城街道", "新指标", "2024-06", "10", "实际"))
    commit(run(demo_store, data, "n.csv", create_missing=True), demo_store)
    log = demo_store.audit_log()
    made = log[log["action"].isin(["units", "indicators"])]
    assert set(made["action"]) == {"units", "indicators"}
    assert made["after_json"].str.contains("新城街道").any()
    assert made["after_json"].str.contains("新指标").any()


# --- 4. numbers are read, or refused, never guessed ----------------------------------------


@pytest.mark.parametrize("raw", ["389005,5", "322.600,5", "1.234.567", "12,34", "1,2345", "0,5"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_comma_that_may_be_a_decimal_point_is_refused(
    demo_store: Store, raw: str, fmt: str
) -> None:
    rows = [list(HEADER), ["东城街道", "固定资产投资", "2024-06", raw, "实际"]]
    data, name = sheets.grid(rows, fmt)
    found = refused(demo_store, run(demo_store, data, name), "ambiguous_number")
    assert found[0].value == raw and found[0].row == 2 and found[0].column == "D"
    assert raw in found[0].zh and raw in found[0].en


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("１２，３４５.６", 12345.6),
        ("1 234", 1234.0),
    ],
)
def test_thousands_separators_still_read(demo_store: Store, raw: str, value: float) -> None:
    data, name = sheets.grid(
        [list(HEADER), ["东城街道", "固定资产投资", "2024-06", raw, "实际"]], "csv"
    )
    plan = run(demo_store, data, name)
    assert plan.can_commit and plan.observations["value"].tolist() == [value]


@pytest.mark.parametrize(
    "raw", ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
)
def test_an_excel_error_in_a_value_cell_is_an_error(demo_store: Store, raw: str) -> None:
    data, name = sheets.grid(
        [list(HEADER), ["东城街道", "固定资产投资", "2024-06", raw, "实际"]], "csv"
    )
    found = refused(demo_store, run(demo_store, data, name), "excel_error")
    assert found[0].value == raw and (found[0].row, found[0].column) == (2, "D")


@pytest.mark.parametrize("raw", ["NaN", "nan", "null", "NULL", "None", "N/A", "NA"])
def test_a_program_s_missing_marker_is_named_not_skipped_silently(
    demo_store: Store, raw: str
) -> None:
    rows = [
        list(HEADER),
        ["东城街道", "固定资产投资", "2024-06", raw, "实际"],
        ["西城街道", "固定资产投资", "2024-06", "5", "实际"],
    ]
    plan = run(demo_store, *sheets.grid(rows, "csv"))
    found = [i for i in plan.warnings if i.code == "missing_marker"]
    assert found and found[0].value == raw and (found[0].row, found[0].column) == (2, "D")
    assert plan.observations["unit_code"].tolist() == ["JD02"]


@pytest.mark.parametrize("raw", ["", "—", "-", "－", "——"])
def test_blank_and_dashes_stay_quietly_missing(demo_store: Store, raw: str) -> None:
    rows = [
        list(HEADER),
        ["东城街道", "固定资产投资", "2024-06", raw, "实际"],
        ["西城街道", "固定资产投资", "2024-06", "5", "实际"],
    ]
    plan = run(demo_store, *sheets.grid(rows, "csv"))
    assert plan.can_commit and not codes(plan, "warning") & {"missing_marker"}
    assert plan.observations["unit_code"].tolist() == ["JD02"]


@pytest.mark.parametrize(
    ("measure", "raw"), [("亿元", "1e308"), ("亿元", "1e12"), ("万元", "1e16"), ("元", "1e300")]
)
def test_a_figure_too_large_for_any_report_is_refused_after_conversion(
    demo_store: Store, measure: str, raw: str
) -> None:
    header = (*HEADER, "计量单位")
    data = _long(("东城街道", "固定资产投资", "2024-06", raw, "实际", measure), header=header)
    found = refused(demo_store, run(demo_store, data, "big.csv"), "too_large")
    assert found[0].value == raw and found[0].row == 2


def test_a_percent_sign_in_a_money_column_is_an_error(demo_store: Store) -> None:
    data = _long(
        ("东城街道", "固定资产投资", "2024-06", "38%", "实际"),
        ("东城街道", "规上工业增加值增速", "2024-06", "8.5%", "实际"),
    )
    found = refused(demo_store, run(demo_store, data, "p.csv"), "percent_in_amount")
    assert len(found) == 1 and found[0].value == "38%" and found[0].row == 2
    ok = run(
        demo_store, _long(("东城街道", "规上工业增加值增速", "2024-06", "8.5%", "实际")), "p.csv"
    )
    assert ok.can_commit and ok.observations["value"].tolist() == [8.5]


@pytest.mark.parametrize("writer", sheets.STYLED_WRITERS)
@pytest.mark.parametrize("code", ["0.0%", "0%", "0.00%", '0.0"%"', "#,##0.0%;-#,##0.0%"])
def test_a_cell_shown_as_a_percentage_is_the_percentage_it_shows(
    demo_store: Store, writer: str, code: str
) -> None:
    """Excel shows 0.065 formatted as a percentage as 6.5%: the analyst means 6.5, and a %
    indicator stores 6.5, in a long, a wide and a report sheet alike. (A number format
    that writes % as text, ``0.0"%"``, shows the number itself: 0.065 stays 0.065.)"""
    literal = code == '0.0"%"'
    long_rows = [
        ["单位", "指标", "期间", "数值", "类型"],
        ["东城街道", "规上工业增加值增速", "2024-06", 0.065, "实际"],
        ["西城街道", "规上工业增加值增速", "2024-06", 0.072, "实际"],
        ["西城街道", "固定资产投资", "2024-06", 0.5, "实际"],  # 0.5 万元, not a percentage
    ]
    plan = run(
        demo_store,
        sheets.styled_xlsx(long_rows, {"D2": code, "D3": code}, writer),
        sheets.styled_name("p", writer),
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = sorted(plan.observations["value"].tolist())
    assert got == pytest.approx([0.065, 0.072, 0.5] if literal else [0.5, 6.5, 7.2])
    wide_rows = [
        ["单位", "指标", "2023年", "2024年"],
        ["东城街道", "规上工业增加值增速", 0.071, 0.065],
    ]
    plan = run(
        demo_store,
        sheets.styled_xlsx(wide_rows, {"C2": code, "D2": code}, writer),
        sheets.styled_name("w", writer),
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = sorted(plan.observations["value"].tolist())
    assert got == pytest.approx([0.065, 0.071] if literal else [6.5, 7.1])


@pytest.mark.parametrize("writer", sheets.STYLED_WRITERS)
@pytest.mark.parametrize(
    ("code", "stored"),
    [
        ("0!.0000", 1e4),
        ('0"."0000', 1e4),
        ("0\\.0000", 1e4),
        ("#,##0,", 1e3),
        ("0.0,,", 1e6),
        # a point put in and commas after it: each divides (0!.0, is 10 × 1,000)
        ("0!.0,", 1e4),
        ('0"."0,', 1e4),
        ("0\\.0,", 1e4),
        ("#,##0!.0,", 1e4),
        ("0!.00,,", 1e8),
    ],
)
def test_a_cell_whose_format_scales_it_is_the_figure_it_shows(
    demo_store: Store, writer: str, code: str, stored: float
) -> None:
    """Chinese sheets keep 元 and show 万元 with a number format (``0!.0000`` puts a point
    four places in; ``#,##0,`` drops three places): the figure is what the sheet shows,
    in the measure its unit line names."""
    measure = "单位：万元"
    rows = [
        ["2024年1-6月各街道主要指标完成情况", None, None],
        [measure, None, None],
        ["单位", "地方一般公共预算收入", None],
        [None, "全年目标", "1-6月累计"],
        ["东城街道", 82812 * stored, 41300.5 * stored],
    ]
    plan = run(
        demo_store,
        sheets.styled_xlsx(rows, {"B5": code, "C5": code}, writer),
        sheets.styled_name("r", writer),
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    got = plan.observations.set_index("value_kind")["value"]
    assert got["target"] == pytest.approx(82812.0) and got["actual"] == pytest.approx(41300.5)


@pytest.mark.parametrize("writer", sheets.STYLED_WRITERS)
def test_a_report_s_rates_shown_as_percentages_are_checked_as_shown(
    demo_store: Store, writer: str
) -> None:
    rows = [
        ["2024年1-6月各街道主要指标完成情况", None, None, None, None],
        ["单位：万元、%", None, None, None, None],
        ["单位", "地方一般公共预算收入", None, None, "规上工业增加值增速"],
        [None, "全年目标", "1-6月累计", "完成率", "1-6月"],
        ["东城街道", 82812, 41300.5, 0.4987, 0.065],
    ]
    formats = {"D5": "0.0%", "E5": "0.0%"}
    plan = run(
        demo_store, sheets.styled_xlsx(rows, formats, writer), sheets.styled_name("r", writer)
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert not [i for i in plan.issues if i.code == "completion_mismatch"]
    got = plan.observations.set_index(["indicator_code", "value_kind"])["value"]
    assert got[("IVA_G", "actual")] == pytest.approx(6.5)
    assert got[("GBR", "actual")] == pytest.approx(41300.5)
    # a money figure formatted as a percentage shows 1250.0%: refused, as a typed % would be
    rows[4][2] = 12.5
    formats["C5"] = "0.0%"
    plan = run(
        demo_store, sheets.styled_xlsx(rows, formats, writer), sheets.styled_name("r", writer)
    )
    found = [i for i in plan.errors if i.code == "percent_in_amount"]
    assert [(i.row, i.column, i.value) for i in found] == [(5, "C", "1250%")]


@pytest.mark.parametrize("writer", sheets.STYLED_WRITERS)
def test_figures_in_hidden_rows_and_columns_are_imported_and_said(
    demo_store: Store, writer: str
) -> None:
    """A row or column hidden in Excel is easily forgotten, and its figures would be
    imported unseen: they are still imported (SUM counts them too), with a warning that
    names the hidden rows and columns that hold figures."""
    rows = [
        ["2023-2024年各街道主要指标", None, None, None],
        ["单位", "指标", "2023年", "2024年"],
        ["东城街道", "规上工业增加值增速", 7.1, 6.5],
        ["西城街道", "规上工业增加值增速", 6.0, 5.5],
        ["黄楼镇", "规上工业增加值增速", 5.0, 4.5],
    ]
    data = sheets.styled_xlsx(rows, hidden_rows=[1, 4], hidden_columns=["C"], writer=writer)
    plan = run(demo_store, data, sheets.styled_name("h", writer))
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert len(plan.observations) == 6  # nothing left out
    said = {i.code: i for i in plan.issues if i.code.startswith("hidden_")}
    assert set(said) == {"hidden_rows", "hidden_columns"}
    rows_said, columns_said = said["hidden_rows"], said["hidden_columns"]
    assert rows_said.severity == columns_said.severity == "warning"
    assert (rows_said.row, rows_said.column) == (4, "C")  # the title row holds no figure
    assert "第4行" in rows_said.zh and "2 个" in rows_said.zh and "row 4" in rows_said.en
    assert (columns_said.row, columns_said.column) == (3, "C")
    assert "C列" in columns_said.zh and "3 个" in columns_said.zh and "column C" in columns_said.en
    shown = run(
        demo_store,
        sheets.styled_xlsx(rows, hidden_rows=[1], hidden_columns=["E"], writer=writer),
        sheets.styled_name("s", writer),
    )
    assert not [i for i in shown.issues if i.code.startswith("hidden_")]


@pytest.mark.parametrize(
    ("cached", "excel", "severity", "code"),
    [
        (None, False, "error", "formula_not_calculated"),
        (0, False, "error", "formula_not_calculated"),
        (0, True, "warning", "formula_zero"),
        ("#DIV/0!", True, "error", "excel_error"),
    ],
)
def test_a_formula_without_a_real_result_is_reported(
    demo_store: Store, cached: object, excel: bool, severity: str, code: str
) -> None:
    plan = run(demo_store, sheets.formula_xlsx(cached, calculated_by_excel=excel), "f.xlsx")
    found = [i for i in plan.issues if i.code == code]
    assert found and found[0].severity == severity, [i.text() for i in plan.issues]
    assert (found[0].sheet, found[0].row, found[0].column) == ("Sheet1", 3, "D")
    assert "D2*2" in found[0].zh or code == "excel_error"


@pytest.mark.parametrize(
    ("cached", "typed", "severity", "code"),
    [
        (0, False, "warning", "formula_zero"),
        ("#DIV/0!", False, "error", "excel_error"),
        ("#REF!", False, "error", "excel_error"),
        ("#DIV/0!", True, "error", "excel_error"),
        ("#NAME?", True, "error", "excel_error"),
    ],
)
def test_a_legacy_xls_figure_without_a_real_result_is_reported(
    demo_store: Store, cached: object, typed: bool, severity: str, code: str
) -> None:
    """An .xls formula whose stored result is an Excel error, or an error value typed into
    the cell, reads as an empty cell: named at its cell as in an xlsx, never skipped as no
    figure; a formula giving 0 is a warning."""
    plan = run(demo_store, sheets.formula_xls(cached, typed=typed), "f.xls")
    found = [i for i in plan.issues if i.code == code]
    assert found and found[0].severity == severity, [i.text() for i in plan.issues]
    assert (found[0].sheet, found[0].row, found[0].column) == ("Sheet1", 3, "D")
    if code == "excel_error":
        assert found[0].value == cached and not plan.can_commit
    else:
        assert "D2*2" in found[0].zh and sorted(plan.observations["value"]) == [0.0, 5.0]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_formula_with_its_result_imports_the_result(demo_store: Store, kind: str) -> None:
    data = sheets.formula_xlsx(10) if kind == "xlsx" else sheets.formula_xls(10)
    plan = run(demo_store, data, f"f.{kind}")
    assert plan.can_commit and sorted(plan.observations["value"]) == [5.0, 10.0]
    assert not [i for i in plan.issues if i.code in ("stale_formulas", "formula_zero")]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
@pytest.mark.parametrize("cached", [10, 7])  # 7: a result left from before D2 changed
def test_a_formula_in_a_workbook_calculated_by_hand_is_a_warning(
    demo_store: Store, cached: int, kind: str
) -> None:
    """A workbook set to calculate by hand keeps each formula's last result, which may
    predate the figures it reads: imported as stored, with a warning at the first such
    figure, counting them; a legacy .xls as an xlsx."""
    if kind == "xlsx":
        data = sheets.formula_xlsx(cached, calculated_by_excel=True, manual=True)
    else:
        data = sheets.formula_xls(cached, manual=True)
    plan = run(demo_store, data, f"f.{kind}")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert sorted(plan.observations["value"]) == sorted([5.0, float(cached)])
    found = [i for i in plan.issues if i.code == "stale_formulas"]
    assert [(i.severity, i.sheet, i.row, i.column) for i in found] == [
        ("warning", "Sheet1", 3, "D")
    ]
    assert "F9" in found[0].zh and "F9" in found[0].en and "1" in found[0].zh


def test_a_value_cell_merged_over_several_units_is_an_error(demo_store: Store) -> None:
    rows = [
        ["2024年1-6月固定资产投资"],
        ["单位：万元"],
        ["序号", "单位", "1-6月累计"],
        [1, "东城街道", 300],
        [2, "西城街道", None],
        [3, "黄楼镇", None],
        [4, "南关街道", 50],
    ]
    data = sheets.xlsx_from_rows(rows, merges=["C4:C6"])
    found = refused(demo_store, run(demo_store, data, "m.xlsx"), "merged_value")
    assert (found[0].row, found[0].column, found[0].value) == (4, "C", "300.0")
    assert "C4:C6" in found[0].zh and "C4:C6" in found[0].en


def test_a_unit_name_merged_over_its_indicator_rows_still_imports(demo_store: Store) -> None:
    rows = [
        ["单位", "指标", "2023年", "2024年"],
        ["东城街道", "固定资产投资", 10, 20],
        [None, "工业投资", 1, 2],
    ]
    plan = run(demo_store, sheets.xlsx_from_rows(rows, merges=["A2:A3"]), "w.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert set(plan.observations["unit_code"]) == {"JD01"} and len(plan.observations) == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_two_value_columns_are_an_error_naming_both(demo_store: Store, fmt: str) -> None:
    rows = [
        ["单位", "指标", "期间", "数量", "金额"],
        ["东城街道", "固定资产投资", "2024-06", 3, 1200],
    ]
    found = refused(demo_store, run(demo_store, *sheets.grid(rows, fmt)), "two_value_columns")
    assert found[0].row == 1 and "D" in found[0].zh and "E" in found[0].zh
    assert "数量" in found[0].en and "金额" in found[0].en


# --- 5. a parenthesised qualifier is a near match ------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind", "suggested"),
    [
        ("东城街道（新区）", "unit", "JD01"),
        ("东城街道(新区)", "unit", "JD01"),
        ("黄楼镇（北片）", "unit", "XZ01"),
        ("固定资产投资（调整后）", "indicator", "FAI"),
    ],
)
def test_a_parenthesised_qualifier_is_a_near_match_to_confirm(
    demo_store: Store, written: str, kind: str, suggested: str
) -> None:
    row = (written, "固定资产投资") if kind == "unit" else ("东城街道", written)
    data = _long((*row, "2024-06", "1", "实际"))
    plan = run(demo_store, data, "q.csv")
    found = refused(demo_store, plan, f"confirm_{kind}")
    shown = unicodedata.normalize("NFKC", written)  # as the importer reads full-width text
    assert found[0].value == shown
    matches = plan.unit_matches if kind == "unit" else plan.indicator_matches
    assert matches.set_index("name").loc[shown, "suggestion"] == suggested
    confirmed = run(demo_store, data, "q.csv", mapping={f"{kind}s": {written: suggested}})
    assert confirmed.can_commit


# --- 7. one upload limit; wide files refused or handled in seconds -------------------------


def test_one_upload_limit_for_the_importer_the_server_and_the_readme() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == reading.UPLOAD_LIMIT_MB
    assert reading.Limits().max_bytes == reading.UPLOAD_LIMIT_MB * 1024 * 1024
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"{reading.UPLOAD_LIMIT_MB} MB" in readme
    page = (ROOT / "pages" / "upload.py").read_text("utf-8")
    assert "max_upload_size=UPLOAD_LIMIT_MB" in page


def test_a_file_over_the_upload_limit_is_refused_by_size(demo_store: Store) -> None:
    data = b"x" * (reading.Limits().max_bytes + 1)
    plan = run(demo_store, data, "big.csv")
    found = refused(demo_store, plan, "file_too_large")
    assert f"{reading.UPLOAD_LIMIT_MB} MB" in found[0].zh


@pytest.mark.parametrize("columns", [16_384, 20_000])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_thousands_of_columns_wide_is_refused_in_seconds(
    demo_store: Store, columns: int, fmt: str
) -> None:
    if fmt == "xlsx" and columns > 16_384:
        columns = 16_384  # Excel's own limit; the widest sheet there is
    data = sheets.many_columns(columns, fmt)
    start = time.perf_counter()
    plan = run(demo_store, data, f"wide.{fmt}")
    took = time.perf_counter() - start
    found = refused(demo_store, plan, "too_many_columns")
    assert f"{columns:,}" in found[0].zh and f"{reading.Limits().max_columns:,}" in found[0].en
    assert took < 10, took


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_at_the_column_limit_is_read_in_seconds(demo_store: Store, fmt: str) -> None:
    columns = reading.Limits().max_columns
    data = sheets.many_columns(columns, fmt)
    start = time.perf_counter()
    plan = run(
        demo_store, data, f"wide.{fmt}", mapping={"indicators": {"wide": "FAI", "宽": "FAI"}}
    )
    took = time.perf_counter() - start
    assert not codes(plan) & {"too_many_columns"}
    assert plan.sheets[0].layout == "wide" and plan.sheets[0].figures == 2 * (columns - 1)
    assert took < 15, took


# --- 8. no tracebacks ---------------------------------------------------------------------

EXPORT_HEADER = "unit,indicator,period,kind,value,measure,cumulative,unit_code,indicator_code"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_only_export_is_a_message(demo_store: Store, fmt: str) -> None:
    data, name = sheets.grid([EXPORT_HEADER.split(",")], fmt)
    refused(demo_store, run(demo_store, data, name), "no_figures")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (
            b"\xef\xbb\xbf"
            + "单位,指标,期间,数值\n东城街道,固定资产投资,2024-06,1\n".encode("gbk"),
            1,
        ),
        (
            b"\xef\xbb\xbf"
            + "单位,指标,期间,数值\n".encode()
            + "东城街道,固定资产投资,2024-06,1\n".encode("gbk"),
            2,
        ),
        (
            b"\xff\xfe"
            + "单位,指标,期间,数值\n东城街道,固定资产投资,2024-06,1".encode("utf-16-le")
            + b"\x00",
            2,
        ),
        (b"\xfe\xff" + "单位,指标,期间,数值\n东城".encode("utf-16-be") + b"\x4e", 2),
    ],
    ids=[
        "gbk after a utf-8 bom",
        "gbk in line 2 after a utf-8 bom",
        "odd utf-16-le",
        "odd utf-16-be",
    ],
)
def test_bytes_that_break_their_byte_order_mark_are_a_message_naming_the_line(
    demo_store: Store, data: bytes, line: int
) -> None:
    found = refused(demo_store, run(demo_store, data, "enc.csv"), "bad_encoding")
    assert found[0].row == line and f"第{line}行" in found[0].text("zh")


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_cr_only_line_endings_are_read(demo_store: Store, encoding: str) -> None:
    data = text_file(
        [
            ",".join(HEADER),
            "东城街道,固定资产投资,2024-06,1,实际",
            "西城街道,固定资产投资,2024-06,2,实际",
        ],
        encoding,
        "\r",
    )
    plan = run(demo_store, data, "mac.csv")
    assert plan.can_commit, [i.text() for i in plan.issues]
    assert plan.observations["value"].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_twenty_megabyte_cell_is_a_message_naming_its_row(
    demo_store: Store, quoted: bool
) -> None:
    note = "x" * 20_000_000
    note = f'"{note}"' if quoted else note
    data = text_file(
        [
            "单位,指标,期间,数值,备注",
            "东城街道,固定资产投资,2024-06,1,ok",
            f"西城街道,固定资产投资,2024-06,2,{note}",
        ]
    )
    found = refused(demo_store, run(demo_store, data, "big.csv"), "cell_too_long")
    assert found[0].row == 3 and found[0].column == "E"


def test_the_command_line_prints_messages_never_a_traceback(demo_db: Path, tmp_path: Path) -> None:
    files = {
        "bom.csv": b"\xef\xbb\xbf"
        + "单位,指标,期间,数值\n东城街道,固定资产投资,2024-06,1\n".encode("gbk"),
        "open.csv": text_file(
            [
                "单位,指标,期间,数值,备注",
                '东城街道,固定资产投资,2024-06,1,"x',
                "西城街道,固定资产投资,2024-06,2,",
            ]
        ),
        "header.csv": (EXPORT_HEADER + "\n").encode(),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        out = run_cli("import", str(path), "--db", str(demo_db))
        assert out.returncode == 1, (name, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr and "错误" in out.stdout and "ERROR" in out.stdout


@pytest.mark.parametrize("writer", sheets.STYLED_WRITERS)
def test_a_date_shown_without_its_year_takes_the_sheets_year(
    demo_store: Store, writer: str
) -> None:
    """Header dates formatted m"月" show 1月, 2月, 3月: the year they hide (2026, the year
    the sheet was made in) is not the report's; the title's year (2025) is, as for a
    typed 1月. A 月份 date beside a 年份 column likewise takes that year."""
    months = [dt.datetime(2026, m, 1) for m in (1, 2, 3)]
    rows = [
        ["2025年各街道固定资产投资完成情况", None, None, None, None],
        ["单位", "指标", *months],
        ["东城街道", "固定资产投资", 58158.4, 109403.3, 175870.7],
    ]
    fmt = {f"{c}2": 'm"月"' for c in "CDE"}
    plan = run(demo_store, sheets.styled_xlsx(rows, fmt, writer), sheets.styled_name("w", writer))
    assert plan.can_commit, [i.text() for i in plan.errors]
    obs = plan.observations
    assert sorted(zip(obs["year"], obs["sub"], strict=True)) == [(2025, 1), (2025, 2), (2025, 3)]
    rows = [
        ["单位", "指标", "年份", "月份", "数值"],
        ["东城街道", "固定资产投资", 2025, months[0], 5.0],
    ]
    plan = run(
        demo_store,
        sheets.styled_xlsx(rows, {"D2": 'm"月"'}, writer),
        sheets.styled_name("l", writer),
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert (plan.observations["year"].iat[0], plan.observations["sub"].iat[0]) == (2025, 1)


@pytest.mark.parametrize("writer", sheets.STYLED_WRITERS)
def test_a_date_shown_as_a_year_is_that_year(demo_store: Store, writer: str) -> None:
    rows = [
        ["单位", "指标", "期间", "数值"],
        ["东城街道", "地方财政收入", dt.datetime(2018, 1, 1), 9.5],
    ]
    plan = run(
        demo_store,
        sheets.styled_xlsx(rows, {"C2": 'yyyy"年"'}, writer),
        sheets.styled_name("y", writer),
    )
    assert plan.can_commit, [i.text() for i in plan.errors]
    row = plan.observations.iloc[0]
    assert (row["freq"], row["year"], row["sub"]) == ("Y", 2018, 0)


def test_the_same_figure_in_two_measures_is_one_figure(demo_store: Store) -> None:
    """0.57 亿元 and 5,700 万元 are the same figure, though 0.57 × 10,000 is 5,699.999… in
    floating point: merged with a warning, not refused as two different values."""
    rows = [["单位", "指标", "期间", "数值", "计量单位"]]
    rows += [["东城街道", "固定资产投资", "2018-03", 0.57, "亿元"]]
    rows += [["东城街道", "固定资产投资", "2018-03", 5700, "万元"]]
    plan = run(demo_store, sheets.xlsx_from_rows(rows), "d.xlsx")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert [i.code for i in plan.issues if i.code.startswith("duplicate")] == ["duplicate_same"]
    assert plan.observations["value"].tolist() == pytest.approx([5700.0])


SPLIT_FILES = {
    # a long sheet: 1,234.5 unquoted is two cells, 1 under 数值 and 234.5 under no heading
    "long": (
        [
            "单位,指标,期间,数值",
            "东城街道,固定资产投资,2019-01,1,234.5",
            "西城街道,固定资产投资,2019-01,800",
        ],
        (2, "E", "234.5"),
    ),
    # a wide sheet: 700,000 is 700 under 2023年 and 000 under 2024年, 650000 under none
    "wide": (
        [
            "单位,指标,2023年,2024年",
            "东城街道,固定资产投资,700,000,650000",
            "西城街道,固定资产投资,600,620",
        ],
        (2, "E", "650000"),
    ),
    # a report sheet under a title and a unit line, its figures under two header rows
    "report": (
        [
            "2024年1-6月各街道主要指标完成情况",
            "单位：万元",
            "单位,地方一般公共预算收入,",
            ",全年目标,1-6月累计",
            "东城街道,82812,41,300.5",
            "西城街道,70000,35000",
        ],
        (5, "D", "300.5"),
    ),
}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("layout", list(SPLIT_FILES))
def test_a_number_split_by_an_unquoted_thousands_comma_is_refused_at_its_row(
    demo_store: Store, layout: str, encoding: str
) -> None:
    """A CSV's 1,234.5 written without quotes is two cells, and the figure read from the
    first of them (1) is wrong: a row with a figure past the last heading is refused at
    that cell, saying why, and nothing is written."""
    lines, (row, column, value) = SPLIT_FILES[layout]
    plan = run(demo_store, text_file(lines, encoding), f"{layout}.csv")
    (found,) = refused(demo_store, plan, "split_figure")
    assert (found.row, found.column, found.value) == (row, column, value)
    assert "千位分隔" in found.zh and "引号" in found.zh and "thousands" in found.en
    # quoted, the same file is read whole
    quoted = [line.replace("1,234.5", '"1,234.5"') for line in lines]
    quoted = [q.replace("700,000,650000", '"700,000",650000') for q in quoted]
    quoted = [q.replace("41,300.5", '"41,300.5"') for q in quoted]
    plan = run(demo_store, text_file(quoted, encoding), f"{layout}.csv")
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert {1234.5, 700000.0, 41300.5} & set(plan.observations["value"])


def test_a_column_of_figures_with_no_heading_inside_the_table_is_not_a_split(
    demo_store: Store,
) -> None:
    """An unheaded serial-number column at the left is no sign of a split figure: only
    figures past the last heading are."""
    lines = [",单位,指标,期间,数值", "1,东城街道,固定资产投资,2019-01,1234.5"]
    plan = run(demo_store, text_file(lines), "serial.csv")
    assert "split_figure" not in codes(plan)
