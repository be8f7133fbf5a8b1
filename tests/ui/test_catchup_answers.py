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


def _year_ends(db: Path, indicator: str, values: dict[str, list[float]]) -> None:
    """Replace the last four year-end figures (2022–2025) of each unit in ``values``."""
    import pandas as pd

    from bxgc_metrics.store import Store
    from tests.conftest import admin_store

    stored = Store(db).observations_in(
        indicators=[indicator], units=list(values), value_kinds=["actual"], freqs=["M"],
        years=(2022, 2025), periods=[(y, 12) for y in range(2022, 2026)],
    )  # fmt: skip
    new = [
        stored[(stored["unit_code"] == unit) & (stored["year"] == year)].assign(value=value)
        for unit, figures in values.items()
        for year, value in zip(range(2022, 2026), figures, strict=True)
    ]
    admin_store(db).write_observations(pd.concat(new), file_name="steep.csv")


STEEP = [  # (indicator, JD03's and JD01's year ends 2022–2025, the sliders' starts)
    # 10,000 × 2.466^k: +146.6 % a year, past the top; 400,000 halving: −50 %, past the foot
    ("GBR", [1e4 * 2.466**k for k in range(4)], [4e5 * 0.5**k for k in range(4)], [100.0, -30.0]),
    # a growth rate rising 12 points a year and one falling 12: past ±10 points a year
    ("IVA_G", [1.0, 13.0, 25.0, 37.0], [40.0, 28.0, 16.0, 4.0], [10.0, -10.0]),
]


@pytest.mark.parametrize(("indicator", "ours", "theirs", "starts"), STEEP)
def test_a_pace_beyond_the_sliders_starts_them_at_their_end(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, indicator, ours, theirs, starts
) -> None:
    """A unit whose last three years ran faster (or fell faster) than the what-if sliders
    reach starts its slider at the nearest end, rather than stopping the page."""
    _year_ends(demo_db, indicator, {"JD03": ours, "JD01": theirs})
    at = _open(demo_db, monkeypatch, "zh", unit="JD03", indicator=indicator)
    at.multiselect(key="cu_bench_JD03@zh").set_value(["JD01"]).run()
    at.button_group(key="cu_model").set_value("plan").run()
    assert not at.exception, at.exception
    sliders = [at.slider(key=f"cu_rate_{u}_{indicator}") for u in ("JD03", "JD01")]
    assert [s.value for s in sliders] == starts
    assert "ours" not in at.query_params and "theirs" not in at.query_params  # the defaults


