"""The learning revision, raised by the write that changes an ended episode's inputs (issue 15).

The neighbour index of the personalised course (:mod:`attunement.services._course_index`)
is cached per database and outcome instrument. Which episodes have ended is not enough of
a key: a corrected score of an ended episode, an edited profile, sex, age band or language
of its patient, a changed end or a plan-adherence record changes what the index holds
without changing that set. Every write use case therefore raises the instrument's revision
in its own transaction when it changed such an input (found by the unit of work that
:func:`attunement.services._status_store.track_status_changes` watches), and records the
revision at which each of those episodes changed, so that the next prediction's index
re-reads exactly them (``store._learning_table``).

Only ended episodes count: a write to an open episode (an intake, a later session) leaves
the revision alone, so the index stays ready for the next intake.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attunement._batched import batched
from attunement.store import Episode, LearningChange, LearningRevision, one_of_ids

__all__ = ["LEARNING_FIELDS", "learning_revision", "raise_learning_revisions"]

#: The patient's fields a learning record of their ended episodes carries.
LEARNING_FIELDS = ("preferred_language", "sex", "age_band", "profile")
_CHUNK = 500


#: The ended episodes among some ids, or of some patients (built once: every write asks).
_ENDED = select(Episode.id, Episode.outcome_instrument).where(Episode.ended_on.is_not(None))
_ENDED_EPISODES = _ENDED.where(one_of_ids(Episode.id))
_ENDED_OF_PATIENTS = _ENDED.where(one_of_ids(Episode.patient_id))


def _ended(
    session: Session, episode_ids: Collection[int], patient_ids: Collection[int]
) -> dict[str, set[int]]:
    """The ended episodes among ``episode_ids`` and of ``patient_ids``, by instrument."""
    which = [(_ENDED_EPISODES, chunk) for chunk in batched(sorted(episode_ids), _CHUNK)]
    which += [(_ENDED_OF_PATIENTS, chunk) for chunk in batched(sorted(patient_ids), _CHUNK)]
    found: dict[str, set[int]] = {}
    for statement, chunk in which:
        for episode_id, instrument in session.execute(statement, {"ids": chunk}):
            found.setdefault(instrument, set()).add(episode_id)
    return found


def _insert(session: Session) -> type[sqlite.Insert] | type[postgresql.Insert]:
    dialect = session.get_bind().dialect.name
    return postgresql.Insert if dialect == "postgresql" else sqlite.Insert


def raise_learning_revisions(
    session: Session, *, episode_ids: Collection[int] = (), patient_ids: Collection[int] = ()
) -> int:
    """Raise the revision of each instrument with an ended episode among ``episode_ids``
    or of ``patient_ids`` and record it on those episodes; how many episodes were marked."""
    ended = _ended(session, {e for e in episode_ids if e is not None}, patient_ids)
    insert = _insert(session)
    for instrument, ids in sorted(ended.items()):
        counter = insert(LearningRevision).values(instrument=instrument, revision=1)
        revision = session.scalars(
            counter.on_conflict_do_update(
                index_elements=["instrument"],
                set_={"revision": LearningRevision.revision + 1},
            ).returning(LearningRevision.revision)
        ).one()
        for chunk in batched(sorted(ids), _CHUNK):
            marks = insert(LearningChange).values(
                [{"episode_id": e, "instrument": instrument, "revision": revision} for e in chunk]
            )
            session.execute(
                marks.on_conflict_do_update(
                    index_elements=["episode_id"],
                    set_={"instrument": instrument, "revision": revision},
                )
            )
    return sum(len(ids) for ids in ended.values())


def learning_revision(session: Session, instrument: str) -> int:
    """The instrument's revision (0: no ended episode's input changed since the upgrade)."""
    found = session.scalar(
        select(LearningRevision.revision).where(LearningRevision.instrument == instrument)
    )
    return int(found or 0)
