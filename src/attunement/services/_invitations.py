"""Patient self-report: invite (single-use, expiring link), open it, submit the answers.

The link carries an opaque token (``inv_…``); only its keyed digest is stored. The patient
sees only the due questionnaires in their language; submitting them scores and stores every
administration in one transaction and spends the link, so the answers appear on the
clinician's page at once and the link cannot be replayed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from attunement.errors import AuthenticationError, InputError, NotFound
from attunement.instruments import load_instrument, score
from attunement.security import INVITATION_PREFIX, new_token, token_digest
from attunement.services._access import load_episode
from attunement.services._actors import Actor, InvitationActor, UserActor
from attunement.services._audit import UseCase, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._lifecycle import ensure_episode_open
from attunement.services._records import store_administration
from attunement.services._schemas import (
    AdministrationPublic,
    InvitationCreate,
    InvitationIssued,
    InvitationView,
    SelfReportSubmission,
)
from attunement.services._transaction import read_transaction
from attunement.store import Episode, Invitation, Patient

__all__ = [
    "SELF_REPORT_PATH",
    "describe_invitation",
    "invite_patient",
    "open_invitation",
    "submit_self_report",
]

#: Where the web pages serve the patient's form; the token is the last path segment.
SELF_REPORT_PATH = "/self-report/{token}"

_INVALID_LINK = "this link is invalid, has expired or was already used"


def invite_patient(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: InvitationCreate
) -> InvitationIssued:
    """Create a single-use link for the due questionnaires, in the patient's language.

    Defaults: the patient's preferred language; the episode's outcome (and alliance)
    instruments available in that language; ``policy.invitation_lifetime``. Instruments
    named explicitly must all exist in the language (InputError otherwise).
    """

    with use_case(ctx, actor, AuditAction.INVITATION_CREATE, target=f"episode:{episode_id}") as uc:
        return issue_invitation(uc, ctx, actor, episode_id, data)


def issue_invitation(
    uc: UseCase, ctx: ServiceContext, actor: Actor, episode_id: int, data: InvitationCreate
) -> InvitationIssued:
    """:func:`invite_patient` inside the caller's use case (a kiosk hand-over too)."""
    episode = load_episode(uc.session, actor, episode_id, write=True)
    if not isinstance(actor, UserActor):  # only users pass load_episode; for the type
        raise NotFound("episode", episode_id)
    uc.patient_id = episode.patient_id
    ensure_episode_open(episode)
    language = data.language or episode.patient.preferred_language
    if data.instruments:
        instruments = list(data.instruments)
        if len(set(instruments)) != len(instruments):
            raise InputError("instruments", instruments, "each instrument once")
        for instrument in instruments:
            known = load_instrument(instrument).languages
            if language not in known:
                raise InputError(f"language ({instrument})", language, ", ".join(known))
    else:
        # the episode's instruments that exist in the patient's language
        due = [i for i in (episode.outcome_instrument, episode.alliance_instrument) if i]
        instruments = [i for i in due if language in load_instrument(i).languages]
        if not instruments:
            raise InputError("language", language, "a language of " + ", ".join(due))
    lifetime = (
        dt.timedelta(hours=data.expires_in_hours)
        if data.expires_in_hours
        else ctx.policy.invitation_lifetime
    )
    lifetime = min(lifetime, ctx.policy.invitation_max_lifetime)
    now = ctx.now()
    token = new_token(INVITATION_PREFIX)
    invitation = Invitation(
        episode_id=episode.id,
        digest=token_digest(ctx.signing_key, token),
        instruments=list(instruments),
        language=language,
        created_by=actor.user_id,
        created_at=now,
        expires_at=now + lifetime,
    )
    uc.session.add(invitation)
    uc.session.flush()
    uc.detail = {"invitation": invitation.id, "instruments": list(instruments)}
    return InvitationIssued(
        id=invitation.id,
        episode_id=episode.id,
        token=token,
        url_path=SELF_REPORT_PATH.format(token=token),
        instruments=list(instruments),
        language=language,
        expires_at=invitation.expires_at,
    )


