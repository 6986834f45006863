"""From stored administrations to the monitoring Status of an episode.

Scores are derived data: a stored score whose definition version is no longer current is
re-derived from the raw answers with the current definition (nothing is written). The
monitored scale is the outcome instrument's first scale with change norms (PHQ-9: the
total), else its first scale.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, InvalidAnswer
from attunement.store import Administration, Episode, Patient, ScoreRecord, TherapySession

if TYPE_CHECKING:
    from attunement.instruments import Flag, InstrumentDefinition
    from attunement.monitoring import Series, Status
    from attunement.profile import Profile

__all__ = ["episode_status", "monitored_scale", "patient_profile"]


def monitored_scale(definition: InstrumentDefinition) -> str:
    for scale in definition.scales:
        if scale.norms is not None:
            return scale.id
    return definition.scales[0].id


def patient_profile(patient: Patient) -> Profile | None:
    """The stored profile parsed (None when empty)."""
    from attunement.profile import parse_profile

    if not patient.profile:
        return None
    assessed = patient.profile_updated_at.date() if patient.profile_updated_at else None
    return parse_profile(patient.profile, assessed_on=assessed)


def _stored_values(stored: ScoreRecord, scale: str) -> tuple[float | None, tuple[Flag, ...]]:
    from attunement.instruments import Flag

    value: Any = (stored.scales.get(scale) or {}).get("value")
    flags = tuple(Flag.model_validate(f) for f in stored.flags)
    return (float(value) if value is not None else None), flags


def _point_values(
    administration: Administration, definition: InstrumentDefinition, scale: str
) -> tuple[float | None, tuple[Flag, ...]]:
    from attunement.instruments import score

    stored = administration.score
    if stored is not None and stored.definition_version == definition.version:
        return _stored_values(stored, scale)
    try:
        result = score(definition, administration.answers, language=administration.language)
    except InvalidAnswer:
        # the corrected definition refuses old answers: keep what was scored at entry
        return _stored_values(stored, scale) if stored is not None else (None, ())
    return result.scales[scale].value, result.flags


def _series(session: Session, episode: Episode, instrument: str) -> Series | None:
    from attunement.instruments import load_instrument
    from attunement.monitoring import Series, SessionPoint

    definition = load_instrument(instrument)
    scale = monitored_scale(definition)
    rows = session.execute(
        select(Administration, TherapySession.number, TherapySession.held_on)
        .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
        .where(Administration.episode_id == episode.id)
        .where(Administration.instrument_id == instrument)
        .order_by(Administration.administered_at, Administration.id)
    ).all()
    latest: dict[int, tuple[float | None, tuple[Flag, ...], dt.date]] = {}
    for ordinal, (administration, number, held_on) in enumerate(rows, start=1):
        value, flags = _point_values(administration, definition, scale)
        when = held_on or administration.administered_at.date()
        latest[number or ordinal] = (value, flags, when)
    if not latest:
        return None
    points = tuple(
        SessionPoint(session=number, value=value, held_on=when, flags=flags)
        for number, (value, flags, when) in sorted(latest.items())
    )
    return Series(instrument=instrument, scale=scale, points=points)


def episode_status(session: Session, episode: Episode, patient: Patient) -> Status | None:
    """The episode's Status, or None while no outcome administration is stored."""
    from attunement.monitoring import assess_episode

    outcome = _series(session, episode, episode.outcome_instrument)
    if outcome is None:
        return None
    alliance = (
        _series(session, episode, episode.alliance_instrument)
        if episode.alliance_instrument
        else None
    )
    try:
        profile = patient_profile(patient)
    except AttunementError:
        profile = None  # a stored profile that no longer parses must not hide the status
    return assess_episode(outcome, alliance=alliance, profile=profile)
