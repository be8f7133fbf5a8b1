"""The campaign calendar and the year-end look back (回头看), with dates counted by hand.

The tables are typed in from the plans (plan three's four phases, plans one and four's
milestones) rather than taken from the demo, so that these tests stand on the documents.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bxgc_metrics.metrics.campaign import gap_status, look_back, milestone_status, phase_status

PHASES = pd.DataFrame(
    {
        "name_zh": [
            "积极动员、选树标杆",
            "寻找差距、排查问题",
            "高点定位、创新举措",
            "深度总结、促进提升",
        ],
        "start_date": [
            dt.date(2014, 7, 19),
            dt.date(2014, 7, 29),
            dt.date(2014, 8, 8),
            dt.date(2014, 8, 15),
        ],
        "end_date": [
            dt.date(2014, 7, 28),
            dt.date(2014, 8, 7),
            dt.date(2014, 8, 14),
            dt.date(2014, 8, 21),
        ],
    }
)
"""Plan three's four dated phases, 2014-07-19 to 2014-08-21."""

MILESTONES = pd.DataFrame(
    {
        "name_en": [
            "Rural cable digital switch-over done",  # plan one: by the end of June 2011
            "Culture centre in use",  # plan one: by the end of 2011
            "Year-end look-back",  # plan three
            "Three community service centres built",  # plan four
            "360 high-rise buildings",  # plan four: by 2012
        ],
        "due_date": [
            dt.date(2011, 6, 30),
            dt.date(2011, 12, 31),
            dt.date(2014, 12, 31),
            dt.date(2011, 6, 30),
            dt.date(2012, 12, 31),
        ],
        "done_date": [dt.date(2011, 6, 28), None, None, dt.date(2011, 7, 15), None],
    }
)

GAPS = pd.DataFrame(
    {
        "unit_code": ["JD03", "JD03", "XZ02", "JD01", "XZ05"],
        "deadline": [
            dt.date(2026, 12, 31),
            dt.date(2026, 9, 30),
            dt.date(2026, 6, 30),
            dt.date(2026, 12, 31),
            dt.date(2026, 8, 31),
        ],
        "status": ["in_progress", "open", "done", "open", "open"],
    }
)

D, C, U = "done", "current", "upcoming"


# --- phases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2014, 7, 1), [U, U, U, U]),  # before the campaign
        (dt.date(2014, 7, 18), [U, U, U, U]),  # the day before it starts
        (dt.date(2014, 7, 19), [C, U, U, U]),  # first day of phase 1
        (dt.date(2014, 7, 28), [C, U, U, U]),  # last day of phase 1: still current
        (dt.date(2014, 7, 29), [D, C, U, U]),  # first day of phase 2
        (dt.date(2014, 8, 7), [D, C, U, U]),  # last day of phase 2
        (dt.date(2014, 8, 10), [D, D, C, U]),  # between 08-08 and 08-14
        (dt.date(2014, 8, 15), [D, D, D, C]),  # first day of the last phase
        (dt.date(2014, 8, 21), [D, D, D, C]),  # the campaign's last day
        (dt.date(2014, 8, 22), [D, D, D, D]),  # the day after
        (dt.date(2015, 1, 1), [D, D, D, D]),  # long after
    ],
)
def test_phase_status_on_plan_three(today: dt.date, expected: list[str]) -> None:
    out = phase_status(PHASES, today)
    assert out["status"].tolist() == expected
    assert list(out.columns) == [*PHASES.columns, "status"]  # input columns kept, in order
    assert "status" not in PHASES.columns  # the input is not changed


def test_phase_status_reads_text_dates_and_open_ends() -> None:
    phases = pd.DataFrame(
        {"start_date": ["2014-07-19", "2014-07-29"], "end_date": ["2014-07-28", None]}
    )
    # an open-ended phase that has started is current and is never done
    assert phase_status(phases, dt.date(2020, 1, 1))["status"].tolist() == [D, C]
    assert phase_status(phases, dt.date(2014, 7, 20))["status"].tolist() == [C, U]


def test_phase_status_with_a_datetime_on_the_last_day() -> None:
    out = phase_status(PHASES, dt.datetime(2014, 7, 28, 9, 0))
    assert out["status"].tolist() == [C, U, U, U]  # got ['done', 'upcoming', ...]


