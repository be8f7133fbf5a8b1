"""Entry point: page config, language switch, who may open what, the list of pages."""

import streamlit as st

from bxgc_ui import auth, unreadable, warm
from bxgc_ui.i18n import language_switch, t
from bxgc_ui.widgets import PAGE_CSS

st.set_page_config(page_title="比学赶超", page_icon="📈", layout="wide")
language_switch()
st.html(PAGE_CSS)
problem = unreadable.problem()  # a damaged database: every page says how to restore it
signed_in = False
if problem is None:
    with unreadable.guard():
        auth.refresh()  # who holds this browser's sign-in cookie, looked up on every run
        signed_in = auth.current() is not auth.VIEWER

# fmt: off
pages = [
    st.Page("pages/overview.py", title=t("nav_overview"), icon=":material/dashboard:", default=True, url_path="home"),
    st.Page("pages/catchup.py", title=t("nav_catchup"), icon=":material/trending_up:"),
    st.Page("pages/rankings.py", title=t("nav_rankings"), icon=":material/leaderboard:"),
    st.Page("pages/bulletin.py", title=t("nav_bulletin"), icon=":material/description:"),
    st.Page("pages/upload.py", title=t("nav_upload"), icon=":material/upload_file:"),
    st.Page("pages/meeting.py", title=t("meeting_nav"), icon=":material/tv:", url_path="meeting"),
    st.Page("pages/gaps.py", title=t("nav_gaps"), icon=":material/fact_check:"),
    st.Page("pages/quality.py", title=t("nav_quality"), icon=":material/verified:", url_path="quality"),
    st.Page("pages/campaign.py", title=t("nav_campaign"), icon=":material/event:"),
    st.Page("pages/settings.py", title=t("nav_settings"), icon=":material/settings:"),
    st.Page("pages/admin.py", title=t("nav_admin"), icon=":material/admin_panel_settings:"),
    # signed in, the same page shows who and offers signing out
    st.Page("pages/signin.py", title=t("nav_account" if signed_in else "nav_signin"),
            icon=":material/account_circle:" if signed_in else ":material/login:", url_path="signin"),
    # The overview is the home page at "/"; a shared or typed /overview opens it too.
    st.Page("pages/overview.py", title=t("nav_overview"), url_path="overview", visibility="hidden"),
]
# fmt: on
wall = auth.wall_token() is not None
page = st.navigation(pages, position="hidden" if wall or problem else "sidebar")
if problem is not None:
    unreadable.show(problem)
    st.stop()
auth.remember_page(page.url_path)
with unreadable.guard():
    if not auth.may_open(page.url_path):
        st.stop()
    if not wall:
        auth.sidebar_status()
    page.run()
if not wall:
    warm.slow_imports()  # after the first page is drawn: the catch-up page's libraries
