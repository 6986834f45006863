"""Notifications to clinic staff: opened with the risk event, listed, acknowledged, escalated.

A risk answer that reaches the clinic without the treating clinician present (a patient's
self-report, an EHR's questionnaire: :func:`attunement.risk.notifies_clinician`) notifies that
clinician in the same transaction that opens or joins the risk event — one waiting
notification per clinician and event, however many answers join it. The in-app list and its
badge always show it; the e-mail (which says only that something is waiting) follows the
user's choice. A risk notification nobody acknowledged within the clinic's time
(``ATTUNE_RISK_ESCALATION_HOURS``) goes to the clinician's supervisor too
(:func:`escalate_risk_notifications`, run by the operator or the worker). Answering the risk
event acknowledges its notifications: the event itself stays on the caseload and the
patient page until then, whatever happens to the notification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from attunement.errors import InputError, NotFound
from attunement.notifications import (
    NotificationChannels,
    NotificationKind,
    channels_for,
    escalation_due,
    notification_title,
)
from attunement.services._access import readable_clinician_ids, require_admin
from attunement.services._actors import Actor, UserActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._email_address import EMAIL_ADDRESS, plausible_email
from attunement.services._ids import get_row
from attunement.services._notification_records import add_notification, chosen_channels
from attunement.services._transaction import read_statement
from attunement.store import NotificationPreference, NotificationRecord, Patient, User

__all__ = [
    "NotificationEmailSet",
    "NotificationPreferences",
    "NotificationPublic",
    "acknowledge_notification",
    "escalate_risk_notifications",
    "list_notifications",
    "notification_preferences",
    "set_notification_email",
    "set_notification_preferences",
    "waiting_notifications",
]

_RISK_KINDS = (NotificationKind.RISK.value, NotificationKind.RISK_ESCALATED.value)


class NotificationPublic(BaseModel):
    """One notification as its recipient sees it."""

    model_config = ConfigDict(frozen=True)

    id: int
    kind: NotificationKind
    title: str
    patient_id: int | None
    #: The patient's name while the recipient may read their record, else ``None``.
    patient_name: str | None
    risk_event_id: int | None
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    escalated_at: dt.datetime | None
    #: What a weekly digest counts (``week``, ``red``, ``yellow``, ``overdue``, ``risk``)
    #: or, for missed measures while the patient is readable, ``occasion_id``,
    #: ``episode_id`` and ``due_on``; never an answer.
    detail: dict[str, int | str] | None = None
    #: ``off`` (not wanted), ``pending``, ``sending``, ``sent``, ``failed``, ``skipped`` (no
    #: address or no e-mail server) or ``unconfirmed`` (a worker stopped mid-send).
    email_state: str


class NotificationPreferences(BaseModel):
    """A user's channels for every kind of notification (risk kinds always in the app), and
    the address their e-mails go to (none: e-mails are skipped, the app still shows all)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channels: dict[NotificationKind, NotificationChannels]
    email: str | None = None


