"""Correct or void an administration, keeping the original (issue 12).

A correction stores the corrected answers as a new administration at the same place on the
timeline (same session, or the same self-report slot) and marks the original as replaced
(``corrected_by_id``) with the reason; voiding marks it with the reason only. The original
stays stored and listed in the history and in the audit trail, and counts nowhere else:
every reader filters ``LIVE_ADMINISTRATION``, so statuses, charts, reports, FHIR exports
and CDS cards are recomputed from the corrected record.

Risk events (the clinically safe choice): a risk event the original opened or joined is
never closed or changed by a correction or a void. An open event stays open until a
clinician records a structured risk response — even when the corrected answers no longer
endorse the risk item — because the endorsement was seen by the patient's record and may
have been true; the audit entry names the events left open. A correction that still
endorses the item joins the open event as any administration does.

None of this requires the episode to be open: a closed episode is corrected the same way.
The reason is kept on the voided row (it may be clinical text, so the audit entry records
that a reason was given, not the text); nothing of the answers is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import InputError, NotFound
from attunement.instruments import load_instrument, score
from attunement.services._access import load_episode
from attunement.services._actors import Actor
from attunement.services._audit import UseCase, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._ids import get_row
from attunement.services._limits import check_moment
from attunement.services._records import administration_public, store_administration
from attunement.services._schemas import (
    AdministrationCorrection,
    AdministrationPublic,
    VoidRequest,
)
from attunement.services._sessions import administration_language
from attunement.store import Administration, RiskEventRecord, TherapySession

__all__ = ["correct_administration", "open_events_of", "void_administration", "void_row"]


def void_row(administration: Administration, *, now: dt.datetime, by: str, reason: str) -> None:
    """Mark one administration voided (kept; the caller flushes)."""
    administration.voided_at = now
    administration.voided_by = by
    administration.void_reason = reason


def open_events_of(
    session: Session, patient_id: int, administration_ids: Collection[int]
) -> list[int]:
    """Ids of the patient's open risk events that an endorsement of these administrations
    opened or joined (they stay open: see the module docstring)."""
    if not administration_ids:
        return []
    events = session.scalars(
        select(RiskEventRecord).where(
            RiskEventRecord.patient_id == patient_id, RiskEventRecord.responded_at.is_(None)
        )
    )
    return sorted(
        event.id
        for event in events
        if any(e.get("administration_id") in administration_ids for e in event.endorsements or [])
    )


def _load_live(uc: UseCase, actor: Actor, administration_id: int) -> Administration:
    """The live administration, if ``actor`` may change it (its patient then audited)."""
    administration = get_row(uc.session, Administration, administration_id)
    if administration is None:
        raise NotFound("administration", administration_id)
    try:
        episode = load_episode(uc.session, actor, administration.episode_id, write=True)
    except NotFound:
        raise NotFound("administration", administration_id) from None
    uc.patient_id = episode.patient_id
    if administration.voided_at is not None:
        raise InputError(
            "administration",
            administration_id,
            "an administration that is not voided or already corrected",
        )
    return administration


def correct_administration(
    ctx: ServiceContext, actor: Actor, administration_id: int, data: AdministrationCorrection
) -> AdministrationPublic:
    """Replace an administration by its corrected answers; the original is kept, marked.

    Raises NotFound, InputError (already voided or corrected; a language the instrument
    lacks; a time outside the allowed range), InvalidAnswer naming the item.
    """

    with use_case(
        ctx, actor, AuditAction.ADMINISTRATION_CORRECT, target=f"administration:{administration_id}"
    ) as uc:
        original = _load_live(uc, actor, administration_id)
        episode = load_episode(uc.session, actor, original.episode_id, write=True)
        uc.patient_id = episode.patient_id
        definition = load_instrument(original.instrument_id)
        language = administration_language(
            definition, data.language or original.language, episode.patient.preferred_language
        )
        result = score(definition, data.answers, language=language)
        now = ctx.now()
        administered_at = original.administered_at
        if data.administered_at is not None:
            administered_at = check_moment(
                "administered_at",
                data.administered_at,
                now=now,
                limits=ctx.limits,
                not_before=episode.started_on,
                not_before_label="the episode's start, ",
            )
        visit = uc.session.get(TherapySession, original.session_id) if original.session_id else None
        stored = store_administration(
            uc.session,
            episode=episode,
            result=result,
            answers=data.answers,
            entered_by=actor.audit_name,
            administered_at=administered_at,
            entered_at=now,
            route="self_report" if visit is None else "administration",
            session_number=visit.number if visit is not None else None,
        )
        void_row(original, now=now, by=actor.audit_name, reason=data.reason)
        original.corrected_by_id = stored.id
        uc.session.flush()
        uc.target = f"administration:{original.id}"
        uc.detail = {
            "instrument": definition.id,
            "administration": original.id,
            "corrected_by": stored.id,
            "risk_events_left_open": open_events_of(uc.session, episode.patient_id, {original.id}),
        }
        return stored


def void_administration(
    ctx: ServiceContext, actor: Actor, administration_id: int, data: VoidRequest
) -> AdministrationPublic:
    """Void an administration entered in error; it is kept with the reason.

    Raises NotFound, InputError (already voided or corrected).
    """
    with use_case(
        ctx, actor, AuditAction.ADMINISTRATION_VOID, target=f"administration:{administration_id}"
    ) as uc:
        administration = _load_live(uc, actor, administration_id)
        episode = load_episode(uc.session, actor, administration.episode_id, write=False)
        uc.patient_id = episode.patient_id
        void_row(administration, now=ctx.now(), by=actor.audit_name, reason=data.reason)
        uc.session.flush()
        uc.detail = {
            "instrument": administration.instrument_id,
            "administration": administration.id,
            "risk_events_left_open": open_events_of(
                uc.session, episode.patient_id, {administration.id}
            ),
        }
        return administration_public(administration)
