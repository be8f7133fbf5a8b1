"""One time zone for every time the product shows.

The store records times in UTC (batches, the audit log, sign-ins); every page, export and
command shows them in one configured zone, ``BXGC_TZ`` (default ``Asia/Shanghai``, Beijing
time), and "today" — which phase is running, which milestone is late — is today there, not
on the server's clock or in the reader's browser.

``BXGC_TODAY`` (``2026-12-15``), when set, moves "today" to that date (the time of day
stays the real one): a testing and demo aid, to show a reporting round past its due date
or a phase that has not started yet. It never touches the times the store records.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

import pandas as pd

DEFAULT_ZONE = "Asia/Shanghai"
"""The zone used unless ``BXGC_TZ`` names another."""
TODAY_VARIABLE = "BXGC_TODAY"
"""The environment variable that sets "today" (ISO date) for tests and demonstrations."""


def zone() -> zoneinfo.ZoneInfo:
    """The configured zone (``BXGC_TZ``); an unknown name falls back to Beijing time."""
    name = os.environ.get("BXGC_TZ") or DEFAULT_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def fixed_today() -> dt.date | None:
    """The date ``BXGC_TODAY`` sets, or ``None`` when it is unset or not an ISO date."""
    text = (os.environ.get(TODAY_VARIABLE) or "").strip()
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def now() -> dt.datetime:
    """The time now in the configured zone (aware); on ``BXGC_TODAY``'s date when set."""
    real = dt.datetime.now(zone())
    fixed = fixed_today()
    return real if fixed is None else dt.datetime.combine(fixed, real.timetz())


def today() -> dt.date:
    """Today's date in the configured zone."""
    return now().date()


def local(stored: pd.Series) -> pd.Series:
    """Stored UTC times (naive) as naive times in the configured zone, for showing.

    >>> zone().key == "Asia/Shanghai" or True  # the default unless BXGC_TZ says otherwise
    True
    >>> local(pd.Series(pd.to_datetime(["2026-11-30 02:00:00"]))).dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2026-11-30 10:00']
    """
    times = pd.to_datetime(stored)
    if times.dt.tz is None:
        times = times.dt.tz_localize("UTC")
    return times.dt.tz_convert(zone()).dt.tz_localize(None)


def shown(stored: pd.Series) -> pd.Series:
    """Stored UTC times as ``2026-11-30 10:00`` text in the configured zone ("" if missing)."""
    text = local(stored).dt.strftime("%Y-%m-%d %H:%M")
    return text.where(text.notna(), "")
