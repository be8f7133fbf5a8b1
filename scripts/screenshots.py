"""Screenshots of every page for a person to look at: ``python scripts/screenshots.py``.

Builds a demo database the way ``make run`` does, serves the dashboard on a loopback port,
signs in as an admin and shoots every page in Chinese and English at 1440 px and on a
phone (390 px), plus the meeting-room kiosk at 1280×720, 1366×768, 1920×1080 and
3840×2160. The PNGs land in
``screenshots/review/`` (git-ignored). Needs what ``make test`` installs (Chromium, fonts).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bxgc_metrics.access import Actor  # noqa: E402
from bxgc_metrics.store import Store  # noqa: E402
from tests.browser.support import launch_browser, screenshot, serve_app, wait_for_app  # noqa: E402

PAGES = ["", "catchup", "rankings", "upload", "meeting", "gaps", "campaign", "settings", "admin"]
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
KIOSK = "meeting?embed=true&embed_options=dark_theme&every=600"
WALLS = {
    "kiosk-720p": {"width": 1280, "height": 720},
    "kiosk-768p": {"width": 1366, "height": 768},
    "kiosk-1080p": {"width": 1920, "height": 1080},
    "kiosk-2160p": {"width": 3840, "height": 2160},
}
PASSWORD = "review-2026"


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/signin")
    wait_for_app(page)
    form = page.locator('form[action="/auth/signin"]')
    form.locator('input[name="username"]').fill("reviewer")
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    wait_for_app(page)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "review")
    parser.add_argument("--pages", nargs="*", default=PAGES, help="page paths ('' = home)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bxgc.duckdb"
        subprocess.run(
            [sys.executable, "-m", "bxgc_metrics", "demo", "--db", str(db)], cwd=ROOT, check=True
        )
        Store(db, actor=Actor("setup", "admin", operator=True)).create_user(
            "reviewer", PASSWORD, "admin"
        )
        with serve_app(db) as url, sync_playwright() as playwright:
            browser = launch_browser(playwright)
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
                page = context.new_page()
                page.set_default_timeout(60_000)
                _sign_in(page, url)
                for lang in ("zh", "en"):
                    for path in args.pages:
                        page.goto(f"{url}/{path}?lang={lang}")
                        wait_for_app(page, settle_ms=800)
                        name = path or "overview"
                        screenshot(page, args.out / size / lang / f"{name}.png")
                        print(f"{size}/{lang}/{name}.png")
                context.close()
            for size, viewport in WALLS.items():
                page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
                page.goto(f"{url}/{KIOSK}")
                wait_for_app(page, settle_ms=1500)
                page.screenshot(path=str(args.out / f"{size}.png"))  # what the wall shows
                print(f"{size}.png")
                page.close()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
