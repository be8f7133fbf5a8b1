"""The :class:`Store`: one object per database file, its methods gathered from the parts.

Each part of :mod:`bxgc_metrics.store` contributes the methods of its concern (reference
tables, events, batches, observation reads, accounts), all built on
:class:`~bxgc_metrics.store.connection.Database`; what concerns the whole file (its
versions, the audit log, acting for someone else) is here.
"""

from __future__ import annotations

import pandas as pd

from bxgc_metrics import access
from bxgc_metrics.access import Actor
from bxgc_metrics.store import audit, migrations
from bxgc_metrics.store.accounts import Accounts
from bxgc_metrics.store.batches import Batches
from bxgc_metrics.store.connection import data_version, file_stamp, settled
from bxgc_metrics.store.events import Events
from bxgc_metrics.store.observations import Observations
from bxgc_metrics.store.quality import QualityRecords
from bxgc_metrics.store.reference import ReferenceTables


class Store(ReferenceTables, Events, Batches, Observations, QualityRecords, Accounts):
    """A DuckDB file of units, indicators and their observations.

    Parameters
    ----------
    path
        The database file; created (with the schema) on first use.
    timeout
        Seconds to keep retrying while another process holds the file.
    actor
        On whose behalf writes are made; the default, an anonymous viewer, may only read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from bxgc_metrics.store import LATEST
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "x.duckdb")
    >>> store.schema_version() == LATEST
    True
    """

    def as_actor(self, actor: Actor) -> Store:
        """The same file, acting for ``actor``."""
        other = Store(self.path, timeout=self.timeout, actor=actor, dsn=self.dsn or "")
        other._migrated = self._migrated
        return other

    # --- versions ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version (after any upgrade on open)."""
        if self.dsn is not None:
            return self._pg().schema_version()
        with self._connection() as con:
            return migrations.version(con)

    def data_version(self) -> int:
        """A counter that grows with every committed write; cheap to poll (in PostgreSQL
        mode, as this server's listening connection last heard it)."""
        if self.dsn is not None:
            return self._pg().version().data
        # Opening the file costs tens of milliseconds; an unchanged, settled file stamp
        # (read before the version, so a write in between makes it stale) answers instead.
        stamp = file_stamp(self.path)
        known = getattr(self, "_known_version", None)
        if known is not None and known[0] == stamp:
            return known[1]
        with self._connection() as con:
            version = data_version(con)
        if settled(stamp):
            self._known_version = (stamp, version)
        return version

    # --- audit log (append-only) ------------------------------------------------------------

    def append_audit(
        self, action: str, target: str | None = None, before: object = None, *, after: object = None
    ) -> None:
        """Record an event that changes no data (a sign-in, a restore) under this actor."""
        with self._transaction(bump=False) as con:
            self._audit(con, action, target, before=before, after=after)

    def audit_log(
        self, *, action: str | None = None, limit: int | None = None, offset: int = 0
    ) -> pd.DataFrame:
        """The audit log, newest first (admins only): every row, or ``limit`` rows after
        the newest ``offset`` (a page; :meth:`audit_count` says how many there are).

        Columns: ``id, logged_at, who, action, target, before_json, after_json``.
        """
        access.require(self.actor, "audit")
        with self._primary_read() as con:
            return audit.page(con, action, limit=limit, offset=offset)

    def audit_count(self, *, action: str | None = None) -> int:
        """How many rows the audit log has (of ``action``, if given; admins only)."""
        access.require(self.actor, "audit")
        with self._primary_read() as con:
            return audit.count(con, action)
