"""Reporting periods: labels, Chinese and English readings, start and end months, and
periods as report texts write them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.periods import (
    Period,
    PeriodText,
    display,
    end_months,
    format_label,
    labels,
    months_elapsed,
    parse_text,
    readings,
    start_months,
)


@pytest.mark.parametrize(
    ("label", "freq", "sub", "end"),
    [("2024", "Y", 0, 12), ("2024-H2", "H", 2, 12), ("2024-Q3", "Q", 3, 9), ("2024-07", "M", 7, 7)],
)
def test_a_label_round_trips_and_names_its_last_month(
    label: str, freq: str, sub: int, end: int
) -> None:
    period = Period.parse(label)
    assert (period.freq, period.year, period.sub, period.end_month) == (freq, 2024, sub, end)
    assert period.label == label == format_label(freq, 2024, sub)


@pytest.mark.parametrize("bad", ["2024-13", "2024-Q5", "1800", "24-06", "2024-H3", ""])
def test_a_bad_label_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_readings_in_both_languages() -> None:
    assert display("M", 2024, 6, cumulative=True) == "2024年1-6月"
    assert display("M", 2024, 1, cumulative=True) == "2024年1月"  # January is one month
    assert display("Q", 2024, 4, lang="en") == "2024 Q4"
    assert display("H", 2024, 2) == "2024年下半年"
    assert display("M", 2024, 12, cumulative=True, lang="en") == "Jan-Dec 2024"


def test_vectorised_labels_match_one_by_one() -> None:
    freq = pd.Series(["Y", "H", "Q", "M", "M"])
    year = pd.Series([2019, 2024, 2024, 2024, 2025])
    sub = pd.Series([0, 1, 4, 3, 12])
    assert labels(freq, year, sub).tolist() == ["2019", "2024-H1", "2024-Q4", "2024-03", "2025-12"]


_PERIODS = st.one_of(
    st.tuples(st.just("Y"), st.integers(1990, 2100), st.just(0)),
    st.tuples(st.just("H"), st.integers(1990, 2100), st.integers(1, 2)),
    st.tuples(st.just("Q"), st.integers(1990, 2100), st.integers(1, 4)),
    st.tuples(st.just("M"), st.integers(1990, 2100), st.integers(1, 12)),
)


@given(rows=st.lists(_PERIODS, max_size=60), categorical=st.booleans())
def test_labels_of_many_rows_are_each_rows_label(
    rows: list[tuple[str, int, int]], categorical: bool
) -> None:
    """Each distinct period is labelled once and the labels spread back to the rows: the
    result is every row's own :func:`format_label`, whatever the mix, repeats and order,
    with the frequency as text or as a category (as the store reads it)."""
    freq = pd.Series([f for f, _, _ in rows], dtype="category" if categorical else "str")
    year = pd.Series([y for _, y, _ in rows], dtype="int32")
    sub = pd.Series([s for _, _, s in rows], dtype="int64")
    got = labels(freq, year, sub)
    assert got.dtype == "string" and list(got.index) == list(freq.index)
    assert got.tolist() == [format_label(f, y, s) for f, y, s in rows]


def test_vectorised_readings_match_one_by_one() -> None:
    """A reader's names of many rows: a year-to-date month from January, a single month
    alone, in either language."""
    freq = pd.Series(["M", "M", "Y", "Q", "M"])
    year = pd.Series([2026, 2026, 2026, 2025, 2026])
    sub = pd.Series([10, 10, 0, 2, 1])
    cumulative = pd.Series([True, False, False, True, True])
    zh = readings(freq, year, sub, cumulative=cumulative)
    assert zh.tolist() == ["2026年1-10月", "2026年10月", "2026年", "2025年二季度", "2026年1月"]
    en = readings(freq, year, sub, cumulative=cumulative, lang="en")
    assert en.tolist() == ["Jan-Oct 2026", "Oct 2026", "2026", "2025 Q2", "Jan 2026"]
    assert readings(freq, year, sub).tolist()[:2] == ["2026年10月", "2026年10月"]


@given(
    rows=st.lists(st.tuples(_PERIODS, st.booleans()), max_size=60),
    categorical=st.booleans(),
    lang=st.sampled_from(["zh", "en"]),
)
def test_readings_of_many_rows_are_each_rows_reading(
    rows: list[tuple[tuple[str, int, int], bool]], categorical: bool, lang: str
) -> None:
    """Each distinct period and flag is read once and spread back to the rows: every row
    gets its own :func:`display`, whatever the mix, repeats and order."""
    freq = pd.Series([f for (f, _, _), _ in rows], dtype="category" if categorical else "str")
    year = pd.Series([y for (_, y, _), _ in rows], dtype="int32")
    sub = pd.Series([s for (_, _, s), _ in rows], dtype="int64")
    cumulative = pd.Series([c for _, c in rows], dtype=bool)
    got = readings(freq, year, sub, cumulative=cumulative, lang=lang)
    assert got.dtype == "string" and list(got.index) == list(freq.index)
    expected = [display(f, y, s, cumulative=c, lang=lang) for (f, y, s), c in rows]
    assert got.tolist() == expected


@given(rows=st.lists(_PERIODS, max_size=60), categorical=st.booleans())
def test_end_months_of_many_rows_are_each_periods_end_month(
    rows: list[tuple[str, int, int]], categorical: bool
) -> None:
    """The vectorised last month of each row is its :attr:`Period.end_month`, with the
    frequency as text or as a category (as the write history reads it)."""
    freq = pd.Series([f for f, _, _ in rows], dtype="category" if categorical else "str")
    sub = pd.Series([s for _, _, s in rows], dtype="int64")
    expected = [Period(y, f, s).end_month for f, y, s in rows]
    assert end_months(freq, sub).tolist() == expected


def test_start_and_end_months() -> None:
    freq = pd.Series(["Y", "H", "H", "Q", "Q", "M"])
    sub = pd.Series([0, 1, 2, 1, 4, 9])
    # H2 runs July to December, Q4 October to December
    assert start_months(freq, sub).tolist() == [1, 1, 7, 1, 10, 9]
    assert [months_elapsed(f, s) for f, s in zip(freq, sub, strict=True)] == [12, 6, 12, 3, 12, 9]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年1-6月累计", PeriodText("M", 2024, 6, True)),
        ("2024年6月", PeriodText("M", 2024, 6, False)),
        ("2024年6-6月", PeriodText("M", 2024, 6, False)),  # one month written as a range
        ("1-3月", PeriodText("M", None, 3, True)),
        ("2024年第二季度", PeriodText("Q", 2024, 2, False)),
        ("２０２４年三季度", PeriodText("Q", 2024, 3, False)),  # full-width digits
        ("2023Q4", PeriodText("Q", 2023, 4, False)),
        ("2024-H2", PeriodText("H", 2024, 2, False)),
        ("2024年下半年", PeriodText("H", 2024, 2, False)),
        ("2024/07", PeriodText("M", 2024, 7, False)),
        ("7月", PeriodText("M", None, 7, False)),
        ("2019年", PeriodText("Y", 2019, 0, False)),
        ("2019", PeriodText("Y", 2019, 0, False)),
        (2021, PeriodText("Y", 2021, 0, False)),
        (2021.0, PeriodText("Y", 2021, 0, False)),
        (dt.datetime(2024, 5, 31), PeriodText("M", 2024, 5, False)),
        # a dotted year and month, then a range of months: 1-10月, never 10 January
        ("2018.1-10", PeriodText("M", 2018, 10, True)),
        ("2026.01-10", PeriodText("M", 2026, 10, True)),
        ("2018.1—10", PeriodText("M", 2018, 10, True)),
        ("2018.1~10", PeriodText("M", 2018, 10, True)),
        ("2018/1-10", PeriodText("M", 2018, 10, True)),
        ("2018.1-2018.10", PeriodText("M", 2018, 10, True)),
        ("2018.01-2018.10", PeriodText("M", 2018, 10, True)),
        ("2024.4-6", PeriodText("Q", 2024, 2, False)),
        ("2024.10-10", PeriodText("M", 2024, 10, False)),
        # a date, one separator throughout, is its month
        ("2018-01-10", PeriodText("M", 2018, 1, False)),
        ("2018.1.10", PeriodText("M", 2018, 1, False)),
        ("2025年前10月", PeriodText("M", 2025, 10, True)),  # the first ten months
        ("2025年第三季", PeriodText("Q", 2025, 3, False)),  # 季 for 季度
        # a year before words that name no part of it is that year
        ("2025年完成", PeriodText("Y", 2025, 0, False)),
        ("2026年各街道10项指标完成情况", PeriodText("Y", 2026, 0, False)),
    ],
)
def test_periods_as_reports_write_them(text: object, expected: PeriodText) -> None:
    assert parse_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *("3-6月", "2024年13月", "合计", "", None, 1800, 12.5, "6-3月", "2018.3-7"),
        "2018.1-2019.10",
        # a year before a part of it, or a comparison, not read: never that whole year
        *("2025年1-10", "2025年10", "2025年第10月", "2025年 1-10", "2025年半年", "2025年同期"),
        "2025年前10",
    ],
)
def test_texts_that_name_no_period(text: object) -> None:
    # 3-6月 is neither a month nor a year-to-date range: refused, not guessed
    assert parse_text(text) is None


def test_a_period_without_a_year_takes_one() -> None:
    header = parse_text("1-6月")
    assert header is not None and header.in_year(2024) == PeriodText("M", 2024, 6, True)
