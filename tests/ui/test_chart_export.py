"""Chart images: the caption bands (pure, no browser) and real PNG/SVG renders through
kaleido and Debian's Chromium (one warm server for the module), plus the pages' controls."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from PIL import Image

from bxgc_ui import chart_export, charts
from bxgc_ui.chart_export import FOOT_BAND, HEIGHT, TOP_BAND, WIDTH, Caption
from tests.ui.folds import every_view
from tests.ui.test_app import _app

CAPTION = Caption(
    title="固定资产投资排名（按完成率）",
    period="2026年1-10月",
    data_date="2026-11-28 09:30",
    unit="全部单位",
    exported_at="2026-11-30 14:05",
    demo=True,
)

RENDERS = pytest.mark.skipif(
    not chart_export.available(), reason=f"no browser at {chart_export.browser_path()}"
)
"""The tests that render need Chromium (``make test`` installs it); they are also marked
``browser``."""


def _ranking(n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """A ranking of ``n`` units, best first, each named ``第i街道`` (one name hostile)."""
    codes = [f"U{i:02d}" for i in range(1, n + 1)]
    names = {c: f"第{i}街道" for i, c in enumerate(codes, start=1)}
    names["U01"] = "东城<b>街道</b>"
    bands = ["top" if i <= 3 else "bottom" if i > n - 5 else "middle" for i in range(1, n + 1)]
    table = pd.DataFrame(
        {
            "unit_code": codes,
            "rank": range(1, n + 1),
            "completion": np.linspace(1.1, 0.3, n),
            "band": bands,
            "rank_change": [i % 3 - 1 for i in range(n)],
        }
    )
    return table, names


def _bars(n: int, *, whole: bool = False, title: str = "") -> go.Figure:
    table, names = _ranking(n)
    return charts.ranking_bars(
        table, names, "completion", title=title, x_title="完成率 (%)", whole=whole
    )


def _texts(svg: bytes) -> str:
    """Every text in an SVG, joined (parsing it as XML on the way)."""
    return "\n".join(ET.fromstring(svg).itertext())


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk (IHDR)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _pixels(png: bytes) -> np.ndarray:
    """A PNG's pixels, rows × columns × RGB."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _dark(png: bytes, rows: tuple[int, int]) -> int:
    """Pixels of text ink (darker than mid-grey) in the image's ``rows`` (top, bottom)."""
    return int((_pixels(png)[rows[0] : rows[1]].mean(axis=2) < 128).sum())


def _red(png: bytes, rows: tuple[int, int]) -> int:
    """Pixels of the demo note's red in ``rows``."""
    r, g, b = np.moveaxis(_pixels(png)[rows[0] : rows[1]], 2, 0)
    return int(((r > 150) & (g < 90) & (b < 110)).sum())


# -- the bands, without a browser -------------------------------------------------------------


def test_framed_adds_the_title_band_and_the_footer() -> None:
    fig = _bars(10, title="排名")
    out = chart_export.framed(fig, CAPTION, height=HEIGHT)
    assert (out.layout.width, out.layout.height) == (WIDTH, HEIGHT)
    assert CAPTION.title in out.layout.title.text
    assert "2026年1-10月" in out.layout.title.subtitle.text
    assert "2026-11-28 09:30" in out.layout.title.subtitle.text
    footer = [a.text for a in out.layout.annotations]
    assert "来源：比学赶超监测系统 · 单位：全部单位 · 导出时间：2026-11-30 14:05" in footer
    assert any(text.startswith("演示数据") for text in footer)
    assert out.layout.margin.t > TOP_BAND and out.layout.margin.b > FOOT_BAND
    assert fig.layout.title.text == "排名" and not fig.layout.width  # the original untouched


def test_no_demo_note_on_real_data_and_english_captions() -> None:
    out = chart_export.framed(_bars(5), replace(CAPTION, demo=False, lang="en"), height=HEIGHT)
    footer = [a.text for a in out.layout.annotations]
    assert any(text.startswith("Source: ") for text in footer)
    assert not any("Demo" in text or "演示" in text for text in footer)
    assert "data as of 2026-11-28 09:30" in out.layout.title.subtitle.text


def test_caption_texts_are_escaped_for_plotly() -> None:
    hostile = replace(CAPTION, title="<a href='x'>点我</a>", unit="东城<b>")
    out = chart_export.framed(_bars(5), hostile, height=HEIGHT)
    assert "&lt;a href='x'&gt;点我&lt;/a&gt;" in out.layout.title.text
    assert any("单位：东城&lt;b&gt;" in a.text for a in out.layout.annotations)


def test_figure_title_is_used_when_the_caption_has_none() -> None:
    out = chart_export.framed(_bars(5, title="东城 & 西城"), replace(CAPTION, title=""), height=900)
    assert "东城 &amp; 西城" in out.layout.title.text  # escaped once, not twice


