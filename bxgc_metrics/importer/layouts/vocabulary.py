"""The words of Chinese report sheets: header words of each field, value kinds and
cumulative flags, the words of 合计, 小计 and 注： rows, unit lines and the roles of
sub-headers such as 全年目标 or 1-6月累计.

Everything the layouts recognise by its wording is listed here, so that teaching the
importer a new word is one line in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from bxgc_metrics._memo import short_texts
from bxgc_metrics.importer.unit_line import KNOWN_MEASURES
from bxgc_metrics.periods import parse_text

UNIT_HEADERS = {
    "单位",
    "单位名称",
    "街道",
    "乡镇",
    "镇街",
    "街镇",
    "镇(街道)",
    "乡镇(街道)",
    "街道(乡镇)",
    "部门",
    "学校",
    "名称",
    "地区",
    "区域",
    "单位名",
    "unit",
    "unitname",
    "name",
}
"""Headers of the column of unit names in a wide or report sheet."""
SERIAL_HEADERS = {"序号", "编号", "行次", "行号", "no", "no.", "#", "排序"}
"""Headers of a column of row numbers (never the unit column, never figures)."""
IGNORED_HEADERS = {
    "备注",
    "说明",
    "备考",
    "remarks",
    "remark",
    "note",
    "notes",
    "责任人",
    "联系人",
    # a unit's code, as statistical forms give it beside the name
    *("代码", "区划代码", "行政区划代码", "统一社会信用代码", "信用代码", "组织机构代码"),
}
"""Headers of a report's columns that hold no figures."""
LONG_FIELDS = {
    "unit": {"单位", "单位名称", "地区", "unit", "unitname", "unit_name"},
    "indicator": {"指标", "指标名称", "项目", "indicator", "indicatorname", "indicator_name"},
    "period": {"期间", "时期", "报告期", "统计期", "统计期间", "所属期", "时间", "日期", "period"},
    "year": {"年份", "年度", "year"},
    "month": {"月份", "month"},
    "quarter": {"季度", "quarter"},
    "value": {
        *("数值", "值", "value", "数据", "完成值", "金额", "数量"),
        *("累计数", "累计值", "本年累计", "累计完成", "完成数"),  # year-to-date figures
    },
    "kind": {"类型", "数据类型", "口径", "kind", "valuekind", "value_kind", "类别"},
    "cumulative": {"累计", "是否累计", "cumulative"},
    "measure": {"计量单位", "measure", "单位(计量)"},
    "unit_code": {"unit_code", "unitcode", "单位代码", "单位编码"},
    "indicator_code": {"indicator_code", "indicatorcode", "指标代码", "指标编码"},
}
"""The headers of a long sheet's columns (as :func:`key` gives them), by field. A year
column and a month (or quarter) column together, or a year column beside a period column
that names no year (``6月``), give each row its period; either alone is the period."""
REQUIRED_LONG_FIELDS = ("unit", "indicator", "period", "value")
"""The fields a long sheet cannot do without (a code column stands for its name)."""
KINDS = {
    "实际": "actual",
    "完成": "actual",
    "实绩": "actual",
    "actual": "actual",
    "目标": "target",
    "任务": "target",
    "target": "target",
    "计划": "plan",
    "预计": "plan",
    "plan": "plan",
}
"""Value kinds as a long sheet writes them."""
TRUE = {"是", "true", "1", "1.0", "y", "yes", "累计", "累计数", "累计值", "年累计", "t", "√"}
"""A long sheet's cumulative flag saying year-to-date."""
FALSE = {
    "否",
    "false",
    "0",
    "0.0",
    "n",
    "no",
    "当月",
    "当月数",
    "当月值",
    "本月",
    "本月数",
    "单月",
    "不累计",
    "非累计",
    "否(当月)",
    "f",
    "×",
}
"""A long sheet's cumulative flag saying single-month."""
_SINGLE = re.compile(r"(?<![至到止])(?:当月|本月|单月|当季|本季|单季)|下半年")
"""当月, 本月 or 单月 (当季… for a quarter), but not the end of a range from January (1月至当月,
截至本月); and 下半年, July to December."""


_QUARTER_ALONE = re.compile(
    r"(?<!\d)(?:4\s*[-~—–至到]\s*6|7\s*[-~—–至到]\s*9|10\s*[-~—–至到]\s*12)\s*月"
)
"""A quarter written as its months, not from January (4-6月): that quarter alone."""


