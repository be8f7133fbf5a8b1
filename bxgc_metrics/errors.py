"""The project's own exceptions.

Every error a user can meet carries its message in Chinese and in English, so the
dashboard shows it in the reader's language and the command line prints both.
"""

from __future__ import annotations

import math


class BxgcError(Exception):
    """Base class: an error with a Chinese and an English message."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        """The message in Chinese."""
        self.en = en
        """The message in English."""

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en


class StoreError(BxgcError):
    """The database refused an operation or could not be read."""


class StoreBusyError(StoreError):
    """Another process held the database longer than we were willing to wait."""


class SchemaTooNewError(StoreError):
    """The file was written by a newer release than this one."""


class CorruptDatabaseError(StoreError):
    """The file is not a readable DuckDB database."""


class BatchConflictError(StoreError):
    """An undo would overwrite values that a later batch wrote."""


class ValidationError(BxgcError):
    """Input data broke a rule; nothing was written."""


class PermissionDeniedError(StoreError):
    """The acting user's role does not allow this change; nothing was written."""


class MoveRefusedError(StoreError):
    """A move between the embedded file and PostgreSQL was refused before anything was
    written: the target already holds data, or the source is not a database to move."""


class CopyMismatchError(StoreError):
    """After a move, a table on the target differs from the source (row count or checksum);
    the target's transaction was rolled back."""


class TooManyAttemptsError(BxgcError):
    """Too many failed sign-ins for this account or address: wait before trying again."""

    def __init__(self, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        super().__init__(
            f"登录失败次数过多，请 {seconds} 秒后再试。",
            f"Too many failed sign-ins; try again in {seconds} seconds.",
        )
        self.wait = wait
        """Seconds until the next attempt is allowed."""
