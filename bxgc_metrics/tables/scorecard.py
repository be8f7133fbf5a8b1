"""The units × indicators scorecard behind the composite ranking, and the reward standings.

A composite ranking (综合排名) combines every monthly indicator's completion rate (or its
year-on-year growth) in one period. :func:`scorecard` builds that matrix from the store's
observations; :func:`composite_standings` ranks it with
:func:`bxgc_metrics.metrics.ranking.composite` in this period and the previous one, so the rank
moves and the rewards for places gained (进位奖) come from the same numbers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from bxgc_metrics.metrics.ranking import composite
from bxgc_metrics.metrics.targets import pace
from bxgc_metrics.periods import months_elapsed
from bxgc_metrics.tables.progress import progress_by_indicator, progress_periods
from bxgc_metrics.tables.standings import bands, expected_units, previous_period

_SOURCE = {"completion": "completion", "growth": "yoy"}

COVERAGE = 0.5
"""A composite must cover more than this share of the period's indicators.

An indicator belongs to the period when a unit has a figure for it then or in the same
period a year earlier; one reported by too few units this time is left out (see
:func:`scorecard`). When no more than this share remains (a month only one indicator has
come in for) no composite is made: the scorecard has no columns, so the rankings page says
the period's figures cannot make one and a bulletin prints no 红榜 or 黑榜. A campaign of
one indicator still has its composite."""


def scorecard(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    freq: str,
    *,
    year: int,
    sub: int,
    by: str = "completion",
    units: Collection[str] | None = None,
) -> pd.DataFrame:
    """Units × indicators matrix of completion rates (or growth) in one period.

    Only indicators reported at ``freq`` are used. Indicators missing for more than half
    of the units are dropped, then units missing any remaining indicator, because a
    composite needs a complete matrix and imputing officials' figures is not ours to do.
    When what remains is not more than :data:`COVERAGE` of the period's indicators the
    matrix has no columns (no composite).

    Examples
    --------
    >>> obs = pd.DataFrame({
    ...     "unit_code": ["A", "B"] * 2, "indicator_code": ["R"] * 4,
    ...     "freq": ["M", "M", "Y", "Y"], "year": 2026, "sub": [6, 6, 0, 0],
    ...     "value_kind": ["actual"] * 2 + ["target"] * 2, "value": [50.0, 30.0, 100.0, 100.0]})
    >>> inds = pd.DataFrame({"code": ["R"], "direction": ["higher"], "frequency": ["M"]})
    >>> scorecard(obs, inds, "M", year=2026, sub=6).to_dict()
    {'R': {'A': 0.5, 'B': 0.3}}
    """
    chosen = indicators[indicators["frequency"] == freq].drop_duplicates("code")
    codes = list(chosen["code"])
    # The figures of period_progress, for every indicator at once.
    directions = dict(zip(codes, chosen["direction"] == "higher", strict=True))
    at = progress_periods(directions, year=year, sub=sub)
    progress = progress_by_indicator(observations, freq, at)
    if units is not None:
        progress = progress[progress["unit_code"].isin(list(units))]
    if progress.empty:
        empty = pd.Index(progress["unit_code"], name="unit_code")
        return pd.DataFrame(index=empty, columns=codes, dtype=float)
    metric = progress.set_index(["unit_code", "indicator_code"])[_SOURCE[by]].astype(float)
    matrix = metric.unstack("indicator_code").reindex(columns=codes)
    matrix.columns.name = None
    matrix = matrix.loc[:, matrix.notna().mean() >= 0.5] if len(matrix) else matrix
    expected = _period_indicators(observations, freq, codes, year=year, sub=sub, units=units)
    if matrix.shape[1] <= COVERAGE * expected:
        matrix = matrix.iloc[:, :0]
    return matrix.dropna().sort_index()


def _period_indicators(
    observations: pd.DataFrame,
    freq: str,
    codes: list[str],
    *,
    year: int,
    sub: int,
    units: Collection[str] | None,
) -> int:
    """How many of ``codes`` some unit (of ``units``) has an actual figure for in
    ``year``-``sub`` or the same period a year earlier."""
    o = observations
    keep = (
        (o["freq"] == freq)
        & (o["value_kind"] == "actual")
        & (o["sub"] == sub)
        & o["year"].isin([year, year - 1])
        & o["indicator_code"].isin(codes)
    )
    if units is not None:
        keep &= o["unit_code"].isin(list(units))
    return int(o.loc[keep, "indicator_code"].nunique())


def directions(indicators: pd.DataFrame, by: str) -> dict[str, bool]:
    """Higher-is-better per indicator for a scorecard: completion is direction-aware already."""
    if by == "completion":
        return dict.fromkeys(indicators["code"], True)
    return dict(zip(indicators["code"], indicators["direction"] == "higher", strict=True))


def composite_standings(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    freq: str,
    *,
    year: int,
    sub: int,
    by: str = "completion",
    units: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Composite score and rank per unit, with the rank in the previous period.

    ``options`` go to :func:`bxgc_metrics.metrics.ranking.composite` (``normalisation``,
    ``weights``, ``aggregation``). Returns columns ``unit_code, score, rank,
    previous_rank, rank_change`` (positive = places gained; the previous rank among the
    units ranked now) and ``band`` (the first
    three, the last three 末位: :func:`~bxgc_metrics.tables.standings.bands`), best first;
    the weights the score used (indicator code → weight, summing to 1) are in
    ``attrs["weights"]``, so an export can state the method without working it out again.
    """
    matrix = scorecard(observations, indicators, freq, year=year, sub=sub, by=by, units=units)
    now = _rank_matrix(matrix, indicators, by, options=options)
    weights = dict(now.attrs.get("weights", {}))
    # The previous period of an indicator the composite actually uses.
    before = (
        previous_period(observations, str(matrix.columns[0]), freq, year=year, sub=sub)
        if matrix.shape[1]
        else None
    )
    if before is not None:
        # among the units ranked now, as a single indicator's move is counted
        # (:func:`~bxgc_metrics.tables.standings.standings`)
        both = now.loc[now["rank"].notna(), "unit_code"].astype(str).tolist()
        prev = _ranked(
            observations,
            indicators,
            freq,
            year=before[1],
            sub=before[2],
            by=by,
            units=both,
            options=options,
        )
        now = now.merge(
            prev[["unit_code", "rank"]].rename(columns={"rank": "previous_rank"}),
            on="unit_code",
            how="left",
        )
    else:
        now["previous_rank"] = pd.NA
    now["previous_rank"] = now["previous_rank"].astype("Int64")
    now["rank_change"] = now["previous_rank"] - now["rank"]
    out = now.sort_values(["rank", "unit_code"]).reset_index(drop=True)
    out["band"] = bands(out["rank"].astype("Int64"))
    out.attrs["weights"] = weights
    return out


