"""Digit tests over all of a unit's reported figures: first digits, last digits, round numbers.

Figures made up by hand tend to betray themselves in their digits: too few that start
with 1 (Benford's law), favourite last digits, too many round numbers. Each test looks at
all of a unit's ``actual`` figures across indicators and periods, never at rates or
percentages (growth rates and shares do not follow these laws), and raises at most one
unit-wide flag.

Which figures count:

- a figure equal to the one before it in its series (a stock that did not move) is not a
  new number and is counted once;
- for the first-digit test each indicator-year counts once, by its latest figure (the
  annual figure if there is one, else the latest year-to-date or monthly one). The twelve
  year-to-date figures of a year are one running total climbing from a twelfth of the
  year to the whole, not twelve independent numbers: counted one by one they depart from
  Benford's law in any honest report (the 940 monthly figures of each demo unit's 10
  indicators do so by Nigrini's measure in 15 of its 16 units), and the test would
  accuse everyone.

Guards: :data:`BENFORD_MIN_FIGURES` independent figures spanning
:data:`BENFORD_MIN_DECADES` orders of magnitude; :data:`LAST_DIGIT_MIN_FIGURES` and
:data:`ROUND_MIN_FIGURES` figures of three or more integer digits. A test fires only when
it is both significant (p below :data:`DIGIT_ALPHA`) and large (Nigrini's nonconformity
MAD, :data:`LAST_DIGIT_MIN_GAP`, :data:`ROUND_MIN_RATIO`): with thousands of figures a
trivial departure is significant, with a hundred a large one may be chance.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bxgc_metrics import periods
from bxgc_metrics.metrics.quality.flags import (
    empty_flags,
    make_flags,
    prepare,
)

BENFORD = np.log10(1 + 1 / np.arange(1, 10))
"""Benford's first-digit shares for 1-9: log10(1 + 1/d)."""
BENFORD_MIN_FIGURES = 100
"""First digits are judged from 100 independent figures on (one per indicator-year)."""
BENFORD_MIN_DECADES = 2.0
"""…spanning at least two orders of magnitude between their 5th and 95th percentiles:
figures of one size (all between 1,000 and 9,999) need not follow Benford's law."""
BENFORD_MAD_LIMIT = 0.015
"""Nigrini's first-digit mean absolute deviation above which data do not conform
(0.006 close, 0.012 acceptable, 0.015 marginal; *Benford's Law*, 2012, table 7.1)."""
DIGIT_ALPHA = 0.001
"""Significance level of the chi-square and binomial tests: one unit in a thousand with
honest figures is flagged by chance, per test."""
LAST_DIGIT_MIN_FIGURES = 100
"""Last digits are judged from 100 figures of three or more integer digits on (the
integer part's last digit of a number under 100 is too close to its first)."""
LAST_DIGIT_MIN_GAP = 0.04
"""…and only when some digit's share is at least 4 points from the uniform 10 %."""
ROUND_MIN_FIGURES = 100
"""Round numbers are judged from 100 figures of three or more integer digits on."""
ROUND_MIN_RATIO = 2.0
"""…and only when a share is at least twice what honest figures give: 10 % end in 0,
1 % in 00, 0.1 % in 000 when reported as whole numbers, fewer with decimals, so these
shares are upper bounds and the test never accuses a unit for reporting to the unit."""
_ROUND_LEVELS = (1, 2, 3)
_FREQ_RANK = {f: i for i, f in enumerate(periods.FREQS)}


