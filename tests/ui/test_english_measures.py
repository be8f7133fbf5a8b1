"""Figures in English: money in billions or millions of yuan, to the same yuan as the
Chinese reading; other measures by their English names. The same figure reads the same
amount in either language, in a sentence, a table column, a chart and an export."""

from __future__ import annotations

import io
import math
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bxgc_metrics.export import Column, Table, workbook
from bxgc_metrics.measures import display_scale
from bxgc_metrics.metrics.quality.flags import amounts as stored_amounts
from bxgc_ui import fmt

ZH_UNITS = {"亿元": 1e8, "万元": 1e4, "元": 1.0}
EN_UNITS = {"bn yuan": 1e9, "m yuan": 1e6, "yuan": 1.0}
ZH = re.compile(r"^([-+]?[\d,]+(?:\.\d+)?)(亿元|万元|元)$")
EN = re.compile(r"^([-+]?[\d,]+(?:\.\d+)?) (bn yuan|m yuan|yuan)$")


def _yuan(text: str, pattern: re.Pattern[str], units: dict[str, float]) -> tuple[float, float]:
    """The yuan a reading names, and the step of its last digit."""
    found = pattern.match(text)
    assert found, text
    number, unit = found.groups()
    decimals = len(number.partition(".")[2])
    return float(number.replace(",", "")) * units[unit], units[unit] * 10.0**-decimals


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
    st.sampled_from(["万元", "亿元", "元"]),
)
def test_an_english_amount_is_the_chinese_amount_to_its_last_digit(
    value: float, measure: str
) -> None:
    chinese, english = fmt.amount(value, measure), fmt.amount(value, measure, "en")
    zh, zh_step = _yuan(chinese, ZH, ZH_UNITS)
    en, en_step = _yuan(english, EN, EN_UNITS)
    true = value * ZH_UNITS[measure]
    assert en_step <= zh_step  # never coarser than the Chinese reading
    slack = 1e-9 * max(1.0, abs(true))
    assert abs(en - true) <= en_step / 2 + slack, (chinese, english)
    assert abs(zh - true) <= zh_step / 2 + slack, (chinese, english)
    number, word = EN.match(english).groups()  # type: ignore[union-attr]
    # the largest word that keeps the figure at least 1; plain yuan below a million
    if word == "yuan":
        assert abs(true) < 1e6
    else:
        assert abs(float(number.replace(",", ""))) >= 1 - 1e-9


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=5e6, allow_nan=False), min_size=1, max_size=8),
    st.sampled_from(["万元", "亿元"]),
)
def test_an_english_column_reads_one_measure_to_the_chinese_columns_step(
    values: list[float], measure: str
) -> None:
    """A column (a table's, an axis's) reads in one English word, as the Chinese column
    reads in one measure, and each of its figures names the same yuan to the Chinese
    column's last digit."""
    chinese, english = fmt.amounts(values, measure), fmt.amounts(values, measure, "en")
    assert len({EN.match(e).group(2) for e in english}) == 1  # type: ignore[union-attr]
    for c, e, value in zip(chinese, english, values, strict=True):
        _, zh_step = _yuan(c, ZH, ZH_UNITS)
        en, en_step = _yuan(e, EN, EN_UNITS)
        assert en_step <= zh_step
        assert math.isclose(en, value * ZH_UNITS[measure], abs_tol=en_step / 2 + 1e-6), (c, e)


def test_hand_cases_in_english() -> None:
    """Plan four's figures and the demo's measures, as an English reader reads them."""
    assert fmt.amount(759834.0, "万元", "en") == "7.598 bn yuan"  # 75.98亿元
    assert fmt.amount(41300.5, "万元", "en") == "413 m yuan"  # 4.13亿元: to the same 0.01 亿
    assert fmt.amount(4161.6, "万元", "en") == "41.616 m yuan"  # 4,161.6万元
    assert fmt.amount(2.9, "亿元", "en") == "290 m yuan"  # 2.90亿元
    assert fmt.amount(980.0, "元", "en") == "980 yuan"
    assert fmt.amount(158, "栋", "en") == "158 buildings"
    assert fmt.amount(32, "个", "en") == "32"  # 个 counts things
    assert fmt.amount(1250, "亩", "en") == "1,250 mu"
    assert fmt.amount(0.587, "吨标准煤/万元", "en") == "0.587 tce/10k yuan"
    assert fmt.amount(3.2, "标准箱", "en") == "3.200 标准箱"  # not in the table: as written
    assert fmt.change(-13666.7, "万元", "en") == "-137 m yuan"
    assert fmt.change(0.4, "%", "en") == "+0.4 pp"


def test_a_chart_axis_and_its_hover_name_the_english_measure() -> None:
    from bxgc_ui import charts

    scale = display_scale([1_400_000.0, 980_000.0], "万元", "en")
    assert (scale.measure, scale.decimals) == ("bn yuan", 3)
    assert math.isclose(scale.apply(1_400_000.0), 14.0)
    trace = charts._Trace("东城", "#000", {}, scale=scale, lang="en")
    assert trace.hover.endswith("%{y:,.3f} bn yuan<extra></extra>")  # as the tables read
    chinese = charts._Trace("东城", "#000", {}, scale=display_scale([4161.6], "万元"))
    assert chinese.hover.endswith("%{y:,.1f}万元<extra></extra>")


def test_an_english_export_names_its_measure_and_writes_the_same_yuan() -> None:
    frame = pd.DataFrame({"unit": ["东城", "西城"], "value": [759834.0, 568505.1]})

    def sheet(header: str) -> list[tuple[object, ...]]:
        table = Table(
            "s", "t", (), frame, (Column("unit", "单位"), Column("value", header, "amount", "万元"))
        )
        book = load_workbook(io.BytesIO(workbook([table])))
        return [r for r in book.active.iter_rows(values_only=True) if any(r)]

    chinese, english = sheet("累计完成"), sheet("YTD value")
    assert chinese[-3][1] == "累计完成（亿元）" and english[-3][1] == "YTD value (bn yuan)"
    assert chinese[-2][1] == 75.9834 and english[-2][1] == 7.59834  # the same yuan


def test_a_flags_english_sentence_reads_the_stored_figure_to_its_last_digit() -> None:
    """A data-quality flag quotes stored figures as stored; in English to the same digit."""
    assert stored_amounts([1234.5], ["万元"]) == ["1,234.5万元"]
    assert stored_amounts([1234.5], ["万元"], lang="en") == ["12.345 m yuan"]
    assert stored_amounts([0.05], ["亿元"], lang="en") == ["5 m yuan"]
    assert stored_amounts([-12.0], ["亩"], signed=True, lang="en") == ["-12.0 mu"]
