"""import ledger

Adds ``import_ledger``: one row per patient, episode and administration brought in by a
bulk import (``attune import csv``), keyed by the source system's own key, so that a
re-run skips what is already imported and an interrupted run resumes after its last
committed batch (issue 13). No data.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_ledger",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_import_ledger")),
    )


def downgrade() -> None:
    op.drop_table("import_ledger")
