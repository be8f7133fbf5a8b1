"""The meeting screen's settings, kiosk URL, carousel, dark panel and ranking table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from bxgc_metrics.periods import display
from bxgc_ui.i18n import lang
from bxgc_ui.names import names

EVERY_DEFAULT, EVERY_MIN, EVERY_MAX = 10, 2, 600
TURN_DEFAULT, TURN_MIN, TURN_MAX = 10, 3, 120
BY_CHOICES = ("completion", "growth")
VIEWS = ("ranking", "race")
"""What the wall can show: the live ranking (pages turning) and the ranking race (looping)."""
THEMES = ("dark", "light")
LABELLED = ("meeting_indicator", "meeting_group")
"""Select boxes whose option labels are translated: one widget key per language
(:func:`bxgc_ui.i18n.keyed`), so a language switch shows the new labels."""

CSS = """
<style>
.st-key-meeting_race {
  background: #0B1220; border-radius: 14px; padding: 1.2rem 1.6rem 1.4rem 1.6rem;
}
.st-key-meeting_race [data-testid="stExpander"] details { border-color: #334155; }
.st-key-meeting_race [data-testid="stExpander"] summary { background-color: #16213A; }
.st-key-meeting_race [data-testid="stExpander"] summary,
.st-key-meeting_race [data-testid="stExpander"] summary p { color: #F8FAFC; font-size: 1.6rem; }
.st-key-meeting_race [data-testid="stExpander"] summary:hover p { color: #FCA5B4; }
.st-key-meeting_race [data-testid="stCaptionContainer"] { color: #CBD5E1; font-size: 1.35rem; }
.st-key-meeting_race [data-testid="stFullScreenFrame"]:has([data-testid="stPlotlyChart"]) {
  min-width: 720px; }
@media (max-width: 640px) {
  .st-key-meeting_race { padding: 0.8rem 0.9rem 1rem 0.9rem; }
  .st-key-meeting_race [data-testid="stExpander"] summary,
  .st-key-meeting_race [data-testid="stExpander"] summary p { font-size: 1.1rem; }
  .st-key-meeting_race [data-testid="stCaptionContainer"] { font-size: 1rem; }
}
</style>
"""
"""The in-app race panel: a constant, never formatted with data. On a narrow screen the
race keeps room for its labels and buttons (720 px), and its element's box (which
Streamlit lets scroll) scrolls sideways, as the board preview does; its heading and
caption take a phone's sizes rather than the wall's."""

KIOSK_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"], [data-testid="stMain"] { overflow: hidden !important; }
</style>
"""
"""The wall never scrolls: the board covers the viewport and nothing lies beyond it."""


@dataclass(frozen=True)
class Settings:
    """What the screen shows; from the sidebar, seeded by the URL's query parameters."""

    indicator: str
    """Indicator code shown (the rotation's starting point when indicators rotate)."""
    by: str
    """``completion`` or ``growth``."""
    group: str
    """A peer group, or ``all``."""
    every: int
    """Seconds between refreshes (new data shows within one)."""
    carousel: bool
    """Whether the screen moves on through every indicator."""
    views: tuple[str, ...] = ("ranking",)
    """The views shown in turn for each indicator (:data:`VIEWS`)."""
    theme: str = "dark"
    """``dark``, or ``light`` (black on white) for washed-out projectors."""
    pace: bool = False
    """The time-elapsed line and pace colours (completion only)."""
    turn: int = TURN_DEFAULT
    """Seconds a page of a long ranking shows before the next one."""
    flags: bool = False
    """The ⚠ beside a unit whose figure has an open data-quality flag (需核实)."""


def screen_setup() -> None:
    """The in-app race panel's CSS; in kiosk mode (``?embed=true``) fold the sidebar away
    and stop the page scrolling (embed mode hides the header and toolbar, not the sidebar)."""
    if st.context.is_embedded:
        st.set_page_config(initial_sidebar_state="collapsed")
        st.html(KIOSK_CSS)
    st.html(CSS)


def _flag(text: str) -> bool:
    return text.lower() in ("1", "true", "on", "yes")


def query_defaults(codes: list[str], groups: list[str]) -> dict[str, object]:
    """Widget defaults from the URL; values that name nothing are ignored.

    ``?indicator=&by=&group=&every=&turn=&theme=light&pace=1&flags=1&rotate=1&carousel=ranking,race``.
    ``carousel`` lists the views shown in turn; ``carousel=1`` (no views named) keeps its
    earlier meaning, rotate the indicators through the ranking.
    """
    q = st.query_params
    carousel = q.get("carousel", "")
    views = tuple(v for v in VIEWS if v in carousel.split(","))
    return {
        "meeting_indicator": q.get("indicator") if q.get("indicator") in codes else codes[0],
        "meeting_by": q.get("by") if q.get("by") in BY_CHOICES else "completion",
        "meeting_group": q.get("group") if q.get("group") in groups else "all",
        "meeting_every": _seconds(q.get("every", ""), EVERY_DEFAULT, within=(EVERY_MIN, EVERY_MAX)),
        "meeting_turn": _seconds(q.get("turn", ""), TURN_DEFAULT, within=(TURN_MIN, TURN_MAX)),
        "meeting_carousel": _flag(q.get("rotate", "")) or _flag(carousel),
        "meeting_views": list(views or VIEWS[:1]),
        "meeting_theme": q.get("theme") if q.get("theme") in THEMES else "dark",
        "meeting_pace": _flag(q.get("pace", "")),
        # shown in the app; on the kiosk only when the link asks for it (flags=1)
        "meeting_flags": _flag(q["flags"]) if "flags" in q else not st.context.is_embedded,
    }


def _seconds(text: str, default: int, *, within: tuple[int, int]) -> int:
    """``?every=`` (or ``?turn=``) as whole seconds within the allowed range; anything
    else the default. ``"²".isdigit()`` is true, so only plain ASCII digits count.

    >>> [_seconds(x, 10, within=(2, 600)) for x in ("30", "²", "1", "99999", "-5")]
    [30, 10, 2, 600, 10]
    """
    if not (text.isascii() and text.isdecimal()):
        return default
    low, high = within
    return min(max(int(text), low), high)


def kiosk_url(s: Settings) -> str:
    """The projector URL for these settings (a path, for any host)."""
    look = "&embed_options=dark_theme" if s.theme == "dark" else "&theme=light"
    query = f"embed=true{look}&every={s.every}&indicator={s.indicator}&by={s.by}"
    query += f"&group={s.group}&carousel={','.join(s.views)}&turn={s.turn}"
    query += ("&rotate=1" if s.carousel else "") + ("&pace=1" if s.pace else "")
    query += "&flags=1" if s.flags else ""
    return f"/meeting?{query}"


@dataclass(frozen=True)
class Slide:
    """One thing the wall shows for a while: a view of an indicator."""

    indicator: str
    view: str


def slides(codes: list[str], s: Settings) -> list[Slide]:
    """The carousel: each view of :attr:`Settings.views` for the chosen indicator, or for
    every indicator from the chosen one on when they rotate."""
    start = codes.index(s.indicator)
    shown = codes[start:] + codes[:start] if s.carousel else [s.indicator]
    return [Slide(code, view) for code in shown for view in s.views]


def current_slide(deck: list[Slide], *, now: float) -> Slide:
    """The slide to show at ``now`` (seconds): the one on screen until it has been shown
    for as long as it said it lasts (:func:`lasts`), then the next (after the last, the
    first again).

    The place in the deck and when it began live in the reader's session; a deck that
    changed (other settings) starts again from its first slide.
    """
    state = st.session_state
    if state.get("meeting_deck") != deck:
        state["meeting_deck"], state["meeting_slide"], state["meeting_since"] = deck, 0, now
        state["meeting_lasts"] = 0.0
    elif len(deck) > 1 and now - state["meeting_since"] >= state.get("meeting_lasts", 0.0):
        state["meeting_slide"] = (state["meeting_slide"] + 1) % len(deck)
        state["meeting_since"] = now
    return deck[state["meeting_slide"]]


def lasts(seconds: float) -> None:
    """Say how long the slide just drawn takes to show whole (its pages, the race)."""
    st.session_state["meeting_lasts"] = seconds


def period_text(freq: str, year: int, sub: int) -> str:
    """A cumulative period in the reader's language (2026年1-10月 / Jan-Oct 2026)."""
    return display(freq, year, sub, cumulative=True, lang=lang())


def labelled(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``table`` (keyed by ``unit_code``) with ``label``, each unit's name in the reader's
    language; order and rows kept (a unit missing from ``units`` shows its code)."""
    named = names(units)
    return table.assign(label=[named.get(c, c) for c in table["unit_code"]])
