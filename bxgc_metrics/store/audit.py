"""The audit log: append-only, one row per change or notable event.

Every write appends its row in the same transaction as the change, so a change and its
record are written together or not at all. This module has an INSERT for the log
and SELECTs, and nothing that updates or deletes it; every text is capped, since a name
may be anything a stranger typed into the sign-in form.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from bxgc_metrics import access

_APPEND = """
    INSERT INTO audit_log (who, action, target, before_json, after_json)
    VALUES (?, ?, ?, ?, ?)
"""
"""Appends one row; :func:`row` gives its parameters."""
_SELECT = """
    SELECT id, logged_at, who, action, target, before_json, after_json FROM audit_log
    WHERE ($action IS NULL OR action = $action) ORDER BY id DESC LIMIT $limit OFFSET $offset
"""
"""A page of the log, newest first, of one action or all."""
_COUNT = "SELECT count(*) FROM audit_log WHERE ($action IS NULL OR action = $action)"


def append(
    con: duckdb.DuckDBPyConnection,
    who: str,
    action: str,
    *,
    target: str | None = None,
    before: object = None,
    after: object = None,
) -> None:
    """Append one row to the audit log on ``con``, inside the caller's transaction."""
    con.execute(_APPEND, row(who, action, target=target, before=before, after=after))


def page(
    con: duckdb.DuckDBPyConnection, action: str | None, *, limit: int | None, offset: int
) -> pd.DataFrame:
    """``limit`` rows (all with ``None``) after the newest ``offset``, of ``action`` if given:
    ``id, logged_at, who, action, target, before_json, after_json``."""
    params = {"action": action, "limit": limit, "offset": max(0, int(offset))}
    return con.execute(_SELECT, params).df()


def count(con: duckdb.DuckDBPyConnection, action: str | None) -> int:
    """How many rows the log has (of ``action``, if given)."""
    return int(con.execute(_COUNT, {"action": action}).fetchone()[0])  # type: ignore[index]


def row(
    who: str, action: str, *, target: str | None = None, before: object = None, after: object = None
) -> list[str | None]:
    """The parameters of one audit row, every text capped (a name may be anything a
    stranger typed into the sign-in form)."""
    short = access.MAX_AUDIT_TEXT
    return [
        access.clip(str(who), short),
        access.clip(str(action), short),
        None if target is None else access.clip(str(target), short),
        _as_json(before),
        _as_json(after),
    ]


def _as_json(value: object) -> str | None:
    """``value`` as JSON; past :data:`~bxgc_metrics.access.MAX_AUDIT_JSON` characters, its
    length and its beginning instead."""
    if value is None:
        return None
    if isinstance(value, pd.DataFrame):
        text = value.to_json(orient="records", force_ascii=False, date_format="iso")
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= access.MAX_AUDIT_JSON:
        return text
    return json.dumps({"truncated_chars": len(text), "start": text[:1000]}, ensure_ascii=False)
