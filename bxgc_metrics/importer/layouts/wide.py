"""The wide layout: one row per unit (optionally per unit and indicator), one column per
period (``2019``, ``2019年``, ``2024-06``, ``2024年6月``, ``1-6月``); the indicator is
named by its own column, else by the title or the sheet name."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.columns import constant
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.layouts.grid import (
    LEFT_OUT_NOTES,
    against,
    block,
    body_rows,
    column_measure,
    holds_figures,
    inner_lines,
    numbering_note,
    repeated,
    repeated_headers,
    split_figures,
    subtotal_note,
    tiled,
    unit_column,
    without_split_columns,
)
from bxgc_metrics.importer.layouts.records import (
    RECORD_COLUMNS,
    ParsedSheet,
    failed,
    field_columns,
)
from bxgc_metrics.importer.layouts.vocabulary import (
    IGNORED_HEADERS,
    LONG_FIELDS,
    SERIAL_HEADERS,
    header_role,
    heading_measure,
    key,
    single_month,
    split_measure,
)
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import UnitLine, before_line
from bxgc_metrics.periods import PeriodText, parse_text, year_digits

WHOLE_YEAR_COLUMNS = frozenset({"全年", "全年完成", "全年累计", "全年实际"})
"""Headings (as :func:`key` gives them) of the whole year of the title's year, where no
single month stands beside them (beside single months, 全年 is their total)."""


YEAR_TARGETS = frozenset(
    {"全年目标", "年度目标", "目标", "目标任务", "全年任务", "年度任务", "全年计划", "年度计划"}
)
"""Headings (as :func:`key` gives them) of the title's year's target."""
_YEAR_TARGET = re.compile(
    r"^(?:全年|年度|本年|今年|年初)?(?:考核|预期|下达|[市区县镇]?(?:定|下达))?"
    r"(?:目标|任务|计划)(?:任务)?(?:数|值|额)?$"
)
"""A heading of the year's target as offices write it (全年目标任务, 考核目标, 预期目标,
区下达任务, 任务数): one such heading beside the figures is the title's year's target;
where several stand (保底目标 beside 奋斗目标, 目标 beside 计划) only a heading of
:data:`YEAR_TARGETS` is, and the others are left out with a warning."""


def _year_targets(header: pd.Series, skip: dict[int, PeriodText]) -> set[int]:
    """The positions of the header's headings of the title's year's target."""
    named = [
        p for p, v in enumerate(header.values) if v and p not in skip and _YEAR_TARGET.match(key(v))
    ]
    if len(named) == 1:
        return set(named)
    return {p for p in named if key(header.iat[p]) in YEAR_TARGETS}


_BARE_YEAR = re.compile(r"^\s*(?:19|20|21)\d{2}(?:\.0+)?\s*(?:年度?)?\s*$")
"""A heading that names a year and nothing else (2017年, 2017)."""


def _same_period_last_year(header: pd.Series, found: dict[int, PeriodText]) -> None:
    """去年同期 (上年同期, 上年同月) beside one period of this year, a year earlier, added to
    ``found``: not beside a 当月 column, whose single month it would be, nor beside
    several periods, of which it could be any."""
    periods = {p for p in found.values() if p.year is not None}
    if len(periods) != 1 or any(header_role(v) == "month" for v in header.values if v):
        return
    (period,) = periods
    for position, value in enumerate(header.values):
        if position in found or not value or header_role(value) != "prior":
            continue
        if _SAME_PERIOD.search(str(value)):
            found[position] = replace(period, year=period.year - 1)  # type: ignore[operator]


def _titles_months(header: pd.Series, title: PeriodText | None) -> dict[int, PeriodText]:
    """The one heading of figures that names no period (累计完成, 本年累计, 完成数) under a
    title that names months (2026年1-10月…): that heading's figures are the title's months.
    Under a single month (2026年10月…) only a heading that says 累计 is read, as January
    to that month; 完成数 there could be either. Nothing where two such headings stand
    (which is the figure?) or the title names a year only (not yet ended, or ended)."""
    if title is None or title.year is None or title.freq != "M":
        return {}
    bare = [
        p
        for p, v in enumerate(header.values)
        if v and _BARE_FIGURE.match(key(v)) and (title.cumulative or "累计" in v)
    ]
    if len(bare) != 1:
        return {}
    return {bare[0]: replace(title, cumulative=title.cumulative or title.sub > 1)}


