"""The patient's side of a self-report: the page after sending, and the clinic's kiosk.

**After sending.** :func:`self_report_outcome` tells the page that follows a submitted
self-report what to show: whether a risk item was endorsed — read from the stored scores
(``ScoreRecord.has_risk_flag``, set where the answers were scored and their risk event
opened, :func:`attunement.services._records.store_administration`), never decided again —
the patient's language, and the synthetic label. The link is the credential, so the page
stays reachable only for :data:`OUTCOME_PAGE_WINDOW` after sending (a reload, a double tap,
the kiosk's hand-back), not for as long as someone holds the phone's history.

**Kiosk.** :func:`start_kiosk` hands a clinic device to one patient in one transaction: it
issues a link for the episode's due questionnaires (as :func:`invite_patient` does) and
ends the clinician's web session, so that nothing of the clinic is open on the device
while the patient holds it. The edge keeps the link in a kiosk cookie and refuses every
other page. :func:`end_kiosk` gives the device back: it asks for the password of the
clinician who handed it over (every attempt audited and throttled like a sign-in) and opens
a new web session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from attunement.documents import OutcomeChartData, render_chart
from attunement.errors import AuthenticationError, NotFound
from attunement.security import INVITATION_PREFIX, token_digest
from attunement.services._actors import InvitationActor, UserActor
from attunement.services._audit import append_audit, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._auth import _authenticate, open_web_session
from attunement.services._charts import _data
from attunement.services._context import ServiceContext
from attunement.services._invitations import issue_invitation
from attunement.services._schemas import InvitationCreate, InvitationIssued, WebSessionIssued
from attunement.services._status_store import stored_status_model
from attunement.services._transaction import read_transaction, transaction
from attunement.store import (
    Administration,
    Episode,
    Invitation,
    Patient,
    ScoreRecord,
    User,
    WebSession,
)

__all__ = [
    "OUTCOME_PAGE_WINDOW",
    "KioskReturn",
    "SelfReportOutcome",
    "end_kiosk",
    "own_outcome_chart",
    "self_report_outcome",
    "start_kiosk",
]

#: How long after sending the page that follows stays reachable through the link: long
#: enough to read it, reload it or tap twice; short, so the phone's history does not keep
#: showing whether a risk item was endorsed. (A privacy setting, not a clinical figure.)
OUTCOME_PAGE_WINDOW = dt.timedelta(minutes=30)

_NO_OUTCOME = "this link is invalid, has expired or was already used"
_NO_KIOSK = "this device is not handed over to a patient"


class SelfReportOutcome(BaseModel):
    """What the page after a self-report shows (nothing of the record beyond this)."""

    model_config = ConfigDict(frozen=True)

    language: str
    synthetic: bool
    #: a risk item was endorsed in what was just sent (the stored scores' risk flag)
    risk_endorsed: bool
    #: the episode's outcome chart can be drawn (asked for with ``with_chart``: the clinic
    #: lets patients see their own outcome chart; the alliance is never shown back)
    has_outcome_chart: bool = False


@dataclass(frozen=True)
class KioskReturn:
    """The clinician's new web session and the patient whose page they return to."""

    session: WebSessionIssued
    patient_id: int


def _sent_invitation(ctx: ServiceContext, token: str) -> tuple[InvitationActor, bool]:
    """The patient actor of a link sent within the window, and whether it is synthetic."""
    if not token.startswith(f"{INVITATION_PREFIX}_"):
        raise AuthenticationError(_NO_OUTCOME)
    now = ctx.now()
    with read_transaction(ctx.sessions) as session:
        found = session.execute(
            select(Invitation, Episode.patient_id, Patient.synthetic)
            .join(Episode, Invitation.episode_id == Episode.id)
            .join(Patient, Episode.patient_id == Patient.id)
            .where(Invitation.digest == token_digest(ctx.signing_key, token))
        ).first()
        if found is None:
            raise AuthenticationError(_NO_OUTCOME)
        invitation, patient_id, synthetic = found
        if (
            invitation.used_at is None
            or invitation.revoked_at is not None
            or now - invitation.used_at > OUTCOME_PAGE_WINDOW
        ):
            raise AuthenticationError(_NO_OUTCOME)
    actor = InvitationActor(
        invitation_id=invitation.id,
        episode_id=invitation.episode_id,
        patient_id=patient_id,
        instruments=tuple(invitation.instruments),
        language=invitation.language,
    )
    return actor, bool(synthetic)


def _outcome_chart(session: Session, episode_id: int) -> OutcomeChartData | None:
    """The episode's outcome chart data (the clinician's and the report's), or None."""
    episode = session.get(Episode, episode_id)
    if episode is None:
        return None
    status = stored_status_model(session, episode_id, require_row=True)
    data = _data(session, episode, "outcome", status)
    return data if isinstance(data, OutcomeChartData) else None


