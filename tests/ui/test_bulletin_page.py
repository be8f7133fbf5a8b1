"""The 排名通报 page: the preview is the bulletin's text, the downloads are offered, and a
document made for a reader is recorded in the audit log under the reader."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from bxgc_docs import bulletin_docx, source
from bxgc_metrics.access import VIEWER
from bxgc_metrics.store import Store
from bxgc_metrics.tables.bulletin import (
    NO_COMPOSITE,
    composite_line,
    honour_line,
    narrative,
    warning_line,
)
from bxgc_metrics.tables.standings import ALL, members
from bxgc_ui import fmt
from bxgc_ui.views import bulletin as view
from bxgc_ui.views import rankings as rankings_view
from tests.conftest import ROOT, admin_store


def _page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/bulletin.py").run()
    return at


def test_the_preview_is_the_bulletins_text(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch)
    assert not at.exception, at.exception
    # the preview is one markdown element, a paragraph to a block
    shown = [block for m in at.markdown for block in m.value.split("\n\n")]
    report = source.load(Store(demo_db), year=2026, sub=10)
    assert len(report.bulletin.sections) >= 10
    for s in report.bulletin.sections:
        assert fmt.md(narrative(s, report.names)) in shown
    labels = [b.label for b in at.get("download_button")]
    assert view.t("bul_docx") in labels and view.t("bul_pptx") in labels


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_preview_reads_as_the_document_in_either_language(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """The bulletin is a Chinese document: an English reader's preview says so and shows
    its text as the Word file has it, the 红榜 and 黑榜 lines included."""
    at = _page(demo_db, monkeypatch, lang)
    assert not at.exception, at.exception
    shown = [block for m in at.markdown for block in m.value.split("\n\n")]
    report = source.load(Store(demo_db), year=2026, sub=10)
    honour = honour_line(report.bulletin, report.names)
    warning = warning_line(report.bulletin, report.names)
    assert fmt.md(f"红榜：{honour}") in shown and fmt.md(f"黑榜：{warning}") in shown
    heading = f"{bulletin_docx.numeral(len(report.bulletin.sections) + 1)}、综合排名及红黑榜"
    assert f"**{fmt.md(heading)}**" in shown  # the scores' heading: a composite ranking
    assert not [b for b in shown if "list:" in b]
    made = Document(io.BytesIO(view._document(report, "docx", "通报.docx", reader=VIEWER)))
    text = [p.text for p in made.paragraphs]
    assert f"红榜：{honour}" in text and f"黑榜：{warning}" in text and heading in text


def test_fewer_indicators_fewer_sections(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(demo_db, monkeypatch)
    at.multiselect(key="bul_codes@zh").set_value(["GBR"]).run()
    assert not at.exception, at.exception
    shown = "\n".join(m.value for m in at.markdown)
    assert "地方一般公共预算收入" in shown and "固定资产投资累计完成" not in shown


def test_a_download_is_recorded_under_the_reader(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    report = source.load(Store(demo_db), year=2026, sub=10, codes=["FAI"])
    deck = view._document(report, "pptx", "会议材料-2026-10.pptx", reader=VIEWER)
    assert len(Presentation(io.BytesIO(deck)).slides) >= 3
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")  # no images: quick
    made = view._document(report, "docx", "通报-2026-10.docx", reader=VIEWER)
    assert len(Document(io.BytesIO(made)).tables) >= 2
    log = admin_store(demo_db).audit_log(action="report")
    assert list(log["target"]) == ["通报-2026-10.docx", "会议材料-2026-10.pptx"]
    assert set(log["who"]) == {"anonymous"}  # a reader not signed in


def test_a_partly_reported_month_says_only_what_its_figures_show(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """November with only 地方一般公共预算收入 in, and two units still missing it: the
    page (which offers the newest month first) and the Word file say which indicators have
    no figures, name the two units, claim no one keeps pace who was not judged, and print
    no 红榜 where the rankings page has no composite."""
    store = Store(demo_db)
    october = store.observations_in(
        indicators=["GBR"], value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)]
    )
    late = list(members(store.units())[:2])
    november = october[~october["unit_code"].isin(late)].assign(
        sub=11, value=lambda f: f["value"] * 1.1
    )
    admin_store(demo_db).write_observations(november, file_name="november.csv")
    at = _page(demo_db, monkeypatch)
    assert not at.exception, at.exception
    shown = "\n".join(m.value for m in at.markdown)
    report = source.load(Store(demo_db), year=2026, sub=11)
    names = report.names
    assert fmt.md("2026年1-11月") in shown
    assert "累计完成0" not in shown and "各单位均达到时间进度" not in shown
    empty = [s for s in report.bulletin.sections if s.indicator != "GBR"]
    assert len(empty) == 9
    for s in empty:
        assert fmt.md(f"2026年1-11月，{s.name}暂无数据") in shown
    gbr = next(s for s in report.bulletin.sections if s.indicator == "GBR")
    assert gbr.missing == tuple(late)
    missing = "、".join(names[u] for u in late)
    assert fmt.md(f"{missing}共2个单位未报送本期数据") in shown
    assert fmt.md(f"红榜：{NO_COMPOSITE}") in shown
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    made = Document(io.BytesIO(view._document(report, "docx", "通报.docx", reader=VIEWER)))
    text = "\n".join(p.text for p in made.paragraphs)
    assert "累计完成0" not in text and f"{missing}共2个单位未报送本期数据" in text
    assert f"红榜：{NO_COMPOSITE}" in text and f"黑榜：{NO_COMPOSITE}" in text
    rankings = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    rankings.session_state["lang"] = "zh"
    rankings.run()
    rankings.query_params.update({"tab": "composite", "period": "2026-11"})
    rankings.switch_page("pages/rankings.py").run()
    assert not rankings.exception, rankings.exception
    assert rankings_view.t("rank_no_matrix") in [i.value for i in rankings.info]


def test_the_bulletin_is_dated_today_on_a_server_that_runs_for_days(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulletin the page offers is dated, and its reporting round judged, on the day it
    is made: the same month, group and indicators asked for on a later day, with no import
    in between, carry that day's date."""
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    version = Store(demo_db).data_version()
    codes = tuple(Store(demo_db).indicators()["code"][:2])

    def made_on(day: str) -> source.Report:
        monkeypatch.setenv("BXGC_TODAY", day)
        return view.report_of(
            str(demo_db), version, (2026, 10), group=ALL, codes=codes, office="区委办"
        )

    assert made_on("2026-11-05").bulletin.date.isoformat() == "2026-11-05"
    later = made_on("2026-11-20")
    assert later.bulletin.date.isoformat() == "2026-11-20"
    assert later.bulletin.reporting is not None
    assert later.bulletin.reporting.progress.today.isoformat() == "2026-11-20"


