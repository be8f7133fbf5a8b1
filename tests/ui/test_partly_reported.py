"""A month some units have not reported yet: the rankings, the overview and the wall rank
the units that have, and each says who has not (the 通报's rule, one computation), names
escaped as typed; a month every unit has reported says nothing more."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bxgc_docs import source
from bxgc_metrics import oversight
from bxgc_metrics.store import Store
from bxgc_metrics.tables.standings import expected_periods, expected_units, members, unreported
from bxgc_ui import fmt
from tests.conftest import ROOT, admin_store, board_html

LATE_NAME = "*东城*[街道](x)"
"""A late unit's name that markdown would read as emphasis and a link."""


def _late(db: Path, how_many: int) -> list[str]:
    """Write 2026年1-11月 of 地方一般公共预算收入 for all but the first ``how_many`` ranked
    units that report it (the outside benchmarks report too); those units."""
    store = Store(db)
    october = store.observations_in(
        indicators=["GBR"], value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)]
    )
    reporting = set(october["unit_code"].astype(str))
    late = [u for u in members(store.units()) if u in reporting][:how_many]
    admin_store(db).write_observations(
        october[~october["unit_code"].isin(late)].assign(sub=11, value=lambda f: f["value"] * 1.1),
        file_name="november.csv",
    )
    return late


@pytest.fixture
def november(demo_db: Path) -> tuple[Path, list[str], dict[str, str]]:
    """The demo with 2026年1-11月 of 地方一般公共预算收入 from all but two units, the
    first of which carries a name full of markdown; the two late units and every name."""
    late = _late(demo_db, 2)
    admin_store(demo_db).upsert_units(pd.DataFrame({"code": [late[0]], "name_zh": [LATE_NAME]}))
    return demo_db, late, _names(demo_db, "zh")


def _names(db: Path, lang: str) -> dict[str, str]:
    units = Store(db).units()
    return dict(zip(units["code"], units[f"name_{lang}"].fillna(units["name_zh"]), strict=True))


