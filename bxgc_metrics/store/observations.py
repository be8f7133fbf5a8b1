"""Reading observations: filtered and scoped reads, coverage, the latest period, export.

A page reads what one view needs (:meth:`Observations.observations_in`), not the whole
table; every read is one constant statement with parameters, and each frame of figures
gets its ``period`` label from :mod:`bxgc_metrics.periods`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from bxgc_metrics import periods
from bxgc_metrics.periods import labels as label_periods  # observations_in has ``periods``
from bxgc_metrics.store.connection import Database

_NEAR = """
    WITH wanted AS (
        SELECT unnest($freqs) AS freq, CAST(unnest($years) AS SMALLINT) AS year,
               CAST(unnest($subs) AS TINYINT) AS sub
    ), units AS (
        SELECT CAST(i AS INTEGER) AS unit_at, ($units)[i + 1] AS unit_code
        FROM range(len($units)) t(i)
    ), indicators AS (
        SELECT CAST(i AS INTEGER) AS indicator_at, ($indicators)[i + 1] AS indicator_code
        FROM range(len($indicators)) t(i)
    )
    SELECT u.unit_at, i.indicator_at, o.freq, o.year, o.sub, o.value_kind, o.value,
           o.cumulative, o.batch_id
    FROM observations o
    JOIN units u ON u.unit_code = o.unit_code
    JOIN indicators i ON i.indicator_code = o.indicator_code
    LEFT JOIN wanted w ON w.freq = o.freq AND w.year = o.year AND w.sub = o.sub
    WHERE o.year BETWEEN $first AND $last AND (o.freq = 'Y' OR w.freq IS NOT NULL)
"""
"""What :meth:`Observations.observations_near` reads: each figure's unit and indicator as
its position in the lists asked for, so that no code is sent, or hashed, once per row. One
pass over the figures: the periods asked for are joined beside them, and a figure at none
is kept only if it is annual."""
_SELECT_OBSERVATIONS = """
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id
    FROM observations
    WHERE ($unit IS NULL OR unit_code = $unit)
      AND ($indicator IS NULL OR indicator_code = $indicator)
      AND ($value_kind IS NULL OR value_kind = $value_kind)
      AND ($freq IS NULL OR freq = $freq)
    ORDER BY unit_code, indicator_code, value_kind, freq, year, sub
"""
_EXPORT = """
    SELECT u.name_zh AS unit, i.name_zh AS indicator, o.freq, o.year, o.sub,
           o.value_kind AS kind, o.value, i.measure, o.cumulative,
           o.unit_code, o.indicator_code
    FROM observations o
    JOIN units u ON u.code = o.unit_code
    JOIN indicators i ON i.code = o.indicator_code
    ORDER BY u.code, i.code, o.value_kind, o.freq, o.year, o.sub
"""
_COUNT_OBSERVATIONS = "SELECT count(*) FROM observations"
_SELECT_SCOPED = """
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative, batch_id
    FROM observations
    WHERE ($indicators IS NULL OR list_contains($indicators, indicator_code))
      AND ($units IS NULL OR list_contains($units, unit_code))
      AND ($kinds IS NULL OR list_contains($kinds, value_kind))
      AND ($freqs IS NULL OR list_contains($freqs, freq))
      AND ($first_year IS NULL OR year >= $first_year)
      AND ($last_year IS NULL OR year <= $last_year)
      AND ($periods IS NULL OR list_contains($periods, CAST(year AS INTEGER) * 100 + sub))
    ORDER BY unit_code, indicator_code, value_kind, freq, year, sub
"""
_LATEST_REPORTS = """
    SELECT unit_code, indicator_code, freq,
           arg_max(year, CAST(year AS INTEGER) * 100 + sub) AS year,
           arg_max(sub, CAST(year AS INTEGER) * 100 + sub) AS sub,
           'actual' AS value_kind,
           arg_max(value, CAST(year AS INTEGER) * 100 + sub) AS value
    FROM observations
    WHERE value_kind = 'actual' AND value IS NOT NULL AND freq = $freq
      AND ($indicators IS NULL OR list_contains($indicators, indicator_code))
      AND year >= $first_year AND year <= $last_year
      AND list_contains($periods, CAST(year AS INTEGER) * 100 + sub)
    GROUP BY unit_code, indicator_code, freq
    ORDER BY unit_code, indicator_code
"""
_FIGURES = """
    SELECT unit_code, indicator_code, freq, year, sub, value_kind, value, cumulative
    FROM observations
    WHERE ($indicators IS NULL OR list_contains($indicators, indicator_code))
