"""Figures whose cell does not hold them: a merged range giving one value to several
figures, an Excel error value, a formula never calculated (or giving 0); figures in rows
or columns hidden in Excel; and figures from formulas a workbook calculates by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bxgc_metrics.importer import formulas, issues
from bxgc_metrics.importer.issues import Issue, Text
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.importer.reading.sheet import column_letter

_SHOWN = 50
"""Issues listed per kind; a sheet with thousands has one pattern."""


def cell_issues(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
    """The merged, formula and hidden cells among ``records``' figures."""
    return (
        merged_figures(sheet, records)
        + formula_figures(sheet, records)
        + hidden_figures(sheet, records)
        + stale_figures(sheet, records)
    )


def stale_figures(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
    """A warning at the first figure read from a formula in a workbook set to calculate by
    hand, counting them: each is imported as stored, which may predate its inputs."""
    if not sheet.stale_formulas or records.empty:
        return []
    codes, letters = pd.factorize(records["column"].astype(object))
    by_letter = {column_letter(c): c for _, c in sheet.stale_formulas}
    columns = np.array([by_letter.get(str(letter), -1) for letter in letters], dtype=np.int64)
    keys = records["row"].to_numpy(dtype=np.int64) * _WIDEST + columns[codes]
    formulas = np.array([r * _WIDEST + c for r, c in sheet.stale_formulas], dtype=np.int64)
    stale = np.isin(keys, formulas) & (columns[codes] >= 0)
    return [_first_of(sheet, records, stale, kind=issues.STALE_FORMULAS)] if stale.any() else []


_WIDEST = 16_384
"""Excel's columns: a row number times this, plus a column index, names one cell."""


def hidden_figures(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
    """A warning for the figures in rows hidden in Excel, and one for those in hidden
    columns, each at the first such figure, naming the rows or columns: they are imported
    (Excel's SUM counts them), but not unseen."""
    if not (sheet.hidden_rows or sheet.hidden_columns) or records.empty:
        return []
    rows = records["row"].to_numpy(dtype=np.int64)
    in_rows = np.isin(rows, np.fromiter(sheet.hidden_rows, dtype=np.int64))
    letters = {column_letter(c) for c in sheet.hidden_columns}
    in_columns = records["column"].astype(object).isin(letters).to_numpy(dtype=bool)
    numbers = [str(n) for n in sorted({int(r) for r in rows[in_rows]})]
    columns = sorted(set(records["column"].astype(object)[in_columns]), key=lambda c: (len(c), c))
    return [
        _first_of(sheet, records, hidden, kind=kind, **{field: issues.named(names, phrases)})
        for hidden, kind, field, names, phrases in (
            (in_rows, issues.HIDDEN_ROWS, "rows", numbers, issues.ROW_NAMES),
            (in_columns, issues.HIDDEN_COLUMNS, "columns", columns, issues.COLUMN_NAMES),
        )
        if hidden.any()
    ]


def _first_of(
    sheet: Sheet, records: pd.DataFrame, hidden: np.ndarray, *, kind: issues.Kind, **lines: Text
) -> Issue:
    """The warning of ``kind`` at the first of the figures ``hidden``, counting them."""
    first = records.iloc[int(np.flatnonzero(hidden)[0])]
    return kind.at(
        sheet.name,
        int(first["row"]),
        first["column"],
        value=first["raw"],
        count=int(hidden.sum()),
        **lines,
    )


def merged_figures(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
    """Merged ranges that give one value to several figures: an error each, at its
    top-left cell (the value is not to be copied to every row)."""
    if not sheet.merged or records.empty:
        return []
    rows = records["row"].to_numpy(dtype=np.int64)
    codes, letters = pd.factorize(records["column"], use_na_sentinel=False)  # letters as ints
    letters = letters.to_numpy(dtype=object)
    found = []
    for top, left, bottom, right in sheet.merged:
        first, last = sheet.row_number(top), sheet.row_number(bottom)
        span = [sheet.column_letter(c) for c in range(left, right + 1)]
        within = np.flatnonzero((rows >= first) & (rows <= last))
        inside = within[np.isin(letters, span)[codes[within]]]
        if len(inside) > 1:
            raw = records.iloc[inside[0]]["raw"]
            cells = f"{span[0]}{first}:{span[-1]}{last}"
            found.append(
                issues.MERGED_VALUE.at(
                    sheet.name, first, span[0], value=raw, cells=cells, raw=raw, count=len(inside)
                )
            )
    return found[:_SHOWN]


def formula_figures(sheet: Sheet, records: pd.DataFrame) -> list[Issue]:
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
            found.append(_formula_issue(sheet.name, int(rows[i]), letters[i], what=what))
    return found[:_SHOWN]


def _formula_issue(name: str, row: int, column: str, *, what: tuple[str, str]) -> Issue:
    kind, text = what
    if kind == formulas.ERROR:
        return issues.EXCEL_ERROR.at(name, row, column, value=text, error=text)
    entry = issues.FORMULA_NOT_CALCULATED if kind == formulas.UNCALCULATED else issues.FORMULA_ZERO
    return entry.at(name, row, column, value=f"={text}", formula=text)
