"""A stored status is never overwritten by one computed before a write it missed (issue 13).

A refresh of many patients (``attune status --refresh``, the norms taken again, a fitted
growth model) reads each patient's inputs, then rewrites its rows. On PostgreSQL (read
committed) a write to one of those patients that commits in between would be lost from
the stored status — the patient's newest answers missing from the caseload until the
patient's next write — unless the refresh reads a patient only once no other writer is
computing that patient's status. Here refreshes of the whole clinic run in a loop while
clinicians record answers; afterwards every stored row must equal a recomputation.
All patients here are synthetic.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    OperatorActor,
    PatientCreate,
    ServiceContext,
    record_administration,
    refresh_all_statuses,
    register_patient,
    start_episode,
)
from attunement.services._growth_models import StatusInputs
from attunement.services._status_store import refresh_patient_statuses
from attunement.store import EpisodeStatusRecord, Patient
from tests.services.world import START, FakeClock, World

_VOLATILE = {"id", "version", "computed_at"}


def _rows(session: Session) -> dict[int | None, dict[str, Any]]:
    return {
        row.episode_id: {
            column.key: getattr(row, column.key)
            for column in EpisodeStatusRecord.__table__.columns
            if column.key not in _VOLATILE
        }
        for row in session.scalars(select(EpisodeStatusRecord))
    }


def stored_and_recomputed(
    ctx: ServiceContext,
) -> tuple[dict[int | None, dict[str, Any]], dict[int | None, dict[str, Any]]]:
    """The stored rows, and the rows a refresh of every patient computes now (rolled back)."""
    with ctx.sessions() as session:
        stored = _rows(session)
        patients = list(session.scalars(select(Patient.id)))
        inputs = StatusInputs(session, caseness=ctx.caseness)
        refresh_patient_statuses(session, patients, inputs=inputs, now=ctx.now())
        session.flush()
        session.expire_all()
        recomputed = _rows(session)
        session.rollback()
    return stored, recomputed


def test_a_refresh_of_the_clinic_never_loses_a_write_that_ran_beside_it(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(weeks=8)
    episodes = []
    for index in range(12):
        patient = register_patient(
            ctx, world.ana, PatientCreate(display_name=f"Synthetic R{index}")
        )
        episodes.append(
            start_episode(
                ctx,
                world.ana,
                patient.id,
                EpisodeCreate(
                    outcome_instrument="phq9",
                    alliance_instrument="wai_sr",
                    started_on=START.date(),
                ),
            ).id
        )
    done = threading.Event()

    def refresh_in_a_loop() -> int:
        rounds = 0
        while not done.is_set() or rounds == 0:
            refresh_all_statuses(ctx, OperatorActor(name="tester"), batch=5)
            rounds += 1
        return rounds

    def record(worker: int) -> None:
        for week in range(6):
            for episode in episodes[worker::3]:
                record_administration(
                    ctx,
                    world.ana,
                    episode,
                    AdministrationCreate(
                        instrument="phq9",
                        answers=[(week + worker) % 4] * 9,
                        administered_at=START + dt.timedelta(weeks=week, hours=worker),
                    ),
                )

    with ThreadPoolExecutor(max_workers=4) as pool:
        refreshing = pool.submit(refresh_in_a_loop)
        writers = [pool.submit(record, worker) for worker in range(3)]
        try:
            for writer in writers:
                writer.result()
        finally:
            done.set()
        assert refreshing.result() >= 1

    stored, recomputed = stored_and_recomputed(ctx)
    assert set(stored) == set(recomputed)
    stale = sorted(e for e in stored if e is not None and stored[e] != recomputed[e])
    assert stale == [], f"rows computed before a write they missed: episodes {stale}"
    for episode in episodes:
        assert stored[episode]["latest_session"] is not None
