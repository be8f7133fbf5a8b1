"""排名 Rankings: by indicator, composite with weights and sensitivity, and rewards."""

from functools import partial

import streamlit as st

from bxgc_metrics.export import workbook
from bxgc_metrics.periods import display
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import charts, data, exports, links, widgets
from bxgc_ui.i18n import keyed, lang, name
from bxgc_ui.names import names as unit_names
from bxgc_ui.ranking_labels import group_label, rankable
from bxgc_ui.views import rankings as view
from bxgc_ui.views import rewards as reward_tab
from bxgc_ui.views.rankings import t
from bxgc_ui.widgets import (
    demo_notice,
    empty_state,
    nothing_to_rank,
)

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("rank_title"))
if not data.has_observations(path, version):
    empty_state()
    st.stop()
demo_notice(units)
names = unit_names(units)
monthly = rankable(indicators)
nothing_to_rank(monthly)
groups = [ALL, *data.peer_groups(path, version)]
view_link = links.View("rankings")
c1, c2, c3 = widgets.pickers(st, 3, key="rankings")
group = c1.selectbox(
    t("rank_group"),
    groups,
    format_func=group_label,
    key=view_link.choice("group", keyed("rank_group"), options=groups, default=ALL),
)
by = c2.segmented_control(
    t("rank_by"),
    view.BY,
    required=True,
    format_func=lambda b: t(f"by_{b}"),
    key=view_link.choice("by", "rank_by", options=view.BY, default=view.BY[0]),
)
by_label = view.month_labels(path, version, list(monthly.index))  # the address's 2026-10
months = list(by_label)
if not months:
    nothing_to_rank(monthly.iloc[:0])
month = c3.selectbox(
    t("rank_period"),
    months,
    key=view_link.choice("period", keyed("rank_period"), options=months, default=months[0]),
    format_func=lambda p: display("M", *by_label[p], cumulative=True, lang=lang()),
)
year, sub = by_label[month]
for param, value, default in (
    ("group", group, ALL),
    ("by", by, view.BY[0]),
    ("period", month, months[0]),
):
    view_link.keep(param, value, default=default)
period_text = display("M", year, sub, cumulative=True, lang=lang())
context = exports.Context(period_text, group_label(group), data.data_date(path, version))
facts = widgets.chart_facts(units, context.data_date, period=period_text, unit=context.group)
draw = partial(widgets.chart_with_downloads, facts=facts, lists_units=True)
# Every tab's choices are taken from the address and kept in it, the open tab's or not;
# only the open tab is built.
labels = {c: name(r) for c, r in zip(monthly.index, monthly.itertuples(), strict=True)}
first_indicator = next(iter(labels))
indicator_key = view_link.choice(
    "indicator", keyed("rank_ind"), options=list(labels), default=first_indicator
)
pick_keys = {
    param: view_link.choice(param, keyed(f"rank_{param}"), options=choices, default=choices[0])
    for param, _label, _prefix, choices in view.COMPOSITE_CHOICES
}
linked = view_link.mapping("weights", "rank_link_weights", options=list(indicators["code"]))
tab_labels = {which: t(f"rank_tab_{which}") for which in view.TABS}
single, combined, rewards = widgets.lazy_tabs(
    list(tab_labels.values()),
    key=view_link.tab("tab", "rank_tab", labels=tab_labels, default=view.TABS[0]),
    keeping=(indicator_key, *pick_keys.values(), *reward_tab.WIDGETS),
)
opened = next(n for n, tab in zip(view.TABS, (single, combined, rewards), strict=True) if tab.open)
view_link.keep("tab", opened, default=view.TABS[0])
view_link.keep("indicator", st.session_state[indicator_key], default=first_indicator)
for param, _label, _prefix, choices in view.COMPOSITE_CHOICES:
    view_link.keep(param, st.session_state[pick_keys[param]], default=choices[0])