_BARE_FIGURE = re.compile(
    r"^(?=.*(?:累计|完成|实现|本期))(?:本年|今年|本期|年初至今|本月(?=累计))?"
    r"(?:累计)?(?:实际)?(?:完成|实现)?(?:数|额|值)?$"
)
"""A heading of year-to-date figures naming no period (累计, 累计完成, 本年累计, 完成数,
实际完成, 本期, 本期数, 本月累计), as :func:`key` gives it: one of 累计, 完成, 实现 or 本期
at least; never 本月完成 (this month alone)."""
_SAME_PERIOD = re.compile(r"同期|同月|^(?:上年|去年)累计")
"""A heading of last year's figure for the same period (去年同期, 上年同月, 同期数, and
上年累计 beside 本年累计)."""


def period_columns(header: pd.Series, title: PeriodText | None) -> dict[int, PeriodText]:
    """The header's period columns by position; a period without a year takes the
    title's. 全年 is the title's whole year where no column is a single month (一季度,
    上半年, 前三季度, 全年 under 2025年…), and otherwise the months' total
    (:data:`TOTAL_COLUMNS`); 全年目标 is the title's year's target (:data:`_YEAR_TARGET`)."""
    found = {}
    for position, value in enumerate(header.values):
        period = parse_text(value) if value else None
        if period is None:
            continue
        if period.year is None and title is not None and title.year is not None:
            # 去年1-10月 under 2026年…: last year's months
            last = header_role(value) == "prior"
            period = period.in_year(title.year - 1 if last else title.year)
        elif (
            title is not None
            and title.freq != "Y"
            and period.freq == "Y"
            and _BARE_YEAR.match(str(value))
        ):
            period = replace(title, year=period.year)  # 2017年 under 1-10月: that year's 1-10月
        if period.year is not None:
            found[position] = period
    if not found:
        found.update(_titles_months(header, title))
    _same_period_last_year(header, found)
    if title is None or title.year is None:
        return dict(sorted(found.items()))
    whole = PeriodText("Y", title.year, 0, cumulative=False)
    months = any(p.freq == "M" and not p.cumulative for p in found.values())
    targets = _year_targets(header, found)
    for position, value in enumerate(header.values):
        if position in found or not value:
            continue
        if (key(value) in WHOLE_YEAR_COLUMNS and not months) or position in targets:
            found[position] = whole
    return dict(sorted(found.items()))


