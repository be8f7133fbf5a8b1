"""Where each unit stands against its annual target in a reporting period.

Chinese statistical tables put the year-to-date value (1-6月累计) beside the annual target
(全年目标), the completion rate (完成率) and year-on-year growth (同比增长). This module
builds that table from the store's long observations for every unit at once.
"""

from __future__ import annotations

from collections.abc import Mapping

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
    periods = progress_periods({indicator: higher_is_better}, year=year, sub=sub)
    return progress_by_indicator(observations, freq, periods)[list(PROGRESS_COLUMNS)]


PERIOD_COLUMNS = ("indicator_code", "year", "sub", "higher_is_better")
"""Columns of the ``periods`` :func:`progress_by_indicator` reads: which period of which
indicator, and the indicator's direction."""


def progress_periods(directions: Mapping[str, bool], *, year: int, sub: int) -> pd.DataFrame:
    """The ``periods`` of :func:`progress_by_indicator` that put every indicator of
    ``directions`` (code → higher is better, in order) in the same period.

    >>> progress_periods({"A": True, "B": False}, year=2026, sub=6).values.tolist()
    [['A', 2026, 6, True], ['B', 2026, 6, False]]
    """
    codes = list(directions)
    return pd.DataFrame(
        {
            "indicator_code": pd.Series(codes, dtype="str"),
            "year": pd.Series([year] * len(codes), dtype="int64"),
            "sub": pd.Series([sub] * len(codes), dtype="int64"),
            "higher_is_better": pd.Series([bool(directions[c]) for c in codes], dtype=bool),
        }
    )


def progress_by_indicator(
    observations: pd.DataFrame, freq: str, periods: pd.DataFrame
) -> pd.DataFrame:
    """:func:`period_progress` for several indicators at once, each in its own period.

    ``periods`` has :data:`PERIOD_COLUMNS`, one row per indicator and period (an indicator
    may appear in several periods of ``freq``). Returns ``indicator_code`` and
    :data:`PROGRESS_COLUMNS`, one row per unit with an actual value in one of the
    periods: the rows of one indicator and period are exactly what :func:`period_progress`
    gives for it, in the same order.

    Examples
    --------
    >>> obs = pd.DataFrame({
    ...     "unit_code": "U", "indicator_code": ["A", "A", "B", "B"], "freq": ["M", "Y"] * 2,
    ...     "year": 2025, "sub": [6, 0] * 2, "value_kind": ["actual", "target"] * 2,
    ...     "value": [50.0, 100.0, 30.0, 20.0]})
    >>> periods = pd.DataFrame({"indicator_code": ["A", "B"], "year": 2025, "sub": 6,
    ...                         "higher_is_better": [True, False]})
    >>> got = progress_by_indicator(obs, "M", periods)
    >>> got[["indicator_code", "value", "completion"]].round(4).values.tolist()
    [['A', 50.0, 0.5], ['B', 30.0, 0.6667]]
    """
    wanted = periods[list(PERIOD_COLUMNS)].astype(
        {"indicator_code": "str", "year": "int64", "sub": "int64", "higher_is_better": bool}
    )
    codes = observations["indicator_code"].isin(wanted["indicator_code"].unique())
    mine = observations[codes]
    kind = mine["value_kind"]
    actual = mine[(kind == "actual") & (mine["freq"] == freq)]
    actual = actual[["unit_code", "indicator_code", "year", "sub", "value"]].astype(
        {"year": "int64", "sub": "int64"}
    )
    now = actual.merge(wanted, on=["indicator_code", "year", "sub"], how="inner")
    earlier = wanted.assign(year=wanted["year"] - 1)[["indicator_code", "year", "sub"]]
    prior = actual.merge(earlier.drop_duplicates(), on=["indicator_code", "year", "sub"])
    prior = prior.assign(year=prior["year"] + 1).rename(columns={"value": "prior"})
    targets = mine[(kind == "target") & (mine["freq"] == "Y") & (mine["sub"] == 0)]
    targets = targets[["unit_code", "indicator_code", "year", "value"]].astype({"year": "int64"})
    targets = targets[targets["year"].isin(wanted["year"].unique())]
    out = now.merge(
        targets.rename(columns={"value": "target"}),
        on=["unit_code", "indicator_code", "year"],
        how="left",
    ).merge(prior, on=["unit_code", "indicator_code", "year", "sub"], how="left")
    ratio = out["value"] / out["target"]
    out["completion"] = ratio.where(out["higher_is_better"], 1.0 / ratio)
    out["yoy"] = out["value"] / out["prior"] - 1.0
    elapsed = {int(s): months_elapsed(freq, int(s)) / 12.0 for s in out["sub"].unique()}
    out["time_progress"] = out["sub"].map(elapsed).astype(float)
    out = out.replace([np.inf, -np.inf], np.nan)
    return out[["indicator_code", *PROGRESS_COLUMNS]].reset_index(drop=True)
