"""What the importer tells the analyst: errors (blocking) and warnings (allowed).

Every issue names the sheet, the row and column as Excel shows them, the value found and
what was expected, in Chinese and in English.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Issue:
    """One finding about the file."""

    severity: str
    """``error`` blocks the import; ``warning`` is shown and allowed; ``info`` explains."""
    code: str
    """A stable identifier, e.g. ``not_a_number``."""
    sheet: str
    """The sheet name (the file name for CSV)."""
    row: int | None
    """Excel row number, 1-based."""
    column: str | None
    """Excel column letter."""
    value: str | None
    """The cell text found."""
    zh: str
    """The message in Chinese."""
    en: str
    """The message in English."""

    def where(self, lang: str = "zh") -> str:
        """``工作表“表1” 第5行 C列`` / ``sheet '表1' row 5 column C``."""
        if lang == "zh":
            parts = [f"工作表“{self.sheet}”"]
            parts += [f"第{self.row}行"] if self.row else []
            parts += [f"{self.column}列"] if self.column else []
            return " ".join(parts)
        parts = [f"sheet '{self.sheet}'"]
        parts += [f"row {self.row}"] if self.row else []
        parts += [f"column {self.column}"] if self.column else []
        return ", ".join(parts)

    def text(self, lang: str = "zh") -> str:
        """The full message: where, what was found, what was expected."""
        body = self.zh if lang == "zh" else self.en
        return f"{self.where(lang)}：{body}" if lang == "zh" else f"{self.where(lang)}: {body}"


def issue(
    severity: str,
    code: str,
    sheet: str,
    zh: str,
    en: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
) -> Issue:
    """Build an :class:`Issue`; the value is kept as text."""
    shown = None if value is None else str(value)
    return Issue(severity, code, sheet, row, column, shown, zh, en)


def excel_error(sheet: str, row: int, column: str, value: str) -> Issue:
    """An Excel error value (``#DIV/0!``, ``#N/A``…) where a figure belongs."""
    return issue(
        ERROR,
        "excel_error",
        sheet,
        f"单元格是 Excel 错误值“{value}”：公式没有算出数值。请在 Excel 中改正公式（或填入数值）后再上传。",
        f"The cell holds the Excel error '{value}': its formula gives no figure. Correct the "
        "formula (or type the figure) in Excel and upload again.",
        row,
        column,
        value,
    )


def issues_frame(issues: list[Issue], lang: str = "zh") -> pd.DataFrame:
    """Issues as a table: ``severity, sheet, row, column, value, message``."""
    rows = [
        {
            "severity": i.severity,
            "sheet": i.sheet,
            "row": i.row,
            "column": i.column,
            "value": i.value,
            "message": i.zh if lang == "zh" else i.en,
        }
        for i in issues
    ]
    columns = ["severity", "sheet", "row", "column", "value", "message"]
    return pd.DataFrame(rows, columns=columns)
