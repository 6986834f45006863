"""The stored course predictions of an episode, as the API and the patient page read them.

Nothing is computed here: each prediction was stored by the write that recorded the
episode's intake (:mod:`attunement.services._course_predictions`). Newest first; a row
whose stored course no longer validates (a future schema) is left out rather than half-read.
A prediction that write left pending (its neighbour index was not ready) is said to be
pending while its job is unfinished (:func:`course_pending`), never computed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from attunement.learning import CoursePoint, NeighbourSummary, PersonalisedCourse
from attunement.services._access import load_episode
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._course_predictions import COURSE_JOB, course_job_key
from attunement.services._schema_config import PUBLIC
from attunement.store import CoursePredictionRecord, Job

__all__ = [
    "CoursePredictionPublic",
    "course_pending",
    "course_predictions_of",
    "list_course_predictions",
]


class CoursePredictionPublic(BaseModel):
    """One personalised course of the episode, as predicted at ``made_at``.

    ``method`` of the course as a whole: ``neighbours`` (the clinic's most similar ended
    episodes), ``empirical`` (too few similar episodes: the clinic's fitted growth model) or
    ``rational`` (no fitted model on enough episodes: the rational method). What it rests
    on are facts, worded in the reader's language by :mod:`attunement.wording`
    (``course_basis_words``): ``similarity_radius``, ``minimum_neighbours`` and the
    clinic's ``clinic_ended`` / ``clinic_dropped_out`` episodes (None for a course stored
    before they were kept; such a course still has its English ``basis`` and
    ``dropout_basis`` sentences, which newer courses leave None). ``points`` are the
    expected scores by scored session (1 = intake) with their ``level`` band;
    ``neighbours`` what happened to the similar episodes.
    ``made_at_intake`` is False for a prediction made after a later outcome score was
    recorded (a corrected intake, or an episode older than stored predictions).
    """

    model_config = PUBLIC

    id: int
    episode_id: int
    made_at: dt.datetime
    instrument: str
    intake: float
    intake_session: int | None
    at_session: int | None
    made_at_intake: bool
    method: Literal["neighbours", "empirical", "rational"]
    level: float
    points: list[CoursePoint]
    dropout_probability: float | None
    dropout_personalised: bool
    neighbours: NeighbourSummary
    similarity_radius: float | None
    minimum_neighbours: int | None
    clinic_ended: int | None
    clinic_dropped_out: int | None
    basis: str | None
    dropout_basis: str | None
    episodes_compared: int
    model_version: str


def _public(row: CoursePredictionRecord) -> CoursePredictionPublic | None:
    try:
        course = PersonalisedCourse.model_validate(row.course)
    except ValidationError:
        return None
    return CoursePredictionPublic(
        id=row.id,
        episode_id=row.episode_id,
        made_at=row.made_at,
        instrument=row.instrument,
        intake=row.intake,
        intake_session=row.intake_session,
        at_session=row.at_session,
        made_at_intake=row.at_session == row.intake_session,
        method=course.method,
        level=course.level,
        points=list(course.points),
        dropout_probability=course.dropout_probability,
        dropout_personalised=course.dropout_personalised,
        neighbours=course.neighbours,
        similarity_radius=course.similarity_radius,
        minimum_neighbours=course.minimum_neighbours,
        clinic_ended=course.clinic_ended,
        clinic_dropped_out=course.clinic_dropped_out,
        basis=course.basis,
        dropout_basis=course.dropout_basis,
        episodes_compared=row.episodes_compared,
        model_version=row.model_version,
    )


def course_predictions_of(session: Session, episode_id: int) -> list[CoursePredictionPublic]:
    """The episode's stored predictions, newest first (inside a use case that checked
    access: :func:`list_course_predictions`, the patient page)."""
    rows = session.scalars(
        select(CoursePredictionRecord)
        .where(CoursePredictionRecord.episode_id == episode_id)
        .order_by(CoursePredictionRecord.made_at, CoursePredictionRecord.id)
    ).all()
    found = [_public(row) for row in rows]
    return [p for p in reversed(found) if p is not None]


#: Whether a job of the episode's courses is unfinished: a prefix of its dedupe key (built
#: once; the patient page asks on every view).
_PENDING = select(
    exists().where(
        Job.kind == COURSE_JOB,
        Job.state.in_(("queued", "running")),
        Job.dedupe_key.like(bindparam("prefix"), escape="\\"),
    )
)
#: A LIKE pattern's special characters taken literally (escaped with a backslash).
_LIKE_LITERAL = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


def course_pending(session: Session, episode_id: int) -> bool:
    """Whether a course of the episode is still being prepared (its job is unfinished)."""
    prefix = course_job_key(episode_id).translate(_LIKE_LITERAL) + "%"
    return bool(session.scalar(_PENDING, {"prefix": prefix}))


def list_course_predictions(
    ctx: ServiceContext, actor: Actor, episode_id: int
) -> list[CoursePredictionPublic]:
    """Every course predicted for an episode the actor may read, newest first (NotFound for
    an episode the caller may not see)."""
    with use_case(
        ctx, actor, AuditAction.COURSE_PREDICTION_LIST, target=f"episode:{episode_id}", read=True
    ) as uc:
        episode = load_episode(uc.session, actor, episode_id, write=False)
        uc.patient_id = episode.patient_id
        found = course_predictions_of(uc.session, episode.id)
        uc.detail = {"course_predictions": [p.id for p in found]}
        return found
