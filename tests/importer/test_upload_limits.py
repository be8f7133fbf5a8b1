"""An uploaded workbook cannot exhaust the server, and only a signed-in analyst's upload is
analysed at all.

Hostile workbooks are built here by code: a zip bomb behind junk bytes (so it does not
start with ``PK``), bombs under the compression-ratio limit, a header that understates its
size, two cells far apart (a 1 KB file that asks the reader for 550 GB), sheets whose
cells have no addresses, namespace prefixes or UTF-16, floods of cells, shared strings
and merged ranges, and xlsb/ods in disguise. Each is analysed in a fresh process with its
address space capped, and the process's peak memory is measured: every one is refused
with a message, and none grows the process by more than :data:`GROWTH_MB`.

The cell locator is checked against calamine itself on random sheets (addresses given,
left out, rows skipped and emptied, namespace prefixes).
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.importer import workbook_guard
from bxgc_metrics.importer.reading import Limits, read_file
from bxgc_metrics.importer.service import analyse
from bxgc_metrics.store import Store
from tests import sheets
from tests.conftest import ROOT

GROWTH_MB = 200
"""The most any upload below may grow the process that analyses it (an xlsx may unpack to
128 MiB; a refused bomb is stopped before it is all unpacked)."""

_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_TAIL = b"</sheetData></worksheet>"
_SKELETON = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd'
    b'.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd'
    b'.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>",
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
    b'.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument'
    b'/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
    b"</workbook>",
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas'
    b'.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
    b'"worksheets/sheet1.xml"/></Relationships>',
}


def workbook(
    sheet: bytes | Iterable[bytes],
    extra: dict[str, bytes | Iterable[bytes]] | None = None,
    level: int = 9,
) -> bytes:
    """A minimal xlsx whose one sheet is ``sheet`` (the XML, or pieces of it streamed in)."""
    buffer = io.BytesIO()
    parts = {**_SKELETON, "xl/worksheets/sheet1.xml": sheet, **(extra or {})}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, body in parts.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for piece in [body] if isinstance(body, bytes) else body:
                    member.write(piece)
    return buffer.getvalue()


def repeated(head: bytes, piece: bytes, times: int, tail: bytes) -> Iterator[bytes]:
    """``head``, ``piece`` ``times`` times, ``tail``, in pieces of a few megabytes."""
    yield head
    batch = max(1, (4 << 20) // max(len(piece), 1))
    for done in range(0, times, batch):
        yield piece * min(batch, times - done)
    yield tail


def _junk_bomb() -> bytes:
    """The red team's file: 64 KB of junk, then a zip of about a megabyte unpacking to
    400 MB of cells (26 million of them)."""
    row = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"
    return os.urandom(64 * 1024) + workbook(repeated(_HEAD, row, 265_000, _TAIL))


def salted(head: bytes, piece: bytes, salt: bytes, times: int, tail: bytes) -> Iterator[bytes]:
    """``head``, then ``times`` × (``piece`` and ``salt`` with a random number in it), then
    ``tail``: random enough that the zip's compression ratio stays under 200."""
    rng = random.Random(12)
    yield head
    for done in range(0, times, 2000):
        yield b"".join(piece + salt % rng.getrandbits(30) for _ in range(min(2000, times - done)))
    yield tail


def _under_the_ratio() -> bytes:
    """About 300 MB of cells at a compression ratio under 200, in a 2 MB file."""
    row = b"<row>" + b"<c><v>1</v></c>" * 130
    return workbook(salted(_HEAD, row, b"<c><v>%d</v></c></row>", 150_000, _TAIL), level=6)


