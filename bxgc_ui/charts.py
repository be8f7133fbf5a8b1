"""Plotly figure builders. Every chart has axis titles with units and readable hover text."""

from __future__ import annotations

import html
import math
import re
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bxgc_metrics.measures import Scale, display_scale
from bxgc_metrics.tables.trajectory import Trajectory
from bxgc_ui import fmt, marks
from bxgc_ui.fmt import chart
from bxgc_ui.palette import (
    BAND_COLOURS,
    GOOD,
    INK,
    MUTED,
    NEUTRAL,
    PACE_COLOURS,
    PHASE_COLOURS,
    SERIES,
    WARNING,
)
from bxgc_ui.widths import drawn_px, lines, shortened

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

PLAIN_NUMBERS = {"exponentformat": "none", "separatethousands": True}
"""Axis number format: 1,400,000 or 140 (with the measure in the title), never ``1.4M``."""


def _base(fig: go.Figure, title: str, x_title: str, *, y_title: str) -> go.Figure:
    shown = lines(title, TITLE_MOST_PX, TITLE_PX)
    fig.update_layout(
        title={
            # on as many lines as the narrowest chart needs; joined again, the title is whole
            "text": TITLE_BREAK.join(chart(line) for line in shown),
            # hung from the chart's top edge, so that its last line keeps clear of the notes
            # above the plot (a crossing year) and of the value axis's top label and title;
            # Plotly sets a title of several lines half a line higher than it anchors it
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": TITLE_PAD_PX + (TITLE_LINE_PX // 2 if len(shown) > 1 else 0)},
        },
        font={"family": FONT, "size": 14},
        xaxis_title=chart(x_title),
        yaxis_title=chart(y_title),
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "y": -0.2},
    )
    # the axis titles keep clear of their tick labels, turned on a phone's narrow chart
    fig.update_xaxes(**PLAIN_NUMBERS, automargin=True, title_standoff=12)
    fig.update_yaxes(**PLAIN_NUMBERS, automargin=True)
    _short_ticks(fig)
    fig.update_layout(margin={**room(fig), "t": TOP_PX + title_room(fig)})
    return fig


LABEL_MOST_PX = 200
"""The widest a name on a category axis is drawn (sixteen Chinese characters); a longer
one ends in an ellipsis there and is whole in the hover."""


def _short_ticks(fig: go.Figure) -> None:
    """On a category y axis, names too wide for :data:`LABEL_MOST_PX` shortened in the
    ticks only: each bar keeps its whole (unique) name as its place and in its hover."""
    if fig.layout.yaxis.type != "category":
        return
    values = list(dict.fromkeys(v for trace in fig.data for v in _values(trace, "y")))
    shown = [shortened(_plain_label(str(v)), LABEL_MOST_PX, TICK_PX) for v in values]
    if all(s == _plain_label(str(v)) for s, v in zip(shown, values, strict=True)):
        return
    fig.update_yaxes(tickmode="array", tickvals=values, ticktext=[chart(s) for s in shown])


TOP_PX = 50
"""Room above the plot: the title, on one line."""
TITLE_PX = 16
"""The size of a chart's title in Streamlit's chart theme."""
TITLE_LINE_PX = 22
"""Room above the plot for each further line of the title."""
TITLE_MOST_PX = 320
"""The widest line of a chart's title: a chart is drawn at least 22rem (352 px) wide
beside its table (:func:`bxgc_ui.widgets.beside`) and 358 px on a phone, and Plotly draws a
title on one line, cutting it at the chart's edge."""
PHONE_CHART_PX = 358
"""A chart's width on a phone (390 px less the page's padding)."""
TITLE_PAD_PX = 6
"""Between a chart's top edge and its title's first line."""
TITLE_BREAK = "<br>"
"""Between the lines of a chart's title (a Plotly line break, never in an escaped text)."""
TICK_PX = 12
"""The size of tick labels and legend entries in Streamlit's chart theme."""
Y_TICKS_PX = 53
"""Room Plotly keeps left of the plot beyond the widest value or name on the y axis
(tick, stand-off and padding in Streamlit's theme; 52.8 as drawn)."""
X_TICKS_PX = 56
"""Room Plotly keeps under the plot for the x axis's labels (55.8 as drawn)."""
SIDE_PX = 10
"""The least room beside the plot."""
LEGEND_PX, LEGEND_ROW_PX = 41, 19
"""A legend under the plot: its first row with its padding, and each further row."""
LEGEND_ENTRY_PX = 43
"""An entry's symbol and the gaps around its name."""
LEGEND_WIDTH_PX = 720
"""The width a legend's rows are reckoned in: the plot of a full-width chart at 1280 to
1440 px."""
SPARE_PX = 3
"""Added to each estimate: fonts differ a little between machines."""


