"""The indicator store: the only code that talks to DuckDB.

:class:`Store` is the one way in: it owns the database file, runs every statement as a
constant string with parameters (identifiers never come from data) and hands back frames
and small frozen results. Driver errors leave it as
:class:`~bxgc_metrics.errors.StoreError` subclasses with a message in Chinese and English.

A store acts for an :class:`~bxgc_metrics.access.Actor` (by default an anonymous viewer).
Every write method checks the actor's role before it opens the file and appends a row to
the audit log in the same transaction as the change, so a change and its record are
written together or not at all.

The parts, one concern each:

- :mod:`~bxgc_metrics.store.connection` opens the file for each call, retries while
  another process holds it, shares one opening among reads, runs transactions under the
  write lock and is the one place driver errors become the project's errors.
- :mod:`~bxgc_metrics.store.migrations` holds the schema as ordered migrations and brings
  an older file up to date on open.
- :mod:`~bxgc_metrics.store.reference` keeps units, indicators, pairs, gaps, phases,
  milestones, settings, reward rules and import profiles.
- :mod:`~bxgc_metrics.store.events` keeps the dated events drawn on the trajectory charts
  (政策出台、项目投产、口径调整), checked before they are written.
- :mod:`~bxgc_metrics.store.batches` prepares, previews, writes and undoes batches of
  observations.
- :mod:`~bxgc_metrics.store.observations` reads observations: filtered, scoped to a page
  view, as coverage, the latest actual period and the long export.
- :mod:`~bxgc_metrics.store.quality` reads every figure's history of writes (first
  reports and revisions) and keeps the data-quality rules and the flags people checked.
- :mod:`~bxgc_metrics.store.accounts` keeps users and passwords, throttles sign-ins and
  holds sessions and wall-screen tokens.
- :mod:`~bxgc_metrics.store.audit` appends to and reads the append-only audit log.
- :mod:`~bxgc_metrics.store.backup` takes, prunes and lists backups of the file.
- :mod:`~bxgc_metrics.store.restoring` puts a backup back in place of the file, moving its
  versions and ids forward and keeping every audit row.
- :mod:`~bxgc_metrics.store.moving` copies the whole database from the file into an empty
  PostgreSQL database or back into a new file, both databases checking every table.
- :mod:`~bxgc_metrics.store.facade` gathers the parts' methods into :class:`Store`.

The dataframe and Arrow details of the import's hot path (key coding, categorical text,
Arrow preparation) live in :mod:`bxgc_metrics._columnar`, which knows nothing of DuckDB.
"""

from __future__ import annotations

from bxgc_metrics._columnar import categorical_text
from bxgc_metrics.store.backup import RESTORE_COMMAND, backup_time, backups
from bxgc_metrics.store.batches import (
    OBSERVATION_COLUMNS,
    OBSERVATION_KEY,
    BatchResult,
    PreparedObservations,
    UndoPreview,
)
from bxgc_metrics.store.connection import DEFAULT_DB, default_path
from bxgc_metrics.store.events import EVENT_COLUMNS, EVENT_KINDS, Event
from bxgc_metrics.store.facade import Store
from bxgc_metrics.store.migrations import LATEST, MIGRATIONS
from bxgc_metrics.store.quality import REVIEW_COLUMNS, WRITE_COLUMNS
from bxgc_metrics.store.reference import GAP_COLUMNS, INDICATOR_COLUMNS, UNIT_COLUMNS
from bxgc_metrics.store.restoring import Restored, restore

__all__ = [
    "DEFAULT_DB",
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "GAP_COLUMNS",
    "INDICATOR_COLUMNS",
    "LATEST",
    "MIGRATIONS",
    "OBSERVATION_COLUMNS",
    "OBSERVATION_KEY",
    "RESTORE_COMMAND",
    "REVIEW_COLUMNS",
    "UNIT_COLUMNS",
    "WRITE_COLUMNS",
    "BatchResult",
    "Event",
    "PreparedObservations",
    "Restored",
    "Store",
    "UndoPreview",
    "backup_time",
    "backups",
    "categorical_text",
    "default_path",
    "restore",
]
