"""An Excel workbook measured before it is parsed, so no file can make the reader exhaust
the server's memory.

calamine (the xlsx reader) keeps every cell it reads (40 bytes each), then builds each
sheet as one dense rectangle from its top-left to its bottom-right cell (32 bytes a cell):
a 1 KB file with cells at A1 and XFD1048576 asks for 550 GB and the process dies. It also
keeps every shared string and merged range. A zip's own header may understate what a
member unpacks to, a file with bytes before its zip is still a zip to calamine, and a
file that Python's zip reader cannot open might still be one to calamine's. So an
``.xlsx``/``.xlsm`` is judged by its content, not its name, and before calamine sees it:

1. it must be an Excel 97-2003 file (an OLE container, passed on: its sheets are at most
   65,536 × 256 cells, checked when read) or a zip that Python reads, wherever in the
   bytes it starts, with ``xl/workbook.xml`` in it (xlsb and ods: save them as xlsx);
2. every member is unpacked here, a bounded piece at a time, and the whole stops at
   :attr:`Limits.max_unzipped_bytes`, whatever the zip's header says;
3. in every member the cell, row, shared-string and merged-range elements are counted,
   and each cell is located as calamine would place it (its ``r`` address, else one
   column past the previous cell of its row, in the row that ``<row r=…>`` or the count
   of rows gives): more than :attr:`Limits.max_cells` cells, or rectangles that add up to
   more, more shared strings than that, more rows than Excel has or more than
   :data:`MAX_MERGES` merged ranges, and the file is refused;
4. calamine is given a copy written here from what was measured, members stored without
   compression and under a name that picks its xlsx reader, so it parses exactly what was
   counted (and skips unpacking again).

Cells are located in two ways. Files written by Excel, WPS and the usual libraries give
every cell its address as ``<c r="B7"``; those are read in bulk with numpy. Anything else
(addresses left out, namespace prefixes, other spacing) goes through a tokenizer that
follows calamine's rules one tag at a time (at most the cells and rows already counted).
Counting errs on the generous side: a cell without a value, or one inside a comment,
counts too.
"""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import ReadError
from bxgc_metrics.importer.limits import Limits

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an Excel 97-2003 (``.xls``) file, or of an encrypted xlsx."""

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
"""The largest sheet Excel has; a cell address beyond it is refused."""

MAX_MERGES = 100_000
"""Merged ranges in a workbook: a report merges a few dozen headings."""

_PIECE = 1024 * 1024
"""Bytes unpacked, and bytes scanned with numpy, at a time."""

_PAD = b"\0" * 32
"""Appended to a member before it is scanned: an element name or an address is read up to
20 bytes past its ``<``, even at the very end."""


@dataclass(frozen=True)
class Span:
    """The rectangle a member's cells span, as calamine would allocate it."""

    rows: int = 0
    """First to last row, inclusive (0 when there is no cell)."""
    columns: int = 0
    """First to last column, inclusive."""
    last_row: int = 0
    """The largest row index (0-based) of any cell."""
    last_column: int = 0
    """The largest column index (0-based) of any cell."""

    @property
    def cells(self) -> int:
        """Cells in the rectangle."""
        return self.rows * self.columns

    def address(self) -> str:
        """The farthest cell as Excel names it, e.g. ``XFD1048576``."""
        return f"{_letters(self.last_column)}{self.last_row + 1}"

    @classmethod
    def between(cls, top: int, left: int, bottom: int, right: int) -> Span:  # noqa: PLR0917 -- a rectangle's four edges
        """The span from (``top``, ``left``) to (``bottom``, ``right``), 0-based; empty
        when ``bottom`` is below zero."""
        if bottom < 0:
            return cls()
        return cls(bottom - top + 1, right - left + 1, bottom, right)


@dataclass(frozen=True)
class Measure:
    """What one member of the archive asks of calamine."""

    span: Span = Span()
    """The rectangle of its cells."""
    cells: int = 0
    """Cell elements."""
    rows: int = 0
    """Row elements."""
    strings: int = 0
    """Shared strings (``si`` elements)."""
    merges: int = 0
    """Merged ranges (``mergeCell`` elements)."""


