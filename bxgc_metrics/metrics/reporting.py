"""Reporting rounds (填报进度, 催报): which units owe which figures, by when, and who is late.

Analysts spend the first days of every month chasing the units that have not reported.
This module answers their questions from three reference tables and the history of
writes, without a database:

The calendar
    An indicator may carry ``report_due_day``, a whole number from 1 to 28 (a day every
    month has), or nothing (no calendar: nobody is chased for it). A period's figures are
    due by that day of the month after the period ends (:func:`due_date`): 2026-10 with
    day 8 is due on 2026-11-08, 2026-Q3 with day 15 on 2026-10-15, a first half on that day
    of July, a year on that day of the next January.
Who is expected
    For a period, a (unit, indicator) pair is expected when the indicator has a calendar
    and is reported at the period's frequency, the unit is not an external benchmark
    (外部标杆, whose figures analysts copy from public sources), and the unit has reported
    an actual figure of the indicator for a period of that frequency ending in the
    ``lookback_months`` (12) months before the period ends, or for the period itself. A
    unit that never reports an indicator is therefore never chased for it, a unit that
    stopped a year ago drops out, and a unit that reports for the first time counts as
    expected (and reported) in that period.
Status
    ``on_time`` when the first report's local date is on or before the due date;
    ``late`` when after it; ``missing`` when nothing is reported and the due date has
    passed; ``not_due`` when nothing is reported and the due date is today or later.
    Times are stored in UTC and read in the configured zone (:mod:`bxgc_metrics.clock`),
    so a batch written at 2026-11-08 23:30 Beijing time (15:30 UTC) is on time for a
    2026-11-08 deadline.
As of ``today``
    Writes whose local date is after ``today`` are not known yet: progress computed for a
    past date reads as it did on that date, and a bulletin dated 11 November says what was
    known on 11 November.
Revisions
    A key's first write is its first report; a later write with a different value is a
    revision. A revision written after the due date is counted (``revisions_after``) with
    the name of its writer (``last_reviser``): figures changed after the deadline are what
    plan four's 虚报瞒报、漏统漏报 are about.

Inputs (pandas DataFrames):

``writes``
    One row per committed import batch that wrote a figure: ``unit_code, indicator_code,
    freq, year, sub, value_kind, batch_id, written_at`` (naive UTC timestamp), ``who,
    value, file_name``. Only ``actual`` figures are read. Undone batches must not appear.
``units``
    ``code, name_zh, name_en, kind, parent_code, contact_person, contact_phone`` (the
    contact columns may be absent).
``indicators``
    ``code, name_zh, name_en, measure, frequency, report_due_day`` (an absent
    ``report_due_day`` column means no indicator has a calendar).

Stored figures are not an input: every stored figure carries the batch that wrote it, so
the writes hold every stored figure's key.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bxgc_metrics import clock
from bxgc_metrics.export import Column, Table, workbook
from bxgc_metrics.periods import FREQS, Period, end_months, format_en, format_zh

DUE_DAYS = (1, 28)
"""The smallest and largest ``report_due_day``: every month has days 1 to 28."""
LOOKBACK_MONTHS = 12
"""How far back a report makes a pair expected (see the module docstring)."""
EXTERNAL = "外部标杆"
"""The unit kind that is never expected to report."""
STATUSES = ("on_time", "late", "missing", "not_due")
"""The statuses of an expected pair, in the order tables count them."""
STATUS_LABELS = {
    "on_time": ("按时报送", "On time"),
    "late": ("迟报", "Late"),
    "missing": ("未报（已逾期）", "Missing (overdue)"),
    "not_due": ("未到期", "Not yet due"),
}
"""Each status in Chinese and English."""

ROW_COLUMNS = (
    "unit_code",
    "name",
    "name_en",
    "indicator_code",
    "indicator_name",
    "indicator_name_en",
    "freq",
    "year",
    "sub",
    "due",
    "status",
    "first_reported_at",
    "first_reported_by",
    "days_late",
    "revised_after_deadline",
    "revisions_after",
    "last_reviser",
)
"""Columns of :attr:`Progress.rows`, one row per expected (unit, indicator, period).

``name`` is the unit's Chinese name, ``name_en`` its English name (the Chinese one when it
has none); likewise ``indicator_name`` and ``indicator_name_en``. ``due`` is the due date
(``datetime64``, midnight); ``first_reported_at`` the first write's stored UTC time and
``first_reported_by`` its writer (missing when not reported). ``days_late`` (``Int64``) is
0 on time, the days from the due date to the first report's local date when late, the days
from the due date to ``today`` when missing, and missing when not yet due.
``revised_after_deadline`` says whether ``revisions_after`` (the revisions written after
the due date) is above 0; ``last_reviser`` is the writer of the last of them.
"""
UNIT_COLUMNS = (
    "unit_code",
    "name",
    "name_en",
    "expected",
    "reported",
    "on_time",
    "late",
    "missing",
    "not_due",
    "revised_after_deadline",
    "contact_person",
    "contact_phone",
)
"""Columns of :attr:`Progress.units`: counts of expected pairs per unit (``reported`` is
``on_time + late``; ``revised_after_deadline`` counts pairs), in the units table's order."""
REMINDER_COLUMNS = (
    "unit_code",
    "name",
    "name_en",
    "contact_person",
    "contact_phone",
    "missing",
    "indicators",
    "indicators_en",
    "days_overdue",
)
"""Columns of :func:`reminder_list`: ``missing`` is how many figures are overdue,
``indicators`` their Chinese names joined with 、 (``indicators_en``: English, joined with
", "), ``days_overdue`` the most days any of them is overdue. Names and contacts are
cleaned of line breaks and control characters."""
YEARLY_COLUMNS = (
    "unit_code",
    "name",
    "expected",
    "on_time",
    "late",
    "missing",
    "not_due",
    "revised_after_deadline",
)
"""Columns of :func:`yearly_counts`: counts over every period of the year."""

