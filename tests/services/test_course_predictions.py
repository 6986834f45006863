"""The personalised course is stored on the write that records an episode's intake.

The clinic is the synthetic demo clinic (every record labelled synthetic), whose demo closes
the episodes that ended; a new patient's intake is then recorded through the services.
Runs on SQLite and PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from attunement.errors import NotFound
from attunement.learning import NEIGHBOUR_OUTCOMES
from attunement.services import (
    AdministrationCorrection,
    AdministrationCreate,
    EpisodeCreate,
    EpisodeReopen,
    PatientCreate,
    ServiceContext,
    UserActor,
    correct_administration,
    list_course_predictions,
    patient_page,
    record_administration,
    register_patient,
    reopen_episode,
    seed_demo_clinic,
    service_context,
    start_episode,
)
from attunement.simulate import simulate_clinic
from attunement.store import AuditEntry, CoursePredictionRecord, Episode, User, make_sessionmaker
from tests.services.course_clinic import alike_ended_episodes
from tests.services.world import START, World, build_world, make_context

NOW = dt.datetime(2024, 9, 1, 12, tzinfo=dt.UTC)
MODERATE = [2, 2, 2, 2, 2, 2, 2, 2, 0]  # PHQ-9 total 16
MILDER = [1, 1, 1, 1, 1, 1, 1, 1, 0]  # PHQ-9 total 8


@pytest.fixture
def clinic(engine: Engine) -> ServiceContext:
    synthetic = simulate_clinic(seed=5, n_patients=36, start=dt.date(2024, 1, 1))
    seed_demo_clinic(make_sessionmaker(engine), synthetic, now=NOW)
    return service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)


def _clinician(ctx: ServiceContext) -> UserActor:
    with ctx.sessions() as session:
        user = session.scalars(select(User).where(User.username == "dr_okafor")).one()
        return UserActor(user_id=user.id, username=user.username, role="clinician")


def _new_episode(ctx: ServiceContext, actor: UserActor) -> int:
    patient = register_patient(
        ctx, actor, PatientCreate(display_name="Synthetic Newcomer", preferred_language="en")
    )
    return start_episode(ctx, actor, patient.id, EpisodeCreate(started_on=NOW.date())).id


def _stored(ctx: ServiceContext, episode_id: int) -> int:
    with ctx.sessions() as session:
        return int(
            session.scalar(
                select(func.count(CoursePredictionRecord.id)).where(
                    CoursePredictionRecord.episode_id == episode_id
                )
            )
            or 0
        )


def _intake(ctx: ServiceContext, actor: UserActor, episode_id: int, answers: list[int]) -> int:
    data = AdministrationCreate(instrument="phq9", answers=answers, session_number=1)
    return record_administration(ctx, actor, episode_id, data).id


def test_the_intake_write_stores_one_course_and_reads_never_add_one(
    clinic: ServiceContext,
) -> None:
    dr = _clinician(clinic)
    episode_id = _new_episode(clinic, dr)
    assert _stored(clinic, episode_id) == 0  # no intake, no course
    _intake(clinic, dr, episode_id, MODERATE)
    assert _stored(clinic, episode_id) == 1

    (course,) = list_course_predictions(clinic, dr, episode_id)
    with clinic.sessions() as session:
        patient_id = session.get(Episode, episode_id).patient_id  # type: ignore[union-attr]
    page = patient_page(clinic, dr, patient_id)
    list_course_predictions(clinic, dr, episode_id)
    assert _stored(clinic, episode_id) == 1  # the reads computed nothing
    assert page.course == course

    assert course.intake == 16
    assert course.made_at == NOW
    assert course.made_at_intake
    assert course.points[0].session == 1
    assert all(p.low <= p.value <= p.high for p in course.points)
    assert course.level == 0.8
    assert course.episodes_compared > 5
    assert list(course.neighbours.outcomes) == list(NEIGHBOUR_OUTCOMES)
    assert sum(course.neighbours.outcomes.values()) == course.neighbours.count
    assert course.neighbours.outcomes["dropped_out"] == course.neighbours.dropped_out
    assert course.model_version.startswith("course-1")


def test_a_later_session_adds_no_course_and_a_corrected_intake_adds_one_keeping_the_old(
    clinic: ServiceContext,
) -> None:
    dr = _clinician(clinic)
    episode_id = _new_episode(clinic, dr)
    intake_id = _intake(clinic, dr, episode_id, MODERATE)
    later = AdministrationCreate(instrument="phq9", answers=MILDER, session_number=2)
    record_administration(clinic, dr, episode_id, later)
    assert _stored(clinic, episode_id) == 1

    correct_administration(
        clinic,
        dr,
        intake_id,
        AdministrationCorrection(answers=MILDER, reason="entered the wrong sheet"),
    )
    newest, first = list_course_predictions(clinic, dr, episode_id)
    assert (newest.intake, first.intake) == (8, 16)  # newest first, the old one kept
    assert first.made_at_intake
    assert not newest.made_at_intake


def test_the_write_audit_entry_counts_what_was_compared_and_names_no_other_patient(
    clinic: ServiceContext,
) -> None:
    dr = _clinician(clinic)
    episode_id = _new_episode(clinic, dr)
    _intake(clinic, dr, episode_id, MODERATE)
    with clinic.sessions() as session:
        action, detail = session.execute(
            select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.seq.desc())
        ).first()  # type: ignore[misc]
    assert action == "administration.create"
    assert set(detail["course_prediction"]) == {"predictions", "episodes_compared"}
    assert detail["course_prediction"]["predictions"] == 1
    assert "patients" not in detail


def test_without_similar_ended_episodes_the_course_says_it_falls_back_to_the_rational_model(
    engine: Engine,
) -> None:
    ctx = make_context(engine)
    world: World = build_world(ctx)
    _intake(ctx, world.ben, world.episode_b, MODERATE)
    (course,) = list_course_predictions(ctx, world.ben, world.episode_b)
    assert course.method == "rational"
    assert course.neighbours.count == 0
    assert course.minimum_neighbours == 20  # what it fell back for, as a fact to word
    assert course.basis is None  # no English sentence stored
    assert course.dropout_probability is None  # no ended episodes: no dropout share either


def test_another_clinicians_episode_is_not_found(engine: Engine) -> None:
    ctx = make_context(engine)
    world = build_world(ctx)
    _intake(ctx, world.ben, world.episode_b, MODERATE)
    with pytest.raises(NotFound):
        list_course_predictions(ctx, world.ana, world.episode_b)
    assert list_course_predictions(ctx, world.ben, world.episode_b)


def test_from_enough_similar_ended_episodes_the_course_is_personalised_with_their_outcomes(
    engine: Engine,
) -> None:
    ctx = make_context(engine)
    world = build_world(ctx)
    start = START.date() - dt.timedelta(weeks=20)
    alike_ended_episodes(ctx, world.ben, count=25, dropouts=5, start=start)
    _intake(ctx, world.ben, world.episode_b, MODERATE)
    (course,) = list_course_predictions(ctx, world.ben, world.episode_b)
    assert course.method == "neighbours"
    assert course.neighbours.count == 25
    assert course.episodes_compared == 25
    assert course.dropout_personalised
    assert course.dropout_probability == pytest.approx(5 / 25)
    # 16 → 6 is a reliable improvement into the healthy range (PHQ-9 cut-off 10): recovered
    assert course.neighbours.outcomes == {
        "recovered": 20,
        "improved": 0,
        "unchanged": 0,
        "deteriorated": 0,
        "dropped_out": 5,
    }
    assert course.points[1].method == "neighbours"
    assert course.points[1].value == pytest.approx(16 + (20 * -4 + 5 * -1) / 25)
    later = [p for p in course.points if p.session > 4]
    assert later
    assert all(p.method == "rational" for p in later)  # no similar episode reached them


def test_a_reopened_episode_leaves_the_episodes_the_next_course_is_compared_with(
    engine: Engine,
) -> None:
    ctx = make_context(engine)
    world = build_world(ctx)
    alike_ended_episodes(
        ctx, world.ben, count=22, dropouts=2, start=START.date() - dt.timedelta(weeks=20)
    )
    _intake(ctx, world.ben, world.episode_b, MODERATE)
    with ctx.sessions() as session:
        ended = session.scalars(
            select(Episode.id).where(Episode.ended_on.is_not(None)).order_by(Episode.id)
        ).first()
    assert ended is not None
    reopen_episode(ctx, world.ben, ended, EpisodeReopen(reason="returned for more sessions"))
    _intake(ctx, world.ana, world.episode_a, MODERATE)
    (before,) = list_course_predictions(ctx, world.ben, world.episode_b)
    (after,) = list_course_predictions(ctx, world.ana, world.episode_a)
    assert (before.episodes_compared, after.episodes_compared) == (22, 21)
