"""Numbers as Chinese officials read them: 亿元 and 万元 with the unit shown, 同比 +8.5%.

Pure functions (no streamlit), so they are tested directly.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable

from bxgc_metrics.measures import (
    Scale,
    display_scale,
    english,
    english_money,
    is_money,
    reads_in_points,
)

_YUAN_SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def is_missing(value: float | None) -> bool:
    """True for ``None`` and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def after_figure(measure: str, lang: str = "zh") -> str:
    """How ``measure`` (as shown) follows its figure: straight after it in Chinese and for
    %, after a space in English, nothing for a measure with no word (个 in English).

    >>> after_figure("亿元"), after_figure("bn yuan", "en"), after_figure("%", "en"), after_figure("", "en")
    ('亿元', ' bn yuan', '%', '')
    """
    return f" {measure}" if lang == "en" and measure not in ("", "%") else measure


def amount(
    value: float | None, measure: str, lang: str = "zh", *, rounding: str = "nearest"
) -> str:
    """A value with its unit; money above 10,000 万元 reads in 亿元, and in English in
    billions or millions of yuan to the same yuan (:func:`~bxgc_metrics.measures.english`
    names other measures). Its last digit rounds as ``rounding`` says (:func:`bounded`).

    >>> amount(759834.0, "万元"), amount(4161.6, "万元"), amount(2.9, "亿元"), amount(0.9, "亿元")
    ('75.98亿元', '4,161.6万元', '2.90亿元', '0.90亿元')
    >>> amount(0.587, "吨标准煤/万元"), amount(158, "栋"), amount(None, "万元")
    ('0.587吨标准煤/万元', '158栋', '—')
    >>> amount(759834.0, "万元", "en"), amount(4161.6, "万元", "en"), amount(0.9, "亿元", "en")
    ('7.598 bn yuan', '41.616 m yuan', '90 m yuan')
    >>> amount(0.587, "吨标准煤/万元", "en"), amount(32, "个", "en"), amount(7.5, "%", "en")
    ('0.587 tce/10k yuan', '32', '7.5%')
    """
    if is_missing(value):
        return "—"
    assert value is not None
    if rounding != "nearest":
        step = _last_digit(value, measure)
        value = bounded(value / step, 0, rounding) * step
    if measure in _YUAN_SCALE:
        yuan = value * _YUAN_SCALE[measure]
        step = _yuan_step(yuan, measure)
        if lang == "en":
            read = english_money(yuan, step)  # the Chinese reading's last digit, in English
            return f"{read.apply(yuan):,.{read.decimals}f}{after_figure(read.measure, lang)}"
        if step == 1e6:
            return f"{yuan / 1e8:,.2f}亿元"
        return f"{yuan / 1e4:,.1f}万元" if step == 1e3 else f"{yuan:,.0f}元"
    if measure == "%":
        return f"{value:.1f}%"
    digits = _digits(value)
    if lang != "en":
        return f"{value:,.{digits}f}{measure}"
    return f"{value:,.{digits}f}{after_figure(english(measure), lang)}"


def _yuan_step(yuan: float, measure: str) -> float:
    """The yuan the last digit of an amount of money is worth: 0.01亿元 from 1亿元 up (or
    any amount kept in 亿元), 0.1万元 from 1万元, else 1元."""
    if abs(yuan) >= 1e8 or (measure == "亿元" and yuan != 0):
        return 1e6
    return 1e3 if abs(yuan) >= 1e4 else 1.0


def _digits(value: float) -> int:
    """Decimals of an amount that is not money: none for a whole number, 3 below 10, else 1."""
    return 0 if float(value).is_integer() else (3 if abs(value) < 10 else 1)


def _last_digit(value: float, measure: str) -> float:
    """What the last digit :func:`amount` shows of ``value`` is worth, in ``measure``.

    >>> _last_digit(1.234, "亿元"), _last_digit(4161.6, "万元"), _last_digit(2.5, "个")
    (0.01, 0.1, 0.001)
    """
    if measure in _YUAN_SCALE:
        return _yuan_step(value * _YUAN_SCALE[measure], measure) / _YUAN_SCALE[measure]
    return 0.1 if measure == "%" else 10.0 ** -_digits(value)


def amounts(values: Iterable[float | None], measure: str, lang: str = "zh") -> list[str]:
    """A column of values, all in the one measure the column is read in
    (:func:`bxgc_metrics.measures.display_scale`): a table never mixes 亿元 and 万元.

    >>> amounts([759834.0, 4161.6, None], "万元")
    ['75.98亿元', '0.42亿元', '—']
    >>> amounts([4161.6, 980.0], "万元", "en"), amounts([158.0], "栋")
    (['41.616 m yuan', '9.800 m yuan'], ['158栋'])
    """
    values = list(values)
    if not is_money(measure):
        return [amount(v, measure, lang) for v in values]
    scale = display_scale(values, measure, lang)
    return [scaled(v, scale, lang) for v in values]


def scaled(value: float | None, scale: Scale, lang: str = "zh", *, finer: int = 0) -> str:
    """``value`` read in ``scale`` (:func:`bxgc_metrics.measures.display_scale`), with
    ``finer`` decimals more than the scale gives.

    >>> scale = display_scale([3.5, 2.9], "亿元")
    >>> scaled(3.5, scale), scaled(4.025, scale, finer=1), scaled(None, scale, "en")
    ('3.50亿元', '4.025亿元', '—')
    >>> scaled(4.025, display_scale([3.5, 2.9], "亿元", "en"), "en", finer=1)
    '402.5 m yuan'
    """
    if is_missing(value):
        return "—"
    assert value is not None
    shown = f"{scale.apply(value):,.{scale.decimals + finer}f}"
    return shown + after_figure(scale.measure, lang)


