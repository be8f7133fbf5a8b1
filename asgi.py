"""The web server: the dashboard (``app.py``) and its sign-in routes as one ``st.App``.

``python -m bxgc_ui.serve`` (what ``make run`` does) runs ``streamlit run asgi.py``;
Streamlit finds ``app`` below and serves it with uvicorn: every page of ``app.py`` as
before, plus ``POST /auth/signin`` and ``POST /auth/signout`` (:mod:`bxgc_ui.web`), and
each page's address answered with a page that knows where the server is
(:mod:`bxgc_ui.entry`).
"""

import streamlit as st

from bxgc_ui import entry, web

app = st.App("app.py", routes=[*web.ROUTES, *entry.ROUTES])
