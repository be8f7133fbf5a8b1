"""Small shared pieces of page: the demo notice, the empty state, a chart with its
image downloads, and folds and tabs whose contents run only while they are open."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from bxgc_metrics import clock
from bxgc_metrics.demo import load_demo
from bxgc_metrics.errors import BxgcError
from bxgc_ui import auth, chart_export, charts, data
from bxgc_ui.chart_export import Caption
from bxgc_ui.fmt import md
from bxgc_ui.i18n import Texts, carry_tab, counted, lang, listed, note_open_tab

TEXTS: dict[str, tuple[str, str]] = {
    "demo_notice": (
        "当前显示的是演示数据（虚构单位与数字，方案四的数字取自原文）。",
        "You are looking at demo data (made-up units and figures; plan four's numbers are "
        "from the document).",
    ),
    "empty_body": (
        "可以载入演示数据先看看效果，或到“数据上传”页面导入本单位的报表。",
        "Load the demo data to look around, or import your own report sheets on the Upload page.",
    ),
    "load_demo": ("载入演示数据", "Load demo data"),
    "demo_loaded": ("演示数据已载入。", "Demo data loaded."),
    "no_rankable": (
        "还没有可以按月排名的指标：需要月度报送、按完成率或增长排名的指标（比率类指标不排名）。",
        "No indicator can be ranked month by month yet: ranking needs a monthly indicator "
        "measured against a target or a year earlier (rates are not ranked).",
    ),
    "chart_png": ("下载图片 PNG", "Download PNG"),
    "chart_svg": ("SVG", "SVG"),
    "chart_download_help": (
        "图片含标题、期间、数据日期和来源；名单类图表导出全部单位。",
        "The image carries the title, period, data date and source; a ranking exports every unit.",
    ),
    "chart_no_export": (
        "本服务器未安装 Chromium，无法导出图片。",
        "Image download needs Chromium on the server, which is not installed.",
    ),
    "chart_cut": (
        "共 {total} 个单位：图中为前 {top} 名和后 {bottom} 名，完整名单见表格。",
        "{total} units: the chart shows the first {top} and the last {bottom}; "
        "the table lists them all.",
    ),
    "unreported": (
        "{who}共{count}尚未报送{period}数据，未参与本期排名；上期名次和进位按已报送的单位重新计算。",
        "Not yet reported for {period}, so not ranked ({count}): {who}. Previous places "
        "and moves are counted among the units that have reported.",
    ),
    "unreported_cut": (
        "{who}等{count}尚未报送{period}数据（另有{more}个未列出），未参与本期排名；"
        "上期名次和进位按已报送的单位重新计算。",
        "Not yet reported for {period}, so not ranked ({count}): {who} and {more} more. "
        "Previous places and moves are counted among the units that have reported.",
    ),
    "unranked": (
        "{who}共{count}{why}，未参与本期排名。",
        "Reported but not ranked, {why} ({count}): {who}.",
    ),
    "unranked_completion": ("未下达全年目标", "no annual target"),
    "unranked_growth": ("无上年同期数", "no figure a year earlier"),
    "unreported_composite": (
        "{who}共{count}尚未报送全部指标的{period}数据，未参与综合排名。",
        "Not yet reported every indicator for {period}, so not in the composite ({count}): {who}.",
    ),
    "unreported_composite_cut": (
        "{who}等{count}尚未报送全部指标的{period}数据（另有{more}个未列出），未参与综合排名。",
        "Not yet reported every indicator for {period}, so not in the composite ({count}): "
        "{who} and {more} more.",
    ),
}

t = Texts(TEXTS)


def folded(where: Any, label: str, *, key: str, icon: str | None = None) -> Any:
    """A closed expander whose contents the page builds only while it is open
    (``if box.open: ...``): a browser draws nothing folded away, and opening or closing it
    reruns the page (or the fragment it stands in)."""
    return where.expander(label, key=key, icon=icon, on_change="rerun")


def lazy_tabs(labels: Sequence[str], *, key: str, keeping: Iterable[str] = ()) -> Sequence[Any]:
    """Tabs of which only the open one's contents are built (``if tab.open: ...``);
    choosing a tab reruns the page.

    A widget that is not drawn in a run loses its value, so the choices made in a tab
    (the widget keys ``keeping``) are carried over while another tab is open. Call this
    before any of those widgets is drawn.
    """
    for widget in keeping:
        if widget in st.session_state:
            st.session_state[widget] = st.session_state[widget]
    carry_tab(key, labels)  # the same tab stays open across a language switch
    tabs = st.tabs(list(labels), key=key, on_change="rerun")
    note_open_tab(key, tabs)
    return tabs


PAGE_CSS = """
<style>
/* A row of headline figures (widgets.figures): each as wide as its label, figure and the
   line under it, the room left shared out; one that does not fit moves whole to the next
   line rather than being cut. */
[class*="st-key-figures_"] > div { flex: 1 1 max-content; width: auto !important; }
/* Columns that wrap (widgets.beside, widgets.pickers): a column with no room moves to the
   next line. */
