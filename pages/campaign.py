"""活动进度 Campaign: phases and milestones on a timeline, today marked, what is late."""

from functools import partial

import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.metrics.campaign import milestone_status, phase_status
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import charts, data, widgets
from bxgc_ui.ranking_labels import group_label
from bxgc_ui.views import campaign as view
from bxgc_ui.views.campaign import t
from bxgc_ui.widgets import chart_facts, chart_with_downloads, demo_notice, empty_state, folded

path, version = data.snapshot()
units = data.units(path, version)
st.title(t("camp_title"))
today = clock.today()
phases = phase_status(data.table(path, version, "phases"), today)
milestones = milestone_status(data.table(path, version, "milestones"), today)
if phases.empty and milestones.empty:
    empty_state()
    st.stop()
demo_notice(units)

late = milestones[milestones["status"] == "late"]
if len(late):  # a few lines to read, not a grid to draw
    st.warning(view.late_text(late))
else:
    st.success(t("camp_none_late"))

campaigns = list(dict.fromkeys([*phases["campaign"], *milestones["campaign"]]))
latest = view.latest_campaign(phases, milestones)
pick = st.selectbox(t("camp_pick"), campaigns, index=campaigns.index(latest), key="camp_pick")
mine_p = phases[phases["campaign"] == pick]
mine_m = milestones[milestones["campaign"] == pick]
span = view.campaign_span(mine_p, mine_m)
facts = chart_facts(units, data.data_date(path, version), period=span, unit=group_label(ALL))
timeline = partial(charts.timeline_figure, mine_p, mine_m, today, labels=view.timeline_labels(pick))
chosen = (path, version, pick, today.isoformat())
chart_with_downloads(
    st, timeline, facts=facts, key="camp_timeline", cache_key=("camp_timeline", *chosen)
)
end = view.campaign_end(mine_p, mine_m)
if end is not None and end < today:
    st.caption(t("camp_over", date=end.isoformat()))
# Folded, built when opened: the chart above draws the same phases and milestones.
details = folded(st, t("camp_details"), key="camp_details_box", icon=":material/table:")
if details.open:
    left, right = details.columns(2)
    widgets.table(left, view.phase_table(mine_p), hide_index=True)
    widgets.table(right, view.milestone_table(mine_m), hide_index=True)
