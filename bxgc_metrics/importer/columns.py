"""Columns of cells as coded text: a sheet normalised column by column, a column kept as
codes into its distinct texts, and categoricals built from one value per distinct text.

A large file repeats few units, indicators and periods; reading each distinct text once
and keeping the rest as integer codes is what makes a 180,000-row sheet quick.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bxgc_metrics.importer.cells import ARROW_TEXT, WHITESPACE, arrow_texts, normalise_texts

WIDE = 64
"""Columns past which a sheet's cells are normalised in one go rather than column by
column (a column costs a fixed overhead; a thousand of them add up to seconds)."""

SMALL = 50_000
"""Cells up to which a sheet is normalised in one go whatever its width: a column's fixed
overhead (about half a millisecond) outweighs its cells, so a 100-row report of 50
columns takes 3 ms this way and 25 ms column by column, a 2,000-row wide sheet of 14
columns 12 ms against 19. A long sheet of a few columns is quicker column by column,
where a column of text alone takes Arrow's path (24,000 rows of 5: 21 ms against 25)."""


def at_once(cells: pd.DataFrame) -> bool:
    """Whether a sheet of ``cells`` is normalised in one go (:data:`WIDE`, :data:`SMALL`)."""
    n, k = cells.shape
    return k > WIDE or n * k <= SMALL


def normalised(cells: pd.DataFrame) -> pd.DataFrame:
    """Every cell as trimmed NFKC text, ``""`` where empty (column by column, or all at
    once for a sheet of many columns or few rows)."""
    n, k = cells.shape
    if n and k > 1 and at_once(cells):  # slices of one normalised array
        if cells.dtypes.eq(object).all():  # a workbook's cells: one copy, column by column
            stacked = pd.Series(cells.to_numpy(dtype=object).ravel(order="F"), dtype=object)
        else:
            stacked = pd.concat([c for _, c in cells.items()], ignore_index=True)
        flat = normalise_texts(stacked).array
        columns = {i: flat[i * n : (i + 1) * n] for i in range(k)}
    else:
        flat = None
        columns = {i: normalise_texts(cells.iloc[:, i]) for i in range(k)}
    text = pd.DataFrame(columns, index=cells.index)
    text.columns = cells.columns
    if flat is not None:
        _share(text, flat)
    return text


_SHARED: dict[int, pa.Array] = {}
"""The Arrow text whose slices are the columns of a sheet :func:`normalised` in one go,
column after column, by the ``id`` of the sheet's frame (dropped with the frame): a few
rows across all columns, or a block of cells, are one take from it rather than one Series
per column. Nothing writes into a sheet's normalised text; it is only read."""


def _share(text: pd.DataFrame, flat: object) -> None:
    """Remember ``flat`` as the array behind ``text``'s columns, if it is Arrow text
    without a missing cell (the text :func:`normalised` gives), until ``text`` goes."""
    if not isinstance(getattr(flat, "dtype", None), pd.StringDtype):
        return  # text Arrow could not hold, kept as Python strings
    strings = pa.array(flat)
    if strings.type != pa.large_string() or strings.null_count:
        return
    key = id(text)
    _SHARED[key] = strings
    weakref.finalize(text, _SHARED.pop, key, None)


def _shared(text: pd.DataFrame) -> pa.Array | None:
    """The array :func:`_share` remembered for ``text``, if any."""
    strings = _SHARED.get(id(text))
    n, k = text.shape
    return strings if strings is not None and len(strings) == n * k else None


def cells_of(text: pd.DataFrame, rows: Sequence[int], positions: Sequence[int]) -> pd.Series:
    """The cells of ``rows`` in the columns at ``positions``, column after column, as one
    Series of Arrow text (one take where the sheet was :func:`normalised` in one go).

    >>> text = normalised(pd.DataFrame([["a", "b"], ["c", None]], dtype=object))
    >>> cells_of(text, [1, 0], [1, 0]).tolist()
    ['', 'b', 'c', 'a']
    """
    if not len(rows) or not len(positions):
        return pd.Series(pd.array([], dtype=ARROW_TEXT))
    strings = _shared(text)
    if strings is None:
        return _cells_by_column(text, rows, positions)
    n = len(text)
    at = np.asarray(rows, dtype=np.int64)
    whole = (np.asarray(positions, dtype=np.int64)[:, None] * n + at).ravel()
    return pd.Series(pd.array(strings.take(pa.array(whole)), dtype=ARROW_TEXT))


