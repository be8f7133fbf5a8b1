"""The monthly 排名通报 as data: what a bulletin and a meeting deck say, and in what words.

A bulletin restates the rankings page for one month and one peer group: per indicator the
total and its growth, completion against 时间进度, the top and last three, the biggest
moves, the units behind pace and the ranking table; then the composite ranking, the 红榜
and 黑榜, the rewards due at the half-year or year-end assessment, the overdue
rectification items and, given the write history, the month's 报送情况 (who reported on
time, late or not at all: :func:`~bxgc_metrics.tables.reporting.reporting_round`, the
round the reporting page shows). :func:`bulletin` gathers all of it into a frozen :class:`Bulletin`
from the same table functions the pages call — each :attr:`Section.ranking` *is* the
frame :func:`~bxgc_metrics.tables.standings.standings` returns, the composite *is*
:func:`~bxgc_metrics.tables.scorecard.composite_standings` — so a document can only copy
numbers, never work them out again. :func:`narrative` and :func:`opening` turn them into
the officials' sentences (numbers in :mod:`bxgc_metrics.wording`).

Pure: pandas in, dataclasses out; the document formats live in ``bxgc_docs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bxgc_metrics import clock, wording
from bxgc_metrics.metrics.campaign import gap_status
from bxgc_metrics.metrics.ranking import AGGREGATIONS, NORMALISATIONS
from bxgc_metrics.metrics.rewards import Rewards, compute_rewards
from bxgc_metrics.metrics.targets import PACE_BEHIND, PACE_TOLERANCE_PP, PACE_UNKNOWN, time_progress
from bxgc_metrics.periods import Period, format_zh
from bxgc_metrics.tables.progress import PROGRESS_COLUMNS, progress_by_indicator, progress_periods
from bxgc_metrics.tables.reporting import Round, reporting_round, summary, year_record
from bxgc_metrics.tables.scorecard import (
    composite_standings,
    composite_unreported,
    reward_standings,
)
from bxgc_metrics.tables.standings import (
    ALL,
    STANDINGS_COLUMNS,
    expected_units,
    keeps_pace,
    members,
    standings_by_indicator,
    unreported,
    with_pace,
)

DEFAULT_OPTIONS: Mapping[str, Any] = {
    "normalisation": NORMALISATIONS[0],
    "weights": "equal",
    "aggregation": AGGREGATIONS[0],
}
"""The composite's method: the rankings page's defaults (极差法, 等权, 加权求和)."""

LIST_SIZE = 3
"""How many units the top, last, gains, falls, 红榜 and 黑榜 name."""

NO_COMPOSITE = "本期指标数据不足以计算综合排名，暂不列榜"
"""What the 红榜 and 黑榜 say when the month makes no composite (the rankings page's
composite tab says the same)."""
NO_WARNING = "参与综合排名的单位较少，排名靠后的单位均已列入红榜，暂不列黑榜"
"""What the 黑榜 says when the composite ranks too few units for a last band beside the
红榜's (three or fewer)."""


@dataclass(frozen=True)
class Place:
    """One unit's line in a bulletin's lists: a row of the ranking it comes from."""

    unit_code: str
    """The unit."""
    rank: int
    """Its place (1 = best)."""
    value: float
    """The figure the list quotes: the year-to-date value (a composite list: the score)."""
    completion: float | None
    """Completion of the annual target (``None`` for the composite)."""
    rank_change: int | None
    """Places gained since the previous period (negative: lost; ``None``: no previous)."""