def test_every_slider_start_lies_within_its_slider() -> None:
    """Stated rates and past paces alike, growth in % and points a year alike."""
    import pandas as pd

    from bxgc_ui.views import catchup

    annual = pd.DataFrame(
        {"unit_code": ["A"] * 4 + ["B"] * 4, "year": [2022, 2023, 2024, 2025] * 2,
         "value": [1.0, 5.0, 25.0, 125.0, 64.0, 16.0, 4.0, 1.0]}
    )  # fmt: skip
    money = catchup.default_rates(annual, ["A", "B", "C"], {"C": 1.5}, measure="万元")
    assert money == {"A": 100.0, "B": -30.0, "C": 100.0}  # +400 %, −75 %, a stated +150 %
    points = catchup.default_rates(annual, ["A", "B"], {}, measure="%")
    assert points == {"A": 10.0, "B": -10.0}  # +41.3 and −21 points a year


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_growth_needed_on_a_lower_is_better_indicator_reads_as_the_most_allowed(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.6 against 0.5 吨标准煤/万元, lower being better, the benchmark flat: by 2027 we may
    grow at most (0.5 / 0.6)^(1/2) − 1 = −8.7 % a year, that is fall at least 8.7 %; the
    help says so, not "at least this much growth", which holds only when higher is better."""
    import pandas as pd

    from bxgc_metrics.tables.trajectory import trajectory
    from bxgc_ui.views import catchup

    monkeypatch.setattr(catchup, "lang", lambda: lang)
    monkeypatch.setattr("bxgc_ui.i18n.lang", lambda: lang)
    annual = pd.DataFrame({"unit_code": ["US", "THEM"], "year": [2025, 2025], "value": [0.6, 0.5]})

    def answer(higher: bool) -> pd.Series:
        return trajectory(
            annual, "US", ["THEM"], model="plan", target_year=2027, rates={"US": 0, "THEM": 0},
            higher_is_better=higher,
        ).answers.iloc[0]  # fmt: skip

    lower = answer(higher=False)
    assert lower["required_rate"] == pytest.approx((0.5 / 0.6) ** 0.5 - 1)
    _, value, help_ = catchup.required_figure(lower, "吨标准煤/万元")
    assert value == "-8.8%"  # rounded down: the most allowed, not a hair past it
    most = ("每年增速不超过这么多", "或以下") if lang == "zh" else ("The most growth", "or below")
    assert all(words in help_ for words in most), help_
    assert "至少增长" not in help_ and "at least" not in help_
    # revenue, higher being better, from the other side: 0.5 against 0.6 needs at least +9.5 %
    higher = trajectory(
        annual.assign(value=[0.5, 0.6]), "US", ["THEM"], model="plan", target_year=2027,
        rates={"US": 0, "THEM": 0},
    ).answers.iloc[0]  # fmt: skip
    _, _, help_ = catchup.required_figure(higher, "亿元")
    assert ("每年至少增长这么多" if lang == "zh" else "The constant growth") in help_


def test_the_growth_needed_set_on_the_slider_reaches_the_target_year(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JD05 on 地方一般公共预算收入 against EXT_KS needs 25.025 % a year to be level
    by 2029; shown rounded to the nearest tenth (25.0 %) it would, set on the slider, arrive
    in 2030. Rounded up it reads 25.1 %, and that rate arrives in 2029."""
    at = _open(demo_db, monkeypatch, "zh", unit="JD05", indicator="GBR")
    at.multiselect(key="cu_bench_JD05@zh").set_value(["EXT_KS"]).run()
    at.button_group(key="cu_model").set_value("plan").run()
    at.slider(key="cu_target_JD05_GBR").set_value(2029).run()
    assert _headline(at, "2029年赶超所需年增速") == "25.1%"
    at.slider(key="cu_rate_JD05_GBR").set_value(25.1).run()
    assert _headline(at, CROSSING["zh"]) == "2029年"
    at.slider(key="cu_rate_JD05_GBR").set_value(25.0).run()
    assert _headline(at, CROSSING["zh"]) == "2030年"  # a hair short of 25.025 %


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_unit_that_may_fall_and_still_be_level_reads_the_fall_allowed(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.6 against 0.5 亿元, higher being better, the benchmark flat: by 2027 we stay level
    even falling (0.5 / 0.6)^(1/2) − 1 = −8.71 % a year. The figure reads as the fall
    allowed, rounded down (8.7 %, not past it), never as "at least −8.8 % growth"; in a
    rate's points, 30 % against 26 % allows a fall of 2 points a year. The headline names
    it a fall allowed; a cell of the answers table says so itself."""
    import pandas as pd

    from bxgc_metrics.tables.trajectory import trajectory
    from bxgc_ui.views import catchup

    monkeypatch.setattr(catchup, "lang", lambda: lang)
    monkeypatch.setattr("bxgc_ui.i18n.lang", lambda: lang)

    def answer(ours: float, theirs: float, measure: str) -> pd.Series:
        annual = pd.DataFrame(
            {"unit_code": ["US", "THEM"], "year": [2025, 2025], "value": [ours, theirs]}
        )
        return trajectory(
            annual, "US", ["THEM"], model="plan", target_year=2027, rates={"US": 0, "THEM": 0},
            measure=measure,
        ).answers.iloc[0]  # fmt: skip

    ahead = answer(0.6, 0.5, "亿元")
    assert ahead["required_rate"] == pytest.approx((0.5 / 0.6) ** 0.5 - 1)
    label, value, help_ = catchup.required_figure(ahead, "亿元")
    assert value == "8.7%"
    assert label == ("2027年持平允许的年降幅" if lang == "zh" else "Fall allowed, level by 2027")
    fall = ("每年下降不超过这么多", "仍能达到") if lang == "zh" else ("a fall of up to", "still")
    assert all(words in help_ for words in fall), help_
    assert "至少增长" not in help_ and "constant growth" not in help_
    points = answer(30.0, 26.0, "%")
    assert points["required_change"] == pytest.approx(-2.0)
    label, value, _ = catchup.required_figure(points, "%")
    assert value == ("2.0个百分点" if lang == "zh" else "2.0 pp")
    assert label == ("2027年持平允许的年均减少" if lang == "zh" else "Fall allowed, level by 2027")
    table = catchup.answers_table(
        pd.DataFrame([ahead]), names={"THEM": "标杆"}, measure="亿元", model="plan"
    )
    assert table.iloc[0, 3] == ("可年降8.7%" if lang == "zh" else "may fall 8.7%/yr")
