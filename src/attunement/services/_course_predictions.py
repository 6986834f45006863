"""The personalised course, predicted on the write that records an episode's intake (issue 15).

Derived state is stored on the write that changes it: when a write records the intake
outcome score of an open episode (the first scored administration of its monitored outcome
instrument, as the episode's stored status names it), :func:`record_course_predictions`
stores the personalised course of :class:`attunement.learning.CourseIndex` in
``course_predictions``, in the same transaction. It is called by
:func:`attunement.services._status_store.refresh_touched`, right after the statuses it reads
were rewritten, so every route that records an intake (session entry, intake form,
self-report, FHIR or bulk import, the API) stores one, and no read ever computes one.

**The index is never built inside the write.** Building the neighbour index reads every
ended episode (3.6 s on 10,000): inside the write transaction that would hold SQLite's only
write lock as long, and every other writer would wait or fail. So the write uses the
cached index only when it is ready for the clinic as the write sees it
(:func:`attunement.services._course_index.ready_index`, a few aggregate reads; a clinic
with no ended episode has an empty index, made there as it reads nothing). When it is
not (after a restart, or after an episode ended or an ended one was corrected), the write
stores the prediction as **pending**: it queues a durable job (``course_prediction``) in
its own transaction, and the page says the course is being prepared. Right after the
write commits, the same request completes it (:mod:`attunement.services._course_pending`):
it refreshes the index in a read transaction, which holds no lock, then stores the course
in a short write transaction of its own and marks the job done. If the process dies in
between, the worker runs the job. Either way the course is made from the intake as
recorded by that write, is stored once, and a read never computes it. We chose this over
warming the index at start-up alone because any write (in any process) may change the key
between the warm-up and the next intake; over making every prediction a job because most
intakes find the index ready and then store their course in the same transaction.

When the intake is corrected (voided, replaced, re-scored), the status names another intake
and a new prediction is added; the old one is kept with its time (the research export keeps
every prediction, pages show the newest). An open episode that has an intake and no
prediction yet (it predates this table) gets one on its next write, and ``at_session``
says it was not made at intake.

Like :func:`attunement.services.learning.episode_course`, the prediction reads other
patients' ended episodes only as aggregates (the course, the neighbours' counts): the
write's audit entry carries ``course_prediction.episodes_compared``, no patient of another.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from attunement._batched import batched
from attunement.errors import AttunementError
from attunement.services._course_index import COURSE_MODEL, CachedIndex, ready_index
from attunement.services._job_queue import enqueue_job
from attunement.store import (
    CoursePredictionRecord,
    Episode,
    EpisodeStatusRecord,
    Patient,
    one_of_ids,
)

__all__ = [
    "COURSE_JOB",
    "COURSE_MODEL",
    "CourseWrite",
    "course_job_key",
    "record_course_predictions",
]

#: The kind of the durable job that completes a pending prediction.
COURSE_JOB = "course_prediction"
_CHUNK = 500


def course_job_key(episode_id: int) -> str:
    """The start of the dedupe key of every course job of the episode."""
    return f"course:{episode_id}:"


@dataclass(frozen=True)
class CourseWrite:
    """What a write stored: predictions made, ended episodes compared, episodes pending."""

    made: int
    compared: int
    pending: tuple[int, ...]

    def detail(self) -> dict[str, int] | None:
        """The audit detail (counts only; None when nothing was predicted or pending)."""
        if not self.made and not self.pending:
            return None
        found = {"predictions": self.made, "episodes_compared": self.compared}
        return {**found, "pending": len(self.pending)} if self.pending else found


#: What a prediction needs of an episode's stored status: four fields of its document, read
#: by the database (every write runs this; the whole document is about 25 KB of JSON).
_STATUS = EpisodeStatusRecord.status
_INTAKE_FIELDS = (
    _STATUS["intake"].as_float().label("intake"),
    _STATUS["instrument"].as_string().label("instrument"),
    _STATUS["intake_session"].as_integer().label("intake_session"),
    EpisodeStatusRecord.latest_session,
)


#: The reads of every write's course step, built once with bound values (issue 13).
_OPEN_WITH_STATUS = (
    select(Episode, *_INTAKE_FIELDS)
    .join(EpisodeStatusRecord, EpisodeStatusRecord.episode_id == Episode.id)
    .where(Episode.ended_on.is_(None), _STATUS.is_not(None))
)
_OPEN_EPISODES = _OPEN_WITH_STATUS.where(one_of_ids(Episode.id))
_OPEN_EPISODES_OF_PATIENTS = _OPEN_WITH_STATUS.where(one_of_ids(Episode.patient_id))
_INTAKES_PREDICTED = (
    select(
        CoursePredictionRecord.episode_id,
        CoursePredictionRecord.instrument,
        CoursePredictionRecord.intake,
    )
    .where(one_of_ids(CoursePredictionRecord.episode_id))
    .order_by(CoursePredictionRecord.made_at, CoursePredictionRecord.id)
)
_PATIENTS = select(Patient).where(one_of_ids(Patient.id))


def _candidates(
    session: Session, episode_ids: Collection[int], patient_ids: Collection[int]
) -> list[tuple[Episode, Row[Any]]]:
    """Open episodes among ``episode_ids`` (and of ``patient_ids``) with a stored status,
    each with the fields of its status a prediction uses (:data:`_INTAKE_FIELDS`)."""
    which = [(_OPEN_EPISODES, chunk) for chunk in batched(sorted(episode_ids), _CHUNK)]
    which += [(_OPEN_EPISODES_OF_PATIENTS, chunk) for chunk in batched(sorted(patient_ids), _CHUNK)]
    found: dict[int, tuple[Episode, Row[Any]]] = {}
    for statement, chunk in which:
        for row in session.execute(statement, {"ids": chunk}):
            found[row.Episode.id] = (row.Episode, row)
    return [found[key] for key in sorted(found)]


def _newest_intakes(session: Session, episode_ids: list[int]) -> dict[int, tuple[str, float]]:
    """The instrument and intake of each episode's newest stored prediction."""
    newest: dict[int, tuple[str, float]] = {}
    for chunk in batched(sorted(episode_ids), _CHUNK):
        for episode_id, instrument, intake in session.execute(_INTAKES_PREDICTED, {"ids": chunk}):
            newest[episode_id] = (instrument, intake)
    return newest