def room(fig: go.Figure) -> dict[str, int]:
    """The margins (``l``, ``r``, ``b``) the axis labels and the legend of ``fig`` need,
    as Streamlit's theme draws them.

    Plotly grows a margin that is too small for its labels (``automargin``), but only by
    drawing the chart a second time: set from the start, the first drawing is the last.
    The estimate counts the names and values on the axes (:func:`~bxgc_ui.widths.drawn_px`)
    and the legend's rows; where it falls short (a font wider than reckoned, a phone's
    turned labels), automargin still makes room.

    >>> bars = go.Figure(go.Bar(x=[50.0], y=["云门山街道"], orientation="h"))
    >>> bars.update_layout(height=400).update_xaxes(range=[0, 100]) and room(bars)
    {'l': 116, 'r': 17, 'b': 59}
    """
    y = fig.layout.yaxis
    left = Y_TICKS_PX + max(
        (drawn_px(text, TICK_PX) for text in _axis_texts(fig, "y", y.range)), default=0.0
    )
    right = float(SIDE_PX)
    if fig.layout.xaxis.type not in ("date", "category") and _numbers(fig, "x").size:
        overhang = max(drawn_px(t, TICK_PX) for t in _axis_texts(fig, "x", fig.layout.xaxis.range))
        right = max(right, overhang / 2 + 4)
    bottom = max(float(X_TICKS_PX), _legend_room(fig))
    return {
        side: math.ceil(px + SPARE_PX) for side, px in (("l", left), ("r", right), ("b", bottom))
    }


def legend_entries(fig: go.Figure) -> list[str]:
    """The names ``fig``'s legend shows: every named trace not left out of it, when the
    layout shows a legend or, left to Plotly, when there are two or more.

    >>> two = go.Figure([go.Scatter(name="实际"), go.Scatter(name="预测", showlegend=False)])
    >>> legend_entries(two), legend_entries(two.add_trace(go.Scatter(name="方案")))
    ([], ['实际', '方案'])
    """
    shown = [str(t.name) for t in fig.data if t.showlegend is not False and t.name]
    if fig.layout.showlegend is False or (len(shown) < 2 and fig.layout.showlegend is not True):
        return []
    return shown


def _legend_room(fig: go.Figure) -> float:
    """Room under the plot for a horizontal legend hung below it (at ``legend.y`` < 0, a
    share of the plot's height), as many rows as its entries fill."""
    legend = fig.layout.legend
    entries = legend_entries(fig)
    if not entries or legend.orientation != "h" or (legend.y or 0) >= 0:
        return 0.0
    below = -float(legend.y)
    height = LEGEND_PX + LEGEND_ROW_PX * (legend_rows(entries, LEGEND_WIDTH_PX) - 1)
    # the legend hangs ``below`` × the plot's height under it, which the margin shortens
    top = TOP_PX + title_room(fig)
    return (height + below * ((fig.layout.height or 450) - top)) / (1 + below)


def legend_rows(entries: list[str], width: float) -> int:
    """The rows a horizontal legend of ``entries`` fills in ``width`` pixels."""
    rows, used = 1, 0.0
    for name in entries:
        wide = LEGEND_ENTRY_PX + drawn_px(_plain_label(name), TICK_PX)
        if used and used + wide > width:
            rows, used = rows + 1, 0.0
        used += wide
    return rows


def title_room(fig: go.Figure) -> int:
    """Room above the plot for the further lines of ``fig``'s title (:data:`TITLE_BREAK`),
    beyond the one :data:`TOP_PX` holds."""
    return TITLE_LINE_PX * str(fig.layout.title.text or "").count(TITLE_BREAK)


