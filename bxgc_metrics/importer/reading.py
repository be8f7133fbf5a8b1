"""Files to grids of cells: xlsx/xlsm/xls/ods through python-calamine, CSV/TSV with
encoding detection.

An xlsx is measured before calamine opens it (size unpacked, cells and where they lie;
:mod:`bxgc_metrics.importer.workbook_guard`), and calamine reads the copy that was
measured. A :class:`Sheet` is the raw rectangle of cell values with merged ranges filled in and the
spreadsheet's own row and column numbers kept, so every later message can name the cell
the analyst sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gc
import io
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer import workbook_guard
from bxgc_metrics.importer.formulas import Suspects, suspect_cells

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")

UPLOAD_LIMIT_MB = 50
"""The largest file the importer takes, in megabytes of 1024 × 1024 bytes as Streamlit
counts them: the upload page passes it to its file uploader, ``.streamlit/config.toml``
sets ``server.maxUploadSize`` to it (a test holds the two equal) and :class:`Limits`
refuses a larger file from the command line."""


@dataclass(frozen=True)
class Limits:
    """What a single upload may hold; past these the file is refused before parsing."""

    max_bytes: int = UPLOAD_LIMIT_MB * 1024 * 1024
    """File size."""
    max_rows: int = 2_000_000
    """Rows in one sheet."""
    max_columns: int = 1_000
    """Columns in one sheet: a monthly series over 80 years, or 200 indicators of five
    columns each. Excel's 16,384 columns of a stray cell far to the right are refused
    before any column is read."""
    max_sheets: int = 50
    """Sheets in one workbook."""
    max_unzip_ratio: float = 200.0
    """Uncompressed / compressed size of an xlsx; a zip bomb goes far beyond this."""
    max_unzipped_bytes: int = 128 * 1024**2
    """Uncompressed size of an xlsx, all its parts together: a 100,000-row sheet of five
    columns is about 30 MB of XML, so about 400,000 such rows fit."""
    max_cells: int = 2_000_000
    """Cells of an xlsx's sheets, each counted as the whole block from its top-left to its
    bottom-right cell (blanks in between cost the reader as much as filled cells), and
    as many shared strings: 400,000 rows of five columns, or 1,000 units × 50 indicators
    × 40 columns. Checked before parsing (:mod:`bxgc_metrics.importer.workbook_guard`);
    reading that many takes the process about 350 MB. An .xls sheet (at most 65,536 ×
    256) is checked as soon as it is read, before its cells are converted."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as read, before any interpretation."""

    name: str
    """Sheet name (the file name for CSV)."""
    cells: pd.DataFrame
    """Cell values (str, float, int, datetime or ``None``); merged ranges are filled."""
    first_row: int = 1
    """The spreadsheet row number of ``cells``' first row (1-based)."""
    first_col: int = 0
    """The spreadsheet column index of ``cells``' first column (0 = A)."""
    notes: tuple[str, ...] = field(default=())
    """What reading noticed, e.g. the detected encoding."""
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Merged ranges of more than one cell, as positions in ``cells``: (top, left,
    bottom, right). Their cells all hold the top-left value."""
    suspects: Callable[[], Suspects] | None = field(default=None, repr=False, compare=False)
    """The cells whose stored value is not a calculated figure (an Excel error, a formula
    never calculated), read from the workbook when first asked (:mod:`.formulas`);
    ``None`` where the format cannot tell (CSV, xls)."""

    def row_number(self, position: int) -> int:
        """The Excel row number of a positional row."""
        return self.first_row + position

    def column_letter(self, position: int) -> str:
        """The Excel column letter of a positional column."""
        return column_letter(self.first_col + position)


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``.

    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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


def _refuse(zh: str, en: str) -> ValidationError:
    return ValidationError(zh, en)


_MB = 1024 * 1024


def read_file(data: bytes, file_name: str, limits: Limits | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet or CSV/TSV file given as bytes."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        size, limit = len(data) / _MB, limits.max_bytes / _MB
        raise ReadError(
            "file_too_large",
            f"文件 {file_name} 大小 {size:.1f} MB，超过上限 {limit:.0f} MB。",
            f"File {file_name} is {size:.1f} MB, over the {limit:.0f} MB limit.",
            sheet=file_name,
            value=f"{size:.1f} MB",
        )
    if not data:
        raise _refuse(f"文件 {file_name} 是空的。", f"File {file_name} is empty.")
    suffix = Path(file_name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(data, file_name, limits)
    if suffix in TEXT_SUFFIXES:
        delimiter = "\t" if suffix == ".tsv" else None
        return [_read_text(data, file_name, delimiter, limits)]
    raise _refuse(
        f"不支持的文件类型 {suffix or '（无扩展名）'}：请上传 xlsx、xlsm、xls、csv 或 tsv 文件。",
        f"Unsupported file type {suffix or '(none)'}: upload xlsx, xlsm, xls, csv or tsv.",
    )


def _read_excel(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    if data.startswith(b"\xd0\xcf\x11\xe0") and file_name.lower().endswith((".xlsx", ".xlsm")):
        raise _refuse(
            f"文件 {file_name} 设有打开密码（或为加密文件），请在 Excel 中取消密码后另存再上传。",
            f"File {file_name} is password-protected (encrypted); remove the password in Excel, "
            "save and upload again.",
        )
    # calamine reads only the copy the guard measured and wrote (its size, its cells), and
    # formulas are looked up in that copy too, never in the bytes as uploaded
    with tempfile.TemporaryDirectory(prefix="bxgc-upload-") as folder:
        checked = workbook_guard.checked_copy(data, file_name, limits, Path(folder))
        sheets = _read_checked(checked, file_name, limits)
        if checked.suffix != ".xlsx":
            return sheets
        measured = checked.read_bytes()
    return [
        replace(s, suspects=functools.cache(partial(suspect_cells, measured, s.name)))
        for s in sheets
    ]


def _read_checked(path: Path, file_name: str, limits: Limits) -> list[Sheet]:
    try:
        with CalamineWorkbook.from_path(path) as book:
            return _read_book(book, file_name, limits)
    except PasswordError as exc:
        raise _refuse(
            f"文件 {file_name} 设有密码，请取消密码后再上传。",
            f"File {file_name} is password-protected; remove the password and upload again.",
        ) from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise _refuse(
            f"无法读取文件 {file_name}：文件已损坏或不是有效的 Excel 文件（{exc}）。",
            f"Cannot read {file_name}: the file is damaged or not a valid Excel file ({exc}).",
        ) from exc


def _read_book(book: CalamineWorkbook, file_name: str, limits: Limits) -> list[Sheet]:
    names = [
        m.name
        for m in book.sheets_metadata
        if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
    ]
    if len(names) > limits.max_sheets:
        raise _refuse(
            f"文件 {file_name} 有 {len(names)} 个工作表，超过上限 {limits.max_sheets}。",
            f"File {file_name} has {len(names)} sheets, over the limit of {limits.max_sheets}.",
        )
    return [_sheet(book, name, limits, file_name) for name in names]


def _sheet(book: CalamineWorkbook, name: str, limits: Limits, file_name: str) -> Sheet:
    raw = book.get_sheet_by_name(name)
    if raw.height > limits.max_rows:
        raise _refuse(
            f"工作表“{name}”有 {raw.height} 行，超过上限 {limits.max_rows} 行。",
            f"Sheet '{name}' has {raw.height} rows, over the limit of {limits.max_rows}.",
        )
    _check_width(raw.width, limits, name)
    if raw.height * raw.width > limits.max_cells:  # an .xls sheet; an xlsx was checked before
        raise _refuse(
            f"工作表“{name}”跨 {raw.height:,} 行 × {raw.width:,} 列，超过 {limits.max_cells:,} 个单元格的上限。",
            f"Sheet '{name}' spans {raw.height:,} rows × {raw.width:,} columns, over the limit "
            f"of {limits.max_cells:,} cells.",
        )
    with _collector_paused():
        rows = raw.to_python()
        cells = _cells(rows)
        del rows
    start = raw.start or (0, 0)
    merged = []
    for (r0, c0), (r1, c1) in raw.merged_cell_ranges or []:
        top, left = r0 - start[0], c0 - start[1]
        if 0 <= top < len(cells) and 0 <= left < cells.shape[1]:
            cells.iloc[top : r1 - start[0] + 1, left : c1 - start[1] + 1] = cells.iat[top, left]
            if (r1, c1) != (r0, c0):
                merged.append((top, left, r1 - start[0], c1 - start[1]))
    return Sheet(
        name=name,
        cells=cells,
        first_row=start[0] + 1,
        first_col=start[1],
        merged=tuple(merged),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: a sheet's cells are a list per row, and collecting
    while hundreds of thousands of them are made only walks them again and again (none
    of them forms a cycle)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _cells(rows: list[list]) -> pd.DataFrame:
    """The rectangle of cell values as an object frame, empty text as ``None``."""
    if not rows:
        return pd.DataFrame(dtype=object)
    width = len(rows[0])
    if width and all(len(row) == width for row in rows):
        grid = np.array(rows, dtype=object)
        if grid.shape == (len(rows), width):  # one value per cell, as calamine gives
            grid[grid == ""] = None
            return pd.DataFrame(grid, dtype=object)
    cells = pd.DataFrame(rows, dtype=object)
    return cells.where(cells.ne(""), None) if not cells.empty else cells


# --- text files ---------------------------------------------------------------------------

_PLAUSIBLE = 0.97


def _check_width(width: int, limits: Limits, sheet: str) -> None:
    """Refuse a sheet wider than :attr:`Limits.max_columns` before reading its columns."""
    if width > limits.max_columns:
        raise ReadError(
            "too_many_columns",
            f"工作表“{sheet}”有 {width:,} 列，超过上限 {limits.max_columns:,} 列：报表没有这么多列，"
            "请删除多余的列（包括远处带格式或内容的空列）后再上传。",
            f"Sheet '{sheet}' has {width:,} columns, over the limit of {limits.max_columns:,}: "
            "delete the extra columns (including far-off columns holding formatting or a stray "
            "value) and upload again.",
            sheet=sheet,
            value=f"{width:,}",
        )


_MARKS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe", "utf-16", "UTF-16"),
          (b"\xfe\xff", "utf-16", "UTF-16"))  # fmt: skip
"""Byte-order marks, the encoding each names, and its name as an analyst knows it."""


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """Text and encoding: byte-order mark, else strict UTF-8, else GB18030.

    Chinese Excel saves CSV as GBK without a BOM; GB18030 is its superset. Bytes that
    decode under none of these, or decode to implausible text, are refused, as are bytes
    that break the encoding their byte-order mark names.

    >>> decode("单位,数值".encode("gbk"), "a.csv")
    ('单位,数值', 'gb18030')
    >>> try:
    ...     decode(b"\\xef\\xbb\\xbf" + "单位".encode("gbk"), "b.csv")
    ... except ReadError as exc:
    ...     exc.code, exc.row, exc.value
    ('bad_encoding', 1, 'B5 A5 CE BB')
    """
    for bom, encoding, label in _MARKS:
        if data.startswith(bom):
            # UTF-8 after its mark, so that a decoding error's offset is into ``payload``
            payload = data[len(bom) :] if encoding == "utf-8-sig" else data
            try:
                return payload.decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError as exc:
                raise _broken_mark(payload, exc, label, file_name) from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, encoding
    raise _refuse(
        f"无法识别文件 {file_name} 的字符编码：请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV。",
        f"Cannot tell the character encoding of {file_name}: save it from Excel as "
        "'CSV UTF-8' or as GBK CSV.",
    )


def _broken_mark(data: bytes, exc: UnicodeDecodeError, label: str, file_name: str) -> ReadError:
    """The file's byte-order mark names ``label`` but its bytes at ``exc`` are not."""
    line = data[: exc.start].decode(exc.encoding, errors="replace").count("\n") + 1
    found = data[exc.start : exc.start + 4].hex(" ").upper()
    return ReadError(
        "bad_encoding",
        f"文件 {file_name} 开头标明是 {label} 编码，但第{line}行的字节（{found}）不是 {label}："
        "文件可能被截断，或混入了其他编码（如 GBK）的内容。请在 Excel 中另存为“CSV UTF-8”后再上传。",
        f"File {file_name} starts with a {label} byte-order mark, but the bytes in line {line} "
        f"({found}) are not {label}: the file may be cut short or mix in another encoding "
        "(such as GBK). Save it from Excel as 'CSV UTF-8' and upload again.",
        sheet=file_name,
        row=line,
        value=found,
    )


