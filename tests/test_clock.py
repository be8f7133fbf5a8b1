"""The one clock: ``BXGC_TODAY`` moves "today" for tests and demonstrations, and only
when it is set to a date; the time of day and the zone stay the real ones."""

from __future__ import annotations

import datetime as dt

import pytest

from bxgc_metrics import clock


def _seconds_of_day(t: dt.datetime) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def test_without_the_variable_today_is_the_real_date_in_the_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BXGC_TODAY", raising=False)
    monkeypatch.setenv("BXGC_TZ", "Asia/Shanghai")
    before = dt.datetime.now(clock.zone()).date()
    assert clock.fixed_today() is None
    assert before <= clock.today() <= dt.datetime.now(clock.zone()).date()


def test_bxgc_today_sets_the_date_and_keeps_the_time_of_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BXGC_TODAY", "2026-12-15")
    monkeypatch.setenv("BXGC_TZ", "Asia/Shanghai")
    real, now = dt.datetime.now(clock.zone()), clock.now()
    assert clock.today() == now.date() == dt.date(2026, 12, 15)
    assert now.utcoffset() == dt.timedelta(hours=8)
    assert abs(_seconds_of_day(now) - _seconds_of_day(real)) < 60 or real.hour == 23


@pytest.mark.parametrize("value", ["", "  ", "tomorrow", "2026-13-01", "15.12.2026"])
def test_a_value_that_is_not_a_date_is_ignored(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BXGC_TODAY", value)
    before = dt.datetime.now(clock.zone()).date()
    assert clock.fixed_today() is None
    assert before <= clock.today() <= dt.datetime.now(clock.zone()).date()
