"""Small shared pieces of page: the demo notice and the empty state."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics.demo import load_demo
from bxgc_ui import auth, charts
from bxgc_ui.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    "demo_notice": (
        "当前显示的是演示数据（虚构单位与数字，方案四的数字取自原文）。",
        "You are looking at demo data (made-up units and figures; plan four's numbers are "
        "from the document).",
    ),
    "empty_body": (
        "可以载入演示数据先看看效果，或到“数据上传”页面导入本单位的报表。",
        "Load the demo data to look around, or import your own report sheets on the Upload page.",
    ),
    "load_demo": ("载入演示数据", "Load demo data"),
    "demo_loaded": ("演示数据已载入。", "Demo data loaded."),
    "no_rankable": (
        "还没有可以按月排名的指标：需要月度报送、按完成率或增长排名的指标（比率类指标不排名）。",
        "No indicator can be ranked month by month yet: ranking needs a monthly indicator "
        "measured against a target or a year earlier (rates are not ranked).",
    ),
    "chart_cut": (
        "共 {total} 个单位：图中为前 {top} 名和后 {bottom} 名，完整名单见表格。",
        "{total} units: the chart shows the first {top} and the last {bottom}; "
        "the table lists them all.",
    ),
}

t = Texts(TEXTS)


def demo_notice(units: pd.DataFrame) -> None:
    """Say plainly that the figures are demo data when any demo unit is shown."""
    if bool(units["is_demo"].any()):
        st.info(t("demo_notice"), icon=":material/science:")


def empty_state() -> None:
    """A friendly empty database: explain, and offer the demo data."""
    st.subheader(t("empty_title"))
    st.write(t("empty_body"))
    if auth.need("settings") and st.button(t("load_demo"), type="primary"):
        load_demo(auth.writer())
        st.success(t("demo_loaded"))
        st.rerun()


def cut_note(where: object, rows: int) -> None:
    """Under a unit chart: say so when it draws only the head and tail of ``rows`` units."""
    if charts.is_cut(rows):
        where.caption(  # type: ignore[attr-defined]
            t("chart_cut", total=rows, top=charts.CHART_TOP, bottom=charts.CHART_BOTTOM)
        )


def nothing_to_rank(indicators: pd.DataFrame) -> None:
    """Stop the page with a note when no indicator can be ranked month by month."""
    if indicators.empty:
        st.info(t("no_rankable"), icon=":material/info:")
        st.stop()
