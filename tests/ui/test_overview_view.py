"""The overview's pace matrix on a city-wide scale: the units furthest behind come first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bxgc_ui.views.overview import MATRIX_ROWS, most_behind, pace_verdicts


def test_small_matrix_is_shown_whole_and_in_order() -> None:
    matrix = pd.DataFrame({"A": [5.0, -3.0], "B": [-2.0, 1.0]}, index=["U2", "U1"])
    assert most_behind(matrix, pace_verdicts(matrix)).index.tolist() == ["U2", "U1"]


def test_the_matrix_colours_a_cell_by_the_verdict_the_table_gives() -> None:
    """王府街道 at −0.985 points is 符合进度 in the overview's table: its cell shows −1.0
    but is grey (on pace), not red; −1.3 is red, +1.2 green, a missing figure plain."""
    from bxgc_ui.views.overview import PACE_CELLS, labelled_matrix, matrix_cells, styled_matrix

    gaps = pd.DataFrame({"R": [-0.985, -1.3], "S": [1.2, np.nan]}, index=["A", "B"])
    shown = labelled_matrix(
        gaps, {"A": "王府街道", "B": "东城街道"}, {"R": "工业投资", "S": "税收"}
    )
    verdicts = pace_verdicts(gaps).set_axis(shown.index).set_axis(shown.columns, axis=1)
    cells = matrix_cells(verdicts)
    assert shown.loc["王府街道", "工业投资"] == -1.0
    assert cells.loc["王府街道", "工业投资"] == PACE_CELLS["on_pace"]
    assert cells.loc["东城街道", "工业投资"] == PACE_CELLS["behind"]
    assert cells.loc["王府街道", "税收"] == PACE_CELLS["ahead"]
    assert cells.loc["东城街道", "税收"] == ""
    html = styled_matrix(shown, verdicts).to_html()
    assert html.count("#FBE0E3") == 1 and "—" in html
    # two units of one name (a town in two districts) are two rows, each its own colour
    twins = labelled_matrix(gaps, {"A": "新城镇", "B": "新城镇"}, {"R": "工业投资", "S": "税收"})
    assert twins.index.tolist() == ["新城镇 (A)", "新城镇 (B)"]
    html = styled_matrix(twins, pace_verdicts(gaps)).to_html()
    assert html.count("#FBE0E3") == 1 and html.count("#DCF2E3") == 1


def test_large_matrix_lists_the_units_with_most_indicators_behind() -> None:
    rng = np.random.default_rng(1)
    units = [f"U{i:04d}" for i in range(1000)]
    matrix = pd.DataFrame(rng.uniform(0, 20, (1000, 4)), index=units, columns=list("ABCD"))
    matrix.loc["U0500"] = [-30.0, -30.0, -30.0, -30.0]  # all four behind, furthest
    matrix.loc["U0007"] = [-2.0, -2.0, -2.0, -2.0]  # all four behind
    matrix.loc["U0900"] = [-5.0, -5.0, -5.0, 50.0]  # three behind
    matrix.loc["U0001"] = [-0.5, -0.5, -0.5, -0.5]  # within a point: not behind
    shown = most_behind(matrix, pace_verdicts(matrix))
    assert len(shown) == MATRIX_ROWS
    assert shown.index[:3].tolist() == ["U0500", "U0007", "U0900"]
    assert "U0001" not in shown.index[:3]


def test_unit_charts_draw_the_head_and_tail_of_long_lists() -> None:
    from bxgc_ui import charts

    n = 1000
    table = pd.DataFrame(
        {
            "label": [f"U{i:04d}" for i in range(n)],
            "completion": np.linspace(1.2, 0.2, n),
            "hover": "",
            "unit_code": [f"U{i:04d}" for i in range(n)],
            "rank": range(1, n + 1),
            "rank_change": 0,
            "band": "middle",
            "score": np.linspace(1, 0, n),
        }
    )
    bars = charts.completion_bars(
        table.sample(frac=1, random_state=2), "t", "x", time_progress=0.5, time_label="time"
    )
    drawn = list(bars.data[0].y)[::-1]  # best on top
    assert drawn == [*table["label"][:15], *table["label"][-5:]]
    assert len(charts.ranking_bars(table, {}, "completion", title="t", x_title="x").data[0].y) == 20
    assert len(charts.score_bars(table, {}, "t", x_title="x").data[0].y) == 20
    small = table.head(20)
    assert len(charts.ranking_bars(small, {}, "completion", title="t", x_title="x").data[0].y) == 20
    assert not charts.is_cut(20) and charts.is_cut(21)


def test_lines_across_bars_never_cover_the_figures_written_on_them() -> None:
    """The time-elapsed line (and a benchmark's line on the meeting screen) runs beneath
    the bars: a unit at 88.2 % with the line at 83.3 % keeps its label readable, on the
    overview's chart and on the meeting screen's."""
    from bxgc_ui import charts
    from bxgc_ui.views.meeting.figures import ranking_figure

    table = pd.DataFrame(
        {
            "label": ["谭坊镇", "黄楼镇", "云门山街道"],
            "unit_code": ["A", "B", "C"],
            "completion": [0.970, 0.882, 0.746],
            "metric": [0.970, 0.882, 0.746],
            "hover": "",
            "rank": [1, 2, 3],
            "rank_change": [0, 0, 0],
            "band": ["top", "middle", "bottom"],
        }
    )
    references = pd.DataFrame({"unit_code": ["X"], "label": ["标杆市"], "metric": [0.9]})
    figures = [
        charts.completion_bars(table, "t", "x", time_progress=10 / 12, time_label="时间进度"),
        ranking_figure(
            table,
            "completion",
            title="t",
            x_title="x",
            time_progress=10 / 12,
            references=references,
        ),
    ]
    for fig in figures:
        lines = [s for s in fig.layout.shapes if s.type == "line"]
        assert lines and all(s.layer == "below" for s in lines), [s.layer for s in lines]
        assert {round(s.x0, 1) for s in lines} >= {83.3}


def test_honour_lists_escape_markdown_in_names() -> None:
    from bxgc_ui.fmt import md
    from bxgc_ui.views.overview import honour_lists

    hostile = "<img src=x>**粗体** [链接](javascript:alert(1)) :red[红]"
    table = pd.DataFrame(
        {
            "unit_code": ["A", "B"],
            "label": [hostile, "东城街道"],
            "completion": [0.9, 0.5],
            "rank": [1, 2],
            "band": ["top", "bottom"],
        }
    )
    best, worst = honour_lists(table)
    assert best == [f"- 1\\. {md(hostile)} 90.0%"] and worst == ["- 2\\. 东城街道 50.0%"]
    for raw in ("**", "[链接]", "](", ":red["):
        assert raw not in best[0]
    assert md("东城街道") == "东城街道"  # ordinary names are untouched


def test_settings_editors_are_headed_in_chinese() -> None:
    from bxgc_ui.views.settings import indicator_columns, rule_columns, unit_columns

    units, inds = unit_columns(), indicator_columns()
    assert units["code"]["label"] == "代码" and units["kind"]["label"] == "类型"
    assert inds["direction"]["label"] == "方向"
    assert [o["label"] for o in inds["frequency"]["type_config"]["options"]] == [
        "年",
        "半年",
        "季",
        "月",
    ]
    assert rule_columns(["amount_yuan", "extra"])["amount_yuan"]["label"] == "奖金（元）"
    assert rule_columns(["extra"])["extra"]["label"] == "extra"


@pytest.mark.parametrize("month", [3, 6, 10, 11, 12])
def test_the_time_line_reads_as_the_page_and_the_board_read_it(month: int) -> None:
    """时间进度 is one figure everywhere: the overview's metric, its chart's line label, the
    meeting chart's and the wall board's legend all print fmt.pct of months / 12 (91.7 % in
    November, not 92 %), and the chart's label stays inside the plot near its right end."""
    from bxgc_ui import charts, fmt
    from bxgc_ui.views.meeting.figures import ranking_figure

    elapsed = month / 12
    shown = fmt.pct(elapsed, signed=False)
    table = pd.DataFrame(
        {
            "label": ["甲", "乙"], "unit_code": ["A", "B"], "completion": [0.95, 0.5],
            "metric": [0.95, 0.5], "hover": "", "rank": [1, 2], "rank_change": [0, 0],
            "band": ["top", "bottom"],
        }
    )  # fmt: skip
    overview = charts.completion_bars(table, "t", "x", time_progress=elapsed, time_label="时间进度")
    (label,) = [a for a in overview.layout.annotations if "时间进度" in a.text]
    assert label.text == f"时间进度 {shown}"
    assert label.xanchor == ("right" if elapsed > 0.75 else "center")
    meeting = ranking_figure(table, "completion", title="t", x_title="x", time_progress=elapsed)
    assert any(a.text == f"时间进度 {shown}" for a in meeting.layout.annotations)


def test_the_composite_chart_marks_the_first_and_last_three_as_the_single_ranking_does() -> None:
    from bxgc_ui import charts
    from bxgc_ui.palette import BAND_COLOURS

    table = pd.DataFrame(
        {
            "unit_code": list("ABCDEFGH"),
            "score": np.linspace(0.9, 0.1, 8),
            "rank": pd.array(range(1, 9), dtype="Int64"),
            "rank_change": pd.array([0] * 8, dtype="Int64"),
            "band": ["top"] * 3 + ["middle"] * 2 + ["bottom"] * 3,
        }
    )
    fig = charts.score_bars(table, {}, "t", x_title="x")
    colours = list(fig.data[0].marker.color)[::-1]  # best first
    assert colours == [BAND_COLOURS[b] for b in table["band"]]


def test_a_unit_without_a_target_reads_no_place_and_no_pace_in_the_table() -> None:
    """It read "— +0.0" for pace and an empty place: "—" for both, as the other screens
    print a unit with no place."""
    from bxgc_ui.views.overview import shown_table

    table = pd.DataFrame(
        {
            "unit_code": ["A", "B"],
            "label": ["甲", "乙"],
            "value": [90.0, 40.0],
            "target": [100.0, np.nan],
            "completion": [0.9, np.nan],
            "status": ["ahead", "unknown"],
            "gap_pp": [6.7, np.nan],
            "rank": pd.array([1, pd.NA], dtype="Int64"),
            "yoy": [0.05, 0.02],
        }
    )
    shown = shown_table(table, "万元")
    assert shown.iloc[:, 0].tolist() == ["1", "—"]
    pace = shown.iloc[:, 5].tolist()
    assert pace[0].endswith("+6.7") and pace[1] == "—"


def test_a_completion_too_large_to_draw_still_draws_the_chart() -> None:
    """A cap of 1.3 against a figure of 1e-307 is a completion of 1.3e307, 1.3e309 % on the
    axis, past a float (inf): the chart is still drawn, its axis on the finite figures."""
    from bxgc_ui import charts

    table = pd.DataFrame(
        {
            "label": ["甲", "乙"], "unit_code": ["A", "B"], "completion": [1.3e307, 0.5],
            "hover": "", "rank": [1, 2], "rank_change": [0, 0], "band": ["top", "bottom"],
        }
    )  # fmt: skip
    fig = charts.completion_bars(table, "t", "x", time_progress=0.5, time_label="时间进度")
    low, high = fig.layout.xaxis.range
    assert low == 0 and np.isfinite(high)
    # the rankings' bars and the meeting chart of the same standings
    from bxgc_ui.views.meeting.figures import ranking_figure

    ranked = table.assign(metric=table["completion"], score=table["completion"])
    charts.ranking_bars(ranked, {}, "completion", title="t", x_title="x")
    ranking_figure(ranked, "completion", title="t", x_title="x", time_progress=0.5)
