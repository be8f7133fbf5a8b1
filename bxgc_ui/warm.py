"""Load the catch-up page's slow libraries once per server, in the background."""

from __future__ import annotations

import importlib
import threading

import streamlit as st

SLOW_MODULES = ("crepes", "statsmodels.tsa.exponential_smoothing.ets", "scipy.stats")
"""What the catch-up page's bands and models import on first use (crepes brings
scikit-learn): about 3 s on a 2-core machine, which the first visit would otherwise wait."""


def _load() -> None:
    for name in SLOW_MODULES:
        importlib.import_module(name)


@st.cache_resource(show_spinner=False)
def slow_imports() -> threading.Thread:
    """Start importing :data:`SLOW_MODULES` in a background thread, once per server
    process (a page that needs one first waits for the import under way)."""
    thread = threading.Thread(target=_load, name="bxgc-slow-imports", daemon=True)
    thread.start()
    return thread
