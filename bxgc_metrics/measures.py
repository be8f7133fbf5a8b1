"""Units of measure (计量单位): which convert into which, and how a column of figures is shown.

Figures are stored in their indicator's measure (万元, 亿元, 人, 亩 …). Two questions need
the same answer everywhere — in the importer, on every chart axis and hover, in every
table and in every exported workbook — so this module answers them once:

- :func:`conversion_factor`: a value written in one measure, expressed in another
  (亿元 → 万元 is × 10,000), or ``None`` when they are different kinds of quantity;
- :func:`display_scale`: the measure a *column* of figures is read in. Officials read
  money in 亿元 once figures run to 10,000 万元 (1 亿元), in 万元 from 10,000 元, so a
  chart axis of 1,400,000 万元 is labelled 亿元 and reads 140, never ``1.4M``.

An English reader reads money in billions and millions of yuan ("7.598 bn yuan" for
75.98亿元), to the same yuan as the Chinese reading, and other measures by their English
names (:func:`english`): "158 buildings", "0.587 tce/10k yuan". A measure the table of
names does not know is shown as written: it is the data's own word.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

_SCALE = {
    "元": 1.0,
    "万元": 1e4,
    "亿元": 1e8,
    "平方米": 1.0,
    "万平方米": 1e4,
    "人": 1.0,
    "万人": 1e4,
}
_FAMILY = {
    "元": "money",
    "万元": "money",
    "亿元": "money",
    "平方米": "area",
    "万平方米": "area",
    "人": "people",
    "万人": "people",
}
MONEY = ("元", "万元", "亿元")
"""The money measures, smallest first."""


def conversion_factor(source: str | None, target: str) -> float | None:
    """Multiply a value in ``source`` by this to get ``target``; ``None`` if impossible.

    >>> conversion_factor("亿元", "万元"), conversion_factor("万元", "万元"), conversion_factor("个", "万元")
    (10000.0, 1.0, None)
    """
    if source is None or source == target:
        return 1.0
    if _FAMILY.get(source) and _FAMILY.get(source) == _FAMILY.get(target):
        return _SCALE[source] / _SCALE[target]
    return None


def family(measure: str | None) -> str | None:
    """The kind of quantity ``measure`` counts: ``money``, ``area``, ``people`` or ``None``
    for a measure that converts into no other (个, %, 亩 …).

    >>> family("亿元"), family("万人"), family("%")
    ('money', 'people', None)
    """
    return _FAMILY.get(measure or "")


def is_money(measure: str | None) -> bool:
    """Whether ``measure`` is 元, 万元 or 亿元."""
    return measure in MONEY


POINTS = ("%",)
"""Measures whose changes are read in points (个百分点), not as growth: a growth rate
or a share moving from 7.0 % to 7.5 % rose 0.5 points, not 7.1 %."""


def reads_in_points(measure: str | None) -> bool:
    """Whether a change in ``measure`` is read in percentage points.

    >>> reads_in_points("%"), reads_in_points("万元"), reads_in_points("吨标准煤/万元")
    (True, False, False)
    """
    return measure in POINTS


@dataclass(frozen=True)
class Scale:
    """How a column of figures stored in one measure is shown."""

    factor: float
    """Multiply a stored value by this to get the shown value."""
    measure: str
    """The measure the shown values are in (an axis title or a column header names it)."""
    decimals: int
    """Decimal places the shown values are printed with."""

    def apply(self, value: float) -> float:
        """``value`` in the shown measure."""
        return value * self.factor


def money_measure(yuan: float) -> str:
    """The measure an amount of ``yuan`` is read in: 亿元 from 1 亿, 万元 from 1 万, else 元.

    >>> money_measure(2.9e8), money_measure(4.1616e7), money_measure(980.0)
    ('亿元', '万元', '元')
    """
    size = abs(yuan)
    return "亿元" if size >= 1e8 else ("万元" if size >= 1e4 else "元")


_DECIMALS = {"亿元": 2, "万元": 1, "元": 0}


ENGLISH = {
    "元": "yuan",
    "万元": "10k yuan",
    "亿元": "100m yuan",
    "人": "people",
    "万人": "10k people",
    "人次": "visits",
    "万人次": "10k visits",
    "个": "",
    "家": "firms",
    "户": "households",
    "栋": "buildings",
    "件": "cases",
    "项": "items",
    "辆": "vehicles",
    "次": "times",
    "天": "days",
    "亩": "mu",
    "公顷": "ha",
    "平方米": "m²",
    "万平方米": "10k m²",
    "平方公里": "km²",
    "公里": "km",
    "千米": "km",
    "米": "m",
    "吨": "t",
    "万吨": "10k t",
    "吨标准煤": "tce",
    "千瓦时": "kWh",
    "万千瓦时": "10k kWh",
    "%": "%",
}
"""English names of the measures reports use (个 counts things and reads as a bare number)."""


def english(measure: str) -> str:
    """``measure``'s English name; a ratio is named part by part, and a measure not in
    :data:`ENGLISH` as written.

    >>> english("亩"), english("吨标准煤/万元"), english("个"), english("标准箱")
    ('mu', 'tce/10k yuan', '', '标准箱')
    """
    if measure in ENGLISH:
        return ENGLISH[measure]
    if "/" in measure:
        return "/".join(ENGLISH.get(part, part) for part in measure.split("/"))
    return measure


EN_MONEY = (("bn yuan", 1e9), ("m yuan", 1e6), ("yuan", 1.0))
"""The words an English reader reads money in, largest first, with the yuan each counts."""


def english_money(largest_yuan: float, step_yuan: float) -> Scale:
    """How an English reader reads money whose largest figure is ``largest_yuan``, to the
    nearest ``step_yuan`` (the Chinese reading's last digit): in billions from 1 bn, in
    millions from 1 m, else in yuan, with as many decimals as that step needs. The
    scale's factor turns yuan into the shown figure.

    >>> english_money(7.598e9, 1e6)  # 75.98亿元, read to the 0.01 亿
    Scale(factor=1e-09, measure='bn yuan', decimals=3)
    >>> english_money(4.16e7, 1e3), english_money(9.8e2, 1.0)  # 4,161.6万元; 980元
    (Scale(factor=1e-06, measure='m yuan', decimals=3), Scale(factor=1.0, measure='yuan', decimals=0))
    """
    label, unit = next(((w, u) for w, u in EN_MONEY if abs(largest_yuan) >= u), EN_MONEY[-1])
    decimals = max(0, round(math.log10(unit / step_yuan)))
    return Scale(1.0 / unit, label, decimals)


def english_figure(written: str, measure: str) -> str:
    """A figure ``written`` with all its stored digits (``"1,234.5"``, ``"+65.5"``) in
    ``measure``, as an English reader reads it: money in billions or millions of yuan to
    the written figure's last digit (never finer than a yuan), other measures by their
    English names.

    >>> english_figure("1,234.5", "万元"), english_figure("-2.5", "亿元"), english_figure("+3", "元")
    ('12.345 m yuan', '-250 m yuan', '+3 yuan')
    >>> english_figure("158", "栋"), english_figure("32", "个")
    ('158 buildings', '32')
    """
    if not is_money(measure):
        return f"{written} {english(measure)}".rstrip()
    number = written.replace(",", "")
    decimals = len(number.partition(".")[2])
    yuan = float(number) * _SCALE[measure]
    read = english_money(yuan, max(_SCALE[measure] * 10.0**-decimals, 1.0))
    sign = "+" if number.startswith("+") and yuan > 0 else ""
    return f"{sign}{read.apply(yuan):,.{read.decimals}f} {read.measure}"


def display_scale(values: Iterable[float | None], measure: str, lang: str = "zh") -> Scale:
    """The measure a column of ``values`` (stored in ``measure``) is read in.

    Money is shown in the measure its largest figure reads in (:func:`money_measure`),
    so one column, axis or hover never mixes 亿元 and 万元; a column stored in 亿元 stays
    in 亿元. Other measures are shown as stored. In English (``lang="en"``) money reads
    in billions or millions of yuan to the same last yuan (:func:`english_money`), and
    other measures under their English names (:func:`english`).

    Examples
    --------
    >>> display_scale([1_400_000.0, 980_000.0], "万元")  # 140 亿元 and 98 亿元
    Scale(factor=0.0001, measure='亿元', decimals=2)
    >>> display_scale([4161.6, 3900.0], "万元")
    Scale(factor=1.0, measure='万元', decimals=1)
    >>> display_scale([2.0, 2.9], "亿元"), display_scale([158.0], "栋")
    (Scale(factor=1.0, measure='亿元', decimals=2), Scale(factor=1.0, measure='栋', decimals=1))
    >>> display_scale([1_400_000.0, 980_000.0], "万元", "en")  # 14 bn yuan, to the 0.01 亿
    Scale(factor=1e-05, measure='bn yuan', decimals=3)
    >>> display_scale([2.0, 2.9], "亿元", "en"), display_scale([158.0], "栋", "en")
    (Scale(factor=100.0, measure='m yuan', decimals=0), Scale(factor=1.0, measure='buildings', decimals=1))
    """
    if not is_money(measure):
        return Scale(1.0, english(measure) if lang == "en" else measure, 1)
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    largest = max(finite, default=0.0) * _SCALE[measure]
    shown = money_measure(largest)
    if measure == "亿元" or (shown == "元" and measure != "元"):
        shown = measure  # never below the stored measure: 0.5 万元 stays 0.5 万元
    chinese = Scale(_SCALE[measure] / _SCALE[shown], shown, _DECIMALS[shown])
    if lang != "en":
        return chinese
    read = english_money(largest, _SCALE[shown] * 10.0**-chinese.decimals)
    return Scale(read.factor * _SCALE[measure], read.measure, read.decimals)
