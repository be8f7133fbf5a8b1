"""Tables to xlsx and csv files that are safe to open in Excel.

A text cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would
be run as a formula by a spreadsheet program; such cells get a leading apostrophe, the
OWASP advice against CSV injection. Numbers are left as numbers.
"""

from __future__ import annotations

import io

import pandas as pd

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a formula.

    >>> neutralise(pd.DataFrame({"a": ["=1+1", "东城", "-x", "@A1"], "b": [1, -2, 3, 4]})).values.tolist()
    [["'=1+1", 1], ['东城', -2], ["'-x", 3], ["'@A1", 4]]
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column].astype(object)
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(_DANGEROUS))
            out[column] = values.where(~risky, "'" + values.astype(str))
    out.columns = [("'" + str(c)) if str(c).startswith(_DANGEROUS) else c for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel shows Chinese correctly."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An xlsx workbook with one sheet per table; text is written as text, never formulas."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        used: set[str] = set()
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel-legal, unique sheet name: no ``[]:*?/\\``, no control characters, ≤ 31."""
    clean = "".join("_" if c in "[]:*?/\\'" or ord(c) < 32 else c for c in str(name))
    clean = clean.strip() or "Sheet"
    candidate, n = clean[:31], 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{clean[: 31 - len(str(n)) - 1]}~{n}"
    used.add(candidate.lower())
    return candidate
