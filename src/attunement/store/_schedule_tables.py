"""Tables of routine measurement that runs itself (issue 14).

* ``clinic_settings`` — one row per clinic setting (name → JSON value), read through the
  typed model ``services.ClinicSettings``; a new setting is a new field there, no migration.
* ``episode_schedules`` — an episode's own schedule where it overrides the clinic default.
* ``patient_contacts`` — where to reach a patient (e-mail; the SMS adapter adds a phone) and
  whether they opted out of messages.
* ``measurement_occasions`` — one due measurement of an episode and the link sent for it;
  unique per (episode, due date), so two workers planning at once create it once.
* ``outbound_messages`` — every invitation and reminder, keyed by a unique message key, with
  its delivery state (``pending`` → ``sending`` → ``sent``; ``failed``, ``unconfirmed``,
  ``skipped``; ``bounced`` when a delivery report came back later) and the last error,
  shown to the clinician.
* ``jobs`` — the durable work queue the worker runs (send, remind, expire, later kinds);
  ``dedupe_key`` makes enqueuing idempotent, the lease lets another worker take over a job
  whose worker died.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = [
    "ClinicSettingRecord",
    "EpisodeSchedule",
    "Job",
    "MeasurementOccasion",
    "OutboundMessage",
    "PatientContact",
]


class ClinicSettingRecord(Base):
    """One clinic setting, by name, with who changed it last."""

    __tablename__ = "clinic_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class EpisodeSchedule(Base):
    """An episode's measurement schedule where it differs from the clinic default."""

    __tablename__ = "episode_schedules"

    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[str] = mapped_column(String(20))  # every_session | every_n_days | paused
    interval_days: Mapped[int | None] = mapped_column(Integer)
    next_session_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class PatientContact(Base):
    """How a patient is reached, and their opt-out (respected by every channel)."""

    __tablename__ = "patient_contacts"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(320))
    #: A mobile number in E.164 (``+447700900123``), for text messages.
    phone: Mapped[str | None] = mapped_column(String(16))
    #: ``email`` | ``sms``: tried first; the other one when it cannot be used.
    preferred_channel: Mapped[str] = mapped_column(
        String(10), default="email", server_default="email"
    )
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class MeasurementOccasion(Base):
    """One due measurement of an episode and the link that asks for it."""

    __tablename__ = "measurement_occasions"
    __table_args__ = (Index("ix_measurement_occasions_due", "episode_id", "due_on", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class OutboundMessage(Base):
    """One message to a patient (invitation or reminder) and how its delivery went."""

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_key: Mapped[str] = mapped_column(String(100), unique=True)
    occasion_id: Mapped[int] = mapped_column(
        ForeignKey("measurement_occasions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # invitation | reminder
    channel: Mapped[str] = mapped_column(String(20))  # email | sms: the one used last
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    opt_out_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    sending_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Job(Base):
    """One unit of work of the durable queue (see :mod:`attunement.worker`)."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_ready", "state", "run_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done|failed
    run_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
