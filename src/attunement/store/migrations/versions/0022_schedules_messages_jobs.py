"""schedules, clinic settings, patient contacts, outbound messages and the job queue

Routine measurement that runs itself (issue 14): the clinic's settings (name → JSON), an
episode's own schedule, how a patient is reached and their opt-out, one row per due
measurement (unique per episode and due date), every message sent with its delivery state,
and the durable queue the worker runs (``attune worker``).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_clinic_settings"),
    )
    op.create_table(
        "episode_schedules",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("next_session_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name="fk_episode_schedules_episode_id_episodes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("episode_id", name="pk_episode_schedules"),
    )
    op.create_table(
        "patient_contacts",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name="fk_patient_contacts_patient_id_patients",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", name="pk_patient_contacts"),
    )
    op.create_table(
        "measurement_occasions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name="fk_measurement_occasions_episode_id_episodes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name="fk_measurement_occasions_invitation_id_invitations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_measurement_occasions"),
        sa.UniqueConstraint("invitation_id", name="uq_measurement_occasions_invitation_id"),
    )
    op.create_index(
        "ix_measurement_occasions_due",
        "measurement_occasions",
        ["episode_id", "due_on"],
        unique=True,
    )
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=100), nullable=False),
        sa.Column("occasion_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("opt_out_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["occasion_id"],
            ["measurement_occasions.id"],
            name="fk_outbound_messages_occasion_id_measurement_occasions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_messages"),
        sa.UniqueConstraint("message_key", name="uq_outbound_messages_message_key"),
        sa.UniqueConstraint("opt_out_digest", name="uq_outbound_messages_opt_out_digest"),
    )
    op.create_index(
        "ix_outbound_messages_occasion_id", "outbound_messages", ["occasion_id"], unique=False
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("dedupe_key", name="uq_jobs_dedupe_key"),
    )
    op.create_index("ix_jobs_ready", "jobs", ["state", "run_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_jobs_ready", table_name="jobs")
    op.drop_table("jobs")
    op.drop_index("ix_outbound_messages_occasion_id", table_name="outbound_messages")
    op.drop_table("outbound_messages")
    op.drop_index("ix_measurement_occasions_due", table_name="measurement_occasions")
    op.drop_table("measurement_occasions")
    op.drop_table("patient_contacts")
    op.drop_table("episode_schedules")
    op.drop_table("clinic_settings")
