"""The meeting screen (会议大屏): a live ranking for the projector that refreshes itself.

Made for a projector at the back of a meeting room: large type, every place on screen,
no scrolling. The kiosk URL (``/meeting?embed=true&embed_options=dark_theme``) hides
Streamlit's header, toolbar and sidebar; the board then covers the whole viewport and is
laid out for its size (:mod:`.board`). ``theme=light`` gives black on white for a
washed-out projector.

Parts:

- :mod:`.texts` — the screen's texts and its translator ``t``.
- :mod:`.screen` — settings from the sidebar and the URL, the kiosk URL, the carousel of
  slides (views of indicators) and the page's constant CSS.
- :mod:`.board` — the wall board: rows, pages that turn by themselves, the race as a
  looping board, the dark and light looks.
- :mod:`.wall` — one slide's data read through the cache and drawn as a board, and the app's
  race panel (folded, built when opened).
- :mod:`.figures` — the ranking as a dark Plotly chart, colours shared with the race.
- :mod:`.race` — the ranking race as a Plotly animation, played by hand in the app.
"""

from bxgc_ui.views.meeting.board import LOOKS, ROWS, ranking_board, stamp
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
    LABELLED,
    THEMES,
    TURN_MAX,
    TURN_MIN,
    VIEWS,
    Settings,
    Slide,
    current_slide,
    kiosk_url,
    labelled,
    lasts,
    period_text,
    query_defaults,
    screen_setup,
    slides,
)
from bxgc_ui.views.meeting.texts import t
from bxgc_ui.views.meeting.wall import Shown, Wall, show_race

__all__ = [
    "BY_CHOICES",
    "CSS",
    "EVERY_DEFAULT",
    "EVERY_MAX",
    "EVERY_MIN",
    "LABELLED",
    "LOOKS",
    "ROWS",
    "SCREEN_BOTTOM",
    "SCREEN_TOP",
    "THEMES",
    "TURN_MAX",
    "TURN_MIN",
    "VIEWS",
    "Settings",
    "Shown",
    "Slide",
    "Wall",
    "chart_height",
    "current_slide",
    "kiosk_url",
    "labelled",
    "lasts",
    "metric_text",
    "period_text",
    "query_defaults",
    "race_figure",
    "race_slots",
    "ranked_head_and_tail",
    "ranking_board",
    "ranking_figure",
    "screen_setup",
    "short",
    "show_race",
    "slides",
    "stamp",
    "t",
]
