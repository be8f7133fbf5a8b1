"""Writing observations as batches: prepare, preview, write, undo.

Observations are unique on (unit, indicator, period, value kind). A write is one batch in
one transaction: keys not stored yet are appended in period order, keys stored with
another value are replaced and their old values kept, so :meth:`Batches.undo_batch` can
bring them back; a key offered with the value already stored is left alone. An import or
undo that changes something is backed up first.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bxgc_metrics import _columnar
from bxgc_metrics.errors import BatchConflictError, PermissionDeniedError, StoreError
from bxgc_metrics.store import reference
from bxgc_metrics.store.arrow import frame_as_arrow
from bxgc_metrics.store.connection import Database, data_version

OBSERVATION_KEY = ("unit_code", "indicator_code", "freq", "year", "sub", "value_kind")
"""The columns that identify one stored figure; loading the same key again replaces it."""

OBSERVATION_COLUMNS = (*OBSERVATION_KEY, "value", "cumulative")
"""The columns :meth:`Store.write_observations` takes."""

_UNKNOWN_CODES = """
    SELECT 'unit' AS what, c AS code FROM unnest(?::VARCHAR[]) AS t(c)
    WHERE c NOT IN (SELECT code FROM units)
    UNION
    SELECT 'indicator', c FROM unnest(?::VARCHAR[]) AS t(c)
    WHERE c NOT IN (SELECT code FROM indicators)
    ORDER BY 1, 2 LIMIT 5
"""
_NEW_BATCH = """
    INSERT INTO batches (file_name, sha256, who, rows_read, rows_new, rows_changed,
                         rows_unchanged, status, note, created_at, created_json)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'committed', ?,
            COALESCE(CAST(? AS TIMESTAMP), current_localtimestamp()), ?) RETURNING id
"""
_CREATED = "SELECT created_json FROM batches WHERE id = ?"
_REMOVABLE = {
    "units": """
        SELECT u.code FROM units AS u
        WHERE u.code IN (SELECT unnest(?::VARCHAR[]))
          AND NOT EXISTS (SELECT 1 FROM observations AS o
                          WHERE o.unit_code = u.code AND o.batch_id <> ?)
          AND NOT EXISTS (SELECT 1 FROM benchmark_pairs AS p
                          WHERE u.code IN (p.chaser_code, p.benchmark_code))
          AND NOT EXISTS (SELECT 1 FROM gaps AS g WHERE g.unit_code = u.code)
          AND NOT EXISTS (SELECT 1 FROM milestones AS m WHERE m.unit_code = u.code)
          AND NOT EXISTS (SELECT 1 FROM events AS e WHERE e.unit_code = u.code)
          AND NOT EXISTS (SELECT 1 FROM units AS c WHERE c.parent_code = u.code)
        ORDER BY u.code
    """,
    "indicators": """
        SELECT i.code FROM indicators AS i
        WHERE i.code IN (SELECT unnest(?::VARCHAR[]))
          AND NOT EXISTS (SELECT 1 FROM observations AS o
                          WHERE o.indicator_code = i.code AND o.batch_id <> ?)
          AND NOT EXISTS (SELECT 1 FROM benchmark_pairs AS p WHERE p.indicator_code = i.code)
          AND NOT EXISTS (SELECT 1 FROM gaps AS g WHERE g.indicator_code = i.code)
          AND NOT EXISTS (SELECT 1 FROM events AS e WHERE e.indicator_code = i.code)
          AND NOT EXISTS (SELECT 1 FROM indicators AS c WHERE c.growth_of = i.code)
        ORDER BY i.code
    """,
}
"""Of the codes a batch created (the list), those nothing but the batch's own figures uses:
no other batch's figure, benchmark pair, rectification item, milestone, event, sub-unit or
growth indicator. Undoing the batch deletes them."""
_DELETE_CODES = {
    "units": "DELETE FROM units WHERE code IN (SELECT unnest(?::VARCHAR[]))",
    "indicators": "DELETE FROM indicators WHERE code IN (SELECT unnest(?::VARCHAR[]))",
}
_STORED = """
    SELECT i.row_id, o.value <> i.value OR o.cumulative <> i.cumulative AS differs,
           o.value AS old_value, o.cumulative AS old_cumulative, o.batch_id AS old_batch_id
    FROM incoming AS i
    JOIN observations AS o USING (unit_code, indicator_code, freq, year, sub, value_kind)
