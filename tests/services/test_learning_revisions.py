"""Which writes raise the learning revision the course's neighbour index is keyed on.

A write that changes what an ended episode's learning record holds (its scores, its end,
its patient's sex, age band or profile) raises the instrument's revision and marks that
episode; a write to an open episode (an intake, a later session) leaves it, so the index
stays ready for the next intake. Synthetic patients; SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from attunement.services import (
    AdministrationCreate,
    EpisodeClose,
    EpisodeCreate,
    PatientCreate,
    PatientUpdate,
    ServiceContext,
    close_episode,
    record_administration,
    register_patient,
    start_episode,
    update_patient,
)
from attunement.services._learning_revisions import learning_revision
from attunement.store import LearningChange
from tests.services.course_clinic import phq9_total
from tests.services.world import START, World

EARLIER = START - dt.timedelta(weeks=12)


def _revision(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        return learning_revision(session, "phq9")


def _marked(ctx: ServiceContext, episode_id: int) -> int | None:
    with ctx.sessions() as session:
        return session.scalar(
            select(LearningChange.revision).where(LearningChange.episode_id == episode_id)
        )


def test_an_ended_episodes_end_and_its_patients_sex_raise_the_revision_an_open_intake_does_not(
    ctx: ServiceContext, world: World
) -> None:
    patient = register_patient(
        ctx, world.ben, PatientCreate(display_name="Synthetic Returner", preferred_language="en")
    ).id
    ended = start_episode(ctx, world.ben, patient, EpisodeCreate(started_on=EARLIER.date())).id
    for number, total in enumerate((16, 9), start=1):
        data = AdministrationCreate(
            instrument="phq9",
            answers=phq9_total(total),
            administered_at=EARLIER + dt.timedelta(weeks=number - 1),
            session_number=number,
        )
        record_administration(ctx, world.ben, ended, data)
    assert _revision(ctx) == 0  # the episode is open: nothing learned from it yet

    close_episode(
        ctx,
        world.ben,
        ended,
        EpisodeClose(end_reason="planned_end", ended_on=EARLIER.date() + dt.timedelta(weeks=2)),
    )
    assert _revision(ctx) == 1
    assert _marked(ctx, ended) == 1

    again = start_episode(ctx, world.ben, patient, EpisodeCreate(started_on=START.date())).id
    intake = AdministrationCreate(instrument="phq9", answers=phq9_total(14), session_number=1)
    record_administration(ctx, world.ben, again, intake)
    record_administration(ctx, world.ben, world.episode_b, intake)
    assert _revision(ctx) == 1  # intakes of open episodes change no learning record

    update_patient(ctx, world.ben, patient, PatientUpdate(sex="female"))
    assert _revision(ctx) == 2
    assert _marked(ctx, ended) == 2
    assert _marked(ctx, again) is None  # open: not in the index
