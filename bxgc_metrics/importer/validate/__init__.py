"""Rules a file's figures must satisfy before anything is written.

Each rule takes the mapped records (figures with unit and indicator codes and the
indicator's metadata) and returns issues from the catalogue
(:mod:`bxgc_metrics.importer.issues`); all are vectorised with pandas. Errors block the
import; warnings are shown and allowed.

Parts, in the order :mod:`~bxgc_metrics.importer.checking` applies them:

- :mod:`.figures` — each figure alone: a number, a missing marker, a value in range and
  in its measure, a year a report can mean, a sign allowed.
- :mod:`.measures` — figures converted to the indicator's measure, and single months
  summed to year-to-date.
- :mod:`.duplicates` — the same figure twice in the file.
- :mod:`.history` — the file against the stored figures: jumps, falling year-to-date
  figures, completion above 300 %.
- :mod:`.consistency` — a sheet against itself: 合计 rows and stated rates.
- :mod:`.shown` — what the rules share: the key, how many findings are shown, where a
  finding stands.
"""

from __future__ import annotations

from bxgc_metrics.importer.validate.consistency import stated_rates, totals_mismatch
from bxgc_metrics.importer.validate.duplicates import duplicates
from bxgc_metrics.importer.validate.figures import (
    LARGEST,
    missing_markers,
    negatives,
    not_numbers,
    percent_signs,
    too_large,
    years_out_of_range,
)
from bxgc_metrics.importer.validate.history import Overlay, history_checks
from bxgc_metrics.importer.validate.measures import (
    conversions,
    off_frequency,
    single_months_to_ytd,
    whole_years,
)
from bxgc_metrics.importer.validate.shown import KEY

__all__ = [
    "KEY",
    "LARGEST",
    "Overlay",
    "conversions",
    "duplicates",
    "history_checks",
    "missing_markers",
    "negatives",
    "not_numbers",
    "off_frequency",
    "percent_signs",
    "single_months_to_ytd",
    "stated_rates",
    "too_large",
    "totals_mismatch",
    "whole_years",
    "years_out_of_range",
]
