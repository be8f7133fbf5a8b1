"""The catch-up page says one thing everywhere: the headline, the chart and its export read
the same answer of :func:`bxgc_metrics.tables.trajectory.trajectory`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.metrics.projection import MODELS
from bxgc_ui import chart_export
from bxgc_ui.auth import SESSION_KEY
from bxgc_ui.chart_export import Caption
from bxgc_ui.palette import GOOD
from tests.conftest import ADMIN, ROOT

CROSSING = {"zh": "预计赶超年份", "en": "Year of overtaking"}
OVERTAKES = {"zh": "赶超", "en": "overtakes"}


def _open(
    db: Path, monkeypatch: pytest.MonkeyPatch, lang: str, *, unit: str, indicator: str
) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[SESSION_KEY] = ADMIN
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/catchup.py").run()
    at.selectbox(key=f"cu_chaser@{lang}").set_value(unit).run()
    at.selectbox(key=f"cu_ind_{unit}@{lang}").set_value(indicator).run()
    assert not at.exception, at.exception
    return at


def _headline(at: AppTest, label: str) -> str:
    value = next(m.value for m in at.metric if m.label == label)
    return re.sub(r"\\(.)", r"\1", value)


def _figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _crossing_marks(spec: dict) -> tuple[list, list[str]]:
    """The green year line and every text at the top of the chart."""
    lines = [s["x0"] for s in spec["layout"].get("shapes", []) if s["line"].get("color") == GOOD]
    texts = [a.get("text", "") for a in spec["layout"].get("annotations", [])]
    return lines, texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_unit_already_ahead_is_drawn_with_no_year_of_overtaking(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """弥河镇 (XZ02) is 14.79亿元 ahead of 黄楼镇 (XZ01) on 固定资产投资 in 2025: under
    every model the headline says so, and the chart marks no year in which it overtakes."""
    at = _open(demo_db, monkeypatch, lang, unit="XZ02", indicator="FAI")
    assert at.multiselect[0].value == ["XZ01"]
    for model in MODELS:
        at.button_group(key="cu_model").set_value(model).run()
        assert not at.exception, at.exception
        assert _headline(at, CROSSING[lang]) == ("已领先" if lang == "zh" else "Ahead now")
        lines, texts = _crossing_marks(_figure(at))
        assert not lines, (model, lines)
        assert not any(OVERTAKES[lang] in t for t in texts), (model, texts)


@pytest.mark.browser
@pytest.mark.skipif(not chart_export.available(), reason="no browser to render with")
def test_the_exported_chart_of_a_unit_ahead_names_no_year_of_overtaking(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SVG made of the drawn chart (the downloads export that very figure)."""
    at = _open(demo_db, monkeypatch, "zh", unit="XZ02", indicator="FAI")
    figure = go.Figure(_figure(at))
    svg = chart_export.image(
        figure, Caption(title="", period="2025", data_date="", unit="弥河镇"), fmt="svg"
    )
    assert "年赶超" not in svg.decode()  # no 预计2025年赶超 (the footer names 比学赶超)
    assert "目标年份" in svg.decode()  # the target year is still marked


def test_the_chart_marks_a_year_of_overtaking_only_for_a_unit_that_catches_up() -> None:
    """Every status the metrics give: a year is marked for ``catches_up`` alone, so the
    chart never says "overtakes in" what the headline calls already level or ahead."""
    import pandas as pd

    from bxgc_metrics.metrics import catchup as metrics
    from bxgc_ui.views import catchup

    statuses = [getattr(metrics, s) for s in dir(metrics) if s.startswith("STATUS_")]
    for status in statuses:
        answer = pd.Series({"status": status, "crossing_period": 2025.0})
        marked = catchup.crossing_mark(answer)
        assert marked == (2025.0 if status == metrics.STATUS_CATCHES_UP else None), status
        labels = catchup.chart_labels("固定资产投资", marked)
        assert bool(labels["cross"]) == (status == metrics.STATUS_CATCHES_UP), status


TIES = [  # (unit, benchmark, indicator): equal in 2025 in the demo
    ("JD02", "JD07", "ENERGY"),  # 0.39 吨标准煤/万元 each, lower is better
    ("JD07", "JD02", "ENERGY"),
    ("JD08", "XZ05", "IVA_G"),  # 10.2 % each, higher is better
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("unit", "benchmark", "indicator"), TIES)
def test_a_unit_level_with_its_benchmark_reads_level_not_ahead(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str, unit, benchmark, indicator
) -> None:
    """Two units with the same figure in the base year are level, each against the other,
    whichever way the indicator is better; neither is ahead."""
    at = _open(demo_db, monkeypatch, lang, unit=unit, indicator=indicator)
    at.multiselect(key=f"cu_bench_{unit}@{lang}").set_value([benchmark]).run()
    at.button_group(key="cu_model").set_value("plan").run()
    assert not at.exception, at.exception
    assert _headline(at, CROSSING[lang]) == ("已持平" if lang == "zh" else "Level now")
    lines, _ = _crossing_marks(_figure(at))
    assert not lines
