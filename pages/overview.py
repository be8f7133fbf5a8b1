"""总览 Overview: the campaign at a glance — progress against target, pace, honour lists."""

from functools import partial

import streamlit as st

from bxgc_metrics.export import workbook
from bxgc_metrics.metrics.targets import PACE_TOLERANCE_PP
from bxgc_metrics.periods import display, format_label, months_elapsed
from bxgc_metrics.tables.standings import ALL, keeping_pace, with_pace
from bxgc_ui import charts, data, exports, fmt, links, widgets
from bxgc_ui.i18n import keyed, lang, name
from bxgc_ui.names import names as unit_names
from bxgc_ui.ranking_labels import group_label, rankable
from bxgc_ui.views import overview as view
from bxgc_ui.views import quality as reporting
from bxgc_ui.views.meeting.race import LIGHT_INK, race_figure
from bxgc_ui.views.overview import t
from bxgc_ui.views.rankings import months as months_of
from bxgc_ui.widgets import (
    NO_CAMERA,
    beside,
    chart_facts,
    chart_with_downloads,
    cut_note,
    demo_notice,
    empty_state,
    figures,
    folded,
    nothing_to_rank,
    unranked_note,
    unreported_note,
)

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("app_title"))
if not data.has_observations(path, version):
    empty_state()
    st.stop()
demo_notice(units)
reporting.overview_line(path, version, indicators)

monthly = rankable(indicators)
nothing_to_rank(monthly)
labels = {code: name(row) for code, row in zip(monthly.index, monthly.itertuples(), strict=True)}
view_link = links.View("overview")
controls = st.container(key="controls")  # below the figures on a phone
code = controls.selectbox(
    t("indicator"),
    list(labels),
    format_func=labels.get,
    key=view_link.choice(
        "indicator", keyed("overview_indicator"), options=list(labels), default=next(iter(labels))
    ),
)
ind = monthly.loc[code]
newest_first = data.built(
    ("months", path, version, code), lambda: months_of(data.actual_periods(path, version), code)
)
by_label = {format_label("M", *p): p for p in reversed(newest_first)}  # the address's 2026-10
months = list(by_label)
if not months:
    view_link.publish()
    st.info(t("empty_title"))
    st.stop()
month = controls.select_slider(
    t("ov_period"),
    months,
    format_func=lambda p: display("M", *by_label[p], cumulative=True, lang=lang()),
    key=view_link.choice("period", keyed("ov_period"), options=months, default=months[-1]),
    help=t("ov_period_help"),
)
view_link.keep("indicator", code, default=next(iter(labels)))
view_link.keep("period", month, default=months[-1])
view_link.publish()
with st.sidebar:
    view_link.link_box()
period = ("M", *by_label[month])
higher = ind["direction"] == "higher"
freq, year, sub = period
elapsed = months_elapsed(period[0], period[2]) / 12


def progress() -> tuple:
    """The standings with pace, the progress table, the honour lists and the table shown."""
    standing = data.standings_of(
        path,
        version,
        code,
        freq=freq,
        year=year,
        sub=sub,
        by="completion",
        higher_is_better=higher,
        group=ALL,
    )
    paced = with_pace(standing, elapsed, higher_is_better=higher)
    table = view.progress_table(paced, units, ind["measure"])
    shown = view.shown_table(table, ind["measure"])
    return standing, table, view.honour_lists(table), shown, keeping_pace(paced)


standing, table, (best, worst), shown, (keeping, judged) = data.built(
    ("ov_progress", path, version, code, month), progress
)

period_text = display(*period, cumulative=True, lang=lang())
row = figures(st, "overview")
row.metric(t("ov_period"), period_text)
row.metric(t("ov_time"), fmt.pct(elapsed, signed=False))
row.metric(
    t("ov_on_track"),
    f"{keeping} / {judged}",
    help=t("ov_on_track_help", pp=f"{PACE_TOLERANCE_PP:g}"),
)
missing, expected = data.unreported_of(
    path, version, code, freq=freq, year=year, sub=sub, group=ALL
)
row.metric(
    t("ov_ranked_units"),
    f"{int(standing['rank'].notna().sum())} / {expected}",
    help=t("ov_ranked_units_help"),
)

