"""episode end: reason, note and final measures

An episode is closed with an end reason (``monitoring/end_reasons.yaml``: planned end,
dropout, referral, other), an end date (``ended_on``, already there), an optional note and
its final measures: the outcome (and alliance) administration the episode ended on
(issue 12). ``lifecycle`` keeps every close and reopen (with the reopen's reason), since a
reopen clears the end fields. Existing episodes are all open (no episode could be closed
before), so there is nothing to carry over.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-05 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_COLUMNS = (
    "end_reason",
    "end_note",
    "final_outcome_administration_id",
    "final_alliance_administration_id",
    "lifecycle",
)


def upgrade() -> None:
    op.add_column("episodes", sa.Column("end_reason", sa.String(length=40), nullable=True))
    op.add_column("episodes", sa.Column("end_note", sa.Text(), nullable=True))
    op.add_column(
        "episodes", sa.Column("final_outcome_administration_id", sa.Integer(), nullable=True)
    )
    op.add_column(
        "episodes", sa.Column("final_alliance_administration_id", sa.Integer(), nullable=True)
    )
    op.add_column("episodes", sa.Column("lifecycle", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        for column in reversed(_COLUMNS):
            batch_op.drop_column(column)
