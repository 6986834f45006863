"""stored episode statuses

Adds ``episode_statuses``: each episode's computed status and the caseload columns derived
from it (alert, rank, deterioration, last seen, when the next measure is due, open risk
events), written with every change so that reads never re-derive (issue 13).

Data: a placeholder row for every existing episode (no application code is imported, so
nothing is computed here): ``rank`` 0 (at the top of the caseload: a status not yet
computed needs a look rather than hiding below white) and an empty ``inputs_version``,
which marks it stale. The application recomputes stale rows when it starts (and
``attune status --refresh`` recomputes every row).

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-05 21:30:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_WORKLIST = ("listed", "rank", "deterioration", "last_seen_on", "id")


def upgrade() -> None:
    op.create_table(
        "episode_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("deterioration", sa.Float(), nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=True),
        sa.Column("measure_due_from", sa.Date(), nullable=True),
        sa.Column("alert", sa.String(length=20), nullable=True),
        sa.Column("alert_rule", sa.String(length=100), nullable=True),
        sa.Column("open_risk_events", sa.Integer(), nullable=False),
        sa.Column("outcome_instrument", sa.String(length=40), nullable=True),
        sa.Column("monitored_scale", sa.String(length=40), nullable=True),
        sa.Column("session", sa.Integer(), nullable=True),
        sa.Column("latest", sa.Float(), nullable=True),
        sa.Column("latest_session", sa.Integer(), nullable=True),
        sa.Column("latest_on", sa.Date(), nullable=True),
        sa.Column("change", sa.Float(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("status", sa.JSON(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("inputs_version", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_episode_statuses_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_episode_statuses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_statuses")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_episode_statuses_episode_id")),
    )
    op.create_index("ix_episode_statuses_worklist", "episode_statuses", list(_WORKLIST))
    op.create_index(
        "ix_episode_statuses_worklist_alert",
        "episode_statuses",
        ["listed", "alert", *_WORKLIST[1:]],
    )
    op.create_index(
        "ix_episode_statuses_worklist_clinician",
        "episode_statuses",
        ["clinician_id", *_WORKLIST],
    )
    for column in ("patient_id", "measure_due_from", "outcome_instrument"):
        op.create_index(op.f(f"ix_episode_statuses_{column}"), "episode_statuses", [column])
    now = dt.datetime.now(dt.UTC)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO episode_statuses (episode_id, patient_id, clinician_id, listed, rank,"
            " deterioration, measure_due_from, open_risk_events, outcome_instrument,"
            " inputs_version, version, computed_at)"
            " SELECT e.id, e.patient_id, p.clinician_id, e.ended_on IS NULL, 0, 0.0,"
            " e.started_on, 0, e.outcome_instrument, '', 0, :now"
            " FROM episodes e JOIN patients p ON p.id = e.patient_id"
        ),
        {"now": now},
    )


def downgrade() -> None:
    for column in ("outcome_instrument", "measure_due_from", "patient_id"):
        op.drop_index(op.f(f"ix_episode_statuses_{column}"), table_name="episode_statuses")
    op.drop_index("ix_episode_statuses_worklist_clinician", table_name="episode_statuses")
    op.drop_index("ix_episode_statuses_worklist_alert", table_name="episode_statuses")
    op.drop_index("ix_episode_statuses_worklist", table_name="episode_statuses")
    op.drop_table("episode_statuses")