"""
"""The incoming rows (``row_id``) whose key is stored, whether their value differs and the
stored value; a key is stored at most once, so each row comes at most once."""
_KEEP_HISTORY = """
    INSERT INTO observation_history
    SELECT ?, unit_code, indicator_code, freq, year, sub, value_kind,
           TRUE, old_value, old_cumulative, old_batch_id
    FROM replaced
"""
_INSERT_NEW = """
    INSERT INTO observations
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, ?
    FROM fresh
"""
"""``fresh`` holds the new rows ordered by year and period; a plain scan keeps that order
(DuckDB preserves insertion order), so a one-period query can skip row groups."""
_UPDATE_CHANGED = """
    UPDATE observations AS o
    SET value = c.value, cumulative = c.cumulative, batch_id = ?
    FROM replaced AS c
    WHERE o.unit_code = c.unit_code AND o.indicator_code = c.indicator_code
      AND o.freq = c.freq AND o.year = c.year AND o.sub = c.sub
      AND o.value_kind = c.value_kind
"""
_SELECT_BATCH = "SELECT status FROM batches WHERE id = ?"
_LATER_BATCHES = """
    SELECT DISTINCT h.batch_id FROM observation_history h
    JOIN batches b ON b.id = h.batch_id
    WHERE h.old_batch_id = ? AND b.status = 'committed' ORDER BY 1
"""
_DELETE_BATCH_ROWS = "DELETE FROM observations WHERE batch_id = ?"
_RESTORE_REPLACED = """
    INSERT INTO observations
    SELECT unit_code, indicator_code, freq, year, sub, value_kind,
           old_value, old_cumulative, old_batch_id
    FROM observation_history WHERE batch_id = ? AND existed
"""
_MARK_UNDONE = (
    "UPDATE batches SET status = 'undone', undone_at = current_localtimestamp() WHERE id = ?"
)
_BATCH_SUMMARY = "SELECT file_name, who, rows_new, rows_changed FROM batches WHERE id = ?"
_UNDO_COUNTS = """
    SELECT (SELECT count(*) FROM observations WHERE batch_id = $batch)
         - (SELECT count(*) FROM observation_history WHERE batch_id = $batch AND existed),
           (SELECT count(*) FROM observation_history WHERE batch_id = $batch AND existed)
"""
"""Figures an undo removes (keys the batch created) and puts back (values it replaced)."""
_UNDO_SAMPLE = """
    SELECT o.unit_code, o.indicator_code, o.freq, o.year, o.sub, o.value_kind, o.cumulative,
           o.value AS value_now, h.old_value AS value_after
    FROM observations AS o
    LEFT JOIN observation_history AS h
      ON h.batch_id = $batch AND h.existed
     AND h.unit_code = o.unit_code AND h.indicator_code = o.indicator_code
     AND h.freq = o.freq AND h.year = o.year AND h.sub = o.sub AND h.value_kind = o.value_kind
    WHERE o.batch_id = $batch
    ORDER BY h.old_value IS NULL, o.year DESC, o.sub DESC, o.indicator_code, o.unit_code
    LIMIT $limit
