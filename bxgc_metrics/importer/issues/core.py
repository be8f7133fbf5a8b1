"""What an issue is, and how a catalogue entry turns values into one.

An :class:`Issue` names the sheet, the row and column as Excel shows them, the value
found and what was expected, in Chinese and in English. A :class:`Kind` is one entry of
the catalogue: its code, its severity and its two templates; a call site passes only
values (``issues.NO_UNIT_COLUMN.at(sheet, row)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from bxgc_metrics.errors import ValidationError

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

    @property
    def message(self) -> Text:
        """The message in both languages, to quote in another message."""
        return Text(self.zh, self.en)


@dataclass(frozen=True)
class Text:
    """A phrase in both languages: a template field filled with it takes the Chinese
    side in the Chinese message and the English side in the English one."""

    zh: str
    """The phrase in Chinese."""
    en: str
    """The phrase in English."""

    def join(self, parts: Sequence[Text]) -> Text:
        """``parts`` joined with this phrase as the separator, language by language.

        >>> Text("、", " and ").join([Text("甲", "A"), Text("乙", "B")])
        Text(zh='甲、乙', en='A and B')
        """
        return Text(self.zh.join(p.zh for p in parts), self.en.join(p.en for p in parts))


LIST = Text("、", ", ")
"""Separator of a listing: ``单位、指标`` / ``unit, indicator``."""
AND = Text("、", " and ")
"""Separator of a listing read as "each of them": ``C列、D列`` / ``column C and column D``."""


def _side(fields: Mapping[str, object], lang: str) -> dict[str, object]:
    """The fields as one language's template sees them."""
    return {k: (getattr(v, lang) if isinstance(v, Text) else v) for k, v in fields.items()}


@dataclass(frozen=True)
class Phrase:
    """A template for a piece of a message (a listed cell, a reason), in both languages."""

    zh: str
    """Chinese template, ``str.format`` fields by name."""
    en: str
    """English template."""

    def text(self, **fields: object) -> Text:
        """The phrase with ``fields`` filled in (a :class:`Text` field by language)."""
        return Text(self.zh.format(**_side(fields, "zh")), self.en.format(**_side(fields, "en")))


NAMED = 10
"""Rows or columns a message names; more are counted."""


def named(names: Sequence[str], phrases: tuple[Phrase, Phrase, Phrase]) -> Text:
    """``names`` (row numbers, column letters) in the first of ``phrases`` for one, the
    second for several, the third for more than :data:`NAMED`, which names the first of
    them and counts the rest.

    >>> one = (Phrase("第{names}行", "row {names}"), Phrase("第{names}行", "rows {names}"),
    ...        Phrase("第{names}行等 {count} 行", "rows {names} and {more} more"))
    >>> named(["4", "7"], one).en, named([str(n) for n in range(12)], one).en
    ('rows 4, 7', 'rows 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more')
    """
    one, several, more = phrases
    listed = LIST.join([Text(n, n) for n in names[:NAMED]])
    if len(names) > NAMED:
        return more.text(names=listed, count=len(names), more=len(names) - NAMED)
    return (one if len(names) == 1 else several).text(names=listed)


@dataclass(frozen=True)
class Kind(Phrase):
    """One entry of the catalogue: an issue code, its severity and its templates."""

    code: str = ""
    """The issue code the entry gives."""
    severity: str = ERROR
    """``error``, ``warning`` or ``info``."""

    def at(
        self,
        sheet: str,
        row: int | None = None,
        column: str | None = None,
        *,
        value: object = None,
        **fields: object,
    ) -> Issue:
        """The issue at ``sheet``, ``row`` and ``column``, about ``value`` (kept as text),
        its messages filled with ``fields``."""
        message = self.text(**fields)
        shown = None if value is None else str(value)
        return Issue(self.severity, self.code, sheet, row, column, shown, message.zh, message.en)

    def refused(
        self,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        **fields: object,
    ) -> ReadError:
        """The file refused while reading it, for this entry's reason."""
        message = self.text(**fields)
        return ReadError(
            self.code, message.zh, message.en, sheet=sheet, row=row, column=column, value=value
        )


@dataclass(frozen=True)
class Message(Phrase):
    """A message that is no issue of the file (an exception the caller shows)."""

    def error(self, **fields: object) -> ValidationError:
        """The message as a :class:`~bxgc_metrics.errors.ValidationError`."""
        message = self.text(**fields)
        return ValidationError(message.zh, message.en)


class ReadError(ValidationError):
    """A file refused while reading it, with an issue code and where in the file the
    reason stands, as far as it is known (row 1-based, column as a letter)."""

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(zh, en)
        self.code, self.sheet, self.row, self.column, self.value = code, sheet, row, column, value

    def issue(self, file_name: str) -> Issue:
        """The refusal as an error of the file ``file_name`` (its sheet where known)."""
        sheet = self.sheet or file_name
        return Issue(ERROR, self.code, sheet, self.row, self.column, self.value, self.zh, self.en)


def issues_frame(issues: list[Issue], lang: str = "zh") -> pd.DataFrame:
    """Issues as a table: ``severity, sheet, row, column, value, message``; ``row`` is
    the Excel row number as a whole number (``Int64``), missing where an issue names none.

    >>> found = [Issue("warning", "jump", "表1", 12, "D", "34.3", "数值…", "Value…"),
    ...          Issue("info", "assumed_ytd", "表1", None, None, None, "月度…", "Monthly…")]
    >>> issues_frame(found)["row"].tolist()
    [12, <NA>]
    """
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
    return pd.DataFrame(rows, columns=columns).astype({"row": "Int64"})
