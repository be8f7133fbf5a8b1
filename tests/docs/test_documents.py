"""The 通报 (.docx) and the deck (.pptx), opened as their readers open them: every ranking
row is the rankings page's row, every narrative is the section's, images are in, an
office's template is filled, hostile names print as typed, and both commands write a file
and an audit row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from pptx import Presentation

from bxgc_docs import bulletin_docx, deck_pptx, source
from bxgc_metrics.store import Store
from bxgc_metrics.tables.bulletin import narrative, reporting_line
from bxgc_ui import chart_export, data
from bxgc_ui.views import rankings as rankings_view
from tests.conftest import ROOT, admin_store, run_cli

DATE = dt.date(2026, 11, 5)


@pytest.fixture(scope="module")
def report(demo_db_template: Path) -> source.Report:
    return source.load(Store(demo_db_template), year=2026, sub=10, date=DATE)


@pytest.fixture(scope="module")
def docx_file(report: source.Report) -> Document:
    return Document(io.BytesIO(bulletin_docx.render(report)))


def _page_rows(path: Path, report: source.Report, code: str) -> list[list[str]]:
    """The rankings page's table for ``code`` (its loader, its view), as text rows."""
    store = Store(path)
    inds = store.indicators().set_index("code")
    table = data.standings_of(
        str(path),
        store.data_version(),
        code,
        freq="M",
        year=2026,
        sub=10,
        by="completion",
        higher_is_better=inds.loc[code, "direction"] == "higher",
        group="all",
    )
    shown = rankings_view.standings_table(
        table, dict(report.names), inds.loc[code, "measure"], by="completion"
    )
    picked = shown[
        ["名次", "进位", "单位", "累计完成", "完成率", "同比增长"]
    ]  # the document's order
    return picked.astype(str).values.tolist()


def _cells(table: object) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def test_every_docx_ranking_row_is_the_rankings_pages_row(
    docx_file: Document, report: source.Report, demo_db_template: Path
) -> None:
    sections = report.bulletin.sections
    assert len(sections) == 10
    for s, table in zip(sections, docx_file.tables, strict=False):
        rows = _cells(table)
        assert rows[0][:3] == ["名次", "进位", "单位"] and rows[0][3].startswith("累计完成（")
        assert rows[1:] == _page_rows(demo_db_template, report, s.indicator), s.indicator
        assert [r[0] for r in rows[1:]] == [str(int(r)) for r in s.ranking["rank"]]


def test_the_docx_narratives_are_the_sections(docx_file: Document, report: source.Report) -> None:
    texts = [p.text for p in docx_file.paragraphs]
    b = report.bulletin
    assert texts[0] == "关于2026年1-10月比学赶超主要指标完成情况的通报"
    assert "演示数据" in texts[1]
    for s in b.sections:
        words = narrative(s, report.names)
        assert words in texts
        assert f"完成全年目标的{s.total_completion * 100:.1f}%" in words  # type: ignore[operator]
    assert "比学赶超活动办公室" in texts and "2026年11月5日" in texts


def test_the_docx_composite_rewards_and_overdue(docx_file: Document, report: source.Report) -> None:
    b, names = report.bulletin, report.names
    composite, rewards, overdue = docx_file.tables[-3:]
    expected = [
        [str(r.rank), names[r.unit_code], f"{r.score:.3f}"] for r in b.composite.itertuples()
    ]
    assert [[r[0], r[2], r[3]] for r in _cells(composite)[1:]] == expected
    assert len(_cells(rewards)) == len(b.rewards.totals) + 1  # type: ignore[union-attr]
    assert [r[0] for r in _cells(overdue)[1:]] == [names["XZ05"], names["JD03"]]
    texts = "\n".join(p.text for p in docx_file.paragraphs)
    assert f"红榜：1. {names[b.honour[0].unit_code]}" in texts


