"""Every text a page shows exists in Chinese and English, and no key means two things.

Each module keeps its texts beside its code and reads them through its own
:class:`bxgc_ui.i18n.Texts`; these tests read every ``t("…")`` in ``bxgc_ui/``, ``pages/``
and ``app.py`` and look the key up in the translator that file uses.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

import bxgc_ui
from bxgc_ui.i18n import COMMON, Texts
from tests.conftest import ROOT

SOURCES = sorted(
    [*ROOT.glob("bxgc_ui/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"],
    key=lambda p: p.relative_to(ROOT).as_posix(),
)
MODULES = sorted(m.name for m in pkgutil.walk_packages(bxgc_ui.__path__, "bxgc_ui."))


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _translator(path: Path, tree: ast.Module) -> Texts | None:
    """The ``t`` a file calls: its own (``t = Texts(...)``) or one it imports."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "t" for target in node.targets
        ):
            return importlib.import_module(_module(path)).t
        imports_t = isinstance(node, ast.ImportFrom) and any(
            alias.name == "t" and alias.asname is None for alias in node.names
        )
        if imports_t and node.module:
            return importlib.import_module(node.module).t
    return None


def _used(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Keys passed to ``t`` as literals, and the literal prefixes of f-string keys."""
    keys, prefixes = set(), set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != "t" or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            keys.add(first.value)
        elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
            prefixes.add(str(first.values[0].value))
    return keys, prefixes


def _texts_tables() -> dict[str, dict[str, tuple[str, str]]]:
    """Every table of texts defined in the UI, by module."""
    tables = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attribute in ("TEXTS", "COMMON"):
            table = module.__dict__.get(attribute)
            if isinstance(table, dict):
                tables[f"{name}.{attribute}"] = table
    return tables


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_key_a_file_uses_exists_in_chinese_and_english(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    keys, prefixes = _used(tree)
    if not keys and not prefixes:
        return
    texts = _translator(path, tree)
    assert texts is not None, f"{path.name} calls t() without a translator of its own"
    missing = sorted(k for k in keys if k not in texts)
    assert not missing, f"{path.name}: no text for {missing}"
    for key in keys:
        zh, en = texts.table[key]
        assert zh.strip() and en.strip(), f"{path.name}: {key} is empty in one language"
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in texts.table), f"{path.name}: {prefix}…"


def test_no_two_modules_define_a_key_differently() -> None:
    seen: dict[str, tuple[str, tuple[str, str]]] = {}
    clashes = []
    for where, table in _texts_tables().items():
        for key, text in table.items():
            first = seen.setdefault(key, (where, text))
            if first[1] != text:
                clashes.append(f"{key}: {first[0]} and {where}")
    assert not clashes


def test_every_text_has_the_same_placeholders_in_both_languages() -> None:
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for where, table in _texts_tables().items():
        for key, (zh, en) in table.items():
            assert fields(zh) == fields(en), f"{where}: {key}"


def test_no_english_text_is_left_in_chinese() -> None:
    """A label such as "Amount (元)" or "May be graded 优秀" reads half untranslated; a
    name in the data (东城街道) is filled in, never part of a text."""
    han = re.compile(r"[\u3400-\u9fff]")
    left = [
        f"{where}: {key}: {en}"
        for where, table in _texts_tables().items()
        for key, (_zh, en) in table.items()
        if han.search(en)
    ]
    assert not left, "\n".join(left)


def test_every_unit_kind_reads_in_both_languages() -> None:
    from bxgc_metrics.store.reference import UNIT_KINDS
    from bxgc_ui.views.settings import t

    assert [t.table[f"ukind_{k}"][0] for k in UNIT_KINDS] == list(UNIT_KINDS)
    assert all(not re.search(r"[\u3400-\u9fff]", t.table[f"ukind_{k}"][1]) for k in UNIT_KINDS)


def test_translations_import_no_other_ui_module_and_register_nothing() -> None:
    source = (ROOT / "bxgc_ui" / "i18n.py").read_text(encoding="utf-8")
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not any(m.startswith("bxgc_ui") for m in imported)
    assert not hasattr(importlib.import_module("bxgc_ui.i18n"), "register")
    with pytest.raises(TypeError):
        Texts().table["new"] = ("新", "new")  # type: ignore[index]
    with pytest.raises(KeyError):
        Texts({"unit": ("单元", "Cell")})  # a key that means something else already
    assert Texts({"unit": COMMON["unit"]})("unit") == "单位"


def test_which_keys_exist_does_not_depend_on_import_order() -> None:
    """Each translator has the same keys whichever modules were imported first."""
    code = (
        "import importlib, json, sys\n"
        f"names = {list(reversed(MODULES))!r}\n"
        "out = {}\n"
        "for n in names:\n"
        "    t = getattr(importlib.import_module(n), 't', None)\n"
        "    if t is not None: out[n] = sorted(t.table)\n"
        "print(json.dumps(out))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    reversed_order = json.loads(run.stdout.splitlines()[-1])
    here = {}
    for name in MODULES:
        texts = getattr(importlib.import_module(name), "t", None)
        if texts is not None:
            here[name] = sorted(texts.table)
    assert reversed_order == here
