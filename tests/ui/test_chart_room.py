"""The room a chart sets for its axis labels and legend (:func:`bxgc_ui.charts.room`),
worked out by hand from what Plotly draws under Streamlit's theme: names at 12 px (a
Chinese character 12 px, any other 6.6), 53 px beyond the widest y label, 56 px under the
plot, a legend row of 41 px and 19 px for each further row. Whether a browser then draws
each page's charts once, in both languages, is checked in
``tests/browser/test_browser.py``."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from bxgc_ui import charts
from bxgc_ui.charts import room


def _bars(names: list[str], values: list[float] | None = None) -> go.Figure:
    values = values or [50.0] * len(names)
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h"))
    return fig.update_layout(height=400)


def test_the_longest_name_sets_the_left_room() -> None:
    # 云门山街道: five characters at 12 px = 60; 53 + 60 + 3 spare = 116
    assert room(_bars(["东城街道", "云门山街道"]))["l"] == 116
    # "16. " is four narrow characters (26.4 px) before five Chinese ones: 53 + 86.4 + 3
    assert room(_bars(["16. 云门山街道"]))["l"] == math.ceil(53 + 86.4 + 3)


def test_a_name_reads_as_shown_escaped_and_on_several_lines() -> None:
    # &lt;b&gt; is shown as <b>: three narrow characters, 19.8 px, not nine
    assert room(_bars(["&lt;b&gt;"]))["l"] == math.ceil(53 + 19.8 + 3)
    # a wrapped name is as wide as its longest line (9 characters: 108 px)
    assert room(_bars(["各单位上报《差距<br>排查与整改承诺书》"]))["l"] == 53 + 108 + 3


def test_a_value_axis_makes_room_for_its_outermost_tick() -> None:
    fig = go.Figure(go.Scatter(x=[2020, 2021], y=[1.0, 241.5])).update_layout(height=400)
    fig.update_yaxes(range=[0, 241.5])
    # ticks every 10 at most: the top one reads 250, three digits (19.8 px)
    assert room(fig)["l"] == math.ceil(53 + 19.8 + 3)
    fig.update_yaxes(range=[0, 1_234_567.0])
    # 1,300,000: seven digits and two commas, all narrow (9 × 6.6 = 59.4 px)
    assert room(fig)["l"] == math.ceil(53 + 59.4 + 3)


def test_values_with_no_place_on_the_axis_are_left_out() -> None:
    """A gap in a line (NaN) or an infinite value is not drawn, and takes no room."""
    fig = go.Figure(go.Scatter(x=[2020, 2021, 2022], y=[float("nan"), 241.5, float("inf")]))
    assert room(fig.update_layout(height=400))["l"] == math.ceil(53 + 3 * 6.6 + 3)


def test_bars_reach_from_zero_and_their_last_tick_needs_room_on_the_right() -> None:
    # 74.6 to 97 from zero: the last tick reads 100 (19.8 px), half of it beyond the plot
    assert room(_bars(["甲", "乙"], [74.6, 97.0]))["r"] == math.ceil(19.8 / 2 + 4 + 3)


def test_a_legend_under_the_plot_takes_its_rows_and_its_share_of_the_height() -> None:
    fig = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], name=f"单位{i}（实际）") for i in range(5)])
    fig.update_layout(height=460, legend={"orientation": "h", "y": -0.2})
    # one row: 41 px, hung 0.2 of the plot's height (460 - 50 - b) below it
    one_row = (41 + 0.2 * (460 - 50)) / 1.2
    assert room(fig)["b"] == math.ceil(one_row + 3)
    # each entry 43 + 78.6 px (six Chinese characters and a digit): five fill 608 of the
    # 720 px a row is reckoned in, the sixth starts a second row
    fig.add_traces([go.Scatter(x=[1], y=[1], name=f"单位{i}（预测）") for i in range(2)])
    assert room(fig)["b"] == math.ceil((41 + 19 + 0.2 * 410) / 1.2 + 3)
    # no legend: the x axis's labels alone
    fig.update_layout(showlegend=False)
    assert room(fig)["b"] == 56 + 3


@given(st.lists(st.text(alphabet="东城街道ABCdef12 ", min_size=1, max_size=12), min_size=1))
def test_a_longer_name_never_gets_less_room(names: list[str]) -> None:
    base = room(_bars(names))["l"]
    assert room(_bars([*names, max(names, key=len) + "区"]))["l"] >= base


def test_every_chart_builder_sets_its_room() -> None:
    """Every figure the pages draw carries the margins :func:`room` gives it, not
    Plotly's small defaults for automargin to grow."""
    table = pd.DataFrame(
        {
            "label": ["东城街道", "云门山街道"],
            "completion": [0.8, 0.9],
            "hover": ["a", "b"],
        }
    )
    fig = charts.completion_bars(
        table, "完成情况", "完成率 (%)", time_progress=0.5, time_label="时间进度"
    )
    assert fig.layout.margin.l == room(fig)["l"] == 116
    assert fig.layout.margin.b == room(fig)["b"] and fig.layout.margin.t == charts.TOP_PX


