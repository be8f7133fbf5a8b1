"""Checks along one unit's series of one indicator: revisions, falls, unusual months, leaps.

- :func:`check_revisions`: a figure changed after it was first reported (from the import
  history, ``writes``).
- :func:`check_cumulative_falls`: a year-to-date (累计) figure below the month before.
- :func:`check_outlier_growth`: a month-on-month growth rate far outside the unit's own
  history on that indicator.
- :func:`check_completion_leaps`: a completion rate (完成率) that jumps in an assessment
  month far more than the unit's usual monthly step.

The last two are statistics and carry minimum-sample guards (:data:`MIN_GROWTH_OBS`,
:data:`MIN_STEP_OBS`); the first two are facts and need none. Input columns are those of
:func:`bxgc_metrics.metrics.quality.assess`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bxgc_metrics import clock
from bxgc_metrics._columnar import group_numbers
from bxgc_metrics.metrics.growth import pop, ytd_to_single
from bxgc_metrics.metrics.quality.flags import (
    FACT_TOLERANCE,
    FIGURE_KEY,
    amounts,
    empty_flags,
    joined,
    make_flags,
    percents,
    period_words,
    prepare,
)
from bxgc_metrics.metrics.quality.robust import ROBUST_Z_LIMIT, deseasonalise, robust_z

MIN_GROWTH_OBS = 12
"""A unit's growth rates on an indicator are judged only from 12 month-on-month rates
(a year) on: fewer leave the median and MAD to chance."""
OUTLIER_MIN_GAP = 0.10
"""…and only a month whose growth differs from the unit's usual growth by at least 0.10
in log terms (about 10 percentage points): in a very steady series a small wobble can have
a large z-score without meaning anything."""
MIN_STEP_OBS = 12
"""A unit's completion steps on an indicator are judged only from 12 monthly steps on."""
COMPLETION_MIN_GAP = 0.05
"""…and only a leap at least 5 percentage points of the annual target above the usual
step."""
MIN_RESOLUTION_STEPS = 20
"""A series whose typical month is fewer than 20 steps of the precision it is reported in
(whole projects started, 0.01 亿元) moves too coarsely for rates: one step more or less
changes a month by 5 % or more. Neither growth nor completion steps are judged on it."""

_SERIES = ["unit_code", "indicator_code"]
_DIGITS = 9  # rates are compared to 9 decimals, so float noise in a steady series is no spread
WRITE_KEYS = FIGURE_KEY
"""The columns that name one figure in ``writes``."""
_KIND_WORDS = {"target": ("目标值：", "Target: "), "plan": ("计划值：", "Plan: ")}


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Equal up to :data:`~bxgc_metrics.metrics.quality.flags.FACT_TOLERANCE` (both missing
    counts as equal)."""
    close = np.isclose(a.astype(float), b.astype(float), rtol=FACT_TOLERANCE, atol=0.0)
    return pd.Series(close | (a.isna() & b.isna()).to_numpy(), index=a.index)


def _measures(frame: pd.DataFrame, indicators: pd.DataFrame) -> pd.Series:
    """The measure of each row's indicator (missing when unknown)."""
    lookup = indicators.drop_duplicates("code").set_index("code")["measure"]
    return frame["indicator_code"].map(lookup)