def parse(
    sheet: Sheet,
    text: pd.DataFrame,
    header_at: int,
    *,
    period_cols: dict[int, PeriodText],
    meta: str,
    line: UnitLine | None,
    title: PeriodText | None,
    single: bool = False,
    ytd: bool = False,
) -> ParsedSheet:
    """The records of a wide sheet whose header (row ``header_at``) names the periods
    ``period_cols``; ``meta`` is the text above the header, and ``single`` whether it
    says the figures are single months (当月) where a heading does not say otherwise, or
    ``ytd`` year-to-date (累计)."""
    header = text.iloc[header_at]
    indicator_col = next(
        (p for p, v in enumerate(header.values) if key(v) in LONG_FIELDS["indicator"]), None
    )
    # a column of measures (计量单位) gives each row's figures theirs
    measure_col = next(
        (p for p, v in enumerate(header.values) if key(v) in LONG_FIELDS["measure"]), None
    )
    skip = set(period_cols) | {c for c in (indicator_col, measure_col) if c is not None}
    unit_col = unit_column(header, text.iloc[header_at + 1 :], skip)
    if unit_col is None:
        return failed(sheet, issues.NO_UNIT_COLUMN, sheet.row_number(header_at))
    rows, totals, subtotals, numbering = body_rows(text, header_at + 1, unit_col)
    repeats = set(
        repeated_headers(text, rows, [header_at], unit_col=unit_col)[0]
    )  # repeated on each page
    rows = [r for r in rows if r not in repeats]
    title_indicator, title_measure = split_measure(title_indicator_of(meta, sheet.name))
    roles = {p: header_role(header.iloc[p]) for p in period_cols}
    if _GROWTH_NAMED.search(title_indicator):  # 增速 under a title of 增速: the figures
        roles = {p: None if r in ("growth", "decline") else r for p, r in roles.items()}
    positions = [p for p in period_cols if roles[p] not in LEFT_OUT]
    periods = [period_cols[p] for p in positions]
    singles = [
        single_month(header.iloc[p], title=single, cumulative=period.cumulative)
        for p, period in zip(positions, periods, strict=True)
    ]
    months = _months_of(positions, period_cols, roles)
    quarters = [] if months else _quarters_of(positions, period_cols, roles)
    reading, notes, judged = _by_total(
        sheet,
        text,
        rows=rows,
        header_at=header_at,
        unit_col=unit_col,
        months=months or quarters,
        quarters=bool(quarters),
    )
    read = {unit_col, *positions} | {
        c for c in (indicator_col, judged, measure_col) if c is not None
    }
    notes += without_split_columns(
        _left_out(sheet, text, rows=rows, header_at=header_at, read=read, periods=period_cols),
        split_figures(sheet, text, heads=[header_at], rows=rows),
    )
    # a measure in a column's own heading (1-10月累计（亿元）) wins over the title's and the line's
    heading_measures = [heading_measure(str(header.iloc[p]))[1] for p in positions]
    measures = [column_measure(own or title_measure, line) for own in heading_measures]
    notes += _against_line(
        sheet, header_at, positions=positions, measures=heading_measures, line=line
    )
    per_column: dict[str, list] = {
        "measure": [m for m, _ in measures],
        "from_line": [from_line for _, from_line in measures],
        "value_kind": ["target" if roles[p] == "target" else "actual" for p in positions],
        "freq": [p.freq for p in periods],
        "year": [p.year for p in periods],
        "sub": [p.sub for p in periods],
        "cumulative": [
            p.cumulative or (ytd and p.freq != "Y") or (reading == "last" and at in quarters)
            for p, at in zip(periods, positions, strict=True)
        ],
        "single": [
            s or (reading == "summed" and p in months + quarters and not period_cols[p].cumulative)
            for s, p in zip(singles, positions, strict=True)
        ],
    }
    parts = []
    for chosen in (rows, totals):
        part = block(sheet, text, chosen, positions=positions, unit_col=unit_col)
        names = (
            tiled(text.iloc[chosen, indicator_col].to_numpy(dtype=object), len(positions))
            if indicator_col is not None
            else constant(title_indicator, len(part))
        )
        given = repeated(per_column, len(chosen))
        if measure_col is not None:
            given |= _row_measures(text, chosen, given, at=measure_col, k=len(positions))
        parts.append(part.assign(indicator_name=names, **given)[list(RECORD_COLUMNS)])
    records, totals_f = parts
    notes += subtotal_note(sheet, subtotals, unit_col=unit_col)
    notes += numbering_note(sheet, text, numbering, unit_col=unit_col)
    notes += inner_lines(sheet, text, sorted(rows + totals), line=line)
    if indicator_col is None:
        notes.append(issues.INDICATOR_FROM_TITLE.at(sheet.name, indicator=title_indicator))
    named = {"unit": unit_col} | ({"indicator": indicator_col} if indicator_col is not None else {})
    return ParsedSheet(
        sheet.name,
        "wide",
        records,
        totals=totals_f,
        issues=tuple(notes),
        period=title,
        field_columns=field_columns(sheet, named),
        field_cells={} if indicator_col is not None else _title_cell(sheet, text, header_at),
    )


def _row_measures(
    text: pd.DataFrame, rows: list[int], given: dict, *, at: int, k: int
) -> dict[str, pd.Categorical | np.ndarray]:
    """The measure and ``from_line`` of each of ``k`` columns' figures in ``rows``, where
    the row's measure column names one (亿元 beside 固定资产投资, 万元 beside 收入): it wins
    over the heading's, the title's and the unit line's."""
    own = np.tile(text.iloc[rows, at].to_numpy(dtype=object), k)
    named = np.array([bool(v) for v in own], dtype=bool)
    shown = np.asarray(given["measure"], dtype=object)
    return {
        "measure": pd.Categorical(np.where(named, own, shown)),
        "from_line": np.asarray(given["from_line"], dtype=bool) & ~named,
    }


