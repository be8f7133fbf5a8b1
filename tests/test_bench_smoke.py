"""The benchmark package on a tiny data set: the generator and the table, never the speed."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import numpy as np
import pytest

from bench import data
from bench.report import Growth, Row, growth_table, machine, table
from bench.timing import QUICK_MOST, in_turns, runs_within
from bxgc_metrics.access import Actor
from bxgc_metrics.importer.service import analyse
from bxgc_metrics.store import Store, backups

TINY = data.Size(
    "tiny", units=4, indicators=12, months=14, csv_months=14, xlsx_months=2, wide_months=3
)


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setattr(data, "ROOT", tmp_path)
    return data.prepare(TINY)


def test_the_generator_is_deterministic_and_sized() -> None:
    first, again = data.observations(TINY), data.observations(TINY)
    assert first.equals(again)
    assert len(first) == TINY.observations == 4 * 12 * (14 + 2)
    flows = first[first["cumulative"]].sort_values(["unit_code", "indicator_code", "year", "sub"])
    steps = flows.groupby(["unit_code", "indicator_code", "year"])["value"].diff().dropna()
    assert (steps >= 0).all()  # year-to-date flows never fall within a year


def test_every_file_is_made_once_and_imports_cleanly(tiny: dict[str, Path]) -> None:
    stamps = {name: path.stat().st_mtime_ns for name, path in tiny.items()}
    assert data.prepare(TINY) == tiny
    assert {name: path.stat().st_mtime_ns for name, path in tiny.items()} == stamps
    assert Store(tiny["full_db"]).count_observations() == TINY.observations
    store = Store(tiny["reference_db"], actor=Actor("t", "analyst", operator=True))
    for name, figures in (("long_csv", TINY.csv_rows), ("long_xlsx", TINY.xlsx_rows)):
        path = tiny[name]
        plan = analyse(path.read_bytes(), path.name, store, today=dt.date(2026, 6, 30))
        assert plan.can_commit and not plan.warnings, [i.text() for i in plan.issues][:3]
        assert len(plan.observations) == figures
    report = tiny["report_xlsx"]
    plan = analyse(report.read_bytes(), report.name, store, today=dt.date(2026, 6, 30))
    assert plan.sheets[0].layout == "report" and plan.can_commit


def test_the_table_shows_ratios_targets_and_notes() -> None:
    rows = [
        Row("import (M)", 2.5, 0.5, "≤ 3× DuckDB read_csv", False, note="how"),
        Row("catch-up", 0.004, 0.001, "< 20 ms", True),
        Row("peak memory", 812.0, target="< 1 GB RSS", met=True, unit="MB"),
        Row("broken", None),
    ]
    text = table(rows)
    assert "| import (M) [1] | 2.50 s | 500.0 ms | 5.00× | ≤ 3× DuckDB read_csv | **no** |" in text
    assert "| catch-up | 4.00 ms | 1.00 ms | 4.00× | < 20 ms | yes |" in text
    assert "| peak memory | 812 MB | — | — | < 1 GB RSS | yes |" in text
    assert "| broken | — | — | — | — | — |" in text and text.endswith("1. how")
    growth = growth_table([Growth("import", 1.0, 6.0, 5.5, "linear")])
    assert "| import | 1.00 s | 6.00 s | 5.5× | 6.0× | linear | yes |" in growth
    assert "cores" in machine() and "duckdb" in machine()


def test_a_bulletin_of_the_benchmark_data(tiny: dict[str, Path]) -> None:
    from bench.cases import BULLETIN_INDICATORS, bulletin_codes, make_bulletin

    assert len(bulletin_codes(TINY)) <= BULLETIN_INDICATORS
    assert make_bulletin(tiny["full_db"], TINY) > 10_000


def test_the_band_case_reports_coverage_and_brier_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import bands
    from bench.cases import Context

    monkeypatch.setattr(bands, "GENERATORS", {"random walk": bands._walk})
    monkeypatch.setattr(bands, "RATE_GENERATORS", {})
    monkeypatch.setattr(bands, "MODELS", ("naive",))
    monkeypatch.setattr(bands, "_demo", lambda ctx: None)
    ctx = Context(sizes=(), repeats=1, work=Path("."))
    bands.bands(ctx)
    by_name = {row.operation.split(",")[0]: row for row in ctx.rows}
    cover = by_name["80 % band coverage"]
    assert cover.unit == "share" and 0.6 < cover.measured < 1.0
    assert by_name["95 % band coverage"].measured > cover.measured
    brier = by_name["chance of being level or ahead: Brier"]
    assert brier.unit == "score" and 0 <= brier.measured < brier.reference
    text = table(ctx.rows)
    assert f"| {cover.measured * 100:.1f} % |" in text and f"| {brier.measured:.3f} |" in text


def test_the_band_case_reports_rates_that_cross_zero_in_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Growth rates around zero: the bands are additive (points), the error is a mean
    absolute error in points beside the baseline's, and the chance still gets a Brier."""
    from bench import bands
    from bench.cases import Context

    monkeypatch.setattr(bands, "GENERATORS", {})
    monkeypatch.setattr(bands, "RATE_MODELS", ("linear",))
    monkeypatch.setattr(bands, "N_SERIES", 40)
    monkeypatch.setattr(bands, "_demo", lambda ctx: None)
    levels = bands._rates(np.random.default_rng(1), 40)
    assert (levels < 0).any() and (levels > 0).any()
    ctx = Context(sizes=(), repeats=1, work=Path("."))
    bands.bands(ctx)
    rows = {row.operation: row for row in ctx.rows}
    label = "linear, growth rates around zero (40 series × 14 years)"
    cover = rows[f"80 % band coverage, {label}"]
    assert cover.unit == "share" and 0.6 < cover.measured < 1.0
    error = rows[f"mean abs. error (points), {label}"]
    assert error.unit == "points" and error.measured > 0 and error.reference > 0
    assert "%" not in table([error]).split("|")[2]
    brier = rows[f"chance of being level or ahead: Brier, {label}"]
    assert 0 <= brier.measured < brier.reference