def test_a_composite_of_a_few_units_says_who_it_ranks_without(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """November from four units only: the page, the Word file and the deck name the
    units the composite ranks without, and no unit is on both the 红榜 and the 黑榜."""
    store = Store(demo_db)
    october = store.observations_in(value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)])
    early = list(members(store.units())[:4])
    november = october[october["unit_code"].isin(early)].assign(
        sub=11, value=lambda f: f["value"] * 1.1
    )
    admin_store(demo_db).write_observations(november, file_name="november.csv")
    report = source.load(Store(demo_db), year=2026, sub=11)
    b, names = report.bulletin, report.names
    assert len(b.composite) == 4 and len(b.composite_missing) == 12
    assert not {p.unit_code for p in b.honour} & {p.unit_code for p in b.warning}
    line = composite_line(b, names)
    assert line.startswith(names[b.composite_missing[0]]) and "共12个单位" in line
    at = _page(demo_db, monkeypatch)
    assert not at.exception, at.exception
    shown = [block for m in at.markdown for block in m.value.split("\n\n")]
    assert fmt.md(line) in shown
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    made = Document(io.BytesIO(view._document(report, "docx", "通报.docx", reader=VIEWER)))
    assert line in [p.text for p in made.paragraphs]
    deck = Presentation(io.BytesIO(view._document(report, "pptx", "会议.pptx", reader=VIEWER)))
    texts = [s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame]
    assert line in texts
