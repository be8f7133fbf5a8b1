"""The body of a wide or report sheet: its unit column, its data and 合计 rows, and the
figures of chosen rows and columns read as one block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.cells import parse_numbers
from bxgc_metrics.importer.columns import (
    categorical,
    cells_of,
    constant,
    filled,
    matches,
    squeezed,
)
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.layouts.vocabulary import (
    COLUMN_LABELS,
    FIRST_LEVEL,
    FOOTNOTE,
    NUMBERED_ROW,
    NUMBERED_SUM,
    SERIAL_HEADERS,
    SUBTOTAL_ROW,
    TOTAL_ROW,
    UNIT_HEADERS,
    header_role,
    key,
    numbers_columns,
)
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.unit_line import KNOWN_MEASURES, UnitLine, line_measures
from bxgc_metrics.measures import family

LEFT_OUT_NOTES = {
    "plan": issues.FORECAST_COLUMN,  # 全年预计
    "gap": issues.DIFFERENCE_COLUMN,  # 剩余任务, 增减额
    "pace": issues.TIME_PROGRESS_COLUMN,  # 时间进度
    "share": issues.DERIVED_COLUMN,  # 占比
    "rank": issues.COLUMN_NOT_IMPORTED,  # 排名
}
"""Roles of columns any layout leaves out, each with the note that says why."""

FIGURE_SAMPLE = 200
"""Cells of a column read to tell whether it holds figures."""


SPLIT_SHOWN = 20
"""Rows a split figure is named at, at most (the first ones)."""
_SPLIT_SAID = frozenset({"column_left_out", "wide_column_left_out", "untitled_column"})
"""What a column of split figures would otherwise be said to be: a column left out."""


def split_figures(
    sheet: Sheet, cells: pd.DataFrame, *, heads: Sequence[int], rows: Sequence[int]
) -> list[Issue]:
    """In a CSV, the figures past the last heading of its header rows (``heads``, row
    positions of ``cells``) among its body ``rows``: a number written with unquoted
    thousands commas (1,234.5) is split across two cells there, and the cell a heading
    reads (1) is wrong, so each such row is refused at its first figure past the headings
    (the first :data:`SPLIT_SHOWN` rows). Nothing for a workbook, whose cells hold whole
    numbers however they are written."""
    if not sheet.delimited or not len(rows) or not len(heads):
        return []
    headings = cells.iloc[list(heads)]
    written = headings.map(lambda v: v is not None and v == v and str(v).strip() != "")
    headed = np.flatnonzero(written.to_numpy(dtype=bool).any(axis=0))
    past = int(headed.max()) + 1 if len(headed) else 0
    if past >= cells.shape[1]:
        return []
    beyond = cells.iloc[list(rows), past:]
    first: dict[int, int] = {}  # each row's first figure past the headings
    for j in range(beyond.shape[1]):
        numbers = parse_numbers(beyond.iloc[:, j].reset_index(drop=True))
        figure = ~numbers.missing.to_numpy() & ~numbers.invalid.to_numpy()
        for i in np.flatnonzero(figure):
            first.setdefault(int(rows[int(i)]), past + j)
    return [
        issues.SPLIT_FIGURE.at(
            sheet.name,
            sheet.row_number(r),
            sheet.column_letter(j),
            value=str(cells.iat[r, j]),
            figure=str(cells.iat[r, j]),
        )
        for r, j in sorted(first.items())[:SPLIT_SHOWN]
    ]


def without_split_columns(found: list[Issue], split: list[Issue]) -> list[Issue]:
    """``found`` without what it says of a column of split figures (a column left out):
    :func:`split_figures` says what that column is."""
    columns = {i.column for i in split}
    return [i for i in found if not (i.code in _SPLIT_SAID and i.column in columns)] + split


def holds_figures(cells: pd.Series) -> bool:
    """Whether a column's body holds figures: some of its first :data:`FIGURE_SAMPLE`
    cells are filled and at most a fifth of those are not numbers (a column of notes is
    not figures)."""
    numbers = parse_numbers(cells.iloc[:FIGURE_SAMPLE].reset_index(drop=True))
    filled = ~numbers.missing.to_numpy()
    return bool(filled.any()) and numbers.invalid.to_numpy()[filled].mean() <= 0.2


def has_sub_header(text: pd.DataFrame, header_at: int) -> bool:
    """Whether the row below the header holds sub-headers (全年目标, 1-6月累计…)."""
    if header_at + 1 >= len(text):
        return False
    above, row = text.iloc[header_at].values, text.iloc[header_at + 1].values
    units = [p for p, a in enumerate(above) if key(a) in UNIT_HEADERS]
    if any(row[p] and row[p] != above[p] for p in units):
        return False  # a unit named under 单位: the first row of figures (a date among them)
    # a heading merged down both rows is repeated in the second: not a sub-header
    below = [v for v, a in zip(row, above, strict=True) if v and v != a]
    if below and all(bare_measure(v) for v in below):  # a row of measures: 万元, (亿元)
        return True
    roles = [header_role(v) for v in below]
    return bool(below) and sum(r is not None for r in roles) >= max(1, len(below) // 2)


def bare_measure(text: str) -> str | None:
    """The measure a sub-heading is and nothing else (``万元``, ``（亿元）``), if it is one.

    >>> bare_measure("万元"), bare_measure("(亿元)"), bare_measure("1-10月(万元)")
    ('万元', '亿元', None)
    """
    inner = text.strip().removeprefix("(").removeprefix("（").removesuffix(")").removesuffix("）")
    return inner.strip() if inner.strip() in KNOWN_MEASURES else None


def unit_column(header: pd.Series, data: pd.DataFrame, skip: set[int]) -> int | None:
    """The column of unit names: a unit header, else the first column (not ``skip``, not
    a serial number) whose cells are mostly not numbers."""
    for position, value in enumerate(header.values):
        if position not in skip and key(value) in UNIT_HEADERS:
            return position
    for position in range(data.shape[1]):
        if position in skip or key(header.iloc[position]) in SERIAL_HEADERS:
            continue
        column = data.iloc[:, position]
        filled = column[column.ne("")]
        if len(filled) and parse_numbers(filled).invalid.mean() > 0.8:
            return position
    return None


class Body(NamedTuple):
    """The rows of a table's body, by what they hold (row positions in the sheet)."""

    rows: list[int]
    """Each unit's row."""
    totals: list[int]
    """合计 rows."""
    subtotals: list[int]
    """小计 and 其中 rows, and groups' (一、街道)."""
    numbering: list[int]
    """Rows that number the columns of a statistical form (甲 | 乙 | 1 | 2…)."""