def digit_figures(
    figures: pd.DataFrame, indicators: pd.DataFrame, *, prepared: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The figures the digit tests read: actual, not a rate or a percentage, finite and
    non-zero, without repeats of the figure before in the same series. Hand the result to
    each digit test as ``digits=`` to work it out once."""
    f = prepare(figures, indicators) if prepared is None else prepared
    keep = (f["kind"] != "rate").to_numpy() & (f["measure"] != "%").to_numpy()
    f = f[keep & (f["value"].astype(float) != 0).to_numpy()]
    series = ["unit_code", "indicator_code", "freq", "value_kind"]
    f = f.sort_values([*series, "year", "sub"], kind="stable", ignore_index=True)
    before = f.groupby(series)["value"].shift()
    return f[(before.isna() | (f["value"] != before)).to_numpy()].reset_index(drop=True)


def first_digits(values: pd.Series | np.ndarray) -> np.ndarray:
    """First significant digit of each non-zero value, read to 9 significant digits so that
    scaling by a power of ten never changes it.

    >>> first_digits(np.array([1234.5, 0.0029999999999999996, 9.99999999999, -70.0, 1.5e-310]))
    array([1, 3, 1, 7, 1])
    """
    size = np.abs(np.asarray(values, dtype=float))
    exponent = np.floor(np.log10(size))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mantissa = size / 10.0**exponent  # 10.0 ** -324 is 0: below 1e-307 go by logarithms
    mantissa = np.where(np.isfinite(mantissa), mantissa, 10.0 ** (np.log10(size) - exponent))
    mantissa = np.round(mantissa, 8)
    return np.where(mantissa >= 10, 1, np.floor(mantissa)).astype(int)


def _p_text(p: float) -> str:
    return "<0.0001" if p < 1e-4 else f"{p:.4f}"


def _shares(counts: pd.DataFrame) -> list[str]:
    """Each row's shares in whole percent, ``30/18/12/…``."""
    shares = counts.div(counts.sum(axis=1), axis=0) * 100
    return ["/".join(f"{x:.0f}" for x in row) for row in shares.to_numpy()]


def _counts(unit: pd.Series, digit: np.ndarray, digits: range) -> pd.DataFrame:
    """Units × digits counts (a unit whose digits all fall outside ``digits`` has a row of
    zeros; a missing unit is left out), counted in one pass of :func:`numpy.bincount`.

    >>> _counts(pd.Series(["b", "a", "b"]), np.array([1, 3, 1]), range(1, 4)).values.tolist()
    [[0, 0, 1], [2, 0, 0]]
    """
    codes, names = pd.factorize(unit, sort=True)
    digit = np.asarray(digit, dtype=np.int64)
    width = len(digits)
    keep = (codes >= 0) & (digit >= digits.start) & (digit < digits.start + width)
    cells = codes[keep].astype(np.int64) * width + (digit[keep] - digits.start)
    counts = np.bincount(cells, minlength=len(names) * width).reshape(len(names), width)
    index = pd.Index(np.asarray(names, dtype=object), dtype="str", name="unit_code")
    return pd.DataFrame(counts, index=index, columns=pd.Index(list(digits), name="col_0"))


def benford_sample(digits: pd.DataFrame) -> pd.DataFrame:
    """What the first-digit test reads from :func:`digit_figures`: one figure per unit,
    indicator and year (the annual figure, else the latest), as ``unit_code, value``.
    Samples of disjoint sets of indicators concatenate into the sample of them all."""
    rank = digits["freq"].map(_FREQ_RANK).fillna(len(_FREQ_RANK))
    ordered = digits.assign(rank=rank, neg_sub=-digits["sub"]).sort_values(
        ["unit_code", "indicator_code", "year", "rank", "neg_sub"], kind="stable"
    )
    one = ordered.drop_duplicates(["unit_code", "indicator_code", "year"])
    return one[["unit_code", "value"]].reset_index(drop=True)


def check_benford(
    figures: pd.DataFrame, indicators: pd.DataFrame, *, digits: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Units whose first digits depart from Benford's law.

    One figure per indicator-year (see the module docstring); a unit is tested when it has
    :data:`BENFORD_MIN_FIGURES` of them spanning :data:`BENFORD_MIN_DECADES`, and flagged
    when both Nigrini's mean absolute deviation exceeds :data:`BENFORD_MAD_LIMIT` and the
    chi-square test's p is below :data:`DIGIT_ALPHA`.

    Parameters
    ----------
    figures
        ``unit_code, indicator_code, freq, year, sub, value_kind, value``.
    indicators
        ``code, measure, direction, kind``.

    Returns
    -------
    pandas.DataFrame
        One unit-wide flag (``benford:{unit}::::``) per unit that does not conform.

    Examples
    --------
    150 annual figures whose first digits are 1 to 9 in turn (a uniform spread):

    >>> d = np.arange(150) % 9 + 1
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": [f"I{i // 10}" for i in range(150)],
    ...     "freq": "Y", "year": 2000 + np.arange(150) % 10, "sub": 0, "value_kind": "actual",
    ...     "value": (d + 0.5) * 10.0 ** (np.arange(150) % 5)})
    >>> ind = pd.DataFrame({"code": [f"I{i}" for i in range(15)], "measure": "万元",
    ...                     "direction": "higher", "kind": "flow"})
    >>> check_benford(f, ind)["flag_id"].tolist()
    ['benford:U01::::']
    """
    return benford_flags(
        benford_sample(digit_figures(figures, indicators) if digits is None else digits)
    )


def benford_flags(sample: pd.DataFrame) -> pd.DataFrame:
    """:func:`check_benford`'s flags from a :func:`benford_sample`."""
    from scipy import stats  # slow to import; only the digit tests need it

    f = sample
    if f.empty:
        return empty_flags()
    counts = _counts(f["unit_code"], first_digits(f["value"]), range(1, 10))
    n = counts.sum(axis=1)
    logs = np.log10(f["value"].abs().astype(float)).groupby(f["unit_code"].to_numpy())
    span = (logs.quantile(0.95) - logs.quantile(0.05)).reindex(counts.index)
    mad = (counts.div(n, axis=0) - BENFORD).abs().mean(axis=1)
    p = pd.Series(
        stats.chisquare(counts.to_numpy(), np.outer(n, BENFORD), axis=1).pvalue,
        index=counts.index,
    )
    hit = (n >= BENFORD_MIN_FIGURES) & (span >= BENFORD_MIN_DECADES)
    hit &= (mad > BENFORD_MAD_LIMIT) & (p < DIGIT_ALPHA)
    found = pd.DataFrame({"n": n, "span": span, "mad": mad, "p": p})[hit]
    if found.empty:
        return empty_flags()
    shares = _shares(counts[hit])
    zh, en = [], []
    for i, row in enumerate(found.itertuples()):
        zh.append(
            f"按指标、年度各取一个数，共{row.n}个，跨{row.span:.1f}个数量级；首位数字1-9占比"
            f"（%）{shares[i]}，本福特定律为30/18/12/10/8/7/6/5/5；平均绝对偏差MAD={row.mad:.3f}"
            f"（Nigrini：大于0.015为不符合），卡方检验p={_p_text(row.p)}"
        )
        en.append(
            f"one figure per indicator and year, {row.n} figures over {row.span:.1f} orders "
            f"of magnitude; first digits 1-9 (%) {shares[i]}, Benford's law 30/18/12/10/8/7/6/5/5; "
            f"mean absolute deviation MAD = {row.mad:.3f} (Nigrini: above 0.015 does not "
            f"conform), chi-square p = {_p_text(row.p)}"
        )
    return _unit_flags("benford", found, zh=zh, en=en)


def _unit_flags(check: str, found: pd.DataFrame, *, zh: list[str], en: list[str]) -> pd.DataFrame:
    rows = found.reset_index()[["unit_code"]]
    evidence = (pd.Series(zh, dtype="string"), pd.Series(en, dtype="string"))
    return make_flags(check, rows, evidence=evidence)


def _whole_parts(
    figures: pd.DataFrame, indicators: pd.DataFrame, digits: pd.DataFrame | None
) -> pd.DataFrame:
    return whole_parts(digit_figures(figures, indicators) if digits is None else digits)


def whole_parts(digits: pd.DataFrame) -> pd.DataFrame:
    """Digit figures of three or more integer digits, with ``whole``: the integer part of
    the size, read to 6 decimals (2899.9999999999995 is 2900): ``unit_code, value,
    whole``."""
    whole = np.floor(np.round(digits["value"].abs().astype(float), 6))
    keep = (whole >= 100).to_numpy()
    f = digits.loc[keep, ["unit_code", "value"]].assign(whole=whole[keep])
    return f.reset_index(drop=True)


def check_last_digits(
    figures: pd.DataFrame, indicators: pd.DataFrame, *, digits: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Units whose last integer digits are far from uniform.

    The last digit of the integer part of figures with three or more integer digits is
    uniform in honest data. Flagged when the unit has :data:`LAST_DIGIT_MIN_FIGURES`, the
    chi-square test against 10 % each has p below :data:`DIGIT_ALPHA` and some digit's
    share is :data:`LAST_DIGIT_MIN_GAP` or more from 10 %.

    Parameters
    ----------
    figures, indicators
        As for :func:`check_benford`.

    Returns
    -------
    pandas.DataFrame
        One unit-wide flag (``last_digit:{unit}::::``) per unit.

    Examples
    --------
    200 figures of which half end in 5:

    >>> last = np.where(np.arange(200) % 2 == 0, 5, np.arange(200) % 10)
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "M",
    ...     "year": 2000 + np.arange(200) // 12, "sub": np.arange(200) % 12 + 1,
    ...     "value_kind": "actual", "value": 1000.0 + 10 * np.arange(200) + last})
    >>> ind = pd.DataFrame({"code": ["GBR"], "measure": ["万元"], "direction": ["higher"],
    ...                     "kind": ["flow"]})
    >>> check_last_digits(f, ind)["evidence_en"].iloc[0][:60]
    '200 figures of three or more integer digits; last digits 0-9'
    """
    return last_digit_flags(last_digit_counts(_whole_parts(figures, indicators, digits)))


def last_digit_counts(whole: pd.DataFrame) -> pd.DataFrame:
    """Units × last digits 0-9: the counts :func:`check_last_digits` tests, from
    :func:`whole_parts`. Counts of disjoint sets of figures add up
    (:func:`add_counts`)."""
    return _counts(whole["unit_code"], (whole["whole"] % 10).astype(int).to_numpy(), range(10))


def last_digit_flags(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`check_last_digits`'s flags from :func:`last_digit_counts`."""
    from scipy import stats

    if counts.empty:
        return empty_flags()
    n = counts.sum(axis=1)
    deviation = counts.div(n, axis=0) - 0.1
    p = pd.Series(stats.chisquare(counts.to_numpy(), axis=1).pvalue, index=counts.index)
    worst = deviation.abs().idxmax(axis=1)
    gap = deviation.abs().max(axis=1)
    hit = (n >= LAST_DIGIT_MIN_FIGURES) & (p < DIGIT_ALPHA) & (gap >= LAST_DIGIT_MIN_GAP)
    found = pd.DataFrame({"n": n, "p": p, "worst": worst})[hit]
    if found.empty:
        return empty_flags()
    shares = _shares(counts[hit])
    worst_share = [counts.loc[u, d] / counts.loc[u].sum() * 100 for u, d in found["worst"].items()]
    zh, en = [], []
    for i, row in enumerate(found.itertuples()):
        zh.append(
            f"共{row.n}个三位数以上的数，末位数字0-9占比（%）{shares[i]}，均匀时各为10；"
            f"偏离最多的是{row.worst}（{worst_share[i]:.1f}%），卡方检验p={_p_text(row.p)}"
        )
        en.append(
            f"{row.n} figures of three or more integer digits; last digits 0-9 (%) {shares[i]}, "
            f"10 each if uniform; furthest off: {row.worst} ({worst_share[i]:.1f}%), "
            f"chi-square p = {_p_text(row.p)}"
        )
    return _unit_flags("last_digit", found, zh=zh, en=en)


