"""Pure metrics engine for 比学赶超 dashboards (no UI, no database imports).

Importing this package gives the metric functions below and loads neither streamlit,
plotly nor duckdb. The rest of the domain sits in subpackages:

- :mod:`.metrics` — the metric functions (growth, targets, gaps, catch-up, projection,
  ranking, rewards, campaign, plan audit, data-quality flags).
- :mod:`.tables` — the page-table builders every screen, export and document reads
  (standings, scorecard, progress, trajectory).
- :mod:`.store` — the only code that talks to DuckDB, behind one ``Store``.
- :mod:`.importer` — report sheets in, checked figures out, through ``importer.service``.
- :mod:`.periods`, :mod:`.measures`, :mod:`.clock`, :mod:`.errors`, :mod:`.access` —
  period arithmetic, measures and scales, the shown time zone, the project's errors, roles.
- :mod:`.export`, :mod:`.demo`, :mod:`.cli` — Excel workbooks, the demo data set, the
  command line.
"""

# --- metrics API ---
from bxgc_metrics.metrics.audit import audit_plan, check_plan
from bxgc_metrics.metrics.catchup import (
    CatchUp,
    ProjectedCatchUp,
    catch_up,
    catch_up_projected,
    required_rate,
    time_distance,
)
from bxgc_metrics.metrics.gaps import distance_to_frontier, gap_table
from bxgc_metrics.metrics.growth import (
    annualise,
    annualise_seasonal,
    average_change,
    cagr,
    pop,
    single_to_ytd,
    yoy,
    ytd_to_single,
)
from bxgc_metrics.metrics.projection import Projection, project, simulate
from bxgc_metrics.metrics.quality import (
    QualityReport,
    assess,
    load_default_quality_rules,
    validate_quality_rules,
)
from bxgc_metrics.metrics.ranking import (
    Composite,
    Sensitivity,
    composite,
    entropy_weights,
    normalise,
    rank_change,
    rank_sensitivity,
    rank_units,
)
from bxgc_metrics.metrics.rewards import Rewards, compute_rewards, load_default_rules
from bxgc_metrics.metrics.targets import completion_rate, pace, time_progress, time_progress_on

__all__ = [
    "CatchUp",
    "Composite",
    "ProjectedCatchUp",
    "Projection",
    "QualityReport",
    "Rewards",
    "Sensitivity",
    "annualise",
    "annualise_seasonal",
    "assess",
    "audit_plan",
    "average_change",
    "cagr",
    "catch_up",
    "catch_up_projected",
    "check_plan",
    "completion_rate",
    "composite",
    "compute_rewards",
    "distance_to_frontier",
    "entropy_weights",
    "gap_table",
    "load_default_quality_rules",
    "load_default_rules",
    "normalise",
    "pace",
    "pop",
    "project",
    "rank_change",
    "rank_sensitivity",
    "rank_units",
    "required_rate",
    "simulate",
    "single_to_ytd",
    "time_distance",
    "time_progress",
    "time_progress_on",
    "validate_quality_rules",
    "yoy",
    "ytd_to_single",
]
# --- end metrics API ---
