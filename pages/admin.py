"""用户与审计 Users & audit (admins): accounts, wall-screen links, the audit log."""

import streamlit as st

from bxgc_ui import auth
from bxgc_ui.views import admin as view
from bxgc_ui.views.admin import t

st.title(t("nav_admin"))
if not auth.need("users"):
    st.stop()
store = auth.writer()
users, tokens, audit = st.tabs([t("adm_users"), t("adm_tokens"), t("adm_audit")])
with users:
    view.users_panel(store)
with tokens:
    view.tokens_panel(store)
with audit:
    view.audit_panel(store)
