"""A reporting round (填报进度) as the reporting page, its exports and the 通报 read it.

:func:`reporting_round` assesses one period for the units of one peer group with
:func:`bxgc_metrics.metrics.reporting.progress` and keeps, beside it, the tables a screen
shows: the per-unit and per-indicator counts, the units × indicators status grid and the
催报名单. :func:`year_record` is the year's record of the same units, which the rewards'
``missed_report`` rule docks. A page, an xlsx export and a bulletin all read a
:class:`Round`, so a count is made once; :func:`summary` is the sentence a 通报 prints.

Pure: pandas in, a frozen dataclass out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from bxgc_metrics.metrics.reporting import (
    LOOKBACK_MONTHS,
    STATUSES,
    Progress,
    clean,
    progress,
    reminder_list,
    reminder_text,
    reminder_workbook,
    yearly_counts,
)
from bxgc_metrics.periods import Period, format_en, format_zh
from bxgc_metrics.tables.standings import ALL, members

UNIT_TABLE_COLUMNS = (
    "unit_code",
    "name",
    "name_en",
    "expected",
    "reported",
    "on_time",
    "late",
    "missing",
    "not_due",
    "revised_after_deadline",
    "share_reported",
    "contact_person",
    "contact_phone",
)
"""Columns of :attr:`Round.units`: :data:`~bxgc_metrics.metrics.reporting.UNIT_COLUMNS`
with ``share_reported`` (reported / expected)."""
INDICATOR_TABLE_COLUMNS = (
    "indicator_code",
    "indicator_name",
    "indicator_name_en",
    "expected",
    "reported",
    "on_time",
    "late",
    "missing",
    "not_due",
    "share_reported",
)
"""Columns of :attr:`Round.indicators`, one row per indicator with anything expected, in
the indicators table's order."""


@dataclass(frozen=True, eq=False)
class Round:
    """One period's reporting round among the units of one peer group."""

    group: str
    """The peer group (``all``: every unit but the external benchmarks)."""
    progress: Progress
    """The assessment: every expected figure and the headline counts."""
    units: pd.DataFrame
    """Per unit: :data:`UNIT_TABLE_COLUMNS`, in the units table's order."""
    indicators: pd.DataFrame
    """Per indicator: :data:`INDICATOR_TABLE_COLUMNS`."""
    grid: pd.DataFrame
    """Units (index ``unit_code``) × indicator codes: each expected figure's status
    (``on_time``, ``late``, ``missing``, ``not_due``), ``None`` where none is expected."""
    reminders: pd.DataFrame
    """The 催报名单: :func:`~bxgc_metrics.metrics.reporting.reminder_list`."""

    def text(self, *, lang: str = "zh") -> str:
        """The 催报 message (:func:`~bxgc_metrics.metrics.reporting.reminder_text`) of the
        round's own :attr:`reminders`."""
        return reminder_text(self.progress, lang=lang, reminders=self.reminders)

    def workbook(self, *, lang: str = "zh") -> bytes:
        """The round as an xlsx file (:func:`~bxgc_metrics.metrics.reporting.reminder_workbook`)."""
        return reminder_workbook(self.progress, lang=lang)

    def without_contacts(self) -> Round:
        """The round with every reporting contact's name and phone left out (what a
        reader who may not see them is given): the same counts, tables, message and
        workbook, with the contact cells empty."""

        def blank(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.assign(**{c: "" for c in CONTACT_COLUMNS if c in frame})

        progress = replace(self.progress, units=blank(self.progress.units))
        return replace(
            self, progress=progress, units=blank(self.units), reminders=blank(self.reminders)
        )


CONTACT_COLUMNS = ("contact_person", "contact_phone")
"""The columns of a round that name a person and a phone number."""


def _counts(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Expected, each status and reported per ``key``, in first-appearance order."""
    flags = pd.get_dummies(rows["status"]).reindex(columns=list(STATUSES), fill_value=False)
    counts = (
        flags.astype(np.int64)
        .assign(**{key: rows[key], "expected": 1})
        .groupby(key, sort=False)
        .sum()
        .reset_index()
    )
    return counts.assign(reported=counts["on_time"] + counts["late"])


def _share(frame: pd.DataFrame) -> pd.Series:
    return frame["reported"] / frame["expected"].where(frame["expected"] > 0)


def reporting_round(
    period: Period | str,
    *,
    writes: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    today: dt.date,
    group: str = ALL,
    lookback_months: int = LOOKBACK_MONTHS,
) -> Round:
    """The reporting round of ``period`` among the units of ``group`` on ``today``.

    Parameters
    ----------
    period
        The period (``2026-10``); its frequency's indicators with a calendar are assessed.
    writes, units, indicators
        As :func:`~bxgc_metrics.metrics.reporting.progress` takes them.
    today
        The assessment date.
    group
        The peer group (:func:`~bxgc_metrics.tables.standings.members` decides who is in it).
    lookback_months
        How far back a report makes a unit expected.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["A", "B"], "name_zh": ["甲", "乙"], "name_en": None,
    ...                       "kind": "街道", "peer_group": None})
    >>> inds = pd.DataFrame({"code": ["GDP", "TAX"], "name_zh": ["地区生产总值", "税收收入"],
    ...                      "name_en": None, "frequency": "M", "report_due_day": [8, 10]})
    >>> writes = pd.DataFrame({"unit_code": ["A", "A", "B", "B"],
    ...     "indicator_code": ["GDP", "TAX", "GDP", "GDP"], "freq": "M", "year": 2026,
    ...     "sub": [10, 9, 9, 10], "value_kind": "actual", "batch_id": [1, 2, 3, 4], "who": "x",
    ...     "value": 1.0, "file_name": "f",
    ...     "written_at": pd.to_datetime(["2026-11-05", "2026-10-09", "2026-10-08", "2026-11-09"])})
    >>> r = reporting_round("2026-10", writes=writes, units=units, indicators=inds,
    ...                     today=dt.date(2026, 11, 9))
    >>> r.grid.to_dict("index")
    {'A': {'GDP': 'on_time', 'TAX': 'not_due'}, 'B': {'GDP': 'late', 'TAX': None}}
    >>> r.indicators[["indicator_code", "expected", "reported"]].values.tolist()
    [['GDP', 2, 2], ['TAX', 1, 0]]
    """
    inside = units[units["code"].astype(str).isin(members(units, group))]
    made = progress(
        period,
        writes=writes,
        units=inside,
        indicators=indicators,
        today=today,
        lookback_months=lookback_months,
    )
    rows = made.rows
    per_unit = made.units.assign(share_reported=_share(made.units))
    names = rows[["indicator_code", "indicator_name", "indicator_name_en"]].drop_duplicates(
        "indicator_code"
    )
    per_indicator = names.merge(_counts(rows, "indicator_code"), on="indicator_code")
    per_indicator = per_indicator.assign(share_reported=_share(per_indicator))
    order = list(dict.fromkeys(rows["indicator_code"]))
    grid = rows.pivot(index="unit_code", columns="indicator_code", values="status")
    grid = grid.reindex(index=list(per_unit["unit_code"]), columns=order).astype(object)
    grid = grid.where(grid.notna(), None)
    grid.columns.name = None
    return Round(
        group=group,
        progress=made,
        units=per_unit[list(UNIT_TABLE_COLUMNS)],
        indicators=per_indicator[list(INDICATOR_TABLE_COLUMNS)],
        grid=grid,
        reminders=reminder_list(made),
    )


def year_record(
    year: int,
    *,
    writes: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    today: dt.date,
    group: str = ALL,
) -> pd.DataFrame:
    """:func:`~bxgc_metrics.metrics.reporting.yearly_counts` of the units of ``group``: the
    counts the rewards' ``missed_report`` rule docks (pass them as ``missed_reports``)."""
    inside = units[units["code"].astype(str).isin(members(units, group))]
    return yearly_counts(year, writes=writes, units=inside, indicators=indicators, today=today)