def checked_copy(data: bytes, file_name: str, limits: Limits, *, folder: Path) -> Path:
    """The workbook in ``data`` written to ``folder`` for calamine to open, once measured.

    An Excel 97-2003 file is written as it is; an xlsx is checked as the module says and
    written with its members uncompressed. Anything else, and anything over a limit, is
    refused with a :class:`~bxgc_metrics.errors.ValidationError` naming the file.
    """
    if data.startswith(OLE):  # the name tells calamine which reader to use, and only that
        (target := folder / "workbook.xls").write_bytes(data)
        return target
    target = folder / "workbook.xlsx"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _not_excel(file_name, exc) from exc
    with archive:
        members = _members(archive, data, file_name, limits=limits)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as out:
            _copy(archive, members, out, file_name=file_name, limits=limits, packed=len(data))
    return target


def _members(
    archive: zipfile.ZipFile, data: bytes, file_name: str, *, limits: Limits
) -> list[zipfile.ZipInfo]:
    """The archive's members, after the checks that need no unpacking."""
    members = archive.infolist()
    declared = sum(m.file_size for m in members)
    if declared > limits.max_unzipped_bytes:
        raise _bomb(file_name, declared, packed=len(data), limits=limits)
    if declared / max(len(data), 1) > limits.max_unzip_ratio:
        raise _bomb(file_name, declared, packed=len(data), limits=limits)
    names = [m.filename for m in members]
    if len(set(names)) != len(names):
        raise _not_excel(file_name, "a member name appears twice")
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names or "content.xml" in names:
            raise issues.XLSB_OR_ODS.refused(file=file_name)
        raise _not_excel(file_name, "no xl/workbook.xml")
    for member in members:
        if member.flag_bits & 0x1:
            raise _not_excel(file_name, f"{member.filename} is encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _not_excel(file_name, f"{member.filename}: compression {member.compress_type}")
    return members


def _copy(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    out: zipfile.ZipFile,
    *,
    file_name: str,
    limits: Limits,
    packed: int,
) -> None:
    """Unpack each member within the limit, measure it, write it to ``out``."""
    unpacked, area, cells, strings, merges = 0, 0, 0, 0, 0
    for member in members:
        # the declared size (bounded above) and zeros past it, read into place; written to
        # the copy as it comes (refused, the copy is never opened)
        body = memoryview(bytearray(member.file_size + len(_PAD)))
        size = 0
        info = zipfile.ZipInfo(member.filename)  # no time taken from the file: none needed
        info.file_size = member.file_size  # at most the limit: whether ZIP64 is needed
        with (
            _Counting(body, alongside=member.file_size > 2 * _PIECE) as counting,
            out.open(info, "w") as sink,
        ):
            try:
                with archive.open(member) as stream:  # stops at the declared size; CRC checked
                    while piece := stream.read(_PIECE):
                        unpacked += len(piece)
                        if unpacked > limits.max_unzipped_bytes:
                            raise _bomb(
                                file_name, unpacked, packed=packed, limits=limits, stopped=True
                            )
                        body[size : size + len(piece)] = piece
                        size += len(piece)
                        counting.unpacked(size)
                        sink.write(piece)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise _not_excel(file_name, exc) from exc
            tally = counting.finished(size)
        found = _measure(body, size, file_name, limits=limits, tally=tally)
        area, cells = area + found.span.cells, cells + found.cells
        strings, merges = strings + found.strings, merges + found.merges
        if area > limits.max_cells:
            raise _too_many_cells(file_name, area, span=found.span, limits=limits)
        if cells > limits.max_cells or strings > limits.max_cells or merges > MAX_MERGES:
            raise _too_many_elements(file_name, cells, strings, merges=merges, limits=limits)


class _Counting:
    """A member's elements counted piece by piece as it is unpacked: with ``alongside``,
    on a thread of their own, so that counting one piece (numpy) and unpacking the next
    (zlib) run at the same time, neither holding Python's lock; else on the caller's.

    A piece is counted once the :data:`_PAD` bytes after it are unpacked too (an element
    is read a little past its ``<``), or once the member is whole."""

    def __init__(self, body: memoryview, *, alongside: bool) -> None:
        self._buffer = np.frombuffer(body, dtype=np.uint8)
        self._tally = _Tally()
        self._counted = 0
        self._pool = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="bxgc-guard")
            if alongside
            else None
        )
        self._pending: list[Future[None]] = []

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:  # refused half way: nothing more is counted
            self._pool.shutdown(wait=True, cancel_futures=True)

    def unpacked(self, size: int) -> None:
        """The member is unpacked up to ``size``: count (alongside) what may be counted."""
        self._count(size, whole=False)

    def finished(self, size: int) -> _Tally:
        """The member is whole at ``size``: count the rest, and the counts of it all."""
        self._count(size, whole=True)
        for pending in self._pending:
            pending.result()
        return self._tally

    def _count(self, size: int, *, whole: bool) -> None:
        while self._counted < size and (whole or self._counted + _PIECE + len(_PAD) <= size):
            stop = min(self._counted + _PIECE, size)
            if self._pool is None:
                self._tally.add(self._buffer, self._counted, stop)
            else:
                piece = self._pool.submit(self._tally.add, self._buffer, self._counted, stop)
                self._pending.append(piece)
            self._counted = stop


