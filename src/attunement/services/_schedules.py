"""An episode's measurement schedule and how its patient is reached (issue 14).

An episode follows the clinic's default schedule (:class:`ClinicSettings`) unless it has
its own row in ``episode_schedules``. :func:`next_due_on` is the one place that decides the
next date a measurement is due; the planner and the pages both ask it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attunement.delivery.sms import E164
from attunement.services._access import load_episode, load_patient
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clinic_settings import (
    ClinicSettings,
    ScheduleMode,
    read_clinic_settings,
)
from attunement.services._context import ServiceContext
from attunement.services._email_address import EMAIL_ADDRESS, plausible_email
from attunement.store import Episode, EpisodeSchedule, MeasurementOccasion, PatientContact

__all__ = [
    "EpisodeScheduleSet",
    "EpisodeScheduleView",
    "PatientContactSet",
    "PatientContactView",
    "get_episode_schedule",
    "get_patient_contact",
    "next_due_on",
    "set_episode_schedule",
    "set_patient_contact",
]


class EpisodeScheduleSet(BaseModel):
    """An episode's own schedule; ``mode: null`` returns it to the clinic default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: ScheduleMode | None = Field(None, description="null: follow the clinic default.")
    interval_days: int | None = Field(None, ge=1, le=365, description="N of every_n_days.")
    next_session_on: dt.date | None = Field(
        None, description="The next booked session (every_session sends its link before it)."
    )


class EpisodeScheduleView(BaseModel):
    """The schedule an episode follows and the next date a measurement is due."""

    model_config = ConfigDict(frozen=True)

    episode_id: int
    patient_id: int
    mode: ScheduleMode
    interval_days: int
    next_session_on: dt.date | None
    clinic_default: bool
    next_due_on: dt.date | None


#: How a patient can be sent questionnaire links.
ContactChannel = Literal["email", "sms"]
#: What the error says is allowed for a mobile number.
PHONE_HINT = "a mobile number in E.164 form: + and 8 to 15 digits, like +447700900123"


