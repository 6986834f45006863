"""The neighbour index of a clinic's ended episodes, cached per database and instrument.

Building the index reads every ended episode of the outcome instrument and fits
scikit-learn's neighbours (seconds on 10,000 episodes, ``bench/course_predictions.py``),
so it is never built inside a write transaction, where on SQLite it would hold the only
write lock for as long (issue 15). Two entry points keep the two apart:

* :func:`ready_index` — for a write: the cached index if it still holds for the database
  as the write sees it, else None. A check of the key costs three aggregate reads of small
  tables; it never reads an episode nor fits.
* :func:`refresh_index` — outside any write (a read transaction): brings the cached index
  up to date. The first build reads every ended episode; later refreshes read only the
  episodes that newly ended or whose learning inputs changed, and refit.

The key is the set of ended episodes (how many, the sum of their ids, how many dropped
out, their latest end), the newest fitted growth model, and the instrument's learning
revision (:mod:`attunement.services._learning_revisions`), which every write that
corrects an ended episode's scores, end or plan adherence, or edits its patient's
profile, sex, age band or language, raises in its own transaction. A correction is
therefore seen by the next prediction, not at the next ended episode or restart.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from attunement.services._growth_models import newest_growth_model
from attunement.services._learning_revisions import learning_revision
from attunement.store import Episode, EtrModel, LearningChange

if TYPE_CHECKING:
    from attunement.learning import CourseIndex, LearningEpisode

__all__ = [
    "COURSE_MODEL",
    "CachedIndex",
    "clear_course_indexes",
    "index_builds",
    "ready_index",
    "refresh_index",
]

#: The version of the prediction code; part of each stored row's ``model_version``.
COURSE_MODEL = "course-1"


@dataclass(frozen=True)
class CachedIndex:
    """An index with the key it was built for and what it read, by episode id."""

    signature: tuple[Any, ...]
    index: CourseIndex
    model_version: str
    revision: int
    #: the ended episodes read (those with fewer than two scores too), and the learning
    #: records of those with two or more
    read: frozenset[int]
    episodes: dict[int, LearningEpisode]


_INDEXES: weakref.WeakKeyDictionary[Engine, dict[str, CachedIndex]] = weakref.WeakKeyDictionary()
#: held only to swap a dictionary entry: a write's check never waits for a build
_SWAP = threading.Lock()
#: held for a build, so that two threads do not build the same index twice
_BUILD = threading.Lock()
_BUILDS = [0]


def clear_course_indexes() -> None:
    """Forget every cached index (a restart, in the benchmark and the tests)."""
    with _SWAP:
        _INDEXES.clear()


def index_builds() -> int:
    """How many times this process built or refitted an index (tests and the benchmark)."""
    return _BUILDS[0]


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _signature(session: Session, instrument: str) -> tuple[Any, ...]:
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
    return (*tuple(episodes), model, learning_revision(session, instrument))


def _cached(session: Session, instrument: str) -> CachedIndex | None:
    with _SWAP:
        return _INDEXES.get(_engine(session), {}).get(instrument)


def ready_index(session: Session, instrument: str) -> CachedIndex | None:
    """The cached index of ``instrument`` if it holds for what ``session`` sees, else None
    (reads no episode: safe inside a write transaction). A clinic without an ended episode
    of the instrument has an empty index, made here: there is nothing to read."""
    cached = _cached(session, instrument)
    signature = _signature(session, instrument)
    if cached is not None and cached.signature == signature:
        return cached
    if signature[0] == 0:  # no ended episode: the index is empty, its build reads nothing
        return _build(session, instrument, signature, cached)
    return None


def _model_version(model_version: str | None) -> str:
    from attunement.learning import learning_settings  # start-up: see refresh_index

    settings = learning_settings().model_dump_json().encode()
    thresholds = hashlib.sha256(settings).hexdigest()[:12]
    return f"{COURSE_MODEL}; thresholds {thresholds}; growth model {model_version or 'none'}"


def refresh_index(session: Session, instrument: str) -> CachedIndex:
    """The index of ``instrument`` as ``session`` sees the clinic, built or refreshed if
    its key changed. Call it in a read transaction, never in a write: the first build reads
    every ended episode."""
    with _BUILD:
        signature = _signature(session, instrument)
        cached = _cached(session, instrument)
        if cached is not None and cached.signature == signature:
            return cached
        return _build(session, instrument, signature, cached)


def _build(
    session: Session, instrument: str, signature: tuple[Any, ...], cached: CachedIndex | None
) -> CachedIndex:
    """Read what changed since ``cached`` (everything without one), refit and cache."""
    # start-up: every write imports this module; scikit-learn would slow each CLI command
    from attunement.learning import CourseIndex
    from attunement.services._clinic_episodes import outcome_scale, read_clinic_episodes

    ended = set(
        session.scalars(
            select(Episode.id).where(
                Episode.outcome_instrument == instrument, Episode.ended_on.is_not(None)
            )
        )
    )
    revision = signature[-1]
    known = cached.episodes if cached is not None else {}
    changed: set[int] = set()
    if cached is not None and revision != cached.revision:
        changed = set(
            session.scalars(
                select(LearningChange.episode_id).where(
                    LearningChange.instrument == instrument,
                    LearningChange.revision > cached.revision,
                )
            )
        )
    episodes = {key: e for key, e in known.items() if key in ended and key not in changed}
    stale = (ended - (cached.read if cached is not None else frozenset())) | (changed & ended)
    if stale:
        ids = None if cached is None else stale  # the first build reads every ended one
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
    built = CachedIndex(
        signature,
        index,
        _model_version(model.version if model else None),
        revision=revision,
        read=frozenset(ended),
        episodes=episodes,
    )
    _BUILDS[0] += 1
    with _SWAP:
        _INDEXES.setdefault(_engine(session), {})[instrument] = built
    return built
