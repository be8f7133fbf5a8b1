"""The 排名通报 as a Word document: a template filled with docxtpl.

The layout lives in code: :func:`builtin_template` writes a 公文-style template with
python-docx (A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the title in
方正小标宋简体, the body in 仿宋_GB2312, each with fall-backs named in the font table; page
numbers in the footer), and :func:`render` fills it — or the office's own template, which
may use any of :data:`PLACEHOLDERS` — with the bulletin's figures. Jinja autoescape is on
and names are values, never template text: a unit called ``{{ 7*7 }}`` or ``<script>``
prints as typed.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from bxgc_docs import rows
from bxgc_docs.source import Report
from bxgc_metrics.tables.bulletin import (
    composite_line,
    honour_line,
    opening,
    reporting_line,
    title,
    warning_line,
)

FONTS = {
    "title": ("方正小标宋简体", "SimHei", "WenQuanYi Micro Hei"),
    "heading": ("黑体", "SimHei", "WenQuanYi Micro Hei"),
    "body": ("仿宋_GB2312", "FangSong", "WenQuanYi Micro Hei"),
}
"""Each role's font and its fall-backs (the font table's ``altName``): Word and
LibreOffice take the first the machine has, or their own substitute for Chinese text."""

PLACEHOLDERS: dict[str, str] = {
    "title": "关于2026年1-10月比学赶超主要指标完成情况的通报",
    "office": "the issuing office (落款)",
    "date": "the bulletin's date, 2026年11月5日",
    "period": "2026年1-10月",
    "group": "the units ranked: 全部单位 or a peer group",
    "demo_note": "演示数据… when the figures are demo data, else empty",
    "opening": "the opening paragraph",
    "sections": "one per indicator: s.heading (一、固定资产投资), s.name, s.narrative, "
    "s.chart (the ranking image, or a note why there is none), s.table_title, "
    "s.value_header, s.rows (r.rank, r.move, r.unit, r.value, r.completion, r.growth)",
    "composite_heading": "the composite ranking's heading",
    "composite": "its rows: r.rank, r.move, r.unit, r.score (empty: too few indicators)",
    "honour_line / warning_line": "红榜 and 黑榜 on one line each",
    "composite_line": "the units the composite ranks without, as they have not reported "
    "every indicator (empty when none)",
    "honour / warning": "the same as rows: r.rank, r.unit, r.score",
    "rewards_heading, rewards": "rewards due (r.unit, r.amount, r.points, r.excellent); "
    "empty before June",
    "overdue_heading, overdue": "overdue rectification items (r.unit, r.gap, r.measure, "
    "r.owner, r.deadline, r.days)",
    "reporting_heading, reporting": "报送情况: who reported the month on time, late or not "
    "at all (one paragraph; empty when no indicator has a reporting calendar)",
    "data_version, data_date": "the store's data version and last import time",
}
"""What a template may use (``{{ title }}``, ``{% for s in sections %}{{ s.narrative }}
{% endfor %}`` …), with an example or a description of each."""

DEMO_NOTE = "（演示数据：单位与数字为虚构，仅供演示，不得引用）"
NO_CHART = "（本机未安装 Chromium，未生成排名图）"
"""Where a section's chart would stand when the machine has no browser to draw it."""
NO_CHARTS_ASKED = "（本稿未附排名图）"
"""Where it would stand in a document made without charts (``--no-charts``)."""
NUMERALS = "一二三四五六七八九十"

ChartMaker = Callable[[Any], bytes | None]
"""Makes a section's PNG (or ``None``): :func:`chart_png` or a test's stand-in."""


HONOUR_LABEL = "红榜："
"""What introduces the 红榜 line (the Word file's and the page's preview's)."""
WARNING_LABEL = "黑榜："
"""What introduces the 黑榜 line."""


