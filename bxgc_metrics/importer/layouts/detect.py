"""Which layout a sheet has: find its header row, then hand the sheet to the one parser
of that layout (:mod:`.long`, :mod:`.wide` or :mod:`.report`).

A long sheet is recognised from its first :data:`HEAD_ROWS` rows alone, so a sheet of
180,000 rows is never normalised cell by cell; any other sheet is normalised whole.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.columns import at_once, normalised, rows_of
from bxgc_metrics.importer.layouts import grid, long, report, wide
from bxgc_metrics.importer.layouts.cells import cell_issues
from bxgc_metrics.importer.layouts.grid import filled_once, has_sub_header
from bxgc_metrics.importer.layouts.records import ParsedSheet, failed, unread
from bxgc_metrics.importer.layouts.vocabulary import (
    FILED,
    FOOTNOTE,
    IGNORED_HEADERS,
    LONG_FIELDS,
    MEASURE,
    REQUIRED_LONG_FIELDS,
    SERIAL_HEADERS,
    UNIT_HEADERS,
    header_role,
    key,
    says_single,
)
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import find_unit_line, line_measures
from bxgc_metrics.periods import PeriodText, parse_text, title_year

HEAD_ROWS = 64
"""Rows normalised first to find the header; a long sheet's other rows are read column
by column (:mod:`.long`)."""


def parse_sheet(sheet: Sheet) -> ParsedSheet:
    """Recognise the layout of ``sheet`` and read its figures; a figure whose cell does
    not hold it (merged over several figures, an Excel error, a formula never
    calculated) is reported."""
    parsed = _parse(sheet)
    found = cell_issues(sheet, parsed.records)
    return replace(parsed, issues=(*parsed.issues, *found)) if found else parsed


def _parse(sheet: Sheet) -> ParsedSheet:
    """:func:`parse_sheet` before its cells are checked."""
    cells = sheet.cells
    # a sheet of many columns or few rows is normalised once, not its head again
    text = normalised(cells) if at_once(cells) else None
    head = text.iloc[:HEAD_ROWS] if text is not None else normalised(cells.iloc[:HEAD_ROWS])
    whole = head if text is None else text  # its rows are taken from one array (rows_of)
    header_at = header_row(whole, stop=HEAD_ROWS) if not cells.empty else None
    if header_at is not None and (fields := long_fields(head.iloc[header_at])) is not None:
        return long.parse(
            sheet, head, header_at, fields=fields, single_title=_single(head, header_at)
        )
    if cells.empty or cells.isna().all().all():
        return failed(sheet, issues.EMPTY_SHEET)
    text = normalised(cells) if text is None else text
    if header_at is None:  # none in the head: the rows below it are looked at too
        header_at = header_row(text, start=len(head))
    if header_at is None:
        return failed(sheet, issues.NO_HEADER)
    header = text.iloc[header_at]
    fields = long_fields(header)
    if fields is not None:  # a long sheet whose header stands below its first rows
        return long.parse(
            sheet, text, header_at, fields=fields, single_title=_single(text, header_at)
        )
    by_role = roles_column(text, header_at)
    if by_role is not None:
        return _by_role(sheet, text, header_at, position=by_role)
    missing = missing_long_fields(header)
    if missing:
        names = issues.LIST.join([issues.FIELD_NAMES[m] for m in missing])
        return failed(sheet, issues.MISSING_COLUMNS, sheet.row_number(header_at), names=names)
    blocks = side_by_side(header)
    if blocks:
        return _beside(sheet, header_at, blocks)
    meta = _meta(text, header_at)
    title_period = _dated_by_name(parse_text(meta) if meta else None, sheet.name)
    if title_period is not None and title_period.year is None and (year := title_year(meta)):
        title_period = title_period.in_year(year)  # 2026年…（1-10月）: that year's months
    single = says_single(meta)
    ytd = "累计" in meta and not single  # 2026年第三季度…（累计）: year-to-date
    if ytd and title_period is not None and title_period.freq != "Y":
        title_period = replace(title_period, cumulative=True)
    line = find_unit_line(sheet, text, header_at, below=True)
    period_cols = wide.period_columns(header, title_period)
    typed = sheet.cells.iloc[header_at]
    for position in period_cols:  # 2026.09, 2026.10 as numbers: 2026.1 is not October
        if long.one_or_ten(typed.iat[position]):
            row = sheet.row_number(header_at)
            return failed(sheet, issues.NUMBER_PERIOD, row, text=header.iat[position])
    if _wide(header, period_cols) and not has_sub_header(text, header_at):
        parsed = wide.parse(
            sheet,
            text,
            header_at,
            period_cols=period_cols,
            meta=meta,
            line=line,
            title=title_period,
            single=single,
            ytd=ytd,
        )
    else:
        parsed = report.parse(
            sheet,
            text,
            header_at,
            line=line,
            title=title_period,
            single=single,
            title_indicator=wide.title_indicator_of(meta, sheet.name) if meta else "",
        )
    return replace(parsed, unit_line=line) if parsed.layout != "unknown" else parsed


def side_by_side(header: pd.Series) -> list[tuple[int, int]]:
    """The blocks of a table printed side by side under the same headings (单位 | 全年目标
    | 1-10月累计 | 单位 | 全年目标 | 1-10月累计), each as its columns ``(first, after last)``;
    none for any other header. Each block's headings from its first (a serial column
    before the unit's) must be the first block's, empty columns between blocks aside.

    >>> side_by_side(pd.Series(["序号", "单位", "1-10月", "", "序号", "单位", "1-10月"]))
    [(0, 4), (4, 7)]
    >>> side_by_side(pd.Series(["乡镇", "1-10月", "单位", "1-10月"]))
    []
    """
    keys = [key(v) for v in header.tolist()]
    units = [p for p, k in enumerate(keys) if k in UNIT_HEADERS]
    if len(units) < 2:
        return []
    lead = units[0] - next(p for p, k in enumerate(keys) if k)  # a serial column first
    starts = [u - lead for u in units]
    blocks = list(zip(starts, [*starts[1:], len(keys)], strict=True))
    if any(first >= after for first, after in blocks):
        return []
    first, after = blocks[0]
    pattern = _trimmed(keys[first:after])
    if len(pattern) < 2 or any(_trimmed(keys[a:b]) != pattern for a, b in blocks[1:]):
        return []
    return blocks


def _trimmed(keys: list[str]) -> list[str]:
    """Headings without the empty cells after the last one."""
    while keys and not keys[-1]:
        keys = keys[:-1]
    return keys


def _beside(sheet: Sheet, header_at: int, blocks: list[tuple[int, int]]) -> ParsedSheet:
    """A table printed in ``blocks`` side by side, read block by block as one table: each
    block is read from the sheet with the other blocks' columns emptied from the header
    down (the title and unit line above stay whole), so every figure keeps its own cell."""
    parts = []
    for first, after in blocks:
        cells = sheet.cells.copy()
        others = [j for j in range(cells.shape[1]) if not first <= j < after]
        cells.iloc[header_at:, others] = None
        parts.append(_parse(replace(sheet, cells=cells)))
    failed_part = next((p for p in parts if p.layout == "unknown"), None)
    if failed_part is not None:
        return failed_part
    found: list[issues.Issue] = []
    for part in parts:  # the title's indicator, said by every block, once
        found += [i for i in part.issues if i not in found]
    letters = [issues.Text(sheet.column_letter(a), sheet.column_letter(a)) for a, _ in blocks]
    said = issues.SIDE_BY_SIDE.at(
        sheet.name,
        sheet.row_number(header_at),
        count=len(blocks),
        columns=issues.LIST.join(letters),
    )
    return replace(
        parts[0],
        records=pd.concat([p.records for p in parts], ignore_index=True),
        checks=pd.concat([p.checks for p in parts], ignore_index=True),
        totals=pd.concat([p.totals for p in parts], ignore_index=True),
        issues=(said, *found),
    )


_ROLE_HEADINGS = frozenset(
    {"", "项目", "类别", "指标", "指标名称", "口径", "类型", "分类", "内容", "时期", "期别"}
)
"""Headings of a column naming what each of a unit's rows holds (or none)."""
_MOST_ROLES = 8
"""Distinct roles a column of each unit's rows names at most (本年, 上年同期, 增减%…)."""
_ROW_ROLES = frozenset({"actual", "prior", "month", "growth", "gap", "target", "completion"})
"""Roles a column of each unit's rows may name (本年, 上年同期, 本月, 累计, 增减%…)."""


