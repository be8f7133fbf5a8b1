"""The meeting screen's texts, settings, table and figures (会议大屏).

Made for a projector at the back of a meeting room: dark, high contrast, large type.
Streamlit 1.67 has no per-page theme (``st.set_page_config`` takes none and
``st.context.theme`` only reads the viewer's light/dark type), so the kiosk URL asks for
the dark theme itself — ``/meeting?embed=true&embed_options=dark_theme`` hides the
header, toolbar and sidebar and turns the whole page dark — and the screen draws its
charts dark (``plotly_dark``) inside a dark panel in any theme. The panel's CSS is
:data:`CSS`, a constant with no data in it.

Colours follow :mod:`bxgc_ui.palette` in its dark shades: gold, silver and bronze for the
top three (honour), red for the last places (末位), blue for the rest; ▲ green for places
gained, ▼ red for places lost. External benchmarks are never bars: they are dotted
reference lines with their name and figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from bxgc_metrics.periods import display
from bxgc_metrics.tables.standings import ALL
from bxgc_ui import fmt
from bxgc_ui.charts import CHART_BOTTOM, CHART_TOP, FONT, PLAIN_NUMBERS, head_and_tail
from bxgc_ui.fmt import chart
from bxgc_ui.i18n import STRINGS, lang, name, register, t
from bxgc_ui.palette import DARK, MEDALS

TEXTS: dict[str, tuple[str, str]] = {
    "meeting_nav": ("会议大屏", "Meeting screen"),
    "meeting_title": ("会议大屏", "Meeting screen"),
    "meeting_settings": ("大屏设置", "Screen settings"),
    "meeting_by": ("排名依据", "Rank by"),
    "meeting_by_completion": ("完成率", "Completion rate"),
    "meeting_by_growth": ("同比增长", "YoY growth"),
    "meeting_group": ("组别", "Peer group"),
    "meeting_group_all": ("全部单位", "All units"),
    "meeting_group_城区街道": ("城区街道", "Urban sub-districts"),
    "meeting_group_乡镇": ("乡镇", "Townships"),
    "meeting_group_外部标杆": ("外部标杆", "External benchmarks"),
    "meeting_every": ("刷新间隔（秒）", "Refresh every (seconds)"),
    "meeting_carousel": ("轮播指标", "Rotate indicators"),
    "meeting_carousel_help": (
        "打开后每次刷新切换到下一个指标。",
        "When on, every refresh moves on to the next indicator.",
    ),
    "meeting_kiosk": ("投屏链接（全屏、深色）", "Projector link (full screen, dark)"),
    "meeting_heading": ("{indicator} · {by}排名", "{indicator} · {by} ranking"),
    "meeting_stamp": (
        "{period} · {group} · 最后更新 {time} · 每 {every} 秒自动刷新",
        "{period} · {group} · last updated {time} · refreshes every {every} s",
    ),
    "meeting_no_data": ("该指标暂无可排名的数据。", "This indicator has nothing to rank yet."),
    "meeting_rank": ("名次", "Rank"),
    "meeting_change": ("升降", "Move"),
    "meeting_new": ("新", "new"),
    "meeting_last": ("末位", "last"),
    "meeting_time_line": ("时间进度 {pct}", "time elapsed {pct}"),
    "meeting_race": ("排名赛跑：{year}年逐月排名", "Ranking race: month by month, {year}"),
    "meeting_race_help": (
        "按 ▶ 播放；横轴固定，同值按单位代码排序。",
        "Press ▶ to play; the axis is fixed and ties keep unit-code order.",
    ),
    "meeting_play_slow": ("▶ 慢速", "▶ Slow"),
    "meeting_play": ("▶ 播放", "▶ Play"),
    "meeting_play_fast": ("▶ 快速", "▶ Fast"),
    "meeting_pause": ("‖ 暂停", "‖ Pause"),
    "meeting_period": ("期间：", "Period: "),
    "meeting_cut": (
        "共 {total} 个单位参与排名：图中为前 {top} 名和后 {bottom} 名，完整名次见右表。",
        "{total} units ranked: the chart shows the first {top} and the last {bottom}; "
        "the table lists every place.",
    ),
    "meeting_race_cut": (
        "每月显示前 {top} 名和后 {bottom} 名。",
        "Each month shows the first {top} and the last {bottom} places.",
    ),
}
# Streamlit re-imports an edited module; registering the same texts again is no clash.
if any(STRINGS.get(key) != text for key, text in TEXTS.items()):
    register(TEXTS)

BG = PANEL = DARK.BACKGROUND
TEXT, MUTED = DARK.TEXT, DARK.MUTED
GOLD, SILVER, BRONZE = MEDALS
MIDDLE, BOTTOM, UP, DOWN = DARK.NEUTRAL, DARK.WARNING, DARK.GOOD, DARK.LOST
SPEEDS_MS = {"meeting_play_slow": 1500, "meeting_play": 800, "meeting_play_fast": 350}
"""Frame duration of each play button of the ranking race."""
EVERY_DEFAULT, EVERY_MIN, EVERY_MAX = 10, 2, 600
SCREEN_TOP, SCREEN_BOTTOM = CHART_TOP, CHART_BOTTOM
"""With more ranked units than these two together, the charts draw the first
``SCREEN_TOP`` places and the last ``SCREEN_BOTTOM`` (末位) and the table lists the rest:
a projector cannot show a thousand bars, and a meeting looks at the head and the tail."""
BY_CHOICES = ("completion", "growth")

CSS = """
<style>
.st-key-meeting_screen, .st-key-meeting_race {
  background: #0B1220; border-radius: 14px; padding: 1.2rem 1.6rem 1.4rem 1.6rem;
}
.st-key-meeting_screen h1 { color: #F8FAFC; font-size: 2.7rem; line-height: 1.25; padding: 0; }
.st-key-meeting_race h3 { color: #F8FAFC; font-size: 2rem; }
.st-key-meeting_screen [data-testid="stCaptionContainer"],
.st-key-meeting_race [data-testid="stCaptionContainer"] { color: #CBD5E1; font-size: 1.35rem; }
.st-key-meeting_screen [data-testid="stMarkdownContainer"] p { color: #F8FAFC; }
</style>
"""
"""The dark panel: a constant, never formatted with data."""


@dataclass(frozen=True)
class Settings:
    """What the screen shows; from the sidebar, seeded by the URL's query parameters."""

    indicator: str
    """Indicator code shown (the carousel's starting point when it rotates)."""
    by: str
    """``completion`` or ``growth``."""
    group: str
    """A peer group, or ``all``."""
    every: int
    """Seconds between refreshes."""
    carousel: bool
    """Whether each refresh moves on to the next indicator."""


def screen_setup() -> None:
    """The panel's constant CSS; in kiosk mode (``?embed=true``) also fold the sidebar away.

    Embed mode hides Streamlit's header and toolbar but not the sidebar.
    """
    if st.context.is_embedded:
        st.set_page_config(initial_sidebar_state="collapsed")
    st.html(CSS)


def query_defaults(codes: list[str], groups: list[str]) -> dict[str, object]:
    """Widget defaults from ``?indicator=&by=&group=&every=&carousel=``; bad values ignored."""
    q = st.query_params
    every = q.get("every", "")
    return {
        "meeting_indicator": q.get("indicator") if q.get("indicator") in codes else codes[0],
        "meeting_by": q.get("by") if q.get("by") in BY_CHOICES else "completion",
        "meeting_group": q.get("group") if q.get("group") in groups else "all",
        "meeting_every": _seconds(every),
        "meeting_carousel": q.get("carousel", "").lower() in ("1", "true", "on", "yes"),
    }


def _seconds(text: str) -> int:
    """``?every=`` as whole seconds within the allowed range; anything else the default.

    ``"²".isdigit()`` is true, so only plain ASCII digits count.

    >>> _seconds("30"), _seconds("²"), _seconds("1"), _seconds("99999"), _seconds("-5")
    (30, 10, 2, 600, 10)
    """
    if not (text.isascii() and text.isdecimal()):
        return EVERY_DEFAULT
    return min(max(int(text), EVERY_MIN), EVERY_MAX)


def kiosk_url(s: Settings) -> str:
    """The projector URL for these settings (a path, for any host)."""
    query = f"embed=true&embed_options=dark_theme&every={s.every}&indicator={s.indicator}"
    query += f"&by={s.by}&group={s.group}" + ("&carousel=1" if s.carousel else "")
    return f"/meeting?{query}"


def rankable(indicators: pd.DataFrame) -> pd.DataFrame:
    """Monthly indicators that can be ranked on completion and growth (not rates)."""
    keep = (indicators["frequency"] == "M") & (indicators["kind"] != "rate")
    return indicators[keep].sort_values("code").set_index("code", drop=False)


def group_label(group: str) -> str:
    """A peer group's display name (``all`` and known groups translated, others as stored)."""
    if group == ALL:
        return t("meeting_group_all")
    key = f"meeting_group_{group}"
    return t(key) if key in STRINGS else fmt.plain(group)


def carousel_pick(codes: list[str], start: str, on: bool) -> str:
    """The indicator to show now; with the carousel on, one step further each call."""
    if not on:
        st.session_state.pop("meeting_carousel_pos", None)
        return start
    before = st.session_state.get("meeting_carousel_pos", codes.index(start) - 1)
    st.session_state["meeting_carousel_pos"] = (before + 1) % len(codes)
    return codes[st.session_state["meeting_carousel_pos"]]


def arrow(change: object) -> str:
    """A rank move as the screen prints it: ▲2, ▼1, – (none) or 新 (no previous rank)."""
    if change is None or change is pd.NA or fmt.is_missing(change):  # type: ignore[arg-type]
        return t("meeting_new")
    n = int(change)  # type: ignore[call-overload]
    return f"▲{n}" if n > 0 else (f"▼{-n}" if n < 0 else "–")


def metric_text(value: float, by: str) -> str:
    """Completion unsigned (82.8%), growth signed (+16.4%)."""
    return fmt.pct(value, signed=by == "growth")


def display_table(table: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, dict]:
    """The ranking as formatted strings, and its column config in the reader's language.

    ``table`` is :func:`bxgc_metrics.tables.standings.standings` with ``label`` (unit name).
    """
    language = lang()
    shown = pd.DataFrame(
        {
            "rank": [str(r) if r is not pd.NA else "—" for r in table["rank"]],
            "move": [arrow(c) for c in table["rank_change"]],
            "label": table["label"],
            "completion": [fmt.pct(v, signed=False) for v in table["completion"]],
            "yoy": [fmt.pct(v) for v in table["yoy"]],
            "value": [fmt.amount(v, measure, language) for v in table["value"]],
            "target": [fmt.amount(v, measure, language) for v in table["target"]],
        }
    )
    column = st.column_config.TextColumn
    config = {
        "rank": column(t("meeting_rank"), width=48),
        "move": column(t("meeting_change"), width=48),
        "label": column(t("unit"), width="medium"),
        "completion": column(t("completion"), width=72),
        "yoy": column(t("yoy"), width=80),
        "value": column(t("ytd_value")),
        "target": column(t("annual_target")),
    }
    return shown, config


def _colors(frame: pd.DataFrame) -> list[str]:
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


def _dark(fig: go.Figure, title: str, height: int) -> go.Figure:
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


def _range(values: pd.Series, floor: float, pad: float) -> list[float]:
    """A fixed axis range with room for the labels printed beyond the bars."""
    low = min(0.0, float(values.min())) if values.notna().any() else 0.0
    high = max(floor, float(values.max())) if values.notna().any() else floor
    span = high - low or 1.0
    return [low - (pad * span if low < 0 else 0.0), high + pad * span]


def ranked_head_and_tail(table: pd.DataFrame) -> pd.DataFrame:
    """The ranked rows the chart draws: all of them, or the first :data:`SCREEN_TOP` and
    the last :data:`SCREEN_BOTTOM` when there are more (``table`` best first)."""
    return head_and_tail(table[table["rank"].notna()])


def chart_height(rows: int) -> int:
    """Pixels of the live ranking chart for ``rows`` bars."""
    return max(360, 38 * rows + 110)


def ranking_figure(
    table: pd.DataFrame,
    by: str,
    title: str,
    x_title: str,
    time_progress: float | None,
    references: pd.DataFrame | None = None,
) -> go.Figure:
    """The live ranking: one bar per unit, best on top, medals, 末位 and rank moves.

    ``table`` is :func:`bxgc_metrics.tables.standings.standings` with ``label`` (unit name);
    long tables are cut to their head and tail (:func:`ranked_head_and_tail`).
    ``references`` (:func:`bxgc_metrics.tables.standings.reference_marks` with ``label``) are the
    external benchmarks: dotted lines with their name and figure, never a bar or a place.
    """
    data = ranked_head_and_tail(table)
    moves = [arrow(c) for c in data["rank_change"]]
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
    colors = _colors(data)
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
                "text": t("meeting_time_line", pct=fmt.pct(time_progress, signed=False, digits=0)),
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
        range=_range(pd.concat([data["metric"] * 100, pd.Series([reach]), marks]), 0.0, 0.2),
        ticksuffix="%",
        gridcolor=DARK.GRID,
        zerolinecolor=MUTED,
        **PLAIN_NUMBERS,
    )
    fig = _dark(fig, title, height=chart_height(len(data)) + 26 * len(marks))
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


def _race_bar(frame: pd.DataFrame, labels: Mapping[str, str], by: str) -> go.Bar:
    return go.Bar(
        x=frame["metric"] * 100,
        y=frame["slot"],
        ids=frame["unit_code"].tolist(),
        orientation="h",
        marker={"color": _colors(frame)},
        text=[
            f"{chart(labels.get(u, u))}  {metric_text(v, by)}"
            for u, v in zip(frame["unit_code"], frame["metric"], strict=True)
        ],
        textposition="outside",
        textfont={"size": 18, "color": TEXT},
        cliponaxis=False,
        hoverinfo="text",
    )


def race_figure(
    race: pd.DataFrame,
    labels: Mapping[str, str],
    by: str,
    title: str,
    x_title: str,
    period_name: Callable[[int, int], str],
) -> go.Figure:
    """The ranking race: one frame a period, play/pause at three speeds, fixed axes.

    ``race`` is :func:`bxgc_metrics.tables.standings.race_frames`. Bars sit at their
    ``position`` (1 on top) and keep their ``ids`` so Plotly slides each unit to its new
    place; the x range covers every frame so the scale never changes. The figure opens
    on the latest period; ▶ plays from the first.
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
            data=[_race_bar(race[(race["year"] == y) & (race["sub"] == s)], labels, by)],
            layout={"annotations": [_stamp(name)]},
        )
        for name, (y, s) in zip(names, periods, strict=True)
    ]
    fig = go.Figure(data=frames[-1].data, frames=frames)
    fig.update_layout(annotations=[_stamp(names[-1])])
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
        range=_range(race["metric"] * 100, 0.0, 0.45),
        ticksuffix="%",
        gridcolor=DARK.GRID,
        **PLAIN_NUMBERS,
    )
    fig = _dark(fig, title, height=max(460, 38 * n + 230))
    fig.update_layout(
        margin={"l": 10, "r": 30, "t": 110, "b": 140},
        updatemenus=[_buttons()],
        sliders=[_slider(names, [short(p, y) for p, (y, _) in zip(names, periods, strict=True)])],
    )
    return fig


def _stamp(name: str) -> dict:
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
        "font": {"size": 40, "color": "#94A3B8"},
    }


def _buttons() -> dict:
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
        "bgcolor": "#1E293B",
        "bordercolor": MUTED,
        "font": {"size": 18, "color": TEXT},
        "buttons": buttons,
    }


def short(period: str, year: int) -> str:
    """A period without its year, for the slider's ticks: ``1-10月``, ``Jan-Oct``."""
    return period.replace(f"{year}年", "").replace(f" {year}", "").strip()


def _slider(names: list[str], ticks: list[str]) -> dict:
    step = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {}}
    return {
        "active": len(names) - 1,
        "x": 0.0,
        "len": 1.0,
        "y": -0.06,
        "yanchor": "top",
        "pad": {"t": 50},
        "currentvalue": {"prefix": t("meeting_period"), "font": {"size": 20, "color": TEXT}},
        "font": {"size": 16, "color": MUTED},
        "steps": [
            {"label": tick, "method": "animate", "args": [[name], step]}
            for name, tick in zip(names, ticks, strict=True)
        ],
    }


def period_text(freq: str, year: int, sub: int) -> str:
    """A cumulative period in the reader's language (2026年1-10月 / Jan-Oct 2026)."""
    return display(freq, year, sub, True, lang())


def labelled(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``table`` (keyed by ``unit_code``) with ``label``, each unit's name in the reader's
    language; order and rows kept (a unit missing from ``units`` shows its code)."""
    language = lang()
    names = {r.code: name(r, language=language) for r in units.itertuples()}
    return table.assign(label=[names.get(c, c) for c in table["unit_code"]])