def says_single(text: str) -> bool:
    """Whether a heading, title or period names a single month's figures (or a single
    quarter's, or the second half's), not year-to-date ones.

    >>> says_single("10月当月"), says_single("2026年10月各街道投资完成情况（单月）")
    (True, True)
    >>> says_single("1月至当月"), says_single("当月及累计"), says_single("截至本月底")
    (False, False, False)
    """
    return bool(_SINGLE.search(text) or _QUARTER_ALONE.search(text)) and "累计" not in text


def single_month(heading: str, *, title: bool, cumulative: bool) -> bool:
    """Whether the figures under ``heading`` are single months: the heading says so, or
    the ``title`` does and the heading names no range from January or 累计.

    >>> single_month("10月", title=True, cumulative=False)
    True
    >>> single_month("10月累计", title=True, cumulative=False)
    False
    >>> single_month("1-10月", title=True, cumulative=True), single_month("10月当月", title=False, cumulative=False)
    (False, True)
    """
    return not cumulative and "累计" not in heading and (title or says_single(heading))


_WHOLE = r"全(?:市|区|县|镇|乡|街道|乡镇)"
_OPEN, _CLOSE, _MARKS = r"[(（\[【]?", r"[)）\]】]?", r"[:：.。,，;；]*"
_TOTAL_WORDS = r"(?:合计|总计|总合计|汇总|总汇总|总体|total|grand\s*total)"
_WHOLE_WORDS = r"(?:合计|总计|汇总)"
TOTAL_ROW = re.compile(
    "^(?:" + _OPEN + _TOTAL_WORDS + _CLOSE
    + "|" + _WHOLE + "(?:" + _OPEN + _WHOLE_WORDS + _CLOSE + ")?)" + _MARKS + "$",
    re.IGNORECASE,
)  # fmt: skip
"""A 合计 row (全区合计, 汇总, 全区（汇总）, 合计： too, as their spaces removed give them):
checked against the sum of the rows, not stored."""
_AVERAGE = (
    "(?:" + _WHOLE + ")?" + _OPEN + r"(?:平均|平均值|平均数|均值|average|mean)" + _CLOSE + _MARKS
)
"""An average row (平均, 全区平均): no unit and no sum, left out as a subtotal is, and never
checked against the units' sum (an average is not their total)."""
_SUMS = r"小计|其中.*|subtotal|.+(?:合计|小计|总计)|街道|乡镇|镇|乡|" + _AVERAGE
_NUMBERS = r"[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]"
SUBTOTAL_ROW = re.compile(rf"^({_SUMS}|(?:{_NUMBERS}).*)$", re.IGNORECASE)
"""A 小计 or 其中 row, or a group's (街道合计, 一、街道, （二）乡镇小计, 乡镇): skipped. No
unit is named so; a group's sum taken for a unit would rank first."""
NUMBERED_ROW = re.compile(rf"^(?:{_NUMBERS})", re.IGNORECASE)
"""A row numbered as a group is (一、东城街道, （二）城区街道): a sheet may number its
units so (:func:`~bxgc_metrics.importer.layouts.grid.body_rows` tells the two apart)."""
NUMBERED_SUM = re.compile(rf"^(?:{_NUMBERS})\s*(?:{_SUMS})$", re.IGNORECASE)
"""A numbered row whose words are a sum's or a group word's (一、街道, （二）乡镇小计):
never a unit."""
FIRST_LEVEL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
"""The first of two levels of numbering (一、 above （一）)."""
FOOTNOTE = re.compile(
    r"^(注|说明|备注|资料来源|数据来源|填报|填表|制表|审核|负责人|联系人|联系电话|统计员|note"
    r"|报出日期|报送日期|.{1,4}负责人|分管领导|主管领导)",
    re.IGNORECASE,
)
"""The first footnote row: the table ends above it. A form's sign-off lines (单位负责人：,
联系电话：, 报出日期：) end it too: a telephone number beside them is no unit's figure."""
COLUMN_LABELS = {"甲", "乙", "丙", "丁", "栏次", "栏号", "a", "b", "c", "d"}
"""What a statistical form writes under its text headings in the row that numbers its
columns (甲 | 乙 | 1 | 2 | 3…)."""
_COLUMN_NUMBER = re.compile(r"^[(（]?(\d{1,2})(?:\.0)?[)）]?$")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def numbers_columns(cells: Sequence[str]) -> bool:
    """Whether a row's filled cells number a form's columns: its labels (甲, 乙, 栏次, A, B)
    then numbers counting up by one (1, 2…, (1), (2)…, ①, ②…).

    >>> numbers_columns(["甲", "", "1", "2", "3"]), numbers_columns(["栏次", "(1)", "(2)"])
    (True, True)
    >>> numbers_columns(["甲", "500", "400"]), numbers_columns(["东城街道", "1", "2"])
    (False, False)
    """
    filled = [key(v) for v in cells if v]
    if not filled or filled[0] not in COLUMN_LABELS:
        return False
    counted = []
    for cell in filled[1:]:
        if cell in COLUMN_LABELS or (len(cell) == 1 and "a" <= cell <= "z"):
            continue
        number = _COLUMN_NUMBER.match(cell)
        if number is not None:
            counted.append(int(number.group(1)))
        elif len(cell) == 1 and cell in _CIRCLED:
            counted.append(_CIRCLED.index(cell) + 1)
        else:
            return False
    return all(b == a + 1 for a, b in pairwise(counted))