def _lying_header() -> bytes:
    """A sheet of ~200 MB whose zip directory claims 1,000 bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in _SKELETON.items():
            archive.writestr(name, body)
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for piece in repeated(_HEAD, b"<row><c><v>1</v></c></row>", 8_000_000, _TAIL):
                member.write(piece)
    data = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.rfind(name) - 46  # the central directory's record of the sheet
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")  # uncompressed size
    return bytes(data)


def _far_apart() -> bytes:
    return workbook(
        _HEAD
        + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        + _TAIL
    )


def _dense() -> bytes:
    """Six million cells without addresses, in 92 MB: under the size and ratio limits."""
    row = b"<row>" + b"<c><v>1</v></c>" * 100
    return workbook(salted(_HEAD, row, b"<c><v>%d</v></c></row>", 60_000, _TAIL), level=6)


def _far_without_addresses() -> bytes:
    """A row far down, then 20 cells that take their columns from their order."""
    cells = b"<c><v>1</v></c>" * 20
    return workbook(
        _HEAD + b'<row r="1"><c><v>1</v></c></row><row r="1048576">' + cells + b"</row>" + _TAIL
    )


def _prefixed() -> bytes:
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return workbook(
        b'<?xml version="1.0"?><x:worksheet xmlns:x="' + main + b'"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )


def _utf16() -> bytes:
    xml = (_HEAD + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + _TAIL).decode()
    return workbook(xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))


def _strings() -> bytes:
    """Six million shared strings, in 110 MB: under the size and ratio limits."""
    strings = b"<si><t>a</t></si>" * 99
    shared = salted(
        b'<?xml version="1.0"?><sst>', strings, b"<si><t>%d</t></si>", 60_600, b"</sst>"
    )
    return workbook(_HEAD + _TAIL, {"xl/sharedStrings.xml": shared}, level=6)


def _merges() -> bytes:
    merged = salted(b"<mergeCells>", b"", b'<mergeCell ref="A%d:B2"/>', 200_000, b"</mergeCells>")
    return workbook(chain([_HEAD, b"</sheetData>"], merged, [b"</worksheet>"]), level=6)


def _xlsb() -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


ATTACKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "junk before a zip bomb": (_junk_bomb, "压缩炸弹"),
    "a bomb under the ratio limit": (_under_the_ratio, "压缩炸弹"),
    "a header that understates the size": (_lying_header, "损坏"),
    "two cells far apart": (_far_apart, "XFD1048576"),
    "six million cells": (_dense, "单元格"),
    "cells placed by their order": (_far_without_addresses, "单元格"),
    "namespace prefixes": (_prefixed, "XFD1048576"),
    "a UTF-16 sheet": (_utf16, "损坏"),
    "six million shared strings": (_strings, "共享文本"),
    "two hundred thousand merged ranges": (_merges, "合并单元格"),
    "an xlsb named xlsx": (_xlsb, "另存为 xlsx"),
}

_CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))  # a failure must not take the machine
from bxgc_metrics.importer.service import analyse
from bxgc_metrics.store import Store

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

data = open(sys.argv[1], "rb").read()
store = Store(sys.argv[2])
store.units()
before, start = peak(), time.perf_counter()
plan = analyse(data, "report.xlsx", store)
print(json.dumps({
    "errors": [[i.code, i.zh] for i in plan.errors],
    "figures": len(plan.observations),
    "growth_mb": peak() - before,
    "seconds": time.perf_counter() - start,
}))
"""


def analyse_in_a_child(data: bytes, folder: Path) -> dict:
    """Analyse ``data`` in a fresh Python process; its verdict and peak memory growth."""
    upload = folder / "upload.xlsx"
    upload.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(upload), str(folder / "db.duckdb")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
def test_a_hostile_workbook_is_refused_in_bounded_memory(attack: str, tmp_path: Path) -> None:
    build, words = ATTACKS[attack]
    data = build()
    assert len(data) < 8 * 1024 * 1024, len(data)  # every one is small to upload
    verdict = analyse_in_a_child(data, tmp_path)
    assert verdict["errors"], verdict
    code, message = verdict["errors"][0]
    assert code == "unreadable" and words in message, message
    assert verdict["growth_mb"] < GROWTH_MB, verdict


def test_the_junk_bomb_is_small_and_unpacks_far_beyond_the_limit() -> None:
    data = _junk_bomb()
    assert not data.startswith(b"PK") and len(data) < 1_200_000
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared > Limits().max_unzipped_bytes


def test_the_ratio_bomb_is_under_the_ratio_limit() -> None:
    data = _under_the_ratio()
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared / len(data) < Limits().max_unzip_ratio
    assert declared > Limits().max_unzipped_bytes


# --- honest workbooks still read ------------------------------------------------------------


def test_a_workbook_behind_junk_bytes_reads_as_itself() -> None:
    honest = sheets.report_xlsx()
    plain = read_file(honest, "a.xlsx")
    shifted = read_file(b"\x00junk" * 1000 + honest, "a.xlsx")
    assert [s.cells.equals(t.cells) for s, t in zip(plain, shifted, strict=True)] == [True]


def test_an_xls_with_too_many_cells_is_refused_before_conversion() -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("表1")
    sheet.write(0, 0, "单位")
    sheet.write(300, 200, 1.0)  # 301 × 201 cells as read
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError, match="单元格"):
        read_file(buffer.getvalue(), "old.xls", Limits(max_cells=60_000))
    assert read_file(buffer.getvalue(), "old.xls")[0].cells.shape == (301, 201)


