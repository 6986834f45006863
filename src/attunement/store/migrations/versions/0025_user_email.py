"""a user's e-mail address for notifications

Adds ``users.email`` (nullable): where a clinician's or supervisor's notifications are
e-mailed. The e-mail says only that something is waiting in Attunement, never a patient or an
answer (issue 14). No data.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:  # SQLite before 3.35 has no DROP COLUMN
        batch.drop_column("email")
