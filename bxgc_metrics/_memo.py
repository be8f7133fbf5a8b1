"""Remembering what a function made of a short text.

The importer reads the same headings, names and figures again and again: within a file
(every rule that looks at a heading reads it) and from month to month (next month's
report has the same headings and units). Pure functions of one such text remember their
results. A file's text is data, though, and a cell may hold 32,767 characters: a cache
that kept any text would let a few files of long, distinct texts hold gigabytes for the
life of the server. So only texts of at most :data:`LONGEST` characters are remembered,
and at most ``maxsize`` of them; a longer text is worked out each time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

LONGEST = 256
"""The longest text remembered (a heading, a unit's name and a figure are far shorter)."""

A = TypeVar("A")
R = TypeVar("R")


def short_texts(maxsize: int) -> Callable[[Callable[[A], R]], Callable[[A], R]]:
    """``functools.lru_cache(maxsize)`` for a function of one argument, used only when it
    is a text of at most :data:`LONGEST` characters (the cache's ``cache_info`` and
    ``cache_clear`` are the function's).

    >>> @short_texts(8)
    ... def shout(text: object) -> str:
    ...     return str(text).upper()
    >>> shout("ab"), shout("ab"), shout("x" * 300)[:3], shout(None)
    ('AB', 'AB', 'XXX', 'NONE')
    >>> shout.cache_info().hits, shout.cache_info().currsize  # type: ignore[attr-defined]
    (1, 1)
    """

    def wrap(fn: Callable[[A], R]) -> Callable[[A], R]:
        cached = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(text: A) -> R:
            if isinstance(text, str) and len(text) <= LONGEST:
                return cached(text)
            return fn(text)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return wrap