def _against_line(
    sheet: Sheet,
    header_at: int,
    *,
    positions: list[int],
    measures: list[str | None],
    line: UnitLine | None,
) -> list[Issue]:
    """A warning at each period heading whose own measure contradicts the unit line
    (:func:`~bxgc_metrics.importer.layouts.grid.against`): the heading's is read."""
    return [
        issues.HEADING_AGAINST_LINE.at(
            sheet.name,
            sheet.row_number(header_at),
            sheet.column_letter(p),
            value=m,
            heading=m,
            line=line.text,
        )
        for p, m in zip(positions, measures, strict=True)
        if line is not None and against(m, line)
    ]


def _title_cell(
    sheet: Sheet, text: pd.DataFrame, header_at: int
) -> dict[str, tuple[int, str | None]]:
    """Where the title that names a wide sheet's indicator stands: its first filled cell
    above the header (``{}`` when nothing is above it)."""
    for row in range(header_at):
        filled = [p for p, v in enumerate(text.iloc[row].tolist()) if v]
        if filled:
            return {"indicator": (sheet.row_number(row), sheet.column_letter(filled[0]))}
    return {}


_STATUS = re.compile(
    r"[(（](?:快报|初步(?:统计|核算)?数?|预计|预估|修订(?:版|后|数)?|终审|正式(?:数|版)?|初值|终值"
    r"|月报|季报|年报|草稿|征求意见稿|续)[)）]"
    r"|[(（][^()（）]*(?:截至|截止|截到)[^()（）]*[)）]"  # （截至2025年12月31日）
)
"""A report's status in brackets after its title (（快报）, （初步统计）, （修订）), which is
not part of the indicator's name as a qualifier (（不含基金）) is."""


_YEAR_WORD = r"(?:19|20)\d{2}\s*年?"
_TITLE_YEARS = re.compile(
    _YEAR_WORD
    + r"(?:\s*[-~至到]\s*"
    + _YEAR_WORD
    + r"|\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?(?!\s*[-~—–至到]))?"
)
"""The years a title names (2026年, 2019-2025年; 二〇二六年 once in digits), with a month
after one (2026年10月): not part of the indicator's name."""
_TITLE_PERIOD = re.compile(
    r"\d{1,2}\s*(?:月份?)?\s*[-~—–至到]\s*\d{1,2}\s*月份?"
    r"|[一二三四五六七八九十]+\s*月?\s*[-~—–至到]\s*[一二三四五六七八九十]+\s*月份?"
    r"|前\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*个?月"
    r"|上半年|下半年|前?[一二三四1-4]\s*季度"
)
"""The months a title names (1-10月, 一至十月, 前10个月, 前三季度): not part of the
indicator's name."""


