"""排名 Rankings: by indicator, composite with weights and sensitivity, and rewards."""

from functools import partial

import streamlit as st

from bxgc_metrics.export import workbook
from bxgc_metrics.metrics.ranking import AGGREGATIONS, NORMALISATIONS
from bxgc_metrics.metrics.rewards import compute_rewards, load_default_rules
from bxgc_metrics.periods import display
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import charts, data, exports, widgets
from bxgc_ui.i18n import keyed, lang, name
from bxgc_ui.names import names as unit_names
from bxgc_ui.ranking_labels import group_label, rankable
from bxgc_ui.views import rankings as view
from bxgc_ui.views.rankings import t
from bxgc_ui.widgets import cut_note, demo_notice, empty_state, nothing_to_rank

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
c1, c2, c3 = st.columns(3)
group = c1.selectbox(t("rank_group"), groups, format_func=group_label, key="rank_group")
by = c2.segmented_control(
    t("rank_by"),
    ["completion", "growth"],
    default="completion",
    required=True,
    format_func=lambda b: t(f"by_{b}"),
    key="rank_by",
)
periods = view.months(data.actual_periods(path, version), list(monthly.index))
if not periods:
    nothing_to_rank(monthly.iloc[:0])
year, sub = c3.selectbox(
    t("rank_period"),
    periods,
    key=keyed("rank_period"),
    format_func=lambda p: display("M", p[0], p[1], cumulative=True, lang=lang()),
)
period_text = display("M", year, sub, cumulative=True, lang=lang())
context = exports.Context(period_text, group_label(group), data.data_date(path, version))
facts = widgets.chart_facts(units, context.data_date, period=period_text, unit=context.group)
single, combined, rewards = st.tabs(
    [t("rank_tab_single"), t("rank_tab_composite"), t("rank_tab_rewards")]
)

with single:
    labels = {c: name(r) for c, r in zip(monthly.index, monthly.itertuples(), strict=True)}
    code = st.selectbox(t("indicator"), list(labels), format_func=labels.get, key=keyed("rank_ind"))
    ind = monthly.loc[code]
    higher = ind["direction"] == "higher"
    table = data.standings_of(
        path,
        version,
        code,
        freq="M",
        year=year,
        sub=sub,
        by=by,
        higher_is_better=higher,
        group=group,
    )
    marks = data.references_of(
        path, version, code, freq="M", year=year, sub=sub, by=by, higher_is_better=higher
    )
    shown = view.standings_table(table, names, ind["measure"], by=by)
    left, right = st.columns([1, 1])
    title = t("rank_chart_title", period=period_text, indicator=labels[code], by=t(f"by_{by}"))
    bars = partial(
        charts.ranking_bars, table, names, by, title=title, x_title=f"{t(f'by_{by}')} (%)"
    )
    widgets.chart_with_downloads(left, bars, facts=facts, key="rank_single", lists_units=True)
    cut_note(left, int(table["rank"].notna().sum()))
    if len(marks):
        left.caption(view.reference_note(marks, names, by))
    right.dataframe(shown, hide_index=True)
    sheet = exports.standings_table(
        table, names, indicator=labels[code], measure=ind["measure"], by=by, context=context
    )
    right.download_button(
        t("rank_export"),
        partial(workbook, [sheet]),
        file_name=f"ranking-{code}-{year}-{sub:02d}.xlsx",
        key="rank_dl_single",
    )

with combined:
    saved = data.setting(path, version, "composite_weights")
    a, b, c = st.columns(3)
    norm = a.selectbox(
        t("rank_normalisation"),
        NORMALISATIONS,
        key=keyed("rank_norm"),
        format_func=lambda n: t(f"norm_{n}"),
    )
    how = b.selectbox(
        t("rank_weighting"),
        ["equal", "entropy", "custom"],
        key=keyed("rank_weighting"),
        format_func=lambda w: t(f"weights_{w}"),
    )
    agg = c.selectbox(
        t("rank_aggregation"),
        AGGREGATIONS,
        key=keyed("rank_agg"),
        format_func=lambda g: t(f"agg_{g}"),
    )
    matrix = data.scorecard_of(path, version, year, sub=sub, by=by, group=group)
    weights: object = how
    if how == "custom" and not matrix.empty:
        edited = st.data_editor(
            view.weights_frame(indicators, list(matrix.columns), saved),
            hide_index=True,
            disabled=["code", t("indicator")],
            column_config={"code": None},
            key="rank_weights_editor",
        )
        weights = dict(zip(edited["code"], edited[t("rank_weight_col")], strict=True))
    options = {"normalisation": norm, "weights": weights, "aggregation": agg}
    if matrix.empty or matrix.shape[1] < 2:
        st.info(t("rank_no_matrix"))
    else:
        key = tuple(
            sorted(
                (k, tuple(sorted(v.items())) if isinstance(v, dict) else v)
                for k, v in options.items()
            )
        )
        table = data.composite_of(path, version, year, sub=sub, by=by, group=group, options=key)
        shown = view.composite_table(table, names)
        left, right = st.columns([3, 2])
        title = t("rank_composite_chart", period=period_text)
        bars = partial(charts.score_bars, table, names, title, x_title=t("rank_col_score"))
        widgets.chart_with_downloads(left, bars, facts=facts, key="rank_comp", lists_units=True)
        cut_note(left, len(table))
        right.dataframe(shown, hide_index=True)
        method = view.method_notes(options, table.attrs.get("weights", {}), indicators, by=by)
        sheet = exports.composite_table(table, names, method=method, context=context)
        right.download_button(
            t("rank_export"),
            partial(workbook, [sheet]),
            file_name=f"composite-{year}-{sub:02d}.xlsx",
            key="rank_dl_comp",
        )
        st.subheader(t("rank_sensitivity"))
        st.dataframe(view.sensitivity(matrix, indicators, by, options=options), hide_index=True)

with rewards:
    r1, r2 = st.columns(2)
    kind = r1.segmented_control(
        t("reward_kind"),
        ["half", "year"],
        default="year",
        required=True,
        key="reward_kind",
        format_func=lambda k: t(f"reward_{k}"),
    )
    years = view.assessed_years(periods, kind)
    if not years:
        st.info(t("reward_no_year", kind=t(f"reward_{kind}")))
    else:
        reward_year = r2.selectbox(t("reward_of_year"), years, key=f"reward_year_{kind}")
        rules = data.reward_rules(path, version)
        ranks = data.reward_ranks_of(path, version, reward_year, kind=kind, by=by, group=group)
        result = compute_rewards(load_default_rules() if rules is None else rules, ranks, kind)
        totals, items = view.reward_tables(result, names)
        st.caption(t("reward_note"))
        left, right = st.columns(2)
        left.markdown(f"**{t('reward_totals')}**")
        left.dataframe(totals, hide_index=True)
        right.markdown(f"**{t('reward_items')}**")
        right.dataframe(items, hide_index=True)
        reward_context = exports.Context(
            f"{reward_year} {t(f'reward_{kind}')}", group_label(group), context.data_date
        )
        st.download_button(
            t("rank_export"),
            partial(workbook, exports.reward_tables(result, names, context=reward_context)),
            file_name=f"rewards-{reward_year}-{kind}.xlsx",
            key="rank_dl_rewards",
        )
