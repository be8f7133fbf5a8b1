"""The meeting screen's settings, kiosk URL, carousel, dark panel and ranking table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from bxgc_metrics.periods import display
from bxgc_ui import fmt
from bxgc_ui.i18n import lang
from bxgc_ui.names import names
from bxgc_ui.ranking_labels import arrow
from bxgc_ui.views.meeting.texts import t

EVERY_DEFAULT, EVERY_MIN, EVERY_MAX = 10, 2, 600
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


def carousel_pick(codes: list[str], start: str, on: bool) -> str:
    """The indicator to show now; with the carousel on, one step further each call."""
    if not on:
        st.session_state.pop("meeting_carousel_pos", None)
        return start
    before = st.session_state.get("meeting_carousel_pos", codes.index(start) - 1)
    st.session_state["meeting_carousel_pos"] = (before + 1) % len(codes)
    return codes[st.session_state["meeting_carousel_pos"]]


def period_text(freq: str, year: int, sub: int) -> str:
    """A cumulative period in the reader's language (2026年1-10月 / Jan-Oct 2026)."""
    return display(freq, year, sub, cumulative=True, lang=lang())


def labelled(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``table`` (keyed by ``unit_code``) with ``label``, each unit's name in the reader's
    language; order and rows kept (a unit missing from ``units`` shows its code)."""
    named = names(units)
    return table.assign(label=[named.get(c, c) for c in table["unit_code"]])


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