def self_report_outcome(
    ctx: ServiceContext, token: str, *, with_chart: bool = False
) -> SelfReportOutcome:
    """The outcome of the self-report sent through ``token``: AuthenticationError unless it
    was sent within :data:`OUTCOME_PAGE_WINDOW` (and the link not revoked since)."""
    actor, synthetic = _sent_invitation(ctx, token)
    with use_case(
        ctx, actor, AuditAction.SELF_REPORT_OUTCOME, patient_id=actor.patient_id, read=True
    ) as uc:
        uc.target = f"episode:{actor.episode_id}"
        flagged = uc.session.scalars(
            select(ScoreRecord.has_risk_flag)
            .join(Administration, ScoreRecord.administration_id == Administration.id)
            .where(
                Administration.episode_id == actor.episode_id,
                Administration.entered_by == actor.audit_name,
            )
        ).all()
        uc.detail = {"invitation": actor.invitation_id}
        return SelfReportOutcome(
            language=actor.language,
            synthetic=synthetic,
            risk_endorsed=any(flagged),
            has_outcome_chart=with_chart
            and _outcome_chart(uc.session, actor.episode_id) is not None,
        )


def own_outcome_chart(ctx: ServiceContext, token: str) -> str:
    """The patient's own outcome chart (SVG, in their language) after sending through
    ``token``, within the same window; NotFound when there is none. Only the outcome
    measure: alliance answers are never shown back. Whether the clinic shows it at all
    (``ATTUNE_PATIENT_SEES_OWN_CHART``) is the edge's setting."""
    actor, _ = _sent_invitation(ctx, token)
    with use_case(ctx, actor, AuditAction.CHART_READ, patient_id=actor.patient_id, read=True) as uc:
        uc.target = f"episode:{actor.episode_id}"
        uc.detail = {"chart": "outcome", "invitation": actor.invitation_id}
        data = _outcome_chart(uc.session, actor.episode_id)
        if data is None:
            raise NotFound("outcome chart (nothing recorded yet) of episode", actor.episode_id)
    return render_chart(data, language=actor.language, chart_id="own-outcome").svg


def start_kiosk(
    ctx: ServiceContext, actor: UserActor, episode_id: int, session_token: str
) -> InvitationIssued:
    """Hand this device to the episode's patient: a link for the due questionnaires, and
    the clinician's web session (``session_token``) ended, in one transaction."""
    with use_case(ctx, actor, AuditAction.KIOSK_START, target=f"episode:{episode_id}") as uc:
        issued = issue_invitation(uc, ctx, actor, episode_id, InvitationCreate())
        uc.session.execute(
            update(WebSession)
            .where(
                WebSession.digest == token_digest(ctx.signing_key, session_token),
                WebSession.user_id == actor.user_id,
                WebSession.revoked_at.is_(None),
            )
            .values(revoked_at=ctx.now())
        )
        uc.detail = {"invitation": issued.id, "instruments": issued.instruments}
        return issued


def end_kiosk(
    ctx: ServiceContext, token: str, *, password: str, client: str | None = None
) -> KioskReturn:
    """Give the device back to the clinician who handed it over, on their password.

    A wrong password is a failed sign-in (audited, throttled) and AuthenticationError; so is
    a token that is no kiosk's. The patient's answers, sent or not, are not touched.
    """
    if not token.startswith(f"{INVITATION_PREFIX}_"):
        raise AuthenticationError(_NO_KIOSK)
    with transaction(ctx.sessions) as session:
        found = session.execute(
            select(Invitation, Episode.patient_id, User)
            .join(Episode, Invitation.episode_id == Episode.id)
            .join(User, Invitation.created_by == User.id)
            .where(Invitation.digest == token_digest(ctx.signing_key, token))
        ).first()
        if found is None:
            raise AuthenticationError(_NO_KIOSK)
        invitation, patient_id, clinician = found
        attempt = _authenticate(
            session,
            ctx,
            username=clinician.username,
            password=password,
            client=client,
            channel="kiosk",
        )
        if attempt.user is not None:
            issued = open_web_session(session, ctx, attempt.user)
            append_audit(
                session,
                ctx,
                actor=f"user:{attempt.user.id}",
                role=attempt.user.role,
                action=AuditAction.KIOSK_END,
                patient_id=patient_id,
                target=f"episode:{invitation.episode_id}",
                detail={"invitation": invitation.id, "sent": invitation.used_at is not None},
            )
    if attempt.error is not None:
        raise attempt.error
    return KioskReturn(session=issued, patient_id=patient_id)
