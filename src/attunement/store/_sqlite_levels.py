"""The SQLite durability levels offered (``ATTUNE_SQLITE_SYNCHRONOUS``), on their own.

Kept apart from :mod:`attunement.store._engine` so that the settings can validate the level
without importing SQLAlchemy and Alembic (``attune --help`` and the light commands start
without them). What each level means is in the engine module's docstring.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["SQLITE_SYNCHRONOUS", "SqliteSynchronous"]

SqliteSynchronous = Literal["FULL", "NORMAL"]
SQLITE_SYNCHRONOUS: tuple[SqliteSynchronous, ...] = ("FULL", "NORMAL")
