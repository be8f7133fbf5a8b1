"""登录 Sign in: a form posted to ``/auth/signin`` (local accounts, argon2 hashes in the
database; the session is kept in an HttpOnly cookie), or OpenID Connect when set."""

import streamlit as st

from bxgc_ui import auth, fmt, web
from bxgc_ui.views.signin import t, wait_seconds

actor = auth.current()
st.title(t("nav_signin") if actor is auth.VIEWER else t("nav_account"))
if actor is not auth.VIEWER:
    st.success(t("auth_signed_in", name=fmt.md(actor.name), role=t(f"role_{actor.role}")))
    auth.sign_out_control(st.container(), "page")
    st.stop()

if st.query_params.get("failed"):
    st.error(t("auth_failed"))
wait = wait_seconds(st.query_params.get("wait", ""))
if wait is not None:
    st.warning(t("auth_wait", seconds=wait))
auth.sign_in_form()
st.caption(t("auth_stays", hours=f"{web.session_hours():g}"))
if auth.oidc_configured():
    st.button(t("auth_oidc"), on_click=st.login, key="auth_oidc")
