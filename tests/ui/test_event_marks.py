"""Events and campaign phases on the trajectory figure: positions worked out by hand,
hover texts, hostile texts escaped, labels that never print over each other."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from bxgc_metrics.tables.annotations import chart_events, chart_phases
from bxgc_metrics.tables.trajectory import trajectory
from bxgc_ui.charts import trajectory_figure
from bxgc_ui.marks import ROW, label_px

OURS, BENCH = "A", "B"
NAMES = {OURS: "南关街道", BENCH: "东城街道"}
LABELS = {
    "title": "固定资产投资", "x": "年份", "history": "实际", "projected": "预测",
    "band": "80%", "stated": "方案", "cross": "预计赶超", "cross_on_target": "目标年赶超",
    "target": "目标年份", "events": "大事记", "all_units": "全部单位",
    "kind_policy": "政策出台", "kind_project": "项目投产", "kind_definition": "口径调整",
    "kind_other": "其他",
}  # fmt: skip
HOSTILE = "<script>alert(1)</script> $x$ **b**"
EVENTS = pd.DataFrame(
    {
        "event_date": ["2024-03-15", "2022-07-02", "2025-06-28", "2025-07-10", "2024-01-01"],
        "unit_code": [OURS, None, BENCH, OURS, "Z"],
        "indicator_code": [None, None, "FAI", None, None],
        "kind": ["policy", "definition", "project", "other", "other"],
        "text": ["南关街道出台招商引资十条政策", "统计口径调整", HOSTILE, "二期开工", "别处"],
    }
)
# 2022-07-02: 2022 + 182/365; 2024-03-15: 2024 + 74/366; 2025-06-28: 2025 + 178/365;
# 2025-07-10: 2025 + 190/365. The event of unit Z is not on this chart.
XS = [2022 + 182 / 365, 2024 + 74 / 366, 2025 + 178 / 365, 2025 + 190 / 365]


def _figure(*, events: bool = True, phases: pd.DataFrame | None = None) -> go.Figure:
    annual = pd.DataFrame(
        {
            "unit_code": [OURS] * 5 + [BENCH] * 5,
            "year": list(range(2020, 2025)) * 2,
            "value": [100.0, 110.0, 121.0, 133.1, 146.41, 200.0, 210.0, 220.5, 231.5, 243.1],
        }
    )
    tr = trajectory(
        annual, OURS, [BENCH], model="plan", target_year=2027, rates={OURS: 0.1, BENCH: 0.05}
    )
    window = (2019.5, 2028.5)  # history from 2020; the target year 2027 and a year more
    marks = chart_events(EVENTS, [OURS, BENCH], "FAI", window=window) if events else None
    bands = None if phases is None else chart_phases(phases, window=window)
    if bands is not None:
        bands = bands.assign(name=bands["name_zh"])
    crossing = float(tr.answers["crossing_period"].iloc[0])
    return trajectory_figure(
        tr, NAMES, OURS, stated=pd.DataFrame(), labels=LABELS, measure="万元",
        target_year=2027, crossing=crossing, events=marks, phases=bands,
    )  # fmt: skip


def _events_trace(fig: go.Figure) -> go.Scatter:
    (trace,) = [t for t in fig.data if t.name == "大事记"]
    return trace


def test_events_sit_at_their_decimal_years() -> None:
    trace = _events_trace(_figure())
    assert list(trace.x) == pytest.approx(XS)
    assert list(trace.marker.symbol) == ["triangle-down", "star", "star", "star"]


def test_a_units_event_sits_on_its_line() -> None:
    trace = _events_trace(_figure())
    # ours: 146.41 in 2024, 161.051 projected for 2025 at +10 %
    assert trace.y[1] == pytest.approx(146.41 + 74 / 366 * 14.641)
    # the benchmark: 243.1 in 2024, 255.255 in 2025 and 268.01775 in 2026 at +5 %
    assert trace.y[2] == pytest.approx(255.255 + 178 / 365 * 12.76275)


def test_hover_has_the_date_kind_unit_and_full_text() -> None:
    hover = list(_events_trace(_figure()).hovertext)
    assert hover[0] == "2022-07-02 口径调整 · 全部单位<br>统计口径调整"
    assert hover[1] == "2024-03-15 政策出台 · 南关街道<br>南关街道出台招商引资十条政策"


def test_hostile_text_is_escaped_everywhere() -> None:
    fig = _figure()
    texts = [*_events_trace(fig).hovertext, *(a.text for a in fig.layout.annotations)]
    assert not any("<script>" in t or "</script>" in t for t in texts)
    assert (
        "2025-06-28 项目投产 · 东城街道<br>&lt;script&gt;alert(1)&lt;/script&gt; $x$ **b**" in texts
    )
    label = next(a.text for a in fig.layout.annotations if "script" in a.text)
    assert label.startswith("2025.06 ")  # a label never starts with $ (LaTeX in Plotly)


def _event_labels(fig: go.Figure) -> list:
    return [a for a in fig.layout.annotations if a.text[:4].isdigit() and a.text[4] == "."]


def test_labels_never_overprint() -> None:
    fig = _figure()
    labels = _event_labels(fig)
    assert len(labels) == 4
    per_year = 640 / (2028.5 - 2019.5)
    boxes = [(a.x, a.x + label_px(a.text) / per_year, round(a.y, 6)) for a in labels]
    for i, (s1, e1, y1) in enumerate(boxes):
        for s2, e2, y2 in boxes[i + 1 :]:
            assert y1 != y2 or e1 <= s2 or e2 <= s1, (boxes, i)
    assert len({y for *_, y in boxes}) >= 2  # the two 2025 events are twelve days apart


def test_an_event_of_every_unit_is_a_dotted_line_and_lines_stay_below_the_labels() -> None:
    fig = _figure()
    dotted = [
        s for s in fig.layout.shapes if s.type == "line" and s.line.dash == "dot" and s.yref != "y"
    ]
    assert [s.x0 for s in dotted if s.x0 != 2027] == pytest.approx([XS[0]])
    lo, hi = fig.layout.yaxis.range
    lowest_label = min(a.y for a in _event_labels(fig)) - ROW
    drawn = [y for t in fig.data if t.name != "大事记" for y in t.y if y is not None]
    assert (max(drawn) - lo) / (hi - lo) < lowest_label


def test_a_units_label_is_joined_to_its_star() -> None:
    """A unit's label sits in the strip at the top, its star on the unit's line: a thin
    dotted line in the unit's colour runs from the star up to the label, so a label is
    read with its star however far apart they are."""
    fig = _figure()
    trace = _events_trace(fig)
    lo, hi = fig.layout.yaxis.range
    labels = {round(a.x, 9): a for a in _event_labels(fig)}
    stars = [i for i, m in enumerate(trace.marker.symbol) if m == "star"]
    joins = [s for s in fig.layout.shapes if s.type == "line" and s.yref == "y" and s.x0 == s.x1]
    assert len(joins) == len(stars) == 3
    for i in stars:
        (join,) = [s for s in joins if s.x0 == pytest.approx(trace.x[i])]
        assert join.y0 == pytest.approx(trace.y[i])  # from the star
        assert join.y1 == pytest.approx(lo + (hi - lo) * labels[round(trace.x[i], 9)].y)
        assert join.line.color == trace.marker.color[i] and join.line.dash == "dot"


def test_without_events_the_figure_is_as_before() -> None:
    plain, marked = _figure(events=False), _figure()
    assert len(marked.data) == len(plain.data) + 1
    assert len(plain.layout.annotations) == len(marked.layout.annotations) - 4


def test_phases_are_shaded_bands_with_their_names() -> None:
    phases = pd.DataFrame(
        {
            "campaign": ["演示"] * 2, "name_zh": ["动员部署", "<b>攻坚</b>"],
            "name_en": [None] * 2, "start_date": ["2026-03-01", "2026-05-01"],
            "end_date": ["2026-03-15", "2026-11-30"], "status": ["done", "current"],
        }
    )  # fmt: skip
    fig = _figure(phases=phases)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    # 1 March is day 60, 16 March day 75, 1 May day 121, 1 December day 335 (of 365)
    assert [x for r in rects for x in (r.x0, r.x1)] == pytest.approx(
        [2026 + 59 / 365, 2026 + 74 / 365, 2026 + 120 / 365, 2026 + 334 / 365]
    )
    assert all(r.layer == "below" for r in rects)
    names = [
        a.text for a in fig.layout.annotations if a.text in ("动员部署", "&lt;b&gt;攻坚&lt;/b&gt;")
    ]
    assert len(names) == 2


def _banded() -> tuple[go.Figure, pd.DataFrame]:
    """A linear projection with its band (and our unit's projection): a falling series
    whose projection crosses zero, beside a steady one, with peers enough to calibrate."""
    years = list(range(2012, 2025))
    falling = [900.0 - 60 * k + (25 if k % 2 else -25) for k in range(13)]
    steady = [400.0 + 5 * k + (30 if k % 3 else -30) for k in range(13)]
    peers = [v * 1.5 for v in steady] + [v * 2.0 for v in steady]  # 20 errors per step
    annual = pd.DataFrame(
        {
            "unit_code": [OURS] * 13 + [BENCH] * 13 + ["P1"] * 13 + ["P2"] * 13,
            "year": years * 4,
            "value": falling + steady + peers,
        }
    )
    tr = trajectory(annual, OURS, [BENCH], model="linear", target_year=2030, rates={})
    fig = trajectory_figure(
        tr, NAMES, OURS, stated=pd.DataFrame(), labels=LABELS, measure="万元",
        target_year=2030, crossing=float("nan"),
    )  # fmt: skip
    return fig, tr.projection[tr.projection["unit_code"] == OURS]


def test_a_band_is_drawn_only_over_the_years_it_is_bounded() -> None:
    """A positive series whose linear projection falls below zero has no band in those
    years: the shaded area covers only the years with both ends, with no gap or
    unbounded corner in its outline."""
    fig, ours = _banded()
    assert ours["value"].min() <= 0 and ours["lower"].isna().any() and ours["lower"].notna().any()
    bands = [t for t in fig.data if t.fill == "toself"]
    assert bands
    for band in bands:
        ys = pd.Series(band.y, dtype=float)
        assert ys.notna().all() and not ys.abs().eq(float("inf")).any()
    (own,) = [b for b in bands if NAMES[OURS] in b.name]
    assert {round(x) for x in own.x} == set(ours.dropna(subset=["lower"])["period"].astype(int))


def test_legend_brackets_follow_the_language_of_the_note() -> None:
    """In English a unit's lines read 南关街道 (actual), with a space and ASCII brackets;
    in Chinese 南关街道（实际）."""
    zh = [t.name for t in _figure(events=False).data]
    assert "南关街道（实际）" in zh and "东城街道（预测）" in zh
    english = {**LABELS, "history": "actual", "projected": "projected"}
    annual = pd.DataFrame(
        {
            "unit_code": [OURS, OURS, BENCH, BENCH],
            "year": [2023, 2024] * 2,
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    tr = trajectory(
        annual, OURS, [BENCH], model="plan", target_year=2027, rates={OURS: 0.5, BENCH: 0.1}
    )
    fig = trajectory_figure(
        tr, NAMES, OURS, stated=pd.DataFrame(), labels=english, measure="万元",
        target_year=2027, crossing=None, events=None, phases=None,
    )  # fmt: skip
    names = [t.name for t in fig.data]
    assert "南关街道 (actual)" in names and "东城街道 (projected)" in names
    assert not any("（" in n for n in names)


def test_the_year_axis_title_keeps_clear_of_its_turned_labels() -> None:
    """On a phone the year labels turn upright and the axis title (年份) was drawn over
    them: both axes grow their margins to fit their labels and keep their titles apart."""
    fig = _figure()
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.automargin is True
    assert fig.layout.xaxis.title.standoff and fig.layout.xaxis.title.standoff >= 8


def test_a_band_is_an_area_with_no_dots_at_its_corners() -> None:
    """Plotly puts markers on a trace of fewer than 20 points unless told its mode: the
    80 % band showed a dot, in another series' colour, at each year's upper and lower
    bound, read as figures nobody reported. Every line of the chart says what it draws."""
    fig, _ = _banded()
    bands = [t for t in fig.data if t.fill == "toself"]
    assert len(bands) == 2
    for band in bands:
        assert band.mode == "lines", band.name
    for trace in fig.data:
        if trace.type == "scatter":
            assert trace.mode is not None, trace.name


@pytest.mark.parametrize(("target", "step"), [(2027, 1), (2030, 2), (2040, 5)])
def test_the_years_are_labelled_few_enough_to_stand_on_a_phone(target: int, step: int) -> None:
    """Every year of an 18-year window, labelled on a phone's chart, turned upright over the
    axis title and the legend: a window of up to 8 years labels each year, up to 16 every
    other one, and a longer one every fifth."""
    annual = pd.DataFrame(
        {
            "unit_code": [OURS] * 5 + [BENCH] * 5,
            "year": list(range(2020, 2025)) * 2,
            "value": [100.0, 110.0, 121.0, 133.1, 146.41, 200.0, 210.0, 220.5, 231.5, 243.1],
        }
    )
    tr = trajectory(annual, OURS, [BENCH], model="plan", target_year=target, rates={OURS: 0.1})
    fig = trajectory_figure(
        tr, NAMES, OURS, stated=pd.DataFrame(), labels=LABELS, measure="万元",
        target_year=target, crossing=float("nan"),
    )  # fmt: skip
    # the window runs from 2020 to the target year and one more: 8, 11 and 21 years
    assert fig.layout.xaxis.dtick == step
