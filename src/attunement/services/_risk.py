"""Risk events, the clinician's use cases: list a patient's events, respond to them.

A clinician closes open events with :func:`respond_to_risk` (audited, with the level and the
actions but never the free text in the audit detail). Events are never deleted. Loading and
storing them (opened on every write that carries a risk item) is
:mod:`attunement.services._risk_records`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attunement.errors import InputError
from attunement.i18n import resolve_language
from attunement.risk import RiskEvent, RiskResponse
from attunement.services._access import load_patient
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._notification_records import acknowledge_risk_notifications
from attunement.services._risk_records import (
    answer_records,
    event_of_record,
    patient_risk_read,
    patient_risk_records,
    risk_event_public,
    store_response,
)
from attunement.services._risk_schemas import RiskEventPublic, RiskResponseCreate

__all__ = ["list_risk_events", "respond_to_risk"]


def list_risk_events(ctx: ServiceContext, actor: Actor, patient_id: int) -> list[RiskEventPublic]:
    """The patient's risk events, open first, then the history (newest first); each
    headline in the clinic's language, as every text the API answers with."""
    with use_case(ctx, actor, AuditAction.RISK_LIST, patient_id=patient_id, read=True) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False)
        language = resolve_language(ctx.clinic_language)
        return list(patient_risk_read(uc.session, patient.id, language)[1])


def _check_dates(data: RiskResponseCreate, chosen: Sequence[RiskEvent], today: dt.date) -> None:
    if data.assessed_on > today:
        raise InputError("assessed_on", data.assessed_on.isoformat(), f"on or before {today}")
    opened = [e.first.on for e in chosen if e.first.on is not None]
    if opened and data.assessed_on < min(opened):
        raise InputError(
            "assessed_on",
            data.assessed_on.isoformat(),
            f"on or after the first endorsement, {min(opened).isoformat()}",
        )


def respond_to_risk(
    ctx: ServiceContext, actor: Actor, patient_id: int, data: RiskResponseCreate
) -> list[RiskEventPublic]:
    """Record a structured risk response on the open events named (default: all open ones).

    Raises InputError (an unknown level or action, no reason for "no action", a date in the
    future or before the endorsement, no open event, an id that is not an open event of
    this patient) before anything is written.
    """
    with use_case(ctx, actor, AuditAction.RISK_RESPOND, patient_id=patient_id) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=True)
        records = patient_risk_records(uc.session, patient.id, lock=True)
        events = [event_of_record(r) for r in records]
        now = ctx.now()
        response = RiskResponse(
            assessed_on=data.assessed_on,
            level=data.level,
            actions=tuple(data.actions),
            reason=data.reason,
            note=data.note,
            recorded_by=actor.audit_name,
            recorded_at=now,
        )
        newly = answer_records(records, events, response, event_ids=data.event_ids)
        _check_dates(data, [after for _, after in newly], now.date())
        for record, _ in newly:
            store_response(record, response, now=now, by=actor.audit_name)
        uc.session.flush()
        acknowledge_risk_notifications(uc.session, [record.id for record, _ in newly], now=now)
        uc.target = f"patient:{patient.id}"
        uc.detail = {
            "events": [record.id for record, _ in newly],
            "level": response.level,
            "actions": list(response.actions),
        }
        language = resolve_language(ctx.clinic_language)
        return [risk_event_public(record, language) for record, _ in newly]
