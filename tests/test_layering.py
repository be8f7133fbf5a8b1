"""Dependencies point one way: the domain package never pulls in the UI."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import bxgc_metrics
from tests.conftest import ROOT

DOMAIN_MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(bxgc_metrics.__path__, "bxgc_metrics.")
    if not m.name.endswith("__main__")
)


def test_importing_the_whole_domain_package_loads_no_ui_library() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {DOMAIN_MODULES!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_the_metrics_api_does_not_load_the_database_driver() -> None:
    code = "import sys, bxgc_metrics; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_store_package_imports_duckdb() -> None:
    # bench/ and the tests open DuckDB files directly, to measure and to check the store.
    sources = [
        *ROOT.glob("bxgc_metrics/**/*.py"),
        *ROOT.glob("bxgc_ui/**/*.py"),
        *ROOT.glob("pages/*.py"),
        ROOT / "app.py",
        ROOT / "asgi.py",
    ]
    users = sorted(p.relative_to(ROOT).as_posix() for p in sources if "duckdb" in _imports(p))
    assert users and all(u.startswith("bxgc_metrics/store/") for u in users)


def test_pages_do_not_import_the_driver_or_build_sql() -> None:
    for page in ROOT.glob("pages/*.py"):
        text = page.read_text(encoding="utf-8")
        assert "duckdb" not in text and "SELECT " not in text.upper().replace("SELECTBOX", "")


def test_the_import_contracts_hold() -> None:
    """``lint-imports`` over the contracts in pyproject.toml, as ``make check`` runs it."""
    linter = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "BROKEN" not in out.stdout and out.stdout.count("KEPT") >= 6


def _page_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_pages_reach_the_store_and_the_importer_only_through_the_ui_layer() -> None:
    """Pages read data through the cached loaders and write through the importer's service."""
    for page in [*ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        for module in _page_imports(page):
            assert not module.startswith("bxgc_metrics.store"), (page.name, module)
            if module.startswith("bxgc_metrics.importer"):
                assert module == "bxgc_metrics.importer.service", (page.name, module)


def test_only_the_postgresql_store_imports_psycopg() -> None:
    sources = [
        *ROOT.glob("bxgc_metrics/**/*.py"),
        *ROOT.glob("bxgc_ui/**/*.py"),
        *ROOT.glob("bxgc_docs/**/*.py"),
        *ROOT.glob("pages/*.py"),
        ROOT / "app.py",
        ROOT / "asgi.py",
    ]
    users = sorted(p.relative_to(ROOT).as_posix() for p in sources if "psycopg" in _imports(p))
    assert users == [
        "bxgc_metrics/store/moving.py",
        "bxgc_metrics/store/postgres.py",
        "bxgc_metrics/store/replica.py",
    ]


def test_the_embedded_file_mode_never_loads_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from bxgc_metrics.store import Store\n"
        f"s = Store({str(tmp_path / 'x.duckdb')!r}, dsn='')\n"
        "s.units(); s.data_version()\n"
        "print('psycopg' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
