"""Marks drawn over a year-axis chart: events (政策出台、项目投产、口径调整) and campaign
phases as shaded bands, their labels staggered so that none prints over another.

Where the marks go comes from :mod:`bxgc_metrics.tables.annotations` (an event at its
decimal year). An event of one unit is a star on that unit's drawn line, in its colour; an
event of every unit is a dotted vertical line; a unit's star is joined to its label by a
thin dotted line in its colour. Each event has a short label (its month and
the beginning of its text) in a strip at the top of the plot, which the value axis makes
room for, and the full text in its hover: a chart export carries the labels. Phase names
sit in rows above the bottom edge. Every text from data goes through
:func:`bxgc_ui.fmt.chart`; each label starts with a date, so no label is read as LaTeX.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bxgc_ui.fmt import chart, plain
from bxgc_ui.palette import INK, MUTED, PHASE_COLOURS

PLOT_PX = 640
"""The narrowest plot width a label's room is reckoned for (pixels): a wider chart only
spaces the labels more."""

ROW = 0.065
"""Height of one label row, as a fraction of the plot."""

ROWS = 4
"""Label rows at most; past that a label shares the row that frees up first."""

SHORT = 8
"""Characters of an event's text in its label (the hover has it all)."""

_FONT = 11


def label_px(text: str) -> float:
    """About how wide ``text`` prints at the labels' size: Chinese characters count double."""
    return sum(12.0 if ord(c) >= 0x2E80 else 7.0 for c in text) + 8.0


def stagger(starts: list[float], widths: list[float], *, rows: int = ROWS) -> list[int]:
    """A row for each label, from the left (``starts`` ascending): the first row whose last
    label ends before this one starts, else the row that frees up first.

    >>> stagger([2023.0, 2024.2, 2024.7, 2025.5], [2.0, 2.0, 2.0, 2.0])
    [0, 1, 2, 0]
    """
    ends = [-np.inf] * rows
    out = []
    for start, width in zip(starts, widths, strict=True):
        free = [r for r in range(rows) if ends[r] <= start]
        row = free[0] if free else int(np.argmin(ends))
        ends[row] = start + width
        out.append(row)
    return out


def event_label(day: pd.Timestamp, text: str) -> str:
    """An event's short label: ``2024.03 南关街道出台招商…`` (not yet escaped)."""
    words = plain(text)
    short = words if len(words) <= SHORT else words[:SHORT] + "…"
    return f"{day:%Y.%m} {short}"


def add_events(
    fig: go.Figure,
    marks: pd.DataFrame,
    *,
    paths: dict[str, tuple[np.ndarray, np.ndarray]],
    colours: dict[str, str],
    labels: dict[str, str],
    names: dict[str, str],
) -> None:
    """Draw ``marks`` (:func:`~bxgc_metrics.tables.annotations.chart_events`) on ``fig``,
    whose x range and y range are set: stars on each unit's line (``paths``: its drawn
    x and y), dotted lines for every unit, labels staggered in a strip at the top."""
    if marks.empty:
        return
    x0, x1 = fig.layout.xaxis.range
    per_year = PLOT_PX / (x1 - x0)
    days = pd.to_datetime(marks["event_date"])
    texts = [event_label(d, t) for d, t in zip(days, marks["text"], strict=True)]
    # a label in the right half ends at its line: a phone's narrow chart never cuts it
    right = [bool(x - x0 > (x1 - x0) / 2) for x in marks["x"]]
    widths = [label_px(t) / per_year for t in texts]
    starts = [x - w if r else x for x, w, r in zip(marks["x"], widths, right, strict=True)]
    order = np.argsort(starts, kind="stable")
    placed = stagger([starts[i] for i in order], [widths[i] for i in order])
    rows = [0] * len(texts)
    for i, row in zip(order, placed, strict=True):
        rows[i] = row
    strip = 0.02 + (max(rows) + 1) * ROW
    bottom = _make_room(fig, strip)
    hover = [_hover(r, labels=labels, names=names) for r in marks.itertuples()]
    units = marks["unit_code"].where(marks["unit_code"].notna(), None)
    mine = units.notna().to_numpy()
    colour = [colours.get(u, INK) if u is not None else INK for u in units]
    for x, row, text, c, r in zip(marks["x"], rows, texts, colour, right, strict=True):
        fig.add_annotation(
            x=x, y=1 - 0.01 - row * ROW, yref="paper", xanchor="right" if r else "left",
            yanchor="top",
            text=chart(text), showarrow=False, font={"color": c, "size": _FONT},
            bgcolor="rgba(255,255,255,0.85)",
        )  # fmt: skip
    for x, row in zip(marks["x"][~mine], np.array(rows)[~mine], strict=True):
        fig.add_shape(
            type="line", x0=x, x1=x, y0=0, y1=1 - 0.01 - row * ROW, yref="paper",
            line={"color": MUTED, "dash": "dot", "width": 1.5}, layer="below",
        )  # fmt: skip
    ys = [_on_line(x, paths.get(u), bottom) for x, u in zip(marks["x"], units, strict=True)]
    lo, top = fig.layout.yaxis.range
    for x, row, y, c, m in zip(marks["x"], rows, ys, colour, mine, strict=True):
        if m:  # a unit's star joined to its label in the strip: read together
            fig.add_shape(
                type="line", x0=x, x1=x, y0=y, y1=lo + (top - lo) * (1 - 0.01 - row * ROW),
                yref="y", line={"color": c, "dash": "dot", "width": 1}, layer="below",
            )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=list(marks["x"]),
            y=ys,
            mode="markers",
            name=chart(labels["events"]),
            marker={
                "symbol": ["star" if m else "triangle-down" for m in mine],
                "size": [14 if m else 10 for m in mine],
                "color": [c if m else MUTED for c, m in zip(colour, mine, strict=True)],
                "line": {"color": "white", "width": 1},
            },
            hovertext=hover,
            hoverinfo="text",
        )
    )