def _axis_texts(fig: go.Figure, letter: str, span: object) -> list[str]:
    """The texts on an axis: the names of a category axis (each line of a name on several),
    or, on a value axis, the outermost values Plotly's ticks can show in ``span`` (or
    the traces' range).

    >>> _axis_texts(go.Figure(go.Bar(x=[74.6, 97.04], y=["甲", "乙"], orientation="h")), "x", None)
    ['0', '100']
    >>> _axis_texts(go.Figure(go.Scatter(x=[74.6, 97.04])), "x", None)
    ['74', '98']
    >>> _axis_texts(go.Figure(), "y", [0, 1234567.0])
    ['0', '1,300,000']
    """
    ticks = getattr(fig.layout, f"{letter}axis").ticktext
    shown = list(ticks) if ticks else [v for trace in fig.data for v in _values(trace, letter)]
    names = [
        line
        for value in shown
        if isinstance(value, str)
        for line in _plain_label(value).split("\n")
    ]
    if names or getattr(fig.layout, f"{letter}axis").type in ("category", "date"):
        return names
    values = _numbers(fig, letter)
    if span is not None:
        values = np.asarray(span, dtype=float)
    values = values[np.isfinite(values)]  # an axis set past a float has no ticks to measure
    if not values.size:
        return []
    lo, hi = float(values.min()), float(values.max())
    step = 10 ** math.floor(math.log10((hi - lo) / 4 or abs(hi) or 1))
    decimals = max(0, -math.floor(math.log10(step)))
    # Plotly's outermost ticks may lie past the data, at the next round value
    ends = (math.floor(lo / step) * step, math.ceil(hi / step) * step)
    return [f"{v:,.{decimals}f}" for v in ends]


def _numbers(fig: go.Figure, letter: str) -> np.ndarray:
    """Every number the traces place on the ``letter`` axis."""
    parts = [
        pd.to_numeric(pd.Series(_values(trace, letter), dtype=object), errors="coerce")
        for trace in fig.data
    ]
    # a bar starts at zero, and Plotly's axis takes it in
    value_axis = {"h": "x", "v": "y"}
    if any(t.type == "bar" and value_axis[t.orientation or "v"] == letter for t in fig.data):
        parts.append(pd.Series([0.0]))
    every = pd.concat(parts, ignore_index=True) if parts else pd.Series(dtype=float)
    numbers = every.dropna().to_numpy(dtype=float)
    return numbers[np.isfinite(numbers)]  # Plotly leaves an infinite value out


def _values(trace: object, letter: str) -> list[object]:
    """The values a trace places on the ``letter`` axis (none for a trace without one)."""
    values = getattr(trace, letter, None)
    return [] if values is None else list(values)


def _plain_label(text: str) -> str:
    """A Plotly label as read: lines apart (``<br>`` as a new line), entities as their
    characters, bold marks gone."""
    lines = re.sub(r"</?b>", "", text).replace("<br>", "\n")
    return html.unescape(lines)


def warm() -> None:
    """Build and serialise one small chart of each trace kind the pages draw, in both
    templates they use: plotly loads its validators and templates on first use, which the
    first chart after a start would otherwise wait for."""
    for template in ("plotly_white", "plotly_dark"):
        fig = go.Figure(
            [
                go.Bar(x=[1.0], y=["a"], orientation="h", text=["1"], marker={"color": ["#000"]}),
                go.Scatter(x=[1.0], y=[1.0], mode="lines+markers+text", fill="tonexty"),
            ],
            frames=[go.Frame(data=[go.Bar(x=[2.0], y=["a"])], name="f")],
        )
        _base(fig, "t", "x", y_title="y").update_layout(template=template).to_json()


CHART_TOP, CHART_BOTTOM = 15, 5
"""Bars a unit chart draws at most: the first ``CHART_TOP`` and the last ``CHART_BOTTOM``.
A city-wide list (a thousand units) would make a chart tens of thousands of pixels tall;
the table beside the chart keeps every unit."""


def is_cut(rows: int) -> bool:
    """Whether a chart of ``rows`` units draws only its head and tail."""
    return rows > CHART_TOP + CHART_BOTTOM


def head_and_tail(data: pd.DataFrame, *, whole: bool = False) -> pd.DataFrame:
    """``data`` (best first) whole, or its first :data:`CHART_TOP` rows and its last
    :data:`CHART_BOTTOM` when it is longer; ``whole`` keeps every row (an exported image
    draws every unit: a file may be as tall as it needs)."""
    if whole or not is_cut(len(data)):
        return data
    return pd.concat([data.head(CHART_TOP), data.tail(CHART_BOTTOM)])


