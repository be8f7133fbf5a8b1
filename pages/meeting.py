"""会议大屏 Meeting screen: a live ranking for the projector that refreshes itself.

Kiosk URL (no Streamlit chrome, dark): http://localhost:8501/meeting?embed=true&embed_options=dark_theme
Query parameters seed the settings: ``every`` (seconds, default 10), ``indicator`` (code),
``by`` (``completion``/``growth``), ``group`` (a peer group or ``all``), ``carousel=1``.
The ranking runs in a fragment that re-reads the store's data version every interval,
so an import shows on the screen within one interval, without reloading the page. A
wall-screen link revoked meanwhile reruns the whole page at the next interval, which then
shows only that the link is no longer valid.
"""

from functools import partial

import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.periods import months_elapsed
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import auth, data, fmt, unreadable
from bxgc_ui.i18n import name
from bxgc_ui.ranking_labels import group_label, rankable
from bxgc_ui.views import meeting
from bxgc_ui.views.meeting import t
from bxgc_ui.widgets import chart_facts, chart_with_downloads, empty_state, nothing_to_rank

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
    st.session_state.setdefault(key, value)
side = st.sidebar
side.subheader(t("meeting_settings"))
carousel = side.toggle(
    t("meeting_carousel"), key="meeting_carousel", help=t("meeting_carousel_help")
)
settings = meeting.Settings(
    indicator=side.selectbox(
        t("indicator"), codes, format_func=lambda c: name(inds.loc[c]), key="meeting_indicator"
    ),
    by=side.segmented_control(
        t("meeting_by"),
        meeting.BY_CHOICES,
        format_func=lambda b: t(f"meeting_by_{b}"),
        key="meeting_by",
        required=True,
    ),
    group=side.selectbox(t("meeting_group"), groups, format_func=group_label, key="meeting_group"),
    every=side.number_input(
        t("meeting_every"), meeting.EVERY_MIN, meeting.EVERY_MAX, step=1, key="meeting_every"
    ),
    carousel=carousel,
)
side.caption(t("meeting_kiosk"))
side.code(meeting.kiosk_url(settings), language=None, wrap_lines=True)
meeting.screen_setup()


def wall_revoked() -> None:
    """A wall-screen link revoked while the screen runs: run the whole page again, which
    finds the link invalid and shows only that (the sidebar's settings, everything outside
    the two refreshing panels and the panels themselves go)."""
    if not auth.wall_ok():
        st.rerun(scope="app")


@st.fragment(run_every=settings.every)
@unreadable.guarded  # a file damaged meanwhile: the restore page, not a traceback
def live_ranking() -> None:
    """Re-read the data version, reload through the cache, rank, draw."""
    wall_revoked()
    path, version = data.snapshot()
    people = data.units(path, version)
    ind = inds.loc[meeting.carousel_pick(codes, settings.indicator, settings.carousel)]
    period = data.latest_period(path, version, ind["code"])
    with st.container(key="meeting_screen"):
        by_text = t(f"meeting_by_{settings.by}")
        st.title(t("meeting_heading", indicator=fmt.md(name(ind)), by=by_text))
        if period is None:
            st.info(t("meeting_no_data"))
            return
        higher = ind["direction"] == "higher"
        freq, year, sub = period
        table = data.standings_of(
            path,
            version,
            ind["code"],
            freq=freq,
            year=year,
            sub=sub,
            by=settings.by,
            higher_is_better=higher,
            group=settings.group,
        )
        marks = data.references_of(
            path,
            version,
            ind["code"],
            freq=freq,
            year=year,
            sub=sub,
            by=settings.by,
            higher_is_better=higher,
        )
        table, marks = meeting.labelled(table, people), meeting.labelled(marks, people)
        now, group, when = clock.now(), group_label(settings.group), meeting.period_text(*period)
        st.caption(
            t(
                "meeting_stamp",
                period=when,
                group=group,
                time=now.strftime("%H:%M:%S"),
                every=settings.every,
            )
        )
        # side by side on the wall; in the app (narrower, beside the sidebar) stacked, so
        # long unit names never squeeze the bars
        left, right = (
            st.columns([3, 2], gap="large") if st.context.is_embedded else (st.container(),) * 2
        )
        progress = (
            months_elapsed(period[0], period[2]) / 12 if settings.by == "completion" else None
        )
        heading = t("meeting_heading", indicator=name(ind), by=by_text)
        date = data.data_date(path, version)
        facts = chart_facts(people, date, period=when, unit=group, title=heading)
        bars = partial(meeting.ranking_figure, table, settings.by, title="", references=marks)
        chart_with_downloads(
            left,
            partial(bars, x_title=f"{by_text} (%)", time_progress=progress),
            facts=facts,
            key="meeting_live",
            lists_units=True,
            downloads=not st.context.is_embedded,  # the wall screen offers no files
            theme=None,
            config={"displayModeBar": False},
        )
        drawn = len(meeting.ranked_head_and_tail(table))
        ranked = int(table["rank"].notna().sum())
        if drawn < ranked:
            left.caption(
                t(
                    "meeting_cut",
                    total=ranked,
                    top=meeting.SCREEN_TOP,
                    bottom=meeting.SCREEN_BOTTOM,
                )
            )
        shown, columns = meeting.display_table(table, ind["measure"])
        height = min(35 * (len(shown) + 1) + 3, meeting.chart_height(drawn))
        right.dataframe(shown, hide_index=True, column_config=columns, height=height)


live_ranking()


@st.fragment(run_every=settings.every)
@unreadable.guarded
def race_panel() -> None:
    """The ranking race, re-read with the live ranking so both show the same figures; an
    unchanged figure is sent unchanged, so a race being played is not interrupted."""
    wall_revoked()
    path, version = data.snapshot()
    people = data.units(path, version)
    ind = inds.loc[settings.indicator]
    higher = ind["direction"] == "higher"
    race = data.race_of(
        path, version, ind["code"], by=settings.by, higher_is_better=higher, group=settings.group
    )
    if not race["rank"].notna().any():
        return
    panel = st.container(key="meeting_race")
    panel.subheader(t("meeting_race", year=int(race["year"].iloc[-1])))
    panel.caption(t("meeting_race_help"))
    if race.groupby("sub")["rank"].count().max() > meeting.SCREEN_TOP + meeting.SCREEN_BOTTOM:
        panel.caption(t("meeting_race_cut", top=meeting.SCREEN_TOP, bottom=meeting.SCREEN_BOTTOM))
    labels = {r.code: name(r) for r in people.itertuples()}
    figure = meeting.race_figure(
        race,
        labels,
        settings.by,
        title=name(ind),
        x_title=f"{t(f'meeting_by_{settings.by}')} (%)",
        period_name=lambda y, s: meeting.period_text("M", y, s),
    )
    panel.plotly_chart(
        figure, theme=None, config={"displayModeBar": False}, key="meeting_race_chart"
    )


race_panel()