@dataclass(frozen=True, eq=False)
class Section:
    """One indicator's part of a bulletin."""

    indicator: str
    """The indicator's code."""
    name: str
    """Its Chinese name."""
    measure: str
    """Its measure (万元, 个 …), the one ``ranking["value"]`` is in."""
    by: str
    """What the ranking ranks on: ``completion`` or ``growth``."""
    period: str
    """The period in words (2026年1-10月)."""
    total: float
    """The sum of the ranked units' values."""
    total_yoy: float | None
    """Growth of the total over the same period a year earlier, among the units with both
    figures (like for like); ``None`` when no unit has both."""
    total_completion: float | None
    """The total against the sum of the annual targets (units with a target)."""
    elapsed: float
    """时间进度: the share of the year gone at the end of the period."""
    pace_gap_pp: float | None
    """``(total_completion - elapsed) × 100``: points ahead of time elapsed."""
    top: tuple[Place, ...]
    """The first :data:`LIST_SIZE` places (standings band ``top``), best first."""
    bottom: tuple[Place, ...]
    """The last places (band ``bottom``, 末位), last first."""
    gains: tuple[Place, ...]
    """The biggest rank gains (``rank_change > 0``), largest first: :data:`LIST_SIZE`,
    and every unit that gained as many places as the last of them."""
    falls: tuple[Place, ...]
    """The biggest rank falls (``rank_change < 0``), largest first, chosen as
    :attr:`gains` are."""
    behind: tuple[str, ...]
    """Units behind pace (status ``behind`` of :func:`~bxgc_metrics.tables.standings.with_pace`),
    in ranking order."""
    ranking: pd.DataFrame
    """Exactly :func:`~bxgc_metrics.tables.standings.standings` for the period and group."""
    missing: tuple[str, ...] = ()
    """Units of the group expected to report this indicator
    (:func:`~bxgc_metrics.tables.standings.expected_units`) that have none for the period:
    not in :attr:`total` nor in :attr:`ranking`, sorted."""
    unpaced: tuple[str, ...] = ()
    """Ranked units whose pace cannot be judged (no annual target), in ranking order."""
    lenient: bool = False
    """Whether a unit counted as keeping pace is behind time elapsed, by no more than
    :data:`~bxgc_metrics.metrics.targets.PACE_TOLERANCE_PP` points (the words then say so)."""


@dataclass(frozen=True, eq=False)
class Bulletin:
    """Everything a 通报 or a meeting deck prints, for one month and one peer group."""

    year: int
    """The year of the period."""
    sub: int
    """The month (year to date: 1-``sub``月)."""
    period: str
    """The period in words (2026年1-10月)."""
    group: str
    """The peer group ranked (``all``: every unit but the external benchmarks)."""
    date: dt.date
    """The bulletin's date: overdue means a deadline before it."""
    sections: tuple[Section, ...]
    """One per indicator, in the order asked for."""
    composite: pd.DataFrame
    """Exactly :func:`~bxgc_metrics.tables.scorecard.composite_standings` (empty when the
    month has too few indicators for a composite); weights in ``attrs["weights"]``."""
    honour: tuple[Place, ...]
    """红榜: the composite's ``top`` band (its first :data:`LIST_SIZE` places and any unit
    tied with the last of them), best first."""
    warning: tuple[Place, ...]
    """黑榜: the composite's ``bottom`` band (末位), last first; a short ranking's places
    are in the 红榜 first, so no unit is in both (three units or fewer: none)."""
    reward_kind: str | None
    """``half`` or ``year``: the latest assessment the year has reached (June, December);
    ``None`` before June."""
    rewards: Rewards | None
    """What each unit is due at that assessment, from the rules table
    (:func:`~bxgc_metrics.metrics.rewards.compute_rewards` of
    :func:`~bxgc_metrics.tables.scorecard.reward_standings`, as the rankings page's rewards
    tab computes it)."""
    overdue: pd.DataFrame
    """Rectification items not done with a deadline before :attr:`date`, of the ranked
    units: the gaps table's columns with ``days_left`` (negative), most overdue first."""
    demo: bool
    """Whether the units ranked are demo data (the documents then say so)."""
    reporting: Round | None = None
    """报送情况: the month's reporting round among the ranked units on :attr:`date`
    (``None`` when the bulletin was made without the write history)."""
    composite_missing: tuple[str, ...] = ()
    """The units expected to report one of the composite's indicators
    (:func:`~bxgc_metrics.tables.standings.expected_units`) that the composite ranks
    without, as they have not reported all of them for the month; sorted
    (:func:`~bxgc_metrics.tables.scorecard.composite_unreported`)."""


def rankable(indicators: pd.DataFrame) -> list[str]:
    """Codes of the monthly indicators a ranking can rank (not rates), sorted: the same
    rule as the rankings page's list.

    >>> inds = pd.DataFrame({"code": ["B", "A", "R", "Y"], "frequency": ["M", "M", "M", "Y"],
    ...                      "kind": ["flow", "stock", "rate", "flow"]})
    >>> rankable(inds)
    ['A', 'B']
    """
    keep = (indicators["frequency"] == "M") & (indicators["kind"] != "rate")
    return sorted(indicators.loc[keep, "code"].astype(str))


def _place(row: Any, value: str = "value", completion: str | None = "completion") -> Place:
    change = row["rank_change"]
    return Place(
        unit_code=str(row["unit_code"]),
        rank=int(row["rank"]),
        value=float(row[value]),
        completion=None if completion is None else _number(row[completion]),
        rank_change=None if wording.is_missing(change) else int(change),
    )


