"""Seed and describe the synthetic demo clinic (``attune demo``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from attunement.services._transaction import transaction
from attunement.simulate import SyntheticClinic
from attunement.store import (
    Administration,
    Episode,
    Patient,
    TherapySession,
    User,
)

__all__ = ["DemoSummary", "remove_demo_clinic", "seed_demo_clinic", "summarise_demo_clinic"]


class DemoSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    clinicians: int
    patients: int
    episodes: int
    sessions: int
    administrations: int
    created: bool


def _count(session: Session, model: type[object]) -> int:
    query = select(func.count()).select_from(model)
    if hasattr(model, "synthetic"):
        query = query.where(model.synthetic.is_(True))
    return int(session.scalar(query) or 0)


def summarise_demo_clinic(sessions: sessionmaker[Session], *, created: bool = False) -> DemoSummary:
    """Counts of the synthetic records (only those) in the database."""
    with transaction(sessions) as session:
        synthetic_episodes = select(Episode.id).join(Patient).where(Patient.synthetic.is_(True))
        return DemoSummary(
            clinicians=_count(session, User),
            patients=_count(session, Patient),
            episodes=int(
                session.scalar(select(func.count()).select_from(synthetic_episodes.subquery())) or 0
            ),
            sessions=int(
                session.scalar(
                    select(func.count(TherapySession.id)).where(
                        TherapySession.episode_id.in_(synthetic_episodes)
                    )
                )
                or 0
            ),
            administrations=int(
                session.scalar(
                    select(func.count(Administration.id)).where(
                        Administration.episode_id.in_(synthetic_episodes)
                    )
                )
                or 0
            ),
            created=created,
        )


def remove_demo_clinic(sessions: sessionmaker[Session]) -> None:
    """Delete synthetic records only; real records are never touched."""
    with transaction(sessions) as session:
        patient_ids = select(Patient.id).where(Patient.synthetic.is_(True))
        session.execute(delete(Episode).where(Episode.patient_id.in_(patient_ids)))
        session.execute(delete(Patient).where(Patient.synthetic.is_(True)))
        session.execute(delete(User).where(User.synthetic.is_(True)))


def seed_demo_clinic(
    sessions: sessionmaker[Session], clinic: SyntheticClinic, *, now: dt.datetime
) -> DemoSummary:
    """Store the synthetic clinic in one transaction, unless one is already there."""
    existing = summarise_demo_clinic(sessions)
    if existing.patients:
        return existing
    with transaction(sessions) as session:
        users: dict[str, User] = {}
        for member in clinic.clinicians:
            user = User(
                username=member.username,
                display_name=member.display_name,
                role="clinician",
                password_hash=None,
                synthetic=True,
                created_at=now,
            )
            session.add(user)
            users[member.username] = user
        session.flush()
        for synthetic in clinic.patients:
            clinician = users[synthetic.clinician]
            patient = Patient(
                external_id=synthetic.key,
                display_name=synthetic.display_name,
                preferred_language=synthetic.preferred_language,
                clinician_id=clinician.id,
                profile=dict(synthetic.profile),
                synthetic=True,
                created_at=now,
            )
            session.add(patient)
            session.flush()
            episode = Episode(
                patient_id=patient.id,
                clinician_id=clinician.id,
                started_on=synthetic.episode.started_on,
                outcome_instrument="phq9",
                alliance_instrument="wai_sr",
            )
            session.add(episode)
            session.flush()
            for visit in synthetic.episode.sessions:
                held = TherapySession(
                    episode_id=episode.id,
                    number=visit.number,
                    held_on=visit.held_on,
                    attended=True,
                    notes={},
                )
                session.add(held)
                session.flush()
                when = dt.datetime.combine(visit.held_on, dt.time(9), tzinfo=dt.UTC)
                for instrument, answers in (
                    ("phq9", visit.phq9_answers),
                    ("wai_sr", visit.wai_sr_answers),
                ):
                    session.add(
                        Administration(
                            episode_id=episode.id,
                            session_id=held.id,
                            instrument_id=instrument,
                            definition_version="unscored",
                            answers=list(answers),
                            language=synthetic.preferred_language,
                            entered_by="synthetic",
                            administered_at=when,
                            entered_at=now,
                        )
                    )
    return summarise_demo_clinic(sessions, created=True)
