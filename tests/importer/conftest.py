"""Fixtures shared by the importer's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bxgc_metrics.store import Store
from tests.conftest import admin_store


@pytest.fixture(scope="module")
def store(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One demo database per test module for tests that only analyse (nothing is
    committed)."""
    path = tmp_path_factory.mktemp("analysing") / "bxgc.duckdb"
    shutil.copy(demo_db_template, path)
    return admin_store(path)
