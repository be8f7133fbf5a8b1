"""What a trajectory chart marks beside its lines: the events that apply, the campaign phases
in view, each placed on the chart's year axis.

The trajectory axis is in years: a year's figure sits on its whole number (2024), and the
crossing and target years are whole numbers too. A date sits at its *decimal year*, the
year plus the part of it gone by at the start of that day (:func:`decimal_year`): 1 January
2024 is 2024.0, 15 March 2024 is 2024 + 74/366. An event of 2024 therefore sits between the
2024 and 2025 points, inside the year whose figures it may change.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

EVENT_MARK_COLUMNS = ("x", "event_date", "unit_code", "indicator_code", "kind", "text")
"""The columns of :func:`chart_events`: ``x`` the decimal year, ``unit_code`` ``None`` for
an event of every unit."""

PHASE_BAND_COLUMNS = ("x0", "x1", "campaign", "name_zh", "name_en", "start_date", "end_date")
"""The columns of :func:`chart_phases` (and ``status`` when the phases carry one)."""


def decimal_year(dates: Iterable[object] | pd.Series) -> np.ndarray:
    """Each date as its year plus the part of that year gone by at the start of the day.

    Examples
    --------
    >>> decimal_year(["2024-01-01", "2024-03-15", "2025-07-02"]).round(6).tolist()
    [2024.0, 2024.202186, 2025.49863]

    15 March 2024 is day 75 of a leap year (2024 + 74/366); 2 July 2025 is day 183 of 365
    (2025 + 182/365).
    """
    stamps = pd.to_datetime(pd.Series(list(dates), dtype=object))
    days = np.where(stamps.dt.is_leap_year, 366.0, 365.0)
    return (stamps.dt.year + (stamps.dt.day_of_year - 1) / days).to_numpy(dtype=float)


def chart_events(
    events: pd.DataFrame, units: Iterable[str], indicator: str, *, window: tuple[float, float]
) -> pd.DataFrame:
    """The events a trajectory of ``indicator`` for ``units`` shows, oldest first.

    An event applies when its unit is one of ``units`` or missing (every unit) and its
    indicator is ``indicator`` or missing (every indicator), and its decimal year lies in
    ``window`` (the chart's year range). Columns: :data:`EVENT_MARK_COLUMNS`.

    >>> events = pd.DataFrame({"event_date": ["2024-03-15", "2023-01-01", "2024-06-01"],
    ...     "unit_code": ["JD03", None, "JD09"], "indicator_code": [None, "FAI", None],
    ...     "kind": ["policy", "definition", "project"], "text": ["十条", "口径", "别处"]})
    >>> chart_events(events, ["JD03", "JD01"], "FAI", window=(2019, 2028))["text"].tolist()
    ['口径', '十条']
    """
    if events.empty:
        return pd.DataFrame(columns=list(EVENT_MARK_COLUMNS))
    unit = events["unit_code"]
    indicators = events["indicator_code"]
    x = decimal_year(events["event_date"])
    keep = (
        (unit.isna() | unit.isin(list(units)))
        & (indicators.isna() | (indicators == indicator))
        & (x >= window[0])
        & (x <= window[1])
    )
    found = events.assign(x=x)[keep.to_numpy()]
    found = found.assign(unit_code=found["unit_code"].astype(object).where(unit.notna(), None))
    return found.sort_values(["x", "unit_code"], na_position="first")[
        list(EVENT_MARK_COLUMNS)
    ].reset_index(drop=True)


def chart_phases(phases: pd.DataFrame, *, window: tuple[float, float]) -> pd.DataFrame:
    """The campaign phases that overlap ``window``, as bands from ``x0`` (the first day's
    decimal year) to ``x1`` (the day after the last), cut to the window.

    >>> phases = pd.DataFrame({"campaign": ["方案三"] * 2, "name_zh": ["动员", "总结"],
    ...     "name_en": [None, None], "start_date": ["2014-07-19", "2030-01-01"],
    ...     "end_date": ["2014-07-28", "2030-02-01"]})
    >>> chart_phases(phases, window=(2013.5, 2016.5))[["name_zh", "x0", "x1"]].round(4).values.tolist()
    [['动员', 2014.5452, 2014.5726]]
    """
    columns = [*PHASE_BAND_COLUMNS, *(["status"] if "status" in phases else [])]
    if phases.empty:
        return pd.DataFrame(columns=columns)
    x0 = decimal_year(phases["start_date"])
    x1 = decimal_year(pd.to_datetime(phases["end_date"]) + pd.Timedelta(days=1))
    keep = (x1 > window[0]) & (x0 < window[1])
    bands = phases.assign(x0=np.maximum(x0, window[0]), x1=np.minimum(x1, window[1]))[keep]
    return bands.sort_values("x0")[columns].reset_index(drop=True)
