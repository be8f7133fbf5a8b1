"""The campaign timeline says what its colours mean, and an open milestone before its date
does not look done."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bxgc_metrics.metrics.campaign import milestone_status, phase_status
from bxgc_ui import charts
from bxgc_ui.palette import GOOD, NEUTRAL, WARNING
from bxgc_ui.views.campaign import timeline_labels

TODAY = dt.date(2026, 7, 1)


def _figure() -> object:
    phases = phase_status(
        pd.DataFrame(
            {
                "campaign": "c", "name_zh": ["动员部署", "比学赶超", "总结表彰"], "name_en": None,
                "start_date": ["2026-01-01", "2026-04-01", "2026-10-01"],
                "end_date": ["2026-03-31", "2026-09-30", "2026-12-31"],
            }
        ),
        TODAY,
    )  # fmt: skip
    milestones = milestone_status(
        pd.DataFrame(
            {
                "campaign": "c", "name_zh": ["方案", "对标", "整改", "总结"], "name_en": None,
                "due_date": ["2026-02-01", "2026-03-01", "2026-06-01", "2026-11-30"],
                "done_date": ["2026-01-20", "2026-03-15", None, None], "unit_code": None,
            }
        ),
        TODAY,
    )  # fmt: skip
    assert milestones["status"].tolist() == ["done", "done_late", "late", "open"]
    return charts.timeline_figure(phases, milestones, TODAY, labels=timeline_labels("c"))


def test_the_timeline_names_every_status_it_shows() -> None:
    fig = _figure()
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert shown == ["已结束", "进行中", "未开始", "按期完成", "逾期完成", "逾期未完成", "未到期"]
    assert fig.layout.showlegend


def test_an_open_milestone_is_hollow_and_not_green() -> None:
    fig = _figure()
    looks = {t.name: (t.marker.symbol, t.marker.color) for t in fig.data if t.type == "scatter"}
    assert looks["未到期"] == ("diamond-open", NEUTRAL)
    assert looks["按期完成"] == ("diamond", GOOD)
    assert looks["逾期未完成"] == ("diamond-open", WARNING)
    assert looks["未到期"][1] != GOOD


def test_long_names_wrap_so_a_narrow_screen_keeps_room_for_the_dates() -> None:
    """On a phone the row names took most of the width: a long name is drawn on lines of
    at most nine Chinese characters, the same for its bar, its marker and its hover; the
    dates need no axis title, which the legend printed over."""
    long = "各单位上报《差距排查与整改承诺书》"
    phases = phase_status(
        pd.DataFrame(
            {"campaign": "c", "name_zh": ["攻坚赶超、月度调度"], "name_en": None,
             "start_date": ["2026-04-01"], "end_date": ["2026-09-30"]}
        ),
        TODAY,
    )  # fmt: skip
    milestones = milestone_status(
        pd.DataFrame(
            {"campaign": "c", "name_zh": [long, "A&B <x>"], "name_en": None,
             "due_date": ["2026-06-01", "2026-08-01"], "done_date": [None, None], "unit_code": None}
        ),
        TODAY,
    )  # fmt: skip
    fig = charts.timeline_figure(phases, milestones, TODAY, labels=timeline_labels("c"))
    rows = [y for t in fig.data for y in t.y]
    assert "攻坚赶超、月度调度" in rows  # nine characters: one line
    (wrapped,) = [y for y in rows if "<br>" in y]
    lines = wrapped.split("<br>")
    assert "".join(lines) == long and max(len(x) for x in lines) <= 9 and len(lines) == 2
    assert "A&amp;B &lt;x&gt;" in rows  # still escaped
    assert not fig.layout.xaxis.title.text
    # today (1 July) lies in the right half of April–October: its label reads leftwards
    (today,) = [a for a in fig.layout.annotations if a.text.startswith("今天")]
    assert today.xanchor == "right"
    assert today.yref == "paper" and today.y == 1.0 and today.yanchor == "bottom"  # above


def test_a_row_is_as_tall_as_its_name_on_every_screen() -> None:
    """On a phone, English names on three lines were drawn over each other in rows of a
    fixed height, and the legend, wrapped beside the names onto five rows, took the plot's
    room: each row now holds its name's lines, with the legend's phone rows added."""
    names = ["Mobilise and pick benchmarks", "Year-end assessment and look back", "Go"]
    phases = phase_status(
        pd.DataFrame(
            {"campaign": "c", "name_zh": names, "name_en": names,
             "start_date": ["2026-01-01", "2026-04-01", "2026-10-01"],
             "end_date": ["2026-03-31", "2026-09-30", "2026-12-31"]}
        ),
        TODAY,
    )  # fmt: skip
    milestones = _figure_milestones()
    fig = charts.timeline_figure(phases, milestones, TODAY, labels=timeline_labels("c"))
    shown = [charts._wrapped(n) for n in names] + [
        charts._wrapped(n) for n in milestones["name_zh"]
    ]
    lines = [row.count("<br>") + 1 for row in shown]
    assert lines[:3] == [2, 3, 1]
    entries = charts.legend_entries(fig)
    plot_px = charts.PHONE_CHART_PX - fig.layout.margin.l - fig.layout.margin.r
    phone_rows = charts.legend_rows(entries, plot_px)
    assert phone_rows > charts.legend_rows(entries, charts.LEGEND_WIDTH_PX)  # wraps on a phone
    # hand-worked: 16 px a line and 12 px, at least 40 px: 44 + 60 + 40, and two milestones
    rows_px = 44 + 60 + 40 + 40 + 40
    extra = charts.LEGEND_ROW_PX * (phone_rows - charts.legend_rows(entries, 720))
    assert fig.layout.height == rows_px + 150 + extra
    # on a phone, the legend's further rows come out of that extra height: each row keeps
    # 16 px for each line of its name
    phone_plot = fig.layout.height - extra - fig.layout.margin.t - fig.layout.margin.b
    assert phone_plot >= sum(16 * n for n in lines)


def _figure_milestones() -> pd.DataFrame:
    return milestone_status(
        pd.DataFrame(
            {
                "campaign": "c", "name_zh": ["方案", "对标"], "name_en": None,
                "due_date": ["2026-02-01", "2026-11-30"], "done_date": ["2026-01-20", None],
                "unit_code": None,
            }
        ),
        TODAY,
    )  # fmt: skip


def test_dates_read_by_month_with_the_year_once() -> None:
    """A phone's timeline turned its dates ("2026年4月") over its legend: each date is its
    month, and the year is written under the first and where it changes."""
    fig = _figure()
    assert fig.layout.xaxis.tickformat == "%-m月\n%Y年"
    with_english = timeline_labels("c")
    assert "\n" in with_english["date_format"]
