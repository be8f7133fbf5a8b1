"""Robust z-scores against a unit's own history, with the common seasonal pattern removed.

A month is "far outside the unit's own history" when its robust z-score (Iglewicz and
Hoaglin's modified z-score) is large: the distance from the median of the unit's values on
that indicator, in units of the median absolute deviation (MAD) scaled by 1.4826 so that
it estimates the standard deviation of normal data. Median and MAD are hardly moved by the
outlier they are looking for, as a mean and a standard deviation would be. When more than
half the values are equal the MAD is 0; the scale is then the mean absolute deviation
from the median times 1.2533 (√(π/2)), as IBM SPSS does, and a series whose values are
all equal has no scale and no outlier.

Chinese monthly figures are strongly seasonal (a slow February, a strong June and
December), so raw month-on-month steps would accuse every unit each December. Before
scoring, :func:`deseasonalise` subtracts from each value the median of that indicator in
that calendar month over all units and years. The pattern is everyone's, so a unit that
leaps every June is still measured against what the others do in June.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bxgc_metrics._columnar import group_numbers

ROBUST_Z_LIMIT = 3.5
"""A value with a robust z-score beyond this is an outlier (Iglewicz and Hoaglin 1993)."""
MAD_SCALE = 1.4826
"""MAD × this estimates the standard deviation of normal data."""
MEAN_AD_SCALE = 1.2533
"""Mean absolute deviation × this (√(π/2)) estimates it when the MAD is 0."""
SEASON_MIN_OBS = 5
"""An indicator's seasonal pattern is removed only when every calendar month has at least
this many values (units × years): fewer would let one unit's month set the pattern."""


def robust_z(values: pd.Series, by: list[pd.Series]) -> pd.DataFrame:
    """Robust z-score of each value within its group.

    Parameters
    ----------
    values
        Numbers, NaN where there is none (ignored).
    by
        Series aligned with ``values`` that define the groups (e.g. unit and indicator).

    Returns
    -------
    pandas.DataFrame
        Aligned with ``values``: ``z`` (NaN where the group has no spread), ``center``
        (the group's median) and ``n`` (the group's count of values).

    Examples
    --------
    Median 1.0, absolute deviations 0, 0, 0.1, 0.1, 0.9: MAD 0.1, scale 0.14826.

    >>> x = pd.Series([0.9, 1.0, 1.0, 1.1, 1.9])
    >>> robust_z(x, [pd.Series(["A"] * 5)])["z"].round(2).tolist()
    [-0.67, 0.0, 0.0, 0.67, 6.07]
    """
    ids = group_numbers(by)  # coded once for the four passes below
    groups = values.groupby(ids)
    center = groups.transform("median")
    deviation = (values - center).abs()
    by_deviation = deviation.groupby(ids)
    mad = by_deviation.transform("median") * MAD_SCALE
    mean_ad = by_deviation.transform("mean") * MEAN_AD_SCALE
    del deviation, by_deviation
    scale = mad.where(mad > 0, mean_ad)
    del mad, mean_ad
    with np.errstate(divide="ignore", invalid="ignore"):
        z = ((values - center) / scale).where(scale > 0)
    del scale
    return pd.DataFrame({"z": z, "center": center, "n": groups.transform("count")})


def deseasonalise(values: pd.Series, indicator: pd.Series, month: pd.Series) -> pd.DataFrame:
    """Values less the median of their indicator's calendar month over all units and years.

    An indicator is adjusted only when each calendar month it has values in holds at least
    :data:`SEASON_MIN_OBS` of them; otherwise its values stay as they are. Pass values
    without NaN.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``values``: ``residual``, the ``pattern`` subtracted (0 where not
        adjusted) and ``adjusted`` (bool).

    Examples
    --------
    Five units whose December is always 0.3 above their other months:

    >>> months = pd.Series([11, 12] * 5)
    >>> x = pd.Series([0.1, 0.4] * 5)
    >>> deseasonalise(x, pd.Series(["GBR"] * 10), months)["residual"].round(6).tolist()[:2]
    [0.0, 0.0]
    """
    ids = group_numbers([indicator, month])
    profile = values.groupby(ids).transform("median")
    count = values.groupby(ids).transform("count")
    adjusted = count.groupby(indicator).transform("min") >= SEASON_MIN_OBS
    pattern = profile.where(adjusted, 0.0)
    return pd.DataFrame(
        {"residual": values - pattern, "pattern": pattern, "adjusted": adjusted.astype(bool)}
    )