def composite_unreported(
    observations: pd.DataFrame,
    composite: pd.DataFrame,
    *,
    year: int,
    sub: int,
    units: Collection[str] | None = None,
    reports: pd.DataFrame | None = None,
) -> tuple[str, ...]:
    """The units (of ``units``) that ``composite`` (:func:`composite_standings` of the
    period) ranks without because they have not reported the month's figure of an
    indicator it weighs that they are expected to report
    (:func:`~bxgc_metrics.tables.standings.expected_units`); sorted. What the rankings
    page and the 通报 say under a composite of a partly reported month. A unit that has
    reported every such figure is never one of them, even when the composite cannot
    score it (no target, no figure a year earlier). ``reports`` is who reported in the
    month and the twelve months before it (:meth:`Store.reports_in`), read from
    ``observations`` when ``None``.

    >>> obs = pd.DataFrame({"unit_code": ["A", "B", "A", "C", "C"],
    ...     "indicator_code": ["R", "R", "R", "R", "S"], "freq": "M", "year": 2026,
    ...     "sub": [10, 10, 11, 11, 11], "value_kind": "actual", "value": 1.0})
    >>> ranked = pd.DataFrame({"unit_code": ["A"]})
    >>> ranked.attrs["weights"] = {"R": 0.5, "S": 0.5}
    >>> composite_unreported(obs, ranked, year=2026, sub=11)  # C reported both: not named
    ('B',)
    """
    used = list(composite.attrs.get("weights", {}))
    if not used:
        return ()
    source = observations if reports is None else reports
    expected = expected_units(source, used, year=year, sub=sub, units=units)
    o = observations
    now = o[
        (o["freq"] == "M")
        & (o["value_kind"] == "actual")
        & (o["year"] == year)
        & (o["sub"] == sub)
        & o["value"].notna()
    ]
    have = set(zip(now["indicator_code"].astype(str), now["unit_code"].astype(str), strict=True))
    missing = {u for code, who in expected.items() for u in who if (code, u) not in have}
    ranked = set(composite["unit_code"].astype(str))
    return tuple(sorted(missing - ranked))


