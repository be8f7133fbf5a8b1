"""Recognise a sheet's layout and read its figures into records.

Three layouts are recognised:

``long``
    one row per unit, indicator, period and value (optionally value kind, cumulative flag
    and measure), as ``python -m bxgc_metrics export`` writes it.
``wide``
    one row per unit (optionally per unit and indicator), one column per period
    (``2019``, ``2019年``, ``2024-06``, ``2024年6月``, ``1-6月``).
``report``
    the statistical table of Chinese reports: title row, ``单位：万元`` line, one or two
    header rows where an indicator name spans columns such as 全年目标 / 1-6月累计 /
    完成率 / 同比增长, a 序号 column, 合计 and 小计 rows and 注： footnotes.

The result of every layout is the same :data:`RECORD_COLUMNS` frame, so matching and
validation do not care where a figure came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bxgc_metrics.importer import formulas
from bxgc_metrics.importer.cells import (
    WHITESPACE,
    PeriodText,
    normalise_texts,
    parse_numbers,
    parse_period,
)
from bxgc_metrics.importer.issues import ERROR, INFO, WARNING, Issue, excel_error, issue
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import KNOWN_MEASURES, UnitLine, find_unit_line

RECORD_COLUMNS = (
    "sheet",
    "row",
    "column",
    "raw",
    "unit_name",
    "indicator_name",
    "freq",
    "year",
    "sub",
    "value_kind",
    "cumulative",
    "single",
    "value",
    "missing",
    "invalid",
    "percent",
    "measure",
    "from_line",
)
"""Columns of :attr:`ParsedSheet.records`: where the figure stands (sheet, Excel row and
column letter, raw text), what it is (unit and indicator *names* as written, period,
value kind, ``cumulative`` when the file says year-to-date, ``single`` when it says
single-month (当月), measure as written; ``from_line`` when the measure comes from the
sheet's unit line, and is missing while that line names several) and its number
(``value``; ``missing`` for ``—`` or empty cells; ``invalid`` for text that is not a
number). A long sheet with code columns (``unit_code``, ``indicator_code``, as
``export`` writes them) adds :data:`GIVEN_CODES`."""

GIVEN_CODES = ("unit_code_given", "indicator_code_given")
"""Record columns of the codes a long sheet writes beside the names (``""`` where a row
leaves its code empty); a code decides over the name."""

CHECK_COLUMNS = ("sheet", "row", "column", "raw", "unit_name", "indicator_name", "what", "stated")
"""Columns of :attr:`ParsedSheet.checks`: a stated 完成率 or 同比增长 (``what`` is
``completion`` or ``growth``, ``stated`` a fraction) to compare with the figures."""


@dataclass(frozen=True)
class ParsedSheet:
    """One sheet read into records."""

    sheet: str
    """Sheet name."""
    layout: str
    """``long``, ``wide``, ``report`` or ``unknown``."""
    records: pd.DataFrame
    """Figures, :data:`RECORD_COLUMNS`."""
    checks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHECK_COLUMNS))
    """Stated completion rates and growth, :data:`CHECK_COLUMNS`."""
    totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RECORD_COLUMNS))
    """Figures of 合计 rows (not stored; checked against the sum of their rows)."""
    issues: tuple[Issue, ...] = ()
    """What reading the layout found."""
    period: PeriodText | None = None
    """The period named in the title, if any."""
    unit_line: UnitLine | None = None
    """The line above the header that says what the figures are measured in."""
    field_columns: dict[str, str] = field(default_factory=dict)
    """Where a long sheet's names and codes stand: ``unit``, ``indicator``, ``unit_code``,
    ``indicator_code`` → column letter."""


# --- vocabulary ---------------------------------------------------------------------------

_UNIT_HEADERS = {
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
_SERIAL_HEADERS = {"序号", "编号", "no", "no.", "#", "排序"}
_IGNORED_HEADERS = {
    "备注",
    "说明",
    "备考",
    "remarks",
    "remark",
    "note",
    "notes",
    "责任人",
    "联系人",
}
_LONG_FIELDS = {
    "unit": {"单位", "单位名称", "地区", "unit", "unitname", "unit_name"},
    "indicator": {"指标", "指标名称", "项目", "indicator", "indicatorname", "indicator_name"},
    "period": {"期间", "时期", "报告期", "时间", "日期", "period", "月份", "年份", "年度"},
    "value": {"数值", "值", "value", "数据", "完成值", "金额", "数量"},
    "kind": {"类型", "数据类型", "口径", "kind", "valuekind", "value_kind", "类别"},
    "cumulative": {"累计", "是否累计", "cumulative"},
    "measure": {"计量单位", "measure", "单位(计量)"},
    "unit_code": {"unit_code", "unitcode", "单位代码", "单位编码"},
    "indicator_code": {"indicator_code", "indicatorcode", "指标代码", "指标编码"},
}
_KINDS = {
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
_TRUE = {"是", "true", "1", "y", "yes", "累计", "t"}
_FALSE = {"否", "false", "0", "n", "no", "当月", "f"}
_SINGLE = re.compile(r"当月|本月|单月")
_TOTAL_ROW = re.compile(r"^(合计|总计|全市|全区|全县|全镇|全街道|总体|total)$", re.IGNORECASE)
_SUBTOTAL_ROW = re.compile(r"^(小计|其中.*|subtotal)$", re.IGNORECASE)
_FOOTNOTE = re.compile(
    r"^(注|说明|备注|资料来源|数据来源|填报|制表|审核|负责人|note)", re.IGNORECASE
)
_MEASURE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s,，;；)）]+)")
"""A row holding this is a unit line (or names the reporting unit), never the header."""
_MEASURE_IN_HEADER = re.compile(r"[(（]\s*([^()（）]{1,8})\s*[)）]\s*$")

_ROLE_WORDS = (
    ("completion", ("完成率", "完成进度", "完成比例", "完成比")),
    ("growth", ("同比", "增长", "增速", "增幅", "增减", "比上年")),
    ("prior", ("去年同期", "上年同期", "上年同期累计", "去年同期累计")),
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
    ("month", ("本月", "当月")),
    ("rank", ("排名", "名次", "排位", "位次")),
    ("actual", ("累计", "完成", "实际", "实绩", "本年", "完成数", "完成额")),
)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower().replace("（", "(").replace("）", ")")


def header_role(text: str) -> str | None:
    """The role of a sub-header such as 全年目标 or 1-6月累计; ``None`` if unknown.

    >>> header_role("全年目标"), header_role("1-6月累计"), header_role("完成率(%)")
    ('target', 'actual', 'completion')
    >>> header_role("同比增长%"), header_role("去年同期"), header_role("1-6月")
    ('growth', 'prior', 'actual')
    """
    clean = _key(text)
    if not clean:
        return None
    for role, words in _ROLE_WORDS:
        if any(word in clean for word in words):
            return role
    period = parse_period(clean)
    return "actual" if period is not None else None


def split_measure(header: str) -> tuple[str, str | None]:
    """``地方一般公共预算收入（万元）`` → (``地方一般公共预算收入``, ``万元``).

    >>> split_measure("固定资产投资(亿元)"), split_measure("高层楼宇")
    (('固定资产投资', '亿元'), ('高层楼宇', None))
    """
    match = _MEASURE_IN_HEADER.search(header)
    if match and match.group(1).strip() in KNOWN_MEASURES:
        return header[: match.start()].strip(), match.group(1).strip()
    return header.strip(), None


# --- entry point --------------------------------------------------------------------------


def parse_sheet(sheet: Sheet) -> ParsedSheet:
    """Recognise the layout of ``sheet`` and read its figures; a figure whose cell does
    not hold it (merged over several figures, an Excel error, a formula never
    calculated) is reported."""
    parsed = _parse(sheet)
    found = _merged_figures(sheet, parsed.records) + _formula_figures(sheet, parsed.records)
    return replace(parsed, issues=(*parsed.issues, *found)) if found else parsed


def _parse(sheet: Sheet) -> ParsedSheet:
    """:func:`parse_sheet` before its cells are checked."""
    long = _parse_long_columns(sheet)
    if long is not None:
        return long
    cells = sheet.cells
    if cells.empty or cells.isna().all().all():
        return _failed(sheet, "empty_sheet", "工作表是空的，没有任何数据。", "The sheet is empty.")
    text = _normalised(cells)
    header_at = _header_row(text)
    if header_at is None:
        return _failed(
            sheet,
            "no_header",
            "找不到表头行（至少两列有标题的一行）。",
            "No header row found (a row with at least two titled columns).",
        )
    meta = " ".join(" ".join(v for v in row if v) for row in text.iloc[:header_at].values)
    title_period = parse_period(meta) if meta else None
    line = find_unit_line(sheet, text, header_at)
    header = text.iloc[header_at]
    long_fields = _long_fields(header)
    if long_fields is not None and _values_twice(header):
        return _two_value_columns(sheet, header, header_at)
    missing = _missing_long_fields(header)
    if long_fields is None and missing:
        names = "、".join(_FIELD_NAMES[m][0] for m in missing)
        names_en = ", ".join(_FIELD_NAMES[m][1] for m in missing)
        return _failed(
            sheet,
            "missing_columns",
            f"缺少必需的列：{names}。",
            f"Required columns missing: {names_en}.",
            sheet.row_number(header_at),
        )
    if long_fields is not None:
        parsed = _parse_long(sheet, cells, text, header_at, long_fields, line)
    else:
        period_cols = _period_columns(header, title_period)
        if len(period_cols) >= 2 and not _has_sub_header(text, header_at):
            parsed = _parse_wide(
                sheet, cells, text, header_at, period_cols, meta, line, title_period
            )
        else:
            parsed = _parse_report(sheet, cells, text, header_at, line, title_period)
    return replace(parsed, unit_line=line) if parsed.layout != "unknown" else parsed


_WIDE = 64
"""Columns past which a sheet's cells are normalised in one go rather than column by
column (a column costs a fixed overhead; a thousand of them add up to seconds)."""


def _normalised(cells: pd.DataFrame) -> pd.DataFrame:
    """Every cell as trimmed NFKC text, ``""`` where empty (column by column, or all at
    once for a sheet of many columns)."""
    if cells.shape[1] > _WIDE and len(cells):
        stacked = pd.concat([column for _, column in cells.items()], ignore_index=True)
        flat = normalise_texts(stacked).to_numpy(dtype=object)
        grid = flat.reshape(cells.shape[1], len(cells)).T
        return pd.DataFrame(grid, index=cells.index, columns=cells.columns)
    columns = {i: normalise_texts(cells.iloc[:, i]) for i in range(cells.shape[1])}
    text = pd.DataFrame(columns, index=cells.index)
    text.columns = cells.columns
    return text


_SPACES = re.compile(r"\s+")
_SPACE_CLASS = "[" + re.escape(WHITESPACE) + "]+"
""":data:`_SPACES` spelled out for Arrow text columns (whose ``\\s`` is ASCII only)."""


def _squeezed(values: pd.Series) -> pd.Series:
    """Text with every run of white space removed (``re.sub(r"\\s+", "", v)``)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.str.replace(_SPACE_CLASS, "", regex=True)
    return values.map(lambda v: _SPACES.sub("", v))


def _mapped(values: pd.Series, function) -> np.ndarray:
    """``function`` of every value, called once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([function(v) for v in uniques], dtype=object)[codes]


def _failed(sheet: Sheet, code: str, zh: str, en: str, row: int | None = None) -> ParsedSheet:
    found = issue(ERROR, code, sheet.name, zh, en, row=row)
    return ParsedSheet(sheet.name, "unknown", pd.DataFrame(columns=RECORD_COLUMNS), issues=(found,))


def _header_row(text: pd.DataFrame, chunk: int = 64) -> int | None:
    """The first row with at least two distinct non-empty cells (merged titles fill one)."""
    for start in range(0, len(text), chunk):
        for offset, row in enumerate(text.iloc[start : start + chunk].to_numpy(dtype=object)):
            values = {v for v in row if v}
            if len(values) >= 2 and not _MEASURE.search(" ".join(values)):
                return start + offset
    return None


def _has_sub_header(text: pd.DataFrame, header_at: int) -> bool:
    if header_at + 1 >= len(text):
        return False
    below = [v for v in text.iloc[header_at + 1].values if v]
    roles = [header_role(v) for v in below]
    return bool(below) and sum(r is not None for r in roles) >= max(1, len(below) // 2)


# --- long ---------------------------------------------------------------------------------


_FIELD_NAMES = {
    "unit": ("单位", "unit"),
    "indicator": ("指标", "indicator"),
    "period": ("期间", "period"),
    "value": ("数值", "value"),
}


def _missing_long_fields(header: pd.Series) -> list[str]:
    """Required long-form columns absent from a header that has most of the others."""
    present = {
        name for name, words in _LONG_FIELDS.items() if any(_key(v) in words for v in header.values)
    }
    present |= {name.removesuffix("_code") for name in present}  # a code stands for a name
    needed = ["unit", "indicator", "period", "value"]
    have = [n for n in needed if n in present]
    return [n for n in needed if n not in present] if len(have) >= 3 else []


def _long_fields(header: pd.Series) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for position, value in enumerate(header.values):
        clean = _key(value)
        for name, words in _LONG_FIELDS.items():
            if name not in found and clean in words:
                found[name] = position
                break
    for name in ("unit", "indicator"):  # codes alone: the code is the name written
        if name not in found and f"{name}_code" in found:
            found[name] = found[f"{name}_code"]
    return found if {"unit", "indicator", "period", "value"} <= set(found) else None


def _value_columns(header: pd.Series) -> list[int]:
    """The positions of the header cells that name a long sheet's figures."""
    return [p for p, v in enumerate(header.values) if _key(v) in _LONG_FIELDS["value"]]


def _values_twice(header: pd.Series) -> bool:
    """Whether more than one column may hold the figures (数量 and 金额)."""
    return len(_value_columns(header)) > 1


def _two_value_columns(sheet: Sheet, header: pd.Series, header_at: int) -> ParsedSheet:
    """A long sheet refused because it names two columns of figures: taking the first
    could read quantities as amounts."""
    positions = _value_columns(header)
    cells = [f"{sheet.column_letter(p)}列“{header.iloc[p]}”" for p in positions]
    cells_en = [f"column {sheet.column_letter(p)} '{header.iloc[p]}'" for p in positions]
    found = issue(
        ERROR,
        "two_value_columns",
        sheet.name,
        f"数值列不止一个：{'、'.join(cells)}都可作数值。请只保留一列数值（其余列删除，"
        "或改名为“备注”）后再上传。",
        f"More than one column may hold the figures: {' and '.join(cells_en)}. Keep one "
        "(delete the others or rename them, e.g. 备注) and upload again.",
        sheet.row_number(header_at),
        sheet.column_letter(positions[1]),
        "、".join(header.iloc[p] for p in positions),
    )
    return ParsedSheet(sheet.name, "unknown", pd.DataFrame(columns=RECORD_COLUMNS), issues=(found,))


def _merged_figures(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
    """Merged ranges that give one value to several figures: an error each, at its
    top-left cell (the value is not to be copied to every row)."""
    if not sheet.merged or records.empty:
        return []
    rows = records["row"].to_numpy(dtype=np.int64)
    letters = records["column"].to_numpy(dtype=object)
    found = []
    for top, left, bottom, right in sheet.merged:
        first, last = sheet.row_number(top), sheet.row_number(bottom)
        span = [sheet.column_letter(c) for c in range(left, right + 1)]
        inside = np.flatnonzero((rows >= first) & (rows <= last) & np.isin(letters, span))
        if len(inside) > 1:
            found.append(_merged(sheet, records.iloc[inside[0]], (first, last, span), len(inside)))
    return found[:50]


def _merged(sheet: Sheet, figure: pd.Series, where: tuple, count: int) -> Issue:
    first, last, span = where
    cells = f"{span[0]}{first}:{span[-1]}{last}"
    return issue(
        ERROR,
        "merged_value",
        sheet.name,
        f"单元格 {cells} 是合并单元格，一个数值 {figure['raw']} 要算作 {count} 个数据：合并的数值"
        "不能复制给每一行。请取消合并，为每一行分别填写数值。",
        f"Cells {cells} are merged: the one value {figure['raw']} would stand for {count} "
        "figures. Unmerge them and give each row its own figure.",
        first,
        span[0],
        figure["raw"],
    )


def _formula_figures(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
    """Figures read as 0 or empty whose cell holds an Excel error or a formula without a
    calculated result (a formula giving 0 in a calculated workbook: a warning)."""
    if sheet.suspects is None or records.empty:
        return []
    values = records["value"].to_numpy(dtype=float)
    doubtful = np.flatnonzero(records["missing"].to_numpy(dtype=bool) | (values == 0))
    suspects = sheet.suspects() if len(doubtful) else {}
    if not suspects:
        return []
    rows = records["row"].to_numpy(dtype=np.int64)
    letters = records["column"].to_numpy(dtype=object)
    found = []
    for i in doubtful:
        what = suspects.get((int(rows[i]), letters[i]))
        if what is not None:
            found.append(_formula_issue(sheet.name, int(rows[i]), letters[i], what))
    return found[:50]


def _formula_issue(name: str, row: int, column: str, what: tuple[str, str]) -> Issue:
    kind, text = what
    if kind == formulas.ERROR:
        return excel_error(name, row, column, text)
    if kind == formulas.UNCALCULATED:
        return issue(
            ERROR,
            "formula_not_calculated",
            name,
            f"单元格的公式“={text}”没有保存计算结果：文件可能由程序生成，从未在 Excel 中计算过。"
            "请在 Excel 中打开、重新计算并保存后再上传。",
            f"The cell's formula '={text}' has no calculated result stored: the file was "
            "probably written by a program and never calculated in Excel. Open it in Excel, "
            "recalculate, save and upload again.",
            row,
            column,
            f"={text}",
        )
    return issue(
        WARNING,
        "formula_zero",
        name,
        f"单元格的公式“={text}”结果为 0，按 0 导入：请核对这是真实数值。",
        f"The cell's formula '={text}' gives 0, imported as 0: check that this is the figure.",
        row,
        column,
        f"={text}",
    )


def _field_columns(sheet: Sheet, fields: dict[str, int]) -> dict[str, str]:
    """The column letters of a long sheet's names and codes."""
    named = ("unit", "indicator", "unit_code", "indicator_code")
    return {name: sheet.column_letter(fields[name]) for name in named if name in fields}


def _given_codes(fields: dict[str, int], column) -> dict[str, object]:
    """:data:`GIVEN_CODES` of a long sheet, by ``column(position)``; none without code
    columns."""
    return {
        f"{name}_code_given": column(fields[f"{name}_code"])
        for name in ("unit", "indicator")
        if f"{name}_code" in fields
    }


def _parse_long(
    sheet: Sheet,
    cells: pd.DataFrame,
    text: pd.DataFrame,
    header_at: int,
    fields: dict[str, int],
    line: UnitLine | None,
) -> ParsedSheet:
    body = slice(header_at + 1, None)
    data = text.iloc[body]
    keep = data.ne("").any(axis=1).to_numpy()
    data = data[keep]
    raw_values = cells.iloc[body, fields["value"]][keep]
    issues: list[Issue] = []
    periods = _periods_of(data.iloc[:, fields["period"]])
    records = pd.DataFrame(
        {
            "sheet": sheet.name,
            "row": np.flatnonzero(keep) + (header_at + 1 + sheet.first_row),
            "column": sheet.column_letter(fields["value"]),
            "raw": data.iloc[:, fields["value"]].array,
            "unit_name": data.iloc[:, fields["unit"]].array,
            "indicator_name": data.iloc[:, fields["indicator"]].array,
        }
    )
    records = pd.concat([records, periods], axis=1)
    kinds = data.iloc[:, fields["kind"]] if "kind" in fields else pd.Series("actual", data.index)
    records["value_kind"] = _mapped(kinds, lambda v: _KINDS.get(_key(v), None if v else "actual"))
    records["single"] = False
    if "cumulative" in fields:
        said = pd.Series(_mapped(data.iloc[:, fields["cumulative"]], _key))
        records["cumulative"] = records["cumulative"].to_numpy() | said.isin(_TRUE).to_numpy()
        records["single"] = said.isin(_FALSE).to_numpy()
    records = records.assign(**_given_codes(fields, lambda j: data.iloc[:, j].to_numpy()))
    own = data.iloc[:, fields["measure"]] if "measure" in fields else pd.Series("", data.index)
    records["measure"] = own.replace("", line.single if line else None).to_numpy(dtype=object)
    records["from_line"] = own.eq("").to_numpy() & (line is not None)
    numbers = parse_numbers(raw_values.reset_index(drop=True))
    records = _with_numbers(records, numbers)
    issues += _bad_kinds(sheet, records, data, fields)
    issues += _bad_periods(sheet, records, data, fields)
    records = records[records["value_kind"].notna() & records["freq"].notna()]
    given = [c for c in GIVEN_CODES if c in records]
    return ParsedSheet(
        sheet.name,
        "long",
        records[[*RECORD_COLUMNS, *given]].reset_index(drop=True),
        issues=tuple(issues),
        field_columns=_field_columns(sheet, fields),
    )


# --- long, column by column ---------------------------------------------------------------

_HEAD_ROWS = 64
"""Rows read cell by cell to find a long sheet's header; the rest is read by column."""


def _parse_long_columns(sheet: Sheet) -> ParsedSheet | None:
    """:func:`parse_sheet` of a long sheet whose header stands in its first rows, or
    ``None`` for any other sheet.

    Gives what :func:`_parse_long` gives, without normalising every cell one by one: a
    column of few distinct texts (unit, indicator, period, kind) is normalised and read
    once per distinct text and kept as a categorical; the value column is read by
    :func:`parse_numbers`, which casts plain decimals in one go.
    """
    cells = sheet.cells
    if cells.empty:
        return None
    head = _normalised(cells.iloc[:_HEAD_ROWS])
    header_at = _header_row(head)
    if header_at is None:
        return None
    fields = _long_fields(head.iloc[header_at])
    if fields is None:
        return None
    if _values_twice(head.iloc[header_at]):
        return _two_value_columns(sheet, head.iloc[header_at], header_at)
    line = find_unit_line(sheet, head, header_at)
    body = cells.iloc[header_at + 1 :]
    value_at = fields["value"]
    columns = {j: _Texts(body.iloc[:, j], coded=j != value_at) for j in range(body.shape[1])}
    keep = np.zeros(len(body), dtype=bool)
    for column in columns.values():
        keep |= column.filled()
    rows = np.flatnonzero(keep)
    every = len(rows) == len(body)
    if not every:
        columns = {j: column.take(rows) for j, column in columns.items()}
    period = columns[fields["period"]]
    n = len(rows)
    # the record columns, built once each and put together once
    data: dict[str, object] = {
        "sheet": _constant(sheet.name, n),
        "row": rows + (header_at + 1 + sheet.first_row),
        "column": _constant(sheet.column_letter(value_at), n),
        "raw": columns[value_at].series(),
        "unit_name": columns[fields["unit"]].categorical(),
        "indicator_name": columns[fields["indicator"]].categorical(),
    }
    periods = [parse_period(v) for v in period.texts]
    data["freq"] = period.categorical([p.freq if p and p.year else None for p in periods])
    year = period.mapped(
        np.array([p.year if p and p.year is not None else np.nan for p in periods])
    )
    sub = period.mapped(np.array([p.sub if p else np.nan for p in periods]))
    data["year"] = year if np.isnan(year).any() else year.astype("int64")
    data["sub"] = sub if np.isnan(sub).any() else sub.astype("int64")
    cumulative = period.mapped(
        np.array([bool(p.cumulative) if p else False for p in periods], dtype=bool)
    )
    if "kind" in fields:
        kinds = columns[fields["kind"]]
        said = [_KINDS.get(_key(v), None if v else "actual") for v in kinds.texts]
        data["value_kind"] = kinds.categorical(said)
    else:
        data["value_kind"] = _constant("actual", n)
    single: object = False
    if "cumulative" in fields:
        flags = columns[fields["cumulative"]]
        keys = [_key(v) for v in flags.texts]
        cumulative = cumulative | flags.mapped(np.array([k in _TRUE for k in keys], dtype=bool))
        single = flags.mapped(np.array([k in _FALSE for k in keys], dtype=bool))
    data["cumulative"] = cumulative
    data["single"] = single
    raw_values = body.iloc[:, value_at] if every else body.iloc[rows, value_at]
    numbers = parse_numbers(raw_values.reset_index(drop=True))
    for name in ("value", "missing", "invalid", "percent"):
        data[name] = getattr(numbers, name).to_numpy()
    at = fields.get("measure")
    data["measure"], data["from_line"] = _long_measures(
        None if at is None else columns.get(at), line, n
    )
    data |= _given_codes(fields, lambda j: columns[j].categorical())
    records = pd.DataFrame(data, index=pd.RangeIndex(n))
    ok = records["value_kind"].notna().to_numpy() & records["freq"].notna().to_numpy()
    issues: list[Issue] = []
    if not ok.all():
        texts = pd.DataFrame({j: column.series() for j, column in columns.items()})
        issues = _bad_kinds(sheet, records, texts, fields) + _bad_periods(
            sheet, records, texts, fields
        )
        records = records[ok].reset_index(drop=True)
    return ParsedSheet(
        sheet.name,
        "long",
        records,
        issues=tuple(issues),
        unit_line=line,
        field_columns=_field_columns(sheet, fields),
    )


def _long_measures(own: _Texts | None, line: UnitLine | None, n: int) -> tuple[object, np.ndarray]:
    """A long sheet's measures (its measure column's, or its unit line's where that
    column is empty or absent) and where they come from the unit line."""
    single = line.single if line is not None else None
    if own is None:
        measure = _constant(single, n) if single is not None else None
        return measure, np.full(n, line is not None)
    measures = own.categorical([v if v else single for v in own.texts])
    return measures, ~own.filled() & (line is not None)


def _constant(value: str, n: int) -> pd.Categorical:
    """``n`` times ``value``, as a categorical of one category."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])


class _Texts:
    """A column of cells as normalised text (:func:`normalise_texts`), kept as codes into
    its distinct texts when ``coded`` (and the column holds only text), else cell by cell
    (and coded only when asked for distinct texts)."""

    def __init__(self, cells: pd.Series | None, *, coded: bool) -> None:
        self._codes: np.ndarray | None = None
        self._texts = np.array([], dtype=object)
        self._text: pd.Series | None = None
        if cells is None:
            return
        cells = cells.reset_index(drop=True)
        if coded and _only_text(cells):
            codes, distinct = _factorized(cells)
            normal = normalise_texts(distinct).to_numpy(dtype=object)
            # two spellings may normalise to one text: code each text once
            again, texts = pd.factorize(normal)
            self._codes = again[codes] if len(codes) else codes
            self._texts = np.asarray(texts, dtype=object)
        else:
            self._text = normalise_texts(cells)

    @property
    def codes(self) -> np.ndarray:
        """Each cell's position in :attr:`texts`."""
        if self._codes is None:
            assert self._text is not None
            codes, distinct = pd.factorize(self._text, use_na_sentinel=False)
            self._codes, self._texts = codes, np.asarray(distinct, dtype=object)
        return self._codes

    @property
    def texts(self) -> np.ndarray:
        """The distinct normalised texts."""
        self.codes  # noqa: B018 (codes the column if it is not yet)
        return self._texts

    def filled(self) -> np.ndarray:
        """Whether each cell holds text."""
        if self._text is not None:
            return self._text.ne("").to_numpy(dtype=bool)
        return (self._texts != "")[self.codes] if len(self._texts) else np.zeros(0, bool)

    def take(self, rows: np.ndarray) -> _Texts:
        """The cells at positions ``rows``."""
        out = _Texts(None, coded=False)
        if self._text is not None:
            out._text = self._text.iloc[rows].reset_index(drop=True)
        else:
            out._codes, out._texts = self.codes[rows], self._texts
        return out

    def series(self) -> pd.Series:
        """The normalised texts, one per cell."""
        if self._text is not None:
            return self._text
        return pd.Series(self._texts.take(self.codes), dtype="str")

    def mapped(self, per_text: np.ndarray) -> np.ndarray:
        """``per_text`` (one value per distinct text) for every cell."""
        return per_text[self.codes]

    def categorical(self, per_text: list | None = None) -> pd.Categorical:
        """The texts (or ``per_text``, one value per distinct text; ``None`` is missing)
        for every cell, as a categorical."""
        values = list(self.texts) if per_text is None else per_text
        codes, categories = pd.factorize(pd.Series(values, dtype=object))
        return pd.Categorical.from_codes(
            codes[self.codes] if len(self.codes) else self.codes,
            categories=pd.Index(categories, dtype=object),
        )


def _factorized(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``pd.factorize(cells, use_na_sentinel=False)``, by Arrow for an Arrow text column."""
    if isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow":
        strings = pa.array(cells.array)
        if isinstance(strings, pa.ChunkedArray):
            strings = strings.combine_chunks()
        coded = pc.dictionary_encode(strings, null_encoding="encode")
        return (
            coded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
            pd.Series(coded.dictionary.to_pylist(), dtype=object),
        )
    codes, distinct = pd.factorize(cells, use_na_sentinel=False)
    return codes, pd.Series(distinct, dtype=object)


def _only_text(cells: pd.Series) -> bool:
    """Whether every cell is text or empty (no number, date or flag to print)."""
    if isinstance(cells.dtype, pd.StringDtype):
        return True
    return cells.dtype == object and pd.api.types.infer_dtype(cells, skipna=True) in (
        "string",
        "empty",
    )


def _periods_of(values: pd.Series) -> pd.DataFrame:
    """Parse each distinct period text once (a large file repeats few periods)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    parsed = [parse_period(v) for v in uniques]
    year = np.array([p.year if p and p.year is not None else np.nan for p in parsed])[codes]
    sub = np.array([p.sub if p else np.nan for p in parsed])[codes]
    return pd.DataFrame(
        {
            "freq": np.array([p.freq if p and p.year else None for p in parsed], object)[codes],
            "year": year if np.isnan(year).any() else year.astype("int64"),
            "sub": sub if np.isnan(sub).any() else sub.astype("int64"),
            "cumulative": np.array(
                [bool(p.cumulative) if p else False for p in parsed], dtype=bool
            )[codes],
        }
    )


def _with_numbers(records: pd.DataFrame, numbers: object) -> pd.DataFrame:
    out = records.copy(deep=False)  # copy on write: records stays as it was
    for name in ("value", "missing", "invalid", "percent"):
        out[name] = getattr(numbers, name).to_numpy()
    return out


def _bad_kinds(
    sheet: Sheet, records: pd.DataFrame, data: pd.DataFrame, fields: dict[str, int]
) -> list[Issue]:
    bad = records["value_kind"].isna()
    column = fields.get("kind")
    return (
        [
            issue(
                ERROR,
                "bad_value_kind",
                sheet.name,
                f"数据类型“{data.iloc[i, column]}”无法识别，应为 实际 / 目标 / 计划。",
                f"Value kind '{data.iloc[i, column]}' is not one of actual / target / plan.",
                int(records.iloc[i]["row"]),
                sheet.column_letter(column),
                data.iloc[i, column],
            )
            for i in np.flatnonzero(bad.to_numpy())[:20]
        ]
        if column is not None
        else []
    )


def _bad_periods(
    sheet: Sheet, records: pd.DataFrame, data: pd.DataFrame, fields: dict[str, int]
) -> list[Issue]:
    bad = np.flatnonzero(records["freq"].isna().to_numpy())
    col = fields["period"]
    return [
        issue(
            ERROR,
            "bad_period",
            sheet.name,
            f"期间“{data.iloc[i, col]}”无法识别，应为 2024、2024-H1、2024-Q2、2024-06 或 2024年1-6月 等。",
            f"Period '{data.iloc[i, col]}' is not recognised; expected 2024, 2024-H1, 2024-Q2, "
            "2024-06, 2024年1-6月 or similar.",
            int(records.iloc[i]["row"]),
            sheet.column_letter(col),
            data.iloc[i, col],
        )
        for i in bad[:20]
    ]


# --- wide ---------------------------------------------------------------------------------


def _period_columns(header: pd.Series, title: PeriodText | None) -> dict[int, PeriodText]:
    found = {}
    for position, value in enumerate(header.values):
        period = parse_period(value) if value else None
        if period is None:
            continue
        if period.year is None and title is not None and title.year is not None:
            period = PeriodText(period.freq, title.year, period.sub, period.cumulative)
        if period.year is not None:
            found[position] = period
    return found


def _unit_column(header: pd.Series, data: pd.DataFrame, skip: set[int]) -> int | None:
    for position, value in enumerate(header.values):
        if position not in skip and _key(value) in _UNIT_HEADERS:
            return position
    for position in range(data.shape[1]):
        if position in skip or _key(header.iloc[position]) in _SERIAL_HEADERS:
            continue
        column = data.iloc[:, position]
        filled = column[column.ne("")]
        if len(filled) and parse_numbers(filled).invalid.mean() > 0.8:
            return position
    return None


def _body_rows(text: pd.DataFrame, start: int, unit_col: int) -> tuple[list[int], list[int], int]:
    """Data rows, total rows, and the footnote row (or the end)."""
    block = text.iloc[start:].to_numpy(dtype=object)
    filled = block != ""
    first = pd.Series(block[np.arange(len(block)), filled.argmax(axis=1)] if len(block) else [])
    first = first.where(filled.any(axis=1), "").astype(object)
    footnotes = np.flatnonzero(first.ne("") & first.str.match(_FOOTNOTE).fillna(False))
    end = start + int(footnotes[0]) if len(footnotes) else len(text)
    names = _squeezed(text.iloc[start:end, unit_col]).astype(object)
    seen = first.iloc[: end - start].ne("").to_numpy()
    total = seen & names.str.match(_TOTAL_ROW).to_numpy(dtype=bool)
    data = seen & ~total & ~names.str.match(_SUBTOTAL_ROW).to_numpy(dtype=bool) & names.ne("")
    positions = np.arange(start, end)
    return positions[data].tolist(), positions[total].tolist(), end


def _parse_wide(
    sheet: Sheet,
    cells: pd.DataFrame,
    text: pd.DataFrame,
    header_at: int,
    period_cols: dict[int, PeriodText],
    meta: str,
    line: UnitLine | None,
    title_period: PeriodText | None,
) -> ParsedSheet:
    header = text.iloc[header_at]
    indicator_col = next(
        (p for p, v in enumerate(header.values) if _key(v) in _LONG_FIELDS["indicator"]), None
    )
    skip = set(period_cols) | ({indicator_col} if indicator_col is not None else set())
    unit_col = _unit_column(header, text.iloc[header_at + 1 :], skip)
    if unit_col is None:
        return _failed(
            sheet,
            "no_unit_column",
            "找不到单位名称列（如“单位”“街道”“乡镇”）。",
            "No column of unit names found (such as 单位, 街道 or 乡镇).",
            sheet.row_number(header_at),
        )
    rows, totals, _end = _body_rows(text, header_at + 1, unit_col)
    title_indicator, title_measure = split_measure(_title_indicator(meta, sheet.name))
    measure, from_line = _column_measure(title_measure, line)
    positions = list(period_cols)
    periods = [period_cols[p] for p in positions]
    per_column: dict[str, list] = {
        "freq": [p.freq for p in periods],
        "year": [p.year for p in periods],
        "sub": [p.sub for p in periods],
        "cumulative": [p.cumulative for p in periods],
        "single": [bool(_SINGLE.search(header.iloc[p])) for p in positions],
    }
    parts = []
    for chosen in (rows, totals):
        part = _block(sheet, cells, text, chosen, positions, unit_col)
        names = (
            np.tile(text.iloc[chosen, indicator_col].to_numpy(dtype=object), len(positions))
            if indicator_col is not None
            else title_indicator
        )
        fixed = {"value_kind": "actual", "measure": measure, "from_line": from_line}
        parts.append(
            part.assign(indicator_name=names, **_repeated(per_column, len(chosen)), **fixed)[
                list(RECORD_COLUMNS)
            ]
        )
    records, totals_f = parts
    notes = []
    if indicator_col is None:
        notes.append(
            issue(
                INFO,
                "indicator_from_title",
                sheet.name,
                f"指标取自标题或工作表名：“{title_indicator}”。",
                f"Indicator taken from the title or sheet name: '{title_indicator}'.",
            )
        )
    named = {"unit": unit_col} | ({"indicator": indicator_col} if indicator_col is not None else {})
    return ParsedSheet(
        sheet.name,
        "wide",
        records,
        totals=totals_f,
        issues=tuple(notes),
        period=title_period,
        field_columns=_field_columns(sheet, named),
    )


def _title_indicator(meta: str, sheet_name: str) -> str:
    """The indicator named by a title such as ``2019-2025年各街道地方一般公共预算收入``."""
    source = re.split(r"(?:计量)?单位\s*[:：]", meta)[0] if meta else sheet_name
    clean = re.sub(r"(?:19|20)\d{2}\s*年?(?:\s*[-~至到]\s*(?:19|20)\d{2}\s*年?)?", "", source)
    clean = re.sub(r"\d{1,2}\s*[-~至]\s*\d{1,2}\s*月|上半年|下半年|[一二三四]季度", "", clean)
    clean = re.sub(
        r"^(?:各|全市|全区|全县)(?:街道|乡镇|镇街|街镇|单位|部门)?(?:[(（][^)）]*[)）])?",
        "",
        clean.strip(),
    )
    clean = re.sub(r"(完成情况|统计表|情况表|汇总表|一览表|表)$", "", clean.strip())
    return clean.strip(" ：:") or sheet_name


_BLOCK_COLUMNS = (
    "sheet", "row", "column", "raw", "unit_name", "value", "missing", "invalid", "percent",
)  # fmt: skip


def _block(
    sheet: Sheet,
    cells: pd.DataFrame,
    text: pd.DataFrame,
    rows: list[int],
    positions: list[int],
    unit_col: int,
) -> pd.DataFrame:
    """The cells of ``rows`` in the columns at ``positions``, one column after another,
    read as numbers at once (a sheet of a thousand columns is one read, not a thousand):
    :data:`_BLOCK_COLUMNS`, with the row's unit name."""
    n, k = len(rows), len(positions)
    if not n or not k:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _BLOCK_COLUMNS})
    numbers = parse_numbers(_stacked(cells, rows, positions))
    units = _squeezed(text.iloc[rows, unit_col]).to_numpy(dtype=object)
    letters = np.array([sheet.column_letter(p) for p in positions], dtype=object)
    return pd.DataFrame(
        {
            "sheet": sheet.name,
            "row": np.tile(np.asarray(rows, dtype=np.int64) + sheet.first_row, k),
            "column": np.repeat(letters, n),
            "raw": _stacked(text, rows, positions).array,
            "unit_name": np.tile(units, k),
            "value": numbers.value.to_numpy(),
            "missing": numbers.missing.to_numpy(dtype=bool),
            "invalid": numbers.invalid.to_numpy(dtype=bool),
            "percent": numbers.percent.to_numpy(dtype=bool),
        }
    )


def _stacked(frame: pd.DataFrame, rows: list[int], positions: list[int]) -> pd.Series:
    """The cells of ``rows`` in the columns at ``positions``, column after column."""
    block = frame.iloc[rows, positions]
    return pd.concat([column for _, column in block.items()], ignore_index=True)


def _repeated(per_column: dict[str, list], n: int) -> dict[str, np.ndarray]:
    """Each column's value repeated for its ``n`` cells, as :func:`_block` lists them."""
    return {
        name: np.repeat(np.array(values, dtype=object if _mixed(values) else None), n)
        for name, values in per_column.items()
    }


def _mixed(values: list) -> bool:
    """Whether ``values`` hold text or missing values (kept as objects, not cast)."""
    return any(v is None or isinstance(v, str) for v in values)


# --- report -------------------------------------------------------------------------------


def _parse_report(
    sheet: Sheet,
    cells: pd.DataFrame,
    text: pd.DataFrame,
    header_at: int,
    line: UnitLine | None,
    title_period: PeriodText | None,
) -> ParsedSheet:
    two_rows = _has_sub_header(text, header_at)
    top = text.iloc[header_at].copy()
    sub = text.iloc[header_at + 1] if two_rows else pd.Series([""] * len(top))
    if two_rows:  # a CSV keeps a merged heading in its first cell only
        top = top.where(top.ne("") | sub.eq(""), None).ffill().fillna("")
    start = header_at + (2 if two_rows else 1)
    serial = {p for p, v in enumerate(top.values) if _key(v) in _SERIAL_HEADERS}
    unit_col = _unit_column(top, text.iloc[start:], serial)
    if unit_col is None:
        return _failed(
            sheet,
            "no_unit_column",
            "找不到单位名称列（如“单位”“街道”“乡镇”）。",
            "No column of unit names found (such as 单位, 街道 or 乡镇).",
            sheet.row_number(header_at),
        )
    rows, totals, _end = _body_rows(text, start, unit_col)
    if not rows:
        return _failed(
            sheet,
            "no_data_rows",
            "表头下面没有数据行。",
            "No data rows below the header.",
            sheet.row_number(header_at),
        )
    issues: list[Issue] = []
    figures: list[tuple[int, dict]] = []
    checked: list[tuple[int, dict]] = []
    for position in range(text.shape[1]):
        if (
            position in serial
            or position == unit_col
            or not (top.iloc[position] or sub.iloc[position])
            or _key(top.iloc[position]) in _IGNORED_HEADERS
        ):
            continue
        column = _report_column(
            top.iloc[position], sub.iloc[position], two_rows, title_period, line
        )
        letter = sheet.column_letter(position)
        if column is None:
            issues.append(
                issue(
                    WARNING,
                    "column_skipped",
                    sheet.name,
                    f"无法识别列标题“{top.iloc[position]} {sub.iloc[position]}”，该列未导入。",
                    f"Column heading '{top.iloc[position]} {sub.iloc[position]}' is not "
                    "recognised; the column is not imported.",
                    sheet.row_number(header_at),
                    letter,
                    top.iloc[position],
                )
            )
            continue
        if column.get("error"):
            issues.append(
                issue(
                    ERROR,
                    "no_period",
                    sheet.name,
                    column["zh"],
                    column["en"],
                    sheet.row_number(header_at),
                    letter,
                    top.iloc[position],
                )
            )
            continue
        if column["role"] in ("month", "rank"):
            continue
        (checked if column["role"] in ("completion", "growth") else figures).append(
            (position, column)
        )
    records_f = _report_records(sheet, cells, text, rows, unit_col, figures)
    totals_f = _report_records(sheet, cells, text, totals, unit_col, figures)
    checks_f = _report_checks(sheet, cells, text, rows, unit_col, checked)
    return ParsedSheet(
        sheet.name,
        "report",
        records_f,
        checks_f,
        totals_f,
        tuple(issues),
        title_period,
        field_columns=_field_columns(sheet, {"unit": unit_col}),
    )


_FIGURE_FIELDS = ("freq", "year", "sub", "cumulative", "value_kind", "measure", "from_line")
"""What a report column of figures says of each of its cells (:func:`_report_column`)."""


def _report_records(
    sheet: Sheet,
    cells: pd.DataFrame,
    text: pd.DataFrame,
    rows: list[int],
    unit_col: int,
    columns: list[tuple[int, dict]],
) -> pd.DataFrame:
    """The figures of ``rows`` in the report ``columns`` (position, what it holds)."""
    block = _block(sheet, cells, text, rows, [p for p, _ in columns], unit_col)
    per_column = {k: [c[k] for _, c in columns] for k in ("indicator", *_FIGURE_FIELDS)}
    fields = _repeated(per_column, len(rows) if columns else 0)
    return block.assign(indicator_name=fields.pop("indicator"), single=False, **fields)[
        list(RECORD_COLUMNS)
    ]


def _report_checks(
    sheet: Sheet,
    cells: pd.DataFrame,
    text: pd.DataFrame,
    rows: list[int],
    unit_col: int,
    columns: list[tuple[int, dict]],
) -> pd.DataFrame:
    """The stated completion rates and growth of ``rows`` in the report ``columns``, as
    fractions (``52%``, or a bare number above 3, is a percentage)."""
    data = _block(sheet, cells, text, rows, [p for p, _ in columns], unit_col)
    per_column = {"indicator_name": [c["indicator"] for _, c in columns]}
    per_column["what"] = [c["role"] for _, c in columns]
    fields = _repeated(per_column, len(rows) if columns else 0)
    value = data["value"].to_numpy(dtype=float)
    percent = data["percent"].to_numpy(dtype=bool) | (np.abs(value) > 3)
    stated = np.where(percent, value / 100.0, value)
    return data.assign(**fields, stated=stated)[list(CHECK_COLUMNS)]


def _report_column(
    top: str, sub: str, two_rows: bool, title: PeriodText | None, line: UnitLine | None
) -> dict | None:
    """What one report column holds: indicator, role, period and measure."""
    indicator, header_measure = split_measure(top)
    if two_rows and header_measure is None:
        sub, header_measure = split_measure(sub)
    if two_rows:
        role = header_role(sub) or ("actual" if not sub else None)
        heading = sub
    else:
        role, heading = "actual", top
    if role is None:
        return None
    own = parse_period(heading) if heading else None
    period = own if own is not None and own.year is not None else _merge(own, title)
    measure, from_line = _column_measure(header_measure, line)
    out = {"indicator": indicator, "role": role, "measure": measure, "from_line": from_line}
    if role in ("completion", "growth", "month", "rank"):
        return out
    if role == "target":
        year = period.year if period is not None else None
        if year is None:
            return _no_period(indicator)
        return out | {
            "freq": "Y",
            "year": year,
            "sub": 0,
            "cumulative": False,
            "value_kind": "target",
        }
    if period is None or period.year is None:
        return _no_period(indicator)
    year = period.year - 1 if role == "prior" else period.year
    cumulative = period.cumulative or (
        period.freq == "M" and own is None and title is not None and title.cumulative
    )
    return out | {
        "freq": period.freq,
        "year": year,
        "sub": period.sub,
        "cumulative": bool(cumulative),
        "value_kind": "actual",
    }


def _column_measure(own: str | None, line: UnitLine | None) -> tuple[str | None, bool]:
    """A column's measure and whether it comes from the unit line: a measure written in
    its own heading wins; else the line's, missing while the line names several (the
    importer chooses among them once it knows the column's indicator)."""
    if own is not None or line is None:
        return own, False
    return line.single, True


def _merge(own: PeriodText | None, title: PeriodText | None) -> PeriodText | None:
    if own is None:
        return title
    if title is None or title.year is None:
        return own
    return PeriodText(own.freq, title.year, own.sub, own.cumulative)


def _no_period(indicator: str) -> dict:
    return {
        "error": True,
        "zh": f"“{indicator}”这一列看不出是哪个时期：请在标题中写明，如“2024年1-6月”。",
        "en": f"Cannot tell the period of the column '{indicator}': name it in the title, "
        "e.g. 2024年1-6月.",
    }
