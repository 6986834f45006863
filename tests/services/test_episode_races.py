"""A close and a write racing on one episode: the write comes first or is refused as closed.

The closing transaction is held open by hand (a raw connection that has closed the episode
but not committed); the racing write must wait for it and then see the episode closed —
never record a session in it, never spend a link of it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, Engine, func, select, text

from attunement.errors import AuthenticationError
from attunement.services import (
    EpisodeClosed,
    InvitationCreate,
    SelfReportSubmission,
    ServiceContext,
    TherapySessionCreate,
    invite_patient,
    open_invitation,
    record_session,
    submit_self_report,
)
from attunement.store import TherapySession
from tests.services.world import World


def _close_uncommitted(connection: Connection, episode_id: int) -> None:
    """What ``close_episode`` writes, in a transaction the test commits later."""
    connection.execute(
        text(
            "UPDATE episodes SET ended_on = '2026-03-02', end_reason = 'planned_end' WHERE id = :id"
        ).bindparams(id=episode_id)
    )
    connection.execute(
        text(
            "UPDATE invitations SET revoked_at = CURRENT_TIMESTAMP"
            " WHERE episode_id = :id AND used_at IS NULL AND revoked_at IS NULL"
        ).bindparams(id=episode_id)
    )


def _wait_until_blocked(engine: Engine) -> None:
    """Until the racing request waits for the closer's lock (PostgreSQL shows it; on SQLite
    the request waits on the database's write lock, so a short pause is enough)."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 10
    with engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            probe.rollback()
            if waiting:
                return
            time.sleep(0.02)
    pytest.fail("the racing request never waited for the closing transaction")


def _race(engine: Engine, episode_id: int, write: Callable[[], object]) -> BaseException | None:
    """Run ``write`` while a close of ``episode_id`` is in flight; what it raised."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            write()
            outcome.append(None)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    with engine.connect() as closer:
        if closer.dialect.name == "sqlite":
            closer.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            closer.begin()
        _close_uncommitted(closer, episode_id)
        racer = threading.Thread(target=run)
        racer.start()
        _wait_until_blocked(engine)
        closer.commit()
    racer.join(timeout=30)
    assert outcome, "the racing request did not finish"
    return outcome[0]


def test_a_session_recorded_while_the_episode_closes_is_refused(
    ctx: ServiceContext, world: World, engine: Engine
) -> None:
    error = _race(
        engine,
        world.episode_a,
        lambda: record_session(ctx, world.ana, world.episode_a, TherapySessionCreate()),
    )
    assert isinstance(error, EpisodeClosed)
    with engine.connect() as connection:
        sessions = connection.scalar(
            select(func.count()).where(TherapySession.episode_id == world.episode_a)
        )
    assert sessions == 0


def test_a_link_of_an_episode_closing_meanwhile_is_not_spent(
    ctx: ServiceContext, world: World, engine: Engine
) -> None:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    patient = open_invitation(ctx, issued.token)  # the patient opened the page before the close
    answers = SelfReportSubmission.model_validate(
        {"responses": [{"instrument": "phq9", "answers": [1, 1, 2, 1, 0, 1, 1, 0, 0]}]}
    )
    error = _race(engine, world.episode_a, lambda: submit_self_report(ctx, patient, answers))
    assert isinstance(error, AuthenticationError)
