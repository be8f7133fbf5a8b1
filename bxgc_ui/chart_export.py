"""Charts as image files (PNG, SVG) that say what they show once they leave the app.

A chart copied into a report or a slide loses the page around it: the period picker, the
demo notice, the data date. :func:`framed` gives the figure a title band (title, period,
data date) and a footer band (source, unit, export time, and the demo note when the
figures are demo data), all in the CJK font; :func:`image` renders it with Plotly's static
export (kaleido driving the machine's Chromium) at a stated size.

No streamlit here: the controls that offer these files live in :mod:`bxgc_ui.widgets`.

The browser: kaleido (through choreographer) starts Chromium itself. It is told the path
(:func:`browser_path`: ``BROWSER_PATH`` when set, choreographer's own variable, otherwise
Debian's ``/usr/bin/chromium``) so it never looks for or fetches a browser of its own, and
MathJax is off (its default is a CDN script, which an offline server cannot load). One
kaleido server per process stays warm after the first export (a cold start takes seconds,
a warm render well under one); renders are serialised because the server answers one
request at a time.
"""

from __future__ import annotations

import html
import math
import os
import threading
import warnings
from dataclasses import dataclass

import kaleido
import plotly.graph_objects as go
import plotly.io as pio

from bxgc_ui.charts import FONT, TITLE_BREAK, legend_entries, title_room
from bxgc_ui.fmt import chart
from bxgc_ui.palette import INK, MUTED, WARNING

CAPTION_TEXTS: dict[str, tuple[str, str]] = {
    "cap_subtitle": ("{period} · 数据更新：{date}", "{period} · data as of {date}"),
    "cap_source": (
        "来源：比学赶超监测系统 · 单位：{unit} · 导出时间：{time}",
        "Source: Compare-Learn-Catch-Up monitoring system · Unit: {unit} · Exported: {time}",
    ),
    "cap_demo": (
        "演示数据：单位与数字为虚构，仅供演示，不得引用。",
        "Demo data: made-up units and figures, for demonstration only; do not quote.",
    ),
}
"""The caption's texts, ``key: (zh, en)``, read in the caption's own language."""

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
"""The formats offered and their MIME types."""

WIDTH, HEIGHT = 1600, 900
"""The image size in pixels (scale 1); a long list grows the height, never the width."""

TOP_BAND, FOOT_BAND = 110, 70
"""Pixels of the title band (title and period line) and of the footer band."""

AXIS_ROOM, LEGEND_ROW, LEGEND_PER_ROW = 80, 28, 5
"""Below the plot: room for the value axis's ticks and title, and for legend rows."""

RENDER_TIMEOUT = 60
"""Seconds kaleido may take over one image before it gives up."""

DEFAULT_BROWSER = "/usr/bin/chromium"
"""Debian's Chromium, installed by ``scripts/install-system-deps.sh``."""


@dataclass(frozen=True)
class Caption:
    """What an exported chart says about itself."""

    title: str
    """The chart's title, as plain text (escaped here)."""
    period: str
    """The period in words (2026年1-10月)."""
    data_date: str
    """When the figures were last imported ("" if never)."""
    unit: str
    """Whose figures these are: the units ranked (a peer group), or the unit chasing."""
    exported_at: str = ""
    """When the file was made (``2026-11-30 14:05``)."""
    demo: bool = False
    """Whether the figures are demo data: the footer then says so."""
    lang: str = "zh"
    """``zh`` or ``en``: the caption's language."""

    def say(self, key: str, **values: object) -> str:
        """A caption text in the caption's language, with its values escaped for Plotly."""
        zh, en = CAPTION_TEXTS[key]
        text = en if self.lang == "en" else zh
        return text.format(**{k: chart(v) for k, v in values.items()})


class ExportUnavailableError(RuntimeError):
    """The machine cannot render images (no browser where one is expected)."""


def plain_title(fig: go.Figure) -> str:
    """A figure's own title as plain text, on one line (the builders escape it for Plotly
    and break it for a narrow chart; the image's title band is wide)."""
    return html.unescape((fig.layout.title.text or "").replace(TITLE_BREAK, ""))


def _legend_rows(fig: go.Figure) -> int:
    """Rows a horizontal legend across the image needs (0 when the figure has none)."""
    return math.ceil(len(legend_entries(fig)) / LEGEND_PER_ROW)


def image_height(fig: go.Figure) -> int:
    """The image's height: :data:`HEIGHT`, or more when the figure's own plot is taller
    (a ranking drawn whole), so every bar keeps the height it has in the app."""
    own = int(fig.layout.height or 0)
    bottom = FOOT_BAND + AXIS_ROOM + LEGEND_ROW * _legend_rows(fig)
    return max(HEIGHT, own + TOP_BAND + bottom)


