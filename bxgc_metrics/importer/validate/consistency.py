"""Rules that compare a sheet with itself: a 合计 row against the sum of its rows, a
stated 完成率 or 同比增长 against the rate its figures give."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.validate.shown import at, pool, rows


def totals_mismatch(records: pd.DataFrame, totals: pd.DataFrame) -> list[Issue]:
    """A 合计 row that does not equal the sum of its rows."""
    if totals.empty:
        return []
    group = ["sheet", "column"]
    sums = records.groupby(group, as_index=False)["value"].sum(min_count=1)
    merged = totals[~totals["missing"] & ~totals["invalid"]].merge(
        sums, on=group, suffixes=("", "_sum")
    )
    gap = (merged["value"] - merged["value_sum"]).abs()
    bad = merged[gap > np.maximum(0.5, 0.001 * merged["value"].abs())]
    return [
        issues.TOTAL_MISMATCH.at(**at(r), total=r["value"], sum=r["value_sum"]) for r in rows(bad)
    ]


def stated_rates(records: pd.DataFrame, checks: pd.DataFrame, history: pd.DataFrame) -> list[Issue]:
    """A stated 完成率 or 同比增长 that the figures beside it do not give."""
    if checks.empty:
        return []
    ytd = records[(records["value_kind"] == "actual")]
    return [
        issues.STATED_MISMATCH[what].at(**at(r), raw=r["raw"], computed=r["computed"] * 100)
        for what, r in _computed_rates(checks, ytd, pool(history, records))
    ]


def _computed_rates(
    checks: pd.DataFrame, ytd: pd.DataFrame, pool: pd.DataFrame
) -> Iterator[tuple[str, dict]]:
    """Each stated rate that is off by more than half a point, with what it says."""
    base = ["sheet", "unit_code", "indicator_code"]
    now = ytd.drop_duplicates(base)[[*base, "year", "sub", "freq", "value"]]
    merged = checks.merge(now, on=base, how="inner")
    targets = pool[(pool["value_kind"] == "target") & (pool["freq"] == "Y")]
    merged = merged.merge(
        targets[["unit_code", "indicator_code", "year", "value"]].rename(
            columns={"value": "target"}
        ),
        on=["unit_code", "indicator_code", "year"],
        how="left",
    )
    prior = pool[pool["value_kind"] == "actual"][
        ["unit_code", "indicator_code", "freq", "year", "sub", "value"]
    ]
    prior = prior.assign(year=prior["year"] + 1).rename(columns={"value": "prior"})
    merged = merged.merge(
        prior, on=["unit_code", "indicator_code", "freq", "year", "sub"], how="left"
    )
    merged["computed"] = np.where(
        merged["what"] == "completion",
        merged["value"] / merged["target"],
        merged["value"] / merged["prior"] - 1,
    )
    bad = merged[
        merged["computed"].notna()
        & merged["stated"].notna()
        & ((merged["computed"] - merged["stated"]).abs() > 0.0051)
    ]
    for r in rows(bad):
        yield r["what"], r
