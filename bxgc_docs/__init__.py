"""The documents the campaign runs on: the monthly 排名通报 (Word) and the meeting deck
(PowerPoint), written from :class:`bxgc_metrics.tables.bulletin.Bulletin`.

Every figure comes from the bulletin, which holds the very tables the pages show; this
package only lays them out. It may use the pure parts of :mod:`bxgc_ui` (charts, chart
images, number formats, colours) and never streamlit (an import contract checks it), so
the command line and a cron job can write the documents without the app.

- :mod:`.source` — a bulletin from a database file: who is ranked, the names, the data
  version recorded with each document.
- :mod:`.bulletin_docx` — the 通报: a built-in 公文 template made in code, or the office's
  own template, filled with docxtpl.
- :mod:`.deck_pptx` — the deck: 16:9, native (editable) charts, tables split across
  slides, the narrative in the speaker notes.
- :mod:`.cli` — ``python -m bxgc_docs report …``, recorded in the audit log.
"""
