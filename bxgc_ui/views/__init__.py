"""One module per page: what the page shows between the data and the widgets, with its texts.

Each module keeps its texts (``TEXTS``) at its top and reads them through its own ``t``
(:class:`bxgc_ui.i18n.Texts`); the page file in ``pages/`` imports both. A view imports
shared pieces (formats, charts, ranking labels, names, loaders) but never another view.

- :mod:`.overview` — progress with pace, honour and warning lists, the pace matrix.
- :mod:`.catchup` — chasers, defaults, the catch-up answers in words.
- :mod:`.rankings` — single and composite rankings, sensitivity, rewards.
- :mod:`.meeting` — the meeting screen (a package: texts, screen, figures, race).
- :mod:`.upload` — the upload wizard: analysis, matches, issues, changes, undo.
- :mod:`.gaps` — rectification commitments and the look back.
- :mod:`.campaign` — phases and milestones.
- :mod:`.settings` — the editors of units, indicators, pairs, weights and rules.
- :mod:`.admin` — accounts, wall-screen links and the audit log.
- :mod:`.signin` — the sign-in page's texts and how it reads its address.
"""
