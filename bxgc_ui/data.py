"""Cached loaders between the pages and the store.

Reads are cached per database file and *data version*, a counter the store raises with
every committed write, so an import invalidates every page's cache at once and the
meeting screen notices new data by polling one cheap number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from bxgc_metrics import clock, oversight
from bxgc_metrics.metrics.audit import audit_plan
from bxgc_metrics.metrics.backtest import (
    SKILL_COLUMNS,
    Calibration,
    calibration,
    model_skill,
    pooled_errors,
)
from bxgc_metrics.metrics.quality import QualityReport
from bxgc_metrics.periods import Period
from bxgc_metrics.store import INDICATOR_COLUMNS as INDICATOR_COLUMNS  # settings editors
from bxgc_metrics.store import UNIT_COLUMNS as UNIT_COLUMNS  # settings editors
from bxgc_metrics.store import Store, UndoPreview, default_path
from bxgc_metrics.tables import progress
from bxgc_metrics.tables import standings as ranking
from bxgc_metrics.tables.reporting import Round
from bxgc_metrics.tables.scorecard import (
    composite_standings,
    composite_unreported,
    pace_matrix,
    reward_standings,
    scorecard,
)
from bxgc_metrics.tables.standings import race_frames, reference_marks, standings
from bxgc_metrics.tables.trajectory import (
    WHAT_IF_MODELS,
    Trajectory,
    annual_series,
    stated_crossing,
    stated_plan,
    trajectory,
)
from bxgc_ui.i18n import lang


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The store for ``BXGC_DB`` (or ``data/bxgc.duckdb``)."""
    return _store(str(default_path()))


def version() -> int:
    """The current data version; read once per page run."""
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=4)
def units(path: str, data_version: int) -> pd.DataFrame:
    """All units (cached until the data changes)."""
    return _store(path).units()


@st.cache_data(show_spinner=False, max_entries=4)
def indicators(path: str, data_version: int) -> pd.DataFrame:
    """All indicators (cached until the data changes)."""
    return _store(path).indicators()


@st.cache_data(show_spinner=False, max_entries=4)
def has_observations(path: str, data_version: int) -> bool:
    """Whether anything is stored yet (the pages' empty state)."""
    return _store(path).count_observations() > 0


@st.cache_data(show_spinner=False, max_entries=4)
def coverage(path: str, data_version: int) -> pd.DataFrame:
    """Which unit has actual figures of which indicator (``unit_code, indicator_code``)."""
    return _store(path).coverage()


@st.cache_data(show_spinner=False, max_entries=4)
def actual_periods(path: str, data_version: int) -> pd.DataFrame:
    """Every period with an actual figure per indicator (``indicator_code, freq, year, sub``)."""
    return _store(path).actual_periods()


def latest_period(path: str, data_version: int, indicator: str) -> tuple[str, int, int] | None:
    """The latest period with an actual figure of ``indicator``."""
    return progress.latest_period(actual_periods(path, data_version), indicator)


@st.cache_data(show_spinner=False, max_entries=64)
def scoped(
    path: str,
    data_version: int,
    *,
    indicators: tuple[str, ...] | None = None,
    units: tuple[str, ...] | None = None,
    value_kinds: tuple[str, ...] | None = None,
    freqs: tuple[str, ...] | None = None,
    years: tuple[int, int] | None = None,
    periods: tuple[tuple[int, int], ...] | None = None,
) -> pd.DataFrame:
    """The observations one view needs (see :meth:`Store.observations_in`), cached.

    Pages never load the whole table: on a city-wide database that is millions of
    figures, and each view reads a few periods of a few indicators.
    """
    return _store(path).observations_in(
        indicators=indicators,
        units=units,
        value_kinds=value_kinds,
        freqs=freqs,
        years=years,
        periods=periods,
    )


def _progress_periods(year: int, sub: int) -> list[tuple[int, int]]:
    """What :func:`period_progress` reads: the period, a year earlier, the annual target."""
    return [(year, sub), (year - 1, sub), (year, 0)]


