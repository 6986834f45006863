"""the learning revision: corrections of ended episodes reach the course's neighbour index

``learning_revisions`` holds a counter per outcome instrument, raised by every write that
changes an input of an ended episode (its scores, end, plan adherence, or its patient's
profile, sex, age band or language); ``learning_changes`` the revision at which each such
episode last changed (issue 15, see ``store._learning_table``). New tables, nothing to
carry over: an index built after the upgrade reads every ended episode once.

Revision ID: 0030c
Revises: 0029
Create Date: 2026-12-07 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030c"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learning_revisions",
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("instrument", name=op.f("pk_learning_revisions")),
    )
    op.create_table(
        "learning_changes",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_learning_changes_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("episode_id", name=op.f("pk_learning_changes")),
    )
    op.create_index(
        "ix_learning_changes_instrument_revision",
        "learning_changes",
        ["instrument", "revision"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_learning_changes_instrument_revision", table_name="learning_changes")
    op.drop_table("learning_changes")
    op.drop_table("learning_revisions")
