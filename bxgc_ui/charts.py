"""Plotly figure builders. Every chart has axis titles with units and readable hover text."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

RED, GREY, GREEN, INK = "#C8102E", "#9AA0A6", "#2E7D32", "#1F2937"
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _base(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        font={"family": FONT, "size": 14},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title=x_title,
        yaxis_title=y_title,
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def completion_bars(
    table: pd.DataFrame, title: str, x_title: str, time_progress: float, time_label: str
) -> go.Figure:
    """Horizontal bars of completion (%) per unit with the time-progress line.

    ``table`` has ``label`` (unit name), ``completion`` (fraction) and ``hover`` (text).
    """
    data = table.sort_values("completion")
    colors = [RED if c < time_progress else GREEN for c in data["completion"].fillna(0)]
    fig = go.Figure(
        go.Bar(
            x=data["completion"] * 100,
            y=data["label"],
            orientation="h",
            marker_color=colors,
            text=[f"{c * 100:.1f}%" for c in data["completion"].fillna(0)],
            textposition="outside",
            hovertext=data["hover"],
            hoverinfo="text",
        )
    )
    fig.add_vline(
        x=time_progress * 100,
        line_dash="dash",
        line_color=INK,
        annotation_text=f"{time_label} {time_progress * 100:.0f}%",
    )
    fig.update_layout(height=max(320, 28 * len(data) + 90))
    return _base(fig, title, x_title, "")
