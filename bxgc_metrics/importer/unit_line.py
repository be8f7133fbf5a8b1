"""A sheet's unit line (单位：万元) and the measure each column takes from it.

Chinese tables head the sheet with the measure their figures are in: ``单位：万元``, or,
when the columns differ, several at once — ``单位：万元、%``, ``单位：亿元/万人``,
``计量单位：万元；%``. :func:`line_measures` reads such a text into its measures and
:func:`find_unit_line` finds it above a sheet's header, with the cell it stands in, so
that whatever it causes is reported there.

A column whose heading names no measure of its own takes the line's measure; when the line
names several, :func:`choose` picks the one that fits the column's indicator: the one that
is, or converts to, the indicator's stored measure (万元 for a 亿元 indicator); for an
indicator still to be created, the one its words name (率, 占比, 增速 → %; 人口, 人数,
就业 → a people measure), else the only one left. :func:`decide` does this for every such
figure of a file and says what it chose; where nothing fits, or more than one measure
does, it asks — an error at the unit line — and the analyst's pick decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bxgc_metrics._columnar import empty_frame
from bxgc_metrics.importer import issues
from bxgc_metrics.importer.columns import rows_of
from bxgc_metrics.importer.issues import Issue
from bxgc_metrics.importer.reading import Sheet
from bxgc_metrics.measures import conversion_factor, family

KNOWN_MEASURES = (
    "元",
    "万元",
    "亿元",
    "个",
    "栋",
    "亩",
    "%",
    "户",
    "人",
    "万人",
    "平方米",
    "万平方米",
    "吨",
    "吨标准煤/万元",
    "项",
    "家",
    "次",
)
"""Measures recognised in a column heading (``收入（万元）``); a unit line may name others."""

_UNIT_WORD = r"(?:计\s*量|金\s*额|数\s*量|货\s*币)?\s*单\s*位"
"""单位 or 计量单位 (金额, 数量, 货币单位), spaced or not (单 位, as a centred cell is)."""
_LINE = re.compile(_UNIT_WORD + r"\s*[:：]\s*(.*)$", re.S)
"""``单位：`` or ``计量单位：`` and what follows, spaced or not (``单 位：``, as a cell is
centred)."""
_LOOSE = re.compile(_UNIT_WORD + r"\s*(?:[—–─\-~/]+|为|是)?\s*(.*)$", re.S)
"""``单位`` written without a colon (``单位——万元``, ``单位/万元``, ``单位 万元``, ``单位为万元``,
``单位万元``): a unit line only where a known measure follows."""
_REPORTER = ("填报", "报送", "制表", "填表", "上报", "申报", "主管", "责任", "牵头", "汇总", "所在")
"""Words before 单位： that make it the reporting unit (填报单位：东城街道), not a measure."""
_REMARK = re.compile(r"[(（][^()（）]*[)）]")
_SEPARATORS = re.compile(r"[、，,；;\s()（）]+")
_NOT_A_MEASURE = re.compile(
    r"[\d:：]|街道|镇|乡|局|办|委|会|公司|学|中心|部|处|科|院|所|站|厅|村|区|县|市"
    r"|日期|填报|制表|报送|审核|时间|单位|盖章"
)
"""What a measure never holds: digits (a date), a colon (the next field), an office."""

PERCENT_WORDS = ("率", "比重", "占比", "增长", "增速", "%")
"""Words of a heading whose figures are percentages."""
PEOPLE_WORDS = ("人口", "人数", "就业")
"""Words of a heading whose figures count people."""

PICKED, STORED, WORDS = "picked", "stored", "words"


def line_measures(text: str) -> tuple[str, ...] | None:
    """The measures a unit line names, in its order; ``None`` if ``text`` is not one.

    Measures are separated by 、 ， , ； ; / or spaces; a text that is itself one known
    measure (``吨标准煤/万元``) stays one. Reading stops at the first word that is no
    measure (``填报日期：…`` beside it in the same cell).

    >>> line_measures("单位：万元、%"), line_measures("计量单位:亿元/万人")
    (('万元', '%'), ('亿元', '万人'))
    >>> line_measures("单位：吨标准煤/万元"), line_measures("填报单位：东城街道")
    (('吨标准煤/万元',), None)
    """
    match = _line_match(simplified(text))
    if match is None:
        return None
    found: list[str] = []
    for part in _words(match.group(1)):
        if part not in KNOWN_MEASURES and (len(part) > 6 or _NOT_A_MEASURE.search(part)):
            break
        found += [part] if part in KNOWN_MEASURES else [p for p in part.split("/") if p]
    return tuple(dict.fromkeys(found)) or None


_TRADITIONAL = str.maketrans("單萬億計貨幣數噸標準畝戶項個棟頃", "单万亿计货币数吨标准亩户项个栋顷")
"""The traditional characters of unit lines and measures (單位：萬元), as simplified."""


def simplified(text: str) -> str:
    """``text`` normalised (NFKC: full-width to half-width) with the traditional
    characters of a unit line simplified.

    >>> simplified("單位：萬元")
    '单位:万元'
    """
    return unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)


_LINE_STARTS = re.compile(r"[(（]?\s*" + _UNIT_WORD + r"\s*[:：]")


def before_line(text: str) -> str:
    """``text`` up to where a unit line begins in it (单位：, 单 位：, 單位：, 计量单位：), as
    written: the title above a header, without the line beside it.

    >>> before_line("2026年各街道收入（不含基金） 單 位：億元")
    '2026年各街道收入（不含基金）'
    """
    found = _LINE_STARTS.search(text.translate(_TRADITIONAL))  # one character for one
    return text[: found.start()] if found else text


def _words(rest: str) -> list[str]:
    """The words after ``单位：``, brackets of remarks dropped."""
    return _joined(_SEPARATORS.split(_REMARK.sub(_remark, rest)))


def _names_a_measure(rest: str) -> bool:
    """Whether the first word of ``rest`` is a known measure."""
    words = _words(rest)
    return bool(words) and words[0] in KNOWN_MEASURES


def _remark(match: re.Match[str]) -> str:
    """A bracket of a unit line: its measure where it holds one (``单位：（万元）``), else
    nothing (``万元（现价）``)."""
    inside = match.group(0)[1:-1].strip()
    return f" {inside} " if inside in KNOWN_MEASURES else " "


def _joined(parts: list[str]) -> list[str]:
    """The words of a unit line, two neighbours joined where together they are a known
    measure that neither is alone (``万 元`` typed with a space: 万元, not 元)."""
    words = [p for p in parts if p]
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = words[i] + words[i + 1] if i + 1 < len(words) else ""
        if pair in KNOWN_MEASURES and words[i] not in KNOWN_MEASURES:
            out.append(pair)
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


def _line_match(text: str) -> re.Match[str] | None:
    """Where ``text`` says ``单位：`` of its figures (not of who reported them, which
    may come first in the same cell: ``填报单位：东城街道  单位：万元``); written without a
    colon, only where a known measure follows (``单位 万元``, not ``单位名称``)."""
    for pattern in (_LINE, _LOOSE):
        at = 0
        while (match := pattern.search(text, at)) is not None:
            if not text[: match.start()].endswith(_REPORTER) and (
                pattern is _LINE or _names_a_measure(match.group(1))
            ):
                return match
            at = match.start() + 1
    return None


@dataclass(frozen=True)
class UnitLine:
    """The cell of a sheet that says what its figures are measured in."""

    sheet: str
    """Sheet name."""
    row: int
    """Excel row number of the cell."""
    column: str
    """Excel column letter of the cell."""
    text: str
    """The cell as written, e.g. ``单位：万元、%``."""
    measures: tuple[str, ...]
    """The measures it names, in its order."""

    @property
    def single(self) -> str | None:
        """The measure of every column, when the line names one."""
        return self.measures[0] if len(self.measures) == 1 else None


def find_unit_line(
    sheet: Sheet, text: pd.DataFrame, header_at: int, *, below: bool = False
) -> UnitLine | None:
    """The unit line above the header row ``header_at`` (``text``: the sheet's normalised
    cells); with ``below``, where there is none above, one among the last
    :data:`TAIL_ROWS` rows (a footnote: ``注：单位为万元``). ``单位：`` alone in a cell
    takes the measures of the next cell.

    Lines that name different measures (``单位：万元`` over one block of columns,
    ``单位：亿元`` over the next) are one line naming all of them, at the first: where more
    than one fits a column the analyst picks, rather than the first line winning."""
    found = _lines(sheet, text, start=0, stop=header_at)
    if not found and below:
        found = _lines(sheet, text, start=max(header_at + 1, len(text) - TAIL_ROWS), stop=len(text))
    if not found:
        return None
    distinct = list({line.measures: line for line in found}.values())
    if len(distinct) == 1:
        return found[0]
    first = distinct[0]
    measures = tuple(dict.fromkeys(m for line in distinct for m in line.measures))
    written = LINES_JOINED.join(f"{line.column}{line.row} {line.text}" for line in distinct)
    return UnitLine(first.sheet, first.row, first.column, written, measures)


TAIL_ROWS = 20
"""Rows at a sheet's foot searched for a unit line written as a footnote."""
LINES_JOINED = "；"
"""Between the cells of unit lines that disagree, as a message quotes them."""