def _number(value: object) -> float | None:
    return None if wording.is_missing(value) else float(value)  # type: ignore[arg-type]


def _moves(table: pd.DataFrame, *, gains: bool) -> tuple[Place, ...]:
    change = table["rank_change"].astype("Float64")
    moved = table[(change > 0) if gains else (change < 0)].fillna({"rank_change": 0})
    moved = moved.assign(size=moved["rank_change"].astype(float).abs())
    moved = moved.sort_values(["size", "rank", "unit_code"], ascending=[False, True, True])
    if len(moved) > LIST_SIZE:  # every unit tied with the last one named is named too
        moved = moved[moved["size"] >= moved["size"].iloc[LIST_SIZE - 1]]
    return tuple(_place(r) for _, r in moved.iterrows())


def section(
    observations: pd.DataFrame,
    indicator: pd.Series,
    *,
    year: int,
    sub: int,
    by: str = "completion",
    units: Sequence[str] | None = None,
) -> Section:
    """One indicator's section for ``year``-``sub`` among ``units``.

    ``indicator`` is a row of the indicators table (``code``, ``name_zh``, ``measure``,
    ``direction``). The ranking is :func:`standings` as the rankings page calls it; the
    total's growth reads the prior-year figures of the same units from
    :func:`~bxgc_metrics.tables.progress.period_progress`, the function standings is
    built on, made once for both (one indicator of what :func:`bulletin` makes for all).
    """
    one = indicator.to_frame().T
    return _sections(observations, one, year=year, sub=sub, by=by, units=units)[0]


def _sections(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    year: int,
    sub: int,
    by: str,
    units: Sequence[str] | None,
    reports: pd.DataFrame | None = None,
) -> tuple[Section, ...]:
    """:func:`section` of each of ``indicators`` (rows, in order), their standings and
    progress made for all of them at once."""
    directions = dict(
        zip(indicators["code"].astype(str), indicators["direction"] == "higher", strict=True)
    )
    progress = progress_by_indicator(
        observations, "M", progress_periods(directions, year=year, sub=sub)
    )
    tables = standings_by_indicator(
        observations, directions, "M", year=year, sub=sub, by=by, units=units, progress=progress
    )
    ranked = tables[["indicator_code", "unit_code"]].drop_duplicates()
    progress = progress.merge(ranked, on=["indicator_code", "unit_code"])  # theirs only
    reporters = expected_units(
        observations if reports is None else reports,
        list(directions),
        year=year,
        sub=sub,
        units=units,
    )
    empty_table, empty_progress = tables.iloc[:0], progress.iloc[:0]
    table_of = dict(iter(tables.groupby("indicator_code", sort=False)))
    progress_of = dict(iter(progress.groupby("indicator_code", sort=False)))
    return tuple(
        _section(
            row,
            table_of.get(str(row["code"]), empty_table)[list(STANDINGS_COLUMNS)].reset_index(
                drop=True
            ),
            progress_of.get(str(row["code"]), empty_progress)[list(PROGRESS_COLUMNS)],
            year=year,
            sub=sub,
            by=by,
            reporters=reporters.get(str(row["code"]), ()),
        )
        for _, row in indicators.iterrows()
    )


def _section(
    indicator: pd.Series,
    table: pd.DataFrame,
    progress: pd.DataFrame,
    *,
    year: int,
    sub: int,
    by: str,
    reporters: Sequence[str] = (),
) -> Section:
    """The section of one indicator from its standings and the progress of the units in
    them; ``reporters`` are the units expected to have a figure."""
    code, higher = str(indicator["code"]), indicator["direction"] == "higher"
    elapsed = float(time_progress(sub))
    both = progress.dropna(subset=["value", "prior"])
    prior = float(both["prior"].sum())
    total_yoy = float(both["value"].sum()) / prior - 1.0 if len(both) and prior else None
    targeted = table.dropna(subset=["value", "target"])
    target = float(targeted["target"].sum())
    reached = float(targeted["value"].sum())
    total_completion = None
    if len(targeted) and target and reached:
        total_completion = reached / target if higher else target / reached
    paced = with_pace(table, elapsed, higher_is_better=higher)
    ranked = table[table["rank"].notna()]
    kept = keeps_pace(paced)
    return Section(
        indicator=code,
        name=str(indicator["name_zh"]),
        measure=str(indicator["measure"]),
        by=by,
        period=format_zh("M", year, sub, cumulative=True),
        total=float(table["value"].sum()),
        total_yoy=total_yoy,
        total_completion=total_completion,
        elapsed=elapsed,
        pace_gap_pp=None if total_completion is None else (total_completion - elapsed) * 100,
        top=tuple(_place(r) for _, r in ranked[ranked["band"] == "top"].iterrows()),
        bottom=tuple(
            _place(r) for _, r in ranked[ranked["band"] == "bottom"].iloc[::-1].iterrows()
        ),
        gains=_moves(ranked, gains=True),
        falls=_moves(ranked, gains=False),
        behind=tuple(paced.loc[paced["status"] == PACE_BEHIND, "unit_code"].astype(str)),
        ranking=table,
        missing=unreported(table, reporters),
        unpaced=tuple(paced.loc[paced["status"] == PACE_UNKNOWN, "unit_code"].astype(str)),
        lenient=bool((paced.loc[kept, "gap_pp"] < 0).any()),
    )


