"""The dashboard listens on the loopback interface unless told otherwise.

``.streamlit/config.toml`` sets ``server.address = "127.0.0.1"`` and ``make run`` passes
its ``ADDRESS`` (default the same); the README shows how to put a reverse proxy in front.
The served process is checked by the socket it actually listens on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

from tests.browser.support import free_port
from tests.conftest import ROOT


def test_the_config_binds_to_loopback() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


def test_make_run_binds_to_loopback_unless_given_an_address() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^ADDRESS \?= 127\.0\.0\.1$", makefile, re.M)
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "--server.address $(ADDRESS)" in run


def _listening(port: int) -> set[str]:
    """The local addresses (hex, as /proc shows them) of sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_the_served_dashboard_listens_on_loopback_only(demo_db: Path) -> None:
    port = free_port()
    # No --server.address: the config file decides.
    cmd = [
        sys.executable, "-m", "bxgc_ui.serve",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "BXGC_DB": str(demo_db)}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server never listened"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as r:
            assert r.read().decode().strip() == "ok"
        # 0100007F is 127.0.0.1 (little-endian hex); a wildcard would be all zeros.
        assert _listening(port) == {"0100007F"}
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
