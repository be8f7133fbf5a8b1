"""The import wizard's steps after a file is read (数据上传): the names and measures still
to confirm, the checks, the preview of what would change, and the commit."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from bxgc_metrics.errors import BxgcError
from bxgc_metrics.export import to_csv_bytes
from bxgc_metrics.importer.service import ImportPlan, commit
from bxgc_metrics.store import Store
from bxgc_ui import auth, widgets
from bxgc_ui.names import names
from bxgc_ui.views import upload as view
from bxgc_ui.views.upload import t
from bxgc_ui.widgets import figures, refused


def no_matches() -> dict[str, dict[str, str]]:
    """No confirmed matches: where a file's wizard starts."""
    return {"units": {}, "indicators": {}}


def match_step(
    plan: ImportPlan,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    mapping: dict[str, dict[str, str]],
    measures: dict[str, str],
) -> pd.DataFrame:
    """Near and unknown names to confirm and open measures to pick, each in a form that
    reruns the analysis when sent; the units the file would create, to check. Returns
    those units as the analyst left them."""
    st.subheader(t("up_step_map"))
    waiting = [
        (kind, matches, reference)
        for kind, matches, reference in (
            ("units", plan.unit_matches, units),
            ("indicators", plan.indicator_matches, indicators),
        )
        if len(view.open_matches(matches))
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
    return new_units


def check_step(plan: ImportPlan) -> None:
    """What the checks found: errors first, the first rows shown, all of them as CSV."""
    st.subheader(t("up_step_check"))
    if plan.errors:
        st.error(
            t("up_errors", n=len(plan.errors)) + view.spelled_out(plan.errors, ("个错误", "error"))
        )
    if plan.warnings:
        more = view.spelled_out(plan.warnings, ("个警告", "warning"))
        st.warning(t("up_warnings", n=len(plan.warnings)) + more)
    if not plan.issues:
        st.success(t("up_no_issues"))
        return
    labels = view.issue_labels()
    longer = len(plan.issues) > view.PREVIEW_ROWS
    if longer:
        st.caption(t("up_rows_shown", n=view.PREVIEW_ROWS, total=len(plan.issues)))
    widgets.table(st, view.issues_table(plan, labels), hide_index=True)
    if longer:  # every row, made on click
        every = partial(view.issues_table, plan, labels, None)
        st.download_button(
            t("up_issues_export"),
            lambda: to_csv_bytes(every()),
            file_name="issues.csv",
            key="up_issues_dl",
            on_click="ignore",
        )


def preview_step(plan: ImportPlan, units: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """How many figures are new, changed and unchanged, and the changes themselves, each
    figure with its indicator's measure and its period as the pages read it."""
    st.subheader(t("up_step_preview"))
    if not plan.can_commit:
        st.caption(t("up_preview_refused"))
    counts = plan.counts()
    row = figures(st, "preview")
    row.metric(t("up_new"), counts["new"])
    row.metric(t("up_changed"), counts["changed"])
    row.metric(t("up_unchanged"), counts["unchanged"])
    if plan.same_file_batch is not None:
        st.info(t("up_same_file", batch=plan.same_file_batch))
    table = partial(
        view.changes_table,
        plan,
        names(units),
        names(indicators),
        headers=view.change_columns(),
        measures=view.measures_of(indicators),
    )
    moving = view.changes_count(plan)
    if moving > view.PREVIEW_ROWS:
        st.caption(t("up_rows_shown", n=view.PREVIEW_ROWS, total=moving))
    changes = table()
    if len(changes):
        widgets.table(st, changes, hide_index=True)
    if moving > view.PREVIEW_ROWS:  # every row, made on click
        st.download_button(
            t("up_changes_export"),
            lambda: to_csv_bytes(table(limit=None)),
            file_name="changes.csv",
            key="up_changes_dl",
            on_click="ignore",
        )


def commit_step(plan: ImportPlan, store: Store, *, new_units: pd.DataFrame, profile: str) -> None:
    """The commit button (with the profile's name to save the file's choices under); once
    committed, the file and its wizard leave the page and the outcome shows above the
    uploader."""
    st.subheader(t("up_step_commit"))
    allowed = auth.need("import")  # the actor's role as it is now
    profile_name = st.text_input(t("up_save_profile"), value=profile, key="up_profile_name")
    ready = plan.can_commit and allowed
    if not st.button(t("up_commit"), type="primary", disabled=not ready, key="up_commit"):
        return
    try:
        result = commit(
            replace(plan, new_units=new_units), store, profile_name=profile_name or None
        )
    except BxgcError as exc:
        refused(exc)
        return
    st.session_state.pop("up_plan", None)
    st.session_state["up_mapping"] = no_matches()
    st.session_state["up_measures"] = {}
    st.session_state["up_files"] = st.session_state.get("up_files", 0) + 1
    if result.batch_id is None:
        st.session_state["up_done"] = ("same", t("up_nothing_changed"))
    else:
        counts = {"new": result.rows_new, "changed": result.rows_changed}
        st.session_state["up_done"] = (
            "ok",
            t("up_committed", batch=result.batch_id, same=result.rows_unchanged, **counts),
        )
    st.rerun()