if single.open:
    with single:
        code = st.selectbox(t("indicator"), list(labels), format_func=labels.get, key=indicator_key)
        ind = monthly.loc[code]
        higher = ind["direction"] == "higher"
        table, marks, flagged = view.single_ranking(
            path, version, code, year=year, sub=sub, by=by, higher=higher, group=group
        )
        chosen = (path, version, code, year, sub, by, group)  # what the chart, table, sheet show
        shown = data.built(
            ("rank_table", *chosen),
            partial(view.standings_table, table, names, ind["measure"], by=by, flagged=flagged),
        )
        left, right = widgets.beside(st, [1, 1], key="rank_single")
        title = t(
            "rank_chart_title", period=period_text, indicator=labels[code], by=t(f"by_{by}_word")
        )
        bars = partial(
            charts.ranking_bars, table, names, by, title=title, x_title=f"{t(f'by_{by}')} (%)"
        )
        draw(left, bars, key="rank_single", cache_key=("rank_single", *chosen))
        missing = view.single_notes(left, table, marks, at=chosen, names=names, period=period_text)
        widgets.table(right, shown, hide_index=True, column_config=view.ranking_columns(shown))
        if flagged & set(table["unit_code"]):
            right.caption(t("rank_flagged_note"))
        sheet = view.standings_sheet(
            table, names, by=by, context=context, indicator=labels[code], measure=ind["measure"],
            chosen=chosen, unreported=missing,
        )  # fmt: skip
        right.download_button(
            t("rank_export"),
            partial(workbook, [sheet]),
            file_name=f"ranking-{code}-{year}-{sub:02d}.xlsx",
            key="rank_dl_single",
            on_click="ignore",
        )

if combined.open:
    with combined:
        saved = data.setting(path, version, "composite_weights")
        a, b, c = st.columns(3)
        picks = {}
        for column, (param, label, prefix, choices) in zip(
            (a, b, c), view.COMPOSITE_CHOICES, strict=True
        ):
            picks[param] = column.selectbox(
                t(label),
                choices,
                key=pick_keys[param],
                format_func=lambda v, p=prefix: t(f"{p}_{v}"),
            )
        matrix = data.scorecard_of(path, version, year, sub=sub, by=by, group=group)
        weights: object = picks["weighting"]
        if weights == "custom" and not matrix.empty:
            edited = widgets.editor(
                st,
                view.weights_frame(indicators, list(matrix.columns), linked or saved),
                hide_index=True,
                disabled=["code", t("indicator")],
                column_config={"code": None},
                key=f"rank_weights_editor_{st.session_state.get('rank_link_weights_gen', 0)}",
            )
            weights = dict(zip(edited["code"], edited[t("rank_weight_col")], strict=True))
        view_link.keep("weights", weights if isinstance(weights, dict) else "", default="")
        options = {"normalisation": picks["norm"], "weights": weights, "aggregation": picks["agg"]}
        key = view.options_key(options)
        table = data.composite_of(path, version, year, sub=sub, by=by, group=group, options=key)
        if table.empty:
            st.info(t("rank_no_matrix"))
        else:
            shown = view.composite_table(table, names)
            left, right = widgets.beside(st, [3, 2], key="rank_comp")
            title = t("rank_composite_chart", period=period_text)
            bars = partial(charts.score_bars, table, names, title, x_title=t("rank_col_score"))
            chosen = (path, version, year, sub, by, group, key)
            draw(left, bars, key="rank_comp", cache_key=("rank_comp", *chosen))
            left_out = view.composite_notes(left, table, at=chosen, names=names, period=period_text)
            widgets.table(right, shown, hide_index=True, column_config=view.ranking_columns(shown))
            method = view.method_notes(options, table.attrs.get("weights", {}), indicators, by=by)
            sheet = view.composite_sheet(
                table, names, method=method, context=context, chosen=chosen, unreported=left_out
            )
            right.download_button(
                t("rank_export"),
                partial(workbook, [sheet]),
                file_name=f"composite-{year}-{sub:02d}.xlsx",
                key="rank_dl_comp",
                on_click="ignore",
            )
            st.subheader(t("rank_sensitivity"))
            spread = partial(view.sensitivity, matrix, indicators, by, options=options)
            widgets.table(st, data.built(("rank_sensitivity", *chosen), spread), hide_index=True)

view_link.publish()
with st.sidebar:
    view_link.link_box()

if rewards.open:
    with rewards:
        reward_tab.show(
            path, version, list(by_label.values()), by=by, group=group, names=names,
            data_date=context.data_date, chosen=(year, sub),
        )  # fmt: skip