def body_rows(text: pd.DataFrame, start: int, unit_col: int) -> Body:
    """Data rows, total rows, subtotal rows (小计, 其中…) and rows numbering the columns
    (甲 | 1 | 2…) above the first footnote row: a row's first filled cell starts a
    footnote; its unit cell names a total or a subtotal, or a form's column label."""
    body = text.iloc[start:]
    cells = filled(text, start)
    seen = np.asarray(cells.any(axis=1), dtype=bool)
    first = cells.argmax(axis=1)
    footnote = np.zeros(len(body), dtype=bool)
    for position in np.unique(first[seen]):  # mostly one column: the serial or the unit
        rows = np.flatnonzero(seen & (first == position))
        footnote[rows] = matches(body.iloc[rows, position], FOOTNOTE)
    footnotes = np.flatnonzero(footnote)
    end = start + int(footnotes[0]) if len(footnotes) else len(text)
    names = squeezed(text.iloc[start:end, unit_col])
    seen = seen[: end - start]
    total = seen & matches(names, TOTAL_ROW)
    subtotal = seen & ~total & matches(names, SUBTOTAL_ROW)
    # the labels are one word with no bracket: lower case is all key() would change here
    label = names.str.lower().isin(COLUMN_LABELS).to_numpy(dtype=bool, na_value=False)
    labelled = np.flatnonzero(seen & label)
    numbering = np.zeros(len(names), dtype=bool)
    numbering[labelled] = [numbers_columns(text.iloc[start + i].tolist()) for i in labelled]
    named = names.ne("").to_numpy(dtype=bool)
    subtotal &= ~numbered_units(
        names, subtotal, plain=seen & ~total & ~subtotal & ~numbering & named
    )
    data = seen & ~total & ~subtotal & ~numbering & named
    positions = np.arange(start, end)
    return Body(
        positions[data].tolist(),
        positions[total].tolist(),
        positions[subtotal].tolist(),
        positions[numbering].tolist(),
    )


def numbered_units(names: pd.Series, subtotal: np.ndarray, *, plain: np.ndarray) -> np.ndarray:
    """Of the rows taken for groups, those that are units numbered as groups are: where
    no plain unit row is in the table, the rows numbered 一、 or （一） whose words are not
    a sum's; of two levels of numbering (一、街道 over （一）东城街道), the second only."""
    if plain.any():
        return np.zeros(len(names), dtype=bool)
    numbered = subtotal & matches(names, NUMBERED_ROW) & ~matches(names, NUMBERED_SUM)
    first = numbered & matches(names, FIRST_LEVEL)
    return numbered & ~first if first.any() and (numbered & ~first).any() else numbered


