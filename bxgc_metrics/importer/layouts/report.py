"""The report layout: the statistical table of Chinese reports — a title row, a
``单位：万元`` line, one or two header rows where an indicator name spans columns such
as 全年目标 / 1-6月累计 / 完成率 / 同比增长, a 序号 column, 合计 and 小计 rows and 注：
footnotes. Figures become records; stated rates become checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.layouts.grid import (
    LEFT_OUT_NOTES,
    against,
    bare_measure,
    block,
    body_rows,
    column_measure,
    has_sub_header,
    inner_lines,
    numbering_note,
    repeated,
    repeated_headers,
    split_figures,
    subtotal_note,
    unit_column,
    without_split_columns,
)
from bxgc_metrics.importer.layouts.records import (
    CHECK_COLUMNS,
    RECORD_COLUMNS,
    ParsedSheet,
    failed,
    field_columns,
)
from bxgc_metrics.importer.layouts.vocabulary import (
    IGNORED_HEADERS,
    SERIAL_HEADERS,
    header_role,
    heading_measure,
    key,
    share_of_prior,
    single_month,
    split_measure,
)
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import UnitLine
from bxgc_metrics.periods import PeriodText, format_en, format_zh, parse_text


@dataclass(frozen=True)
class Column:
    """What one report column holds."""

    indicator: str
    """The indicator named by its heading."""
    role: str
    """``actual``, ``target``, ``prior``, ``completion``, ``growth``, ``decline``, ``index``
    (this year as a percentage of last year's), ``month`` or ``rank``."""
    measure: str | None
    """Its measure (missing while a unit line names several)."""
    from_line: bool
    """Whether the measure comes from the unit line."""
    freq: str | None = None
    """The period of its figures, for ``actual``, ``target`` and ``prior`` columns."""
    year: int | None = None
    """The year of its figures (a ``prior`` column's is the year before)."""
    sub: int | None = None
    """The period number of its figures."""
    cumulative: bool = False
    """Whether its figures are year-to-date."""
    value_kind: str | None = None
    """``actual`` or ``target``."""
    no_period: bool = False
    """A column of figures whose period neither its heading nor the title names."""
    against_line: bool = False
    """Whether its heading names a measure the unit line contradicts (亿元 under 单位：万元)."""
    against_title: bool = False
    """Whether its heading names other months of the title's year (1-9月 under 1-10月)."""
    single: bool = False
    """Whether its figures are single months (the title says 当月 and the heading no 累计)."""


_FIGURE_FIELDS = (
    "freq",
    "year",
    "sub",
    "cumulative",
    "single",
    "value_kind",
    "measure",
    "from_line",
)
"""What a report column of figures says of each of its cells (:class:`Column`)."""


def parse(
    sheet: Sheet,
    text: pd.DataFrame,
    header_at: int,
    *,
    line: UnitLine | None,
    title: PeriodText | None,
    single: bool = False,
    title_indicator: str = "",
) -> ParsedSheet:
    """The records and checks of a report sheet whose header is row ``header_at`` (and
    the row below it, when that holds sub-headers); ``single`` when the text above the
    header says its figures are single months (当月). Where every heading of the upper
    row is a period (2026年10月 over 当月 | 累计), they are ``title_indicator``'s."""
    two_rows = has_sub_header(text, header_at)
    top = text.iloc[header_at].copy()
    sub = text.iloc[header_at + 1] if two_rows else pd.Series([""] * len(top))
    if two_rows:  # a CSV keeps a merged heading in its first cell only
        top = top.where(top.ne("") | sub.eq(""), None).ffill().fillna("")
    start = header_at + (2 if two_rows else 1)
    serial = {p for p, v in enumerate(top.values) if key(v) in SERIAL_HEADERS}
    unit_col = unit_column(top, text.iloc[start:], serial)
    if unit_col is None:
        return failed(sheet, issues.NO_UNIT_COLUMN, sheet.row_number(header_at))
    on_top = two_rows and title_indicator
    periods = _periods_on_top(top, skip={unit_col, *serial}, title=title) if on_top else {}
    rows, totals, subtotals, numbering = body_rows(text, start, unit_col)
    header = [header_at, header_at + 1] if two_rows else [header_at]
    repeats, blocks = repeated_headers(text, rows, header, unit_col=unit_col)
    rows = [r for r in rows if r not in set(repeats)]
    if not rows:
        return failed(sheet, issues.NO_DATA_ROWS, sheet.row_number(header_at))
    found: list[Issue] = subtotal_note(sheet, subtotals, unit_col=unit_col)
    found += numbering_note(sheet, text, numbering, unit_col=unit_col)
    found += [
        issues.SECOND_BLOCK.at(
            sheet.name, sheet.row_number(r), value=" ".join(filter(None, text.iloc[r]))
        )
        for r in blocks
    ]
    found += inner_lines(sheet, text, sorted(rows + totals), line=line)
    if periods:
        found.append(issues.INDICATOR_FROM_TITLE.at(sheet.name, indicator=title_indicator))
    figures: list[tuple[int, Column]] = []
    checked: list[tuple[int, Column]] = []
    said: set[str] = set()
    single_of: set[str] = set()  # indicators whose 当月 column is left out
    written: dict[int, tuple[tuple[str, int, str], str, str]] = {}
    for position, (top_text, sub_text) in enumerate(zip(top.tolist(), sub.tolist(), strict=True)):
        at = (sheet.name, sheet.row_number(header_at), sheet.column_letter(position))
        if not (top_text or sub_text) and text.iloc[rows, position].ne("").any():
            found.append(issues.UNTITLED_COLUMN.at(*at))  # figures under no heading
            continue
        if (
            position in serial
            or position == unit_col
            or not (top_text or sub_text)
            or key(top_text) in IGNORED_HEADERS
        ):
            continue
        if position in periods:  # 2026年10月 over 累计: the title's indicator's, that month's
            column = report_column(
                title_indicator,
                sub_text,
                two_rows=True,
                title=periods[position],
                line=line,
                single=single,
            )
        else:
            column = report_column(
                top_text, sub_text, two_rows=two_rows, title=title, line=line, single=single
            )
        # a heading merged down both header rows fills both: said once
        heading = " ".join(dict.fromkeys(t for t in (top_text, sub_text) if t))
        if column is not None:
            found += _doubts(
                column, at, top=top_text, sub=sub_text, line=line, title=title, said=said
            )
        if column is None:
            found.append(issues.COLUMN_SKIPPED.at(*at, value=top_text or heading, heading=heading))
        elif column.no_period:
            found.append(
                issues.NO_PERIOD.at(*at, value=top_text or heading, indicator=column.indicator)
            )
        elif column.role in _STATED:
            checked.append((position, column))
        elif column.role in _LEFT_OUT:
            kind = _LEFT_OUT[column.role]
            found.append(kind.at(*at, value=sub_text or heading, heading=heading))
            if column.role == "month":
                single_of.add(column.indicator)
        else:
            figures.append((position, column))
            written[position] = (at, heading, sub_text)
    # 10月 beside 1-10月 of one indicator is October alone, and 去年同期 beside a single
    # month last year's: left out as 当月 is, each with its note
    to_month = {
        (c.indicator, c.year, c.sub)
        for _, c in figures
        if c.role == "actual" and c.freq == "M" and c.cumulative
    }
    alone = {
        p
        for p, c in figures
        if c.role == "actual"
        and c.freq == "M"
        and not c.cumulative
        and (c.indicator, c.year, c.sub) in to_month
    }
    single_of |= {c.indicator for p, c in figures if p in alone}
    alone |= {
        p
        for p, c in figures
        if c.role == "prior" and c.indicator in single_of and not _SAYS_YTD.search(written[p][2])
    }
    for p in sorted(alone):
        at, heading, sub_text = written[p]
        found.append(issues.COLUMN_NOT_IMPORTED.at(*at, value=sub_text or heading, heading=heading))
    figures = [(p, c) for p, c in figures if p not in alone]
    figures = _same_period(figures, {p: s for p, s in enumerate(sub.tolist())})
    found = without_split_columns(found, split_figures(sheet, text, heads=header, rows=rows))
    return ParsedSheet(
        sheet.name,
        "report",
        _records(sheet, text, rows, unit_col=unit_col, columns=figures),
        _checks(sheet, text, rows, unit_col=unit_col, columns=checked),
        _records(sheet, text, totals, unit_col=unit_col, columns=figures),
        tuple(found),
        title,
        field_columns=field_columns(sheet, {"unit": unit_col}),
        field_cells={"indicator": (sheet.row_number(header_at), None)},
    )


def _same_period(
    figures: list[tuple[int, Column]], subs: dict[int, str]
) -> list[tuple[int, Column]]:
    """上年同期 columns dated by a title that names only its year, given the months of the
    one period their indicator's own actual columns name (1-10月累计 beside 上年同期 is last
    year's 1-10月, not last year's whole year)."""
    named: dict[str, set[tuple[str | None, int | None, bool]]] = {}
    for _, c in figures:
        if c.role == "actual" and c.freq != "Y":
            named.setdefault(c.indicator, set()).add((c.freq, c.sub, c.cumulative))
    out = []
    for position, c in figures:
        months = named.get(c.indicator, set())
        if (
            c.role == "prior"
            and c.freq == "Y"
            and "同期" in subs.get(position, "")
            and len(months) == 1
        ):
            freq, sub, cumulative = next(iter(months))
            c = replace(c, freq=freq, sub=sub, cumulative=cumulative)
        out.append((position, c))
    return out


def _doubts(
    column: Column,
    at: tuple[str, int, str],
    *,
    top: str,
    sub: str,
    line: UnitLine | None,
    title: PeriodText | None,
    said: set[str],
) -> list[Issue]:
    """A warning where a column's heading contradicts the unit line's measure (once per
    heading, ``said`` holding those warned of, though merged over several columns) or the
    title's months."""
    found = []
    if column.against_line and line is not None and top not in said:
        said.add(top)
        found.append(
            issues.HEADING_AGAINST_LINE.at(*at, value=top, heading=column.measure, line=line.text)
        )
    if column.against_title and title is not None:
        year = title.year or column.year or 0
        found.append(
            issues.PERIOD_AGAINST_TITLE.at(
                *at,
                value=sub,
                heading=sub,
                title=format_zh(title.freq, year, title.sub, cumulative=title.cumulative),
                title_en=format_en(title.freq, year, title.sub, cumulative=title.cumulative),
            )
        )
    return found


_BARE_RATES = frozenset(
    {
        *("同比增长", "同比", "增幅", "增速", "增长", "增长率", "比上年增长", "比上年同期增长"),
        *("同比增减", "增减", "完成率", "完成进度", "占比", "比重", "排名", "名次", "位次"),
    }
)
"""Headings of a one-row header (as :func:`key` gives them, without a measure) that name
a rate or a place of the indicator beside them, not an indicator (规上工业增加值增速 is
one)."""
_STATED = frozenset({"completion", "growth", "decline", "index"})
"""Roles of the rates a report states, checked against its figures and not stored."""
_NO_PERIOD_ROLES = _STATED | frozenset({"month", "rank", "plan", "gap", "pace", "share", "derived"})
"""Roles whose columns take no period: checked, or left out with a note."""
_FIGURES = frozenset({"actual", "target", "prior"})
"""Roles of a report's columns of figures to store."""
_PERCENT_AFTER = re.compile(r"\s*[%％]\s*$")
"""A figure's heading ending in % (预期目标%): its figures are in percent, as (%) says."""
_PLACES = frozenset({"排名", "名次", "位次"})
"""Bare headings of a place: left out as a place is (not as a rate)."""
_ALONE = frozenset({"pace", "rank", "gap"})
"""Roles a heading standing over both header rows may have (时间进度, 排名): no indicator's
figures sit under it."""
_SAYS_YTD = re.compile(r"累计|(?<!\d)1\s*月?\s*[-~—–至到]|全年")
"""A heading that says its figure runs from January (累计, 1-10月): never a single month."""

_LEFT_OUT = LEFT_OUT_NOTES | {
    "month": issues.COLUMN_NOT_IMPORTED,  # 当月
    "part_target": issues.PART_TARGET,  # 1-10月目标, 序时任务
    "derived": issues.DERIVED_COLUMN,  # 同比增长 among a one-row header's indicators
}
"""Roles of a report's columns left out, each said in its own words."""


def _records(
    sheet: Sheet,
    text: pd.DataFrame,
    rows: list[int],
    *,
    unit_col: int,
    columns: list[tuple[int, Column]],
) -> pd.DataFrame:
    """The figures of ``rows`` in the report ``columns`` (position, what it holds)."""
    figures = block(sheet, text, rows, positions=[p for p, _ in columns], unit_col=unit_col)
    per_column = {k: [getattr(c, k) for _, c in columns] for k in ("indicator", *_FIGURE_FIELDS)}
    fields = repeated(per_column, len(rows) if columns else 0)
    return figures.assign(indicator_name=fields.pop("indicator"), **fields)[list(RECORD_COLUMNS)]


def _checks(
    sheet: Sheet,
    text: pd.DataFrame,
    rows: list[int],
    *,
    unit_col: int,
    columns: list[tuple[int, Column]],
) -> pd.DataFrame:
    """The stated completion rates and growth of ``rows`` in the report ``columns``, as
    fractions (``52%``, or a bare number above 3, is a percentage)."""
    data = block(sheet, text, rows, positions=[p for p, _ in columns], unit_col=unit_col)
    per_column = {"indicator_name": [c.indicator for _, c in columns]}
    per_column["what"] = ["growth" if c.role == "decline" else c.role for _, c in columns]
    fields = repeated(per_column, len(rows) if columns else 0)
    value = data["value"].to_numpy(dtype=float)
    percent = data["percent"].to_numpy(dtype=bool) | (np.abs(value) > 3)
    stated = np.where(percent, value / 100.0, value)
    n = len(rows) if columns else 0
    falls = repeated({"fall": [c.role == "decline" for _, c in columns]}, n)
    stated = np.where(np.asarray(falls["fall"], dtype=bool), -stated, stated)
    # 为上年同期% 108.5 states growth of 8.5 %
    shares = repeated({"share": [c.role == "index" for _, c in columns]}, n)
    stated = np.where(np.asarray(shares["share"], dtype=bool), stated - 1, stated)
    return data.assign(**fields, stated=stated)[list(CHECK_COLUMNS)]


def report_column(
    top: str,
    sub: str,
    *,
    two_rows: bool,
    title: PeriodText | None,
    line: UnitLine | None,
    single: bool = False,
) -> Column | None:
    """What one report column holds: indicator, role, period and measure; ``None`` for a
    heading whose role is unknown. Under a ``single`` title (当月) an actual or prior
    column whose heading names no range from January or 累计 holds single months."""
    indicator, header_measure = heading_measure(top)
    written = sub  # its measure too: 完成全年目标(%) is a share, not a target in %
    if two_rows and header_measure is None:
        sub, header_measure = heading_measure(sub)
        if header_measure is None and (alone := bare_measure(sub)) is not None:
            sub, header_measure = "", alone  # a row of measures under the header
    if two_rows:
        own_role = header_role(written)  # its measure too: 完成全年目标(%), 增减(百分点)
        role = own_role if own_role in ("completion", "gap") else header_role(sub)
        if role == "growth" and _DECLINE.search(sub) and "增减" not in sub:
            role = "decline"  # 比上年下降%: growth below zero, written as a positive number
        if role in ("growth", "decline") and _amount_change(written):
            role = "gap"  # 比上年同期增加（万元）: a change in amount, not a growth rate
        if role == "growth" and share_of_prior(sub):
            role = "index"  # 为上年同期%, 上年=100: growth written as 108.5
        if not sub and header_role(top) in _ALONE:  # 时间进度, 排名 heading both rows
            role = header_role(top)
        role = role or ("actual" if not sub else None)
        if role in _FIGURES and header_measure is None and _PERCENT_AFTER.search(sub):
            sub, header_measure = _PERCENT_AFTER.sub("", sub), "%"  # 预期目标%: in percent
        heading = sub
    else:  # one header row: each heading an indicator, but for a bare rate or place
        bare = key(indicator)
        role = ("rank" if bare in _PLACES else "derived") if bare in _BARE_RATES else "actual"
        heading = top
    if role is None:
        return None
    own = parse_text(heading) if heading else None
    if own is None and heading:  # 10月完成, 上年10月实际: the period beside the role's words
        rest = _ROLE_PHRASE.sub("", heading)
        own = parse_text(rest) if rest and rest != heading else None
    period = own if own is not None and own.year is not None else _merge(own, title)
    measure, from_line = column_measure(header_measure, line)
    out = Column(indicator, role, measure, from_line)
    column = _column(out, role=role, heading=heading, own=own, period=period, title=title)
    if column.value_kind == "actual" and column.freq != "Y":
        column = replace(
            column,
            single=single_month(heading, title=single, cumulative=column.cumulative),
        )
    other_months = (
        role == "actual"
        and own is not None
        and title is not None
        and own.freq == title.freq == "M"
        and own.sub != title.sub
        and own.year in (None, title.year)
    )
    return replace(column, against_line=against(header_measure, line), against_title=other_months)


def _column(
    out: Column,
    *,
    role: str,
    heading: str,
    own: PeriodText | None,
    period: PeriodText | None,
    title: PeriodText | None,
) -> Column:
    """The column ``out`` with the period its ``role`` and heading give it."""
    indicator, measure, from_line = out.indicator, out.measure, out.from_line
    if role in _NO_PERIOD_ROLES:
        return out
    if role == "target":
        if _PART_OF_YEAR in heading or (own is not None and own.freq != "Y"):
            return Column(indicator, "part_target", measure, from_line)  # 1-10月目标, 序时任务
        year = period.year if period is not None else None
        if year is None:
            return Column(indicator, role, measure, from_line, no_period=True)
        return Column(indicator, role, measure, from_line, "Y", year, 0, False, "target")
    if period is None or period.year is None:
        return Column(indicator, role, measure, from_line, no_period=True)
    if role == "prior" and _WHOLE_YEAR.search(heading) and own is None:  # 上年全年, 上年度
        return Column(indicator, role, measure, from_line, "Y", period.year - 1, 0, False, "actual")
    if role == "actual" and own is None and _WHOLE_YEAR.search(heading):  # 全年完成
        return Column(indicator, role, measure, from_line, "Y", period.year, 0, False, "actual")
    year = period.year - 1 if role == "prior" else period.year
    cumulative = (
        period.cumulative
        or (period.freq == "M" and own is None and title is not None and title.cumulative)
        or (period.freq in ("Q", "H") and "累计" in heading)
    )
    return Column(
        indicator,
        role,
        measure,
        from_line,
        period.freq,
        year,
        period.sub,
        bool(cumulative),
        "actual",
    )


_PART_OF_YEAR = "序时"
"""A target's word for the share of the year's target due so far (序时任务)."""
_DECLINE = re.compile(r"下降|减少")
"""A growth heading that states a fall (比上年下降%)."""
_RISE_OR_FALL = re.compile(r"增加(?!值)|减少")
"""A change written as more or less (比上年同期增加): an amount unless it says percent."""
_PERCENT = re.compile(r"[%％]|百分|幅|率|速")


def _amount_change(heading: str) -> bool:
    """Whether a growth sub-heading holds a change in amount: it names a measure other
    than percent (比上年增减（万元）), or says 增加 or 减少 and nothing of percent
    (比上年同期增加). The indicator's measure above it (收入（万元）) says nothing of it.

    >>> _amount_change("比上年增减（万元）"), _amount_change("比上年同期增加")
    (True, True)
    >>> _amount_change("比上年增减(%)"), _amount_change("比上年同期增加%")
    (False, False)
    """
    measure = split_measure(heading)[1] or bare_measure(heading)
    if measure is not None:
        return not _PERCENT.search(measure)
    return bool(_RISE_OR_FALL.search(heading)) and not _PERCENT.search(heading)


_WHOLE_YEAR = re.compile(r"全年|[上去]年度(?!同期)")
"""A heading's words for last year's whole year (上年全年完成, 上年度)."""
_ROLE_PHRASE = re.compile(r"完成数|完成额|完成|实际|实绩|上年|去年")
"""Words of an actual or prior column's heading set aside to read its period."""


def _periods_on_top(
    top: pd.Series, *, skip: set[int], title: PeriodText | None
) -> dict[int, PeriodText]:
    """The upper row's period by position where every heading there but the unit's and the
    serial number's names a period of a known year (2026年10月, or 10月 under a title of
    2026年); else nothing (the upper row names indicators)."""
    found: dict[int, PeriodText] = {}
    for position, value in enumerate(top.values):
        if position in skip or not value or key(value) in IGNORED_HEADERS:
            continue
        own = parse_text(value)
        period = _merge(own, title) if own is not None else None
        if period is None or period.year is None or header_role(value) not in ("actual", None):
            return {}
        found[position] = period
    return found


def _merge(own: PeriodText | None, title: PeriodText | None) -> PeriodText | None:
    """A heading's period in the title's year (or the title's period, if it names none)."""
    if own is None:
        return title
    if title is None or title.year is None:
        return own
    return own.in_year(title.year)
