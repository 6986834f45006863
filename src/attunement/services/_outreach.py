"""Routine measurement that runs itself: plan due measurements, run the queue's jobs.

The worker (``attune worker``) calls :func:`plan_due_measurements` every little while and
:func:`run_next_job` until no job is ready. Planning an occasion creates, in one
transaction, the link (an invitation in the patient's language), the occasion (unique per
episode and due date, so two workers planning at once create it once), the invitation
message, and the jobs ``send`` (now), ``remind`` (after the clinic's reminder days) and
``expire`` (when the link expires). A new kind of job (a clinician's digest, a risk
notification) is a function registered with :func:`register_job_kind`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, Conflict, DeliveryError
from attunement.instruments import load_instrument
from attunement.security import new_token, token_digest
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clinic_settings import read_clinic_settings
from attunement.services._context import ServiceContext
from attunement.services._course_job import run_course_job
from attunement.services._course_predictions import COURSE_JOB
from attunement.services._job_queue import (
    claim_job,
    enqueue_job,
    fail_job,
    finish_job,
    retry_job,
)
from attunement.services._messages import (
    WORKER,
    Channels,
    link_token,
    mark_failed,
    opt_out_digest,
    send_message,
)
from attunement.services._notification_digest import (
    WEEKLY_DIGEST_JOB,
    notify_measures_missed,
    prepare_weekly_digest,
)
from attunement.services._notification_mail import NOTIFICATION_EMAIL_JOB, send_notification_email
from attunement.services._schedules import next_due_on
from attunement.services._transaction import read_transaction
from attunement.store import (
    Episode,
    Invitation,
    MeasurementOccasion,
    OutboundMessage,
    Patient,
    PatientContact,
)

__all__ = [
    "JobHandler",
    "plan_due_measurements",
    "register_job_kind",
    "run_next_job",
]

#: A job kind's handler: the context, the channels and the job's payload.
JobHandler = Callable[[ServiceContext, Channels, dict[str, object]], None]

#: Attempts of a job before it is given up (a transient SMTP failure is retried).
MAX_ATTEMPTS = 6


def _candidates(ctx: ServiceContext) -> list[int]:
    """Open episodes of patients with an e-mail address or a mobile number who did not
    opt out."""
    with read_transaction(ctx.sessions) as session:
        return list(
            session.scalars(
                select(Episode.id)
                .join(Patient, Episode.patient_id == Patient.id)
                .join(PatientContact, PatientContact.patient_id == Patient.id)
                .where(
                    Episode.ended_on.is_(None),
                    or_(PatientContact.email.is_not(None), PatientContact.phone.is_not(None)),
                    PatientContact.opted_out_at.is_(None),
                )
                .order_by(Episode.id)
            )
        )


def _due_now(ctx: ServiceContext, episode_id: int) -> dt.date | None:
    with read_transaction(ctx.sessions) as session:
        episode = session.get(Episode, episode_id)
        if episode is None:
            return None
        clinic = read_clinic_settings(session)
        today = ctx.now().date()
        due = next_due_on(session, episode, clinic, today)
        if due is None or today < due - dt.timedelta(days=clinic.send_lead_days):
            return None
        return due


def plan_due_measurements(ctx: ServiceContext) -> list[int]:
    """Create the occasions (link, message, jobs) that are due to be sent; their ids."""
    created = []
    for episode_id in _candidates(ctx):
        due = _due_now(ctx, episode_id)
        if due is None:
            continue
        try:
            occasion = _plan_occasion(ctx, episode_id, due)
        except Conflict:  # another worker planned it first
            continue
        if occasion is not None:
            created.append(occasion)
    return created


def _plan_occasion(ctx: ServiceContext, episode_id: int, due: dt.date) -> int | None:
    with use_case(ctx, WORKER, AuditAction.MEASUREMENT_PLAN, target=f"episode:{episode_id}") as uc:
        session = uc.session
        episode = session.get(Episode, episode_id, with_for_update=True)
        if episode is None or episode.ended_on is not None:
            return None
        uc.patient_id = episode.patient_id
        clinic = read_clinic_settings(session)
        if next_due_on(session, episode, clinic, ctx.now().date()) != due:
            return None
        language = episode.patient.preferred_language
        wanted = [i for i in (episode.outcome_instrument, episode.alliance_instrument) if i]
        instruments = [i for i in wanted if language in load_instrument(i).languages]
        if not instruments:
            return None
        now = ctx.now()
        expires = now + dt.timedelta(days=clinic.link_expiry_days)
        invitation = Invitation(
            episode_id=episode.id,
            digest=token_digest(ctx.signing_key, new_token("unused")),  # replaced below
            instruments=instruments,
            language=language,
            created_by=episode.clinician_id,
            created_at=now,
            expires_at=expires,
        )
        session.add(invitation)
        session.flush()
        invitation.digest = token_digest(
            ctx.signing_key, link_token(ctx.signing_key, invitation.id)
        )
        occasion = MeasurementOccasion(
            episode_id=episode.id, due_on=due, invitation_id=invitation.id, created_at=now
        )
        session.add(occasion)
        session.flush()
        _add_message(ctx, session, occasion.id, "invitation")
        if clinic.reminder_after_days is not None:
            enqueue_job(
                session,
                kind="remind",
                dedupe_key=f"remind:{occasion.id}",
                run_at=now + dt.timedelta(days=clinic.reminder_after_days),
                now=now,
                payload={"occasion_id": occasion.id},
            )
        enqueue_job(
            session,
            kind="expire",
            dedupe_key=f"expire:{occasion.id}",
            run_at=expires,
            now=now,
            payload={"occasion_id": occasion.id},
        )
        uc.detail = {"occasion": occasion.id, "due_on": due.isoformat()}
        return occasion.id


def _add_message(ctx: ServiceContext, session: Session, occasion_id: int, kind: str) -> None:
    """The occasion's message of ``kind`` and its send job, unless they exist."""
    key = f"occasion:{occasion_id}:{kind}"
    if session.scalar(select(OutboundMessage.id).where(OutboundMessage.message_key == key)):
        return
    now = ctx.now()
    message = OutboundMessage(
        message_key=key,
        occasion_id=occasion_id,
        kind=kind,
        channel="email",
        state="pending",
        attempts=0,
        opt_out_digest=opt_out_digest(ctx.signing_key, key),
        created_at=now,
    )
    session.add(message)
    session.flush()
    enqueue_job(
        session,
        kind="send",
        dedupe_key=f"send:{message.id}",
        run_at=now,
        now=now,
        payload={"message_id": message.id},
    )


