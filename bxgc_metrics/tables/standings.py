"""Standings for the meeting screen: who leads, who moved, who is last (末位).

A meeting (调度会/推进会) ranks every unit on one indicator in the latest reporting
period, by completion rate against the annual target (完成率) or by year-on-year growth
(同比增长), shows each unit's move (进位) against the previous period, and marks the top
three and the last places. :func:`standings` builds that table for one period;
:func:`race_frames` builds it for every period of a year, in the long form an animated
"ranking race" chart draws frame by frame.

Both build on :func:`bxgc_metrics.tables.progress.period_progress` (value, target, completion,
growth for every unit at once) and :func:`bxgc_metrics.metrics.ranking.rank_units` (ties share
the better place), so the numbers on the big screen are the numbers on every other page.

Who is ranked. One rule, :func:`members`, decides who takes a place on every page,
screen and export: every unit except the external benchmarks (外部标杆, such as a leading
city), which are compared against but never ranked or given a place; a peer group
narrows it to the units of that group. :func:`references` names the external benchmarks,
which charts show as reference marks beside the ranking.

Order rule. Within a period, rows are ordered by rank, then by ``unit_code``; units
without a value to rank on come last. :func:`race_frames` numbers that order as
``position`` (1, 2, … n, no ties), so an animation can give every bar a place that is
unique in each frame and stable when values tie.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from bxgc_metrics.metrics.ranking import rank_units
from bxgc_metrics.metrics.reporting import end_index, expected_rows, lookback_periods
from bxgc_metrics.metrics.targets import PACE_AHEAD, PACE_ON, PACE_UNKNOWN, pace
from bxgc_metrics.periods import Period, format_label
from bxgc_metrics.tables.progress import period_progress, progress_by_indicator, progress_periods

BY = ("completion", "growth", "value")
"""What a standing ranks on: completion rate, year-on-year growth or the value itself."""

_SOURCE = {"completion": "completion", "growth": "yoy", "value": "value"}

BANDS = ("top", "middle", "bottom", "unranked")
"""``top`` (the first ``top`` places), ``bottom`` (末位, the last ``bottom`` places),
``middle``, and ``unranked`` for units without a value to rank on."""

STANDINGS_COLUMNS = (
    "unit_code",
    "value",
    "target",
    "completion",
    "yoy",
    "metric",
    "rank",
    "previous_rank",
    "rank_change",
    "band",
)
"""Columns of :func:`standings`.

``value``, ``target``, ``completion`` and ``yoy`` as in
:data:`bxgc_metrics.tables.progress.PROGRESS_COLUMNS`; ``metric`` the column ranked on;
``rank`` (``Int64``, 1 = best, ties share the better place); ``previous_rank`` the rank in
the previous period among the units ranked in both (a unit yet to report this period
gives no one a place); ``rank_change = previous_rank - rank``
(positive = places gained; missing when there is no previous rank); ``band`` one of
:data:`BANDS`.
"""

RACE_COLUMNS = (
    "period",
    "year",
    "sub",
    "unit_code",
    "value",
    "metric",
    "rank",
    "position",
    "band",
)
"""Columns of :func:`race_frames`: one row per unit and period; ``period`` the canonical
label (``2026-03``); ``position`` the unit's place in the frame's order (1 … n, unique);
the rest as in :data:`STANDINGS_COLUMNS`."""


EXTERNAL = "外部标杆"
"""The unit kind of an external benchmark: compared against, never ranked."""

ALL = "all"
"""The peer-group choice that ranks every unit (but the external benchmarks)."""


def _text(values: pd.Series) -> pd.Series:
    """Text values with missing and blank ones as ``""`` (a peer group may be empty)."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def members(units: pd.DataFrame, group: str = ALL) -> tuple[str, ...]:
    """The unit codes ranked in ``group``: every unit but the external benchmarks, or those
    of one peer group. Units without a peer group (as an import creates them) are ranked
    in ``all``.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["A", "B", "C", "X"],
    ...                       "kind": ["街道", "乡镇", "街道", "外部标杆"],
    ...                       "peer_group": ["城区", "乡镇", None, "外部标杆"]})
    >>> members(units), members(units, "城区"), members(units, "外部标杆")
    (('A', 'B', 'C'), ('A',), ())
    """
    inside = units[units["kind"] != EXTERNAL]
    if group != ALL:
        inside = inside[_text(inside["peer_group"]) == group]
    return tuple(sorted(inside["code"].astype(str)))


