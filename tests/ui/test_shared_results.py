"""Results the pages share instead of copying on every rerun (the bulletin, the reporting
round, the meeting screen's slides) and files made only when asked for (the import
templates): each is made once per data version, read unchanged by every run that uses it,
and made again when new data lands."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from bxgc_docs import source
from bxgc_metrics import clock, oversight
from bxgc_metrics.periods import format_label
from bxgc_metrics.store import Store
from bxgc_metrics.tables import standings as ranking
from bxgc_metrics.tables.reporting import CONTACT_COLUMNS, Round
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import data, fmt
from bxgc_ui.views import bulletin as bulletin_view
from bxgc_ui.views import upload as upload_view
from bxgc_ui.views.meeting import wall
from tests.conftest import ROOT, admin_store, board_html, board_rows
from tests.ui.folds import open_tab


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _same(made: object, fresh: object, where: str = "") -> None:
    """``made`` holds what ``fresh`` holds, frame by frame and field by field."""
    if isinstance(made, pd.DataFrame):
        pd.testing.assert_frame_equal(made, fresh, obj=where)  # type: ignore[arg-type]
    elif dataclasses.is_dataclass(made):
        for field in dataclasses.fields(made):
            name = f"{where}.{field.name}"
            _same(getattr(made, field.name), getattr(fresh, field.name), name)
    elif isinstance(made, list | tuple):
        assert len(made) == len(fresh), where  # type: ignore[arg-type]
        for k, (a, b) in enumerate(zip(made, fresh, strict=True)):  # type: ignore[call-overload]
            _same(a, b, f"{where}[{k}]")
    else:
        assert made == fresh or (made != made and fresh != fresh), where  # NaN is NaN


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Count the calls of ``owner.name`` from now on."""
    calls: list[int] = []
    real: Callable[..., object] = getattr(owner, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_bulletin_is_made_once_and_left_as_made(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(demo_db, monkeypatch, "pages/bulletin.py")
    at.multiselect(key="bul_codes@zh").set_value(["GBR", "FAI"]).run()
    at.run()
    assert not at.exception, at.exception
    year, sub = at.selectbox(key="bul_period@zh").value
    path, version = data.snapshot()
    office = bulletin_view.DEFAULT_OFFICE
    made = bulletin_view.report_of(
        path, version, (year, sub), group=ALL, codes=("GBR", "FAI"), office=office
    )
    again = bulletin_view.report_of(
        path, version, (year, sub), group=ALL, codes=("GBR", "FAI"), office=office
    )
    assert again is made  # shared, not copied
    fresh = source.load(
        Store(demo_db), year=year, sub=sub, codes=["GBR", "FAI"], date=clock.today()
    )
    _same(made.bulletin, fresh.bulletin, "bulletin")
    assert dict(made.names) == dict(fresh.names)


def test_the_bulletins_paragraphs_are_written_once_per_report(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rerun of the bulletin page prints the paragraphs the report already holds; they
    are written (:func:`~bxgc_metrics.tables.bulletin.narrative`) once per report, and
    the Word file prints the same ones."""
    at = _page(demo_db, monkeypatch, "pages/bulletin.py")
    written = _counting(monkeypatch, source, "narrative")
    at.multiselect(key="bul_codes@zh").set_value(["GBR", "FAI"]).run()
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert len(written) == 2  # one per section, by the run that made the report
    year, sub = at.selectbox(key="bul_period@zh").value
    path, version = data.snapshot()
    report = bulletin_view.report_of(
        path, version, (year, sub), group=ALL, codes=("GBR", "FAI"),
        office=bulletin_view.DEFAULT_OFFICE,
    )  # fmt: skip
    shown = [m.value for m in at.markdown]
    assert len(report.narratives) == 2
    for paragraph in report.narratives:
        assert any(fmt.md(paragraph) in text for text in shown)
    assert len(written) == 2


def test_the_peer_groups_are_found_once_per_data_version(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rankings, bulletin and meeting pages offer the peer groups on every rerun; they
    are found once, and again after new data lands."""
    found = _counting(monkeypatch, ranking, "peer_groups")
    at = _page(demo_db, monkeypatch, "pages/rankings.py")
    at.run()
    at.switch_page("pages/bulletin.py").run()
    assert not at.exception, at.exception
    assert len(found) == 1
    before = at.selectbox(key="bul_group@zh").options
    assert len(before) >= 3 and "开发区" not in before
    new_unit = {"code": "KF01", "name_zh": "开发区管委会", "kind": "街道", "peer_group": "开发区"}
    admin_store(demo_db).upsert_units(pd.DataFrame([new_unit]))
    at.run()
    assert len(found) == 2
    assert "开发区" in at.selectbox(key="bul_group@zh").options


def test_the_reporting_round_is_left_as_made_by_the_overview_and_the_quality_page(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _page(demo_db, monkeypatch, "pages/overview.py")
    at = _page(demo_db, monkeypatch, "pages/quality.py")
    at.run()
    chosen = at.selectbox(key="q_period@zh").value
    label, today = format_label(*chosen), clock.today()
    path, version = data.snapshot()
    made = data.reporting_round(path, version, label, group=ALL, today=today.isoformat())
    assert not made.units.empty
    fresh = oversight.reporting_round(Store(demo_db), label, group=ALL, today=today)
    _same(made, fresh, "round")


def test_the_quality_pages_tables_are_built_once_per_round_and_language(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 填报进度 tab's two tables of every unit are built once per round, reader and
    language, not on each rerun or refresh; what is shown is what a fresh build gives."""
    from bxgc_ui.views import quality as quality_view

    units_built = _counting(monkeypatch, quality_view, "units_table")
    reminders_built = _counting(monkeypatch, quality_view, "reminders_table")
    at = _page(demo_db, monkeypatch, "pages/quality.py")
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert len(units_built) == 1 and len(reminders_built) <= 1  # the demo's round may be done
    label, today = format_label(*at.selectbox(key="q_period@zh").value), clock.today()
    path, version = data.snapshot()
    r = data.reporting_round(
        path, version, label, group=ALL, today=today.isoformat(), contacts=False
    )
    names = {c: n for c, n in zip(r.units["unit_code"], r.units["name"], strict=True)}
    shown = [d.value for d in at.dataframe]
    fresh = quality_view.units_table(r, names, contacts=False)
    assert any(frame.equals(fresh) for frame in shown)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert len(units_built) == 3  # once more for English (and the fresh one above)


def test_the_rankings_table_is_built_once_per_choice_and_language(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single ranking's table is built once per indicator, month, basis and group,
    not on each rerun; another basis builds it again, and the table shown is the one a
    fresh build gives."""
    from bxgc_ui.views import rankings as rankings_view

    built = _counting(monkeypatch, rankings_view, "standings_table")
    at = _page(demo_db, monkeypatch, "pages/rankings.py")
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert len(built) == 1
    at.segmented_control(key="rank_by").set_value("growth").run()
    at.run()
    assert not at.exception, at.exception
    assert len(built) == 2
    (shown,) = [d.value for d in at.dataframe if "名次" in d.value.columns]
    assert list(shown.columns[:4]) == ["名次", "进位", "单位", "同比增长"]


def test_a_readers_round_without_contacts_is_made_once(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader who may not see the reporting contacts is given the round without them,
    made once from the shared round, not again on every rerun; the shared round keeps
    them."""
    blanked = _counting(monkeypatch, Round, "without_contacts")
    at = _page(demo_db, monkeypatch, "pages/quality.py")
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert len(blanked) == 1
    label, today = format_label(*at.selectbox(key="q_period@zh").value), clock.today()
    path, version = data.snapshot()
    args = (path, version, label)
    full = data.reporting_round(*args, group=ALL, today=today.isoformat())
    shown = data.reporting_round(*args, group=ALL, today=today.isoformat(), contacts=False)
    assert (full.units["contact_person"] != "").any()
    assert (shown.units["contact_person"] == "").all()
    _same(
        shown.units.drop(columns=list(CONTACT_COLUMNS)),
        full.units.drop(columns=list(CONTACT_COLUMNS)),
    )
    assert len(blanked) == 1


def test_the_quality_report_is_left_as_made_by_the_flags_tab(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_tab(_page(demo_db, monkeypatch, "pages/quality.py"), "q_tab", "数据质量预警")
    at.toggle(key="q_show_verified").set_value(True).run()
    assert not at.exception, at.exception
    path, version = data.snapshot()
    made = data.quality_report(path, version)
    assert not made.flags.empty
    _same(made, oversight.quality_report(Store(demo_db)), "quality report")


def test_a_meeting_slide_is_built_once_per_data_version(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _counting(monkeypatch, wall, "ranking_board")
    at = _page(demo_db, monkeypatch, "pages/meeting.py")
    first = board_rows(board_html(at))
    at.run()
    at.run()
    assert len(builds) == 1
    assert board_rows(board_html(at)) == first
    last = first[-1]["unit"]
    units = Store(demo_db).units()
    code = str(units.loc[units["name_zh"] == last, "code"].iloc[0])
    new = {"unit_code": [code], "indicator_code": ["FAI"], "freq": ["M"], "year": [2026]}
    new |= {"sub": [10], "value_kind": ["actual"], "value": [1e9], "cumulative": [True]}
    admin_store(demo_db).write_observations(pd.DataFrame(new), file_name="late.csv")
    at.run()
    assert len(builds) == 2
    assert board_rows(board_html(at))[0]["unit"].startswith(last)


def test_the_import_templates_are_made_on_click_not_on_every_rerun(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_made = _counting(monkeypatch, upload_view, "long_template")
    wide_made = _counting(monkeypatch, upload_view, "wide_template")
    at = _page(demo_db, monkeypatch, "pages/upload.py")
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert upload_view.t("up_template_long") in labels
    assert upload_view.t("up_template_wide") in labels
    assert long_made == wide_made == []
    store = Store(demo_db)
    long_file, wide_file = upload_view.templates(store.units(), store.indicators())
    for book in (long_file(), wide_file()):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(book))
        sheets = [workbook.get_sheet_by_name(s).to_python() for s in workbook.sheet_names]
        cells = {str(c) for rows in sheets for row in rows for c in row}
        assert set(store.units()["name_zh"]) <= cells  # the units to pick from
    assert len(long_made) == len(wide_made) == 1


def test_the_years_missed_reports_are_counted_on_the_day_they_are_read(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 漏统漏报 record that docks a year-end reward counts the reports overdue on the
    day it is read: a server that read it in November reads it again in January, with no
    import in between, and finds November's and December's reports missing."""
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    path, version = data.snapshot()

    def read_on(day: str) -> pd.DataFrame:
        monkeypatch.setenv("BXGC_TODAY", day)
        return data.year_record_of(path, version, 2026, group=ALL)

    november = read_on("2026-11-05")
    january = read_on("2027-01-20")
    assert january["missing"].sum() > november["missing"].sum()
    fresh = oversight.year_record(Store(demo_db), 2026, group=ALL, today=clock.today())
    _same(january, fresh, "year record")
