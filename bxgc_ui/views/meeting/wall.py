"""What the wall shows for one slide: the data read through the cache, drawn as a board;
and the app's race panel beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from bxgc_metrics.periods import months_elapsed
from bxgc_metrics.tables.standings import with_pace
from bxgc_ui import data, widgets
from bxgc_ui.i18n import name
from bxgc_ui.ranking_labels import group_label
from bxgc_ui.views.meeting.board import (
    LOOKS,
    Spec,
    race_board,
    race_seconds,
    ranking_board,
    ranking_seconds,
)
from bxgc_ui.views.meeting.figures import SCREEN_BOTTOM, SCREEN_TOP, ranking_figure
from bxgc_ui.views.meeting.race import race_figure
from bxgc_ui.views.meeting.screen import Settings, labelled, period_text
from bxgc_ui.views.meeting.texts import t


@dataclass(frozen=True)
class Shown:
    """A slide ready for the screen."""

    html: str
    """The board."""
    seconds: float
    """How long it takes to show whole (every page, one play of the race)."""
    period: str
    """The period it shows, for the refresh line."""
    figure: Callable[..., go.Figure] | None = None
    """The ranking as a chart, for an image file (``figure(whole=True)``); none for the race."""


@dataclass(frozen=True)
class Wall:
    """The wall's slides for one data version and one set of settings."""

    path: str
    version: int
    settings: Settings

    def _spec(self, ind: pd.Series, *, heading: str, subline: str) -> Spec:
        """The board's facts besides its rows, from the settings."""
        s = self.settings
        return Spec(
            heading=heading,
            subline=subline,
            by=s.by,
            measure=str(ind["measure"]),
            look=LOOKS[s.theme],
            wall=bool(st.context.is_embedded),  # the kiosk fills the screen
            turn=float(s.turn),
        )

    def slide(self, ind: pd.Series, view: str) -> Shown:
        """``ind``'s slide in ``view`` (``ranking`` or ``race``), built once per data
        version, settings and screen, and shared by every refresh and every screen showing
        it: a province's board is thousands of rows of HTML."""
        build = partial(self.race if view == "race" else self.ranking, ind)
        where = bool(st.context.is_embedded)
        key = ("meeting_slide", self.path, self.version, self.settings, ind["code"], view, where)
        return data.built(key, build)

    def ranking(self, ind: pd.Series) -> Shown:
        """The live ranking of ``ind`` in its latest period, every place, pages turning."""
        s, code = self.settings, str(ind["code"])
        by_text = t(f"meeting_by_{s.by}")
        heading = t("meeting_heading", indicator=name(ind), by=by_text)
        period = data.latest_period(self.path, self.version, code)
        if period is None:
            spec = self._spec(ind, heading=heading, subline=t("meeting_no_data"))
            empty = pd.DataFrame(columns=["metric", "rank", "label", "band"], dtype=object)
            return Shown(ranking_board(empty, spec), 0.0, "—")
        freq, year, sub = period
        higher = ind["direction"] == "higher"
        table = data.standings_of(
            self.path,
            self.version,
            code,
            freq=freq,
            year=year,
            sub=sub,
            by=s.by,
            higher_is_better=higher,
            group=s.group,
        )
        marks = data.references_of(
            self.path,
            self.version,
            code,
            freq=freq,
            year=year,
            sub=sub,
            by=s.by,
            higher_is_better=higher,
        )
        people = data.units(self.path, self.version)
        shown_period = period_text(*period)
        subline = f"{shown_period} · {group_label(s.group)}"
        missing, expected = data.unreported_of(
            self.path, self.version, code, freq=freq, year=year, sub=sub, group=s.group
        )
        if missing:  # a ranking of the units that have reported so far says so
            subline += f" · {t('meeting_reported', n=expected - len(missing), m=expected)}"
        spec = self._spec(ind, heading=heading, subline=subline)
        if s.pace and s.by == "completion":
            elapsed = months_elapsed(freq, sub) / 12
            table = with_pace(table, elapsed, higher_is_better=higher)
            spec = replace(spec, time_progress=elapsed)
        table, marks = labelled(table, people), labelled(marks, people)
        if s.flags:
            flagged = data.flagged_units(self.path, self.version, code, period=period)
            table = table.assign(
                label=[
                    f"{label} ⚠" if unit in flagged else label
                    for unit, label in zip(table["unit_code"], table["label"], strict=True)
                ]
            )
        board = ranking_board(table, spec, references=marks)
        progress = months_elapsed(freq, sub) / 12 if s.by == "completion" else None
        figure = partial(ranking_figure, table, s.by, title="", references=marks)
        figure = partial(figure, x_title=f"{by_text} (%)", time_progress=progress)
        return Shown(board, ranking_seconds(len(table), s.turn), shown_period, figure)

    def race(self, ind: pd.Series) -> Shown:
        """The ranking race of ``ind``'s latest year, playing in a loop."""
        s, code = self.settings, str(ind["code"])
        race = data.race_of(
            self.path,
            self.version,
            code,
            by=s.by,
            higher_is_better=ind["direction"] == "higher",
            group=s.group,
        )
        people = data.units(self.path, self.version)
        labels = {r.code: name(r) for r in people.itertuples()}
        ranked = race[race["rank"].notna()]
        year = str(int(ranked["year"].iloc[-1])) if len(ranked) else "—"
        heading = t("meeting_race_heading", indicator=name(ind), by=t(f"meeting_by_{s.by}"))
        subline = f"{t('meeting_race_sub', year=year)} · {group_label(s.group)}"
        spec = self._spec(ind, heading=heading, subline=subline)
        board = race_board(race, labels, spec, period_name=lambda y, m: period_text("M", y, m))
        latest = (
            period_text("M", int(ranked["year"].iloc[-1]), int(ranked["sub"].iloc[-1]))
            if len(ranked)
            else "—"
        )
        return Shown(board, race_seconds(race), latest)


def show_race(path: str, version: int, ind: pd.Series, *, settings: Settings) -> None:
    """The ranking race to play by hand, folded and built only when opened: the animated
    race is the heaviest thing a browser draws on the page."""
    race = data.race_of(
        path,
        version,
        ind["code"],
        by=settings.by,
        higher_is_better=ind["direction"] == "higher",
        group=settings.group,
    )
    if not race["rank"].notna().any():
        return
    panel = widgets.folded(
        st.container(key="meeting_race"),
        t("meeting_race", year=int(race["year"].iloc[-1])),
        key="meeting_race_box",
        icon=":material/play_circle:",
    )
    if not panel.open:
        return
    panel.caption(t("meeting_race_help"))
    if race.groupby("sub")["rank"].count().max() > SCREEN_TOP + SCREEN_BOTTOM:
        panel.caption(t("meeting_race_cut", top=SCREEN_TOP, bottom=SCREEN_BOTTOM))
    labels = {r.code: name(r) for r in data.units(path, version).itertuples()}
    figure = data.built(
        ("meeting_race", path, version, ind["code"], settings.by, settings.group),
        partial(
            race_figure,
            race,
            labels,
            settings.by,
            title=name(ind),
            x_title=f"{t(f'meeting_by_{settings.by}')} (%)",
            period_name=lambda y, s: period_text("M", y, s),
        ),
    )
    panel.plotly_chart(
        figure, theme=None, config={"displayModeBar": False}, key="meeting_race_chart"
    )