_KEY = ["unit_code", "indicator_code", "freq"]
_EPOCH_MONTHS = 1970 * 12


# --- the calendar -------------------------------------------------------------------------


def _check_day(day: object) -> int:
    """``day`` as an int if it is a whole number in :data:`DUE_DAYS`."""
    if isinstance(day, bool) or not isinstance(day, int | float | np.integer | np.floating):
        raise ValueError(f"report_due_day must be a whole number 1-28, not {day!r}")
    if not float(day).is_integer() or not DUE_DAYS[0] <= day <= DUE_DAYS[1]:
        raise ValueError(f"report_due_day must be a whole number 1-28, not {day!r}")
    return int(day)


def due_date(period: Period | str, due_day: int) -> dt.date:
    """The day ``period``'s figures are due: ``due_day`` of the month after it ends.

    Parameters
    ----------
    period
        A :class:`~bxgc_metrics.periods.Period` or its label (``2026-10``, ``2026-Q3``).
    due_day
        The indicator's ``report_due_day``, 1 to 28.

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        If ``due_day`` is not a whole number from 1 to 28.

    Examples
    --------
    >>> due_date("2026-10", 8), due_date("2026-Q3", 15), due_date("2026-H1", 10)
    (datetime.date(2026, 11, 8), datetime.date(2026, 10, 15), datetime.date(2026, 7, 10))
    >>> due_date("2026-12", 8), due_date("2026", 20)
    (datetime.date(2027, 1, 8), datetime.date(2027, 1, 20))
    """
    p = period if isinstance(period, Period) else Period.parse(period)
    year, month = divmod(p.year * 12 + p.end_month, 12)  # the month after, 0-based
    return dt.date(year, month + 1, _check_day(due_day))


