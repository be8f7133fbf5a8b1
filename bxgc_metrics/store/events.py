"""Events: dated notes analysts keep beside the figures (政策出台、项目投产、口径调整).

An event belongs to one unit or, with no unit, to every unit; to one indicator or, with no
indicator, to every indicator. The trajectory charts draw them on their date axis. Every
change checks the actor's current role (``edit_events``: analysts and admins), is checked
against the rules below before anything is written, raises the data version, and appends
one audit row per event changed, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from bxgc_metrics.errors import ValidationError
from bxgc_metrics.store.connection import Database, utcnow

EVENT_KINDS = ("policy", "project", "definition", "other")
"""What an event is: 政策出台, 项目投产, 口径调整 (a change of statistical definition), 其他."""

EVENT_COLUMNS = (
    "id",
    "event_date",
    "unit_code",
    "indicator_code",
    "kind",
    "text",
    "created_by",
    "created_at",
)
"""The columns :meth:`Events.events` returns."""

FIRST_DATE, LAST_DATE = dt.date(1980, 1, 1), dt.date(2100, 12, 31)
"""The dates an event may have: earlier or later is a typing slip, not a campaign."""

MAX_TEXT = 500
"""The longest text an event may have, in characters."""

_SELECT = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY event_date, id"
_GET = "SELECT event_date, unit_code, indicator_code, kind, text FROM events WHERE id = ?"
_IDS = "SELECT id FROM events"
_UNIT_CODES = "SELECT code FROM units"
_INDICATOR_CODES = "SELECT code FROM indicators"
_INSERT = """
    INSERT INTO events (event_date, unit_code, indicator_code, kind, text, created_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
"""
_UPDATE = """
    UPDATE events SET event_date = ?, unit_code = ?, indicator_code = ?, kind = ?, text = ?
    WHERE id = ?
"""
_DELETE = "DELETE FROM events WHERE id = ?"

_MESSAGES: dict[str, tuple[str, str]] = {
    "empty_text": ("内容不能为空", "the text is empty"),
    "long_text": (
        "内容最多 {limit} 个字，现有 {n} 个",
        "the text has {n} characters; at most {limit} are allowed",
    ),
    "no_date": ("缺少日期", "the date is missing"),
    "date_range": (
        "日期 {date} 超出范围（{first} 至 {last}）",
        "the date {date} is out of range ({first} to {last})",
    ),
    "kind": (
        "类型 {kind} 无效，应为 policy（政策出台）、project（项目投产）、definition（口径调整）或 other（其他）",
        "the kind {kind} is unknown; use policy, project, definition or other",
    ),
    "unit": ("单位代码 {code} 不存在", "there is no unit with the code {code}"),
    "indicator": ("指标代码 {code} 不存在", "there is no indicator with the code {code}"),
    "id": ("没有编号为 {id} 的大事记", "there is no event {id}"),
}
"""Each rule an event can break, worded once; call sites pass only the values."""


@dataclass(frozen=True)
class Event:
    """One event as a caller writes it (the store adds its id, author and time)."""

    event_date: dt.date
    """The day it happened."""
    text: str
    """What happened, in the analyst's words (kept without surrounding blanks)."""
    kind: str = "other"
    """One of :data:`EVENT_KINDS`."""
    unit_code: str | None = None
    """The unit it concerns; ``None`` for every unit."""
    indicator_code: str | None = None
    """The indicator it concerns; ``None`` for every indicator."""

    def stored(self) -> dict[str, object]:
        """The values written: text stripped, blank codes as ``None`` (also the audit row)."""
        return {
            "event_date": _as_date(self.event_date),
            "unit_code": _code(self.unit_code),
            "indicator_code": _code(self.indicator_code),
            "kind": self.kind,
            "text": str(self.text or "").strip(),
        }


def problems(
    event: Event, *, units: Collection[str], indicators: Collection[str]
) -> list[tuple[str, str]]:
    """Every rule ``event`` breaks, as ``(zh, en)`` sentences (empty when it may be written).

    >>> problems(Event(dt.date(2024, 3, 15), "  "), units={"JD01"}, indicators=set())
    [('内容不能为空', 'the text is empty')]
    >>> problems(Event(dt.date(2024, 3, 15), "x", unit_code="JD99"), units={"JD01"}, indicators=set())
    [('单位代码 JD99 不存在', 'there is no unit with the code JD99')]
    """
    values = event.stored()
    found = []
    text, day = str(values["text"]), values["event_date"]
    if not text:
        found.append(_say("empty_text"))
    elif len(text) > MAX_TEXT:
        found.append(_say("long_text", limit=MAX_TEXT, n=len(text)))
    if not isinstance(day, dt.date):
        found.append(_say("no_date"))
    elif not FIRST_DATE <= day <= LAST_DATE:
        found.append(_say("date_range", date=day.isoformat(), first=FIRST_DATE, last=LAST_DATE))
    if event.kind not in EVENT_KINDS:
        found.append(_say("kind", kind=event.kind))
    if values["unit_code"] is not None and values["unit_code"] not in units:
        found.append(_say("unit", code=values["unit_code"]))
    if values["indicator_code"] is not None and values["indicator_code"] not in indicators:
        found.append(_say("indicator", code=values["indicator_code"]))
    return found


class Events(Database):
    """The events table: read by everyone, changed by analysts and admins."""

    def events(self) -> pd.DataFrame:
        """Every event, oldest first: ``id, event_date, unit_code, indicator_code, kind,
        text, created_by, created_at``."""
        return self._frame(_SELECT)

    def add_event(self, event: Event) -> int:
        """Write a new event; returns its id."""
        return self.save_events(added=[event])[0]

    def update_event(self, event_id: int, event: Event) -> None:
        """Change the event ``event_id`` to ``event`` (its author and time stay)."""
        self.save_events(updated={event_id: event})

    def delete_event(self, event_id: int) -> None:
        """Remove the event ``event_id``."""
        self.save_events(deleted=[event_id])

    def save_events(
        self,
        *,
        added: Sequence[Event] = (),
        updated: Mapping[int, Event] | None = None,
        deleted: Collection[int] = (),
    ) -> list[int]:
        """Add, change and remove events in one transaction (an editor's save); returns the
        new ids in the order of ``added``. Nothing is written if any event breaks a rule
        (:func:`problems`): the :class:`~bxgc_metrics.errors.ValidationError` names each."""
        changed = dict(updated or {})
        if not (added or changed or deleted):
            return []  # an editor saved unchanged: nothing to write, check or log
        with self._write("edit_events") as con:
            _refuse_problems(con, [*changed.values(), *added], ids=[*changed, *deleted])
            for event_id in deleted:
                before = _row(con, event_id)
                con.execute(_DELETE, [int(event_id)])
                self._audit(con, "event_delete", str(event_id), before=before)
            for event_id, event in changed.items():
                before, after = _row(con, event_id), event.stored()
                con.execute(_UPDATE, [*after.values(), int(event_id)])
                self._audit(con, "event_update", str(event_id), before=before, after=after)
            new = []
            for event in added:
                after = event.stored()
                row = con.execute(_INSERT, [*after.values(), self.actor.name, utcnow()])
                new.append(int(row.fetchall()[0][0]))
                self._audit(con, "event_add", str(new[-1]), after=after)
            return new


def _refuse_problems(
    con: duckdb.DuckDBPyConnection, events: Sequence[Event], *, ids: Sequence[int]
) -> None:
    """Raise one :class:`ValidationError` naming every problem of ``events`` and ``ids``."""
    units = {str(r[0]) for r in con.execute(_UNIT_CODES).fetchall()}
    indicators = {str(r[0]) for r in con.execute(_INDICATOR_CODES).fetchall()}
    stored = {int(r[0]) for r in con.execute(_IDS).fetchall()}
    found = [_say("id", id=i) for i in ids if int(i) not in stored]
    for event in events:
        where = _where(event)
        found += [
            (f"{where[0]}：{zh}", f"{where[1]}: {en}")
            for zh, en in problems(event, units=units, indicators=indicators)
        ]
    if found:
        raise ValidationError(
            "大事记未保存：" + "；".join(zh for zh, _ in found) + "。未写入任何数据。",
            "The events were not saved: " + "; ".join(en for _, en in found) + ". "
            "Nothing was written.",
        )


def _where(event: Event) -> tuple[str, str]:
    """How a message names an event: its date and the start of its text."""
    day = _as_date(event.event_date)
    when = day.isoformat() if isinstance(day, dt.date) else "—"
    text = str(event.text or "").strip()
    short = text if len(text) <= 20 else text[:20] + "…"
    return f"{when}「{short}」", f"{when} '{short}'"


def _row(con: duckdb.DuckDBPyConnection, event_id: int) -> dict[str, object]:
    """An event as stored, for the audit log."""
    row = con.execute(_GET, [int(event_id)]).fetchall()[0]
    return dict(
        zip(("event_date", "unit_code", "indicator_code", "kind", "text"), row, strict=True)
    )


def _say(key: str, **values: object) -> tuple[str, str]:
    zh, en = _MESSAGES[key]
    return zh.format(**values), en.format(**values)


def _as_date(value: object) -> dt.date | None:
    """A day from a date, a datetime or a timestamp; ``None`` for anything else."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _code(value: object) -> str | None:
    """A unit or indicator code, blank (or missing) as ``None``."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None
