"""The meeting screen's live ranking chart, drawn dark for a projector.

Colours follow :mod:`bxgc_ui.palette` in its dark shades: gold, silver and bronze for the
top three (honour), red for the last places (末位), blue for the rest; ▲ green for places
gained, ▼ red for places lost. External benchmarks are never bars: they are dotted
reference lines with their name and figure. The ranking race (:mod:`.race`) shares the
colours and the dark layout defined here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bxgc_ui import fmt
from bxgc_ui.charts import CHART_BOTTOM, CHART_TOP, FONT, PLAIN_NUMBERS, head_and_tail
from bxgc_ui.fmt import chart
from bxgc_ui.palette import DARK, MEDALS
from bxgc_ui.ranking_labels import moves as moved
from bxgc_ui.views.meeting.texts import t

BG = PANEL = DARK.BACKGROUND
TEXT, MUTED = DARK.TEXT, DARK.MUTED
GOLD, SILVER, BRONZE = MEDALS
MIDDLE, BOTTOM, UP, DOWN = DARK.NEUTRAL, DARK.WARNING, DARK.GOOD, DARK.LOST
SCREEN_TOP, SCREEN_BOTTOM = CHART_TOP, CHART_BOTTOM
"""With more ranked units than these two together, the charts draw the first
``SCREEN_TOP`` places and the last ``SCREEN_BOTTOM`` (末位) and the table lists the rest:
a projector cannot show a thousand bars, and a meeting looks at the head and the tail."""


def metric_text(value: float, by: str) -> str:
    """Completion unsigned (82.8%), growth signed (+16.4%)."""
    return fmt.pct(value, signed=by == "growth")


def bar_colors(frame: pd.DataFrame) -> list[str]:
    """Gold, silver and bronze for the top three, red for the last places, blue between."""
    medal = {1: GOLD, 2: SILVER, 3: BRONZE}
    out = []
    for rank, band in zip(frame["rank"], frame["band"], strict=True):
        if band == "top":
            out.append(medal.get(int(rank), GOLD))
        else:
            out.append(BOTTOM if band == "bottom" else MIDDLE)
    return out


def _ink(color: str) -> str:
    """Dark text on the light medal bars, white on the others."""
    return BG if color in (GOLD, SILVER, BRONZE) else TEXT


def dark_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """``fig`` on the dark panel: large type, the panel's colours, no legend."""
    fig.update_layout(
        template="plotly_dark",
        title={"text": chart(title), "font": {"size": 24, "color": TEXT}, "x": 0.01},
        font={"family": FONT, "size": 20, "color": TEXT},
        paper_bgcolor=PANEL,
        plot_bgcolor=PANEL,
        height=height,
        showlegend=False,
        hoverlabel={"font": {"family": FONT, "size": 18}},
    )
    return fig


def axis_range(values: pd.Series, floor: float, pad: float) -> list[float]:
    """A fixed axis range with room for the labels printed beyond the bars."""
    low = min(0.0, float(values.min())) if values.notna().any() else 0.0
    high = max(floor, float(values.max())) if values.notna().any() else floor
    span = high - low or 1.0
    return [low - (pad * span if low < 0 else 0.0), high + pad * span]


def ranked_head_and_tail(table: pd.DataFrame, *, whole: bool = False) -> pd.DataFrame:
    """The ranked rows the chart draws: all of them, or the first :data:`SCREEN_TOP` and
    the last :data:`SCREEN_BOTTOM` when there are more (``table`` best first) and the
    chart is not drawn ``whole`` (an exported image)."""
    return head_and_tail(table[table["rank"].notna()], whole=whole)


def chart_height(rows: int) -> int:
    """Pixels of the live ranking chart for ``rows`` bars."""
    return max(360, 38 * rows + 110)


