"""Page-table builders: the one computation behind each figure a screen, export or document shows.

- ``standings``: members, peer groups, reference marks and the ranked standings of a period.
- ``scorecard``: every indicator's completion, pace and growth for a period, vectorised.
- ``progress``: per-unit period progress series used by the overview and the meeting race.
- ``trajectory``: a unit's catch-up trajectory against its benchmarks with every answer.
- ``annotations``: the events and campaign phases a trajectory chart marks, on its year axis.
- ``reporting``: a period's reporting round (填报进度, 催报) per unit, per indicator and as a
  status grid, and a year's late and missing reports per unit.
- ``bulletin``: the monthly 排名通报 as data, from the tables above, and its sentences.

Each builder returns a DataFrame with documented columns or a frozen dataclass; pages,
exports and documents read these results and never recompute a rank, a year or a total.
"""
