"""The clinic-derived norms in use: read by key, taken again at stated points (issue 13).

A scale with a published reliability but neither an SD nor a reliable-change threshold is
judged with the SD of the clinic's own intake scores (:func:`attunement.monitoring.
clinic_norms`): the K10 as an outcome measure, the WAI-SR as an alliance measure (each
episode's first measure of it). Every stored status names the norms it was computed with
(its ``inputs_version``), so norms that move make every status of the instrument stale.

Taken on every write, they moved with every new intake: each intake then read every
intake of the clinic and re-assessed every episode of the instrument, and a bulk import
grew quadratically with the clinic. So the norms in use are stored
(``store.ClinicNormsRecord``) and read by key; a write that may have changed the count of
episodes measured with such an instrument (an intake, a void, a changed episode) counts
them (one aggregate statement) and takes the norms again only when
:func:`attunement.monitoring.clinic_norms_due` says so (the stated minimum reached, or the
count grown or shrunk by the stated factor since they were taken).
The statuses computed with the old norms are then recomputed in the same transaction by the
caller (:func:`attunement.services._status_store.refresh_touched`).

On PostgreSQL a writer that finds the norms due takes them under an advisory lock and
decides again on what was committed before it got the lock. A writer that finds the lock
held leaves the taking to its holder instead of waiting for it: waiting would deadlock
(the holder recomputes every status of the instrument, the waiter already holds its own
patient's rows). It says so (:attr:`NormsTaking.left_to_another`): the holder cannot see
the rows the writer has not committed, so once it has committed, the writer recomputes
the rows stored with the older norms (:func:`attunement.services._audit.use_case`).
A refresh that holds no patient's rows yet (start-up, ``status --refresh``) waits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from attunement.errors import AttunementError
from attunement.instruments import load_instrument
from attunement.monitoring import ClinicNorms, clinic_norms, clinic_norms_due, needs_clinic_norms
from attunement.store import (
    LIVE_ADMINISTRATION,
    Administration,
    ClinicNormsRecord,
    Episode,
    ScoreRecord,
)

__all__ = [
    "MEASURE_ROLES",
    "MeasureRole",
    "NormsTaking",
    "intake_scores",
    "needing_norms",
    "retake_due_norms",
    "stored_clinic_norms",
]

#: Which of an episode's instruments: the outcome measure or the alliance measure.
MeasureRole = Literal["outcome", "alliance"]
MEASURE_ROLES: tuple[MeasureRole, ...] = ("outcome", "alliance")

#: The advisory lock of a taking (two-key form, its own space beside the start-up refresh's).
_TAKE_LOCK = {"space": 7_106_103, "key": 1}


def stored_clinic_norms(
    session: Session, instrument: str, scale: str, role: MeasureRole
) -> ClinicNorms | None:
    """The clinic-derived norms in use for the scale in this role (one primary-key read),
    None while none were taken (below the stated minimum of episodes)."""
    # as committed now: a status computed after waiting for a patient's lock uses the norms
    # a writer committed meanwhile, not ones this session loaded before
    row = session.get(ClinicNormsRecord, (instrument, scale, role), populate_existing=True)
    if row is None:
        return None
    return ClinicNorms(instrument=instrument, scale=scale, sd=row.sd, n_episodes=row.n_episodes)


def _monitored(role: MeasureRole) -> Any:
    return Episode.outcome_instrument if role == "outcome" else Episode.alliance_instrument


def _counted(session: Session, instrument: str, role: MeasureRole) -> int:
    """The episodes that monitor the instrument in this role and have a live measure of it."""
    return int(
        session.scalar(
            select(func.count(func.distinct(Administration.episode_id)))
            .join(Episode, Episode.id == Administration.episode_id)
            .where(_monitored(role) == instrument)
            .where(Administration.instrument_id == instrument, LIVE_ADMINISTRATION)
        )
        or 0
    )


def intake_scores(session: Session, instrument: str, scale: str, role: MeasureRole) -> list[float]:
    """The first scored value of the scale in each episode that monitors the instrument in
    this role (its outcome or its alliance measure)."""
    rows = session.execute(
        select(Administration.episode_id, ScoreRecord.scales)
        .join(ScoreRecord, ScoreRecord.administration_id == Administration.id)
        .join(Episode, Episode.id == Administration.episode_id)
        .where(_monitored(role) == instrument)
        .where(Administration.instrument_id == instrument, LIVE_ADMINISTRATION)
        .order_by(Administration.episode_id, Administration.administered_at, Administration.id)
    )
    first: dict[int, float] = {}
    for episode_id, scales in rows:
        value = (scales.get(scale) or {}).get("value") if isinstance(scales, dict) else None
        if episode_id not in first and isinstance(value, int | float):
            first[episode_id] = float(value)
    return list(first.values())


def _needing(instruments: Iterable[str]) -> list[tuple[str, str]]:
    """(instrument, monitored scale) of those instruments whose scale needs clinic norms."""
    found = []
    for instrument in sorted(set(instruments)):
        try:
            scale = load_instrument(instrument).monitored_scale.id
        except AttunementError:  # an unknown instrument has no norms to take
            continue
        if needs_clinic_norms(instrument, scale):
            found.append((instrument, scale))
    return found


def needing_norms(instruments: Iterable[str]) -> set[str]:
    """Those of ``instruments`` whose monitored scale is judged with clinic norms."""
    return {instrument for instrument, _ in _needing(instruments)}


def _take(
    session: Session,
    key: tuple[str, str, MeasureRole],
    *,
    counted: int,
    now: dt.datetime,
) -> bool:
    """Take the norms again (or drop them below the minimum); whether they changed."""
    instrument, scale, role = key
    row = session.get(ClinicNormsRecord, key)  # already loaded
    norms = clinic_norms(instrument, scale, intake_scores(session, instrument, scale, role))
    if norms is None:
        if row is None:
            return False
        session.execute(
            delete(ClinicNormsRecord).where(
                ClinicNormsRecord.instrument == instrument,
                ClinicNormsRecord.scale == scale,
                ClinicNormsRecord.role == role,
            )
        )
        return True
    if row is None:
        row = ClinicNormsRecord(instrument=instrument, scale=scale, role=role)
        session.add(row)
    changed = (row.sd, row.n_episodes) != (norms.sd, norms.n_episodes)
    row.sd, row.n_episodes, row.n_counted, row.taken_at = (
        norms.sd,
        norms.n_episodes,
        counted,
        now,
    )
    session.flush()
    return changed


def _due(session: Session, key: tuple[str, str, MeasureRole], *, fresh: bool) -> int | None:
    """The count of measured episodes when the stored norms of ``key`` are due, else None
    (``fresh``: read the stored row again, not as the session holds it)."""
    counted = _counted(session, key[0], key[2])
    row = session.get(ClinicNormsRecord, key, populate_existing=fresh)
    return counted if clinic_norms_due(counted, row.n_counted if row else None) else None


@dataclass(frozen=True)
class NormsTaking:
    """What :func:`retake_due_norms` did: the instruments whose norms changed, and whether
    a taking that was due was left to another writer holding the lock."""

    changed: frozenset[str] = frozenset()
    left_to_another: bool = False


def retake_due_norms(
    session: Session, instruments: Iterable[str], *, now: dt.datetime, wait: bool = False
) -> NormsTaking:
    """Take again the stored norms of these instruments that are due (see the module
    docstring), within ``session``'s transaction. On PostgreSQL a taking held by another
    transaction is waited for with ``wait`` (only by a caller that holds no patient's
    rows), else left to it."""
    changed: set[str] = set()
    locked = False
    for instrument, scale in _needing(instruments):
        for role in MEASURE_ROLES:
            key = (instrument, scale, role)
            counted = _due(session, key, fresh=locked)
            if counted is not None and not locked and _on_postgresql(session):
                if wait:
                    session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), _TAKE_LOCK)
                elif not session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:space, :key)"), _TAKE_LOCK
                ):  # another writer is taking them now (see the module docstring)
                    return NormsTaking(frozenset(changed), left_to_another=True)
                locked = True
                # decide again on what a writer before us committed (read committed)
                counted = _due(session, key, fresh=True)
            if counted is not None and _take(session, key, counted=counted, now=now):
                changed.add(instrument)
    return NormsTaking(frozenset(changed))


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