def composite_heading(sections: int) -> str:
    """The heading of the part after the indicators' ``sections``: the composite ranking
    and the 红黑榜 (``五、综合排名及红黑榜`` after four)."""
    return f"{numeral(sections + 1)}、综合排名及红黑榜"


def numeral(n: int) -> str:
    """A heading's number in Chinese, 1 … 99.

    >>> numeral(3), numeral(10), numeral(12), numeral(20)
    ('三', '十', '十二', '二十')
    """
    tens, ones = divmod(n, 10)
    if tens == 0:
        return NUMERALS[ones - 1]
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def chart_png(report: Report, section: Any) -> bytes | None:
    """The section's ranking bars as a PNG with title band and source line, or ``None``
    when this machine has no browser to render it."""
    from bxgc_ui import chart_export, charts

    if not chart_export.available():
        return None
    b = report.bulletin
    by = "完成率" if section.by == "completion" else "同比增长"
    fig = charts.ranking_bars(
        section.ranking,
        dict(report.names),
        section.by,
        title=f"{b.period}{section.name}排名（{by}）",
        x_title=f"{by} (%)",
    )
    caption = chart_export.Caption(
        title=chart_export.plain_title(fig),
        period=b.period,
        data_date=report.data_date,
        unit=report.group_name,
        exported_at=b.date.isoformat(),
        demo=b.demo,
    )
    return chart_export.image(fig, caption, fmt="png")


def context(
    report: Report, tpl: DocxTemplate, *, chart: ChartMaker | None = None
) -> dict[str, Any]:
    """The values :data:`PLACEHOLDERS` name, for ``tpl``; ``chart`` makes each section's
    image (``None``: made without images, :data:`NO_CHARTS_ASKED` instead; an image it
    cannot make, :data:`NO_CHART`)."""
    b, names = report.bulletin, report.names
    sections = []
    for i, (s, words) in enumerate(zip(b.sections, report.narratives, strict=True), start=1):
        png = chart(s) if chart is not None else None
        sections.append(
            {
                "heading": f"{numeral(i)}、{s.name}",
                "name": s.name,
                "narrative": words,
                "chart": InlineImage(tpl, io.BytesIO(png), width=Mm(150))
                if png is not None
                else (NO_CHART if chart is not None else NO_CHARTS_ASKED),
                "table_title": f"{b.period}{s.name}排名（按{'完成率' if s.by == 'completion' else '同比增长'}）",
                "value_header": rows.value_header(s),
                "rows": rows.ranking(s, names),
            }
        )
    n = len(sections)
    kind = rows.REWARD_KIND.get(b.reward_kind or "", "")
    return {
        "title": title(b),
        "office": report.office,
        "date": f"{b.date.year}年{b.date.month}月{b.date.day}日",
        "period": b.period,
        "group": report.group_name,
        "demo_note": DEMO_NOTE if b.demo else "",
        "opening": opening(b, group_name=report.group_name),
        "sections": sections,
        "composite_heading": composite_heading(n),
        "composite": rows.composite(b, names),
        "honour_line": honour_line(b, names),
        "warning_line": warning_line(b, names),
        "composite_line": composite_line(b, names),
        "honour": rows.places(b.honour, names),
        "warning": rows.places(b.warning, names),
        "rewards_heading": f"{numeral(n + 2)}、{b.year}年{kind}考核奖励测算" if kind else "",
        "rewards": rows.rewards(b, names),
        "overdue_heading": f"{numeral(n + 3 if kind else n + 2)}、逾期未完成的整改事项",
        "overdue": rows.overdue(b, names),
        "reporting_heading": f"{numeral(n + 4 if kind else n + 3)}、报送情况",
        "reporting": reporting_line(b, names) if b.reporting is not None else "",
        "data_version": report.data_version,
        "data_date": report.data_date or "—",
    }


# --- the built-in template ----------------------------------------------------------------


