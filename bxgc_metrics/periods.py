"""Reporting periods: years, halves, quarters and months.

Chinese statistical reports speak of ``2024年``, ``2024年上半年``, ``2024年二季度`` and
``2024年1-6月``. The store keeps a period as three columns, ``freq`` (``Y``, ``H``, ``Q``
or ``M``), ``year`` and ``sub`` (0 for a year, 1-2 for a half, 1-4 for a quarter, 1-12 for a
month), and everything that prints or parses a period goes through this module so the
label ``2024``, ``2024-H1``, ``2024-Q2`` or ``2024-06`` means the same thing everywhere.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from bxgc_metrics._memo import short_texts

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
        return format_zh(self.freq, self.year, self.sub, cumulative=cumulative)


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


def format_zh(freq: str, year: int, sub: int, *, cumulative: bool = False) -> str:
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


def format_en(freq: str, year: int, sub: int, *, cumulative: bool = False) -> str:
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


def display(freq: str, year: int, sub: int, *, cumulative: bool = False, lang: str = "zh") -> str:
    """The period for a reader: :func:`format_zh` or :func:`format_en` by ``lang``."""
    fmt = format_zh if lang == "zh" else format_en
    return fmt(freq, year, sub, cumulative=cumulative)


def labels(freq: pd.Series, year: pd.Series, sub: pd.Series) -> pd.Series:
    """:func:`format_label` over three aligned columns: each distinct period is labelled
    once (a scoped read of millions of rows holds a handful of periods).

    >>> labels(pd.Series(["M", "Y", "M"]), pd.Series([2026, 2026, 2026]), pd.Series([6, 0, 6])).tolist()
    ['2026-06', '2026', '2026-06']
    """
    return _each_distinct(freq, year, sub, text=lambda period, _flag: format_label(*period))


def readings(
    freq: pd.Series,
    year: pd.Series,
    sub: pd.Series,
    *,
    cumulative: pd.Series | None = None,
    lang: str = "zh",
) -> pd.Series:
    """:func:`display` over aligned columns, each distinct period (and ``cumulative``
    flag, none meaning single periods) read once: how a table shows periods to a reader.

    >>> readings(pd.Series(["M", "Y"]), pd.Series([2026, 2026]), pd.Series([10, 0]),
    ...          cumulative=pd.Series([True, False])).tolist()
    ['2026年1-10月', '2026年']
    """

    def read(period: tuple[str, int, int], flag: bool) -> str:
        return display(*period, cumulative=flag, lang=lang)

    return _each_distinct(freq, year, sub, flag=cumulative, text=read)


def _each_distinct(
    freq: pd.Series,
    year: pd.Series,
    sub: pd.Series,
    *,
    flag: pd.Series | None = None,
    text: Callable[[tuple[str, int, int], bool], str],
) -> pd.Series:
    """``text((freq, year, sub), flag)`` of each row, called once per distinct one (no
    ``flag``: false)."""
    freq_codes, freqs = pd.factorize(freq, use_na_sentinel=False)
    width = max(len(freqs), 1)
    period = year.to_numpy(dtype=np.int64) * 100 + sub.to_numpy(dtype=np.int64)
    flags = np.zeros(len(period), np.int64) if flag is None else flag.to_numpy(dtype=np.int64)
    codes, found = pd.factorize((period * width + freq_codes) * 2 + flags)
    keys = found // 2
    texts = [
        text((str(freqs[k % width]), int(k // width // 100), int(k // width % 100)), bool(f))
        for k, f in zip(keys, found % 2, strict=True)
    ]
    return pd.Series(np.array(texts, dtype=object)[codes], index=freq.index, dtype="string")


def months_elapsed(freq: str, sub: int) -> int:
    """Months of the year covered up to the end of the period (year-to-date length).

    >>> months_elapsed("Q", 2), months_elapsed("H", 1), months_elapsed("Y", 0)
    (6, 6, 12)
    """
    return 12 if freq == "Y" else sub * _MONTHS_PER[freq]


def start_months(freq: pd.Series, sub: pd.Series) -> np.ndarray:
    """Vectorised first calendar month of each period (1 for a year).

    >>> start_months(pd.Series(["Y", "H", "Q", "M"]), pd.Series([0, 2, 3, 11])).tolist()
    [1, 7, 7, 11]
    """
    codes, freqs = pd.factorize(freq, use_na_sentinel=False)
    per = np.array([_MONTHS_PER.get(f, 0) for f in freqs], dtype=np.int64)[codes]
    first = (sub.to_numpy(dtype=np.int64) - 1) * per + 1
    yearly = np.array([f == "Y" for f in freqs], dtype=bool)[codes]  # one test per frequency
    return np.where(yearly, 1, first)


def end_months(freq: pd.Series, sub: pd.Series) -> np.ndarray:
    """Vectorised :attr:`Period.end_month`: the last calendar month of each period (12 for
    a year).

    >>> end_months(pd.Series(["Y", "H", "Q", "M"]), pd.Series([0, 1, 3, 11])).tolist()
    [12, 6, 9, 11]
    """
    codes, freqs = pd.factorize(freq, use_na_sentinel=False)
    per = np.array([_MONTHS_PER.get(f, 0) for f in freqs], dtype=np.int64)[codes]
    last = sub.to_numpy(dtype=np.int64) * per
    yearly = np.array([f == "Y" for f in freqs], dtype=bool)[codes]  # one test per frequency
    return np.where(yearly, 12, last)


# --- periods as report texts write them ------------------------------------------------


@dataclass(frozen=True)
class PeriodText:
    """A period as a report's text names it: the year may be missing (``1-6月``) and come
    from the title, and a range from January says the figure is year-to-date."""

    freq: str
    """``Y``, ``H``, ``Q`` or ``M``."""
    year: int | None
    """The year, if the text names one."""
    sub: int
    """0 for a year; the half, quarter or month."""
    cumulative: bool
    """True for a range from January (``1-6月``) — a year-to-date figure."""

    def in_year(self, year: int) -> PeriodText:
        """The same period in ``year`` (a header's ``1-6月`` under a title's year).

        >>> parse_text("1-6月").in_year(2024)
        PeriodText(freq='M', year=2024, sub=6, cumulative=True)
        """
        return replace(self, year=year)


_ZH_NUMBER = {c: i for i, c in enumerate(_ZH_Q, start=1)} | {str(i): i for i in range(1, 5)}
_YEAR = r"(?:(?P<year>(?<!\d)(?:19|20|21)\d{2}(?!\d))\s*(?:年|-|/|\.|年度)?\s*)"
_MONTH_WORD = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_YEAR_FIRST = r"(?<!\d)(?P<year>(?:19|20|21)\d{2})\s*(?:年度?)?\s*[-/]?\s*"
"""A year before its quarter or half: 2024Q3, 2024-Q3, 2024年Q3, 2024 Q3."""
_YEAR_LAST = r"\s*[-/,]?\s*(?P<year>(?:19|20|21)\d{2})(?!\d)"
"""A year after its quarter or half: Q3 2024, 3Q2024, H1-2024."""
_PART = r"(?:[{0}](?P<{2}>[{1}])|(?<!\d)(?P<{2}2>[{1}])[{0}](?![A-Za-z]))"
"""A quarter or a half as Q3 or 3Q (H1 or 1H): the letters, the numbers, the group."""
_PATTERNS = [
    (
        re.compile(_YEAR + r"?(?P<a>\d{1,2})\s*(?:月份?)?\s*[-~—–至到]\s*(?P<b>\d{1,2})\s*月"),
        "range",
    ),
    (  # 2018.1-10, 2018/1-10, 2018.1-2018.10: a dotted month, then a range (not 10 January)
        re.compile(
            r"^(?P<year>(?:19|20|21)\d{2})\s*[./]\s*(?P<a>\d{1,2})\s*[-~—–至到]\s*"
            r"(?:(?P=year)\s*[./]\s*)?(?P<b>\d{1,2})\s*(?:月份?)?$"
        ),
        "range",
    ),
    (re.compile(_YEAR + r"(?:截至|截止|至)\s*(?P<b>\d{1,2})\s*月(?:底|末|份)?"), "to"),
    (re.compile(r"(?:截至|截止|至)\s*" + _YEAR + r"?(?P<b>\d{1,2})\s*月(?:底|末|份)?"), "to"),
    (re.compile(_YEAR + r"?前\s*(?P<b>\d{1,2})\s*个?月"), "to"),
    (re.compile(_YEAR + r"?(?P<h>上|下)半年"), "half"),
    (  # 前三季度, 1-3季度, 一至三季度: January to that quarter's end
        re.compile(_YEAR + r"?(?:前|1\s*[-~—–至到]\s*)(?P<q>[一二三四1-4])\s*季度"),
        "quarters",
    ),
    (re.compile(_YEAR + r"?(?:第)?(?P<q>[一二三四1-4])\s*季度?"), "quarter"),
    # 2024Q3, 2024-Q3, 2024年Q3, 2024 3Q, Q3 2024, 3Q2024; the same of halves (2024年H1)
    (re.compile(_YEAR_FIRST + _PART.format("Qq", "1-4", "q") + r"(?!\d)"), "quarter"),
    (re.compile(r"(?<![A-Za-z\d])" + _PART.format("Qq", "1-4", "q") + _YEAR_LAST), "quarter"),
    (re.compile(_YEAR_FIRST + _PART.format("Hh", "12", "h") + r"(?!\d)"), "half"),
    (re.compile(r"(?<![A-Za-z\d])" + _PART.format("Hh", "12", "h") + _YEAR_LAST), "half"),
    (re.compile(_YEAR + r"(?P<m>\d{1,2})\s*月"), "month"),
    (re.compile(r"^(?P<year>(?:19|20|21)\d{2})[-/.](?P<m>\d{1,2})(?:[-/.]\d{1,2})?$"), "month"),
    (re.compile(r"^(?P<year>(?:19|20|21)\d{2})(?P<m>0[1-9]|1[0-2])$"), "month"),  # 202010
    (re.compile(r"^(?P<m>\d{1,2})\s*[-/.]\s*(?P<year>(?:19|20|21)\d{2})$"), "month"),  # 11/2024
    (re.compile(r"^(?P<m>\d{1,2})\s*月(?:份)?$"), "month"),
    (re.compile(r"(?i)\b" + _MONTH_WORD + r"[\s,\-/]*(?P<year>(?:19|20|21)\d{2})\b"), "word"),
    (re.compile(r"(?i)(?P<year>(?:19|20|21)\d{2})[\s,\-/年]*" + _MONTH_WORD), "word"),
    (re.compile(r"(?i)^" + _MONTH_WORD + r"$"), "word"),
    (re.compile(r"(?<!\d)(?P<year>(?:19|20|21)\d{2})\s*(?:年度?|年)?$"), "year"),
    # a year before words (2025年完成, 2026年各街道…), not before a part of it or a
    # comparison not read above (2025年1-10, 2025年第10月, 2025年半年, 2025年同期)
    (re.compile(r"^(?P<year>(?:19|20|21)\d{2})\s*年(?!\s*(?:[第前]?\s*\d|半年|同期|季))"), "year"),
]


def parse_text(text: object) -> PeriodText | None:
    """Read a period from a header or title; ``None`` if the text names none.

    >>> parse_text("2024年1-6月累计")
    PeriodText(freq='M', year=2024, sub=6, cumulative=True)
    >>> parse_text("2024年6月"), parse_text("2019年")
    (PeriodText(freq='M', year=2024, sub=6, cumulative=False), PeriodText(freq='Y', year=2019, sub=0, cumulative=False))
    >>> parse_text("2024年上半年").freq, parse_text("2024Q2").sub, parse_text("1-6月").year
    ('H', 2, None)
    >>> parse_text("二〇二六年一至十月")
    PeriodText(freq='M', year=2026, sub=10, cumulative=True)
    """
    if isinstance(text, pd.Timestamp | np.datetime64) or hasattr(text, "month"):
        stamp = pd.Timestamp(text)  # type: ignore[arg-type]
        return PeriodText("M", stamp.year, stamp.month, False)
    if isinstance(text, float | int) and not isinstance(text, bool):
        value = float(text)
        if value.is_integer() and MIN_YEAR <= value <= MAX_YEAR:
            return PeriodText("Y", int(value), 0, False)
        return None
    return _parse_words(_normal(text))


@short_texts(1 << 12)
def _parse_words(text: str) -> PeriodText | None:
    """:func:`parse_text` of a normalised text (a sheet's headings are read by several
    rules, and next month's file has the same ones: each is worked out once; the result
    is frozen)."""
    clean = year_digits(_WHOLE_NUMBER.sub(r"\1", text))
    clean = _ZH_MONTH.sub(_month_digits, clean)
    clean = _TO_THIS_MONTH.sub("", clean)  # 1月至当月: the months are not named
    clean = _BRACKETS.sub(" ", clean)  # 2026年（1-10月）: the year dates the months
    for pattern, kind in _PATTERNS:
        match = pattern.search(clean)
        if match:
            if kind == "year" and _more_than_a_year(clean, match):
                return None
            return _period_from(match, kind)
    return None


_FIGURES_BEFORE = re.compile(r"(?:\d|(?<![A-Za-z])[QqHh])[\s\-/.,]*$")
_FIGURES_AFTER = re.compile(r"^\s*(?:年度?)?[\s\-/.,]*(?:\d|[QqHh](?![A-Za-z]))")


def _more_than_a_year(text: str, match: re.Match[str]) -> bool:
    """Whether the year ``match`` found in ``text`` stands beside figures no pattern read
    (9/30/2024, Q5 2024, 2024年Q): a day, a month or a quarter the text names that is not
    the whole year, so the text is no period at all rather than the year.

    >>> _more_than_a_year("9/30/2024", _PATTERNS[-2][0].search("9/30/2024"))
    True
    """
    before, after = text[: match.start("year")], text[match.end("year") :]
    return bool(_FIGURES_BEFORE.search(before) or _FIGURES_AFTER.search(after))


_WHOLE_NUMBER = re.compile(r"^((?:19|20|21)\d{2})\.0+$")
"""A year a workbook holds as a number, as its text reads (2018.0)."""
_ZH_MONTH = re.compile(r"(十[一二]?|[一二三四五六七八九])(?=\s*(?:个?月|[-~—–至到]))")
"""A month written in Chinese numerals (十月, 一至十月, 前十个月)."""
_ZH_DIGITS = "一二三四五六七八九"
_ZH_YEAR = re.compile(
    r"(?<![〇○零一二三四五六七八九十])([一二][〇○零一二三四五六七八九]{3})(?=\s*年)"
)
"""A year written in Chinese numerals, as formal documents write it (二〇二六年)."""
_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_BRACKETS = re.compile(r"[()\[\]【】]")
"""Brackets around part of a period (2026年(1-10月累计), after NFKC made them half-width)."""
_TO_THIS_MONTH = re.compile(r"(?:1\s*月份?\s*)?(?:[-~—–至到]|截[至止])\s*(?:当|本)月[底末]?")
"""A range from January to 当月 or 本月 (1月至当月, 截至本月底), which names no month: not
January."""


def title_year(text: str) -> int | None:
    """The year a title opens with, or names alone in brackets (2026年各街道…, …（2026年）),
    in digits or Chinese numerals; ``None`` when it names none so, or two. A year further
    inside (与2025年同期对比, 截至2027年1月5日) dates a comparison or a filing, not the
    title's figures.

    >>> title_year("2026年各街道（1-10月）"), title_year("二〇二六年各街道"), title_year("各街道（2026年）")
    (2026, 2026, 2026)
    >>> title_year("各街道1-10月（与2025年同期对比）"), title_year("2025-2026年各街道（1-10月）")
    (None, None)
    """
    clean = year_digits(_normal(text))
    years = {int(a or b) for a, b in _TITLE_YEAR.findall(clean)}
    if len(years) != 1 or _YEAR_RANGE.match(clean):
        return None
    (year,) = years
    return year if MIN_YEAR <= year <= MAX_YEAR else None


_TITLE_YEAR = re.compile(
    r"^\s*((?:19|20|21)\d{2})\s*年|[(（]\s*((?:19|20|21)\d{2})\s*年度?\s*[)）]"
)
"""A year opening a title, or standing alone in brackets."""
_YEAR_RANGE = re.compile(r"^\s*(?:19|20|21)\d{2}\s*年?\s*[-~—–至到]\s*(?:19|20|21)\d{2}")
"""A title opening with a range of years (2025-2026年)."""


def year_digits(text: str) -> str:
    """``text`` with each year written in Chinese numerals before 年 in digits.

    >>> year_digits("二〇二六年1-10月"), year_digits("一二三四年")
    ('2026年1-10月', '一二三四年')
    """
    return _ZH_YEAR.sub(_year_digits, text)


def _year_digits(match: re.Match[str]) -> str:
    """二〇二六 → 2026 (a year from 1900 to 2199; other numerals stay as written)."""
    digits = match.group(1).translate(_YEAR_DIGITS)
    return digits if "1900" <= digits <= "2199" else match.group(1)


def _month_digits(match: re.Match[str]) -> str:
    """十一 → 11, 十 → 10, 三 → 3."""
    word = match.group(1)
    if word.startswith("十"):
        return str(10 + (_ZH_DIGITS.index(word[1]) + 1 if len(word) > 1 else 0))
    return str(_ZH_DIGITS.index(word) + 1)


_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _normal(value: object) -> str:
    """Full-width to half-width (NFKC) and trimmed; ``None`` and NaN become ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _period_from(match: re.Match[str], kind: str) -> PeriodText | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if kind == "range":
        first, last = int(groups["a"]), int(groups["b"])
        if not (1 <= first <= last <= 12):
            return None
        if first in (4, 7, 10) and last == first + 2:  # 4-6月: the second quarter alone
            return PeriodText("Q", year, last // 3, False)
        return (
            PeriodText("M", year, last, first == 1 and last > 1)
            if first == 1 or first == last
            else None
        )
    if kind == "to":  # 截至10月底, 前10个月: January to that month
        last = int(groups["b"])
        return PeriodText("M", year, last, last > 1) if 1 <= last <= 12 else None
    if kind == "word":
        return PeriodText("M", year, _EN_MONTHS.index(groups["mon"][:3].lower()) + 1, False)
    if kind == "half":
        half = groups["h"] or groups.get("h2")
        return PeriodText("H", year, 1 if half in ("上", "1") else 2, False)
    if kind in ("quarter", "quarters"):
        quarter = _ZH_NUMBER[str(groups["q"] or groups.get("q2"))]
        return PeriodText("Q", year, quarter, kind == "quarters" and quarter > 1)
    if kind == "month":
        month = int(groups["m"])
        return PeriodText("M", year, month, False) if 1 <= month <= 12 else None
    return PeriodText("Y", year, 0, False) if year else None
