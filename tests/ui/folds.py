"""Opening what a page builds only on demand: expanders and tabs whose contents run only
while they are open (:func:`bxgc_ui.widgets.folded`, :func:`bxgc_ui.widgets.lazy_tabs`).

A reader opens them by clicking; a test sets the widget's state, as the click would, and
runs the page again. :func:`admin_page` opens a page as a signed-in admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bxgc_ui.auth import SESSION_KEY
from tests.conftest import ADMIN, ROOT

_PREFIX = "$$ID-"


def _nodes(node: object) -> Iterator[object]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _nodes(child)


def _key(node: object) -> str | None:
    """The user key in a block's element id (``$$ID-<hash>-<key>``)."""
    element_id = getattr(getattr(node, "proto", None), "id", "") or ""
    if not element_id.startswith(_PREFIX):
        return None
    parts = element_id[len(_PREFIX) :].split("-", 1)
    return parts[1] if len(parts) == 2 else None


def folds(at: AppTest) -> list[str]:
    """The keys of the keyed expanders on the page."""
    found = (_key(n) for n in _nodes(at._tree) if getattr(n, "type", None) == "expander")
    return [k for k in found if k]


def tabs(at: AppTest) -> dict[str, list[str]]:
    """Each keyed set of tabs on the page: its key and its tabs' labels."""
    found: dict[str, list[str]] = {}
    for node in _nodes(at._tree):
        key = _key(node) if getattr(node, "type", None) == "tab_container" else None
        if key:
            found[key] = [c.label for c in getattr(node, "children", {}).values()]
    return found


def open_fold(at: AppTest, key: str) -> AppTest:
    """Open the expander ``key``, as a click on it would, and run the page."""
    at.session_state[key] = True
    return at.run()


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Choose the tab ``label`` of the tabs ``key`` and run the page."""
    at.session_state[key] = label
    return at.run()


def every_view(make: Callable[[dict[str, object]], AppTest]) -> Iterator[tuple[str, AppTest]]:
    """The page in each of its tabs with every expander open, each from a fresh run of
    ``make(state)`` (an app whose session starts with ``state``), the page as it first
    opens first. A fresh run rather than a rerun: AppTest formats a widget's value
    outside the page's session on a rerun, in the default language."""
    at = make({})
    yield "as opened", at
    choices = [(key, label) for key, labels in tabs(at).items() for label in labels]
    for choice in choices or [None]:
        state: dict[str, object] = {} if choice is None else {choice[0]: choice[1]}
        at = make(state)
        if choice is not None:
            yield f"tab {choice[1]}", at
        while pending := [k for k in folds(at) if k not in state]:
            state |= dict.fromkeys(pending, True)
            at = make(state)
            yield f"{'' if choice is None else f'tab {choice[1]}, '}folds {sorted(state)}", at


def admin_page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, lang: str = "zh") -> AppTest:
    """``page`` run once on the database ``db`` for a signed-in admin reading ``lang``."""
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[SESSION_KEY] = ADMIN
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at
