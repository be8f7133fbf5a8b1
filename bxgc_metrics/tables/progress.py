"""Where each unit stands against its annual target in a reporting period.

Chinese statistical tables put the year-to-date value (1-6月累计) beside the annual target
(全年目标), the completion rate (完成率) and year-on-year growth (同比增长). This module
builds that table from the store's long observations for every unit at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bxgc_metrics.periods import months_elapsed

PROGRESS_COLUMNS = (
    "unit_code",
    "year",
    "sub",
    "value",
    "target",
    "completion",
    "prior",
    "yoy",
    "time_progress",
)
"""Columns of :func:`period_progress`.

``value`` is the year-to-date (or stock, or rate) value in the period; ``target`` the
annual target; ``completion`` value/target (target/value when lower is better);
``prior`` the value in the same period a year earlier; ``yoy`` value/prior − 1;
``time_progress`` the share of the year elapsed at the end of the period.
"""


def latest_period(observations: pd.DataFrame, indicator: str) -> tuple[str, int, int] | None:
    """The latest ``(freq, year, sub)`` with an actual value of ``indicator``.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator_code": ["A", "A"], "value_kind": ["actual"] * 2,
    ...                     "freq": ["M", "M"], "year": [2024, 2025], "sub": [12, 3]})
    >>> latest_period(obs, "A")
    ('M', 2025, 3)
    """
    rows = observations[
        (observations["indicator_code"] == indicator) & (observations["value_kind"] == "actual")
    ]
    if rows.empty:
        return None
    best = rows.sort_values(["year", "sub"]).iloc[-1]
    return str(best["freq"]), int(best["year"]), int(best["sub"])


def period_progress(
    observations: pd.DataFrame,
    indicator: str,
    freq: str,
    *,
    year: int,
    sub: int,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """Each unit's value, annual target, completion and growth in one period.

    Parameters
    ----------
    observations
        Long observations with ``unit_code, indicator_code, freq, year, sub,
        value_kind, value``.
    indicator
        The indicator code.
    freq, year, sub
        The period (``"M", 2025, 6`` is 2025年1-6月 for a cumulative indicator).
    higher_is_better
        Direction of the indicator; for lower-is-better, completion is target/value.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRESS_COLUMNS`, one row per unit with an actual value.

    Examples
    --------
    >>> obs = pd.DataFrame({
    ...     "unit_code": ["U"] * 3, "indicator_code": ["A"] * 3,
    ...     "freq": ["M", "M", "Y"], "year": [2024, 2025, 2025], "sub": [6, 6, 0],
    ...     "value_kind": ["actual", "actual", "target"], "value": [40.0, 50.0, 120.0]})
    >>> row = period_progress(obs, "A", "M", year=2025, sub=6).iloc[0]
    >>> float(row.completion.round(4)), float(row.yoy), float(row.time_progress)
    (0.4167, 0.25, 0.5)
    """
    mine = observations[observations["indicator_code"] == indicator]
    actual = mine[mine["value_kind"] == "actual"]
    now = _select(actual, freq, year, sub=sub, name="value")
    prior = _select(actual, freq, year - 1, sub=sub, name="prior")
    target = _select(mine[mine["value_kind"] == "target"], "Y", year, sub=0, name="target")
    out = now.merge(target, on="unit_code", how="left").merge(prior, on="unit_code", how="left")
    ratio = out["value"] / out["target"]
    out["completion"] = ratio if higher_is_better else 1.0 / ratio
    out["yoy"] = out["value"] / out["prior"] - 1.0
    out["year"], out["sub"] = year, sub
    out["time_progress"] = months_elapsed(freq, sub) / 12.0
    out = out.replace([np.inf, -np.inf], np.nan)
    return out[list(PROGRESS_COLUMNS)].reset_index(drop=True)


def _select(frame: pd.DataFrame, freq: str, year: int, *, sub: int, name: str) -> pd.DataFrame:
    rows = frame[(frame["freq"] == freq) & (frame["year"] == year) & (frame["sub"] == sub)]
    return rows[["unit_code", "value"]].rename(columns={"value": name})
