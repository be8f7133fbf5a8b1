"""Column widths from what a column holds, for tables that share the page with a chart or
scroll sideways: a column pinned at the left is as wide as its longest text, so the row
it names stays readable while the rest scrolls."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

WIDE_PX = 14
"""Pixels a Chinese (or other full-width) character takes in a table cell: the grid's
14 px font."""
NARROW_PX = 7
"""Pixels a Latin letter, digit or sign takes there, on average (a name of twenty letters
needs about 130)."""
PADDING_PX = 24
"""A cell's padding, both sides together."""


def shown_px(text: str) -> int:
    """Pixels ``text`` takes in a table cell, padding left out.

    >>> shown_px("东城街道"), shown_px("Dongcheng"), shown_px("10 ⚠")
    (56, 63, 28)
    """
    return sum(WIDE_PX if _wide(c) else NARROW_PX for c in text)


NARROW_EM = 0.55
"""A Latin letter, digit or sign's width as a share of the font size, at most for most
text in the CJK fonts the charts use (a digit at 12 px is 6.6 px)."""


def drawn_px(text: str, font_px: float) -> float:
    """Pixels ``text`` takes drawn at ``font_px``: a Chinese character as wide as the font
    is high, any other :data:`NARROW_EM` of that.

    >>> drawn_px("16. 东城街道", 12)
    74.4
    """
    return round(sum(1.0 if _wide(c) else NARROW_EM for c in text) * font_px, 6)


def shortened(text: str, most_px: float, font_px: float) -> str:
    """``text`` cut to fit ``most_px`` drawn at ``font_px``, ending in an ellipsis when cut.

    >>> shortened("东城街道", 100, 12), shortened("经济技术开发区管理委员会", 100, 12)
    ('东城街道', '经济技术开发区…')
    """
    if drawn_px(text, font_px) <= most_px:
        return text
    room = most_px - font_px  # the ellipsis is as wide as a Chinese character
    kept, used = [], 0.0
    for c in text:
        used += (1.0 if _wide(c) else NARROW_EM) * font_px
        if used > room:
            break
        kept.append(c)
    return "".join(kept).rstrip() + "…"


_BREAK_AFTER = frozenset(" :：,，、;；")
"""A line may end after a space, a colon, a comma or a semicolon, Chinese or Latin."""
_STRONG_AFTER = frozenset(":：,，、;；")
_OPENING = frozenset("（(《“")
"""A line may begin with an opening bracket or quotation mark."""
_CLOSING = frozenset("）)》”，。、：；！？,.:;!?%")
"""No line begins with a closing bracket or a stop."""
STRONG_SHARE = 0.6
"""A line ends at a colon, a comma or before an opening bracket when that fills at least
this share of it; otherwise at a space (:data:`SPACE_SHARE`), or as late as it can."""
SPACE_SHARE = 0.35
"""A line ends at a space when that fills at least this share of it, rather than between
two Chinese characters of one word (2026年1-10月 / 固定资产投资完成情况)."""


def lines(text: str, most_px: float, font_px: float) -> list[str]:
    """``text`` in lines of at most ``most_px`` drawn at ``font_px``, broken where a reader
    would break it: after a space, colon or comma, before an opening bracket, between
    Chinese characters (never before a closing bracket or a stop), preferring a colon, a
    comma or a bracket, then a space; joined again, the lines are ``text``. A word wider
    than a line alone is broken where it must be.

    >>> lines("2026年1-10月固定资产投资排名（完成率）", 250, 16)
    ['2026年1-10月固定资产投资排名', '（完成率）']
    >>> lines("Fixed-asset investment, Jan-Oct 2026: progress", 250, 16)
    ['Fixed-asset investment, ', 'Jan-Oct 2026: progress']
    >>> lines("2026年1-10月 固定资产投资完成情况", 250, 16)
    ['2026年1-10月 ', '固定资产投资完成情况']
    >>> lines("东城街道", 250, 16)
    ['东城街道']
    """
    out: list[str] = []
    start = 0
    while drawn_px(text[start:].rstrip(), font_px) > most_px:
        fits = [
            end
            for end in range(start + 1, len(text))
            if _breaks(text, end) and drawn_px(text[start:end].rstrip(), font_px) <= most_px
        ]
        strong = [
            end
            for end in fits
            if (text[end - 1] in _STRONG_AFTER or text[end] in _OPENING or _after_stop(text, end))
            and drawn_px(text[start:end], font_px) >= STRONG_SHARE * most_px
        ]
        spaces = [
            end
            for end in fits
            if text[end - 1] == " " and drawn_px(text[start:end], font_px) >= SPACE_SHARE * most_px
        ]
        furthest = [_furthest(text, start, most_px=most_px, font_px=font_px)]
        end = max(strong or spaces or fits or furthest)
        out.append(text[start:end])
        start = end
    return [*out, text[start:]]


def _after_stop(text: str, at: int) -> bool:
    """Whether ``text[at]`` follows a Latin comma or colon and its space (", ", ": ")."""
    return at >= 2 and text[at - 1] == " " and text[at - 2] in _STRONG_AFTER


def _breaks(text: str, at: int) -> bool:
    """Whether a line may end before ``text[at]``."""
    before, after = text[at - 1], text[at]
    if after in _CLOSING or after == " " or before in _OPENING:
        return False
    return before in _BREAK_AFTER or after in _OPENING or _wide(before) or _wide(after)


def _furthest(text: str, start: int, *, most_px: float, font_px: float) -> int:
    """The end of the longest run from ``start`` that fits, at least one character."""
    end = start + 1
    while end < len(text) and drawn_px(text[start : end + 1], font_px) <= most_px:
        end += 1
    return end


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


def text_width(texts: Iterable[object], *, least: int = 80, most: int = 200) -> int:
    """Pixels for a column of these texts: the longest whole, within ``least`` and ``most``.

    >>> text_width(["东城街道", "西城街道（新区）"]), text_width(["Dongcheng Sub-district"])
    (136, 178)
    >>> text_width(["名次", "12"], least=40, most=56)
    52
    """
    longest = max((shown_px(str(text)) for text in texts), default=0)
    return min(max(longest + PADDING_PX, least), most)
