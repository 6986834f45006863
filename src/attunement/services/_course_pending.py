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
stays with its job. It runs right after a write use case commits, in the same request
(:func:`attunement.services._audit.use_case`), and as the worker's handler of a job whose
request never completed it (the process stopped; :mod:`attunement.services._course_job`).
Idempotent: a course already stored for the episode's intake is not stored twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import AttunementError
from attunement.services._course_index import refresh_index
from attunement.services._course_predictions import (
    COURSE_JOB,
    CourseWrite,
    record_course_predictions,
)
from attunement.services._transaction import read_transaction, transaction
from attunement.store import Episode, Job

__all__ = ["AuditCourses", "complete_course_predictions"]

#: Appends the audit entries of the courses stored for these episodes (in the session's
#: transaction); :func:`attunement.services._audit.course_audit` makes one for an actor.
AuditCourses = Callable[[Session, Collection[int], CourseWrite], None]
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
    audit: AuditCourses | None = None,
) -> CourseWrite:
    """Store the pending courses of these episodes (``audit``: appends the entries of the
    actor whose write left them pending; the demo seeding, unaudited, passes none). What
    is still pending comes back in ``pending``."""
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
                audit(session, stored, written)
        made, compared = made + written.made, max(compared, written.compared)
        remaining = set(written.pending)
        if not remaining:
            break
    return CourseWrite(made, compared, tuple(sorted(remaining)))
