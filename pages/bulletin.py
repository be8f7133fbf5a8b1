"""通报 Bulletin: the monthly 排名通报 (Word) and the meeting deck (PowerPoint)."""

import streamlit as st

from bxgc_metrics.tables.standings import ALL
from bxgc_ui import data
from bxgc_ui.i18n import keyed, name
from bxgc_ui.ranking_labels import group_label, rankable
from bxgc_ui.views import bulletin as view
from bxgc_ui.views import rankings
from bxgc_ui.views.bulletin import t
from bxgc_ui.widgets import demo_notice, empty_state, nothing_to_rank

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("bul_title"))
if not data.has_observations(path, version):
    empty_state()
    st.stop()
demo_notice(units)
st.caption(t("bul_intro"))
monthly = rankable(indicators)
nothing_to_rank(monthly)
months = rankings.months(data.actual_periods(path, version), list(monthly.index))
if not months:
    nothing_to_rank(monthly.iloc[:0])
groups = [ALL, *data.peer_groups(path, version)]
c1, c2 = st.columns(2)
month = c1.selectbox(t("bul_period"), months, format_func=view.month_label, key=keyed("bul_period"))
group = c2.selectbox(t("bul_group"), groups, format_func=group_label, key=keyed("bul_group"))
labels = {c: name(r) for c, r in zip(monthly.index, monthly.itertuples(), strict=True)}
codes = st.multiselect(
    t("bul_indicators"),
    list(labels),
    default=list(labels),
    format_func=labels.get,
    key=keyed("bul_codes"),
)
office = st.text_input(t("bul_office"), value=view.DEFAULT_OFFICE, max_chars=60, key="bul_office")
if not codes:
    st.info(t("bul_pick_one"))
    st.stop()
report = view.report_of(path, version, month, group=group, codes=tuple(codes), office=office)
view.downloads(report)
view.preview(report)
