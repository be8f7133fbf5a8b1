"""The admin page (用户与审计): accounts, wall-screen links and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.access import ROLES
from bxgc_metrics.errors import BxgcError
from bxgc_metrics.export import to_csv_bytes, to_xlsx_bytes
from bxgc_metrics.store import Store
from bxgc_ui import auth, widgets
from bxgc_ui.i18n import Texts, keyed, lang
from bxgc_ui.links import beside
from bxgc_ui.widgets import refused

TEXTS: dict[str, tuple[str, str]] = {
    "adm_users": ("用户", "Users"),
    "adm_tokens": ("大屏链接", "Wall-screen links"),
    "adm_audit": ("审计日志", "Audit log"),
    "adm_new_user": ("新增用户", "Add a user"),
    "adm_role": ("角色", "Role"),
    "adm_add": ("添加", "Add"),
    "adm_disable": ("停用 / 启用", "Disable / enable"),
    "adm_change": ("修改所选用户的角色或密码", "Change the chosen user's role or password"),
    "adm_new_password": (
        "新密码（留空则不改）",
        "New password (leave empty to keep it)",
    ),
    "adm_save_user": ("保存修改", "Save changes"),
    "adm_saved": ("已保存。", "Saved."),
    "adm_label": ("链接名称（如：三楼会议室）", "Label (e.g. third-floor meeting room)"),
    "adm_create_token": ("生成只读链接", "Create a read-only link"),
    "adm_token_once": (
        "请复制此链接，它只显示这一次：",
        "Copy this link now; it is shown only once:",
    ),
    "adm_revoke": ("吊销", "Revoke"),
    "adm_export_csv": ("导出 CSV", "Export CSV"),
    "adm_created": ("创建时间", "Created"),
    "adm_link_name": ("链接名称", "Label"),
    "adm_disabled": ("已停用", "Disabled"),
    "adm_token_id": ("链接编号", "Link id"),
    "adm_revoked": ("吊销时间", "Revoked"),
    "adm_when": ("时间", "When"),
    "adm_who": ("操作人", "Who"),
    "adm_action": ("操作", "Action"),
    "adm_target": ("对象", "Target"),
    "adm_before": ("修改前", "Before"),
    "adm_after": ("修改后", "After"),
    "adm_export_xlsx": ("导出 Excel", "Export Excel"),
    "adm_audit_page": ("页码", "Page"),
    "adm_audit_rows": (
        "共 {total} 条，本页第 {first}–{last} 条（第 {page} / {pages} 页，最新在前）；导出包含全部记录。",
        "{total} entries; this page shows {first}–{last} (page {page} of {pages}, newest "
        "first). The exports hold every entry.",
    ),
    "adm_no_tokens": ("还没有大屏链接。", "No wall-screen links yet."),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "import": ("导入数据", "Import"),
    "undo": ("撤销导入", "Undo an import"),
    "restore": ("从备份恢复", "Restore from a backup"),
    "migrate": ("迁移数据库", "Move the database"),
    "units": ("修改单位", "Change units"),
    "indicators": ("修改指标", "Change indicators"),
    "benchmark_pairs": ("修改标杆对照", "Change benchmark pairs"),
    "gaps": ("修改差距整改", "Change gaps"),
    "phases": ("修改活动阶段", "Change phases"),
    "milestones": ("修改节点", "Change milestones"),
    "import_profiles": ("修改导入方案", "Change import profiles"),
    "profile": ("保存导入方案", "Save an import profile"),
    "setting": ("修改设置", "Change a setting"),
    "reward_rules": ("修改奖励规则", "Change reward rules"),
    "quality_rules": ("修改数据质量规则", "Change data-quality rules"),
    "quality_review": ("核实数据", "Mark a figure checked"),
    "quality_reopen": ("撤回核实", "Reopen a checked figure"),
    "event_add": ("新增大事记", "Add an event"),
    "event_update": ("修改大事记", "Change an event"),
    "event_delete": ("删除大事记", "Delete an event"),
    "report": ("下载通报或会议材料", "Download a bulletin or deck"),
    "user_create": ("新增用户", "Add a user"),
    "user_update": ("修改用户", "Change a user"),
    "sign_in": ("登录", "Sign in"),
    "sign_in_failed": ("登录失败", "Failed sign-in"),
    "sign_out": ("退出登录", "Sign out"),
    "session_expired": ("登录过期", "Session expired"),
    "wall_token_create": ("生成大屏链接", "Create a wall-screen link"),
    "wall_token_revoke": ("吊销大屏链接", "Revoke a wall-screen link"),
}
"""What each action the audit log records is called, in Chinese and English; the log
shows the words with the action's code beside them (an action not listed shows its code)."""

