"""Chinese-first interface text with an English switch.

Every label a page shows comes from :data:`STRINGS` through :func:`t`, so switching the
language changes every label. The choice lives in ``st.session_state["lang"]``.
"""

from __future__ import annotations

import streamlit as st

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("比学赶超", "Compare, Learn, Catch Up, Surpass"),
    "language": ("语言", "Language"),
    "nav_overview": ("总览", "Overview"),
    "demo_notice": (
        "当前显示的是演示数据（虚构单位与数字，方案四的数字取自原文）。",
        "You are looking at demo data (made-up units and figures; plan four's numbers are "
        "from the document).",
    ),
    "empty_title": ("数据库中还没有数据", "The database holds no data yet"),
    "empty_body": (
        "可以载入演示数据先看看效果，或到“数据上传”页面导入本单位的报表。",
        "Load the demo data to look around, or import your own report sheets on the Upload page.",
    ),
    "load_demo": ("载入演示数据", "Load demo data"),
    "demo_loaded": ("演示数据已载入。", "Demo data loaded."),
    "units": ("单位", "Units"),
    "indicators": ("指标", "Indicators"),
    "observations": ("数据条数", "Figures stored"),
    "latest_data": ("最新数据", "Latest data"),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "peer_group": ("组别", "Peer group"),
    "ytd_value": ("累计完成", "Year to date"),
    "annual_target": ("全年目标", "Annual target"),
    "completion": ("完成率", "Completion"),
    "time_progress": ("时间进度", "Time elapsed"),
    "yoy": ("同比增长", "YoY growth"),
    "overview_chart_title": ("{period} {indicator}完成情况", "{indicator}, {period}: progress"),
    "measure": ("计量单位", "Measure"),
}


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add a page's own texts; a key may be registered only once."""
    clash = set(strings) & set(STRINGS)
    if clash:
        raise KeyError(f"text keys registered twice: {sorted(clash)}")
    STRINGS.update(strings)


def lang() -> str:
    """The reader's language, ``zh`` (default) or ``en``."""
    value = st.session_state.get("lang", "zh")
    return value if value in LANGS else "zh"


def t(key: str, **values: object) -> str:
    """The text for ``key`` in the reader's language, with ``{placeholders}`` filled."""
    zh, en = STRINGS[key]
    text = zh if lang() == "zh" else en
    return text.format(**values) if values else text


def name(row: object, field: str = "name", language: str | None = None) -> str:
    """A unit's or indicator's display name: ``name_en`` in English when there is one.

    ``language`` saves a session-state lookup per row when naming many rows."""
    zh = getattr(row, f"{field}_zh")
    en = getattr(row, f"{field}_en", None)
    english = (language or lang()) == "en"
    return en if english and isinstance(en, str) and en else zh


def keyed(key: str) -> str:
    """A widget key per language that carries the choice across a language switch.

    Streamlit keeps showing a keyed widget's old option label after its labels change, so
    a select box would still read 固定资产投资 in English; one widget per language avoids
    that, and the choice (a code, not a label) moves to the new widget.
    """
    mine = f"{key}@{lang()}"
    if mine not in st.session_state:
        for other in LANGS:
            chosen = st.session_state.get(f"{key}@{other}")
            if chosen is not None:
                st.session_state[mine] = chosen
                break
    return mine


def language_switch() -> None:
    """The 中文 / English switch in the sidebar; ``?lang=en`` in the URL sets the start."""
    if "lang" not in st.session_state:
        asked = st.query_params.get("lang", "zh")
        st.session_state["lang"] = asked if asked in LANGS else "zh"
    st.sidebar.segmented_control(
        "语言 / Language",
        options=list(LANGS),
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="lang",
        required=True,
    )


def _page_texts() -> None:
    """Each page keeps its texts in its own module; all are merged here once."""
    from bxgc_ui import text_catchup, text_manage, text_misc, text_rankings, text_upload

    for module in (text_catchup, text_manage, text_misc, text_rankings, text_upload):
        register(module.TEXT)
    import bxgc_ui.meeting  # noqa: F401 - the meeting screen registers its own texts


_page_texts()
