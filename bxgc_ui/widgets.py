"""Small shared pieces of page: the demo notice and the empty state."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics.demo import load_demo
from bxgc_ui import auth, charts
from bxgc_ui.i18n import t


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
