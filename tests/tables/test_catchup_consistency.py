"""The catch-up page tells one story per model: the headline year, the growth needed and the
chance shown all agree with the chart the page draws beside them.

Each answer is recomputed here from the chart's own traces (the lines, the 80 % bands and
the year marks in the Plotly spec the page sends to the browser), never from the metric
that produced them, for every model, on plan four and on two of the demo's benchmark pairs.
"""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.metrics.projection import MODELS
from bxgc_ui.auth import SESSION_KEY
from bxgc_ui.palette import GOOD
from tests.conftest import ADMIN, ROOT

PAIRS = [  # (chaser, benchmark, chaser's name, benchmark's name)
    ("P4_OURS", "P4_BENCH", "方案四·本街道", "方案四·市外标杆"),
    ("JD03", "JD01", "南关街道", "东城街道"),
    ("XZ02", "XZ01", "弥河镇", "黄楼镇"),
]


def _open(db: Path, monkeypatch: pytest.MonkeyPatch, chaser: str) -> AppTest:
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[SESSION_KEY] = ADMIN
    at.run()
    at.switch_page("pages/catchup.py").run()
    at.selectbox(key="cu_chaser@zh").set_value(chaser).run()
    assert not at.exception, at.exception
    return at


def _read(value: str) -> str:
    """A headline figure as the reader sees it: its markdown escapes taken away."""
    return re.sub(r"\\(.)", r"\1", value)


def _shown(at: AppTest) -> dict[str, str]:
    """The four headline figures by what they are, as read."""
    out = {}
    for m in at.metric:
        if m.label == "预计赶超年份":
            out["crossing"] = _read(m.value)
        elif m.label.endswith(("赶超所需年增速", "赶超所需年均变化")):
            out["required"] = _read(m.value)
            out["required_label"] = m.label
        elif m.label.endswith(("持平允许的年降幅", "持平允许的年均减少")):  # a fall allowed
            out["required"] = FALL + _read(m.value)
            out["required_label"] = m.label
        elif m.label.endswith("持平或领先的概率"):
            out["probability"] = _read(m.value)
            out["target"] = m.label[:4]
    return out


def _values(data: object) -> list:
    """A trace's ``x`` or ``y`` as a list: Plotly sends numpy arrays base64-encoded."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)  # type: ignore[call-overload]


def _traces(at: AppTest) -> tuple[dict[str, dict], list[dict]]:
    """The chart's traces by name (``x``/``y`` decoded), and its shapes (the year marks)."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    traces = {
        d.get("name"): {**d, "x": _values(d.get("x", [])), "y": _values(d.get("y", []))}
        for d in spec["data"]
    }
    return traces, spec["layout"].get("shapes", [])


def _path(traces: dict[str, dict], name: str) -> dict[int, float]:
    """History followed by the projection of one unit, as drawn."""
    points: dict[int, float] = {}
    for part in ("实际", "预测"):
        trace = traces.get(f"{name}（{part}）")
        if trace is not None:
            points.update(zip(map(int, trace["x"]), map(float, trace["y"]), strict=True))
    return points


def _band(traces: dict[str, dict], name: str) -> dict[int, tuple[float, float]]:
    """``year: (lower, upper)`` of one unit's 80 % band, as drawn (a closed polygon)."""
    trace = traces.get(f"{name}（80%预测区间）")
    if trace is None:
        return {}
    n = len(trace["x"]) // 2
    years, upper, lower = trace["x"][:n], trace["y"][:n], trace["y"][n:][::-1]
    return {int(y): (float(lo), float(hi)) for y, lo, hi in zip(years, lower, upper, strict=True)}


FALL = "可年降"
"""How the growth needed reads when a unit reaches the benchmark even falling."""


def _pct(text: str) -> float:
    """A growth as shown; the fall a unit is allowed (可年降8.7%) is a growth below zero."""
    if text.startswith(FALL):
        return -float(text.removeprefix(FALL).rstrip("%")) / 100
    return float(text.rstrip("%")) / 100


def _points(text: str) -> float | None:
    """A change a year in points as shown (+0.4个百分点, 可年降0.8个百分点), or ``None``."""
    found = re.fullmatch(r"(可年降)?([+-]?\d+\.\d)个百分点", text)
    if found is None:
        return None
    return -float(found[2]) if found[1] else float(found[2])


