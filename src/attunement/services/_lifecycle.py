"""The episode lifecycle: close an episode, reopen it, and keep a closed one read-only.

An episode is closed with an end reason (``monitoring/end_reasons.yaml``: planned end,
dropout, referral, other), an end date, an optional note and its final measures (issue 12).
The end date may lie neither in the future (the service clock) nor before the episode's
start or its last recorded session or administration. The final measures default to the
episode's last outcome administration on or before the end date (and its last alliance
administration); a named one must be an administration of that episode and measure.

A closed episode is read-only: every write path that adds to an episode (a session, an
administration, an invitation, a profile and so a plan change) calls
:func:`ensure_episode_open` and gets :class:`EpisodeClosed` (HTTP 409) naming the episode
and its end date. Corrections and voids of entries already recorded stay allowed: they do
not call it. Closing revokes the episode's unused patient links. A patient has at most one
open episode; a new one may start after the last one ended. Reopening needs a reason,
which is kept in the episode's lifecycle (``Episode.lifecycle``, every close and reopen)
and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from attunement.errors import Conflict, InputError
from attunement.monitoring import check_end_reason, load_end_reasons
from attunement.services._access import require_caseload
from attunement.services._actors import Actor
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_use_case import episode_use_case
from attunement.services._ids import get_row
from attunement.services._lifecycle_schemas import EndReasonPublic, EpisodeClose, EpisodeReopen
from attunement.services._limits import check_day
from attunement.services._schemas import EpisodePublic
from attunement.store import (
    LIVE_ADMINISTRATION,
    LIVE_SESSION,
    Administration,
    Episode,
    Invitation,
    TherapySession,
    patient_episodes,
)

__all__ = [
    "EpisodeClosed",
    "apply_episode_close",
    "check_new_episode",
    "close_episode",
    "ensure_episode_open",
    "ensure_patient_record_open",
    "list_end_reasons",
    "reopen_episode",
]


class EpisodeClosed(Conflict):
    """The episode is closed, so nothing new may be added to it (HTTP 409)."""

    def __init__(self, episode: Episode) -> None:
        ended = episode.ended_on.isoformat() if episode.ended_on else "?"
        reason = load_end_reasons().label(episode.end_reason) if episode.end_reason else "closed"
        super().__init__(
            f"episode {episode.id} was closed on {ended} ({reason}): it is read-only; "
            "reopen it (with a reason) or start a new episode to record more "
            "(corrections of its entries stay possible)"
        )
        self.episode_id = episode.id
        self.ended_on = episode.ended_on
        self.end_reason = episode.end_reason  # its key: a page words it in its language


def ensure_episode_open(episode: Episode) -> None:
    """Refuse (EpisodeClosed) a write that adds to a closed episode.

    Call it in every use case that adds a session, an administration, an invitation or a
    plan change to ``episode``; never in a correction or void of an existing entry.
    """
    if episode.ended_on is not None:
        raise EpisodeClosed(episode)


def ensure_patient_record_open(session: Session, patient_id: int) -> None:
    """Refuse a change to the patient's profile (and so plan) when every episode of the
    patient is closed: the record is read-only until a new episode starts. A patient
    without any episode yet is not refused (registration comes first)."""
    episodes = list(session.scalars(patient_episodes(patient_id)))
    if episodes and all(e.ended_on is not None for e in episodes):
        raise EpisodeClosed(episodes[0])


def check_new_episode(session: Session, patient_id: int, started_on: dt.date) -> None:
    """One open episode per patient, and a new one starts on or after the last one's end."""
    episodes = session.scalars(patient_episodes(patient_id))
    for episode in episodes:
        if episode.ended_on is None:
            raise Conflict(
                f"patient {patient_id} already has an open episode (episode {episode.id}, "
                f"since {episode.started_on.isoformat()}): close it before starting a new "
                "one; a patient has one open episode at a time"
            )
        if started_on < episode.ended_on:
            raise InputError(
                "started_on",
                started_on.isoformat(),
                f"a date on or after {episode.ended_on.isoformat()}, when the patient's "
                f"previous episode ({episode.id}) ended",
            )


def list_end_reasons(ctx: ServiceContext, actor: Actor) -> list[EndReasonPublic]:
    """The reasons an episode may end for (``monitoring/end_reasons.yaml``), in file order."""
    require_caseload(actor)
    return [
        EndReasonPublic(
            id=key,
            label=reason.label,
            definition=reason.definition,
            source=reason.source,
            note_required=reason.note_required,
        )
        for key, reason in load_end_reasons().reasons.items()
    ]


def _last_recorded_day(session: Session, episode: Episode) -> dt.date | None:
    """The day of the episode's last session or administration (None: nothing recorded)."""
    held = session.scalar(
        select(func.max(TherapySession.held_on)).where(
            TherapySession.episode_id == episode.id, LIVE_SESSION
        )
    )
    given = session.scalar(
        select(func.max(Administration.administered_at)).where(
            Administration.episode_id == episode.id, LIVE_ADMINISTRATION
        )
    )
    days = [d for d in (held, given.date() if given else None) if d is not None]
    return max(days) if days else None