class PatientContactSet(BaseModel):
    """The patient's e-mail address and mobile number (``null`` removes one) and the
    channel tried first for questionnaire links."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    email: str | None = Field(
        None, max_length=320, json_schema_extra={"pattern": EMAIL_ADDRESS.pattern}
    )
    phone: str | None = Field(
        None,
        max_length=16,
        json_schema_extra={"pattern": "^" + E164.pattern + "$"},
        description="A mobile number in E.164 form (+447700900123), for text messages.",
    )
    preferred_channel: ContactChannel = Field(
        "email",
        description="Tried first; the other channel is used when this one cannot be "
        "(not configured, or the patient has no address or number for it).",
    )
    resume_messages: bool = Field(
        False,
        description="Lift the patient's opt-out (only when the patient asked the clinic to).",
    )

    @field_validator("email")
    @classmethod
    def _plausible(cls, value: str | None) -> str | None:
        return plausible_email(value)

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is not None and not E164.fullmatch(value):
            raise ValueError(PHONE_HINT)
        return value

    @field_validator("preferred_channel")
    @classmethod
    def _reachable(cls, value: ContactChannel, info: ValidationInfo) -> ContactChannel:
        if value == "sms" and info.data.get("phone") is None:
            raise ValueError("'sms' needs a phone (a mobile number); else prefer 'email'")
        return value


class PatientContactView(BaseModel):
    model_config = ConfigDict(frozen=True)

    patient_id: int
    email: str | None
    phone: str | None
    preferred_channel: ContactChannel
    opted_out: bool


def _effective(
    row: EpisodeSchedule | None, clinic: ClinicSettings
) -> tuple[ScheduleMode, int, dt.date | None]:
    if row is None:
        return clinic.schedule_mode, clinic.schedule_interval_days, None
    return (
        row.mode,  # type: ignore[return-value]  # stored from ScheduleMode only
        row.interval_days or clinic.schedule_interval_days,
        row.next_session_on,
    )


def next_due_on(
    session: Session, episode: Episode, clinic: ClinicSettings, today: dt.date | None = None
) -> dt.date | None:
    """The next date a measurement of ``episode`` is due, or None (closed, paused, no
    session booked).

    * ``every_n_days``: N days after the later of the episode's start and the last
      scheduled measurement; with ``today``, due dates missed entirely (a worker that was
      down for weeks) are skipped to the latest one, so the patient gets one link, not a
      burst of them.
    * ``every_session``: the next booked session, unless it already has its measurement.
    """
    if episode.ended_on is not None:
        return None
    mode, interval, next_session = _effective(session.get(EpisodeSchedule, episode.id), clinic)
    last = session.scalar(
        select(func.max(MeasurementOccasion.due_on)).where(
            MeasurementOccasion.episode_id == episode.id
        )
    )
    if mode == "every_n_days":
        step = dt.timedelta(days=interval)
        due = max(episode.started_on, last or episode.started_on) + step
        while today is not None and due + step <= today:
            due += step
        return due
    if mode == "every_session" and next_session is not None:
        if last is not None and last >= next_session:
            return None
        return next_session
    return None


def _view(
    session: Session, episode: Episode, clinic: ClinicSettings, today: dt.date
) -> EpisodeScheduleView:
    row = session.get(EpisodeSchedule, episode.id)
    mode, interval, next_session = _effective(row, clinic)
    return EpisodeScheduleView(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        mode=mode,
        interval_days=interval,
        next_session_on=next_session,
        clinic_default=row is None,
        next_due_on=next_due_on(session, episode, clinic, today),
    )


def get_episode_schedule(ctx: ServiceContext, actor: Actor, episode_id: int) -> EpisodeScheduleView:
    """The schedule the episode follows (its own or the clinic's) and its next due date."""
    with use_case(
        ctx, actor, AuditAction.SCHEDULE_READ, target=f"episode:{episode_id}", read=True
    ) as uc:
        episode = load_episode(uc.session, actor, episode_id, write=False)
        uc.patient_id = episode.patient_id
        return _view(uc.session, episode, read_clinic_settings(uc.session), ctx.now().date())


def set_episode_schedule(
    ctx: ServiceContext, actor: Actor, episode_id: int, change: EpisodeScheduleSet
) -> EpisodeScheduleView:
    """Give the episode its own schedule, or (``mode`` null) return it to the clinic's."""
    with use_case(ctx, actor, AuditAction.SCHEDULE_UPDATE, target=f"episode:{episode_id}") as uc:
        episode = load_episode(uc.session, actor, episode_id, write=True)
        uc.patient_id = episode.patient_id
        row = uc.session.get(EpisodeSchedule, episode.id)
        if change.mode is None:
            if row is not None:
                uc.session.delete(row)
        else:
            if row is None:
                row = EpisodeSchedule(episode_id=episode.id)
                uc.session.add(row)
            row.mode = change.mode
            row.interval_days = change.interval_days
            row.next_session_on = change.next_session_on
            row.updated_at = ctx.now()
            row.updated_by = actor.audit_name
        uc.session.flush()
        uc.detail = {"mode": change.mode or "clinic_default"}
        return _view(uc.session, episode, read_clinic_settings(uc.session), ctx.now().date())


def get_patient_contact(ctx: ServiceContext, actor: Actor, patient_id: int) -> PatientContactView:
    """The patient's e-mail address, mobile number, preferred channel and opt-out."""
    with use_case(ctx, actor, AuditAction.PATIENT_READ, patient_id=patient_id, read=True) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False)
        row = uc.session.get(PatientContact, patient.id)
        return PatientContactView(
            patient_id=patient.id,
            email=row.email if row else None,
            phone=row.phone if row else None,
            preferred_channel=_channel(row.preferred_channel) if row else "email",
            opted_out=row is not None and row.opted_out_at is not None,
        )


def set_patient_contact(
    ctx: ServiceContext, actor: Actor, patient_id: int, change: PatientContactSet
) -> PatientContactView:
    """Store the patient's e-mail address, mobile number and preferred channel; an opt-out
    stays unless ``resume_messages`` (the patient asked the clinic to send again)."""
    with use_case(ctx, actor, AuditAction.CONTACT_UPDATE, patient_id=patient_id) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=True)
        row = uc.session.get(PatientContact, patient.id)
        if row is None:
            row = PatientContact(patient_id=patient.id)
            uc.session.add(row)
        row.email = change.email
        row.phone = change.phone
        row.preferred_channel = change.preferred_channel
        row.updated_at = ctx.now()
        if change.resume_messages and row.opted_out_at is not None:
            row.opted_out_at = None
            uc.detail = {"resumed_messages": True}
        return PatientContactView(
            patient_id=patient.id,
            email=row.email,
            phone=row.phone,
            preferred_channel=change.preferred_channel,
            opted_out=row.opted_out_at is not None,
        )


def _channel(stored: str) -> ContactChannel:
    return "sms" if stored == "sms" else "email"