def roles_column(text: pd.DataFrame, header_at: int) -> int | None:
    """The column that names what each of a unit's several rows holds (单位 | 项目 |
    1-10月累计, with 本年 and 上年同期 on two rows per unit), if the table is laid out so:
    every cell of that column a role, two roles at least, one of them this year's, and most
    units' names repeated (or left empty under a merged one) on the rows below them."""
    header = text.iloc[header_at]
    body = text.iloc[header_at + 1 : header_at + 1 + grid.FIGURE_SAMPLE]
    for position in range(body.shape[1]):
        if key(header.iat[position]) not in _ROLE_HEADINGS:
            continue
        cells = [v for v in body.iloc[:, position].tolist() if v]
        distinct = set(cells)
        if not 2 <= len(distinct) <= _MOST_ROLES or len(cells) < 2 * len(distinct):
            continue
        roles = {header_role(v) for v in distinct}
        if None in roles or not roles <= _ROW_ROLES or not roles & {"actual", "month"}:
            continue
        unit_col = grid.unit_column(header, body, {position})
        if unit_col is None:
            continue
        names = body.iloc[:, unit_col].tolist()
        rows = [i for i, v in enumerate(body.iloc[:, position].tolist()) if v]
        again = sum(1 for i in rows if i and names[i] in ("", names[i - 1]))
        if again * 2 >= len(rows) - 1:
            return position
    return None


