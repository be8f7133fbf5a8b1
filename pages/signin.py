"""登录 Sign in: local accounts (argon2 hashes in the database), or OpenID Connect when set."""

import streamlit as st

from bxgc_ui import auth, data, fmt
from bxgc_ui.i18n import t

st.title(t("nav_signin"))
actor = auth.current()
if actor is not auth.VIEWER:
    st.success(t("auth_signed_in", name=fmt.md(actor.name), role=t(f"role_{actor.role}")))
    if st.button(t("auth_sign_out"), key="auth_sign_out"):
        auth.sign_out()
        st.rerun()
    st.stop()

with st.form("auth_form"):
    username = st.text_input(t("auth_username"), key="auth_username")
    password = st.text_input(t("auth_password"), type="password", key="auth_password")
    submitted = st.form_submit_button(t("auth_submit"), type="primary")
if submitted:
    found = data.store().sign_in(username, password)
    if found is None:
        st.error(t("auth_failed"))
    else:
        auth.sign_in(found)
        st.rerun()
if auth.oidc_configured():
    st.button(t("auth_oidc"), on_click=st.login, key="auth_oidc")
