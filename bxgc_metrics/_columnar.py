"""Dataframe and Arrow details: key coding, categorical text, Arrow preparation.

The 1M-row import spends its time here, so each idea is written once and kept fast:
rows are compared by one integer key built from per-column codes (a categorical's own
codes, an Arrow dictionary's indices, an integer's distance from the smallest) instead of
as tuples; a categorical column of text becomes text by one lookup of its codes; a frame
becomes Arrow as DuckDB would read it, with text as dictionaries and rows in period order.

This module knows pandas, numpy and pyarrow and nothing of the database: where pyarrow
cannot convert a frame, the caller passes the converter (the store passes DuckDB's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_LIMIT = 2**62
"""Key codes stay below this, so a product of two never overflows int64."""


def empty_frame(columns: Sequence[str], *, flags: Sequence[str] = ()) -> pd.DataFrame:
    """A frame without rows: ``columns`` of Python objects, except ``flags``, booleans
    (where they stand in ``columns``, else after them). A copy of one built once per set
    of columns: an import of a small file would otherwise spend about a millisecond
    building each of its empty frames.

    >>> empty = empty_frame(["a", "missing", "b"], flags=["missing", "invalid"])
    >>> list(empty.columns), [str(t) for t in empty.dtypes], len(empty)
    (['a', 'missing', 'b', 'invalid'], ['object', 'bool', 'object', 'bool'], 0)
    """
    return _empty(tuple(columns), tuple(flags)).copy()


@cache
def _empty(columns: tuple[str, ...], flags: tuple[str, ...]) -> pd.DataFrame:
    names = [*columns, *(f for f in flags if f not in columns)]
    return pd.DataFrame({c: np.empty(0, dtype=bool if c in flags else object) for c in names})


# --- key coding -----------------------------------------------------------------------------


def key_codes(
    frame: pd.DataFrame, columns: Sequence[str], *, table: pa.Table | None = None
) -> pd.Series:
    """One integer per row that is equal for two rows exactly when they agree on
    ``columns`` (missing values equal to each other, as :meth:`DataFrame.duplicated`
    has them).

    ``table``, the same rows as Arrow, lends its dictionary columns' indices so text
    already coded is not coded again.

    >>> frame = pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 2, 1]})
    >>> key_codes(frame, ["a", "b"]).tolist()
    [4, 8, 4]
    """
    codes, _span = _combined(frame, columns, table)
    return pd.Series(codes)


def has_duplicates(
    frame: pd.DataFrame, columns: Sequence[str], *, table: pa.Table | None = None
) -> bool:
    """Whether two rows agree on ``columns`` (``frame.duplicated(columns).any()``, by
    :func:`key_codes`; ``table`` as there).

    >>> has_duplicates(pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 2, 3]}), ["a", "b"])
    False
    """
    codes, span = _combined(frame, columns, table)
    if not len(codes):
        return False
    if span <= min(_MARKS, max(1 << 20, 32 * len(codes))):
        # possible keys not many more than rows: mark each row's key (a byte per key);
        # fewer marked keys than rows means two rows share one
        marked = np.zeros(span, dtype=bool)
        marked[codes] = True
        return int(np.count_nonzero(marked)) < len(codes)
    ordered = np.sort(codes)  # else neighbours after sorting: 8 bytes a row, no hash table
    return bool((ordered[1:] == ordered[:-1]).any())


_MARKS = 1 << 26
"""Most possible keys :func:`has_duplicates` marks one by one (64 MB); a wider range of
keys is sorted instead."""


def series_numbers(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, int]:
    """A number per row from 0 that is equal for two rows exactly when they agree on
    ``columns`` (missing values equal to each other), and one more than the largest.

    >>> series_numbers(pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 2, 1]}), ["a", "b"])
    (array([0, 1, 0]), 2)
    """
    if not columns or not len(frame):
        return np.zeros(len(frame), dtype=np.int64), 1
    codes, span = _combined(frame, columns, None)
    if span > 2 * len(codes):  # sparse: renumber densely
        codes, distinct = pd.factorize(codes)
        return codes.astype(np.int64), len(distinct)
    low = int(codes.min())
    return codes - low, int(codes.max()) - low + 1


def group_numbers(by: Sequence[pd.Series]) -> np.ndarray:
    """One number per row for grouping by several aligned columns at once, NaN where any
    of them is missing (pandas then leaves the row out, as grouping by the columns
    would). Grouping several times by one array skips coding the columns each time.

    >>> g = group_numbers([pd.Series(["a", "b", "a", None]), pd.Series([1, 1, 1, 1])])
    >>> bool(g[0] == g[2]), bool(g[0] != g[1]), bool(np.isnan(g[3]))
    (True, True, True)
    """
    frame = pd.DataFrame({i: column.reset_index(drop=True) for i, column in enumerate(by)})
    numbers, _ = series_numbers(frame, list(frame.columns))
    out = numbers.astype(float)
    missing = frame.isna().any(axis=1).to_numpy()
    if missing.any():
        out[missing] = np.nan
    return out


def _combined(
    frame: pd.DataFrame, columns: Sequence[str], table: pa.Table | None
) -> tuple[np.ndarray, int]:
    """The key codes of ``columns`` and one more than the largest code they may take."""
    codes = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for column in columns:
        level, size = _levels(frame[column], None if table is None else table.column(column))
        if span > _LIMIT // size:
            codes = pd.factorize(codes)[0].astype(np.int64)  # renumber densely to stay in range
            span = int(codes.max(initial=0)) + 1
            if span > _LIMIT // size:
                level = pd.factorize(level)[0].astype(np.int64)
                size = int(level.max(initial=0)) + 1
        codes, span = codes * size + level, span * size
    return codes, span


def _levels(values: pd.Series, arrow: pa.ChunkedArray | None = None) -> tuple[np.ndarray, int]:
    """Codes from 1 that are equal where ``values`` are (0 for missing), and one more than
    the largest: an Arrow dictionary's indices, a categorical's own codes, an integer's
    distance from the smallest, else :func:`pandas.factorize`."""
    if arrow is not None and pa.types.is_dictionary(arrow.type) and arrow.num_chunks == 1:
        chunk = arrow.chunk(0)
        indices = pc.fill_null(chunk.indices.cast(pa.int64()), -1)  # missing: -1
        return indices.to_numpy() + 1, len(chunk.dictionary) + 1
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64) + 1, len(values.cat.categories) + 1
    if values.dtype.kind in "iu" and len(values):
        numbers = values.to_numpy().astype(np.int64)
        low, high = int(numbers.min()), int(numbers.max())
        if high - low < 2**40:
            return numbers - (low - 1), high - low + 2
    level, distinct = pd.factorize(values)
    return level.astype(np.int64) + 1, len(distinct) + 1  # missing (-1) as a level of its own


# --- categorical text -----------------------------------------------------------------------


def categorical_text(column: pd.Series) -> pd.Series:
    """A categorical column of text as a text column, its codes looked up in one go.

    >>> categorical_text(pd.Series(["b", None, "a"], dtype="category")).tolist()
    ['b', nan, 'a']
    """
    categories = pa.array(column.cat.categories.to_numpy(dtype=object), type=pa.large_string())
    codes = column.cat.codes.to_numpy()
    missing = codes < 0
    taken = pc.take(categories, pa.array(codes, mask=missing if missing.any() else None))
    text = taken.to_pandas(types_mapper=lambda _t: pd.StringDtype("pyarrow", np.nan))
    return pd.Series(text.array, index=column.index, name=column.name)


def with_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its categorical columns of text as text columns."""
    coded = {
        name: categorical_text(column)
        for name, column in frame.items()
        if isinstance(column.dtype, pd.CategoricalDtype)
        and pd.api.types.infer_dtype(column.cat.categories, skipna=True) in ("string", "empty")
    }
    return frame.assign(**coded) if coded else frame


