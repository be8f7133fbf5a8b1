"""Rules that compare a file's figures with the stored ones: a value ten times the one
before, a year-to-date figure below the month before, completion above 300 %.

The stored figures and the file's are overlaid once (:class:`Overlay`) and every rule
looks its earlier figures up by integer key, as a merge against
:func:`~bxgc_metrics.importer.validate.shown.pool` would find them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.validate.shown import SHOWN, at, pool, rows


def _shared_codes(own: pd.Series, stored: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes of two columns over one shared list of values, and that list (a missing
    value, None or NaN, is one of them).

    >>> own = pd.Series(pd.Categorical(["b", None, "b"], categories=["a", "b"]))
    >>> _shared_codes(own, pd.Series(["c", "b", None], dtype=object))
    (array([1, 2, 1]), array([3, 1, 2]), Index(['a', 'b', nan, 'c'], dtype='object'))
    """
    own_codes, own_values = column_codes(own)
    stored_codes, stored_values = column_codes(stored)
    both = np.empty(len(own_values) + len(stored_values), dtype=object)
    both[: len(own_values)], both[len(own_values) :] = own_values, stored_values
    at, values = pd.factorize(both, use_na_sentinel=False)  # missing values are one
    own_at, stored_at = at[: len(own_values)], at[len(own_values) :]
    return (
        own_at.astype(np.int64)[own_codes],
        stored_at.astype(np.int64)[stored_codes],
        pd.Index(values, dtype=object),
    )


def column_codes(column: pd.Series) -> tuple[np.ndarray, list]:
    """Each row's position among the column's values, and those values: a categorical's
    own codes and categories (a missing value after them), any other column factorized."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        categories = column.cat.categories.tolist()
        missing = codes < 0
        if missing.any():
            codes[missing] = len(categories)
            categories.append(np.nan)
        return codes, categories
    codes, values = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64), list(values)


def row_keys(
    own: pd.DataFrame, other: pd.DataFrame, columns: list[str], *, below: int = 2**62
) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row of ``own`` and of ``other``, equal where the rows are equal in
    ``columns`` (missing equal to missing, as a merge matches them), every one below
    ``below`` (the keys are made dense where the product of the columns' values is not)."""
    a, b = np.zeros(len(own), dtype=np.int64), np.zeros(len(other), dtype=np.int64)
    width = 1

    def dense() -> tuple[np.ndarray, np.ndarray, int]:
        codes, distinct = pd.factorize(np.concatenate([a, b]))
        return codes[: len(a)].astype(np.int64), codes[len(a) :].astype(np.int64), len(distinct)

    for column in columns:
        a_codes, b_codes, values = _shared_codes(own[column], other[column])
        n = max(len(values), 1)
        if width * n > below:
            a, b, width = dense()
        a, b, width = a * n + a_codes, b * n + b_codes, width * n
    if width > below:
        a, b, width = dense()
    return a, b


def _digit(own: pd.Series, stored: pd.Series) -> tuple[np.ndarray, np.ndarray, int, int]:
    """A year or period number as a digit counted from one below the smallest value."""
    a, b = own.to_numpy(dtype=np.int64), stored.to_numpy(dtype=np.int64)
    both = np.concatenate([a, b])
    base = int(both.min()) - 1 if len(both) else 0
    size = int(both.max()) - base + 1 if len(both) else 1
    return a - base, b - base, base, size


class _Lookup:
    """Values found by integer key; where a key repeats, its last value counts."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self._keys, self._values = keys[order], values[order]

    def __len__(self) -> int:
        return len(self._keys)

    def __call__(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each query was found, and its value (NaN where not)."""
        if not len(self._keys):
            return np.zeros(len(queries), dtype=bool), np.full(len(queries), np.nan)
        at = np.searchsorted(self._keys, queries, side="right") - 1
        found = at >= 0
        found[found] = self._keys[at[found]] == queries[found]
        values = self._values[np.maximum(at, 0)] if len(self._values) else np.zeros(len(at))
        return found, np.where(found, values, np.nan)


