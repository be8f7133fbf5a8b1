"""Shared fixtures: real DuckDB files built by the same demo function the app uses, the
command line run as users run it, and long observation frames from rows."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import zoneinfo
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import settings

from bxgc_metrics.access import Actor
from bxgc_metrics.demo import load_demo
from bxgc_metrics.store import MIGRATIONS, Store

settings.register_profile("ci", max_examples=60, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent

# Nothing the suite runs may reach the project's own database (data/bxgc.duckdb, which
# `make run` fills with the demo only when it is missing): whatever falls back to the
# default path (a test that forgets BXGC_DB, a process it starts) gets a scratch file.
os.environ["BXGC_DB"] = str(Path(tempfile.mkdtemp(prefix="bxgc-tests-")) / "default.duckdb")

ADMIN = Actor("test-admin", "admin", operator=True)
"""The actor tests write as, unless a test is about permissions."""

OBSERVATION_ROW = ("unit_code", "indicator_code", "freq", "year", "sub", "value_kind", "value")
"""The column order of the rows :func:`observations` takes."""


def run_cli(
    *args: str, timeout: float = 300, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m bxgc_metrics ARGS`` in the repository, as an operator runs it; ``env``
    adds to (or overrides) the environment it inherits (e.g. ``BXGC_PG_DSN``)."""
    return subprocess.run(
        [sys.executable, "-m", "bxgc_metrics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
    )


def observations(rows: list[tuple], *, indicator: str | None = None) -> pd.DataFrame:
    """Long observations from ``(unit, indicator, freq, year, sub, value_kind, value)`` rows;
    with ``indicator`` given, the rows leave the indicator out and all belong to it."""
    if indicator is None:
        return pd.DataFrame(rows, columns=list(OBSERVATION_ROW))
    columns = [c for c in OBSERVATION_ROW if c != "indicator_code"]
    return pd.DataFrame(rows, columns=columns).assign(indicator_code=indicator)


class _Board(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.pages: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "data-page" in found:
            self.pages.append(found["data-page"])
        if "data-unit" in found:
            self.rows.append(
                {k.removeprefix("data-"): v for k, v in found.items() if k.startswith("data-")}
            )


def board_rows(html: str) -> list[dict[str, str]]:
    """The places a wall board draws, in order: ``rank``, ``unit`` (the name as shown),
    ``move`` and ``band`` of each row, read from the markup as a browser would."""
    board = _Board()
    board.feed(html)
    return board.rows


def board_html(at: object) -> str:
    """The meeting screen's board among an AppTest's ``st.html`` elements."""
    return next(h.value for h in at.html if "bxgc-board" in h.value)  # type: ignore[attr-defined]


def fingerprint(store: Store) -> tuple:
    """What a refused import must leave exactly as it was: the data version, the figures
    (count and sum), the batches, the units and the indicators."""
    obs = store.observations()
    return (
        store.data_version(),
        len(obs),
        float(obs["value"].sum()),
        len(store.batches()),
        len(store.units()),
        len(store.indicators()),
    )


def old_schema(
    path: Path, version: int, *, data_version: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A new file at ``path`` as release ``version`` of the schema left it: its first
    ``version`` migrations run and its meta saying so (with ``data_version`` when given).
    Returns the open connection, to fill and close."""
    con = duckdb.connect(str(path))
    for steps in MIGRATIONS[:version]:
        for sql in steps:
            con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
    if data_version is not None:
        con.execute("INSERT INTO meta VALUES ('data_version', ?)", [str(data_version)])
    return con


def admin_store(path: Path) -> Store:
    """A store over ``path`` that may write anything."""
    return Store(path, actor=ADMIN)


def expected_pairs(
    store: Store, period: tuple[int, int], codes: Iterable[str] | None = None
) -> int:
    """The (unit, indicator) figures owed for a month (year, month), counted straight from
    the store's tables as the reporting calendar defines them: a monthly indicator with a
    due day, a unit that is not an external benchmark (among ``codes`` when given) and that
    reported an actual figure of it in the 12 months up to and including the month."""
    year, month = period
    indicators = store.indicators()
    calendar = indicators[indicators["report_due_day"].notna() & (indicators["frequency"] == "M")]
    units = store.units()
    units = units[units["kind"] != "外部标杆"]
    if codes is not None:
        units = units[units["code"].isin(list(codes))]
    obs = store.observations()
    months = obs["year"] * 12 + obs["sub"]
    end = year * 12 + month
    recent = obs[
        (obs["freq"] == "M")
        & (obs["value_kind"] == "actual")
        & obs["indicator_code"].isin(calendar["code"])
        & obs["unit_code"].isin(units["code"])
        & (months >= end - 12)
        & (months <= end)
    ]
    return len(recent[["unit_code", "indicator_code"]].drop_duplicates())


def past_due(due: dt.date) -> str:
    """A ``BXGC_TODAY`` a week after ``due``, and after the real date in the configured
    zone, so figures written now are known on it (a round "as of" a date reads only the
    writes made by then)."""
    real = dt.datetime.now(zoneinfo.ZoneInfo(os.environ.get("BXGC_TZ") or "Asia/Shanghai"))
    return max(due + dt.timedelta(days=7), real.date() + dt.timedelta(days=1)).isoformat()


BACKENDS = ("duckdb", "postgres")
"""The systems of record the store suite runs against: the embedded file, and PostgreSQL
with the file as the local copy."""


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for this test process (removed at the end)."""
    from tests.pgcluster import Cluster

    with Cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL database holding the demo data, copied for each test that wants it."""
    from bxgc_metrics.store import postgres

    name = "demo_template"
    dsn = pg_cluster.create_database(name)
    load_demo(Store(tmp_path_factory.mktemp("pgdemo") / "copy.duckdb", actor=ADMIN, dsn=dsn))
    postgres.close_all()
    return name


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Run the test on each system of record: for ``postgres``, ``BXGC_PG_DSN`` names a new
    empty database (``demo_db`` then makes it a copy of the demo). A test marked
    ``embedded`` concerns the DuckDB file itself and runs on that only."""
    if request.param == "duckdb":
        monkeypatch.delenv("BXGC_PG_DSN", raising=False)
        yield request.param
        return
    if request.node.get_closest_marker("embedded"):
        pytest.skip("concerns the embedded DuckDB file")
    from bxgc_metrics.store import postgres

    cluster = request.getfixturevalue("pg_cluster")
    dsn = cluster.create_database()
    monkeypatch.setenv("BXGC_PG_DSN", dsn)
    yield request.param
    postgres.close_all()
    cluster.drop_database(dsn.rsplit("/", 1)[-1])  # each is a few MB of memory


def stored(store: Store, statement: str, params: list | None = None) -> list[tuple]:
    """Rows read straight from the store's system of record (the DuckDB file, or the
    PostgreSQL database), bypassing the store: what is really kept."""
    if store.dsn is None:
        with duckdb.connect(str(store.path), read_only=True) as con:
            return con.execute(statement, params).fetchall()
    import psycopg

    from bxgc_metrics.store.postgres import translate

    with psycopg.connect(store.dsn) as con:
        return con.execute(translate(statement), params or []).fetchall()


def _on_postgres(request: pytest.FixtureRequest) -> bool:
    return "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgres"


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    load_demo(admin_store(path))
    return path


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A fresh copy of the demo database this test may change (on PostgreSQL, a copy of
    the demo database there, and the path of this test's local copy)."""
    path = tmp_path / "bxgc.duckdb"
    if _on_postgres(request):
        cluster = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue("pg_demo_template")
        dsn = cluster.create_database(template=template)
        request.getfixturevalue("monkeypatch").setenv("BXGC_PG_DSN", dsn)
        request.addfinalizer(lambda: cluster.drop_database(dsn.rsplit("/", 1)[-1]))
        return path
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture
def demo_store(demo_db: Path) -> Store:
    """A store over a fresh copy of the demo database."""
    return admin_store(demo_db)


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    """A store over a new, empty database file."""
    return admin_store(tmp_path / "empty.duckdb")


@pytest.fixture(autouse=True)
def declared_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTest the way ``python -m bxgc_ui.serve`` runs the app.

    AppTest resets Streamlit's "pages folder" flag before every run, so with ``pages/``
    beside app.py a switched-to page would run without app.py (no page config, no
    language switch). The served app declares its navigation up front; so do the tests.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for a browser test module (each test opens its pages)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.support import launch_browser

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()
