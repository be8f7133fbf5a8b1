"""The same figure twice in a file: equal values are merged (a warning), different ones
block. Rows are compared through one integer code per key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.validate.shown import KEY, at, rows


def duplicates(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """The same figure twice: equal values are merged (warning), different ones block."""
    if not _key_codes(records, KEY).duplicated().any():
        return records, []
    dup = records[records.duplicated(KEY, keep=False)]
    if dup.empty:
        return records, []
    spread = dup.groupby(KEY)["value"].transform(lambda v: v.max() - v.min())
    clash, same = dup[spread > 0], dup[spread == 0]
    found = [
        issues.DUPLICATE_CONFLICT.at(
            **at(r), unit=r["unit_name"], indicator=r["indicator_name"], raw=r["raw"]
        )
        for r in rows(clash)
    ]
    found += [issues.DUPLICATE_SAME.at(**at(r)) for r in rows(same[same.duplicated(KEY)])]
    return records.drop_duplicates(KEY), found


def _key_codes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One integer per row that is equal for two rows exactly when they agree on
    ``columns`` (missing values equal to each other, as :meth:`DataFrame.duplicated`
    has them)."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        level, size = _levels(frame[column])
        if int(codes.max(initial=0)) + 1 > 2**62 // size:
            codes = pd.factorize(codes)[0].astype(np.int64)  # renumber to stay in range
        codes = codes * size + level
    return pd.Series(codes)


def _levels(values: pd.Series) -> tuple[np.ndarray, int]:
    """Codes from 1 that are equal where ``values`` are (0 for missing), and one more than
    the largest: a categorical's own codes, an integer's distance from the smallest."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64) + 1, len(values.cat.categories) + 1
    if values.dtype.kind in "iu" and len(values):
        numbers = values.to_numpy().astype(np.int64)
        low, high = int(numbers.min()), int(numbers.max())
        if high - low < 2**40:
            return numbers - (low - 1), high - low + 2
    level, distinct = pd.factorize(values)
    return level.astype(np.int64) + 1, len(distinct) + 1  # missing (-1) as a level of its own
