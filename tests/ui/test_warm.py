"""The catch-up page's slow libraries load in the background once per server."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import sys
from bxgc_ui import warm
assert not any(m in sys.modules for m in ("crepes", "sklearn"))
first = warm.slow_imports()
assert warm.slow_imports() is first  # once per process
first.join(120)
assert all(m in sys.modules for m in warm.SLOW_MODULES), sorted(sys.modules)
print("ok")
"""


def test_slow_libraries_load_once_in_a_background_thread() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