def record_course_predictions(
    session: Session,
    *,
    episode_ids: Collection[int],
    patient_ids: Collection[int] = (),
    now: dt.datetime,
    queue: bool = True,
) -> CourseWrite:
    """Store a prediction for each open episode written to whose intake has none yet (or
    whose intake changed since its newest one) from a ready index; the others are pending
    (with ``queue``, each gets a durable job). An intake the course cannot use (outside the
    scale's range, an instrument without change norms) stores nothing and never fails the
    write."""
    candidates = _candidates(session, episode_ids, patient_ids)
    if not candidates:
        return CourseWrite(0, 0, ())
    newest = _newest_intakes(session, [episode.id for episode, _ in candidates])
    # one read of the batch's patients and one index check per instrument, whatever the
    # batch's size (a bulk import writes thousands of intakes in one transaction)
    patients = {
        patient.id: patient
        for chunk in batched(sorted({e.patient_id for e, _ in candidates}), _CHUNK)
        for patient in session.scalars(_PATIENTS, {"ids": chunk})
    }
    indexes: dict[str, CachedIndex | None] = {}
    unusable: set[str] = set()
    made, compared, pending = 0, 0, []
    for episode, status in candidates:
        intake = status.intake
        if intake is None or status.instrument != episode.outcome_instrument:
            continue
        if newest.get(episode.id) == (episode.outcome_instrument, float(intake)):
            continue
        from attunement.services._clinic_episodes import intake_categories  # start-up: index

        instrument = episode.outcome_instrument
        if instrument in unusable:
            continue
        if instrument not in indexes:
            try:
                indexes[instrument] = ready_index(session, instrument)
            except AttunementError:  # no change norms: no course, the write stands
                unusable.add(instrument)
                continue
        cached = indexes[instrument]
        if cached is None:  # never built here: completed after the commit
            pending.append(episode.id)
            continue
        try:
            patient = patients.get(episode.patient_id)
            course = cached.index.course(
                float(intake),
                dimensions=intake_categories(patient) if patient else {},
                language=patient.preferred_language if patient else None,
            )
        except AttunementError:
            continue  # no course for this intake: the write itself stands
        session.add(
            CoursePredictionRecord(
                episode_id=episode.id,
                made_at=now,
                instrument=episode.outcome_instrument,
                intake=course.intake,
                intake_session=status.intake_session,
                at_session=status.latest_session,
                method=course.method,
                neighbours=course.neighbours.count,
                dropout_probability=course.dropout_probability,
                episodes_compared=len(cached.index.episodes),
                model_version=cached.model_version,
                course=course.model_dump(mode="json"),
            )
        )
        made += 1
        compared = max(compared, len(cached.index.episodes))
    if queue:
        for episode_id in pending:
            enqueue_job(
                session,
                kind=COURSE_JOB,
                dedupe_key=f"{course_job_key(episode_id)}{uuid.uuid4().hex}",
                run_at=now,
                now=now,
                payload={"episode_id": episode_id},
            )
    if made or pending:
        session.flush()
    return CourseWrite(made, compared, tuple(pending))