def _east_asian(element: Any, role: str) -> None:
    """Set ``element``'s (a style's or run's) fonts: ``role``'s font for Chinese text."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), "Times New Roman")
    fonts.set(qn("w:eastAsia"), FONTS[role][0])


def _font_table(doc: Any) -> None:
    """Name each font's fall-backs (``altName``) in the document's font table."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for primary, *others in FONTS.values():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), primary)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), ",".join(others))
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(alt)
        font.append(charset)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style(doc: Any, name: str, *, role: str, size: float, bold: bool = False) -> Any:
    style = doc.styles["Normal"] if name == "Normal" else doc.styles.add_style(name, 1)
    style.font.size = Pt(size)
    style.font.bold = bold
    _east_asian(style.element, role)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = Pt(28) if size >= 14 else Pt(18)
    return style


def _paragraph(doc: Any, text: str, style: str = "Normal", *, align: str = "") -> Any:
    p = doc.add_paragraph(text, style=style)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif style == "Normal":
        p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    return p


def _table(
    doc: Any, headers: list[str], cells: list[str], *, loop: str, widths: list[float]
) -> None:
    """A table whose one data row repeats for each item of ``loop`` (docxtpl ``{%tr %}``)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    item = loop.split()[1]
    table.rows[1].cells[0].text = f"{{%tr {loop} %}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for i, (head, cell) in enumerate(zip(headers, cells, strict=True)):
        table.rows[0].cells[i].text = head
        table.rows[2].cells[i].text = f"{{{{ {item}.{cell} }}}}"
    for row in table.rows:
        for i, c in enumerate(row.cells):
            c.width = Mm(widths[i])
            for p in c.paragraphs:
                p.style = doc.styles["BxCell"]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for p in table.rows[0].cells[0].paragraphs:
        p.style = doc.styles["BxCell"]
    for c in table.rows[0].cells:
        for r in (r for p in c.paragraphs for r in p.runs):
            r.bold = True
    _repeat_header(table.rows[0])


def _repeat_header(row: Any) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _page_numbers(section: Any) -> None:
    """``— 3 —`` centred in the footer."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(" —")


TEXT_WIDTH_MM = 156.0
"""A4's 210 mm less the 28 mm and 26 mm margins: no table is wider."""


