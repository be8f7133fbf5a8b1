"""Who has reported and whether the figures can be trusted, read from a store: the
reporting round of a period (填报进度、催报) and the data-quality report (预警).

Each is computed here once, from what the store holds, and the page, the meeting screen,
the rankings' badges, the command line and the documents all read the result
(:func:`reporting_round`, :func:`quality_report`, :func:`flagged_units`), so a count or a
flag reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from bxgc_metrics import clock
from bxgc_metrics.metrics.quality import (
    QualityReport,
    assess,
    indicator_parts,
    load_default_quality_rules,
)
from bxgc_metrics.metrics.reporting import LOOKBACK_MONTHS
from bxgc_metrics.periods import Period
from bxgc_metrics.store import Store
from bxgc_metrics.tables.reporting import Round
from bxgc_metrics.tables.reporting import reporting_round as _round
from bxgc_metrics.tables.reporting import year_record as _year_record
from bxgc_metrics.tables.standings import ALL

PART_FIGURES = 2_000_000
"""The data-quality report over a whole database reads and checks about this many figures
at a time (whole indicators, both of a rule's together): a province's 26 million figures
are checked in a fraction of the memory they would take at once."""
PART_WRITES = 500_000
"""A year's reporting record reads the writes of about this many figures at a time (a
slice of the units): its passes hold a dozen columns per write."""


def reporting_round(
    store: Store, period: Period | str, *, group: str = ALL, today: dt.date | None = None
) -> Round:
    """The reporting round of ``period`` for ``group`` as of ``today`` (today in the
    configured zone by default): who has reported, who is late or missing, the 催报 list."""
    period = period if isinstance(period, Period) else Period.parse(period)
    return _round(
        period,
        writes=store.figure_writes(from_year=_look_back(period.year), to_year=period.year),
        units=store.units(),
        indicators=store.indicators(),
        today=today or clock.today(),
        group=group,
    )


def _look_back(year: int) -> int:
    """The earliest year whose reports make a unit expected in some period of ``year``:
    the look-back from January reaches this far (writes of later years make no one
    expected in ``year`` and are not read either)."""
    return year - 1 - (LOOKBACK_MONTHS - 1) // 12


def year_record(
    store: Store, year: int, *, group: str = ALL, today: dt.date | None = None
) -> pd.DataFrame:
    """Each unit's on-time, late and missing reports over ``year`` (what the rewards'
    ``missed_report`` rule docks), as the 通报 counts them.

    The writes are read for a slice of the units at a time (about :data:`PART_WRITES`
    of them): a unit's record reads only its own writes, so a province's two years of
    writes are never held at once. They reach back as far as January's look-back."""
    units, indicators = store.units(), store.indicators()
    today = today or clock.today()
    back = _look_back(year)
    per_unit = max(1, len(indicators)) * 12 * (year - back + 1)
    codes = units["code"].astype(str).tolist()
    step = max(1, PART_WRITES // per_unit)
    slices: list[list[str] | None] = [codes[i : i + step] for i in range(0, len(codes), step)]
    parts = [
        _year_record(
            year,
            writes=store.figure_writes(from_year=back, to_year=year, units=part),
            units=units,
            indicators=indicators,
            today=today,
            group=group,
        )
        for part in slices or [None]
    ]
    found = [p for p in parts if not p.empty]  # in the units table's order, as one call's
    return pd.concat(found, ignore_index=True) if found else parts[0]


def quality_rules(store: Store) -> pd.DataFrame:
    """The consistency rules in force: the stored table, else the shipped defaults; only
    the rules whose indicators this database has (the shipped ones name the demo's, and
    a stored rule may outlive an indicator)."""
    stored = store.quality_rules()
    rules = load_default_quality_rules() if stored is None else stored
    codes = set(store.indicators()["code"])
    right = _right(rules)
    known = rules["left"].isin(codes) & (right.isna() | (right == "") | right.isin(codes))
    return rules[known]


def quality_report(
    store: Store, *, period: Period | str | None = None, indicator: str | None = None
) -> QualityReport:
    """Every data-quality flag (limited to ``period`` when given, and to one
    ``indicator``'s figures when given, as the rankings' badges need), with the 核实无误
    marks applied and each unit scored.

    With an ``indicator`` only that indicator's figures and writes are read, and the
    figures of the indicators a rule relates it to (工业投资 ≤ 固定资产投资), so its
    flags are the whole report's flags on it. Without
    one every figure is read, :data:`PART_FIGURES` at a time: the digit tests judge a
    unit over all its figures."""
    writes = store.figure_writes(indicator=indicator, revised_only=True)
    indicators = store.indicators()
    reviews = store.quality_reviews().rename(columns={"reviewed_at": "at"})
    rules = quality_rules(store)
    if indicator is None:
        parts = indicator_parts(store.figure_counts(), rules, budget=PART_FIGURES)
        figures: Iterable[pd.DataFrame] = (store.figures(indicators=p) for p in parts)
    else:  # the rules that read this indicator, with the other indicator each relates it to
        rules = rules[(rules["left"] == indicator) | (_right(rules) == indicator)]
        related = {*rules["left"], *_right(rules).dropna()} - {"", indicator}
        figures = [store.figures(indicators=[indicator, *sorted(related)])]
    return assess(
        figures,
        writes,
        indicators,
        store.units(),
        rules=rules,
        verified=reviews,
        period=period,
    )


def _right(rules: pd.DataFrame) -> pd.Series:
    """The rules' right-hand indicators (missing for a rule of one indicator)."""
    return rules["right"] if "right" in rules else pd.Series(None, index=rules.index, dtype=object)


def flagged_units(report: QualityReport, indicator: str, period: Period) -> frozenset[str]:
    """The units with an open flag on ``indicator``'s figure of ``period``: the badge
    beside their figures on the rankings and the meeting screen."""
    flags = report.flags
    hit = (
        ~flags["verified"].astype(bool)
        & (flags["indicator_code"] == indicator)
        & (flags["freq"] == period.freq)
        & (flags["year"] == period.year)
        & (flags["sub"] == period.sub)
    )
    return frozenset(str(u) for u in flags.loc[hit.fillna(False), "unit_code"])
