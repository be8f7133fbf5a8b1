"""Rules that compare a sheet with itself: a 合计 row against the sum of its rows, a
stated 完成率 or 同比增长 against the rate its figures give."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.validate.history import NotUniqueError, Overlay, row_keys
from bxgc_metrics.importer.validate.shown import at, pool, rows

_SUMMED_TOGETHER = ("sheet", "indicator_name", "value_kind", "freq", "year", "sub")
"""What a 合计 row's figure sums: its sheet's figures of the same indicator, kind and
period, the column that names them (a table printed in blocks side by side has one such
column in each block)."""


def totals_mismatch(
    records: pd.DataFrame, totals: pd.DataFrame, *, unmatched: pd.DataFrame | None = None
) -> list[Issue]:
    """A 合计 row that does not equal the sum of its rows; a rate's (全区 7.6 %) is no
    sum of its units' rates, and is not checked. ``unmatched`` are the sheets' figures
    whose unit is not known (yet): the file's total counts them, so they are added to
    the sums of the columns whose known rows are summed.

    The rows are summed by one integer key per group (:func:`row_keys`), not by grouping
    and merging frames: missing parts of a key are equal to each other, as a merge
    matches them."""
    if totals.empty:
        return []
    group = list(_SUMMED_TOGETHER)
    stated = totals[~totals["missing"] & ~totals["invalid"]]
    unknown = unmatched if unmatched is not None and not unmatched.empty else None
    extra = (
        stated[group]
        if unknown is None
        else pd.concat([stated[group], unknown[group]], ignore_index=True)
    )
    own, theirs = row_keys(records, extra, group)
    code, key = pd.factorize(np.concatenate([own, theirs]))
    n, m, size = len(records), len(stated), len(key)
    at_record, at_total, at_more = code[:n], code[n : n + m], code[n + m :]
    rate = (records["kind"] == "rate").to_numpy(dtype=bool, na_value=False)
    value = records["value"].to_numpy(dtype=float, na_value=np.nan)
    summed = ~rate & ~np.isnan(value)
    sums = np.bincount(at_record[summed], weights=value[summed], minlength=size).astype(float)
    sums[np.bincount(at_record[summed], minlength=size) == 0] = np.nan  # none to sum
    figures = np.bincount(at_record[~rate], minlength=size) > 0  # a group of figures
    if unknown is not None:
        plain = figures & ~(np.bincount(at_record[rate], minlength=size) > 0)  # no rate
        added = plain[at_more]
        more = unknown["value"].to_numpy(dtype=float, na_value=np.nan)
        counted = added & ~np.isnan(more)
        extra_sums = np.bincount(at_more[counted], weights=more[counted], minlength=size)
        adds = np.bincount(at_more[added], minlength=size) > 0
        sums = np.where(adds, np.nan_to_num(sums) + extra_sums, sums)
    total = stated["value"].to_numpy(dtype=float, na_value=np.nan)
    found, their_sum = figures[at_total], sums[at_total]
    with np.errstate(invalid="ignore"):
        off = np.abs(total - their_sum) > np.maximum(0.5, 0.001 * np.abs(total))
    bad = found & off
    shown = stated[bad].assign(value_sum=their_sum[bad])
    return [
        issues.TOTAL_MISMATCH.at(**at(r), total=r["value"], sum=r["value_sum"]) for r in rows(shown)
    ]


def stated_rates(
    records: pd.DataFrame,
    checks: pd.DataFrame,
    history: pd.DataFrame,
    *,
    overlay: Overlay | None = None,
) -> list[Issue]:
    """A stated 完成率 or 同比增长 that the figures beside it do not give: completion
    against the year's target, growth against the same period a year before, each found
    among the stored figures overlaid with the file's (``overlay``, when the caller has
    made it, as :func:`~bxgc_metrics.importer.validate.history.history_checks` does)."""
    if checks.empty:
        return []
    merged = _beside(checks, records)
    if merged.empty:
        return []
    overlay = overlay if overlay is not None else Overlay(history, records)
    at = merged.pop("at_row").to_numpy()
    everything = overlay.lookup(np.ones(len(records), dtype=bool))
    prior = everything(overlay.keys[at] - overlay.year_step)
    try:
        keys = overlay.annual_target_keys(at)
    except NotUniqueError:  # only a merge on unit, indicator and year says the same
        return _issues(_by_merge(merged, pool(history, records)))
    target = np.full(len(at), np.nan) if keys is None else everything(keys)
    return _issues(_off(merged.assign(target=target, prior=prior)))


_BASE = ["sheet", "unit_code", "indicator_code"]
"""What ties a stated rate to its figure: the sheet, unit and indicator."""


def _beside(checks: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Each stated rate with the first actual figure of its sheet, unit and indicator (the
    figure it states a rate of), and that figure's position among ``records``."""
    actual = np.flatnonzero((records["value_kind"] == "actual").to_numpy(dtype=bool))
    ytd = records.iloc[actual]
    own, stated = row_keys(ytd, checks, _BASE)
    keys, first = np.unique(own, return_index=True)  # each key's first figure
    at = np.searchsorted(keys, stated)
    found = at < len(keys)
    found[found] = keys[at[found]] == stated[found]
    figure = first[at[found]]
    now = ytd[["year", "sub", "freq", "value"]].iloc[figure].reset_index(drop=True)
    beside = pd.concat([checks[found].reset_index(drop=True), now], axis=1)
    return beside.assign(at_row=actual[figure])


def _by_merge(merged: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """:func:`stated_rates`' figures found by merges on the overlaid figures (annual
    targets with period numbers other than 0 may match more than once)."""
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
    return _off(merged)


def _off(merged: pd.DataFrame) -> pd.DataFrame:
    """The stated rates more than half a point from what ``value`` with ``target`` or
    ``prior`` gives, with the rate computed. A stated growth that is the change itself
    (比上年增减 8,385.5 beside 107,529.1 and 99,143.6; a rate's 增减 −5.4 from 13.4 to 8.0
    points) is no mismatch: the heading said a change, not in which terms."""
    growth = merged["what"] != "completion"
    computed = np.where(
        growth.to_numpy(),
        merged["value"] / merged["prior"] - 1,
        merged["value"] / merged["target"],
    )
    merged = merged.assign(computed=computed)
    change = merged["value"] - merged["prior"]
    as_written = merged["stated"] * 100
    the_change = growth & ((change - as_written).abs() <= np.maximum(0.051, 5e-4 * change.abs()))
    return merged[
        merged["computed"].notna()
        & merged["stated"].notna()
        & ((merged["computed"] - merged["stated"]).abs() > 0.0051)
        & ~the_change
    ]


def _issues(bad: pd.DataFrame) -> list[Issue]:
    # an index (为上年同期%) is said as the sheet writes it: 100 plus the growth computed
    return [
        issues.STATED_MISMATCH[r["what"]].at(
            **at(r), raw=r["raw"], computed=(r["computed"] + (r["what"] == "index")) * 100
        )
        for r in rows(bad)
    ]
