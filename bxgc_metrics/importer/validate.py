"""Rules a file's figures must satisfy before anything is written.

Each rule takes the mapped records (figures with unit and indicator codes and the
indicator's metadata) and returns issues; all are vectorised with pandas. Errors block the
import; warnings are shown and allowed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from bxgc_metrics.importer.cells import MARKED_MISSING
from bxgc_metrics.importer.issues import ERROR, INFO, WARNING, Issue, excel_error, issue
from bxgc_metrics.importer.unit_line import UnitLine
from bxgc_metrics.measures import conversion_factor
from bxgc_metrics.periods import MAX_YEAR, MIN_YEAR

KEY = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
_MAX_SHOWN = 50  # per rule: a file with 10,000 bad cells needs the pattern, not all of them


def _pool(history: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Stored figures overlaid with the file's: what the database would hold after import."""
    columns = [*KEY, "value", "cumulative"]
    both = pd.concat([history[columns], records[columns]], ignore_index=True)
    return both.drop_duplicates(KEY, keep="last")


def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.head(_MAX_SHOWN).to_dict("records")


def _shown(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    """The first rows where ``mask`` holds, as many as are shown (``frame[mask]`` cut short
    without filtering every row)."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))[:_MAX_SHOWN]
    return frame.iloc[positions] if len(positions) else frame.iloc[:0]


def _at(r: dict) -> dict:
    return {"row": int(r["row"]), "column": r["column"], "value": r["raw"]}


_EXCEL_ERROR = re.compile(r"^#(N/A|DIV/0!|REF!|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!)$", re.I)
_SEPARATED = re.compile(r"^[-+]?[0-9.,]*[0-9][0-9.,]*%?$")
"""Digits with commas or dots that :func:`~bxgc_metrics.importer.cells.parse_numbers`
did not take: ``389005,5``, ``322.600,5``, ``1.234.567``."""


def not_numbers(records: pd.DataFrame) -> list[Issue]:
    """Text (or inf/NaN) where a number belongs: an Excel error value, digits whose comma
    or dot could mean either, or other text."""
    return [_not_a_number(r) for r in _rows(_shown(records, records["invalid"]))]


def _not_a_number(r: dict) -> Issue:
    raw = str(r["raw"])
    if _EXCEL_ERROR.match(raw):
        return excel_error(r["sheet"], int(r["row"]), r["column"], raw)
    if _SEPARATED.match(raw):
        return issue(
            ERROR,
            "ambiguous_number",
            r["sheet"],
            f"“{raw}”中的逗号或点不能确定是小数点还是千位分隔符：小数请用点（如 389005.5），"
            "千位分隔请每三位一个逗号（如 389,005）。",
            f"In '{raw}' a comma or dot could be a decimal point or a thousands separator: "
            "write decimals with a point (389005.5) and thousands with a comma every three "
            "digits (389,005).",
            **_at(r),
        )
    return issue(
        ERROR,
        "not_a_number",
        r["sheet"],
        f"“{raw}”不是数字：应填写数值，缺数据可留空或填“—”。",
        f"'{raw}' is not a number: expected a number; leave the cell empty or write "
        "— when there is no figure.",
        **_at(r),
    )


def missing_markers(missing: pd.DataFrame) -> list[Issue]:
    """Cells without a figure that a program marked so (NaN, null, None, N/A): read as
    no figure, and named, since the program may have lost one."""
    marked = missing["raw"].astype(str).str.lower().isin(MARKED_MISSING)
    return [
        issue(
            WARNING,
            "missing_marker",
            r["sheet"],
            f"“{r['raw']}”按无数据处理，该行未导入：请确认这里确实没有数据。",
            f"'{r['raw']}' is read as no figure and the row is not imported: check that there "
            "is indeed none.",
            **_at(r),
        )
        for r in _rows(_shown(missing, marked))
    ]


LARGEST = 1e15
"""No figure of a report reaches this in its indicator's measure (10¹⁵ 元 is several
times a year of China's GDP); past it, or at infinity, a unit or a digit is wrong."""


def too_large(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Figures that are infinite or past :data:`LARGEST` once in their indicator's
    measure (``1e308`` 亿元 in a 万元 indicator): errors, and left out."""
    value = records["value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(value) | (np.abs(value) > LARGEST)
    if not bad.any():
        return records, []
    found = [
        issue(
            ERROR,
            "too_large",
            r["sheet"],
            f"数值 {r['raw']} 按“{r['indicator_name_db']}”的计量单位{r['measure_db']}为 "
            f"{r['value']:.3g}，超出任何报表的数值范围：请核对数值和计量单位。",
            f"The figure {r['raw']} is {r['value']:.3g} {r['measure_db']}, the measure of "
            f"'{r['indicator_name_db']}': beyond any report's figures. Check the figure and "
            "its measure.",
            **_at(r),
        )
        for r in _rows(_shown(records, bad))
    ]
    return records[~bad], found


def percent_signs(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """A figure written with ``%`` for an indicator not measured in %: an error (38% of
    what?), and left out."""
    bad = records["percent"].to_numpy(dtype=bool) & (
        records["measure_db"].astype(object) != "%"
    ).to_numpy(dtype=bool)
    if not bad.any():
        return records, []
    found = [
        issue(
            ERROR,
            "percent_in_amount",
            r["sheet"],
            f"“{r['raw']}”带百分号，而“{r['indicator_name_db']}”的计量单位是{r['measure_db']}：请填写"
            f"以{r['measure_db']}计的数值。",
            f"'{r['raw']}' carries a percent sign, but '{r['indicator_name_db']}' is measured in "
            f"{r['measure_db']}: give the figure in {r['measure_db']}.",
            **_at(r),
        )
        for r in _rows(_shown(records, bad))
    ]
    return records[~bad], found


def years_out_of_range(records: pd.DataFrame, today: dt.date) -> list[Issue]:
    """Years outside what a report can mean, and actual figures for periods not yet begun."""
    year = records["year"].astype("int64")
    old = _shown(records, (year < MIN_YEAR) | (year > MAX_YEAR))
    future = _shown(
        records,
        (records["value_kind"] == "actual")
        & ((year > today.year) | ((year == today.year) & (_start_month(records) > today.month))),
    )
    found = [
        issue(
            ERROR,
            "year_out_of_range",
            r["sheet"],
            f"年份 {r['year']} 超出范围（应在 {MIN_YEAR}-{MAX_YEAR} 之间）。",
            f"Year {r['year']} is out of range (expected {MIN_YEAR}-{MAX_YEAR}).",
            **_at(r),
        )
        for r in _rows(old)
    ]
    found += [
        issue(
            ERROR,
            "actual_in_future",
            r["sheet"],
            f"{r['year']}年的实际完成数属于尚未开始的时期（今天是 {today:%Y-%m-%d}）：是否应为目标或计划？",
            f"An actual figure for {r['year']} belongs to a period that has not begun "
            f"(today is {today:%Y-%m-%d}): should it be a target or plan?",
            **_at(r),
        )
        for r in _rows(future)
    ]
    return found


def _start_month(records: pd.DataFrame) -> pd.Series:
    months = {"Y": 0, "H": 6, "Q": 3, "M": 1}
    codes, freqs = pd.factorize(records["freq"], use_na_sentinel=False)
    per = pd.Series(freqs).map(months).to_numpy()[codes].astype("int64")
    return np.where(records["freq"] == "Y", 1, (records["sub"].astype("int64") - 1) * per + 1)


def negatives(records: pd.DataFrame) -> list[Issue]:
    """Negative values for indicators that cannot be negative."""
    bad = _shown(records, (records["value"] < 0) & ~records["allow_negative"].astype(bool))
    return [
        issue(
            ERROR,
            "negative_value",
            r["sheet"],
            f"“{r['indicator_name_db']}”不能为负数，发现 {r['raw']}。",
            f"'{r['indicator_name_db']}' cannot be negative; found {r['raw']}.",
            **_at(r),
        )
        for r in _rows(bad)
    ]


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
        issue(
            ERROR,
            "duplicate_conflict",
            r["sheet"],
            f"同一单位、指标、时期出现多次且数值不同（{r['unit_name']}，{r['indicator_name']}，"
            f"{r['raw']}）：请只保留一行。",
            f"The same unit, indicator and period appears more than once with different values "
            f"({r['unit_name']}, {r['indicator_name']}, {r['raw']}): keep one row.",
            **_at(r),
        )
        for r in _rows(clash)
    ]
    found += [
        issue(
            WARNING,
            "duplicate_same",
            r["sheet"],
            "重复行，数值相同，只导入一次。",
            "Repeated row with the same value; imported once.",
            **_at(r),
        )
        for r in _rows(same[same.duplicated(KEY)])
    ]
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


# --- the file against what is stored ---------------------------------------------------


def _shared_codes(own: pd.Series, stored: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Codes of two columns over one shared list of values, and that list."""
    own_codes, own_values = pd.factorize(own, use_na_sentinel=False)
    stored_codes, stored_values = pd.factorize(stored, use_na_sentinel=False)
    own_values = pd.Index(own_values, dtype=object)
    stored_values = pd.Index(stored_values, dtype=object)
    values = own_values.append(stored_values).unique()
    return (
        values.get_indexer(own_values)[own_codes].astype(np.int64),
        values.get_indexer(stored_values)[stored_codes].astype(np.int64),
        values,
    )


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


class _Overlay:
    """The stored figures overlaid with the file's (as :func:`_pool`), found by key codes.

    A :data:`KEY` becomes one integer whose lowest digits are the year and the period
    number, so "a year earlier" and "a period earlier" are fixed offsets. A lookup asks
    the file's figures first and the stored ones second, which gives what a merge
    against :func:`_pool` gives without building the overlaid frame.
    """

    def __init__(self, history: pd.DataFrame, records: pd.DataFrame) -> None:
        self.records, self.history = records, history
        unit = _shared_codes(records["unit_code"], history["unit_code"])
        indicator = _shared_codes(records["indicator_code"], history["indicator_code"])
        own = unit[0] * len(indicator[2]) + indicator[0]
        stored = unit[1] * len(indicator[2]) + indicator[1]
        if len(unit[2]) * len(indicator[2]) > 2**31:  # keep the products below 2**63
            dense, _ = pd.factorize(np.concatenate([own, stored]))
            own, stored = dense[: len(own)], dense[len(own) :]
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
        year; ``None`` when there is no annual target at all.

        Raises :class:`_NotUniqueError` when an annual target has a period number other than
        0: then only a merge on unit, indicator and year says the same.
        """
        found = False
        for frame in (self.records, self.history):
            annual = (frame["freq"] == "Y") & (frame["value_kind"] == "target")
            if (annual & (frame["sub"] != 0)).any():
                raise _NotUniqueError
            found = found or bool(annual.any())
        if not found:
            return None
        n = int(rows.sum())
        return self._compose(
            self._pairs[rows],
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


class _NotUniqueError(Exception):
    """Annual targets are not unique by unit, indicator and year."""


def history_checks(records: pd.DataFrame, history: pd.DataFrame) -> list[Issue]:
    """:func:`jumps`, :func:`cumulative_drops` and :func:`high_completion`, in that order,
    sharing one coding of the keys."""
    overlay = _Overlay(history, records)
    return _jumps(records, overlay) + _drops(records, overlay) + _completion(records, overlay)


def jumps(records: pd.DataFrame, history: pd.DataFrame) -> list[Issue]:
    """A value 10× or 1/10 of the one before (same period last year for cumulative values)."""
    return _jumps(records, _Overlay(history, records))


def _jumps(records: pd.DataFrame, overlay: _Overlay) -> list[Issue]:
    rows = (records["value_kind"] == "actual").to_numpy()
    if not rows.any():
        return []
    earlier = _previous(records, rows, overlay)
    with np.errstate(divide="ignore", invalid="ignore"):  # earlier 0 or missing: no jump
        ratio = records["value"].to_numpy()[rows] / earlier
    jumped = (earlier > 0) & ((ratio >= 10) | (ratio <= 0.1))
    bad = _shown_with(records, rows, jumped, before=earlier)
    return [
        issue(
            WARNING,
            "jump",
            r["sheet"],
            f"数值 {r['raw']} 是上期（{r['before']:,.2f}）的 {r['value'] / r['before']:.1f} 倍：请核对计量单位。",
            f"Value {r['raw']} is {r['value'] / r['before']:.1f}× the previous figure "
            f"({r['before']:,.2f}): check the unit of measure.",
            **_at(r),
        )
        for r in _rows(bad)
    ]


def _previous(records: pd.DataFrame, rows: np.ndarray, overlay: _Overlay) -> np.ndarray:
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
    picked = np.flatnonzero(bad)[:_MAX_SHOWN]
    shown = records.iloc[np.flatnonzero(rows)[picked]]
    return shown.assign(**{name: values[picked] for name, values in columns.items()})


def cumulative_drops(records: pd.DataFrame, history: pd.DataFrame) -> list[Issue]:
    """A year-to-date flow lower than the month before it."""
    return _drops(records, _Overlay(history, records))


def _drops(records: pd.DataFrame, overlay: _Overlay) -> list[Issue]:
    rows = (
        (records["kind"] == "flow") & records["cumulative"] & (records["value_kind"] == "actual")
    ).to_numpy(dtype=bool)
    if not rows.any():
        return []
    before = overlay.lookup(rows)(overlay.keys[rows] - overlay.sub_step)
    fell = before > records["value"].to_numpy()[rows]
    bad = _shown_with(records, rows, fell, before=before)
    return [
        issue(
            WARNING,
            "cumulative_drop",
            r["sheet"],
            f"累计值 {r['raw']} 低于上月累计 {r['before']:,.2f}：累计数不应减少，请核对。",
            f"Year-to-date value {r['raw']} is below the previous month's {r['before']:,.2f}; "
            "a cumulative figure should not fall.",
            **_at(r),
        )
        for r in _rows(bad)
    ]


def high_completion(records: pd.DataFrame, history: pd.DataFrame) -> list[Issue]:
    """Completion above 300 % of the annual target."""
    return _completion(records, _Overlay(history, records))


def _completion(records: pd.DataFrame, overlay: _Overlay) -> list[Issue]:
    rows = ((records["value_kind"] == "actual") & (records["kind"] != "rate")).to_numpy(bool)
    try:
        keys = overlay.annual_target_keys(rows)
    except _NotUniqueError:
        return _completion_issues(_completion_by_merge(records, overlay.history))
    if keys is None:
        return []
    target = overlay.lookup(np.ones(len(records), dtype=bool))(keys)
    over = (target > 0) & (records["value"].to_numpy()[rows] / target > 3)
    return _completion_issues(_shown_with(records, rows, over, target=target))


def _completion_by_merge(records: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Figures above three times their annual target, by a merge on unit, indicator and
    year (annual targets with period numbers other than 0 may match more than once)."""
    actual = records[(records["value_kind"] == "actual") & (records["kind"] != "rate")]
    targets = _pool(history, records)
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
        issue(
            WARNING,
            "completion_over_300",
            r["sheet"],
            f"完成率 {r['value'] / r['target']:.0%}，超过 300%（目标 {r['target']:,.2f}）：请核对。",
            f"Completion is {r['value'] / r['target']:.0%}, above 300 % (target "
            f"{r['target']:,.2f}): please check.",
            **_at(r),
        )
        for r in _rows(bad)
    ]


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
        issue(
            WARNING,
            "total_mismatch",
            r["sheet"],
            f"合计行 {r['value']:,.2f} 与各单位之和 {r['value_sum']:,.2f} 不符。",
            f"The total row {r['value']:,.2f} does not equal the sum of the rows "
            f"{r['value_sum']:,.2f}.",
            **_at(r),
        )
        for r in _rows(bad)
    ]