def framed(fig: go.Figure, caption: Caption, *, height: int) -> go.Figure:
    """A copy of ``fig`` with the title band above and the footer band below, sized
    :data:`WIDTH` × ``height``; ``fig`` itself is left as it is.

    The bands sit in fixed margins: the title is placed in the image's own coordinates,
    the footer lines just above the image's bottom edge, and the value axis and legend
    between the plot and the footer, so nothing overprints whatever the plot holds.
    """
    out = go.Figure(fig)
    if out.layout.paper_bgcolor is None:
        # drawn for a light page: in the app Streamlit's template leaves placeholder colours
        # to its front end, so the file gets a real light template (the meeting's dark
        # figures set their own background and keep their template)
        out.update_layout(template="plotly_white")
    ink = out.layout.font.color or INK
    rows = _legend_rows(out)
    bottom = FOOT_BAND + AXIS_ROOM + LEGEND_ROW * rows
    title = caption.title or plain_title(fig)
    own_top = (fig.layout.margin.t or 50) - title_room(fig)  # the band holds it on one line
    out.update_layout(
        width=WIDTH,
        height=height,
        font={"family": FONT},
        # the figure's own top margin stays under the band: labels above the plot live there
        margin={"t": TOP_BAND + own_top, "b": bottom, "l": 20, "r": 40},
        title={
            "text": f"<b>{chart(title)}</b>",
            "font": {"size": 28, "color": ink},
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - 24 / height,
            "yanchor": "top",
            "yref": "container",
            "subtitle": {
                "text": caption.say(
                    "cap_subtitle", period=caption.period, date=caption.data_date or "—"
                ),
                "font": {"size": 17, "color": MUTED},
            },
        },
    )
    if rows:
        out.update_layout(
            legend={
                "orientation": "h",
                "yref": "container",
                "y": (FOOT_BAND + 6) / height,
                "yanchor": "bottom",
                "x": 0.0,
                "xanchor": "left",
            }
        )
    out.update_xaxes(automargin=False)  # the room below the plot is fixed (``bottom``)
    out.update_yaxes(automargin=True)  # unit names push the left margin as wide as they are
    _footer(out, caption, bottom=bottom, ink=ink)
    return out


def _footer(fig: go.Figure, caption: Caption, *, bottom: int, ink: str) -> None:
    """The source line and, for demo data, the demo note, at the image's bottom edge."""
    lines = [(caption.say("cap_source", unit=caption.unit, time=caption.exported_at), ink)]
    if caption.demo:
        lines.append((caption.say("cap_demo"), WARNING))
    for i, (text, color) in enumerate(lines):
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0.0,
            y=0.0,
            xanchor="left",
            yanchor="bottom",
            # the plot's bottom edge is ``bottom`` pixels above the image's
            yshift=-bottom + 10 + 26 * (len(lines) - 1 - i),
            showarrow=False,
            align="left",
            font={"family": FONT, "size": 15, "color": color},
        )


def browser_path() -> str:
    """The Chromium kaleido drives: ``BROWSER_PATH`` when set, else Debian's."""
    return os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER


class _Server:
    """The process's one kaleido server, started on first use and kept warm."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = False

    def start(self) -> None:
        if not available():
            # kaleido's server thread would die and leave every later request waiting
            raise ExportUnavailableError(f"no browser at {browser_path()}")
        kaleido.start_sync_server(
            path=browser_path(),
            mathjax=False,
            timeout=RENDER_TIMEOUT,
            headers=pio.defaults.headers,
            silence_warnings=True,
        )
        self.running = True

    def stop(self) -> None:
        kaleido.stop_sync_server(silence_warnings=True)
        self.running = False

    def render(self, fig: go.Figure, *, fmt: str, height: int) -> bytes:
        with self.lock:
            if not self.running:
                self.start()
            try:
                return pio.to_image(fig, format=fmt, width=WIDTH, height=height, scale=1)
            except Exception:
                self.stop()  # a browser that failed once is started afresh next time
                raise


_SERVER = _Server()

# plotly passes its default request headers with every call, which a running server cannot
# take; it was started with them (:meth:`_Server.start`), so the warning says nothing
warnings.filterwarnings("ignore", "The kopts argument is ignored", UserWarning)


def available() -> bool:
    """Whether this machine can render images: the browser is where it is expected."""
    path = browser_path()
    return os.path.isfile(path) and os.access(path, os.X_OK)


def warm() -> None:
    """Start the kaleido server and render one empty image, so the next export is warm."""
    _SERVER.render(go.Figure(), fmt="svg", height=100)


def image(fig: go.Figure, caption: Caption, *, fmt: str) -> bytes:
    """``fig`` framed with ``caption`` (:func:`framed`) as ``png`` or ``svg`` bytes,
    :data:`WIDTH` wide and :func:`image_height` tall."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    height = image_height(fig)
    return _SERVER.render(framed(fig, caption, height=height), fmt=fmt, height=height)