def _plausible(text: str) -> bool:
    """Most characters of a real report are ASCII, CJK, punctuation or white space."""
    sample = text[:20000]
    if not sample or "\x00" in sample:
        return False
    good = sum(1 for ch in sample if ch.isascii() or _cjkish(ch))
    return good / len(sample) >= _PLAUSIBLE


def _cjkish(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or unicodedata.category(ch) in {"Pd", "Po", "Ps", "Pe", "Pi", "Pf", "Sm", "Sc", "Zs"}
        or 0x2000 <= code <= 0x206F
    )


def _read_text(data: bytes, file_name: str, delimiter: str | None, limits: Limits) -> Sheet:
    found = _read_utf8(data, delimiter, file_name, limits)
    text = None
    if found is None:
        text, encoding = decode(data, file_name)
        delimiter = delimiter or _sniff(text)
        frame = _parse_delimited(text, delimiter, file_name, limits)
    else:
        frame, encoding, delimiter = found
    _check_width(frame.shape[1], limits, file_name)
    if len(frame) > limits.max_rows:
        raise _refuse(
            f"文件 {file_name} 有 {len(frame)} 行，超过上限 {limits.max_rows} 行。",
            f"File {file_name} has {len(frame)} rows, over the limit of {limits.max_rows}.",
        )
    if b'"' in data and _has_line_break(frame):  # only a quoted cell holds a line break
        text = text if text is not None else decode(data, file_name)[0]
        _check_quotes(text, delimiter, frame.shape[1], file_name)
    if not frame.empty and frame.dtypes.eq(object).all():  # Arrow's text columns come with
        frame = frame.where(frame.ne(""), None)  # empty cells missing already
    frame.columns = np.arange(frame.shape[1])
    return Sheet(name=Path(file_name).stem, cells=frame, notes=(f"encoding: {encoding}",))


