"""Where an administration sits on the episode's timeline (issue 12).

A between-session self-report is its own dated administration: it creates no session and
never joins one held the same day. On the expected curve it counts toward the *next*
session — the number after the latest live session held on or before its date — and is
stored with that number (``Administration.toward_session``) when it is written, so reads
never re-derive it. When that session is later recorded with its own questionnaire, the
session's score is the point of the curve and the self-report stays in the history.
Session numbering, the status and the ETR dose count sessions, never self-reports.

A new session's number is allocated under the episode's row lock (:func:`lock_episode_sessions`,
issue 13): two requests recording a session in one episode at once get consecutive
numbers, never the same one (which the unique key would refuse with a conflict).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from attunement.store import LIVE_SESSION, Episode, TherapySession

__all__ = ["lock_episode_sessions", "next_session_after", "next_session_number"]


#: Built once with bound values: every recorded session or questionnaire runs them (issue 13).
_LOCK_EPISODE = (
    select(Episode.id).where(Episode.id == bindparam("episode_id")).with_for_update(key_share=True)
)
_LATEST_HELD_BY = select(func.max(TherapySession.number)).where(
    TherapySession.episode_id == bindparam("episode_id"),
    TherapySession.held_on <= bindparam("on"),
    LIVE_SESSION,
)
_LATEST_NUMBER = select(func.max(TherapySession.number)).where(
    TherapySession.episode_id == bindparam("episode_id")
)


def lock_episode_sessions(session: Session, episode_id: int) -> None:
    """Hold the episode's row until the transaction ends, so one session is created at a
    time in it. On PostgreSQL ``SELECT … FOR NO KEY UPDATE`` makes a second writer wait for
    the first to commit (under READ COMMITTED its next statement then sees the new session);
    the weaker ``NO KEY`` mode still lets other writers insert rows that reference the
    episode (a foreign key check takes ``KEY SHARE``), so it adds no deadlock with them. On
    SQLite the write transaction already holds the database's only write lock
    (``BEGIN IMMEDIATE``), so there is nothing more to take."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(_LOCK_EPISODE, {"episode_id": episode_id})


def next_session_after(session: Session, episode_id: int, on: dt.date) -> int:
    """The session a self-report of day ``on`` counts toward: the latest live session held
    on or before that day, plus one (1 before any session)."""
    latest = session.scalar(_LATEST_HELD_BY, {"episode_id": episode_id, "on": on})
    return int(latest or 0) + 1


def next_session_number(session: Session, episode_id: int) -> int:
    """The number a new session gets: after every session ever recorded in the episode,
    voided ones included (a voided number is not reused, so the trail stays unambiguous).

    Takes the episode's lock first (:func:`lock_episode_sessions`)."""
    lock_episode_sessions(session, episode_id)
    latest = session.scalar(_LATEST_NUMBER, {"episode_id": episode_id})
    return int(latest or 0) + 1
