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

from sqlalchemy import delete, event, select, update
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


def test_an_import_batch_takes_as_many_statements_for_many_patients_as_for_few(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    """Statements per batch do not grow with its patients (multi-row INSERTs, one query
    per kind of input for the stored statuses and the risk events). On SQLite an INSERT
    whose ids must come back in order is one statement per row (SQLAlchemy's
    insertmanyvalues cannot order SQLite's ids), so there only the other statements count."""
    units = _units(_write(_clinic(ctx, n=12), tmp_path / "csv"))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = ctx.sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        counts = []
        for part in (units[:3], units[3:]):
            statements.clear()
            run_import(ctx, world.admin, part, batch_size=10_000)
            if engine.dialect.name == "sqlite":  # SQLAlchemy returns ordered ids from SQLite
                statements[:] = [s for s in statements if not s.startswith("INSERT")]  # per row
            counts.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    few, many = counts
    assert len(units[3:]) == 3 * len(units[:3])
    assert many <= few + 2, (few, many)  # +2: a batch without risk flags skips their lock/read
