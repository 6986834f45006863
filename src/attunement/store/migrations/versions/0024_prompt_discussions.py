"""support prompts marked discussed

``prompt_discussions`` records each time a clinician marks a clinical-support prompt as
discussed with the patient, or undoes the mark (issue 16): rows are only added, the latest
of an (episode, session, domain) is its state. New table, nothing to carry over.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_discussions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("discussed", sa.Boolean(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_prompt_discussions_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt_discussions")),
    )
    op.create_index(
        "ix_prompt_discussions_episode_session",
        "prompt_discussions",
        ["episode_id", "session"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_prompt_discussions_episode_session", table_name="prompt_discussions")
    op.drop_table("prompt_discussions")
