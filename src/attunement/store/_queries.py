"""Queries more than one use case needs, defined once.

``LIVE_ADMINISTRATION`` and ``LIVE_SESSION`` are the filters every clinical reader applies
(status, charts, reports, FHIR export, CDS cards, ETR fits): an administration or session
voided in error, or replaced by a correction, stays stored for the history and the audit
trail but counts nowhere else (issue 12). ``CURVE_SESSION`` is the session number an
administration counts at on the expected curve: its session's, or for a between-session
self-report the next session after it (``Administration.toward_session``); queries that
select it outer-join ``TherapySession`` on ``Administration.session_id``.

``patient_episodes`` is the one order of a patient's episodes (newest first: latest start,
then highest id); ``latest_episode`` and ``open_episode`` read its first row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from attunement.store._tables import Administration, Episode, TherapySession

__all__ = [
    "CURVE_SESSION",
    "LIVE_ADMINISTRATION",
    "LIVE_SESSION",
    "latest_episode",
    "one_of_ids",
    "open_episode",
    "patient_episodes",
]

LIVE_ADMINISTRATION: ColumnElement[bool] = Administration.voided_at.is_(None)
LIVE_SESSION: ColumnElement[bool] = TherapySession.voided_at.is_(None)
CURVE_SESSION: ColumnElement[int | None] = func.coalesce(
    TherapySession.number, Administration.toward_session
)


def one_of_ids(
    column: ColumnElement[Any] | QueryableAttribute[Any], name: str = "ids"
) -> ColumnElement[bool]:
    """``column IN :name`` with the list bound at execution (an expanding parameter): a
    statement built once, at import, then takes any number of ids, so it is not built again
    (and its cache key computed again) on every request (issue 13)."""
    return column.in_(bindparam(name, expanding=True))


def patient_episodes(patient_id: int) -> Select[Episode]:
    """The patient's episodes, newest first (latest start, then highest id)."""
    return (
        select(Episode)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.started_on.desc(), Episode.id.desc())
    )


def latest_episode(session: Session, patient_id: int) -> Episode | None:
    """The patient's newest episode, open or ended."""
    return session.scalars(patient_episodes(patient_id).limit(1)).first()


def open_episode(session: Session, patient_id: int) -> Episode | None:
    """The patient's open episode (a patient has at most one)."""
    return session.scalars(
        patient_episodes(patient_id).where(Episode.ended_on.is_(None)).limit(1)
    ).first()
