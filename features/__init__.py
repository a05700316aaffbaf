"""Raw tables in, per-account feature frames out.

- :mod:`features.contract`: the input data contract, declared once.
- :mod:`features.data`: read a source, validate it, expose clean tables (``load_dataset``).
- :mod:`features.catalogue`: the point-in-time feature catalogue (``build_features``).
"""
