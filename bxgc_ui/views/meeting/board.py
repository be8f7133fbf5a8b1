"""The wall board: the meeting screen's ranking as HTML laid out for any room display.

A projector at the back of a room needs large type, every place on screen and no
scrolling. The board is one HTML block whose sizes are all multiples of one length
``--u``: on the wall ``min(1vh, 0.5625vw)``, so a 16:9 display of any resolution —
1280×720, 1366×768, 1920×1080, 3840×2160 — shows the same layout scaled (names and values
are ``3u``: 32 px at 1080p), and a narrower one shrinks to fit its width; in the app
``--u`` follows the width of the column the board sits in, and a column narrower than
640 px (a phone) keeps places, moves, names and the figure ranked on, and lets the
title and the legend wrap: the bars and the year-to-date column give way.

The board holds at most :data:`ROWS` places a page. A longer ranking is split into even
pages that turn by themselves (CSS animation, no round trip to the server, so turning
never waits for a refresh), each marked ``第1/3页``. The ranking race is the same board
with one page per month, the last month held, looping.

Every name and figure is escaped with :func:`html.escape`; the CSS is a constant and the
only values formatted into the markup are numbers and the palette's colours.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from bxgc_metrics.metrics.targets import PACE_TOLERANCE_PP
from bxgc_ui import fmt
from bxgc_ui.i18n import lang
from bxgc_ui.palette import DARK, GOOD, HONOUR, MEDALS, NEUTRAL, WARNING
from bxgc_ui.ranking_labels import arrow
from bxgc_ui.views.meeting.texts import t

ROWS = 16
"""Places a page holds: 16 rows of 3u type fit 100vh with the heading and footer."""
FRAME_SECONDS = 1.5
"""How long the race shows each month."""
HOLD_FRAMES = 3
"""The race's last month is shown this many frames before it starts again."""
NAME_WIDTH = {"zh": 34, "en": 46}
"""Width of the name column, in ``u``: English names run longer than Chinese ones."""
RACE_TOP, RACE_BOTTOM = ROWS - 4, 3
"""A race frame with more units than :data:`ROWS` shows its first and last places."""


@dataclass(frozen=True)
class Look:
    """The board's colours: one meaning per colour, as :mod:`bxgc_ui.palette` says."""

    background: str
    text: str
    muted: str
    rule: str
    neutral: str
    warning: str
    good: str
    lost: str
    medals: tuple[str, str, str]
    medal_ink: str


DARK_LOOK = Look(
    background=DARK.BACKGROUND,
    text=DARK.TEXT,
    muted=DARK.MUTED,
    rule=DARK.GRID,
    neutral=DARK.NEUTRAL,
    warning=DARK.WARNING,
    good=DARK.GOOD,
    lost=DARK.LOST,
    medals=MEDALS,
    medal_ink=DARK.BACKGROUND,
)
"""The default wall: light type on a dark panel."""

LIGHT_LOOK = Look(
    background="#FFFFFF",
    text="#000000",
    muted="#334155",
    rule="#CBD5E1",
    neutral=NEUTRAL,
    warning=WARNING,
    good=GOOD,
    lost=WARNING,
    medals=(HONOUR, "#5B6573", "#8A4B1C"),
    medal_ink="#FFFFFF",
)
"""``theme=light``: black on white with deep bar colours, for washed-out projectors."""

LOOKS = {"dark": DARK_LOOK, "light": LIGHT_LOOK}


@dataclass(frozen=True)
class Spec:
    """What a board shows besides its rows."""

    heading: str
    """The title line (indicator and what it ranks by)."""
    subline: str
    """Period and peer group."""
    by: str
    """``completion`` or ``growth``: how the metric reads."""
    measure: str
    """The indicator's measure, for the value column."""
    look: Look = DARK_LOOK
    wall: bool = True
    """Sized to the viewport (the kiosk) or to the column it sits in (the app)."""
    turn: float = 10.0
    """Seconds a page shows before the next one."""
    time_progress: float | None = None
    """Time elapsed, drawn as a dashed line and used for pace colours (``pace=1``)."""