_READ_ROLES = ("actual", "prior")
"""Rows of a unit read as its columns: this year's figures, then last year's."""
_LEFT_ROLES = frozenset({"growth", "gap", "completion"})
"""Rows of a unit left out with a note: what the system works out from the figures."""


def _by_role(sheet: Sheet, text: pd.DataFrame, header_at: int, *, position: int) -> ParsedSheet:
    """A table of several rows per unit, one per role (本年, 上年同期, 增长%), read as one
    row per unit with a column per role: the sheet is rebuilt so (this year's rows under
    the headings as written, last year's under 上年…), read as any sheet is, and every
    figure and message put back at the cell it came from. Rows of growth, differences and
    completion are left out with a note; any other role (本月, 全年目标) refuses the sheet
    in its own words."""
    header = text.iloc[header_at]
    names = text.iloc[:, position].tolist()
    roles = {r: header_role(names[r]) for r in range(header_at + 1, len(text)) if names[r]}
    written = list(dict.fromkeys(names[r] for r in roles))
    if set(roles.values()) - {*_READ_ROLES, *_LEFT_ROLES} or "actual" not in roles.values():
        return unread(sheet, _rows_by_role(sheet, header_at, position=position, written=written))
    unit_col = grid.unit_column(header, text.iloc[header_at + 1 :], {position})
    if unit_col is None:
        return failed(sheet, issues.NO_UNIT_COLUMN, sheet.row_number(header_at))
    serial = {p for p, v in enumerate(header.tolist()) if key(v) in SERIAL_HEADERS}
    figures = [j for j in range(text.shape[1]) if j not in {unit_col, position, *serial}]
    kept = [r for r in _READ_ROLES if r in roles.values()]
    undated = [j for j in figures if parse_text(str(header.iat[j])) is None]
    if "prior" in kept and undated and len(figures) > 1:  # indicators across: 上年同期 of which?
        return unread(sheet, _rows_by_role(sheet, header_at, position=position, written=written))
    where, notes = _one_row_per_unit(sheet, text, header_at, roles=roles, unit_col=unit_col)
    headings = [str(sheet.cells.iat[header_at, unit_col])]
    columns = [unit_col]  # each rebuilt column's column in ``sheet``
    for role in kept:
        headings += [_heading(role, str(header.iat[j])) for j in figures]
        columns += figures
    # the rebuilt sheet stands where ``sheet`` does (its first row and column), so a cell's
    # place in it is named by ``sheet``'s own row_number and column_letter
    back: dict[tuple[int | None, str | None], tuple[int | None, str | None]] = {}
    for k, j in enumerate(columns):
        letter = sheet.column_letter(k)
        back[(None, letter)] = (None, sheet.column_letter(j))
        back[(sheet.row_number(header_at), letter)] = (
            sheet.row_number(header_at),
            sheet.column_letter(j),
        )
    body: list[list] = []
    for i, rows in enumerate(where):  # a unit's row, each cell taken from its role's row
        at = sheet.row_number(header_at + 1 + i)
        back[(at, None)] = (sheet.row_number(rows["actual"]), None)
        origins: list[tuple[int | None, int]] = [(rows["actual"], unit_col)]
        origins += [(rows.get(role), j) for role in kept for j in figures]
        cells: list[object] = []
        for k, (r, j) in enumerate(origins):
            cells.append(None if r is None else sheet.cells.iat[r, j])
            if r is not None:
                back[(at, sheet.column_letter(k))] = (
                    sheet.row_number(r),
                    sheet.column_letter(j),
                )
        body.append(cells)
    above = [[" ".join(filled_once(text.iloc[r].tolist()))] for r in range(header_at)]
    width = len(headings)
    rows_out: list[list] = [*above, headings, *body, *notes]
    frame = pd.DataFrame([row + [None] * (width - len(row)) for row in rows_out], dtype=object)
    rebuilt = replace(
        sheet, cells=frame, merged=(), hidden_rows=frozenset(), hidden_columns=frozenset(),
        stale_formulas=frozenset(), suspects=None,
    )  # fmt: skip
    parsed = _parse(rebuilt)
    if parsed.layout == "unknown":
        return unread(sheet, _rows_by_role(sheet, header_at, position=position, written=written))
    said = issues.ROLES_IN_ROWS.at(
        sheet.name,
        sheet.row_number(header_at + 1),
        sheet.column_letter(position),
        value=written[0],
        roles=issues.LIST.join([issues.Text(r, r) for r in written]),
    )
    left = [r for r, role in roles.items() if role in _LEFT_ROLES]
    found = [said]
    if left:
        shown = list(dict.fromkeys(names[r] for r in left))
        found.append(
            issues.ROLE_ROWS_LEFT_OUT.at(
                sheet.name,
                sheet.row_number(left[0]),
                sheet.column_letter(position),
                value=shown[0],
                roles=issues.LIST.join([issues.Text(r, r) for r in shown]),
            )
        )
    found += [_moved(i, back) for i in parsed.issues]
    return replace(
        parsed,
        records=_moved_records(parsed.records, back),
        checks=_moved_records(parsed.checks, back),
        totals=_moved_records(parsed.totals, back),
        issues=tuple(found),
    )