[class*="st-key-beside_"] > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"],
[class*="st-key-pickers_"] > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] {
  flex-wrap: wrap;
}
/* A chart beside its table or lists (widgets.beside): the two stack, the chart first,
   where a column would be narrower than 22rem, as beside a laptop's open sidebar. */
[class*="st-key-beside_"] > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]
  > [data-testid="stColumn"] { min-width: min(100%, 22rem); }
/* A row of pickers (widgets.pickers): a switch's buttons keep their whole width, and a
   picker that has no room beside them moves to the next line. */
[class*="st-key-pickers_"] > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]
  > [data-testid="stColumn"] { min-width: min(100%, 10rem); }
[class*="st-key-pickers_"] > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]
  > [data-testid="stColumn"]:has([data-testid="stButtonGroup"]) { min-width: max-content; }
@media (max-width: 640px) {
  /* A leader's phone: the headline figures and the chart first, the view's controls
     after them (a page keeps its controls in a container keyed "controls"). */
  [data-testid="stLayoutWrapper"]:has(> .st-key-controls) { order: 1; }
  /* No toolbar over chart titles: the image downloads sit under each chart. */
  .modebar-container { display: none !important; }
}
</style>
"""
"""Every page's rules for headline figures and narrow screens: a constant, never
formatted with data."""


def beside(where: Any, spec: Sequence[float], *, key: str) -> Sequence[Any]:
    """Columns in ``where`` (``st.columns(spec)``) for a chart beside its table or lists,
    which stack, the chart first, where a column would be narrower than 22rem
    (:data:`PAGE_CSS`), so that neither is squeezed beside a laptop's sidebar."""
    return where.container(key=f"beside_{key}").columns(list(spec))


def pickers(where: Any, count: int, *, key: str) -> Sequence[Any]:
    """``count`` columns in ``where`` for a row of pickers, where a switch
    (``st.segmented_control``) keeps its buttons whole and a picker with no room beside
    it moves to the next line (:data:`PAGE_CSS`): beside a laptop's sidebar a switch's
    last button was cut in its third of the row."""
    return where.container(key=f"pickers_{key}").columns(count)


def figures(where: Any, key: str) -> Any:
    """A row in ``where`` for headline figures (``st.metric``, or a container holding
    one): each as wide as its texts, and one that does not fit beside the others moved
    whole to the next line (:data:`PAGE_CSS`), so no label or figure is ever cut short
    beside the sidebar of a laptop."""
    return where.container(horizontal=True, gap="medium", key=f"figures_{key}")


MISSING = "—"
"""What a table shows in a cell with no value (a figure not reported, a contact not
given), as :func:`bxgc_ui.fmt.amount` writes a missing figure; never "None"."""


def table(where: Any, frame: Any, **options: Any) -> Any:
    """``frame`` as a table (``st.dataframe``) in ``where`` (``st``, a column, a fold), a
    missing cell reading :data:`MISSING`."""
    return where.dataframe(frame, placeholder=MISSING, **options)


def editor(where: Any, frame: Any, **options: Any) -> Any:
    """``frame`` as an editable table (``st.data_editor``) in ``where``, a missing cell
    left empty to type in rather than reading "None"."""
    return where.data_editor(frame, placeholder="", **options)


def is_demo(units: pd.DataFrame) -> bool:
    """Whether the figures shown are demo data: any demo unit among ``units``."""
    return bool(units["is_demo"].any())


def demo_notice(units: pd.DataFrame) -> None:
    """Say plainly that the figures are demo data when any demo unit is shown."""
    if is_demo(units):
        st.info(t("demo_notice"), icon=":material/science:")


def empty_state() -> None:
    """A friendly empty database: explain, and offer the demo data."""
    st.subheader(t("empty_title"))
    st.write(t("empty_body"))
    if auth.need("settings") and st.button(t("load_demo"), type="primary"):
        load_demo(auth.writer())
        st.success(t("demo_loaded"))
        st.rerun()


def cut_note(where: object, rows: int) -> None:
    """Under a unit chart: say so when it draws only the head and tail of ``rows`` units."""
    if charts.is_cut(rows):
        where.caption(  # type: ignore[attr-defined]
            t("chart_cut", total=rows, top=charts.CHART_TOP, bottom=charts.CHART_BOTTOM)
        )


UNREPORTED_NAMED = 8
"""How many of the units that have not reported a note names (then "等 N 个单位")."""


def unreported_note(
    where: object,
    missing: Sequence[str],
    *,
    names: dict[str, str],
    period: str,
    composite: bool = False,
) -> None:
    """Under a ranking of a partly reported period: which units have not reported and are
    not ranked (:func:`bxgc_ui.data.unreported_of`; under a ``composite``, those without
    every indicator, :func:`bxgc_ui.data.composite_unreported_of`), names escaped as
    typed; nothing when every expected unit has reported."""
    if not missing:
        return
    language = lang()
    named = [md(names.get(u, u)) for u in missing[:UNREPORTED_NAMED]]
    more = len(missing) - len(named)
    text = t(
        ("unreported_composite" if composite else "unreported") + ("_cut" if more else ""),
        who=listed(named),
        count=counted(len(missing), "个单位", "unit", language=language),
        period=md(period),
        more=more,
    )
    where.caption(f":material/schedule: {text}")  # type: ignore[attr-defined]


