"""The clinic's ended episodes as the learning maths reads them (issue 15), read in a session.

Shared by the learning use cases (:mod:`attunement.services.learning`), the expected-response
fit (:mod:`attunement.services.etr`) and the course prediction stored on the intake write
(:mod:`attunement.services._course_predictions`). Imports no use case, so the status
refresh that every write runs may call it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import InputError, InvalidAnswer, InvalidProfile
from attunement.instruments import load_instrument, score
from attunement.learning import LearningEpisode, Unrecorded, intake_dimensions
from attunement.monitoring import (
    NormsLike,
    RationalParameters,
    monitored_scale_id,
    rational_parameters,
)
from attunement.services._plan_adherence import episodes_followed
from attunement.services._status import patient_profile
from attunement.store import (
    CURVE_SESSION,
    LIVE_ADMINISTRATION,
    Administration,
    Episode,
    Patient,
    ScoreRecord,
    TherapySession,
    User,
)

__all__ = [
    "ClinicEpisodes",
    "OutcomeScale",
    "intake_categories",
    "outcome_scale",
    "outcome_series",
    "read_clinic_episodes",
]

_CHUNK = 500


@dataclass(frozen=True)
class ClinicEpisodes:
    """The ended episodes as learning records, the patients read, how many are synthetic."""

    episodes: list[LearningEpisode]
    patients: list[int]
    synthetic: int

    def not_recorded(self) -> tuple[Unrecorded, ...]:
        """What no stored ended episode records, said rather than guessed."""
        known: dict[Unrecorded, bool] = {
            "sex": any(e.sex is not None for e in self.episodes),
            "age_band": any("age_band" in e.dimensions for e in self.episodes),
            "plan_followed": any(e.followed for e in self.episodes),
        }
        return tuple(name for name, recorded in known.items() if not recorded)


@dataclass(frozen=True)
class OutcomeScale:
    """The monitored scale of an instrument: id, range, change norms, rational parameters."""

    id: str
    range: tuple[float, float]
    norms: NormsLike
    parameters: RationalParameters


def outcome_scale(instrument: str) -> OutcomeScale:
    """The monitored scale of an outcome ``instrument`` (InputError without change norms)."""
    definition = load_instrument(instrument)
    scale = definition.scale(monitored_scale_id(instrument))
    if scale.norms is None:
        raise InputError("instrument", instrument, "an outcome measure with change norms")
    lo, hi = scale.range
    return OutcomeScale(
        scale.id, (float(lo), float(hi)), scale.norms, rational_parameters(instrument, scale.id)
    )


def read_clinic_episodes(
    session: Session, instrument: str, *, episode_ids: Collection[int] | None = None
) -> ClinicEpisodes:
    """The clinic's ended episodes of ``instrument`` (``episode_ids``: only these) with two
    or more scored sessions."""
    series, synthetic = outcome_series(
        session, instrument, outcome_scale(instrument).id, False, episode_ids=episode_ids
    )
    found: list[LearningEpisode] = []
    patients: list[int] = []
    ids = sorted(series)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        followed = episodes_followed(session, chunk)
        rows = session.execute(
            select(Episode.id, Episode.end_reason, User.username, Patient)
            .join(Patient, Episode.patient_id == Patient.id)
            .join(User, Episode.clinician_id == User.id)
            .where(Episode.id.in_(chunk))
            .order_by(Episode.id)
        )
        for episode_id, end_reason, username, patient in rows:
            patients.append(patient.id)
            found.append(
                LearningEpisode(
                    key=str(episode_id),
                    therapist=username,
                    scores=tuple(value for _, value in series[episode_id]),
                    dropped_out=end_reason == "dropout",
                    language=patient.preferred_language or None,
                    sex=patient.sex,
                    dimensions=intake_categories(patient),
                    followed=followed.get(episode_id, {}),
                )
            )
    return ClinicEpisodes(found, sorted(set(patients)), len(synthetic))


def intake_categories(patient: Patient) -> dict[str, str]:
    """The patient's assessed intake categories and recorded age band; a stored profile
    that no longer validates counts as not assessed (the episode still counts, without
    those features)."""
    try:
        found = intake_dimensions(patient_profile(patient))
    except InvalidProfile:
        found = {}
    if patient.age_band is not None:
        found["age_band"] = patient.age_band
    return found


def outcome_series(
    session: Session,
    instrument: str,
    scale: str,
    include_ongoing: bool,
    *,
    episode_ids: Collection[int] | None = None,
) -> tuple[dict[int, list[tuple[float, float]]], set[int]]:
    """The scored outcome series of the clinic's ended episodes (``include_ongoing``: open
    ones too; ``episode_ids``: only these) with two or more scores: episode id → [(session,
    value)] in order, and the ids of the synthetic ones. A score of an older definition
    version is re-derived from the raw answers; answers the current definition refuses are
    left out."""
    definition = load_instrument(instrument)
    by_episode: dict[int, dict[float, float]] = defaultdict(dict)
    synthetic: set[int] = set()
    # the stored score as one JSON path and the raw answers only where they are re-scored:
    # parsing every administration's answers and scales was most of the time of this read
    query = (
        select(
            Administration.episode_id,
            Administration.id,
            Administration.language,
            ScoreRecord.definition_version,
            ScoreRecord.scales[(scale, "value")].as_float(),
            CURVE_SESSION,
            Patient.synthetic,
        )
        .join(Episode, Administration.episode_id == Episode.id)
        .join(Patient, Episode.patient_id == Patient.id)
        .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
        .outerjoin(ScoreRecord, ScoreRecord.administration_id == Administration.id)
        .where(Episode.outcome_instrument == instrument)
        .where(Administration.instrument_id == instrument, LIVE_ADMINISTRATION)
        .order_by(Administration.episode_id, Administration.administered_at, Administration.id)
    )
    if not include_ongoing:
        query = query.where(Episode.ended_on.is_not(None))
    queries = [query]
    if episode_ids is not None:
        ids = sorted(episode_ids)
        queries = [
            query.where(Episode.id.in_(ids[start : start + _CHUNK]))
            for start in range(0, len(ids), _CHUNK)
        ]
    rows = [row for one in queries for row in session.execute(one)]
    older = _answers(session, [row[1] for row in rows if row[3] != definition.version])
    ordinal: dict[int, int] = defaultdict(int)
    for episode, administration, language, version, stored, number, is_synthetic in rows:
        ordinal[episode] += 1
        value = stored
        if version != definition.version:
            try:
                value = score(definition, older[administration], language=language)
                value = value.scales[scale].value
            except InvalidAnswer:
                continue  # answers the current definition refuses are left out of the fit
        if value is not None:
            by_episode[episode][float(number or ordinal[episode])] = float(value)
            if is_synthetic:
                synthetic.add(episode)
    series = {e: sorted(points.items()) for e, points in by_episode.items() if len(points) >= 2}
    return series, synthetic & set(series)


def _answers(session: Session, administration_ids: Sequence[int]) -> dict[int, Any]:
    """The raw answers of these administrations (a score of an older definition version)."""
    found: dict[int, Any] = {}
    for start in range(0, len(administration_ids), _CHUNK):
        chunk = administration_ids[start : start + _CHUNK]
        rows = session.execute(
            select(Administration.id, Administration.answers).where(Administration.id.in_(chunk))
        )
        found.update((administration, answers) for administration, answers in rows)
    return found