def completion_bars(
    table: pd.DataFrame,
    title: str,
    x_title: str,
    *,
    time_progress: float,
    time_label: str,
    whole: bool = False,
) -> go.Figure:
    """Horizontal bars of completion (%) per unit with the time-progress line.

    ``table`` has ``label`` (unit name), ``completion`` (fraction), ``hover`` (text) and
    optionally ``status`` (pace: ahead green, on pace blue, behind red). Values sit inside
    the bars and the time-progress line runs beneath them, so neither the line nor its
    label ever covers a value. ``whole`` draws every unit (:func:`head_and_tail`).
    """
    best_first = table.sort_values("completion", ascending=False, na_position="last")
    data = head_and_tail(best_first, whole=whole).iloc[::-1]
    if "status" in data:
        colors = [PACE_COLOURS.get(s, MUTED) for s in data["status"]]
    else:
        colors = [WARNING if c < time_progress else GOOD for c in data["completion"].fillna(0)]
    fig = go.Figure(
        go.Bar(
            x=data["completion"] * 100,
            y=[chart(label) for label in data["label"]],
            orientation="h",
            marker_color=colors,
            text=[f"{c * 100:.1f}%" for c in data["completion"].fillna(0)],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "white"},
            hovertext=data["hover"],
            hoverinfo="text",
        )
    )
    # beneath the bars: a value written inside a bar that ends just past the line stays
    # readable (the line shows between the bars and past the shorter ones)
    fig.add_vline(x=time_progress * 100, line_dash="dash", line_color=INK, layer="below")
    with np.errstate(over="ignore"):  # a completion past a float's hundredth is drawn as none
        drawn = data["completion"].to_numpy(dtype=float) * 100
    finite = drawn[np.isfinite(drawn)]
    top = max(100.0, float(finite.max()) + 5 if finite.size else 0.0)
    fig.add_annotation(
        x=time_progress * 100,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        xanchor=note_anchor(time_progress, "center"),
        text=f"{time_label} {fmt.pct(time_progress, signed=False)}",
        showarrow=False,
        font={"color": INK},
    )
    fig.update_xaxes(range=[0, top])
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(320, 28 * len(data) + 110))
    return _base(fig, title, x_title, y_title="")


def trajectory_window(tr: Trajectory, target_year: int, crossing: float | None) -> tuple[int, int]:
    """The years the catch-up chart shows: the history, then at least to the target year
    and the crossing year (a crossing is never cut off), and a few years past the base."""
    first = int(tr.history["year"].min()) if len(tr.history) else target_year - 5
    base = int(tr.history["year"].max()) if len(tr.history) else target_year - 1
    last = max(target_year, base + 3)
    if crossing is not None and np.isfinite(crossing):
        last = max(last, int(crossing))
    return first, last + 1


def trajectory_figure(
    tr: Trajectory,
    names: dict[str, str],
    chaser: str,
    *,
    stated: pd.DataFrame,
    labels: dict[str, str],
    measure: str,
    target_year: int,
    crossing: float | None,
    events: pd.DataFrame | None = None,
    phases: pd.DataFrame | None = None,
    lang: str = "zh",
) -> go.Figure:
    """History (solid), projection (dashed, with its band), the plan as stated (dotted),
    the crossing year and the target year; with ``events``
    (:func:`~bxgc_metrics.tables.annotations.chart_events`) a mark for each, on the line
    of its unit or across the chart for every unit (:func:`bxgc_ui.marks.add_events`);
    with ``phases`` (:func:`~bxgc_metrics.tables.annotations.chart_phases` and a ``name``)
    shaded bands behind the lines.

    Values are drawn in the measure officials read them in (:func:`display_scale`:
    亿元 once they run to 10,000 万元; in ``lang`` "en", billions or millions of yuan),
    named in the value axis title and every hover.
    The window (:func:`trajectory_window`) always reaches the crossing year; when the
    crossing falls in the target year one label says both.
    """
    first, last = trajectory_window(tr, target_year, crossing)
    shown = _visible(tr, first, last)
    every = [shown.history["value"], stated.get("value", pd.Series(dtype=float))]
    if len(shown.projection):
        every += [shown.projection[c] for c in ("value", "lower", "upper")]
    scale = display_scale(pd.concat(every, ignore_index=True), measure, lang)
    fig = go.Figure()
    units = [chaser, *[u for u in dict.fromkeys(shown.history["unit_code"]) if u != chaser]]
    colours = {}
    for i, unit in enumerate(units):
        colours[unit] = NEUTRAL if unit == chaser else SERIES[(i - 1) % len(SERIES)]
        trace = _Trace(names.get(unit, unit), colours[unit], labels, scale=scale, lang=lang)
        _trajectory_traces(fig, shown, unit, stated=stated, how=trace)
    _year_marks(fig, labels, target_year, crossing=crossing, window=(first, last))
    _clip_y(fig, first - 0.5, last + 0.5)
    if phases is not None:
        marks.add_phases(fig, phases)
    if events is not None:
        paths = {u: _drawn_path(shown, u, scale.factor) for u in units}
        marks.add_events(fig, events, paths=paths, colours=colours, labels=labels, names=names)
    fig.update_layout(height=460, hovermode="x unified")
    fig.update_xaxes(dtick=year_step(last - first), tickformat="d")
    return _base(fig, labels["title"], labels["x"], y_title=scale.measure)


