"""会议大屏 Meeting screen: a live ranking for the projector that refreshes itself.

Kiosk URL (no Streamlit chrome): http://localhost:8501/meeting?embed=true&embed_options=dark_theme
Query parameters seed the settings: ``every`` (seconds between refreshes, default 10),
``indicator`` (code), ``by`` (``completion``/``growth``), ``group`` (a peer group or
``all``), ``carousel`` (views shown in turn: ``ranking``, ``race`` or ``ranking,race``),
``rotate=1`` (move on through every indicator; ``carousel=1`` means the same), ``turn``
(seconds a page of a long ranking shows), ``theme=light``, ``pace=1`` and ``flags=1`` (the
⚠ beside a unit whose figure has an open data-quality flag; on in the app).
The wall runs in a fragment that re-reads the store's data version every interval, so an
import shows on the screen within one interval, without reloading the page. A wall-screen
link revoked meanwhile reruns the whole page at the next interval, which then shows only
that the link is no longer valid.
"""

import time
from functools import partial

import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import auth, data, unreadable, widgets
from bxgc_ui.i18n import keyed, name
from bxgc_ui.links import beside
from bxgc_ui.ranking_labels import group_label, rankable
from bxgc_ui.views import meeting
from bxgc_ui.views.meeting import t
from bxgc_ui.widgets import empty_state, nothing_to_rank

path, version = data.snapshot()
units, covered = data.units(path, version), data.coverage(path, version)
if covered.empty:
    st.title(t("meeting_title"))
    empty_state()
    st.stop()
inds = rankable(data.indicators(path, version))
if inds.empty:
    st.title(t("meeting_title"))
    nothing_to_rank(inds)

codes = inds.index.tolist()
groups = [ALL, *data.peer_groups(path, version)]
for key, value in meeting.query_defaults(codes, groups).items():
    st.session_state.setdefault(keyed(key) if key in meeting.LABELLED else key, value)
side = st.sidebar
side.subheader(t("meeting_settings"))
# The projector link first: what the meeting room comes for, and a popover at the foot of
# these settings would open below the window's edge.
kiosk_link = side.container()
settings = meeting.Settings(
    indicator=side.selectbox(
        t("indicator"),
        codes,
        format_func=lambda c: name(inds.loc[c]),
        key=keyed("meeting_indicator"),
    ),
    by=side.segmented_control(
        t("meeting_by"),
        meeting.BY_CHOICES,
        format_func=lambda b: t(f"meeting_by_{b}"),
        key="meeting_by",
        required=True,
    ),
    group=side.selectbox(
        t("meeting_group"), groups, format_func=group_label, key=keyed("meeting_group")
    ),
    views=tuple(
        side.pills(
            t("meeting_views"),
            meeting.VIEWS,
            selection_mode="multi",
            format_func=lambda v: t(f"meeting_view_{v}"),
            key="meeting_views",
        )
        or meeting.VIEWS[:1]
    ),
    carousel=side.toggle(
        t("meeting_carousel"), key="meeting_carousel", help=t("meeting_carousel_help")
    ),
    every=side.number_input(
        t("meeting_every"), meeting.EVERY_MIN, meeting.EVERY_MAX, step=1, key="meeting_every"
    ),
    turn=side.number_input(
        t("meeting_turn"), meeting.TURN_MIN, meeting.TURN_MAX, step=1, key="meeting_turn"
    ),
    theme=side.segmented_control(
        t("meeting_theme"),
        meeting.THEMES,
        format_func=lambda v: t(f"meeting_theme_{v}"),
        key="meeting_theme",
        required=True,
    ),
    pace=side.toggle(t("meeting_pace"), key="meeting_pace"),
    flags=side.toggle(t("meeting_flags"), key="meeting_flags", help=t("meeting_flags_help")),
)
# In a popover: a code block costs the browser its syntax highlighter, drawn only when
# the popover opens.
with kiosk_link.popover(t("meeting_kiosk"), icon=":material/cast:"):
    st.code(beside(st.context.url, meeting.kiosk_url(settings)), language=None, wrap_lines=True)
meeting.screen_setup()
if not st.context.is_embedded:
    st.title(t("meeting_title"))
    st.caption(t("meeting_preview"))


def wall_revoked() -> None:
    """A wall-screen link revoked while the screen runs: run the whole page again, which
    finds the link invalid and shows only that (the sidebar's settings, everything outside
    the refreshing panels and the panels themselves go)."""
    if not auth.wall_ok():
        st.rerun(scope="app")


@st.fragment(run_every=settings.every)
@unreadable.guarded  # a file damaged meanwhile: the restore page, not a traceback
def wall() -> None:
    """Re-read the data version, pick the carousel's slide, draw it through the cache."""
    wall_revoked()
    path, version = data.snapshot()
    slide = meeting.current_slide(meeting.slides(codes, settings), now=time.monotonic())
    board = meeting.Wall(path=path, version=version, settings=settings)
    ind = inds.loc[slide.indicator]
    shown = board.slide(ind, slide.view)
    st.html(shown.html)
    meeting.lasts(shown.seconds)
    stamp = t(
        "meeting_stamp",
        period=shown.period,
        group=group_label(settings.group),
        time=clock.now().strftime("%H:%M:%S"),
        every=settings.every,
    )
    if st.context.is_embedded:
        st.html(meeting.stamp(stamp, meeting.LOOKS[settings.theme]))
        return
    st.caption(stamp)
    if shown.figure is not None:  # the ranking as an image file, every place drawn
        heading = t("meeting_heading", indicator=name(ind), by=t(f"meeting_by_{settings.by}"))
        facts = widgets.chart_facts(
            data.units(path, version),
            data.data_date(path, version),
            period=shown.period,
            unit=group_label(settings.group),
            title=heading,
        )
        whole = data.built(
            ("meeting_ranking", path, version, slide.indicator, settings),
            partial(shown.figure, whole=True),
        )
        widgets.chart_downloads(st, whole, facts=facts, key="meeting_live")


wall()


@st.fragment(run_every=settings.every)
@unreadable.guarded
def race_panel() -> None:
    """In the app, the ranking race to play by hand, re-read with the wall so both show
    the same figures; an unchanged figure is sent unchanged, so a race being played is
    not interrupted."""
    wall_revoked()
    path, version = data.snapshot()
    meeting.show_race(path, version, inds.loc[settings.indicator], settings=settings)


if not st.context.is_embedded:
    race_panel()