def test_the_docx_layout_is_a4_with_official_margins(docx_file: Document) -> None:
    sec = docx_file.sections[0]
    mm = [round(v / 36000) for v in (sec.page_width, sec.page_height, sec.top_margin)]
    assert mm == [210, 297, 37]
    assert [round(v / 36000) for v in (sec.bottom_margin, sec.left_margin, sec.right_margin)] == [
        35,
        28,
        26,
    ]
    assert "PAGE" in sec.footer._element.xml
    for table in docx_file.tables:
        width = sum(c.width for c in table.rows[0].cells) / 36000
        assert width <= 156.5  # the text width: no table runs off the page


@pytest.mark.skipif(not chart_export.available(), reason="no Chromium to render images")
def test_one_chart_image_per_indicator(report: source.Report) -> None:
    two = dataclasses.replace(
        report,
        bulletin=dataclasses.replace(report.bulletin, sections=report.bulletin.sections[:2]),
    )
    made = bulletin_docx.render(two, chart=lambda s: bulletin_docx.chart_png(two, s))
    doc = Document(io.BytesIO(made))
    assert len(doc.inline_shapes) == 2
    holders = [p for p in doc.paragraphs if p._p.xpath(".//w:drawing")]
    assert len(holders) == 2
    assert all(p.paragraph_format.line_spacing == 1.0 for p in holders)  # not cropped
    assert bulletin_docx.NO_CHART not in "\n".join(p.text for p in doc.paragraphs)


def test_without_images_the_docx_says_so(docx_file: Document) -> None:
    """Made without charts (the command line's ``--no-charts``): each section says so,
    and says nothing of Chromium, which may well be installed."""
    assert len(docx_file.inline_shapes) == 0
    texts = [p.text for p in docx_file.paragraphs]
    assert sum(t == bulletin_docx.NO_CHARTS_ASKED for t in texts) == 10
    assert not any("Chromium" in t for t in texts)


def test_a_machine_without_a_browser_says_why_there_are_no_images(
    report: source.Report,
) -> None:
    made = bulletin_docx.render(report, chart=lambda s: None)  # chart_png without Chromium
    texts = [p.text for p in Document(io.BytesIO(made)).paragraphs]
    assert sum(t == bulletin_docx.NO_CHART for t in texts) == 10
    assert bulletin_docx.NO_CHARTS_ASKED not in texts


def test_an_offices_own_template_is_filled(report: source.Report, tmp_path: Path) -> None:
    office = Document()
    office.add_paragraph("{{ office }}：{{ title }}（{{ date }}）")
    office.add_paragraph("{% for s in sections %}{{ s.narrative }}{% endfor %}")
    office.add_paragraph("{{ group }} {{ period }} 数据版本{{ data_version }}")
    path = tmp_path / "office.docx"
    office.save(str(path))
    mine = dataclasses.replace(report, office="某某区比学赶超办公室")
    doc = Document(io.BytesIO(bulletin_docx.render(mine, template=path)))
    texts = [p.text for p in doc.paragraphs]
    assert (
        texts[0]
        == "某某区比学赶超办公室：关于2026年1-10月比学赶超主要指标完成情况的通报（2026年11月5日）"
    )
    assert texts[1] == "".join(narrative(s, report.names) for s in report.bulletin.sections)
    assert texts[2] == f"全部单位 2026年1-10月 数据版本{report.data_version}"


