"""Views as links: a page's choices read from and written to the address's query parameters.

A page keeps each choice under a short parameter (``?unit=JD01&indicator=FAI``). The
address always shows the view, so it can be sent to a colleague, and the browser's back
and forward buttons step through the views a reader made:

- On a page's first run, and whenever the address differs from what the page last wrote
  (back, forward, a link pasted or edited), the widgets take the address's values; a
  parameter the address leaves out means that choice's default.
- Otherwise the widgets lead: each run writes their values back. A choice at its default
  is left out of the address, so arriving on a page adds no history entry, and every
  change a reader makes adds one (Streamlit pushes a history entry whenever a run changes
  the query string).
- A value that names no option is ignored with a short notice, never an error.

The "复制链接" control shows the whole view, defaults included, so the link keeps showing
the same view after new data moves the defaults.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

from bxgc_ui.fmt import md
from bxgc_ui.i18n import LANGS, Texts, carry_tab

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

_WRITTEN = "_links_written_{page}"
_IGNORED = "_links_ignored"


def _query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params}


class View:
    """One page's choices in the address. Build it before the page's widgets, take each
    widget's key from :meth:`choice`, :meth:`choices` or :meth:`number`, and call
    :meth:`publish` once every choice is known."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.asked = _query()
        written = st.session_state.get(_WRITTEN.format(page=page))
        self.adopting = written is None or written != self.asked
        """The address leads this run (first run, back, forward, a pasted link)."""
        self.values: dict[str, str] = {}
        self.defaults: dict[str, str] = {}

    def _adopt(self, param: str, widget: str, parse: Callable[[str], Any]) -> None:
        """When the address leads, put its value of ``param`` into ``widget``; ``parse``
        gives ``None`` for a value that names nothing, which is noted and left out. A
        parameter left out (or ignored) clears the widget, so it takes its default."""
        if not self.adopting:
            return
        asked = self.asked.get(param)
        value = None if asked is None else parse(asked)
        if asked is not None and value is None:
            st.session_state.setdefault(_IGNORED, []).append(f"{param}={asked}")
        if value is not None:
            st.session_state[widget] = value
            return
        base = widget.split("@", 1)[0]
        for key in (widget, *(f"{base}@{lang}" for lang in LANGS)):
            st.session_state.pop(key, None)

    def choice(
        self, param: str, key: str, *, options: Sequence, default: object, follows: bool = False
    ) -> str:
        """``key``, the widget key of a single choice among ``options`` kept as ``param``,
        its value started from the address or ``default`` (give a per-language key,
        :func:`bxgc_ui.i18n.keyed`, for widgets whose labels are translated). With
        ``follows`` a default that moves with what is shown (the model that erred least
        on the units picked) is followed until the reader picks something else."""
        texts = {str(o): o for o in options}
        self._adopt(param, key, texts.get)
        current, followed = st.session_state.get(key), f"{key}_followed"
        if current not in options or (follows and current == st.session_state.get(followed)):
            st.session_state[key] = default
        if follows:
            st.session_state[followed] = default
        return key

    def tab(self, param: str, key: str, *, labels: dict[str, str], default: str) -> str:
        """``key``, the widget key of a set of tabs whose open tab is kept as ``param`` by
        name (``labels`` maps each tab's name, e.g. ``composite``, to its shown label); give
        the key to :func:`bxgc_ui.widgets.lazy_tabs`, then :meth:`keep` the open tab's name."""
        self._adopt(param, key, labels.get)
        carry_tab(key, list(labels.values()))
        if st.session_state.get(key) not in labels.values():
            st.session_state[key] = labels[default]
        return key

    def choices(self, param: str, key: str, *, options: Sequence, default: Sequence) -> str:
        """Like :meth:`choice` for a multiselect; the address lists values with commas,
        and one that names nothing sets the whole choice back to its default."""
        texts = {str(o): o for o in options}

        def parse(asked: str) -> list | None:
            parts = [p for p in asked.split(",") if p]
            return [texts[p] for p in parts] if parts and set(parts) <= set(texts) else None

        self._adopt(param, key, parse)
        current = st.session_state.get(key)
        if current is None or any(v not in options for v in current):
            st.session_state[key] = list(default)
        return key

    def number(self, param: str, key: str, *, within: tuple[float, float], default: float) -> str:
        """Like :meth:`choice` for a slider's number between ``within``'s ends (whole
        numbers only when ``default`` is an ``int``); a default beyond the ends is kept
        at the nearer one, so the slider is never handed a value it cannot show."""
        low, high = within
        default = type(default)(min(max(default, low), high))

        def parse(asked: str) -> float | None:
            try:
                value = float(asked)
            except ValueError:
                return None
            if not low <= value <= high or (isinstance(default, int) and not value.is_integer()):
                return None  # NaN fails the range too
            return int(value) if isinstance(default, int) else value

        self._adopt(param, key, parse)
        current = st.session_state.get(key)
        if current is None or not low <= current <= high:
            st.session_state[key] = default
        return key

    def mapping(self, param: str, key: str, *, options: Sequence[str]) -> dict[str, float] | None:
        """Numbers per option (``FAI:0.3,GBR:0.7``, a weights editor's rows) from the
        address, kept under ``key`` until the address changes again; ``None`` when the
        address names none. ``key + "_gen"`` counts adoptions, so an editor keyed with it
        starts again from the address's numbers."""

        def parse(asked: str) -> dict[str, float] | None:
            try:
                parsed = {c: float(n) for c, n in (p.split(":", 1) for p in asked.split(","))}
            except ValueError:
                return None
            fine = set(parsed) <= set(options) and all(0 <= v < math.inf for v in parsed.values())
            return parsed if fine else None

        if self.adopting:
            self._adopt(param, key, parse)
            st.session_state[f"{key}_gen"] = st.session_state.get(f"{key}_gen", 0) + 1
        return st.session_state.get(key)

    def keep(self, param: str, value: object, *, default: object) -> None:
        """Record a choice's value now and its default, for :meth:`publish`."""
        self.values[param] = _text(value)
        self.defaults[param] = _text(default)

    def publish(self) -> None:
        """Write the choices that differ from their defaults into the address (dropping
        those at their defaults), remember what was written, and say once which of the
        address's values were ignored."""
        for param, value in self.values.items():
            if value == self.defaults[param]:
                if param in st.query_params:
                    del st.query_params[param]
            elif st.query_params.get(param) != value:
                st.query_params[param] = value
        st.session_state[_WRITTEN.format(page=self.page)] = _query()
        ignored = st.session_state.pop(_IGNORED, None)
        if ignored:
            st.caption(t("link_ignored", params=md("、".join(ignored))))

    def link(self) -> str:
        """The address of the whole view, every choice included."""
        query = urlencode(self.values)
        base = (st.context.url or "").split("?", 1)[0]
        return f"{base}?{query}" if query else base

    def link_box(self) -> None:
        """A "复制链接" control showing :meth:`link`."""
        with st.popover(t("copy_link"), icon=":material/link:"):
            st.caption(t("copy_link_help"))
            st.code(self.link() or "?", language=None)


def beside(page_url: str | None, target: str) -> str:
    """``target``, a path from the app's root (``/meeting?…``), as a whole address beside
    ``page_url``, the address of the current page as the reader's browser reached it
    (``st.context.url``: host, port and any path a reverse proxy serves the app under);
    ``target`` itself where that is not known.

    >>> beside("http://10.0.0.5:8501/meeting", "/meeting?embed=true")
    'http://10.0.0.5:8501/meeting?embed=true'
    >>> beside("https://tj.example.gov.cn/bxgc/admin", "/meeting?token=x")
    'https://tj.example.gov.cn/bxgc/meeting?token=x'
    >>> beside("http://localhost:8501/", "/meeting"), beside(None, "/meeting")
    ('http://localhost:8501/meeting', '/meeting')
    """
    if not page_url:
        return target
    parts = urlsplit(page_url)
    if not parts.scheme or not parts.netloc:
        return target
    root = parts.path.rsplit("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{root}{target}"


def _text(value: object) -> str:
    """A value as the address writes it: lists with commas, whole numbers without ``.0``."""
    if isinstance(value, dict):
        return ",".join(f"{k}:{_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
