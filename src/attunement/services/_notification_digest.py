"""The opt-in notifications of issue 14: missed measures and the weekly caseload digest.

**Missed measures.** When a scheduled link expires unanswered (the worker's ``expire`` job,
:mod:`attunement.services._outreach`), :func:`notify_measures_missed` tells the treating
clinician — if they opted in — in the same transaction: a ``measures_missed`` notification
naming the patient in the app (while the recipient may read the record), whose ``detail``
holds the occasion, the episode and the due date, never an answer. One per occasion: the
occasion row is locked and an existing notice of it is looked for first, so the job run
again (at least once) adds nothing.

**Weekly digest.** Each plan pass of the worker calls :func:`plan_weekly_digests`: from the
clinic's digest day (``digest_weekday``, Monday unless changed) to the end of that ISO week,
every active user who opted in and has a caseload gets a job ``weekly_digest`` under the
dedupe key ``digest:{user}:{year}-W{week}``; the job (:func:`prepare_weekly_digest`) stores
one ``weekly_digest`` notification whose ``detail`` holds the counts of the user's readable
caseload (a supervisor's includes their supervisees') read from the stored caseload counts —
red, yellow, overdue and open risk events — exactly as the caseload page totals them. Both
kinds e-mail through the generic path (:mod:`._notification_mail`): no patient, no count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from attunement.notifications import NotificationKind, channels_for
from attunement.services._access import readable_clinician_ids
from attunement.services._actors import UserActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clinic_settings import WEEKDAYS, read_clinic_settings
from attunement.services._context import ServiceContext
from attunement.services._job_queue import enqueue_job
from attunement.services._messages import WORKER, Channels
from attunement.services._notification_records import add_notification, chosen_channels
from attunement.services._transaction import read_transaction
from attunement.services._worklist import caseload_totals
from attunement.store import (
    Episode,
    Invitation,
    Job,
    MeasurementOccasion,
    NotificationPreference,
    NotificationRecord,
    User,
)

__all__ = [
    "WEEKLY_DIGEST_JOB",
    "digest_week",
    "notify_measures_missed",
    "plan_weekly_digests",
    "prepare_weekly_digest",
]

#: The job kind the worker runs for one user's weekly digest.
WEEKLY_DIGEST_JOB = "weekly_digest"


def digest_week(day: dt.date) -> str:
    """The ISO week of ``day`` as the digest names it: ``2026-W49``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _notices_of(
    session: Session, recipient: int, kind: NotificationKind, patient_id: int | None
) -> list[dict[str, Any]]:
    query = select(NotificationRecord.detail).where(
        NotificationRecord.recipient_id == recipient, NotificationRecord.kind == kind.value
    )
    if patient_id is not None:
        query = query.where(NotificationRecord.patient_id == patient_id)
    return [dict(detail) for detail in session.scalars(query) if detail]


def notify_measures_missed(
    session: Session, occasion_id: int, *, now: dt.datetime
) -> dict[str, Any] | None:
    """In the caller's transaction (the ``expire`` job): notify the treating clinician, if
    they opted in, that the occasion's link expired unanswered; once per occasion. Returns
    what was stored (for the audit entry), or None when nothing was due."""
    occasion = session.get(MeasurementOccasion, occasion_id, with_for_update=True)
    if occasion is None:
        return None
    invitation = session.get(Invitation, occasion.invitation_id)
    episode = session.get(Episode, occasion.episode_id)
    if (
        invitation is None
        or episode is None
        or invitation.used_at is not None  # answered
        or invitation.revoked_at is not None  # withdrawn by the clinic: not missed
        or invitation.expires_at > now
    ):
        return None
    recipient = episode.clinician_id
    kind = NotificationKind.MEASURES_MISSED
    channels = channels_for(kind, chosen_channels(session, {recipient}, kind.value).get(recipient))
    if not channels.in_app and not channels.email:
        return None
    if any(
        d.get("occasion_id") == occasion.id
        for d in _notices_of(session, recipient, kind, episode.patient_id)
    ):
        return None  # the job ran before (at least once): nothing more
    detail: dict[str, Any] = {
        "occasion_id": occasion.id,
        "episode_id": episode.id,
        "due_on": occasion.due_on.isoformat(),
    }
    add_notification(
        session,
        recipient=recipient,
        kind=kind,
        channels=channels,
        now=now,
        patient_id=episode.patient_id,
        detail=detail,
    )
    return detail


