"""Medians of repeated runs, with set-up outside the timed part."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any


def times(
    action: Callable[[Any], object],
    repeats: int,
    prepare: Callable[[], Any] | None = None,
) -> list[float]:
    """Seconds of each of ``repeats`` runs of ``action(prepare())``; ``prepare`` is not timed."""
    out = []
    for _ in range(repeats):
        given = prepare() if prepare is not None else None
        gc.collect()
        start = time.perf_counter()
        action(given)
        out.append(time.perf_counter() - start)
    return out


def median(
    action: Callable[[Any], object],
    repeats: int,
    prepare: Callable[[], Any] | None = None,
) -> float:
    """The median seconds of :func:`times`."""
    return statistics.median(times(action, repeats, prepare))
