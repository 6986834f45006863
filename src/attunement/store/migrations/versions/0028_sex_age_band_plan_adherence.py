"""a patient's sex and age band; whether the plan was followed

Adds ``patients.sex`` and ``patients.age_band`` (nullable: not recorded; an age band, never
a birth date) and the ``plan_adherence`` table: one row per clinician record of whether a
tailoring dimension of the plan was followed in an episode, only ever added, the latest of
an (episode, dimension) counts (issue 15). Existing patients have neither recorded.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("sex", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("age_band", sa.String(length=10), nullable=True))
    op.create_table(
        "plan_adherence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("followed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_plan_adherence_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_adherence")),
    )
    op.create_index(
        "ix_plan_adherence_episode_dimension",
        "plan_adherence",
        ["episode_id", "dimension"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_plan_adherence_episode_dimension", table_name="plan_adherence")
    op.drop_table("plan_adherence")
    with op.batch_alter_table("patients") as batch:  # SQLite before 3.35
        batch.drop_column("age_band")
        batch.drop_column("sex")
