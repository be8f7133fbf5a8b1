"""Tables of rules kept as one JSON body per ``rule_id`` (the reward rules, the
data-quality rules): read whole and replaced whole."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pandas as pd


@dataclass(frozen=True)
class RuleTable:
    """The statements of one such table (its name is written into them, never formatted)."""

    select: str
    """Every body, ordered by ``rule_id``."""
    upsert: str
    """One ``(rule_id, body_json)`` row, replacing the body of a ``rule_id`` already kept."""
    clear: str
    """Every row deleted."""


def parsed(bodies: pd.DataFrame) -> pd.DataFrame | None:
    """The rules, one row per rule, from the rows of :attr:`RuleTable.select`; ``None``
    where there are none."""
    if bodies.empty:
        return None
    return pd.DataFrame([json.loads(body) for body in bodies["body_json"]])


def replace(
    con: duckdb.DuckDBPyConnection, table: RuleTable, rules: pd.DataFrame
) -> tuple[list[dict], list[dict]]:
    """Replace the rules of ``table`` with ``rules`` (each row kept as JSON by its
    ``rule_id``) inside the caller's write; returns the rules before and after, for the
    audit log."""
    bodies = [
        (str(r["rule_id"]), json.dumps(r, ensure_ascii=False, default=str))
        for r in rules.to_dict("records")
    ]
    before = [json.loads(b) for (b,) in con.execute(table.select).fetchall()]
    con.execute(table.clear)
    if bodies:
        con.executemany(table.upsert, bodies)
    return before, [json.loads(b) for _, b in bodies]