def open_invitation(ctx: ServiceContext, token: str) -> InvitationActor:
    """The patient actor of a live invitation token; anything else is AuthenticationError."""
    if not token.startswith(f"{INVITATION_PREFIX}_"):
        raise AuthenticationError(_INVALID_LINK)
    with read_transaction(ctx.sessions) as session:
        found = session.execute(
            select(Invitation, Episode.patient_id)
            .join(Episode, Invitation.episode_id == Episode.id)
            .where(Invitation.digest == token_digest(ctx.signing_key, token))
        ).first()
        if found is None:
            raise AuthenticationError(_INVALID_LINK)
        invitation, patient_id = found
        if (
            invitation.used_at is not None
            or invitation.revoked_at is not None
            or invitation.expires_at <= ctx.now()
        ):
            raise AuthenticationError(_INVALID_LINK)
        return InvitationActor(
            invitation_id=invitation.id,
            episode_id=invitation.episode_id,
            patient_id=patient_id,
            instruments=tuple(invitation.instruments),
            language=invitation.language,
        )


def describe_invitation(ctx: ServiceContext, actor: Actor) -> InvitationView:
    """What the patient's form shows: the due questionnaires, language, expiry, and whether
    the record is synthetic (the form then carries the SYNTHETIC banner)."""
    if not isinstance(actor, InvitationActor):
        raise AuthenticationError(_INVALID_LINK)
    with use_case(
        ctx, actor, AuditAction.INVITATION_OPEN, patient_id=actor.patient_id, read=True
    ) as uc:
        found = uc.session.execute(
            select(Invitation, Patient.synthetic)
            .join(Episode, Invitation.episode_id == Episode.id)
            .join(Patient, Episode.patient_id == Patient.id)
            .where(Invitation.id == actor.invitation_id)
        ).first()
        if found is None:
            raise AuthenticationError(_INVALID_LINK)
        invitation, synthetic = found
        return InvitationView(
            instruments=list(invitation.instruments),
            language=invitation.language,
            expires_at=invitation.expires_at,
            synthetic=synthetic,
        )


def submit_self_report(
    ctx: ServiceContext, actor: Actor, submission: SelfReportSubmission
) -> list[AdministrationPublic]:
    """Score and store every due questionnaire at once and spend the link.

    All due instruments, each once; any invalid answer stores nothing and keeps the link.
    """

    if not isinstance(actor, InvitationActor):
        raise AuthenticationError(_INVALID_LINK)
    given = [r.instrument for r in submission.responses]
    if sorted(given) != sorted(actor.instruments):
        raise InputError("responses", given, f"exactly once each: {', '.join(actor.instruments)}")
    with use_case(ctx, actor, AuditAction.SELF_REPORT_SUBMIT, patient_id=actor.patient_id) as uc:
        now = ctx.now()
        spent = uc.session.execute(
            update(Invitation)
            .where(
                Invitation.id == actor.invitation_id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),  # revoked (or its episode closed) meanwhile
                Invitation.expires_at > now,
            )
            .values(used_at=now)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            raise AuthenticationError(_INVALID_LINK)
        episode = uc.session.get(Episode, actor.episode_id)
        if episode is None:
            raise AuthenticationError(_INVALID_LINK)
        results = [
            (r, score(load_instrument(r.instrument), r.answers, language=actor.language))
            for r in submission.responses
        ]
        stored = [
            store_administration(
                uc.session,
                episode=episode,
                result=result,
                answers=response.answers,
                entered_by=actor.audit_name,
                administered_at=now,
                entered_at=now,
                route="self_report",
            )
            for response, result in results
        ]
        uc.target = f"episode:{episode.id}"
        uc.detail = {"instruments": given}
        return stored
