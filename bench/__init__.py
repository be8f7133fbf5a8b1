"""Benchmarks for the importer, the metrics and the pages: ``python -m bench``.

Every measured operation runs beside its reference (the limit of what it could cost) in
the same run, and the result is a Markdown table with the machine it ran on, printed and
written to ``bench/RESULTS.md``. Data sets are generated deterministically by
:mod:`bench.data` and cached under ``bench/data/``.
"""