def _final_measure(
    session: Session,
    episode: Episode,
    *,
    field: str,
    requested: int | None,
    instrument: str | None,
    ended_on: dt.date,
) -> int | None:
    """The administration a final measure names: as requested (checked), else the last
    one of ``instrument`` in the episode on or before the end date (None: there is none)."""
    if instrument is None:
        if requested is not None:
            raise InputError(field, requested, "none: the episode has no alliance measure")
        return None
    if requested is not None:
        found = get_row(session, Administration, requested)
        if (
            found is None
            or found.episode_id != episode.id
            or found.voided_at is not None
            or found.instrument_id != instrument
            or found.administered_at.date() > ended_on
        ):
            raise InputError(
                field,
                requested,
                f"the id of a {instrument} administration of episode {episode.id} "
                f"on or before {ended_on.isoformat()}, not voided",
            )
        return found.id
    last_moment = dt.datetime.combine(ended_on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    latest: int | None = session.scalar(
        select(Administration.id)
        .where(
            Administration.episode_id == episode.id,
            Administration.instrument_id == instrument,
            Administration.administered_at < last_moment,
            LIVE_ADMINISTRATION,
        )
        .order_by(Administration.administered_at.desc(), Administration.id.desc())
        .limit(1)
    )
    return latest


def apply_episode_close(
    session: Session,
    episode: Episode,
    *,
    end_reason: str,
    ended_on: dt.date,
    note: str | None,
    final_outcome: int | None,
    final_alliance: int | None,
    by: str,
    now: dt.datetime,
) -> None:
    """Store the close on ``episode`` (checked by the caller) and revoke its unused links.

    The one place an episode is closed: :func:`close_episode` and the demo seed use it.
    """
    episode.ended_on = ended_on
    episode.end_reason = end_reason
    episode.end_note = note or None
    episode.final_outcome_administration_id = final_outcome
    episode.final_alliance_administration_id = final_alliance
    _add_event(
        episode,
        {"event": "closed", "on": ended_on.isoformat(), "by": by, "end_reason": end_reason},
        now,
    )
    session.execute(
        update(Invitation)
        .where(
            Invitation.episode_id == episode.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    session.flush()


def _add_event(episode: Episode, event: dict[str, Any], now: dt.datetime) -> None:
    # a new list, so that the JSON change is saved
    episode.lifecycle = [*(episode.lifecycle or []), {**event, "at": now.isoformat()}]


def close_episode(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: EpisodeClose
) -> EpisodePublic:
    """Close the episode with an end reason, end date, note and final measures.

    Raises EpisodeClosed when it is closed already, InputError naming the field (an unknown
    reason, an end date in the future or before the start or last session, a final measure
    that is not an administration of the episode's measure), before anything is written.
    """
    with episode_use_case(ctx, actor, AuditAction.EPISODE_CLOSE, episode_id) as (uc, episode):
        ensure_episode_open(episode)
        check_end_reason(data.end_reason, data.note)
        now = ctx.now()
        last = _last_recorded_day(uc.session, episode)
        after_last = last is not None and last > episode.started_on
        ended_on = check_day(
            "ended_on",
            data.ended_on or now.date(),
            now=now,
            limits=ctx.limits,
            not_before=last if last is not None and after_last else episode.started_on,
            not_before_label="the episode's last session, " if after_last else "the start, ",
        )
        final_outcome = _final_measure(
            uc.session,
            episode,
            field="final_outcome_administration_id",
            requested=data.final_outcome_administration_id,
            instrument=episode.outcome_instrument,
            ended_on=ended_on,
        )
        final_alliance = _final_measure(
            uc.session,
            episode,
            field="final_alliance_administration_id",
            requested=data.final_alliance_administration_id,
            instrument=episode.alliance_instrument,
            ended_on=ended_on,
        )
        apply_episode_close(
            uc.session,
            episode,
            end_reason=data.end_reason,
            ended_on=ended_on,
            note=data.note,
            final_outcome=final_outcome,
            final_alliance=final_alliance,
            by=actor.audit_name,
            now=now,
        )
        uc.detail = {
            "end_reason": data.end_reason,
            "ended_on": ended_on.isoformat(),
            "final_outcome_administration": final_outcome,
            "final_alliance_administration": final_alliance,
        }
        return EpisodePublic.model_validate(episode)


def reopen_episode(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: EpisodeReopen
) -> EpisodePublic:
    """Reopen a closed episode; the reason is kept in its lifecycle and the reopen audited.

    Raises Conflict when the episode is open, or when the patient has another open episode
    (one open episode at a time).
    """
    with episode_use_case(ctx, actor, AuditAction.EPISODE_REOPEN, episode_id) as (uc, episode):
        if episode.ended_on is None:
            raise Conflict(f"episode {episode.id} is open: only a closed episode can be reopened")
        other = uc.session.scalars(
            select(Episode).where(
                Episode.patient_id == episode.patient_id,
                Episode.ended_on.is_(None),
                Episode.id != episode.id,
            )
        ).first()
        if other is not None:
            raise Conflict(
                f"patient {episode.patient_id} has another open episode (episode {other.id}, "
                f"since {other.started_on.isoformat()}): close it before reopening episode "
                f"{episode.id}; a patient has one open episode at a time"
            )
        previous = {"ended_on": episode.ended_on.isoformat(), "end_reason": episode.end_reason}
        now = ctx.now()
        _add_event(
            episode,
            {"event": "reopened", "on": now.date().isoformat(), "by": actor.audit_name}
            | {"reason": data.reason},
            now,
        )
        episode.ended_on = None
        episode.end_reason = None
        episode.end_note = None
        episode.final_outcome_administration_id = None
        episode.final_alliance_administration_id = None
        uc.session.flush()
        # the reason is patient data: kept in the episode's lifecycle, not in the audit detail
        uc.detail = {"previous": previous, "reason_recorded": True}
        return EpisodePublic.model_validate(episode)