# --- Arrow preparation ----------------------------------------------------------------------


def arrow(frame: pd.DataFrame, *, fallback: Callable[[pd.DataFrame], pa.Table]) -> pa.Table:
    """A frame as Arrow, each column typed as DuckDB reads it from pandas; ``fallback``
    converts a frame pyarrow refuses (e.g. a column mixing codes and numbers)."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError):
        return fallback(frame)


def dictionary_encoded(table: pa.Table) -> pa.Table:
    """``table`` with its text columns as dictionaries (a missing value is an entry of its
    own); other columns, dictionaries already among them, as they are."""
    return pa.table(
        {
            name: pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
            else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )


def period_order(year: np.ndarray, sub: np.ndarray) -> np.ndarray | None:
    """The stable order of rows by year and period, or ``None`` when they are in it.

    >>> period_order(np.array([2025, 2024, 2024]), np.array([1, 12, 3])).tolist()
    [2, 1, 0]
    """
    if not len(year):
        return None
    key = (year.astype(np.int64) - int(year.min())) * 256 + (sub.astype(np.int64) + 128)
    if bool((key[1:] >= key[:-1]).all()):
        return None
    small = int(key.max()) < 2**16  # a 16-bit key sorts by radix, in one pass
    return np.argsort(key.astype(np.uint16) if small else key, kind="stable")
