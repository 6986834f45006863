"""the patient name search on an index on SQLite too: an FTS5 trigram table

The caseload's name search finds part of a name (``LIKE '%abc%'`` on
``patients.search_name``), which no B-tree index can serve: on SQLite every patient was
read. PostgreSQL has had a ``pg_trgm`` GIN index for it since 0021. This adds SQLite's
equivalent, an FTS5 table with the trigram tokenizer (``patients_search``, external
content: the names stay in ``patients`` only), its triggers on ``patients`` and its first
filling (see ``store._name_search``). The ``search_name`` B-tree index of 0021, which no
query used on SQLite, is dropped there. Nothing changes on PostgreSQL.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

from alembic import op

from attunement.store import NAME_SEARCH_TABLE, SQLITE_NAME_SEARCH_DDL

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in SQLITE_NAME_SEARCH_DDL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {NAME_SEARCH_TABLE}_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {NAME_SEARCH_TABLE}")