def _lines(sheet: Sheet, text: pd.DataFrame, *, start: int, stop: int) -> list[UnitLine]:
    """The unit lines among rows ``start`` to ``stop`` of ``text``."""
    found = []
    for i, row in enumerate(rows_of(text, start, stop), start=start):
        for j, value in enumerate(row):
            if not value or "位" not in value or _line_match(simplified(value)) is None:
                continue
            written = _cell(sheet, i, j)
            after = next((k for k in range(j + 1, len(row)) if row[k]), None)
            if line_measures(value) is None and after is not None:
                value, written = f"{value}{row[after]}", f"{written} {_cell(sheet, i, after)}"
            measures = line_measures(value)
            if measures:
                letter = sheet.column_letter(j)
                found.append(UnitLine(sheet.name, sheet.row_number(i), letter, written, measures))
    return found


def _cell(sheet: Sheet, row: int, column: int) -> str:
    """A cell's text as written (before normalising full-width characters)."""
    return str(sheet.cells.iat[row, column]).strip()


# --- choosing a measure -----------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The measure one indicator of a sheet takes from the sheet's unit line."""

    measure: str | None
    """The measure chosen; ``None`` when the analyst must pick."""
    how: str
    """``picked`` (by the analyst), ``stored`` (fits the indicator's stored measure) or
    ``words`` (named by the heading's words, or the only one left)."""
    options: tuple[str, ...]
    """What the analyst may pick from: the line's measures, then the stored one."""
    stored: str | None = None
    """The indicator's stored measure (``None`` for an indicator still to be created)."""
    fits: tuple[str, ...] = ()
    """The line's measures that are or convert to ``stored``."""


