"""What the reporting rounds and the data-quality flags read and write: every figure's
history of writes, the consistency rules, and the flags people checked (核实无误).

A figure's writes come from the batches that are still committed: the stored row names
the batch that wrote its value, and each row of ``observation_history`` names the batch
whose value a later batch replaced (and that value). An undone batch's writes disappear
with it, as its figures did.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bxgc_metrics.errors import StoreError
from bxgc_metrics.store import rule_tables
from bxgc_metrics.store.connection import Database, coded
from bxgc_metrics.store.rule_tables import RuleTable

WRITE_COLUMNS = (
    "unit_code",
    "indicator_code",
    "freq",
    "year",
    "sub",
    "value_kind",
    "batch_id",
    "written_at",
    "who",
    "value",
    "file_name",
)
"""Columns of :meth:`QualityRecords.figure_writes`: one row per committed batch that wrote
a figure, oldest first within a figure (``written_at`` is the batch's time, naive UTC)."""

REVIEW_COLUMNS = ("flag_id", "note", "who", "reviewed_at")
"""Columns of :meth:`QualityRecords.quality_reviews`."""

_WRITES = """
    WITH done AS (
        SELECT id FROM batches WHERE status = 'committed'
    ), replaced AS (
        SELECT h.* FROM observation_history h
        JOIN done r ON r.id = h.batch_id
        JOIN done b ON b.id = h.old_batch_id
        WHERE h.existed AND h.year >= $from_year AND h.value_kind = $kind
          AND ($to_year IS NULL OR h.year <= $to_year)
          AND ($indicator IS NULL OR h.indicator_code = $indicator)
          AND ($units IS NULL OR h.unit_code IN (SELECT unnest($units)))
    )
    SELECT o.unit_code, o.indicator_code, o.freq, o.year, o.sub, o.value_kind, o.batch_id,
           o.value
    FROM observations o JOIN done b ON b.id = o.batch_id
    WHERE o.year >= $from_year AND o.value_kind = $kind
      AND ($to_year IS NULL OR o.year <= $to_year)
      AND ($indicator IS NULL OR o.indicator_code = $indicator)
      AND ($units IS NULL OR o.unit_code IN (SELECT unnest($units)))
      AND (NOT $revised_only OR (o.unit_code, o.indicator_code, o.freq, o.year, o.sub) IN (
          SELECT (unit_code, indicator_code, freq, year, sub) FROM replaced))
    UNION ALL
    SELECT h.unit_code, h.indicator_code, h.freq, h.year, h.sub, h.value_kind,
           h.old_batch_id, h.old_value
    FROM replaced h
"""
"""The writes without their batches' time, person and file: those are looked up by batch
(:func:`_with_batches`), so millions of rows do not each carry two strings."""
_DONE_BATCHES = (
    "SELECT id, created_at, who, file_name FROM batches WHERE status = 'committed' ORDER BY id"
)
_SELECT_REVIEWS = (
    "SELECT flag_id, note, who, reviewed_at FROM quality_reviews ORDER BY reviewed_at, flag_id"
)
_GET_REVIEW = "SELECT flag_id, note, who, reviewed_at FROM quality_reviews WHERE flag_id = ?"
_ADD_REVIEW = """
    INSERT INTO quality_reviews (flag_id, note, who) VALUES (?, ?, ?)
    ON CONFLICT (flag_id) DO UPDATE SET note = EXCLUDED.note, who = EXCLUDED.who,
        reviewed_at = current_localtimestamp()
"""
_DROP_REVIEW = "DELETE FROM quality_reviews WHERE flag_id = ?"
_RULES = RuleTable(
    select="SELECT body_json FROM quality_rules ORDER BY rule_id",
    upsert="""
    INSERT INTO quality_rules VALUES (?, ?)
    ON CONFLICT (rule_id) DO UPDATE SET body_json = EXCLUDED.body_json
""",
    clear="DELETE FROM quality_rules",
)

MAX_NOTE = 500
"""The longest note kept with a review (characters)."""


def _with_batches(writes: pd.DataFrame, batches: pd.DataFrame) -> pd.DataFrame:
    """``writes`` with each batch's ``written_at``, ``who`` and ``file_name`` (the last two
    categorical: one string per batch, a code per row)."""
    at = pd.Index(batches["id"]).get_indexer(writes["batch_id"])
    known = at >= 0
    for column in ("who", "file_name"):
        codes, values = pd.factorize(batches[column])
        per_row = np.where(known, codes[at], -1) if len(codes) else np.full(len(at), -1)
        writes[column] = pd.Categorical.from_codes(per_row, categories=pd.Index(values))
    written = batches["created_at"].to_numpy()
    writes["written_at"] = (
        np.where(known, written[at], np.datetime64("NaT")) if len(written) else pd.NaT
    )
    return writes


class QualityRecords(Database):
    """Figures' write histories, data-quality rules and reviews of flags."""

    def figure_writes(
        self,
        *,
        from_year: int = 0,
        to_year: int | None = None,
        value_kind: str = "actual",
        indicator: str | None = None,
        units: Sequence[str] | None = None,
        revised_only: bool = False,
    ) -> pd.DataFrame:
        """Every committed write of the figures of ``value_kind`` from ``from_year`` on
        (to ``to_year``, of one ``indicator`` only, of some ``units`` only, when given):
        columns :data:`WRITE_COLUMNS`, in no particular order (every reader orders a
        figure's writes by ``batch_id`` itself, so millions of rows are not sorted twice).
        A figure's write of the lowest batch is its first report; a later write with
        another value is a revision. With ``revised_only`` only figures written more than
        once are read (the only ones a revision check can flag)."""
        params = {
            "from_year": int(from_year),
            "to_year": None if to_year is None else int(to_year),
            "kind": str(value_kind),
            "indicator": None if indicator is None else str(indicator),
            "units": None if units is None else [str(u) for u in units],
            "revised_only": bool(revised_only),
        }
        with self._connection() as con:
            con.execute("BEGIN TRANSACTION")  # the writes and their batches in one snapshot
            try:
                writes = coded(con, _WRITES, params)
                batches = con.execute(_DONE_BATCHES).df()
            finally:
                con.execute("ROLLBACK")
        return _with_batches(writes, batches).reindex(columns=list(WRITE_COLUMNS))

    def quality_reviews(self) -> pd.DataFrame:
        """The flags someone checked and found right: columns :data:`REVIEW_COLUMNS`."""
        return self._frame(_SELECT_REVIEWS).reindex(columns=list(REVIEW_COLUMNS))

    def review_flag(self, flag_id: str, note: str) -> None:
        """Mark a flag checked and found right (核实无误) with a note saying how; audited.
        Marking it again replaces the note."""
        flag_id, note = _text(flag_id, "flag_id", 200), _text(note, "note", MAX_NOTE)
        with self._write("review_flags") as con:
            before = con.execute(_GET_REVIEW, [flag_id]).df()
            con.execute(_ADD_REVIEW, [flag_id, note, self.actor.name])
            after = {"flag_id": flag_id, "note": note, "who": self.actor.name}
            self._audit(con, "quality_review", flag_id, before=before, after=after)

    def reopen_flag(self, flag_id: str) -> None:
        """Take back a 核实无误 mark, so the flag counts as open again; audited."""
        with self._write("review_flags") as con:
            before = con.execute(_GET_REVIEW, [flag_id]).df()
            if before.empty:
                return
            con.execute(_DROP_REVIEW, [flag_id])
            self._audit(con, "quality_reopen", flag_id, before=before, after=None)

    def quality_rules(self) -> pd.DataFrame | None:
        """The stored data-quality rules table, or ``None`` if none was saved."""
        return rule_tables.parsed(self._frame(_RULES.select))

    def save_quality_rules(self, rules: pd.DataFrame) -> None:
        """Replace the data-quality rules table; each row is kept as JSON by ``rule_id``."""
        with self._write("rules") as con:
            before, after = rule_tables.replace(con, _RULES, rules)
            self._audit(con, "quality_rules", "quality_rules", before=before, after=after)


def _text(value: object, what: str, limit: int) -> str:
    text = str(value if value is not None else "").strip()
    if not text:
        raise StoreError(f"{what} 不能为空。", f"{what} must not be empty.")
    if len(text) > limit:
        raise StoreError(
            f"{what} 过长（{len(text)} 字，最多 {limit} 字）。",
            f"{what} is too long ({len(text)} characters, at most {limit}).",
        )
    return text
