"""The routine month, end to end in Chromium, on a freshly made database.

An analyst signs in, uploads a report sheet whose unit line names two measures
(``单位：万元、%``) and that creates two new units, and commits. The kiosk screen, open the
whole time, shows the new units within one refresh and no error. Every unit's place and
move read the same on the kiosk, on the rankings page and in the rankings workbook
(read back with calamine). The analyst undoes the batch after confirming it, the kiosk
returns to the ranking it showed before, and the two units the batch created are gone.

Screenshots: ``screenshots/month/*.png`` (git-ignored).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlsxwriter
from playwright.sync_api import Browser, BrowserContext, Page, expect
from python_calamine import CalamineWorkbook

from tests.browser.support import (
    BROWSER_MARKS,
    CUT_JS,
    ROOT,
    RUN_TIMEOUT_MS,
    SHOTS,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)
from tests.conftest import admin_store

pytestmark = BROWSER_MARKS
PASSWORD = "Zhou-2026-month"
EVERY = 5
KIOSK = f"meeting?embed=true&embed_options=dark_theme&every={EVERY}&indicator=FAI&by=completion"
NEW_UNITS = ("滨海街道", "龙湾镇")
Place = tuple[str, int, int | None]  # (unit name, place, places gained; None when new)

KIOSK_JS = """() => {
  const rows = [...document.querySelectorAll('.bxgc-row')];
  return rows.length ? rows.map(r => `${r.dataset.rank}  ${r.dataset.unit}  ${r.dataset.move}`) : null;
}"""
RACE_JS = """() => [...document.querySelectorAll('.bxgc-row')].map(r => r.dataset.unit).join(' ')"""
RANKING_JS = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  return plot && plot.data ? [plot.data[0].y, plot.data[0].text] : null;
}"""


def _report_sheet() -> bytes:
    """A 1-10月 report on fixed-asset investment: title, a two-measure unit line, merged
    headers, 序号, and two units the database does not know (one far ahead, one far behind)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("1-10月")
    sheet.merge_range("A1:E1", "2026年1-10月各街道（乡镇）固定资产投资完成情况")
    sheet.write("A2", "单位：万元、%")
    sheet.merge_range("A3:A4", "序号")
    sheet.merge_range("B3:B4", "单位")
    sheet.merge_range("C3:E3", "固定资产投资")
    sheet.write_row("C4", ["全年目标", "1-10月累计", "完成率"])
    rows = [("滨海街道", 100_000.0, 150_000.0), ("龙湾镇", 200_000.0, 10_000.0)]
    for i, (name, target, ytd) in enumerate(rows, start=1):
        sheet.write_row(i + 3, 0, [i, name, f"{target:,.0f}", ytd, f"{ytd / target:.1%}"])
    sheet.write(6, 0, "注：数据来源于各单位报送。")
    book.close()
    return buf.getvalue()


def _move(text: str) -> int | None:
    """▲2 → 2, ▼1 → -1, – → 0, 新 / nothing → None."""
    found = re.search(r"([▲▼])(\d+)", text)
    if found:
        return int(found[2]) * (1 if found[1] == "▲" else -1)
    return 0 if "–" in text else None


def _kiosk_places(page: Page) -> list[Place]:
    page.wait_for_function(f"({KIOSK_JS})() !== null", timeout=RUN_TIMEOUT_MS)
    out = []
    for label in page.evaluate(KIOSK_JS):
        rank, name, *rest = [p for p in label.split("  ") if p]
        out.append((name.strip(), int(rank), _move(" ".join(rest))))
    return out


def _rankings_places(page: Page) -> list[Place]:
    page.wait_for_function(f"({RANKING_JS})() !== null", timeout=RUN_TIMEOUT_MS)
    labels, texts = page.evaluate(RANKING_JS)
    out = []
    for label, text in zip(labels, texts, strict=True):
        rank, name = label.split(". ", 1)
        out.append((name, int(rank), _move(text)))
    return sorted(out, key=lambda p: (p[1], p[0]))


def _workbook_places(data: bytes) -> list[Place]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    head = next(i for i, r in enumerate(rows) if "名次" in r and "进位" in r)
    columns = rows[head]
    at = {c: columns.index(c) for c in ("名次", "进位", "单位")}
    out = []
    for row in rows[head + 1 :]:
        if row[at["名次"]] in ("", None):
            continue
        move = row[at["进位"]]
        out.append((str(row[at["单位"]]), int(row[at["名次"]]),
                    None if move == "新" else int(move)))  # fmt: skip
    return sorted(out, key=lambda p: (p[1], p[0]))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A database made as ``make run`` makes it (the demo command), and an analyst."""
    db = tmp_path / "bxgc.duckdb"
    subprocess.run(
        [sys.executable, "-m", "bxgc_metrics", "demo", "--db", str(db), "--if-missing"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    admin_store(db).create_user("zhou", PASSWORD, "analyst")
    with serve_app(db) as url:
        yield url, db


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, settle_ms=500)


def _sign_in(page: Page, url: str) -> None:
    _open(page, f"{url}/signin")
    form = page.locator('form[action="/auth/signin"]')
    form.locator('input[name="username"]').fill("zhou")
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    wait_for_app(page)
    assert "zhou" in page.get_by_test_id("stSidebar").inner_text()


def _upload_and_commit(page: Page, url: str, tmp: Path) -> None:
    _open(page, f"{url}/upload")
    page.get_by_text("未知的单位、指标按新建处理").click()
    wait_for_app(page)
    sheet = tmp / "1-10月固定资产投资.xlsx"
    sheet.write_bytes(_report_sheet())
    page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(sheet)
    wait_for_app(page, settle_ms=800)
    assert not page_errors(page), page_errors(page)
    expect(page.get_by_text("本次导入将新建 2 个单位、0 个指标")).to_be_visible()
    page.set_viewport_size({"width": 1024, "height": 768})  # a laptop, the sidebar open
    page.wait_for_timeout(300)
    assert not page.evaluate(CUT_JS)  # the counts of new, changed and unchanged figures whole
    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot(page, SHOTS / "month" / "upload-preview.png")
    page.get_by_role("button", name="确认导入").click()
    wait_for_app(page, settle_ms=500)
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("已导入")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)  # the wizard left


