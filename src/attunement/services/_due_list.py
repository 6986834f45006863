"""The due / overdue / completed list, links of an episode, revoking, opting out (issue 14).

An occasion's state follows from its link: **completed** when the link was used, **revoked**
when a clinician revoked it, **overdue** when it expired unused, **due** otherwise. The
delivery of its messages (sent, failed with the server's reply, bounced with the remote
server's reason — :mod:`._bounces` — unconfirmed, skipped) is shown beside it, so a bounce
or a failure is visible to the clinician.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, case, func, select, update

from attunement.errors import AuthenticationError, NotFound
from attunement.security import token_digest
from attunement.services._access import load_episode, readable_clinician_ids, require_caseload
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._messages import OPT_OUT_PREFIX, WORKER
from attunement.store import (
    Episode,
    Invitation,
    MeasurementOccasion,
    OutboundMessage,
    Patient,
    PatientContact,
)

__all__ = [
    "DueEntry",
    "DueFilter",
    "DuePage",
    "LinkView",
    "MessageView",
    "OccasionState",
    "due_list",
    "list_links",
    "opt_out",
    "revoke_link",
]

OccasionState = Literal["due", "overdue", "completed", "revoked"]
_ORDER = {"overdue": 0, "due": 1, "completed": 2, "revoked": 3}


class DueFilter(BaseModel):
    """Which page of the due list (every field optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: OccasionState | None = Field(None, description="Only occasions in this state.")
    clinician_id: int | None = Field(None, ge=1, le=2**31 - 1)
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class MessageView(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    channel: str
    state: str  # pending | sending | sent | failed | unconfirmed | skipped | bounced
    error: str | None
    sent_at: dt.datetime | None


class DueEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    occasion_id: int
    episode_id: int
    patient_id: int
    patient_name: str
    synthetic: bool
    clinician_id: int
    due_on: dt.date
    state: OccasionState
    link_id: int
    expires_at: dt.datetime
    completed_at: dt.datetime | None
    opted_out: bool
    messages: list[MessageView]


class DuePage(BaseModel):
    """One page of the due list (overdue first, then due, completed, revoked; latest due
    date first within each), with the count of each state over the whole list."""

    model_config = ConfigDict(frozen=True)

    entries: list[DueEntry]
    page: int
    per_page: int
    total: int
    pages: int
    counts: dict[str, int]


class LinkView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    episode_id: int
    instruments: list[str]
    language: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    scheduled_for: dt.date | None
    state: Literal["open", "used", "revoked", "expired"]


def _state_column(now: dt.datetime) -> Any:
    return case(
        (Invitation.used_at.is_not(None), "completed"),
        (Invitation.revoked_at.is_not(None), "revoked"),
        (Invitation.expires_at <= now, "overdue"),
        else_="due",
    )


def _joined(query: Select[Any]) -> Select[Any]:
    return (
        query.select_from(MeasurementOccasion)
        .join(Invitation, MeasurementOccasion.invitation_id == Invitation.id)
        .join(Episode, MeasurementOccasion.episode_id == Episode.id)
        .join(Patient, Episode.patient_id == Patient.id)
    )


def due_list(ctx: ServiceContext, actor: Actor, wanted: DueFilter) -> DuePage:
    """The scheduled measurements of the caller's caseload (a supervisor's: with the
    supervisees'), one page at a time."""
    user = require_caseload(actor)
    with use_case(ctx, user, AuditAction.DUE_LIST_READ, read=True) as uc:
        session = uc.session
        clinicians = readable_clinician_ids(session, user)
        if wanted.clinician_id is not None:
            if wanted.clinician_id not in clinicians:
                raise NotFound("clinician", wanted.clinician_id)
            clinicians = {wanted.clinician_id}
        now = ctx.now()
        state = _state_column(now)
        scope = Episode.clinician_id.in_(clinicians)
        counts = dict.fromkeys(_ORDER, 0)
        for name, count in session.execute(
            _joined(select(state, func.count())).where(scope).group_by(state)
        ):
            counts[name] = count
        base = _joined(select(MeasurementOccasion, Invitation, Episode, Patient, state)).where(
            scope
        )
        if wanted.state is not None:
            base = base.where(_state_column(now) == wanted.state)
        total = sum(counts.values()) if wanted.state is None else counts[wanted.state]
        rank = case(*((_state_column(now) == k, v) for k, v in _ORDER.items()), else_=9)
        rows = session.execute(
            base.order_by(rank, MeasurementOccasion.due_on.desc(), MeasurementOccasion.id.desc())
            .limit(wanted.per_page)
            .offset((wanted.page - 1) * wanted.per_page)
        ).all()
        ids = [row[0].id for row in rows]
        messages: dict[int, list[MessageView]] = {i: [] for i in ids}
        for message in session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.occasion_id.in_(ids))
            .order_by(OutboundMessage.id)
        ):
            messages[message.occasion_id].append(
                MessageView(
                    kind=message.kind,
                    channel=message.channel,
                    state=message.state,
                    error=message.last_error,
                    sent_at=message.sent_at,
                )
            )
        opted = set(
            session.scalars(
                select(PatientContact.patient_id).where(
                    PatientContact.patient_id.in_([row[3].id for row in rows]),
                    PatientContact.opted_out_at.is_not(None),
                )
            )
        )
        uc.patients = sorted({row[3].id for row in rows})
        entries = [
            DueEntry(
                occasion_id=occasion.id,
                episode_id=episode.id,
                patient_id=patient.id,
                patient_name=patient.display_name,
                synthetic=patient.synthetic,
                clinician_id=episode.clinician_id,
                due_on=occasion.due_on,
                state=row_state,
                link_id=invitation.id,
                expires_at=invitation.expires_at,
                completed_at=invitation.used_at,
                opted_out=patient.id in opted,
                messages=messages[occasion.id],
            )
            for occasion, invitation, episode, patient, row_state in rows
        ]
        return DuePage(
            entries=entries,
            page=wanted.page,
            per_page=wanted.per_page,
            total=total,
            pages=max(1, -(-total // wanted.per_page)),
            counts=counts,
        )


def _link_state(
    invitation: Invitation, now: dt.datetime
) -> Literal["open", "used", "revoked", "expired"]:
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if invitation.expires_at <= now else "open"


def list_links(ctx: ServiceContext, actor: Actor, episode_id: int) -> list[LinkView]:
    """Every self-report link of the episode (scheduled or made by hand), newest first."""
    with use_case(
        ctx, actor, AuditAction.LINK_LIST, target=f"episode:{episode_id}", read=True
    ) as uc:
        episode = load_episode(uc.session, actor, episode_id, write=False)
        uc.patient_id = episode.patient_id
        now = ctx.now()
        rows = uc.session.execute(
            select(Invitation, MeasurementOccasion.due_on)
            .outerjoin(MeasurementOccasion, MeasurementOccasion.invitation_id == Invitation.id)
            .where(Invitation.episode_id == episode.id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        ).all()
        return [
            LinkView(
                id=invitation.id,
                episode_id=invitation.episode_id,
                instruments=list(invitation.instruments),
                language=invitation.language,
                created_at=invitation.created_at,
                expires_at=invitation.expires_at,
                used_at=invitation.used_at,
                revoked_at=invitation.revoked_at,
                scheduled_for=due_on,
                state=_link_state(invitation, now),
            )
            for invitation, due_on in rows
        ]


def revoke_link(ctx: ServiceContext, actor: Actor, link_id: int) -> LinkView:
    """Revoke an unused link: it opens no more, and its unsent messages are not sent."""
    with use_case(ctx, actor, AuditAction.LINK_REVOKE, target=f"link:{link_id}") as uc:
        invitation = uc.session.get(Invitation, link_id) if 0 < link_id < 2**31 else None
        if invitation is None:
            raise NotFound("link", link_id)
        try:
            episode = load_episode(uc.session, actor, invitation.episode_id, write=True)
        except NotFound:
            raise NotFound("link", link_id) from None
        uc.patient_id = episode.patient_id
        now = ctx.now()
        if invitation.used_at is None and invitation.revoked_at is None:
            invitation.revoked_at = now
            occasions = select(MeasurementOccasion.id).where(
                MeasurementOccasion.invitation_id == invitation.id
            )
            uc.session.execute(
                update(OutboundMessage)
                .where(
                    OutboundMessage.occasion_id.in_(occasions),
                    OutboundMessage.state == "pending",
                )
                .values(state="skipped", last_error="the link was revoked")
            )
        due_on = uc.session.scalar(
            select(MeasurementOccasion.due_on).where(
                MeasurementOccasion.invitation_id == invitation.id
            )
        )
        return LinkView(
            id=invitation.id,
            episode_id=invitation.episode_id,
            instruments=list(invitation.instruments),
            language=invitation.language,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            used_at=invitation.used_at,
            revoked_at=invitation.revoked_at,
            scheduled_for=due_on,
            state=_link_state(invitation, now),
        )


def opt_out(ctx: ServiceContext, token: str) -> str:
    """The patient behind a message's opt-out link stops receiving messages; returns the
    language of that message (for the confirmation page). Opting out twice is harmless."""
    invalid = AuthenticationError("this link is invalid")
    if not token.startswith(f"{OPT_OUT_PREFIX}_") or len(token) > 100:
        raise invalid
    with use_case(ctx, WORKER, AuditAction.MESSAGE_OPT_OUT) as uc:
        found = uc.session.execute(
            select(Episode.patient_id, Invitation.language)
            .select_from(OutboundMessage)
            .join(MeasurementOccasion, OutboundMessage.occasion_id == MeasurementOccasion.id)
            .join(Invitation, MeasurementOccasion.invitation_id == Invitation.id)
            .join(Episode, MeasurementOccasion.episode_id == Episode.id)
            .where(OutboundMessage.opt_out_digest == token_digest(ctx.signing_key, token))
        ).first()
        if found is None:
            raise invalid
        patient_id, language = found
        uc.patient_id = patient_id
        contact = uc.session.get(PatientContact, patient_id)
        if contact is not None and contact.opted_out_at is None:
            contact.opted_out_at = ctx.now()
        uc.session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.state == "pending",
                OutboundMessage.occasion_id.in_(
                    select(MeasurementOccasion.id)
                    .join(Episode, MeasurementOccasion.episode_id == Episode.id)
                    .where(Episode.patient_id == patient_id)
                ),
            )
            .values(state="skipped", last_error="the patient opted out of messages")
        )
        return str(language)
