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

from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from bxgc_ui.fmt import md
from bxgc_ui.i18n import LANGS, Texts

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

    def _start(self, param: str, widget: str, value: object | None) -> None:
        """Put the address's ``value`` (already checked) or nothing into the widget."""
        if value is not None:
            st.session_state[widget] = value
        else:
            base = widget.split("@", 1)[0]
            for key in (widget, *(f"{base}@{lang}" for lang in LANGS)):
                st.session_state.pop(key, None)

    def _ignored(self, param: str) -> None:
        st.session_state.setdefault(_IGNORED, []).append(f"{param}={self.asked[param]}")

    def choice(self, param: str, key: str, *, options: Sequence, default: object) -> str:
        """``key``, the widget key of a single choice among ``options`` kept as ``param``,
        its value started from the address or ``default`` (give a per-language key,
        :func:`bxgc_ui.i18n.keyed`, for widgets whose labels are translated)."""
        widget = key
        texts = {str(o): o for o in options}
        if self.adopting:
            asked = self.asked.get(param)
            if asked is not None and asked not in texts:
                self._ignored(param)
            self._start(param, widget, texts.get(asked) if asked is not None else None)
        if st.session_state.get(widget) not in options:
            st.session_state[widget] = default
        return widget

    def choices(self, param: str, key: str, *, options: Sequence, default: Sequence) -> str:
        """Like :meth:`choice` for a multiselect; the address lists values with commas."""
        widget = key
        texts = {str(o): o for o in options}
        if self.adopting:
            asked = self.asked.get(param)
            picked = None
            if asked is not None:
                parts = [p for p in asked.split(",") if p]
                picked = [texts[p] for p in parts if p in texts]
                if len(picked) != len(parts):
                    self._ignored(param)
                picked = picked or None
            self._start(param, widget, picked)
        current = st.session_state.get(widget)
        if current is None or any(v not in options for v in current):
            st.session_state[widget] = list(default)
        return widget

    def number(self, param: str, key: str, *, within: tuple[float, float], default: float) -> str:
        """Like :meth:`choice` for a slider's number between ``within``'s ends."""
        low, high = within
        if self.adopting:
            asked = self.asked.get(param)
            value = None
            if asked is not None:
                try:
                    value = float(asked)
                except ValueError:
                    value = None
                if value is None or not low <= value <= high or value != value:
                    self._ignored(param)
                    value = None
                elif isinstance(default, int):
                    value = int(value) if value == int(value) else None
                    if value is None:
                        self._ignored(param)
            self._start(param, key, value)
        current = st.session_state.get(key)
        if current is None or not low <= current <= high:
            st.session_state[key] = default
        return key

    def mapping(self, param: str, key: str, *, options: Sequence[str]) -> dict[str, float] | None:
        """Numbers per option (``FAI:0.3,GBR:0.7``, a weights editor's rows) from the
        address, kept under ``key`` until the address changes again; ``None`` when the
        address names none. ``key + "_gen"`` counts adoptions, so an editor keyed with it
        starts again from the address's numbers."""
        if self.adopting:
            asked, parsed = self.asked.get(param), None
            if asked:
                try:
                    pairs = [p.split(":", 1) for p in asked.split(",")]
                    parsed = {code: float(number) for code, number in pairs}
                except ValueError:
                    parsed = None
                if (
                    parsed is None
                    or set(parsed) - set(options)
                    or any(not 0 <= v < float("inf") for v in parsed.values())
                ):
                    self._ignored(param)
                    parsed = None
            st.session_state[key] = parsed
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


def _text(value: object) -> str:
    """A value as the address writes it: lists with commas, whole numbers without ``.0``."""
    if isinstance(value, dict):
        return ",".join(f"{k}:{_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
