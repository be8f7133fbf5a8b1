"""What every rule shares: the key of a figure, how many findings of a kind are shown,
where a finding stands, and the stored figures overlaid with the file's."""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
"""The columns that name one figure: two rows agreeing on them are the same figure."""
SHOWN = 50
"""Findings listed per rule: a file with 10,000 bad cells needs the pattern, not all of them."""


def pool(history: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Stored figures overlaid with the file's: what the database would hold after import."""
    columns = [*KEY, "value", "cumulative"]
    both = pd.concat([history[columns], records[columns]], ignore_index=True)
    return both.drop_duplicates(KEY, keep="last")


def rows(frame: pd.DataFrame) -> list[dict]:
    """The first :data:`SHOWN` rows of ``frame`` as dictionaries."""
    if frame.empty:  # most rules find nothing: skip pandas' conversion of no rows
        return []
    return frame.head(SHOWN).to_dict("records")


def shown(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    """The first rows where ``mask`` holds, as many as are shown (``frame[mask]`` cut short
    without filtering every row)."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))[:SHOWN]
    return frame.iloc[positions] if len(positions) else frame.iloc[:0]


def at(r: dict) -> dict:
    """Where the figure ``r`` stands, as :meth:`~bxgc_metrics.importer.issues.Kind.at`
    takes it: sheet, row, column and the cell as written."""
    return {"sheet": r["sheet"], "row": int(r["row"]), "column": r["column"], "value": r["raw"]}
