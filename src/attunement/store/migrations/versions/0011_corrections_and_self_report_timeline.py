"""corrections with a trail; self-reports on the timeline

Adds to ``administrations``: ``voided_at``, ``voided_by``, ``void_reason`` and
``corrected_by_id`` (an administration voided in error or replaced by a correction is kept
for the history and the audit trail), and ``toward_session`` (the session number a
between-session self-report counts toward). Adds ``voided_at``, ``voided_by`` and
``void_reason`` to ``sessions``. Existing rows are live; nothing to carry over (issue 12).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _void_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=100), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("administrations") as batch:
        batch.add_column(sa.Column("toward_session", sa.Integer(), nullable=True))
        for column in _void_columns():
            batch.add_column(column)
        batch.add_column(sa.Column("corrected_by_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("sessions") as batch:
        for column in _void_columns():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        for name in ("void_reason", "voided_by", "voided_at"):
            batch.drop_column(name)
    with op.batch_alter_table("administrations") as batch:
        for name in ("corrected_by_id", "void_reason", "voided_by", "voided_at", "toward_session"):
            batch.drop_column(name)
