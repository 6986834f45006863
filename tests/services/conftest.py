"""Service tests run on SQLite and PostgreSQL (``engine``); ``clock``, ``ctx`` and
``world`` come from the top ``tests/conftest.py``."""
