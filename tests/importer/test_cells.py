"""Cell values as report sheets write them: text normalised, numbers read (or refused)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bxgc_metrics.importer.cells import normalise_text, normalise_texts, parse_numbers

CASES = [
    # cell, value, missing, invalid, percent
    ("1,234.5", 1234.5, False, False, False),
    ("１２，３４５", 12345.0, False, False, False),  # full-width digits and comma
    ("-82,812", -82812.0, False, False, False),
    ("41300.5", 41300.5, False, False, False),
    ("52.3%", 52.3, False, False, True),
    (" 7 ", 7.0, False, False, False),
    ("1 234", 1234.0, False, False, False),  # a space as thousands separator
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
