"""Cached loaders between the pages and the store.

Reads are cached per database file and *data version*, a counter the store raises with
every committed write, so an import invalidates every page's cache at once and the
meeting screen notices new data by polling one cheap number.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bxgc_metrics.store import Store, default_path


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The store for ``BXGC_DB`` (or ``data/bxgc.duckdb``)."""
    return _store(str(default_path()))


def version() -> int:
    """The current data version; read once per page run."""
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=4)
def units(path: str, data_version: int) -> pd.DataFrame:
    """All units (cached until the data changes)."""
    return _store(path).units()


@st.cache_data(show_spinner=False, max_entries=4)
def indicators(path: str, data_version: int) -> pd.DataFrame:
    """All indicators (cached until the data changes)."""
    return _store(path).indicators()


@st.cache_data(show_spinner=False, max_entries=4)
def observations(path: str, data_version: int) -> pd.DataFrame:
    """Every observation with its period label (cached until the data changes)."""
    return _store(path).observations()


def snapshot() -> tuple[str, int]:
    """The cache key for this run: database path and data version."""
    return str(store().path), version()
