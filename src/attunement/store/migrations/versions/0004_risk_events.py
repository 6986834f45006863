"""risk events

Adds ``risk_events``: an endorsed or unanswered risk item (PHQ-9 item 9 …) opens an event
that stays open until a clinician records a structured risk response (issue 11).

Data: every risk flag already stored in ``scores.flags`` becomes an endorsement of an OPEN
event — one event per patient and kind (endorsed, unanswered), attached to the patient's
newest episode — because no response was ever recorded for them. After the upgrade these
patients are pinned at the top of the caseload until a clinician answers the events. The
flags are read as stored (JSON); no application code is imported.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("endorsements", sa.JSON(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by", sa.String(length=100), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_risk_events_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_risk_events_episode_id_episodes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_events")),
    )
    op.create_index(op.f("ix_risk_events_patient_id"), "risk_events", ["patient_id"])
    op.create_index(op.f("ix_risk_events_episode_id"), "risk_events", ["episode_id"])
    op.create_index(op.f("ix_risk_events_responded_at"), "risk_events", ["responded_at"])
    _open_events_for_stored_flags()


def _aware(value: Any) -> dt.datetime:
    when: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _open_events_for_stored_flags() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT e.patient_id, e.id, a.id, a.instrument_id, a.administered_at, a.language,"
            " a.entered_by, s.number, sc.flags"
            " FROM scores sc JOIN administrations a ON sc.administration_id = a.id"
            " JOIN episodes e ON a.episode_id = e.id"
            " LEFT JOIN sessions s ON a.session_id = s.id"
            " ORDER BY e.patient_id, a.administered_at, a.id"
        )
    ).all()
    events: dict[tuple[int, str], dict[str, Any]] = {}
    for patient, episode, admin, instrument, at, language, entered_by, number, flags in rows:
        stored = json.loads(flags) if isinstance(flags, str) else flags
        stored = stored if isinstance(stored, list) else []
        for flag in stored:
            if not isinstance(flag, dict):
                continue
            kind = "unanswered" if str(flag.get("id", "")).endswith("_unanswered") else "endorsed"
            kind = str(flag.get("kind") or kind)
            when = _aware(at)
            route = "self_report" if str(entered_by).startswith("patient:") else "session"
            event = events.setdefault(
                (patient, kind),
                {"episode": episode, "opened_at": when, "endorsements": []},
            )
            event["episode"] = episode
            event["endorsements"].append(
                {
                    "kind": kind,
                    "instrument": instrument,
                    "item": str(flag.get("item", "")),
                    "flag": str(flag.get("id", "")),
                    "answer": flag.get("answer"),
                    "message": str(flag.get("message", "")),
                    "route": route,
                    "session": number,
                    "at": when.isoformat(),
                    "on": when.date().isoformat(),
                    "administration_id": admin,
                    "language": language or "en",
                }
            )
    table = sa.table(
        "risk_events",
        sa.column("patient_id", sa.Integer),
        sa.column("episode_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("opened_at", sa.DateTime(timezone=True)),
        sa.column("endorsements", sa.JSON),
    )
    values = [
        {
            "patient_id": patient,
            "episode_id": event["episode"],
            "kind": kind,
            "opened_at": event["opened_at"],
            "endorsements": event["endorsements"],
        }
        for (patient, kind), event in sorted(events.items())
    ]
    if values:
        op.bulk_insert(table, values)


def downgrade() -> None:
    op.drop_index(op.f("ix_risk_events_responded_at"), table_name="risk_events")
    op.drop_index(op.f("ix_risk_events_episode_id"), table_name="risk_events")
    op.drop_index(op.f("ix_risk_events_patient_id"), table_name="risk_events")
    op.drop_table("risk_events")
