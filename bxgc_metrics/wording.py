"""Numbers in words as a 通报 prints them: 75.98亿元, 同比增长8.5%, 提高3个位次.

A document written from the domain (a bulletin's narrative, its tables) must read its
figures exactly as the pages do. The pages' formatting lives in ``bxgc_ui.fmt``, which the
domain may not import, so the few rules a document needs are written here once more, as
pure functions; ``tests/tables/test_bulletin.py`` checks them against ``bxgc_ui.fmt`` on a
grid of values so the two never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from bxgc_metrics.measures import display_scale, is_money

_YUAN_SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8}

MISSING = "—"
"""What a missing figure reads as."""


def is_missing(value: object) -> bool:
    """True for ``None``, ``pd.NA`` and NaN.

    >>> is_missing(None), is_missing(float("nan")), is_missing(0.0)
    (True, True, False)
    """
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True  # pd.NA and other non-numbers


def amount(value: float | None, measure: str) -> str:
    """One figure with its measure; money from 10,000 万元 reads in 亿元 (as ``fmt.amount``).

    >>> amount(759834.0, "万元"), amount(4161.6, "万元"), amount(158, "栋"), amount(None, "万元")
    ('75.98亿元', '4,161.6万元', '158栋', '—')
    """
    if is_missing(value):
        return MISSING
    assert value is not None
    if measure in _YUAN_SCALE:
        yuan = value * _YUAN_SCALE[measure]
        if abs(yuan) >= 1e8 or (measure == "亿元" and yuan != 0):
            return f"{yuan / 1e8:,.2f}亿元"
        if abs(yuan) >= 1e4:
            return f"{yuan / 1e4:,.1f}万元"
        return f"{yuan:,.0f}元"
    if measure == "%":
        return f"{value:.1f}%"
    digits = 0 if float(value).is_integer() else (3 if abs(value) < 10 else 1)
    return f"{value:,.{digits}f}{measure}"


def amounts(values: Iterable[float | None], measure: str) -> list[str]:
    """A column of figures in the one measure the column is read in (as ``fmt.amounts``).

    >>> amounts([759834.0, 4161.6, None], "万元")
    ['75.98亿元', '0.42亿元', '—']
    """
    values = list(values)
    if not is_money(measure):
        return [amount(v, measure) for v in values]
    scale = display_scale(values, measure)
    return [
        MISSING if is_missing(v) else f"{scale.apply(v):,.{scale.decimals}f}{scale.measure}"  # type: ignore[arg-type]
        for v in values
    ]


def pct(rate: float | None, *, signed: bool = True, digits: int = 1) -> str:
    """A fraction as a percentage (as ``fmt.pct``): ``0.085`` → ``+8.5%``.

    >>> pct(0.085), pct(0.9543, signed=False), pct(None)
    ('+8.5%', '95.4%', '—')
    """
    if is_missing(rate):
        return MISSING
    assert rate is not None
    return f"{rate * 100:+.{digits}f}%" if signed else f"{rate * 100:.{digits}f}%"


def growth(rate: float) -> str:
    """Year-on-year growth in words.

    >>> growth(0.085), growth(-0.031), growth(0.0)
    ('同比增长8.5%', '同比下降3.1%', '与上年同期持平')
    """
    shown = round(rate * 100, 1)
    if shown == 0:
        return "与上年同期持平"
    return f"同比{'增长' if shown > 0 else '下降'}{abs(shown):.1f}%"


def against_pace(gap_pp: float) -> str:
    """Completion against time elapsed, in percentage points.

    >>> against_pace(0.3), against_pace(-2.46), against_pace(0.04)
    ('超时间进度0.3个百分点', '低于时间进度2.5个百分点', '与时间进度持平')
    """
    shown = round(gap_pp, 1)
    if shown == 0:
        return "与时间进度持平"
    return f"{'超' if shown > 0 else '低于'}时间进度{abs(shown):.1f}个百分点"


def move(change: int) -> str:
    """A rank move in words.

    >>> move(3), move(-1), move(0)
    ('提高3个位次', '下降1个位次', '位次不变')
    """
    if change == 0:
        return "位次不变"
    return f"{'提高' if change > 0 else '下降'}{abs(change)}个位次"


def arrow(change: object) -> str:
    """A rank move as a table prints it: ▲2, ▼1, – (none) or 新 (no previous rank), as
    ``bxgc_ui.ranking_labels.arrow`` does in Chinese.

    >>> arrow(2), arrow(-1), arrow(0), arrow(None)
    ('▲2', '▼1', '–', '新')
    """
    if is_missing(change):
        return "新"
    n = int(change)  # type: ignore[call-overload]
    return f"▲{n}" if n > 0 else (f"▼{-n}" if n < 0 else "–")


def place(rank: object) -> str:
    """A place as read: ``3``, or "—" where there is none.

    >>> place(3), place(None)
    ('3', '—')
    """
    return MISSING if is_missing(rank) else str(int(rank))  # type: ignore[call-overload]


def yuan(value: float) -> str:
    """An amount of yuan as a reward table prints it.

    >>> yuan(12000.0), yuan(-1500.0)
    ('12,000元', '-1,500元')
    """
    return f"{value:,.0f}元"
