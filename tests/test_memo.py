"""What the importer remembers of the texts it reads: short texts only, so that files of
long, distinct texts cannot make a server hold them all."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bxgc_metrics import _memo, periods
from bxgc_metrics.importer import cells, matching
from bxgc_metrics.importer.layouts import vocabulary

REMEMBERING: dict[str, Callable[[str], object]] = {
    "key": vocabulary.key,
    "header_role": vocabulary.header_role,
    "period words": periods._parse_words,
    "normalise_name": matching.normalise_name,
    "plain name": matching._plain,
    "digit marks": cells._has_digit_mark,
}


@pytest.mark.parametrize("name", sorted(REMEMBERING))
def test_long_texts_are_worked_out_but_never_kept(name: str) -> None:
    fn = REMEMBERING[name]
    before = fn.cache_info().currsize  # type: ignore[attr-defined]
    for i in range(200):
        long_text = f"2026年{i % 12 + 1}月累计" + "东城街道办事处（新区）" * 40 + str(i)
        assert len(long_text) > _memo.LONGEST
        fn(long_text)
    assert fn.cache_info().currsize == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(REMEMBERING))
def test_a_short_text_is_worked_out_once(name: str) -> None:
    fn = REMEMBERING[name]
    text = f"1-10月累计 {name}"
    first = fn(text)
    hits = fn.cache_info().hits  # type: ignore[attr-defined]
    assert fn(text) == first
    assert fn.cache_info().hits == hits + 1  # type: ignore[attr-defined]


def test_remembered_and_worked_out_results_agree() -> None:
    heading = "2026年1-10月累计"
    padded = heading + " " * (_memo.LONGEST + 10)  # too long to keep; the same once trimmed
    assert periods.parse_text(heading) == periods.parse_text(padded)
    assert periods.parse_text(heading) == periods.PeriodText("M", 2026, 10, True)
    assert vocabulary.header_role(heading) == "actual"
    assert vocabulary.key(" 单位（计量） " + " " * 300) == "单位(计量)"
    assert matching.normalise_name("东城街道办事处" + " " * 300) == "东城街道"