def _remind(ctx: ServiceContext, channels: Channels, payload: dict[str, object]) -> None:
    """Queue the reminder of an occasion whose link is still open (once)."""
    occasion_id = int(str(payload["occasion_id"]))
    with read_transaction(ctx.sessions) as session:
        found = session.execute(
            select(Invitation, MeasurementOccasion.episode_id)
            .join(MeasurementOccasion, MeasurementOccasion.invitation_id == Invitation.id)
            .where(MeasurementOccasion.id == occasion_id)
        ).first()
    if found is None:
        return
    invitation, episode_id = found
    if (
        invitation.used_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= ctx.now()
    ):
        return
    with use_case(ctx, WORKER, AuditAction.MEASUREMENT_PLAN, target=f"episode:{episode_id}") as uc:
        episode = uc.session.get(Episode, episode_id)
        uc.patient_id = episode.patient_id if episode else None
        _add_message(ctx, uc.session, occasion_id, "reminder")
        uc.detail = {"occasion": occasion_id, "reminder": True}


def _expire(ctx: ServiceContext, channels: Channels, payload: dict[str, object]) -> None:
    """The link expired: its messages not yet sent are skipped, and the treating clinician
    who opted in is told the questionnaires were not completed (once per occasion)."""
    occasion_id = int(str(payload["occasion_id"]))
    with use_case(
        ctx, WORKER, AuditAction.NOTIFICATION_MEASURES_MISSED, target=f"occasion:{occasion_id}"
    ) as uc:
        uc.session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.occasion_id == occasion_id, OutboundMessage.state == "pending")
            .values(state="skipped", last_error="the link expired")
        )
        stored = notify_measures_missed(uc.session, occasion_id, now=ctx.now())
        if stored is not None:
            episode = uc.session.get(Episode, stored["episode_id"])
            uc.patient_id = episode.patient_id if episode else None
        uc.detail = {"notified": stored is not None}


def _send(ctx: ServiceContext, channels: Channels, payload: dict[str, object]) -> None:
    send_message(ctx, channels, int(str(payload["message_id"])))


_HANDLERS: dict[str, JobHandler] = {
    "send": _send,
    "remind": _remind,
    "expire": _expire,
    NOTIFICATION_EMAIL_JOB: send_notification_email,
    WEEKLY_DIGEST_JOB: prepare_weekly_digest,
    COURSE_JOB: run_course_job,
}


def register_job_kind(kind: str, handler: JobHandler) -> None:
    """Teach the worker a new kind of job (its handler must be idempotent: at least once)."""
    _HANDLERS[kind] = handler


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


def run_next_job(
    ctx: ServiceContext,
    channels: Channels,
    *,
    worker: str,
    lease: dt.timedelta = dt.timedelta(minutes=5),
) -> bool:
    """Claim and run one ready job; False when none is ready."""
    job = claim_job(ctx, worker, lease)
    if job is None:
        return False
    handler = _HANDLERS.get(job.kind)
    if handler is None:
        fail_job(ctx, job.id, worker, f"no handler for the job kind {job.kind!r}")
        return True
    try:
        handler(ctx, channels, job.payload)
    except (DeliveryError, AttunementError, Exception) as exc:
        error = exc.message if isinstance(exc, AttunementError) else type(exc).__name__
        permanent = isinstance(exc, AttunementError) and not isinstance(exc, DeliveryError)
        if permanent or job.attempts >= MAX_ATTEMPTS:
            fail_job(ctx, job.id, worker, error)
            if job.kind == "send":
                mark_failed(ctx, int(str(job.payload["message_id"])), error)
        else:
            retry_job(ctx, job.id, worker, error, _backoff(job.attempts))
        return True
    finish_job(ctx, job.id, worker)
    return True