def test_the_fixed_cost_case_imports_one_changed_figure_with_a_backup_each_time(
    tiny: dict[str, Path], tmp_path: Path
) -> None:
    from bench.cases import Context, import_fixed

    ctx = Context(sizes=(TINY,), repeats=1, work=tmp_path / "work", budget=0)
    import_fixed(ctx)
    one, copy, restored = ctx.rows
    assert restored.operation == "restore of the newest backup (tiny)"
    assert restored.measured and restored.reference
    assert one.measured and one.reference and one.target == "≤ 40 ms"
    taken = re.search(r"(\d+) backups taken", one.note)
    assert taken is not None and int(taken[1]) == 5  # five in turns, no budget for more
    assert copy.measured and copy.reference and "COPY FROM DATABASE" in copy.note
    db = tmp_path / "work" / "fixed-tiny.duckdb"
    imported = Store(db).batches()["file_name"]
    # each import wrote its one figure, and took its backup
    assert imported.str.startswith("one-").sum() == int(taken[1])


def test_the_fixed_cost_case_runs_again_in_the_folder_that_clones_when_given_one(
    tiny: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.cases import CLONES_FOLDER, Context, file_system, import_fixed

    cloning = tmp_path / "clones"
    monkeypatch.setenv(CLONES_FOLDER, str(cloning))
    ctx = Context(sizes=(TINY,), repeats=1, work=tmp_path / "work", budget=0)
    import_fixed(ctx)
    labels = [row.operation for row in ctx.rows]
    kind = file_system(cloning)
    assert kind not in ("", "?")
    assert labels[3:] == [
        f"import of one changed figure into the full database, backup included "
        f"(tiny, on {kind}, backups cloned)",
        f"backup before an import: checkpointed file copy (tiny, on {kind}, backups cloned)",
        f"restore of the newest backup (tiny, on {kind}, backups cloned)",
    ]
    assert all(row.measured for row in ctx.rows)
    assert backups(cloning / "fixed-tiny.duckdb")  # the imports there took their backups there
    assert file_system(Path("/proc/self")) == "proc"


def test_a_ratio_is_taken_in_turns_and_a_quick_operation_gets_more_runs() -> None:
    order: list[str] = []
    mine, theirs = in_turns(
        lambda given: order.append(f"a{given}"), lambda _: order.append("r"), 3, lambda: 1
    )
    assert order == ["a1", "r"] * QUICK_MOST  # quick: as many pairs as allowed, in turns
    assert mine >= 0 and theirs >= 0
    order.clear()
    in_turns(lambda _: order.append("a"), lambda _: order.append("r"), 3, budget=0)
    assert order == ["a", "r"] * 3  # past the budget: the least asked for, no more
    assert len(runs_within(lambda _: None, 2)) == QUICK_MOST
    assert len(runs_within(lambda _: None, 2, budget=0)) == 2
    slow = runs_within(lambda _: time.sleep(0.02), 1, budget=0.1)
    assert 2 <= len(slow) <= 5  # runs are added while their time is within the budget
    capped = runs_within(lambda _: time.sleep(0.02), 10, budget=0, cap=0.05)
    assert 2 <= len(capped) <= 3  # the least asked for gives way to the cap (a slow page)


SMALL_L = data.Size(
    "smallL", units=6, indicators=4, months=24, csv_months=3, xlsx_months=1, wide_months=1
)


def test_the_province_case_imports_new_rows_opens_both_sizes_and_runs_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On small stand-ins for M and L: the import adds every row of the CSV to a database
    that lacks them, both opens are compared, and a page runs in a process of its own."""
    from bench import province
    from bench.cases import Context

    monkeypatch.setattr(data, "ROOT", tmp_path)
    monkeypatch.setattr(province, "L", SMALL_L)
    monkeypatch.setattr(province, "M", TINY)
    monkeypatch.setattr(province, "page_names", lambda: ["pages/gaps.py"])
    before = Store(data.before_csv_db(SMALL_L))
    expected = SMALL_L.observations - SMALL_L.csv_rows
    assert 0 < before.count_observations() == expected
    ctx = Context(sizes=(TINY,), repeats=1, work=tmp_path / "work")
    province.province(ctx)
    rows = {row.operation: row for row in ctx.rows}
    assert set(rows) == {
        "L: open the store and read the units",
        "L: DuckDB connect + close",
        f"L: import long CSV, {SMALL_L.csv_rows:,} new rows: analyse + commit",
        "L: peak memory of that import",
        "L: page rerun `pages/gaps.py`",
        "L: peak memory of the server running every page",
    }
    imported = Store(tmp_path / "work" / "province-import.duckdb")
    assert imported.count_observations() == SMALL_L.observations
    assert rows["L: page rerun `pages/gaps.py`"].measured
    assert rows["L: peak memory of the server running every page"].measured > 100
    quick = Context(sizes=(data.SIZES["S"],), repeats=1, work=tmp_path / "quick")
    province.province(quick)
    assert [row.measured for row in quick.rows] == [None]


def test_the_browser_references_are_the_pages_they_say() -> None:
    """The bare page draws one chart and nothing else; the pickers reference adds the
    catch-up page's three pickers with the demo's numbers of options."""
    from streamlit.testing.v1 import AppTest

    from bench.browser import BARE, PICKERS

    bare = AppTest.from_string(BARE).run()
    assert not bare.exception
    assert len(bare.get("plotly_chart")) == 1
    assert not bare.selectbox and not bare.multiselect
    pickers = AppTest.from_string(PICKERS).run()
    assert not pickers.exception
    assert len(pickers.get("plotly_chart")) == 1
    assert [len(s.options) for s in pickers.selectbox] == [20, 22]
    assert [len(m.options) for m in pickers.multiselect] == [19]
    assert pickers.multiselect[0].value == ["单位01"]


def test_the_elements_reference_shows_what_the_catch_up_page_shows(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Element by element, the main area of the elements reference is the catch-up page's
    as the browser case opens it (the demo's 南关街道 against 东城街道), and its sidebar
    holds the same link box."""
    from streamlit.testing.v1 import AppTest

    from bench.browser import ELEMENTS, PAGES
    from tests.conftest import ROOT

    kinds = (
        "title", "info", "selectbox", "multiselect", "button_group", "caption", "expander",
        "slider", "metric", "toggle", "plotly_chart", "download_button", "popover", "code",
        "columns",
    )  # fmt: skip

    def shown(block: object) -> dict[str, int]:
        return {kind: len(block.get(kind)) for kind in kinds}  # type: ignore[attr-defined]

    reference = AppTest.from_string(ELEMENTS, default_timeout=60).run()
    assert not reference.exception
    monkeypatch.setenv("BXGC_DB", str(demo_db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state["lang"] = "zh"
    app.run()
    path, _, query = PAGES["catch-up"][0].partition("?")
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        app.query_params[name] = value
    app.switch_page(f"pages/{path}.py").run()
    assert not app.exception
    assert app.multiselect[0].value == ["JD01"] and app.selectbox[0].value == "JD03"
    assert shown(reference.main) == shown(app.main)
    # the three pickers in columns; the four figures in one row that wraps (widgets.figures)
    assert shown(reference.main)["metric"] == 4 and shown(reference.main)["columns"] == 3
    assert {k: shown(reference.sidebar)[k] for k in ("popover", "code")} == {
        k: shown(app.sidebar)[k] for k in ("popover", "code")
    }
