"""The importer: monthly report sheets in, checked figures out, nothing written until asked.

An uploaded file's bytes go through these parts in order; :mod:`.service` is the one entry
(``analyse`` then ``commit``) that the upload page and the command line use.

- :mod:`.limits`, :mod:`.workbook_guard` — what one upload may hold; an xlsx is measured
  before it is parsed.
- :mod:`.reading` — files to grids of cells (calamine for Excel, encoding detection for text).
- :mod:`.layouts` — which layout a sheet is in (long, wide, report) and its figures as records,
  with the sheet's vocabulary and its unit line (:mod:`.unit_line`).
- :mod:`.cells`, :mod:`.columns`, :mod:`.formulas` — cell values as Chinese sheets write
  them, columns as coded text, cells whose value Excel never calculated.
- :mod:`.matching`, :mod:`.naming` — names as written to the codes of known units and
  indicators, or new ones when asked.
- :mod:`.validate`, :mod:`.checking` — the rules figures must satisfy, applied in order.
- :mod:`.issues` — the catalogue of everything the importer can say, each issue declared
  once with its severity and its Chinese and English wording.
- :mod:`.templates`, :mod:`.report` — downloadable templates and the command line's report.
"""
