"""Storing administrations with their scores, and turning rows into public records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from attunement.errors import InputError
from attunement.risk import Route, endorsements_from_flags
from attunement.services._risk_records import record_risk
from attunement.services._schemas import AdministrationPublic
from attunement.services._timeline import (
    lock_episode_sessions,
    next_session_after,
    next_session_number,
)
from attunement.store import (
    LIVE_SESSION,
    Administration,
    Episode,
    ScoreRecord,
    TherapySession,
)

if TYPE_CHECKING:
    from attunement.instruments import Score

__all__ = [
    "administration_public",
    "store_administration",
]


def administrations_of(episode_id: int) -> Select[Administration]:
    """The episode's administrations, oldest first, each with its score and its session
    loaded by the same query (joined: neither a query per administration nor a second
    query with an IN list of their ids)."""
    return (
        select(Administration)
        .options(joinedload(Administration.score), joinedload(Administration.therapy_session))
        .where(Administration.episode_id == episode_id)
        .order_by(Administration.administered_at, Administration.id)
    )


def administration_public(administration: Administration) -> AdministrationPublic:
    """The administration as stored, with its session's number and its score."""
    return AdministrationPublic.model_validate(administration)


#: An episode's session by its number, or its live one held on a day (built once: every
#: recorded questionnaire looks one up, issue 13).
_OF_EPISODE = select(TherapySession).where(TherapySession.episode_id == bindparam("episode_id"))
_NUMBERED = _OF_EPISODE.where(TherapySession.number == bindparam("number"))
_LIVE_HELD_ON = _OF_EPISODE.where(TherapySession.held_on == bindparam("held_on"), LIVE_SESSION)


def _session_for(
    session: Session, episode: Episode, *, number: int | None, held_on: dt.date
) -> TherapySession:
    """The numbered session, or the live one held that day, or the next one.

    A voided session takes no new questionnaire: its number stays with the voided record.
    Looked up under the episode's lock, so two entries of one day make one session.
    """
    lock_episode_sessions(session, episode.id)
    if number is not None:
        found = session.scalars(_NUMBERED, {"episode_id": episode.id, "number": number}).first()
        if found is not None and found.voided_at is not None:
            raise InputError(
                "session_number", number, "a session that is not voided (record a new one)"
            )
    else:
        held = {"episode_id": episode.id, "held_on": held_on}
        found = session.scalars(_LIVE_HELD_ON, held).first()
    if found is not None:
        return found
    if number is None:
        number = next_session_number(session, episode.id)
    created = TherapySession(
        episode_id=episode.id, number=number, held_on=held_on, attended=True, notes={}
    )
    session.add(created)
    session.flush()
    return created


def store_administration(
    session: Session,
    *,
    episode: Episode,
    result: Score,
    answers: Sequence[int | float | None],
    entered_by: str,
    administered_at: dt.datetime,
    entered_at: dt.datetime,
    route: Route,
    session_number: int | None = None,
) -> AdministrationPublic:
    """Store raw answers and the derived score (with its definition version) together.

    A patient's self-report (``route="self_report"``) joins no session: it is its own dated
    administration counted toward the next session (:mod:`._timeline`). Every risk item
    the score flags (endorsed or left blank) opens or joins a risk event of the patient in
    the same transaction (:func:`record_risk`), whatever the route.
    """
    visit: TherapySession | None = None
    toward: int | None = None
    if route == "self_report" and session_number is None:
        toward = next_session_after(session, episode.id, administered_at.date())
    else:
        visit = _session_for(
            session, episode, number=session_number, held_on=administered_at.date()
        )
    flags: list[dict[str, Any]] = [flag.model_dump(mode="json") for flag in result.flags]
    administration = Administration(
        episode_id=episode.id,
        session_id=visit.id if visit else None,
        toward_session=toward,
        instrument_id=result.instrument,
        definition_version=result.version,
        answers=list(answers),
        language=result.language,
        entered_by=entered_by,
        administered_at=administered_at,
        entered_at=entered_at,
    )
    administration.score = ScoreRecord(
        definition_version=result.version,
        scales={name: s.model_dump(mode="json") for name, s in result.scales.items()},
        flags=flags,
        has_risk_flag=any(flag.endorsed for flag in result.flags),
        computed_at=entered_at,
    )
    session.add(administration)
    session.flush()
    record_risk(
        session,
        patient_id=episode.patient_id,
        episode_id=episode.id,
        endorsements=endorsements_from_flags(
            result.flags,
            instrument=result.instrument,
            route=route,
            session=visit.number if visit else toward,
            at=administered_at,
            administration_id=administration.id,
            language=result.language,
        ),
        now=entered_at,
    )
    return administration_public(administration)
