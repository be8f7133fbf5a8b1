"""Pure metrics engine for 比学赶超 dashboards (no UI, no database imports)."""

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
    cagr,
    pop,
    single_to_ytd,
    yoy,
    ytd_to_single,
)
from bxgc_metrics.metrics.projection import Projection, project, simulate
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
    "Rewards",
    "Sensitivity",
    "annualise",
    "annualise_seasonal",
    "audit_plan",
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
    "yoy",
    "ytd_to_single",
]
# --- end metrics API ---