def check_revisions(writes: pd.DataFrame | None, indicators: pd.DataFrame) -> pd.DataFrame:
    """Figures changed after their first report: by whom, how much and how often.

    Parameters
    ----------
    writes
        One row per committed batch that wrote a figure: :data:`WRITE_KEYS` plus
        ``batch_id, written_at, who, value, file_name``. The first row of a figure (by
        ``batch_id``) is its first report; each later row whose value differs from the
        row before is a revision. ``None`` or empty: no flags.
    indicators
        ``code, measure`` at least.

    Returns
    -------
    pandas.DataFrame
        One flag per revised figure (:data:`~bxgc_metrics.metrics.quality.flags.FLAG_COLUMNS`);
        a revised target or plan has the qualifier ``target`` or ``plan`` in its id.

    Examples
    --------
    >>> w = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "M",
    ...     "year": 2026, "sub": 3, "value_kind": "actual", "batch_id": [1, 2, 3],
    ...     "written_at": pd.to_datetime(["2026-04-02", "2026-04-09", "2026-04-20"]),
    ...     "who": ["张三", "李四", "李四"], "value": [1000.0, 1100.0, 1150.0],
    ...     "file_name": ["a.xlsx", "b.xlsx", "c.xlsx"]})
    >>> flag = check_revisions(w, pd.DataFrame({"code": ["GBR"], "measure": ["万元"]})).iloc[0]
    >>> flag["flag_id"]
    'revision:U01:GBR:M:2026:3'
    >>> flag["evidence_zh"].split("；")[0].split("→")[1]
    ' 现值 1,150.0万元，变动 +150.0万元（+15.0%）'
    """
    if writes is None or writes.empty:
        return empty_flags()
    w = writes.sort_values([*WRITE_KEYS, "batch_id"], kind="stable", ignore_index=True)
    by = [w[k] for k in WRITE_KEYS]
    position = w.groupby(by).cumcount()
    previous = w["value"].groupby(by).shift()
    revised = w[(position > 0) & ~_same(w["value"], previous)]
    if revised.empty:
        return empty_flags()
    first = w[position == 0].set_index(WRITE_KEYS)
    last = w.drop_duplicates(WRITE_KEYS, keep="last").set_index(WRITE_KEYS)
    latest = revised.drop_duplicates(WRITE_KEYS, keep="last").set_index(WRITE_KEYS)
    people = revised.assign(who=revised["who"].astype("string").fillna("?"))
    people = people.drop_duplicates([*WRITE_KEYS, "who"]).groupby(WRITE_KEYS)["who"]
    found = pd.DataFrame(
        {
            "count": revised.groupby(WRITE_KEYS).size(),
            "first": first["value"],
            "first_who": first["who"],
            "first_at": first["written_at"],
            "now": last["value"],
            "last_at": latest["written_at"],
            "file": latest["file_name"],
            "people_zh": people.agg("、".join),
            "people_en": people.agg(", ".join),
        }
    ).dropna(subset=["count"])
    return _revision_flags(found.reset_index(), indicators)