# --- the locator agrees with calamine -------------------------------------------------------

_EVENT = st.one_of(
    st.tuples(st.just("row"), st.none() | st.integers(1, 60)),
    st.tuples(st.just("end"), st.none()),
    st.tuples(st.just("empty_row"), st.none() | st.integers(1, 60)),
    st.tuples(st.just("cell"), st.none() | st.tuples(st.integers(0, 40), st.integers(1, 60))),
)


def _sheet(events: list[tuple[str, object]], prefix: bytes, shape: str) -> bytes:
    """Sheet XML from events; every cell has a value (calamine keeps only those)."""
    p = prefix
    parts, open_row = [], False
    for kind, arg in events:
        if kind in ("row", "empty_row"):
            if open_row:
                parts.append(b"</" + p + b"row>")
            r = b"" if arg is None else b' r="%d"' % arg
            if kind == "row":
                parts.append(b"<" + p + b"row" + r + b">")
            else:
                parts.append(b"<" + p + b"row" + r + b"/>")
            open_row = kind == "row"
        elif kind == "end":
            if open_row:
                parts.append(b"</" + p + b"row>")
                open_row = False
        else:
            if not open_row:
                parts.append(b"<" + p + b"row>")
                open_row = True
            address = b""
            if arg is not None:
                column, row = arg  # type: ignore[misc]
                letters = workbook_guard._letters(column).encode()
                address = (b' s="0" r="%s%d"' if shape == "late" else b' r="%s%d"') % (
                    letters,
                    row,
                )
            parts.append(b"<" + p + b"c" + address + b"><" + p + b"v>1</" + p + b"v></" + p + b"c>")
    if open_row:
        parts.append(b"</" + p + b"row>")
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    namespace = b' xmlns:x="' + main + b'"' if p else b' xmlns="' + main + b'"'
    return (
        b'<?xml version="1.0"?><' + p + b"worksheet" + namespace + b"><" + p + b"sheetData>"
        + b"".join(parts)
        + b"</" + p + b"sheetData></" + p + b"worksheet>"
    )  # fmt: skip


def _calamine_span(xml: bytes) -> workbook_guard.Span:
    book = CalamineWorkbook.from_filelike(io.BytesIO(workbook(xml)))
    sheet = book.get_sheet_by_name("S")
    if sheet.start is None or sheet.end is None or not sheet.height:
        return workbook_guard.Span()
    (top, left), (bottom, right) = sheet.start, sheet.end
    return workbook_guard.Span.between(top, left, bottom, right)


@given(
    events=st.lists(_EVENT, max_size=30),
    prefix=st.sampled_from([b"", b"x:"]),
    shape=st.sampled_from(["plain", "late"]),
)
def test_cells_are_located_where_calamine_puts_them(events, prefix, shape) -> None:
    xml = _sheet(events, prefix, shape)
    assert workbook_guard.measure(xml).span == _calamine_span(xml)


@given(cells=st.lists(st.tuples(st.integers(0, 16_383), st.integers(1, 1_048_576)), max_size=40))
def test_addressed_cells_read_in_bulk_as_one_by_one(cells) -> None:
    xml = _sheet([("cell", c) for c in cells], b"", "plain")
    bulk = workbook_guard.measure(xml)
    careful = workbook_guard._exact_span(xml, "x")
    assert bulk.span == careful
    if cells:
        assert bulk.span.last_row == max(r for _, r in cells) - 1
        assert bulk.span.last_column == max(c for c, _ in cells)


def _counts(tally: workbook_guard._Tally) -> tuple[object, ...]:
    """What the guard takes from its counting (the span only when every cell had its
    address: else the cells are located one by one)."""
    span = tally.span() if tally.addressed else None
    return tally.cells, tally.rows, tally.strings, tally.merges, tally.addressed, span


