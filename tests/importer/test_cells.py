"""Cell values as report sheets write them: text normalised, numbers read (or refused)."""

from __future__ import annotations

import gc
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bxgc_metrics.importer import columns
from bxgc_metrics.importer.cells import FEW_CELLS, normalise_text, normalise_texts, parse_numbers
from bxgc_metrics.importer.columns import WIDE, cells_of, filled, matches, normalised, rows_of
from bxgc_metrics.importer.layouts.vocabulary import FOOTNOTE, SUBTOTAL_ROW, TOTAL_ROW

CASES = [
    # cell, value, missing, invalid, percent
    ("1,234.5", 1234.5, False, False, False),
    ("１２，３４５", 12345.0, False, False, False),  # full-width digits and comma
    ("-82,812", -82812.0, False, False, False),
    ("41300.5", 41300.5, False, False, False),
    ("52.3%", 52.3, False, False, True),
    (" 7 ", 7.0, False, False, False),
    ("1 234", 1234.0, False, False, False),  # a space as thousands separator
    ("12 345 678.5", 12345678.5, False, False, False),
    ("1'234", 1234.0, False, False, False),
    ("1.5 2", math.nan, False, True, False),  # a space inside: not a separator, refused
    ("100\n5", math.nan, False, True, False),
    ("12 34", math.nan, False, True, False),
    ("1 234 5", math.nan, False, True, False),
    ("500①", math.nan, False, True, False),  # a footnote mark, not a digit: refused
    ("500.5¹", math.nan, False, True, False),
    ("1234²", math.nan, False, True, False),
    ("⑩", math.nan, False, True, False),
    ("12.5%¹", math.nan, False, True, False),
    ("—", math.nan, True, False, False),
    ("", math.nan, True, False, False),
    ("n/a", math.nan, True, False, False),
    ("无", math.nan, True, False, False),
    ("abc", math.nan, False, True, False),
    ("389005,5", math.nan, False, True, False),  # decimal comma: ambiguous, refused
    ("1,23,456", math.nan, False, True, False),  # commas not every three digits
    ("inf", math.nan, False, True, False),
    (12, 12.0, False, False, False),
    (0.25, 0.25, False, False, False),
    (None, math.nan, True, False, False),
]


@pytest.mark.parametrize(("cell", "value", "missing", "invalid", "percent"), CASES)
def test_one_cell(cell: object, value: float, missing: bool, invalid: bool, percent: bool) -> None:
    read = parse_numbers(pd.Series([cell], dtype=object))
    got = read.value.iloc[0]
    assert (math.isnan(got) and math.isnan(value)) or got == value
    assert (read.missing.iloc[0], read.invalid.iloc[0], read.percent.iloc[0]) == (
        missing,
        invalid,
        percent,
    )


def test_a_column_reads_as_its_cells_do_one_by_one() -> None:
    """The vectorised paths (all plain decimals, mixed text, Arrow text) agree with the
    cell-by-cell reading."""
    cells = [c for c, *_ in CASES]
    whole = parse_numbers(pd.Series(cells, dtype=object))
    expected = [v for _, v, *_ in CASES]
    np.testing.assert_array_equal(whole.value.to_numpy(), np.array(expected))
    as_text = pd.Series([c for c in cells if isinstance(c, str)], dtype="string[pyarrow]")
    text_read = parse_numbers(as_text)
    text_expected = [v for c, v, *_ in CASES if isinstance(c, str)]
    np.testing.assert_array_equal(text_read.value.to_numpy(), np.array(text_expected))


def test_plain_decimals_sum_as_written() -> None:
    read = parse_numbers(pd.Series(["82812", "41300.5", "38000", "0.1", "0.2"]))
    assert read.value.sum() == pytest.approx(162112.8)
    assert not read.invalid.any() and not read.missing.any()


def test_text_is_normalised_to_half_width_and_trimmed() -> None:
    assert normalise_text("　东城街道（新区） ") == "东城街道(新区)"
    assert normalise_text(float("nan")) == ""
    column = pd.Series(["ＡＢＣ", None, 3, 2.5, " x\u3000"], dtype=object)
    assert normalise_texts(column).tolist() == ["ABC", "", "3", "2.5", "x"]