def _revision_flags(found: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    measure = _measures(found, indicators)
    change = found["now"] - found["first"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (change / found["first"].abs()).where(found["first"] != 0)
    first, now = amounts(found["first"], measure), amounts(found["now"], measure)
    delta, pct = amounts(change, measure, signed=True), percents(rate)
    first_en, now_en = (
        amounts(found["first"], measure, lang="en"),
        amounts(found["now"], measure, lang="en"),
    )
    delta_en = amounts(change, measure, signed=True, lang="en")
    first_at, last_at = clock.shown(found["first_at"]), clock.shown(found["last_at"])
    who = found["first_who"].astype("string").fillna("?")
    file = found["file"].astype("string").fillna("—")
    count = found["count"].astype(int).astype(str)
    kind = found["value_kind"].map(_KIND_WORDS)
    kind_zh = [k[0] if isinstance(k, tuple) else "" for k in kind]
    kind_en = [k[1] if isinstance(k, tuple) else "" for k in kind]
    zh = joined(
        kind_zh,
        "首报 " + pd.Series(first) + "（" + who + "，" + first_at + "）",
        "→ 现值 " + pd.Series(now) + "，变动 " + pd.Series(delta) + "（" + pd.Series(pct) + "）",
        "；修改 " + count + " 次，修改人：" + found["people_zh"],
        "；最近一次 " + last_at + "（文件：" + file + "）",
    )
    en = joined(
        kind_en,
        "first reported " + pd.Series(first_en) + " (" + who + ", " + first_at + ")",
        " → now "
        + pd.Series(now_en)
        + ", change "
        + pd.Series(delta_en)
        + " ("
        + pd.Series(pct)
        + ")",
        "; revised " + count + " time(s) by " + found["people_en"],
        "; last on " + last_at + " (file: " + file + ")",
    )
    qualifier = found["value_kind"].astype("string").where(found["value_kind"] != "actual")
    return make_flags("revision", found, evidence=(zh, en), qualifier=qualifier)


def check_cumulative_falls(
    figures: pd.DataFrame, indicators: pd.DataFrame, *, prepared: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Year-to-date figures of flow indicators below the period before in the same year.

    A running total cannot fall unless something was taken back (a refund, a correction);
    January after December is a new year's total and is never compared.

    Parameters
    ----------
    figures
        ``unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative``;
        only ``actual`` figures with ``cumulative`` true of ``flow`` indicators count.
    indicators
        ``code, measure, direction, kind``.

    Returns
    -------
    pandas.DataFrame
        One flag per fallen figure, at the period whose figure fell.

    Examples
    --------
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "M",
    ...     "year": [2025, 2026, 2026, 2026], "sub": [12, 1, 5, 6], "value_kind": "actual",
    ...     "value": [9000.0, 700.0, 1234.5, 1100.0], "cumulative": True})
    >>> ind = pd.DataFrame({"code": ["GBR"], "measure": ["万元"], "direction": ["higher"],
    ...                     "kind": ["flow"]})
    >>> check_cumulative_falls(f, ind)["evidence_zh"].tolist()
    ['2026年1-5月累计 1,234.5万元 → 2026年1-6月累计 1,100.0万元（-10.9%）']
    """
    f = prepare(figures, indicators) if prepared is None else prepared
    keep = f["cumulative"].astype(bool) & (f["kind"] == "flow") & (f["freq"] != "Y")
    f = f[keep.to_numpy()].reset_index(drop=True)
    previous = f["value"] - ytd_to_single(f, [*_SERIES, "freq"])
    fell = (f["sub"] > 1) & (f["value"] < previous - FACT_TOLERANCE * previous.abs())
    found = f[fell.to_numpy()].assign(previous=previous[fell]).reset_index(drop=True)
    if found.empty:
        return empty_flags()
    before_zh, before_en = period_words(found.assign(sub=found["sub"] - 1), cumulative=True)
    now_zh, now_en = period_words(found, cumulative=True)
    before = amounts(found["previous"], found["measure"])
    now = amounts(found["value"], found["measure"])
    before_words = amounts(found["previous"], found["measure"], lang="en")
    now_words = amounts(found["value"], found["measure"], lang="en")
    pct = percents(found["value"] / found["previous"].abs() - 1)
    zh = [
        f"{a}累计 {x} → {b}累计 {y}（{p}）"
        for a, x, b, y, p in zip(before_zh, before, now_zh, now, pct, strict=True)
    ]
    en = [
        f"{a} cumulative {x} → {b} cumulative {y} ({p})"
        for a, x, b, y, p in zip(before_en, before_words, now_en, now_words, pct, strict=True)
    ]
    return make_flags(
        "cumulative_fall",
        found,
        evidence=(pd.Series(zh, dtype="string"), pd.Series(en, dtype="string")),
    )


def _precision(values: pd.Series) -> pd.Series:
    """The step each value is stated in: 1 for a whole number, 0.1 for one decimal, …
    (read to 6 decimals, so float noise from a subtraction is no digit)."""
    step = pd.Series(1e-6, index=values.index)
    for decimals in range(5, -1, -1):
        whole = np.round(values.abs() * 10.0**decimals, 6) % 1 == 0
        step = step.where(~whole, 10.0**-decimals)
    return step


def _coarse(base: pd.Series, by: list[pd.Series]) -> pd.Series:
    """True for the rows of a series whose median is below :data:`MIN_RESOLUTION_STEPS`
    steps of its precision (the finest step any of its values needs)."""
    ids = group_numbers(by)
    step = _precision(base).groupby(ids).transform("min")
    return base.abs().groupby(ids).transform("median") < MIN_RESOLUTION_STEPS * step


def _monthly_base(
    figures: pd.DataFrame, indicators: pd.DataFrame, prepared: pd.DataFrame | None
) -> pd.DataFrame:
    """Monthly actuals of flows and stocks with ``base``, the month's own value (a
    cumulative flow's increment), and ``derived``, true where it was worked out so."""
    f = prepare(figures, indicators) if prepared is None else prepared
    keep = (f["freq"] == "M") & f["kind"].isin(["flow", "stock"])
    f = f[keep.to_numpy()].reset_index(drop=True)
    derived = f["cumulative"].astype(bool) & (f["kind"] == "flow")
    base = np.where(derived, ytd_to_single(f, _SERIES), f["value"].astype(float))
    return f.assign(base=base, derived=derived)


def check_outlier_growth(
    figures: pd.DataFrame, indicators: pd.DataFrame, *, prepared: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Months whose month-on-month growth lies far outside the unit's own history.

    For each unit and monthly flow or stock indicator: the month's own value (a
    cumulative flow's monthly increment), its log growth on the month before (January on
    December), less the indicator's common seasonal pattern
    (:func:`~bxgc_metrics.metrics.quality.robust.deseasonalise`), scored by a robust
    z-score against the unit's own growth on that indicator. Flagged when
    ``|z| > ROBUST_Z_LIMIT`` (3.5), the unit has :data:`MIN_GROWTH_OBS` growth rates and
    the gap to its usual growth is at least :data:`OUTLIER_MIN_GAP`. Months whose value
    or the month before is not positive have no growth rate; series reported too coarsely
    for rates (:data:`MIN_RESOLUTION_STEPS`) are left alone. The evidence shows the growth
    expected for that month: the unit's usual growth plus the month's seasonal pattern.

    Parameters
    ----------
    figures, indicators
        As for :func:`check_cumulative_falls`.

    Returns
    -------
    pandas.DataFrame
        One flag per outlying month.

    Examples
    --------
    Two years of 100 a month growing 1 % a month, then a month of +50 %:

    >>> value = [100.0 * 1.01 ** i for i in range(24)]
    >>> value[20] *= 1.5
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": "RETAIL", "freq": "M",
    ...     "year": [2024] * 12 + [2025] * 12, "sub": list(range(1, 13)) * 2,
    ...     "value_kind": "actual", "value": value, "cumulative": False})
    >>> ind = pd.DataFrame({"code": ["RETAIL"], "measure": ["万元"], "direction": ["higher"],
    ...                     "kind": ["flow"]})
    >>> check_outlier_growth(f, ind)["flag_id"].tolist()
    ['outlier_growth:U01:RETAIL:M:2025:9', 'outlier_growth:U01:RETAIL:M:2025:10']
    """
    f = _monthly_base(figures, indicators, prepared)
    growth = pop(f, 12, _SERIES, value="base")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_growth = np.log1p(growth.where(growth > -1)).round(_DIGITS)
    usable = np.isfinite(log_growth) & ~_coarse(f["base"], [f[k] for k in _SERIES])
    g = f[usable.to_numpy()].assign(growth=growth[usable], log_growth=log_growth[usable])
    del f, growth, log_growth, usable  # every monthly figure: let go before scoring
    if g.empty:
        return empty_flags()
    season = deseasonalise(g["log_growth"], g["indicator_code"], g["sub"])
    by = [g[k] for k in _SERIES]
    scored = robust_z(season["residual"], by)
    gap = (season["residual"] - scored["center"]).abs()
    hit = (scored["n"] >= MIN_GROWTH_OBS) & (scored["z"].abs() > ROBUST_Z_LIMIT)
    hit &= gap >= OUTLIER_MIN_GAP
    expected = np.expm1(season["pattern"] + scored["center"])
    found = g.assign(z=scored["z"], n=scored["n"], expected=expected, adjusted=season["adjusted"])
    return _outlier_flags(found[hit.to_numpy()].reset_index(drop=True))


def _outlier_flags(found: pd.DataFrame) -> pd.DataFrame:
    if found.empty:
        return empty_flags()
    when_zh, when_en = period_words(found)
    now = amounts(found["base"], found["measure"])
    before = amounts(found["base"] / (1 + found["growth"]), found["measure"])
    now_words = amounts(found["base"], found["measure"], lang="en")
    before_words = amounts(found["base"] / (1 + found["growth"]), found["measure"], lang="en")
    pct, expected = percents(found["growth"]), percents(found["expected"])
    derived = found["derived"].to_numpy()
    adjusted = found["adjusted"].to_numpy()
    stats = list(zip(found["n"].astype(int), found["z"], derived, adjusted, strict=True))
    zh, en = [], []
    for i, (n, z, from_ytd, seasonal) in enumerate(stats):
        own_zh = "当月（由累计值推算）" if from_ytd else "当月"
        own_en = " (from the cumulative figures)" if from_ytd else ""
        zh.append(
            f"{when_zh[i]}{own_zh} {now[i]}，上月 {before[i]}，环比 {pct[i]}；按本单位"
            + ("历史和各单位该月的季节规律" if seasonal else "历史")
            + f"预期约 {expected[i]}（{n}个月，稳健z={z:.1f}）"
        )
        en.append(
            f"{when_en[i]}{own_en}: {now_words[i]}, month before {before_words[i]}, "
            f"change {pct[i]}; "
            f"expected about {expected[i]} from the unit's history"
            + (" and every unit's pattern for the month" if seasonal else "")
            + f" ({n} months, robust z = {z:.1f})"
        )
    return make_flags(
        "outlier_growth",
        found,
        evidence=(pd.Series(zh, dtype="string"), pd.Series(en, dtype="string")),
    )


def _targets(figures: pd.DataFrame) -> pd.DataFrame:
    """Annual targets: ``unit_code, indicator_code, year, target``."""
    keep = (figures["value_kind"] == "target") & (figures["freq"] == "Y")
    targets = figures.loc[keep.to_numpy(), [*_SERIES, "year", "value"]]
    return targets.rename(columns={"value": "target"}).drop_duplicates([*_SERIES, "year"])


def check_completion_leaps(
    figures: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    assessment_months: Sequence[int] = (6, 12),
    prepared: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Completion rates that leap in an assessment month far more than usual.

    The completion rate (完成率) is the year-to-date actual over the annual target
    (``value_kind`` ``target``, ``freq`` ``Y``), for cumulative monthly figures of flow
    indicators where higher is better. Its monthly step (the month's increment over the
    target; January's is January's rate) less the indicator's common seasonal pattern is
    scored by a robust z-score against the unit's own steps on that indicator. A step
    into an assessment month is flagged when ``z > ROBUST_Z_LIMIT`` (3.5), the unit has
    :data:`MIN_STEP_OBS` steps and the leap exceeds its usual step by at least
    :data:`COMPLETION_MIN_GAP`.

    Parameters
    ----------
    figures, indicators
        As for :func:`check_cumulative_falls`, with the annual targets among ``figures``.
    assessment_months
        The months whose figures an assessment reads: 6 for the half-year, 12 for the
        year-end.

    Returns
    -------
    pandas.DataFrame
        One flag per leap, at the assessment month.

    Examples
    --------
    Two years against a target of 1,000, 95 or 105 a month; June 2025 adds 500:

    >>> monthly = [100.0 + (5 if i % 2 else -5) for i in range(24)]
    >>> monthly[17] = 500.0
    >>> ytd = np.concatenate([np.cumsum(monthly[:12]), np.cumsum(monthly[12:])])
    >>> f = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "M",
    ...     "year": [2024] * 12 + [2025] * 12, "sub": list(range(1, 13)) * 2,
    ...     "value_kind": "actual", "value": ytd, "cumulative": True})
    >>> targets = pd.DataFrame({"unit_code": "U01", "indicator_code": "GBR", "freq": "Y",
    ...     "year": [2024, 2025], "sub": 0, "value_kind": "target", "value": 1000.0,
    ...     "cumulative": False})
    >>> ind = pd.DataFrame({"code": ["GBR"], "measure": ["万元"], "direction": ["higher"],
    ...                     "kind": ["flow"]})
    >>> flags = check_completion_leaps(pd.concat([f, targets]), ind)
    >>> flags["flag_id"].tolist()
    ['completion_leap:U01:GBR:M:2025:6']
    >>> flags["evidence_zh"].iloc[0].split("；")[0]
    '2025年1-6月累计完成率 99.5%（上月 49.5%），一个月提高50.0个百分点'
    """
    f = prepare(figures, indicators) if prepared is None else prepared
    keep = (f["freq"] == "M") & f["cumulative"].astype(bool)
    keep &= (f["kind"] == "flow") & (f["direction"] == "higher")
    f = f[keep.to_numpy()].merge(_targets(figures), on=[*_SERIES, "year"], how="inner")
    f = f[f["target"] > 0].reset_index(drop=True)
    single = ytd_to_single(f, _SERIES)
    by = [f[k] for k in _SERIES]
    usable = single.notna() & ~_coarse(single, by)
    g = f.assign(
        step=(single / f["target"]).round(_DIGITS), before=(f["value"] - single) / f["target"]
    )[usable.to_numpy()]
    if g.empty:
        return empty_flags()
    season = deseasonalise(g["step"], g["indicator_code"], g["sub"])
    by = [g[k] for k in _SERIES]
    scored = robust_z(season["residual"], by)
    hit = g["sub"].isin(list(assessment_months)) & (scored["n"] >= MIN_STEP_OBS)
    hit &= (scored["z"] > ROBUST_Z_LIMIT) & (
        season["residual"] - scored["center"] >= COMPLETION_MIN_GAP
    )
    expected = season["pattern"] + scored["center"]
    found = g.assign(z=scored["z"], n=scored["n"], expected=expected, adjusted=season["adjusted"])
    return _leap_flags(found[hit.to_numpy()].reset_index(drop=True))


