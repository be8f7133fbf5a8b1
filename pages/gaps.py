"""差距整改 Gaps: each unit's gaps and measures (editable), overdue items, the look back."""

import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.metrics.campaign import gap_status, look_back
from bxgc_ui import auth, data, widgets
from bxgc_ui.names import names as unit_names
from bxgc_ui.views import gaps as view
from bxgc_ui.views.gaps import t
from bxgc_ui.widgets import demo_notice, empty_state

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("gaps_title"))
editable = auth.need("edit_gaps")  # says at the top who may edit; the table is read-only
if units.empty:
    empty_state()
    st.stop()
demo_notice(units)
gaps = gap_status(data.table(path, version, "gaps"), clock.today())
names = unit_names(units)
directions = dict(zip(indicators["code"], indicators["direction"] == "higher", strict=True))
promised = gaps[gaps["indicator_code"].notna()]
years = promised["promised_year"].dropna()
review = look_back(
    promised,
    data.gap_observations(
        path,
        version,
        tuple(sorted(promised["unit_code"].unique())),
        indicators=tuple(sorted(promised["indicator_code"].unique())),
        years=(int(years.min()), int(years.max())) if len(years) else (0, 0),
    ),
    directions,
)
met = frozenset(int(i) for i in review.loc[review["met"], "id"])  # promise reached

overdue = gaps[gaps["overdue"]]
if len(overdue):
    st.warning(t("gaps_overdue", n=len(overdue)))
    widgets.table(st, view.overdue_table(overdue, names, met), hide_index=True)
else:
    st.success(t("gaps_none_overdue"))

if editable:
    st.caption(t("gaps_help"))
    edited = widgets.editor(
        st,
        view.gaps_editor_frame(gaps),
        num_rows="dynamic",
        hide_index=True,
        column_config=view.gaps_columns(names, indicators),
        key="gaps_editor",
    )
    if st.button(t("gaps_save"), type="primary", key="gaps_save"):
        auth.writer().replace_table("gaps", view.gaps_from_editor(edited))
        st.success(t("gaps_saved"))
        st.rerun()
else:
    widgets.table(
        st,
        view.gaps_editor_frame(gaps),
        hide_index=True,
        column_config=view.gaps_columns(names, indicators),
    )

st.subheader(t("gaps_lookback"))
st.caption(t("gaps_lookback_help"))
look_back = view.look_back_table(review, names, indicators)
widgets.table(st, look_back, hide_index=True, column_config=view.look_back_columns(look_back))
