"""The metric functions: pure, vectorised calculations on plain arrays and frames.

- ``growth``: year-on-year, period-on-period, CAGR, year-to-date ↔ single months.
- ``targets``: completion rate, time progress and pace against an annual target.
- ``gaps``: gap tables against a benchmark and distance to the frontier.
- ``catchup``: closed-form catch-up: years to overtake, required growth, time distance.
- ``projection``: model-based projections (linear, log-linear, ETS, plan) with spread.
- ``ranking``: ranks, normalisation, composite scores, weights and sensitivity.
- ``rewards``: reward and deduction rules applied to ranks (and to missed reports).
- ``reporting``: reporting rounds: due dates, who owes which figures, who is late, 催报.
- ``campaign``: campaign phases, milestones and gap-rectification status.
- ``audit``: checks of a stated plan against the history (is the promise plausible).
- ``quality``: data-quality flags (预警) with their reasons and evidence, and a score per
  unit (a package: revisions, falls, outliers, leaps, consistency rules, digit tests).

None of them reads the database or knows about pages; the page-table builders in
:mod:`bxgc_metrics.tables` combine them into what a screen shows.
"""