def title_indicator_of(meta: str, sheet_name: str) -> str:
    """The indicator named by a title such as ``2019-2025年各街道地方一般公共预算收入``.

    >>> title_indicator_of("2019-2025年各街道地方一般公共预算收入 单位：万元", "表1")
    '地方一般公共预算收入'
    >>> title_indicator_of("2026年各街道固定资产投资当月完成情况", "表1")
    '固定资产投资'
    >>> title_indicator_of("2025年各街道固定资产投资完成情况（万元）", "表1")
    '固定资产投资(万元)'
    >>> title_indicator_of("各街道前10个月地方一般公共预算收入", "表1")
    '地方一般公共预算收入'
    >>> title_indicator_of("各街道地方一般公共预算收入完成情况（1-10月）", "表1")
    '地方一般公共预算收入'
    >>> title_indicator_of("2026年一至十月各街道固定资产投资", "表1")
    '固定资产投资'
    >>> title_indicator_of("二〇二六年1-10月各街道地方一般公共预算收入完成情况", "表1")
    '地方一般公共预算收入'
    >>> title_indicator_of("2026年10月份各街道地方一般公共预算收入", "表1")
    '地方一般公共预算收入'
    >>> title_indicator_of("2026年1月至10月各街道固定资产投资", "表1")
    '固定资产投资'
    >>> title_indicator_of("2026年各街道地方一般公共预算收入 單位：億元", "表1")
    '地方一般公共预算收入'
    >>> title_indicator_of("2026年各街道地方一般公共预算收入 单 位：亿元", "表1")
    '地方一般公共预算收入'
    """
    source = before_line(meta) if meta else sheet_name
    clean = _TITLE_YEARS.sub("", year_digits(source))
    clean = _TITLE_PERIOD.sub("", clean)
    clean = re.sub(r"[(（]\s*[)）]", "", clean)  # 完成情况（1-10月）: the brackets emptied
    clean = re.sub(
        r"^(?:各|全市|全区|全县)(?:街道|乡镇|镇街|街镇|单位|部门)?(?:[(（][^)）]*[)）])?",
        "",
        clean.strip(),
    )
    clean, measure = split_measure(_STATUS.sub("", clean).strip())  # …完成情况（万元）
    for _ in range(2):  # 分季度完成情况, 完成情况分年度
        clean = re.sub(
            r"(完成情况|统计表|情况表|汇总表|一览表|表|目标任务|目标|任务分解|任务)$",
            "",
            clean.strip(),
        )
        clean = re.sub(r"(分年度|分季度|分月度?|逐月)$", "", clean.strip())
    clean = re.sub(r"[(（]?(?:当月|本月|单月|累计)(?:数|值)?[)）]?$", "", clean.strip())
    clean = clean.strip(" ：:")
    return (f"{clean}({measure})" if measure else clean) if clean else sheet_name


def _months_of(
    positions: list[int], period_cols: dict[int, PeriodText], roles: dict[int, str | None]
) -> list[int]:
    """The columns of one month's actual figures each (10月), in order, after the range
    from January published before them, if any (1-2月 then 3月, 4月…)."""
    actual = [
        p for p in positions if period_cols[p].freq == "M" and roles[p] not in ("target", "plan")
    ]
    alone = sorted(
        (p for p in actual if not period_cols[p].cumulative), key=lambda p: period_cols[p].sub
    )
    if not alone:
        return []
    first = period_cols[alone[0]].sub
    before = [p for p in actual if period_cols[p].cumulative and period_cols[p].sub < first]
    return sorted(before, key=lambda p: period_cols[p].sub)[-1:] + alone


def _quarters_of(
    positions: list[int], period_cols: dict[int, PeriodText], roles: dict[int, str | None]
) -> list[int]:
    """The columns of one quarter's actual figures each (一季度 … 四季度), in order, where
    there are two at least."""
    alone = [
        p
        for p in positions
        if period_cols[p].freq == "Q"
        and not period_cols[p].cumulative
        and roles[p] not in ("target", "plan")
    ]
    return sorted(alone, key=lambda p: period_cols[p].sub) if len(alone) >= 2 else []


TOTAL_COLUMNS = frozenset(
    {"合计", "总计", "全年", "全年合计", "年度合计", "合计数", "累计", "全年累计"}
)
"""Headings of a wide sheet's column of its months' total (as :func:`key` gives them)."""


_GROWTH_NAMED = re.compile(r"增速|增长率|增幅|增长")
"""A title naming a growth rate as its indicator (规上工业增加值增速): a column headed
1-10月累计增速 holds its figures, not a growth of them."""
LEFT_OUT = LEFT_OUT_NOTES | {
    "growth": issues.DERIVED_COLUMN,  # 2025年增幅（%）
    "decline": issues.DERIVED_COLUMN,
    "completion": issues.DERIVED_COLUMN,
}
"""Roles of a wide sheet's columns left out, each with its note, whether or not the
heading names a period (2026年预计, 2025年增幅（%）, 排名)."""