FILED = re.compile(r"(?:填报|制表|报送|打印|上报|编制|审核|填表)\s*(?:日期|时间)\s*[:：]?.*$", re.S)
"""When the sheet was filled in or printed (填报日期：2026年11月5日), and all after it in
its cell: never the period its figures are for."""
MEASURE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s,，;；)）]+)")
"""A row holding this is a unit line (or names the reporting unit), never the header."""
_MEASURE_IN_HEADER = re.compile(r"[(（\[【]\s*([^()（）\[\]【】]{1,8})\s*[)）\]】]\s*$")

_ROLE_WORDS = (
    ("plan", ("预计", "预测", "预估")),  # 全年预计完成: a forecast, not the actual
    ("completion", ("完成率", "完成进度", "完成比例", "完成比")),
    ("share", ("占比", "比重")),  # 占全区比重: a share of a whole, computed from figures
    (  # a difference or what is left (剩余任务, 距目标差额, 增减额) or last month's figure
        "gap",
        (
            *("剩余", "差额", "缺口", "差距", "尚需", "未完成"),
            *("增减额", "增减量", "增长额", "增加额", "上月", "上期", "百分点"),
        ),
    ),
    ("growth", ("同比", "增长", "增速", "增幅", "增减", "比上年")),
    ("prior", ("去年同期", "上年同期", "上年同期累计", "去年同期累计", "同期")),
    (
        "target",
        (
            "全年目标",
            "年度目标",
            "目标任务",
            "全年任务",
            "年度任务",
            "目标",
            "任务",
            "全年计划",
            "计划",
        ),
    ),
    ("pace", ("时间进度", "序时进度")),  # the share of the year gone; 序时进度目标 is a target
    ("prior", ("上年", "去年")),  # 上年1-10月, 上年完成: last year's (比上年 is growth)
    ("month", ()),  # a single period, as :func:`says_single` reads it (本月, 当季, 7-9月)
    ("rank", ("排名", "名次", "排位", "位次")),
    ("actual", ("累计", "完成", "实际", "实绩", "本年", "本期", "完成数", "完成额")),
)


_SHARE_OF_TARGET = re.compile(r"(?:完成|占).*目标.*(?:%|比)")
"""A heading of the share of the target reached (完成全年目标%, 占全年目标比例)."""
_SHARE_OF_PRIOR = re.compile(r"为(?:上年|去年)|^(?:上年|去年)(?:同期)?(?:=|＝|为)100|发展速度")
"""A heading of this year's figure as a percentage of last year's (为上年同期%, 上年=100,
发展速度): a rate, as growth is, never last year's figure. An index named with its base
(居民消费价格指数(上年=100)) is an indicator's name."""


def share_of_prior(heading: str) -> bool:
    """Whether ``heading`` holds this year's figure as a percentage of last year's.

    >>> share_of_prior("为上年同期%"), share_of_prior("上年同期"), share_of_prior("CPI(上年=100)")
    (True, False, False)
    """
    return _SHARE_OF_PRIOR.search(key(heading)) is not None


