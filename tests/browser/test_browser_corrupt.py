"""A damaged database in a real browser: the server starts, and every page opened shows
the restore page (the command and the backups, no traceback, no server path).

Screenshots: ``screenshots/corrupt/*.png`` (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from bxgc_metrics.store import backups
from tests import damage
from tests.browser.support import (
    BROWSER_MARKS,
    SHOTS,
    launch_browser,
    page_errors,
    screenshot,
    serve_app,
    wait_for_app,
)
from tests.conftest import admin_store

pytestmark = BROWSER_MARKS
RESTORE = "python -m bxgc_metrics restore --latest"
PAGES = ["", "rankings", "upload", "signin", "meeting?embed=true&embed_options=dark_theme"]


def test_a_damaged_database_starts_the_server_and_every_page_says_how_to_restore(
    demo_db: Path,
) -> None:
    store = admin_store(demo_db)
    frame = store.observations(unit="JD01", indicator="FAI").head(1).assign(value=1.0)
    store.write_observations(frame, file_name="one.csv")
    backup = backups(demo_db)[0]
    damage.truncate(0.5)(demo_db)
    with serve_app(demo_db) as url, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in PAGES:
            page.goto(f"{url}/{path}")
            wait_for_app(page)
            body = page.locator("body").inner_text()
            assert RESTORE in body, path
            assert backup.name in body and demo_db.name in body
            assert str(demo_db.parent) not in body and "Traceback" not in body
            assert not page.locator('[data-testid="stException"]').count()
            assert all(demo_db.name in e for e in page_errors(page)), path  # only its own
            screenshot(page, SHOTS / "corrupt" / f"{path.split('?')[0] or 'overview'}.png")
        browser.close()