def _rows_by_role(
    sheet: Sheet, header_at: int, *, position: int, written: list[str]
) -> issues.Issue:
    """The refusal of a table of several rows per unit whose roles cannot be read."""
    return issues.ROWS_BY_ROLE.at(
        sheet.name,
        sheet.row_number(header_at + 1),
        sheet.column_letter(position),
        value=written[0],
        roles=issues.LIST.join([issues.Text(r, r) for r in written[:4]]),
    )


_LAST_YEAR, _SAME_PERIOD_LAST_YEAR = "上年", "上年同期"
"""The headings last year's rows are read under: 上年 before a heading that names its
months, else the same period a year before."""


def _heading(role: str, heading: str) -> str:
    """A figure column's heading for one role's rows: as written for this year's; for last
    year's, 上年 before a heading that names its months (上年1-10月累计), else 上年同期."""
    if role == "actual":
        return heading
    return _LAST_YEAR + heading if parse_text(heading) is not None else _SAME_PERIOD_LAST_YEAR


def _one_row_per_unit(
    sheet: Sheet, text: pd.DataFrame, header_at: int, *, roles: dict[int, str | None], unit_col: int
) -> tuple[list[dict[str, int]], list[list]]:
    """Each unit's rows by role (a name left empty under a merged one is the name above),
    in the order the units come; and the rows after the table that name no role (注：…),
    kept below it."""
    where: list[dict[str, int]] = []
    after: list[list] = []
    last = ""
    for r in range(header_at + 1, len(text)):
        name = text.iat[r, unit_col] or last
        role = roles.get(r)
        if role is None:
            filled = [j for j, v in enumerate(text.iloc[r].tolist()) if v]
            if filled:  # a note below the table: its first cell, which ends the table
                after.append([sheet.cells.iat[r, filled[0]]])
            continue
        if not where or name != last or role in where[-1]:
            where.append({})
        where[-1][role] = r
        last = name
    return [rows for rows in where if "actual" in rows], after


def _moved(issue: issues.Issue, back: dict) -> issues.Issue:
    row, column = back.get((issue.row, issue.column), (issue.row, issue.column))
    return replace(issue, row=row, column=column)


def _moved_records(frame: pd.DataFrame, back: dict) -> pd.DataFrame:
    if frame.empty:
        return frame
    pairs = [
        back.get((int(r), str(c)), (int(r), str(c)))
        for r, c in zip(frame["row"].tolist(), frame["column"].astype(object).tolist(), strict=True)
    ]
    return frame.assign(row=[p[0] for p in pairs], column=[p[1] for p in pairs])


