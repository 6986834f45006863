"""Alembic environment: the engine is handed in by ``attunement.store.migrate``.

SQLite cannot ALTER most things, so batch mode copies a table, drops the old one and
renames the copy; with foreign keys enforced, dropping a table that others reference fails
once the database holds data. So on SQLite, foreign keys are switched off for the
migration (outside any transaction, where SQLite honours the pragma), and the whole
database is checked with ``PRAGMA foreign_key_check`` before they are switched back on.

The Python sqlite3 driver runs DDL outside any transaction unless one was begun explicitly,
so the migration begins one itself: a migration that fails leaves nothing half-applied.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from attunement.errors import StorageError
from attunement.store._tables import Base

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        connection.exec_driver_sql("BEGIN")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(
                    f"migration left {len(broken)} broken foreign keys (first: {broken[0]}); "
                    "nothing was changed"
                )
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