def _cells_by_column(
    text: pd.DataFrame, rows: Sequence[int], positions: Sequence[int]
) -> pd.Series:
    """:func:`cells_of` of any frame: one take from the columns' Arrow text where every
    column is Arrow text, else a concatenation."""
    columns = [column for _, column in text.iloc[:, list(positions)].items()]  # one take
    if all(isinstance(c.dtype, pd.StringDtype) and c.dtype.storage == "pyarrow" for c in columns):
        arrays = [pa.array(c.array) for c in columns]
        large = pa.large_string()
        texts = pa.chunked_array([a if a.type == large else a.cast(large) for a in arrays])
        at = np.asarray(rows, dtype=np.int64)
        whole = (np.arange(len(columns), dtype=np.int64)[:, None] * len(text) + at).ravel()
        taken = texts.take(pa.array(whole))
        return pd.Series(pd.array(taken, dtype=columns[0].dtype))
    cells = text.iloc[list(rows), list(positions)]
    return pd.concat([column for _, column in cells.items()], ignore_index=True)


def rows_of(text: pd.DataFrame, start: int, stop: int) -> np.ndarray:
    """Rows ``start`` to ``stop`` of a sheet's text as Python strings, one array per row
    (``text.iloc[start:stop].to_numpy(dtype=object)``, taken from the array behind the
    columns where the sheet was :func:`normalised` in one go).

    >>> rows_of(normalised(pd.DataFrame([["a", 1], [None, 2.5]], dtype=object)), 0, 5).tolist()
    [['a', '1'], ['', '2.5']]
    """
    strings = _shared(text)
    if strings is None:
        return text.iloc[start:stop].to_numpy(dtype=object)
    n, k = text.shape
    at = np.arange(n, dtype=np.int64)[start:stop]
    whole = (at[:, None] + np.arange(k, dtype=np.int64) * n).ravel()
    taken = strings.take(pa.array(whole)).to_numpy(zero_copy_only=False)
    return taken.reshape(len(at), k)


def filled(text: pd.DataFrame, start: int = 0) -> np.ndarray:
    """Which cells of rows ``start`` onwards hold any text, one row of booleans per row
    (``text.iloc[start:].ne("")``, from the lengths in the array behind the columns where
    the sheet was :func:`normalised` in one go: one pass, not one per column).

    >>> filled(normalised(pd.DataFrame([["a", None], [None, 2.5]], dtype=object))).tolist()
    [[True, False], [False, True]]
    """
    strings = _shared(text)
    if strings is None:
        return text.iloc[start:].ne("").to_numpy(dtype=bool)
    n, k = text.shape
    lengths = pc.binary_length(strings).to_numpy(zero_copy_only=False)
    return (lengths > 0).reshape(k, n).T[start:]


_SPACES = re.compile(r"\s+")
_SPACE_CLASS = "[" + re.escape(WHITESPACE) + "]+"
""":data:`_SPACES` spelled out for Arrow text columns (whose ``\\s`` is ASCII only)."""


def squeezed(values: pd.Series) -> pd.Series:
    """Text with every run of white space removed (``re.sub(r"\\s+", "", v)``)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.str.replace(_SPACE_CLASS, "", regex=True)
    return values.map(lambda v: _SPACES.sub("", v))


def matches(values: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    """Whether ``pattern`` matches at the start of each text (``pattern.match``), by
    Arrow's regular expressions where the column is text Arrow holds.

    >>> matches(pd.Series(["合计", "Total", "东城街道"]), re.compile("^(合计|total)$", re.I))
    array([ True,  True, False])
    """
    strings = arrow_texts(values)
    if strings is None:
        return np.array([pattern.match(v) is not None for v in values], dtype=bool)
    ignore = bool(pattern.flags & re.IGNORECASE)
    found = pc.match_substring_regex(strings, _as_python(pattern.pattern), ignore_case=ignore)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _as_python(pattern: str) -> str:
    """``pattern`` as :meth:`re.Pattern.match` reads it, for Arrow: anchored at the start,
    and a final ``$`` matching before a last line break too."""
    anchored = pattern if pattern.startswith("^") else f"^(?:{pattern})"
    if anchored.endswith("$") and not anchored.endswith("\\$"):
        anchored = anchored[:-1] + r"\n?$"
    return anchored


def categorical(per_value: np.ndarray | list, codes: np.ndarray) -> pd.Categorical:
    """``per_value[codes]`` (``None`` for missing) as a categorical, without building the
    values one by one.

    >>> categorical(["a", None, "a"], np.array([2, 1, 0, 0])).tolist()
    ['a', nan, 'a', 'a']
    """
    if len(per_value) <= FEW_VALUES:
        again, categories = _few_distinct(per_value)
    else:
        again, categories = pd.factorize(pd.Series(per_value, dtype=object))
    return pd.Categorical.from_codes(
        again[codes] if len(codes) else np.asarray(codes, dtype=np.int64),
        categories=pd.Index(categories, dtype=object),
    )


FEW_VALUES = 256
"""Values :func:`categorical` tells apart itself (the headings of a block, one per
column), where ``pd.factorize`` costs a hundred microseconds however few there are."""


def _few_distinct(values: np.ndarray | list) -> tuple[np.ndarray, list]:
    """``pd.factorize`` of a few values: each value's position among the distinct values
    in first-seen order (those Python holds equal are one), ``-1`` for a missing one."""
    seen: dict = {}
    codes = [
        -1
        if v is None or v is pd.NA or (isinstance(v, float) and v != v)
        else seen.setdefault(v, len(seen))
        for v in values
    ]
    return np.asarray(codes, dtype=np.int64), list(seen)


def constant(value: object, n: int) -> pd.Categorical:
    """``n`` times ``value``, as a categorical of one category."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])


