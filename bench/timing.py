"""Medians of repeated runs, with set-up outside the timed part."""

from __future__ import annotations

import gc
import math
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


QUICK_BUDGET = 3.0
"""Seconds of runs after which :func:`in_turns` and :func:`runs_within` stop adding runs
beyond the least asked for."""

QUICK_MOST = 15
"""The most runs :func:`in_turns` and :func:`runs_within` take of a quick operation."""


def _more(done: int, spent: float, least: int, budget: float, cap: float) -> bool:
    """Whether another run is taken after ``done`` runs of ``spent`` seconds: until
    ``least`` (unless ``cap`` seconds are spent), then up to :data:`QUICK_MOST` while
    within ``budget``."""
    return (done < least and spent < cap) or (done < QUICK_MOST and spent < budget)


def runs_within(
    action: Callable[[Any], object],
    least: int,
    prepare: Callable[[], Any] | None = None,
    *,
    budget: float = QUICK_BUDGET,
    cap: float = math.inf,
) -> list[float]:
    """Seconds of runs of ``action(prepare())``: at least ``least`` (fewer only once
    ``cap`` seconds are spent), and more, up to :data:`QUICK_MOST`, while their time
    stays within ``budget``. A quick operation's median then rests on enough runs that
    one slow run (a collection, another process waking) does not move it, and a slow one
    still takes ``least`` runs only."""
    out: list[float] = []
    while _more(len(out), sum(out), least, budget, cap):
        out += times(action, 1, prepare)
    return out


def in_turns(
    action: Callable[[Any], object],
    reference: Callable[[Any], object],
    least: int,
    prepare: Callable[[], Any] | None = None,
    *,
    budget: float = QUICK_BUDGET,
) -> tuple[float, float]:
    """The medians of ``action(prepare())`` and ``reference(None)``, run in turns (one of
    each, then again): a ratio of the two is then taken under the same load, where timing
    one and then the other lets a change in the machine's load between them move the
    ratio. At least ``least`` pairs, more as :func:`runs_within` adds them (``budget``
    counts both)."""
    mine: list[float] = []
    theirs: list[float] = []
    while _more(len(mine), sum(mine) + sum(theirs), least, budget, math.inf):
        mine += times(action, 1, prepare)
        theirs += times(reference, 1)
    return statistics.median(mine), statistics.median(theirs)
