"""Notifications stored inside the caller's transaction (no use case of their own).

:mod:`attunement.services._risk_records` calls :func:`notify_unwitnessed_risk` in the
transaction that opens or joins a risk event, and :func:`acknowledge_risk_notifications` in
the one that records its response; the use cases that list, acknowledge and escalate
notifications are :mod:`attunement.services._notifications`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attunement.notifications import NotificationChannels, NotificationKind, channels_for
from attunement.risk import RiskEndorsement, notifies_clinician
from attunement.services._job_queue import enqueue_job
from attunement.store import NotificationPreference, NotificationRecord, Patient

__all__ = [
    "acknowledge_risk_notifications",
    "add_notification",
    "chosen_channels",
    "notify_unwitnessed_risk",
]


def chosen_channels(
    session: Session, user_ids: Collection[int], kind: str
) -> dict[int, NotificationChannels]:
    return {
        int(user_id): NotificationChannels(in_app=bool(in_app), email=bool(email))
        for user_id, in_app, email in session.execute(
            select(
                NotificationPreference.user_id,
                NotificationPreference.in_app,
                NotificationPreference.email,
            ).where(
                NotificationPreference.user_id.in_(list(user_ids)),
                NotificationPreference.kind == kind,
            )
        )
    }


def add_notification(
    session: Session,
    *,
    recipient: int,
    kind: NotificationKind,
    channels: NotificationChannels,
    now: dt.datetime,
    patient_id: int | None = None,
    risk_event_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    if not channels.in_app and not channels.email:
        return
    record = NotificationRecord(
        recipient_id=recipient,
        kind=kind.value,
        patient_id=patient_id,
        risk_event_id=risk_event_id,
        created_at=now,
        # a risk notification always waits in the app (channels_for keeps in_app on)
        acknowledged_at=None if channels.in_app else now,
        email_state="pending" if channels.email else "off",
        detail=detail,
    )
    session.add(record)
    if channels.email:  # the worker sends it (attunement.services._notification_mail)
        session.flush()
        enqueue_job(
            session,
            kind="notification_email",
            dedupe_key=f"notification:{record.id}",
            run_at=now,
            now=now,
            payload={"notification_id": record.id},
        )


def notify_unwitnessed_risk(
    session: Session,
    events: Mapping[tuple[int, int | None], Sequence[int]],
    endorsements: Mapping[tuple[int, int | None], Sequence[RiskEndorsement]],
    *,
    now: dt.datetime,
) -> None:
    """Notify each treating clinician of the risk events opened or joined by answers that
    arrived without them (``events``: (patient, episode) → event ids, from ``record_risks``),
    unless that clinician already has a waiting notification of the event."""
    wanted = {
        key: ids for key, ids in events.items() if ids and notifies_clinician(endorsements[key])
    }
    if not wanted:
        return
    clinicians = {
        int(pid): int(cid)
        for pid, cid in session.execute(
            select(Patient.id, Patient.clinician_id).where(
                Patient.id.in_(sorted({patient_id for patient_id, _ in wanted}))
            )
        )
    }
    event_ids = sorted({event_id for ids in wanted.values() for event_id in ids})
    waiting = {
        (int(recipient), int(event_id))
        for recipient, event_id in session.execute(
            select(NotificationRecord.recipient_id, NotificationRecord.risk_event_id).where(
                NotificationRecord.kind == NotificationKind.RISK.value,
                NotificationRecord.risk_event_id.in_(event_ids),
                NotificationRecord.acknowledged_at.is_(None),
            )
        )
        if event_id is not None
    }
    chosen = chosen_channels(session, set(clinicians.values()), NotificationKind.RISK.value)
    for (patient_id, _episode), ids in wanted.items():
        recipient = clinicians[patient_id]
        for event_id in ids:
            if (recipient, event_id) in waiting:
                continue
            waiting.add((recipient, event_id))
            add_notification(
                session,
                recipient=recipient,
                kind=NotificationKind.RISK,
                channels=channels_for(NotificationKind.RISK, chosen.get(recipient)),
                now=now,
                patient_id=patient_id,
                risk_event_id=event_id,
            )


def acknowledge_risk_notifications(
    session: Session, event_ids: Collection[int], *, now: dt.datetime
) -> None:
    """A risk response was recorded: the events' waiting notifications are acknowledged."""
    if event_ids:
        session.execute(
            update(NotificationRecord)
            .where(
                NotificationRecord.risk_event_id.in_(sorted(event_ids)),
                NotificationRecord.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now)
        )