def _date_words(day: dt.date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def summary(r: Round, *, names: Mapping[str, str] | None = None, lang: str = "zh") -> str:
    """The round in one paragraph, as a 通报's 报送情况 prints it.

    ``names`` maps unit codes to the names printed (default: the units table's names).

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["A", "B"], "name_zh": ["甲街道", "乙街道"],
    ...                       "name_en": None, "kind": "街道"})
    >>> inds = pd.DataFrame({"code": ["GDP"], "name_zh": ["地区生产总值"], "name_en": None,
    ...                      "frequency": "M", "report_due_day": [8]})
    >>> writes = pd.DataFrame({"unit_code": ["A", "B", "A"], "indicator_code": "GDP",
    ...     "freq": "M", "year": 2026, "sub": [9, 9, 10], "value_kind": "actual",
    ...     "batch_id": [1, 2, 3], "who": "x", "value": 1.0, "file_name": "f",
    ...     "written_at": pd.to_datetime(["2026-10-08", "2026-10-08", "2026-11-09"])})
    >>> r = reporting_round("2026-10", writes=writes, units=units, indicators=inds,
    ...                     today=dt.date(2026, 11, 11))
    >>> summary(r)
    '截至2026年11月11日，2026年10月数据应报2项，已报1项（按时0项、迟报1项），逾期未报1项，未到期0项。逾期未报的单位：乙街道。'
    """
    p = r.progress
    zh = lang == "zh"
    period = (format_zh if zh else format_en)(p.period.freq, p.period.year, p.period.sub)
    names = names or {}
    column = "name" if zh else "name_en"
    who = [
        clean(names.get(code, name))
        for code, name in zip(r.reminders["unit_code"], r.reminders[column], strict=True)
    ]
    if zh:
        text = (
            f"截至{_date_words(p.today, lang)}，{period}数据应报{p.expected}项，"
            f"已报{p.reported}项（按时{p.on_time}项、迟报{p.late}项），"
            f"逾期未报{p.missing}项，未到期{p.not_due}项。"
        )
        return text + (f"逾期未报的单位：{'、'.join(who)}。" if who else "")
    text = (
        f"As of {_date_words(p.today, lang)}, {p.expected} figures for {period} were expected: "
        f"{p.reported} reported ({p.on_time} on time, {p.late} late), {p.missing} overdue, "
        f"{p.not_due} not yet due."
    )
    return text + (f" Overdue: {', '.join(who)}." if who else "")
