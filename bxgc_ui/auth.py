"""Who is reading: the signed-in account, the wall-screen token, and what they may open.

Signing in is a form that posts to ``/auth/signin`` (:mod:`bxgc_ui.web`), which sets the
HttpOnly cookie ``bxgc_session``. :func:`refresh`, called by ``app.py`` at the start of
every page run, looks that session up in the store (:meth:`Store.session_actor`), so the
account's current role counts and a signed-out, expired or disabled session stops at once,
in every tab. An :class:`~bxgc_metrics.access.Actor` put in ``st.session_state`` under
:data:`SESSION_KEY` (tests do) counts first. Writes go through :func:`writer`, a store
acting for that actor, so the store itself refuses a viewer's write even if a page showed a
button it should not have.

Local default: with ``BXGC_PUBLIC_READ`` unset (or ``1``) anyone may read every page
without signing in. With ``BXGC_PUBLIC_READ=0`` only the sign-in page opens until someone
signs in, and the meeting screen opens read-only with a valid ``?token=`` link.

The sign-in and sign-out forms are constant HTML (:data:`SIGN_IN_ZH` and the like): no
data and no script in them. The page to go back to after signing in travels in the
sign-in page's own address (``/signin?next=upload``), which the route reads.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from bxgc_metrics.access import PERMISSIONS, VIEWER, Actor, allowed
from bxgc_metrics.store import Store
from bxgc_ui import data, fmt
from bxgc_ui.i18n import Texts, lang
from bxgc_ui.web import COOKIE

__all__ = ["VIEWER", "can", "current", "need", "writer"]

SESSION_KEY = "_bxgc_actor"
"""An actor set here counts first (tests sign in this way; no widget has this key)."""

COOKIE_ACTOR_KEY = "_bxgc_cookie_actor"
"""The cookie session's actor, looked up afresh by :func:`refresh` on every page run."""

PAGE_KEY = "_bxgc_page"
"""The URL path of the page this run shows (the sign-in link comes back to it)."""

TEXTS: dict[str, tuple[str, str]] = {
    "auth_username": ("用户名", "Username"),
    "auth_password": ("密码", "Password"),
    "auth_signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth_reading": ("未登录：只读浏览", "Not signed in: reading only"),
    "auth_sign_out": ("退出登录", "Sign out"),
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

t = Texts(TEXTS)


def session_token() -> str | None:
    """The session token the browser sent in its cookie, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None  # AppTest's client is a mock


def refresh() -> None:
    """Look the cookie's session up in the store; ``app.py`` calls this on every run."""
    token = session_token()
    actor = data.store().session_actor(token) if token else None
    if actor is None:
        st.session_state.pop(COOKIE_ACTOR_KEY, None)
    else:
        st.session_state[COOKIE_ACTOR_KEY] = actor


def current() -> Actor:
    """The signed-in actor, else the account matching an OpenID sign-in, else a viewer."""
    for key in (SESSION_KEY, COOKIE_ACTOR_KEY):
        actor = st.session_state.get(key)
        if isinstance(actor, Actor):
            return actor
    if oidc_configured() and st.user.is_logged_in:
        email = str(st.user.get("email") or st.user.get("sub") or "oidc")
        role = data.store().account_role(email)
        return Actor(email, role or "viewer")
    return VIEWER


def remember_page(url_path: str) -> None:
    """Note which page this run shows (``app.py``), for the sign-in link's way back."""
    st.session_state[PAGE_KEY] = url_path


_FORM_CSS = """
<style>
.bxgc-auth { display: flex; flex-direction: column; gap: 0.25rem; max-width: 28rem;
  padding: 1rem; border: 1px solid rgba(128, 128, 128, 0.3); border-radius: 0.5rem; }
.bxgc-auth label { font-size: 0.875rem; margin-top: 0.5rem; }
.bxgc-auth input { height: 2.5rem; padding: 0 0.75rem; border: 1px solid transparent;
  border-radius: 0.5rem; background: rgba(151, 166, 195, 0.15); color: inherit;
  font: inherit; }
.bxgc-auth input:focus { outline: none; border-color: #C8102E; }
.bxgc-auth button, .bxgc-out button { min-height: 2.5rem; padding: 0.25rem 0.75rem;
  border-radius: 0.5rem; font: inherit; font-size: 0.875rem; cursor: pointer; }
.bxgc-auth button { align-self: flex-start; margin-top: 1rem; border: 1px solid #C8102E;
  background: #C8102E; color: #FFFFFF; }
.bxgc-auth button:hover { background: #A50D26; border-color: #A50D26; }
.bxgc-out button { border: 1px solid rgba(128, 128, 128, 0.4); background: transparent;
  color: inherit; }
.bxgc-out button:hover { border-color: #C8102E; color: #C8102E; }
</style>
"""

_SIGN_IN = """
<form class="bxgc-auth" method="post" action="/auth/signin">
  <label for="bxgc-username">{username}</label>
  <input id="bxgc-username" name="username" autocomplete="username" required>
  <label for="bxgc-password">{password}</label>
  <input id="bxgc-password" name="password" type="password"
    autocomplete="current-password" required>
  <input type="hidden" name="ui_lang" value="{lang}">
  <button type="submit">{submit}</button>
</form>
"""

_SIGN_OUT = """
<form class="bxgc-out" method="post" action="/auth/signout">
  <input type="hidden" name="ui_lang" value="{lang}">
  <button type="submit">{submit}</button>
</form>
"""

SIGN_IN_ZH = _FORM_CSS + _SIGN_IN.format(
    username="用户名", password="密码", lang="zh", submit="登录"
)
SIGN_IN_EN = _FORM_CSS + _SIGN_IN.format(
    username="Username", password="Password", lang="en", submit="Sign in"
)
SIGN_OUT_ZH = _FORM_CSS + _SIGN_OUT.format(lang="zh", submit="退出登录")
SIGN_OUT_EN = _FORM_CSS + _SIGN_OUT.format(lang="en", submit="Sign out")
"""The forms, built once from constants: no data in them and no script."""


def sign_in_form() -> None:
    """The sign-in form; it posts to ``/auth/signin``, which sets the session cookie."""
    if lang() == "en":
        st.html(SIGN_IN_EN)
    else:
        st.html(SIGN_IN_ZH)


def sign_out_control(where: DeltaGenerator, place: str) -> None:
    """A sign-out button in ``where`` for a cookie session (a form posting to
    ``/auth/signout``) or an OpenID Connect sign-in; ``place`` keeps its key unique."""
    if st.session_state.get(COOKIE_ACTOR_KEY) is not None:
        if lang() == "en":
            where.html(SIGN_OUT_EN)
        else:
            where.html(SIGN_OUT_ZH)
    elif oidc_configured() and st.user.is_logged_in:
        where.button(t("auth_sign_out"), on_click=st.logout, key=f"auth_oidc_out_{place}")


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
    signin_link()
    return False


def signin_link() -> None:
    """A link to the sign-in page that comes back to this page after signing in."""
    here = st.session_state.get(PAGE_KEY)
    back = {"next": here} if here and here != "signin" else None
    st.page_link(
        "pages/signin.py", label=t("nav_signin"), icon=":material/login:", query_params=back
    )


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
    signin_link()
    return False


def sidebar_status() -> None:
    """Who is signed in, in the sidebar."""
    actor = current()
    if actor is VIEWER:
        st.sidebar.caption(t("auth_reading"))
    else:
        role = t(f"role_{actor.role}")
        st.sidebar.caption(t("auth_signed_in", name=fmt.md(actor.name), role=role))
        sign_out_control(st.sidebar, "sidebar")
