"""Risk is a state, not a cell: an endorsed or blank risk item stays open until answered.

Issue 11, seen cases: item 9 = 3 at session 2 and 0 at session 3 gave a white status with
``flags: []``; an intake PHQ-9 with item 9 endorsed showed "Profile saved." and nothing on
the caseload; a blank item 9 was accepted silently. Both backends (the ``engine`` fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from attunement.errors import InputError, InvalidAnswer
from attunement.services import (
    AdministrationCreate,
    InvitationCreate,
    RiskResponseCreate,
    SelfReportResponse,
    SelfReportSubmission,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionAnswerInvalid,
    TherapySessionCreate,
    caseload,
    get_status,
    invite_patient,
    list_audit,
    list_risk_events,
    open_invitation,
    record_administration,
    record_session,
    respond_to_risk,
    submit_self_report,
    update_profile,
)
from attunement.store import RiskEventRecord
from tests.services.world import OPERATOR, FakeClock, World

CALM = [2, 2, 2, 2, 2, 2, 2, 2, 0]  # PHQ-9 16, item 9 not endorsed
ITEM9 = [2, 2, 2, 2, 2, 2, 2, 2, 3]  # PHQ-9 19, item 9 endorsed "nearly every day"
BLANK9 = [2, 2, 2, 2, 2, 2, 2, 2, None]


def _session(ctx: ServiceContext, world: World, number: int, answers: list[int | None]) -> None:
    record_session(
        ctx,
        world.ana,
        world.episode_a,
        TherapySessionCreate(
            number=number,
            administrations=[TherapySessionAdministration(instrument="phq9", answers=answers)],
        ),
    )


def _response(ctx: ServiceContext, **overrides: object) -> RiskResponseCreate:
    fields: dict[str, object] = {
        "assessed_on": ctx.now().date(),
        "level": "low",
        "actions": ["safety_plan", "crisis_contacts"],
        "note": "Synthetic note: passive thoughts, no plan; safety plan reviewed.",
    }
    return RiskResponseCreate.model_validate(fields | overrides)


def test_item9_endorsed_at_session_2_stays_open_after_a_calm_session_3(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _session(ctx, world, 1, CALM)
    clock.advance(days=7)
    _session(ctx, world, 2, ITEM9)
    clock.advance(days=7)
    _session(ctx, world, 3, CALM)
    status = get_status(ctx, world.ana, world.episode_a)
    assert status.flags == ()  # nothing endorsed at session 3 itself
    assert status.open_risk
    (event,) = [e for e in status.risk_events if e.open]
    assert event.kind == "endorsed"
    assert event.sessions == (2,)
    assert event.first.answer == 3
    first = caseload(ctx, world.ana).entries[0]
    assert (first.episode_id, first.risk_flag, first.open_risk_events) == (world.episode_a, True, 1)


def test_the_open_event_is_pinned_above_a_red_patient_of_another_clinician(
    ctx: ServiceContext, world: World
) -> None:
    _session(ctx, world, 1, ITEM9)
    entries = caseload(ctx, world.supervisor).entries
    assert entries[0].patient_id == world.patient_a
    assert entries[0].risk_flag


def test_a_response_moves_the_event_to_history_and_is_audited(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _session(ctx, world, 1, ITEM9)
    clock.advance(hours=1)
    answered = respond_to_risk(ctx, world.ana, world.patient_a, _response(ctx))
    assert [e.open for e in answered] == [False]
    assert answered[0].response is not None
    assert answered[0].response.recorded_by == "user:ana" or answered[0].response.recorded_by
    status = get_status(ctx, world.ana, world.episode_a)
    assert not status.open_risk
    assert [e.open for e in status.risk_events] == [False]
    assert not caseload(ctx, world.ana).entries[0].risk_flag
    entries = [e for e in list_audit(ctx, OPERATOR) if e.action == "risk.respond"]
    assert len(entries) == 1
    assert entries[0].patient_id == world.patient_a
    assert "Synthetic note" not in str(entries[0].detail)  # free text stays out of the trail
    assert entries[0].detail["level"] == "low"


def test_a_new_endorsement_after_a_response_opens_a_new_event(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _session(ctx, world, 1, ITEM9)
    respond_to_risk(ctx, world.ana, world.patient_a, _response(ctx))
    clock.advance(days=7)
    _session(ctx, world, 2, ITEM9)
    events = list_risk_events(ctx, world.ana, world.patient_a)
    assert [(e.open, e.endorsements[0].session) for e in events] == [(True, 2), (False, 1)]


def test_a_later_endorsement_joins_the_open_event(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _session(ctx, world, 1, ITEM9)
    clock.advance(days=7)
    _session(ctx, world, 2, ITEM9)
    (event,) = list_risk_events(ctx, world.ana, world.patient_a)
    assert event.open
    assert [e.session for e in event.endorsements] == [1, 2]


def test_a_blank_risk_item_opens_an_unanswered_risk_item_event(
    ctx: ServiceContext, world: World
) -> None:
    _session(ctx, world, 1, BLANK9)
    status = get_status(ctx, world.ana, world.episode_a)
    assert status.latest is not None  # 8 of 9 answered: prorated and scored
    (event,) = status.risk_events
    assert (event.kind, event.open) == ("unanswered", True)
    assert "unanswered" in list_risk_events(ctx, world.ana, world.patient_a)[0].headline


def test_an_intake_questionnaire_with_item9_puts_the_patient_on_the_caseload(
    ctx: ServiceContext, world: World
) -> None:
    from attunement.services import PatientCreate, register_patient

    newcomer = register_patient(ctx, world.ana, PatientCreate(display_name="Synthetic Nel"))
    update_profile(
        ctx, world.ana, newcomer.id, {"distress": {"instrument": "phq9", "answers": ITEM9}}
    )
    pinned = caseload(ctx, world.ana).entries[0]
    assert (pinned.patient_id, pinned.episode_id, pinned.risk_flag) == (newcomer.id, None, True)
    (event,) = list_risk_events(ctx, world.ana, newcomer.id)
    assert event.endorsements[0].route == "intake"


def test_saving_the_profile_again_does_not_reopen_an_answered_intake_event(
    ctx: ServiceContext, world: World
) -> None:
    profile = {"distress": {"instrument": "phq9", "answers": ITEM9}}
    update_profile(ctx, world.ana, world.patient_a, profile)
    respond_to_risk(ctx, world.ana, world.patient_a, _response(ctx))
    update_profile(ctx, world.ana, world.patient_a, {**profile, "reactance": "low"})
    assert [e.open for e in list_risk_events(ctx, world.ana, world.patient_a)] == [False]
    again = {"distress": {"instrument": "phq9", "answers": [3, 2, 2, 2, 2, 2, 2, 2, 3]}}
    update_profile(ctx, world.ana, world.patient_a, again)  # a new administration
    assert [e.open for e in list_risk_events(ctx, world.ana, world.patient_a)] == [True, False]


def test_a_self_report_with_item9_opens_an_event(ctx: ServiceContext, world: World) -> None:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    actor = open_invitation(ctx, issued.token)
    submit_self_report(
        ctx,
        actor,
        SelfReportSubmission(responses=[SelfReportResponse(instrument="phq9", answers=ITEM9)]),
    )
    (event,) = list_risk_events(ctx, world.ana, world.patient_a)
    assert (event.open, event.endorsements[0].route) == (True, "self_report")


def test_a_single_administration_opens_an_event(ctx: ServiceContext, world: World) -> None:
    record_administration(
        ctx, world.ana, world.episode_a, AdministrationCreate(instrument="phq9", answers=ITEM9)
    )
    assert list_risk_events(ctx, world.ana, world.patient_a)[0].open


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"level": "catastrophic"}, "level"),
        ({"actions": ["hope"]}, "actions"),
        ({"actions": ["no_action"]}, "reason"),
        ({"actions": ["no_action", "safety_plan"], "reason": "x"}, "actions"),
        ({"assessed_on": dt.date(2030, 1, 1)}, "assessed_on"),
        ({"assessed_on": dt.date(2020, 1, 1)}, "assessed_on"),
        ({"event_ids": [999]}, "event_ids"),
    ],
)
def test_a_bad_response_names_its_field_and_stores_nothing(
    ctx: ServiceContext, world: World, overrides: dict[str, object], field: str
) -> None:
    _session(ctx, world, 1, ITEM9)
    with pytest.raises(InputError) as caught:
        respond_to_risk(ctx, world.ana, world.patient_a, _response(ctx, **overrides))
    assert caught.value.field == field
    assert list_risk_events(ctx, world.ana, world.patient_a)[0].open


def test_no_action_with_a_reason_is_a_valid_response(ctx: ServiceContext, world: World) -> None:
    _session(ctx, world, 1, ITEM9)
    answered = respond_to_risk(
        ctx,
        world.ana,
        world.patient_a,
        _response(ctx, actions=["no_action"], reason="answer entered in error", level="low"),
    )
    assert answered[0].response is not None
    assert answered[0].response.reason == "answer entered in error"


def test_a_response_without_an_open_event_is_refused(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(InputError, match="risk event is open"):
        respond_to_risk(ctx, world.ana, world.patient_a, _response(ctx))


def test_the_supervisor_may_read_but_not_answer(ctx: ServiceContext, world: World) -> None:
    from attunement.errors import Forbidden

    _session(ctx, world, 1, ITEM9)
    assert list_risk_events(ctx, world.supervisor, world.patient_a)[0].open
    with pytest.raises(Forbidden):
        respond_to_risk(ctx, world.supervisor, world.patient_a, _response(ctx))


def test_a_refused_session_still_names_the_endorsed_risk_item(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(TherapySessionAnswerInvalid) as caught:
        _session(ctx, world, 1, [4, 0, 1, 0, 0, 0, 0, 0, 3])
    assert caught.value.item == "phq9_1"
    assert "RISK" in caught.value.message
    assert "Item 9" in caught.value.message
    assert caught.value.risk


def test_a_refused_administration_still_names_the_endorsed_risk_item(
    ctx: ServiceContext, world: World
) -> None:
    with pytest.raises(InvalidAnswer, match="Item 9"):
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(instrument="phq9", answers=[4, 0, 1, 0, 0, 0, 0, 0, 3]),
        )


def test_events_are_stored_once_per_kind_and_never_deleted(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _session(ctx, world, 1, ITEM9)
    clock.advance(days=7)
    _session(ctx, world, 2, BLANK9)
    with ctx.sessions() as session:
        kinds = sorted(session.scalars(select(RiskEventRecord.kind)))
    assert kinds == ["endorsed", "unanswered"]
