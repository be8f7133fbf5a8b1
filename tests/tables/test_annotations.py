"""Events and phases placed on the trajectory's year axis, by hand-computed decimal years."""

from __future__ import annotations

import pandas as pd
import pytest

from bxgc_metrics.tables.annotations import chart_events, chart_phases, decimal_year


@pytest.mark.parametrize(
    ("day", "year"),
    [
        ("2024-01-01", 2024.0),
        ("2024-03-15", 2024 + 74 / 366),  # 31 + 29 + 14 days gone by in a leap year
        ("2025-06-28", 2025 + 178 / 365),  # 31 + 28 + 31 + 30 + 31 + 27
        ("2023-12-31", 2023 + 364 / 365),
        ("2024-12-31", 2024 + 365 / 366),
    ],
)
def test_a_date_sits_at_its_decimal_year(day: str, year: float) -> None:
    assert decimal_year([day])[0] == pytest.approx(year, abs=1e-12)


EVENTS = pd.DataFrame(
    {
        "event_date": ["2024-03-15", "2023-01-01", "2024-06-01", "2023-05-01", "2010-01-01"],
        "unit_code": ["JD03", None, "JD09", "JD01", None],
        "indicator_code": [None, "FAI", None, "GBR", None],
        "kind": ["policy", "definition", "project", "other", "other"],
        "text": ["十条", "口径", "别的单位", "别的指标", "窗口之外"],
    }
)


def test_events_of_the_units_shown_or_of_all_apply_in_the_window() -> None:
    marks = chart_events(EVENTS, ["JD03", "JD01"], "FAI", window=(2018.5, 2027.5))
    assert marks["text"].tolist() == ["口径", "十条"]
    assert marks["x"].tolist() == pytest.approx([2023.0, 2024 + 74 / 366])
    assert marks["unit_code"].tolist() == [None, "JD03"]


def test_no_events_gives_the_documented_columns() -> None:
    marks = chart_events(EVENTS.iloc[:0], ["JD03"], "FAI", window=(2018.5, 2027.5))
    assert marks.empty and list(marks.columns)[:2] == ["x", "event_date"]


def test_phases_in_view_become_bands_to_the_day_after_their_end() -> None:
    phases = pd.DataFrame(
        {
            "campaign": ["演示"] * 3,
            "name_zh": ["动员部署", "攻坚赶超", "很久以前"],
            "name_en": [None] * 3,
            "start_date": ["2026-03-01", "2026-05-01", "2001-01-01"],
            "end_date": ["2026-03-15", "2027-12-31", "2001-12-31"],
            "status": ["done", "current", "done"],
        }
    )
    bands = chart_phases(phases, window=(2018.5, 2027.5))
    assert bands["name_zh"].tolist() == ["动员部署", "攻坚赶超"]
    assert bands["x0"].tolist() == pytest.approx([2026 + 59 / 365, 2026 + 120 / 365])
    # 2026-03-16 is day 75; the second band runs to 2028 and is cut at the window's edge
    assert bands["x1"].tolist() == pytest.approx([2026 + 74 / 365, 2027.5])
    assert bands["status"].tolist() == ["done", "current"]
