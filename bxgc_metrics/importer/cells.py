"""Cell values as Chinese report sheets write them: text and numbers.

Numbers come with thousands separators, full-width digits, ``%`` signs and ``—`` for
missing. Everything here is vectorised over a column. Periods written as text
(``2024年1-6月``) are read by :func:`bxgc_metrics.periods.parse_text`.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bxgc_metrics._memo import short_texts
from bxgc_metrics.invisible import INVISIBLE

MISSING_TOKENS = frozenset(
    {
        "",
        "—",
        "——",
        "–",
        "-",
        "－",
        "/",
        "／",
        "…",
        "...",
        "na",
        "n/a",
        "null",
        "none",
        "nan",
        "无",
        "暂无",
        "空",
    }
)
"""Cell texts that mean "no figure" rather than an error."""

MARKED_MISSING = frozenset({"na", "n/a", "null", "none", "nan"})
"""Missing markers a program writes (NaN, null, None, N/A): no figure, as the others, but
reported, since a program that wrote them may have lost a figure."""

WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
"""Every character :meth:`str.strip` and the regular expression ``\\s`` treat as space."""
_SEPARATORS = re.compile(r"[,\s\u00a0\u3000']")
_SEPARATOR_CLASS = "[,'" + re.escape(WHITESPACE) + "]"
""":data:`_SEPARATORS` spelled out, so the vectorised path means exactly the same."""
_PLAIN_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"
"""Numbers that Arrow and :func:`pandas.to_numeric` read alike (both round correctly)."""
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?%?$"
"""A plain decimal, or one with a percent sign (``52.3%``, as a report states a rate)."""
_SPACED = r"^[-+]?[0-9]{1,3}([ '][0-9]{3})*(\.[0-9]+)? ?%?$"
"""A number with spaces or apostrophes in it: only as thousands separators, every three
digits (``12 345 678.5``, ``1'234``), or one space before its percent sign. ``1.5 2`` or
``100`` and ``5`` on two lines of a cell are not one number, and are not read as ``1.52``
or ``1005``."""


_FULL_WIDTH_DIGITS = frozenset(chr(0xFF10 + i) for i in range(10))


@functools.lru_cache(maxsize=4096)
def _is_digit_mark(c: str) -> bool:
    """Whether ``c`` reads as a digit only after NFKC (``①``, ``¹``, ``⑩``, ``𝟏``): a
    footnote or list mark, which would otherwise join a figure's digits (``500①`` as
    5001). Full-width digits are digits."""
    return (
        not c.isascii()
        and c not in _FULL_WIDTH_DIGITS
        and any(d.isascii() and d.isdigit() for d in unicodedata.normalize("NFKC", c))
    )


@short_texts(65536)
def _has_digit_mark(text: str) -> bool:
    """Whether ``text`` holds a :func:`_is_digit_mark` character."""
    return not text.isascii() and any(map(_is_digit_mark, text))


_GROUPED = r"^[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?%?$"
"""A number with commas: only as thousands separators, every three digits. ``389005,5``
(a decimal comma) and ``322.600,5`` (European thousands) are not numbers here: which
reading was meant cannot be told, and a guess may be off by a thousand times."""


def normalise_text(value: object) -> str:
    """Full-width to half-width (NFKC) and trimmed; ``None`` becomes ``""``. A footnote
    or list mark that NFKC would make a digit stays as written (:func:`nfkc`).

    >>> normalise_text("１，２３４．５"), normalise_text(None), normalise_text("500①")
    ('1,234.5', '', '500①')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return nfkc(str(value)).strip()


def nfkc(text: str) -> str:
    """NFKC, except for the characters that would become digits only by it (``①``, ``²``,
    ``⑩``, :func:`_is_digit_mark`): 500① read as 5001, 100² as 1002, would be a figure
    nobody wrote; kept, such a cell is no number and is refused as written.

    Characters that show nothing (:data:`bxgc_metrics.invisible.INVISIBLE`) are removed
    first.

    >>> nfkc("ＧＤＰ ５００①"), nfkc("１２３"), nfkc("东城街道\\u200b"), nfkc("1075\\ufeff29.1")
    ('GDP 500①', '123', '东城街道', '107529.1')
    """
    text = text.translate(INVISIBLE)
    if not _has_digit_mark(text):
        return unicodedata.normalize("NFKC", text)
    out: list[str] = []
    run: list[str] = []
    for c in text:
        if _is_digit_mark(c):
            out.append(unicodedata.normalize("NFKC", "".join(run)))
            out.append(c)
            run = []
        else:
            run.append(c)
    out.append(unicodedata.normalize("NFKC", "".join(run)))
    return "".join(out)


