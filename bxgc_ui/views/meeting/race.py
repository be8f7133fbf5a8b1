"""The ranking race: the year's months as frames of one bar chart, played on the screen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from bxgc_ui.charts import PLAIN_NUMBERS
from bxgc_ui.fmt import chart
from bxgc_ui.palette import BAND_COLOURS, DARK, INK
from bxgc_ui.views.meeting.figures import (
    MUTED,
    SCREEN_BOTTOM,
    SCREEN_TOP,
    TEXT,
    axis_range,
    bar_colors,
    dark_layout,
    metric_text,
)
from bxgc_ui.views.meeting.texts import t
from bxgc_ui.widths import shortened


@dataclass(frozen=True)
class Ink:
    """The race's colours: the wall's dark panel, or a light page (the overview)."""

    text: str
    muted: str
    grid: str
    button: str
    stamp: str
    light: bool


DARK_INK = Ink(TEXT, MUTED, DARK.GRID, "#1E293B", "#94A3B8", light=False)
LIGHT_INK = Ink(INK, "#4B5563", "#E5E7EB", "#F3F4F6", "#9AA0A6", light=True)


SPEEDS_MS = {"meeting_play_slow": 1500, "meeting_play": 800, "meeting_play_fast": 350}
"""Frame duration of each play button of the ranking race."""


def race_slots(race: pd.DataFrame) -> pd.DataFrame:
    """The race's ranked rows with the ``slot`` each bar sits in (1 on top).

    With at most :data:`SCREEN_TOP` + :data:`SCREEN_BOTTOM` units a frame, the slot is
    the position. With more, each frame keeps its first ``SCREEN_TOP`` positions and its
    last ``SCREEN_BOTTOM``, which sit below an empty slot that marks the cut.
    """
    race = race[race["rank"].notna()]
    count = race.groupby(["year", "sub"])["position"].transform("max")
    if len(race) == 0 or int(count.max()) <= SCREEN_TOP + SCREEN_BOTTOM:
        return race.assign(slot=race["position"])
    tail_start = count - SCREEN_BOTTOM  # positions after this are the last ones
    keep = (race["position"] <= SCREEN_TOP) | (race["position"] > tail_start)
    slot = race["position"].where(
        race["position"] <= SCREEN_TOP, SCREEN_TOP + 1 + race["position"] - tail_start
    )
    return race.assign(slot=slot)[keep]


NAME_PX = 18
"""The size of the names beside the race's bars."""
NAME_MOST_PX = 216
"""The widest a name beside a bar is drawn (twelve Chinese characters): a longer one ends
in an ellipsis, so the figure after it stays on the chart."""


def _race_bar(frame: pd.DataFrame, labels: Mapping[str, str], by: str, *, ink: Ink) -> go.Bar:
    colours = [BAND_COLOURS[b] for b in frame["band"]] if ink.light else bar_colors(frame)
    return go.Bar(
        x=frame["metric"] * 100,
        y=frame["slot"],
        ids=frame["unit_code"].tolist(),
        orientation="h",
        marker={"color": colours},
        text=[
            f"{chart(shortened(labels.get(u, u), NAME_MOST_PX, NAME_PX))}  {metric_text(v, by)}"
            for u, v in zip(frame["unit_code"], frame["metric"], strict=True)
        ],
        textposition="outside",
        textfont={"size": NAME_PX, "color": ink.text},
        cliponaxis=False,
        hoverinfo="text",
    )