def reward_kind(sub: int) -> str | None:
    """The latest assessment month ``sub`` has reached: ``year`` (December), ``half``
    (June on), else ``None``.

    >>> reward_kind(12), reward_kind(10), reward_kind(5)
    ('year', 'half', None)
    """
    return "year" if sub >= 12 else ("half" if sub >= 6 else None)


def latest_assessment(year: int, sub: int) -> tuple[int, str]:
    """The latest assessment the month ``year``-``sub`` has reached: its year and kind
    (:func:`reward_kind`; before June, the year before's year-end).

    >>> latest_assessment(2026, 12), latest_assessment(2026, 10), latest_assessment(2026, 3)
    ((2026, 'year'), (2026, 'half'), (2025, 'year'))
    """
    kind = reward_kind(sub)
    return (year, kind) if kind is not None else (year - 1, "year")


def overdue_items(gaps: pd.DataFrame, *, on: dt.date, units: Sequence[str]) -> pd.DataFrame:
    """The rectification items of ``units`` not done with a deadline before ``on``, most
    overdue first (:func:`~bxgc_metrics.metrics.campaign.gap_status`, as the gaps page)."""
    if gaps.empty:
        return pd.DataFrame({"unit_code": [], "gap": [], "deadline": [], "days_left": []})
    status = gap_status(gaps[gaps["unit_code"].isin(list(units))], on)
    late = status[status["overdue"]].drop(columns=["overdue"])
    return late.sort_values(["days_left", "unit_code"]).reset_index(drop=True)


