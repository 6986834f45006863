"""the clinic-derived norms in use, stored

``clinic_norms`` holds the SD of the clinic's intake scores of each scale that needs one
(K10 outcome, WAI-SR alliance), taken at stated points instead of on every write (issue 13,
see ``store._norms_table``). New table, nothing to carry over: the first start after the
upgrade takes the norms and recomputes the statuses that were computed with others.

Revision ID: 0032
Revises: 0031c
Create Date: 2026-12-07 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic_norms",
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("scale", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("sd", sa.Float(), nullable=False),
        sa.Column("n_episodes", sa.Integer(), nullable=False),
        sa.Column("n_counted", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("instrument", "scale", "role", name=op.f("pk_clinic_norms")),
    )


def downgrade() -> None:
    op.drop_table("clinic_norms")
