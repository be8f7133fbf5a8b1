"""The 通报 page: the monthly bulletin and the meeting deck, previewed, then downloaded.

The documents are made by :mod:`bxgc_docs` from the same bulletin the preview shows
(:func:`bxgc_docs.source.load`, cached per database version); a document is written only
when its button is clicked, and each one is recorded in the audit log under the reader's
name, with the data version it was made from. Reading is all a reader needs: the audit
entry is the page's only write.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from bxgc_docs import bulletin_docx, deck_pptx, source
from bxgc_metrics import clock
from bxgc_metrics.access import Actor
from bxgc_metrics.periods import display, format_label
from bxgc_metrics.tables.bulletin import (
    composite_line,
    honour_line,
    opening,
    title,
    warning_line,
)
from bxgc_ui import auth, chart_export, data, fmt, ranking_labels
from bxgc_ui.i18n import Texts, lang

TEXTS: dict[str, tuple[str, str]] = {
    "bul_title": ("排名通报与会议材料", "Bulletin and meeting deck"),
    "bul_intro": (
        "按所选月份和参与排名的单位生成月度排名通报（Word）和会议汇报材料（PowerPoint），"
        "数字与排名页一致。下载时记入审计日志。",
        "The monthly ranking bulletin (Word) and the meeting deck (PowerPoint) for the chosen "
        "month and units, with the rankings page's figures. Each download is recorded in the "
        "audit log.",
    ),
    "bul_period": ("月份", "Month"),
    "bul_group": ("参与排名的单位", "Units ranked"),
    "bul_indicators": ("通报的指标", "Indicators reported"),
    "bul_office": ("发文单位", "Issuing office"),
    "bul_pick_one": ("请至少选择一个指标。", "Pick at least one indicator."),
    "bul_preview": ("通报正文预览", "Preview of the bulletin's text"),
    "bul_docx": ("下载通报 Word", "Download the bulletin (Word)"),
    "bul_pptx": ("下载会议材料 PowerPoint", "Download the deck (PowerPoint)"),
    "bul_no_images": (
        "本机未安装 Chromium：通报中的排名图以文字说明代替。",
        "No Chromium on this machine: the bulletin notes its charts instead of drawing them.",
    ),
    "bul_zh_only": (
        "通报与会议材料按公文惯例以中文撰写。",
        "The bulletin and the deck are written in Chinese, as official documents are.",
    ),
}

t = Texts(TEXTS, ranking_labels.TEXTS)

DEFAULT_OFFICE = source.DEFAULT_OFFICE
"""The issuing office the page starts with."""


def month_label(month: tuple[int, int]) -> str:
    """``(2026, 10)`` as read: 2026年1-10月."""
    return display("M", *month, cumulative=True, lang=lang())


def report_of(
    path: str,
    data_version: int,
    month: tuple[int, int],
    *,
    group: str,
    codes: tuple[str, ...],
    office: str,
) -> source.Report:
    """The bulletin and its names for one month, group and set of indicators, dated today
    (:func:`bxgc_metrics.clock.today`) and its reporting round judged on that day: made
    once a day for the same choices and data (see :func:`_report_on`)."""
    return _report_on(
        path, data_version, month, group=group, codes=codes, office=office, today=clock.today()
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _report_on(
    path: str,
    data_version: int,
    month: tuple[int, int],
    *,
    group: str,
    codes: tuple[str, ...],
    office: str,
    today: dt.date,
) -> source.Report:
    """:func:`report_of` on ``today`` (cached, and shared rather than copied: see
    :func:`bxgc_ui.data.built`); the day is part of the key, so a server that runs past
    midnight dates the next bulletin anew."""
    year, sub = month
    return source.load(
        data.store(),
        year=year,
        sub=sub,
        group=group,
        codes=list(codes),
        office=office or source.DEFAULT_OFFICE,
        date=today,
    )


def _document(report: source.Report, kind: str, file_name: str, *, reader: Actor) -> bytes:
    """The document's bytes, recorded in the audit log as ``reader``'s download. It runs on
    Streamlit's download thread, where the session (and so who is signed in) cannot be
    read: the page run names the reader."""
    if kind == "pptx":
        made = deck_pptx.render(report)
    else:
        # without a browser, chart_png gives no image and the document says why
        made = bulletin_docx.render(report, chart=partial(bulletin_docx.chart_png, report))
    b = report.bulletin
    data.store().as_actor(reader).append_audit(
        "report",
        file_name,
        after={
            "data_version": report.data_version,
            "period": format_label("M", b.year, b.sub),
            "group": b.group,
            "indicators": [s.indicator for s in b.sections],
            "format": kind,
        },
    )
    return made


def preview(report: source.Report) -> None:
    """The bulletin's text as one markdown element (a province's has a paragraph for each of
    dozens of indicators), every name escaped."""
    b, names = report.bulletin, report.names
    st.subheader(t("bul_preview"))
    if lang() != "zh":
        st.caption(t("bul_zh_only"))
    blocks = [f"**{fmt.md(title(b))}**", fmt.md(opening(b, group_name=report.group_name))]
    for i, (s, words) in enumerate(zip(b.sections, report.narratives, strict=True), start=1):
        blocks += [f"**{fmt.md(f'{bulletin_docx.numeral(i)}、{s.name}')}**", fmt.md(words)]
    blocks += [  # in Chinese whatever the reader's language, as the document has them
        f"**{fmt.md(bulletin_docx.composite_heading(len(b.sections)))}**",
        fmt.md(bulletin_docx.HONOUR_LABEL + honour_line(b, names)),
        fmt.md(bulletin_docx.WARNING_LABEL + warning_line(b, names)),
    ]
    if composite_line(b, names):
        blocks.append(fmt.md(composite_line(b, names)))
    st.markdown("\n\n".join(blocks))


def downloads(report: source.Report) -> None:
    """The two download buttons; each document is made on click."""
    b = report.bulletin
    stem = f"{b.year}-{b.sub:02d}"
    docx_name, pptx_name = f"通报-{stem}.docx", f"会议材料-{stem}.pptx"
    reader = auth.current()
    left, right = st.columns(2)
    left.download_button(
        t("bul_docx"),
        partial(_document, report, "docx", docx_name, reader=reader),
        file_name=docx_name,
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="bul_dl_docx",
        on_click="ignore",
    )
    right.download_button(
        t("bul_pptx"),
        partial(_document, report, "pptx", pptx_name, reader=reader),
        file_name=pptx_name,
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="bul_dl_pptx",
        on_click="ignore",
    )
    if not chart_export.available():
        left.caption(t("bul_no_images"))
