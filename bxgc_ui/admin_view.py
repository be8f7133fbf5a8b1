"""The admin page's pieces: accounts, wall-screen links and the audit log."""

from __future__ import annotations

import streamlit as st

from bxgc_metrics.access import ROLES
from bxgc_metrics.errors import BxgcError
from bxgc_metrics.export import to_csv_bytes, to_xlsx_bytes
from bxgc_metrics.store import Store
from bxgc_ui.i18n import lang, register, t

register(
    {
        "adm_users": ("用户", "Users"),
        "adm_tokens": ("大屏链接", "Wall-screen links"),
        "adm_audit": ("审计日志", "Audit log"),
        "adm_new_user": ("新增用户", "Add a user"),
        "adm_role": ("角色", "Role"),
        "adm_add": ("添加", "Add"),
        "adm_disable": ("停用 / 启用", "Disable / enable"),
        "adm_saved": ("已保存。", "Saved."),
        "adm_label": ("链接名称（如：三楼会议室）", "Label (e.g. third-floor meeting room)"),
        "adm_create_token": ("生成只读链接", "Create a read-only link"),
        "adm_token_once": (
            "请复制此链接，它只显示这一次：",
            "Copy this link now; it is shown only once:",
        ),
        "adm_revoke": ("吊销", "Revoke"),
        "adm_export_csv": ("导出 CSV", "Export CSV"),
        "adm_export_xlsx": ("导出 Excel", "Export Excel"),
    }
)


def _done(action, *args: object, **kwargs: object) -> object:
    try:
        result = action(*args, **kwargs)
    except BxgcError as exc:
        st.error(exc.text(lang()))
        return None
    st.success(t("adm_saved"))
    return result if result is not None else True


def users_panel(store: Store) -> None:
    """List accounts; add one; disable or enable one."""
    users = store.users()
    st.dataframe(users, hide_index=True)
    with st.form("adm_user_form", clear_on_submit=True):
        st.caption(t("adm_new_user"))
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(t("auth_username"), key="adm_username")
        password = c2.text_input(t("auth_password"), type="password", key="adm_password")
        role = c3.selectbox(t("adm_role"), ROLES, key="adm_role")
        if st.form_submit_button(t("adm_add")) and username and password:
            _done(store.create_user, username, password, role)
    if len(users):
        pick = st.selectbox(t("auth_username"), users["username"], key="adm_pick")
        if st.button(t("adm_disable"), key="adm_toggle"):
            now = bool(users.set_index("username").loc[pick, "disabled"])
            _done(store.update_user, pick, disabled=not now)


def tokens_panel(store: Store) -> None:
    """List wall-screen links; create one (shown once); revoke one."""
    label = st.text_input(t("adm_label"), key="adm_token_label")
    if st.button(t("adm_create_token"), key="adm_token_create") and label:
        token = _done(store.create_wall_token, label)
        if isinstance(token, str):
            st.write(t("adm_token_once"))
            st.code(f"/meeting?embed=true&embed_options=dark_theme&token={token}", language=None)
    tokens = store.wall_tokens()
    st.dataframe(tokens, hide_index=True)
    live = tokens.loc[tokens["revoked_at"].isna(), "id"].tolist()
    if live:
        pick = st.selectbox(t("adm_revoke"), live, key="adm_token_pick")
        if st.button(t("adm_revoke"), key="adm_token_revoke"):
            _done(store.revoke_wall_token, pick)


def audit_panel(store: Store) -> None:
    """The audit log, newest first, with CSV and Excel export."""
    log = store.audit_log()
    st.dataframe(log, hide_index=True)
    c1, c2 = st.columns(2)
    c1.download_button(
        t("adm_export_csv"), to_csv_bytes(log), file_name="bxgc-audit.csv", key="adm_csv"
    )
    c2.download_button(
        t("adm_export_xlsx"),
        to_xlsx_bytes({"audit": log}),
        file_name="bxgc-audit.xlsx",
        key="adm_xlsx",
    )