@given(today=st.dates(dt.date(2014, 6, 1), dt.date(2014, 10, 1)))
def test_phase_status_is_done_then_current_then_upcoming(today: dt.date) -> None:
    statuses = phase_status(PHASES, today)["status"].tolist()
    order = {D: 0, C: 1, U: 2}
    assert [order[s] for s in statuses] == sorted(order[s] for s in statuses)
    # the four phases tile 07-19 .. 08-21 without gaps: exactly one current inside it
    inside = dt.date(2014, 7, 19) <= today <= dt.date(2014, 8, 21)
    assert statuses.count(C) == (1 if inside else 0)
    # a phase is current exactly when start <= today <= end
    for row, status in zip(PHASES.itertuples(), statuses, strict=True):
        assert (status == C) == (row.start_date <= today <= row.end_date)


# --- milestones -------------------------------------------------------------------------


def test_milestone_status_by_hand() -> None:
    out = milestone_status(MILESTONES, dt.date(2012, 1, 10))
    assert out["status"].tolist() == ["done", "late", "open", "done_late", "open"]
    # done 06-28, due 06-30: early, 0 days late
    # not done, due 2011-12-31, today 2012-01-10: 10 days late
    # not done, due 2014-12-31 / 2012-12-31: still open, 0
    # done 07-15, due 06-30: 15 days late (1 + 14)
    assert out["days_late"].tolist() == [0, 10, 0, 15, 0]


@pytest.mark.parametrize(
    ("due", "done", "today", "status", "days_late"),
    [
        ("2011-06-30", None, "2011-06-30", "open", 0),  # due today, not done yet: not late
        ("2011-06-30", None, "2011-07-01", "late", 1),  # the day after
        ("2011-06-30", "2011-06-30", "2011-07-01", "done", 0),  # done on the due day
        ("2011-06-30", "2011-07-01", "2011-07-01", "done_late", 1),  # a day late
        ("2011-12-31", None, "2012-12-31", "late", 366),  # 2012 is a leap year
        ("2011-06-30", "2011-12-31", "2011-07-01", "done_late", 184),  # 1+31+31+30+31+30+30
    ],
)
def test_milestone_status_boundaries(
    due: str, done: str | None, today: str, status: str, days_late: int
) -> None:
    frame = pd.DataFrame({"due_date": [due], "done_date": [done]})
    out = milestone_status(frame, dt.date.fromisoformat(today))
    assert out["status"].tolist() == [status]
    assert out["days_late"].tolist() == [days_late]


@given(
    due=st.dates(dt.date(2010, 1, 1), dt.date(2015, 12, 31)),
    done=st.none() | st.dates(dt.date(2010, 1, 1), dt.date(2015, 12, 31)),
    today=st.dates(dt.date(2010, 1, 1), dt.date(2016, 12, 31)),
)
def test_milestone_status_matches_its_definition(
    due: dt.date, done: dt.date | None, today: dt.date
) -> None:
    frame = pd.DataFrame({"due_date": [due], "done_date": [done]})
    row = milestone_status(frame, today).iloc[0]
    late = max(0, ((done or today) - due).days)
    assert row["days_late"] == late
    if done is None:
        assert row["status"] == ("late" if late else "open")
    else:
        assert row["status"] == ("done_late" if late else "done")


# --- gap commitments --------------------------------------------------------------------


def test_gap_status_by_hand() -> None:
    out = gap_status(GAPS, dt.date(2026, 9, 1))
    # to 12-31: 29 (rest of Sept.) + 31 + 30 + 31 = 121; to 09-30: 29;
    # since 06-30: 1 (to 07-01) + 31 (July) + 31 (Aug.) = 63, so −63; 08-31 was yesterday: −1
    assert out["days_left"].tolist() == [121, 29, -63, 121, -1]
    # overdue only when past the deadline and not done: XZ02 is done, so not overdue
    assert out["overdue"].tolist() == [False, False, False, False, True]
    assert out["overdue"].dtype == bool


def test_gap_status_on_the_deadline_day_is_not_overdue() -> None:
    out = gap_status(GAPS, dt.date(2026, 8, 31))
    assert out["days_left"].tolist()[-1] == 0
    assert not out["overdue"].tolist()[-1]
    # one day later it is
    assert gap_status(GAPS, dt.date(2026, 9, 1))["overdue"].tolist()[-1]


def test_gap_status_done_is_never_overdue_and_missing_deadline_is_not_overdue() -> None:
    gaps = pd.DataFrame(
        {"deadline": ["2020-01-01", "2020-01-01", None], "status": ["done", "open", "open"]}
    )
    out = gap_status(gaps, dt.date(2026, 1, 1))
    assert out["overdue"].tolist() == [False, True, False]
    assert math.isnan(out["days_left"].iloc[2])


def test_gap_status_with_a_datetime_on_the_deadline_day() -> None:
    out = gap_status(GAPS, dt.datetime(2026, 8, 31, 9, 0))
    assert out["days_left"].tolist()[-1] == 0  # got −1
    assert not out["overdue"].tolist()[-1]  # got True