"""
_NO_PERIODS: dict[str, object] = {
    "indicators": None,
    "first_year": 0,
    "last_year": -1,
    "periods": [],
}
"""The parameters of :data:`_LATEST_REPORTS` that match no figure."""
_FIGURE_COUNTS = """
    SELECT indicator_code, count(*) AS figures FROM observations
    GROUP BY indicator_code ORDER BY indicator_code
"""
_COVERAGE = """
    SELECT DISTINCT unit_code, indicator_code, 'actual' AS value_kind
    FROM observations WHERE value_kind = 'actual'
    ORDER BY unit_code, indicator_code
"""
_ACTUAL_PERIODS = """
    SELECT DISTINCT indicator_code, freq, year, sub, 'actual' AS value_kind
    FROM observations WHERE value_kind = 'actual'
    ORDER BY indicator_code, freq, year, sub
"""
_LAST_ACTUALS = """
    SELECT freq, year, max(sub) FROM observations
    WHERE value_kind = 'actual'
      AND year = (SELECT max(year) FROM observations WHERE value_kind = 'actual')
    GROUP BY freq, year
"""
"""The candidates for the latest actual period: the last period of each frequency in the
latest year with an actual figure (at most four rows, which :mod:`~bxgc_metrics.periods`
orders)."""


class Observations(Database):
    """Reads of the stored observations."""

    def observations_near(
        self, units: list[str], indicators: list[str], periods: Iterable[tuple[str, int, int]]
    ) -> pd.DataFrame:
        """The stored observations of these units and indicators at ``periods``
        (``(freq, year, sub)``), and every annual figure of those years (no period label):
        what an import's checks compare a file with.

        Columns: ``unit_code, indicator_code, freq, year, sub, value_kind, value,
        cumulative, batch_id``, the text columns categorical; in no particular order.
        """
        wanted = sorted({(str(f), int(y), int(s)) for f, y, s in periods})
        years = [y for _, y, _ in wanted]
        units, indicators = list(dict.fromkeys(units)), list(dict.fromkeys(indicators))
        params = {
            "units": units,
            "indicators": indicators,
            "freqs": [f for f, _, _ in wanted],
            "years": years,
            "subs": [s for _, _, s in wanted],
            "first": min(years, default=0),
            "last": max(years, default=-1),
        }
        found = self._coded_frame(_NEAR, params)
        unit = pd.Categorical.from_codes(
            found.pop("unit_at"), categories=pd.Index(units, dtype="str")
        )
        indicator = pd.Categorical.from_codes(
            found.pop("indicator_at"), categories=pd.Index(indicators, dtype="str")
        )
        found.insert(0, "indicator_code", indicator)
        found.insert(0, "unit_code", unit)
        return found

    def observations(
        self,
        *,
        unit: str | None = None,
        indicator: str | None = None,
        value_kind: str | None = None,
        freq: str | None = None,
    ) -> pd.DataFrame:
        """Stored observations, optionally filtered, with a ``period`` label column.

        Columns: ``unit_code, indicator_code, freq, year, sub, value_kind, value,
        cumulative, batch_id, period``.
        """
        params = {"unit": unit, "indicator": indicator, "value_kind": value_kind, "freq": freq}
        frame = self._frame(_SELECT_OBSERVATIONS, params)
        frame["period"] = periods.labels(frame["freq"], frame["year"], frame["sub"])
        return frame

    def export_long(self) -> pd.DataFrame:
        """All observations in long form by display name.

        Columns: ``unit, indicator, period, kind, value, measure, cumulative, unit_code,
        indicator_code``.
        """
        frame = self._frame(_EXPORT)
        frame.insert(2, "period", periods.labels(frame["freq"], frame["year"], frame["sub"]))
        return frame.drop(columns=["freq", "year", "sub"])

    def count_observations(self) -> int:
        """How many observations are stored."""
        with self._connection() as con:
            return int(con.execute(_COUNT_OBSERVATIONS).fetchone()[0])  # type: ignore[index]

    def latest_actual_period(self) -> periods.Period | None:
        """The latest period with an actual value, or ``None`` when there is none (of
        periods ending in the same month, the finest)."""
        with self._connection() as con:
            rows = con.execute(_LAST_ACTUALS).fetchall()
        found = [periods.Period(int(year), freq, int(sub)) for freq, year, sub in rows]
        return max(found, key=_recency, default=None)

    # --- scoped reads (what one page view needs, not the whole table) ---------------------

    def observations_in(
        self,
        *,
        indicators: Sequence[str] | None = None,
        units: Sequence[str] | None = None,
        value_kinds: Sequence[str] | None = None,
        freqs: Sequence[str] | None = None,
        years: tuple[int, int] | None = None,
        periods: Sequence[tuple[int, int]] | None = None,
    ) -> pd.DataFrame:
        """The stored observations inside a scope, with a ``period`` label column.

        Each argument left ``None`` does not restrict. ``years`` is an inclusive
        ``(first, last)`` range; ``periods`` lists ``(year, sub)`` pairs of any of
        ``freqs`` (an annual figure has ``sub`` 0, so ``(2026, 0)`` is the 2026 target
        row). Columns as :meth:`observations`, in the same order.

        Examples
        --------
        One indicator's June figures of 2025 and 2026 and the two annual targets::

            store.observations_in(indicators=["GDP"], freqs=["M", "Y"],
                                  periods=[(2025, 6), (2026, 6), (2025, 0), (2026, 0)])
        """
        if periods is not None and years is None and len(periods):
            # A year range as well lets DuckDB skip row groups by their min/max year.
            years = (min(int(y) for y, _ in periods), max(int(y) for y, _ in periods))
        params = {
            "indicators": None if indicators is None else [str(c) for c in indicators],
            "units": None if units is None else [str(c) for c in units],
            "kinds": None if value_kinds is None else [str(k) for k in value_kinds],
            "freqs": None if freqs is None else [str(f) for f in freqs],
            "first_year": None if years is None else int(years[0]),
            "last_year": None if years is None else int(years[1]),
            "periods": None if periods is None else [int(y) * 100 + int(s) for y, s in periods],
        }
        frame = self._frame(_SELECT_SCOPED, params)
        frame["period"] = label_periods(frame["freq"], frame["year"], frame["sub"])
        return frame

    def reports_in(
        self,
        *,
        freq: str,
        periods: Sequence[tuple[int, int]],
        indicators: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Each unit's latest actual figure of each indicator (of ``indicators``, when
        given) among ``periods`` (``(year, sub)`` pairs of ``freq``): what tells who is
        expected to report (:func:`bxgc_metrics.tables.standings.expected_units` over
        :func:`~bxgc_metrics.tables.standings.expected_periods`) without reading a year of
        every figure. Columns ``unit_code, indicator_code, freq, year, sub, value_kind``
        (always ``actual``) ``, value``; one row per pair, in code order.

        Examples
        --------
        Who reported 地方一般公共预算收入 in the year to November 2026::

            store.reports_in(freq="M", indicators=["GBR"],
                             periods=expected_periods("M", 2026, 11))
        """
        if not len(periods):
            return self._frame(_LATEST_REPORTS, {**_NO_PERIODS, "freq": str(freq)})
        years = [int(y) for y, _ in periods]
        params = {
            "freq": str(freq),
            "indicators": None if indicators is None else [str(c) for c in indicators],
            "first_year": min(years),
            "last_year": max(years),
            "periods": [int(y) * 100 + int(s) for y, s in periods],
        }
        return self._frame(_LATEST_REPORTS, params)

    def figures(self, *, indicators: Sequence[str] | None = None) -> pd.DataFrame:
        """Every stored figure (of ``indicators`` when given), in no particular order and
        without a period label: what whole-database checks such as the data-quality flags
        read, at the least cost. Columns ``unit_code, indicator_code, freq, year, sub,
        value_kind, value, cumulative``; the four text columns are categorical."""
        params = {"indicators": None if indicators is None else [str(c) for c in indicators]}
        return self._coded_frame(_FIGURES, params)

    def figure_counts(self) -> pd.Series:
        """How many figures are stored of each indicator (``figures``, indexed by
        ``indicator_code``, in code order): what splits a whole-database check into
        parts (:func:`bxgc_metrics.metrics.quality.indicator_parts`)."""
        counts = self._frame(_FIGURE_COUNTS)
        return counts.set_index("indicator_code")["figures"].astype("int64")

    def coverage(self) -> pd.DataFrame:
        """Which unit has actual figures of which indicator.

        Columns ``unit_code, indicator_code, value_kind`` (always ``actual``), one row
        per pair.
        """
        return self._frame(_COVERAGE)

    def actual_periods(self) -> pd.DataFrame:
        """Every period with at least one actual figure, per indicator.

        Columns ``indicator_code, freq, year, sub, value_kind`` (always ``actual``): the
        shape :func:`bxgc_metrics.tables.progress.latest_period` and
        :func:`bxgc_metrics.tables.standings.previous_period` read.
        """
        return self._frame(_ACTUAL_PERIODS)


def _recency(period: periods.Period) -> tuple[int, int, int]:
    """Orders periods by their end (year, then month), a finer frequency last."""
    return period.year, period.end_month, periods.FREQS.index(period.freq)
