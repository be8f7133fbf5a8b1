"""The page each address of the app answers with: Streamlit's own ``index.html`` with the
server's address set first, for every page and nothing else."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit import file_util

from bxgc_ui import entry
from tests.conftest import ROOT


def _client() -> TestClient:
    return TestClient(Starlette(routes=entry.ROUTES))


def test_every_page_address_answers_with_streamlits_page_and_the_server_address() -> None:
    streamlit_page = (Path(file_util.get_static_dir()) / "index.html").read_bytes()
    pages = {p.stem for p in (ROOT / "pages").glob("*.py")}
    assert {""} | pages == set(entry.ADDRESSES)
    with _client() as client:
        for address in entry.ADDRESSES:
            got = client.get(f"/{address}?unit=JD03&lang=en")
            assert got.status_code == 200, address
            assert got.headers["content-type"].startswith("text/html")
            assert got.headers["cache-control"] == "no-cache"
            html = got.text
            # the setting comes before Streamlit's scripts, which read it once on load
            assert html.index(entry.SERVER_AT) < html.index('<script type="module"')
            assert html.replace(f"\n    {entry.SERVER_AT}", "", 1).encode() == streamlit_page
            assert client.head(f"/{address}").status_code == 200


def test_other_addresses_are_left_to_streamlit() -> None:
    with _client() as client:
        for address in ("/static/js/x.js", "/_stcore/health", "/catchup/_stcore/health", "/x"):
            assert client.get(address).status_code == 404, address
