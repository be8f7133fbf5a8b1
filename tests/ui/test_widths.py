"""Text broken into lines that fit: chart titles on the narrowest chart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bxgc_ui.charts import TITLE_MOST_PX, TITLE_PX
from bxgc_ui.widths import drawn_px, lines

TITLES = st.text(
    alphabet=st.sampled_from(
        [*"东城街道固定资产投资排名完成率", *"Fixed-asset 2026", *" :：,，（）()、"]
    ),
    max_size=80,
)


@given(TITLES, st.sampled_from([120.0, 250.0, 400.0]))
def test_lines_join_to_the_text_and_each_fits(text: str, most: float) -> None:
    shown = lines(text, most, TITLE_PX)
    assert "".join(shown) == text
    for line in shown[:-1]:
        assert line  # no empty line
    for line in shown:
        # a line wider than the room is one character that could not be broken further
        assert drawn_px(line.rstrip(), TITLE_PX) <= most or len(line.rstrip()) == 1


def test_a_long_title_breaks_where_a_reader_would() -> None:
    """At a colon, a comma or before a bracket, when that fills most of the line, else at
    a space; never inside a Latin word or before a closing bracket."""
    assert lines("2026年1-10月固定资产投资排名（完成率）", 250, TITLE_PX) == [
        "2026年1-10月固定资产投资排名",
        "（完成率）",
    ]
    assert lines("Fixed-asset investment, Jan-Oct 2026: ranking by completion", 250, 16) == [
        "Fixed-asset investment, ",
        "Jan-Oct 2026: ranking by ",
        "completion",
    ]
    # a Latin comma or colon ends its line with the space after it
    assert lines("Fixed-asset investment, Jan-Oct 2026: ranking by completion", 320, 16) == [
        "Fixed-asset investment, ",
        "Jan-Oct 2026: ranking by completion",
    ]
    assert lines("固定资产投资：历史与预测", TITLE_MOST_PX, TITLE_PX) == [
        "固定资产投资：历史与预测"
    ]
    # at a space rather than inside 完成情况
    assert lines("2026年1-10月 固定资产投资完成情况", 250, TITLE_PX) == [
        "2026年1-10月 ",
        "固定资产投资完成情况",
    ]
    # the bracketed words start the next line whole
    assert lines("一二三四五六七八九十一二三四（五）", 250, 16) == [
        "一二三四五六七八九十一二三四",
        "（五）",
    ]
