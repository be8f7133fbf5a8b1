"""Streamlit-side helpers: translations, number formats, cached loaders and figures.

Pages import from here and from :mod:`bxgc_metrics`; nothing in :mod:`bxgc_metrics`
imports this package.
"""