title = t("overview_chart_title", period=period_text, indicator=labels[code])
facts = chart_facts(units, data.data_date(path, version), period=period_text, unit=group_label(ALL))
left, right = beside(st, [1, 1], key="overview")
bars = partial(charts.completion_bars, table, title, f"{t('completion')} (%)")
bars = partial(bars, time_progress=elapsed, time_label=t("time_progress"))
chart_with_downloads(
    left,
    bars,
    facts=facts,
    key="ov",
    lists_units=True,
    cache_key=("ov", path, version, code, month),
)
cut_note(left, len(table))
unreported_note(left, missing, names=unit_names(units), period=period_text)
unranked_note(left, standing, names=unit_names(units), by="completion")
honour, warning = right.columns(2)
# each list under its heading in one element: a browser draws every element of a page
honour.markdown("\n\n".join([f":material/military_tech: **{t('ov_honour')}**", "\n".join(best)]))
# a ranking of three units or fewer has no last places beside its first three: said so
last = "\n".join(worst) or t("ov_no_last")
warning.markdown("\n\n".join([f":material/warning: **{t('ov_warning')}**", last]))
table_box = folded(right, t("ov_table"), key="ov_table_box", icon=":material/table:")
if table_box.open:
    widgets.table(table_box, shown, hide_index=True)

# Folded, and built only when opened: the animated replay is the heaviest thing a browser
# draws here, and the page is read first for the month's standings.
replay_box = folded(st, t("ov_replay"), key="ov_replay_box", icon=":material/play_circle:")
race = None
if replay_box.open:
    replay_box.caption(t("ov_replay_help"))
    race = data.race_of(path, version, code, by="completion", higher_is_better=higher, group=ALL)
if race is not None and race["rank"].notna().any():
    replay = data.built(
        ("ov_replay", path, version, code, year, sub),
        partial(
            race_figure,
            race,
            unit_names(units),
            "completion",
            title=labels[code],
            x_title=f"{t('completion')} (%)",
            period_name=lambda y, s: display("M", y, s, cumulative=True, lang=lang()),
            ink=LIGHT_INK,
            opens=(year, sub),
        ),
    )
    replay_box.plotly_chart(replay, theme=None, config=NO_CAMERA, key="ov_replay")

# Folded too: every unit against every indicator is a second grid to draw.
matrix_box = folded(st, t("ov_matrix"), key="ov_matrix_box", icon=":material/grid_on:")
if matrix_box.open:
    matrix_box.caption(t("ov_matrix_help"))
    gaps = data.pace_matrix_of(path, version, freq, year=year, sub=sub, group=ALL)
    verdicts = view.pace_verdicts(gaps)
    listed = view.most_behind(gaps, verdicts)  # by unit code: two units may share a name
    matrix = view.labelled_matrix(gaps, unit_names(units), labels)
    if len(listed) < len(gaps):
        matrix_box.caption(t("ov_matrix_more", n=len(listed), total=len(gaps)))
    widgets.table(
        matrix_box,
        view.styled_matrix(
            view.labelled_matrix(listed, unit_names(units), labels), verdicts.loc[listed.index]
        ),
        height=35 * (len(listed) + 1) + 3,
    )
    context = exports.Context(period_text, group_label(ALL), facts.data_date)
    matrix_box.download_button(
        t("ov_matrix_export"),
        partial(workbook, [exports.pace_table(matrix, context=context)]),
        file_name=f"pace-{period[1]}-{period[2]:02d}.xlsx",
        key="ov_matrix_dl",
        on_click="ignore",
    )
