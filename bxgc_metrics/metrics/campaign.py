"""Where a campaign stands on its calendar, and what its gap commitments achieved.

Plan three runs in four dated phases and ends with a year-end look back (回头看) at the
差距排查与整改承诺书; plan one sets dated milestones. :func:`phase_status` and
:func:`milestone_status` place them against a date; :func:`gap_status` marks overdue
rectification items; :func:`look_back` sets each commitment beside the indicator value it
promised to move.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, errors="coerce").dt.normalize()


def phase_status(phases: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Adds ``status``: ``done``, ``current`` or ``upcoming``.

    >>> p = pd.DataFrame({"start_date": ["2014-07-19", "2014-07-29"],
    ...                   "end_date": ["2014-07-28", "2014-08-07"]})
    >>> phase_status(p, dt.date(2014, 7, 30))["status"].tolist()
    ['done', 'current']
    """
    now = pd.Timestamp(today).normalize()
    start, end = _dates(phases["start_date"]), _dates(phases["end_date"])
    status = np.select([end < now, start <= now], ["done", "current"], default="upcoming")
    return phases.assign(status=status)


def milestone_status(milestones: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Adds ``status`` (``done``, ``done_late``, ``late``, ``open``) and ``days_late``.

    >>> m = pd.DataFrame({"due_date": ["2011-06-30", "2011-12-31", "2011-06-30"],
    ...                   "done_date": ["2011-06-28", None, "2011-07-15"]})
    >>> out = milestone_status(m, dt.date(2012, 1, 10))
    >>> out["status"].tolist(), out["days_late"].tolist()
    (['done', 'late', 'done_late'], [0, 10, 15])
    """
    now = pd.Timestamp(today).normalize()
    due, done = _dates(milestones["due_date"]), _dates(milestones["done_date"])
    finished = done.notna()
    late_by = np.where(finished, (done - due).dt.days, (now - due).dt.days)
    late_by = np.clip(np.nan_to_num(late_by.astype(float)), 0, None).astype(int)
    status = np.select(
        [finished & (late_by > 0), finished, late_by > 0],
        ["done_late", "done", "late"],
        default="open",
    )
    return milestones.assign(status=status, days_late=late_by)


def gap_status(gaps: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Adds ``overdue`` (past the deadline and not done) and ``days_left``.

    >>> g = pd.DataFrame({"deadline": ["2026-06-30", "2026-12-31"], "status": ["open", "open"]})
    >>> gap_status(g, dt.date(2026, 11, 25))[["overdue", "days_left"]].values.tolist()
    [[True, -148], [False, 36]]
    """
    now = pd.Timestamp(today).normalize()
    deadline = _dates(gaps["deadline"])
    days_left = (deadline - now).dt.days
    overdue = (days_left < 0) & (gaps["status"] != "done")
    return gaps.assign(overdue=overdue.fillna(False).astype(bool), days_left=days_left)


def look_back(
    gaps: pd.DataFrame, observations: pd.DataFrame, directions: dict[str, bool]
) -> pd.DataFrame:
    """Each commitment beside the latest actual value of the indicator it promised to move.

    The latest value is the latest actual figure of the promised year (year-to-date for
    a monthly flow). ``achieved`` is value / promise (promise / value when lower is
    better); ``met`` is ``achieved >= 1``. Columns added: ``latest_period, latest_value,
    achieved, met``.
    """
    actual = observations[observations["value_kind"] == "actual"].sort_values(["year", "sub"])
    latest = actual.groupby(["unit_code", "indicator_code", "year"]).tail(1)
    latest = latest.rename(columns={"year": "promised_year", "value": "latest_value"})
    latest["latest_period"] = latest["sub"].astype(int)
    merged = gaps.merge(
        latest[
            [
                "unit_code",
                "indicator_code",
                "promised_year",
                "latest_value",
                "latest_period",
                "freq",
            ]
        ],
        on=["unit_code", "indicator_code", "promised_year"],
        how="left",
    )
    higher = merged["indicator_code"].map(lambda code: directions.get(code, True)).astype(bool)
    ratio = merged["latest_value"] / merged["promised_value"]
    merged["achieved"] = np.where(higher, ratio, 1 / ratio)
    merged["met"] = merged["achieved"] >= 1
    return merged
