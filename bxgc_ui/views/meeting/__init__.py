"""The meeting screen (会议大屏): a live ranking for the projector that refreshes itself.

Made for a projector at the back of a meeting room: dark, high contrast, large type.
Streamlit 1.67 has no per-page theme (``st.set_page_config`` takes none and
``st.context.theme`` only reads the viewer's light/dark type), so the kiosk URL asks for
the dark theme itself — ``/meeting?embed=true&embed_options=dark_theme`` hides the
header, toolbar and sidebar and turns the whole page dark — and the screen draws its
charts dark (``plotly_dark``) inside a dark panel in any theme.

Parts:

- :mod:`.texts` — the screen's texts and its translator ``t``.
- :mod:`.screen` — settings from the sidebar and the URL, the kiosk URL, the carousel,
  the dark panel's constant CSS and the ranking table.
- :mod:`.figures` — the live ranking chart, its dark colours and layout.
- :mod:`.race` — the ranking race: a month a frame, played on the screen.
"""

from bxgc_ui.views.meeting.figures import (
    SCREEN_BOTTOM,
    SCREEN_TOP,
    chart_height,
    metric_text,
    ranked_head_and_tail,
    ranking_figure,
)
from bxgc_ui.views.meeting.race import race_figure, race_slots, short
from bxgc_ui.views.meeting.screen import (
    BY_CHOICES,
    CSS,
    EVERY_DEFAULT,
    EVERY_MAX,
    EVERY_MIN,
    Settings,
    carousel_pick,
    display_table,
    kiosk_url,
    labelled,
    period_text,
    query_defaults,
    screen_setup,
)
from bxgc_ui.views.meeting.texts import t

__all__ = [
    "BY_CHOICES",
    "CSS",
    "EVERY_DEFAULT",
    "EVERY_MAX",
    "EVERY_MIN",
    "SCREEN_BOTTOM",
    "SCREEN_TOP",
    "Settings",
    "carousel_pick",
    "chart_height",
    "display_table",
    "kiosk_url",
    "labelled",
    "metric_text",
    "period_text",
    "query_defaults",
    "race_figure",
    "race_slots",
    "ranked_head_and_tail",
    "ranking_figure",
    "screen_setup",
    "short",
    "t",
]
