"""Reporting periods: years, halves, quarters and months.

Chinese statistical reports speak of ``2024年``, ``2024年上半年``, ``2024年二季度`` and
``2024年1-6月``. The store keeps a period as three columns, ``freq`` (``Y``, ``H``, ``Q``
or ``M``), ``year`` and ``sub`` (0 for a year, 1-2 for a half, 1-4 for a quarter, 1-12 for a
month), and everything that prints or parses a period goes through this module so the
label ``2024``, ``2024-H1``, ``2024-Q2`` or ``2024-06`` means the same thing everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

FREQS: tuple[str, ...] = ("Y", "H", "Q", "M")
"""Frequencies from coarsest to finest."""

_SUB_RANGE = {"Y": (0, 0), "H": (1, 2), "Q": (1, 4), "M": (1, 12)}
_MONTHS_PER = {"Y": 12, "H": 6, "Q": 3, "M": 1}
_LABEL = re.compile(r"^\s*(\d{4})(?:-(H[12]|Q[1-4]|\d{1,2}))?\s*$")
MIN_YEAR, MAX_YEAR = 1949, 2100


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period.

    Examples
    --------
    >>> Period.parse("2024-06").label
    '2024-06'
    >>> Period.parse("2024-H1").end_month
    6
    """

    year: int
    """Calendar year."""
    freq: str
    """``Y``, ``H``, ``Q`` or ``M``."""
    sub: int
    """0 for a year; the half, quarter or month number otherwise."""

    def __post_init__(self) -> None:
        if self.freq not in _SUB_RANGE:
            raise ValueError(f"unknown frequency {self.freq!r}")
        lo, hi = _SUB_RANGE[self.freq]
        if not lo <= self.sub <= hi:
            raise ValueError(f"{self.freq} period number {self.sub} is outside {lo}-{hi}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year {self.year} is outside {MIN_YEAR}-{MAX_YEAR}")

    @classmethod
    def parse(cls, label: str | int) -> Period:
        """Read ``2024``, ``2024-H1``, ``2024-Q2`` or ``2024-06``."""
        match = _LABEL.match(str(label))
        if not match:
            raise ValueError(f"not a period label: {label!r}")
        year, rest = int(match.group(1)), match.group(2)
        if rest is None:
            return cls(year, "Y", 0)
        if rest[0] in "HQ":
            return cls(year, rest[0], int(rest[1]))
        return cls(year, "M", int(rest))

    @property
    def label(self) -> str:
        """The canonical label, e.g. ``2024-Q2``."""
        return format_label(self.freq, self.year, self.sub)

    @property
    def end_month(self) -> int:
        """The last calendar month the period covers (12 for a year)."""
        return 12 if self.freq == "Y" else self.sub * _MONTHS_PER[self.freq]

    def zh(self, cumulative: bool = False) -> str:
        """Chinese reading: ``2024年``, ``2024年上半年``, ``2024年二季度``, ``2024年1-6月``."""
        return format_zh(self.freq, self.year, self.sub, cumulative)


def format_label(freq: str, year: int, sub: int) -> str:
    """Canonical label for one period.

    >>> format_label("Q", 2024, 2), format_label("M", 2024, 6), format_label("Y", 2012, 0)
    ('2024-Q2', '2024-06', '2012')
    """
    if freq == "Y":
        return f"{year}"
    if freq == "M":
        return f"{year}-{sub:02d}"
    return f"{year}-{freq}{sub}"


_ZH_Q = "一二三四"


def format_zh(freq: str, year: int, sub: int, cumulative: bool = False) -> str:
    """Chinese label; a cumulative month reads as the range from January.

    >>> format_zh("M", 2024, 6, cumulative=True), format_zh("H", 2024, 1)
    ('2024年1-6月', '2024年上半年')
    """
    if freq == "Y":
        return f"{year}年"
    if freq == "H":
        return f"{year}年{'上' if sub == 1 else '下'}半年"
    if freq == "Q":
        return f"{year}年{_ZH_Q[sub - 1]}季度"
    if cumulative and sub > 1:
        return f"{year}年1-{sub}月"
    return f"{year}年{sub}月"


_EN_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_en(freq: str, year: int, sub: int, cumulative: bool = False) -> str:
    """English label; a cumulative month reads as the range from January.

    >>> format_en("M", 2024, 6, cumulative=True), format_en("Q", 2024, 2), format_en("Y", 2012, 0)
    ('Jan-Jun 2024', '2024 Q2', '2012')
    """
    if freq == "Y":
        return f"{year}"
    if freq in ("H", "Q"):
        return f"{year} {freq}{sub}"
    if cumulative and sub > 1:
        return f"Jan-{_EN_MONTH[sub - 1]} {year}"
    return f"{_EN_MONTH[sub - 1]} {year}"


def display(freq: str, year: int, sub: int, cumulative: bool = False, lang: str = "zh") -> str:
    """The period for a reader: :func:`format_zh` or :func:`format_en` by ``lang``."""
    fmt = format_zh if lang == "zh" else format_en
    return fmt(freq, year, sub, cumulative)


def labels(freq: pd.Series, year: pd.Series, sub: pd.Series) -> pd.Series:
    """Vectorised :func:`format_label` over three aligned columns."""
    year_s = year.astype("int64").astype(str)
    sub_i = sub.astype("int64")
    month = year_s + "-" + sub_i.astype(str).str.zfill(2)
    other = year_s + "-" + freq.astype(str) + sub_i.astype(str)
    out = np.where(freq == "Y", year_s, np.where(freq == "M", month, other))
    return pd.Series(out, index=freq.index, dtype="string")


def parse_labels(values: pd.Series) -> pd.DataFrame:
    """Vectorised parse of labels into ``freq, year, sub`` columns; bad labels raise.

    >>> parse_labels(pd.Series(["2024", "2024-06"])).values.tolist()
    [['Y', 2024, 0], ['M', 2024, 6]]
    """
    parts = values.astype(str).str.extract(_LABEL)
    bad = parts[0].isna()
    if bad.any():
        raise ValueError(f"not a period label: {values[bad].iloc[0]!r}")
    year = parts[0].astype("int64")
    rest = parts[1].fillna("")
    freq = np.where(rest == "", "Y", np.where(rest.str[:1].isin(["H", "Q"]), rest.str[:1], "M"))
    digits = rest.str.lstrip("HQ")
    sub = pd.to_numeric(digits.where(digits != "", "0")).astype("int64")
    return pd.DataFrame({"freq": freq, "year": year, "sub": sub}, index=values.index)


def months_elapsed(freq: str, sub: int) -> int:
    """Months of the year covered up to the end of the period (year-to-date length)."""
    return 12 if freq == "Y" else sub * _MONTHS_PER[freq]
