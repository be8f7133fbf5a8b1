"""Cached loaders between the pages and the store.

Reads are cached per database file and *data version*, a counter the store raises with
every committed write, so an import invalidates every page's cache at once and the
meeting screen notices new data by polling one cheap number.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics.scorecard import composite_standings, pace_matrix, reward_standings, scorecard
from bxgc_metrics.standings import race_frames, standings
from bxgc_metrics.store import Store, default_path
from bxgc_metrics.trajectory import (
    Trajectory,
    annual_series,
    catch_up_probability,
    trajectory,
)


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
def observations(path: str, data_version: int) -> pd.DataFrame:
    """Every observation with its period label (cached until the data changes)."""
    return _store(path).observations()


def snapshot() -> tuple[str, int]:
    """The cache key for this run: database path and data version."""
    return str(store().path), version()


@st.cache_data(show_spinner=False, max_entries=8)
def table(path: str, data_version: int, name: str) -> pd.DataFrame:
    """One of the store's small tables (benchmark pairs, gaps, phases, milestones)."""
    return _store(path).table(name)


@st.cache_data(show_spinner=False, max_entries=32)
def annual(path: str, data_version: int, indicator: str, frequency: str) -> pd.DataFrame:
    """Annual series of one indicator for every unit (``unit_code, year, value``)."""
    return annual_series(observations(path, data_version), indicator, frequency)


@st.cache_data(show_spinner=False, max_entries=64)
def trajectory_of(
    path: str,
    data_version: int,
    indicator: str,
    frequency: str,
    chaser: str,
    benchmarks: tuple[str, ...],
    model: str,
    target_year: int,
    rates: tuple[tuple[str, float], ...],
    higher_is_better: bool,
) -> Trajectory:
    """The catch-up answers (cached: moving a slider back is instant)."""
    return trajectory(
        annual(path, data_version, indicator, frequency),
        chaser,
        benchmarks,
        model=model,
        target_year=target_year,
        rates=dict(rates),
        higher_is_better=higher_is_better,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def probability(
    path: str,
    data_version: int,
    indicator: str,
    frequency: str,
    chaser: str,
    benchmark: str,
    target_year: int,
    higher_is_better: bool,
) -> float:
    """Share of simulated paths on which the chaser is level by the target year."""
    series = annual(path, data_version, indicator, frequency)
    return catch_up_probability(series, chaser, benchmark, target_year, higher_is_better)


def _members(members: list[str] | None) -> tuple[str, ...] | None:
    return None if members is None else tuple(members)


@st.cache_data(show_spinner=False, max_entries=64)
def standings_of(
    path: str,
    data_version: int,
    indicator: str,
    year: int,
    sub: int,
    by: str,
    higher_is_better: bool,
    members: tuple[str, ...] | None,
) -> pd.DataFrame:
    """One indicator's standings in a month (cached)."""
    return standings(
        observations(path, data_version), indicator, "M", year, sub, by, higher_is_better, members
    )


@st.cache_data(show_spinner=False, max_entries=32)
def scorecard_of(
    path: str, data_version: int, year: int, sub: int, by: str, members: tuple[str, ...] | None
) -> pd.DataFrame:
    """The units × indicators matrix of a month (cached)."""
    return scorecard(
        observations(path, data_version),
        indicators(path, data_version),
        "M",
        year,
        sub,
        by,
        members,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def composite_of(
    path: str,
    data_version: int,
    year: int,
    sub: int,
    by: str,
    members: tuple[str, ...] | None,
    options: tuple,
) -> pd.DataFrame:
    """Composite standings of a month (cached); ``options`` as sorted key/value pairs."""
    opts = {k: (dict(v) if isinstance(v, tuple) else v) for k, v in options}
    return composite_standings(
        observations(path, data_version),
        indicators(path, data_version),
        "M",
        year,
        sub,
        by=by,
        units=members,
        options=opts,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def reward_ranks_of(
    path: str, data_version: int, year: int, kind: str, by: str, members: tuple[str, ...] | None
) -> pd.DataFrame:
    """Composite ranks at half-year or year-end against a year earlier (cached)."""
    return reward_standings(
        observations(path, data_version),
        indicators(path, data_version),
        year,
        kind,
        by=by,
        units=members,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def pace_matrix_of(
    path: str, data_version: int, freq: str, year: int, sub: int, members: tuple[str, ...]
) -> pd.DataFrame:
    """Completion minus time elapsed per unit and indicator (cached)."""
    chosen = indicators(path, data_version)
    chosen = chosen[(chosen["frequency"] == freq) & (chosen["kind"] != "rate")]
    return pace_matrix(observations(path, data_version), chosen, freq, year, sub, members)


@st.cache_data(show_spinner=False, max_entries=32)
def race_of(
    path: str,
    data_version: int,
    indicator: str,
    by: str,
    higher_is_better: bool,
    members: tuple[str, ...] | None,
) -> pd.DataFrame:
    """The ranking race's frames for the latest year (cached)."""
    return race_frames(observations(path, data_version), indicator, by, higher_is_better, members)