HOSTILE = ["<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "a & b"]


def test_hostile_names_print_as_typed(report: source.Report) -> None:
    codes = list(report.bulletin.sections[0].ranking["unit_code"])
    names = {**report.names, **{c: h for c, h in zip(codes, HOSTILE, strict=False)}}
    bad = dataclasses.replace(report, names=names, office="{{ title }}<b>")
    doc = Document(io.BytesIO(bulletin_docx.render(bad)))
    cells = {c.text for row in doc.tables[0].rows for c in row.cells}
    assert set(HOSTILE) <= cells
    texts = "\n".join(p.text for p in doc.paragraphs)
    assert "{{ title }}<b>" in texts and "49" not in cells
    deck = Presentation(io.BytesIO(deck_pptx.render(bad)))
    shown = {
        c.text
        for s in deck.slides
        for sh in s.shapes
        if sh.has_table
        for r in sh.table.rows
        for c in r.cells
    }
    assert set(HOSTILE) <= shown


def test_the_deck(report: source.Report, demo_db_template: Path) -> None:
    deck = Presentation(io.BytesIO(deck_pptx.render(report)))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9
    slides = list(deck.slides)
    texts = [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in slides]
    assert "关于2026年1-10月比学赶超主要指标完成情况的通报" in texts[0] and "演示数据" in texts[0]
    for s in report.bulletin.sections:
        words = narrative(s, report.names)
        mine = [
            sl
            for sl in slides
            if sl.has_notes_slide and sl.notes_slide.notes_text_frame.text == words
        ]
        charts = [sh for sl in mine for sh in sl.shapes if sh.has_chart]
        tables = [sh.table for sl in mine for sh in sl.shapes if sh.has_table]
        assert len(charts) == 1
        assert list(charts[0].chart.plots[0].series[0].values)[::-1] == [
            round(v * 100, 1) for v in s.ranking["completion"]
        ]
        assert charts[0].chart.value_axis.minimum_scale == 0  # bars from zero, never a cut axis
        rows = [r for t in tables for r in _cells(t)[1:]]
        assert rows == _page_rows(demo_db_template, report, s.indicator)
        assert all(len(t.rows) <= deck_pptx.ROWS_PER_SLIDE + 1 for t in tables)
    assert any("红榜" in t and "黑榜" in t for t in texts)
    assert any("综合排名" in t for t in texts)


def _audit(path: Path) -> pd.DataFrame:
    from tests.conftest import admin_store

    log = admin_store(path).audit_log(action="report")
    return log


@pytest.mark.parametrize("entry", ["bxgc_docs", "bxgc_metrics"])
def test_both_commands_write_a_document_and_an_audit_row(
    entry: str, demo_db: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    out = tmp_path / ("通报.docx" if entry == "bxgc_docs" else "deck.pptx")
    args = ["report", "--db", str(demo_db), "--period", "2026-10", "--indicators", "FAI,GBR"]
    args += ["--out", str(out), "--office", "某某区比学赶超办公室", "--no-charts"]
    if entry == "bxgc_metrics":
        done = run_cli(*args)
    else:
        done = subprocess.run(
            [sys.executable, "-m", "bxgc_docs", *args], cwd=ROOT, capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000
    if out.suffix == ".docx":
        assert len(Document(str(out)).tables) >= 2
    else:
        assert len(Presentation(str(out)).slides) >= 5
    log = _audit(demo_db)
    assert list(log["target"]) == [out.name]
    after = log["after_json"].iloc[0]
    assert '"period": "2026-10"' in after and '"indicators": ["FAI", "GBR"]' in after
    assert f'"data_version": {Store(demo_db).data_version()}' in after


def test_a_bad_output_name_is_refused(demo_db: Path, tmp_path: Path) -> None:
    done = run_cli("report", "--db", str(demo_db), "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert _audit(demo_db).empty


def test_the_bulletin_and_deck_print_the_reporting_round_the_page_shows(
    docx_file: Document, report: source.Report, demo_db_template: Path
) -> None:
    """报送情况: the 通报 and the deck print the sentence of the same round the data-quality
    page and the overview read (October, as of the bulletin's date)."""
    from bxgc_metrics import oversight
    from bxgc_metrics.tables.reporting import summary

    page = oversight.reporting_round(Store(demo_db_template), "2026-10", today=DATE)
    line = summary(page, names=dict(report.names))
    assert line.startswith("截至2026年11月5日，2026年10月数据应报176项，已报176项（按时176项")
    assert reporting_line(report.bulletin, dict(report.names)) == line
    texts = [p.text for p in docx_file.paragraphs]
    heading = next(i for i, text in enumerate(texts) if text.endswith("、报送情况"))
    assert texts[heading + 1] == line
    deck = Presentation(io.BytesIO(deck_pptx.render(report)))
    last = list(deck.slides)[-1]
    shown = [sh.text_frame.text for sh in last.shapes if sh.has_text_frame]
    assert "报送情况" in shown[0] and line in shown


@pytest.mark.parametrize(("year", "sub"), [(2025, 12), (2026, 10), (2026, 3)])
def test_the_bulletin_read_from_the_store_is_the_bulletin_of_every_write(
    demo_db: Path, year: int, sub: int
) -> None:
    """The store reads a bulletin's reporting round and, at the year's end, its year record
    (the late and missing reports a ``missed_report`` rule docks) from only the writes they
    need, a slice of units at a time: the bulletin is the one built from every write."""
    from bxgc_metrics.metrics.rewards import load_default_rules
    from bxgc_metrics.tables.bulletin import bulletin
    from tests.conftest import ADMIN

    store = Store(demo_db, actor=ADMIN)
    docked = pd.read_csv(
        io.StringIO(
            "rule_id,kind,period_kind,level,amount_yuan,points,note_zh,note_en\n"
            "late,missed_report,year,late,300,0,迟报扣发,Late\n"
            "missing,missed_report,year,missing,500,0,漏报扣发,Missing\n"
        )
    )
    rules = pd.concat([load_default_rules(), docked], ignore_index=True)
    store.save_reward_rules(rules)
    read = source.load(store, year=year, sub=sub, date=DATE).bulletin
    whole = bulletin(
        store.observations_in(freqs=("M", "Y"), periods=source.periods(store, year=year, sub=sub)),
        units=store.units(),
        indicators=store.indicators(),
        year=year,
        sub=sub,
        gaps=store.table("gaps"),
        rules=store.reward_rules(),
        date=DATE,
        writes=store.figure_writes(),
    )
    assert read.reporting is not None and whole.reporting is not None
    pd.testing.assert_frame_equal(read.reporting.progress.rows, whole.reporting.progress.rows)
    pd.testing.assert_frame_equal(read.reporting.units, whole.reporting.units)
    assert (read.rewards is None) == (whole.rewards is None) == (sub < 6)  # from June on
    if whole.rewards is None:
        return
    for field in dataclasses.fields(whole.rewards):
        mine, theirs = getattr(read.rewards, field.name), getattr(whole.rewards, field.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs)
        else:
            assert mine == theirs


@pytest.mark.parametrize("group", [None, "方案四"])
def test_an_indicator_without_figures_for_the_month_makes_both_documents(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, group: str | None
) -> None:
    """November with only 地方一般公共预算收入 in (and 方案四's units, which report none of
    the month): the deck crashed on an indicator with no figure to chart. Each such
    indicator gets its slide saying so, and the Word file its paragraph."""
    store = Store(demo_db)
    october = store.observations_in(
        indicators=["GBR"], value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)]
    )
    admin_store(demo_db).write_observations(
        october.assign(sub=11, value=october["value"] * 1.1), file_name="november.csv"
    )
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    made = source.load(Store(demo_db), year=2026, sub=11, group=group or "all")
    empty = [s for s in made.bulletin.sections if s.ranking["value"].notna().sum() == 0]
    assert empty
    deck = Presentation(io.BytesIO(deck_pptx.render(made)))
    texts = [
        sh.text_frame.text for slide in deck.slides for sh in slide.shapes if sh.has_text_frame
    ]
    for s in empty:
        assert any(s.name in t and "暂无数据" in t for t in texts), s.name
    doc = Document(io.BytesIO(bulletin_docx.render(made)))
    assert any("暂无数据" in p.text for p in doc.paragraphs)