def _as_written(value: object) -> str:
    """A cell's text one by one, as :func:`normalise_text` reads it, with the float and
    int spelled by Python's own ``str``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value) in (int, float):
        return str(value)
    return normalise_text(value)


ODD_FLOATS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e16, -1e16, 1e15, 9999999999999998.0]
ODD_FLOATS += [1e-4, -1e-4, 0.0001234, 9.99e-5, 5e-324, 1.7976931348623157e308, 0.1 + 0.2]


SHEET_CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e9, max_value=1e9).map(lambda v: round(v, 2)),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-(10**6), max_value=10**6).map(float),
    st.sampled_from(ODD_FLOATS),
    # characters this Python's Unicode tables know (Arrow's may be newer)
    st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=6),
    st.sampled_from(["１２３", " 合计 ", "ＡＢ\u3000", "注：", ""]),
    st.sampled_from(["1,234.5", "５２%", "—", "abc", "389005,5", " 7 ", "n/a", "1e5"]),
    # rates as a report states them, and texts that only look like one
    st.floats(min_value=-1e4, max_value=1e4).map(lambda v: f"{v:.1f}%"),
    st.sampled_from(["100%", "-0.0%", "5%%", "%", ".5%", "5.%", "1,234.5%", "52 %"]),
    st.none(),
    st.booleans(),
    st.dates(),
)
"""A cell as a spreadsheet gives it."""

SHEET_CELLS = st.lists(SHEET_CELL, max_size=40)
"""A column as a spreadsheet gives it: floats of every kind, ints beyond 64 bits, text
(numbers written as text among it), empty cells, dates and flags."""


@settings(max_examples=300, deadline=None)
@given(SHEET_CELLS)
def test_a_mixed_column_reads_as_its_cells_one_by_one(cells: list) -> None:
    """Numbers, text, dates and flags in one column (as a spreadsheet gives them): the
    column's texts, made by kind of cell at once, are each cell's own."""
    column = pd.Series(cells, dtype=object)
    assert normalise_texts(column).tolist() == [_as_written(c) for c in cells]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(SHEET_CELL, min_size=1, max_size=FEW_CELLS),
    st.sampled_from([object, pd.StringDtype("pyarrow", np.nan), pd.StringDtype("pyarrow")]),
)
def test_a_short_column_is_normalised_as_a_long_one(cells: list, kind: object) -> None:
    """A column of a few cells, normalised cell by cell, gives each cell what the
    vectorised normalising of a longer column gives it, and as the same type of text;
    a text column's missing cells (NaN or NA) as empty text in both."""
    if kind is not object:
        cells = [c if c is None else str(c) for c in cells]
    short = pd.Series(cells, dtype=kind)
    long = pd.Series(cells * (FEW_CELLS // len(cells) + 1), dtype=kind)
    few, many = normalise_texts(short), normalise_texts(long)
    assert len(long) > FEW_CELLS
    assert few.tolist() == many.tolist()[: len(cells)]
    assert few.dtype == many.dtype


def test_floats_are_written_as_python_writes_them() -> None:
    """Whole numbers keep their ``.0``, small and large ones their exponent, -0.0 its
    sign: Arrow's printing is used only where it is Python's."""
    rng = np.random.default_rng(7)
    floats = rng.normal(size=20_000) * 10.0 ** rng.integers(-9, 22, 20_000)
    floats = np.concatenate([floats, np.round(floats, 1), np.floor(floats), ODD_FLOATS])
    cells = pd.Series(floats.astype(object), dtype=object)
    assert normalise_texts(cells).tolist() == [_as_written(float(v)) for v in floats]
    assert normalise_texts(pd.Series([2024.0, -0.0, 1e16, 12.5], dtype=object)).tolist() == [
        "2024.0",
        "-0.0",
        "1e+16",
        "12.5",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["合计", "总计", "TOTAL", "Total", "小计", "其中：工业", "注：数据", "Note"]
            ),
            st.sampled_from(
                ["合计 ", "合计\n", "合计\n\n", "合计x", "x合计", "其中\n", "subtotals", "说明…"]
            ),
            st.text(alphabet="合计小其中注ntoalT \n", max_size=5),
        ),
        max_size=20,
    ),
    st.booleans(),
)
def test_row_words_match_as_python_matches_them(texts: list[str], arrow: bool) -> None:
    """The 合计, 小计 and footnote rows are found by Arrow as Python's ``re`` finds them,
    in Arrow text columns and in columns of Python strings."""
    column = pd.Series(texts, dtype="string[pyarrow]" if arrow else object)
    for pattern in (TOTAL_ROW, SUBTOTAL_ROW, FOOTNOTE):
        expected = [pattern.match(t) is not None for t in texts]
        assert matches(column, pattern).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(SHEET_CELLS)
