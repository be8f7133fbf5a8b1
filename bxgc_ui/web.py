"""Sign-in and sign-out as plain HTTP routes beside the Streamlit app.

A Streamlit page cannot set a cookie, and a sign-in that lives only in the page's
session is lost on a refresh. So the sign-in form posts to ``/auth/signin`` here: the
password is checked by the store (argon2, audited), a session is created there (only the
token's SHA-256 is stored; it lasts ``BXGC_SESSION_HOURS``, default 8), and the answer sets
the token in the cookie ``bxgc_session`` (HttpOnly, SameSite=Lax, Path=/, Max-Age; Secure
over https) and sends the browser back to the page it came from with a 303. Each page run
then finds its reader through :func:`bxgc_ui.auth.current`. ``/auth/signout`` ends the
session in the store and clears the cookie.

Neither the password nor the token is ever put in a URL: a failed sign-in goes back to the
sign-in page with ``failed=1``. Failed sign-ins are throttled per account name and per the
reader's address (``request.client``: the proxy's ``X-Forwarded-For`` when it runs on the
same machine, see the README); an attempt that comes too soon goes back with ``wait=N``
seconds and no password is checked. A form posted from another site (its ``Origin``,
else its ``Referer``, names another host) is refused before any password is checked. The
page to go back to is a page name of this app (``next``), never a URL.

``asgi.py`` serves these routes and ``app.py`` together as one ``st.App``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bxgc_metrics.errors import TooManyAttemptsError
from bxgc_metrics.store import Store, default_path

COOKIE = "bxgc_session"
"""The session cookie's name; it holds the session token and nothing else."""

DEFAULT_HOURS = 8.0
"""How long a sign-in lasts unless ``BXGC_SESSION_HOURS`` says otherwise."""

MAX_FORM_BYTES = 8192
"""A sign-in form is a few hundred bytes; anything larger is refused unread."""

PAGES = frozenset(p.stem for p in (Path(__file__).resolve().parent.parent / "pages").glob("*.py"))
"""The pages a sign-in may go back to (each page's URL is its file name)."""

HOME = "overview"
"""The default page, served at ``/``."""

_REFUSED = "请从本站的登录页面登录或退出。\nSign in or out from this site's own sign-in page.\n"


def session_hours() -> float:
    """``BXGC_SESSION_HOURS`` as a number of hours (default 8); refuses nonsense."""
    raw = os.environ.get("BXGC_SESSION_HOURS", "").strip()
    if not raw:
        return DEFAULT_HOURS
    try:
        hours = float(raw)
    except ValueError:
        hours = math.nan
    if not (math.isfinite(hours) and 0 < hours <= 24 * 365):
        raise ValueError(
            f"BXGC_SESSION_HOURS 应为 0 到 8760 之间的小时数，而不是 {raw!r}。 / "
            f"BXGC_SESSION_HOURS must be a number of hours above 0 and at most 8760, not {raw!r}."
        )
    return hours


_STORES: dict[str, Store] = {}


def _store() -> Store:
    """The store for ``BXGC_DB`` (one per file, like the pages' cached store)."""
    path = str(default_path())
    if path not in _STORES:
        _STORES[path] = Store(path)
    return _STORES[path]


def _same_site(request: Request) -> bool:
    """Whether the form was posted from a page of this host (against cross-site forgery).

    Browsers send ``Origin`` with every form post; without it the ``Referer`` must name
    this host. A post with neither is refused.
    """
    host = request.headers.get("host", "").lower()
    if not host or request.headers.get("sec-fetch-site", "same-origin") not in (
        "same-origin",
        "none",
    ):
        return False
    origin = request.headers.get("origin")
    source = origin if origin is not None else request.headers.get("referer")
    return bool(source) and urlsplit(source).netloc.lower() == host


async def _form(request: Request) -> dict[str, str] | None:
    """The posted form's fields (first value of each), or ``None`` when it is too large."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
    except ValueError:
        return None
    return {key: values[0] for key, values in fields.items()}


def _next_page(form: dict[str, str], request: Request) -> str:
    """The page to go back to: the form's ``next``, else the ``next`` in the address of the
    sign-in page that posted it; only a page of this app, else the overview."""
    wanted = form.get("next")
    if wanted is None:
        referer = urlsplit(request.headers.get("referer", ""))
        wanted = (parse_qs(referer.query).get("next") or [""])[0]
    return wanted if wanted in PAGES else HOME


def page_url(page: str, **query: str | None) -> str:
    """The path of ``page`` with the given query (empty values left out)."""
    path = "/" if page == HOME else f"/{page}"
    given = {key: value for key, value in query.items() if value}
    return f"{path}?{urlencode(given)}" if given else path


def _language(form: dict[str, str]) -> str | None:
    """``en`` when the form was in English (the page keeps that language), else nothing."""
    return "en" if form.get("ui_lang") == "en" else None


async def sign_in(request: Request) -> Response:
    """``POST /auth/signin``: check the password, open a session, set the cookie."""
    if not _same_site(request):
        return PlainTextResponse(_REFUSED, status_code=403)
    form = await _form(request)
    if form is None:
        return PlainTextResponse("Too large.\n", status_code=413)
    lang, page = _language(form), _next_page(form, request)
    back = None if page == HOME else page
    hours = session_hours()
    username = form.get("username", "").strip()[:200]
    address = request.client.host if request.client else None
    try:
        opened = await run_in_threadpool(
            _store().open_session, username, form.get("password", ""), hours, address=address
        )
    except TooManyAttemptsError as exc:
        wait = str(max(1, math.ceil(exc.wait)))
        return RedirectResponse(page_url("signin", wait=wait, next=back, lang=lang), 303)
    if opened is None:
        return RedirectResponse(page_url("signin", failed="1", next=back, lang=lang), 303)
    response = RedirectResponse(page_url(page, lang=lang), 303)
    response.set_cookie(
        COOKIE,
        opened[1],
        max_age=round(hours * 3600),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


async def sign_out(request: Request) -> Response:
    """``POST /auth/signout``: end the cookie's session in the store and clear the cookie."""
    if not _same_site(request):
        return PlainTextResponse(_REFUSED, status_code=403)
    form = await _form(request) or {}
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(_store().end_session, token)
    response = RedirectResponse(page_url("signin", lang=_language(form)), 303)
    response.delete_cookie(
        COOKIE, path="/", secure=request.url.scheme == "https", httponly=True, samesite="lax"
    )
    return response


ROUTES = [
    Route("/auth/signin", sign_in, methods=["POST"]),
    Route("/auth/signout", sign_out, methods=["POST"]),
]
"""The routes ``asgi.py`` adds to the Streamlit app."""
