"""The flag table every check returns: its columns, ids, weights and reasons, and the few
helpers that put numbers and periods into words for the evidence.

A flag is a signal for a person, never a penalty, so every reason ends in 需核实 / "to
verify". Its ``flag_id`` is built from what the flag is about, never from a row number, so
the same flag gets the same id when the figures are assessed again and a 核实无误 mark
made on it stays attached::

    {check}:{unit}:{indicator}:{freq}:{year}:{sub}[:{qualifier}]

Fields that do not apply stay empty (a unit-wide digit test is ``benford:U01::::``); the
qualifier tells apart flags of one check on the same figure (the rule of a consistency
flag, ``target`` or ``plan`` for a revised non-actual figure).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from bxgc_metrics import periods
from bxgc_metrics._columnar import has_duplicates
from bxgc_metrics.measures import english_figure

CHECKS: tuple[str, ...] = (
    "revision",
    "cumulative_fall",
    "outlier_growth",
    "completion_leap",
    "consistency",
    "benford",
    "last_digit",
    "round_numbers",
)
"""The checks, in the order flags of one unit and period are listed."""

UNIT_WIDE: tuple[str, ...] = ("benford", "last_digit", "round_numbers")
"""Checks over all of a unit's figures: their flags name no indicator and no period."""

FLAG_COLUMNS = [
    "flag_id",
    "check",
    "unit_code",
    "indicator_code",
    "freq",
    "year",
    "sub",
    "severity",
    "reason_zh",
    "reason_en",
    "evidence_zh",
    "evidence_en",
]
"""Columns of the flags a check returns (``indicator_code``, ``freq``, ``year`` and
``sub`` are missing for unit-wide checks)."""

SEVERITY: dict[str, float] = {
    "revision": 2.0,
    "cumulative_fall": 5.0,
    "outlier_growth": 3.0,
    "completion_leap": 5.0,
    "consistency": 5.0,
    "benford": 8.0,
    "last_digit": 6.0,
    "round_numbers": 6.0,
}
"""Points an open flag deducts from its unit's score of 100.

A revision is mostly an honest correction, so it weighs least; an unusual month weighs a
little more; a fall in a running total, a broken rule or a leap right before an
assessment cannot happen in a correct report without an explanation and weigh more; the
digit tests look at everything a unit reported, so one of them says more about the unit
than one odd month does. :data:`bxgc_metrics.metrics.quality.report.CHECK_CAP` bounds what
one check can take in all."""

REASONS: dict[str, tuple[str, str]] = {
    "revision": (
        "数据首报后被修改，需核实",
        "Figure changed after it was first reported; to verify",
    ),
    "cumulative_fall": (
        "累计值较上月下降，需核实",
        "Cumulative figure fell from the month before; to verify",
    ),
    "outlier_growth": (
        "环比增速明显超出本单位历史波动，需核实",
        "Month-on-month growth far outside the unit's own history; to verify",
    ),
    "completion_leap": (
        "考核月完成率跃升远超平时，需核实",
        "Completion rate leapt in an assessment month far more than usual; to verify",
    ),
    "consistency": (
        "指标之间应有的关系不成立，需核实",
        "Figures break a consistency rule; to verify",
    ),
    "benford": (
        "首位数字分布明显偏离本福特定律，需核实",
        "First digits depart from Benford's law; to verify",
    ),
    "last_digit": (
        "末位数字分布明显不均匀，需核实",
        "Last digits are far from uniform; to verify",
    ),
    "round_numbers": (
        "整十、整百、整千的数明显偏多，需核实",
        "Too many round figures (ending in 0, 00, 000); to verify",
    ),
}
"""The reason of each check's flags, in Chinese and English (worded neutrally)."""

FACT_TOLERANCE = 1e-9
"""Relative difference below which two stored figures count as the same number. The
factual checks (revision, cumulative fall, consistency) need no sample: one changed
figure, one fall or one broken rule is a fact worth a look, and this tolerance only keeps
floating-point noise from reading as a change."""

