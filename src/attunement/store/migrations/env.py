"""Alembic environment: the engine is handed in by ``attunement.store.migrate``.

SQLite cannot ALTER most things, so batch mode copies a table, drops the old one and
renames the copy; with foreign keys enforced, dropping a table that others reference fails
once the database holds data. So on SQLite, foreign keys are switched off for the
migration (outside any transaction, where SQLite honours the pragma), and the whole
database is checked with ``PRAGMA foreign_key_check`` before they are switched back on.

The Python sqlite3 driver runs DDL outside any transaction unless one was begun explicitly,
so the migration begins one itself: a migration that fails leaves nothing half-applied.
On PostgreSQL the migration holds an advisory lock, so concurrent upgrades run one at a time.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from attunement.errors import StorageError
from attunement.store._name_search import is_name_search_table
from attunement.store._tables import Base

engine: Engine = context.config.attributes["engine"]

#: The PostgreSQL advisory lock (two-key form, its own key space) held while migrating, so
#: that ``attune serve`` starting on several machines at once migrates once: the others wait,
#: then find the schema at head (Alembic reads the version after the lock is granted).
_MIGRATION_LOCK = {"space": 7_106_101, "key": 1}

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
        # SQLite's FTS5 name-search tables are made by a migration, not by the ORM's metadata
        include_name=lambda name, kind, _parents: (
            kind != "table" or not is_name_search_table(str(name))
        ),
    )
    with context.begin_transaction():
        if not sqlite:  # several app machines starting at once: one migrates, the rest wait
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), _MIGRATION_LOCK)
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
