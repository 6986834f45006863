"""The course's neighbour index is built outside the intake's write, and sees corrections.

Issue 15: after a restart, the first intake write used to build the index (every ended
episode read, seconds on a large clinic) inside its write transaction, holding SQLite's
only write lock; and a corrected score of an ended episode reached the index only when the
next episode ended. The clinics here are small and synthetic (every patient labelled
synthetic); builds are counted, never timed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from attunement.instruments import load_instrument, score
from attunement.services import (
    AdministrationCorrection,
    AdministrationCreate,
    Channels,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    UserActor,
    correct_administration,
    list_course_predictions,
    patient_page,
    record_administration,
    register_patient,
    run_next_job,
    start_episode,
)
from attunement.services._course_index import clear_course_indexes, index_builds
from attunement.services._records import store_administration
from attunement.services._status_store import refresh_touched, track_status_changes
from attunement.services._transaction import transaction
from attunement.store import Administration, AuditEntry, Episode, make_engine
from tests.services.course_clinic import alike_ended_episodes, phq9_total
from tests.services.world import START, World, build_world, make_context

MODERATE = phq9_total(16)
EARLIER = START.date() - dt.timedelta(weeks=20)


def _newcomer(ctx: ServiceContext, actor: UserActor, name: str) -> int:
    """A new English-speaking synthetic patient's open episode (alike the ended ones)."""
    patient = register_patient(
        ctx, actor, PatientCreate(display_name=f"Synthetic {name}", preferred_language="en")
    )
    return start_episode(ctx, actor, patient.id, EpisodeCreate(started_on=START.date())).id


def _intake(ctx: ServiceContext, actor: UserActor, episode_id: int) -> None:
    data = AdministrationCreate(instrument="phq9", answers=MODERATE, session_number=1)
    record_administration(ctx, actor, episode_id, data)


class WriteLockProbe:
    """While the ended episodes' scores are read, is a write transaction open on that
    connection, and can a second writer (another connection, no waiting) take SQLite's
    write lock?"""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.path = path
        self.reads: list[tuple[bool, bool]] = []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _end(self, conn: Any) -> None:
        conn.info.pop("writing", None)

    def _second_writer_gets_the_lock(self) -> bool:
        other = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:  # database is locked
            return False
        finally:
            other.close()

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() == "BEGIN IMMEDIATE":
            conn.info["writing"] = True
        elif "definition_version" in statement and "ended_on IS NOT NULL" in statement:
            self.reads.append((bool(conn.info.get("writing")), self._second_writer_gets_the_lock()))


@pytest.fixture
def sqlite_file(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "clinic.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        yield engine, path
    finally:
        engine.dispose()


def test_after_a_restart_the_first_intake_builds_the_index_once_and_outside_its_write(
    sqlite_file: tuple[Engine, Path],
) -> None:
    engine, path = sqlite_file
    ctx = make_context(engine)
    world = build_world(ctx)
    alike_ended_episodes(ctx, world.ben, count=6, dropouts=1, start=EARLIER)
    clear_course_indexes()  # a restart
    probe = WriteLockProbe(engine, path)
    before = index_builds()

    _intake(ctx, world.ben, world.episode_b)

    assert index_builds() - before == 1
    assert probe.reads  # the build read the ended episodes' scores...
    assert all(not writing for writing, _ in probe.reads)  # ...in no write transaction
    assert all(free for _, free in probe.reads)  # and another writer was not held up
    (course,) = list_course_predictions(ctx, world.ben, world.episode_b)
    assert course.episodes_compared == 6
    assert course.made_at_intake

    later = _newcomer(ctx, world.ben, "Second")
    _intake(ctx, world.ben, later)  # the index is ready: stored in the intake's own write
    assert index_builds() - before == 1
    with ctx.sessions() as session:
        detail = session.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "administration.create")
            .order_by(AuditEntry.seq.desc())
        ).first()
    assert detail is not None
    assert detail["course_prediction"] == {"predictions": 1, "episodes_compared": 6}


def test_a_course_the_write_left_pending_is_said_so_and_the_worker_stores_it(
    engine: Engine,
) -> None:
    ctx = make_context(engine)
    world = build_world(ctx)
    alike_ended_episodes(ctx, world.ben, count=6, dropouts=1, start=EARLIER)
    clear_course_indexes()  # a restart, and the process stops before completing the course
    with transaction(ctx.sessions) as session:
        changes = track_status_changes(session)
        episode = session.get(Episode, world.episode_b)
        assert episode is not None
        store_administration(  # what record_administration stores, its course still to come
            session,
            episode=episode,
            result=score(load_instrument("phq9"), MODERATE, language="en"),
            answers=MODERATE,
            entered_by="ben",
            administered_at=START,
            entered_at=START,
            route="session",
            session_number=1,
        )
        session.flush()
        written = refresh_touched(session, changes, caseness=ctx.caseness, now=ctx.now()).course
    assert written is not None
    assert written.pending == (world.episode_b,)
    page = patient_page(ctx, world.ben, world.patient_b)
    assert page.course is None
    assert page.course_pending

    assert run_next_job(ctx, Channels(public_url="https://clinic.example.org"), worker="test")
    page = patient_page(ctx, world.ben, world.patient_b)
    assert page.course is not None
    assert page.course.episodes_compared == 6
    assert not page.course_pending
    assert not run_next_job(ctx, Channels(public_url="https://clinic.example.org"), worker="t")


def _last_score_of_a_planned_end(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        found = session.scalars(
            select(Administration.id)
            .join(Episode, Administration.episode_id == Episode.id)
            .where(Episode.ended_on.is_not(None), Episode.end_reason == "planned_end")
            .order_by(Episode.id, Administration.administered_at.desc())
        ).first()
    assert found is not None
    return found


def test_a_corrected_score_of_an_ended_episode_is_seen_by_the_next_prediction(
    engine: Engine,
) -> None:
    ctx = make_context(engine)
    world: World = build_world(ctx)
    alike_ended_episodes(ctx, world.ben, count=25, dropouts=5, start=EARLIER)
    _intake(ctx, world.ben, world.episode_b)
    (before,) = list_course_predictions(ctx, world.ben, world.episode_b)
    assert before.method == "neighbours"
    assert before.neighbours.outcomes["recovered"] == 20

    # the last score of one recovered episode was entered wrongly: 24, not 6 (16 → 24)
    correct_administration(
        ctx,
        world.ben,
        _last_score_of_a_planned_end(ctx),
        AdministrationCorrection(answers=phq9_total(24), reason="entered the wrong sheet"),
    )
    later = _newcomer(ctx, world.ben, "After the correction")
    _intake(ctx, world.ben, later)
    (after,) = list_course_predictions(ctx, world.ben, later)
    assert after.episodes_compared == 25  # the same ended episodes...
    assert after.neighbours.outcomes["recovered"] == 19  # ...one as corrected
    assert after.neighbours.outcomes["deteriorated"] == 1
    assert after.neighbours.outcomes["dropped_out"] == 5