def _open(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, lang: str, **params: str):
    monkeypatch.setenv("BXGC_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    at.query_params.update(params)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _expected(db: Path) -> int:
    """How many units are expected to report 地方一般公共预算收入 in 2026."""
    store = Store(db)
    found = expected_units(
        store.observations(), ["GBR"], year=2026, sub=11, units=members(store.units())
    )
    return len(found["GBR"])


def _notes(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if ":material/schedule:" in c.value]


def test_the_units_expected_are_those_that_reported_in_the_last_twelve_months() -> None:
    """Hand-made, for 2026年1-11月: A reported November, B October, C only March, E
    November a year earlier, F October a year earlier (thirteen months before); D reported
    only S. Every unit with a figure in the twelve months before the period or in it is
    expected, as the quality page's reporting round expects it (C has stopped reporting:
    it is chased there and named here). In a peer group of A and C, both. December: E's
    figure is thirteen months old."""
    obs = pd.DataFrame(
        {
            "unit_code": ["A", "B", "C", "D", "E", "F", "A"],
            "indicator_code": ["R", "R", "R", "S", "R", "R", "R"],
            "freq": ["M", "M", "M", "M", "M", "M", "Y"],
            "year": [2026, 2026, 2026, 2026, 2025, 2025, 2026],
            "sub": [11, 10, 3, 11, 11, 10, 0],
            "value_kind": ["actual"] * 6 + ["target"],
            "value": 1.0,
        }
    )
    found = expected_units(obs, ["R", "S"], year=2026, sub=11)
    assert found == {"R": ("A", "B", "C", "E"), "S": ("D",)}
    assert expected_units(obs, ["R"], year=2026, sub=11, units=["A", "C"]) == {"R": ("A", "C")}
    assert expected_units(obs, ["R"], year=2026, sub=12) == {"R": ("A", "B", "C")}
    assert expected_units(obs, ["R"], year=2026, sub=1) == {"R": ("E", "F")}
    # October: F's figure of exactly twelve months before counts, A's later one does not
    assert expected_units(obs, ["R"], year=2026, sub=10) == {"R": ("B", "C", "E", "F")}
    assert expected_units(obs, ["R"], year=2024, sub=1) == {}
    # a unit is not expected before its first figure, nor for a figure with no value
    assert expected_units(obs, ["R"], year=2026, sub=2, units=["C"]) == {}
    assert expected_units(obs.assign(value=float("nan")), ["R"], year=2026, sub=11) == {}
    november = obs[(obs["year"] == 2026) & (obs["sub"] == 11) & (obs["indicator_code"] == "R")]
    assert unreported(november, ("A", "B")) == ("B",)
    assert unreported(november.assign(value=float("nan")), ("A", "B")) == ("A", "B")


def test_the_periods_that_make_a_unit_expected() -> None:
    """Thirteen months for a month, five quarters, three halves, two years."""
    months = expected_periods("M", 2026, 11)
    assert months[0] == (2025, 11) and months[-1] == (2026, 11) and len(months) == 13
    assert expected_periods("M", 2026, 1)[:2] == ((2025, 1), (2025, 2))
    assert expected_periods("Q", 2026, 3) == ((2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3))
    assert expected_periods("H", 2026, 1) == ((2025, 1), (2025, 2), (2026, 1))
    assert expected_periods("Y", 2026, 0) == ((2025, 0), (2026, 0))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_rankings_name_who_has_not_reported(
    november: tuple[Path, list[str], dict[str, str]], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    db, late, names = november
    at = _open(db, monkeypatch, "rankings", lang, indicator="GBR", period="2026-11")
    (note,) = _notes(at)
    if lang == "zh":
        assert f"{fmt.md(names[late[0]])}、{fmt.md(names[late[1]])}共2 个单位尚未报送" in note
        assert fmt.md("2026年1-11月") in note
    else:
        english = _names(db, "en")
        assert f"Not yet reported for {fmt.md('Jan-Nov 2026')}, so not ranked (2 units): " in note
        assert fmt.md(english[late[1]]) in note
    assert LATE_NAME not in note  # escaped: shown as typed, not as a link
    assert len(at.dataframe[0].value) == _expected(db) - 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_long_list_of_late_units_names_the_first_eight(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    late = _late(demo_db, 10)
    names = _names(demo_db, lang)
    at = _open(demo_db, monkeypatch, "rankings", lang, indicator="GBR", period="2026-11")
    (note,) = _notes(at)
    assert sum(fmt.md(names[u]) in note for u in late) == 8
    assert not any(fmt.md(names[u]) in note for u in late[8:])
    if lang == "zh":
        assert "等10 个单位尚未报送" in note and "另有2个未列出" in note
    else:
        assert note.startswith(
            f":material/schedule: Not yet reported for {fmt.md('Jan-Nov 2026')},"
        )
        assert "not ranked (10 units): " in note
        assert " and 2 more. Previous places and moves are counted among" in note


def test_the_overview_counts_the_units_expected(
    november: tuple[Path, list[str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, late, names = november
    at = _open(db, monkeypatch, "overview", "zh", indicator="GBR", period="2026-11")
    expected = _expected(db)
    ranked = at.metric[3].value
    assert ranked == f"{expected - 2} / {expected}", ranked
    (note,) = _notes(at)
    assert fmt.md(names[late[1]]) in note and "共2 个单位" in note


def test_the_wall_says_how_many_have_reported(
    november: tuple[Path, list[str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _, _ = november
    expected = _expected(db)
    zh = _open(db, monkeypatch, "meeting", "zh", indicator="GBR")
    assert f"已报 {expected - 2}/{expected} 个单位" in board_html(zh)
    en = _open(db, monkeypatch, "meeting", "en", indicator="GBR")
    assert f"{expected - 2} of {expected} units reported" in board_html(en)


STOPPED = "新设*街道*"
"""A unit an import created in the autumn, which reported September and nothing since."""


def _stopped_in_september(db: Path) -> None:
    """Add a unit that reported 2026年1-9月 of 地方一般公共预算收入 and nothing since."""
    september = Store(db).observations_in(
        indicators=["GBR"], value_kinds=["actual"], freqs=["M"], periods=[(2026, 9)]
    )
    admin_store(db).write_observations(
        september.iloc[[0]].assign(unit_code="NEW"),
        file_name="new.csv",
        new_units=pd.DataFrame({"code": ["NEW"], "name_zh": [STOPPED], "kind": ["街道"]}),
    )


@pytest.fixture
def stopped(demo_db: Path) -> tuple[Path, list[str]]:
    """The demo with :func:`_stopped_in_september`'s unit, and 2026年1-11月 from all
    others but one: the two units that owe November."""
    _stopped_in_september(demo_db)
    return demo_db, [*_late(demo_db, 1), "NEW"]


def test_a_unit_that_stopped_reporting_is_owed_alike_on_every_page(
    stopped: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reporting round (质量 page, 催报) chases the new unit for November, as it
    reported within the last twelve months: the rankings, the overview, the wall and the
    通报 name it too and count the same units expected, one rule everywhere."""
    db, owing = stopped
    store = Store(db)
    rows = oversight.reporting_round(store, "2026-11").progress.rows
    rows = rows[rows["indicator_code"] == "GBR"]
    assert set(rows.loc[rows["status"].isin(["missing", "not_due"]), "unit_code"]) == set(owing)
    expected = len(rows)
    assert expected == _expected(db)
    names = _names(db, "zh")
    at = _open(db, monkeypatch, "rankings", "zh", indicator="GBR", period="2026-11")
    (note,) = _notes(at)
    assert fmt.md(STOPPED) in note and fmt.md(names[owing[0]]) in note and "共2 个单位" in note
    at = _open(db, monkeypatch, "overview", "zh", indicator="GBR", period="2026-11")
    assert at.metric[3].value == f"{expected - 2} / {expected}"
    wall = _open(db, monkeypatch, "meeting", "zh", indicator="GBR")
    assert f"已报 {expected - 2}/{expected} 个单位" in board_html(wall)
    report = source.load(store, year=2026, sub=11, date=dt.date(2026, 12, 20))
    (section,) = [s for s in report.bulletin.sections if s.indicator == "GBR"]
    assert section.missing == tuple(sorted(owing))


def test_the_composite_names_a_unit_that_stopped_reporting(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """November of every indicator from every unit but one, and the unit that stopped in
    September: the composite ranks without both, on the rankings page and in the 通报."""
    _stopped_in_september(demo_db)
    store = Store(demo_db)
    october = store.observations_in(value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)])
    late = members(store.units())[0]
    admin_store(demo_db).write_observations(
        october[october["unit_code"] != late].assign(sub=11, value=lambda f: f["value"] * 1.1),
        file_name="november.csv",
    )
    at = _open(demo_db, monkeypatch, "rankings", "zh", tab="composite", period="2026-11")
    (note,) = _notes(at)
    names = _names(demo_db, "zh")
    assert fmt.md(STOPPED) in note and fmt.md(names[late]) in note and "共2 个单位" in note
    report = source.load(store, year=2026, sub=11, date=dt.date(2026, 12, 20))
    assert report.bulletin.composite_missing == tuple(sorted([late, "NEW"]))


@pytest.mark.parametrize("page", ["rankings", "overview", "meeting"])
def test_a_month_every_unit_has_reported_says_nothing_more(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    at = _open(demo_db, monkeypatch, page, "zh", indicator="GBR", period="2026-10")
    assert not _notes(at)
    if page == "meeting":
        assert "已报" not in board_html(at)
    if page == "overview":
        expected = _expected(demo_db)
        assert at.metric[3].value == f"{expected} / {expected}"


def test_a_peer_groups_ranking_counts_its_own_units(
    november: tuple[Path, list[str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a peer group without the late units nothing is missing; in the one with them,
    only its own units are counted."""
    db, late, _ = november
    units = Store(db).units()
    group_of = dict(zip(units["code"], units["peer_group"], strict=True))
    theirs = str(group_of[late[0]])
    others = sorted({str(g) for c, g in group_of.items() if c in members(units)} - {theirs})
    store = Store(db)
    expected = expected_units(
        store.observations(), ["GBR"], year=2026, sub=11, units=members(units, theirs)
    )["GBR"]
    missing = [u for u in late if u in expected]
    at = _open(db, monkeypatch, "meeting", "zh", indicator="GBR", group=theirs)
    board = board_html(at)
    assert f"已报 {len(expected) - len(missing)}/{len(expected)} 个单位" in board
    at = _open(db, monkeypatch, "rankings", "zh", indicator="GBR", period="2026-11", group=theirs)
    (note,) = _notes(at)
    assert f"共{len(missing)} 个单位尚未报送" in note
    if others:
        clear = [g for g in others if not set(members(units, g)) & set(late)]
        for group in clear[:1]:
            at = _open(db, monkeypatch, "meeting", "zh", indicator="GBR", group=group)
            assert "已报" not in board_html(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_composite_tab_names_the_units_it_ranks_without(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """November of every indicator from four units: the composite ranks them and says the
    twelve others have not reported every indicator; its workbook's notes name them."""
    store = Store(demo_db)
    october = store.observations_in(value_kinds=["actual"], freqs=["M"], periods=[(2026, 10)])
    early = list(members(store.units()))[:4]
    admin_store(demo_db).write_observations(
        october[october["unit_code"].isin(early)].assign(sub=11, value=lambda f: f["value"] * 1.1),
        file_name="november.csv",
    )
    at = _open(demo_db, monkeypatch, "rankings", lang, tab="composite", period="2026-11")
    (note,) = _notes(at)
    names = _names(demo_db, lang)
    late = [u for u in members(store.units()) if u not in early]
    if lang == "zh":
        assert "等12 个单位尚未报送全部指标" in note and "未参与综合排名" in note
    else:
        assert note.startswith(
            ":material/schedule: Not yet reported every indicator for "
            f"{fmt.md('Jan-Nov 2026')}, so not in the composite (12 units): "
        )
    assert sum(fmt.md(names[u]) in note for u in late) == 8
    assert len(at.dataframe[0].value) == 4


@pytest.mark.parametrize("by", ["completion", "growth"])
def test_a_unit_that_reported_but_cannot_be_ranked_is_named_with_why(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """东城街道 reported October but has no 2026 target (completion) or no figure a year
    earlier (growth): the rankings say why it has no place, its move is no 新 (it is not a
    new entry) on the page, the wall and in the workbook."""
    obs = Store(demo_db).observations(unit="JD01", indicator="GBR")
    if by == "completion":
        gone = obs[obs["value_kind"] == "target"]
    else:
        gone = obs[(obs["value_kind"] == "actual") & (obs["period"] == "2025-10")]
    con = duckdb.connect(str(demo_db))
    for r in gone.itertuples():
        con.execute(
            "DELETE FROM observations WHERE unit_code = ? AND indicator_code = ? AND freq = ?"
            " AND year = ? AND sub = ? AND value_kind = ?",
            [r.unit_code, r.indicator_code, r.freq, r.year, r.sub, r.value_kind],
        )
    con.close()  # a database of this test's own: no page has read it yet
    names = _names(demo_db, "zh")
    at = _open(demo_db, monkeypatch, "rankings", "zh", indicator="GBR", period="2026-10", by=by)
    notes = [c.value for c in at.caption if ":material/block:" in c.value]
    why = "未下达全年目标" if by == "completion" else "无上年同期数"
    assert len(notes) == 1 and fmt.md(names["JD01"]) in notes[0] and why in notes[0], notes
    english = _open(
        demo_db, monkeypatch, "rankings", "en", indicator="GBR", period="2026-10", by=by
    )
    (note,) = [c.value for c in english.caption if ":material/block:" in c.value]
    why = "no annual target" if by == "completion" else "no figure a year earlier"
    name = fmt.md(_names(demo_db, "en")["JD01"])
    assert note == f":material/block: Reported but not ranked, {why} (1 unit): {name}.", note
    table = at.dataframe[0].value
    row = table[table["单位"] == names["JD01"]].iloc[0]
    assert row["名次"] == "—" and row["进位"] == "—"
    wall = _open(demo_db, monkeypatch, "meeting", "zh", indicator="GBR", by=by)
    assert "新" not in board_html(wall)


def test_the_overview_says_why_a_short_ranking_has_no_last_places(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three units in: the first three are the 红榜, and the 黑榜 says why it is empty."""
    _late(demo_db, len(members(Store(demo_db).units())) - 3 - 1)  # three report November
    at = _open(demo_db, monkeypatch, "overview", "zh", indicator="GBR", period="2026-11")
    lists = [m.value for m in at.markdown if "黑榜" in m.value]
    assert len(lists) == 1 and "均已列入红榜，不列黑榜" in lists[0], lists
