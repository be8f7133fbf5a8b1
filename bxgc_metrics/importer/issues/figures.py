"""Catalogue: what the rules find in the figures (not numbers, out of range, duplicated,
unconvertible, inconsistent with the stored figures or with the sheet's own totals)."""

from __future__ import annotations

from bxgc_metrics.importer.issues.core import INFO, WARNING, Kind, Message

AMBIGUOUS_NUMBER = Kind(
    "“{raw}”中的逗号或点不能确定是小数点还是千位分隔符：小数请用点（如 389005.5），"
    "千位分隔请每三位一个逗号（如 389,005）。",
    "In '{raw}' a comma or dot could be a decimal point or a thousands separator: "
    "write decimals with a point (389005.5) and thousands with a comma every three "
    "digits (389,005).",
    code="ambiguous_number",
)
NOT_A_NUMBER = Kind(
    "“{raw}”不是数字：应填写数值，缺数据可留空或填“—”。",
    "'{raw}' is not a number: expected a number; leave the cell empty or write "
    "— when there is no figure.",
    code="not_a_number",
)
MISSING_MARKER = Kind(
    "“{raw}”按无数据处理，该行未导入：请确认这里确实没有数据。",
    "'{raw}' is read as no figure and the row is not imported: check that there is indeed none.",
    code="missing_marker",
    severity=WARNING,
)
TOO_LARGE = Kind(
    "数值 {raw} 按“{indicator}”的计量单位{measure}为 {figure:.3g}，超出任何报表的数值范围："
    "请核对数值和计量单位。",
    "The figure {raw} is {figure:.3g} {measure}, the measure of '{indicator}': beyond any "
    "report's figures. Check the figure and its measure.",
    code="too_large",
)
PERCENT_IN_AMOUNT = Kind(
    "“{raw}”带百分号，而“{indicator}”的计量单位是{measure}：请填写以{measure}计的数值。",
    "'{raw}' carries a percent sign, but '{indicator}' is measured in {measure}: give the "
    "figure in {measure}.",
    code="percent_in_amount",
)
YEAR_OUT_OF_RANGE = Kind(
    "年份 {year} 超出范围（应在 {low}-{high} 之间）。",
    "Year {year} is out of range (expected {low}-{high}).",
    code="year_out_of_range",
)
ACTUAL_IN_FUTURE = Kind(
    "{year}年的实际完成数属于尚未开始的时期（今天是 {today:%Y-%m-%d}）：是否应为目标或计划？",
    "An actual figure for {year} belongs to a period that has not begun "
    "(today is {today:%Y-%m-%d}): should it be a target or plan?",
    code="actual_in_future",
)
ACTUAL_NOT_ENDED = Kind(
    "实际完成数的时期是{period}，尚未结束（今天是 {today:%Y-%m-%d}）：若是年内累计数，"
    "请在列标题中写明月份，如“1-10月累计”；若是全年目标，请写作“全年目标”。",
    "An actual figure for {period_en}, which has not ended (today is {today:%Y-%m-%d}): if "
    "it is year to date, name its months in the heading, e.g. January–October; if it is "
    "the year's target, say target in the heading.",
    code="actual_not_ended",
)
WHOLE_YEAR = Kind(
    "全年实际数按该指标自己的口径存储：月度流量指标的全年数存为1-12月累计（增速为1-12月累计增速），"
    "年度指标的1-12月累计存为全年数。",
    "Whole-year actual figures are stored as each indicator's own series reads them: a "
    "monthly flow's year as its January–December total (a growth rate's as its "
    "January–December rate), a yearly indicator's January–December total as its year.",
    code="whole_year",
    severity=INFO,
)
OFF_FREQUENCY = Kind(
    "“{indicator}”按{own}统计，此格是{period}的实际数：该数会保存，但各页面只读该指标的{own}数，"
    "排名和赶超轨迹中都不会出现它。如需显示，请填报该指标的{own}数。",
    "'{indicator}' is counted {own_en}; this cell is an actual figure for {period_en}: it is "
    "stored, but the pages read only this indicator's {own_en} figures, so it appears in no "
    "ranking or catch-up chart. To show it, report the indicator's {own_en} figures.",
    code="off_frequency",
    severity=WARNING,
)
NEGATIVE_VALUE = Kind(
    "“{indicator}”不能为负数，发现 {raw}。",
    "'{indicator}' cannot be negative; found {raw}.",
    code="negative_value",
)
DUPLICATE_CONFLICT = Kind(
    "同一单位、指标、时期出现多次且数值不同（{unit}，{indicator}，{raw}）：请只保留一行。",
    "The same unit, indicator and period appears more than once with different values "
    "({unit}, {indicator}, {raw}): keep one row.",
    code="duplicate_conflict",
)
DUPLICATE_SAME = Kind(
    "重复行，数值相同，只导入一次。",
    "Repeated row with the same value; imported once.",
    code="duplicate_same",
    severity=WARNING,
)
JUMP = Kind(
    "数值 {figure} 是上期（{before:,.2f}）的 {ratio} 倍：请核对计量单位。",
    "Value {figure} is {ratio}× the previous figure ({before:,.2f}): check the unit of measure.",
    code="jump",
    severity=WARNING,
)
RATE_OFF_PEERS = Kind(
    "数值 {raw} 是同期各单位中位数（{before:,.2f}）的 {ratio} 倍："
    "请核对是否把百分数写成了小数（如 8.5% 写成 0.085），或把小数写成了百分数。",
    "Value {raw} is {ratio}× the median of the units in this period ({before:,.2f}): check "
    "whether a percentage was written as a share (8.5 % as 0.085), or the other way round.",
    code="rate_off_peers",
    severity=WARNING,
)
CUMULATIVE_DROP = Kind(
    "累计值 {figure} 低于上月累计 {before:,.2f}：累计数不应减少，请核对。",
    "Year-to-date value {figure} is below the previous month's {before:,.2f}; "
    "a cumulative figure should not fall.",
    code="cumulative_drop",
    severity=WARNING,
)
COMPLETION_OVER_300 = Kind(
    "完成率 {rate:.0%}，超过 300%（目标 {target:,.2f}）：请核对。",
    "Completion is {rate:.0%}, above 300 % (target {target:,.2f}): please check.",
    code="completion_over_300",
    severity=WARNING,
)
TOTAL_MISMATCH = Kind(
    "合计行 {total:,.2f} 与各单位之和 {sum:,.2f} 不符。",
    "The total row {total:,.2f} does not equal the sum of the rows {sum:,.2f}.",
    code="total_mismatch",
    severity=WARNING,
)
STATED_COMPLETION_MISMATCH = Kind(
    "表中完成率 {raw} 与数据计算结果 {computed:.1f}% 不符。",
    "The stated completion rate {raw} does not match {computed:.1f}% computed from the figures.",
    code="stated_completion_mismatch",
    severity=WARNING,
)
STATED_GROWTH_MISMATCH = Kind(
    "表中同比增长 {raw} 与数据计算结果 {computed:.1f}% 不符。",
    "The stated growth {raw} does not match {computed:.1f}% computed from the figures.",
    code="stated_growth_mismatch",
    severity=WARNING,
)
STATED_INDEX_MISMATCH = Kind(
    "表中为上年同期的 {raw} 与数据计算结果 {computed:.1f}% 不符。",
    "The stated percentage of last year {raw} does not match {computed:.1f}% computed from "
    "the figures.",
    code="stated_growth_mismatch",
    severity=WARNING,
)
STATED_MISMATCH = {
    "completion": STATED_COMPLETION_MISMATCH,
    "growth": STATED_GROWTH_MISMATCH,
    "index": STATED_INDEX_MISMATCH,
}
"""The entry of a stated rate by what it states."""
CONVERTED = Kind(
    "“{indicator}”按{source}填报，已换算为{target}（{factor}）。",
    "'{indicator}' was given in {source}; converted to {target} ({factor}).",
    code="converted",
    severity=INFO,
)
MEASURE_MISMATCH = Kind(
    "计量单位“{source}”与指标“{indicator}”的计量单位“{target}”不一致，无法换算。",
    "Measure '{source}' does not convert to '{target}', the measure of '{indicator}'.",
    code="measure_mismatch",
)
LINE_MEASURE_MISMATCH = Kind(
    "按单位行“{line}”读取的计量单位“{source}”与指标“{indicator}”（{letter}列）的"
    "计量单位“{target}”不一致，无法换算：请改正单位行，或在该列标题中写明计量单位。",
    "The measure '{source}' read from the unit line '{line}' does not convert to "
    "'{target}', the measure of '{indicator}' (column {letter}): correct the unit "
    "line or name the column's measure in its heading.",
    code="measure_mismatch",
)
ASSUMED_YTD = Kind(
    "月度流量指标按1月至当月的累计数处理。",
    "Monthly flow figures are taken as year-to-date totals.",
    code="assumed_ytd",
    severity=INFO,
)
QUARTER_ASSUMED_YTD = Kind(
    "本表 {count} 个季度或下半年的数（第一个在此格）按年初至该期末的累计数导入，如“三季度”按"
    "1-3季度累计：若是该季度或半年单期的数，请在列标题或标题中写明“当季”，或改填累计数。",
    "{count} quarter or second-half figures of this sheet (the first is here) are imported "
    "as year-to-date, the third quarter as January to September: if they are the quarter "
    "or half alone, mark the heading or title as single-quarter, or give the year-to-date "
    "figures.",
    code="quarter_assumed_ytd",
    severity=WARNING,
)
FLAT_AS_YTD = Kind(
    "“{indicator}”的月度数按1月至当月的累计数导入，但 {count} 个单位的数几乎不随月份增长"
    "（如此格为 {figure}，同一单位{month}月为 {first}）：这像是各月的当月数。若是，请在标题或"
    "列标题中写明“当月”，或改填累计数。",
    "'{indicator}' monthly figures are imported as year-to-date, but for {count} units they "
    "hardly grow from month to month (here {figure}, against {first} in month {month} for the "
    "same unit): they look like each month's own figures. If so, mark the title or headings "
    "as single-month, or give year-to-date figures.",
    code="flat_as_ytd",
    severity=WARNING,
)
MONTHS_MISSING = Kind(
    "“{indicator}”是按月份填报的当月数，{year}年须从1月起逐月齐全才能换算为累计数。",
    "'{indicator}' is given as single-month figures; every month of "
    "{year} from January is needed to turn them into year-to-date figures.",
    code="months_missing",
)
RATE_SINGLE_MONTH = Kind(
    "“{indicator}”的这个数是单月（当月）的比率或增速，而此处存的是1月至当月的累计值，"
    "二者不能混存：请改填1月至当月的累计值。",
    "This figure of '{indicator}' is a single month's rate or growth, where the series "
    "holds year-to-date values, and the two cannot share it: give the year-to-date value.",
    code="rate_single_month",
)
MONTHS_TO_YTD = Kind(
    "当月数已换算为累计数（1月至当月之和）。",
    "Single-month figures were turned into year-to-date figures.",
    code="months_to_ytd",
    severity=INFO,
)
NOT_WRITTEN = Message(
    "文件有 {count} 个错误，未写入任何数据。第一个：{first}",
    "The file has {count} errors; nothing was written. First: {first}",
)
"""Why :func:`~bxgc_metrics.importer.service.commit` refuses a plan with errors."""