def _check_crossing(shown: dict, ours: dict, theirs: dict, shapes: list, base: int) -> None:
    crossings = [s["x0"] for s in shapes if s.get("line", {}).get("color") == GOOD]
    common = sorted(y for y in ours if y in theirs and y >= base)
    level = [y for y in common if ours[y] >= theirs[y] * (1 - 1e-9)]
    year = re.fullmatch(r"(\d{4})年", shown["crossing"])
    if year:
        assert level and level[0] == int(year[1]), (shown, level)
        assert crossings == [int(year[1])]
    elif shown["crossing"] == "已领先":  # level or ahead at the start: no year to overtake in
        assert level and level[0] == base
        assert not crossings, (shown, crossings)
    else:  # never, not within the horizon, or no projection: no line may cross on the chart
        assert not level and not crossings, (shown, level)


def _check_required(shown: dict, ours: dict, theirs: dict, base: int) -> None:
    target = int(shown["target"])
    if shown["required"] == "—" or target not in theirs:
        assert shown["required"] == "—" or target not in theirs
        return
    needed = (theirs[target] / ours[base]) ** (1 / (target - base)) - 1
    # rounded up (higher is better on these pairs): set on the slider, it still arrives
    assert -1e-9 <= _pct(shown["required"]) - needed < 0.001, (shown, needed)


def _check_probability(
    shown: dict, model: str, traces: dict, names: tuple[str, str], hist: tuple[int, int]
) -> None:
    ours, theirs = (_path(traces, n) for n in names)
    target = int(shown["target"])
    bands = [_band(traces, n).get(target) for n in names]
    if shown["probability"] == "—":
        # no chance: the what-if model, or too few back-test errors, and then no band either
        assert model == "plan" or all(b is None for b in bands), (model, bands)
        return
    chance = _pct(shown["probability"])
    # both lines as many years ahead: at least one half exactly when the drawn lines have
    # us level or ahead in the target year
    if hist[0] == hist[1]:
        assert (chance >= 0.5) == (ours[target] >= theirs[target]) or abs(chance - 0.5) <= 0.005
    # the drawn bands come from one set of errors: as many years ahead, both bands sit the
    # same way around their lines (in logs), however far they lean to one side
    offsets = []
    for name, band in zip(names, bands, strict=True):
        path = _path(traces, name)
        if band is not None and path[target] > 0:
            low, high = band
            assert low < high, (name, band)
            offsets.append((math.log(low / path[target]), math.log(high / path[target])))
    if hist[0] == hist[1] and len(offsets) == 2:
        assert offsets[0] == pytest.approx(offsets[1], abs=1e-9), offsets


@pytest.mark.parametrize(("chaser", "benchmark", "ours_name", "their_name"), PAIRS)
def test_every_model_tells_the_story_its_chart_draws(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, chaser, benchmark, ours_name, their_name
) -> None:
    at = _open(demo_db, monkeypatch, chaser)
    at.multiselect(key=f"cu_bench_{chaser}@zh").set_value([benchmark]).run()
    seen, chances = set(), []
    for model in MODELS:
        at.button_group(key="cu_model").set_value(model).run()
        assert not at.exception, at.exception
        shown = _shown(at)
        traces, shapes = _traces(at)
        ours, theirs = _path(traces, ours_name), _path(traces, their_name)
        history = [traces[f"{n}（实际）"]["x"] for n in (ours_name, their_name)]
        base = max(set(map(int, history[0])) & set(map(int, history[1])))
        _check_crossing(shown, ours, theirs, shapes, base)
        _check_required(shown, ours, theirs, base)
        _check_probability(
            shown, model, traces, (ours_name, their_name), (len(history[0]), len(history[1]))
        )
        seen.add(shown["crossing"])
        chances.append(shown["probability"])
    assert seen  # every model answered
    if chaser != "P4_OURS":  # ten years of history: back-tests give chances
        assert sum(c != "—" for c in chances) >= 3, chances


def _indicator(at: AppTest, chaser: str) -> str:
    return at.selectbox(key=f"cu_ind_{chaser}@zh").value