CSS = """
.bxgc-wall { position: fixed; inset: 0; z-index: 1000000; --u: min(1vh, 0.5625vw); }
.bxgc-fit { container-type: inline-size; overflow-x: auto; }
.bxgc-fit .bxgc-board { --u: max(4px, calc(100cqw / 178)); border-radius: 14px;
  min-width: calc(178 * var(--u)); }
.bxgc-board { background: var(--bg); color: var(--ink); box-sizing: border-box;
  padding: calc(2.5 * var(--u)) calc(3 * var(--u)) calc(2 * var(--u)); overflow: hidden;
  font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.bxgc-wall .bxgc-board { width: 100vw; height: 100vh; }
.bxgc-board * { box-sizing: border-box; }
.bxgc-head { display: flex; align-items: baseline; justify-content: space-between;
  gap: calc(2 * var(--u)); }
.bxgc-title { margin: 0; padding: 0; font-size: calc(5 * var(--u)); line-height: 1.15;
  font-weight: 700; color: var(--ink); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.bxgc-sub { font-size: calc(2.6 * var(--u)); line-height: 1.3; color: var(--muted);
  margin-bottom: calc(1 * var(--u)); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.bxgc-grid { display: grid; align-items: center; column-gap: calc(1.5 * var(--u));
  grid-template-columns: calc(6 * var(--u)) calc(7 * var(--u)) calc(var(--name) * var(--u))
    minmax(0, 1fr) calc(15 * var(--u)) calc(22 * var(--u)); }
.bxgc-cols { font-size: calc(2 * var(--u)); height: calc(3.2 * var(--u)); color: var(--muted);
  border-bottom: 1px solid var(--rule); }
.bxgc-pages { position: relative; height: calc(var(--rows) * 4.4 * var(--u) + 4.6 * var(--u)); }
.bxgc-page { position: absolute; inset: 0; }
.bxgc-pages.turning .bxgc-page { visibility: hidden; animation-timing-function: step-end;
  animation-iteration-count: infinite; }
.bxgc-pages.turning .bxgc-page:first-child { visibility: visible; }
.bxgc-row { height: calc(4.4 * var(--u)); font-size: calc(3 * var(--u)); line-height: 1.2;
  border-bottom: 1px solid var(--rule); }
.bxgc-rank { display: inline-flex; align-items: center; justify-content: center;
  width: calc(5 * var(--u)); height: calc(3.6 * var(--u)); border-radius: calc(0.8 * var(--u));
  font-weight: 700; }
.bxgc-move { font-size: calc(2.6 * var(--u)); white-space: nowrap; }
.bxgc-name { display: flex; align-items: center; gap: calc(0.8 * var(--u)); min-width: 0; }
.bxgc-name > span:first-child { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.bxgc-tag { flex: none; font-size: calc(2 * var(--u)); padding: 0 calc(0.6 * var(--u));
  border-radius: calc(0.5 * var(--u)); color: #FFFFFF; background: var(--warning); }
.bxgc-track { position: relative; height: calc(2.8 * var(--u)); }
.bxgc-bar { position: absolute; top: 0; bottom: 0; border-radius: calc(0.4 * var(--u)); }
.bxgc-line { position: absolute; top: calc(-0.9 * var(--u)); bottom: calc(-0.9 * var(--u));
  border-left: calc(0.3 * var(--u)) dashed var(--muted); }
.bxgc-line.ref { border-left-style: dotted; }
.bxgc-metric, .bxgc-value { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.bxgc-metric { font-weight: 700; }
.bxgc-gap { height: calc(4.4 * var(--u)); font-size: calc(3 * var(--u)); color: var(--muted);
  text-align: center; border-bottom: 1px solid var(--rule); }
.bxgc-foot { position: absolute; left: 0; right: 0; bottom: 0; height: calc(3.6 * var(--u));
  display: flex; align-items: center; gap: calc(2.5 * var(--u)); font-size: calc(2.2 * var(--u));
  color: var(--muted); white-space: nowrap; overflow: hidden; }
.bxgc-foot .bxgc-pageno { margin-left: auto; color: var(--ink); font-weight: 700; }
.bxgc-foot .bxgc-period { font-size: calc(3.4 * var(--u)); }
.bxgc-key { display: inline-block; width: calc(2 * var(--u)); height: calc(2 * var(--u));
  border-radius: calc(0.4 * var(--u)); vertical-align: middle; margin-right: calc(0.6 * var(--u)); }
@container (max-width: 640px) {
  .bxgc-fit .bxgc-board { --u: max(3.4px, calc(100cqw / (var(--name) + 38)));
    min-width: calc((var(--name) + 38) * var(--u)); }
  .bxgc-fit .bxgc-grid { column-gap: calc(1 * var(--u));
    grid-template-columns: calc(6 * var(--u)) calc(6 * var(--u)) minmax(0, 1fr) 0
      calc(15 * var(--u)) 0; }
  .bxgc-fit .bxgc-track, .bxgc-fit .bxgc-value,
  .bxgc-fit .bxgc-cols > span:nth-child(6) { visibility: hidden; }
  .bxgc-fit .bxgc-cols { height: auto; min-height: calc(3.2 * var(--u)); align-items: end;
    line-height: 1.1; padding-bottom: calc(0.4 * var(--u)); }
  .bxgc-fit .bxgc-title, .bxgc-fit .bxgc-sub { white-space: normal; }
  .bxgc-fit .bxgc-pages { height: calc(var(--rows) * 4.4 * var(--u) + 12 * var(--u)); }
  .bxgc-fit .bxgc-foot { height: auto; flex-wrap: wrap; white-space: normal;
    row-gap: calc(0.5 * var(--u)); }
}
.bxgc-stamp { position: fixed; right: calc(3 * var(--u)); top: calc(1 * var(--u));
  z-index: 1000001; font-size: calc(1.8 * var(--u)); color: var(--muted);
  --u: min(1vh, 0.5625vw); }
"""
"""The board's layout: a constant, never formatted with data."""