def numbering_note(
    sheet: Sheet, text: pd.DataFrame, rows: list[int], *, unit_col: int
) -> list[Issue]:
    """A note at each row that numbers the columns (甲 | 1 | 2…): left out, as no unit's."""
    found = []
    for r in rows:
        # as typed: Excel keeps 1 as the number 1.0
        cells = " ".join(v.removesuffix(".0") for v in text.iloc[r].tolist() if v)
        found.append(
            issues.COLUMN_NUMBERS_ROW.at(
                sheet.name,
                sheet.row_number(r),
                sheet.column_letter(unit_col),
                value=cells,
                cells=cells,
            )
        )
    return found


def repeated_headers(
    text: pd.DataFrame, rows: list[int], header: list[int], *, unit_col: int
) -> tuple[list[int], list[int]]:
    """Among the table's ``rows`` and the rows between them, those that repeat the
    ``header`` rows whole, as a printed table repeats them on each page (left out); and the
    first row of each block stacked under the first: its sub-headings repeated under a
    title or heading of its own (二、工业投资), which would put its figures under the first
    block's indicators. Returns (repeats, blocks)."""
    if not rows:
        return [], []
    heads = [tuple(text.iloc[h].map(key)) for h in header]
    repeats: list[int] = []
    blocks: list[int] = []
    # only rows that are no unit's, or whose unit cell is the header's, are looked at
    span = np.arange(rows[0], rows[-1] + 1)
    names = text.iloc[span, unit_col].to_numpy(dtype=object)
    # the title and unit line above the header, which a page may repeat (merged across)
    titles = {filled_once(text.iloc[r].tolist()) for r in range(header[0])} - {()}
    above = {cell for title in titles for cell in title}
    look = (
        ~np.isin(span, rows)
        | (names == text.iat[header[0], unit_col])
        | np.isin(names, list(above))
    )
    for at in span[look].tolist():
        row = text.iloc[at].tolist()
        cells = tuple(key(v) for v in row)
        if filled_once(row) in titles:
            repeats.append(at)
        elif _repeats(cells, heads[0]):
            repeats.extend(range(at, at + len(heads)))
        elif (
            len(heads) > 1
            and _repeats(cells, heads[1])
            and at - 1 not in repeats
            and _another_title(text, at - 1, rows=rows, top=heads[0])
        ):
            blocks.append(at)
    return repeats, blocks


def filled_once(row: Sequence[str]) -> tuple[str, ...]:
    """A row's filled cells, each once where it repeats the one before it: a title merged
    across the table (which fills each of its cells), or written in each, is one title."""
    filled = [v for v in row if v]
    return tuple(v for i, v in enumerate(filled) if i == 0 or v != filled[i - 1])


def _another_title(text: pd.DataFrame, at: int, *, rows: list[int], top: tuple[str, ...]) -> bool:
    """Whether row ``at``, above repeated sub-headings, titles another block: it is no
    unit's row, and holds text that names none of the header's indicators and says no
    continuation (（续）, 续表)."""
    if at in rows:
        return False
    written = key("".join(v for v in text.iloc[at].tolist() if v))
    if not written or "续" in written:
        return False
    names = [h for h in top if len(h) >= 2 and h not in SERIAL_HEADERS | UNIT_HEADERS]
    return not any(name in written for name in names)


def _repeats(cells: tuple[str, ...], head: tuple[str, ...]) -> bool:
    """Whether a row's filled cells (two at least) are a header row's in the same places
    (a merged heading fills cells the repeat may leave empty)."""
    filled = [(c, h) for c, h in zip(cells, head, strict=True) if c]
    return len(filled) >= 2 and all(c == h for c, h in filled)


def subtotal_note(sheet: Sheet, rows: list[int], *, unit_col: int) -> list[Issue]:
    """A note at the first of the subtotal ``rows`` naming them: left out, since a 其中
    row is part of the unit above it and a 小计 row sums others (either would count
    figures twice)."""
    if not rows:
        return []
    written = str(sheet.cells.iat[rows[0], unit_col]).strip()
    return [
        issues.SUBTOTAL_ROWS.at(
            sheet.name,
            sheet.row_number(rows[0]),
            sheet.column_letter(unit_col),
            value=written,
            rows=issues.named([str(sheet.row_number(r)) for r in rows], issues.ROW_NAMES),
        )
    ]


