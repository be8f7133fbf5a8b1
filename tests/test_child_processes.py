"""Processes the project starts run only what they were started for.

Streamlit's script runner installs the app as the interpreter's ``__main__`` for every
run and leaves it there (a server, or a test that runs the app in-process). A process
started by ``multiprocessing`` with the spawn or forkserver method imports the parent's
``__main__`` first, so it would run the whole app again: open the database ``BXGC_DB``
names, or ``data/bxgc.duckdb`` by default, and build its pages. ``python -m
bench.concurrency`` (and its test) start their importers and readers that way.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from bench import concurrency
from tests.conftest import ROOT


def _main_file() -> str:
    """The file this process ran as its ``__main__`` (empty if none)."""
    main = sys.modules.get("__mp_main__") or sys.modules["__main__"]
    return str(getattr(main, "__file__", "") or "")


def _report(results: object) -> None:  # the child's target
    results.put(_main_file())  # type: ignore[attr-defined]


def test_a_process_started_beside_a_script_run_does_not_run_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BXGC_DB", str(tmp_path / "bxgc.duckdb"))  # if it ran, not ours
    app = types.ModuleType("__main__")
    app.__file__ = str(ROOT / "app.py")  # as Streamlit's script runner leaves it
    monkeypatch.setitem(sys.modules, "__main__", app)
    ctx = concurrency._context()
    results = ctx.Queue()
    child = ctx.Process(target=_report, args=(results,))
    concurrency.start([child])
    child.join(60)
    assert child.exitcode == 0
    assert results.get(timeout=5) != str(ROOT / "app.py")
    assert sys.modules["__main__"] is app  # put back as it was
    assert not (tmp_path / "bxgc.duckdb").exists()
