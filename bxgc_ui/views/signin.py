"""The sign-in page (登录): its texts and how it reads the wait in its own address."""

from __future__ import annotations

from bxgc_metrics.access import MAX_DELAY
from bxgc_ui import auth
from bxgc_ui.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    "auth_failed": (
        "用户名或密码不正确，或账户已停用。",
        "Wrong username or password, or the account is disabled.",
    ),
    "auth_wait": (
        "登录失败次数过多，请 {seconds} 秒后再试。",
        "Too many failed sign-ins; try again in {seconds} seconds.",
    ),
    "auth_stays": (
        "登录后在本浏览器中保持 {hours} 小时，刷新或打开新标签页无需重新登录。",
        "You stay signed in on this browser for {hours} hours, across refreshes and new tabs.",
    ),
    "auth_oidc": ("使用单位账号登录", "Sign in with your organisation account"),
}

t = Texts(TEXTS, auth.TEXTS)


def wait_seconds(text: str) -> int | None:
    """``?wait=`` as the seconds to wait before the next try, or ``None`` when it is no
    plain number of seconds the throttle could have asked for (``"²"`` is a digit too).

    >>> wait_seconds("30"), wait_seconds("²"), wait_seconds("0"), wait_seconds("")
    (30, None, None, None)
    """
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_DELAY:
        return int(text)
    return None
