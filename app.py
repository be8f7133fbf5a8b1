"""Entry point: page config, language switch and the explicit list of pages."""

import streamlit as st

from bxgc_ui.i18n import language_switch, t

st.set_page_config(page_title="比学赶超", page_icon="📈", layout="wide")
language_switch()

# fmt: off
pages = [
    st.Page("pages/overview.py", title=t("nav_overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/catchup.py", title=t("nav_catchup"), icon=":material/trending_up:"),
    st.Page("pages/rankings.py", title=t("nav_rankings"), icon=":material/leaderboard:"),
    st.Page("pages/upload.py", title=t("nav_upload"), icon=":material/upload_file:"),
    st.Page("pages/meeting.py", title=t("meeting_nav"), icon=":material/tv:", url_path="meeting"),
    st.Page("pages/gaps.py", title=t("nav_gaps"), icon=":material/fact_check:"),
    st.Page("pages/campaign.py", title=t("nav_campaign"), icon=":material/event:"),
    st.Page("pages/settings.py", title=t("nav_settings"), icon=":material/settings:"),
]
# fmt: on
st.navigation(pages).run()
