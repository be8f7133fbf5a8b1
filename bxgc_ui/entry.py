"""The page a browser loads at each of the app's addresses: Streamlit's own ``index.html``,
told where the server is.

Streamlit's page finds its server by asking ``<address>/_stcore/health``. Opened at a
page's own address (``/catchup``, a bookmark, the meeting room's kiosk link, a refresh),
it first asks ``/catchup/_stcore/health``, is refused, waits its retry delay (about
0.1 s) and only then asks the root. The page served here names the server's address, the
folder the page's address is in, through Streamlit's documented ``window.__streamlit``
setting, so the first question is the right one. The file is otherwise Streamlit's,
unchanged; every other address (static files, media, the websocket) is Streamlit's own.
"""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit import file_util

from bxgc_ui.web import PAGES

SERVER_AT = (
    "<script>window.__streamlit = Object.assign("
    '{BACKEND_BASE_URL: new URL(".", window.location.href).href}, window.__streamlit)'
    "</script>"
)
"""Set before Streamlit's scripts load: the server is at the folder of the page's address
(``/`` for ``/catchup?unit=JD03``). A setting a host page made itself is kept."""

ADDRESSES = ("", *sorted(PAGES))
"""Every page's address: the root (the home page) and each page file's name."""


@functools.cache
def index_html() -> bytes:
    """Streamlit's ``index.html`` with :data:`SERVER_AT` first in its head."""
    html = (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")
    if "<head>" not in html:  # a Streamlit whose page this cannot place the setting in
        return html.encode("utf-8")
    return html.replace("<head>", f"<head>\n    {SERVER_AT}", 1).encode("utf-8")


async def page(request: Request) -> Response:
    """``GET /<page>``: the app's page, never cached (as Streamlit serves it)."""
    return Response(index_html(), media_type="text/html", headers={"Cache-Control": "no-cache"})


ROUTES = [Route(f"/{address}", page, methods=["GET", "HEAD"]) for address in ADDRESSES]
"""The routes ``asgi.py`` adds to the Streamlit app, one per page address."""