def change(
    value: float | None,
    measure: str,
    lang: str = "zh",
    *,
    signed: bool = True,
    rounding: str = "nearest",
) -> str:
    """A change in a figure, in its own units: points (个百分点) for a percentage, the
    measure otherwise, with its sign; points round as ``rounding`` says (:func:`bounded`).

    >>> change(0.42, "%"), change(-0.05, "%", "en"), change(2.5, "%", signed=False)
    ('+0.4个百分点', '-0.1 pp', '2.5个百分点')
    >>> change(13666.7, "万元"), change(-3.0, "亿元"), change(0.0, "个"), change(None, "%")
    ('+1.37亿元', '-3.00亿元', '0个', '—')
    >>> change(13666.7, "万元", "en"), change(-3.0, "亿元", "en")
    ('+137 m yuan', '-300 m yuan')

    Money's last digit rounds as ``rounding`` says too: the least needed up, the most
    allowed down.

    >>> change(1.2301, "亿元", rounding="up"), change(-1.2349, "亿元", rounding="down")
    ('+1.24亿元', '-1.24亿元')
    >>> change(4161.61, "万元", "en", rounding="up")
    '+41.617 m yuan'
    """
    if is_missing(value):
        return "—"
    assert value is not None
    if reads_in_points(measure):
        value = bounded(value, 1, rounding)
        shown = f"{value:+.1f}" if signed else f"{value:.1f}"
        return f"{shown}个百分点" if lang == "zh" else f"{shown} pp"
    sign = "+" if signed and value > 0 else ""
    return sign + amount(value, measure, lang, rounding=rounding)


def bounded(value: float, digits: int, rounding: str) -> float:
    """``value`` rounded to ``digits`` decimals: to the nearest, or ``up`` or ``down`` when
    the figure is a least needed or a most allowed (a hair of float noise, 7.000000000000001,
    does not round up).

    >>> bounded(25.025, 1, "up"), bounded(25.025, 1, "down"), bounded(7.000000000000001, 1, "up")
    (25.1, 25.0, 7.0)
    """
    if rounding == "nearest":
        return value
    steps = value * 10**digits
    whole = round(steps)
    if math.isclose(steps, whole, rel_tol=1e-9, abs_tol=1e-9):
        return whole / 10**digits
    return (math.ceil(steps) if rounding == "up" else math.floor(steps)) / 10**digits


def pct(
    rate: float | None, signed: bool = True, digits: int = 1, *, rounding: str = "nearest"
) -> str:
    """A fraction as a percentage: ``0.085`` → ``+8.5%``; ``rounding`` as :func:`bounded`.

    >>> pct(0.085), pct(-0.031), pct(0.9543, signed=False), pct(float("nan")), pct(float("inf"))
    ('+8.5%', '-3.1%', '95.4%', '—', '—')
    >>> pct(0.25025, signed=False, rounding="up"), pct(-0.0461, rounding="down")
    ('25.1%', '-4.7%')
    """
    if rate is None or not math.isfinite(rate):  # missing, NaN or infinite
        return "—"
    shown = bounded(rate * 100, digits, rounding)
    return f"{shown:+.{digits}f}%" if signed else f"{shown:.{digits}f}%"


def yoy(rate: float | None, lang: str = "zh") -> str:
    """Year-on-year growth as the reports print it.

    >>> yoy(0.085), yoy(-0.02, "en")
    ('同比 +8.5%', 'YoY -2.0%')
    """
    return f"{'同比' if lang == 'zh' else 'YoY'} {pct(rate)}"


_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff]")


def bracketed(text: str, note: str) -> str:
    """``text`` with ``note`` in brackets as the note's language writes them: full-width
    after a Chinese note, a space and ASCII ones after an English note.

    >>> bracketed("南关街道", "实际"), bracketed("南关街道", "actual")
    ('南关街道（实际）', '南关街道 (actual)')
    """
    return f"{text}（{note}）" if _CJK.search(note) else f"{text} ({note})"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&])")


def md(text: str) -> str:
    """``text`` (a unit or indicator name) escaped for Streamlit markdown, so that it
    shows as typed: ``**东城**`` stays two stars, ``:red[x]`` is no colour directive."""
    return _MARKDOWN.sub(r"\\\1", plain(text))


_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Bidirectional controls: a right-to-left override makes ``86.6%`` read ``%6.68``."""


def plain(text: object) -> str:
    """``text`` as it may be shown: bidirectional control characters removed.

    >>> plain("东城\\u202e86.6%")
    '东城86.6%'
    """
    return _BIDI.sub("", str(text))


def chart(text: object) -> str:
    """A name or label made safe for Plotly text, hover, tick and title: Plotly reads
    ``<b>``, ``<br>`` and ``<a href>`` in any text, so ``<``, ``>`` and ``&`` are written
    as entities (shown as typed, never as markup) and bidi controls are dropped.

    >>> chart("<a href='x'>点击领取奖金</a> & <b>")
    "&lt;a href='x'&gt;点击领取奖金&lt;/a&gt; &amp; &lt;b&gt;"
    """
    return html.escape(plain(text), quote=False)