def bulletin(
    observations: pd.DataFrame,
    *,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    sub: int,
    group: str = ALL,
    codes: Sequence[str] | None = None,
    by: str = "completion",
    gaps: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    date: dt.date | None = None,
    options: Mapping[str, Any] | None = None,
    writes: pd.DataFrame | None = None,
    reporting: Round | None = None,
    missed_reports: pd.DataFrame | None = None,
    reports: pd.DataFrame | None = None,
) -> Bulletin:
    """A bulletin for the month ``year``-``sub`` among the units of ``group``.

    Parameters
    ----------
    observations
        Long observations covering the month, the previous month with data, the same
        months a year earlier, the annual targets and, for the rewards, June or December
        of this year and the last.
    units, indicators
        The store's units and indicators tables.
    year, sub
        The month (figures year to date).
    group
        The peer group (:func:`~bxgc_metrics.tables.standings.members` decides who is ranked).
    codes
        The indicators to report, in order; ``None`` takes every :func:`rankable` one.
    by
        What each ranking ranks on (``completion`` or ``growth``).
    gaps
        The gaps table (rectification items); ``None`` reports none.
    rules
        The reward rules (``None``: no rewards section).
    date
        The bulletin's date (default: :func:`bxgc_metrics.clock.today`).
    options
        The composite's method (default :data:`DEFAULT_OPTIONS`).
    writes
        The write history (:mod:`bxgc_metrics.metrics.reporting`) covering this year and
        the twelve months before: the month's 报送情况 and, at the year-end assessment, the
        late and missing reports a ``missed_report`` rule docks. ``None``: neither.
    reporting, missed_reports
        The month's :func:`reporting_round` and the year's :func:`year_record`, when the
        caller has them already (a store reads a province's writes a slice of units at a
        time): they take the place of what ``writes`` would give.
    reports
        Who reported each indicator in the month and the twelve months before it
        (:meth:`Store.reports_in` of :func:`~bxgc_metrics.tables.standings.expected_periods`):
        the units expected to report (:func:`~bxgc_metrics.tables.standings.expected_units`),
        as the reporting round expects them. ``None`` reads them from ``observations``,
        which must then hold those months.
    """
    ranked = members(units, group)
    chosen = indicators.set_index("code", drop=False)
    codes = rankable(indicators) if codes is None else list(codes)
    sections = _sections(
        observations, chosen.loc[codes], year=year, sub=sub, by=by, units=ranked, reports=reports
    )
    opts = dict(DEFAULT_OPTIONS if options is None else options)
    combined = composite_standings(
        observations, indicators, "M", year=year, sub=sub, by=by, units=ranked, options=opts
    )
    kind = reward_kind(sub)
    today = date or clock.today()
    rewards = None
    if kind is not None and rules is not None:
        ranks = reward_standings(
            observations, indicators, year, period_kind=kind, by=by, units=ranked, options=opts
        )
        missed = missed_reports if kind == "year" else None
        if missed is None and writes is not None and kind == "year":
            missed = year_record(
                year, writes=writes, units=units, indicators=indicators, today=today, group=group
            )
        rewards = compute_rewards(rules, ranks, kind, missed_reports=missed)
    if reporting is None and writes is not None:
        reporting = reporting_round(
            Period(year, "M", sub),
            writes=writes,
            units=units,
            indicators=indicators,
            today=today,
            group=group,
        )
    flags = units.loc[units["code"].isin(ranked), "is_demo"] if "is_demo" in units else []
    return Bulletin(
        year=year,
        sub=sub,
        period=format_zh("M", year, sub, cumulative=True),
        group=group,
        date=today,
        sections=sections,
        composite=combined,
        honour=_listed(combined, "top"),
        warning=_listed(combined, "bottom"),
        reward_kind=kind,
        rewards=rewards,
        overdue=overdue_items(pd.DataFrame() if gaps is None else gaps, on=today, units=ranked),
        demo=bool(len(flags)) and bool(pd.Series(flags).fillna(False).astype(bool).any()),
        reporting=reporting,
        composite_missing=composite_unreported(
            observations, combined, year=year, sub=sub, units=ranked, reports=reports
        ),
    )


def _listed(combined: pd.DataFrame, band: str) -> tuple[Place, ...]:
    """The 红榜 (``top``: best first) or the 黑榜 (``bottom``: last first) of a composite,
    read from its bands as the rankings page marks them."""
    rows = combined[combined["band"] == band].sort_values(
        ["rank", "unit_code"], ascending=band == "top"
    )
    return tuple(_place(r, "score", None) for _, r in rows.iterrows())


# --- the words ------------------------------------------------------------------------------


def title(b: Bulletin) -> str:
    """The bulletin's title.

    >>> title(Bulletin(2026, 10, "2026年1-10月", "all", dt.date(2026, 11, 5), (),
    ...       pd.DataFrame(), (), (), None, None, pd.DataFrame(), False))
    '关于2026年1-10月比学赶超主要指标完成情况的通报'
    """
    return f"关于{b.period}比学赶超主要指标完成情况的通报"


def opening(b: Bulletin, *, group_name: str) -> str:
    """The opening paragraph."""
    count = len(b.sections)
    return (
        f"为深入推进比学赶超活动，现将{b.period}{group_name}{count}项主要指标完成情况及排名通报如下。"
        "希望受到表扬的单位再接再厉，排名靠后的单位认真查找差距、狠抓整改，确保完成全年目标任务。"
    )


def _named(places: Sequence[Place], names: Mapping[str, str], s: Section) -> str:
    parts = []
    for p in places:
        figure = wording.amount(p.value, s.measure)
        if p.completion is not None:
            figure += f"，完成率{wording.pct(p.completion, signed=False)}"
        parts.append(f"{names.get(p.unit_code, p.unit_code)}（{figure}）")
    return "、".join(parts)


def _moved(places: Sequence[Place], names: Mapping[str, str]) -> str:
    return "、".join(
        f"{names.get(p.unit_code, p.unit_code)}{wording.move(p.rank_change or 0)}" for p in places
    )


_HEAD = {1: "排名第一的是", 2: "排名前两位的是", 3: "排名前三位的是"}
_TAIL = {1: "排名末位的是", 2: "排名后两位的是", 3: "排名后三位的是"}
"""How a list of the first or last places is introduced, by how many it names (a small
group's bands hold fewer than :data:`LIST_SIZE`; tied places can make a band longer)."""


