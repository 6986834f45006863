"""shared CDS Hooks replay guard

Adds ``cds_token_uses``: each EHR token (``iss``, ``jti``) accepted by the CDS Hooks service,
kept until the token expires, so that a token is accepted once by the whole clinic — not
once per app process, as the in-memory guard did (issue 13). Nothing to carry over: the
tokens remembered in memory expire within minutes.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cds_token_uses",
        sa.Column("iss", sa.String(length=1000), nullable=False),
        sa.Column("jti", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("iss", "jti", name=op.f("pk_cds_token_uses")),
    )
    op.create_index(op.f("ix_cds_token_uses_expires_at"), "cds_token_uses", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cds_token_uses_expires_at"), table_name="cds_token_uses")
    op.drop_table("cds_token_uses")
