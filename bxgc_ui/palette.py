"""One palette with one meaning per colour, on every page, chart, table and the wall screen.

A reader who learns on the rankings page that red means "look here" must not meet red
as "best" on the overview. Each colour below has one meaning; the meeting screen uses
brighter shades of the same meanings on its dark panel (``DARK``). The README's
"Colours" section lists the same table.

=========  ========================================================================
colour     meaning
=========  ========================================================================
gold       honour: the top places (1st gold, 2nd silver, 3rd bronze on the wall), 红榜
green      good news: places gained (▲), ahead of pace, done, ahead of the benchmark,
           the year of overtaking
red        look here: the last places (末位), 黑榜, places lost (▼), behind pace, late,
           years behind the benchmark
blue       the ordinary: middle places, on pace, our own unit's line
grey       context, not a judgement: no data, unranked, reference marks (external
           benchmarks, time elapsed, the target year)
=========  ========================================================================

Other lines (each benchmark on the catch-up chart) take :data:`SERIES`, colours that carry
no judgement.
"""

from __future__ import annotations

HONOUR = "#B7862C"
"""Top places and the 红榜 (a gold dark enough for white text and a white page)."""
GOOD = "#2E7D32"
"""Places gained, ahead of pace, done, overtaking."""
WARNING = "#C8102E"
"""Last places, the 黑榜, places lost, behind pace, late."""
NEUTRAL = "#1F4E79"
"""Middle places, on pace, our own unit."""
MUTED = "#9AA0A6"
"""No data, unranked, reference marks."""
INK = "#1F2937"
"""Text and thin rules drawn on charts."""
SERIES = ("#6B21A8", "#0F766E", "#7C4A2D", "#475569", "#9D5C0D")
"""Lines with no judgement attached (benchmarks on the catch-up chart)."""

MEDALS = ("#F5C518", "#D0D7E1", "#D08C4A")
"""Gold, silver and bronze: the first three places on the dark wall screen (honour)."""


class DARK:
    """The same meanings in shades that read on the wall screen's dark panel."""

    BACKGROUND = "#0B1220"
    TEXT = "#F8FAFC"
    MUTED = "#CBD5E1"
    GRID = "#24324F"
    NEUTRAL = "#3B82F6"
    WARNING = "#E0314B"
    GOOD = "#4ADE80"
    LOST = "#F87171"
    """Places lost (▼): the warning meaning in a shade that reads as text on the panel."""


BAND_COLOURS = {"top": HONOUR, "middle": NEUTRAL, "bottom": WARNING, "unranked": MUTED}
"""Bar colour of each standings band (:data:`bxgc_metrics.tables.standings.BANDS`)."""

PACE_COLOURS = {"ahead": GOOD, "on_pace": NEUTRAL, "behind": WARNING, "unknown": MUTED}
"""Bar colour of each pace status (:func:`bxgc_metrics.metrics.targets.pace`)."""

PHASE_COLOURS = {"done": GOOD, "current": NEUTRAL, "upcoming": MUTED}
"""Bar colour of each campaign phase status."""