def measure(content: bytes, limits: Limits | None = None, file_name: str = "") -> Measure:
    """What one member's ``content`` asks of calamine (refused past ``limits``).

    >>> measure(b'<row r="2"><c r="B2"><v>1</v></c><c r="D9"/></row>').span
    Span(rows=8, columns=3, last_row=8, last_column=3)
    >>> found = measure(b'<row><c><v>1</v></c><c><v>2</v></c></row><row><c/></row>')
    >>> found.span, found.cells, found.rows
    (Span(rows=2, columns=2, last_row=1, last_column=1), 3, 2)
    """
    return _measure(memoryview(content + _PAD), len(content), file_name, limits=limits or Limits())


def _measure(
    padded: memoryview, size: int, file_name: str, *, limits: Limits, tally: _Tally | None = None
) -> Measure:
    """:func:`measure` of ``padded[:size]``; ``padded`` ends with :data:`_PAD`. ``tally``:
    its elements counted already (:class:`_Counting`)."""
    head = bytes(padded[:4]).lstrip(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise _not_excel(file_name, "UTF-16 XML")  # calamine would read what is not scanned
    if tally is None:
        with _Counting(padded, alongside=False) as counting:
            tally = counting.finished(size)
    if tally.cells > limits.max_cells:
        raise _too_many_elements(
            file_name, tally.cells, tally.strings, merges=tally.merges, limits=limits
        )
    if tally.rows > EXCEL_ROWS:
        raise _not_excel(file_name, f"{tally.rows:,} rows, more than a sheet holds")
    span = tally.span() if tally.addressed else _exact_span(padded[:size], file_name)
    return Measure(span, tally.cells, tally.rows, tally.strings, tally.merges)


# --- counting, and locating addressed cells, in bulk ---------------------------------------


class _Tally:
    """Counts of the elements calamine keeps, and while every cell so far reads ``<c
    r="LETTERS DIGITS"`` (no namespace prefix), the rectangle of their addresses."""

    def __init__(self) -> None:
        self.cells = self.rows = self.strings = self.merges = 0
        self.addressed = True
        self.top = self.left = EXCEL_ROWS
        self.bottom = self.right = -1

    def add(self, buffer: np.ndarray, start: int, stop: int) -> None:
        """Count the elements whose ``<`` (or prefix ``:``) lies in ``[start, stop)``."""
        piece = buffer[start:stop]
        names = np.flatnonzero(piece == ord("<")) + (start + 1)
        initials = buffer[names]
        cells = _elements(buffer, names, initials, name=b"c")
        self.cells += len(cells)
        self.rows += len(_elements(buffer, names, initials, name=b"row"))
        self.strings += len(_elements(buffer, names, initials, name=b"si"))
        self.merges += len(_elements(buffer, names, initials, name=b"mergeCell"))
        local = np.flatnonzero(piece == ord(":")) + (start + 1)  # <x:c …>, <x:row …>
        if len(local):
            initials = buffer[local]
            prefixed = len(_elements(buffer, local, initials, name=b"c"))
            prefixed_rows = len(_elements(buffer, local, initials, name=b"row"))
            self.cells += prefixed
            self.rows += prefixed_rows
            self.strings += len(_elements(buffer, local, initials, name=b"si"))
            self.merges += len(_elements(buffer, local, initials, name=b"mergeCell"))
            self.addressed = self.addressed and not (prefixed or prefixed_rows)
        if self.addressed and len(cells):
            found = _addresses(buffer, cells - 1)
            if found is None:
                self.addressed = False
                return
            rows, columns = found
            self.top = min(self.top, int(rows.min()))
            self.bottom = max(self.bottom, int(rows.max()))
            self.left = min(self.left, int(columns.min()))
            self.right = max(self.right, int(columns.max()))

    def span(self) -> Span:
        """The rectangle of the addressed cells."""
        return Span.between(self.top, self.left, self.bottom, self.right)


def _elements(
    buffer: np.ndarray, at: np.ndarray, initials: np.ndarray, *, name: bytes
) -> np.ndarray:
    """The positions among ``at`` (whose bytes are ``initials``) where the element name
    ``name`` starts, followed by white space, ``/`` or ``>`` as the XML reader ends a name."""
    found = at[initials == name[0]]
    for offset, byte in enumerate(name[1:], start=1):
        found = found[buffer[found + offset] == byte]
    after = buffer[found + len(name)]
    ends = (after == ord(" ")) | (after == ord(">")) | (after == ord("/"))
    ends |= (after == ord("\t")) | (after == ord("\n")) | (after == ord("\r"))
    return found[ends]


_R_OPEN = b' r="'
"""What follows ``<c`` in a cell that gives its address first."""


def _eight_bytes(buffer: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The eight bytes from each position ``at``, as eight rows: row ``k`` holds byte
    ``k`` of every position. One gather of (unaligned, overlapping) 8-byte words rather
    than eight gathers of bytes, and each row contiguous for what reads it."""
    words = np.ndarray((len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,))
    return np.ascontiguousarray(words[at].view(np.uint8).reshape(len(at), 8).T)


def _addresses(buffer: np.ndarray, opens: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows and columns (0-based) of the cells opening at ``opens`` when each reads ``<c
    r="LETTERS DIGITS"``, within Excel's sheet; else ``None``."""
    head = _eight_bytes(buffer, opens + 2)  # ' r="' and the four bytes after
    for k, byte in enumerate(_R_OPEN):
        if not (head[k] == byte).all():
            return None
    letters = [_is_letter(head[len(_R_OPEN) + k]) for k in range(4)]
    if not letters[0].all() or (letters[1] & letters[2] & letters[3]).any():
        return None
    n_letters = 1 + letters[1] + (letters[1] & letters[2])
    column = head[len(_R_OPEN)].astype(np.int32) - (ord("A") - 1)
    for k in (1, 2):
        value = head[len(_R_OPEN) + k].astype(np.int32) - (ord("A") - 1)
        column = np.where(k < n_letters, column * 26 + value, column)
    start = opens + (2 + len(_R_OPEN)) + n_letters  # where the digits begin
    tail = _eight_bytes(buffer, start)
    # the digits read while every byte so far is one; the byte after them must close the
    # address within the eight, so each has one to seven digits
    going = (tail[0] - np.uint8(ord("0"))) < 10
    closed = np.zeros(len(start), dtype=bool)
    row = np.where(going, tail[0].astype(np.int32) - ord("0"), 0)
    for k in range(1, 8):
        digit = (tail[k] - np.uint8(ord("0"))) < 10
        closed |= going & ~digit & (tail[k] == ord('"'))
        going &= digit
        row = np.where(going, row * 10 + (tail[k].astype(np.int32) - ord("0")), row)
    if not closed.all():
        return None
    if (row < 1).any() or (row > EXCEL_ROWS).any() or (column > EXCEL_COLUMNS).any():
        return None  # the careful way names the address
    return row - 1, column - 1


def _is_letter(byte: np.ndarray) -> np.ndarray:
    """Which bytes are ``A``–``Z`` (one unsigned comparison)."""
    return (byte - np.uint8(ord("A"))) < 26


# --- anything else: tag by tag ------------------------------------------------------------

_TAG = re.compile(
    rb"<(?:(/)(?:[^\s<>/=:]+:)?row|(?:[^\s<>/=:]+:)?(row|c))(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*+)>",
    re.DOTALL,
)
"""A ``row`` start, empty or end tag or a ``c`` start or empty tag, with any namespace
prefix, and its attributes (whose values may hold ``>``)."""

_R = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
"""An ``r`` attribute (the address) in a tag's attributes."""

_ADDRESS = re.compile(rb"\s*\$?([A-Za-z]{1,3})\$?([0-9]{1,7})\s*")
_ROW = re.compile(rb"\s*([0-9]{1,7})\s*")


def _exact_span(content: bytes | memoryview, file_name: str) -> Span:
    """Locate every cell as calamine does: an ``r`` address where given; else the next
    column of the current row, where ``<row r=…>`` sets the row and each ``</row>`` (or
    empty ``<row/>``) moves to the next one. Visits only tags already counted."""
    top, left, bottom, right = EXCEL_ROWS, EXCEL_COLUMNS, -1, -1
    row, column = 0, 0
    for match in _TAG.finditer(content):
        closing, name, attributes = match.groups()
        if closing:
            row, column = row + 1, 0
            continue
        given = _attribute_r(attributes)
        if name == b"row":
            if given is not None:
                row = _row_number(given, file_name) - 1
            if attributes.rstrip().endswith(b"/"):  # an empty row: as if it closed
                row, column = row + 1, 0
            continue
        cell_row = row
        if given is not None:
            cell_row, column = _address(given, file_name)
        top, bottom = min(top, cell_row), max(bottom, cell_row)
        left, right = min(left, column), max(right, column)
        column += 1
    return Span.between(top, left, bottom, right)


def _attribute_r(attributes: bytes) -> bytes | None:
    found = _R.search(attributes)
    if found is None:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


def _address(text: bytes, file_name: str) -> tuple[int, int]:
    """``B7`` → (6, 1); an address calamine could not read, or beyond Excel's sheet, is
    refused."""
    found = _ADDRESS.fullmatch(text)
    if found is None:
        raise _bad_address(file_name, text)
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + letter - ord("A") + 1
    row = int(found.group(2))
    if not (1 <= row <= EXCEL_ROWS and column <= EXCEL_COLUMNS):
        raise _bad_address(file_name, text)
    return row - 1, column - 1


def _row_number(text: bytes, file_name: str) -> int:
    found = _ROW.fullmatch(text)
    if found is None or not 1 <= int(found.group(1)) <= EXCEL_ROWS:
        raise _bad_address(file_name, text)
    return int(found.group(1))


def _letters(column: int) -> str:
    letters, index = "", column + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- refusals -----------------------------------------------------------------------------


def _not_excel(file_name: str, why: object) -> ReadError:
    return issues.NOT_EXCEL.refused(file=file_name, why=why)


def _bomb(
    file_name: str, unpacked: int, *, packed: int, limits: Limits, stopped: bool = False
) -> ReadError:
    """``stopped``: unpacking was stopped at the limit (the header understated the size)."""
    return issues.ZIP_BOMB.refused(
        file=file_name,
        over=issues.STOPPED_OVER if stopped else issues.Text("", ""),
        size=unpacked / 2**20,  # MB as uploads count them
        ratio=unpacked / max(packed, 1),
        limit=limits.max_unzipped_bytes / 2**20,
        most=limits.max_unzip_ratio,
    )


def _too_many_cells(file_name: str, cells: int, *, span: Span, limits: Limits) -> ReadError:
    return issues.TOO_MANY_CELLS.refused(
        file=file_name, cells=cells, far=span.address(), limit=limits.max_cells
    )


def _too_many_elements(
    file_name: str, cells: int, strings: int, *, merges: int, limits: Limits
) -> ReadError:
    return issues.TOO_MANY_ELEMENTS.refused(
        file=file_name,
        cells=cells,
        strings=strings,
        merges=merges,
        most=limits.max_cells,
        merges_most=MAX_MERGES,
    )


def _bad_address(file_name: str, text: bytes) -> ReadError:
    return issues.BAD_ADDRESS.refused(file=file_name, shown=text[:40].decode("ascii", "replace"))