def narrative(s: Section, names: Mapping[str, str]) -> str:
    """The section's paragraph: total and growth, completion against 时间进度, the top and
    last three with their figures, the biggest moves, the units that have not reported,
    the units behind pace.

    ``names`` maps unit codes to the names printed (a code without a name prints as is).
    Only what the figures show is said: a month nobody has reported says so and nothing
    else, a total of some units says whose, and "keeping pace" covers only the units whose
    pace is known (with the tolerance named when a unit is let through by it).
    """

    def who(codes: Sequence[str]) -> str:
        return _who(codes, names)

    if s.ranking["value"].notna().sum() == 0:
        expected = f"{len(s.missing)}个单位均未报送本期数据" if s.missing else "各单位均无本期数据"
        return f"{s.period}，{s.name}暂无数据：{expected}。"
    some = f"已报送的{len(s.ranking)}个单位" if s.missing else ""
    parts = [f"{s.period}，{s.name}{some}累计完成{wording.amount(s.total, s.measure)}"]
    if s.total_yoy is not None:
        parts[0] += f"，{wording.growth(s.total_yoy)}"
    if s.total_completion is not None and s.pace_gap_pp is not None:
        parts[0] += (
            f"，完成全年目标的{wording.pct(s.total_completion, signed=False)}，"
            f"{wording.against_pace(s.pace_gap_pp)}"
        )
    parts[0] += "。"
    if s.top:
        parts.append(f"{_HEAD[min(len(s.top), 3)]}{_named(s.top, names, s)}。")
    if s.bottom:
        parts.append(f"{_TAIL[min(len(s.bottom), 3)]}{_named(s.bottom, names, s)}。")
    if s.gains:
        parts.append(f"与上期相比，{_moved(s.gains, names)}，进位明显。")
    if s.falls:
        parts.append(f"{_moved(s.falls, names)}，退位较多。")
    if s.missing:
        parts.append(f"{who(s.missing)}共{len(s.missing)}个单位未报送本期数据，未计入合计和排名。")
    if s.unpaced:
        parts.append(f"{who(s.unpaced)}未下达全年目标，未对照时间进度。")
    # a unit a little behind time elapsed counted as keeping pace: the words say so
    rule = f"（低于时间进度不超过{PACE_TOLERANCE_PP:g}个百分点的视为达到）" if s.lenient else ""
    if s.behind:
        parts.append(f"{who(s.behind)}共{len(s.behind)}个单位未达到时间进度{rule}，需加快推进。")
    elif len(s.unpaced) < s.ranking["value"].notna().sum():
        scope = "已报送的单位" if s.missing else ("其余单位" if s.unpaced else "各单位")
        parts.append(f"{scope}均达到时间进度{rule}。")
    return "".join(parts)


def list_line(places: Sequence[Place], names: Mapping[str, str]) -> str:
    """A 红榜 or 黑榜 as one line: ``1. 东城街道（0.873）``."""
    return "；".join(
        f"{p.rank}. {names.get(p.unit_code, p.unit_code)}（{p.value:.3f}）" for p in places
    )


def _who(codes: Sequence[str], names: Mapping[str, str]) -> str:
    """Units by name, as a list in a sentence: 东城街道、西城街道."""
    return "、".join(names.get(u, u) for u in codes)


def composite_line(b: Bulletin, names: Mapping[str, str]) -> str:
    """Under the composite: the units it ranks without, as they have not reported every
    indicator it weighs for the month (``""`` when none is missing)."""
    if not len(b.composite) or not b.composite_missing:
        return ""
    missing = b.composite_missing
    return (
        f"{_who(missing, names)}共{len(missing)}个单位尚未报送全部指标的本期数据，未参与综合排名。"
    )


def honour_line(b: Bulletin, names: Mapping[str, str]) -> str:
    """The 红榜 on one line (:func:`list_line`), or :data:`NO_COMPOSITE` when the month
    makes no composite."""
    return list_line(b.honour, names) if len(b.composite) else NO_COMPOSITE


def warning_line(b: Bulletin, names: Mapping[str, str]) -> str:
    """The 黑榜 on one line, or :data:`NO_COMPOSITE` when the month makes no composite."""
    if not len(b.composite):
        return NO_COMPOSITE
    return list_line(b.warning, names) if b.warning else NO_WARNING


def reporting_line(b: Bulletin, names: Mapping[str, str]) -> str:
    """The 报送情况 paragraph (:func:`~bxgc_metrics.tables.reporting.summary` of
    :attr:`Bulletin.reporting`); ``""`` when the bulletin has none."""
    return "" if b.reporting is None else summary(b.reporting, names=names)
