"""A pending course prediction, completed after the write that recorded the intake (issue 15).

The write that records an intake stores the course in its own transaction when the
neighbour index is ready; otherwise it leaves the prediction pending with a durable job
(:mod:`attunement.services._course_predictions` says why). This module completes it
without holding a write lock for the build:

1. the index is refreshed in a **read** transaction (:func:`read_transaction`: a snapshot
   that no writer waits for), which on 10,000 ended episodes takes seconds the first time;
2. the course is stored in a **short write** transaction, from the ready index, with the
   audit entry of each patient, and the episode's queued jobs are marked done.

If another write changed the index's key between the two (an episode ended, an ended one
was corrected), the refresh is repeated, a few times at most; what is still pending then
stays with its job. :func:`complete_after_write` runs right after a write use case commits
(the same request); :func:`run_course_job` is the worker's handler for a job whose request
never completed it (the process stopped). Both are idempotent: a course already stored for
the episode's intake is not stored twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import AttunementError
from attunement.services._actors import Actor
from attunement.services._audit import append_audit
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._course_index import refresh_index
from attunement.services._course_predictions import (
    COURSE_JOB,
    CourseWrite,
    record_course_predictions,
)
from attunement.services._transaction import read_transaction, transaction
from attunement.store import Episode, Job

__all__ = ["complete_after_write", "complete_course_predictions", "run_course_job"]

_LOG = logging.getLogger(__name__)
#: refreshes tried when other writes keep changing the index's key meanwhile
_ATTEMPTS = 3


def _refresh(sessions: sessionmaker[Session], episode_ids: Collection[int]) -> None:
    """Bring the index of each episode's instrument up to date, holding no write lock."""
    with read_transaction(sessions) as session:
        instruments = set(
            session.scalars(
                select(Episode.outcome_instrument)
                .where(Episode.id.in_(sorted(episode_ids)))
                .distinct()
            )
        )
        for instrument in sorted(instruments):
            try:
                refresh_index(session, instrument)
            except AttunementError:
                continue  # no course for this instrument: the intake write stored none


def _finish_jobs(session: Session, episode_ids: Collection[int], now: dt.datetime) -> None:
    """Mark the queued course jobs of these episodes done (the worker skips them)."""
    wanted = {str(e) for e in episode_ids}
    queued = session.execute(
        select(Job.id, Job.dedupe_key).where(Job.kind == COURSE_JOB, Job.state == "queued")
    ).all()
    done = [job for job, key in queued if key.split(":")[1] in wanted]
    if done:
        session.execute(update(Job).where(Job.id.in_(done)).values(state="done", finished_at=now))


def complete_course_predictions(
    sessions: sessionmaker[Session],
    episode_ids: Collection[int],
    *,
    now: dt.datetime,
    audit: tuple[ServiceContext, Actor] | None = None,
) -> CourseWrite:
    """Store the pending courses of these episodes (``audit``: the context and the actor
    whose write left them pending; the demo seeding, unaudited, passes none). What is still
    pending comes back in ``pending``."""
    remaining = set(episode_ids)
    made, compared = 0, 0
    for _ in range(_ATTEMPTS):
        _refresh(sessions, remaining)
        with transaction(sessions) as session:
            written = record_course_predictions(
                session, episode_ids=remaining, now=now, queue=False
            )
            stored = remaining - set(written.pending)
            _finish_jobs(session, stored, now)
            if audit is not None and written.made:
                _audit(session, *audit, stored, written)
        made, compared = made + written.made, max(compared, written.compared)
        remaining = set(written.pending)
        if not remaining:
            break
    return CourseWrite(made, compared, tuple(sorted(remaining)))


def _audit(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    episode_ids: Collection[int],
    written: CourseWrite,
) -> None:
    """One entry per patient, counts only (as the intake write's own entry)."""
    patients = sorted(
        set(session.scalars(select(Episode.patient_id).where(Episode.id.in_(sorted(episode_ids)))))
    )
    for patient_id in patients:
        append_audit(
            session,
            ctx,
            actor=actor.audit_name,
            role=actor.audit_role,
            action=AuditAction.COURSE_PREDICTION_STORE,
            patient_id=patient_id,
            detail={"course_prediction": written.detail()},
        )


def complete_after_write(ctx: ServiceContext, actor: Actor, episode_ids: Collection[int]) -> None:
    """Complete the predictions ``actor``'s write left pending, right after it committed.
    A failure here never fails the write: its job stays queued for the worker."""
    try:
        complete_course_predictions(ctx.sessions, episode_ids, now=ctx.now(), audit=(ctx, actor))
    except Exception as error:  # the write is committed; its durable job completes the course
        _LOG.warning("course prediction left to the worker: %s", type(error).__name__)


def run_course_job(ctx: ServiceContext, _channels: object, payload: dict[str, object]) -> None:
    """The worker's handler of a ``course_prediction`` job (idempotent)."""
    from attunement.services._messages import WORKER  # the worker's actor

    episode_id = int(str(payload["episode_id"]))
    left = complete_course_predictions(
        ctx.sessions, [episode_id], now=ctx.now(), audit=(ctx, WORKER)
    )
    if left.pending:  # the key kept changing: the worker retries later
        raise RuntimeError("the neighbour index kept changing; retried later")