_DTYPES = {
    "flag_id": "string",
    "check": "string",
    "unit_code": "string",
    "indicator_code": "string",
    "freq": "string",
    "year": "Int64",
    "sub": "Int64",
    "severity": "float64",
    "reason_zh": "string",
    "reason_en": "string",
    "evidence_zh": "string",
    "evidence_en": "string",
}


def empty_flags() -> pd.DataFrame:
    """A flag table without rows, with :data:`FLAG_COLUMNS` and their dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})


def _column(frame: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    """``frame[name]`` as ``dtype``, or a missing column when ``frame`` has none."""
    if name in frame:
        return frame[name].astype(dtype)
    return pd.Series(pd.NA, index=frame.index, dtype=dtype)


def make_flags(
    check: str,
    frame: pd.DataFrame,
    *,
    evidence: tuple[pd.Series, pd.Series],
    reason: tuple[pd.Series | str, pd.Series | str] | None = None,
    qualifier: pd.Series | None = None,
) -> pd.DataFrame:
    """Flags of one check from the rows of ``frame`` that raised them.

    ``frame`` holds ``unit_code`` and, unless the check is unit-wide, ``indicator_code,
    freq, year, sub``; ``evidence`` is the (Chinese, English) text per row; ``reason``
    defaults to the check's :data:`REASONS`.

    Examples
    --------
    >>> rows = pd.DataFrame({"unit_code": ["U01"], "indicator_code": ["GDP"], "freq": ["M"],
    ...                      "year": [2026], "sub": [3]})
    >>> text = pd.Series(["…"])
    >>> make_flags("revision", rows, evidence=(text, text))["flag_id"].tolist()
    ['revision:U01:GDP:M:2026:3']
    >>> make_flags("benford", rows[["unit_code"]], evidence=(text, text))["flag_id"].tolist()
    ['benford:U01::::']
    """
    if frame.empty:
        return empty_flags()
    out = pd.DataFrame(
        {
            "check": check,
            "unit_code": frame["unit_code"].astype("string"),
            "indicator_code": _column(frame, "indicator_code", "string"),
            "freq": _column(frame, "freq", "string"),
            "year": _column(frame, "year", "Int64"),
            "sub": _column(frame, "sub", "Int64"),
        },
        index=frame.index,
    )
    parts = [out[c].astype("string").fillna("") for c in list(out.columns)[1:]]
    flag_id = check + ":" + parts[0]
    for part in parts[1:]:
        flag_id = flag_id + ":" + part
    if qualifier is not None:
        flag_id = flag_id.where(qualifier.isna(), flag_id + ":" + qualifier.astype("string"))
    reason_zh, reason_en = reason or REASONS[check]
    out.insert(0, "flag_id", flag_id)
    out["severity"] = SEVERITY[check]
    out["reason_zh"], out["reason_en"] = reason_zh, reason_en
    out["evidence_zh"], out["evidence_en"] = evidence
    return out.astype(_DTYPES)[FLAG_COLUMNS].reset_index(drop=True)


# --- numbers and periods in words -----------------------------------------------------


def number(value: float, *, signed: bool = False) -> str:
    """A stored figure as read, with thousands separators and all its stored digits.

    >>> number(1234.5), number(1100.0), number(65.5, signed=True), number(0.30000000000000004)
    ('1,234.5', '1,100.0', '+65.5', '0.3')
    """
    shown = round(float(value), 6) + 0.0
    return f"{shown:+,}" if signed else f"{shown:,}"


def amounts(
    values: Iterable[float], measures: Iterable[object], *, signed: bool = False, lang: str = "zh"
) -> list[str]:
    """Figures with their measure, ``1,234.5万元``; a missing measure prints nothing. In
    English money reads in billions or millions of yuan to the stored figure's last digit,
    and other measures by their English names.

    >>> amounts([1234.5, 12.0], ["万元", None])
    ['1,234.5万元', '12.0']
    >>> amounts([1234.5, -2.5, 158.0], ["万元", "亿元", "栋"], signed=True, lang="en")
    ['+12.345 m yuan', '-250 m yuan', '+158.0 buildings']
    """
    if lang != "en":
        return [
            number(v, signed=signed) + ("" if pd.isna(m) else str(m))
            for v, m in zip(values, measures, strict=True)
        ]
    return [
        number(v, signed=signed) if pd.isna(m) else english_figure(number(v, signed=signed), str(m))
        for v, m in zip(values, measures, strict=True)
    ]


def percents(rates: Iterable[float], *, signed: bool = True) -> list[str]:
    """Fractions as percentages, ``-10.9%``; a missing rate reads "—".

    >>> percents([-0.10935, 0.5, float("nan"), -0.0001]), percents([0.25], signed=False)
    (['-10.9%', '+50.0%', '—', '+0.0%'], ['25.0%'])
    """
    fmt = "{:+.1f}%" if signed else "{:.1f}%"
    return ["—" if pd.isna(r) else fmt.format(round(r * 100, 1) + 0.0) for r in rates]


def period_words(
    frame: pd.DataFrame, *, cumulative: bool | pd.Series = False
) -> tuple[list[str], list[str]]:
    """The period of each row in Chinese and English (``2026年1-6月`` / ``Jan-Jun 2026``
    for a cumulative month).

    >>> rows = pd.DataFrame({"freq": ["M", "Y"], "year": [2026, 2025], "sub": [6, 0]})
    >>> period_words(rows, cumulative=pd.Series([True, False]))
    (['2026年1-6月', '2025年'], ['Jan-Jun 2026', '2025'])
    """
    flags = (
        cumulative.to_numpy(dtype=bool)
        if isinstance(cumulative, pd.Series)
        else np.full(len(frame), cumulative)
    )
    rows = list(zip(frame["freq"], frame["year"], frame["sub"], flags, strict=True))
    zh = [periods.format_zh(f, int(y), int(s), cumulative=bool(c)) for f, y, s, c in rows]
    en = [periods.format_en(f, int(y), int(s), cumulative=bool(c)) for f, y, s, c in rows]
    return zh, en


def joined(*parts: Iterable[str]) -> pd.Series:
    """Strings joined position by position (the pieces of an evidence text)."""
    return pd.Series(["".join(p) for p in zip(*parts, strict=True)], dtype="string")


def with_indicators(figures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """``figures`` with their indicator's ``measure``, ``direction`` and ``kind`` (missing
    for an unknown indicator, which the kind-dependent checks then leave alone), as
    categorical columns: a handful of values over every figure, held once each."""
    attributes = indicators.drop_duplicates("code").set_index("code")
    out = figures.drop(columns=["measure", "direction", "kind"], errors="ignore")
    out = out.reset_index(drop=True)
    at = attributes.index.get_indexer(out["indicator_code"])  # -1: an unknown indicator
    for column in ("measure", "direction", "kind"):
        codes, values = pd.factorize(attributes[column])  # a missing value is code -1
        per_row = np.where(at >= 0, codes[at], -1) if len(codes) else np.full(len(at), -1)
        out[column] = pd.Categorical.from_codes(per_row, categories=pd.Index(values))
    return out


FIGURE_KEY = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind"]
"""The columns that name one figure."""


def actuals(figures: pd.DataFrame) -> pd.DataFrame:
    """The reported (``actual``) figures with a finite value, one row per figure (if a
    figure's key repeats, its last row counts, as a later write would)."""
    keep = (figures["value_kind"] == "actual") & np.isfinite(figures["value"].astype(float))
    kept = figures[keep.to_numpy()]
    if not has_duplicates(kept, FIGURE_KEY):  # a store's figures never repeat: skip the pass
        return kept
    return kept.drop_duplicates(FIGURE_KEY, keep="last")


def prepare(figures: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """What every figure check reads first: :func:`actuals` with their indicator's
    attributes (:func:`with_indicators`). Worked out once, it is handed to each check as
    ``prepared=`` so that a report over the whole database does not repeat it."""
    return with_indicators(actuals(figures), indicators)
