"""Streamlit-side code: the views of the pages and the pieces they share.

Pages (``pages/*.py``) import from here and from :mod:`bxgc_metrics`; nothing in
:mod:`bxgc_metrics` imports this package.

- :mod:`.views` — one module per page with its texts (a package for the meeting screen).
- :mod:`.i18n` — the language switch and :class:`~bxgc_ui.i18n.Texts`, how every module
  reads its own texts; the words all pages share.
- :mod:`.data` — the cached loaders, keyed by database file and data version: the only
  way pages read data.
- :mod:`.names`, :mod:`.ranking_labels` — unit and indicator names; how a ranking reads
  (groups, places, moves, reward columns) on every page that shows one.
- :mod:`.fmt`, :mod:`.palette`, :mod:`.charts`, :mod:`.widgets`, :mod:`.exports` —
  number formats, colours, figures, small shared page parts and Excel workbooks.
- :mod:`.auth`, :mod:`.web`, :mod:`.unreadable`, :mod:`.serve` — who is reading, the
  sign-in routes, the page for an unreadable database, the launcher.
"""