def builtin_template(path: Path) -> Path:
    """Write the built-in template to ``path`` and return it."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    _font_table(doc)
    _style(doc, "Normal", role="body", size=16)
    _style(doc, "BxTitle", role="title", size=22)
    _style(doc, "BxHeading", role="heading", size=16)
    _style(doc, "BxCell", role="body", size=10.5)
    _style(doc, "BxNote", role="body", size=12)
    _page_numbers(sec)
    _paragraph(doc, "{{ title }}", "BxTitle", align="center")
    _paragraph(doc, "{%p if demo_note %}", "BxNote")
    _paragraph(doc, "{{ demo_note }}", "BxNote", align="center")
    _paragraph(doc, "{%p endif %}", "BxNote")
    _paragraph(doc, "")
    _paragraph(doc, "各有关单位：", align="right").alignment = WD_ALIGN_PARAGRAPH.LEFT
    _paragraph(doc, "{{ opening }}")
    _paragraph(doc, "{%p for s in sections %}")
    _paragraph(doc, "{{ s.heading }}", "BxHeading")
    _paragraph(doc, "{{ s.narrative }}")
    chart = _paragraph(doc, "{{ s.chart }}", "BxNote", align="center")
    chart.paragraph_format.line_spacing = 1.0  # an exact line height would crop the image
    _paragraph(doc, "{{ s.table_title }}", "BxNote", align="center")
    _table(
        doc,
        ["名次", "进位", "单位", "{{ s.value_header }}", "完成率", "同比增长"],
        ["rank", "move", "unit", "value", "completion", "growth"],
        loop="for r in s.rows",
        widths=[14, 14, 50, 30, 24, 24],
    )
    _paragraph(doc, "{%p endfor %}")
    _paragraph(doc, "{{ composite_heading }}", "BxHeading")
    _paragraph(doc, HONOUR_LABEL + "{{ honour_line }}")
    _paragraph(doc, WARNING_LABEL + "{{ warning_line }}")
    _paragraph(doc, "{%p if composite_line %}")
    _paragraph(doc, "{{ composite_line }}")
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{%p if composite %}")
    _table(
        doc,
        list(rows.COMPOSITE_HEADERS),
        ["rank", "move", "unit", "score"],
        loop="for r in composite",
        widths=[20, 20, 76, 40],
    )
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{%p if rewards %}")
    _paragraph(doc, "{{ rewards_heading }}", "BxHeading")
    _table(
        doc,
        list(rows.REWARD_HEADERS),
        ["unit", "amount", "points", "excellent"],
        loop="for r in rewards",
        widths=[60, 40, 26, 30],
    )
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{{ overdue_heading }}", "BxHeading")
    _paragraph(doc, "{%p if overdue %}")
    _table(
        doc,
        list(rows.OVERDUE_HEADERS),
        ["unit", "gap", "measure", "owner", "deadline", "days"],
        loop="for r in overdue",
        widths=[24, 34, 44, 20, 20, 14],
    )
    _paragraph(doc, "{%p else %}")
    _paragraph(doc, "无逾期未完成的整改事项。")
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{%p if reporting %}")
    _paragraph(doc, "{{ reporting_heading }}", "BxHeading")
    _paragraph(doc, "{{ reporting }}")
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "")
    _paragraph(doc, "{{ office }}", align="right")
    _paragraph(doc, "{{ date }}", align="right")
    _paragraph(doc, "数据版本：{{ data_version }} · 数据更新：{{ data_date }}", "BxNote")
    doc.save(str(path))
    return path


class _BuiltIn(DocxTemplate):  # type: ignore[misc]
    """docxtpl for the built-in template, without two passes it does not need.

    The built-in template has no ``{%tc %}`` column tags, so no table needs its grid
    widened (``fix_tables``), and no value is a multi-line listing (``resolve_listing``):
    on a 1,000-unit bulletin the two passes take a third of the rendering. An office's
    own template gets docxtpl's full treatment.
    """

    def resolve_listing(self, xml: str) -> str:
        return xml

    def fix_tables(self, xml: str) -> Any:
        """The rendered body parsed as a whole new document: moving a large body into the
        template's own document (docxtpl's ``map_tree``) costs lxml more than parsing."""
        root = self.docx._element
        body, empty = root.body, OxmlElement("w:body")
        root.replace(body, empty)
        shell = etree.tostring(root, encoding="unicode")
        root.replace(empty, body)
        rendered = re.sub(r"^<\?xml[^>]*\?>", "", xml.lstrip())
        return parse_xml(shell.replace("<w:body/>", rendered, 1))

    def fix_docpr_ids(self, tree: Any) -> None:
        """Number the drawings' ids afresh, as docxtpl does (python-docx's element knows
        the ``wp`` prefix itself)."""
        for element in tree.xpath("//wp:docPr"):
            self.docx_ids_index += 1
            element.attrib["id"] = str(self.docx_ids_index)

    def map_tree(self, tree: Any) -> None:
        """Make ``tree`` (a whole document, see :meth:`fix_tables`) the document."""
        self.docx._part._element = tree
        self.docx._element = tree
        self.docx._Document__body = None


def render(
    report: Report, *, template: Path | None = None, chart: ChartMaker | None = None
) -> bytes:
    """The 通报 as .docx bytes, from ``template`` (default: :func:`builtin_template`)."""
    with tempfile.TemporaryDirectory() as tmp:
        if template is None:
            tpl = _BuiltIn(str(builtin_template(Path(tmp) / "bulletin.docx")))
        else:
            tpl = DocxTemplate(str(template))
        tpl.render(context(report, tpl, chart=chart), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()
