"""Serve the dashboard: ``python -m bxgc_ui.serve [streamlit options]``.

It runs ``streamlit run asgi.py``: ``app.py`` served as a Streamlit ``st.App`` together
with the sign-in routes of :mod:`bxgc_ui.web` (a bare ``streamlit run app.py`` has no
way to sign in that survives a refresh).

The design keeps page files in ``pages/`` next to ``app.py`` and lists them explicitly with
``st.navigation``. Streamlit still treats a ``pages/`` folder as its old automatic
multipage mode until some session has run ``app.py`` once, so the first reader after a
restart, or anyone opening a page URL first, would get the folder's pages without
``app.py`` (no language switch, a lost first click). Telling Streamlit up front that the
app declares its own navigation — what ``st.navigation`` itself sets on its first call —
makes every session, the first included, behave the same.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import bootstrap, cli

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
SERVER = ROOT / "asgi.py"
"""What ``streamlit run`` is given: the ``st.App`` that serves :data:`APP` and the routes."""


def first_start() -> None:
    """Create the ``admin`` account if there is none; print a one-time password once.

    The password is ``BXGC_ADMIN_PASSWORD`` when set (nothing is printed), else a random
    one shown here, on the console that started the dashboard, and never again. A
    database that cannot be read is reported here with the restore command and the
    backups, and the dashboard starts all the same: its pages say the same to readers.
    """
    from bxgc_metrics.access import unknown_user_hash
    from bxgc_metrics.cli import backup_listing, bootstrap
    from bxgc_metrics.errors import CorruptDatabaseError, StoreError
    from bxgc_metrics.store import Store

    unknown_user_hash()  # made now, so the first unknown name signs in as slowly as any
    store = Store()
    try:
        once = bootstrap(store)
    except StoreError as exc:
        print(f"\n错误：{exc.zh}\nError: {exc.en}", file=sys.stderr)
        if isinstance(exc, CorruptDatabaseError):
            print(backup_listing(store.path), file=sys.stderr)
        return
    if once:
        print(f"\n首次启动：管理员账户 admin 的一次性密码 / first start, admin password: {once}\n")


def page_modules(root: Path = ROOT) -> list[str]:
    """Every module ``app.py`` and the page files import by absolute name, sorted."""
    found: set[str] = set()
    for script in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
                found.update(  # ``from bxgc_ui import data`` imports the module bxgc_ui.data
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_module(f"{node.module}.{alias.name}")
                )
    return sorted(found)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a name inside a module, not a submodule
        return False


def preload() -> None:
    """Import what the pages import and draw one chart of each kind, while the server
    starts: the first reader after a start would otherwise wait for pandas, plotly and
    the project's modules (several seconds on a small machine)."""
    # Decorating a cached function before the runtime exists logs "No runtime found" once
    # per function; the cache itself is made on its first call, inside the runtime.
    with _quiet("streamlit.runtime.caching.cache_data_api"):
        for name in page_modules():
            importlib.import_module(name)
    from bxgc_ui import charts

    charts.warm()


WARM_PAGES = ("pages/overview.py", "pages/meeting.py")
"""The pages run once before the server answers: the home page, where a reader lands after
a restart, and the meeting screen, which the meeting room opens first."""


def warm_pages(pages: tuple[str, ...] = WARM_PAGES) -> list[str]:
    """Run ``pages`` once in this process, as an anonymous reader in Chinese, so that the
    data, figures and tables they read are in the process's caches before the first
    reader comes (about 4 s of the first visit on the demo data). Returns what went
    wrong, if anything: a page that fails here fails for its reader, who is told why."""
    if os.environ.get("BXGC_WARM", "1") == "0":
        return []
    # Streamlit's test runner, on this main thread, warns that the thread has no script
    # context and that session state needs ``streamlit run``: true, and of no matter here
    with _quiet(*_BARE_MODE_LOGGERS):
        return _warm(pages)


_BARE_MODE_LOGGERS = (
    "streamlit.runtime.scriptrunner_utils.script_run_context",
    "streamlit.runtime.state.session_state_proxy",
)


def _warm(pages: tuple[str, ...]) -> list[str]:
    from streamlit.testing.v1 import AppTest

    problems = []
    try:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()  # the home page
    except Exception as exc:  # warming is a courtesy: never stop the server starting
        return [f"{APP.name}: {type(exc).__name__}: {exc}"]
    for page in pages:
        try:
            at.switch_page(page).run()  # the home page again is answered from its caches
            problems += [f"{page}: {e.value}" for e in [*at.exception, *at.error]]
        except Exception as exc:
            problems.append(f"{page}: {type(exc).__name__}: {exc}")
    return problems


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """The loggers ``names`` pass on only errors inside the block (a filter, which
    Streamlit's loading of its configuration leaves in place, where it resets levels)."""
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addFilter(_errors_only)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(_errors_only)


def load_config(argv: list[str]) -> None:
    """Read Streamlit's configuration as ``streamlit run`` will, with the flags in ``argv``.

    Warming the pages reads the configuration first; read without the flags, a port or
    address given on the command line would look like a change to the [server] section
    when ``streamlit run`` reads it again, and Streamlit would ask for a restart.
    """
    context = cli.main_run.make_context("run", [str(SERVER), *argv], resilient_parsing=True)
    flags = {k: v for k, v in context.params.items() if k not in ("target", "args")}
    bootstrap.load_config_options(flag_options=flags)


def main(argv: list[str]) -> int:
    """Create the first admin if needed, then run ``streamlit run asgi.py`` with ``argv``."""
    from bxgc_ui.web import session_hours

    try:
        session_hours()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    first_start()
    load_config(argv)
    preload()
    for problem in warm_pages():
        print(f"预热页面未完成 / could not warm a page: {problem}", file=sys.stderr)
    PagesManager.uses_pages_directory = False
    return cli.main(["run", str(SERVER), *argv], standalone_mode=False) or 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