def _check_days(days: pd.Series, codes: pd.Series) -> pd.Series:
    """``days`` as float (NaN: no calendar), or ValueError naming the rows' ``codes``."""
    values = pd.to_numeric(days, errors="coerce").astype("Float64").to_numpy(float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        whole = (values % 1 == 0) & (values >= DUE_DAYS[0]) & (values <= DUE_DAYS[1])
    wrong = days.notna().to_numpy() & ~whole
    if wrong.any():
        bad = sorted(set(codes[wrong].astype(str)))
        raise ValueError(f"report_due_day must be a whole number 1-28 (for {', '.join(bad)})")
    return pd.Series(values, index=days.index)


def _due_from_index(index: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Due dates from each period's end-month index (``year × 12 + end_month``) and day."""
    months = (np.asarray(index, dtype=np.int64) - _EPOCH_MONTHS).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    days = np.asarray(days, dtype=float)
    known = ~np.isnan(days)
    offset = np.where(known, days, 1.0).astype(np.int64) - 1
    return np.where(known, first + offset.astype("timedelta64[D]"), np.datetime64("NaT"))


def end_index(frame: pd.DataFrame) -> np.ndarray:
    """Each row's period (``freq, year, sub``) as the month it ends in, counted from year
    0 (one number per period within a frequency, so a twelve-month window is a range of
    numbers).

    >>> end_index(pd.DataFrame({"freq": ["M", "Q", "Y"], "year": 2026, "sub": [11, 3, 0]}))
    array([24323, 24321, 24324])
    """
    year = frame["year"].to_numpy(dtype=np.int64)
    return year * 12 + end_months(frame["freq"], frame["sub"])


def due_dates(frame: pd.DataFrame, *, day: str = "report_due_day") -> pd.Series:
    """Vectorised :func:`due_date` over rows with ``freq, year, sub`` and a due day.

    Returns a ``datetime64`` Series aligned with ``frame``: NaT where the day is missing.

    Raises
    ------
    ValueError
        If a day is present but not a whole number from 1 to 28.

    Examples
    --------
    >>> rows = pd.DataFrame({"freq": ["M", "Q", "H", "Y", "M"], "year": 2026,
    ...                      "sub": [10, 3, 2, 0, 12], "report_due_day": [8, 15, 10, None, 5]})
    >>> due_dates(rows).dt.strftime("%Y-%m-%d").tolist()
    ['2026-11-08', '2026-10-15', '2027-01-10', nan, '2027-01-05']
    """
    days = _check_days(frame[day], pd.Series(frame.index.astype(str), index=frame.index))
    due = _due_from_index(end_index(frame), days.to_numpy())
    return pd.Series(due, index=frame.index, name="due").astype("datetime64[s]")


# --- the reference tables, cleaned once --------------------------------------------------


def _text_or(values: pd.Series, fallback: pd.Series) -> pd.Series:
    """``values`` as text, ``fallback`` where missing or blank."""
    text = values.astype(object).where(values.notna(), None)
    blank = text.map(lambda v: v is None or not str(v).strip())
    return text.where(~blank, fallback.astype(object)).astype(object)


def _calendar(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a calendar: ``indicator_code, freq, due_day, indicator_name,
    indicator_name_en, indicator_order``."""
    if "report_due_day" not in indicators:
        days = pd.Series(np.nan, index=indicators.index)
    else:
        days = _check_days(indicators["report_due_day"], indicators["code"])
    names = indicators["name_zh"].astype(object)
    english = indicators.get("name_en", names)
    out = pd.DataFrame(
        {
            "indicator_code": indicators["code"].astype(object),
            "freq": indicators["frequency"].astype(object),
            "due_day": days.to_numpy(),
            "indicator_name": names,
            "indicator_name_en": _text_or(english, names),
            "indicator_order": np.arange(len(indicators)),
        }
    )
    return out[out["due_day"].notna()].reset_index(drop=True)


def _reporters(units: pd.DataFrame) -> pd.DataFrame:
    """Units that may be expected to report (no external benchmarks), with their names and
    contacts: ``unit_code, name, name_en, contact_person, contact_phone, unit_order``."""
    none = pd.Series([None] * len(units), index=units.index, dtype=object)
    names = units["name_zh"].astype(object)
    out = pd.DataFrame(
        {
            "unit_code": units["code"].astype(object),
            "name": names,
            "name_en": _text_or(units.get("name_en", none), names),
            "contact_person": _text_or(units.get("contact_person", none), none),
            "contact_phone": _phone(units.get("contact_phone", none)),
            "unit_order": np.arange(len(units)),
            "kind": units["kind"].astype(object),
        }
    )
    return out[out["kind"] != EXTERNAL].drop(columns="kind").reset_index(drop=True)


def _phone(values: pd.Series) -> pd.Series:
    """Phone numbers as text; a number read as a float (13800000000.0) loses its ``.0``."""

    def one(value: object) -> object:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        text = str(value).strip()
        return text or None

    return values.astype(object).map(one).astype(object)


def _known_writes(
    writes: pd.DataFrame,
    calendar: pd.DataFrame,
    people: pd.DataFrame,
    *,
    today: dt.date,
    window: tuple[int, int],
) -> pd.DataFrame:
    """Actual-figure writes of calendar indicators at their own frequency by units that
    may be expected, known by ``today``, of periods ending within ``window`` (end-month
    indices, both ends included: no other write can make anyone expected or report a
    target period), with ``idx`` (end-month index) and ``local`` (the local date
    written). A figure's writes are in batch order; figures in no particular order."""
    rows = writes[(writes["value_kind"] == "actual").to_numpy()]
    rows = rows[rows["unit_code"].isin(people["unit_code"]).to_numpy()]
    idx = end_index(rows) if len(rows) else np.zeros(0, dtype=np.int64)
    inside = (idx >= window[0]) & (idx <= window[1])
    rows = rows[inside].assign(idx=idx[inside])
    rows = rows.astype({"unit_code": object, "indicator_code": object, "freq": object})
    rows = rows.merge(
        calendar[["indicator_code", "freq", "due_day"]], on=["indicator_code", "freq"]
    )
    local = clock.local(rows["written_at"]).dt.normalize()
    rows = rows.assign(local=local.to_numpy())
    rows = rows[(rows["local"] <= pd.Timestamp(today)).to_numpy()]
    # a figure's first write and revisions read its writes in batch order; nothing reads
    # the order of figures (the tables are sorted at the end), so one integer key will do
    return rows.sort_values("batch_id", kind="stable", ignore_index=True)


def _targets(periods: Sequence[Period]) -> pd.DataFrame:
    """The periods assessed: ``freq, year, sub, idx``."""
    frame = pd.DataFrame(
        {
            "freq": [p.freq for p in periods],
            "year": [p.year for p in periods],
            "sub": [p.sub for p in periods],
        }
    ).astype({"freq": object, "year": np.int64, "sub": np.int64})
    return frame.assign(idx=end_index(frame) if len(frame) else np.zeros(0, dtype=np.int64))


# --- the assessment -----------------------------------------------------------------------


def expected_rows(
    reported: pd.DataFrame, targets: pd.DataFrame, lookback_months: int = LOOKBACK_MONTHS
) -> pd.DataFrame:
    """Who is expected to report in each target period (module docstring): a row per
    (unit, indicator) pair and target period of its frequency for which ``reported`` has
    a report of the pair ending at most ``lookback_months`` months before the period ends,
    or in the period itself. ``reported`` has ``unit_code, indicator_code, freq, idx`` and
    ``targets`` ``freq, year, sub, idx`` (``idx``: the month a period ends in, counted
    from year 0, :func:`end_index`). Columns: ``unit_code, indicator_code, freq`` and the
    targets' columns, in no particular order. The reporting rounds and every ranking's
    count of who has not reported read this one rule.

    >>> reported = pd.DataFrame({"unit_code": ["A", "B"], "indicator_code": "R",
    ...     "freq": "M", "year": [2026, 2025], "sub": [3, 10]})
    >>> reported["idx"] = end_index(reported)
    >>> targets = pd.DataFrame({"freq": ["M", "M"], "year": 2026, "sub": [10, 11]})
    >>> targets["idx"] = end_index(targets)
    >>> rows = expected_rows(reported, targets)
    >>> sorted(zip(rows["sub"], rows["unit_code"]))
    [(10, 'A'), (10, 'B'), (11, 'A')]
    """
    known = reported[[*_KEY, "idx"]].drop_duplicates()
    pairs = known[_KEY].drop_duplicates()
    grid = pairs.merge(targets, on="freq").sort_values("idx", kind="stable")
    if grid.empty:
        return grid
    seen = known.rename(columns={"idx": "seen"}).sort_values("seen", kind="stable")
    last = pd.merge_asof(
        grid,
        seen[["unit_code", "indicator_code", "seen"]],
        left_on="idx",
        right_on="seen",
        by=["unit_code", "indicator_code"],
        direction="backward",
    )
    keep = last["seen"].notna() & (last["idx"] - last["seen"] <= lookback_months)
    return last[keep.to_numpy()].drop(columns="seen").reset_index(drop=True)


def lookback_periods(period: Period, lookback_months: int = LOOKBACK_MONTHS) -> tuple[Period, ...]:
    """The periods of ``period``'s frequency whose reports make a pair expected in it
    (:func:`expected_rows`): those ending in the ``lookback_months`` months before it ends,
    and ``period`` itself, earliest first. What a reader of the figures needs to read to
    know who is expected.

    >>> [p.label for p in lookback_periods(Period.parse("2026-Q3"))]
    ['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']
    >>> [p.label for p in lookback_periods(Period.parse("2026"))]
    ['2025', '2026']
    """
    if lookback_months < 0:
        raise ValueError("lookback_months must be 0 or more")
    if period.freq == "Y":
        step, per_year = 12, 1
    else:
        step = {"H": 6, "Q": 3, "M": 1}[period.freq]
        per_year = 12 // step
    count = lookback_months // step
    first = period.year * per_year + (period.sub - 1 if period.freq != "Y" else 0) - count
    found = []
    for n in range(first, first + count + 1):
        year, place = divmod(n, per_year)
        found.append(Period(year, period.freq, 0 if period.freq == "Y" else place + 1))
    return tuple(found)


def _revisions(own: pd.DataFrame) -> pd.DataFrame:
    """Per reported key: ``revisions_after`` (revisions written after the due date) and
    ``last_reviser``."""
    keys = [*_KEY, "idx"]
    previous = own.groupby(keys, sort=False)["value"].shift()
    after = previous.notna() & (own["value"] != previous) & (own["local"] > own["due"])
    late = own[after.to_numpy()]
    counts = late.groupby(keys, sort=False).agg(
        revisions_after=("batch_id", "size"), last_reviser=("who", "last")
    )
    return counts.reset_index()


def _assess(
    targets: pd.DataFrame,
    *,
    writes: pd.DataFrame,
    people: pd.DataFrame,
    indicators: pd.DataFrame,
    today: dt.date,
    lookback_months: int,
) -> pd.DataFrame:
    """:data:`ROW_COLUMNS` for every expected pair in every target period, among ``people``
    (:func:`_reporters`)."""
    if lookback_months < 0:
        raise ValueError("lookback_months must be 0 or more")
    calendar = _calendar(indicators)
    ends = targets["idx"]
    window = (int(ends.min()) - lookback_months, int(ends.max())) if len(ends) else (0, -1)
    known = _known_writes(writes, calendar, people, today=today, window=window)
    rows = expected_rows(known, targets, lookback_months)
    rows = rows.merge(calendar, on=["indicator_code", "freq"]).merge(people, on="unit_code")
    rows["due"] = _due_from_index(rows["idx"].to_numpy(), rows["due_day"].to_numpy())
    own = known.merge(rows[[*_KEY, "idx", "due"]], on=[*_KEY, "idx"])
    first = own.drop_duplicates([*_KEY, "idx"], keep="first")[
        [*_KEY, "idx", "written_at", "who", "local"]
    ].rename(columns={"written_at": "first_reported_at", "who": "first_reported_by"})
    rows = rows.merge(first, on=[*_KEY, "idx"], how="left")
    rows = rows.merge(_revisions(own), on=[*_KEY, "idx"], how="left")
    return _finish(rows, today)


def _or_none(values: pd.Series) -> pd.Series:
    """Text with ``None`` for missing values."""
    return values.astype(object).where(values.notna(), None)


def _finish(rows: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Status, days late and the revision columns; rows in period, unit, indicator order."""
    due = pd.to_datetime(rows["due"])
    reported = rows["local"].notna()
    passed = pd.Timestamp(today) > due
    status = np.select(
        [reported & (rows["local"] <= due), reported, passed],
        ["on_time", "late", "missing"],
        "not_due",
    )
    late_days = (pd.to_datetime(rows["local"]) - due).dt.days
    overdue = (pd.Timestamp(today) - due).dt.days
    days = np.select(
        [status == "on_time", status == "late", status == "missing"], [0, late_days, overdue], -1
    )
    count = rows["revisions_after"].fillna(0).astype(np.int64)
    out = rows.assign(
        due=due.astype("datetime64[s]"),
        status=status,
        days_late=pd.array(np.where(status == "not_due", None, days), dtype="Int64"),
        revisions_after=count,
        revised_after_deadline=count > 0,
        last_reviser=_or_none(rows["last_reviser"]),
        first_reported_at=pd.to_datetime(rows["first_reported_at"]),
        first_reported_by=_or_none(rows["first_reported_by"]),
    )
    out = out.sort_values(["idx", "freq", "unit_order", "indicator_order"], kind="stable")
    return out[list(ROW_COLUMNS)].reset_index(drop=True)


# --- one period ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Progress:
    """Where one period's reporting round stands on ``today`` (the outcome of
    :func:`progress`).

    Compared by identity, as a data frame has no single truth value.
    """

    period: Period
    """The period whose figures are being reported."""
    today: dt.date
    """The date the round is assessed on (missing means due before it)."""
    rows: pd.DataFrame
    """One row per expected (unit, indicator): :data:`ROW_COLUMNS`."""
    units: pd.DataFrame
    """One row per unit with anything expected: :data:`UNIT_COLUMNS`."""
    expected: int
    """How many (unit, indicator) figures are expected."""
    on_time: int
    """Reported by the due date."""
    late: int
    """Reported after the due date."""
    missing: int
    """Not reported, due date passed."""
    not_due: int
    """Not reported, not yet due."""

    @property
    def reported(self) -> int:
        """Reported at all: ``on_time + late``."""
        return self.on_time + self.late

    @property
    def share_reported(self) -> float | None:
        """``reported / expected``; ``None`` when nothing is expected."""
        return self.reported / self.expected if self.expected else None


def _unit_summary(rows: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """:data:`UNIT_COLUMNS` from the rows (units with anything expected, units-table order)."""
    flags = pd.get_dummies(rows["status"]).reindex(columns=list(STATUSES), fill_value=False)
    counts = (
        flags.astype(np.int64)
        .assign(
            unit_code=rows["unit_code"],
            expected=1,
            revised_after_deadline=rows["revised_after_deadline"].astype(np.int64),
        )
        .groupby("unit_code", sort=False)
        .sum()
        .reset_index()
    )
    out = people.merge(counts, on="unit_code").sort_values("unit_order", kind="stable")
    out = out.assign(reported=out["on_time"] + out["late"])
    return out[list(UNIT_COLUMNS)].reset_index(drop=True)


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def progress(
    period: Period | str,
    *,
    writes: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    today: dt.date,
    lookback_months: int = LOOKBACK_MONTHS,
) -> Progress:
    """Who has reported ``period``'s figures, on time or late, and who is still missing.

    See the module docstring for the inputs, who is expected and what each status means.

    Parameters
    ----------
    period
        The period (a :class:`~bxgc_metrics.periods.Period` or a label such as ``2026-10``);
        the indicators reported at its frequency are assessed.
    writes, units, indicators
        The write history and the reference tables (module docstring).
    today
        The assessment date in the configured zone (:func:`bxgc_metrics.clock.today`).
    lookback_months
        How many months before the period a report makes a pair expected.

    Returns
    -------
    Progress

    Raises
    ------
    ValueError
        If an indicator's ``report_due_day`` is not a whole number from 1 to 28.

    Examples
    --------
    October 2026, due on 8 November: 甲 reported on the 7th, 乙 on the 10th (2 days late),
    丙 reported September but not October (3 days overdue on the 11th).

    >>> units = pd.DataFrame({"code": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"],
    ...                       "name_en": None, "kind": "街道"})
    >>> inds = pd.DataFrame({"code": ["GDP"], "name_zh": ["地区生产总值"], "name_en": ["GDP"],
    ...                      "frequency": ["M"], "report_due_day": [8]})
    >>> writes = pd.DataFrame({"unit_code": ["A", "B", "C"], "indicator_code": "GDP",
    ...     "freq": "M", "year": 2026, "sub": [10, 10, 9], "value_kind": "actual",
    ...     "batch_id": [1, 2, 3], "who": "analyst", "value": 1.0, "file_name": "x.xlsx",
    ...     "written_at": pd.to_datetime(["2026-11-07 02:00", "2026-11-10 02:00", "2026-10-08 02:00"])})
    >>> p = progress("2026-10", writes=writes, units=units, indicators=inds, today=dt.date(2026, 11, 11))
    >>> p.rows[["unit_code", "status", "days_late"]].values.tolist()
    [['A', 'on_time', 0], ['B', 'late', 2], ['C', 'missing', 3]]
    >>> p.expected, p.reported, p.missing, round(p.share_reported, 3)
    (3, 2, 1, 0.667)
    """
    p, people = _period(period), _reporters(units)
    rows = _assess(
        _targets([p]),
        writes=writes,
        people=people,
        indicators=indicators,
        today=today,
        lookback_months=lookback_months,
    )
    counts = rows["status"].value_counts()
    return Progress(
        period=p,
        today=today,
        rows=rows,
        units=_unit_summary(rows, people),
        expected=len(rows),
        **{s: int(counts.get(s, 0)) for s in STATUSES},
    )


# --- chasing: the list, the text, the workbook --------------------------------------------


def clean(text: object) -> str:
    """``text`` on one line: control, format and line-separator characters become spaces,
    runs of spaces one space; missing becomes ``""``. A name is data, and data must not
    start a new line of a message or hide text behind a direction override.

    >>> clean("甲街道\\n2. 假单位"), clean("=1+1\\u202e"), clean(None)
    ('甲街道 2. 假单位', '=1+1', '')
    """
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return ""
    chars = (" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    return " ".join("".join(chars).split())


def reminder_list(progress: Progress) -> pd.DataFrame:
    """催报名单: one row per unit with a figure overdue, most overdue first.

    Returns
    -------
    pandas.DataFrame
        :data:`REMINDER_COLUMNS`; ties keep the units table's order.
    """
    overdue = progress.rows[progress.rows["status"] == "missing"]
    if overdue.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in REMINDER_COLUMNS})
    grouped = overdue.groupby("unit_code", sort=False).agg(
        missing=("indicator_code", "size"),
        indicators=("indicator_name", lambda s: "、".join(clean(v) for v in s)),
        indicators_en=("indicator_name_en", lambda s: ", ".join(clean(v) for v in s)),
        days_overdue=("days_late", "max"),
    )
    people = progress.units[["unit_code", "name", "name_en", "contact_person", "contact_phone"]]
    out = people.merge(grouped.reset_index(), on="unit_code")
    for column in ("name", "name_en", "contact_person", "contact_phone"):
        out[column] = out[column].map(clean)
    out = out.assign(days_overdue=out["days_overdue"].astype(np.int64))
    out = out.sort_values("days_overdue", ascending=False, kind="stable")
    return out[list(REMINDER_COLUMNS)].reset_index(drop=True)


def _day_words(day: pd.Timestamp, year: int, lang: str) -> str:
    """``11月8日`` (or ``2027年1月8日`` in another year than ``year``); ``8 Nov`` in English."""
    if lang == "zh":
        return (f"{day.year}年" if day.year != year else "") + f"{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%b')}" + (f" {day.year}" if day.year != year else "")


def _contact(person: str, phone: str, lang: str) -> str:
    """``（联系人：张三 13800000000）``, or ``""`` when neither is known."""
    who = " ".join(part for part in (person, phone) if part)
    if not who:
        return ""
    return f"（联系人：{who}）" if lang == "zh" else f" (contact: {who})"


def reminder_text(
    progress: Progress, *, lang: str = "zh", reminders: pd.DataFrame | None = None
) -> str:
    """A 催报 message to paste into a chat group, in Chinese or (``lang="en"``) English.

    The date named is the latest due date of the overdue figures (every one of them was
    due by then); each unit's days are its most overdue figure's. Names and contacts are
    cleaned with :func:`clean`, so no name can add a line to the message. ``reminders`` is
    the round's :func:`reminder_list` when the caller holds it already.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["A"], "name_zh": ["甲街道"], "name_en": ["Jia"],
    ...     "kind": ["街道"], "contact_person": ["张三"], "contact_phone": ["13800000000"]})
    >>> inds = pd.DataFrame({"code": ["GDP", "TAX"], "name_zh": ["地区生产总值", "税收收入"],
    ...     "name_en": ["GDP", "Tax revenue"], "frequency": "M", "report_due_day": [8, 8]})
    >>> writes = pd.DataFrame({"unit_code": "A", "indicator_code": ["GDP", "TAX"], "freq": "M",
    ...     "year": 2026, "sub": 9, "value_kind": "actual", "batch_id": [1, 2], "who": "x",
    ...     "value": 1.0, "file_name": "f", "written_at": pd.Timestamp("2026-10-08")})
    >>> p = progress("2026-10", writes=writes, units=units, indicators=inds, today=dt.date(2026, 11, 11))
    >>> print(reminder_text(p))
    【催报】2026年10月数据截至11月8日应报，以下单位尚未报送：
    1. 甲街道（联系人：张三 13800000000）：地区生产总值、税收收入，已逾期 3 天
    请尽快报送。
    >>> print(reminder_text(p, lang="en"))
    [Reminder] Oct 2026 figures were due by 8 Nov; these units have not reported:
    1. Jia (contact: 张三 13800000000): GDP, Tax revenue, 3 days overdue
    Please report as soon as possible.
    """
    p = progress.period
    zh = lang == "zh"
    period = (format_zh if zh else format_en)(p.freq, p.year, p.sub)
    listed = reminder_list(progress) if reminders is None else reminders
    if listed.empty:
        if zh:
            return f"【催报】{period}数据目前没有逾期未报的单位。"
        return f"[Reminder] No unit is overdue with its {period} figures."
    overdue = progress.rows.loc[progress.rows["status"] == "missing", "due"]
    by = _day_words(pd.Timestamp(overdue.max()), p.year, lang)
    lines = []
    for n, row in enumerate(listed.itertuples(index=False), start=1):
        contact = _contact(row.contact_person, row.contact_phone, lang)
        if zh:
            lines.append(
                f"{n}. {row.name}{contact}：{row.indicators}，已逾期 {row.days_overdue} 天"
            )
        else:
            days = f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} overdue"
            lines.append(f"{n}. {row.name_en}{contact}: {row.indicators_en}, {days}")
    if zh:
        head, tail = f"【催报】{period}数据截至{by}应报，以下单位尚未报送：", "请尽快报送。"
    else:
        head = f"[Reminder] {period} figures were due by {by}; these units have not reported:"
        tail = "Please report as soon as possible."
    return "\n".join([head, *lines, tail])


_HEADERS = {
    "name": ("单位", "Unit"),
    "contact_person": ("联系人", "Contact"),
    "contact_phone": ("联系电话", "Phone"),
    "indicators": ("未报指标", "Missing figures"),
    "missing": ("未报项数", "Missing"),
    "days_overdue": ("逾期天数", "Days overdue"),
    "expected": ("应报", "Expected"),
    "reported": ("已报", "Reported"),
    "on_time": ("按时", "On time"),
    "late": ("迟报", "Late"),
    "not_due": ("未到期", "Not yet due"),
    "revised_after_deadline": ("逾期后修改", "Revised after due date"),
    "indicator_name": ("指标", "Indicator"),
    "due": ("应报日期", "Due"),
    "status": ("状态", "Status"),
    "first_reported_at": ("首次报送时间", "First reported"),
    "first_reported_by": ("报送人", "Reported by"),
    "days_late": ("逾期天数", "Days late"),
    "revisions_after": ("逾期后修改次数", "Revisions after due date"),
    "last_reviser": ("最后修改人", "Last revised by"),
}
_SHEETS = {
    "list": ("催报名单", "Reminders"),
    "units": ("填报进度", "Progress"),
    "rows": ("报送明细", "Details"),
}


def _word(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    return table[key][0 if lang == "zh" else 1]


def _columns(keys: Sequence[tuple[str, str]], lang: str) -> tuple[Column, ...]:
    """Columns from ``(key, kind)`` pairs, headed in ``lang``."""
    return tuple(Column(k, _word(_HEADERS, k, lang), kind) for k, kind in keys)  # type: ignore[arg-type]


def _notes(progress: Progress, lang: str) -> tuple[str, ...]:
    """The lines under each sheet's title: the round's counts and the assessment date."""
    p, zone = progress, clock.zone().key
    if lang == "zh":
        return (
            f"应报{p.expected}项，已报{p.reported}项（按时{p.on_time}项、迟报{p.late}项），"
            f"逾期未报{p.missing}项，未到期{p.not_due}项",
            f"统计日期：{p.today.isoformat()}；时间为 {zone} 时间",
        )
    return (
        f"{p.expected} expected, {p.reported} reported ({p.on_time} on time, {p.late} late), "
        f"{p.missing} overdue, {p.not_due} not yet due",
        f"As of {p.today.isoformat()}; times in {zone}",
    )


def _cell(value: object) -> str | None:
    """:func:`clean` text for a cell; nothing (a blank cell) where there is no text."""
    return clean(value) or None


def reminder_workbook(progress: Progress, *, lang: str = "zh") -> bytes:
    """The 催报名单, the per-unit progress and the per-figure details as an xlsx workbook
    written by :func:`bxgc_metrics.export.workbook` (text is never a formula).

    Parameters
    ----------
    progress
        The round (:func:`progress`).
    lang
        ``zh`` or ``en``: headers, titles, statuses and names.

    Returns
    -------
    bytes
        The xlsx file: sheets 催报名单 (:func:`reminder_list`), 填报进度
        (:attr:`Progress.units`) and 报送明细 (:attr:`Progress.rows`).
    """
    zh = lang == "zh"
    p = progress.period
    period = (format_zh if zh else format_en)(p.freq, p.year, p.sub)
    name = "name" if zh else "name_en"
    listed = reminder_list(progress)
    listed = listed.assign(
        name=listed[name],
        indicators=listed["indicators" if zh else "indicators_en"],
        contact_person=listed["contact_person"].map(_cell),
        contact_phone=listed["contact_phone"].map(_cell),
    )
    units = progress.units.assign(
        name=progress.units[name].map(_cell),
        contact_person=progress.units["contact_person"].map(_cell),
        contact_phone=progress.units["contact_phone"].map(_cell),
    )
    rows = progress.rows
    rows = rows.assign(
        name=rows[name].map(_cell),
        indicator_name=rows["indicator_name" if zh else "indicator_name_en"].map(_cell),
        due=rows["due"].dt.strftime("%Y-%m-%d"),
        status=rows["status"].map(lambda s: _word(STATUS_LABELS, s, lang)),
        first_reported_at=clock.shown(rows["first_reported_at"]),
        first_reported_by=rows["first_reported_by"].map(_cell),
        days_late=rows["days_late"].astype("Float64"),
        last_reviser=rows["last_reviser"].map(_cell),
    )
    notes = _notes(progress, lang)
    titles = {
        "list": f"{period}数据催报名单" if zh else f"{period}: units overdue",
        "units": f"{period}数据填报进度" if zh else f"{period}: reporting progress",
        "rows": f"{period}数据报送明细" if zh else f"{period}: every expected figure",
    }
    tables = [
        Table(
            _word(_SHEETS, "list", lang),
            titles["list"],
            notes,
            listed,
            _columns(
                [
                    ("name", "text"),
                    ("contact_person", "text"),
                    ("contact_phone", "text"),
                    ("indicators", "text"),
                    ("missing", "number"),
                    ("days_overdue", "number"),
                ],
                lang,
            ),
        ),
        Table(
            _word(_SHEETS, "units", lang),
            titles["units"],
            notes,
            units,
            _columns(
                [
                    ("name", "text"),
                    *(
                        (s, "number")
                        for s in (
                            "expected",
                            "reported",
                            "on_time",
                            "late",
                            "missing",
                            "not_due",
                            "revised_after_deadline",
                        )
                    ),
                    ("contact_person", "text"),
                    ("contact_phone", "text"),
                ],
                lang,
            ),
        ),
        Table(
            _word(_SHEETS, "rows", lang),
            titles["rows"],
            notes,
            rows,
            _columns(
                [
                    ("name", "text"),
                    ("indicator_name", "text"),
                    ("due", "text"),
                    ("status", "text"),
                    ("first_reported_at", "text"),
                    ("first_reported_by", "text"),
                    ("days_late", "number"),
                    ("revisions_after", "number"),
                    ("last_reviser", "text"),
                ],
                lang,
            ),
        ),
    ]
    return workbook(tables)


# --- a year -------------------------------------------------------------------------------


def year_periods(year: int, freqs: Sequence[str] = FREQS) -> tuple[Period, ...]:
    """Every period of ``year`` at the given frequencies, coarsest first.

    >>> [p.label for p in year_periods(2026, ("Y", "H"))]
    ['2026', '2026-H1', '2026-H2']
    >>> len(year_periods(2026))
    19
    """
    subs = {"Y": [0], "H": [1, 2], "Q": [1, 2, 3, 4], "M": list(range(1, 13))}
    return tuple(Period(year, f, s) for f in FREQS if f in freqs for s in subs[f])


def yearly_counts(
    year: int,
    *,
    writes: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    today: dt.date,
    lookback_months: int = LOOKBACK_MONTHS,
) -> pd.DataFrame:
    """Each unit's reporting record over every period of ``year`` (the months, quarters,
    halves and the year itself, each at the indicators reported at that frequency), as
    :func:`progress` assesses each period on ``today``.

    Feeds a 漏统漏报 deduction (the ``missed_report`` rule of
    :mod:`bxgc_metrics.metrics.rewards`). A period still before its due date on ``today``
    counts as ``not_due``, not as missing: December's figures of a year-end assessment made
    on 5 January with a due day of 8 are not yet missing.

    Returns
    -------
    pandas.DataFrame
        :data:`YEARLY_COLUMNS`, one row per unit with anything expected, units-table order.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["A"], "name_zh": ["甲"], "name_en": None, "kind": "街道"})
    >>> inds = pd.DataFrame({"code": ["Q"], "name_zh": ["季度指标"], "name_en": None,
    ...                      "frequency": ["Q"], "report_due_day": [15]})
    >>> writes = pd.DataFrame({"unit_code": "A", "indicator_code": "Q", "freq": "Q",
    ...     "year": [2025, 2026, 2026], "sub": [4, 1, 3], "value_kind": "actual",
    ...     "batch_id": [1, 2, 3], "who": "x", "value": 1.0, "file_name": "f",
    ...     "written_at": pd.to_datetime(["2026-01-10", "2026-04-20", "2026-10-01"])})
    >>> yearly_counts(2026, writes=writes, units=units, indicators=inds,
    ...               today=dt.date(2026, 12, 31)).to_dict("records")
    [{'unit_code': 'A', 'name': '甲', 'expected': 4, 'on_time': 1, 'late': 1, 'missing': 1, 'not_due': 1, 'revised_after_deadline': 0}]

    Q1 was reported on 20 April (due 15 April: late), Q2 never (missing), Q3 on 1 October
    (on time), and Q4 is not due until 15 January.
    """
    people = _reporters(units)
    rows = _assess(
        _targets(year_periods(year)),
        writes=writes,
        people=people,
        indicators=indicators,
        today=today,
        lookback_months=lookback_months,
    )
    summary = _unit_summary(rows, people)
    return summary[list(YEARLY_COLUMNS)]