def _wide(header: pd.Series, period_cols: dict[int, PeriodText]) -> bool:
    """Whether a one-row header is a wide sheet's: two period columns at least, or one
    beside nothing but the unit, a serial number, notes and columns a wide sheet leaves
    out (单位 | 1-10月 | 排名 under a title naming the indicator, or a single month beside
    a year-to-date column), which would otherwise be an indicator named by a period."""
    if len(period_cols) >= 2:
        return True
    # 本月 beside 累计 (the title's months): the single month is left out with a note, and
    # 上年同期 beside both, of either a year earlier, with a warning
    left_out = wide.LEFT_OUT.keys() | (
        {"month", "prior"} if any(p.cumulative for p in period_cols.values()) else set()
    )
    if "month" not in {header_role(v) for v in header.values if v}:
        left_out -= {"prior"}
    others = [
        v
        for p, v in enumerate(header.values)
        if v
        and p not in period_cols
        and key(v) not in UNIT_HEADERS | SERIAL_HEADERS | IGNORED_HEADERS
        and header_role(v) not in left_out  # 排名, 增幅（%） beside it
    ]
    return len(period_cols) == 1 and not others


def _dated_by_name(title: PeriodText | None, name: str) -> PeriodText | None:
    """The title's period, or the months a sheet's name gives a title that names only
    its year (a sheet 1-10月 under 2025年…); a title that names its months decides."""
    if title is not None and title.freq != "Y":
        return title
    named = parse_text(name)
    if named is None or named.freq == "Y" or (title is None and named.year is None):
        return title
    if named.year is None and title is not None and title.year is not None:
        return named.in_year(title.year)
    return named if title is None or named.year == title.year else title


def _meta(text: pd.DataFrame, header_at: int) -> str:
    """The text above the header (the title, the unit line), without a filing date or a
    note (说明：本月数据为快报数), which name no period or indicator of the figures."""
    above = rows_of(text, 0, header_at)
    lines = (" ".join(filled_once(row)) for row in above)  # a title merged across: once
    return " ".join(FILED.sub("", v) for v in lines if v and not FOOTNOTE.match(v))


def _single(text: pd.DataFrame, header_at: int) -> bool:
    """Whether the text above the header says the figures are single months (当月)."""
    return says_single(_meta(text, header_at))


def header_row(
    text: pd.DataFrame, chunk: int = 64, *, start: int = 0, stop: int | None = None
) -> int | None:
    """The first row from ``start`` (and before ``stop``) with at least two distinct
    non-empty cells (merged titles fill one)."""
    end = len(text) if stop is None else min(stop, len(text))
    for first in range(start, end, chunk):
        for offset, row in enumerate(rows_of(text, first, min(first + chunk, end))):
            values = {v for v in row if v}
            if len(values) >= 2 and not MEASURE.search(" ".join(values)) and not _unit_line(values):
                return first + offset
    return None


def _unit_line(values: set[str]) -> bool:
    """Whether a cell of a row is a unit line written without a colon (单位——万元)."""
    return any("位" in v and line_measures(v) for v in values)


def long_fields(header: pd.Series) -> dict[str, int] | None:
    """Where a long sheet's fields stand in ``header``; ``None`` unless every required
    one does (a code column alone stands for its name)."""
    found: dict[str, int] = {}
    for position, value in enumerate(header.values):
        clean = key(value)
        for name, words in LONG_FIELDS.items():
            if name not in found and clean in words:
                found[name] = position
                break
        if clean == "单位" and "unit" in found and found["unit"] != position:
            found.setdefault("measure", position)  # 地区, 单位: the second is the measure
    for name in ("unit", "indicator"):  # codes alone: the code is the name written
        if name not in found and f"{name}_code" in found:
            found[name] = found[f"{name}_code"]
    if "period" not in found:  # 年份 + 月份: the month's column, dated by the year's
        for name in ("month", "quarter", "year"):
            if name in found:
                found["period"] = found[name]
                break
    return found if set(REQUIRED_LONG_FIELDS) <= set(found) else None


def missing_long_fields(header: pd.Series) -> list[str]:
    """Required long-form columns absent from a header that has most of the others."""
    present = {
        name for name, words in LONG_FIELDS.items() if any(key(v) in words for v in header.values)
    }
    present |= {name.removesuffix("_code") for name in present}  # a code stands for a name
    if present & {"year", "month", "quarter"}:
        present.add("period")
    have = [n for n in REQUIRED_LONG_FIELDS if n in present]
    return [n for n in REQUIRED_LONG_FIELDS if n not in present] if len(have) >= 3 else []