def paged(count: int, rows: int = ROWS) -> list[range]:
    """``count`` places split into even pages of at most ``rows``: 18 places are two pages
    of 9, never 16 and 2.

    >>> [list(p) for p in paged(5)], [len(p) for p in paged(18)], [len(p) for p in paged(40)]
    ([[0, 1, 2, 3, 4]], [9, 9], [14, 13, 13])
    >>> paged(0)
    []
    """
    if count <= 0:
        return []
    n = -(-count // rows)
    size, extra = divmod(count, n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        out.append(range(start, stop))
        start = stop
    return out


def scale(values: pd.Series, floor: float) -> tuple[float, float]:
    """The bar track's range: zero, every value (and mark) and ``floor``, with room.

    >>> scale(pd.Series([0.5, 1.2]), 1.0), scale(pd.Series([-0.1, 0.2]), 0.0)
    ((0.0, 1.26), (-0.11, 0.22))
    """
    known = values.dropna()
    low = min(0.0, float(known.min())) if len(known) else 0.0
    high = max(floor, float(known.max())) if len(known) else floor
    return round(low * 1.1, 10), round(high * 1.05 if low == 0 else high * 1.1, 10)


def _x(value: float, span: tuple[float, float]) -> float:
    """Where ``value`` sits on the track, in percent of its width."""
    low, high = span
    return 100.0 * (value - low) / ((high - low) or 1.0)


def _bar(value: float, span: tuple[float, float], colour: str) -> str:
    if pd.isna(value):
        return ""
    zero, end = _x(0.0, span), _x(value, span)
    left, width = min(zero, end), abs(end - zero)
    return (
        f'<i class="bxgc-bar" style="left:{left:.2f}%;width:{width:.2f}%;background:{colour}"></i>'
    )


def _lines(marks: list[tuple[float, str]], span: tuple[float, float]) -> str:
    return "".join(
        f'<i class="bxgc-line {kind}" style="left:{_x(x, span):.2f}%"></i>' for x, kind in marks
    )


def bar_colour(row: Mapping[str, object], look: Look, *, pace: bool) -> str:
    """Pace colours (ahead green, on pace blue, behind red) when asked; otherwise gold,
    silver and bronze for the first three places, red for the last, blue between."""
    if pace:
        status = row.get("status")
        return {"ahead": look.good, "behind": look.warning}.get(str(status), look.neutral)
    band, rank = row.get("band"), row.get("rank")
    if band == "top" and rank is not None and not pd.isna(rank) and 1 <= int(rank) <= 3:  # type: ignore[call-overload]
        return look.medals[int(rank) - 1]  # type: ignore[call-overload]
    return look.warning if band == "bottom" else look.neutral


def _rank_badge(row: Mapping[str, object], look: Look) -> str:
    rank = row.get("rank")
    if rank is None or pd.isna(rank):  # type: ignore[call-overload]
        return '<span class="bxgc-rank">—</span>'
    place = int(rank)  # type: ignore[call-overload]
    if row.get("band") == "top" and place <= 3:
        style = f"background:{look.medals[place - 1]};color:{look.medal_ink}"
    elif row.get("band") == "bottom":
        style = f"background:{look.warning};color:#FFFFFF"
    else:
        style = f"border:1px solid {look.rule}"
    return f'<span class="bxgc-rank" style="{style}">{place}</span>'


def _move(change: object, look: Look) -> tuple[str, str]:
    """The move's text (▲2, ▼1, –, 新) and its colour."""
    text = arrow(change)
    colour = (
        look.good if text.startswith("▲") else look.lost if text.startswith("▼") else look.muted
    )
    return text, colour


def _metric(value: object, by: str) -> str:
    return fmt.pct(value, signed=by == "growth")  # type: ignore[arg-type]


def _row(
    row: Mapping[str, object],
    *,
    spec: Spec,
    span: tuple[float, float],
    marks: list[tuple[float, str]],
    moves: bool,
) -> str:
    label = html.escape(fmt.plain(row["label"]))
    move, tint = ("", spec.look.muted)
    if moves:  # a unit with no place now is no new entry: no move at all
        ranked = not fmt.is_missing(row.get("rank"))  # type: ignore[arg-type]
        move, tint = _move(row.get("rank_change"), spec.look) if ranked else ("—", tint)
    last = row.get("band") == "bottom"
    tag = f'<span class="bxgc-tag">{html.escape(t("meeting_last"))}</span>' if last else ""
    value = html.escape(fmt.amount(row.get("value"), spec.measure, lang()))  # type: ignore[arg-type]
    metric = html.escape(_metric(row.get("metric"), spec.by))
    colour = bar_colour(row, spec.look, pace=spec.time_progress is not None)
    rank = row.get("rank")
    place = "" if rank is None or pd.isna(rank) else str(int(rank))  # type: ignore[call-overload]
    return (
        f'<div class="bxgc-row bxgc-grid" data-rank="{place}" data-unit="{label}"'
        f' data-move="{html.escape(move)}" data-band="{html.escape(str(row.get("band")))}">'
        f"{_rank_badge(row, spec.look)}"
        f'<span class="bxgc-move" style="color:{tint}">{html.escape(move)}</span>'
        f'<span class="bxgc-name" title="{label}"><span>{label}</span>{tag}</span>'
        f'<span class="bxgc-track">{_lines(marks, span)}'
        f"{_bar(row.get('metric'), span, colour)}</span>"  # type: ignore[arg-type]
        f'<span class="bxgc-metric">{metric}</span><span class="bxgc-value">{value}</span></div>'
    )


def _columns(spec: Spec, *, moves: bool) -> str:
    names = [
        t("meeting_rank"),
        t("meeting_change") if moves else "",
        t("unit"),
        "",
        t(f"meeting_by_{spec.by}"),
        t("ytd_value"),
    ]
    cells = "".join(
        f'<span style="text-align:{"right" if i >= 4 else "left"}">{html.escape(n)}</span>'
        for i, n in enumerate(names)
    )
    return f'<div class="bxgc-cols bxgc-grid">{cells}</div>'


def _legend(spec: Spec, references: pd.DataFrame | None) -> str:
    look = spec.look
    keys: list[tuple[str, str]] = (
        [
            (look.good, t("meeting_key_ahead")),
            (look.neutral, t("meeting_key_on_pace", pp=f"{PACE_TOLERANCE_PP:g}")),
            (look.warning, t("meeting_key_behind")),
        ]
        if spec.time_progress is not None
        else [(look.medals[0], t("meeting_key_top")), (look.warning, t("meeting_key_last"))]
    )
    parts = [
        f'<span><i class="bxgc-key" style="background:{c}"></i>{html.escape(k)}</span>'
        for c, k in keys
    ]
    parts.append(
        f'<span><b style="color:{look.good}">▲</b> {html.escape(t("meeting_key_up"))}'
        f' <b style="color:{look.lost}">▼</b> {html.escape(t("meeting_key_down"))}</span>'
    )
    if spec.time_progress is not None:
        share = fmt.pct(spec.time_progress, signed=False)
        parts.append(f"<span>┆ {html.escape(t('meeting_time_line', pct=share))}</span>")
    if references is not None:
        for r in references.itertuples():
            text = f"{fmt.plain(r.label)} {_metric(r.metric, spec.by)}"
            parts.append(f"<span>┊ {html.escape(text)}</span>")
    return "".join(parts)


def _frame(body: str, *, legend: str, page: str, period: str = "") -> str:
    """One page: its rows, and a footer with the legend and the page (or the race's
    month, larger, with its ``data-period``)."""
    if period:
        number = f'<span class="bxgc-pageno bxgc-period" data-period="{period}">{html.escape(page)}</span>'
    else:
        number = f'<span class="bxgc-pageno">{html.escape(page)}</span>' if page else ""
    return f'<div class="bxgc-foot">{legend}{number}</div>{body}'


def _turning(pages: list[str], *, rows: int, seconds: float) -> str:
    """Pages stacked in one place, each shown for ``seconds`` in turn, forever."""
    n = len(pages)
    if n == 1:
        return f'<div class="bxgc-pages" style="--rows:{rows}"><div class="bxgc-page">{pages[0]}</div></div>'
    cycle = n * seconds
    keyframes = (
        f"@keyframes bxgc-turn-{n} {{ 0% {{ visibility: visible; }}"
        f" {100 / n:.4f}% {{ visibility: hidden; }} 100% {{ visibility: hidden; }} }}"
    )
    out = [f'<style>{keyframes}</style><div class="bxgc-pages turning" style="--rows:{rows}">']
    for i, page in enumerate(pages):
        delay = (i - n) * seconds  # negative: each page starts part-way through its cycle
        style = f"animation-name:bxgc-turn-{n};animation-duration:{cycle:.2f}s;animation-delay:{delay:.2f}s"
        out.append(f'<div class="bxgc-page" data-page="{i + 1}" style="{style}">{page}</div>')
    out.append("</div>")
    return "".join(out)


def _shell(spec: Spec, *, body: str, moves: bool = True) -> str:
    look = spec.look
    colours = (
        f"--bg:{look.background};--ink:{look.text};--muted:{look.muted};--rule:{look.rule};"
        f"--warning:{look.warning};--name:{NAME_WIDTH[lang()]}"
    )
    board = (
        f'<div class="bxgc-board" style="{colours}"><div class="bxgc-head">'
        f'<h1 class="bxgc-title">{html.escape(spec.heading)}</h1></div>'
        f'<div class="bxgc-sub">{html.escape(spec.subline)}</div>{_columns(spec, moves=moves)}{body}</div>'
    )
    wrapper = "bxgc-wall" if spec.wall else "bxgc-fit"
    return f'<style>{CSS}</style><div class="{wrapper}">{board}</div>'


def ranking_board(
    table: pd.DataFrame, spec: Spec, *, references: pd.DataFrame | None = None
) -> str:
    """The live ranking as a board: every place, in even pages of at most :data:`ROWS`.

    ``table`` is :func:`bxgc_metrics.tables.standings.standings` (best first) with
    ``label`` (the unit's name) and, for pace colours, ``status``
    (:func:`bxgc_metrics.metrics.targets.pace`); ``references`` are the external
    benchmarks (:func:`bxgc_metrics.tables.standings.reference_marks` with ``label``),
    drawn as dotted lines and named in the footer, never given a place.
    """
    marks: list[tuple[float, str]] = []
    if spec.time_progress is not None:
        marks.append((spec.time_progress, "time"))
    if references is not None:
        marks.extend((float(m), "ref") for m in references["metric"].dropna())
    span = scale(
        pd.concat([table["metric"], pd.Series([m for m, _ in marks], dtype=float)]),
        1.0 if spec.by == "completion" else 0.0,
    )
    rows = table.to_dict("records")
    parts = paged(len(rows))
    legend = _legend(spec, references)
    pages = [
        _frame(
            "".join(_row(rows[i], spec=spec, span=span, marks=marks, moves=True) for i in part),
            legend=legend,
            page=t("meeting_page", page=k + 1, pages=len(parts)) if len(parts) > 1 else "",
        )
        for k, part in enumerate(parts)
    ]
    if not pages:
        pages = [_frame("", legend=legend, page="")]
    most = max((len(p) for p in parts), default=0)
    return _shell(spec, body=_turning(pages, rows=most, seconds=spec.turn))


def race_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A race frame's places that fit one page: all of them, or the first
    :data:`RACE_TOP` and the last :data:`RACE_BOTTOM` (returned apart, for the gap row)."""
    ranked = frame[frame["rank"].notna()].sort_values("position")
    if len(ranked) <= ROWS:
        return ranked, ranked.iloc[:0]
    return ranked.iloc[:RACE_TOP], ranked.iloc[-RACE_BOTTOM:]


def race_board(
    race: pd.DataFrame,
    labels: Mapping[str, str],
    spec: Spec,
    *,
    period_name: Callable[[int, int], str],
) -> str:
    """The ranking race as a board: one page a month on a fixed scale, played in a loop
    with the latest month held (:data:`HOLD_FRAMES`). ``race`` is
    :func:`bxgc_metrics.tables.standings.race_frames`."""
    race = race[race["rank"].notna()]
    span = scale(race["metric"], 1.0 if spec.by == "completion" else 0.0)
    periods = list(dict.fromkeys(zip(race["year"], race["sub"], strict=True)))
    legend = _legend(spec, None)
    pages, most = [], 0
    for year, sub in periods:
        frame = race[(race["year"] == year) & (race["sub"] == sub)]
        head, tail = race_rows(frame)
        named = {"label": [labels.get(u, u) for u in head["unit_code"]]}
        body = "".join(
            _row(r, spec=spec, span=span, marks=[], moves=False)
            for r in head.assign(**named).to_dict("records")
        )
        if len(tail):
            hidden = len(frame[frame["rank"].notna()]) - len(head) - len(tail)
            body += (
                f'<div class="bxgc-gap">⋯ {html.escape(t("meeting_race_more", n=hidden))} ⋯</div>'
            )
            named = {"label": [labels.get(u, u) for u in tail["unit_code"]]}
            body += "".join(
                _row(r, spec=spec, span=span, marks=[], moves=False)
                for r in tail.assign(**named).to_dict("records")
            )
        most = max(most, len(head) + len(tail) + (1 if len(tail) else 0))
        when = period_name(int(year), int(sub))
        pages.append(_frame(body, legend=legend, page=when, period=f"{year}-{sub:02d}"))
    if not pages:
        return _shell(spec, body="")
    pages += [pages[-1]] * (HOLD_FRAMES - 1)
    return _shell(spec, body=_turning(pages, rows=most, seconds=FRAME_SECONDS), moves=False)


def stamp(text: str, look: Look) -> str:
    """The wall's small line of when it was last refreshed, kept apart from the board so
    that a refresh with unchanged figures does not restart the turning pages."""
    return (
        f'<div class="bxgc-stamp" style="--muted:{look.muted};color:{look.muted}">'
        f"{html.escape(text)}</div>"
    )


def ranking_seconds(count: int, turn: float) -> float:
    """How long a ranking of ``count`` places takes to show every page once."""
    return max(1, len(paged(count))) * turn


def race_seconds(race: pd.DataFrame) -> float:
    """How long one play of the race takes, the held last month included."""
    months = race[race["rank"].notna()][["year", "sub"]].drop_duplicates()
    return (len(months) + HOLD_FRAMES - 1) * FRAME_SECONDS