def _opted_in(session: Session) -> list[int]:
    """Active users with a caseload who chose the weekly digest on some channel."""
    kind = NotificationKind.WEEKLY_DIGEST.value
    return sorted(
        int(uid)
        for uid, role, also in session.execute(
            select(User.id, User.role, User.also_clinician)
            .join(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(
                NotificationPreference.kind == kind,
                or_(
                    NotificationPreference.in_app.is_(True),
                    NotificationPreference.email.is_(True),
                ),
                User.active.is_(True),
            )
        )
        if role != "admin" or also
    )


def plan_weekly_digests(ctx: ServiceContext) -> int:
    """Queue this week's digest job of every user who opted in, from the clinic's digest
    day on (the dedupe key makes a second pass, or a second worker, add nothing); the
    number of jobs queued now."""
    now = ctx.now()
    today = now.date()
    with read_transaction(ctx.sessions) as session:
        clinic = read_clinic_settings(session)
        if today.isoweekday() < WEEKDAYS.index(clinic.digest_weekday) + 1:
            return 0
        week = digest_week(today)
        keys = {f"digest:{user_id}:{week}": user_id for user_id in _opted_in(session)}
        queued_before = set(
            session.scalars(select(Job.dedupe_key).where(Job.dedupe_key.in_(list(keys))))
        )
    users = sorted(user_id for key, user_id in keys.items() if key not in queued_before)
    if not users:  # every pass of the week but the first: nothing to write, nothing to audit
        return 0
    with use_case(ctx, WORKER, AuditAction.NOTIFICATION_DIGEST, target=f"week:{week}") as uc:
        queued = [
            user_id
            for user_id in users
            if enqueue_job(
                uc.session,
                kind=WEEKLY_DIGEST_JOB,
                dedupe_key=f"digest:{user_id}:{week}",
                run_at=now,
                now=now,
                payload={"user_id": user_id, "week": week},
            )
        ]
        uc.detail = {"planned": queued}
        return len(queued)


def prepare_weekly_digest(
    ctx: ServiceContext, channels: Channels, payload: dict[str, object]
) -> None:
    """The worker's handler: store the user's digest of ``week`` (once; a user who opted
    out since, or left, gets none)."""
    user_id = int(str(payload["user_id"]))
    week = str(payload["week"])
    kind = NotificationKind.WEEKLY_DIGEST
    with use_case(ctx, WORKER, AuditAction.NOTIFICATION_DIGEST, target=f"user:{user_id}") as uc:
        session = uc.session
        user = session.get(User, user_id, with_for_update=True)
        if user is None or not user.active:
            return
        wanted = channels_for(kind, chosen_channels(session, {user_id}, kind.value).get(user_id))
        if not wanted.in_app and not wanted.email:
            return
        if any(d.get("week") == week for d in _notices_of(session, user_id, kind, None)):
            return  # the job ran before (at least once)
        actor = UserActor(
            user_id=user.id,
            username=user.username,
            role=user.role,
            also_clinician=user.also_clinician,
        )
        clinicians = readable_clinician_ids(session, actor)
        if not clinicians:
            return
        counts, overdue = caseload_totals(
            session, clinicians, today=ctx.now().date(), overdue_days=ctx.overdue_days
        )
        detail: dict[str, Any] = {
            "week": week,
            "red": counts["red"],
            "yellow": counts["yellow"],
            "overdue": overdue,
            "risk": counts["risk"],
        }
        add_notification(
            session, recipient=user_id, kind=kind, channels=wanted, now=ctx.now(), detail=detail
        )
        uc.detail = detail
