"""The 数据质量 page under AppTest, on the demo database.

The page renders in both languages; the 2026-10 round reads every expected figure as
reported; a viewer gets no 核实无误 form; an analyst marks a flag checked (kept, audited,
no longer counted as open), is told so, cannot mark one without a note, and can reopen it;
a unit name full of markdown and HTML is shown as the literal text it is.

"Today" is fixed with ``BXGC_TODAY`` so the page picks the same round whatever the date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from bxgc_metrics import oversight
from bxgc_metrics.access import Actor
from bxgc_ui.auth import SESSION_KEY
from tests import sheets
from tests.conftest import ROOT, admin_store, expected_pairs, past_due, run_cli, stored
from tests.ui.folds import open_fold, open_tab

ANALYST = Actor("li", "analyst", operator=True)
NOTE = "已与统计局核对原始台账，数字无误"
HOSTILE = "**粗体**<script>alert(1)</script>_斜体_ [点我](javascript:alert(1))"


def _page(
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    lang: str = "zh",
    actor: Actor | None = None,
    today: str = "2026-11-30",
) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    monkeypatch.setenv("BXGC_TODAY", today)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state[SESSION_KEY] = actor
    at.run()
    at.switch_page("pages/quality.py").run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _open_count(at: AppTest) -> int:
    """N of the warning 待核实 N 条 (0 when the page says nothing is left to verify)."""
    for w in at.warning:
        found = re.fullmatch(r"待核实 (\d+) 条", w.value)
        if found:
            return int(found[1])
    assert any(s.value == "没有需要核实的数据。" for s in at.success)
    return 0


FLAGS = "数据质量预警"


def _flags_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "原因" in d.value.columns)


def _texts(at: AppTest) -> list[str]:
    """Every text element that Streamlit renders as markdown."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "success", "info")
    found = [e.value for kind in kinds for e in at.get(kind)]
    found += [e.value for e in [*at.warning, *at.error]]
    found += [e.proto.body for e in at.get("html")]
    return [str(v) for v in found]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_renders_on_the_demo(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = _page(demo_db, monkeypatch, lang=lang)
    assert not at.error
    assert [t.label for t in at.tabs] == (
        ["填报进度", "数据质量预警"]
        if lang == "zh"
        else ["Reporting progress", "Data-quality flags"]
    )
    period = at.selectbox(key=f"q_period@{lang}")
    assert period.value == ("M", 2026, 10)
    # the rounds read as every page reads a period, not as the stored key (2026-10)
    assert (period.options[0], period.options[-1]) == (
        ("2026年11月", "2019年1月") if lang == "zh" else ("Nov 2026", "Jan 2019")
    ), period.options
    expected = expected_pairs(admin_store(demo_db), (2026, 10))
    assert expected == 176  # 16 city units × 11 monthly indicators
    metrics = _metrics(at)
    if lang == "zh":
        assert metrics == {
            "应报": f"{expected}",
            "已报": f"{expected}",
            "迟报": "0",
            "未报": "0",
            "未到期": "0",
            "报送率": "100%",
        }
        assert "没有逾期未报的单位。" in [s.value for s in at.success]
    else:
        assert metrics["Expected"] == metrics["Reported"] == f"{expected}"
        assert metrics["Missing"] == "0" and metrics["Share reported"] == "100%"
        assert any(s.value == "No unit is overdue." for s in at.success)
    by_unit = at.dataframe[0].value
    assert len(by_unit) == 16 and by_unit.iloc[:, 1].sum() == expected


@pytest.mark.parametrize(("today", "shown"), [("2026-12-08", 10), ("2026-12-09", 11)])
def test_the_page_opens_on_the_latest_round_past_its_due_date(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, today: str, shown: int
) -> None:
    """Monthly figures are due on the 8th: on 9 December the round to chase is November's,
    though an annual indicator (单位GDP能耗, due on the 20th) has a later due day."""
    at = _page(demo_db, monkeypatch, today=today)
    assert at.selectbox(key="q_period@zh").value == ("M", 2026, shown)
    if shown == 11:  # nobody has reported November: every expected figure is overdue
        expected = expected_pairs(admin_store(demo_db), (2026, 11))
        metrics = _metrics(at)
        assert metrics["应报"] == metrics["未报"] == f"{expected}" and metrics["已报"] == "0"
        assert len(at.dataframe[0].value) == 16  # the 催报名单: every city unit


def test_a_viewer_sees_the_flags_but_no_form_to_mark_them(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch)
    assert not at.warning and not any("原因" in d.value.columns for d in at.dataframe)
    open_tab(at, "q_tab", FLAGS)  # the flags are read when their tab is opened
    report = oversight.quality_report(admin_store(demo_db))
    assert _open_count(at) == len(report.flags) > 0
    assert len(_flags_table(at)) == len(report.flags)
    assert not at.get("form") and not at.text_input
    assert "q_mark_flag@zh" not in [s.key for s in at.selectbox]
    assert not [b for b in at.button if b.label in ("标记核实无误", "撤销核实")]
    assert any("分析员" in i.value for i in at.info)  # the sign-in prompt names the role


def test_an_analyst_marks_a_flag_checked_and_reopens_it(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = admin_store(demo_db)
    flag = "outlier_growth:JD02:FDI:M:2022:10"
    assert flag in set(oversight.quality_report(store).flags["flag_id"])
    at = open_tab(_page(demo_db, monkeypatch, actor=ANALYST), "q_tab", FLAGS)
    before = _open_count(at)
    submit = next(b for b in at.button if b.label == "标记核实无误")

    # an empty note is refused, with a message saying what is missing, and nothing is kept
    at.selectbox(key="q_mark_flag@zh").set_value(flag)
    at.text_input(key="q_mark_note").input("   ")
    submit.click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["请填写核实说明（如何核实的）后再标记。"]
    assert store.quality_reviews().empty
    assert _open_count(at) == before

    at.selectbox(key="q_mark_flag@zh").set_value(flag)
    at.text_input(key="q_mark_note").input(NOTE)
    next(b for b in at.button if b.label == "标记核实无误").click().run()
    assert not at.exception and not at.error
    assert "已标记核实无误。" in [s.value for s in at.success]
    kept = store.quality_reviews()
    assert kept[["flag_id", "note", "who"]].values.tolist() == [[flag, NOTE, "li"]]
    audit = stored(store, "SELECT action, who FROM audit_log WHERE target = ?", [flag])
    assert audit == [("quality_review", "li")]
    assert _open_count(at) == before - 1
    assert len(_flags_table(at)) == before - 1  # verified flags are hidden by default
    at.toggle(key="q_show_verified").set_value(True).run()
    table = _flags_table(at)
    verified = table[table["已核实"]]
    assert verified[["单位", "报告期", "核实说明"]].values.tolist() == [
        ["西城街道", "2022年10月", NOTE]
    ]

    assert at.selectbox(key="q_reopen_flag@zh").value == flag
    at.button(key="q_reopen").click().run()
    assert not at.exception and not at.error
    assert "已撤销，预警重新计入。" in [s.value for s in at.success]
    assert store.quality_reviews().empty
    assert _open_count(at) == before
    actions = stored(store, "SELECT action FROM audit_log WHERE target = ? ORDER BY id", [flag])
    assert [a for (a,) in actions] == ["quality_review", "quality_reopen"]


def test_names_with_markdown_and_html_show_as_literal_text(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JD02 (which has flags) gets a hostile name and contact; with 2026-11 past due and
    nobody having reported it, the name is in the 催报 list, the text to paste, the by-unit
    table, the grid and the flags, and never in an element that renders markdown."""
    store = admin_store(demo_db)
    store.upsert_units(
        pd.DataFrame({"code": ["JD02"], "name_zh": [HOSTILE], "contact_person": [HOSTILE]})
    )
    at = _page(demo_db, monkeypatch, actor=ANALYST, today="2026-12-15")
    assert not at.error
    assert at.selectbox(key="q_period@zh").value == ("M", 2026, 11)
    reminders = at.dataframe[0].value
    assert len(reminders) == 16
    row = reminders[reminders["单位"] == HOSTILE]
    assert row[["联系人", "联系电话"]].values.tolist() == [[HOSTILE, "0536-3201102"]]
    assert HOSTILE in at.code[0].value
    open_fold(at, "q_grid_box")
    assert len(at.dataframe) == 3  # the 催报 list, the units and the status grid
    frames = list(at.dataframe)
    texts = _texts(at)
    open_tab(at, "q_tab", FLAGS)
    frames += list(at.dataframe)
    assert any(HOSTILE in option for option in at.selectbox(key="q_mark_flag@zh").options)
    for frame in frames:
        cells = {str(v) for v in frame.value.to_numpy().ravel()} | set(map(str, frame.value.index))
        assert HOSTILE in cells or not ({"单位"} & set(frame.value.columns)), frame.value.columns
    for text in texts + _texts(at):
        assert "粗体" not in text and "<script>" not in text, text


def test_a_database_of_its_own_indicators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped consistency rules name the demo's indicators; on a database with none
    of them the page still shows its round and its flags (the rules are left out)."""
    db = tmp_path / "own.duckdb"
    sheet = tmp_path / "gdp.csv"
    sheet.write_bytes(
        sheets.long_csv(
            [("甲镇", "地区生产总值", f"2026年{m}月", 100.0 * m, "实际") for m in range(1, 11)]
            + [("乙镇", "地区生产总值", f"2026年{m}月", 90.0 * m, "实际") for m in range(1, 10)]
        )
    )
    imported = run_cli("import", str(sheet), "--db", str(db), "--create-missing")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    store = admin_store(db)
    code = str(store.indicators()["code"].iloc[0])
    store.upsert_indicators(pd.DataFrame({"code": [code], "report_due_day": [10]}))
    # "today" is after the import, which a round as of today must know of
    at = _page(db, monkeypatch, actor=ANALYST, today=past_due(dt.date(2026, 11, 10)))
    at.selectbox(key="q_period@zh").set_value(("M", 2026, 10)).run()
    assert not at.exception and not at.error
    # 甲镇 reported October today, after its due day (10 November): late; 乙镇 not at all
    assert _metrics(at) == {
        "应报": "2", "已报": "1", "迟报": "1", "未报": "1", "未到期": "0", "报送率": "50%",
    }  # fmt: skip
    assert at.dataframe[0].value["单位"].tolist() == ["乙镇"]  # the 催报名单
    assert _open_count(open_tab(at, "q_tab", FLAGS)) == 0


def test_the_reminders_show_the_rounds_own_list_and_the_workbook_waits_for_a_click(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With everyone overdue (November, the day after its due date) the page prints the
    round's own 催报 message and status grid; the workbook is made when the button is
    clicked, never on a rerun (a province's list takes seconds to write)."""
    from bxgc_metrics.tables import reporting

    made: list[str] = []
    real = reporting.reminder_workbook
    monkeypatch.setattr(
        reporting, "reminder_workbook", lambda *a, **k: made.append("xlsx") or real(*a, **k)
    )
    at = _page(demo_db, monkeypatch, today="2026-12-09")
    assert at.selectbox(key="q_period@zh").value == ("M", 2026, 11)
    r = oversight.reporting_round(admin_store(demo_db), "2026-11", today=dt.date(2026, 12, 9))
    assert len(r.reminders) == 16
    assert [c.value for c in at.code] == [r.without_contacts().text(lang="zh")]  # not signed in
    assert r.text(lang="zh").startswith("【催报】2026年11月数据截至12月8日应报")
    assert not any(d.value.shape == r.grid.shape for d in at.dataframe)  # folded
    open_fold(at, "q_grid_box")
    grid = next(d.value for d in at.dataframe if d.value.shape == r.grid.shape)
    assert set(r.grid.to_numpy().ravel()) == {"missing"}
    assert set(grid.to_numpy().ravel()) == {"未报（已逾期）"}
    at.run()
    assert made == []


def _every_cell(at: AppTest) -> str:
    frames = [d.value.astype(str).to_csv() for d in at.dataframe]
    return "\n".join([*frames, *(c.value for c in at.code), *_texts(at)])


@pytest.mark.parametrize("actor", [None, Actor("viewer1", "viewer")])
def test_reporting_contacts_are_not_shown_to_readers(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, actor: Actor | None
) -> None:
    """A reader not signed in, or a viewer, sees who has reported but not the contacts'
    names and phones: not in the tables, the 催报 message, the workbook or 设置 › 单位. An
    analyst, who chases the reports, sees them."""
    units = admin_store(demo_db).units()
    people = [*units["contact_person"].dropna(), *units["contact_phone"].dropna()]
    assert len(people) >= 32
    at = _page(demo_db, monkeypatch, actor=actor, today="2026-12-09")
    shown = _every_cell(at)
    assert not [p for p in people if p in shown]
    assert not any("联系人" in d.value.columns for d in at.dataframe)
    r = oversight.reporting_round(admin_store(demo_db), "2026-11", today=dt.date(2026, 12, 9))
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.without_contacts().workbook()))
    cells = " ".join(
        str(c) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
        for c in row
    )  # fmt: skip
    assert not [p for p in people if p in cells]
    at.switch_page("pages/settings.py").run()
    editor = next(d.value for d in at.dataframe if "code" in d.value.columns)
    assert "contact_person" not in editor.columns and "contact_phone" not in editor.columns
    analyst = _page(demo_db, monkeypatch, actor=ANALYST, today="2026-12-09")
    seen = _every_cell(analyst)
    assert units["contact_person"].iloc[0] in seen and units["contact_phone"].iloc[0] in seen


def test_the_badge_carries_every_open_flag_the_quality_page_shows(demo_db: Path) -> None:
    """西城街道's 工业投资 above its 固定资产投资 (a rule relating two indicators) is an
    open flag on the quality page: the rankings' and the wall's ⚠ beside 工业投资 says so
    too, as it does for every indicator's flags of the month (the badge's report, read
    for one indicator, gave no rule a chance)."""
    import duckdb

    from bxgc_metrics.periods import Period

    con = duckdb.connect(str(demo_db))
    con.execute(
        "UPDATE observations SET value = 240000 WHERE year = 2026 AND sub = 10 AND freq = 'M' "
        "AND value_kind = 'actual' AND unit_code = 'JD02' AND indicator_code = 'FAI'"
    )
    con.close()
    store = admin_store(demo_db)
    whole = oversight.quality_report(store)
    october = Period(2026, "M", 10)
    assert "JD02" in oversight.flagged_units(whole, "IND_INV", october)
    for code in store.indicators()["code"]:
        one = oversight.quality_report(store, period=october, indicator=code)
        assert oversight.flagged_units(one, code, october) == oversight.flagged_units(
            whole, code, october
        ), code
