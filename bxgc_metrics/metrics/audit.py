"""Plan audit: do a plan's stated levels follow from its stated growth rates?

Implementation plans state each year's value next to its growth rate. Plan four says
3.5 亿元 for 2011 at +16 % from 2.9, but 2.9 × 1.16 = 3.364. No spreadsheet checks this;
:func:`check_plan` does, line by line, and :func:`audit_plan` keeps only the lines that
fail. Both return the same documented columns, so a page can show either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AUDIT_COLUMNS = [
    "unit",
    "period",
    "previous",
    "growth",
    "stated",
    "implied",
    "deviation",
    "implied_growth",
    "flag",
]
"""Columns returned by :func:`check_plan` and :func:`audit_plan`."""


def check_plan(frame: pd.DataFrame, tolerance: float = 0.01) -> pd.DataFrame:
    """Check every checkable line of a plan against the previous value and stated growth.

    A line (unit, period) is checkable when the same unit has a value for
    ``period - 1`` and the line states a growth rate. Its implied value is
    ``previous * (1 + growth)``; the line is flagged when
    ``|stated / implied - 1| > tolerance``.

    Parameters
    ----------
    frame
        Columns ``unit, period, value, growth``: integer periods (years), levels, and
        the stated growth over the previous period as a fraction (0.16 for +16 %; NaN
        when not stated). Other columns are ignored.
    tolerance
        Relative tolerance, 0.01 for 1 %.

    Returns
    -------
    pandas.DataFrame
        One row per checkable line, sorted by unit and period, with :data:`AUDIT_COLUMNS`:
        ``previous`` value, stated ``growth``, ``stated`` value, ``implied`` value,
        ``deviation = stated / implied - 1``, ``implied_growth = stated / previous - 1``
        (the growth the stated values really mean) and boolean ``flag``.

    Examples
    --------
    >>> plan = pd.DataFrame({"unit": ["ours"] * 2, "period": [2010, 2011],
    ...                      "value": [2.0, 3.2], "growth": [0.56, 0.60]})
    >>> check_plan(plan)[["period", "implied", "flag"]].to_dict("records")
    [{'period': 2011, 'implied': 3.2, 'flag': False}]
    """
    lines = frame[["unit", "period", "value", "growth"]]
    prior = lines[["unit", "period", "value"]].rename(columns={"value": "previous"})
    prior = prior.assign(period=prior["period"] + 1)
    checked = lines.merge(prior, on=["unit", "period"], how="inner")
    checked = checked.dropna(subset=["growth", "previous"]).rename(columns={"value": "stated"})
    implied = checked["previous"] * (1 + checked["growth"])
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = checked["stated"] / implied - 1
        implied_growth = checked["stated"] / checked["previous"] - 1
    checked = checked.assign(
        implied=implied,
        deviation=deviation,
        implied_growth=implied_growth,
        flag=deviation.abs() > tolerance,
    )
    return checked[AUDIT_COLUMNS].sort_values(["unit", "period"], ignore_index=True)


def audit_plan(frame: pd.DataFrame, tolerance: float = 0.01) -> pd.DataFrame:
    """The lines of a plan whose stated value does not compound from its stated growth.

    Same input and columns as :func:`check_plan`, keeping only flagged lines. Lines
    without a stated growth or without a previous value cannot be checked and are
    never flagged.

    Parameters
    ----------
    frame
        Columns ``unit, period, value, growth`` (growth as a fraction, may be NaN).
    tolerance
        Relative tolerance, 0.01 for 1 %.

    Returns
    -------
    pandas.DataFrame
        The flagged rows of :func:`check_plan`.

    Examples
    --------
    Plan four's fiscal revenue (亿元):

    >>> plan = pd.DataFrame({
    ...     "unit": ["ours"] * 3 + ["benchmark"] * 3,
    ...     "period": [2010, 2011, 2012] * 2,
    ...     "value": [2.0, 3.2, 5.2, 2.9, 3.5, 4.2],
    ...     "growth": [0.56, 0.60, 0.60, 0.15, 0.16, 0.15]})
    >>> flagged = audit_plan(plan)
    >>> flagged[["unit", "period", "stated"]].values.tolist()
    [['benchmark', 2011, 3.5], ['benchmark', 2012, 4.2], ['ours', 2012, 5.2]]
    >>> flagged["implied"].round(3).tolist()
    [3.364, 4.025, 5.12]
    """
    checked = check_plan(frame, tolerance)
    return checked[checked["flag"]].reset_index(drop=True)
