"""Serve the dashboard: ``python -m bxgc_ui.serve [streamlit options]``.

The design keeps page files in ``pages/`` next to ``app.py`` and lists them explicitly with
``st.navigation``. Streamlit still treats a ``pages/`` folder as its old automatic
multipage mode until some session has run ``app.py`` once, so the first reader after a
restart, or anyone opening a page URL first, would get the folder's pages without
``app.py`` (no language switch, a lost first click). Telling Streamlit up front that the
app declares its own navigation — what ``st.navigation`` itself sets on its first call —
makes every session, the first included, behave the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str]) -> int:
    """Run ``streamlit run app.py`` with ``argv`` as extra options."""
    PagesManager.uses_pages_directory = False
    return cli.main(["run", str(APP), *argv], standalone_mode=False) or 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