def expected_periods(freq: str, year: int, sub: int) -> tuple[tuple[int, int], ...]:
    """The ``(year, sub)`` periods of ``freq`` whose figures make a unit expected in the
    period (:func:`expected_units`): the twelve months before it and the period itself,
    earliest first (:func:`~bxgc_metrics.metrics.reporting.lookback_periods`). What a
    page or a document reads to count who has not reported.

    >>> expected_periods("Q", 2026, 3)
    ((2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3))
    """
    return tuple((p.year, p.sub) for p in lookback_periods(Period(year, freq, sub)))


def expected_units(
    observations: pd.DataFrame,
    indicators: Collection[str],
    *,
    year: int,
    sub: int,
    freq: str = "M",
    units: Collection[str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Per indicator, the units (of ``units``, or any) expected to report it in the
    period, sorted: those with an actual figure of it in the period or in the twelve
    months before it (:func:`expected_periods`), the rule the reporting rounds chase
    units by (:func:`~bxgc_metrics.metrics.reporting.expected_rows`). A unit that has never
    reported an indicator, or stopped more than a year before, is not expected; an
    indicator no unit is expected to report is left out. ``observations`` need hold only
    those periods (or, of them, each pair's latest figure: :meth:`Store.reports_in`), so
    a page, the 通报 and their documents, each reading its own scope, expect the same
    units as the quality page.

    Examples
    --------
    In November 2026: A reported it, B October, C March, D November a year earlier, E
    October a year earlier (thirteen months before):

    >>> obs = pd.DataFrame({"unit_code": ["A", "B", "C", "D", "E"], "indicator_code": "R",
    ...     "freq": "M", "year": [2026, 2026, 2026, 2025, 2025], "sub": [11, 10, 3, 11, 10],
    ...     "value_kind": "actual", "value": 1.0})
    >>> expected_units(obs, ["R"], year=2026, sub=11)
    {'R': ('A', 'B', 'C', 'D')}
    """
    o = observations
    keep = (
        (o["freq"] == freq)
        & (o["value_kind"] == "actual")
        & o["indicator_code"].isin(list(indicators))
        & o["value"].notna()
    )
    if units is not None:
        keep &= o["unit_code"].isin(list(units))
    found = o.loc[keep, ["unit_code", "indicator_code", "freq", "year", "sub"]].astype(
        {"unit_code": str, "indicator_code": str, "freq": str}
    )
    found["idx"] = end_index(found)
    target = pd.DataFrame({"freq": [freq], "year": [year], "sub": [sub]})
    target["idx"] = end_index(target)
    rows = expected_rows(found, target)
    if rows.empty:
        return {}
    pairs = rows[["indicator_code", "unit_code"]].sort_values(["indicator_code", "unit_code"])
    return {
        code: tuple(group["unit_code"])
        for code, group in pairs.groupby("indicator_code", sort=False)
    }


def unreported(standing: pd.DataFrame, expected: Collection[str]) -> tuple[str, ...]:
    """The units of ``expected`` (:func:`expected_units`) without a figure in
    ``standing`` (:func:`standings` of the period), in ``expected``'s order: those a
    partly reported period ranks without (the rankings' and the wall's 已报 14/16, the
    通报's 未报送).

    >>> standing = pd.DataFrame({"unit_code": ["A", "C"], "value": [5.0, 7.0]})
    >>> unreported(standing, ("A", "B", "C", "D"))
    ('B', 'D')
    """
    reported = set(standing.loc[standing["value"].notna(), "unit_code"].astype(str))
    return tuple(u for u in expected if u not in reported)


def peer_groups(units: pd.DataFrame) -> list[str]:
    """The peer groups among ranked units, sorted; units without one belong to none.

    >>> units = pd.DataFrame({"code": ["A", "B", "C", "X"], "kind": ["街道", "乡镇", "街道", "外部标杆"],
    ...                       "peer_group": ["城区", "乡镇", None, "外部标杆"]})
    >>> peer_groups(units)
    ['乡镇', '城区']
    """
    groups = _text(units.loc[units["kind"] != EXTERNAL, "peer_group"])
    return sorted({g for g in groups if g})


def references(units: pd.DataFrame) -> tuple[str, ...]:
    """The external benchmarks' codes: shown beside a ranking as marks, never ranked."""
    return tuple(sorted(units.loc[units["kind"] == EXTERNAL, "code"].astype(str)))


def _check_by(by: str) -> None:
    if by not in BY:
        raise ValueError(f"unknown ranking basis {by!r}; choose from {BY}")


def bands(rank: pd.Series, top: int = 3, bottom: int = 3) -> pd.Series:
    """The band of each rank: the first ``top`` places, the last ``bottom`` places (末位).

    ``rank`` holds the ranks of one ranking (missing = unranked). A unit is ``bottom``
    when its rank is among the last ``bottom`` of the ``n`` ranked units
    (``rank > n - bottom``); ties share the better place, so a tie across that line stays
    out. ``top`` wins when a short ranking makes the two overlap.

    Examples
    --------
    >>> bands(pd.Series([1, 2, 2, 4, 5, 6, None], dtype="Int64"), top=2, bottom=2).tolist()
    ['top', 'top', 'top', 'middle', 'bottom', 'bottom', 'unranked']
    """
    return _bands(rank, int(rank.notna().sum()), top=top, bottom=bottom)


def _bands(rank: pd.Series, ranked: int | np.ndarray, *, top: int, bottom: int) -> pd.Series:
    """:func:`bands` with the number of units ranked given (one for each row when the
    rows belong to several rankings)."""
    values = rank.astype("float64").to_numpy()
    out = np.where(values > np.asarray(ranked) - bottom, "bottom", "middle")
    out = np.where(values <= top, "top", out)
    out = np.where(rank.notna().to_numpy(), out, "unranked")
    return pd.Series(out, index=rank.index, dtype=object)


REFERENCE_COLUMNS = ("unit_code", "value", "target", "completion", "yoy", "metric")
"""Columns of :func:`reference_marks`."""


def reference_marks(
    observations: pd.DataFrame,
    indicator: str,
    freq: str,
    *,
    year: int,
    sub: int,
    by: str,
    higher_is_better: bool,
    units: Collection[str],
) -> pd.DataFrame:
    """The figures of reference units (external benchmarks) in one period, unranked.

    The same numbers :func:`standings` would rank them on (``metric``), so a chart can
    draw each as a mark against the ranked bars; units without the metric are left out.

    Examples
    --------
    >>> obs = pd.DataFrame({"unit_code": ["X", "X"], "indicator_code": "R",
    ...     "freq": ["M", "Y"], "year": 2026, "sub": [6, 0],
    ...     "value_kind": ["actual", "target"], "value": [60.0, 100.0]})
    >>> reference_marks(
    ...     obs, "R", "M", year=2026, sub=6, by="completion", higher_is_better=True, units=["X"]
    ... )["metric"].tolist()
    [0.6]
    """
    _check_by(by)
    progress = period_progress(
        observations, indicator, freq, year=year, sub=sub, higher_is_better=higher_is_better
    )
    progress = progress[progress["unit_code"].isin(list(units))]
    out = progress.assign(metric=progress[_SOURCE[by]].astype(float)).dropna(subset=["metric"])
    return out[list(REFERENCE_COLUMNS)].sort_values("unit_code").reset_index(drop=True)


def previous_period(
    observations: pd.DataFrame, indicator: str, freq: str, *, year: int, sub: int
) -> tuple[str, int, int] | None:
    """The latest period of ``freq`` before ``(year, sub)`` with an actual value.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator_code": "A", "value_kind": "actual", "freq": "M",
    ...                     "year": [2025, 2026, 2026], "sub": [12, 1, 3]})
    >>> previous_period(obs, "A", "M", year=2026, sub=3), previous_period(
    ...     obs, "A", "M", year=2025, sub=12
    ... )
    (('M', 2026, 1), None)
    """
    found = previous_periods(observations, [indicator], freq, year=year, sub=sub)
    if found.empty:
        return None
    return freq, int(found["year"].iloc[0]), int(found["sub"].iloc[0])


def standings(
    observations: pd.DataFrame,
    indicator: str,
    freq: str,
    *,
    year: int,
    sub: int,
    by: str = "completion",
    higher_is_better: bool = True,
    units: Collection[str] | None = None,
    top: int = 3,
    bottom: int = 3,
    progress: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank every unit on one indicator in one period, with its move since the last one.

    Parameters
    ----------
    observations
        Long observations, as :meth:`bxgc_metrics.store.Store.observations` returns them.
    indicator
        The indicator code.
    freq, year, sub
        The period (``"M", 2026, 10`` is 2026年1-10月 for a cumulative indicator).
    by
        ``completion`` (完成率 against the annual target), ``growth`` (同比) or
        ``value``; see :data:`BY`.
    higher_is_better
        The indicator's direction (completion is direction-aware already).
    units
        Rank among these unit codes only (a peer group); ``None`` ranks every unit.
    top, bottom
        How many places the ``top`` and ``bottom`` (末位) bands hold.
    progress
        The period's :func:`~bxgc_metrics.tables.progress.period_progress` for this
        indicator and direction, when the caller has it already (it is not made again).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STANDINGS_COLUMNS`, one row per unit with an actual value in the
        period, best first (order rule in the module docstring). The previous period is
        the latest earlier period of the same frequency with data
        (:func:`previous_period`), ranked among the same units on the same basis.

    Examples
    --------
    Three units, year-to-date revenue against an annual target of 100; B and C tie in
    March and share second place; in February C led, so B gained a place and C lost one:

    >>> obs = pd.DataFrame({
    ...     "unit_code": list("ABC") * 3, "indicator_code": "R",
    ...     "freq": ["M"] * 6 + ["Y"] * 3, "year": 2026, "sub": [2] * 3 + [3] * 3 + [0] * 3,
    ...     "value_kind": ["actual"] * 6 + ["target"] * 3,
    ...     "value": [20.0, 10.0, 30.0, 40.0, 25.0, 25.0, 100.0, 100.0, 100.0]})
    >>> table = standings(obs, "R", "M", year=2026, sub=3)
    >>> table[["unit_code", "completion", "rank", "previous_rank", "rank_change"]].values.tolist()
    [['A', 0.4, 1, 2, 1], ['B', 0.25, 2, 3, 1], ['C', 0.25, 2, 1, -1]]
    >>> table["band"].tolist()
    ['top', 'top', 'top']
    """
    table = standings_by_indicator(
        observations,
        {indicator: higher_is_better},
        freq,
        year=year,
        sub=sub,
        by=by,
        units=units,
        top=top,
        bottom=bottom,
        progress=None if progress is None else progress.assign(indicator_code=indicator),
    )
    return table[list(STANDINGS_COLUMNS)]


def standings_by_indicator(
    observations: pd.DataFrame,
    directions: Mapping[str, bool],
    freq: str,
    *,
    year: int,
    sub: int,
    by: str = "completion",
    units: Collection[str] | None = None,
    top: int = 3,
    bottom: int = 3,
    progress: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`standings` of several indicators at once (a 通报 ranks every one of them).

    ``directions`` maps each indicator code to higher-is-better, in the order wanted;
    ``progress``, when the caller has it, is their
    :func:`~bxgc_metrics.tables.progress.progress_by_indicator` in the period. Each
    indicator is ranked on its own, against its own previous period with data.

    Returns ``indicator_code`` and :data:`STANDINGS_COLUMNS`: each indicator's rows, in
    the order of ``directions``, are exactly its :func:`standings`.

    Examples
    --------
    Revenue (higher is better) and energy use (lower is better) in March; energy was last
    reported in January:

    >>> obs = pd.DataFrame({
    ...     "unit_code": list("AB") * 4, "indicator_code": ["R"] * 4 + ["E"] * 4,
    ...     "freq": "M", "year": 2026, "sub": [2, 2, 3, 3, 1, 1, 3, 3],
    ...     "value_kind": "actual", "value": [5.0, 6.0, 9.0, 8.0, 3.0, 2.0, 4.0, 7.0]})
    >>> table = standings_by_indicator(obs, {"R": True, "E": False}, "M", year=2026, sub=3,
    ...                                by="value")
    >>> table[["indicator_code", "unit_code", "rank", "rank_change"]].values.tolist()
    [['R', 'A', 1, 1], ['R', 'B', 2, -1], ['E', 'A', 1, 1], ['E', 'B', 2, -1]]
    """
    _check_by(by)
    now_at = progress_periods(directions, year=year, sub=sub)
    codes = list(now_at["indicator_code"])
    if progress is None:
        progress = progress_by_indicator(observations, freq, now_at)
    higher = now_at[["indicator_code", "higher_is_better"]]
    progress = progress.merge(higher, on="indicator_code")
    now = _ranked(progress, by, units=units)
    before = previous_periods(observations, codes, freq, year=year, sub=sub)
    before = before.merge(higher, on="indicator_code")
    if before.empty:
        now["previous_rank"] = pd.Series(pd.NA, index=now.index, dtype="Int64")
    else:
        earlier = progress_by_indicator(observations, freq, before)
        earlier = earlier.merge(before[["indicator_code", "higher_is_better"]], on="indicator_code")
        # among the units ranked now: a place is gained by overtaking, not by others'
        # figures still to come (the morning after the first reports of a month)
        both = now.loc[now["rank"].notna(), ["indicator_code", "unit_code"]]
        prior = _ranked(earlier.merge(both, on=["indicator_code", "unit_code"]), by, units=units)
        moved = prior[["indicator_code", "unit_code", "rank"]]
        moved = moved.rename(columns={"rank": "previous_rank"})
        now = now.merge(moved, on=["indicator_code", "unit_code"], how="left")
    now["previous_rank"] = now["previous_rank"].astype("Int64")
    now["rank_change"] = now["previous_rank"] - now["rank"]
    ranked = now["rank"].notna().groupby(now["indicator_code"]).transform("sum")
    now["band"] = _bands(now["rank"], ranked.to_numpy(), top=top, bottom=bottom)
    now["order"] = now["indicator_code"].map({c: i for i, c in enumerate(codes)})
    now = now.sort_values(["order", "rank", "unit_code"], na_position="last", kind="stable")
    return now[["indicator_code", *STANDINGS_COLUMNS]].reset_index(drop=True)


def _ranked(
    progress: pd.DataFrame,
    by: str,
    *,
    units: Collection[str] | None,
    within: tuple[str, ...] = ("indicator_code",),
) -> pd.DataFrame:
    """``progress`` (with a ``higher_is_better`` column) restricted to ``units``, with
    ``metric`` and ``rank``, one ranking for each value of the ``within`` columns.

    Completion is already direction-aware (target/value when lower is better), so it
    always ranks higher-is-better; growth and value follow the indicator's direction.
    """
    if units is not None:
        progress = progress[progress["unit_code"].isin(list(units))]
    frame = progress.assign(metric=progress[_SOURCE[by]].astype(float))
    if by == "completion":
        frame["higher_is_better"] = True
    return rank_units(frame, "metric", "higher_is_better", within=within)


def previous_periods(
    observations: pd.DataFrame, codes: Collection[str], freq: str, *, year: int, sub: int
) -> pd.DataFrame:
    """:func:`previous_period` of each of ``codes`` that has one: ``indicator_code, year,
    sub``."""
    rows = observations[
        observations["indicator_code"].isin(list(codes))
        & (observations["value_kind"] == "actual")
        & (observations["freq"] == freq)
    ]
    key = rows["year"].to_numpy(dtype="int64") * 100 + rows["sub"].to_numpy(dtype="int64")
    earlier = key < year * 100 + sub
    code = rows["indicator_code"].to_numpy(dtype=object)[earlier]
    best = pd.Series(key[earlier]).groupby(code, sort=False).max()
    return pd.DataFrame(
        {
            "indicator_code": best.index.astype(str),
            "year": (best // 100).to_numpy(dtype="int64"),
            "sub": (best % 100).to_numpy(dtype="int64"),
        }
    )


def race_frames(
    observations: pd.DataFrame,
    indicator: str,
    by: str = "completion",
    *,
    higher_is_better: bool = True,
    units: Collection[str] | None = None,
    freq: str = "M",
    year: int | None = None,
    top: int = 3,
    bottom: int = 3,
) -> pd.DataFrame:
    """The standings of every period of one year, stacked: the frames of a ranking race.

    Parameters
    ----------
    observations, indicator, by, higher_is_better, units, top, bottom
        As for :func:`standings`.
    freq
        The frequency of the frames (``M``: one frame a month).
    year
        The year to race through; ``None`` takes the latest year with an actual value.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RACE_COLUMNS`, ordered by period and then by ``position``; empty
        when the indicator has no actual value of ``freq``.

    Examples
    --------
    B overtakes A in March; in February both are at 0.2 and share first place, and the
    tie is ordered by unit code, so A sits above B:

    >>> obs = pd.DataFrame({
    ...     "unit_code": list("ABAB") + list("AB"), "indicator_code": "R",
    ...     "freq": ["M"] * 4 + ["Y"] * 2, "year": 2026, "sub": [2, 2, 3, 3, 0, 0],
    ...     "value_kind": ["actual"] * 4 + ["target"] * 2,
    ...     "value": [20.0, 20.0, 30.0, 45.0, 100.0, 100.0]})
    >>> race = race_frames(obs, "R")
    >>> race[["period", "unit_code", "rank", "position"]].values.tolist()
    [['2026-02', 'A', 1, 1], ['2026-02', 'B', 1, 2], ['2026-03', 'B', 1, 1], ['2026-03', 'A', 2, 2]]
    """
    _check_by(by)
    rows = observations[
        (observations["indicator_code"] == indicator)
        & (observations["value_kind"] == "actual")
        & (observations["freq"] == freq)
    ]
    if year is None and not rows.empty:
        year = int(rows["year"].max())
    subs = sorted(int(s) for s in rows.loc[rows["year"] == year, "sub"].unique())
    if not subs:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RACE_COLUMNS})
    assert year is not None
    progress = pd.concat(
        [
            period_progress(
                observations, indicator, freq, year=year, sub=s, higher_is_better=higher_is_better
            )
            for s in subs
        ],
        ignore_index=True,
    )
    progress["higher_is_better"] = bool(higher_is_better)
    race = _ranked(progress, by, units=units, within=("sub",))
    if race.empty:  # none of ``units`` reported this year
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RACE_COLUMNS})
    race["band"] = pd.concat([bands(g, top, bottom) for _, g in race.groupby("sub")["rank"]])
    race = race.sort_values(["sub", "rank", "unit_code"], na_position="last", kind="stable")
    race["position"] = race.groupby("sub").cumcount() + 1
    race["period"] = [format_label(freq, year, s) for s in race["sub"]]
    return race[list(RACE_COLUMNS)].reset_index(drop=True)


def with_pace(standing: pd.DataFrame, elapsed: float, *, higher_is_better: bool) -> pd.DataFrame:
    """The standings with 时间过半、任务过半 pace added (``gap_pp`` and ``status`` of
    :func:`bxgc_metrics.metrics.targets.pace`) for ``elapsed``, the share of the year gone.

    The completion shown stays the standings' (the one the rank is made of); pace only
    adds how far ahead of or behind time elapsed each unit is. The overview and the wall
    screen's pace colours both read this.
    """
    paced = pace(standing, elapsed, actual="value", higher_is_better=higher_is_better)
    return paced.assign(completion=standing["completion"])


def keeping_pace(paced: pd.DataFrame) -> tuple[int, int]:
    """How many units of :func:`with_pace`'s frame keep pace (ahead of time elapsed or
    within the tolerance), and of how many whose pace is known: a unit without a target
    or a figure is neither (the overview's 达到时间进度的单位 ``2 / 3``).

    >>> paced = pd.DataFrame({"status": ["ahead", "on_pace", "behind", "unknown"]})
    >>> keeping_pace(paced)
    (2, 3)
    """
    return int(keeps_pace(paced).sum()), int((paced["status"] != PACE_UNKNOWN).sum())


def keeps_pace(paced: pd.DataFrame) -> pd.Series:
    """Whether each unit of :func:`with_pace`'s frame keeps pace: ahead of time elapsed or
    within the tolerance (an unknown pace does not)."""
    return paced["status"].isin([PACE_AHEAD, PACE_ON])