def add_phases(fig: go.Figure, bands: pd.DataFrame) -> None:
    """Shade each phase of ``bands`` (:func:`~bxgc_metrics.tables.annotations.chart_phases`
    with a ``name`` column to show) behind the lines, coloured by its ``status``
    (:data:`PHASE_COLOURS`), its name in staggered rows above the bottom edge."""
    if bands.empty:
        return
    x0, x1 = fig.layout.xaxis.range
    per_year = PLOT_PX / (x1 - x0)
    names = [plain(n) for n in bands["name"]]
    rows = stagger(list(bands["x0"]), [label_px(n) / per_year for n in names])
    status = bands["status"] if "status" in bands else pd.Series("upcoming", index=bands.index)
    for r, name, row, state in zip(bands.itertuples(), names, rows, status, strict=True):
        colour = PHASE_COLOURS.get(state, MUTED)
        fig.add_vrect(x0=r.x0, x1=r.x1, fillcolor=colour, opacity=0.15, line_width=0, layer="below")
        fig.add_annotation(
            x=r.x0, y=0.08 + row * ROW, yref="paper", xanchor="left", yanchor="bottom",
            text=chart(name), showarrow=False, font={"color": colour, "size": _FONT},
        )  # fmt: skip


def _hover(r: object, *, labels: dict[str, str], names: dict[str, str]) -> str:
    """``2024-03-15 政策出台 · 南关街道`` and the full text under it, escaped."""
    day = pd.Timestamp(r.event_date)  # type: ignore[attr-defined]
    unit = r.unit_code  # type: ignore[attr-defined]
    who = labels["all_units"] if unit is None else names.get(unit, unit)
    kind = labels.get(f"kind_{r.kind}", r.kind)  # type: ignore[attr-defined]
    head = f"{day:%Y-%m-%d} {chart(kind)} · {chart(who)}"
    return f"{head}<br>{chart(r.text)}"  # type: ignore[attr-defined]


def _on_line(x: float, path: tuple[np.ndarray, np.ndarray] | None, otherwise: float) -> float:
    """The height of a drawn line at ``x`` (its nearest end outside it), else ``otherwise``."""
    if path is None:
        return otherwise
    xs, ys = path
    finite = np.isfinite(ys)
    if not finite.any():
        return otherwise
    return float(np.interp(x, xs[finite], ys[finite]))


def _make_room(fig: go.Figure, strip: float) -> float:
    """Raise the value axis's top so the lines stay below a label strip of ``strip`` (a
    fraction of the plot); returns the strip's lower edge in data units."""
    lo, hi = fig.layout.yaxis.range or (0.0, 1.0)
    top = lo + (hi - lo) / (1 - strip)
    fig.update_yaxes(range=[lo, top])
    return lo + (top - lo) * (1 - strip)
