"""The rankings page's rewards tab: the rules table applied to the half-year or year-end
composite ranks, with totals, itemised entries and a workbook."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.export import workbook
from bxgc_metrics.metrics.rewards import compute_rewards, load_default_rules
from bxgc_metrics.tables.bulletin import latest_assessment
from bxgc_ui import data, exports, widgets
from bxgc_ui.ranking_labels import group_label
from bxgc_ui.views import rankings as view
from bxgc_ui.views.rankings import t

WIDGETS = ("reward_kind", "reward_year_half", "reward_year_year")
"""The tab's widget keys, whose choices outlive a visit to another tab."""


def show(
    path: str,
    version: int,
    periods: pd.DataFrame,
    *,
    by: str,
    group: str,
    names: dict[str, str],
    data_date: str,
    chosen: tuple[int, int],
) -> None:
    """Pick half-year or year-end and the year; show and export what each unit is due.

    The assessment starts at the latest one the page's 时期 ``chosen`` (year, month) has
    reached, and follows it whenever the period changes; picked by hand, it stays until
    then."""
    r1, r2 = st.columns(2)
    if st.session_state.get("reward_period") != chosen:
        year, kind = latest_assessment(*chosen)
        st.session_state["reward_kind"] = kind
        if year in view.assessed_years(periods, kind):
            st.session_state[f"reward_year_{kind}"] = year
        st.session_state["reward_period"] = chosen
    kind = (
        r1.segmented_control(
            t("reward_kind"),
            ["half", "year"],
            required=True,
            key="reward_kind",
            format_func=lambda k: t(f"reward_{k}"),
        )
        or "year"
    )
    years = view.assessed_years(periods, kind)
    if not years:
        st.info(t("reward_no_year", kind=t(f"reward_{kind}")))
    else:
        reward_year = r2.selectbox(t("reward_of_year"), years, key=f"reward_year_{kind}")
        rules = data.reward_rules(path, version)
        ranks = data.reward_ranks_of(path, version, reward_year, kind=kind, by=by, group=group)
        missed = (  # 漏统漏报: the year's late and missing reports, as the 通报 counts them
            data.year_record_of(path, version, reward_year, group=group) if kind == "year" else None
        )
        # the year-end's deductions count the reports overdue today
        today = clock.today() if kind == "year" else None
        result = data.built(
            ("rewards", path, version, reward_year, kind, by, group, today),
            lambda: compute_rewards(
                load_default_rules() if rules is None else rules, ranks, kind, missed_reports=missed
            ),
        )
        totals, items = view.reward_tables(result, names)
        st.caption(t("reward_note"))
        left, right = st.columns(2)
        left.markdown(f"**{t('reward_totals')}**")
        widgets.table(left, totals, hide_index=True)
        right.markdown(f"**{t('reward_items')}**")
        widgets.table(right, items, hide_index=True)
        reward_context = exports.Context(
            f"{reward_year} {t(f'reward_{kind}')}", group_label(group), data_date
        )
        st.download_button(
            t("rank_export"),
            partial(workbook, exports.reward_tables(result, names, context=reward_context)),
            file_name=f"rewards-{reward_year}-{kind}.xlsx",
            key="rank_dl_rewards",
            on_click="ignore",
        )
