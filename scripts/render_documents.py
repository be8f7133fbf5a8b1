"""Pictures of the documents for a person to look at: ``python scripts/render_documents.py``.

Builds a demo database the way ``make run`` does, writes the 排名通报 (.docx) and the
meeting deck (.pptx) for 2026-10 with the documents' own command, converts both to PDF
with LibreOffice and every page to PNG with pdftoppm, into ``screenshots/documents/``
(git-ignored). LibreOffice and poppler are not needed by the app or the tests; with
``--install`` the script installs Debian's ``libreoffice-writer-nogui``,
``libreoffice-impress-nogui`` and ``poppler-utils`` when they are missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("libreoffice-writer-nogui", "libreoffice-impress-nogui", "poppler-utils")


def _tools(install: bool) -> bool:
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        return True
    if not install:
        print("needs soffice and pdftoppm: run with --install, or apt-get install", *PACKAGES)
        return False
    sudo = [] if shutil.which("id") and subprocess.getoutput("id -u") == "0" else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
        check=True,
        env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "documents")
    parser.add_argument("--install", action="store_true", help="install LibreOffice if missing")
    args = parser.parse_args(argv)
    if not _tools(args.install):
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = work / "bxgc.duckdb"
        subprocess.run([sys.executable, "-m", "bxgc_metrics", "demo", "--db", str(db)], check=True)
        for name in ("通报.docx", "deck.pptx"):
            subprocess.run(
                [sys.executable, "-m", "bxgc_docs", "report", "--db", str(db),
                 "--period", "2026-10", "--out", str(work / name)],
                cwd=ROOT, check=True,
            )  # fmt: skip
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work),
                 str(work / name)],
                check=True, capture_output=True,
            )  # fmt: skip
            pdf = work / (Path(name).stem + ".pdf")
            prefix = args.out / Path(name).stem
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True)
    print("pages in", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
