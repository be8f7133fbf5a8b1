"""A damaged database file: the store, the command line and every page say what happened
and name the restore command, with the backups there are; nothing shows a traceback and
the dashboard still starts.

The damage is made by :mod:`tests.damage`: a file cut short, bytes flipped in the file's
headers, its catalog or a table's data, random bytes instead of a database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bxgc_metrics.errors import CorruptDatabaseError
from bxgc_metrics.store import Store, backups
from tests import damage
from tests.conftest import ROOT, admin_store, run_cli

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
RESTORE = "python -m bxgc_metrics restore --latest"
OPENING = ("truncated-half", "truncated-tenth", "flipped-file-header", "flipped-db-header")
"""Damage found when the file is opened; the rest is found when the damaged part is read."""


@pytest.fixture
def backed_up(demo_db: Path) -> Path:
    """The demo database with one backup (taken before an import)."""
    store = admin_store(demo_db)
    frame = store.observations(unit="JD01", indicator="FAI").head(1).assign(value=1.0)
    store.write_observations(frame, file_name="one.csv")
    assert len(backups(demo_db)) == 1
    return demo_db


def _read_everything(store: Store) -> None:
    store.data_version()
    store.units()
    store.observations_in()
    store.batches()


@pytest.mark.parametrize("kind", list(damage.KINDS))
def test_every_kind_of_damage_is_reported_with_the_restore_command(
    kind: str, backed_up: Path
) -> None:
    damage.KINDS[kind](backed_up)
    with pytest.raises(CorruptDatabaseError) as caught:
        _read_everything(Store(backed_up))
    assert RESTORE in caught.value.zh and RESTORE in caught.value.en
    assert backed_up.name in caught.value.en


@pytest.mark.parametrize("kind", ["truncated-half", "flipped-catalog", "random-bytes"])
@pytest.mark.parametrize("command", [["info"], ["bootstrap"], ["history"], ["audit"]])
def test_the_command_line_names_the_restore_command_and_the_backups(
    kind: str, command: list[str], backed_up: Path
) -> None:
    damage.KINDS[kind](backed_up)
    out = run_cli(*command, "--db", str(backed_up))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stderr.count(RESTORE) >= 2  # in Chinese and in English
    assert backups(backed_up)[0].name in out.stderr


def test_the_command_line_says_when_there_is_no_backup(tmp_path: Path) -> None:
    db = tmp_path / "bxgc.duckdb"
    db.write_bytes(b"\x13" * 40_000)
    out = run_cli("info", "--db", str(db))
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "没有备份" in out.stderr and "no backups" in out.stderr


def test_the_server_bootstrap_survives_a_damaged_file(
    backed_up: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bxgc_ui import serve

    damage.truncate(0.5)(backed_up)
    monkeypatch.setenv("BXGC_DB", str(backed_up))
    serve.first_start()  # does not raise: the dashboard starts and shows the restore page
    printed = capsys.readouterr()
    assert RESTORE in printed.out + printed.err


# --- the dashboard -------------------------------------------------------------------------


def _texts(at: AppTest) -> list[str]:
    """Every text the run put on the page (main area and sidebar)."""
    found: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "code", "text"):
        found += [str(e.value) for e in getattr(at, kind)]
    for kind in ("error", "warning", "info", "success"):
        found += [str(e.value) for e in getattr(at, kind)]
    for table in (*at.dataframe, *at.table):
        found.append(table.value.to_string())
    return found


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    def run(db: Path, page: str | None, lang: str = "zh") -> AppTest:
        monkeypatch.setenv("BXGC_DB", str(db))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    yield run


def _shows_the_restore_page(at: AppTest, db: Path, lang: str) -> None:
    assert not at.exception, at.exception
    texts = "\n".join(_texts(at))
    assert RESTORE in texts
    assert db.name in texts
    assert str(db.parent) not in texts  # the file's name, never where it is
    assert "Traceback" not in texts
    for backup in backups(db):
        assert backup.name in texts
    title = at.title[0].value
    assert title == ("数据库文件无法读取" if lang == "zh" else "The database file cannot be read")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", ["truncated-half", "flipped-db-header", "random-bytes"])
def test_every_page_shows_the_restore_page(kind: str, page: str, backed_up: Path, app_on) -> None:
    damage.KINDS[kind](backed_up)
    _shows_the_restore_page(app_on(backed_up, page), backed_up, "zh")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_restore_page_in_english(page: str, backed_up: Path, app_on) -> None:
    damage.KINDS["flipped-catalog"](backed_up)
    _shows_the_restore_page(app_on(backed_up, page, "en"), backed_up, "en")


@pytest.mark.parametrize("kind", ["flipped-units", "flipped-figures"])
def test_damage_found_while_a_page_reads_shows_the_restore_page_there_and_after(
    kind: str, backed_up: Path, app_on
) -> None:
    damage.KINDS[kind](backed_up)
    at = app_on(backed_up, None)  # the overview reads units and figures
    _shows_the_restore_page(at, backed_up, "zh")
    for page in ("pages/signin.py", "pages/settings.py", "pages/meeting.py"):
        _shows_the_restore_page(at.switch_page(page).run(), backed_up, "zh")


def test_the_restore_page_says_so_when_there_is_no_backup(tmp_path: Path, app_on) -> None:
    db = tmp_path / "bxgc.duckdb"
    db.write_bytes(b"not a database" * 3000)
    at = app_on(db, None)
    assert not at.exception
    texts = "\n".join(_texts(at))
    assert RESTORE in texts and "没有找到备份" in texts


def test_after_a_restore_the_pages_work_again(backed_up: Path, app_on) -> None:
    from bxgc_metrics.access import operator
    from bxgc_metrics.store import restore

    damage.KINDS["flipped-figures"](backed_up)
    at = app_on(backed_up, None)
    assert RESTORE in "\n".join(_texts(at))
    restore(backed_up, backups(backed_up)[0], operator())
    at.run()
    assert not at.exception
    assert RESTORE not in "\n".join(_texts(at))
    assert at.title[0].value == "比学赶超"