@given(
    events=st.lists(_EVENT, max_size=30),
    prefix=st.sampled_from([b"", b"x:"]),
    piece=st.integers(1, 80),
    reads=st.lists(st.integers(1, 200), min_size=1, max_size=20),
    extra=st.sampled_from([b"", b"<si><t>a</t></si><mergeCell ref='A1:B2'/>"]),
    alongside=st.booleans(),
)
def test_counting_alongside_the_unpacking_counts_what_counting_after_it_does(
    events, prefix, piece, reads, extra, alongside
) -> None:
    """The guard counts a large member piece by piece on another thread while the rest is
    unpacked: with tiny pieces and reads of any size, every element is counted as when the
    member is counted whole, wherever the pieces and reads cut it."""
    xml = _sheet(events, prefix, "plain") + extra
    whole = workbook_guard._Counting(memoryview(xml + workbook_guard._PAD), alongside=False)
    expected = _counts(whole.finished(len(xml)))
    body = memoryview(bytearray(len(xml) + len(workbook_guard._PAD)))
    size, steps = 0, iter(reads * (len(xml) // sum(reads) + 1))
    kept, workbook_guard._PIECE = workbook_guard._PIECE, piece  # type: ignore[misc]
    try:
        with workbook_guard._Counting(body, alongside=alongside) as counting:
            while size < len(xml):
                step = min(next(steps), len(xml) - size)
                body[size : size + step] = xml[size : size + step]
                size += step
                counting.unpacked(size)
            assert _counts(counting.finished(size)) == expected
    finally:
        workbook_guard._PIECE = kept  # type: ignore[misc]


_WELL_WRITTEN = st.builds(
    lambda column, row: f"{workbook_guard._letters(column)}{row}",
    st.integers(0, 16_383),
    st.integers(1, 1_048_576),
)

# An address as anyone might write it, including what the bulk reading must hand on to
# the careful one: lower case, dollar signs, spaces, four letters, eight digits, leading
# zeros, row 0, beyond Excel's sheet, no letters or no digits, a stray byte after.
_WRITTEN = st.builds(
    lambda before, letters, middle, zeros, row, after: (
        f"{before}{letters}{middle}{'0' * zeros}{row}{after}"
    ),
    st.sampled_from(["", "", "", "$", " "]),
    st.one_of(
        st.integers(0, 16_383).map(workbook_guard._letters),
        st.from_regex(r"\A[A-Za-z]{0,4}\Z"),
    ),
    st.sampled_from(["", "", "", "$", " "]),
    st.sampled_from([0, 0, 1, 2, 3]),
    st.one_of(
        st.just(""),
        st.integers(0, 1_048_577).map(str),
        st.integers(1_000_000, 1_048_576).map(str),
        st.integers(10**7, 10**9).map(str),
    ),
    st.sampled_from(["", " ", "$", "x", "'"]),
)


@settings(max_examples=400)  # a millisecond each; the odd address is one of many shapes
@given(
    well=st.lists(_WELL_WRITTEN, max_size=8),
    odd=_WRITTEN,
    at=st.integers(0, 8),
    padding=st.sampled_from([b"", b" " * 5]),
)
def test_any_written_address_is_read_in_bulk_or_handed_on_as_one_by_one(
    well: list[str], odd: str, at: int, padding: bytes
) -> None:
    """Well-written addresses around one written any way: the bulk reading either reads
    them as the careful one does, or hands them on to it (and the file is refused alike)."""
    addresses = [*well[:at], odd, *well[at:]]
    xml = b"<row>" + b"".join(
        b'<c r="' + a.encode() + b'"><v>1</v></c>' for a in addresses
    ) + b"</row>" + padding  # fmt: skip
    try:
        careful: object = workbook_guard._exact_span(xml, "x")
    except ValidationError:
        careful = ValidationError
    try:
        bulk: object = workbook_guard.measure(xml, file_name="x").span
    except ValidationError:
        bulk = ValidationError
    assert bulk == careful


# --- only a signed-in analyst's upload is analysed -----------------------------------------


def _analyse_as_viewer() -> None:
    import streamlit as st

    from bxgc_metrics.errors import PermissionDeniedError
    from bxgc_ui.views import upload

    try:
        upload.plan_for(
            b"x",
            "a.csv",
            None,
            profile=None,
            mapping={"units": {}, "indicators": {}},
            create=False,
            measures={},
        )
    except PermissionDeniedError as exc:
        st.write(f"refused: {exc.en}")


def test_the_analysis_refuses_a_reader_who_may_not_import(demo_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    at = AppTest.from_function(_analyse_as_viewer, default_timeout=60)
    at.run()
    assert not at.exception
    assert any(m.value.startswith("refused") for m in at.markdown), [m.value for m in at.markdown]


def test_the_upload_page_shows_an_anonymous_reader_its_purpose_and_a_sign_in(
    demo_db: Path, monkeypatch
) -> None:
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception and not at.get("file_uploader")
    assert any("登录" in i.value for i in at.info)
    texts = " ".join(m.value for m in at.markdown)
    assert "上传" in texts  # what the page is for


def test_the_cli_analyses_as_the_operator(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    plan = analyse(sheets.report_xlsx(), "r.xlsx", store)
    assert plan.sheets  # the command line has no session: whoever runs it owns the file