@example(["²"])  # a mark NFKC makes a digit: refused both ways, never 2
@example(["500①", 12.5, "１２３"])
def test_cells_read_as_numbers_as_their_text_does(cells: list) -> None:
    """A sheet's figures are read from its normalised text: every cell, number or text,
    reads as the same number (or the same missing, invalid or percent) either way."""
    column = pd.Series(cells, dtype=object)
    direct, through_text = parse_numbers(column), parse_numbers(normalise_texts(column))
    np.testing.assert_array_equal(direct.value.to_numpy(), through_text.value.to_numpy())
    for field in ("missing", "invalid", "percent"):
        assert getattr(direct, field).tolist() == getattr(through_text, field).tolist()


@settings(max_examples=100, deadline=None)
@given(values=SHEET_CELLS, blank=st.lists(st.booleans(), max_size=40), arrow=st.booleans())
def test_a_long_sheet_reads_its_figures_alike_beside_its_other_columns(
    values: list, blank: list[bool], arrow: bool
) -> None:
    """A large long sheet's figures are read on another thread while its other columns
    are coded: the records are the ones read in turn, empty rows and all (a CSV's text
    columns, or a workbook's cells of every kind)."""
    from bxgc_metrics.importer.layouts import detect, long
    from bxgc_metrics.importer.reading import Sheet

    rows = [["单位", "指标", "期间", "数值"]]
    for i, value in enumerate(values):
        empty = i < len(blank) and blank[i]
        rows.append(
            [None] * 4 if empty else [f"单位{i % 3}", "指标", f"2025年{i % 12 + 1}月", value]
        )
    cells = pd.DataFrame(rows, dtype=object)
    if arrow:  # as a CSV is read: text, empty cells missing
        cells = cells.map(lambda v: None if v is None or v == "" else str(v)).astype(
            pd.StringDtype("pyarrow", np.nan)
        )
    sheet = Sheet(name="S", cells=cells)
    kept = long.ALONGSIDE_ROWS
    try:
        long.ALONGSIDE_ROWS = 10**9
        in_turn = detect.parse_sheet(sheet)
        long.ALONGSIDE_ROWS = 0
        beside = detect.parse_sheet(sheet)
    finally:
        long.ALONGSIDE_ROWS = kept
    assert in_turn.layout == beside.layout == "long"
    pd.testing.assert_frame_equal(beside.records, in_turn.records)
    assert beside.issues == in_turn.issues


NEWER_CHARACTERS = ["\U0001ccd6", "甲\U0001ccd6", "\U0001ccd6 ", "Ａ"]
"""Characters newer than the Unicode tables Python's NFKC knows (an outlined letter A of
Unicode 16), beside a full-width A every table folds."""


@pytest.mark.parametrize("cells", [4, FEW_CELLS + 1, 5000])
@pytest.mark.parametrize("arrow", [False, True])
def test_every_path_normalises_a_text_the_way_names_are_matched(cells: int, arrow: bool) -> None:
    """A text is normalised the same whether its column is short or long, object or
    Arrow text, one column or a wide sheet: the way unit and indicator names are
    matched (:func:`normalise_text`), even for characters one Unicode table knows and
    another does not."""
    column = pd.Series((NEWER_CHARACTERS * cells)[:cells], dtype=object)
    if arrow:
        column = column.astype(pd.StringDtype("pyarrow", np.nan))
    expected = [normalise_text(v) for v in column]
    assert expected[:4] == ["\U0001ccd6", "甲\U0001ccd6", "\U0001ccd6", "A"][: min(cells, 4)]
    assert normalise_texts(column).tolist() == expected
    sheet = pd.concat([column] * (WIDE + 1), axis=1, ignore_index=True)
    assert normalised(sheet).iloc[:, -1].tolist() == expected
    narrow = pd.concat([column, column], axis=1, ignore_index=True)  # at once up to SMALL cells
    assert normalised(narrow).iloc[:, -1].tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(WIDE - 1, WIDE + 2)),
    data=st.data(),
    arrow=st.booleans(),
)
def test_a_sheet_normalised_at_once_reads_as_column_by_column(shape, data, arrow) -> None:
    """A sheet wider than :data:`~bxgc_metrics.importer.columns.WIDE` columns, or of at
    most :data:`~bxgc_metrics.importer.columns.SMALL` cells, is normalised in one go: every
    column as it reads alone, a workbook's cells of every kind or a CSV's text."""
    n, k = shape
    cell = st.one_of(st.none(), st.text(max_size=4)) if arrow else SHEET_CELL
    values = data.draw(st.lists(cell, min_size=n * k, max_size=n * k))
    cells = pd.DataFrame(np.array(values, dtype=object).reshape(n, k), dtype=object)
    if arrow:
        cells = cells.astype(pd.StringDtype("pyarrow", np.nan))
    text = normalised(cells)
    assert text.shape == cells.shape
    for j in range(k):
        assert text.iloc[:, j].tolist() == normalise_texts(cells.iloc[:, j]).tolist()