@short_texts(1 << 12)
def key(text: str) -> str:
    """A header as the word lists hold it: no white space, lower case, ASCII brackets
    (a sheet's headings are read again by every rule that looks at them, and next month's
    file has the same ones: each text is worked out once).

    >>> key(" 单位（计量） "), key("Unit Name")
    ('单位(计量)', 'unitname')
    """
    return re.sub(r"\s+", "", text).lower().replace("（", "(").replace("）", ")")


@short_texts(1 << 12)
def header_role(text: str) -> str | None:
    """The role of a sub-header such as 全年目标 or 1-6月累计; ``None`` if unknown (each
    text worked out once, as :func:`key`).

    >>> header_role("全年目标"), header_role("1-6月累计"), header_role("完成率(%)")
    ('target', 'actual', 'completion')
    >>> header_role("同比增长%"), header_role("去年同期"), header_role("1-6月")
    ('growth', 'prior', 'actual')
    >>> header_role("为上年同期%"), header_role("上年=100")
    ('growth', 'growth')
    """
    clean = key(text)
    if not clean:
        return None
    if _SHARE_OF_TARGET.search(clean):  # 完成全年目标%, 占全年目标比例: a completion rate
        return "completion"
    if share_of_prior(clean):  # 为上年同期%: growth written as 108.5, not 上年同期
        return "growth"
    for role, words in _ROLE_WORDS:
        # 1月至当月累计 is year-to-date, not this month's
        if says_single(clean) if role == "month" else any(word in clean for word in words):
            return role
    period = parse_text(clean)
    return "actual" if period is not None else None


def split_measure(header: str) -> tuple[str, str | None]:
    """``地方一般公共预算收入（万元）`` → (``地方一般公共预算收入``, ``万元``).

    >>> split_measure("固定资产投资(亿元)"), split_measure("高层楼宇")
    (('固定资产投资', '亿元'), ('高层楼宇', None))
    >>> split_measure("1-10月累计【亿元】"), split_measure("1-10月累计（亿）")
    (('1-10月累计', '亿元'), ('1-10月累计', '亿'))
    """
    match = _MEASURE_IN_HEADER.search(header)
    if match and match.group(1).strip() in (*KNOWN_MEASURES, *_SCALES):
        return header[: match.start()].strip(), match.group(1).strip()
    return header.strip(), None


def heading_measure(header: str) -> tuple[str, str | None]:
    """:func:`split_measure` of a column's heading, which may also set its measure apart
    with a slash, a comma or a space (a title may not: 主要经济指标 单位为亿元、% is its
    unit line's).

    >>> heading_measure("1-10月累计/亿元"), heading_measure("1-10月累计，亿元")
    (('1-10月累计', '亿元'), ('1-10月累计', '亿元'))
    >>> heading_measure("收入 万元"), heading_measure("1-10月累计（亿元）")
    (('收入', '万元'), ('1-10月累计', '亿元'))
    >>> heading_measure("能耗 吨标准煤/万元"), heading_measure("吨标准煤/万元"), heading_measure("增长%")
    (('能耗', '吨标准煤/万元'), ('吨标准煤/万元', None), ('增长%', None))
    """
    text, measure = split_measure(header)
    if measure is not None:
        return text, measure
    # the longest known measure the heading ends with decides (吨标准煤/万元, not 万元)
    measure = next((m for m in _LONGEST_FIRST if text.endswith(m)), None)
    if measure is None:
        return text, None
    before = text[: -len(measure)]
    if before.rstrip(_MEASURE_SEPARATORS) and before[-1:] in _MEASURE_SEPARATORS:
        return before.rstrip(_MEASURE_SEPARATORS).strip(), measure
    return text, None


_LONGEST_FIRST = sorted(KNOWN_MEASURES, key=len, reverse=True)
_MEASURE_SEPARATORS = "/／,，、 \t"
"""What sets a measure apart after a heading (1-10月累计/亿元, 1-10月累计，亿元, … 亿元)."""
_SCALES = ("亿", "万", "千", "百万", "千万", "万亿")
"""A scale in brackets where a measure stands (1-10月累计（亿）): read as that measure, which
no indicator has, so the figures are refused at their cells rather than read as the
indicator's own measure."""