# --- look back (回头看) ------------------------------------------------------------------


def _observations() -> pd.DataFrame:
    rows = [
        # unit, indicator, freq, year, sub, kind, value — deliberately out of order
        ("U", "REV", "M", 2026, 10, "actual", 110.0),
        ("U", "REV", "M", 2026, 9, "actual", 90.0),
        ("U", "REV", "M", 2026, 11, "target", 500.0),  # a target, not a figure
        ("U", "REV", "Y", 2026, 0, "target", 140.0),
        ("U", "REV", "M", 2025, 12, "actual", 200.0),
        ("U", "REV", "M", 2025, 6, "actual", 95.0),
        ("U", "ENE", "Y", 2026, 0, "actual", 0.55),
        ("V", "REV", "M", 2026, 10, "actual", 999.0),  # another unit
    ]
    columns = ["unit_code", "indicator_code", "freq", "year", "sub", "value_kind", "value"]
    return pd.DataFrame(rows, columns=columns)


def test_look_back_by_hand() -> None:
    gaps = pd.DataFrame(
        {
            "gap": ["revenue", "energy", "revenue last year", "revenue next year", "no rule"],
            "unit_code": ["U", "U", "U", "U", "U"],
            "indicator_code": ["REV", "ENE", "REV", "REV", "ENE"],
            "promised_value": [100.0, 0.5, 250.0, 100.0, 0.44],
            "promised_year": [2026, 2026, 2025, 2027, 2026],
        }
    )
    out = look_back(gaps, _observations(), {"REV": True, "ENE": False})
    assert out["gap"].tolist() == gaps["gap"].tolist()  # one row per commitment, in order
    # 2026: the latest actual is October's YTD 110, not September's 90 nor the targets
    assert out.loc[0, "latest_period"] == 10 and out.loc[0, "latest_value"] == 110.0
    # 2025: December, 200
    assert out.loc[2, "latest_period"] == 12 and out.loc[2, "latest_value"] == 200.0
    # ENE 2026 is an annual figure: period 0
    assert out.loc[1, "latest_period"] == 0 and out.loc[1, "latest_value"] == 0.55
    # achieved: 110 / 100 = 1.10 (higher); 0.5 / 0.55 = 0.909091 (lower: promise / value);
    # 200 / 250 = 0.80; no 2027 figure: NaN; 0.44 / 0.55 = 0.80
    achieved = out["achieved"].tolist()
    assert achieved[:3] == pytest.approx([1.10, 0.5 / 0.55, 0.80])
    assert math.isnan(achieved[3])
    assert achieved[4] == pytest.approx(0.80)
    assert out["met"].tolist() == [True, False, False, False, False]
    assert pd.isna(out.loc[3, "latest_value"]) and pd.isna(out.loc[3, "latest_period"])


def _two_promises() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["U", "U"],
            "indicator_code": ["REV", "ENE"],
            "promised_value": [110.0, 0.55],
            "promised_year": [2026, 2026],
        }
    )


def test_look_back_direction_defaults_to_higher_and_exact_promise_is_met() -> None:
    # REV has no direction: read as higher-is-better; 110 / 110 = 1 and 0.55 / 0.55 = 1
    out = look_back(_two_promises(), _observations(), {"ENE": False})
    assert out["achieved"].tolist() == [1.0, 1.0]
    assert out["met"].tolist() == [True, True]


@pytest.mark.filterwarnings("error::pandas.errors.Pandas4Warning")
def test_look_back_with_no_known_direction_does_not_warn() -> None:
    out = look_back(_two_promises(), _observations(), {})
    assert out["achieved"].tolist() == [1.0, 1.0]


@given(
    value=st.floats(0.01, 1e6),
    promise=st.floats(0.01, 1e6),
    higher=st.booleans(),
)
def test_look_back_achieved_is_direction_aware(value: float, promise: float, higher: bool) -> None:
    obs = pd.DataFrame(
        {
            "unit_code": ["U"],
            "indicator_code": ["X"],
            "freq": ["Y"],
            "year": [2026],
            "sub": [0],
            "value_kind": ["actual"],
            "value": [value],
        }
    )
    gaps = pd.DataFrame(
        {
            "unit_code": ["U"],
            "indicator_code": ["X"],
            "promised_value": [promise],
            "promised_year": [2026],
        }
    )
    row = look_back(gaps, obs, {"X": higher}).iloc[0]
    expected = value / promise if higher else promise / value
    assert row["achieved"] == pytest.approx(expected)
    # met means the promise is kept: at least the promise, or at most it when lower is better
    kept = value >= promise if higher else value <= promise
    if not np.isclose(value, promise, rtol=1e-12):
        assert bool(row["met"]) == kept