class NotificationEmailSet(BaseModel):
    """The user's own address for notification e-mails (``null`` removes it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    email: str | None = Field(max_length=320, json_schema_extra={"pattern": EMAIL_ADDRESS.pattern})

    @field_validator("email")
    @classmethod
    def _plausible(cls, value: str | None) -> str | None:
        return plausible_email(value)


def _user(actor: Actor) -> UserActor:
    if not isinstance(actor, UserActor):
        raise NotFound("notification", None)
    return actor


#: A user's waiting notifications by kind (built once: every page asks).
_WAITING = (
    select(NotificationRecord.kind, func.count())
    .where(
        NotificationRecord.recipient_id == bindparam("user_id"),
        NotificationRecord.acknowledged_at.is_(None),
    )
    .group_by(NotificationRecord.kind)
)


def waiting_notifications(ctx: ServiceContext, user_id: int) -> tuple[int, int]:
    """(waiting notifications, of which about risk) of a user: the badge of every page.

    A count says nothing about any patient, so it is not an audited read. One statement, so
    on PostgreSQL it runs outside a transaction (every page shows the badge)."""
    with read_statement(ctx.sessions) as session:
        rows = session.execute(_WAITING, {"user_id": user_id})
        counts = {str(kind): int(n) for kind, n in rows}
    return sum(counts.values()), sum(counts.get(kind, 0) for kind in _RISK_KINDS)


def list_notifications(
    ctx: ServiceContext,
    actor: Actor,
    *,
    include_acknowledged: bool = False,
    language: str = "en",
    limit: int = 100,
) -> list[NotificationPublic]:
    """The actor's notifications, newest first (waiting ones only, unless asked)."""
    if not 1 <= limit <= 500:
        raise InputError("limit", limit, "a whole number from 1 to 500")
    with use_case(ctx, actor, AuditAction.NOTIFICATION_LIST, read=True) as uc:
        user = _user(actor)
        query = select(NotificationRecord).where(NotificationRecord.recipient_id == user.user_id)
        if not include_acknowledged:
            query = query.where(NotificationRecord.acknowledged_at.is_(None))
        records = list(
            uc.session.scalars(query.order_by(NotificationRecord.id.desc()).limit(limit))
        )
        readable = readable_clinician_ids(uc.session, user) if user.treats_patients else set()
        patient_ids = sorted({r.patient_id for r in records if r.patient_id is not None})
        names = {
            int(pid): str(name)
            for pid, name in uc.session.execute(
                select(Patient.id, Patient.display_name).where(
                    Patient.id.in_(patient_ids), Patient.clinician_id.in_(sorted(readable))
                )
            )
        }
        uc.detail = {"shown": [r.id for r in records], "patients": sorted(names)}
        return [
            NotificationPublic(
                id=r.id,
                kind=NotificationKind(r.kind),
                title=notification_title(NotificationKind(r.kind), language),
                patient_id=r.patient_id if r.patient_id in names else None,
                patient_name=names.get(r.patient_id) if r.patient_id is not None else None,
                risk_event_id=r.risk_event_id if r.patient_id in names else None,
                created_at=r.created_at,
                acknowledged_at=r.acknowledged_at,
                escalated_at=r.escalated_at,
                detail=_shown_detail(r, names),
                email_state=r.email_state,
            )
            for r in records
        ]


def _shown_detail(
    record: NotificationRecord, readable: Mapping[int, str]
) -> dict[str, int | str] | None:
    """A notification's detail as its recipient sees it: a patient's (missed measures)
    only while the recipient may read the record."""
    if not record.detail:
        return None
    if record.patient_id is not None and record.patient_id not in readable:
        return None
    return {str(key): value for key, value in record.detail.items() if isinstance(value, int | str)}


def acknowledge_notification(ctx: ServiceContext, actor: Actor, notification_id: int) -> None:
    """The recipient has seen it (a second acknowledgement changes nothing). Another
    user's notification answers NotFound, like one that does not exist."""
    with use_case(
        ctx, actor, AuditAction.NOTIFICATION_ACKNOWLEDGE, target=str(notification_id)
    ) as uc:
        user = _user(actor)
        record = get_row(uc.session, NotificationRecord, notification_id, lock=True)
        if record is None or record.recipient_id != user.user_id:
            raise NotFound("notification", notification_id)
        if record.acknowledged_at is None:
            record.acknowledged_at = ctx.now()


def notification_preferences(ctx: ServiceContext, actor: Actor) -> NotificationPreferences:
    """The channels in force for the actor, per kind (defaults where none was chosen)."""
    with use_case(ctx, actor, AuditAction.NOTIFICATION_PREFERENCES_READ, read=True) as uc:
        return _preferences(uc.session, _user(actor).user_id)


def _preferences(session: Session, user_id: int) -> NotificationPreferences:
    stored = {
        str(kind): NotificationChannels(in_app=bool(in_app), email=bool(email))
        for kind, in_app, email in session.execute(
            select(
                NotificationPreference.kind,
                NotificationPreference.in_app,
                NotificationPreference.email,
            ).where(NotificationPreference.user_id == user_id)
        )
    }
    user = session.get(User, user_id)
    return NotificationPreferences(
        channels={kind: channels_for(kind, stored.get(kind.value)) for kind in NotificationKind},
        email=user.email if user is not None else None,
    )