"""
"""A sample of what an undo changes, replaced values first: now → after (NULL: removed)."""
_SELECT_BATCHES = "SELECT * FROM batches ORDER BY id DESC"
_FIND_SHA = "SELECT max(id) FROM batches WHERE sha256 = ? AND status = 'committed'"

_PREVIEW_STATUS = ("new", "changed", "unchanged")
"""``status`` of :meth:`Store.preview_observations`, by code."""


@dataclass(frozen=True)
class BatchResult:
    """What one write of observations did."""

    batch_id: int | None
    """The new batch's id, or ``None`` when nothing changed and no batch was recorded."""
    rows_read: int
    """Rows offered."""
    rows_new: int
    """Keys that did not exist before."""
    rows_changed: int
    """Keys whose value (or cumulative flag) was replaced."""
    rows_unchanged: int
    """Keys offered with exactly the value already stored."""


@dataclass(frozen=True, eq=False)
class UndoPreview:
    """What undoing one batch would change (:meth:`Store.undo_preview`)."""

    batch_id: int
    """The batch."""
    removed: int
    """Figures the batch added that the undo deletes."""
    restored: int
    """Figures the batch replaced whose earlier values come back."""
    blocked_by: tuple[int, ...]
    """Later batches that replaced some of this batch's figures: undo those first."""
    sample: pd.DataFrame
    """A few of the figures, replaced ones first: ``unit_code, indicator_code, freq, year,
    sub, value_kind, cumulative, value_now, value_after`` (``value_after`` missing: the
    figure goes)."""
    units: tuple[str, ...] = ()
    """Units the batch created that the undo deletes (nothing else uses them)."""
    indicators: tuple[str, ...] = ()
    """Indicators the batch created that the undo deletes."""


@dataclass(frozen=True)
class PreparedObservations:
    """Observations checked for writing (:meth:`Store.prepare_observations`)."""

    frame: pd.DataFrame
    """The observation columns, typed as stored, in the order given."""
    table: pa.Table
    """The same rows as Arrow, ordered by year and period (the order new rows are
    stored in), with ``row_id``, each row's position in :attr:`frame`."""
    preview: pd.DataFrame
    """What writing them would have done when they were prepared
    (:meth:`Store.preview_observations`)."""
    stored: _Stored | None = None
    """Which of them were stored, and as what, when they were prepared."""
    version: int | None = None
    """The file's data version read just before :attr:`stored` (``None`` in PostgreSQL
    mode): a write that finds the file still at it reuses :attr:`stored`."""