def _ranked(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    freq: str,
    *,
    year: int,
    sub: int,
    by: str,
    units: Collection[str] | None,
    options: Mapping[str, Any] | None,
) -> pd.DataFrame:
    matrix = scorecard(observations, indicators, freq, year=year, sub=sub, by=by, units=units)
    return _rank_matrix(matrix, indicators, by, options=options)


def _rank_matrix(
    matrix: pd.DataFrame, indicators: pd.DataFrame, by: str, *, options: Mapping[str, Any] | None
) -> pd.DataFrame:
    """Composite score and rank of an already built scorecard."""
    if matrix.empty or matrix.shape[1] == 0:
        return pd.DataFrame({"unit_code": [], "score": [], "rank": pd.Series([], dtype="Int64")})
    opts = dict(options or {})
    weights = opts.get("weights", "equal")
    if isinstance(weights, Mapping):
        kept = {k: v for k, v in weights.items() if k in matrix.columns and v > 0}
        matrix = matrix[list(kept)] if kept else matrix
        opts["weights"] = kept or "equal"
    result = composite(matrix, directions(indicators, by), **opts)
    out = result.scores.rename_axis("unit_code").reset_index()
    out.attrs["weights"] = {str(k): float(v) for k, v in result.weights.items()}
    return out


def reward_standings(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    *,
    period_kind: str,
    by: str = "completion",
    units: Collection[str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Composite ranks at half-year (June) or year-end (December), against the same point
    a year earlier (同比每上升一个名次). Columns ``unit, rank, previous_rank``."""
    month = 6 if period_kind == "half" else 12
    now = _ranked(
        observations, indicators, "M", year=year, sub=month, by=by, units=units, options=options
    )
    before = _ranked(
        observations, indicators, "M", year=year - 1, sub=month, by=by, units=units, options=options
    )
    out = now[["unit_code", "rank"]].merge(
        before[["unit_code", "rank"]].rename(columns={"rank": "previous_rank"}),
        on="unit_code",
        how="left",
    )
    return out.rename(columns={"unit_code": "unit"})


def pace_matrix(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    freq: str,
    *,
    year: int,
    sub: int,
    units: Collection[str] | None = None,
) -> pd.DataFrame:
    """时间过半、任务过半 for every unit and indicator: :func:`bxgc_metrics.metrics.targets.pace`'s
    gap, completion against time elapsed in percentage points (positive = ahead of the
    calendar; a cap's sign flipped, as the overview's table reads it), whose verdict is
    :func:`~bxgc_metrics.metrics.targets.pace_status` of it. Every unit with a figure is
    a row, NaN where it has none for an indicator (a composite's rule of whole rows is not
    this one's).

    Flows and stocks only (a growth rate has no annual share to keep pace with).

    Examples
    --------
    >>> obs = pd.DataFrame({
    ...     "unit_code": ["A", "B"] * 2, "indicator_code": ["R"] * 4,
    ...     "freq": ["M", "M", "Y", "Y"], "year": 2026, "sub": [6, 6, 0, 0],
    ...     "value_kind": ["actual"] * 2 + ["target"] * 2, "value": [54.0, 30.0, 100.0, 100.0]})
    >>> inds = pd.DataFrame({"code": ["R"], "direction": ["higher"], "frequency": ["M"],
    ...                      "kind": ["flow"]})
    >>> pace_matrix(obs, inds, "M", year=2026, sub=6).round(1).to_dict()
    {'R': {'A': 4.0, 'B': -20.0}}
    """
    chosen = indicators[(indicators["kind"] != "rate") & (indicators["frequency"] == freq)]
    chosen = chosen.drop_duplicates("code")
    codes = list(chosen["code"])
    directions = dict(zip(codes, chosen["direction"] == "higher", strict=True))
    progress = progress_by_indicator(
        observations, freq, progress_periods(directions, year=year, sub=sub)
    )
    if units is not None:
        progress = progress[progress["unit_code"].isin(list(units))]
    higher = progress["indicator_code"].map(directions).astype(bool).to_numpy()
    paced = pace(
        progress, months_elapsed(freq, sub) / 12.0, higher_is_better=higher, actual="value"
    )
    gaps = paced.set_index(["unit_code", "indicator_code"])["gap_pp"].astype(float)
    matrix = gaps.unstack("indicator_code").reindex(columns=codes)
    matrix.columns.name = None
    return matrix.dropna(how="all").dropna(axis=1, how="all").sort_index()
