"""personalised course predictions stored at intake

``course_predictions`` keeps the personalised expected course (80% band, dropout
probability, the neighbours' outcomes) predicted when an episode's intake outcome score is
recorded (issue 15): rows are only added, a corrected intake adds a new one. New table,
nothing to carry over: episodes that already have an intake get their first prediction on
their next write.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course_predictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("intake", sa.Float(), nullable=False),
        sa.Column("intake_session", sa.Integer(), nullable=True),
        sa.Column("at_session", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("neighbours", sa.Integer(), nullable=False),
        sa.Column("dropout_probability", sa.Float(), nullable=True),
        sa.Column("episodes_compared", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=120), nullable=False),
        sa.Column("course", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_course_predictions_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_predictions")),
    )
    op.create_index(
        "ix_course_predictions_episode_made",
        "course_predictions",
        ["episode_id", "made_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_course_predictions_episode_made", table_name="course_predictions")
    op.drop_table("course_predictions")
