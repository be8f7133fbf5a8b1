"""Views as links: the overview's indicator travels in the address and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _overview(db: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for param, value in params.items():
        at.query_params[param] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _indicator(at: AppTest) -> str:
    return next(s for s in at.selectbox if s.key.startswith("overview_indicator")).value


def test_the_address_opens_the_indicator_it_names(demo_db: Path, monkeypatch) -> None:
    at = _overview(demo_db, monkeypatch, indicator="RETAIL")
    assert _indicator(at) == "RETAIL" and at.query_params["indicator"] == "RETAIL"
    assert not [c for c in at.caption if "无法识别" in c.value]


def test_a_choice_is_written_back_to_the_address(demo_db: Path, monkeypatch) -> None:
    at = _overview(demo_db, monkeypatch)
    first = _indicator(at)
    assert at.query_params["indicator"] == first
    box = next(s for s in at.selectbox if s.key.startswith("overview_indicator"))
    other = next(o for o in ("FAI", "GBR") if o != first)
    box.set_value(other).run()
    assert _indicator(at) == other and at.query_params["indicator"] == other


@pytest.mark.parametrize("bad", ["NOPE", "*GBR*", ""])
def test_a_value_that_names_nothing_falls_back_with_a_notice(
    bad: str, demo_db: Path, monkeypatch
) -> None:
    plain = _indicator(_overview(demo_db, monkeypatch))
    at = _overview(demo_db, monkeypatch, indicator=bad)
    assert _indicator(at) == plain and at.query_params["indicator"] == plain
    notes = [c.value for c in at.caption if "无法识别" in c.value]
    assert len(notes) == 1 and f"indicator={bad}".replace("*", "\\*") in notes[0]
    at.run()  # said once, not on every rerun
    assert not [c for c in at.caption if "无法识别" in c.value]