def test_sliders_show_only_for_the_model_they_drive(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(demo_db, monkeypatch, "JD03")
    code = _indicator(at, "JD03")
    at.button_group(key="cu_model").set_value("plan").run()  # the stated rates' model
    keys = {s.key for s in at.slider}
    assert f"cu_rate_JD03_{code}" in keys
    at.button_group(key="cu_model").set_value("ets").run()
    keys = {s.key for s in at.slider}
    assert f"cu_rate_JD03_{code}" not in keys
    assert any("不使用增速设定" in c.value for c in at.caption)


def test_plan_four_models_that_cannot_project_say_so(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One annual actual each: only the plan model projects; the others name no year."""
    at = _open(demo_db, monkeypatch, "P4_OURS")
    assert _shown(at)["crossing"] == "2012年"
    at.button_group(key="cu_model").set_value("ets").run()
    shown = _shown(at)
    assert shown["crossing"] == "无法预测" and shown["probability"] == "—"
    assert any("历史数据太短" in c.value for c in at.caption)


def test_a_growth_rate_needs_points_a_year_as_its_chart_draws(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 规上工业增加值增速 (measured in %) the growth needed is the points a year that
    take our value in the base year to the benchmark's drawn line in the target year,
    and the implied rates read in points too, for every model that projects."""
    at = _open(demo_db, monkeypatch, "JD03")
    at.selectbox(key="cu_ind_JD03@zh").set_value("IVA_G").run()
    at.multiselect(key="cu_bench_JD03@zh").set_value(["JD01"]).run()
    checked = 0
    for model in MODELS:
        if model == "plan":
            continue
        at.button_group(key="cu_model").set_value(model).run()
        assert not at.exception, at.exception
        shown = _shown(at)
        assert shown["required_label"].endswith(("赶超所需年均变化", "持平允许的年均减少")), shown
        traces, _ = _traces(at)
        ours, theirs = _path(traces, "南关街道"), _path(traces, "东城街道")
        history = [traces[f"{n}（实际）"]["x"] for n in ("南关街道", "东城街道")]
        base = max(set(map(int, history[0])) & set(map(int, history[1])))
        target = int(shown["target"])
        points = _points(shown["required"])
        assert points is not None, shown
        needed = (theirs[target] - ours[base]) / (target - base)
        assert -1e-9 <= points - needed < 0.1, (model, shown, needed)  # rounded up
        implied = next(c.value for c in at.caption if "不使用增速设定" in c.value)
        assert "个百分点" in implied and "%" not in implied, implied
        checked += 1
    assert checked == len(MODELS) - 1


def test_the_what_if_sliders_on_a_growth_rate_set_points_a_year(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 规上工业增加值增速 the plan model's sliders are points a year, they start at each
    unit's last three years' average change, and the drawn lines add them year by year."""
    at = _open(demo_db, monkeypatch, "JD03")
    at.selectbox(key="cu_ind_JD03@zh").set_value("IVA_G").run()
    at.multiselect(key="cu_bench_JD03@zh").set_value(["JD01"]).run()
    at.button_group(key="cu_model").set_value("plan").run()
    assert not at.exception, at.exception
    sliders = {s.key: s for s in at.slider if s.key.startswith("cu_rate_")}
    ours, theirs = sliders["cu_rate_JD03_IVA_G"], sliders["cu_rate_JD01_IVA_G"]
    assert ours.label == "本单位每年变化（个百分点）"
    assert theirs.label == "东城街道每年变化（个百分点）"
    traces, _ = _traces(at)
    history = dict(
        zip(traces["南关街道（实际）"]["x"], traces["南关街道（实际）"]["y"], strict=True)
    )
    last = max(history)
    assert ours.value == round((history[last] - history[last - 3]) / 3, 1)
    ours.set_value(1.5).run()
    theirs.set_value(-0.5).run()
    assert not at.exception, at.exception
    traces, shapes = _traces(at)
    mine, bench = _path(traces, "南关街道"), _path(traces, "东城街道")
    base = max(set(history) & set(map(int, traces["东城街道（实际）"]["x"])))
    for k in (1, 2, 3):
        assert mine[base + k] == pytest.approx(mine[base] + 1.5 * k)
        assert bench[base + k] == pytest.approx(bench[base] - 0.5 * k)
    shown = _shown(at)
    _check_crossing(shown, mine, bench, shapes, base)
    target = int(shown["target"])
    points = _points(shown["required"])
    assert points is not None, shown
    needed = (bench[target] - mine[base]) / (target - base)
    assert abs(points - needed) <= 0.05 + 1e-9
