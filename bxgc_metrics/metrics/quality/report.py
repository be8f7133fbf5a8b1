"""The whole assessment: every check over every unit, 核实无误 marks applied, a score per unit.

:func:`assess` is the entry point a page calls; the checks it runs are in the sibling
modules. External benchmarks (``units.kind`` 外部标杆) are never flagged: their figures
are someone else's and nobody here can verify them, so they are dropped before any check
(and so feed no other unit's seasonal pattern or rule either).

The score explains itself: 100 less the points of the unit's open flags, itemised per
check (one column each), each flag deducting its check's
:data:`~bxgc_metrics.metrics.quality.flags.SEVERITY`, each check at most its
:data:`CHECK_CAP`, the score never below 0. A flag marked 核实无误 stays listed and
deducts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from bxgc_metrics.metrics.quality.digits import (
    add_counts,
    benford_flags,
    benford_sample,
    digit_figures,
    last_digit_counts,
    last_digit_flags,
    round_counts,
    round_number_flags,
    whole_parts,
)
from bxgc_metrics.metrics.quality.flags import (
    CHECKS,
    FLAG_COLUMNS,
    UNIT_WIDE,
    empty_flags,
    prepare,
)
from bxgc_metrics.metrics.quality.rules import (
    check_consistency,
    load_default_quality_rules,
    validate_quality_rules,
)
from bxgc_metrics.metrics.quality.series import (
    check_completion_leaps,
    check_cumulative_falls,
    check_outlier_growth,
    check_revisions,
)
from bxgc_metrics.periods import Period

BENCHMARK_KIND = "外部标杆"
"""``units.kind`` of an external benchmark, never flagged."""

CHECK_CAP: dict[str, float] = {
    "revision": 10.0,
    "cumulative_fall": 20.0,
    "outlier_growth": 15.0,
    "completion_leap": 20.0,
    "consistency": 20.0,
    "benford": 8.0,
    "last_digit": 6.0,
    "round_numbers": 6.0,
}
"""The most points one check can deduct from a unit, however many flags it raises: a unit
that reports many figures has more chances of an odd month, and a score should show how
widely the questions spread, not how many months one question covers. The digit tests
raise one flag at most, so their cap is their severity."""

REPORT_COLUMNS = [*FLAG_COLUMNS, "verified", "verified_note"]
"""Columns of :attr:`QualityReport.flags`."""
SCORE_COLUMNS = ["unit_code", "score", "open_flags", *CHECKS]
"""Columns of :attr:`QualityReport.scores`: one column per check with the points it
deducts."""

_MONTHS_PER = {"Y": 12, "H": 6, "Q": 3, "M": 1}


@dataclass(frozen=True, eq=False)
class QualityReport:
    """The outcome of :func:`assess`."""

    flags: pd.DataFrame
    """One row per flag (:data:`REPORT_COLUMNS`), sorted by unit, then period (unit-wide
    flags last), then check: what to verify, why, the evidence in numbers, and whether a
    person has marked it 核实无误 (``verified``, ``verified_note``)."""
    scores: pd.DataFrame
    """One row per unit (:data:`SCORE_COLUMNS`), sorted by unit code: ``score`` 0-100
    (100 = nothing open), ``open_flags`` and the points each check deducts."""


def _rules(rules: pd.DataFrame | None, indicators: pd.DataFrame) -> pd.DataFrame:
    """The given rules, validated against the indicators; by default the shipped rules
    whose indicators exist here."""
    codes = set(indicators["code"])
    if rules is not None:
        return validate_quality_rules(rules, indicator_codes=codes)
    shipped = load_default_quality_rules()
    return shipped[shipped["left"].isin(codes) & shipped["right"].isin(codes)]


def _period(period: Period | tuple[str, int, int] | str) -> tuple[str, int, int]:
    if isinstance(period, str):
        period = Period.parse(period)
    if isinstance(period, Period):
        return period.freq, period.year, period.sub
    freq, year, sub = period
    return str(freq), int(year), int(sub)


def _in_period(
    flags: pd.DataFrame, period: Period | tuple[str, int, int] | str | None
) -> pd.DataFrame:
    """Flags of ``period`` and the unit-wide ones (``None``: all)."""
    if period is None:
        return flags
    freq, year, sub = _period(period)
    same = (flags["freq"] == freq) & (flags["year"] == year) & (flags["sub"] == sub)
    keep = same.fillna(False).astype(bool) | flags["check"].isin(UNIT_WIDE)
    return flags[keep.to_numpy()]


def _with_verified(flags: pd.DataFrame, verified: pd.DataFrame | None) -> pd.DataFrame:
    """``verified`` and ``verified_note`` from the 核实无误 marks (a mark for a flag that
    no longer fires is ignored; the latest mark of a flag counts)."""
    if verified is None or verified.empty:
        notes = pd.Series(dtype="string")
    else:
        latest = verified.drop_duplicates("flag_id", keep="last")
        notes = latest.set_index("flag_id")["note"].astype("string")
    return flags.assign(
        verified=flags["flag_id"].isin(notes.index).astype(bool),
        verified_note=flags["flag_id"].map(notes).astype("string"),
    )


def _sorted(flags: pd.DataFrame) -> pd.DataFrame:
    """By unit, period (year, end month, coarser first; unit-wide last), check, indicator."""
    per = flags["freq"].map(_MONTHS_PER).astype("Int64")
    end = (flags["sub"] * per).where(flags["freq"] != "Y", 12)
    order = flags.assign(
        _end=end,
        _freq=-per,
        _check=flags["check"].map({c: i for i, c in enumerate(CHECKS)}),
    )
    keys = ["unit_code", "year", "_end", "_freq", "_check", "indicator_code", "flag_id"]
    order = order.sort_values(keys, na_position="last", kind="stable", ignore_index=True)
    return order[REPORT_COLUMNS]


def _scores(flags: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """The score table of :attr:`QualityReport.scores`."""
    open_flags = flags[~flags["verified"].to_numpy(dtype=bool)]
    points = open_flags.groupby(["unit_code", "check"])["severity"].sum().unstack()
    points = points.reindex(index=units, columns=list(CHECKS)).fillna(0.0).astype(float)
    points = points.clip(upper=pd.Series(CHECK_CAP), axis=1)
    count = open_flags.groupby("unit_code").size().reindex(units, fill_value=0)
    scores = pd.DataFrame(
        {
            "unit_code": pd.Series(units, dtype="string"),
            "score": (100.0 - points.sum(axis=1)).clip(lower=0.0).to_numpy(),
            "open_flags": count.to_numpy().astype("int64"),
        }
    )
    return pd.concat([scores, points.reset_index(drop=True)], axis=1)[SCORE_COLUMNS]


def assess(  # noqa: PLR0917 - the four tables every caller holds, in this order
    figures: pd.DataFrame | Iterable[pd.DataFrame],
    writes: pd.DataFrame | None,
    indicators: pd.DataFrame,
    units: pd.DataFrame,
    *,
    rules: pd.DataFrame | None = None,
    verified: pd.DataFrame | None = None,
    assessment_months: Sequence[int] = (6, 12),
    period: Period | tuple[str, int, int] | str | None = None,
) -> QualityReport:
    """Flag figures to verify (预警), unit by unit, and score each unit.

    Parameters
    ----------
    figures
        Stored figures: ``unit_code, indicator_code, freq, year, sub, value_kind``
        (``actual``, ``target`` or ``plan``), ``value``, ``cumulative`` (a year-to-date
        累计 figure); one row per figure (``Store.observations()`` fits). Or an iterable
        of such tables, each holding every figure of its indicators and both indicators
        of each rule (:func:`indicator_parts` groups them so): a whole database is then
        checked one part at a time, in a fraction of the memory, with the same flags
        and scores.
    writes
        The import history, one row per committed batch that wrote a figure:
        ``unit_code, indicator_code, freq, year, sub, value_kind, batch_id, written_at``
        (naive UTC), ``who, value, file_name``. ``None`` or empty: no revision flags.
    indicators
        ``code, name_zh, name_en, measure, direction`` (``higher``/``lower``), ``kind``
        (``flow``/``stock``/``rate``), ``frequency``.
    units
        ``code, name_zh, name_en, kind, parent_code``; kind 外部标杆 is never flagged.
    rules
        Consistency rules (:data:`~bxgc_metrics.metrics.quality.rules.QUALITY_RULE_COLUMNS`),
        checked against ``indicators``; default: the shipped rules whose indicators exist.
    verified
        Flags a person marked 核实无误: ``flag_id, note, who, at`` (may be empty).
    assessment_months
        Months whose figures an assessment reads (half-year and year-end).
    period
        Keep only flags of this period (a :class:`~bxgc_metrics.periods.Period`, a
        ``(freq, year, sub)`` tuple or a label such as ``2026-06``) plus the unit-wide digit
        tests; every check still reads the whole history. Scores count the kept flags.

    Returns
    -------
    QualityReport
        ``flags`` and ``scores``.

    Raises
    ------
    QualityRuleError
        For a rules table that does not validate.

    Examples
    --------
    A running total that fell in June (−10.9 %) costs 5 points:

    >>> figures = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "M",
    ...     "year": 2026, "sub": [5, 6], "value_kind": "actual", "value": [1234.5, 1100.0],
    ...     "cumulative": True})
    >>> indicators = pd.DataFrame({"code": ["GBR"], "name_zh": ["地方一般公共预算收入"],
    ...     "name_en": ["Budget revenue"], "measure": ["万元"], "direction": ["higher"],
    ...     "kind": ["flow"], "frequency": ["M"]})
    >>> units = pd.DataFrame({"code": ["U01"], "name_zh": ["东城街道"], "name_en": ["Dongcheng"],
    ...     "kind": ["街道"], "parent_code": [None]})
    >>> report = assess(figures, None, indicators, units)
    >>> report.flags[["flag_id", "reason_zh"]].values.tolist()
    [['cumulative_fall:U01:GBR:M:2026:6', '累计值较上月下降，需核实']]
    >>> report.scores[["unit_code", "score", "open_flags", "cumulative_fall"]].values.tolist()
    [['U01', 95.0, 1, 5.0]]

    Once someone has checked it (a refund was booked in June), it deducts nothing:

    >>> marks = pd.DataFrame({"flag_id": ["cumulative_fall:U01:GBR:M:2026:6"],
    ...     "note": ["6月退库"], "who": ["王科长"], "at": [pd.Timestamp("2026-07-03")]})
    >>> assess(figures, None, indicators, units, verified=marks).scores["score"].tolist()
    [100.0]
    """
    benchmarks = set(units.loc[units["kind"] == BENCHMARK_KIND, "code"])
    own_units = units[~units["code"].isin(benchmarks)]
    if writes is not None and not writes.empty:
        writes = writes[~writes["unit_code"].isin(benchmarks).to_numpy()]
    checked = _rules(rules, indicators)
    found = [check_revisions(writes, indicators)]
    held: set[str] = set()
    tallies = _Tallies()
    for part in [figures] if isinstance(figures, pd.DataFrame) else figures:
        own = part[~part["unit_code"].isin(benchmarks).to_numpy()]
        del part  # the next part is read while this one's name still holds it
        held.update(map(str, own["unit_code"].unique()))
        ready = prepare(own, indicators)  # once, not once per check
        found += _series_flags(
            own, indicators, ready, units=own_units, rules=checked, months=assessment_months
        )
        tallies.add(digit_figures(own, indicators, prepared=ready))
        del own, ready
    found += tallies.flags()
    found = [p for p in found if not p.empty]
    flags = pd.concat(found, ignore_index=True) if found else empty_flags()
    flags = _sorted(_with_verified(_in_period(flags, period), verified))
    codes = set(own_units["code"]) | held | set(flags["unit_code"])
    return QualityReport(flags=flags, scores=_scores(flags, sorted(map(str, codes))))


def _series_flags(
    figures: pd.DataFrame,
    indicators: pd.DataFrame,
    ready: pd.DataFrame,
    *,
    units: pd.DataFrame,
    rules: pd.DataFrame,
    months: Sequence[int],
) -> list[pd.DataFrame]:
    """The flags of the checks along series and of the rules (each reads only the
    figures of one indicator, or of a rule's two), given what :func:`prepare` made."""
    return [
        check_cumulative_falls(figures, indicators, prepared=ready),
        check_outlier_growth(figures, indicators, prepared=ready),
        check_completion_leaps(figures, indicators, assessment_months=months, prepared=ready),
        check_consistency(figures, indicators, units=units, rules=rules, prepared=ready),
    ]


class _Tallies:
    """What the three digit tests count, added up part by part: the first-digit sample
    and the last-digit and round-number counts of each unit."""

    def __init__(self) -> None:
        self.samples: list[pd.DataFrame] = []
        self.last: list[pd.DataFrame] = []
        self.rounds: list[pd.DataFrame] = []

    def add(self, digits: pd.DataFrame) -> None:
        self.samples.append(benford_sample(digits))
        whole = whole_parts(digits)
        self.last.append(last_digit_counts(whole))
        self.rounds.append(round_counts(whole))

    def flags(self) -> list[pd.DataFrame]:
        if not self.samples:
            return []
        sample = self.samples[0] if len(self.samples) == 1 else pd.concat(self.samples)
        return [
            benford_flags(sample.reset_index(drop=True)),
            last_digit_flags(add_counts(self.last)),
            round_number_flags(add_counts(self.rounds)),
        ]


def indicator_parts(
    rows: pd.Series, rules: pd.DataFrame | None = None, *, budget: int
) -> list[list[str]]:
    """Indicators grouped into parts of about ``budget`` figures each, for
    :func:`assess` to check a whole database a part at a time: both indicators of each
    rule fall in the same part, and an indicator with more figures than the budget is a
    part of its own.

    Parameters
    ----------
    rows
        The number of stored figures of each indicator, indexed by indicator code.
    rules
        Consistency rules (``left``, ``right``; a blank right side relates nothing).
    budget
        Figures per part (more only where one indicator, or one rule's group, has more).

    Examples
    --------
    >>> rows = pd.Series({"A": 40, "B": 40, "C": 40, "D": 10})
    >>> indicator_parts(rows, budget=80)
    [['A', 'B'], ['C', 'D']]
    >>> rules = pd.DataFrame({"left": ["A"], "right": ["C"]})
    >>> indicator_parts(rows, rules, budget=80)
    [['A', 'C'], ['B', 'D']]
    """
    codes = [str(c) for c in rows.index]
    root = {c: c for c in codes}

    def find(code: str) -> str:
        while root[code] != code:
            root[code] = root[root[code]]
            code = root[code]
        return code

    if rules is not None and not rules.empty:
        right = rules["right"] if "right" in rules else pd.Series(None, index=rules.index)
        for left, other in zip(rules["left"], right, strict=True):
            if left in root and isinstance(other, str) and other in root:
                a, b = find(str(left)), find(other)
                root[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(find(code), []).append(code)
    size = {c: int(n) for c, n in zip(codes, rows.to_numpy(), strict=True)}
    parts: list[list[str]] = []
    filled = 0
    for group in groups.values():
        n = sum(size[c] for c in group)
        if parts and filled + n <= budget:
            parts[-1] += group
            filled += n
        else:
            parts.append(list(group))
            filled = n
    return parts
