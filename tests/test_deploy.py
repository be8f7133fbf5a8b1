"""The nginx example of ``deploy/nginx/bxgc.conf`` (two servers behind one address)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bxgc_metrics.importer.reading import UPLOAD_LIMIT_MB
from tests.conftest import ROOT

SITE = ROOT / "deploy" / "nginx" / "bxgc.conf"


def test_the_proxy_takes_uploads_up_to_the_upload_limit() -> None:
    text = SITE.read_text(encoding="utf-8")
    assert re.findall(r"^\s*client_max_body_size (\S+);", text, re.M) == [f"{UPLOAD_LIMIT_MB}m"]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    """``nginx -t`` on the site file as an ``http`` block includes it, with a throwaway
    certificate in place of the one it names."""
    key, cert = tmp_path / "bxgc.key", tmp_path / "bxgc.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=bxgc.example.gov.cn", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = SITE.read_text(encoding="utf-8").replace("/etc/nginx/tls/bxgc", str(tmp_path / "bxgc"))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