def _previous_periods(
    path: str, data_version: int, indicators: list[str] | None, *, freq: str, year: int, sub: int
) -> list[tuple[int, int]]:
    """The previous period with data of each indicator (what rank moves compare with)."""
    found = actual_periods(path, data_version)
    found = found[found["freq"] == freq]
    if indicators is not None:
        found = found[found["indicator_code"].isin(indicators)]
    key = found["year"].astype(int) * 100 + found["sub"].astype(int)
    earlier = key[key < year * 100 + sub].groupby(found["indicator_code"]).max()
    return sorted({(int(k) // 100, int(k) % 100) for k in earlier})


def _with_previous(
    path: str, data_version: int, indicators: list[str] | None, *, freq: str, year: int, sub: int
) -> tuple[tuple[int, int], ...]:
    wanted = set(_progress_periods(year, sub))
    for y, s in _previous_periods(path, data_version, indicators, freq=freq, year=year, sub=sub):
        wanted.update(_progress_periods(y, s))
    return tuple(sorted(wanted))


def monthly_periods(path: str, data_version: int, indicator: str) -> pd.DataFrame:
    """The monthly periods with actual figures of ``indicator`` (``year, sub`` …)."""
    found = actual_periods(path, data_version)
    return found[(found["indicator_code"] == indicator) & (found["freq"] == "M")]


@st.cache_data(show_spinner=False, max_entries=4)
def data_date(path: str, data_version: int) -> str:
    """When the figures were last imported, in the configured time zone ("" if never)."""
    batches = _store(path).batches()
    live = batches[batches["status"] == "committed"]
    return "" if live.empty else str(clock.shown(live["created_at"]).max())


@st.cache_data(show_spinner=False, max_entries=8)
def setting(path: str, data_version: int, key: str) -> object:
    """A named setting (any JSON value), or ``None`` (cached until the data changes)."""
    return _store(path).setting(key)


@st.cache_data(show_spinner=False, max_entries=4)
def reward_rules(path: str, data_version: int) -> pd.DataFrame | None:
    """The saved reward rules, or ``None`` when none were saved (cached)."""
    return _store(path).reward_rules()


@st.cache_data(show_spinner=False, max_entries=4)
def batches(path: str, data_version: int) -> pd.DataFrame:
    """Every import batch, newest first (cached until the data changes)."""
    return _store(path).batches()


@st.cache_data(show_spinner=False, max_entries=8)
def undo_preview(path: str, data_version: int, batch: int) -> UndoPreview:
    """What undoing ``batch`` would change, without changing it (cached)."""
    return _store(path).undo_preview(batch)


T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=256)
def _built(key: tuple, _build: Callable[[], object]) -> object:
    return _build()


def built(key: tuple, build: Callable[[], T]) -> T:
    """``build()`` made once per ``key`` and reader's language, then shared by every run
    and session: a figure or table that only changes with the data and the choices.

    ``key`` must name everything the result depends on besides the language: the
    database path and data version, and every choice (indicator, period, measure, group).
    The result is shared, so it is never changed after: ``st.plotly_chart`` and the image
    export copy a figure before touching it.
    """
    return _built((lang(), *key), build)  # type: ignore[return-value]


def snapshot() -> tuple[str, int]:
    """The cache key for this run: database path and data version."""
    return str(store().path), version()


@st.cache_data(show_spinner=False, max_entries=8)
def table(path: str, data_version: int, name: str) -> pd.DataFrame:
    """One of the store's small tables (benchmark pairs, gaps, phases, milestones)."""
    return _store(path).table(name)


@st.cache_data(show_spinner=False, max_entries=4)
def events(path: str, data_version: int) -> pd.DataFrame:
    """Every event (政策出台、项目投产、口径调整), oldest first (cached until the data changes)."""
    return _store(path).events()


@st.cache_data(show_spinner=False, max_entries=32)
def annual(path: str, data_version: int, indicator: str, *, frequency: str) -> pd.DataFrame:
    """Annual series of one indicator for every unit (``unit_code, year, value``)."""
    obs = scoped(path, data_version, indicators=(indicator,), value_kinds=("actual",))
    return annual_series(obs, indicator, frequency)


@st.cache_data(show_spinner=False, max_entries=32)
def stated_of(
    path: str, data_version: int, indicator: str, *, growth: str | None, units: tuple[str, ...]
) -> pd.DataFrame:
    """The plan's stated annual figures and growth rates for these units (赶超轨迹 audit;
    cached)."""
    codes = (indicator,) if growth is None else (indicator, growth)
    obs = scoped(path, data_version, indicators=codes, units=units, freqs=("Y",))
    return stated_plan(obs, indicator, growth, units=list(units))


@st.cache_data(show_spinner=False, max_entries=32)
def plan_audit_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    growth: str | None,
    units: tuple[str, ...],
    higher: bool,
) -> tuple[tuple[int, float, float] | None, pd.DataFrame]:
    """The plan audit of :func:`stated_of`'s lines (cached): the year the plan itself has
    ``units[0]`` level with ``units[1]`` (with both stated values), and the lines that do
    not add up (:func:`~bxgc_metrics.metrics.audit.audit_plan`)."""
    stated = stated_of(path, data_version, indicator, growth=growth, units=units)
    verdict = stated_crossing(stated, units[0], units[1], higher_is_better=higher)
    return verdict, audit_plan(stated)


def gap_observations(
    path: str,
    data_version: int,
    units: tuple[str, ...],
    *,
    indicators: tuple[str, ...],
    years: tuple[int, int],
) -> pd.DataFrame:
    """Actual figures of the units, indicators and years that commitments promised to move."""
    return scoped(
        path,
        data_version,
        indicators=indicators,
        units=units,
        value_kinds=("actual",),
        years=years,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def trajectory_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    frequency: str,
    chaser: str,
    benchmarks: tuple[str, ...],
    model: str,
    target_year: int,
    rates: tuple[tuple[str, float], ...],
    higher_is_better: bool,
    measure: str,
) -> Trajectory:
    """The catch-up answers (cached: moving a slider back is instant)."""
    units = (chaser, *benchmarks)
    calibrated = (
        None
        if model in WHAT_IF_MODELS
        else calibration_of(
            path, data_version, indicator, frequency=frequency, units=units, model=model
        )
    )
    return trajectory(
        annual(path, data_version, indicator, frequency=frequency),
        chaser,
        benchmarks,
        model=model,
        target_year=target_year,
        rates=dict(rates),
        higher_is_better=higher_is_better,
        calibrated=calibrated,
        measure=measure,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def backtest_errors(
    path: str,
    data_version: int,
    indicator: str,
    *,
    frequency: str,
    units: tuple[str, ...],
    model: str,
) -> pd.DataFrame:
    """One model's back-test errors on these units' series, their peers' added when short
    (kept across target years and what-if rates)."""
    series = annual(path, data_version, indicator, frequency=frequency)
    return pooled_errors(series, model, list(units))


def calibration_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    frequency: str,
    units: tuple[str, ...],
    model: str,
) -> Calibration:
    """The bands and the chance of one model on these units' series."""
    errors = backtest_errors(
        path, data_version, indicator, frequency=frequency, units=units, model=model
    )
    return calibration(errors)


@st.cache_data(show_spinner=False, max_entries=64)
def skill_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    frequency: str,
    units: tuple[str, ...],
    models: tuple[str, ...],
) -> pd.DataFrame:
    """How each model did in back-tests on these units' series (the picker's table;
    cached: every slider move reruns the page)."""
    rows = [
        model_skill(
            backtest_errors(
                path, data_version, indicator, frequency=frequency, units=units, model=m
            ),
            m,
            units,
        )
        for m in models
    ]
    return pd.DataFrame(rows, columns=SKILL_COLUMNS)