def arrow_texts(column: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array (missing → null), or ``None`` when it holds
    anything but text."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        strings = pa.array(column.array, type=pa.large_string())
        return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings
    if column.dtype != object or pd.api.types.infer_dtype(column, skipna=True) not in (
        "string",
        "empty",
    ):
        return None
    try:
        return pa.array(column.to_numpy(), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate
        return None


def normalise_texts(column: pd.Series) -> pd.Series:
    """:func:`normalise_text` over a column: vectorised by kind of cell, or cell by cell for
    a column of at most :data:`FEW_CELLS` cells (the same texts, as the same type).

    >>> normalise_texts(pd.Series(["１，２３４．５", None, " a\u3000"])).tolist()
    ['1,234.5', '', 'a']
    """
    if len(column) <= FEW_CELLS:
        return _few_texts(column)
    strings = arrow_texts(column)
    if strings is None:
        clean = _mixed_texts(column.to_numpy(dtype=object))
        if clean is None:
            return pd.Series([_cell_text(v) for v in column.to_numpy()], column.index, object)
    else:
        clean = _nfkc_trimmed(strings.fill_null(""))
    return pd.Series(
        clean.to_pandas(types_mapper=lambda _t: ARROW_TEXT).array,
        index=column.index,
    )


FEW_CELLS = 16
"""Columns of at most this many cells are normalised cell by cell (:func:`_cell_text`):
about a microsecond a cell, where each vectorised step costs tens of microseconds."""

ARROW_TEXT = pd.StringDtype("pyarrow", np.nan)
"""What :func:`normalise_texts` gives: Arrow text, missing as NaN."""


def _few_texts(column: pd.Series) -> pd.Series:
    """:func:`normalise_texts` of a short column, cell by cell: text of the same type as
    the vectorised path gives (Python objects where a text cannot be Arrow's)."""
    text = isinstance(column.dtype, pd.StringDtype)
    values = column.to_numpy(dtype=object, na_value=None) if text else column.to_numpy()
    clean = [_cell_text(v) for v in values]
    try:
        return pd.Series(clean, index=column.index, dtype=ARROW_TEXT)
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate
        return pd.Series(clean, index=column.index, dtype=object)


_TYPE = np.frompyfunc(type, 1, 1)
_KINDS = (str, float, int)
"""The kinds of cell :func:`_mixed_texts` writes at once, as a spreadsheet gives them."""
_SHORT_FLOATS = (1e-4, 1e16)
"""The magnitudes whose :func:`repr` Python writes without an exponent (``1e-05``,
``1e+16``); Arrow's shortest form of a float inside them is Python's digits."""


def _mixed_texts(values: np.ndarray) -> pa.Array | None:
    """:func:`_cell_text` of every cell, by kind of cell at once: text through
    :func:`_nfkc_trimmed`, floats and ints printed by Arrow as Python prints them, the
    rare others (NaN, infinities, dates, flags, floats Python writes with an
    exponent) one by one. ``None`` when a text cannot be made Arrow text (a lone
    surrogate)."""
    kinds = _TYPE(values)
    is_str, is_float, is_int = (kinds == kind for kind in _KINDS)
    parts: list[pa.Array] = []
    order = np.empty(len(values), dtype=np.int64)
    taken = 0

    def put(where: np.ndarray, texts: pa.Array) -> None:
        nonlocal taken
        order[where] = np.arange(taken, taken + len(texts))
        parts.append(texts.cast(pa.large_string()))
        taken += len(texts)

    if is_str.any():
        try:
            strings = pa.array(values[is_str], type=pa.large_string())
        except (pa.ArrowException, UnicodeError):
            return None
        put(np.flatnonzero(is_str), _nfkc_trimmed(strings))
    if is_float.any():
        floats = values[is_float].astype(np.float64)
        where = np.flatnonzero(is_float)
        texts, plain = _float_texts(floats)
        put(where[plain], texts)
        is_float[where[~plain]] = False  # printed one by one below
    if is_int.any():
        try:
            ints = pa.array(values[is_int].astype(np.int64))
        except OverflowError:
            is_int[:] = False
        else:
            put(np.flatnonzero(is_int), pc.cast(ints, pa.string()))
    rest = np.flatnonzero(~(is_str | is_float | is_int))
    if len(rest):
        put(rest, pa.array([_cell_text(v) for v in values[rest]], type=pa.large_string()))
    if not parts:
        return pa.array([], type=pa.large_string())
    return pc.take(pa.concat_arrays(parts), pa.array(order))


def _float_texts(floats: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """``str`` of the floats Arrow prints as Python does, and which those are: a whole
    number below 10**16 is its integer's digits and ``.0``; another, between 10**-4 and
    10**16, Arrow's shortest digits unless Arrow chose an exponent."""
    size = np.abs(floats)
    negative_zero = (floats == 0) & np.signbit(floats)  # Python writes -0.0
    whole = (floats == np.floor(floats)) & (size < _SHORT_FLOATS[1]) & ~negative_zero
    fraction = ~whole & (size >= _SHORT_FLOATS[0]) & (size < _SHORT_FLOATS[1])
    digits = pc.cast(pa.array(floats[whole].astype(np.int64)), pa.string())
    shortest = pc.cast(pa.array(floats[fraction]), pa.string())
    fixed = pc.invert(pc.match_substring(shortest, "e")).to_numpy(zero_copy_only=False)
    fraction[np.flatnonzero(fraction)[~fixed]] = False
    plain = whole | fraction
    order = np.empty(len(floats), dtype=np.int64)
    order[whole] = np.arange(int(whole.sum()))
    order[fraction] = int(whole.sum()) + np.arange(int(fraction.sum()))
    texts = pa.concat_arrays(
        [pc.binary_join_element_wise(digits, ".0", ""), pc.filter(shortest, pa.array(fixed))]
    )
    return pc.take(texts, pa.array(order[plain])), plain


def _only_numbers(column: pd.Series) -> bool:
    """Whether every cell is an int or a float (or empty), as spreadsheets give numbers."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    return column.dtype == object and kind in ("floating", "integer", "mixed-integer-float")


def _cell_text(value: object) -> str:
    """:func:`normalise_text`, quicker for the ints and floats of a spreadsheet (NFKC
    leaves their digits alone)."""
    kind = type(value)
    if kind is float:
        return "" if value != value else str(value)  # NaN is not equal to itself
    if kind is int:
        return str(value)
    return normalise_text(value)


def _nfkc_trimmed(strings: pa.Array) -> pa.Array:
    """NFKC then :meth:`str.strip`. ASCII text is its own NFKC form; each distinct
    non-ASCII text is normalised once."""
    other = pc.invert(pc.string_is_ascii(strings))
    count = pc.sum(other).as_py() or 0
    if count == 0:
        return pc.utf8_trim(strings, WHITESPACE)
    if count == len(strings):
        return _nfkc_trimmed_distinct(strings)
    changed = _nfkc_trimmed_distinct(pc.filter(strings, other))
    return pc.replace_with_mask(pc.utf8_trim(strings, WHITESPACE), other, changed)


def _nfkc_trimmed_distinct(strings: pa.Array) -> pa.Array:
    """NFKC then strip, once per distinct text. NFKC is Python's, as names are matched
    with: Arrow's tables are of a newer Unicode and fold characters Python's leave alone."""
    coded = pc.dictionary_encode(strings)
    words = coded.dictionary
    folded = pa.array([nfkc(w) for w in words.to_pylist()], words.type)
    return pc.take(pc.utf8_trim(folded, WHITESPACE), coded.indices)


@dataclass(frozen=True)
class ParsedNumbers:
    """A column of cells read as numbers."""

    value: pd.Series
    """The number (float; percentages as written, ``52%`` → 52.0), NaN where none."""
    missing: pd.Series
    """True where the cell is empty or a missing marker such as ``—``."""
    invalid: pd.Series
    """True where the cell holds text that is not a number (an error to report)."""
    percent: pd.Series
    """True where the cell carried a ``%`` sign."""


def parse_numbers(cells: pd.Series) -> ParsedNumbers:
    """Read a column of cells as numbers.

    >>> p = parse_numbers(pd.Series(["1,234.5", "５２%", "—", "abc", 7, None, "inf"]))
    >>> p.value.tolist()[:2], p.missing.tolist(), p.invalid.tolist()
    ([1234.5, 52.0], [False, False, True, False, False, True, False], [False, False, False, True, False, False, True])
    >>> parse_numbers(pd.Series(["389005,5", "322.600,5", "1,234,567"])).invalid.tolist()
    [True, True, False]
    """
    strings = arrow_texts(cells)
    if strings is None and _only_numbers(cells):
        return _numbers_only(cells)
    if strings is not None and len(strings):
        plain = pc.fill_null(pc.match_substring_regex(strings, _PLAIN_NUMBER), False)
        shown = plain.to_numpy(zero_copy_only=False)
        if shown.any():
            return _mostly_plain(cells, strings, shown)
    return _any_numbers(cells, strings)


def _mostly_plain(cells: pd.Series, strings: pa.Array, plain: np.ndarray) -> ParsedNumbers:
    """:func:`parse_numbers` of a text column, cast by Arrow where a cell is a plain decimal
    or one with a percent sign (its text is its own normal form and Arrow reads it as
    :func:`_to_numbers` does); only the other cells go through :func:`_any_numbers`."""
    value = np.full(len(cells), np.nan)
    chosen = pc.filter(strings, plain)
    marked = pc.ends_with(chosen, "%").to_numpy(zero_copy_only=False)
    try:
        digits = pc.utf8_rtrim(chosen, "%") if marked.any() else chosen
        value[plain] = pc.cast(digits, pa.float64()).to_numpy()
    except pa.ArrowException:  # e.g. a number beyond the float range
        return _any_numbers(cells, strings)
    value[~np.isfinite(value)] = np.nan
    missing = np.zeros(len(cells), dtype=bool)
    percent = np.zeros(len(cells), dtype=bool)
    percent[plain] = marked
    rest = np.flatnonzero(~plain)
    if len(rest):
        other = _any_numbers(cells.iloc[rest], pc.take(strings, pa.array(rest)))
        value[rest] = other.value.to_numpy()
        missing[rest] = other.missing.to_numpy()
        percent[rest] = other.percent.to_numpy()
    index = cells.index
    return ParsedNumbers(
        value=pd.Series(value, index=index),
        missing=pd.Series(missing, index=index),
        invalid=pd.Series(np.isnan(value) & ~missing, index=index),
        percent=pd.Series(percent, index=index),
    )


def _any_numbers(cells: pd.Series, strings: pa.Array | None) -> ParsedNumbers:
    """:func:`parse_numbers` of any column (``strings``: the column as Arrow text, or
    ``None`` when it holds more than text)."""
    if strings is None:
        numeric = pd.to_numeric(cells.where(cells.map(_is_number), None), errors="coerce")
    else:  # text only: no cell is a number yet
        numeric = pd.Series(np.nan, index=cells.index)
    text = normalise_texts(cells)
    missing = text.str.lower().isin(MISSING_TOKENS) & numeric.isna()
    percent = text.str.endswith("%")
    cleaned = _without_separators(text).str.rstrip("%")
    commas = text.str.contains(",", regex=False) & ~text.str.match(_GROUPED).astype(bool)
    spaced = text.str.contains(r"[\s']", regex=True) & ~text.str.match(_SPACED).astype(bool)
    readable = ~missing & numeric.isna() & ~commas & ~spaced & ~_marked(cells, strings)
    parsed = _to_numbers(cleaned.where(readable, None))
    value = numeric.fillna(parsed).astype("float64")
    value = value.where(np.isfinite(value))
    invalid = value.isna() & ~missing
    return ParsedNumbers(
        value=value, missing=missing.astype(bool), invalid=invalid, percent=percent.astype(bool)
    )


def _marked(cells: pd.Series, strings: pa.Array | None) -> pd.Series:
    """Whether each cell's own text holds a mark that reads as a digit only after NFKC
    (:func:`_is_digit_mark`); only the cells of non-ASCII text are looked at, each
    distinct text once."""
    if strings is None:
        found = cells.map(lambda v: isinstance(v, str) and _has_digit_mark(v))
        return found.astype(bool)
    wide = pc.invert(pc.fill_null(pc.string_is_ascii(strings), True))
    found = np.zeros(len(cells), dtype=bool)
    at = np.flatnonzero(wide.to_numpy(zero_copy_only=False))
    if len(at):
        texts = pc.take(strings, pa.array(at)).to_pylist()
        found[at] = [_has_digit_mark(t) for t in texts]
    return pd.Series(found, index=cells.index)


def _numbers_only(cells: pd.Series) -> ParsedNumbers:
    """:func:`parse_numbers` of a column of ints, floats and empty cells: no text to read;
    an empty cell is missing, infinity is not a number."""
    value = pd.to_numeric(cells, errors="coerce").astype("float64")
    value = value.where(np.isfinite(value))
    missing = cells.isna()
    return ParsedNumbers(
        value=value,
        missing=missing,
        invalid=value.isna() & ~missing,
        percent=pd.Series(False, index=cells.index),
    )


def _without_separators(text: pd.Series) -> pd.Series:
    """Text with thousands separators and spaces taken out."""
    if isinstance(text.dtype, pd.StringDtype):
        return text.str.replace(_SEPARATOR_CLASS, "", regex=True)
    return text.str.replace(_SEPARATORS, "", regex=True)


def _to_numbers(text: pd.Series) -> pd.Series:
    """:func:`pandas.to_numeric` (``errors="coerce"``), through Arrow for plain decimals."""
    strings = arrow_texts(text)
    if strings is None:
        return pd.to_numeric(text, errors="coerce").astype("float64")
    plain = pc.fill_null(pc.match_substring_regex(strings, _PLAIN_DECIMAL), False)
    fast = pc.cast(pc.if_else(plain, strings, pa.scalar(None, pa.large_string())), pa.float64())
    out = pd.Series(fast.to_numpy(zero_copy_only=False), index=text.index)
    rest = ~plain.to_numpy(zero_copy_only=False) & text.notna().to_numpy()
    if rest.any():
        out[rest] = pd.to_numeric(text[rest].astype(object), errors="coerce").astype("float64")
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)
