"""One time zone for every time the product shows.

The store records times in UTC (batches, the audit log, sign-ins); every page, export and
command shows them in one configured zone, ``BXGC_TZ`` (default ``Asia/Shanghai``, Beijing
time), and "today" — which phase is running, which milestone is late — is today there, not
on the server's clock or in the reader's browser.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

import pandas as pd

DEFAULT_ZONE = "Asia/Shanghai"
"""The zone used unless ``BXGC_TZ`` names another."""


def zone() -> zoneinfo.ZoneInfo:
    """The configured zone (``BXGC_TZ``); an unknown name falls back to Beijing time."""
    name = os.environ.get("BXGC_TZ") or DEFAULT_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def now() -> dt.datetime:
    """The time now in the configured zone (aware)."""
    return dt.datetime.now(zone())


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
