"""总览 Overview: every unit's progress against target in the latest period."""

import streamlit as st

from bxgc_metrics.periods import display
from bxgc_metrics.progress import latest_period, period_progress
from bxgc_ui import charts, data, fmt
from bxgc_ui.i18n import lang, name, t
from bxgc_ui.widgets import demo_notice, empty_state

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
observations = data.observations(path, version)
st.title(t("app_title"))
if observations.empty:
    empty_state()
    st.stop()
demo_notice(units)

latest = observations[observations["value_kind"] == "actual"].sort_values(["year", "sub"]).iloc[-1]
cols = st.columns(4)
cols[0].metric(t("units"), len(units))
cols[1].metric(t("indicators"), len(indicators))
cols[2].metric(t("observations"), f"{len(observations):,}")
cols[3].metric(
    t("latest_data"), display(latest["freq"], int(latest["year"]), int(latest["sub"]), True, lang())
)

monthly = indicators[indicators["frequency"] == "M"].set_index("code", drop=False)
labels = {code: name(row) for code, row in zip(monthly.index, monthly.itertuples(), strict=True)}
code = st.selectbox(t("indicator"), list(labels), format_func=labels.get, key="overview_indicator")
ind = monthly.loc[code]
period = latest_period(observations, ind["code"])
if period is None:
    st.info(t("empty_title"))
    st.stop()
table = period_progress(observations, ind["code"], *period, ind["direction"] == "higher")
table = table.merge(units, left_on="unit_code", right_on="code")
table["label"] = [name(r) for r in table.itertuples()]
table["hover"] = [
    f"{r.label}<br>{t('ytd_value')} {fmt.amount(r.value, ind['measure'], lang())}"
    f"<br>{t('annual_target')} {fmt.amount(r.target, ind['measure'], lang())}"
    f"<br>{t('completion')} {fmt.pct(r.completion, signed=False)}<br>{fmt.yoy(r.yoy, lang())}"
    for r in table.itertuples()
]
title = t("overview_chart_title", period=display(*period, True, lang()), indicator=name(ind))
left, right = st.columns([3, 2])
left.plotly_chart(
    charts.completion_bars(
        table,
        title,
        f"{t('completion')} (%)",
        float(table["time_progress"].iloc[0]),
        t("time_progress"),
    )
)
shown = table.assign(
    ytd=[fmt.amount(v, ind["measure"], lang()) for v in table["value"]],
    tgt=[fmt.amount(v, ind["measure"], lang()) for v in table["target"]],
    done=[fmt.pct(v, signed=False) for v in table["completion"]],
    growth=[fmt.pct(v) for v in table["yoy"]],
).sort_values("completion", ascending=False)
right.dataframe(
    shown[["label", "peer_group", "ytd", "tgt", "done", "growth"]],
    hide_index=True,
    column_config={
        "label": t("unit"),
        "peer_group": t("peer_group"),
        "ytd": t("ytd_value"),
        "tgt": t("annual_target"),
        "done": t("completion"),
        "growth": t("yoy"),
    },
)
