"""Delimited text files (CSV, TSV): the encoding detected, the delimiter sniffed, and
the cells read by Arrow where the file is a plain rectangle of UTF-8, else by pandas and
the csv module."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import ReadError
from bxgc_metrics.importer.limits import Limits
from bxgc_metrics.importer.reading.lines import all_rows, check_quotes, has_line_break, widest
from bxgc_metrics.importer.reading.sheet import Sheet, check_width
from bxgc_metrics.invisible import INVISIBLE

_PLAUSIBLE = 0.97


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
                raise _broken_mark(payload, exc, label=label, file_name=file_name) from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, encoding
    raise issues.UNKNOWN_ENCODING.refused(file=file_name)


def _broken_mark(data: bytes, exc: UnicodeDecodeError, *, label: str, file_name: str) -> ReadError:
    """The file's byte-order mark names ``label`` but its bytes at ``exc`` are not."""
    line = data[: exc.start].decode(exc.encoding, errors="replace").count("\n") + 1
    found = data[exc.start : exc.start + 4].hex(" ").upper()
    return issues.BAD_ENCODING.refused(
        sheet=file_name, row=line, value=found, file=file_name, label=label, line=line, found=found
    )


def _plausible(text: str) -> bool:
    """Most characters of a real report are ASCII, CJK, punctuation or white space.

    Judged on the code points of the first 20,000 characters at once: ASCII by its range,
    every other character by :func:`_cjkish`, asked once per distinct character.
    """
    sample = text[:20000]
    if not sample or "\x00" in sample:
        return False
    codes = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    others, counts = np.unique(codes[codes >= 0x80], return_counts=True)
    good = len(codes) - counts.sum()
    good += sum(int(n) for code, n in zip(others, counts, strict=True) if _cjkish(chr(code)))
    return good / len(sample) >= _PLAUSIBLE


def _cjkish(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or unicodedata.category(ch) in {"Pd", "Po", "Ps", "Pe", "Pi", "Pf", "Sm", "Sc", "Zs"}
        or 0x2000 <= code <= 0x206F
        or code in INVISIBLE  # a soft hyphen or a byte-order mark inside the text
    )


def read_text(data: bytes, file_name: str, *, delimiter: str | None, limits: Limits) -> Sheet:
    found = _read_utf8(data, delimiter, file_name=file_name, limits=limits)
    text = None
    if found is None:
        text, encoding = decode(data, file_name)
        delimiter = delimiter or _sniff(text)
        frame = _parse_delimited(text, delimiter, file_name=file_name, limits=limits)
    else:
        frame, encoding, delimiter = found
    check_width(frame.shape[1], limits, file_name)
    if len(frame) > limits.max_rows:
        raise issues.FILE_TOO_MANY_ROWS.refused(
            file=file_name, rows=len(frame), limit=limits.max_rows
        )
    if b'"' in data and has_line_break(frame):  # only a quoted cell holds a line break
        text = text if text is not None else decode(data, file_name)[0]
        check_quotes(text, delimiter, width=frame.shape[1], file_name=file_name)
    if not frame.empty and frame.dtypes.eq(object).all():  # Arrow's text columns come with
        frame = frame.where(frame.ne(""), None)  # empty cells missing already
    frame.columns = np.arange(frame.shape[1])
    return Sheet(
        name=Path(file_name).stem, cells=frame, notes=(f"encoding: {encoding}",), delimited=True
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
    data: bytes, delimiter: str | None, *, file_name: str, limits: Limits
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
    width = widest(head, delimiter, file_name)
    if width <= 1:
        return None
    check_width(width, limits, file_name)
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
    text: str, delimiter: str, *, file_name: str = "", limits: Limits | None = None
) -> pd.DataFrame:
    """A rectangle of strings; title and footnote lines may have fewer fields than data.

    A rectangular file (every line as wide as the widest, no blank lines) is read by
    Arrow into text columns, empty cells missing; any other shape goes through pandas
    and, for lines wider than the first ones, the csv module, into an object frame of
    strings.
    """
    if not text.strip():
        return pd.DataFrame()
    width = widest(text, delimiter, file_name)
    check_width(width, limits or Limits(), file_name)
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
        rows = all_rows(text, delimiter, file_name)
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
                # only a quoted cell holds a line break; without quotes Arrow may split
                # the bytes at any line and read the pieces on every core
                newlines_in_values=b'"' in payload,
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