# --- what the csv module cannot read, or reads wrongly ------------------------------------


def _reader(text: str, delimiter: str, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """Each row of ``text`` with the line it starts on; every line ending counts (CR-only
    ones too, as old Mac Excel writes them). A row the csv module cannot read is
    refused, naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _unreadable_line(text, delimiter, file_name, start, exc) from exc


def _rows(text: str, delimiter: str, file_name: str) -> list[list[str]]:
    """Every row of ``text`` (:func:`_reader`)."""
    return [row for _line, row in _reader(text, delimiter, file_name)]


def _width(text: str, delimiter: str, file_name: str) -> int:
    """The most fields a row of the beginning of ``text`` has (at least 1)."""
    return max((len(row) for row in _rows(text[:200_000], delimiter, file_name)), default=1)


def _unreadable_line(
    text: str, delimiter: str, file_name: str, line: int, exc: csv.Error
) -> ReadError:
    """What the csv module could not read at ``line``: a cell too long, or anything else."""
    if "field larger than field limit" not in str(exc):
        return ReadError(
            "unreadable_line",
            f"文件 {file_name} 第{line}行无法按 CSV 格式读取（{exc}）：请在 Excel 中打开后另存为 CSV 再上传。",
            f"Line {line} of {file_name} cannot be read as CSV ({exc}): open the file in "
            "Excel, save it as CSV and upload again.",
            sheet=file_name,
            row=line,
        )
    limit = csv.field_size_limit()
    position = _long_cell(text, line, delimiter, limit)
    column = column_letter(position) if position is not None else None
    return ReadError(
        "cell_too_long",
        f"文件 {file_name} 第{line}行{column or ''}列有一个超过 {limit:,} 个字符的单元格，"
        "这不是报表数据：请删除该单元格的内容后再上传。",
        f"Line {line}{f', column {column}' if column else ''} of {file_name} holds a cell of "
        f"more than {limit:,} characters, which is no report figure: delete its content and "
        "upload again.",
        sheet=file_name,
        row=line,
        column=column,
    )


def _long_cell(text: str, line: int, delimiter: str, limit: int) -> int | None:
    """The position of the first field longer than ``limit`` in ``line`` of ``text``
    (split at every delimiter, quoted or not); ``None`` if there is none."""
    for number, content in enumerate(io.StringIO(text, newline=""), start=1):
        if number == line:
            fields = content.split(delimiter)
            return next((i for i, f in enumerate(fields) if len(f) > limit), None)
    return None


def _has_line_break(frame: pd.DataFrame) -> bool:
    """Whether a cell holds a line break."""
    texts = [
        c for _, c in frame.items() if c.dtype == object or isinstance(c.dtype, pd.StringDtype)
    ]
    return any(bool(c.str.contains("[\r\n]", regex=True, na=False).any()) for c in texts)


def _check_quotes(text: str, delimiter: str, width: int, file_name: str) -> None:
    """Refuse a quote left open: a cell whose lines read like rows of the file (half as
    many delimiters as a row has, or more) swallowed them, and so does a quote still
    open at the end of the file; their figures would silently go.

    A note written over two lines in Excel (Alt+Enter) is one quoted cell with a line
    break and (almost) no delimiters; that stays a cell.
    """
    fields = max(1, width // 2)
    last: tuple[int, list[str]] | None = None
    for line, row in _reader(text, delimiter, file_name):
        last = line, row
        for position, cell in enumerate(row):
            swallowed = _swallowed(cell, delimiter, fields)
            if swallowed:
                raise _unclosed(file_name, line, position, cell, swallowed)
    if last is not None and _open_at_end(text, delimiter, last[0]):
        line, row = last
        position = next((i for i, c in enumerate(row) if "\n" in c or "\r" in c), len(row) - 1)
        raise _unclosed(file_name, line, position, row[position], row[position].count("\n"))


def _swallowed(cell: str, delimiter: str, fields: int) -> int:
    """How many of a cell's lines hold ``fields`` delimiters or more (0 without a break)."""
    if "\n" not in cell and "\r" not in cell:
        return 0
    return sum(line.count(delimiter) >= fields for line in cell.splitlines())


def _open_at_end(text: str, delimiter: str, line: int) -> bool:
    """Whether the row starting at ``line`` ends inside quotes at the end of ``text``."""
    lines = io.StringIO(text, newline="")
    for _ in range(line - 1):
        lines.readline()
    strict = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        next(strict, None)
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _unclosed(file_name: str, line: int, position: int, cell: str, swallowed: int) -> ReadError:
    column = column_letter(position)
    shown = cell.splitlines()[0][:40] if cell.splitlines() else ""
    return ReadError(
        "unclosed_quote",
        f"文件 {file_name} 第{line}行{column}列“{shown}”的引号没有闭合：其后 {swallowed} 行被读进了"
        "这一个单元格，这些行的数据会丢失。请在 Excel 中检查该单元格（例如备注里的双引号），改正后再上传。",
        f"The quote opened in line {line}, column {column} of {file_name} ('{shown}') is never "
        f"closed: the {swallowed} lines after it were read into that one cell and their "
        "figures would be lost. Check the cell in Excel (a double quote in a note, say), "
        "correct it and upload again.",
        sheet=file_name,
        row=line,
        column=column,
        value=shown,
    )


def _sniff(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:5000], delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


_HEAD_BYTES = 800_000
"""Bytes decoded to look at a UTF-8 file's beginning: at least the 200,000 characters
:func:`_parse_delimited` reads its width from (a character takes at most four bytes)."""


def _read_utf8(
    data: bytes, delimiter: str | None, file_name: str, limits: Limits
) -> tuple[pd.DataFrame, str, str] | None:
    """A rectangular UTF-8 file read by Arrow straight from its bytes, with the encoding
    :func:`decode` would name and the delimiter; ``None`` for anything else (another
    encoding, an uneven or blank line, implausible text), which :func:`decode` and
    :func:`_parse_delimited` read.

    Only the beginning is decoded here, to sniff the delimiter, count the fields and
    judge plausibility exactly as they do; Arrow checks that every cell is UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        payload, encoding = data[3:], "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    else:
        payload, encoding = data, "utf-8"
    whole = len(payload) <= _HEAD_BYTES
    try:
        head = codecs.getincrementaldecoder("utf-8")().decode(payload[:_HEAD_BYTES], final=whole)
    except UnicodeDecodeError:
        return None
    if not head.strip() or (encoding == "utf-8" and not _plausible(head)):
        return None
    delimiter = delimiter or _sniff(head)
    width = _width(head, delimiter, file_name)
    if width <= 1:
        return None
    _check_width(width, limits, file_name)
    table = _arrow_table(payload, delimiter, width)
    if table is None:
        return None
    # Arrow reads a blank line as a row of empty cells; a blank line inside quotes is
    # text. Only then is the whole text searched for one.
    if (_empty_row(table) or b'"' in payload) and _has_blank_line(payload):
        return None
    return _arrow_frame(table), encoding, delimiter


def _empty_row(table: pa.Table) -> bool:
    """Whether a row of ``table`` has no cell filled."""
    empty = None
    for column in table.columns:
        missing = pc.is_null(column)
        empty = missing if empty is None else pc.and_(empty, missing)
    return empty is not None and bool(pc.any(empty).as_py())


def _has_blank_line(payload: bytes | str) -> bool:
    """Whether the text holds an empty line (pandas and the csv module keep those rows)."""
    if isinstance(payload, str):
        return (
            "\n\n" in payload or "\r\n\r\n" in payload or "\r\r" in payload or payload[0] in "\r\n"
        )
    if payload[:1] in (b"\r", b"\n") or b"\n\n" in payload:
        return True
    return b"\r" in payload and (b"\r\n\r\n" in payload or b"\r\r" in payload)


def _parse_delimited(
    text: str, delimiter: str, file_name: str = "", limits: Limits | None = None
) -> pd.DataFrame:
    """A rectangle of strings; title and footnote lines may have fewer fields than data.

    A rectangular file (every line as wide as the widest, no blank lines) is read by
    Arrow into text columns, empty cells missing; any other shape goes through pandas
    and, for lines wider than the first ones, the csv module, into an object frame of
    strings.
    """
    if not text.strip():
        return pd.DataFrame()
    width = _width(text, delimiter, file_name)
    _check_width(width, limits or Limits(), file_name)
    blank = _has_blank_line(text)
    fast = (
        _arrow_delimited(text.encode("utf-8"), delimiter, width)
        if width > 1 and not blank
        else None
    )
    if fast is not None:
        return fast
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError:  # a later line is wider than the first ones
        rows = _rows(text, delimiter, file_name)
        return pd.DataFrame(rows, dtype=object).fillna("")
    return frame.astype(object)


def _arrow_delimited(payload: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """Every line of UTF-8 ``payload`` split into ``width`` text cells (empty ones
    missing), or ``None`` when a line is not, or a cell is not UTF-8."""
    table = _arrow_table(payload, delimiter, width)
    return None if table is None else _arrow_frame(table)


def _arrow_table(payload: bytes, delimiter: str, width: int) -> pa.Table | None:
    """:func:`_arrow_delimited` as an Arrow table of text columns."""
    names = [str(i) for i in range(width)]
    uneven: list[object] = []

    def refuse(row: object) -> str:
        uneven.append(row)
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(payload),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=refuse,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, UnicodeError):
        return None
    return None if uneven else table


def _arrow_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of text as a frame of text columns."""
    text_type = pd.StringDtype("pyarrow", np.nan)
    return table.to_pandas(types_mapper=lambda _t: text_type)
