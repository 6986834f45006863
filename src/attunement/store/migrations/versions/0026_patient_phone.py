"""a patient's mobile number and preferred channel for questionnaire links

Adds ``patient_contacts.phone`` (nullable, E.164: ``+`` and at most 15 digits) and
``patient_contacts.preferred_channel`` (``email`` | ``sms``, existing rows ``email``): the
worker sends invitations and reminders by the preferred channel when it is configured and
the patient has it, else by the other one (issue 14). No data.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient_contacts") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column(
                "preferred_channel",
                sa.String(length=10),
                nullable=False,
                server_default="email",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("patient_contacts") as batch:  # SQLite before 3.35
        batch.drop_column("preferred_channel")
        batch.drop_column("phone")
