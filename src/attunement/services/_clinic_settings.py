"""The clinic's own settings, kept in the database and edited by an admin (issue 14).

Settings that a clinic changes while it runs (how long a questionnaire link lives, when the
reminder goes out, the default measurement schedule) live in ``clinic_settings``, one row
per setting, read through the typed model :class:`ClinicSettings`. A setting that was never
changed has its default here; a new setting is a new field (no migration). Deployment
settings (database, SMTP server, secrets) stay ``ATTUNE_*`` environment variables.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import Forbidden, InputError, invalid_input
from attunement.services._access import require_admin
from attunement.services._actors import Actor, OperatorActor, UserActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.store import ClinicSettingRecord

__all__ = [
    "WEEKDAYS",
    "ClinicSettings",
    "ClinicSettingsUpdate",
    "ScheduleMode",
    "Weekday",
    "get_clinic_settings",
    "read_clinic_settings",
    "update_clinic_settings",
]

#: ``every_session``: before each booked session (the episode's next session date);
#: ``every_n_days``: every ``interval_days`` after the last measure; ``paused``: none.
ScheduleMode = Literal["every_session", "every_n_days", "paused"]

#: The day of the week the weekly caseload digest is planned (ISO order, Monday first).
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class ClinicSettings(BaseModel):
    """The clinic's settings; every field has the default a new clinic starts with.

    The link lifetime and reminder defaults (4 days, one reminder after 2) are the common
    defaults issue 14 names; they are product settings, not clinical cut-offs.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    link_expiry_days: int = Field(
        4, ge=1, le=30, description="Days a scheduled questionnaire link stays valid."
    )
    reminder_after_days: int | None = Field(
        2,
        ge=1,
        le=29,
        description="Days after the invitation that one reminder is sent (null: none); "
        "less than link_expiry_days.",
    )
    schedule_mode: ScheduleMode = Field(
        "every_session",
        description="Default schedule of an episode: outcome + alliance before every "
        "session, every N days, or paused.",
    )
    schedule_interval_days: int = Field(
        7, ge=1, le=365, description="N of every_n_days (the clinic default)."
    )
    send_lead_days: int = Field(
        1, ge=0, le=7, description="Days before a due date that its link is sent."
    )
    digest_weekday: Weekday = Field(
        "monday",
        description="The day of the week the opt-in weekly caseload digest is prepared "
        "(UTC; a worker that was stopped that day prepares it later in the same week).",
    )

    @model_validator(mode="after")
    def _reminder_before_expiry(self) -> Self:
        if self.reminder_after_days is not None and (
            self.reminder_after_days >= self.link_expiry_days
        ):
            raise ValueError(
                f"reminder_after_days ({self.reminder_after_days}) must be less than "
                f"link_expiry_days ({self.link_expiry_days})"
            )
        return self


class ClinicSettingsUpdate(BaseModel):
    """The settings to change (only those given; ``null`` changes nothing, except that
    ``reminder_after_days: null`` turns the reminder off)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    link_expiry_days: int | None = Field(None, ge=1, le=30)
    reminder_after_days: int | None = Field(None, ge=1, le=29)
    schedule_mode: ScheduleMode | None = None
    schedule_interval_days: int | None = Field(None, ge=1, le=365)
    send_lead_days: int | None = Field(None, ge=0, le=7)
    digest_weekday: Weekday | None = None

    @field_validator(
        "link_expiry_days",
        "reminder_after_days",
        "schedule_interval_days",
        "send_lead_days",
        mode="before",
    )
    @classmethod
    def _a_number(cls, value: object) -> object:
        """A JSON integer (``7``, or ``7.0``, which JSON Schema counts as one), never
        ``true`` (once read as 1) or ``"7"``: the web form turns its text into a number."""
        if isinstance(value, bool | str):
            raise ValueError("give a whole number of days, not text or true/false")
        return value


def read_clinic_settings(session: Session) -> ClinicSettings:
    """The stored settings over the defaults (a row of an unknown setting is ignored)."""
    stored = {
        row.name: row.value
        for row in session.scalars(select(ClinicSettingRecord))
        if row.name in ClinicSettings.model_fields
    }
    return ClinicSettings.model_validate(stored)


def get_clinic_settings(ctx: ServiceContext, actor: Actor) -> ClinicSettings:
    """The clinic's settings (any user of the clinic may read them; not a patient's link)."""
    if not isinstance(actor, UserActor | OperatorActor):
        raise Forbidden("only the clinic's users read its settings")
    with use_case(ctx, actor, AuditAction.CLINIC_SETTINGS_READ, read=True) as uc:
        return read_clinic_settings(uc.session)


def update_clinic_settings(
    ctx: ServiceContext, actor: Actor, change: ClinicSettingsUpdate
) -> ClinicSettings:
    """Change the given settings (admins only); the result is checked as a whole, so a
    reminder at or after the expiry is refused naming both fields. ``null`` leaves a
    setting as it is, except ``reminder_after_days``, where it means no reminder."""
    require_admin(actor)
    given = {
        name: value
        for name, value in change.model_dump(exclude_unset=True).items()
        if value is not None or name == "reminder_after_days"
    }
    with use_case(ctx, actor, AuditAction.CLINIC_SETTINGS_UPDATE, target="clinic") as uc:
        current = read_clinic_settings(uc.session)
        merged = current.model_dump() | given
        reminder, expiry = merged["reminder_after_days"], merged["link_expiry_days"]
        if reminder is not None and reminder >= expiry:
            raise InputError(
                "reminder_after_days", reminder, f"fewer days than link_expiry_days ({expiry})"
            )
        try:
            updated = ClinicSettings.model_validate(merged)
        except ValidationError as exc:
            raise invalid_input(exc) from None
        for name in given:
            row = uc.session.get(ClinicSettingRecord, name)
            value = getattr(updated, name)
            if row is None:
                uc.session.add(
                    ClinicSettingRecord(
                        name=name, value=value, updated_at=ctx.now(), updated_by=actor.audit_name
                    )
                )
            else:
                row.value, row.updated_at, row.updated_by = value, ctx.now(), actor.audit_name
        uc.detail = {"changed": sorted(given)}
        return updated