class Batches(Database):
    """Writing, previewing and undoing batches of observations; the batch history."""

    def write_observations(
        self,
        frame: pd.DataFrame | PreparedObservations,
        *,
        file_name: str,
        who: str | None = None,
        sha256: str | None = None,
        note: str | None = None,
        new_units: pd.DataFrame | None = None,
        new_indicators: pd.DataFrame | None = None,
        at: dt.datetime | None = None,
    ) -> BatchResult:
        """Write observations as one batch, atomically.

        A key already stored with the same value is left alone; a different value
        replaces it and the old one is kept so :meth:`undo_batch` can bring it back. When
        nothing would change no batch is recorded and ``batch_id`` is ``None``.
        ``new_units`` and ``new_indicators`` are created in the same transaction.
        ``frame`` may be what :meth:`prepare_observations` returned for it; what is
        stored is compared again inside the write transaction either way.
        ``at`` (naive UTC) dates the batch when history is loaded after the fact (when
        each figure was first reported feeds the reporting rounds); only the operator
        may give it.
        """
        if at is not None and not self.actor.operator:
            raise PermissionDeniedError(
                "只有在本机运行的程序可以指定导入批次的时间。",
                "Only a program run on the machine itself may date an import batch.",
            )
        prepared = frame if isinstance(frame, PreparedObservations) else _prepare(frame)
        table = prepared.table
        rows = table.num_rows
        found: list[_Stored] = []

        def changes(con: duckdb.DuckDBPyConnection) -> bool:
            # Read on the connection the write then uses, which holds the file: nothing can
            # change in between, so the write below reuses what it found. A file still at
            # the data version the rows were prepared at holds what they were compared with
            # then (every write raises the version; a restore sets it past all earlier).
            stored = prepared.stored
            if stored is None or prepared.version != data_version(con):
                stored = _Stored.find(con, table)
            found.append(stored)
            news = [f for f in (new_units, new_indicators) if f is not None and len(f)]
            return bool(news) or found[0].count < rows or bool(found[0].differs.any())

        with self._write("import", backup="import", backup_if=changes) as con:
            name = self.actor.name
            reference.add_codes(con, name, units=new_units, indicators=new_indicators)
            _check_codes(con, table)
            stored = found[0] if found else _Stored.find(con, table)
            new, changed = rows - stored.count, int(stored.differs.sum())
            unchanged = stored.count - changed
            if new + changed == 0:
                return BatchResult(None, rows, 0, 0, unchanged)
            who = who or name or _current_user()
            created = _created_json(units=new_units, indicators=new_indicators)
            params = [file_name, sha256, who, rows, new, changed, unchanged, note, at, created]
            batch_id = int(con.execute(_NEW_BATCH, params).fetchone()[0])  # type: ignore[index]
            if changed:
                con.register("replaced", stored.replaced(table))
                con.execute(_KEEP_HISTORY, [batch_id])
            if new:
                fresh = table.filter(pa.array(stored.new_rows(table))) if stored.count else table
                con.register("fresh", fresh)
                con.execute(_INSERT_NEW, [batch_id])
            if changed:
                con.execute(_UPDATE_CHANGED, [batch_id])
            counts = {"new": int(new), "changed": int(changed), "unchanged": int(unchanged)}
            self._audit(con, "import", file_name, after={"batch": batch_id, "who": who, **counts})
            return BatchResult(batch_id, rows, int(new), int(changed), int(unchanged))

    def undo_batch(self, batch_id: int) -> None:
        """Take a batch back: its new rows go, the values it replaced return."""

        def allowed(con: duckdb.DuckDBPyConnection) -> bool:  # else refused below, unchanged
            row = con.execute(_SELECT_BATCH, [batch_id]).fetchone()
            later = con.execute(_LATER_BATCHES, [batch_id]).fetchall()
            return row is not None and row[0] == "committed" and not later

        with self._write("undo", backup=f"undo-{batch_id}", backup_if=allowed) as con:
            _check_undoable(con, batch_id)
            later = [r[0] for r in con.execute(_LATER_BATCHES, [batch_id]).fetchall()]
            if later:
                names = ", ".join(str(b) for b in later)
                raise BatchConflictError(
                    f"批次 {batch_id} 的部分数据已被后来的批次 {names} 改写，请先撤销这些批次。",
                    f"Values of batch {batch_id} were replaced by later batches {names}; "
                    "undo those first.",
                )
            con.execute(_DELETE_BATCH_ROWS, [batch_id])
            con.execute(_RESTORE_REPLACED, [batch_id])
            removed = _removable(con, batch_id)
            for what, codes in removed.items():
                if codes:
                    con.execute(_DELETE_CODES[what], [list(codes)])
            con.execute(_MARK_UNDONE, [batch_id])
            summary = con.execute(_BATCH_SUMMARY, [batch_id]).df()
            gone = (
                {what: list(codes) for what, codes in removed.items()}
                if any(removed.values())
                else None
            )
            self._audit(con, "undo", str(batch_id), before=summary, after=gone)

    def undo_preview(self, batch_id: int, sample: int = 5) -> UndoPreview:
        """What :meth:`undo_batch` would do to ``batch_id``, without doing it."""
        with self._connection() as con:
            _check_undoable(con, batch_id)
            params = {"batch": batch_id}
            removed, restored = con.execute(_UNDO_COUNTS, params).fetchone() or (0, 0)
            later = [r[0] for r in con.execute(_LATER_BATCHES, [batch_id]).fetchall()]
            rows = con.execute(_UNDO_SAMPLE, {**params, "limit": sample}).df()
            codes = _removable(con, batch_id)
        return UndoPreview(
            batch_id,
            int(removed),
            int(restored),
            tuple(later),
            rows,
            units=codes["units"],
            indicators=codes["indicators"],
        )

    def preview_observations(self, frame: pd.DataFrame) -> pd.DataFrame:
        """What writing ``frame`` would do, without writing.

        Columns: the observation columns plus ``old_value, old_batch_id`` and ``status``
        (``new``, ``changed`` or ``unchanged``).
        """
        return self.prepare_observations(frame).preview

    def prepare_observations(self, frame: pd.DataFrame) -> PreparedObservations:
        """``frame`` checked for writing, with its :meth:`preview_observations`; pass the
        result to :meth:`write_observations` to write the same rows without checking and
        converting them again."""
        prepared = _prepare(frame)
        with self._connection() as con:
            version = None if self.on_postgres else data_version(con)  # before: see the write
            stored = _Stored.find(con, prepared.table)
        incoming = prepared.frame
        n = len(incoming)
        status = np.zeros(n, dtype=np.int8)
        status[stored.row_id] = np.where(stored.differs, 1, 2)
        old_value = np.full(n, np.nan)
        old_value[stored.row_id] = stored.old_value
        batch = np.zeros(n, dtype=np.int32)
        batch[stored.row_id] = stored.old_batch_id
        unmatched = np.ones(n, dtype=bool)
        unmatched[stored.row_id] = False
        # as DuckDB gives a nullable INTEGER column: Int32 when a value is missing
        old_batch = pd.arrays.IntegerArray(batch, unmatched) if unmatched.any() else batch
        preview = incoming.reset_index(drop=True).assign(
            old_value=old_value,
            old_batch_id=old_batch,
            status=pd.array(_PREVIEW_STATUS, dtype=str).take(status),
        )
        return PreparedObservations(incoming, prepared.table, preview, stored, version)

    def batches(self) -> pd.DataFrame:
        """Every import batch, newest first."""
        return self._frame(_SELECT_BATCHES)

    def batch_with_sha256(self, sha256: str) -> int | None:
        """The newest committed batch that came from a file with this hash."""
        with self._connection() as con:
            row = con.execute(_FIND_SHA, [sha256]).fetchone()
        return None if row is None or row[0] is None else int(row[0])