def check_round_numbers(
    figures: pd.DataFrame, indicators: pd.DataFrame, *, digits: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Units with too many round figures (ending in 0, 00, 000).

    Among a unit's figures of three or more integer digits, the shares that are whole
    multiples of 10, 100 and 1,000 are tested one-sided against 10 %, 1 % and 0.1 %
    (binomial test, Bonferroni over the three levels). Flagged when the unit has
    :data:`ROUND_MIN_FIGURES` and some level has p below :data:`DIGIT_ALPHA` with a share
    at least :data:`ROUND_MIN_RATIO` times its expected share.

    Parameters
    ----------
    figures, indicators
        As for :func:`check_benford`.

    Returns
    -------
    pandas.DataFrame
        One unit-wide flag (``round_numbers:{unit}::::``) per unit.

    Examples
    --------
    120 figures, 30 of them whole hundreds:

    >>> value = 1000.0 + 7.3 * np.arange(120)
    >>> value[::4] = 100.0 * (np.arange(30) + 20)
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "M",
    ...     "year": 2000 + np.arange(120) // 12, "sub": np.arange(120) % 12 + 1,
    ...     "value_kind": "actual", "value": value})
    >>> ind = pd.DataFrame({"code": ["GBR"], "measure": ["万元"], "direction": ["higher"],
    ...                     "kind": ["flow"]})
    >>> check_round_numbers(f, ind)["evidence_zh"].iloc[0].split("；")[0]
    '共120个三位数以上的数：整十的占25.0%（如实填报不超过10%），整百的占25.0%（不超过1%），整千的占2.5%（不超过0.1%）'
    """
    return round_number_flags(round_counts(_whole_parts(figures, indicators, digits)))


def round_counts(whole: pd.DataFrame) -> pd.DataFrame:
    """Per unit (index ``unit_code``): ``n`` figures of :func:`whole_parts` and ``k1``,
    ``k2``, ``k3`` of them whole multiples of 10, 100 and 1,000, which
    :func:`check_round_numbers` tests. Counts of disjoint sets of figures add up
    (:func:`add_counts`)."""
    codes, names = pd.factorize(whole["unit_code"], sort=True)
    known = codes >= 0  # a figure without a unit counts for none
    codes = codes[known]
    size = np.round(whole["value"].abs().astype(float), 6).to_numpy()[known]
    counts = {"n": np.bincount(codes, minlength=len(names))}
    for level in _ROUND_LEVELS:
        multiple = np.round(size / 10.0**level, 6) % 1 == 0
        counts[f"k{level}"] = np.bincount(codes[multiple], minlength=len(names))
    index = pd.Index(np.asarray(names, dtype=object), dtype="str", name="unit_code")
    return pd.DataFrame(counts, index=index).astype("int64")


def add_counts(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Counts per unit (:func:`last_digit_counts`, :func:`round_counts`) of disjoint sets
    of figures, added up: the counts of all of them."""
    if not parts:
        return pd.DataFrame()
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts).groupby(level=0, sort=True).sum()