@st.cache_data(show_spinner=False, max_entries=64)
def standings_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    freq: str,
    year: int,
    sub: int,
    by: str,
    higher_is_better: bool,
    group: str,
) -> pd.DataFrame:
    """One indicator's standings in one period among the units of ``group`` (cached).

    The one standings computation behind the overview, the rankings page, the meeting
    screen and their exports: who is ranked is decided here, by
    :func:`bxgc_metrics.tables.standings.members`, never by a page.
    """
    periods = _with_previous(path, data_version, [indicator], freq=freq, year=year, sub=sub)
    obs = scoped(path, data_version, indicators=(indicator,), freqs=(freq, "Y"), periods=periods)
    members = members_of(path, data_version, group)
    return standings(
        obs,
        indicator,
        freq,
        year=year,
        sub=sub,
        by=by,
        higher_is_better=higher_is_better,
        units=members,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def reports_of(
    path: str,
    data_version: int,
    indicators: tuple[str, ...] | None,
    *,
    freq: str,
    year: int,
    sub: int,
) -> pd.DataFrame:
    """Who reported ``indicators`` (every one when ``None``) in the period and the twelve
    months before it: each pair's latest figure among them
    (:meth:`~bxgc_metrics.store.Store.reports_in`), what tells who is expected (cached)."""
    return _store(path).reports_in(
        freq=freq, indicators=indicators, periods=ranking.expected_periods(freq, year, sub)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def unreported_of(
    path: str, data_version: int, indicator: str, *, freq: str, year: int, sub: int, group: str
) -> tuple[tuple[str, ...], int]:
    """The units of ``group`` expected to report ``indicator`` in the period that have
    not, and how many are expected (:func:`bxgc_metrics.tables.standings.expected_units`
    and :func:`~bxgc_metrics.tables.standings.unreported`, as the 通报 and the reporting
    round count them): what the rankings, the overview and the wall say of a partly
    reported period (cached)."""
    reports = reports_of(path, data_version, (indicator,), freq=freq, year=year, sub=sub)
    members = members_of(path, data_version, group)
    expected = ranking.expected_units(
        reports, [indicator], year=year, sub=sub, freq=freq, units=members
    ).get(indicator, ())
    current = reports[(reports["year"] == year) & (reports["sub"] == sub)]
    return ranking.unreported(current, expected), len(expected)


@st.cache_data(show_spinner=False, max_entries=64)
def composite_unreported_of(
    path: str, data_version: int, year: int, *, sub: int, by: str, group: str, options: tuple
) -> tuple[str, ...]:
    """The units :func:`composite_of` ranks without, as they have not reported every
    indicator it weighs (:func:`bxgc_metrics.tables.scorecard.composite_unreported`, as
    the 通报 names them; cached)."""
    table = composite_of(path, data_version, year, sub=sub, by=by, group=group, options=options)
    periods = _with_previous(path, data_version, None, freq="M", year=year, sub=sub)
    obs = scoped(path, data_version, freqs=("M", "Y"), periods=periods)
    members = members_of(path, data_version, group)
    reports = reports_of(path, data_version, None, freq="M", year=year, sub=sub)
    return composite_unreported(obs, table, year=year, sub=sub, units=members, reports=reports)


def members_of(path: str, data_version: int, group: str) -> tuple[str, ...]:
    """The unit codes ranked in ``group`` (:func:`bxgc_metrics.tables.standings.members`)."""
    return ranking.members(units(path, data_version), group)


@st.cache_data(show_spinner=False, max_entries=8)
def peer_groups(path: str, data_version: int) -> list[str]:
    """The peer groups a ranking can be narrowed to (cached until the data changes: four
    pages offer them on every rerun)."""
    return ranking.peer_groups(units(path, data_version))


@st.cache_data(show_spinner=False, max_entries=64)
def references_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    freq: str,
    year: int,
    sub: int,
    by: str,
    higher_is_better: bool,
) -> pd.DataFrame:
    """The external benchmarks' figures in one period: marks beside a ranking, unranked."""
    refs = ranking.references(units(path, data_version))
    obs = scoped(
        path,
        data_version,
        indicators=(indicator,),
        freqs=(freq, "Y"),
        periods=tuple(_progress_periods(year, sub)),
    )
    return reference_marks(
        obs,
        indicator,
        freq,
        year=year,
        sub=sub,
        by=by,
        higher_is_better=higher_is_better,
        units=refs,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def scorecard_of(
    path: str, data_version: int, year: int, *, sub: int, by: str, group: str
) -> pd.DataFrame:
    """The units × indicators matrix of a month among the units of ``group`` (cached)."""
    members = members_of(path, data_version, group)
    obs = scoped(path, data_version, freqs=("M", "Y"), periods=tuple(_progress_periods(year, sub)))
    return scorecard(
        obs,
        indicators(path, data_version),
        "M",
        year=year,
        sub=sub,
        by=by,
        units=members,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def composite_of(
    path: str,
    data_version: int,
    year: int,
    *,
    sub: int,
    by: str,
    group: str,
    options: tuple,
) -> pd.DataFrame:
    """Composite standings of a month (cached); ``options`` as sorted key/value pairs."""
    members = members_of(path, data_version, group)
    opts = {k: (dict(v) if isinstance(v, tuple) else v) for k, v in options}
    periods = _with_previous(path, data_version, None, freq="M", year=year, sub=sub)
    obs = scoped(path, data_version, freqs=("M", "Y"), periods=periods)
    return composite_standings(
        obs,
        indicators(path, data_version),
        "M",
        year=year,
        sub=sub,
        by=by,
        units=members,
        options=opts,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def reward_ranks_of(
    path: str, data_version: int, year: int, *, kind: str, by: str, group: str
) -> pd.DataFrame:
    """Composite ranks at half-year or year-end against a year earlier (cached)."""
    members = members_of(path, data_version, group)
    month = 6 if kind == "half" else 12
    periods = {*_progress_periods(year, month), *_progress_periods(year - 1, month)}
    obs = scoped(path, data_version, freqs=("M", "Y"), periods=tuple(sorted(periods)))
    return reward_standings(
        obs,
        indicators(path, data_version),
        year,
        period_kind=kind,
        by=by,
        units=members,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def pace_matrix_of(
    path: str, data_version: int, freq: str, *, year: int, sub: int, group: str
) -> pd.DataFrame:
    """Completion minus time elapsed per unit and indicator (cached)."""
    members = members_of(path, data_version, group)
    chosen = indicators(path, data_version)
    chosen = chosen[(chosen["frequency"] == freq) & (chosen["kind"] != "rate")]
    periods = tuple(_progress_periods(year, sub))
    obs = scoped(path, data_version, freqs=(freq, "Y"), periods=periods)
    return pace_matrix(obs, chosen, freq, year=year, sub=sub, units=members)


@st.cache_data(show_spinner=False, max_entries=32)
def race_of(
    path: str,
    data_version: int,
    indicator: str,
    *,
    by: str,
    higher_is_better: bool,
    group: str,
) -> pd.DataFrame:
    """The ranking race's frames for the latest year among the units of ``group`` (cached)."""
    members = members_of(path, data_version, group)
    months = monthly_periods(path, data_version, indicator)
    if months.empty:  # nothing to race: the metric's own empty frame
        return race_frames(scoped(path, data_version, indicators=(indicator,)), indicator, by)
    year = int(months["year"].max())
    obs = scoped(path, data_version, indicators=(indicator,), years=(year - 1, year))
    return race_frames(
        obs, indicator, by, higher_is_better=higher_is_better, units=members, year=year
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def reporting_round(
    path: str, data_version: int, period: str, *, group: str, today: str, contacts: bool = True
) -> Round:
    """The reporting round of ``period`` (a label) for ``group`` as of ``today`` (ISO date,
    so a new day recomputes it); without ``contacts``, its :meth:`Round.without_contacts`,
    made once from the full round. Shared, not copied (see :func:`built`): a thousand units'
    round is read by every rerun of the overview and the quality page."""
    if not contacts:
        full = reporting_round(path, data_version, period, group=group, today=today)
        return full.without_contacts()
    return oversight.reporting_round(
        _store(path), period, group=group, today=dt.date.fromisoformat(today)
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def quality_report(path: str, data_version: int) -> QualityReport:
    """Every data-quality flag, with the 核实无误 marks applied, and each unit's score.
    Shared, not copied (see :func:`built`)."""
    return oversight.quality_report(_store(path))


@st.cache_data(show_spinner=False, max_entries=32)
def flagged_units(
    path: str, data_version: int, indicator: str, *, period: tuple[str, int, int]
) -> frozenset[str]:
    """Units with an open flag on ``indicator``'s figure of ``period`` (the ⚠ badge)."""
    freq, year, sub = period
    found = Period(year, freq, sub)
    report = oversight.quality_report(_store(path), period=found, indicator=indicator)
    return oversight.flagged_units(report, indicator, found)


@st.cache_data(show_spinner=False, max_entries=4)
def reviews(path: str, data_version: int) -> pd.DataFrame:
    """The flags someone marked 核实无误."""
    return _store(path).quality_reviews()


@st.cache_data(show_spinner=False, max_entries=4)
def quality_rules(path: str, data_version: int) -> pd.DataFrame | None:
    """The stored data-quality rules, or ``None`` (the shipped defaults apply)."""
    return _store(path).quality_rules()


def year_record_of(path: str, data_version: int, year: int, *, group: str) -> pd.DataFrame:
    """Each unit's late and missing reports over ``year`` (the 漏统漏报 deduction's counts)
    as of today (:func:`bxgc_metrics.clock.today`): a report becomes missing on the day
    after it was due, with or without an import, so the day is part of the cache key."""
    return _year_record_on(path, data_version, year, group=group, today=clock.today().isoformat())


@st.cache_data(show_spinner=False, max_entries=8)
def _year_record_on(
    path: str, data_version: int, year: int, *, group: str, today: str
) -> pd.DataFrame:
    """:func:`year_record_of` on ``today`` (ISO date)."""
    return oversight.year_record(
        _store(path), year, group=group, today=dt.date.fromisoformat(today)
    )