class Overlay:
    """The stored figures overlaid with the file's (as :func:`_pool`), found by key codes.

    A :data:`KEY` becomes one integer whose lowest digits are the year and the period
    number, so "a year earlier" and "a period earlier" are fixed offsets. A lookup asks
    the file's figures first and the stored ones second, which gives what a merge
    against :func:`_pool` gives without building the overlaid frame.
    """

    def __init__(self, history: pd.DataFrame, records: pd.DataFrame) -> None:
        self.records, self.history = records, history
        # below 2**31: the other parts of a key multiply it by less than 2**32
        pair = ["unit_code", "indicator_code"]
        own, stored = row_keys(records, history, pair, below=2**31)
        self._pairs = own
        self._kinds = _shared_codes(records["value_kind"], history["value_kind"])
        self._freqs = _shared_codes(records["freq"], history["freq"])
        self._years = _digit(records["year"], history["year"])
        self._subs = _digit(records["sub"], history["sub"])
        self.sub_step, self.year_step = 1, self._subs[3]
        self.keys = self._compose(
            own, self._kinds[0], self._freqs[0], self._years[0], self._subs[0]
        )
        stored_keys = self._compose(
            stored, self._kinds[1], self._freqs[1], self._years[1], self._subs[1]
        )
        self._stored = _Lookup(stored_keys, history["value"].to_numpy(dtype=float))
        self._values = records["value"].to_numpy(dtype=float)

    def _compose(self, *digits: np.ndarray) -> np.ndarray:
        """One key from a unit-indicator pair, value kind, frequency, year and period."""
        pairs, kinds, freqs, years, subs = digits
        kind_count, freq_count = len(self._kinds[2]), len(self._freqs[2])
        return (((pairs * kind_count + kinds) * freq_count + freqs) * self._years[3] + years) * (
            self._subs[3]
        ) + subs

    def lookup(self, among: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """Values of keys among the stored figures overlaid with the file's rows ``among``."""
        every = self._every()
        own: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
        if every is None:  # a key repeats: the last of the rows ``among`` counts
            own = _Lookup(self.keys[among], self._values[among])
        else:  # each key once: a row found among all is found among ``among`` if it is one

            def own(queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                found, at = every(queries)
                found &= among[at]
                return found, np.where(found, self._values[at], np.nan)

        def values(queries: np.ndarray) -> np.ndarray:
            found, value = own(queries)
            if not len(self._stored):  # nothing stored: the file's value or NaN
                return value
            return np.where(found, value, self._stored(queries)[1])

        return values

    def _every(self) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
        """Where each query key stands among the file's rows (whether found, and the row);
        ``None`` when a key repeats. Worked out once per overlay."""
        if not hasattr(self, "_where"):
            self._where = _locator(self.keys)
        return self._where

    def annual_target_keys(self, rows: np.ndarray) -> np.ndarray | None:
        """Keys of the annual target (``Y``, period 0) of each row's unit, indicator and
        year (``rows``: a mask of the file's rows, or their positions); ``None`` when
        there is no annual target at all.

        Raises :class:`NotUniqueError` when an annual target has a period number other than
        0: then only a merge on unit, indicator and year says the same.
        """
        found = False
        for frame in (self.records, self.history):
            annual = (frame["freq"] == "Y") & (frame["value_kind"] == "target")
            if (annual & (frame["sub"] != 0)).any():
                raise NotUniqueError
            found = found or bool(annual.any())
        if not found:
            return None
        pairs = self._pairs[rows]
        n = len(pairs)
        return self._compose(
            pairs,
            np.full(n, self._kinds[2].get_loc("target")),
            np.full(n, self._freqs[2].get_loc("Y")),
            self._years[0][rows],
            np.full(n, -self._subs[2]),
        )


_DENSE_SLOTS = 1 << 24
"""Most slots of a direct table from key to row (int32: 64 MB)."""


def _locator(keys: np.ndarray) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
    """For query keys, whether each is one of ``keys`` and at which position; ``None``
    when a key repeats. Keys in a narrow range go through a direct table, others through
    a sorted copy."""
    n = len(keys)
    if not n:
        return lambda queries: (np.zeros(len(queries), bool), np.zeros(len(queries), np.int64))
    low, high = int(keys.min()), int(keys.max())
    span = high - low + 1
    if span <= min(max(16 * n, 1 << 20), _DENSE_SLOTS):
        table = np.full(span, -1, dtype=np.int32)
        table[keys - low] = np.arange(n, dtype=np.int32)
        if int(np.count_nonzero(table >= 0)) != n:
            return None

        def direct(queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            inside = (queries >= low) & (queries <= high)
            at = np.where(inside, table[np.clip(queries - low, 0, span - 1)], -1)
            return at >= 0, np.maximum(at, 0).astype(np.int64)

        return direct
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    if bool((ordered[1:] == ordered[:-1]).any()):
        return None

    def sorted_(queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at = np.minimum(np.searchsorted(ordered, queries), n - 1)
        return ordered[at] == queries, order[at]

    return sorted_


class NotUniqueError(Exception):
    """Annual targets are not unique by unit, indicator and year."""


def history_checks(
    records: pd.DataFrame, history: pd.DataFrame, *, overlay: Overlay | None = None
) -> list[Issue]:
    """Jumps, falling year-to-date figures and completion above 300 %, in that order,
    sharing one coding of the keys (``overlay``, when the caller has made it)."""
    overlay = overlay if overlay is not None else Overlay(history, records)
    return _jumps(records, overlay) + _drops(records, overlay) + _completion(records, overlay)


RATE_SLIP = 50.0
"""How many-fold a rate must differ, keeping its sign, to be a warning: the slip to catch
is percent written as a share or the other way round (8.5 as 0.085), a hundredfold."""
PEERS = 4
"""Figures of one indicator and period in a file, at least, that a rate is compared with
rather than with its own previous figure: a growth rate moves many-fold near zero from
one year to the next (0.2 % in a bad year, 14.6 % the next) and crosses it, but within
one period the units' rates sit together."""


def _jumps(records: pd.DataFrame, overlay: Overlay) -> list[Issue]:
    """A value 10× or 1/10 of the one before (same period last year for cumulative
    values). A rate is compared with the median of the file's figures of its indicator
    and period where there are :data:`PEERS`, else with the one before, and warned where
    it looks like a percentage written as a share or the other way (:func:`_slipped`)."""
    rows_ = (records["value_kind"] == "actual").to_numpy()
    if not rows_.any():
        return []
    earlier = _previous(records, rows_, overlay)
    rated = np.flatnonzero((records["kind"] == "rate").to_numpy()[rows_])
    peers = np.zeros(len(earlier), dtype=bool)
    value = records["value"].to_numpy()[rows_]
    with np.errstate(divide="ignore", invalid="ignore"):  # earlier 0 or missing: no jump
        ratio = value / earlier
    jumped = (earlier > 0) & ((ratio >= 10) | (ratio <= 0.1))
    if len(rated):  # a group of peers is one indicator's, so rates only
        median, peers[rated], before = _peers(records, np.flatnonzero(rows_)[rated], earlier[rated])
        earlier = earlier.copy()
        earlier[rated] = np.where(peers[rated], median, earlier[rated])
        # in a column that slipped whole (shares for percentages), a figure that slipped
        # beside the column's earlier median is one too, however low its own last figure
        shifted = _slipped(median, before)
        jumped[rated] = _slipped(value[rated], earlier[rated]) | (
            shifted & _slipped(value[rated], before)
        )
    bad = _shown_with(records, rows_, jumped, before=earlier, peers=peers)
    return [
        (issues.RATE_OFF_PEERS if r["peers"] else issues.JUMP).at(
            **at(r),
            raw=r["raw"],
            figure=_figure(r["value"]),
            before=r["before"],
            ratio=_times(r["value"] / r["before"]),
        )
        for r in rows(bad)
    ]


def _slipped(value: np.ndarray, against: np.ndarray) -> np.ndarray:
    """Whether a rate looks like a percentage written as a share, or the other way, beside
    the figure it is compared ``against``: :data:`RATE_SLIP`-fold smaller, with its sign,
    and below 1 where that is 1 and more (0.085 for 8.5); or as much larger, 100 and more
    where that is below 100 (650 for 6.5). A rate of 15 beside 0.2 is growth, not a slip."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = value / against
    size, other = np.abs(value), np.abs(against)
    shares = (ratio <= 1 / RATE_SLIP) & (size < 1) & (other >= 1)
    hundreds = (ratio >= RATE_SLIP) & (size >= 100) & (other < 100)
    return (against != 0) & (ratio > 0) & (shares | hundreds)


def _peers(
    records: pd.DataFrame, among: np.ndarray, earlier: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The median of each figure's indicator and period among the rows ``among`` of
    ``records`` (positions), and whether it is to be compared with it: the period has
    :data:`PEERS` figures, and their median has not moved :data:`RATE_SLIP`-fold from the
    median of their ``earlier`` figures to below 1 (or to 100 and more): a whole column
    of shares written for percentages is compared figure by figure with its own earlier
    figures; and the median of the ``earlier`` figures of each figure's group."""
    keys = ["indicator_code", "freq", "year", "sub", "cumulative"]
    value = records["value"].to_numpy()[among]
    frame = records[keys].iloc[among].assign(value=value, earlier=earlier)
    grouped = frame.groupby(keys, sort=False, dropna=False, observed=True)
    median = grouped["value"].transform("median").to_numpy(dtype=float)
    before = grouped["earlier"].transform("median").to_numpy(dtype=float)
    shifted = _slipped(median, before)  # the whole column, shares for percentages
    return median, (grouped["value"].transform("count").to_numpy() >= PEERS) & ~shifted, before


def _times(ratio: float) -> str:
    """A jump's ratio as its warning reads it: one decimal from one up (15.0, 1,234.6), two
    significant digits below (0.034, never 0.0)."""
    if abs(ratio) >= 1:
        return f"{ratio:,.1f}"
    return np.format_float_positional(ratio, precision=2, fractional=False, trim="-")


def _figure(value: float) -> str:
    """A figure as a warning sets it beside a stored one, in the measure it is stored in
    (7.2 under 单位：亿元 is 72,000.00 万元; the cell keeps what was written): two decimals
    from one up, two significant digits below (0.085, never 0.09)."""
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return np.format_float_positional(value, precision=2, fractional=False, trim="-")


def _previous(records: pd.DataFrame, rows: np.ndarray, overlay: Overlay) -> np.ndarray:
    """For each of the ``rows``, the comparable earlier figure (NaN if none): the same
    period a year before for cumulative and annual figures, else the period before."""
    cumulative = records["cumulative"].to_numpy(dtype=bool)[rows]
    use_last_year = cumulative | (records["freq"] == "Y").to_numpy(dtype=bool)[rows]
    offsets = np.where(use_last_year, overlay.year_step, overlay.sub_step)
    return overlay.lookup(rows)(overlay.keys[rows] - offsets)


def _shown_with(
    records: pd.DataFrame, rows: np.ndarray, bad: np.ndarray, **columns: np.ndarray
) -> pd.DataFrame:
    """The shown ``bad`` ones among ``rows``, with ``columns`` (aligned with ``rows``)."""
    picked = np.flatnonzero(bad)[:SHOWN]
    shown = records.iloc[np.flatnonzero(rows)[picked]]
    return shown.assign(**{name: values[picked] for name, values in columns.items()})


def _drops(records: pd.DataFrame, overlay: Overlay) -> list[Issue]:
    """A year-to-date flow lower than the month before it."""
    rows_ = (
        (records["kind"] == "flow") & records["cumulative"] & (records["value_kind"] == "actual")
    ).to_numpy(dtype=bool)
    if not rows_.any():
        return []
    before = overlay.lookup(rows_)(overlay.keys[rows_] - overlay.sub_step)
    fell = before > records["value"].to_numpy()[rows_]
    bad = _shown_with(records, rows_, fell, before=before)
    return [
        issues.CUMULATIVE_DROP.at(**at(r), figure=_figure(r["value"]), before=r["before"])
        for r in rows(bad)
    ]


def _completion(records: pd.DataFrame, overlay: Overlay) -> list[Issue]:
    """Completion above 300 % of the annual target."""
    rows_ = ((records["value_kind"] == "actual") & (records["kind"] != "rate")).to_numpy(bool)
    try:
        keys = overlay.annual_target_keys(rows_)
    except NotUniqueError:
        return _completion_issues(_completion_by_merge(records, overlay.history))
    if keys is None:
        return []
    target = overlay.lookup(np.ones(len(records), dtype=bool))(keys)
    over = (target > 0) & (records["value"].to_numpy()[rows_] / target > 3)
    return _completion_issues(_shown_with(records, rows_, over, target=target))


def _completion_by_merge(records: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Figures above three times their annual target, by a merge on unit, indicator and
    year (annual targets with period numbers other than 0 may match more than once)."""
    actual = records[(records["value_kind"] == "actual") & (records["kind"] != "rate")]
    targets = pool(history, records)
    targets = targets[(targets["value_kind"] == "target") & (targets["freq"] == "Y")]
    merged = actual.merge(
        targets[["unit_code", "indicator_code", "year", "value"]].rename(
            columns={"value": "target"}
        ),
        on=["unit_code", "indicator_code", "year"],
        how="inner",
    )
    return merged[(merged["target"] > 0) & (merged["value"] / merged["target"] > 3)]


def _completion_issues(bad: pd.DataFrame) -> list[Issue]:
    return [
        issues.COMPLETION_OVER_300.at(**at(r), rate=r["value"] / r["target"], target=r["target"])
        for r in rows(bad)
    ]
