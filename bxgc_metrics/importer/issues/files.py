"""Catalogue: files refused while reading them (size, type, encoding, damage, limits).

A refusal that names no code of its own is ``unreadable``, as it always was; each such
entry still has its own wording.
"""

from __future__ import annotations

from bxgc_metrics.importer.issues.core import ERROR, Kind, Phrase, Text


def _refusal(zh: str, en: str, code: str = "unreadable") -> Kind:
    return Kind(zh, en, code=code, severity=ERROR)


FILE_TOO_LARGE = _refusal(
    "文件 {file} 大小 {size:.1f} MB，超过上限 {limit:.0f} MB。",
    "File {file} is {size:.1f} MB, over the {limit:.0f} MB limit.",
    "file_too_large",
)
FILE_EMPTY = _refusal("文件 {file} 是空的。", "File {file} is empty.")
UNSUPPORTED_TYPE = _refusal(
    "不支持的文件类型 {suffix}：请上传 xlsx、xlsm、xls、csv 或 tsv 文件。",
    "Unsupported file type {suffix}: upload xlsx, xlsm, xls, csv or tsv.",
)
NO_SUFFIX = Text("（无扩展名）", "(none)")
"""The ``suffix`` of :data:`UNSUPPORTED_TYPE` for a file name without one."""
ENCRYPTED = _refusal(
    "文件 {file} 设有打开密码（或为加密文件），请在 Excel 中取消密码后另存再上传。",
    "File {file} is password-protected (encrypted); remove the password in Excel, "
    "save and upload again.",
)
PASSWORD = _refusal(
    "文件 {file} 设有密码，请取消密码后再上传。",
    "File {file} is password-protected; remove the password and upload again.",
)
NOT_EXCEL = _refusal(
    "无法读取文件 {file}：文件已损坏或不是有效的 Excel 文件（{why}）。",
    "Cannot read {file}: the file is damaged or not a valid Excel file ({why}).",
)
XLSB_OR_ODS = _refusal(
    "文件 {file} 是 xlsb 或 ods 格式，请在 Excel 或 WPS 中另存为 xlsx 后再上传。",
    "File {file} is an xlsb or ods workbook; save it as xlsx in Excel or WPS and upload again.",
)
TOO_MANY_SHEETS = _refusal(
    "文件 {file} 有 {count} 个工作表，超过上限 {limit}。",
    "File {file} has {count} sheets, over the limit of {limit}.",
)
SHEET_TOO_MANY_ROWS = _refusal(
    "工作表“{name}”有 {rows} 行，超过上限 {limit} 行。",
    "Sheet '{name}' has {rows} rows, over the limit of {limit}.",
)
SHEET_TOO_MANY_CELLS = _refusal(
    "工作表“{name}”跨 {rows:,} 行 × {columns:,} 列，超过 {limit:,} 个单元格的上限。",
    "Sheet '{name}' spans {rows:,} rows × {columns:,} columns, over the limit of {limit:,} cells.",
)
TOO_MANY_COLUMNS = _refusal(
    "工作表“{name}”有 {width:,} 列，超过上限 {limit:,} 列：报表没有这么多列，"
    "请删除多余的列（包括远处带格式或内容的空列）后再上传。",
    "Sheet '{name}' has {width:,} columns, over the limit of {limit:,}: delete the extra "
    "columns (including far-off columns holding formatting or a stray value) and upload again.",
    "too_many_columns",
)
FILE_TOO_MANY_ROWS = _refusal(
    "文件 {file} 有 {rows} 行，超过上限 {limit} 行。",
    "File {file} has {rows} rows, over the limit of {limit}.",
)
UNKNOWN_ENCODING = _refusal(
    "无法识别文件 {file} 的字符编码：请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV。",
    "Cannot tell the character encoding of {file}: save it from Excel as "
    "'CSV UTF-8' or as GBK CSV.",
)
BAD_ENCODING = _refusal(
    "文件 {file} 开头标明是 {label} 编码，但第{line}行的字节（{found}）不是 {label}："
    "文件可能被截断，或混入了其他编码（如 GBK）的内容。请在 Excel 中另存为“CSV UTF-8”后再上传。",
    "File {file} starts with a {label} byte-order mark, but the bytes in line {line} "
    "({found}) are not {label}: the file may be cut short or mix in another encoding "
    "(such as GBK). Save it from Excel as 'CSV UTF-8' and upload again.",
    "bad_encoding",
)
UNREADABLE_LINE = _refusal(
    "文件 {file} 第{line}行无法按 CSV 格式读取（{why}）：请在 Excel 中打开后另存为 CSV 再上传。",
    "Line {line} of {file} cannot be read as CSV ({why}): open the file in "
    "Excel, save it as CSV and upload again.",
    "unreadable_line",
)
CELL_TOO_LONG = _refusal(
    "文件 {file} 第{line}行{letter}列有一个超过 {limit:,} 个字符的单元格，"
    "这不是报表数据：请删除该单元格的内容后再上传。",
    "Line {line}{letter} of {file} holds a cell of more than {limit:,} characters, which is "
    "no report figure: delete its content and upload again.",
    "cell_too_long",
)
AT_COLUMN = Phrase("{column}", ", column {column}")
"""The ``column`` of :data:`CELL_TOO_LONG` where the column is known."""
UNCLOSED_QUOTE = _refusal(
    "文件 {file} 第{line}行{letter}列“{shown}”的引号没有闭合：其后 {swallowed} 行被读进了"
    "这一个单元格，这些行的数据会丢失。请在 Excel 中检查该单元格（例如备注里的双引号），改正后再上传。",
    "The quote opened in line {line}, column {letter} of {file} ('{shown}') is never "
    "closed: the {swallowed} lines after it were read into that one cell and their "
    "figures would be lost. Check the cell in Excel (a double quote in a note, say), "
    "correct it and upload again.",
    "unclosed_quote",
)
ZIP_BOMB = _refusal(
    "文件 {file} 解压后{over}{size:,.0f} MB，是文件大小的 {ratio:,.0f} 倍"
    "（上限 {limit:,.0f} MB、{most:,.0f} 倍），疑似压缩炸弹，已拒绝。",
    "File {file} unpacks to {over}{size:,.0f} MB, {ratio:,.0f} times its size "
    "(the limits are {limit:,.0f} MB and {most:,.0f}×); refused as a likely zip bomb.",
)
STOPPED_OVER = Text("超过 ", "over ")
"""The ``over`` of :data:`ZIP_BOMB` when unpacking was stopped at the limit."""
TOO_MANY_CELLS = _refusal(
    "文件 {file} 的工作表共跨 {cells:,} 个单元格（从左上角到右下角的整块区域，空白也算；"
    "最远的单元格是 {far}），超过上限 {limit:,}：请删除远处的空白或零星单元格，"
    "或把数据分成几个文件。",
    "The sheets of {file} span {cells:,} cells (the whole block from the top-left "
    "to the bottom-right cell, blanks included; the farthest cell is {far}), over the "
    "limit of {limit:,}: delete stray cells far from the table, or split the "
    "data into several files.",
)
TOO_MANY_ELEMENTS = _refusal(
    "文件 {file} 有 {cells:,} 个单元格、{strings:,} 个共享文本、{merges:,} 处合并单元格，"
    "超过上限（单元格和共享文本各 {most:,} 个，合并单元格 {merges_most:,} 处）：请把数据分成几个文件。",
    "File {file} holds {cells:,} cells, {strings:,} shared strings and {merges:,} "
    "merged ranges, over the limits ({most:,} cells, as many shared strings, "
    "{merges_most:,} merged ranges): split the data into several files.",
)
BAD_ADDRESS = _refusal(
    "文件 {file} 中有单元格地址“{shown}”无法识别或超出 Excel 的范围，文件已损坏。",
    "File {file} holds a cell address '{shown}' that is unreadable or beyond "
    "Excel's sheet; the file is damaged.",
)
