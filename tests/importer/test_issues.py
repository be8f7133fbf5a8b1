"""The issue catalogue: every entry formats in both languages, and no importer module
writes a Chinese or English message of its own any more."""

from __future__ import annotations

import ast
import datetime as dt
import re
import string
from pathlib import Path

import pytest

from bxgc_metrics.importer import issues
from bxgc_metrics.importer.issues import ERROR, INFO, WARNING, Kind, Message, Text

IMPORTER = Path(issues.__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

_QUOTED_ZH = ("备注", "2024年1-6月", "单位", "街道", "乡镇")
"""Chinese words the English messages quote as the analyst writes them."""

_SAMPLE = {
    "today": dt.date(2024, 6, 30),
    "over": Text("超过 ", "over "),
    "reason": Text("原因", "the reason"),
}


def _fields(entry: Kind | Message) -> dict[str, object]:
    """A value for every field of both templates (a number where a format spec asks)."""
    out: dict[str, object] = {}
    for template in (entry.zh, entry.en):
        for _text, name, spec, _conv in string.Formatter().parse(template):
            if name is None:
                continue
            out[name] = _SAMPLE.get(name, 1234.5 if spec else f"<{name}>")
    return out


def _messages() -> dict[str, Message]:
    return {
        name: value
        for part in (issues.files, issues.sheets, issues.figures, issues.names)
        for name, value in vars(part).items()
        if isinstance(value, Message)
    }


@pytest.mark.parametrize("name", sorted(issues.CATALOGUE))
def test_every_entry_formats_in_both_languages(name: str) -> None:
    entry = issues.CATALOGUE[name]
    found = entry.at("表1", 5, "C", value="x", **_fields(entry))
    assert found.code == entry.code and found.severity in (ERROR, WARNING, INFO)
    assert found.zh and found.en and "{" not in found.zh + found.en
    english = entry.en
    for word in _QUOTED_ZH:
        english = english.replace(word, "")
    assert not CJK.search(english), name
    assert (found.sheet, found.row, found.column, found.value) == ("表1", 5, "C", "x")


@pytest.mark.parametrize("name", sorted(_messages()))
def test_every_message_formats_in_both_languages(name: str) -> None:
    message = _messages()[name]
    error = message.error(**_fields(message))
    assert error.zh and error.en and "{" not in error.zh + error.en


def test_an_entry_fills_its_fields_language_by_language() -> None:
    found = issues.MISSING_COLUMNS.at(
        "表1", 2, names=issues.LIST.join([issues.FIELD_NAMES["unit"], issues.FIELD_NAMES["value"]])
    )
    assert found.zh == "缺少必需的列：单位、数值。"
    assert found.en == "Required columns missing: unit, value."
    assert found.text("en") == "sheet '表1', row 2: Required columns missing: unit, value."


def test_a_refusal_becomes_the_issue_of_its_file() -> None:
    refused = issues.FILE_EMPTY.refused(file="a.csv")
    assert (refused.code, refused.zh, refused.en) == (
        "unreadable",
        "文件 a.csv 是空的。",
        "File a.csv is empty.",
    )
    assert refused.issue("a.csv").sheet == "a.csv" and refused.issue("a.csv").severity == ERROR


def test_each_code_has_one_severity() -> None:
    severities: dict[str, set[str]] = {}
    for entry in issues.CATALOGUE.values():
        severities.setdefault(entry.code, set()).add(entry.severity)
    # a sheet skipped is a warning when it had errors and a note when it was only empty
    mixed = {code for code, found in severities.items() if len(found) > 1}
    assert mixed == {"sheet_skipped"}


_LAYOUT_ONLY = {"report.py"}
"""The command line's plain-text plan: it lays both languages side by side and quotes
the issues' own texts; it writes no message of its own."""


def _modules() -> list[Path]:
    return sorted(
        p
        for p in IMPORTER.rglob("*.py")
        if "issues" not in p.relative_to(IMPORTER).parts
        and str(p.relative_to(IMPORTER)) not in _LAYOUT_ONLY
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(IMPORTER)))
def test_no_importer_module_writes_messages_by_hand(path: Path) -> None:
    """Messages come from the catalogue: no f-string with Chinese text, no ``Issue``, no
    ``ValidationError`` or ``ReadError`` built from texts outside it."""
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            assert not CJK.search(texts), f"line {node.lineno}: {texts!r}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"Issue", "ValidationError", "ReadError", "issue"}, (
                f"line {node.lineno}: {node.func.id}(...)"
            )
