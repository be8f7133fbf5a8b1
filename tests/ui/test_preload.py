"""The server imports what the pages import before the first reader comes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bxgc_ui.serve import page_modules
from tests.conftest import ROOT


def test_the_modules_named_are_what_the_pages_import(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("import streamlit as st\n", encoding="utf-8")
    (tmp_path / "pages" / "a.py").write_text(
        "from functools import partial\nfrom bxgc_ui import data\nfrom . import x\n"
        "def f():\n    import json\n",
        encoding="utf-8",
    )
    assert page_modules(tmp_path) == ["bxgc_ui", "bxgc_ui.data", "functools", "json", "streamlit"]
    every = page_modules()
    assert {"bxgc_ui.data", "bxgc_ui.views.rankings", "streamlit"} <= set(every)


def test_preload_leaves_every_page_module_and_plotly_loaded() -> None:
    script = (
        "import sys; from bxgc_ui.serve import page_modules, preload; preload(); "
        "missing = [m for m in [*page_modules(), 'plotly.graph_objects'] "
        "if m not in sys.modules]; print(missing)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
