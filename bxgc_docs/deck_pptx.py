"""The meeting deck as PowerPoint: 16:9, a title slide, then per indicator a chart slide
and its table (split across slides), the composite ranking and the 红黑榜.

Charts are PowerPoint's own bar charts, built from the standings' completion (or growth)
column: editable in the meeting room, and made without a browser. Each indicator's
slides carry the section's narrative in the speaker notes, so the presenter reads the
bulletin's words.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from bxgc_docs import rows
from bxgc_docs.bulletin_docx import DEMO_NOTE
from bxgc_docs.source import Report
from bxgc_metrics.tables.bulletin import (
    Section,
    composite_line,
    honour_line,
    list_line,
    opening,
    reporting_line,
    title,
    warning_line,
)

ROWS_PER_SLIDE = 12
"""Table rows on one slide; a longer ranking continues on the next (续)."""
CHART_UNITS = 20
"""Bars on a chart slide: a longer ranking shows its first 15 and last 5, as the page does."""
FONT = "Microsoft YaHei"
"""The deck's font (PowerPoint substitutes one the machine has)."""

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 inches: 16:9
INK = RGBColor(0x26, 0x32, 0x38)
HONOUR = RGBColor(0xB7, 0x86, 0x2C)
WARNING = RGBColor(0xC6, 0x28, 0x28)


def _font(run: Any, *, size: float, bold: bool = False, color: RGBColor = INK) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", FONT)


def _text(
    slide: Any,
    text: str,
    box: tuple[float, float, float, float],
    *,
    size: float,
    bold: bool = False,
    color: RGBColor = INK,
) -> None:
    left, top, width, height = (Inches(v) for v in box)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = line
        _font(run, size=size, bold=bold, color=color)


def _slide(deck: Any, heading: str, *, notes: str = "") -> Any:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    _text(slide, heading, (0.5, 0.3, 12.3, 0.8), size=26, bold=True)
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    return slide


def _table(slide: Any, headers: Sequence[str], cells: list[list[str]]) -> None:
    shape = slide.shapes.add_table(
        len(cells) + 1, len(headers), Inches(0.5), Inches(1.3), Inches(12.3), Inches(0.4)
    )
    table = shape.table
    for j, head in enumerate(headers):
        run = table.cell(0, j).text_frame.paragraphs[0].add_run()
        run.text = head
        _font(run, size=14, bold=True)
    for i, line in enumerate(cells, start=1):
        for j, value in enumerate(line):
            run = table.cell(i, j).text_frame.paragraphs[0].add_run()
            run.text = value
            _font(run, size=14)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + ROWS_PER_SLIDE] for i in range(0, len(items), ROWS_PER_SLIDE)] or [[]]


def _chartable(s: Section) -> pd.DataFrame:
    """The section's units with the figure its chart draws (completion or growth)."""
    return s.ranking.dropna(subset=["completion" if s.by == "completion" else "yoy"])


def _chart(slide: Any, s: Section, names: dict[str, str]) -> None:
    column = "completion" if s.by == "completion" else "yoy"
    table = _chartable(s)
    if len(table) > CHART_UNITS:
        table = table.iloc[list(range(15)) + list(range(len(table) - 5, len(table)))]
    table = table.iloc[::-1]  # PowerPoint draws the first category at the bottom
    data = CategoryChartData()
    data.categories = [
        f"{int(r)}. {names.get(str(u), str(u))}"
        for r, u in zip(table["rank"], table["unit_code"], strict=True)
    ]
    data.add_series(
        "完成率（%）" if s.by == "completion" else "同比增长（%）",
        [round(float(v) * 100, 1) for v in table[column]],
    )
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(1.2), Inches(12.3), Inches(6.0), data
    )
    chart = frame.chart
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = '0.0"%"'
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(11)
    chart.category_axis.tick_labels.font.size = Pt(11)
    chart.value_axis.tick_labels.font.size = Pt(11)
    values = [float(v) for v in table[column]]
    if values and min(values) >= 0:  # bars start at zero: a cut axis overstates the gaps
        chart.value_axis.minimum_scale = 0
    bands = list(table["band"])
    for point, band in zip(plot.series[0].points, bands, strict=True):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = (
            HONOUR if band == "top" else WARNING if band == "bottom" else RGBColor(0x1F, 0x5F, 0x8B)
        )


def render(report: Report) -> bytes:
    """The deck as .pptx bytes."""
    b, names = report.bulletin, dict(report.names)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    first = deck.slides.add_slide(deck.slide_layouts[6])
    _text(first, title(b), (0.8, 2.2, 11.7, 1.6), size=34, bold=True)
    lines = [report.office, f"{b.date.year}年{b.date.month}月{b.date.day}日", report.group_name]
    _text(first, "\n".join(lines), (0.8, 4.2, 11.7, 1.4), size=20)
    if b.demo:
        _text(first, DEMO_NOTE, (0.8, 6.2, 11.7, 0.6), size=16, color=WARNING)
    first.notes_slide.notes_text_frame.text = opening(b, group_name=report.group_name)
    for s, words in zip(b.sections, report.narratives, strict=True):
        by = "完成率" if s.by == "completion" else "同比增长"
        slide = _slide(deck, f"{s.name}：{b.period}排名（按{by}）", notes=words)
        if _chartable(s).empty:  # no figure of the month to chart: the section's words say why
            _text(slide, words, (0.5, 1.3, 12.3, 5.5), size=20)
        else:
            _chart(slide, s, names)
        cells = [list(r.values()) for r in rows.ranking(s, names)]
        headers = [*rows.RANKING_HEADERS[:3], rows.value_header(s), *rows.RANKING_HEADERS[4:]]
        for i, part in enumerate(_chunks(cells)):
            more = "（续）" if i else ""
            _table(_slide(deck, f"{s.name}排名表{more}", notes=words), headers, part)
    composite = [list(r.values()) for r in rows.composite(b, names)]
    if composite:
        for i, part in enumerate(_chunks(composite)):
            more = "（续）" if i else ""
            _table(_slide(deck, f"{b.period}综合排名{more}"), list(rows.COMPOSITE_HEADERS), part)
    board = _slide(deck, "红榜与黑榜（综合排名）")
    if composite_line(b, names):
        _text(board, composite_line(b, names), (0.5, 6.5, 12.3, 0.8), size=14)
    _text(board, "红榜", (0.5, 1.3, 6.0, 0.6), size=24, bold=True, color=HONOUR)
    _text(
        board,
        "\n".join(list_line((p,), names) for p in b.honour) or honour_line(b, names),
        (0.5, 2.0, 6.0, 4.5),
        size=20,
    )
    _text(board, "黑榜", (6.8, 1.3, 6.0, 0.6), size=24, bold=True, color=WARNING)
    _text(
        board,
        "\n".join(list_line((p,), names) for p in b.warning) or warning_line(b, names),
        (6.8, 2.0, 6.0, 4.5),
        size=20,
    )
    if b.reporting is not None:
        reporting = _slide(deck, "报送情况")
        _text(reporting, reporting_line(b, names), (0.5, 1.3, 12.3, 5.5), size=20)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
