"""数据上传 Upload: upload → detect → match → check → preview → commit; history with undo."""

from dataclasses import replace
from functools import partial

import streamlit as st

from bxgc_metrics.errors import BxgcError
from bxgc_metrics.export import to_csv_bytes
from bxgc_metrics.importer.service import UPLOAD_LIMIT_MB, commit
from bxgc_ui import auth, data
from bxgc_ui.i18n import keyed, lang
from bxgc_ui.names import names
from bxgc_ui.views import undo
from bxgc_ui.views import upload as view
from bxgc_ui.views.upload import t

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
store = auth.writer()
st.title(t("up_title"))
may_import = auth.need("import")  # first thing a reader who may not import sees
importing, history, templates = st.tabs(
    [t("up_tab_import"), t("up_tab_history"), t("up_tab_templates")]
)

with importing:
    done = st.session_state.pop("up_done", None)  # the last commit's outcome
    if done is not None:
        (st.success if done[0] == "ok" else st.info)(done[1])
    if may_import:
        # a new key after each commit: the committed file leaves the page with its wizard
        upload = st.file_uploader(
            t("up_file"),
            type=["xlsx", "xlsm", "xls", "csv", "tsv"],
            key=f"up_file_{st.session_state.get('up_files', 0)}",
            max_upload_size=UPLOAD_LIMIT_MB,
        )
        # Always drawn, so the choice outlives a commit and the next file keeps it.
        create = st.checkbox(t("up_create_missing"), key="up_create")
    else:  # nothing to walk through before signing in: only what the page is for
        st.write(t("up_purpose"))
        upload = None
    if upload is not None:
        payload = upload.getvalue()
        profiles = ["", *data.table(path, version, "import_profiles")["name"]]
        profile = st.selectbox(
            t("up_profile"),
            profiles,
            key=keyed("up_profile"),
            format_func=lambda p: p or t("up_no_profile"),
        )
        mapping = st.session_state.setdefault("up_mapping", {"units": {}, "indicators": {}})
        measures = st.session_state.setdefault("up_measures", {})
        plan = view.plan_for(
            payload,
            upload.name,
            None,
            profile=profile or None,
            mapping=mapping,
            create=create,
            measures=measures,
        )

        st.subheader(t("up_step_detect"))
        st.dataframe(view.sheets_table(plan), hide_index=True)

        st.subheader(t("up_step_map"))
        waiting = [
            (k, m, ref)
            for k, m, ref in (
                ("units", plan.unit_matches, units),
                ("indicators", plan.indicator_matches, indicators),
            )
            if len(view.open_matches(m))
        ]
        if waiting:
            with st.form("up_match_form"):
                chosen = {k: view.match_choices(m, ref, k) for k, m, ref in waiting}
                if st.form_submit_button(t("up_confirm_matches")):
                    st.session_state["up_mapping"] = {
                        k: {**mapping[k], **chosen.get(k, {})} for k in mapping
                    }
                    st.rerun()
        elif plan.new_units.empty and plan.new_indicators.empty:
            st.caption(t("up_all_matched"))
        new_units = view.new_codes(plan, units)
        asking = view.open_measures(plan)
        if len(asking):
            with st.form("up_measure_form"):
                st.caption(t("up_measure_help"))
                picked = view.measure_choices(asking)
                if st.form_submit_button(t("up_confirm_measures")):
                    st.session_state["up_measures"] = {**measures, **picked}
                    st.rerun()

        st.subheader(t("up_step_check"))
        if plan.errors:
            st.error(t("up_errors", n=len(plan.errors)))
        if plan.warnings:
            st.warning(t("up_warnings", n=len(plan.warnings)))
        if plan.issues:
            if len(plan.issues) > view.PREVIEW_ROWS:
                st.caption(t("up_rows_shown", n=view.PREVIEW_ROWS, total=len(plan.issues)))
            labels = view.issue_labels()
            st.dataframe(view.issues_table(plan, labels), hide_index=True)
            if len(plan.issues) > view.PREVIEW_ROWS:
                every_issue = partial(view.issues_table, plan, labels, None)
                st.download_button(
                    t("up_issues_export"),
                    lambda: to_csv_bytes(every_issue()),
                    file_name="issues.csv",
                    key="up_issues_dl",
                    on_click="ignore",
                )
        else:
            st.success(t("up_no_issues"))

        st.subheader(t("up_step_preview"))
        counts = plan.counts()
        m1, m2, m3 = st.columns(3)
        m1.metric(t("up_new"), counts["new"])
        m2.metric(t("up_changed"), counts["changed"])
        m3.metric(t("up_unchanged"), counts["unchanged"])
        if plan.same_file_batch is not None:
            st.info(t("up_same_file", batch=plan.same_file_batch))
        ind_names, measures = names(indicators), view.measures_of(indicators)
        headers, moving = view.change_columns(), view.changes_count(plan)
        changes = view.changes_table(
            plan, names(units), ind_names, headers=headers, measures=measures
        )
        if moving > view.PREVIEW_ROWS:
            st.caption(t("up_rows_shown", n=view.PREVIEW_ROWS, total=moving))
        if len(changes):
            st.dataframe(changes, hide_index=True)
        if moving > view.PREVIEW_ROWS:
            everything = partial(
                view.changes_table,
                plan,
                names(units),
                ind_names,
                headers=headers,
                limit=None,
                measures=measures,
            )
            st.download_button(
                t("up_changes_export"),
                lambda: to_csv_bytes(everything()),
                file_name="changes.csv",
                key="up_changes_dl",
                on_click="ignore",
            )

        st.subheader(t("up_step_commit"))
        allowed = auth.need("import")
        profile_name = st.text_input(t("up_save_profile"), value=profile, key="up_profile_name")
        ready = plan.can_commit and allowed
        if st.button(t("up_commit"), type="primary", disabled=not ready, key="up_commit"):
            try:
                plan = replace(plan, new_units=new_units)
                result = commit(plan, store, profile_name=profile_name or None)
            except BxgcError as exc:
                st.error(exc.text(lang()))
            else:
                st.session_state.pop("up_plan", None)
                st.session_state["up_mapping"] = {"units": {}, "indicators": {}}
                st.session_state["up_measures"] = {}
                st.session_state["up_files"] = st.session_state.get("up_files", 0) + 1
                if result.batch_id is None:
                    st.session_state["up_done"] = ("same", t("up_nothing_changed"))
                else:
                    st.session_state["up_done"] = (
                        "ok",
                        t(
                            "up_committed",
                            batch=result.batch_id,
                            new=result.rows_new,
                            changed=result.rows_changed,
                            same=result.rows_unchanged,
                        ),
                    )
                st.rerun()

with history:
    undo.history_tab(units, indicators)

with templates:
    st.write(t("up_template_help"))
    long_sheet, wide_sheet = view.templates(units, indicators)  # made on click
    st.download_button(
        t("up_template_long"),
        long_sheet,
        file_name="bxgc-long-template.xlsx",
        key="up_tpl_long",
        on_click="ignore",
    )
    st.download_button(
        t("up_template_wide"),
        wide_sheet,
        file_name="bxgc-wide-template.xlsx",
        key="up_tpl_wide",
        on_click="ignore",
    )
