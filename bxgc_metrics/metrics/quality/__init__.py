"""Data-quality flags (数据质量预警), each with its reason in words and its evidence.

Rankings and bonuses hang on the reported figures, and false or missing reports
(虚报瞒报、漏统漏报) are offences; analysts used to eyeball figures that looked wrong.
These checks raise the questions for them, per unit and period, worded neutrally
(需核实 / "to verify"): a flag is a signal for a person, never a penalty, and a person
can mark it 核实无误 so that it no longer counts. Statistical checks never speak from a
small sample; each has its guard as a named constant.

The package is pure (no database, no UI) and shaped as one entry point over small checks:

- :mod:`.report`: :func:`assess` runs every check, applies the 核实无误 marks and scores
  each unit (:class:`QualityReport`, :data:`CHECK_CAP`); given the figures in parts
  (:func:`indicator_parts`), it checks a whole database a part at a time.
- :mod:`.series`: along one series: revisions after the first report, falling cumulative
  figures, month-on-month growth outliers, completion-rate leaps before an assessment.
- :mod:`.rules`: consistency rules as data (a part ≤ its whole, the units' sum ≤ the
  total), the shipped rules file and its validation.
- :mod:`.digits`: over all of a unit's figures: first digits (Benford), last digits,
  round numbers.
- :mod:`.robust`: robust z-scores against a unit's own history, with the seasonal pattern
  common to all units removed.
- :mod:`.flags`: the flag table's columns, ids, severities and reasons.
"""

from bxgc_metrics.metrics.quality.digits import (
    check_benford,
    check_last_digits,
    check_round_numbers,
)
from bxgc_metrics.metrics.quality.flags import CHECKS, FLAG_COLUMNS, REASONS, SEVERITY
from bxgc_metrics.metrics.quality.report import (
    CHECK_CAP,
    REPORT_COLUMNS,
    SCORE_COLUMNS,
    QualityReport,
    assess,
    indicator_parts,
)
from bxgc_metrics.metrics.quality.rules import (
    QUALITY_RULE_COLUMNS,
    QualityRuleError,
    check_consistency,
    load_default_quality_rules,
    validate_quality_rules,
)
from bxgc_metrics.metrics.quality.series import (
    check_completion_leaps,
    check_cumulative_falls,
    check_outlier_growth,
    check_revisions,
)

__all__ = [
    "CHECKS",
    "CHECK_CAP",
    "FLAG_COLUMNS",
    "QUALITY_RULE_COLUMNS",
    "REASONS",
    "REPORT_COLUMNS",
    "SCORE_COLUMNS",
    "SEVERITY",
    "QualityReport",
    "QualityRuleError",
    "assess",
    "check_benford",
    "check_completion_leaps",
    "check_consistency",
    "check_cumulative_falls",
    "check_last_digits",
    "check_outlier_growth",
    "check_revisions",
    "check_round_numbers",
    "indicator_parts",
    "load_default_quality_rules",
    "validate_quality_rules",
]
