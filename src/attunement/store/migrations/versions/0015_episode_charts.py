"""cached episode charts

Adds ``episode_charts``: the SVG of each episode's outcome and alliance chart, keyed by
the version of the episode's stored status it was drawn from, so that the patient page
and the chart routes serve a stored drawing instead of drawing on every request (issue 13).
No data: charts are drawn on their first request.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "episode_charts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
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
        sa.UniqueConstraint("episode_id", "kind", name=op.f("uq_episode_charts_episode_id")),
    )


def downgrade() -> None:
    op.drop_table("episode_charts")