def _left_out(
    sheet: Sheet,
    text: pd.DataFrame,
    *,
    rows: list[int],
    header_at: int,
    read: set[int],
    periods: dict[int, PeriodText],
) -> list[Issue]:
    """A warning at the heading of each column of figures that is not ``read`` (考核得分,
    a 合计 beside too few months to check it): they would be dropped without a word.
    Serial numbers and notes are not figures. 上年同期 beside 本月 and 累计 (``periods``)
    could be either's a year earlier: it asks for its period."""
    header = text.iloc[header_at]
    month = next((v for v in header.values if v and header_role(v) == "month"), None)
    ytd = [p for p in periods.values() if p.cumulative and p.freq == "M"]

    # the target read, which another target column beside it is said to second
    taken = next(
        (
            header.iat[p]
            for p in sorted(read & set(periods))
            if periods[p].freq == "Y" and header_role(header.iat[p]) == "target"
        ),
        None,
    )
    found = []
    for position, heading in enumerate(header.values):
        if position in read or key(heading) in IGNORED_HEADERS | SERIAL_HEADERS or not rows:
            continue
        at = (sheet.name, sheet.row_number(header_at), sheet.column_letter(position))
        role = header_role(heading) if heading else None
        if role in LEFT_OUT:  # 2025年增幅（%）, 排名, 增减额: said as a report says them
            found.append(LEFT_OUT[role].at(*at, value=heading, heading=heading))
            continue
        if role == "month":  # 本月 beside 累计: the year-to-date figure is read
            found.append(issues.COLUMN_NOT_IMPORTED.at(*at, value=heading, heading=heading))
            continue
        if role == "prior" and month is not None and len(ytd) == 1:
            kind = issues.PRIOR_UNCLEAR
            found.append(kind.at(*at, value=heading, heading=heading, month=month, sub=ytd[0].sub))
            continue
        if role == "target" and taken is not None:  # 力争目标 beside 全年目标
            found.append(issues.SECOND_TARGET.at(*at, value=heading, heading=heading, taken=taken))
            continue
        if not holds_figures(text.iloc[rows, position]):
            continue
        written = str(sheet.cells.iat[header_at, position]) if heading else ""
        name = issues.Text(written, written) if heading else issues.NO_HEADING
        found.append(issues.WIDE_COLUMN_LEFT_OUT.at(*at, value=written, name=name))
    return found


def _by_total(
    sheet: Sheet,
    text: pd.DataFrame,
    *,
    rows: list[int],
    header_at: int,
    unit_col: int,
    months: list[int],
    quarters: bool = False,
) -> tuple[str | None, list[Issue], int | None]:
    """How a 合计 column reads the month columns at ``months`` (each a single month or a
    year-to-date figure, as written): ``"summed"`` where it is their sum and not the last
    month's figure (they are single months, said in a note at the column), ``"last"``
    where it is the last one's (they are year-to-date), ``"unclear"`` where it is neither
    (a warning); ``None`` without a 合计, two months and figures beside them. Then what
    is said, and the 合计 column judged (not itself imported). With ``quarters`` the
    columns are quarters (一季度 … 四季度), said as such."""
    header = text.iloc[header_at]
    total = next(
        (p for p, v in enumerate(header.values) if p != unit_col and key(v) in TOTAL_COLUMNS),
        None,
    )
    if total is None or len(months) < 2 or not rows:
        return None, [], None
    figures = block(sheet, text, rows, positions=[*months, total], unit_col=unit_col)
    values = figures["value"].to_numpy(dtype=float).reshape(len(months) + 1, len(rows))
    shown = ~np.isnan(values).any(axis=0)
    if not shown.any():
        return None, [], None
    each, whole = values[:-1, shown], values[-1, shown]
    summed = np.isclose(each.sum(axis=0), whole, rtol=1e-6, atol=1e-6).all()
    last = np.isclose(each[-1], whole, rtol=1e-6, atol=1e-6).all()
    at = (sheet.name, sheet.row_number(header_at), sheet.column_letter(total))
    summed_kind, unclear_kind = (
        (issues.QUARTERS_BY_TOTAL, issues.QUARTERS_TOTAL_UNCLEAR)
        if quarters
        else (issues.MONTHS_BY_TOTAL, issues.TOTAL_COLUMN_UNCLEAR)
    )
    name = header.iat[total]
    if summed and not last:
        return "summed", [summed_kind.at(*at, value=name, name=name)], total
    if last:
        return "last", [], total
    return "unclear", [unclear_kind.at(*at, value=name, name=name)], total
