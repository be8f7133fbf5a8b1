"""Chinese-first interface text with an English switch: one mechanism, no registry.

Each module that shows text keeps its own table beside its code, a constant ``TEXTS`` of
``key: (zh, en)``, and reads it through its own :class:`Texts`, built from that table and
:data:`COMMON` (the words every page uses: navigation, unit, indicator, completion …).
A :class:`Texts` is complete the moment it is built, so which keys exist never depends on
what was imported first, and nothing is added to any table at import time. This module
imports no other module of :mod:`bxgc_ui`. The reader's language lives in
``st.session_state["lang"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import streamlit as st

LANGS = ("zh", "en")

Table = Mapping[str, tuple[str, str]]
"""Texts by key: ``(zh, en)``; ``{placeholders}`` are filled by :meth:`Texts.__call__`."""

COMMON: dict[str, tuple[str, str]] = {
    "app_title": ("比学赶超", "Compare, Learn, Catch Up, Surpass"),
    # Navigation: app.py names every page, and pages and links name themselves.
    "nav_overview": ("总览", "Overview"),
    "nav_catchup": ("赶超轨迹", "Catch-up"),
    "nav_rankings": ("排名", "Rankings"),
    "nav_bulletin": ("排名通报", "Bulletin"),
    "nav_upload": ("数据上传", "Upload"),
    "meeting_nav": ("会议大屏", "Meeting screen"),
    "nav_gaps": ("差距整改", "Gaps"),
    "nav_quality": ("数据质量", "Data quality"),
    "nav_campaign": ("活动进度", "Campaign"),
    "nav_settings": ("设置", "Settings"),
    "nav_signin": ("登录", "Sign in"),
    "nav_account": ("我的账户", "My account"),
    "nav_admin": ("用户与审计", "Users & audit"),
    "empty_title": ("数据库中还没有数据", "The database holds no data yet"),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "peer_group": ("组别", "Peer group"),
    "measure": ("计量单位", "Measure"),
    "ytd_value": ("累计完成", "Year to date"),
    "annual_target": ("全年目标", "Annual target"),
    "completion": ("完成率", "Completion"),
    "time_progress": ("时间进度", "Time elapsed"),
    "yoy": ("同比增长", "YoY growth"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "status_ahead": ("超进度", "ahead"),
    "status_on_pace": ("符合进度", "on pace"),
    "status_behind": ("滞后", "behind"),
    "status_unknown": ("—", "—"),
    "col_status": ("状态", "Status"),
    "catchup_chaser": ("本单位（赶超方）", "Our unit (chaser)"),
    "catchup_benchmarks": ("标杆（赶超对象）", "Benchmarks"),
    # Events: the settings editor names the kinds, the charts show them.
    "events": ("大事记", "Events"),
    "all_units": ("全部单位", "all units"),
    "all_indicators": ("全部指标", "all indicators"),
    "kind_policy": ("政策出台", "policy issued"),
    "kind_project": ("项目投产", "project in operation"),
    "kind_definition": ("口径调整", "definition changed"),
    "kind_other": ("其他", "other"),
}
"""Texts used by several pages and shared modules."""


class Texts:
    """One module's texts: its own tables over :data:`COMMON`, read in the reader's language.

    A key defined twice with different texts is refused when the tables are joined, so a
    page never shows one text in one place and another elsewhere for the same key.

    >>> t = Texts({"hello": ("你好，{name}", "Hello, {name}")})
    >>> t("hello", name="东城"), "unit" in t, "nope" in t
    ('你好，东城', True, False)
    """

    def __init__(self, *tables: Table) -> None:
        merged: dict[str, tuple[str, str]] = dict(COMMON)
        for table in tables:
            for key, text in table.items():
                if merged.get(key, text) != text:
                    raise KeyError(f"text key {key!r} is defined twice, differently")
                merged[key] = text
        self.table: Mapping[str, tuple[str, str]] = MappingProxyType(merged)

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key`` in the reader's language, with ``{placeholders}`` filled."""
        zh, en = self.table[key]
        text = zh if lang() == "zh" else en
        return text.format(**values) if values else text

    def __contains__(self, key: object) -> bool:
        return key in self.table


t = Texts()
"""The common texts alone (``app.py`` names its pages with these)."""


def counted(n: int, zh: str, en: str, *, language: str) -> str:
    """``n`` of a noun in ``language``'s words: ``2 个单位``; ``1 unit``, ``2 units``.

    >>> counted(2, "个单位", "unit", language="zh"), counted(1, "个单位", "unit", language="en")
    ('2 个单位', '1 unit')
    >>> counted(0, "个指标", "indicator", language="en")
    '0 indicators'
    """
    if language == "zh":
        return f"{n} {zh}"
    return f"{n} {en}" if n == 1 else f"{n} {en}s"


def lang() -> str:
    """The reader's language, ``zh`` (default) or ``en``."""
    value = st.session_state.get("lang", "zh")
    return value if value in LANGS else "zh"


def name(row: object, field: str = "name", language: str | None = None) -> str:
    """A unit's or indicator's display name: ``name_en`` in English when there is one.

    ``language`` saves a session-state lookup per row when naming many rows."""
    zh = getattr(row, f"{field}_zh")
    en = getattr(row, f"{field}_en", None)
    return english_or(zh, en) if (language or lang()) == "en" else zh


def english_or(zh: str, en: object) -> str:
    """The English name ``en`` where one is given (text, not empty), else ``zh``: what an
    English reader is shown (:func:`name`, :func:`bxgc_ui.names.names`)."""
    return en if isinstance(en, str) and en else zh


def listed(items: Iterable[str]) -> str:
    """Items joined as the reader lists them: 「、」 in Chinese, ", " in English."""
    return ("、" if lang() == "zh" else ", ").join(items)


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
    """The 中文 / English switch in the sidebar; ``?lang=en`` in the URL sets the start,
    and is kept there while English is chosen."""
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
    # English stays in the address, so a refresh (or the link copied) keeps it
    if lang() == "en":
        if st.query_params.get("lang") != "en":
            st.query_params["lang"] = "en"
    elif "lang" in st.query_params:
        del st.query_params["lang"]


def _open_tab(key: str) -> str:
    return f"{key}#open"


def carry_tab(key: str, labels: Sequence[str]) -> None:
    """Keep the open tab of the tabs ``key`` across a language switch.

    A set of tabs holds its open tab as the tab's label, which a language switch
    changes; the position noted by :func:`note_open_tab` then names the same tab in the
    new language. Call before the tabs are drawn."""
    current = st.session_state.get(key)
    if current is None or current in labels:
        return
    opened = st.session_state.get(_open_tab(key))
    if isinstance(opened, int) and 0 <= opened < len(labels):
        st.session_state[key] = labels[opened]


def note_open_tab(key: str, tabs: Sequence[Any]) -> None:
    """Note which of the tabs ``key`` is open, by position, for :func:`carry_tab`."""
    opened = next((i for i, tab in enumerate(tabs) if tab.open), None)
    if opened is not None:
        st.session_state[_open_tab(key)] = opened