def _leap_flags(found: pd.DataFrame) -> pd.DataFrame:
    if found.empty:
        return empty_flags()
    when_zh, when_en = period_words(found, cumulative=True)
    completion = found["value"] / found["target"]
    now = percents(completion, signed=False)
    before = percents(found["before"], signed=False)
    target = amounts(found["target"], found["measure"])
    target_words = amounts(found["target"], found["measure"], lang="en")
    columns = ["step", "expected", "n", "z", "adjusted"]
    rows = found[columns].assign(n=found["n"].astype(int)).itertuples(index=False)
    zh, en = [], []
    for i, (step, expected, n, z, seasonal) in enumerate(rows):
        zh.append(
            f"{when_zh[i]}累计完成率 {now[i]}（上月 {before[i]}），一个月提高{step * 100:.1f}个百分点；"
            + ("按本单位平时和各单位该月的季节规律" if seasonal else "按本单位平时")
            + f"预期约提高{expected * 100:.1f}个百分点（{n}个月，稳健z={z:.1f}）；全年目标 {target[i]}"
        )
        en.append(
            f"{when_en[i]} cumulative completion {now[i]} (month before {before[i]}), up "
            f"{step * 100:.1f} points in one month; expected about {expected * 100:.1f} points "
            "from the unit's usual steps"
            + (" and every unit's pattern for the month" if seasonal else "")
            + f" ({n} months, robust z = {z:.1f}); annual target {target_words[i]}"
        )
    return make_flags(
        "completion_leap",
        found,
        evidence=(pd.Series(zh, dtype="string"), pd.Series(en, dtype="string")),
    )
