"""The personalised course, predicted on the write that records an episode's intake (issue 15).

Derived state is stored on the write that changes it: when a write records the intake
outcome score of an open episode (the first scored administration of its monitored outcome
instrument, as the episode's stored status names it), :func:`record_course_predictions`
stores the personalised course of :class:`attunement.learning.CourseIndex` in
``course_predictions``, in the same transaction. It is called by
:func:`attunement.services._status_store.refresh_touched`, right after the statuses it reads
were rewritten, so every route that records an intake (session entry, intake form,
self-report, FHIR or bulk import, the API) stores one, and no read ever computes one.

When the intake is corrected (voided, replaced, re-scored), the status names another intake
and a new prediction is added; the old one is kept with its time (the research export keeps
every prediction, pages show the newest). An open episode that has an intake and no
prediction yet (it predates this table) gets one on its next write, and ``at_session``
says it was not made at intake.

The neighbour index of the clinic's ended episodes is cached per database and outcome
instrument, keyed by the set of ended episodes (and the newest fitted growth model). The
first build reads every ended episode (seconds on 10,000); a closed or reopened episode
changes the key, and the next intake reads only the episodes that newly ended and refits
the index; a prediction from a cached index takes milliseconds
(``bench/course_predictions.py``). A correction of an ended episode's scores,
or a profile edit of its patient, does not change the set: the index keeps the earlier
values until the next episode ends (or the process restarts).

Like :func:`attunement.services.learning.episode_course`, the prediction reads other
patients' ended episodes only as aggregates (the course, the neighbours' counts): the
write's audit entry carries ``course_prediction.episodes_compared``, no patient of another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import weakref
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError
from attunement.services._growth_models import newest_growth_model
from attunement.store import (
    CoursePredictionRecord,
    Episode,
    EpisodeStatusRecord,
    EtrModel,
    Patient,
)

if TYPE_CHECKING:
    from attunement.learning import CourseIndex, LearningEpisode

__all__ = ["COURSE_MODEL", "clear_course_indexes", "record_course_predictions"]

#: The version of the prediction code; part of each stored row's ``model_version``.
COURSE_MODEL = "course-1"
_CHUNK = 500


@dataclass(frozen=True)
class _Cached:
    signature: tuple[Any, ...]
    index: CourseIndex
    model_version: str
    #: the ended episodes read so far (those with fewer than two scores too), and the
    #: learning records of those with two or more, by episode id
    read: frozenset[int]
    episodes: dict[int, LearningEpisode]


_INDEXES: weakref.WeakKeyDictionary[Engine, dict[str, _Cached]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def clear_course_indexes() -> None:
    """Forget every cached index (the benchmark's cold start)."""
    with _LOCK:
        _INDEXES.clear()


def _signature(session: Session, instrument: str) -> tuple[Any, ...]:
    """The set of ended episodes of ``instrument`` (how many, the sum of their ids, how many
    dropped out, their latest end) and the newest fitted growth model: two aggregate reads
    of small tables, so that a cached index costs a few milliseconds to check."""
    episodes = session.execute(
        select(
            func.count(Episode.id),
            func.coalesce(func.sum(Episode.id), 0),
            func.count(Episode.id).filter(Episode.end_reason == "dropout"),
            func.max(Episode.ended_on),
        ).where(Episode.outcome_instrument == instrument, Episode.ended_on.is_not(None))
    ).one()
    model = session.scalar(
        select(func.max(EtrModel.sequence)).where(EtrModel.instrument == instrument)
    )
    return (*tuple(episodes), model)


def _model_version(model_version: str | None) -> str:
    from attunement.learning import learning_settings  # start-up: see _index

    settings = learning_settings().model_dump_json().encode()
    thresholds = hashlib.sha256(settings).hexdigest()[:12]
    return f"{COURSE_MODEL}; thresholds {thresholds}; growth model {model_version or 'none'}"


def _index(session: Session, instrument: str) -> _Cached:
    """The clinic's index of ``instrument``: cached while its signature holds. When the set
    of ended episodes changed, only the episodes that newly ended are read (those no longer
    ended are dropped) and the index is refitted, so an episode's end costs the next intake
    a refit, not a read of the whole clinic."""
    # every write imports this module; scikit-learn would slow each CLI command down
    # start-up: the learning maths (scikit-learn) only when a course is predicted
    from attunement.learning import CourseIndex
    from attunement.services._clinic_episodes import outcome_scale, read_clinic_episodes

    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    signature = _signature(session, instrument)
    with _LOCK:
        cached = _INDEXES.get(engine, {}).get(instrument)
        if cached is not None and cached.signature == signature:
            return cached
        ended = set(
            session.scalars(
                select(Episode.id).where(
                    Episode.outcome_instrument == instrument, Episode.ended_on.is_not(None)
                )
            )
        )
        known = cached.episodes if cached is not None else {}
        episodes = {key: e for key, e in known.items() if key in ended}
        new = ended - (cached.read if cached is not None else frozenset())
        if new:
            ids = None if cached is None else new  # the first build reads every ended one
            for e in read_clinic_episodes(session, instrument, episode_ids=ids).episodes:
                episodes[int(e.key)] = e
        scale = outcome_scale(instrument)
        model = newest_growth_model(session, instrument)
        index = CourseIndex(
            [episodes[key] for key in sorted(episodes)],
            norms=scale.norms,
            score_range=scale.range,
            parameters=scale.parameters,
            model=model,
        )
        built = _Cached(
            signature,
            index,
            _model_version(model.version if model else None),
            read=frozenset(ended),
            episodes=episodes,
        )
        _INDEXES.setdefault(engine, {})[instrument] = built
        return built


def _chunks(ids: Collection[int]) -> list[list[int]]:
    """Ids in lists of at most :data:`_CHUNK` (a bounded number of bound parameters)."""
    ordered = sorted(ids)
    return [ordered[start : start + _CHUNK] for start in range(0, len(ordered), _CHUNK)]


def _candidates(
    session: Session, episode_ids: Collection[int], patient_ids: Collection[int]
) -> list[tuple[Episode, dict[str, Any]]]:
    """Open episodes among ``episode_ids`` (and of ``patient_ids``) with a stored status."""
    which = [Episode.id.in_(chunk) for chunk in _chunks(episode_ids)]
    which += [Episode.patient_id.in_(chunk) for chunk in _chunks(patient_ids)]
    found: dict[int, tuple[Episode, dict[str, Any]]] = {}
    for condition in which:
        for episode, status in session.execute(
            select(Episode, EpisodeStatusRecord.status)
            .join(EpisodeStatusRecord, EpisodeStatusRecord.episode_id == Episode.id)
            .where(condition, Episode.ended_on.is_(None), EpisodeStatusRecord.status.is_not(None))
        ):
            if status is not None:
                found[episode.id] = (episode, status)
    return [found[key] for key in sorted(found)]


def _newest_intakes(session: Session, episode_ids: list[int]) -> dict[int, tuple[str, float]]:
    """The instrument and intake of each episode's newest stored prediction."""
    newest: dict[int, tuple[str, float]] = {}
    for chunk in _chunks(episode_ids):
        for episode_id, instrument, intake in session.execute(
            select(
                CoursePredictionRecord.episode_id,
                CoursePredictionRecord.instrument,
                CoursePredictionRecord.intake,
            )
            .where(CoursePredictionRecord.episode_id.in_(chunk))
            .order_by(CoursePredictionRecord.made_at, CoursePredictionRecord.id)
        ):
            newest[episode_id] = (instrument, intake)
    return newest


def record_course_predictions(
    session: Session,
    *,
    episode_ids: Collection[int],
    patient_ids: Collection[int] = (),
    now: dt.datetime,
) -> dict[str, int] | None:
    """Store a prediction for each open episode written to whose intake has none yet (or
    whose intake changed since its newest one); the audit detail of what was compared
    (None when nothing was predicted). An intake the course cannot use (outside the scale's
    range, an instrument without change norms) stores nothing and never fails the write."""
    candidates = _candidates(session, episode_ids, patient_ids)
    if not candidates:
        return None
    newest = _newest_intakes(session, [episode.id for episode, _ in candidates])
    # one read of the batch's patients and one index check per instrument, whatever the
    # batch's size (a bulk import writes thousands of intakes in one transaction)
    patients = {
        patient.id: patient
        for chunk in _chunks({e.patient_id for e, _ in candidates})
        for patient in session.scalars(select(Patient).where(Patient.id.in_(chunk)))
    }
    indexes: dict[str, _Cached] = {}
    made, compared = 0, 0
    for episode, status in candidates:
        intake = status.get("intake")
        if intake is None or status.get("instrument") != episode.outcome_instrument:
            continue
        if newest.get(episode.id) == (episode.outcome_instrument, float(intake)):
            continue
        from attunement.services._clinic_episodes import intake_categories  # start-up: _index

        try:
            instrument = episode.outcome_instrument
            cached = indexes.get(instrument) or indexes.setdefault(
                instrument, _index(session, instrument)
            )
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
                intake_session=status.get("intake_session"),
                at_session=status.get("latest_session"),
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
    if not made:
        return None
    session.flush()
    return {"predictions": made, "episodes_compared": compared}