def choose(
    candidates: tuple[str, ...], name: str, stored: str | None, *, picked: str | None = None
) -> Choice:
    """The measure of the indicator ``name`` (stored in ``stored``) among ``candidates``.

    >>> choose(("万元", "%"), "规上工业增加值增速", "%").measure
    '%'
    >>> choose(("万元", "%"), "基础设施投资", "亿元").measure  # 万元 converts to 亿元
    '万元'
    >>> choose(("亿元", "万人"), "常住人口", None).measure, choose(("万元", "亿元"), "收入", "万元").fits
    ('万人', ('万元', '亿元'))
    """
    options = candidates + ((stored,) if stored and stored not in candidates else ())
    if picked:
        return Choice(picked, PICKED, options, stored)
    if stored:
        fits = tuple(c for c in candidates if conversion_factor(c, stored) is not None)
        return Choice(fits[0] if len(fits) == 1 else None, STORED, options, stored, fits)
    return Choice(measure_by_words(name, candidates), WORDS, options)


def measure_by_words(name: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate a heading's words name: % for a rate, a people measure for a head
    count, else the only candidate that is neither; ``None`` if that is not one.

    >>> measure_by_words("研发投入占比", ("亿元", "%")), measure_by_words("就业人数", ("亿元", "万人"))
    ('%', '万人')
    >>> measure_by_words("营业收入", ("亿元", "万人", "%")), measure_by_words("项目", ("万元", "个"))
    ('亿元', None)
    """
    if any(word in name for word in PERCENT_WORDS):
        return "%" if "%" in candidates else None
    if any(word in name for word in PEOPLE_WORDS):
        people = [c for c in candidates if family(c) == "people"]
        return people[0] if len(people) == 1 else None
    rest = [c for c in candidates if c != "%" and family(c) != "people"]
    return rest[0] if len(rest) == 1 else None


CHOICE_COLUMNS = ("sheet", "name", "columns", "options", "measure", "how")
"""Columns of :func:`decide`'s table: the sheet, the indicator as written, the letters of
its columns, the measures the analyst may pick from, the measure chosen (missing while
open) and how it was chosen."""


def undecided(records: pd.DataFrame) -> np.ndarray:
    """Figures whose measure is still to be chosen among their unit line's measures."""
    if records.empty:
        return np.zeros(len(records), dtype=bool)
    return records["from_line"].to_numpy(dtype=bool) & records["measure"].isna().to_numpy()


def decide(
    figures: pd.DataFrame,
    lines: Mapping[str, UnitLine],
    known: Mapping[str, str | None],
    *,
    picked: Mapping[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Give each figure whose unit line names several measures the one that fits it.

    Parameters
    ----------
    figures
        Records of :mod:`~bxgc_metrics.importer.layouts` (``from_line`` marks those that
        take their measure from their sheet's unit line).
    lines
        Each sheet's unit line, by sheet name.
    known
        Indicator name as written → its stored measure, or ``None`` for one to be
        created. A name not here is not matched yet: it is asked about first.
    picked
        The analyst's choices: indicator name as written → measure.

    Returns
    -------
    tuple
        The figures with their measures, a table of :data:`CHOICE_COLUMNS` (one row per
        sheet and indicator decided here), and a note per choice or an error per open one.
    """
    open_ = np.flatnonzero(undecided(figures))
    if not len(open_):
        return figures, empty_frame(CHOICE_COLUMNS), []
    keys = pd.DataFrame(
        {
            name: figures[name].to_numpy(dtype=object)[open_]
            for name in ("sheet", "indicator_name", "column")
        }
    )
    grouped = keys.groupby(["sheet", "indicator_name"], sort=False, dropna=False)
    chosen: list[str | None] = []
    rows, found = [], []
    for (sheet, name), letters in grouped["column"].unique().items():
        if name not in known and name not in picked:
            chosen.append(None)
            continue
        line = lines[sheet]
        choice = choose(line.measures, name, known.get(name), picked=picked.get(name))
        chosen.append(choice.measure)
        columns = tuple(letters)
        rows.append((sheet, name, columns, choice.options, choice.measure, choice.how))
        found.append(_issue(line, name, columns=columns, choice=choice))
    values = figures["measure"].astype(object).to_numpy(copy=True)
    values[open_] = np.array(chosen, dtype=object)[grouped.ngroup().to_numpy()]
    table = pd.DataFrame(rows, columns=list(CHOICE_COLUMNS))
    return figures.assign(measure=values), table, found


def _issue(line: UnitLine, name: str, *, columns: tuple[str, ...], choice: Choice) -> Issue:
    """A note of the measure chosen, or the error that asks for one, at the unit line."""
    letters = issues.LIST.join([issues.Text(c, c) for c in columns])
    phrase = issues.COLUMNS if len(columns) > 1 else issues.ONE_COLUMN
    where = (line.sheet, line.row, line.column)
    cols = phrase.text(letters=letters)
    if choice.measure is not None:
        return issues.MEASURE_CHOSEN.at(
            *where,
            value=line.text,
            line=line.text,
            name=name,
            columns=cols,
            measure=choice.measure,
            why=_reason(choice),
        )
    measures = issues.LIST.join([issues.Text(m, m) for m in line.measures])
    return issues.MEASURE_UNDECIDED.at(
        *where,
        value=line.text,
        line=line.text,
        measures=measures,
        name=name,
        columns=cols,
        why=_doubt(choice),
    )


def _reason(choice: Choice) -> issues.Text:
    if choice.how == PICKED:
        return issues.AS_PICKED
    if choice.how == STORED:
        return issues.STORED_IN.text(stored=choice.stored)
    return issues.FROM_HEADING


def _doubt(choice: Choice) -> issues.Text:
    if choice.how == STORED and choice.fits:
        fits = issues.AND.join([issues.Text(f, f) for f in choice.fits])
        return issues.EACH_CONVERTS.text(fits=fits, stored=choice.stored)
    if choice.how == STORED:
        return issues.NONE_CONVERTS.text(stored=choice.stored)
    return issues.NO_DOUBT
