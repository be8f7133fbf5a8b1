"""Views as links: a page's choices read from and written to the address's query parameters.

A page names each choice it keeps in the address (``?indicator=FAI``). On a reader's first
run the choice starts from the address when it names one of the options; after that the
widget leads and every run writes its value back, so the address always shows the view and
can be sent to a colleague. A value that names no option is ignored with a short notice,
never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from bxgc_ui.fmt import md
from bxgc_ui.i18n import Texts, keyed

TEXTS = {
    "copy_link": ("复制链接", "Copy link"),
    "copy_link_help": (
        "这个链接打开的就是当前视图，可发给同事。",
        "This link opens the view as it is now; send it to a colleague.",
    ),
    "link_ignored": (
        "链接中的 {params} 无法识别，已显示默认视图。",
        "The link's {params} was not recognised; the default view is shown.",
    ),
}
t = Texts(TEXTS)

_IGNORED = "_links_ignored"


def choice(param: str, key: str, options: Sequence[str]) -> str:
    """The widget key for a choice kept in the address as ``param`` (see :func:`keyed`),
    started from the address on the first run when it names one of ``options``."""
    widget = keyed(key)
    if widget not in st.session_state and param in st.query_params:
        asked = st.query_params[param]
        if asked in options:
            st.session_state[widget] = asked
        else:
            st.session_state.setdefault(_IGNORED, []).append(f"{param}={asked}")
    return widget


def keep(**values: str) -> None:
    """Write the page's current choices into the address."""
    for param, value in values.items():
        if st.query_params.get(param) != value:
            st.query_params[param] = value


def notice() -> None:
    """Say, once, which of the address's values were ignored."""
    ignored = st.session_state.pop(_IGNORED, None)
    if ignored:
        st.caption(t("link_ignored", params=md("、".join(ignored))))


def link_box() -> None:
    """A "复制链接" control showing the address of the view as it is now."""
    query = urlencode(dict(st.query_params))
    base = (st.context.url or "").split("?", 1)[0]
    with st.popover(t("copy_link")):
        st.caption(t("copy_link_help"))
        st.code(f"{base}?{query}" if query else base or "?", language=None)