def _created_json(*, units: pd.DataFrame | None, indicators: pd.DataFrame | None) -> str | None:
    """The codes a batch creates, as :data:`_CREATED` keeps them (``None``: none)."""
    codes = {
        what: [str(c) for c in frame["code"]] if frame is not None and len(frame) else []
        for what, frame in (("units", units), ("indicators", indicators))
    }
    return json.dumps(codes, ensure_ascii=False) if any(codes.values()) else None


def _removable(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, tuple[str, ...]]:
    """The units and indicators ``batch_id`` created that nothing but its own figures uses
    (:data:`_REMOVABLE`): what undoing it deletes."""
    row = con.execute(_CREATED, [batch_id]).fetchone()
    created = json.loads(row[0]) if row is not None and row[0] else {}
    found: dict[str, tuple[str, ...]] = {}
    for what in ("units", "indicators"):
        codes = created.get(what) or []
        rows = con.execute(_REMOVABLE[what], [codes, batch_id]).fetchall() if codes else []
        found[what] = tuple(str(r[0]) for r in rows)
    return found


def _check_undoable(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Refuse a batch that does not exist or was undone already."""
    row = con.execute(_SELECT_BATCH, [batch_id]).fetchone()
    if row is None or row[0] != "committed":
        raise StoreError(
            f"批次 {batch_id} 不存在或已撤销。",
            f"Batch {batch_id} does not exist or was already undone.",
        )


def _check_codes(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    """Refuse rows whose unit or indicator is not stored."""
    distinct = [pc.unique(table.column(c)).to_pylist() for c in ("unit_code", "indicator_code")]
    unknown = con.execute(_UNKNOWN_CODES, distinct).fetchall()
    if unknown:
        listed = ", ".join(f"{what} {code!r}" for what, code in unknown)
        raise StoreError(
            f"未知的单位或指标代码：{listed}。请先在设置中添加。",
            f"Unknown unit or indicator codes: {listed}. Add them in the settings first.",
        )


def _prepare(frame: pd.DataFrame) -> PreparedObservations:
    """``frame`` checked (:func:`_observation_frame`) and as an Arrow table ordered by year
    and period, text as dictionaries; no preview."""
    typed = _observation_frame(frame)
    # a categorical column becomes a dictionary as it is
    table = _columnar.dictionary_encoded(_columnar.arrow(typed, fallback=frame_as_arrow))
    if _columnar.has_duplicates(typed, OBSERVATION_KEY, table=table):
        raise StoreError(
            "同一数据在批次中出现多次。", "The same figure appears twice in the batch."
        )
    incoming = _columnar.with_text(typed)
    table = table.append_column("row_id", pa.array(np.arange(len(incoming))))
    order = _columnar.period_order(incoming["year"].to_numpy(), incoming["sub"].to_numpy())
    if order is not None:
        table = table.take(pa.array(order))
    return PreparedObservations(incoming, table, pd.DataFrame())


def _observation_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The observation columns of ``frame`` typed as stored (the caller checks keys)."""
    missing = [c for c in OBSERVATION_COLUMNS if c not in frame.columns]
    if missing:
        raise StoreError(f"缺少列：{missing}", f"Missing columns: {missing}")
    out = frame[list(OBSERVATION_COLUMNS)].copy()
    out["year"] = out["year"].astype("int16")
    out["sub"] = out["sub"].astype("int8")
    out["value"] = out["value"].astype("float64")
    out["cumulative"] = out["cumulative"].astype(bool)
    return out


@dataclass(frozen=True)
class _Stored:
    """The incoming rows whose key is stored (:data:`_STORED`)."""

    row_id: np.ndarray
    """Each such row's position in the incoming frame."""
    differs: np.ndarray
    """Whether its value or cumulative flag differs from the stored one."""
    old_value: np.ndarray
    """The stored value."""
    old_cumulative: np.ndarray
    """The stored cumulative flag."""
    old_batch_id: np.ndarray
    """The batch that wrote the stored value."""

    @classmethod
    def find(cls, con: duckdb.DuckDBPyConnection, table: pa.Table) -> _Stored:
        con.register("incoming", table)
        found = con.execute(_STORED).fetchnumpy()
        return cls(
            np.asarray(found["row_id"], dtype=np.int64),
            np.asarray(np.ma.filled(found["differs"], False), dtype=bool),
            np.asarray(found["old_value"], dtype=np.float64),
            np.asarray(found["old_cumulative"], dtype=bool),
            np.asarray(found["old_batch_id"], dtype=np.int32),
        )

    @property
    def count(self) -> int:
        """How many incoming keys are stored."""
        return len(self.row_id)

    def new_rows(self, table: pa.Table) -> np.ndarray:
        """Which rows of ``table`` have a key not stored."""
        stored = np.zeros(table.num_rows, dtype=bool)
        stored[self.row_id] = True
        return ~stored[table.column("row_id").to_numpy()]

    def replaced(self, table: pa.Table) -> pa.Table:
        """The rows of ``table`` whose stored value differs, with the stored value."""
        position = np.empty(table.num_rows, dtype=np.int64)
        position[table.column("row_id").to_numpy()] = np.arange(table.num_rows)
        picked = self.differs
        return (
            table.take(pa.array(position[self.row_id[picked]]))
            .append_column("old_value", pa.array(self.old_value[picked]))
            .append_column("old_cumulative", pa.array(self.old_cumulative[picked]))
            .append_column("old_batch_id", pa.array(self.old_batch_id[picked]))
        )


def _current_user() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return "system"