def stated_rates(records: pd.DataFrame, checks: pd.DataFrame, history: pd.DataFrame) -> list[Issue]:
    """A stated 完成率 or 同比增长 that the figures beside it do not give."""
    if checks.empty:
        return []
    ytd = records[(records["value_kind"] == "actual")]
    pool = _pool(history, records)
    found = []
    for what, r in _computed_rates(checks, ytd, pool):
        found.append(
            issue(
                WARNING,
                f"stated_{what}_mismatch",
                r["sheet"],
                f"表中{'完成率' if what == 'completion' else '同比增长'} {r['raw']} 与数据计算结果 "
                f"{r['computed'] * 100:.1f}% 不符。",
                f"The stated {'completion rate' if what == 'completion' else 'growth'} {r['raw']} "
                f"does not match {r['computed'] * 100:.1f}% computed from the figures.",
                **_at(r),
            )
        )
    return found


def _computed_rates(checks: pd.DataFrame, ytd: pd.DataFrame, pool: pd.DataFrame):
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
    for r in _rows(bad):
        yield r["what"], r


def conversions(
    records: pd.DataFrame, lines: Mapping[str, UnitLine] | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    """Convert values written in another unit of measure (亿元 → 万元) or refuse.

    A refusal stands at the first figure written in that measure, or at its sheet's unit
    line (from ``lines``, by sheet) when that is where the measure came from."""
    out = records.copy(deep=False)  # copy on write: changing values leaves records alone
    found: list[Issue] = []
    # Each (measure, measure_db) pair once, in order of first appearance, as
    # ``out[["measure", "measure_db"]].drop_duplicates()`` lists them; code 0 is missing.
    given, given_values = pd.factorize(out["measure"])
    stored, stored_values = pd.factorize(out["measure_db"])
    given, stored = given.astype(np.int64) + 1, stored.astype(np.int64) + 1
    sources, targets = [None, *given_values], [None, *stored_values]
    _codes, pairs = pd.factorize(given * len(targets) + stored)
    for pair in pairs:
        source, target = sources[pair // len(targets)], targets[pair % len(targets)]
        source = source if isinstance(source, str) and source else None
        factor = conversion_factor(source, target)
        # the rows of ``measure.fillna("") == (source or "")`` and ``measure_db == target``
        written = [
            i
            for i, v in enumerate(sources)
            if (v is None or v == "" if source is None else v == source)
        ]
        member = np.zeros(len(sources), dtype=bool)
        member[written] = True  # ``np.isin(given, written)`` as one lookup per row
        rows_at = member[given] & (stored == pair % len(targets)) & (stored > 0)
        rows = pd.Series(rows_at, index=out.index)
        first = out.iloc[np.flatnonzero(rows_at)[0]]
        if factor is None:
            found.append(_mismatch(first, source, target, lines or {}))
        elif factor != 1.0:
            out.loc[rows, "value"] = out.loc[rows, "value"] * factor
            found.append(
                issue(
                    INFO,
                    "converted",
                    first["sheet"],
                    f"“{first['indicator_name_db']}”按{source}填报，已换算为{target}（{_scaled(factor)}）。",
                    f"'{first['indicator_name_db']}' was given in {source}; converted to {target} "
                    f"({_scaled(factor)}).",
                    value=source,
                )
            )
    return out, found


def _scaled(factor: float) -> str:
    """``×10,000`` for a factor above one, ``÷10,000`` below (亿元 → 万元, 万元 → 亿元).

    >>> _scaled(10_000.0), _scaled(0.0001)
    ('×10,000', '÷10,000')
    """
    return f"×{factor:,.0f}" if factor >= 1 else f"÷{1 / factor:,.0f}"


def _mismatch(
    first: pd.Series, source: str | None, target: str, lines: Mapping[str, UnitLine]
) -> Issue:
    """A measure that does not convert: at the unit line it came from, else at the first
    figure written in it."""
    name = first["indicator_name_db"]
    line = lines.get(first["sheet"]) if bool(first.get("from_line", False)) else None
    if line is None:
        return issue(
            ERROR,
            "measure_mismatch",
            first["sheet"],
            f"计量单位“{source}”与指标“{name}”的计量单位“{target}”不一致，无法换算。",
            f"Measure '{source}' does not convert to '{target}', the measure of '{name}'.",
            row=int(first["row"]),
            column=first["column"],
            value=source,
        )
    return issue(
        ERROR,
        "measure_mismatch",
        line.sheet,
        f"按单位行“{line.text}”读取的计量单位“{source}”与指标“{name}”（{first['column']}列）的"
        f"计量单位“{target}”不一致，无法换算：请改正单位行，或在该列标题中写明计量单位。",
        f"The measure '{source}' read from the unit line '{line.text}' does not convert to "
        f"'{target}', the measure of '{name}' (column {first['column']}): correct the unit "
        "line or name the column's measure in its heading.",
        row=line.row,
        column=line.column,
        value=line.text,
    )


def single_months_to_ytd(records: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Bring monthly flows to the store's year-to-date form.

    Chinese reports give flows as 1-N月累计, so a monthly flow figure is taken as
    year-to-date unless the file says it is single-month (当月, or 累计 = 否); those are
    summed from January, which needs every month from January.
    """
    flows = (
        (records["kind"] == "flow")
        & (records["value_kind"] == "actual")
        & records["freq"].isin(["M", "Q", "H"])
    )
    assumed = flows & ~records["cumulative"] & ~records["single"]
    out = records.assign(cumulative=records["cumulative"] | assumed)
    found = []
    if assumed.any():
        found.append(
            issue(
                INFO,
                "assumed_ytd",
                str(records.loc[assumed, "sheet"].iloc[0]),
                "月度流量指标按1月至当月的累计数处理。",
                "Monthly flow figures are taken as year-to-date totals.",
            )
        )
    mask = flows & out["single"]
    if not mask.any():
        return out, found
    months = out[mask].sort_values("sub")
    group = months.groupby(["unit_code", "indicator_code", "year"])
    complete = group["sub"].transform(lambda s: list(s) == list(range(1, len(s) + 1)))
    found += [
        issue(
            ERROR,
            "months_missing",
            r["sheet"],
            f"“{r['indicator_name_db']}”是按月份填报的当月数，{r['year']}年须从1月起逐月齐全才能换算为累计数。",
            f"'{r['indicator_name_db']}' is given as single-month figures; every month of "
            f"{r['year']} from January is needed to turn them into year-to-date figures.",
            **_at(r),
        )
        for r in _rows(months[~complete].drop_duplicates(["unit_code", "indicator_code", "year"]))
    ]
    converted = months.assign(value=group["value"].cumsum(), cumulative=True)
    found.append(
        issue(
            INFO,
            "months_to_ytd",
            str(months["sheet"].iloc[0]),
            "当月数已换算为累计数（1月至当月之和）。",
            "Single-month figures were turned into year-to-date figures.",
        )
    )
    return pd.concat([out[~mask], converted]).sort_index(), found
