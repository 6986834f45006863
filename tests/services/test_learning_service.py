"""Practice-based learning from stored episodes: audited reads and who sees feedback.

The clinic is the synthetic demo clinic (every record labelled synthetic), whose demo
closes the episodes that ended (dropouts as ``dropout``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from attunement.errors import Forbidden
from attunement.services import (
    InvitationActor,
    OperatorActor,
    ServiceContext,
    UserActor,
    seed_demo_clinic,
    service_context,
)
from attunement.services._clinic_episodes import read_clinic_episodes
from attunement.services.learning import (
    episode_course,
    evaluate_clinic_predictions,
    learning_report,
)
from attunement.simulate import simulate_clinic
from attunement.store import (
    Administration,
    AuditEntry,
    Episode,
    ScoreRecord,
    User,
    make_sessionmaker,
)

NOW = dt.datetime(2024, 9, 1, 12, tzinfo=dt.UTC)
OPERATOR = OperatorActor(name="tester")


@pytest.fixture
def clinic(engine: Engine) -> ServiceContext:
    synthetic = simulate_clinic(seed=5, n_patients=36, start=dt.date(2024, 1, 1))
    seed_demo_clinic(make_sessionmaker(engine), synthetic, now=NOW)
    return service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)


def _clinician(ctx: ServiceContext, username: str) -> UserActor:
    with ctx.sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return UserActor(user_id=user.id, username=user.username, role="clinician")


def _supervisor_of(ctx: ServiceContext, username: str) -> UserActor:
    with ctx.sessions() as session:
        boss = User(
            username="sup", display_name="Sup (synthetic)", role="supervisor", created_at=NOW
        )
        session.add(boss)
        session.flush()
        session.scalars(select(User).where(User.username == username)).one().supervisor_id = boss.id
        session.commit()
        return UserActor(user_id=boss.id, username="sup", role="supervisor")


def _admin(ctx: ServiceContext) -> UserActor:
    with ctx.sessions() as session:
        admin = User(username="adm", display_name="Adm (synthetic)", role="admin", created_at=NOW)
        session.add(admin)
        session.commit()
        return UserActor(user_id=admin.id, username="adm", role="admin")


def _actions(ctx: ServiceContext) -> list[tuple[str, str, dict[str, object]]]:
    with ctx.sessions() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail).order_by(AuditEntry.seq)
        )
        return [(a, b, c) for a, b, c in rows if a.startswith("learning.")]


def test_the_report_is_audited_lists_the_recorded_dimensions_and_filters_therapists(
    clinic: ServiceContext,
) -> None:
    report = learning_report(clinic, OPERATOR)
    assert report.synthetic
    assert report.data.synthetic == report.data.episodes == report.episodes  # the demo's
    assert report.episodes > 5
    # the demo records the preference dimension; rupture repair follows the alliance alerts
    names = [d.dimension for d in report.responsiveness.dimensions]
    assert "preferences" in names
    assert set(names) <= {"preferences", "rupture_repair"}
    assert report.not_recorded == ()  # sex, age band and plan followed are all recorded
    ((action, actor, detail), *_) = _actions(clinic)
    assert (action, actor) == ("learning.report", "operator:tester")
    assert detail["episodes"] == report.episodes
    assert isinstance(detail["patients"], list)
    assert len(detail["patients"]) == report.episodes

    everyone = report.therapists
    assert everyone is not None
    names = [t.therapist for t in everyone.therapists]
    assert names == sorted(names)  # listed by name, never ranked
    assert len(names) == 3
    for row in everyone.therapists:  # nothing below the minimum of ended episodes
        assert row.shown == (row.episodes >= everyone.minimum_episodes)
        if not row.shown:
            assert row.outcomes == {}
            assert row.change is None
    mine = learning_report(clinic, _clinician(clinic, "dr_okafor")).therapists
    assert mine is not None
    assert [t.therapist for t in mine.therapists] == ["dr_okafor"]
    assert mine.clinic_pre_post_d == everyone.clinic_pre_post_d  # the clinic's own figure

    supervisor, admin = _supervisor_of(clinic, "dr_okafor"), _admin(clinic)
    supervised = learning_report(clinic, supervisor).therapists
    assert supervised is not None
    assert [t.therapist for t in supervised.therapists] == ["dr_okafor"]
    everything = learning_report(clinic, admin).therapists
    assert everything is not None
    assert [t.therapist for t in everything.therapists] == names

    patient = InvitationActor(
        invitation_id=1, episode_id=1, patient_id=1, instruments=("phq9",), language="en"
    )
    with pytest.raises(Forbidden):
        learning_report(clinic, patient)


def test_the_evaluation_and_an_episode_course_are_audited(clinic: ServiceContext) -> None:
    evaluation, data = evaluate_clinic_predictions(clinic, OPERATOR)
    assert data.synthetic == data.episodes > 0  # the demo clinic is all SYNTHETIC
    assert evaluation.rows[0].group == "all"
    groups = {row.group for row in evaluation.rows}
    assert groups & {"sex=female", "sex=male"}  # calibration per recorded sex
    assert "sex" not in evaluation.not_recorded
    clinician = _clinician(clinic, "dr_rivera")
    with clinic.sessions() as session:
        episode = session.scalars(
            select(Episode.id).where(Episode.clinician_id == clinician.user_id).limit(1)
        ).one()
    course = episode_course(clinic, clinician, episode, horizon=6)
    assert len(course.points) == 6
    assert course.method in ("neighbours", "empirical", "rational")
    assert [a for a, _, _ in _actions(clinic)] == ["learning.evaluate", "learning.course"]


def test_a_score_of_an_older_definition_is_re_derived_from_its_answers_in_the_learning_read(
    clinic: ServiceContext,
) -> None:
    """The learning reads a stored score of the current definition as stored, and re-scores
    one of an older definition from its raw answers (left out when the current definition
    refuses them), whatever the stored scales say."""
    with clinic.sessions() as session:
        before = {e.key: e.scores for e in read_clinic_episodes(session, "phq9").episodes}
        key = sorted(before, key=int)[0]
        first, second = session.execute(
            select(Administration, ScoreRecord)
            .join(ScoreRecord, ScoreRecord.administration_id == Administration.id)
            .where(Administration.episode_id == int(key), Administration.instrument_id == "phq9")
            .order_by(Administration.administered_at, Administration.id)
            .limit(2)
        ).all()
        for _, stored in (first, second):
            stored.definition_version = "0.0-older"
            stored.scales = {"total": {"value": 99.0}}  # never read: re-scored from answers
        first[0].answers = [7] * len(first[0].answers)  # refused by the current definition
        session.commit()
    with clinic.sessions() as session:
        after = {e.key: e.scores for e in read_clinic_episodes(session, "phq9").episodes}
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
    if len(before[key]) > 2:  # the refused intake is left out, the rest re-derived
        assert after[key] == before[key][1:]
    else:  # one score left: no longer an episode the learning can read
        assert key not in after
