"""Whose turn it is to open a database file, between processes.

DuckDB lets one process at a time hold a file, and refuses the others at once: it does not
queue them. The store retries a refused opening, but a process that reopens the file the
moment it closes it (a server answering many reads, an importer, a script writing the
audit log in a loop) leaves it free for microseconds at a time, and a retry rarely lands
in them: a restore or an import could wait out its whole timeout beside such a loop.

So a process refused by another claims the next turn: an exclusive ``flock`` on the file
``<database>.turn`` beside the database, held until its own opening succeeds or it gives
up. Every opening first checks for a claim with a shared lock, taken and dropped around
the opening itself; while a claim stands, openings elsewhere wait as if the file were
held, and the process holding the file finishes what it is doing and closes it. The
operating system drops a claim when its process ends, however it ends.

The turn file is made only by a process that was refused, so a database nobody contends
for has none. Where it cannot be made or opened (a directory that cannot be written, a
file system without ``flock``), openings wait and retry as they would without turns.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

_SUFFIX = ".turn"


class TurnTakenError(Exception):
    """Another process has claimed the next turn to open the file: wait, then retry."""


class Turn:
    """This process's place in the queue for one database file (one per opening; not
    shared between threads)."""

    __slots__ = ("_claim", "_db", "_path")

    def __init__(self, db: Path) -> None:
        self._db = db
        self._path: Path | None = None
        self._claim: int | None = None

    def _file(self) -> Path:
        """The turn file, found from the database's real path (one file however a process
        names the database, through a link or not); worked out only when an opening
        really attaches, not for one that shares the file already attached."""
        if self._path is None:
            db = self._db.resolve()
            self._path = db.with_name(db.name + _SUFFIX)
        return self._path

    @property
    def claimed(self) -> bool:
        """Whether this opening holds the claim to the next turn."""
        return self._claim is not None

    def check(self) -> int | None:
        """Before a real opening: raise :class:`TurnTakenError` while another process's claim
        stands; else a descriptor holding a shared lock, to :meth:`done` once the opening
        is over (``None`` when there is nothing to hold)."""
        if self._claim is not None:
            return None
        try:
            fd = os.open(self._file(), os.O_RDONLY | os.O_CLOEXEC)
        except OSError:  # no turn file: nobody has ever had to wait for this database
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise TurnTakenError from None
        except OSError:  # the file system has no flock
            os.close(fd)
            return None
        return fd

    @staticmethod
    def done(fd: int | None) -> None:
        """The opening :meth:`check` let through is over: let go of the shared lock."""
        if fd is not None:
            os.close(fd)

    def claim(self) -> None:
        """After a refusal by another process: claim the next turn, unless another
        process has claimed it (then this one waits as before, and tries again after)."""
        if self._claim is not None:
            return
        try:
            fd = os.open(self._file(), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # claimed elsewhere, an opening is checking it, or no flock
            os.close(fd)
            return
        self._claim = fd

    def release(self) -> None:
        """Give the claim up: after this process's opening succeeded, or it gave up."""
        if self._claim is not None:
            os.close(self._claim)
            self._claim = None
