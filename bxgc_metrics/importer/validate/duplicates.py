"""The same figure twice in a file: equal values are merged (a warning), different ones
block. Rows are compared through one integer code per key
(:func:`bxgc_metrics._columnar.has_duplicates`)."""

from __future__ import annotations

import pandas as pd

from bxgc_metrics._columnar import has_duplicates
from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.validate.shown import KEY, at, rows

SAME = 1e-9
"""Values of one key that differ by less than this share of the larger are one figure."""


def duplicates(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """The same figure twice: equal values are merged (warning), different ones block."""
    if not has_duplicates(records, KEY):
        return records, []
    dup = records[records.duplicated(KEY, keep=False)]
    if dup.empty:
        return records, []
    grouped = dup.groupby(KEY)["value"]
    spread = grouped.transform(lambda v: v.max() - v.min())
    # one figure written in two measures (0.57 亿元, 5,700 万元) differs by rounding alone
    apart = spread > SAME * grouped.transform(lambda v: v.abs().max())
    clash, same = dup[apart], dup[~apart]
    found = [
        issues.DUPLICATE_CONFLICT.at(
            **at(r), unit=r["unit_name"], indicator=r["indicator_name"], raw=r["raw"]
        )
        for r in rows(clash)
    ]
    found += [issues.DUPLICATE_SAME.at(**at(r)) for r in rows(same[same.duplicated(KEY)])]
    return records.drop_duplicates(KEY), found