def ranking_figure(
    table: pd.DataFrame,
    by: str,
    *,
    title: str,
    x_title: str,
    time_progress: float | None,
    references: pd.DataFrame | None = None,
    whole: bool = False,
) -> go.Figure:
    """The live ranking: one bar per unit, best on top, medals, 末位 and rank moves.

    ``table`` is :func:`bxgc_metrics.tables.standings.standings` with ``label`` (unit name);
    long tables are cut to their head and tail (:func:`ranked_head_and_tail`).
    ``references`` (:func:`bxgc_metrics.tables.standings.reference_marks` with ``label``) are the
    external benchmarks: dotted lines with their name and figure, never a bar or a place.
    ``whole`` draws every ranked unit (an exported image).
    """
    data = ranked_head_and_tail(table, whole=whole)
    moves = moved(data["rank"], data["rank_change"])
    tint = [UP if m.startswith("▲") else DOWN if m.startswith("▼") else MUTED for m in moves]
    ticks = [
        f"{r}  {chart(name)}  <span style='color:{c}'>{m}</span>"
        for r, name, m, c in zip(data["rank"], data["label"], moves, tint, strict=True)
    ]
    last = f"  {t('meeting_last')}"
    text = [
        metric_text(v, by) + (last if b == "bottom" else "")
        for v, b in zip(data["metric"], data["band"], strict=True)
    ]
    colors = bar_colors(data)
    fig = go.Figure(
        go.Bar(
            x=data["metric"] * 100,
            y=ticks,
            orientation="h",
            marker={"color": colors, "line": {"width": 0}},
            text=text,
            textposition="auto",
            insidetextanchor="end",
            insidetextfont={"size": 22, "color": [_ink(c) for c in colors]},
            outsidetextfont={"size": 22, "color": TEXT},
            cliponaxis=False,
            hovertext=[f"{chart(n)}: {s}" for n, s in zip(data["label"], text, strict=True)],
            hoverinfo="text",
        )
    )
    if time_progress is not None:
        fig.add_vline(
            x=time_progress * 100,
            line={"dash": "dash", "color": MUTED, "width": 2},
            layer="below",
            annotation={
                "text": t("meeting_time_line", pct=fmt.pct(time_progress, signed=False)),
                "font": {"size": 18, "color": MUTED},
                "yanchor": "bottom",
            },
            annotation_position="top",
        )
    marks = _reference_lines(fig, references, by)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 22}, title=None)
    reach = max(time_progress or 0.0, 0.0) * 100
    fig.update_xaxes(
        title=x_title,
        range=axis_range(pd.concat([data["metric"] * 100, pd.Series([reach]), marks]), 0.0, 0.2),
        ticksuffix="%",
        gridcolor=DARK.GRID,
        zerolinecolor=MUTED,
        **PLAIN_NUMBERS,
    )
    fig = dark_layout(fig, title, height=chart_height(len(data)) + 26 * len(marks))
    top = 40 + (26 * len(marks) + 10 if len(marks) else 0)
    fig.update_layout(margin={"l": 10, "r": 30, "t": top, "b": 60}, bargap=0.22)
    return fig


def _reference_lines(fig: go.Figure, references: pd.DataFrame | None, by: str) -> pd.Series:
    """Each external benchmark as a dotted line labelled at the bottom; returns the x values."""
    if references is None or references.empty:
        return pd.Series(dtype=float)
    for i, r in enumerate(references.itertuples()):
        fig.add_vline(
            x=r.metric * 100,
            line={"dash": "dot", "color": MUTED, "width": 2},
            layer="below",
            annotation={
                "text": f"{chart(r.label)} {metric_text(r.metric, by)}",
                "font": {"size": 16, "color": MUTED},
                "xanchor": "right",  # the name runs left from its line, never off the chart
                "yanchor": "bottom",
                "y": 1.0,
                "yref": "paper",
                "yshift": 26 * (i + 1),  # the first row is the time-elapsed label's
                "showarrow": False,
            },
        )
    return references["metric"] * 100
