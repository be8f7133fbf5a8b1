"""Templates, legacy .xls, formula-safe export and the import command line."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import xlwt

from bxgc_metrics.export import to_csv_bytes, to_xlsx_bytes
from bxgc_metrics.importer.service import analyse, commit
from bxgc_metrics.importer.templates import long_template, wide_template
from bxgc_metrics.store import Store
from tests import sheets
from tests.conftest import run_cli


def test_legacy_xls_is_read(demo_store: Store) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("表1")
    for row, values in enumerate(
        [["单位", "指标", "期间", "数值"], ["东城街道", "固定资产投资", "2024-06", 1234.5]]
    ):
        for col, value in enumerate(values):
            sheet.write(row, col, value)
    buf = io.BytesIO()
    book.save(buf)
    plan = analyse(buf.getvalue(), "old.xls", demo_store)
    assert plan.can_commit and plan.observations["value"].tolist() == [1234.5]


def test_long_template_has_drop_downs_and_instructions_and_imports_when_filled(
    demo_store: Store,
) -> None:
    data = long_template(demo_store.units(), demo_store.indicators())
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["数据 Data", "说明 Instructions", "lists"]
    sheet = book["数据 Data"]
    sources = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert sources["A"].startswith("lists!$A$1") and sources["B"].startswith("lists!$B$1")
    assert book["lists"]["A1"].value == demo_store.units()["name_zh"].iloc[0]
    assert "Instructions" in book["说明 Instructions"]["B1"].value
    sheet.append(["东城街道", "固定资产投资", "2024-06", 1000, "实际", "是"])
    buf = io.BytesIO()
    book.save(buf)
    plan = analyse(buf.getvalue(), "filled.xlsx", demo_store)
    assert plan.can_commit, [i.text() for i in plan.errors]
    assert {s.name: s.layout for s in plan.sheets}["数据 Data"] == "long"
    assert plan.observations[["unit_code", "value"]].values.tolist() == [["JD01", 1000.0]]


def test_wide_template_lists_units_and_periods(demo_store: Store) -> None:
    data = wide_template(demo_store.units(), demo_store.indicators(), ["2024-01", "2024-02"])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["数据 Data"]
    assert [c.value for c in sheet[2]] == ["单位", "2024-01", "2024-02"]
    assert sheet["A3"].value == demo_store.units()["name_zh"].iloc[0]


def test_export_neutralises_formula_injection() -> None:
    frame = pd.DataFrame(
        {
            "unit": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "东城街道"],
            "value": [1.0, -2.0, 3.0, 4.0, 5.0],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"t": frame})))
    cells = [row[0].value for row in book["t"].iter_rows(min_row=2)]
    assert cells == ['\'=HYPERLINK("http://x")', "'+1", "'-cmd", "'@SUM(A1)", "东城街道"]
    assert [row[1].value for row in book["t"].iter_rows(min_row=2)][1] == -2.0
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert "\n\"'=HYPERLINK" in text and "\n'-cmd" in text and ",-2.0" in text


def test_import_command_dry_run_commit_and_error_exit_codes(demo_db: Path, tmp_path: Path) -> None:
    good, bad = tmp_path / "report.csv", tmp_path / "bad.csv"
    good.write_bytes(sheets.report_csv())
    bad.write_bytes(sheets.long_csv([("火星街道", "固定资产投资", "2024-06", "1", "实际")]))
    store = Store(demo_db)
    before = store.data_version()
    dry = run_cli("import", str(good), "--db", str(demo_db), "--dry-run")
    assert dry.returncode == 0 and "layout=report" in dry.stdout and "Dry run" in dry.stdout
    assert store.data_version() == before
    failed = run_cli("import", str(bad), "--db", str(demo_db))
    assert failed.returncode == 1 and "火星街道" in failed.stdout
    assert store.data_version() == before
    done = run_cli("import", str(good), "--db", str(demo_db), "--profile", "月报", "--who", "li")
    assert done.returncode == 0, done.stdout + done.stderr
    batch = store.batches().iloc[0]
    assert (batch["file_name"], batch["who"], batch["rows_read"]) == ("report.csv", "li", 9)
    assert store.profile("月报")["units"]["东城街道办事处"] == "JD01"
    again = run_cli("import", str(good), "--db", str(demo_db))
    assert again.returncode == 0 and "no new batch" in again.stdout
    undo = run_cli("undo", str(batch["id"]), "--db", str(demo_db))
    assert undo.returncode == 0 and store.batches().iloc[0]["status"] == "undone"
    history = run_cli("history", "--db", str(demo_db))
    assert "report.csv" in history.stdout and "undone" in history.stdout


def test_import_command_creates_missing_units_only_when_asked(
    demo_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "new.csv"
    path.write_bytes(sheets.long_csv([("开发区管委会", "固定资产投资", "2024-06", "5", "实际")]))
    assert run_cli("import", str(path), "--db", str(demo_db)).returncode == 1
    done = run_cli("import", str(path), "--db", str(demo_db), "--create-missing")
    assert done.returncode == 0, done.stdout
    assert "开发区管委会" in set(Store(demo_db).units()["name_zh"])


def test_commit_with_a_saved_profile_needs_no_questions_next_month(demo_store: Store) -> None:
    data = sheets.report_xlsx([("东城", 100, 50, 45)])
    plan = analyse(data, "m1.xlsx", demo_store, mapping={"units": {"东城": "JD01"}})
    commit(plan, demo_store, profile_name="p")
    month_two = sheets.report_xlsx(
        [("东城", 100, 60, 45)], title="2024年1-7月各街道地方一般公共预算收入"
    )
    assert not analyse(month_two, "m2.xlsx", demo_store, profile="p").errors


def test_import_command_takes_the_measure_of_an_undecided_column(
    demo_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "两种单位.csv"
    path.write_bytes(
        "\r\n".join(
            [
                "2024年1-6月各街道地方一般公共预算收入完成情况,,,",
                ",,,单位：万元、亿元",
                "序号,单位,地方一般公共预算收入,",
                ",,全年目标,1-6月累计",
                "1,东城街道,8.2812,4.13005",
            ]
        ).encode("gbk")
    )
    store = Store(demo_db)
    before = store.data_version()
    asked = run_cli("import", str(path), "--db", str(demo_db))
    assert asked.returncode == 1
    assert "第2行 D列" in asked.stdout and "单位：万元、亿元" in asked.stdout
    assert store.data_version() == before
    wrong = run_cli("import", str(path), "--db", str(demo_db), "--measure", "亿元")
    assert wrong.returncode == 2 and "指标名=计量单位" in wrong.stderr
    done = run_cli(
        "import", str(path), "--db", str(demo_db), "--measure", "地方一般公共预算收入=亿元"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    stored = store.observations(unit="JD01", indicator="GBR").set_index("period")["value"]
    assert stored["2024-06"] == 41300.5 and stored["2024"] == 82812.0


def test_a_file_the_command_line_cannot_open_is_named_without_a_traceback(
    demo_db: Path, tmp_path: Path
) -> None:
    """A mistyped path, a folder given as a file: the command says which and why, in both
    languages, with exit status 2, and the database is untouched."""
    before = Store(demo_db).data_version()
    missing = tmp_path / "11月报表.csv"
    for path in (missing, tmp_path):
        done = run_cli("import", str(path), "--db", str(demo_db))
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        zh, en = done.stderr.strip().splitlines()
        assert zh.startswith(f"错误：无法打开文件 {path}（") and en.startswith("Error: cannot open")
    restored = run_cli("restore", "--backup", str(missing), "--db", str(demo_db))
    assert restored.returncode == 2 and "Traceback" not in restored.stderr
    assert str(missing) in restored.stderr
    assert Store(demo_db).data_version() == before