def set_notification_email(
    ctx: ServiceContext, actor: Actor, data: NotificationEmailSet
) -> NotificationPreferences:
    """Set (or remove) the actor's own address for notification e-mails (audited; the
    address itself is not written to the audit trail)."""
    with use_case(ctx, actor, AuditAction.NOTIFICATION_EMAIL_ADDRESS) as uc:
        user = _user(actor)
        record = uc.session.get(User, user.user_id)
        if record is None:  # pragma: no cover - a signed-in user exists
            raise NotFound("user", user.user_id)
        record.email = data.email
        uc.detail = {"email": "set" if data.email else "removed"}
        uc.session.flush()
        return _preferences(uc.session, user.user_id)


def set_notification_preferences(
    ctx: ServiceContext, actor: Actor, chosen: Mapping[NotificationKind, NotificationChannels]
) -> NotificationPreferences:
    """Store the actor's choice for the kinds given (others keep theirs). Switching a risk
    kind off in the app is refused, naming the kind: a risk answer always shows."""
    with use_case(ctx, actor, AuditAction.NOTIFICATION_PREFERENCES_UPDATE) as uc:
        user = _user(actor)
        for kind, channels in chosen.items():
            if channels_for(kind, channels) != channels:
                raise InputError(
                    f"{kind.value}.in_app", False, "on: risk notifications always show in the app"
                )
            record = uc.session.get(NotificationPreference, (user.user_id, kind.value))
            if record is None:
                uc.session.add(
                    NotificationPreference(
                        user_id=user.user_id,
                        kind=kind.value,
                        in_app=channels.in_app,
                        email=channels.email,
                    )
                )
            else:
                record.in_app, record.email = channels.in_app, channels.email
        uc.detail = {
            kind.value: {"in_app": c.in_app, "email": c.email} for kind, c in chosen.items()
        }
        uc.session.flush()
        return _preferences(uc.session, user.user_id)


def escalate_risk_notifications(ctx: ServiceContext, actor: Actor) -> int:
    """Send each risk notification left unacknowledged for ``ctx.risk_escalation_after`` to
    the recipient's supervisor too (once); the number escalated. Recipients without a
    supervisor keep theirs (the risk event stays pinned on their caseload)."""
    with use_case(ctx, actor, AuditAction.NOTIFICATION_ESCALATE) as uc:
        require_admin(actor)
        now = ctx.now()
        after = ctx.risk_escalation_after
        candidates = [
            record
            for record in uc.session.scalars(
                select(NotificationRecord)
                .where(
                    NotificationRecord.kind == NotificationKind.RISK.value,
                    NotificationRecord.acknowledged_at.is_(None),
                    NotificationRecord.escalated_at.is_(None),
                    NotificationRecord.created_at <= now - after,
                )
                .order_by(NotificationRecord.id)
                .with_for_update(skip_locked=True)
            )
            if escalation_due(
                created_at=record.created_at,
                acknowledged_at=record.acknowledged_at,
                escalated_at=record.escalated_at,
                now=now,
                after=after,
            )
        ]
        supervisors = {
            int(uid): int(sid)
            for uid, sid in uc.session.execute(
                select(User.id, User.supervisor_id).where(
                    User.id.in_(sorted({r.recipient_id for r in candidates})),
                    User.supervisor_id.is_not(None),
                )
            )
            if sid is not None
        }
        chosen = chosen_channels(
            uc.session, set(supervisors.values()), NotificationKind.RISK_ESCALATED.value
        )
        escalated = 0
        for record in candidates:
            supervisor = supervisors.get(record.recipient_id)
            if supervisor is None:
                continue
            record.escalated_at = now
            add_notification(
                uc.session,
                recipient=supervisor,
                kind=NotificationKind.RISK_ESCALATED,
                channels=channels_for(NotificationKind.RISK_ESCALATED, chosen.get(supervisor)),
                now=now,
                patient_id=record.patient_id,
                risk_event_id=record.risk_event_id,
            )
            escalated += 1
        uc.detail = {"escalated": escalated}
        return escalated