def inner_lines(
    sheet: Sheet, text: pd.DataFrame, rows: list[int], *, line: UnitLine | None
) -> list[Issue]:
    """An error at each unit line inside the table (between its first and last data
    rows) that names other measures than the sheet's: a second block stacked under the
    first (各镇（单位：亿元）) would have its figures read in the first block's measure."""
    if not rows:
        return []
    span = list(range(rows[0], rows[-1] + 1))
    cells = cells_of(text, span, range(text.shape[1]))  # column after column, at once
    at = np.flatnonzero(cells.str.contains("位", regex=False).to_numpy(dtype=bool, na_value=False))
    # (row, column, text) of each cell that holds 位; only those are made Python text
    near = [
        (rows[0] + i, j, cell)
        for (j, i), cell in zip(
            (divmod(a, len(span)) for a in at.tolist()), cells.iloc[at].tolist(), strict=True
        )
    ]
    # a name such as 招商引资到位资金 stands in every unit's rows: each text is read once
    other = {written: _other_line(written, line) for written in {cell for _, _, cell in near}}
    found = []
    for i, j, cell in near:
        if not other[cell]:
            continue
        written = str(sheet.cells.iat[i, j]).strip()
        found.append(
            issues.UNIT_LINE_INSIDE.at(
                sheet.name,
                sheet.row_number(i),
                sheet.column_letter(j),
                value=written,
                inside=written,
                line=issues.LINE_QUOTED.text(text=line.text) if line else issues.NO_LINE,
            )
        )
    return found


def _other_line(text: str, line: UnitLine | None) -> bool:
    """Whether ``text`` is a unit line naming other measures than the sheet's ``line``."""
    measures = line_measures(text)
    return measures is not None and (line is None or set(measures) != set(line.measures))


BLOCK_COLUMNS = (
    "sheet",
    "row",
    "column",
    "raw",
    "unit_name",
    "value",
    "missing",
    "invalid",
    "percent",
)
"""Columns of :func:`block`."""


def block(
    sheet: Sheet, text: pd.DataFrame, rows: list[int], *, positions: list[int], unit_col: int
) -> pd.DataFrame:
    """The cells of ``rows`` in the columns at ``positions``, one column after another,
    read as numbers at once (a sheet of a thousand columns is one read, not a thousand):
    :data:`BLOCK_COLUMNS`, with the row's unit name. The numbers are read from the cells'
    normalised text, which reads as the cells do (a number's text is Python's shortest
    form, which reads back as the same number)."""
    n, k = len(rows), len(positions)
    if not n or not k:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BLOCK_COLUMNS})
    raw = cells_of(text, rows, positions)
    numbers = parse_numbers(raw)
    units = squeezed(text.iloc[rows, unit_col]).to_numpy(dtype=object)
    letters = [sheet.column_letter(p) for p in positions]
    # the texts a block repeats are categoricals: one text per row or column, not per cell
    return pd.DataFrame(
        {
            "sheet": constant(sheet.name, n * k),
            "row": np.tile(np.asarray(rows, dtype=np.int64) + sheet.first_row, k),
            "column": categorical(letters, np.repeat(np.arange(k), n)),
            "raw": raw.array,
            "unit_name": tiled(units, k),
            "value": numbers.value.to_numpy(),
            "missing": numbers.missing.to_numpy(dtype=bool),
            "invalid": numbers.invalid.to_numpy(dtype=bool),
            "percent": numbers.percent.to_numpy(dtype=bool),
        }
    )


def repeated(per_column: dict[str, list], n: int) -> dict[str, np.ndarray | pd.Categorical]:
    """Each column's value repeated for its ``n`` cells, as :func:`block` lists them (text
    as a categorical)."""
    return {
        name: (
            categorical(values, np.repeat(np.arange(len(values)), n))
            if _mixed(values)
            else np.repeat(np.array(values), n)
        )
        for name, values in per_column.items()
    }


def tiled(values: np.ndarray, k: int) -> pd.Categorical:
    """``np.tile(values, k)`` (one text per row, ``k`` columns) as a categorical."""
    return categorical(list(values), np.tile(np.arange(len(values)), k))


def _mixed(values: list) -> bool:
    """Whether ``values`` hold text or missing values (kept as a categorical, not cast)."""
    return any(v is None or isinstance(v, str) for v in values)


def column_measure(own: str | None, line: UnitLine | None) -> tuple[str | None, bool]:
    """A column's measure and whether it comes from the unit line: a measure written in
    its own heading wins; else the line's, missing while the line names several (the
    importer chooses among them once it knows the column's indicator)."""
    if own is not None or line is None:
        return own, False
    return line.single, True


def against(own: str | None, line: UnitLine | None) -> bool:
    """Whether a heading's own measure contradicts the unit line: the line names a measure
    of the same kind (money, area, people) and not this one.

    >>> from bxgc_metrics.importer.unit_line import UnitLine
    >>> line = UnitLine("表", 2, "A", "单位：万元、%", ("万元", "%"))
    >>> against("亿元", line), against("万元", line), against("个", line), against(None, line)
    (True, False, False, False)
    """
    if own is None or line is None or own in line.measures or family(own) is None:
        return False
    return any(family(m) == family(own) for m in line.measures)
