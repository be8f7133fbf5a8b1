"""数据上传 Upload: upload → detect → match → check → preview → commit; history with undo."""

import streamlit as st

from bxgc_metrics.importer.service import UPLOAD_LIMIT_MB
from bxgc_ui import auth, data, widgets
from bxgc_ui.i18n import keyed
from bxgc_ui.views import import_steps as steps
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
        mapping = st.session_state.setdefault("up_mapping", steps.no_matches())
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
        widgets.table(st, view.sheets_table(plan), hide_index=True)
        new_units = steps.match_step(plan, units, indicators, mapping=mapping, measures=measures)
        steps.check_step(plan)
        steps.preview_step(plan, units, indicators)
        steps.commit_step(plan, store, new_units=new_units, profile=profile)

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
