"""数据质量 Data quality: who has reported a period (填报进度, the 催报 list) and the figures
to verify (预警), each with its reason and evidence, to be marked 核实无误."""

from functools import partial

import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.errors import BxgcError
from bxgc_metrics.periods import format_label
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import auth, data, widgets
from bxgc_ui.i18n import keyed, lang
from bxgc_ui.names import names as named
from bxgc_ui.ranking_labels import group_label
from bxgc_ui.views import quality as view
from bxgc_ui.views.quality import t
from bxgc_ui.widgets import demo_notice, empty_state, figures, folded, lazy_tabs, refused

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("q_title"))
if not data.has_observations(path, version):
    empty_state()
    st.stop()
demo_notice(units)
names, indicator_names = named(units), named(indicators)
every = view.refresh_seconds(st.query_params.get("every", ""))
# Only the open tab is built: the flags tab reads the whole-database quality report.
progress_tab, flags_tab = lazy_tabs(
    [t("q_tab_progress"), t("q_tab_flags")],
    key="q_tab",
    keeping=(keyed("q_period"), keyed("q_group"), "q_show_verified", keyed("q_reopen_flag")),
)

if progress_tab.open:
    with progress_tab:
        today = clock.today()
        choices, default = data.built(  # the periods are read only when not yet built
            ("q_round_choices", path, version, today),
            lambda: view.round_choices(data.actual_periods(path, version), indicators, today),
        )
        if default is None:
            st.info(t("q_no_calendar"))
        else:
            left, right = st.columns(2)
            period_key = keyed("q_period")
            if st.session_state.get(period_key) not in choices:
                st.session_state[period_key] = default
            chosen = left.selectbox(
                t("q_period"),
                choices[::-1],
                format_func=lambda c: view.period_label(*c),
                key=period_key,
            )
            groups = [ALL, *data.peer_groups(path, version)]
            group = right.selectbox(
                t("q_group"),
                groups,
                format_func=group_label,
                key=keyed("q_group"),
            )

            @st.fragment(run_every=every)
            def round_panel() -> None:
                """Re-read the data version each interval: a report imported anywhere shows."""
                here, now = data.snapshot()
                contacts = auth.can("contacts")  # names and phones: for those who chase reports
                r = data.reporting_round(
                    here,
                    now,
                    format_label(*chosen),
                    group=group,
                    today=clock.today().isoformat(),
                    contacts=contacts,
                )
                row = figures(st, "round")
                for label, value in view.headline(r):
                    row.metric(label, value)
                st.caption(t("q_refresh", time=clock.now().strftime("%H:%M:%S"), every=every))
                st.subheader(t("q_reminders"))
                # the round's tables, built once per round, reader and language
                shown = (here, now, chosen, group, clock.today(), contacts)
                if r.reminders.empty:
                    st.success(t("q_no_reminders"))
                else:
                    widgets.table(
                        st,
                        data.built(
                            ("q_reminders_table", *shown),
                            partial(view.reminders_table, r, names, contacts=contacts),
                        ),
                        hide_index=True,
                        key="q_reminders_table",
                    )
                    st.caption(t("q_text"))
                    text = data.built(("q_round_text", *shown), partial(r.text, lang=lang()))
                    st.code(text, language=None, wrap_lines=True)
                st.download_button(  # the workbook is made on click, not on every rerun
                    t("q_download"),
                    partial(r.workbook, lang=lang()),
                    file_name=f"催报名单-{format_label(*chosen)}.xlsx",
                    key="q_download",
                    on_click="ignore",
                )
                st.subheader(t("q_units"))
                units_table = partial(view.units_table, r, names, contacts=contacts)
                widgets.table(
                    st, data.built(("q_units_table", *shown), units_table), hide_index=True
                )
                grid = folded(st, t("q_grid"), key="q_grid_box")
                if grid.open:
                    widgets.table(grid, view.grid_table(r, names, indicator_names))

            round_panel()

if flags_tab.open:
    with flags_tab:
        st.caption(t("q_flags_help"))
        with st.spinner(t("q_checking")):  # a whole-database pass once per data version
            report = data.quality_report(path, version)
        flags = report.flags
        open_count = int((~flags["verified"].astype(bool)).sum())
        if open_count:
            st.warning(t("q_open", n=open_count))
        else:
            st.success(t("q_none"))
        shown = flags if st.toggle(t("q_show_verified"), key="q_show_verified") else None
        table = view.flags_table(report, names, indicator_names)
        if shown is None:
            table = table[~flags["verified"].astype(bool).to_numpy()]
        widgets.table(
            st,
            table,
            hide_index=True,
            key="q_flags_table",
            column_config={
                t("col_reason"): st.column_config.TextColumn(width="medium"),
                t("col_evidence"): st.column_config.TextColumn(width="large"),
            },
        )
        st.subheader(t("q_scores"))
        widgets.table(st, view.scores_table(report, names), hide_index=True)
        if len(flags) and auth.need("review_flags"):
            st.subheader(t("q_mark"))
            done = st.session_state.pop(view.DONE_KEY, None)
            if done:  # what the last mark or reopen did, said after the rerun that shows it
                st.success(t(done))
            choice = view.flag_choice(report, names)
            with st.form("q_mark_form", clear_on_submit=True):
                flag = st.selectbox(
                    t("q_mark_flag"), list(choice), format_func=choice.get, key=keyed("q_mark_flag")
                )
                note = st.text_input(t("q_mark_note"), max_chars=500, key="q_mark_note")
                marked = st.form_submit_button(t("q_mark_save"), type="primary")
            if marked and flag and not note.strip():
                st.error(t("q_mark_note_missing"))
            elif marked and flag:
                try:
                    auth.writer().review_flag(flag, note)
                except BxgcError as exc:
                    refused(exc)
                else:
                    st.session_state[view.DONE_KEY] = "q_marked"
                    st.rerun()
            verified = flags[flags["verified"].astype(bool)]
            if len(verified):
                again = st.selectbox(
                    t("q_reopen"),
                    list(verified["flag_id"]),
                    format_func=choice.get,
                    key=keyed("q_reopen_flag"),
                )
                if st.button(t("q_reopen"), key="q_reopen"):
                    auth.writer().reopen_flag(again)
                    st.session_state[view.DONE_KEY] = "q_reopened"
                    st.rerun()