def unranked_note(where: object, table: pd.DataFrame, *, names: dict[str, str], by: str) -> None:
    """Under a ranking: the units of ``table`` (its standings) that reported the period but
    have no place, and why (no annual target to rank completion by, no figure a year
    earlier to rank growth by), names escaped as typed; nothing when every one is ranked."""
    if by not in ("completion", "growth"):
        return
    left = table[table["value"].notna() & table["rank"].isna()]["unit_code"].astype(str)
    if left.empty:
        return
    language = lang()
    text = t(
        "unranked",
        who=listed(md(names.get(u, u)) for u in left),
        count=counted(len(left), "个单位", "unit", language=language),
        why=t(f"unranked_{by}"),
    )
    where.caption(f":material/block: {text}")  # type: ignore[attr-defined]


def refused(exc: BxgcError, where: Any = st) -> None:
    """A refusal's message in the reader's language, as an error: it may quote a code or
    a name the reader typed, shown as typed (markdown escaped)."""
    where.error(md(exc.text(lang())))


def nothing_to_rank(indicators: pd.DataFrame) -> None:
    """Stop the page with a note when no indicator can be ranked month by month."""
    if indicators.empty:
        st.info(t("no_rankable"), icon=":material/info:")
        st.stop()


def chart_facts(
    units: pd.DataFrame, data_date: str, *, period: str, unit: str, title: str = ""
) -> Caption:
    """What a page's exported charts say about themselves: the period, the data date, the
    units concerned, whether it is demo data, and the title (by default each figure's own)."""
    demo = is_demo(units)
    return Caption(title, period, data_date, unit=unit, demo=demo, lang=lang())


NO_CAMERA = {"modeBarButtonsToRemove": ["toImage"]}
"""Plotly's own camera button is off where the downloads below a chart replace it: its
image would carry neither the period nor the source, and a cut ranking only in part."""


def chart_with_downloads(
    where: Any,
    build: Callable[..., go.Figure],
    *,
    facts: Caption,
    key: str,
    lists_units: bool = False,
    downloads: bool = True,
    cache_key: tuple | None = None,
    **shown: Any,
) -> None:
    """Draw ``build()`` in ``where`` and under it 下载图片 PNG / SVG.

    The images are rendered only when a button is clicked (``data`` is a callable, run
    on another thread), from ``build(whole=True)`` when the chart ``lists_units`` (the app
    draws a long list's head and tail; the file draws every unit), with the export time of
    the click. That figure is built here, in the page's run, because builders read the
    reader's language from the session, which the click's thread cannot. ``shown``
    goes to ``st.plotly_chart`` (``theme``, ``config``); without ``downloads`` (the
    meeting kiosk) the chart is drawn alone. With ``cache_key`` (see :func:`data.built`:
    the data version and every choice the chart shows) both figures are built once and
    reused by later runs.
    """

    def made(whole: bool) -> go.Figure:
        make = partial(build, whole=True) if whole else build
        return make() if cache_key is None else data.built((*cache_key, whole), make)

    figure = made(False)
    config = {**NO_CAMERA, **shown.pop("config", {})}
    where.plotly_chart(figure, config=config, key=f"{key}_chart", **shown)
    if downloads:
        chart_downloads(where, made(True) if lists_units else figure, facts=facts, key=key)


def chart_downloads(where: Any, figure: go.Figure, *, facts: Caption, key: str) -> None:
    """下载图片 PNG / SVG of ``figure`` (drawn whole, as the file should show it), rendered
    only when a button is clicked, stamped with that moment; ``facts`` without a title
    take the figure's own."""
    if not chart_export.available():
        where.caption(t("chart_no_export"))
        return
    if not facts.title:
        facts = replace(facts, title=chart_export.plain_title(figure))
    row = where.container(horizontal=True, gap="small")
    stamp = clock.now().strftime("%Y%m%d")
    for fmt, label in (("png", t("chart_png")), ("svg", t("chart_svg"))):
        row.download_button(
            label,
            partial(_image, figure, facts, fmt),
            file_name=f"bxgc-{key}-{stamp}.{fmt}",
            mime=chart_export.FORMATS[fmt],
            key=f"{key}_{fmt}",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:" if fmt == "png" else None,
            help=t("chart_download_help"),
        )


def _image(figure: go.Figure, facts: Caption, fmt: str) -> bytes:
    """The image file, made when its button is clicked, stamped with that moment."""
    stamped = replace(facts, exported_at=clock.now().strftime("%Y-%m-%d %H:%M"))
    return chart_export.image(figure, stamped, fmt=fmt)
