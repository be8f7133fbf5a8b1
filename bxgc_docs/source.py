"""A bulletin read from a database file, with what the documents print around it.

The scope of observations read is the one the pages read for the same tables (the month,
the months before it, a year earlier, the targets); names are the units' Chinese names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from bxgc_metrics import clock, oversight
from bxgc_metrics.metrics.rewards import load_default_rules
from bxgc_metrics.periods import Period
from bxgc_metrics.store import Store
from bxgc_metrics.tables.bulletin import Bulletin, bulletin, narrative, reward_kind
from bxgc_metrics.tables.standings import ALL, expected_periods

ALL_UNITS = "全部单位"
"""How the peer group ``all`` reads."""


@dataclass(frozen=True, eq=False)
class Report:
    """A bulletin and the words a document prints around it."""

    bulletin: Bulletin
    """The figures."""
    names: Mapping[str, str]
    """Unit code → Chinese name."""
    indicator_names: Mapping[str, str]
    """Indicator code → Chinese name."""
    office: str
    """The issuing office (落款)."""
    group_name: str
    """The peer group in words (全部单位, 城区街道 …)."""
    data_version: int
    """The store's data version the figures were read at (recorded in the audit log)."""
    data_date: str = ""
    """When the figures were last imported ("" if never)."""

    @cached_property
    def narratives(self) -> tuple[str, ...]:
        """Each section's paragraph (:func:`~bxgc_metrics.tables.bulletin.narrative`),
        written once per report: the page's preview on every rerun, the Word file and the
        deck print these. A paragraph of a province's bulletin names hundreds of units."""
        return tuple(narrative(s, self.names) for s in self.bulletin.sections)


DEFAULT_OFFICE = "比学赶超活动办公室"
"""The issuing office when none is given."""


def group_name(group: str) -> str:
    """A peer group in words.

    >>> group_name("all"), group_name("乡镇")
    ('全部单位', '乡镇')
    """
    return ALL_UNITS if group == ALL else group


def load(
    store: Store,
    *,
    year: int,
    sub: int,
    group: str = ALL,
    codes: Sequence[str] | None = None,
    office: str = DEFAULT_OFFICE,
    date: dt.date | None = None,
) -> Report:
    """The bulletin for ``year``-``sub`` from ``store``, with the names it prints."""
    version = store.data_version()
    units, indicators = store.units(), store.indicators()
    obs = store.observations_in(freqs=("M", "Y"), periods=periods(store, year=year, sub=sub))
    rules = store.reward_rules()
    today = date or clock.today()
    year_end = reward_kind(sub) == "year"  # only a year-end bulletin docks missed reports
    made = bulletin(
        obs,
        units=units,
        indicators=indicators,
        year=year,
        sub=sub,
        group=group,
        codes=codes,
        gaps=store.table("gaps"),
        rules=load_default_rules() if rules is None else rules,
        date=today,
        reporting=oversight.reporting_round(
            store, Period(year, "M", sub), group=group, today=today
        ),
        missed_reports=oversight.year_record(store, year, group=group, today=today)
        if year_end
        else None,
        reports=store.reports_in(freq="M", periods=expected_periods("M", year, sub)),
    )
    batches = store.batches()
    live = batches[batches["status"] == "committed"] if len(batches) else batches
    return Report(
        bulletin=made,
        names=dict(zip(units["code"].astype(str), units["name_zh"].astype(str), strict=True)),
        indicator_names=dict(
            zip(indicators["code"].astype(str), indicators["name_zh"].astype(str), strict=True)
        ),
        office=office,
        group_name=group_name(group),
        data_version=version,
        data_date="" if live.empty else str(clock.shown(live["created_at"]).max()),
    )


def periods(store: Store, *, year: int, sub: int) -> tuple[tuple[int, int], ...]:
    """The ``(year, sub)`` pairs a bulletin reads, as the pages' loaders read them: the month,
    a year earlier, the annual targets, each indicator's previous month with data (rank
    moves) and, for the rewards, June or December of this year and the last."""
    wanted = {(year, sub), (year - 1, sub), (year, 0), (year - 1, 0)}
    found = store.actual_periods()
    found = found[found["freq"] == "M"]
    key = found["year"].astype(int) * 100 + found["sub"].astype(int)
    for k in set(key[key < year * 100 + sub].groupby(found["indicator_code"]).max()):
        wanted |= {(int(k) // 100, int(k) % 100), (int(k) // 100 - 1, int(k) % 100)}
    kind = reward_kind(sub)
    if kind is not None:
        month = 6 if kind == "half" else 12
        wanted |= {(year, month), (year - 1, month), (year - 2, month)}
    return tuple(sorted(wanted))


def latest_month(store: Store) -> tuple[int, int] | None:
    """The latest month with an actual monthly figure."""
    found = store.actual_periods()
    found = found[found["freq"] == "M"]
    if found.empty:
        return None
    best = int((found["year"].astype(int) * 100 + found["sub"].astype(int)).max())
    return best // 100, best % 100