@settings(max_examples=80, deadline=None)
@given(shape=st.tuples(st.integers(1, 6), st.integers(1, WIDE + 2)), data=st.data())
def test_rows_and_blocks_of_a_sheet_read_as_its_cells_do(shape, data) -> None:
    """Rows across a sheet, blocks of its cells and which of its cells are filled are
    taken from the one array behind a sheet normalised in one go: each cell reads as it
    does in its column, whichever rows and columns, in whatever order; a frame taken from
    the sheet reads its own cells."""
    n, k = shape
    values = data.draw(st.lists(SHEET_CELL, min_size=n * k, max_size=n * k))
    text = normalised(pd.DataFrame(np.array(values, dtype=object).reshape(n, k), dtype=object))
    if all(isinstance(t, pd.StringDtype) for t in text.dtypes) and k > 1:
        assert columns._shared(text) is not None  # the one array is what is read
    start = data.draw(st.integers(0, n))
    stop = data.draw(st.integers(start, n + 2))
    expected_rows = [[text.iat[r, j] for j in range(k)] for r in range(start, min(stop, n))]
    assert rows_of(text, start, stop).tolist() == expected_rows
    expected_filled = [[text.iat[r, j] != "" for j in range(k)] for r in range(start, n)]
    assert filled(text, start).tolist() == expected_filled
    rows = data.draw(st.lists(st.integers(0, n - 1), max_size=n + 1))
    positions = data.draw(st.lists(st.integers(0, k - 1), max_size=4))
    block = cells_of(text, rows, positions)
    assert block.tolist() == [text.iat[r, p] for p in positions for r in rows]
    part = text.iloc[1:, ::-1]
    assert columns._shared(part) is None
    assert rows_of(part, 0, n).tolist() == [
        [part.iat[r, j] for j in range(k)] for r in range(len(part))
    ]
    assert cells_of(part, range(len(part)), [0]).tolist() == part.iloc[:, 0].tolist()
    assert filled(part, 0).tolist() == [
        [part.iat[r, j] != "" for j in range(k)] for r in range(len(part))
    ]


def test_a_sheet_array_is_let_go_with_its_sheet() -> None:
    """The array behind a sheet's columns is kept only while the sheet's text is."""
    text = normalised(pd.DataFrame([["a", "b"], ["c", None]], dtype=object))
    key = id(text)
    assert key in columns._SHARED
    del text
    gc.collect()
    assert key not in columns._SHARED


PER_VALUE = st.one_of(
    st.none(),
    st.just(math.nan),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False),
    st.text(max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(
    per_value=st.lists(PER_VALUE, max_size=columns.FEW_VALUES + 3),
    data=st.data(),
)
@example(per_value=[1, True, 1.0, 0, False, -0.0, None, math.nan, pd.NA, "1"], data=None)
@example(per_value=[*range(columns.FEW_VALUES), None, "a", "a", 1.0], data=None)
def test_a_categorical_holds_the_values_pandas_would(per_value: list, data) -> None:
    """``categorical(per_value, codes)`` is ``per_value[codes]`` as pandas makes it a
    categorical: its categories each distinct value in first-seen order (values Python
    holds equal, such as 1, 1.0 and True, are one), missing values missing; a short list
    of values is told apart without pandas, a long one by pandas."""
    n = len(per_value)
    codes = (
        np.arange(n, dtype=np.int64)[::-1]
        if data is None
        else np.asarray(
            data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=30)) if n else []
        )
    ).astype(np.int64)
    made = columns.categorical(per_value, codes)
    expected = pd.Categorical(pd.Series(per_value, dtype=object).take(codes).tolist())
    again, distinct = pd.factorize(pd.Series(per_value, dtype=object))
    assert list(made.categories) == list(distinct)
    assert [type(c) for c in made.categories] == [type(c) for c in distinct]
    assert made.codes.tolist() == again[codes].tolist()
    assert made.isna().tolist() == pd.isna(expected).tolist()
