"""Entry point: page config, language switch and the explicit list of pages."""

import streamlit as st

from bxgc_ui.i18n import language_switch, t

st.set_page_config(page_title="比学赶超", page_icon="📈", layout="wide")
language_switch()

pages = [
    st.Page(
        "pages/overview.py", title=t("nav_overview"), icon=":material/dashboard:", default=True
    ),
]
st.navigation(pages).run()