LONG = "超长名称" * 15  # sixty characters: 720 px of name at 12 px
TWIN = "超长名称" * 14 + "甲区"  # the same first 56 characters


def _unit_charts(labels: list[str]) -> list[go.Figure]:
    """The page's unit bar charts (completion, one indicator's ranking, the composite),
    each of ``labels``."""
    n = len(labels)
    codes = [f"U{i}" for i in range(n)]
    names = dict(zip(codes, labels, strict=True))
    table = pd.DataFrame(
        {
            "unit_code": codes,
            "label": labels,
            "completion": [0.9 - i / 100 for i in range(n)],
            "yoy": [0.05] * n,
            "score": [0.9 - i / 100 for i in range(n)],
            "rank": list(range(1, n + 1)),
            "rank_change": [0] * n,
            "band": ["top"] + ["middle"] * (n - 1),
            "hover": labels,
        }
    )
    return [
        charts.completion_bars(table, "t", "x", time_progress=0.5, time_label="时间进度"),
        charts.ranking_bars(table, names, "completion", title="t", x_title="x"),
        charts.score_bars(table, names, "t", x_title="x"),
    ]


def test_a_very_long_name_is_shortened_on_the_axis_and_whole_in_the_hover() -> None:
    """A sixty-character name took the whole half-width chart and left no room for its
    bar: its tick is shortened with an ellipsis, its bar keeps its place (two names with
    the same beginning stay two bars) and the hover names it whole."""
    for fig in _unit_charts([LONG, TWIN, "东城街道"]):
        assert fig.layout.margin.l <= charts.Y_TICKS_PX + charts.LABEL_MOST_PX + 4
        ticks = list(fig.layout.yaxis.ticktext)
        assert len(ticks) == len(set(fig.data[0].y)) == 3
        assert sum(t.endswith("…") for t in ticks) == 2
        assert any(t.endswith("东城街道") for t in ticks)  # a short name stays whole
        assert any(LONG in str(y) for y in fig.data[0].y)


def test_short_names_keep_their_ticks() -> None:
    for fig in _unit_charts(["东城街道", "云门山街道"]):
        assert fig.layout.yaxis.ticktext is None


def test_a_growth_ranking_chart_signs_its_figures_as_the_table_does() -> None:
    """The table reads +3.6 %; the bars read 3.6 %: a growth is signed on both."""
    fig = _unit_charts(["东城街道", "西城街道"])[1]
    by_growth = charts.ranking_bars(
        pd.DataFrame(
            {
                "unit_code": ["A", "B"],
                "yoy": [0.036, -0.012],
                "rank": [1, 2],
                "rank_change": [0, 0],
                "band": ["top", "bottom"],
            }
        ),
        {"A": "东城街道", "B": "西城街道"},
        "growth",
        title="t",
        x_title="x",
    )
    assert sorted(t.split("%")[0] for t in by_growth.data[0].text) == ["+3.6", "-1.2"]
    assert not fig.data[0].text[0].startswith("+")  # completion stays unsigned
