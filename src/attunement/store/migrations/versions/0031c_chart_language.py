"""cached episode charts keyed by language

``episode_charts`` gains ``language``: a chart's title, axes, legend and band labels are
words, drawn in the clinic's language, so a drawing is kept per episode, chart kind and
language (issue 16). The table is a cache (every chart is drawn again on its first
request), so it is recreated empty with the new key rather than altered in place, which
SQLite could only do by copying the table anyway.

Revision ID: 0031c
Revises: 0030c
Create Date: 2026-12-07 03:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031c"
down_revision = "0030c"
branch_labels = None
depends_on = None


def _create(*, with_language: bool) -> None:
    language = [sa.Column("language", sa.String(length=35), nullable=False)]
    key = ["episode_id", "kind", *(["language"] if with_language else [])]
    op.create_table(
        "episode_charts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        *(language if with_language else []),
        sa.Column("status_version", sa.Integer(), nullable=False),
        sa.Column("renderer", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("svg", sa.Text(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_episode_charts_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_charts")),
        sa.UniqueConstraint(*key, name=op.f("uq_episode_charts_episode_id")),
    )


def upgrade() -> None:
    op.drop_table("episode_charts")
    _create(with_language=True)


def downgrade() -> None:
    op.drop_table("episode_charts")
    _create(with_language=False)