def _wait_for(page: Page, check, seconds: float) -> list[Place]:
    deadline = time.monotonic() + seconds
    places = _kiosk_places(page)
    while time.monotonic() < deadline and not check(places):
        page.wait_for_timeout(500)
        places = _kiosk_places(page)
    return places


def test_the_routine_month(served: tuple[str, Path], context: BrowserContext, tmp_path) -> None:
    url, db = served
    kiosk = context.new_page()
    kiosk.set_viewport_size({"width": 1920, "height": 1080})
    kiosk_errors: list[str] = []
    kiosk.on("pageerror", lambda error: kiosk_errors.append(str(error)))
    _open(kiosk, f"{url}/{KIOSK}")
    before = _kiosk_places(kiosk)
    assert not {n for n, _, _ in before} & set(NEW_UNITS)
    race = context.new_page()  # the ranking race, playing on a second wall
    race.set_viewport_size({"width": 1920, "height": 1080})
    _open(race, f"{url}/{KIOSK}&carousel=race")
    assert "龙湾镇" not in race.evaluate(RACE_JS)

    analyst = context.new_page()
    _sign_in(analyst, url)
    _upload_and_commit(analyst, url, tmp_path)
    groups = admin_store(db).units().set_index("name_zh").loc[list(NEW_UNITS), "peer_group"]
    assert groups.tolist() == ["城区街道", "乡镇"]  # each in the group of its kind

    # the kiosk picks the batch up within one refresh (plus the time a run takes)
    after = _wait_for(kiosk, lambda p: set(NEW_UNITS) <= {n for n, _, _ in p}, 2 * EVERY + 10)
    assert set(NEW_UNITS) <= {n for n, _, _ in after}, after
    assert after[0][0] == "滨海街道" and after[-1][0] == "龙湾镇"  # 150 % first, 5 % last
    # the ranking race has taken the batch in too: its latest month has both
    race.wait_for_function(f"({RACE_JS})().includes('龙湾镇')", timeout=(2 * EVERY + 10) * 1000)
    race.close()
    assert not page_errors(kiosk) and not kiosk_errors, (page_errors(kiosk), kiosk_errors)
    screenshot(kiosk, SHOTS / "month" / "kiosk-after-import.png")

    # the rankings page and its workbook give every unit the same place and move
    _open(analyst, f"{url}/rankings")
    shown = _rankings_places(analyst)
    assert shown == sorted(after, key=lambda p: (p[1], p[0]))
    with analyst.expect_download() as download:
        analyst.get_by_role("button", name="导出 Excel").first.click()
    exported = _workbook_places(Path(download.value.path()).read_bytes())
    assert exported == shown
    screenshot(analyst, SHOTS / "month" / "rankings.png")

    # undo, after confirming; the kiosk returns to the ranking it showed before
    _open(analyst, f"{url}/upload")
    analyst.get_by_role("tab", name="导入记录与撤销").click()
    wait_for_app(analyst)
    expect(analyst.get_by_text("撤销批次 2 将删除它新增的")).to_be_visible()
    expect(analyst.get_by_text("同时删除该批次新建的单位和指标")).to_be_visible()
    analyst.get_by_role("button", name="撤销该批次…").click()
    wait_for_app(analyst)
    dialog = analyst.get_by_role("dialog")
    expect(dialog).to_contain_text("批次 2")
    screenshot(analyst, SHOTS / "month" / "undo-confirm.png")
    dialog.get_by_role("button", name="确认撤销").click()
    wait_for_app(analyst, settle_ms=500)
    expect(analyst.get_by_test_id("stAlertContentSuccess").first).to_contain_text("已撤销")

    restored = _wait_for(kiosk, lambda p: p == before, 2 * EVERY + 10)
    assert restored == before
    assert not set(NEW_UNITS) & set(admin_store(db).units()["name_zh"])  # the undo took them
    assert not page_errors(kiosk) and not kiosk_errors
