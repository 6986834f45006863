"""The batched status refresh (issue 13) stores the same rows as the one-patient refresh.

A varied clinic (imported synthetic patients with risk events and alliance scores, a
voided administration, a missed session, a closed episode with an open risk event, a
patient with no scores, an episode of an unknown instrument) on SQLite and PostgreSQL
(the ``engine`` fixture): the rows after refreshing every patient one by one equal the rows
after refreshing them all in one batch, and both equal the rows the writes stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from attunement.services import ServiceContext
from attunement.services._growth_models import StatusInputs
from attunement.services._status_store import (
    _refresh_one_by_one,
    refresh_patient_statuses,
    refresh_patients_batched,
)
from attunement.services.bulk_import import run_import
from attunement.store import (
    Administration,
    Episode,
    EpisodeStatusRecord,
    Patient,
    RiskEventRecord,
    TherapySession,
)
from tests.services.test_bulk_import import _clinic, _units, _write
from tests.services.world import START, World

_VOLATILE = {"id", "version", "computed_at"}


def _rows(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(EpisodeStatusRecord).order_by(
            EpisodeStatusRecord.patient_id, EpisodeStatusRecord.episode_id
        )
    )
    return [
        {
            column.key: getattr(row, column.key)
            for column in EpisodeStatusRecord.__table__.columns
            if column.key not in _VOLATILE
        }
        for row in rows
    ]


def _vary(session: Session) -> None:
    """Make the clinic varied in ways a refresh must read (written around the services,
    as if by other use cases, so that only the refreshes below compute from them)."""
    episodes = list(session.scalars(select(Episode).order_by(Episode.id)))
    risky = set(session.scalars(select(RiskEventRecord.patient_id)))
    closed = next(e for e in episodes if e.patient_id in risky)
    closed.ended_on = START.date()
    first = session.scalars(
        select(Administration)
        .where(Administration.episode_id == episodes[-1].id)
        .order_by(Administration.administered_at.desc())
    ).first()
    assert first is not None
    first.voided_at = START
    missed = session.scalars(
        select(TherapySession)
        .where(TherapySession.episode_id == episodes[-2].id)
        .order_by(TherapySession.number.desc())
    ).first()
    assert missed is not None
    missed.attended = False
    missed.notes = {"rupture_markers": ["withdrawal", "not a defined marker"]}
    session.execute(
        update(Episode).where(Episode.id == episodes[-3].id).values(outcome_instrument="nope")
    )
    session.flush()


def test_batched_refresh_stores_what_the_one_patient_refresh_stores(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    clinic = _clinic(ctx, n=12)
    run_import(ctx, world.admin, _units(_write(clinic, tmp_path / "csv")), batch_size=60)
    now = START + dt.timedelta(days=1)
    with ctx.sessions() as session, session.begin():
        stored = _rows(session)
        patients = list(session.scalars(select(Patient.id)))
        inputs = StatusInputs(session, caseness=ctx.caseness)
        refresh_patients_batched(session, patients, inputs=inputs, now=now)
        assert _rows(session) == stored  # the import's own (batched) refresh
        _refresh_one_by_one(session, patients, inputs=inputs, now=now)
        assert _rows(session) == stored

        _vary(session)
        _refresh_one_by_one(session, patients, inputs=inputs, now=now)
        one_by_one = _rows(session)
        assert one_by_one != stored
        assert any(r["episode_id"] is None for r in one_by_one)  # closed, risk still open
        assert any(r["problem"] for r in one_by_one)  # the unknown instrument
        refresh_patients_batched(session, patients, inputs=inputs, now=now)
        assert _rows(session) == one_by_one
        refresh_patient_statuses(session, patients, inputs=inputs, now=now)
        assert _rows(session) == one_by_one
        session.execute(delete(EpisodeStatusRecord))  # every row new: one multi-row INSERT
        refresh_patients_batched(session, patients, inputs=inputs, now=now)
        assert _rows(session) == one_by_one
        session.rollback()