YEAR_TICKS = 8
"""Most year labels under a chart: more would turn upright on a phone's chart, over its
axis title and legend."""


def year_step(years: int) -> int:
    """Years between the labels of an axis spanning ``years``: every year, every other
    year or every fifth, whichever keeps within :data:`YEAR_TICKS` labels.

    >>> [year_step(n) for n in (4, 8, 9, 16, 17, 40)]
    [1, 1, 2, 2, 5, 5]
    """
    return next(step for step in (1, 2, 5, 10) if years <= YEAR_TICKS * step or step == 10)


def _drawn_path(tr: Trajectory, unit: str, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """The years and values of ``unit``'s drawn line: its history, then its projection."""
    hist = tr.history[tr.history["unit_code"] == unit]
    xs, ys = list(hist["year"].astype(float)), list(hist["value"] * factor)
    if len(tr.projection):
        proj = tr.projection[tr.projection["unit_code"] == unit]
        later = proj[proj["period"] > (max(xs) if xs else -np.inf)]
        xs += list(later["period"].astype(float))
        ys += list(later["value"] * factor)
    return np.array(xs, dtype=float), np.array(ys, dtype=float)


def _visible(tr: Trajectory, first: int, last: int) -> Trajectory:
    """``tr`` with its projection cut to the chart's window (hover stays in view)."""
    projection = tr.projection
    if len(projection):
        projection = projection[projection["period"] <= last]
    return Trajectory(tr.model, tr.history, projection, tr.status, tr.answers, tr.distance)


NOTE_ENDS_PAST = 0.75
"""The share of a chart's width past which a note ends at its place."""


def note_anchor(share: float, otherwise: str, *, past: float = NOTE_ENDS_PAST) -> str:
    """How a note standing at ``share`` of a chart's width is anchored: past ``past`` it
    ends at its place (``"right"``), so that a phone's narrow chart never cuts it; else
    ``otherwise``.

    >>> note_anchor(0.9, "center"), note_anchor(0.5, "center"), note_anchor(0.6, "left", past=0.5)
    ('right', 'center', 'right')
    """
    return "right" if share > past else otherwise


def _year_marks(
    fig: go.Figure,
    labels: dict[str, str],
    target_year: int,
    *,
    crossing: float | None,
    window: tuple[int, int],
) -> None:
    """The crossing year (green, labelled at the top) and the target year (grey, labelled
    at the bottom), or one label when they coincide: the two never overprint. A label in
    the right quarter of the ``window`` ends at its line, so a phone's narrow chart never
    cuts it."""
    first, last = window

    def side(x: float, otherwise: str) -> str:
        return note_anchor((x - first) / (last - first), otherwise)

    crosses = crossing is not None and np.isfinite(crossing)
    same = crosses and int(crossing) == target_year  # type: ignore[arg-type]
    if crossing is not None and crosses:
        fig.add_vline(x=crossing, line_color=GOOD, line_width=2)
        text = labels["cross_on_target"] if same else labels["cross"]
        fig.add_annotation(
            x=crossing, y=1.0, yref="paper", yanchor="bottom", xanchor=side(crossing, "center"),
            text=text, showarrow=False, font={"color": GOOD},
        )  # fmt: skip
    if not same:
        fig.add_vline(x=target_year, line_dash="dot", line_color=MUTED)
        fig.add_annotation(
            x=target_year, y=0.0, yref="paper", yanchor="bottom",
            xanchor=side(target_year, "left"), text=labels["target"], showarrow=False,
            font={"color": INK},
        )  # fmt: skip


class _Trace:
    """How one unit's lines are drawn: its name, colour, texts and the value scale."""

    def __init__(
        self, name: str, color: str, labels: dict[str, str], *, scale: Scale, lang: str = "zh"
    ) -> None:
        self.name, self.color, self.labels, self.factor = chart(name), color, labels, scale.factor
        digits = f"%{{y:,.{scale.decimals}f}}"  # as the tables and headline read the figure
        unit = chart(fmt.after_figure(scale.measure, lang))  # 2.90亿元, 2.897 bn yuan
        self.hover = f"%{{meta}} %{{x}}：{digits}{unit}<extra></extra>"

    def legend(self, key: str) -> str:
        return fmt.bracketed(self.name, self.labels[key])


def _trajectory_traces(
    fig: go.Figure, tr: Trajectory, unit: str, *, stated: pd.DataFrame, how: _Trace
) -> None:
    hist = tr.history[tr.history["unit_code"] == unit]
    k = how.factor
    fig.add_trace(
        go.Scatter(
            x=hist["year"],
            y=hist["value"] * k,
            mode="lines+markers",
            name=how.legend("history"),
            line={"color": how.color, "width": 3},
            meta=how.name,
            hovertemplate=how.hover,
        )
    )
    proj = tr.projection[tr.projection["unit_code"] == unit] if len(tr.projection) else None
    if proj is not None and len(proj) and len(hist):
        joined = pd.concat([hist.tail(1).rename(columns={"year": "period"}), proj])
        banded = proj.dropna(subset=["lower", "upper"])  # no band where none is bounded
        if len(banded):
            fig.add_trace(
                go.Scatter(
                    x=list(banded["period"]) + list(banded["period"][::-1]),
                    y=list(banded["upper"] * k) + list(banded["lower"][::-1] * k),
                    fill="toself",
                    fillcolor=_alpha(how.color, 0.15),
                    mode="lines",  # an area: no dot at each bound (Plotly's default)
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    name=how.legend("band"),
                )
            )
        fig.add_trace(
            go.Scatter(
                x=joined["period"],
                y=joined["value"] * k,
                mode="lines",
                name=how.legend("projected"),
                line={"color": how.color, "dash": "dash", "width": 2},
                meta=how.name,
                hovertemplate=how.hover,
            )
        )
    plan = stated[stated["unit"] == unit] if len(stated) else stated
    if len(plan) > 1:
        fig.add_trace(
            go.Scatter(
                x=plan["period"],
                y=plan["value"] * k,
                mode="lines+markers",
                name=how.legend("stated"),
                marker_symbol="diamond",
                line={"color": how.color, "dash": "dot", "width": 2},
                meta=how.name,
                hovertemplate=how.hover,
            )
        )


def _clip_y(fig: go.Figure, x0: float, x1: float) -> None:
    """Show years x0..x1 and scale the value axis to what is visible there."""
    visible = []
    for trace in fig.data:
        if trace.x is None or trace.y is None:
            continue
        pairs = zip(trace.x, trace.y, strict=False)
        visible += [
            y
            for x, y in pairs
            if y is not None
            and x0 <= float(pd.Timestamp(x).year if isinstance(x, pd.Timestamp) else x) <= x1
            and np.isfinite(y)
        ]
    fig.update_xaxes(range=[x0, x1])
    if visible:
        lo, hi = min(visible), max(visible)
        pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
        fig.update_yaxes(range=[min(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad])


def _alpha(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def distance_figure(distance: pd.DataFrame, title: str, x_title: str, *, y_title: str) -> go.Figure:
    """Years behind (positive, red) or ahead (negative, green) per year."""
    data = distance.dropna(subset=["time_distance"])
    colors = [WARNING if v > 0 else GOOD for v in data["time_distance"]]
    fig = go.Figure(
        go.Bar(
            x=data["period"],
            y=data["time_distance"],
            marker_color=colors,
            text=[f"{v:+.1f}" for v in data["time_distance"]],
            textposition="outside",
            hovertemplate="%{x}: %{y:.2f}<extra></extra>",
        )
    )
    fig.update_layout(height=300)
    years = int(data["period"].max() - data["period"].min()) if len(data) else 0
    fig.update_xaxes(dtick=year_step(years), tickformat="d")
    return _base(fig, title, x_title, y_title=y_title)


def _move(change: object) -> str:
    if change is None or change is pd.NA or (isinstance(change, float) and np.isnan(change)):
        return ""
    n = int(change)  # type: ignore[call-overload]
    return f" ▲{n}" if n > 0 else (f" ▼{-n}" if n < 0 else " –")


def _place_labels(data: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """``1. 东城街道`` per row (names escaped for Plotly)."""
    return [
        f"{int(r)}. {chart(names.get(u, u))}"
        for r, u in zip(data["rank"], data["unit_code"], strict=True)
    ]


def ranking_bars(
    table: pd.DataFrame,
    names: dict[str, str],
    by: str,
    *,
    title: str,
    x_title: str,
    whole: bool = False,
) -> go.Figure:
    """One indicator's ranking: best at the top, its colour by band (:data:`BAND_COLOURS`:
    gold top, red last places), rank moves beside the value; ``whole`` draws every unit."""
    column = "completion" if by == "completion" else "yoy"
    data = head_and_tail(table.dropna(subset=[column]), whole=whole).iloc[::-1]
    colors = [BAND_COLOURS.get(b, MUTED) for b in data["band"]]
    labels = _place_labels(data, names)
    fig = go.Figure(
        go.Bar(
            x=data[column] * 100,
            y=labels,
            orientation="h",
            marker_color=colors,
            text=[  # a growth signed, as the table and the wall print it
                f"{v * 100:{'+' if column == 'yoy' else ''}.1f}%{_move(c)}"
                for v, c in zip(data[column], data["rank_change"], strict=True)
            ],
            textposition="auto",
            insidetextanchor="end",
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    fig.update_layout(height=max(320, 26 * len(data) + 90), showlegend=False)
    fig.update_yaxes(type="category")
    return _base(fig, title, x_title, y_title="")


def score_bars(
    table: pd.DataFrame, names: dict[str, str], title: str, *, x_title: str, whole: bool = False
) -> go.Figure:
    """Composite scores, best at the top, with rank moves, coloured by band as a single
    ranking is (:data:`BAND_COLOURS`: the first three, the last three); ``whole`` draws
    every unit."""
    data = head_and_tail(table, whole=whole).iloc[::-1]
    labels = _place_labels(data, names)
    colors = [BAND_COLOURS.get(b, MUTED) for b in data["band"]]
    fig = go.Figure(
        go.Bar(
            x=data["score"],
            y=labels,
            orientation="h",
            marker_color=colors,
            text=[
                f"{s:.3f}{_move(c)}"
                for s, c in zip(data["score"], data["rank_change"], strict=True)
            ],
            textposition="auto",
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    fig.update_layout(height=max(320, 26 * len(data) + 90), showlegend=False)
    fig.update_yaxes(type="category")
    return _base(fig, title, x_title, y_title="")


MILESTONE_LOOKS = {
    "done": ("diamond", GOOD),
    "done_late": ("diamond", WARNING),
    "late": ("diamond-open", WARNING),
    "open": ("diamond-open", NEUTRAL),
}
"""Each milestone status's marker: filled once done (green on time, red late), hollow while
open (blue before its date, red past it)."""


ROW_NAME_WIDTH = 9
"""Most Chinese characters (or twice as many others) on one line of a timeline's row
name: a longer name wraps, so a phone keeps room for the dates."""


def _wrapped(text: str, width: int = ROW_NAME_WIDTH) -> str:
    """``text`` escaped for Plotly (:func:`chart`) on lines of at most ``width`` Chinese
    characters (a Latin letter counts half) and of about equal length, English broken at
    spaces.

    >>> _wrapped("各单位上报《差距排查与整改承诺书》")
    '各单位上报《差距<br>排查与整改承诺书》'
    >>> _wrapped("考核评比、年终回头看")
    '考核评比、<br>年终回头看'
    >>> _wrapped("Mobilisation and choice of benchmarks")
    'Mobilisation and<br>choice of<br>benchmarks'
    """
    words = fmt.plain(text)
    if " " in words.strip():
        lines = textwrap.wrap(words, width * 2, break_long_words=False) or [words]
    else:  # as few lines as the width allows, of about equal length (no lone last word)
        weights = [1.0 if ord(c) >= 0x2E80 else 0.5 for c in words]
        count = max(1, math.ceil(sum(weights) / width))
        each = sum(weights) / count
        lines, line, size = [], "", 0.0
        for c, weight in zip(words, weights, strict=True):
            over = size + weight > (each if len(lines) < count - 1 else width) + 1e-9
            if line and over:
                lines.append(line)
                line, size = "", 0.0
            line, size = line + c, size + weight
        lines.append(line)
    return "<br>".join(chart(line) for line in lines)


ROW_PX, ROW_LINE_PX = 40, 16
"""A timeline row's height: at least :data:`ROW_PX`, and :data:`ROW_LINE_PX` a line of its
name with room above and below, so a name on three lines keeps clear of its neighbours."""


def _row_px(name: str) -> int:
    """The height of the timeline's row named ``name`` (its lines joined by ``<br>``).

    >>> _row_px("动员部署"), _row_px("Year-end<br>assessment and<br>look back")
    (40, 60)
    """
    return max(ROW_PX, ROW_LINE_PX * (name.count("<br>") + 1) + 12)


def timeline_figure(
    phases: pd.DataFrame, milestones: pd.DataFrame, today: object, *, labels: dict
) -> go.Figure:
    """Phases as bars on a date axis (:data:`PHASE_COLOURS`), milestones as markers
    (:data:`MILESTONE_LOOKS`), today marked, and a legend naming each status shown
    (``labels["status"]``: status → words)."""
    fig = go.Figure()
    named: set[str] = set()
    for r in phases.itertuples():
        start, end = pd.Timestamp(r.start_date), pd.Timestamp(r.end_date) + pd.Timedelta(days=1)
        key = f"ph_{r.status}"
        fig.add_trace(
            go.Bar(
                x=[(end - start).total_seconds() * 1000],
                base=[start],
                y=[_wrapped(labels["name"](r))],
                orientation="h",
                marker_color=PHASE_COLOURS.get(r.status, MUTED),
                name=chart(labels["status"].get(key, str(r.status))),
                legendgroup=key,
                showlegend=key not in named,
                meta=f"{r.start_date} — {r.end_date}",
                hovertemplate="%{y}<br>%{meta}<extra></extra>",
            )
        )
        named.add(key)
    for status, (symbol, colour) in MILESTONE_LOOKS.items():
        some = milestones[milestones["status"] == status] if len(milestones) else milestones
        if not len(some):
            continue
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(some["due_date"]),
                y=[_wrapped(labels["name"](r)) for r in some.itertuples()],
                mode="markers",
                marker={"symbol": symbol, "size": 16, "color": colour, "line": {"width": 2}},
                name=chart(labels["status"].get(f"ms_{status}", status)),
                hovertemplate="%{y}<br>%{x|%Y-%m-%d}<extra></extra>",
            )
        )
    stamp = pd.Timestamp(today)
    dates = pd.concat(
        [
            pd.to_datetime(phases.get("start_date", pd.Series(dtype=object))),
            pd.to_datetime(milestones.get("due_date", pd.Series(dtype=object))),
        ]
    )
    side = "left"
    if len(dates.dropna()):
        lo, hi = dates.min() - pd.Timedelta(days=10), dates.max() + pd.Timedelta(days=30)
        hi = max(hi, stamp) if stamp - hi < pd.Timedelta(days=400) else hi
        fig.update_xaxes(type="date", range=[lo, hi])
        side = note_anchor((stamp - lo) / (hi - lo), "left", past=0.5)
    fig.add_vline(x=stamp.value / 1e6, line_dash="dash", line_color=INK)
    # above the plot, clear of the row names a narrow chart's first row would put beside it
    fig.add_annotation(
        x=stamp.value / 1e6, y=1.0, yref="paper", yanchor="bottom", xanchor=side,
        text=chart(f"{labels['today']} {stamp:%Y-%m-%d}"), showarrow=False,
    )  # fmt: skip
    fig.update_xaxes(tickformat=labels.get("date_format", "%Y-%m"))
    rows = dict.fromkeys(y for trace in fig.data for y in trace.y)  # each name, as drawn
    fig.update_layout(
        height=max(280, sum(_row_px(row) for row in rows) + 150),
        barmode="overlay",
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )
    fig.update_yaxes(autorange="reversed")
    _base(fig, labels["title"], "", y_title="")  # the ticks are dates
    # a phone's plot, beside the names, wraps the legend onto more rows: the chart is that
    # much taller, so that the rows keep their height there
    plot_px = PHONE_CHART_PX - fig.layout.margin.l - fig.layout.margin.r
    entries = legend_entries(fig)
    more = legend_rows(entries, plot_px) - legend_rows(entries, LEGEND_WIDTH_PX)
    fig.update_layout(height=fig.layout.height + LEGEND_ROW_PX * more)
    # the legend hangs a share of the plot's height below it: its room follows the height
    return fig.update_layout(margin_b=room(fig)["b"])
