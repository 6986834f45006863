"""Recording a session: one transaction for attendance, questionnaires and rupture markers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from attunement.errors import (
    Forbidden,
    InputError,
    InvalidAnswer,
    NotFound,
    TherapySessionExists,
    UnknownInstrument,
)
from attunement.services import (
    AdministrationCorrection,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionAnswerInvalid,
    TherapySessionCreate,
    TherapySessionUpdate,
    correct_administration,
    edit_session,
    get_status,
    list_sessions,
    record_session,
)
from attunement.store import Administration, AuditEntry, ScoreRecord, TherapySession
from tests.services.test_episodes import _count
from tests.services.world import START, FakeClock, World

PHQ9 = [2, 2, 2, 2, 2, 2, 1, 1, 0]  # total 14
WAI_SR_GOOD = [4] * 12
WAI_SR_LOW = [2] * 12


def phq9(answers: list[int | float | None] | None = None) -> TherapySessionAdministration:
    return TherapySessionAdministration(instrument="phq9", answers=list(answers or PHQ9))


def wai(answers: list[int]) -> TherapySessionAdministration:
    return TherapySessionAdministration(instrument="wai_sr", answers=list(answers))


def test_a_session_stores_attendance_every_questionnaire_and_the_markers_at_once(
    ctx: ServiceContext, world: World
) -> None:
    recorded = record_session(
        ctx,
        world.ana,
        world.episode_a,
        TherapySessionCreate(
            number=1,
            held_on=START.date(),
            administrations=[phq9(), wai(WAI_SR_GOOD)],
            rupture_markers=["withdrawal"],
        ),
    )
    assert (recorded.number, recorded.held_on, recorded.attended) == (1, START.date(), True)
    assert recorded.rupture_markers == ["withdrawal"]
    assert [a.instrument for a in recorded.administrations] == ["phq9", "wai_sr"]
    assert all(a.session_number == 1 for a in recorded.administrations)
    assert recorded.administrations[0].score is not None
    assert recorded.administrations[0].score.scales["total"]["value"] == 14
    assert recorded.administrations[0].language == "es"  # the patient's preferred language
    with ctx.sessions() as session:
        visit = session.scalars(select(TherapySession)).one()
        assert visit.notes == {"rupture_markers": ["withdrawal"]}
    assert list_sessions(ctx, world.ana, world.episode_a) == [recorded]


def test_recorded_markers_reach_the_alliance_status_with_their_repair_options(
    ctx: ServiceContext, world: World
) -> None:
    record_session(
        ctx,
        world.ana,
        world.episode_a,
        TherapySessionCreate(number=1, administrations=[phq9(), wai(WAI_SR_GOOD)]),
    )
    before = get_status(ctx, world.ana, world.episode_a)
    assert before.alliance is not None
    assert before.alliance.markers == ()
    edit_session(
        ctx, world.ana, world.episode_a, 1, TherapySessionUpdate(rupture_markers=["confrontation"])
    )
    after = get_status(ctx, world.ana, world.episode_a)
    assert after.alliance is not None
    assert [m.marker for m in after.alliance.markers] == ["confrontation"]
    assert after.alliance.state == "rupture"
    assert any(option.marker == "confrontation" for option in after.alliance.repair_options)


def test_an_invalid_answer_names_instrument_and_item_and_stores_nothing(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(TherapySessionAnswerInvalid) as raised:
        record_session(
            ctx,
            world.ana,
            world.episode_a,
            TherapySessionCreate(
                number=1,
                administrations=[phq9(), wai([4] * 11 + [9])],
                rupture_markers=["withdrawal"],
            ),
        )
    error = raised.value
    assert isinstance(error, InvalidAnswer)
    assert (error.instrument, error.item) == ("wai_sr", error.field.split(".", 1)[1])
    assert error.field.startswith("wai_sr.")
    assert error.value == 9
    assert error.allowed.startswith("1")
    for model in (TherapySession, Administration, ScoreRecord):
        assert _count(ctx, model) == 0
    with ctx.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None
    assert (last.action, last.outcome, last.patient_id) == (
        "session.record",
        "rejected",
        world.patient_a,
    )


def test_a_wrong_number_of_answers_names_the_instrument(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(TherapySessionAnswerInvalid) as raised:
        record_session(
            ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[phq9([1])])
        )
    assert raised.value.field == "phq9.answers"
    assert raised.value.item is None
    assert _count(ctx, TherapySession) == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (TherapySessionCreate(rupture_markers=["sulking"]), "rupture_markers"),
        (TherapySessionCreate(administrations=[phq9(), phq9()]), "administrations"),
        (TherapySessionCreate(attended=False, administrations=[phq9()]), "attended"),
        (TherapySessionCreate(attended=False, rupture_markers=["withdrawal"]), "rupture_markers"),
        (TherapySessionCreate(held_on=START.date() + dt.timedelta(days=1)), "held_on"),
        (TherapySessionCreate(held_on=START.date() - dt.timedelta(days=1)), "held_on"),
        (
            TherapySessionCreate(
                administrations=[
                    TherapySessionAdministration(instrument="phq9", answers=PHQ9, language="xx")
                ]
            ),
            "language",
        ),
    ],
)
def test_inputs_that_do_not_fit_are_refused_before_anything_is_stored(
    ctx: ServiceContext, world: World, data: TherapySessionCreate, field: str
) -> None:
    with pytest.raises(InputError) as raised:
        record_session(ctx, world.ana, world.episode_a, data)
    assert raised.value.field == field
    assert _count(ctx, TherapySession) == 0
    assert _count(ctx, Administration) == 0


def test_an_unknown_instrument_is_refused(ctx: ServiceContext, world: World) -> None:
    data = TherapySessionCreate(
        administrations=[TherapySessionAdministration(instrument="nope", answers=[1])]
    )
    with pytest.raises(UnknownInstrument):
        record_session(ctx, world.ana, world.episode_a, data)
    assert _count(ctx, TherapySession) == 0


def test_recording_a_number_again_is_refused_and_an_edit_changes_only_what_is_given(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=10)
    first = record_session(
        ctx,
        world.ana,
        world.episode_a,
        TherapySessionCreate(administrations=[phq9()], rupture_markers=["withdrawal"]),
    )
    assert first.number == 1  # the first session when none is given
    assert first.held_on == clock.now.date()
    later = START.date() + dt.timedelta(days=3)
    with pytest.raises(TherapySessionExists):
        record_session(
            ctx,
            world.ana,
            world.episode_a,
            TherapySessionCreate(number=1, held_on=later, administrations=[wai(WAI_SR_GOOD)]),
        )
    updated = edit_session(ctx, world.ana, world.episode_a, 1, TherapySessionUpdate(held_on=later))
    assert updated.held_on == later
    assert updated.rupture_markers == ["withdrawal"]  # null keeps them
    assert [a.instrument for a in updated.administrations] == ["phq9"]
    cleared = edit_session(
        ctx, world.ana, world.episode_a, 1, TherapySessionUpdate(rupture_markers=[])
    )
    assert cleared.rupture_markers == []
    second = record_session(
        ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[phq9()])
    )
    assert second.number == 2  # then the next one


def test_a_missed_session_is_kept_and_raises_the_missed_sessions_indicator(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    record_session(ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[phq9()]))
    clock.advance(days=7)
    missed = record_session(ctx, world.ana, world.episode_a, TherapySessionCreate(attended=False))
    assert (missed.number, missed.attended, missed.administrations) == (2, False, [])
    status = get_status(ctx, world.ana, world.episode_a)
    assert status.session == 1  # the latest attended session
    assert "missed_sessions" in {risk.indicator for risk in status.dropout_risks}
    with pytest.raises(TherapySessionExists, match="already recorded"):
        record_session(
            ctx, world.ana, world.episode_a, TherapySessionCreate(number=1, attended=False)
        )
    with pytest.raises(InputError, match="questionnaires are recorded"):
        edit_session(ctx, world.ana, world.episode_a, 1, TherapySessionUpdate(attended=False))


def test_only_the_treating_clinician_records_a_session(ctx: ServiceContext, world: World) -> None:
    data = TherapySessionCreate(administrations=[phq9()])
    with pytest.raises(Forbidden):
        record_session(ctx, world.supervisor, world.episode_a, data)
    for outsider in (world.ben, world.admin):
        with pytest.raises(NotFound):
            record_session(ctx, outsider, world.episode_a, data)
    with pytest.raises(NotFound):
        list_sessions(ctx, world.ben, world.episode_a)
    assert _count(ctx, TherapySession) == 0


def test_a_questionnaire_corrected_for_a_session_replaces_it(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    recorded = record_session(
        ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[phq9()])
    )
    clock.advance(days=2)
    correct_administration(
        ctx,
        world.ana,
        recorded.administrations[0].id,
        AdministrationCorrection(answers=[1] * 8 + [0], reason="item scores misread"),
    )
    status = get_status(ctx, world.ana, world.episode_a)
    assert (status.session, status.latest) == (1, 8)
