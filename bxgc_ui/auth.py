"""Who is reading: the signed-in account, the wall-screen token, and what they may open.

The session's :class:`~bxgc_metrics.access.Actor` lives in ``st.session_state`` under a
key no widget uses. Writes go through :func:`writer`, a store acting for that actor, so the
store itself refuses a viewer's write even if a page showed a button it should not have.

Local default: with ``BXGC_PUBLIC_READ`` unset (or ``1``) anyone may read every page
without signing in. With ``BXGC_PUBLIC_READ=0`` only the sign-in page opens until someone
signs in, and the meeting screen opens read-only with a valid ``?token=`` link.
"""

from __future__ import annotations

import os

import streamlit as st

from bxgc_metrics.access import PERMISSIONS, VIEWER, Actor, allowed

__all__ = ["VIEWER", "can", "current", "need", "writer"]
from bxgc_metrics.store import Store
from bxgc_ui import data, fmt
from bxgc_ui.i18n import register, t

SESSION_KEY = "_bxgc_actor"
"""Where the signed-in actor is kept (no widget has this key)."""

register(
    {
        "nav_signin": ("登录", "Sign in"),
        "nav_admin": ("用户与审计", "Users & audit"),
        "auth_username": ("用户名", "Username"),
        "auth_password": ("密码", "Password"),
        "auth_submit": ("登录", "Sign in"),
        "auth_failed": (
            "用户名或密码不正确，或账户已停用。",
            "Wrong username or password, or the account is disabled.",
        ),
        "auth_signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
        "auth_reading": ("未登录：只读浏览", "Not signed in: reading only"),
        "auth_sign_out": ("退出登录", "Sign out"),
        "auth_oidc": ("使用单位账号登录", "Sign in with your organisation account"),
        "auth_need": (
            "此操作需要{role}权限，请先登录。",
            "This needs the {role} role; please sign in.",
        ),
        "auth_need_read": ("请先登录后查看。", "Please sign in to read this dashboard."),
        "role_viewer": ("查看者", "viewer"),
        "role_analyst": ("分析员", "analyst"),
        "role_admin": ("管理员", "admin"),
        "wall_bad_token": (
            "大屏链接无效或已被吊销，请向管理员索取新链接。",
            "This wall-screen link is invalid or has been revoked; ask an admin for a new one.",
        ),
    }
)


def current() -> Actor:
    """The signed-in actor, else the account matching an OpenID sign-in, else a viewer."""
    actor = st.session_state.get(SESSION_KEY)
    if isinstance(actor, Actor):
        return actor
    if oidc_configured() and st.user.is_logged_in:
        email = str(st.user.get("email") or st.user.get("sub") or "oidc")
        role = data.store().account_role(email)
        return Actor(email, role or "viewer")
    return VIEWER


def sign_in(actor: Actor) -> None:
    """Remember ``actor`` for this session."""
    st.session_state[SESSION_KEY] = actor


def sign_out() -> None:
    """Forget the session's actor (and leave OpenID Connect, if used)."""
    st.session_state.pop(SESSION_KEY, None)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def can(permission: str) -> bool:
    """Whether the session's actor holds ``permission`` (to decide what to show)."""
    return allowed(current(), permission)


def writer() -> Store:
    """The store acting for the session's actor: every write is checked there."""
    return data.store().as_actor(current())


def need(permission: str) -> bool:
    """``True`` if allowed; otherwise show a sign-in prompt instead of the controls."""
    if can(permission):
        return True
    role = t(f"role_{PERMISSIONS[permission]}")
    st.info(t("auth_need", role=role), icon=":material/lock:")
    st.page_link("pages/signin.py", label=t("nav_signin"), icon=":material/login:")
    return False


def oidc_configured() -> bool:
    """Whether ``[auth]`` is set in ``.streamlit/secrets.toml`` (for ``st.login``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def public_read() -> bool:
    """Whether anyone may read without signing in (the local default)."""
    return os.environ.get("BXGC_PUBLIC_READ", "1") != "0"


def wall_token() -> str | None:
    """The ``token`` query parameter, if the page was opened with one."""
    token = st.query_params.get("token")
    return token or None


def wall_ok() -> bool:
    """No token given, or a token that is valid now (re-checked on every refresh)."""
    token = wall_token()
    return token is None or data.store().wall_token_label(token) is not None


def may_open(url_path: str) -> bool:
    """Whether this session may open the page at ``url_path``; says why not if it may not."""
    if wall_token() is not None:
        if wall_ok() and url_path == "meeting":
            return True
        st.error(t("wall_bad_token"), icon=":material/link_off:")
        return False
    if public_read() or current() is not VIEWER or url_path == "signin":
        return True
    st.info(t("auth_need_read"), icon=":material/lock:")
    st.page_link("pages/signin.py", label=t("nav_signin"), icon=":material/login:")
    return False


def sidebar_status() -> None:
    """Who is signed in, in the sidebar."""
    actor = current()
    if actor is VIEWER:
        st.sidebar.caption(t("auth_reading"))
    else:
        role = t(f"role_{actor.role}")
        st.sidebar.caption(t("auth_signed_in", name=fmt.md(actor.name), role=role))