def race_figure(
    race: pd.DataFrame,
    labels: Mapping[str, str],
    by: str,
    *,
    title: str,
    x_title: str,
    period_name: Callable[[int, int], str],
    ink: Ink = DARK_INK,
    opens: tuple[int, int] | None = None,
) -> go.Figure:
    """The ranking race: one frame a period, play/pause at three speeds, fixed axes.

    ``race`` is :func:`bxgc_metrics.tables.standings.race_frames`. Bars sit at their
    ``position`` (1 on top) and keep their ``ids`` so Plotly slides each unit to its new
    place; the x range covers every frame so the scale never changes. The figure opens
    on the latest period; ▶ plays from the first. ``ink`` is the wall's dark panel or,
    with :data:`LIGHT_INK`, a light page (band colours, dark text). ``opens`` is the
    period shown first (the latest when it is not one of the race's).
    """
    race = race_slots(race)
    n = int(race["slot"].max())
    periods = [
        (int(y), int(s)) for y, s in dict.fromkeys(zip(race["year"], race["sub"], strict=True))
    ]
    names = [period_name(int(y), int(s)) for y, s in periods]
    frames = [
        go.Frame(
            name=name,
            data=[_race_bar(race[(race["year"] == y) & (race["sub"] == s)], labels, by, ink=ink)],
            layout={"annotations": [_stamp(name, ink)]},
        )
        for name, (y, s) in zip(names, periods, strict=True)
    ]
    first = periods.index(opens) if opens in periods else len(periods) - 1
    fig = go.Figure(data=frames[first].data, frames=frames)
    fig.update_layout(annotations=[_stamp(names[first], ink)])
    # Tick labels are the places; past a cut they are the latest period's last places.
    latest = race[(race["year"] == periods[-1][0]) & (race["sub"] == periods[-1][1])]
    places = dict(zip(latest["slot"].astype(int), latest["position"].astype(int), strict=True))
    ticks = [k for k in range(1, n + 1) if k in places or k <= SCREEN_TOP]
    fig.update_yaxes(
        range=[n + 0.6, 0.4],
        tickvals=ticks,
        ticktext=[str(places.get(k, k)) for k in ticks],
        tickfont={"size": 18},
        title=None,
    )
    fig.update_xaxes(
        title=x_title,
        range=axis_range(race["metric"] * 100, 0.0, 0.45),
        ticksuffix="%",
        gridcolor=ink.grid,
        **PLAIN_NUMBERS,
    )
    fig = dark_layout(fig, title, height=max(460, 38 * n + 230))
    if ink.light:
        fig.update_layout(
            template="plotly_white",
            paper_bgcolor="#FFFFFF",
            plot_bgcolor="#FFFFFF",
            font={"color": ink.text},
            title={"font": {"color": ink.text}},
        )
    fig.update_layout(
        margin={"l": 10, "r": 30, "t": 110, "b": 140},
        updatemenus=[_buttons(ink)],
        sliders=[
            _slider(names, [short(p, y) for p, (y, _) in zip(names, periods, strict=True)], ink=ink)
            | {"active": first}
        ],
    )
    return fig


def _stamp(name: str, ink: Ink) -> dict:
    """The period, large, at the top right of the race, where no bar label can reach."""
    return {
        "text": name,
        "xref": "paper",
        "yref": "paper",
        "x": 1.0,
        "y": 1.01,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 40, "color": ink.stamp},
    }


def _buttons(ink: Ink) -> dict:
    def play(ms: int) -> dict:
        return {
            "frame": {"duration": ms, "redraw": True},
            "transition": {"duration": int(ms * 0.7), "easing": "cubic-in-out"},
            "fromcurrent": True,
            "mode": "immediate",
        }

    buttons: list[dict[str, object]] = [
        {"label": t(key), "method": "animate", "args": [None, play(ms)]}
        for key, ms in SPEEDS_MS.items()
    ]
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    buttons.append({"label": t("meeting_pause"), "method": "animate", "args": [[None], pause]})
    return {
        "type": "buttons",
        "direction": "right",
        "showactive": False,
        "x": 0.0,
        "y": 1.02,
        "xanchor": "left",
        "yanchor": "bottom",
        "pad": {"r": 8, "t": 4},
        "bgcolor": ink.button,
        "bordercolor": ink.muted,
        "font": {"size": 18, "color": ink.text},
        "buttons": buttons,
    }


def short(period: str, year: int) -> str:
    """A period without its year, for the slider's ticks: ``1-10月``, ``Jan-Oct``."""
    return period.replace(f"{year}年", "").replace(f" {year}", "").strip()


def _slider(names: list[str], ticks: list[str], *, ink: Ink) -> dict:
    step = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {}}
    return {
        "active": len(names) - 1,
        "x": 0.0,
        "len": 1.0,
        "y": -0.06,
        "yanchor": "top",
        "pad": {"t": 50},
        "currentvalue": {"prefix": t("meeting_period"), "font": {"size": 20, "color": ink.text}},
        "font": {"size": 16, "color": ink.muted},
        "steps": [
            {"label": tick, "method": "animate", "args": [[name], step]}
            for name, tick in zip(names, ticks, strict=True)
        ],
    }
