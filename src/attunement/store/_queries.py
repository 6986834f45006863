"""Queries more than one use case needs, defined once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.store._tables import Episode

__all__ = ["latest_episode"]


def latest_episode(session: Session, patient_id: int) -> Episode | None:
    """The patient's newest episode (latest start, then highest id), open or ended."""
    return session.scalars(
        select(Episode)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.started_on.desc(), Episode.id.desc())
        .limit(1)
    ).first()