def round_number_flags(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`check_round_numbers`'s flags from :func:`round_counts`."""
    from scipy import stats

    if counts.empty:
        return empty_flags()
    n = counts["n"]
    found = pd.DataFrame({"n": n})
    hit = pd.Series(False, index=n.index)
    p_min = pd.Series(1.0, index=n.index)
    for level in _ROUND_LEVELS:
        expected = 10.0**-level
        k = counts[f"k{level}"]
        p = pd.Series(np.minimum(1.0, 3 * stats.binom.sf(k - 1, n, expected)), index=n.index)
        found[f"share{level}"] = k / n
        hit |= (p < DIGIT_ALPHA) & (k / n >= ROUND_MIN_RATIO * expected)
        p_min = np.minimum(p_min, p)
    found["p"] = p_min
    found = found[hit & (n >= ROUND_MIN_FIGURES)].rename_axis("unit_code")
    if found.empty:
        return empty_flags()
    zh, en = [], []
    for row in found.itertuples():
        s1, s2, s3 = row.share1 * 100, row.share2 * 100, row.share3 * 100
        zh.append(
            f"共{row.n}个三位数以上的数：整十的占{s1:.1f}%（如实填报不超过10%），整百的占"
            f"{s2:.1f}%（不超过1%），整千的占{s3:.1f}%（不超过0.1%）；二项检验p={_p_text(row.p)}"
        )
        en.append(
            f"{row.n} figures of three or more integer digits: {s1:.1f}% end in 0 (honest "
            f"figures: at most 10%), {s2:.1f}% in 00 (at most 1%), {s3:.1f}% in 000 (at most "
            f"0.1%); binomial test p = {_p_text(row.p)}"
        )
    return _unit_flags("round_numbers", found, zh=zh, en=en)
