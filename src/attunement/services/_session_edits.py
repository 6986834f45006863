"""Read one session, edit it, void it (issue 12).

Creating a session (``record_session``) never touches a stored one; these use cases are
the explicit edit: only the fields given change; each edit is kept in the session's notes
(when, by whom, why, what changed) and audited (which fields changed, never values or the
reason's text).
Voiding a session entered in error voids its live questionnaires with it; both stay stored
and listed in the history, and count nowhere else (``LIVE_SESSION``,
``LIVE_ADMINISTRATION``). None of these requires the episode to be open: corrections stay
possible after an episode is closed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import InputError, NotFound
from attunement.monitoring import check_rupture_markers
from attunement.services._actors import Actor
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._corrections import open_events_of, void_row
from attunement.services._episode_use_case import episode_use_case
from attunement.services._limits import check_day
from attunement.services._schemas import (
    MAX_SESSION_NUMBER,
    TherapySessionPublic,
    TherapySessionUpdate,
    VoidRequest,
)
from attunement.services._sessions import session_public
from attunement.services._status import RUPTURE_MARKERS_NOTE
from attunement.store import LIVE_ADMINISTRATION, Administration, Episode, TherapySession

__all__ = ["EDITS_NOTE", "edit_session", "get_session", "void_session"]

#: Key of the session notes that keeps each edit: when, by whom, why, what changed.
EDITS_NOTE = "edits"


def _load(session: Session, episode: Episode, number: int) -> TherapySession:
    if not 1 <= number <= MAX_SESSION_NUMBER:  # no such session (and no integer overflow)
        raise NotFound("session", number)
    visit = session.scalars(
        select(TherapySession).where(
            TherapySession.episode_id == episode.id, TherapySession.number == number
        )
    ).first()
    if visit is None:
        raise NotFound("session", number)
    return visit


def get_session(
    ctx: ServiceContext, actor: Actor, episode_id: int, number: int
) -> TherapySessionPublic:
    """One session with every questionnaire recorded at it, voided ones included."""
    with episode_use_case(ctx, actor, AuditAction.SESSION_READ, episode_id, read=True) as (
        uc,
        episode,
    ):
        return session_public(_load(uc.session, episode, number), include_voided=True)


def edit_session(
    ctx: ServiceContext, actor: Actor, episode_id: int, number: int, data: TherapySessionUpdate
) -> TherapySessionPublic:
    """Change the date, attendance or rupture markers of a recorded, live session.

    Raises NotFound, InputError (a voided session; a date outside the allowed range;
    missed while questionnaires are recorded at it; an unknown marker).
    """

    with episode_use_case(ctx, actor, AuditAction.SESSION_EDIT, episode_id) as (uc, episode):
        visit = _load(uc.session, episode, number)
        if visit.voided_at is not None:
            raise InputError("number", number, "a session that is not voided")
        changed: dict[str, object] = {}
        now = ctx.now()
        if data.held_on is not None and data.held_on != visit.held_on:
            held_on = check_day(
                "held_on",
                data.held_on,
                now=now,
                limits=ctx.limits,
                not_before=episode.started_on,
                not_before_label="the episode's start, ",
            )
            changed["held_on"] = [visit.held_on.isoformat(), held_on.isoformat()]
            visit.held_on = held_on
        if data.attended is not None and data.attended != visit.attended:
            if not data.attended and _has_live_answers(uc.session, visit):
                raise InputError(
                    "attended", False, "true while questionnaires are recorded at the session"
                )
            changed["attended"] = [visit.attended, data.attended]
            visit.attended = data.attended
        if data.rupture_markers is not None:
            markers = list(dict.fromkeys(data.rupture_markers))
            if markers:
                try:
                    check_rupture_markers({number: markers})
                except InputError as error:
                    raise InputError("rupture_markers", error.value, error.allowed) from None
            if not visit.attended and markers:
                raise InputError("rupture_markers", markers, "none for a missed session")
            notes = dict(visit.notes or {})
            notes[RUPTURE_MARKERS_NOTE] = markers
            visit.notes = notes
            changed["rupture_markers"] = len(markers)
        uc.session.flush()
        if changed:
            notes = dict(visit.notes or {})
            edit = {"at": now.isoformat(), "by": actor.audit_name, "reason": data.reason or ""}
            notes[EDITS_NOTE] = [*(notes.get(EDITS_NOTE) or []), {**edit, "changed": changed}]
            visit.notes = notes
        uc.detail = {"session": number, "changed": sorted(changed)}  # names, not values
        return session_public(visit, include_voided=True)


def _has_live_answers(session: Session, visit: TherapySession) -> bool:
    return (
        session.scalars(
            select(Administration.id).where(
                Administration.session_id == visit.id, LIVE_ADMINISTRATION
            )
        ).first()
        is not None
    )


def void_session(
    ctx: ServiceContext, actor: Actor, episode_id: int, number: int, data: VoidRequest
) -> TherapySessionPublic:
    """Void a session entered in error, with its questionnaires; the reason is kept.

    Risk events opened by its questionnaires stay as they are (open ones stay open until a
    clinician records a risk response); the audit entry names them.
    """
    with episode_use_case(ctx, actor, AuditAction.SESSION_VOID, episode_id) as (uc, episode):
        visit = _load(uc.session, episode, number)
        if visit.voided_at is not None:
            raise InputError("number", number, "a session that is not already voided")
        now = ctx.now()
        visit.voided_at, visit.voided_by, visit.void_reason = now, actor.audit_name, data.reason
        voided = list(
            uc.session.scalars(
                select(Administration).where(
                    Administration.session_id == visit.id, LIVE_ADMINISTRATION
                )
            )
        )
        for administration in voided:
            void_row(administration, now=now, by=actor.audit_name, reason=data.reason)
        uc.session.flush()
        uc.detail = {
            "session": number,
            "administrations": [a.id for a in voided],
            "risk_events_left_open": open_events_of(
                uc.session, episode.patient_id, {a.id for a in voided}
            ),
        }
        return session_public(visit, include_voided=True)
