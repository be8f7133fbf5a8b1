"""Files to grids of cells: xlsx/xlsm/xls/ods through python-calamine, CSV/TSV with
encoding detection.

A :class:`Sheet` is the raw rectangle of cell values with merged ranges filled in and the
spreadsheet's own row and column numbers kept, so every later message can name the cell
the analyst sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class Limits:
    """What a single upload may hold; past these the file is refused before parsing."""

    max_bytes: int = 200 * 1024 * 1024
    """File size."""
    max_rows: int = 2_000_000
    """Rows in one sheet."""
    max_sheets: int = 50
    """Sheets in one workbook."""
    max_unzip_ratio: float = 200.0
    """Uncompressed / compressed size of an xlsx; a zip bomb goes far beyond this."""
    max_unzipped_bytes: int = 2 * 1024**3
    """Uncompressed size of an xlsx."""


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


def _refuse(zh: str, en: str) -> ValidationError:
    return ValidationError(zh, en)


def read_file(data: bytes, file_name: str, limits: Limits | None = None) -> list[Sheet]:
    """Every sheet of a spreadsheet or CSV/TSV file given as bytes."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise _refuse(
            f"文件 {file_name} 大小 {len(data) / 1e6:.1f} MB，超过上限 {limits.max_bytes / 1e6:.0f} MB。",
            f"File {file_name} is {len(data) / 1e6:.1f} MB, over the {limits.max_bytes / 1e6:.0f} MB limit.",
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


def _check_zip(data: bytes, file_name: str, limits: Limits) -> None:
    """Refuse a zip bomb before decompressing anything."""
    if not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # calamine reports the corrupt file with its own words below
    ratio = unpacked / max(len(data), 1)
    if unpacked > limits.max_unzipped_bytes or ratio > limits.max_unzip_ratio:
        raise _refuse(
            f"文件 {file_name} 解压后 {unpacked / 1e6:.0f} MB（压缩比 {ratio:.0f} 倍），疑似压缩炸弹，已拒绝。",
            f"File {file_name} unpacks to {unpacked / 1e6:.0f} MB (ratio {ratio:.0f}×); "
            "refused as a likely zip bomb.",
        )


def _read_excel(data: bytes, file_name: str, limits: Limits) -> list[Sheet]:
    _check_zip(data, file_name, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0") and file_name.lower().endswith((".xlsx", ".xlsm")):
        raise _refuse(
            f"文件 {file_name} 设有打开密码（或为加密文件），请在 Excel 中取消密码后另存再上传。",
            f"File {file_name} is password-protected (encrypted); remove the password in Excel, "
            "save and upload again.",
        )
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
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


def _sheet(book: CalamineWorkbook, name: str, limits: Limits, file_name: str) -> Sheet:
    raw = book.get_sheet_by_name(name)
    if raw.height > limits.max_rows:
        raise _refuse(
            f"工作表“{name}”有 {raw.height} 行，超过上限 {limits.max_rows} 行。",
            f"Sheet '{name}' has {raw.height} rows, over the limit of {limits.max_rows}.",
        )
    with _collector_paused():
        rows = raw.to_python()
        cells = _cells(rows)
        del rows
    start = raw.start or (0, 0)
    for (r0, c0), (r1, c1) in raw.merged_cell_ranges or []:
        top, left = r0 - start[0], c0 - start[1]
        if 0 <= top < len(cells) and 0 <= left < cells.shape[1]:
            cells.iloc[top : r1 - start[0] + 1, left : c1 - start[1] + 1] = cells.iat[top, left]
    return Sheet(name=name, cells=cells, first_row=start[0] + 1, first_col=start[1])


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


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """Text and encoding: byte-order mark, else strict UTF-8, else GB18030.

    Chinese Excel saves CSV as GBK without a BOM; GB18030 is its superset. Bytes that
    decode under none of these, or decode to implausible text, are refused.

    >>> decode("单位,数值".encode("gbk"), "a.csv")
    ('单位,数值', 'gb18030')
    """
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding), encoding
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
    found = _read_utf8(data, delimiter)
    if found is None:
        text, encoding = decode(data, file_name)
        delimiter = delimiter or _sniff(text)
        frame = _parse_delimited(text, delimiter)
    else:
        frame, encoding = found
    if len(frame) > limits.max_rows:
        raise _refuse(
            f"文件 {file_name} 有 {len(frame)} 行，超过上限 {limits.max_rows} 行。",
            f"File {file_name} has {len(frame)} rows, over the limit of {limits.max_rows}.",
        )
    if not frame.empty and frame.dtypes.eq(object).all():  # Arrow's text columns come with
        frame = frame.where(frame.ne(""), None)  # empty cells missing already
    frame.columns = np.arange(frame.shape[1])
    return Sheet(name=Path(file_name).stem, cells=frame, notes=(f"encoding: {encoding}",))


def _sniff(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:5000], delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


_HEAD_BYTES = 800_000
"""Bytes decoded to look at a UTF-8 file's beginning: at least the 200,000 characters
:func:`_parse_delimited` reads its width from (a character takes at most four bytes)."""


def _read_utf8(data: bytes, delimiter: str | None) -> tuple[pd.DataFrame, str] | None:
    """A rectangular UTF-8 file read by Arrow straight from its bytes, with the encoding
    :func:`decode` would name; ``None`` for anything else (another encoding, an uneven or
    blank line, implausible text), which :func:`decode` and :func:`_parse_delimited` read.

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
    width = max(
        (len(row) for row in csv.reader(io.StringIO(head[:200_000]), delimiter=delimiter)),
        default=1,
    )
    if width <= 1:
        return None
    table = _arrow_table(payload, delimiter, width)
    if table is None:
        return None
    # Arrow reads a blank line as a row of empty cells; a blank line inside quotes is
    # text. Only then is the whole text searched for one.
    if (_empty_row(table) or b'"' in payload) and _has_blank_line(payload):
        return None
    return _arrow_frame(table), encoding


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


def _parse_delimited(text: str, delimiter: str) -> pd.DataFrame:
    """A rectangle of strings; title and footnote lines may have fewer fields than data.

    A rectangular file (every line as wide as the widest, no blank lines) is read by
    Arrow into text columns, empty cells missing; any other shape goes through pandas
    and, for lines wider than the first ones, the csv module, into an object frame of
    strings.
    """
    if not text.strip():
        return pd.DataFrame()
    head = list(csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter))
    width = max((len(row) for row in head), default=1)
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
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
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