t = Texts(TEXTS, auth.TEXTS)


def action_words(actions: pd.Series) -> pd.Series:
    """Each audit action as the reader reads it: ``导入数据（import）``, or its code alone
    when it has no words (:data:`ACTIONS`)."""
    zh = lang() == "zh"
    words = {
        code: f"{zh_words}（{code}）" if zh else f"{en_words} ({code})"
        for code, (zh_words, en_words) in ACTIONS.items()
    }
    return actions.map(lambda code: words.get(code, code))


AUDIT_PAGE = 500
"""Audit rows shown per page; the exports hold every row."""

SHEET_ROWS = 1_000_000
"""Rows per Excel sheet (a sheet holds at most 1,048,576); a longer log fills several."""


def _done(action, *args: object, **kwargs: object) -> object:
    try:
        result = action(*args, **kwargs)
    except BxgcError as exc:
        refused(exc)
        return None
    st.success(t("adm_saved"))
    return result if result is not None else True


def users_table(users: pd.DataFrame) -> pd.DataFrame:
    """Accounts for reading: roles named, times in the configured zone."""
    return pd.DataFrame(
        {
            t("auth_username"): users["username"],
            t("adm_role"): [t(f"role_{r}") for r in users["role"]],
            t("adm_created"): clock.shown(users["created_at"]),
            t("adm_disabled"): [t("yes" if d else "no") for d in users["disabled"]],
        }
    )


def tokens_table(tokens: pd.DataFrame) -> pd.DataFrame:
    """Wall-screen links for reading."""
    return pd.DataFrame(
        {
            t("adm_token_id"): tokens["id"],
            t("adm_link_name"): tokens["label"],
            t("adm_created"): clock.shown(tokens["created_at"]),
            t("adm_revoked"): clock.shown(tokens["revoked_at"]).replace("", "—"),
        }
    )


def audit_headers() -> list[str]:
    """The audit table's headers in the reader's language."""
    keys = ("adm_when", "adm_who", "adm_action", "adm_target", "adm_before", "adm_after")
    return ["id", *(t(k) for k in keys)]


def audit_table(log: pd.DataFrame, headers: list[str] | None = None) -> pd.DataFrame:
    """The audit log for reading and export: headers in the reader's language (or
    ``headers``, :func:`audit_headers` taken earlier), local times."""
    columns = [
        log["id"],
        clock.shown(log["logged_at"]),
        log["who"],
        action_words(log["action"]),
        log["target"].fillna("—"),
        log["before_json"].fillna("—"),
        log["after_json"].fillna("—"),
    ]
    names = headers or audit_headers()
    return pd.DataFrame(dict(zip(names, columns, strict=True)))


