"""The long layout: one row per unit, indicator, period and value (optionally value
kind, cumulative flag, measure and codes), as ``python -m bxgc_metrics export`` writes it.

The sheet is read column by column rather than cell by cell: a column of few distinct
texts (unit, indicator, period, kind) is normalised and read once per distinct text and
kept as a categorical; the value column is read by
:func:`~bxgc_metrics.importer.cells.parse_numbers`, which casts plain decimals in one go.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.cells import parse_numbers
from bxgc_metrics.importer.columns import Texts, constant, matches, squeezed
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.layouts.grid import (
    holds_figures,
    numbered_units,
    split_figures,
    subtotal_note,
    without_split_columns,
)
from bxgc_metrics.importer.layouts.records import (
    RECORD_COLUMNS,
    ParsedSheet,
    field_columns,
    unread,
)
from bxgc_metrics.importer.layouts.vocabulary import (
    FALSE,
    FOOTNOTE,
    IGNORED_HEADERS,
    KINDS,
    LONG_FIELDS,
    SERIAL_HEADERS,
    SUBTOTAL_ROW,
    TOTAL_ROW,
    TRUE,
    key,
    single_month,
    split_measure,
)
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import UnitLine, find_unit_line
from bxgc_metrics.periods import parse_text

_SHOWN = 20
"""Bad value kinds and bad periods listed per sheet."""

ALONGSIDE_ROWS = 50_000
"""Rows from which a sheet's figures are read on another thread while its other columns
are coded (below it, a thread's start and hand-over cost more than they save)."""

_ALONGSIDE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bxgc-figures")


def parse(
    sheet: Sheet,
    text: pd.DataFrame,
    header_at: int,
    *,
    fields: dict[str, int],
    single_title: bool = False,
) -> ParsedSheet:
    """The records of a long sheet whose header is row ``header_at`` of ``text`` (the
    sheet's normalised cells, at least down to the header) with ``fields`` at their
    positions; refused when two columns may hold the figures. ``single_title`` when the text
    above the header says the figures are single months (当月); a 累计 column decides
    over it."""
    header = text.iloc[header_at]
    if len(_value_columns(header)) > 1:
        return _two_value_columns(sheet, header, header_at)
    line = find_unit_line(sheet, text, header_at)
    body = sheet.cells.iloc[header_at + 1 :]
    value_at = fields["value"]
    # the figures of every row are read (on another thread, for a large sheet) while the
    # other columns are coded: Arrow does most of both without holding Python's lock
    values = body.iloc[:, value_at].reset_index(drop=True)
    reading = _ALONGSIDE.submit(parse_numbers, values) if len(values) >= ALONGSIDE_ROWS else None
    columns = {j: Texts(body.iloc[:, j], coded=j != value_at) for j in range(body.shape[1])}
    keep = np.zeros(len(body), dtype=bool)
    for column in columns.values():
        keep |= column.filled()
    rows = np.flatnonzero(keep)
    every = len(rows) == len(body)
    if not every:
        columns = {j: column.take(rows) for j, column in columns.items()}
    n = len(rows)
    # the record columns, built once each and put together once
    data: dict[str, object] = {
        "sheet": constant(sheet.name, n),
        "row": rows + (header_at + 1 + sheet.first_row),
        "column": constant(sheet.column_letter(value_at), n),
        "raw": columns[value_at].series(),
        "unit_name": columns[fields["unit"]].categorical(),
    }
    # 固定资产投资（亿元）: the indicator, and its figures' measure where no column gives one
    indicators = columns[fields["indicator"]]
    split = [split_measure(t) for t in indicators.texts]
    named = np.array([m for _, m in split], dtype=object)
    data["indicator_name"] = indicators.categorical([n for n, _ in split] if any(named) else None)
    flags = columns[fields["cumulative"]] if "cumulative" in fields else None
    period = columns[fields["period"]]
    numeric = _fractional(body.iloc[:, fields["period"]])  # 2026.10 held as 2026.1
    numeric = numeric if every else numeric[rows]
    if "year" in fields and fields["year"] != fields["period"]:
        quarters = fields.get("quarter") == fields["period"]
        period = _with_years(period, columns[fields["year"]], quarters=quarters)
    freq, year, sub, cumulative, single = _periods(period, flags, title=single_title)
    if numeric.any():
        freq = pd.Categorical(freq).copy()
        freq[numeric] = np.nan
    data |= {"freq": freq, "year": year, "sub": sub}
    data["value_kind"] = _kinds(columns[fields["kind"]]) if "kind" in fields else None
    if data["value_kind"] is None:
        data["value_kind"] = constant("actual", n)
    data |= {"cumulative": cumulative, "single": single}
    numbers = reading.result() if reading is not None else parse_numbers(values)
    for name in ("value", "missing", "invalid", "percent"):
        read = getattr(numbers, name).to_numpy()
        data[name] = read if every else read[rows]
    at = fields.get("measure")
    data["measure"], data["from_line"] = _measures(None if at is None else columns.get(at), line, n)
    if any(named):
        given = columns[at].filled() if at is not None else np.zeros(n, dtype=bool)
        data["measure"], data["from_line"] = _named_measures(
            data["measure"], data["from_line"], indicators.mapped(named), given=given
        )
    data |= _given_codes(fields, lambda j: columns[j].categorical())
    records = pd.DataFrame(data, index=pd.RangeIndex(n))
    ok = records["value_kind"].notna().to_numpy() & records["freq"].notna().to_numpy()
    found: list[Issue] = without_split_columns(
        _left_out(sheet, body, header=header, header_at=header_at, fields=fields),
        split_figures(
            sheet, sheet.cells, heads=[header_at], rows=range(header_at + 1, len(sheet.cells))
        ),
    )
    if flags is not None:
        letter = sheet.column_letter(fields["cumulative"])
        rows_at = np.asarray(data["row"])
        found += _flag_issues(sheet, rows_at, period=period, flags=flags, letter=letter)
    figure = ok & ~records["missing"].to_numpy(dtype=bool)
    below = _notes_below(columns[0], figure) if not figure.all() else np.zeros(n, dtype=bool)
    if not ok.all():
        texts = pd.DataFrame({j: column.series() for j, column in columns.items()})
        read = ~below
        found = _unreadable(sheet, records[read], texts[read], fields=fields, numeric=numeric[read])
    if below.any():
        start = int(np.flatnonzero(below)[0])
        at = int(rows[start]) + header_at + 1  # its position in the sheet
        text = str(sheet.cells.iat[at, 0]).strip()  # as written
        found.append(
            issues.NOTES_BELOW.at(
                sheet.name,
                sheet.row_number(at),
                sheet.column_letter(0),
                value=text,
                text=text,
                count=int(below.sum()),
            )
        )
    total, part = _totals(columns[fields["unit"]])
    found += subtotal_note(sheet, (rows[part] + header_at + 1).tolist(), unit_col=fields["unit"])
    totals = records[total & ok][list(RECORD_COLUMNS)].reset_index(drop=True)
    if not ok.all() or total.any() or part.any() or below.any():
        records = records[ok & ~total & ~part & ~below].reset_index(drop=True)
    return ParsedSheet(
        sheet.name,
        "long",
        records,
        totals=totals,
        issues=tuple(found),
        unit_line=line,
        field_columns=field_columns(sheet, fields),
    )


def _notes_below(first: Texts, figure: np.ndarray) -> np.ndarray:
    """The rows of notes and sign-off lines under the table: from the first row whose
    first cell starts a note (注：, 填报人：, 单位负责人：) and that holds no figure of a
    period, every row that holds none (a numbered note, 2.西城街道…); a figure after
    them that names its period is read."""
    said = matches(pd.Series(first.texts, dtype=object), FOOTNOTE)
    if not said.any():
        return np.zeros(len(figure), dtype=bool)
    starts = np.flatnonzero(said[first.codes] & ~figure)
    below = np.zeros(len(figure), dtype=bool)
    if len(starts):
        below[starts[0] :] = ~figure[starts[0] :]
    return below


def _totals(units: Texts) -> tuple[np.ndarray, np.ndarray]:
    """Which rows are a 合计 row (checked against the sum of the units' figures, not
    stored) and which a 小计 or 其中 row (left out), each distinct unit text judged once:
    no unit is named so, and either taken for a unit would count figures twice. Units
    numbered as groups are (（一）东城街道) are units where no plain one is
    (:func:`~bxgc_metrics.importer.layouts.grid.numbered_units`)."""
    names = squeezed(pd.Series(units.texts, dtype=object))
    total = matches(names, TOTAL_ROW)
    part = ~total & matches(names, SUBTOTAL_ROW)
    part &= ~numbered_units(names, part, plain=~total & ~part & names.ne("").to_numpy(dtype=bool))
    if not total.any() and not part.any():
        none = np.zeros(len(units.codes), dtype=bool)
        return none, none
    return total[units.codes], part[units.codes]


def _left_out(
    sheet: Sheet, body: pd.DataFrame, *, header: pd.Series, header_at: int, fields: dict[str, int]
) -> list[Issue]:
    """A warning at the heading of each column of figures that no field reads (目标值
    beside 完成值, a rank): a long sheet imports one figure a row, and the others would
    be dropped without a word. Notes and serial numbers are not figures."""
    used = set(fields.values())
    found = []
    for j, heading in enumerate(header.values):
        if j in used or key(heading) in IGNORED_HEADERS | SERIAL_HEADERS:
            continue
        if not holds_figures(body.iloc[:, j]):
            continue
        written = sheet.cells.iat[header_at, j]
        name = issues.Text(str(written), str(written)) if heading else issues.NO_HEADING
        found.append(
            issues.COLUMN_LEFT_OUT.at(
                sheet.name,
                sheet.row_number(header_at),
                sheet.column_letter(j),
                value="" if not heading else str(written),
                name=name,
                value_column=header.iat[fields["value"]],
            )
        )
    return found


def _with_years(period: Texts, years: Texts, *, quarters: bool = False) -> Texts:
    """The period column dated by the year column where its own text names no year
    (年份 2026 and 月份 6 read as 2026年6月; 年度 2026 and 期间 1-6月 as 2026年1-6月; with
    ``quarters``, 季度 3 as 2026Q3), each distinct pair of texts once."""
    width = max(len(years.texts), 1)
    pairs = period.codes.astype(np.int64) * width + years.codes
    distinct, codes = np.unique(pairs, return_inverse=True)
    texts = [
        _dated(period.texts[k // width], years.texts[k % width], quarters=quarters)
        for k in distinct
    ]
    return Texts.of(codes.astype(np.int64), np.array(texts, dtype=object))


_YEAR_MARK, _MONTH_MARK = "年", "月"
"""What joins a year to a period that names none (2026 and 1-6月: 2026年1-6月)."""
_MONTH_NUMBER = re.compile(r"(\d{1,2})(\.0)?")
_MONTH_RANGE = re.compile(r"\d{1,2}\s*[-~—–至到]\s*\d{1,2}")
_YEAR_NUMBER = re.compile(r"(\d{4})(\.0|年)?")


def _dated(text: str, year: str, *, quarters: bool = False) -> str:
    """``text`` (a period) with the year ``year`` put in front where it names none; a
    bare number is a month (1–12), or with ``quarters`` a quarter (1–4)."""
    own = parse_text(text) if text else None
    written = _YEAR_NUMBER.fullmatch(year)
    if not text or written is None or (own is not None and own.year is not None):
        return text
    if _MONTH_RANGE.fullmatch(text):  # 1-10 under 2026: 2026年1-10月
        return f"{written.group(1)}{_YEAR_MARK}{text}{_MONTH_MARK}"
    number = _MONTH_NUMBER.fullmatch(text)
    if number is not None:
        n = int(number.group(1))
        if quarters:
            return f"{written.group(1)}Q{n}" if 1 <= n <= 4 else text
        return f"{written.group(1)}-{n:02d}" if 1 <= n <= 12 else text
    return written.group(1) + _YEAR_MARK + text


def _periods(period: Texts, flags: Texts | None, *, title: bool = False) -> tuple[object, ...]:
    """``freq``, ``year``, ``sub``, ``cumulative`` and ``single`` of every row, each
    distinct period text read once; the cumulative flag column, if any, says year-to-date
    (是) or single-month (否, 当月), else the period (2026年10月（当月）) or the ``title``
    does."""
    periods = [parse_text(v) for v in period.texts]
    freq = period.categorical([p.freq if p and p.year else None for p in periods])
    year = period.mapped(
        np.array([p.year if p and p.year is not None else np.nan for p in periods])
    )
    sub = period.mapped(np.array([p.sub if p else np.nan for p in periods]))
    cumulative = period.mapped(
        np.array([bool(p.cumulative) if p else False for p in periods], dtype=bool)
    )
    if flags is not None:  # the flag decides
        keys = [key(v) for v in flags.texts]
        cumulative = cumulative | flags.mapped(np.array([k in TRUE for k in keys], dtype=bool))
        single: object = flags.mapped(np.array([k in FALSE for k in keys], dtype=bool))
    else:
        said = [
            single_month(v, title=title, cumulative=bool(p and p.cumulative))
            for v, p in zip(period.texts, periods, strict=True)
        ]
        single = period.mapped(np.array(said, dtype=bool))
    return (
        freq,
        year if np.isnan(year).any() else year.astype("int64"),
        sub if np.isnan(sub).any() else sub.astype("int64"),
        cumulative,
        single,
    )


def _flag_issues(
    sheet: Sheet, rows: np.ndarray, *, period: Texts, flags: Texts, letter: str
) -> list[Issue]:
    """An error at each cumulative flag that is none of 是 / 否 (and their other words),
    and at each 否 beside a period that runs from January (2018年1-3月): the first few of
    each. ``rows`` are the Excel rows of the records."""
    keys = [key(v) for v in flags.texts]
    unknown = flags.mapped(np.array([bool(k) and k not in TRUE | FALSE for k in keys]))
    said_single = flags.mapped(np.array([k in FALSE for k in keys], dtype=bool))
    runs = period.mapped(
        np.array([bool(p.cumulative) if (p := parse_text(v)) else False for v in period.texts])
    )
    found = []
    written = flags.series()
    texts = period.series()
    for i in np.flatnonzero(np.asarray(unknown, dtype=bool))[:_SHOWN].tolist():
        text = written.iat[i]
        found.append(
            issues.BAD_CUMULATIVE.at(sheet.name, int(rows[i]), letter, value=text, text=text)
        )
    both = np.asarray(said_single, dtype=bool) & np.asarray(runs, dtype=bool)
    for i in np.flatnonzero(both)[:_SHOWN].tolist():
        flag = written.iat[i]
        found.append(
            issues.CUMULATIVE_CONFLICT.at(
                sheet.name, int(rows[i]), letter, value=flag, period=texts.iat[i], flag=flag
            )
        )
    return found


def _kinds(kinds: Texts) -> pd.Categorical:
    """Each row's value kind (missing where the text names none; ``actual`` if empty)."""
    return kinds.categorical([KINDS.get(key(v), None if v else "actual") for v in kinds.texts])


def _named_measures(
    measure: object, from_line: object, named: np.ndarray, *, given: np.ndarray
) -> tuple[pd.Categorical, np.ndarray]:
    """The measures with each row's indicator-name measure (``named``, missing where the
    name gives none) put in where the measure column gives none (``given``)."""
    n = len(named)
    current = np.full(n, None, dtype=object) if measure is None else np.asarray(measure, object)
    use = pd.notna(named) & ~given
    return pd.Categorical(np.where(use, named, current)), np.asarray(from_line, bool) & ~use


def _measures(own: Texts | None, line: UnitLine | None, n: int) -> tuple[object, np.ndarray]:
    """A long sheet's measures (its measure column's, or its unit line's where that
    column is empty or absent) and where they come from the unit line."""
    single = line.single if line is not None else None
    if own is None:
        measure = constant(single, n) if single is not None else None
        return measure, np.full(n, line is not None)
    measures = own.categorical([v if v else single for v in own.texts])
    return measures, ~own.filled() & (line is not None)


def _given_codes(fields: dict[str, int], column: Callable[[int], object]) -> dict[str, object]:
    """:data:`~.records.GIVEN_CODES` of a long sheet, by ``column(position)``; none without
    code columns."""
    return {
        f"{name}_code_given": column(fields[f"{name}_code"])
        for name in ("unit", "indicator")
        if f"{name}_code" in fields
    }


def _value_columns(header: pd.Series) -> list[int]:
    """The positions of the header cells that name a long sheet's figures."""
    return [p for p, v in enumerate(header.values) if key(v) in LONG_FIELDS["value"]]


def _two_value_columns(sheet: Sheet, header: pd.Series, header_at: int) -> ParsedSheet:
    """A long sheet refused because it names two columns of figures: taking the first
    could read quantities as amounts."""
    positions = _value_columns(header)
    cells = issues.AND.join(
        [
            issues.NAMED_COLUMN.text(letter=sheet.column_letter(p), name=header.iloc[p])
            for p in positions
        ]
    )
    found = issues.TWO_VALUE_COLUMNS.at(
        sheet.name,
        sheet.row_number(header_at),
        sheet.column_letter(positions[1]),
        value="、".join(header.iloc[p] for p in positions),
        cells=cells,
    )
    return unread(sheet, found)


def _unreadable(
    sheet: Sheet,
    records: pd.DataFrame,
    texts: pd.DataFrame,
    *,
    fields: dict[str, int],
    numeric: np.ndarray,
) -> list[Issue]:
    """Value kinds that are none of 实际 / 目标 / 计划, and period texts that name no period
    (a period with no year counts as none; a period written as a number with a fraction,
    ``numeric``, is none either): the first few of each, where the sheet has them."""
    checks = [("kind", "value_kind", issues.BAD_VALUE_KIND), ("period", "freq", issues.BAD_PERIOD)]
    found: list[Issue] = []
    for field, parsed, kind in checks:
        column = fields.get(field)
        if column is None:
            continue
        letter = sheet.column_letter(column)
        for i in np.flatnonzero(records[parsed].isna().to_numpy())[:_SHOWN]:
            text = texts.iloc[i, column]
            said = issues.NUMBER_PERIOD if field == "period" and numeric[i] else kind
            found.append(
                said.at(sheet.name, int(records.iloc[i]["row"]), letter, value=text, text=text)
            )
    return found


def _fractional(cells: pd.Series) -> np.ndarray:
    """Whether each cell is a period typed as a number whose month cannot be told
    (:func:`one_or_ten`). A column of text (every CSV's) holds no number."""
    if isinstance(cells.dtype, pd.StringDtype):
        return np.zeros(len(cells), dtype=bool)
    return np.array([one_or_ten(v) for v in cells.to_numpy(dtype=object)], dtype=bool)


def one_or_ten(cell: object) -> bool:
    """Whether ``cell`` is a year.month typed as a number whose month reads 1 or 10: the
    workbook holds 2026.10 as 2026.1 (2026.09 and 2026.12 stay what they say)."""
    return isinstance(cell, float) and math.isfinite(cell) and repr(cell).endswith(".1")