class Texts:
    """A column of cells as normalised text (:func:`normalise_texts`), kept as codes into
    its distinct texts when ``coded`` (and the column holds only text), else cell by cell
    (and coded only when asked for distinct texts)."""

    def __init__(self, cells: pd.Series | None, *, coded: bool) -> None:
        self._codes: np.ndarray | None = None
        self._texts = np.array([], dtype=object)
        self._text: pd.Series | None = None
        if cells is None:
            return
        cells = cells.reset_index(drop=True)
        if coded and _only_text(cells):
            codes, distinct = _factorized(cells)
            normal = normalise_texts(distinct).to_numpy(dtype=object)
            # two spellings may normalise to one text: code each text once
            again, texts = pd.factorize(normal)
            self._codes = again[codes] if len(codes) else codes
            self._texts = np.asarray(texts, dtype=object)
        else:
            self._text = normalise_texts(cells)

    @classmethod
    def of(cls, codes: np.ndarray, texts: np.ndarray) -> Texts:
        """The column whose cells are ``texts[codes]`` (texts already normalised)."""
        out = cls(None, coded=False)
        out._codes, out._texts = codes, np.asarray(texts, dtype=object)
        return out

    @property
    def codes(self) -> np.ndarray:
        """Each cell's position in :attr:`texts`."""
        if self._codes is None:
            assert self._text is not None
            codes, distinct = pd.factorize(self._text, use_na_sentinel=False)
            self._codes, self._texts = codes, np.asarray(distinct, dtype=object)
        return self._codes

    @property
    def texts(self) -> np.ndarray:
        """The distinct normalised texts."""
        self.codes  # noqa: B018 (codes the column if it is not yet)
        return self._texts

    def filled(self) -> np.ndarray:
        """Whether each cell holds text."""
        if self._text is not None:
            return self._text.ne("").to_numpy(dtype=bool)
        return (self._texts != "")[self.codes] if len(self._texts) else np.zeros(0, bool)

    def take(self, rows: np.ndarray) -> Texts:
        """The cells at positions ``rows``."""
        out = Texts(None, coded=False)
        if self._text is not None:
            out._text = self._text.iloc[rows].reset_index(drop=True)
        else:
            out._codes, out._texts = self.codes[rows], self._texts
        return out

    def series(self) -> pd.Series:
        """The normalised texts, one per cell."""
        if self._text is not None:
            return self._text
        return pd.Series(self._texts.take(self.codes), dtype="str")

    def mapped(self, per_text: np.ndarray) -> np.ndarray:
        """``per_text`` (one value per distinct text) for every cell."""
        return per_text[self.codes]

    def categorical(self, per_text: list | None = None) -> pd.Categorical:
        """The texts (or ``per_text``, one value per distinct text; ``None`` is missing)
        for every cell, as a categorical."""
        return categorical(list(self.texts) if per_text is None else per_text, self.codes)


def _factorized(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``pd.factorize(cells, use_na_sentinel=False)``, by Arrow for an Arrow text column."""
    if isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow":
        strings = pa.array(cells.array)
        if isinstance(strings, pa.ChunkedArray):
            strings = strings.combine_chunks()
        coded = pc.dictionary_encode(strings, null_encoding="encode")
        return (
            coded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
            pd.Series(coded.dictionary.to_pylist(), dtype=object),
        )
    codes, distinct = pd.factorize(cells, use_na_sentinel=False)
    return codes, pd.Series(distinct, dtype=object)


def _only_text(cells: pd.Series) -> bool:
    """Whether every cell is text or empty (no number, date or flag to print)."""
    if isinstance(cells.dtype, pd.StringDtype):
        return True
    return cells.dtype == object and pd.api.types.infer_dtype(cells, skipna=True) in (
        "string",
        "empty",
    )