def audit_sheets(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The table as Excel sheets of at most :data:`SHEET_ROWS` rows each."""
    parts = range(0, max(len(table), 1), SHEET_ROWS)
    return {
        "audit" if i == 0 else f"audit {i // SHEET_ROWS + 1}": table.iloc[i : i + SHEET_ROWS]
        for i in parts
    }


def users_panel(store: Store) -> None:
    """List accounts; add one; disable or enable one."""
    users = store.users()
    widgets.table(st, users_table(users), hide_index=True)
    with st.form("adm_user_form", clear_on_submit=True):
        st.caption(t("adm_new_user"))
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(t("auth_username"), key="adm_username")
        password = c2.text_input(t("auth_password"), type="password", key="adm_password")
        role = c3.selectbox(
            t("adm_role"), ROLES, key=keyed("adm_role"), format_func=lambda r: t(f"role_{r}")
        )
        if st.form_submit_button(t("adm_add")) and username and password:
            _done(store.create_user, username, password, role)
    if len(users):
        pick = st.selectbox(t("auth_username"), users["username"], key="adm_pick")
        if st.button(t("adm_disable"), key="adm_toggle"):
            now = bool(users.set_index("username").loc[pick, "disabled"])
            _done(store.update_user, pick, disabled=not now)
        current = str(users.set_index("username").loc[pick, "role"])
        with st.form(f"adm_change_form_{pick}", clear_on_submit=True):
            st.caption(t("adm_change"))
            c1, c2 = st.columns(2)
            role = c1.selectbox(
                t("adm_role"),
                ROLES,
                index=ROLES.index(current),
                key=keyed(f"adm_change_role_{pick}"),
                format_func=lambda r: t(f"role_{r}"),
            )
            password = c2.text_input(
                t("adm_new_password"), type="password", key=f"adm_change_password_{pick}"
            )
            if st.form_submit_button(t("adm_save_user")):
                _done(
                    store.update_user,
                    pick,
                    role=None if role == current else role,
                    password=password or None,
                )


def tokens_panel(store: Store) -> None:
    """List wall-screen links; create one (shown once); revoke one."""
    label = st.text_input(t("adm_label"), key="adm_token_label")
    if st.button(t("adm_create_token"), key="adm_token_create") and label:
        token = _done(store.create_wall_token, label)
        if isinstance(token, str):
            st.write(t("adm_token_once"))
            kiosk = f"/meeting?embed=true&embed_options=dark_theme&token={token}"
            st.code(beside(st.context.url, kiosk), language=None)
    tokens = store.wall_tokens()
    if tokens.empty:
        st.info(t("adm_no_tokens"))
    else:
        widgets.table(st, tokens_table(tokens), hide_index=True)
    live = tokens.loc[tokens["revoked_at"].isna(), "id"].tolist()
    if live:
        pick = st.selectbox(t("adm_revoke"), live, key="adm_token_pick")
        if st.button(t("adm_revoke"), key="adm_token_revoke"):
            _done(store.revoke_wall_token, pick)


def audit_panel(store: Store) -> None:
    """The audit log, newest first, a page at a time, with every row in the exports."""
    total = store.audit_count()
    pages = max(1, -(-total // AUDIT_PAGE))
    page = int(
        st.number_input(
            t("adm_audit_page"), min_value=1, max_value=pages, step=1, key="adm_audit_page"
        )
    )
    offset = (min(page, pages) - 1) * AUDIT_PAGE
    log = audit_table(store.audit_log(limit=AUDIT_PAGE, offset=offset))
    last = offset + len(log)
    st.caption(
        t(
            "adm_audit_rows",
            total=f"{total:,}",
            first=f"{min(offset + 1, last):,}",
            last=f"{last:,}",
            page=page,
            pages=pages,
        )
    )
    widgets.table(st, log, hide_index=True)
    headers = audit_headers()  # now: the exports are made when clicked, in this language

    def every_row() -> pd.DataFrame:
        return audit_table(store.audit_log(), headers)

    c1, c2 = st.columns(2)
    c1.download_button(
        t("adm_export_csv"),
        lambda: to_csv_bytes(every_row()),
        file_name="bxgc-audit.csv",
        key="adm_csv",
        on_click="ignore",
    )
    c2.download_button(
        t("adm_export_xlsx"),
        lambda: to_xlsx_bytes(audit_sheets(every_row())),
        file_name="bxgc-audit.xlsx",
        key="adm_xlsx",
        on_click="ignore",
    )
