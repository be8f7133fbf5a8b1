"""用户与审计 Users & audit (admins): accounts, wall-screen links, the audit log."""

import streamlit as st

from bxgc_ui import admin_view, auth
from bxgc_ui.i18n import t

st.title(t("nav_admin"))
if not auth.need("users"):
    st.stop()
store = auth.writer()
users, tokens, audit = st.tabs([t("adm_users"), t("adm_tokens"), t("adm_audit")])
with users:
    admin_view.users_panel(store)
with tokens:
    admin_view.tokens_panel(store)
with audit:
    admin_view.audit_panel(store)