def test_a_long_list_grows_the_image_not_the_width() -> None:
    assert chart_export.image_height(_bars(20)) == HEIGHT
    assert chart_export.image_height(_bars(60, whole=True)) > 1600
    assert len(_bars(60).data[0].y) == charts.CHART_TOP + charts.CHART_BOTTOM
    assert len(_bars(60, whole=True).data[0].y) == 60


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        chart_export.image(_bars(3), CAPTION, fmt="eps")


# -- real renders: one warm kaleido server for the module -------------------------------------


@pytest.fixture(scope="module")
def warm() -> None:
    chart_export.warm()


@pytest.mark.browser
@RENDERS
@pytest.mark.usefixtures("warm")
def test_png_has_the_stated_size_and_draws_the_bands() -> None:
    fig = _bars(12)  # no title of its own: the plain render's top band is blank
    png = chart_export.image(fig, CAPTION, fmt="png")
    assert _png_size(png) == (WIDTH, HEIGHT)
    plain = pio.to_image(
        go.Figure(fig).update_layout(template="plotly_white"),  # as the export draws it
        format="png",
        width=WIDTH,
        height=HEIGHT,
    )
    title_rows = (0, 45)  # above the plain chart's own top margin (50 px)
    assert _dark(plain, title_rows) == 0
    assert _dark(png, title_rows) > 300  # the title
    last_line = (HEIGHT - 30, HEIGHT)
    assert _red(plain, last_line) == 0
    assert _red(png, last_line) > 100  # the demo note, red, on the last line
    assert _dark(png, (HEIGHT - FOOT_BAND, HEIGHT - 30)) > 100  # the source line above it


@pytest.mark.browser
@RENDERS
@pytest.mark.usefixtures("warm")
def test_svg_carries_title_source_and_demo_note() -> None:
    texts = _texts(chart_export.image(_bars(8), CAPTION, fmt="svg"))
    assert CAPTION.title in texts and "2026年1-10月" in texts
    assert "来源：比学赶超监测系统 · 单位：全部单位 · 导出时间：2026-11-30 14:05" in texts
    assert "演示数据" in texts
    assert "东城<b>街道</b>" in texts  # a name shows as typed, never as markup
    real = _texts(chart_export.image(_bars(8), replace(CAPTION, demo=False), fmt="svg"))
    assert "来源：比学赶超监测系统" in real and "演示数据" not in real


@pytest.mark.browser
@RENDERS
@pytest.mark.usefixtures("warm")
def test_a_ranking_of_sixty_units_exports_every_unit() -> None:
    fig = _bars(60, whole=True)
    svg = chart_export.image(fig, CAPTION, fmt="svg")
    texts = _texts(svg)
    _, names = _ranking(60)
    assert all(f"{i}. {names[code]}" in texts for i, code in enumerate(names, start=1))
    root = ET.fromstring(svg)
    assert int(root.get("height", "0")) == chart_export.image_height(fig) > HEIGHT


# -- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "pages/overview.py",
        "pages/catchup.py",
        "pages/rankings.py",
        "pages/campaign.py",
        "pages/meeting.py",
    ],
)
def test_pages_offer_png_and_svg_under_each_chart(
    page: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under every chart, in every tab and fold of the page."""
    views = every_view(lambda state: _app(demo_db, monkeypatch, page, state=state))
    for view, at in views:
        assert not at.exception, (view, at.exception)
        labels = [b.label for b in at.get("download_button")]
        # the races are animations, played by hand, with no image; the meeting page draws
        # its ranking as the wall board (HTML) and offers it as an image too
        races = [
            c for c in at.get("plotly_chart") if c.proto.id.endswith(("_replay", "race_chart"))
        ]
        drawn = len(at.get("plotly_chart")) - len(races) + (page == "pages/meeting.py")
        if view == "as opened":
            assert drawn >= 1 and not races  # a race is drawn only when its fold is opened
        if chart_export.available():
            assert labels.count("下载图片 PNG") == drawn and labels.count("SVG") == drawn, view
        else:
            assert "SVG" not in labels


def test_a_title_broken_for_a_narrow_chart_is_one_line_in_the_image() -> None:
    """The app breaks a long title for the narrowest chart; the image's title band is
    wide, so the file reads it on one line and keeps no room for the lines it dropped."""
    long = "2026年1-10月固定资产投资排名（完成率）：全部单位"
    broken, short = _bars(5, title=long), _bars(5, title="排名")
    assert charts.TITLE_BREAK in broken.layout.title.text
    assert chart_export.plain_title(broken) == long
    wide = chart_export.framed(broken, replace(CAPTION, title=""), height=HEIGHT)
    plain = chart_export.framed(short, replace(CAPTION, title=""), height=HEIGHT)
    assert long in wide.layout.title.text
    assert wide.layout.margin.t == plain.layout.margin.t
