"""Plotly figure builders. Every chart has axis titles with units and readable hover text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bxgc_metrics.trajectory import Trajectory

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


PACE_COLOURS = {"ahead": GREEN, "on_pace": "#1F4E79", "behind": RED, "unknown": GREY}

CHART_TOP, CHART_BOTTOM = 15, 5
"""Bars a unit chart draws at most: the first ``CHART_TOP`` and the last ``CHART_BOTTOM``.
A city-wide list (a thousand units) would make a chart tens of thousands of pixels tall;
the table beside the chart keeps every unit."""


def is_cut(rows: int) -> bool:
    """Whether a chart of ``rows`` units draws only its head and tail."""
    return rows > CHART_TOP + CHART_BOTTOM


def head_and_tail(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` (best first) whole, or its first :data:`CHART_TOP` rows and its last
    :data:`CHART_BOTTOM` when it is longer."""
    if not is_cut(len(data)):
        return data
    return pd.concat([data.head(CHART_TOP), data.tail(CHART_BOTTOM)])


def completion_bars(
    table: pd.DataFrame, title: str, x_title: str, time_progress: float, time_label: str
) -> go.Figure:
    """Horizontal bars of completion (%) per unit with the time-progress line.

    ``table`` has ``label`` (unit name), ``completion`` (fraction), ``hover`` (text) and
    optionally ``status`` (pace: ahead green, on pace blue, behind red). Values sit inside
    the bars so the time-progress line and its label never cover them.
    """
    best_first = table.sort_values("completion", ascending=False, na_position="last")
    data = head_and_tail(best_first).iloc[::-1]
    if "status" in data:
        colors = [PACE_COLOURS.get(s, GREY) for s in data["status"]]
    else:
        colors = [RED if c < time_progress else GREEN for c in data["completion"].fillna(0)]
    fig = go.Figure(
        go.Bar(
            x=data["completion"] * 100,
            y=data["label"],
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
    fig.add_vline(x=time_progress * 100, line_dash="dash", line_color=INK)
    fig.add_annotation(
        x=time_progress * 100,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        text=f"{time_label} {time_progress * 100:.0f}%",
        showarrow=False,
        font={"color": INK},
    )
    top = max(100.0, float(data["completion"].max() or 0) * 100 + 5)
    fig.update_xaxes(range=[0, top])
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(320, 28 * len(data) + 110), margin={"t": 70})
    return _base(fig, title, x_title, "")


PALETTE = ("#1F4E79", "#B7791F", "#2F855A", "#6B21A8", "#6B7280")


def trajectory_figure(
    tr: Trajectory,
    names: dict[str, str],
    chaser: str,
    stated: pd.DataFrame,
    labels: dict[str, str],
    measure: str,
    target_year: int,
    crossing: float | None,
) -> go.Figure:
    """History (solid), projection (dashed, with its band), the plan as stated (dotted),
    the crossing year and the target year."""
    fig = go.Figure()
    units = [chaser, *[u for u in dict.fromkeys(tr.history["unit_code"]) if u != chaser]]
    for i, unit in enumerate(units):
        color = RED if unit == chaser else PALETTE[(i - 1) % len(PALETTE)]
        _trajectory_traces(fig, tr, unit, names.get(unit, unit), color, stated, labels, measure)
    if crossing is not None and np.isfinite(crossing):
        fig.add_vline(
            x=crossing,
            line_color=RED,
            line_width=2,
            annotation_text=labels["cross"],
            annotation_position="top left",
            annotation_font_color=RED,
        )
    fig.add_vline(
        x=target_year,
        line_dash="dot",
        line_color=GREY,
        annotation_text=labels["target"],
        annotation_position="top right",
    )
    last = max(target_year, int(crossing) if crossing is not None and np.isfinite(crossing) else 0)
    first = int(tr.history["year"].min()) if len(tr.history) else target_year - 5
    _clip_y(fig, first - 0.5, last + 1.5)
    fig.update_layout(height=460, hovermode="x unified")
    fig.update_xaxes(dtick=1, tickformat="d")
    return _base(fig, labels["title"], labels["x"], measure)


def _trajectory_traces(
    fig: go.Figure,
    tr: Trajectory,
    unit: str,
    name: str,
    color: str,
    stated: pd.DataFrame,
    labels: dict[str, str],
    measure: str,
) -> None:
    hist = tr.history[tr.history["unit_code"] == unit]
    hover = f"{name} %{{x}}：%{{y:,.2f}} {measure}<extra></extra>"
    fig.add_trace(
        go.Scatter(
            x=hist["year"],
            y=hist["value"],
            mode="lines+markers",
            name=f"{name}（{labels['history']}）",
            line={"color": color, "width": 3},
            hovertemplate=hover,
        )
    )
    proj = tr.projection[tr.projection["unit_code"] == unit] if len(tr.projection) else None
    if proj is not None and len(proj) and len(hist):
        joined = pd.concat([hist.tail(1).rename(columns={"year": "period"}), proj])
        if proj["upper"].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=list(proj["period"]) + list(proj["period"][::-1]),
                    y=list(proj["upper"]) + list(proj["lower"][::-1]),
                    fill="toself",
                    fillcolor=_alpha(color, 0.15),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=joined["period"],
                y=joined["value"],
                mode="lines",
                name=f"{name}（{labels['projected']}）",
                line={"color": color, "dash": "dash", "width": 2},
                hovertemplate=hover,
            )
        )
    plan = stated[stated["unit"] == unit] if len(stated) else stated
    if len(plan) > 1:
        fig.add_trace(
            go.Scatter(
                x=plan["period"],
                y=plan["value"],
                mode="lines+markers",
                name=f"{name}（{labels['stated']}）",
                marker_symbol="diamond",
                line={"color": color, "dash": "dot", "width": 2},
                hovertemplate=hover,
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


def distance_figure(distance: pd.DataFrame, title: str, x_title: str, y_title: str) -> go.Figure:
    """Years behind (positive, red) or ahead (negative, green) per year."""
    data = distance.dropna(subset=["time_distance"])
    colors = [RED if v > 0 else GREEN for v in data["time_distance"]]
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
    fig.update_xaxes(dtick=1, tickformat="d")
    return _base(fig, title, x_title, y_title)


def _move(change: object) -> str:
    if change is None or change is pd.NA or (isinstance(change, float) and np.isnan(change)):
        return ""
    n = int(change)  # type: ignore[call-overload]
    return f" ▲{n}" if n > 0 else (f" ▼{-n}" if n < 0 else " –")


def ranking_bars(
    table: pd.DataFrame, names: dict[str, str], by: str, title: str, x_title: str
) -> go.Figure:
    """One indicator's ranking: best at the top, top three red, last three grey, moves shown."""
    column = "completion" if by == "completion" else "yoy"
    data = head_and_tail(table.dropna(subset=[column])).iloc[::-1]
    colors = [RED if b == "top" else (GREY if b == "bottom" else "#1F4E79") for b in data["band"]]
    labels = [
        f"{int(r)}. {names.get(u, u)}" for r, u in zip(data["rank"], data["unit_code"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=data[column] * 100,
            y=labels,
            orientation="h",
            marker_color=colors,
            text=[
                f"{v * 100:.1f}%{_move(c)}"
                for v, c in zip(data[column], data["rank_change"], strict=True)
            ],
            textposition="auto",
            insidetextanchor="end",
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    fig.update_layout(height=max(320, 26 * len(data) + 90), showlegend=False)
    fig.update_yaxes(type="category")
    return _base(fig, title, x_title, "")


def score_bars(table: pd.DataFrame, names: dict[str, str], title: str, x_title: str) -> go.Figure:
    """Composite scores, best at the top, with rank moves."""
    data = head_and_tail(table).iloc[::-1]
    labels = [
        f"{int(r)}. {names.get(u, u)}" for r, u in zip(data["rank"], data["unit_code"], strict=True)
    ]
    colors = [RED if r <= 3 else "#1F4E79" for r in data["rank"]]
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
    return _base(fig, title, x_title, "")


def timeline_figure(
    phases: pd.DataFrame, milestones: pd.DataFrame, today: object, labels: dict
) -> go.Figure:
    """Phases as bars on a date axis, milestones as markers (red when late), today marked."""
    fig = go.Figure()
    for r in phases.itertuples():
        start, end = pd.Timestamp(r.start_date), pd.Timestamp(r.end_date) + pd.Timedelta(days=1)
        fig.add_trace(
            go.Bar(
                x=[(end - start).total_seconds() * 1000],
                base=[start],
                y=[labels["name"](r)],
                orientation="h",
                marker_color={"done": GREEN, "current": RED}.get(r.status, GREY),
                showlegend=False,
                hovertemplate=f"{labels['name'](r)}<br>{r.start_date} — {r.end_date}<extra></extra>",
            )
        )
    if len(milestones):
        late = milestones["status"].isin(["late", "done_late"])
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(milestones["due_date"]),
                y=[labels["name"](r) for r in milestones.itertuples()],
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 16,
                    "color": [RED if x else GREEN for x in late],
                },
                showlegend=False,
                hovertemplate="%{y}<br>%{x|%Y-%m-%d}<extra></extra>",
            )
        )
    stamp = pd.Timestamp(today)
    fig.add_vline(
        x=stamp.value / 1e6,
        line_dash="dash",
        line_color=INK,
        annotation_text=f"{labels['today']} {stamp:%Y-%m-%d}",
    )
    dates = pd.concat(
        [
            pd.to_datetime(phases.get("start_date", pd.Series(dtype=object))),
            pd.to_datetime(milestones.get("due_date", pd.Series(dtype=object))),
        ]
    )
    if len(dates.dropna()):
        lo, hi = dates.min() - pd.Timedelta(days=10), dates.max() + pd.Timedelta(days=30)
        fig.update_xaxes(
            type="date", range=[lo, max(hi, stamp) if stamp - hi < pd.Timedelta(days=400) else hi]
        )
    fig.update_layout(
        height=max(280, 40 * (len(phases) + len(milestones)) + 120), barmode="overlay"
    )
    fig.update_yaxes(autorange="reversed")
    return _base(fig, labels["title"], labels["x"], "")
