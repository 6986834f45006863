"""versioned ETR models

Adds ``etr_models``: each fit of the empirical expected-treatment-response growth model
(``attune etr fit``, issue 5) is stored as a new version per instrument, never overwritten
(``UNIQUE(instrument, sequence)``). Only a new table: no batch alteration is needed on
SQLite. Until now the fits were files in the data directory;
those files are not imported (fit again to store a version in the database).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:10:31.205343
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "etr_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=16), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_patients", sa.Integer(), nullable=False),
        sa.Column("n_obs", sa.Integer(), nullable=False),
        sa.Column("data_label", sa.Text(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_etr_models")),
        sa.UniqueConstraint(
            "instrument", "sequence", name=op.f("uq_etr_models_instrument_sequence")
        ),
    )


def downgrade() -> None:
    op.drop_table("etr_models")
