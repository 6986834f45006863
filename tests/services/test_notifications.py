"""A risk answer that arrives without the clinician present notifies them at once (issue 14).

A patient's self-report with PHQ-9 item 9 endorsed opens the risk event and, in the same
transaction, a notification for the treating clinician: in the app always, by e-mail unless
they switched it off; it waits until acknowledged or until the risk event is answered; left
unacknowledged past ``ATTUNE_RISK_ESCALATION_HOURS`` it goes to the supervisor too. Answers
entered in a session (the clinician was there) notify nobody. Both backends.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.errors import InputError, NotFound
from attunement.notifications import NotificationChannels, NotificationKind
from attunement.services import (
    Channels,
    InvitationCreate,
    NotificationEmailSet,
    RiskResponseCreate,
    SelfReportResponse,
    SelfReportSubmission,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    acknowledge_notification,
    escalate_risk_notifications,
    get_patient,
    invite_patient,
    list_audit,
    list_notifications,
    notification_preferences,
    open_invitation,
    record_session,
    respond_to_risk,
    run_next_job,
    set_notification_email,
    set_notification_preferences,
    submit_self_report,
    waiting_notifications,
)
from attunement.store import NotificationRecord
from tests.services.world import OPERATOR, FakeClock, World
from tests.support.smtp import SmtpSink

CALM = [1, 1, 1, 1, 1, 1, 1, 1, 0]
ITEM9 = [2, 2, 2, 2, 2, 2, 2, 2, 3]  # item 9 endorsed "nearly every day"
BLANK9 = [2, 2, 2, 2, 2, 2, 2, 2, None]


def _self_report(ctx: ServiceContext, world: World, answers: list[int | None]) -> None:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    submit_self_report(
        ctx,
        open_invitation(ctx, issued.token),
        SelfReportSubmission(responses=[SelfReportResponse(instrument="phq9", answers=answers)]),
    )


def _respond(ctx: ServiceContext, world: World) -> None:
    respond_to_risk(
        ctx,
        world.ana,
        world.patient_a,
        RiskResponseCreate(
            assessed_on=ctx.now().date(),
            level="low",
            actions=["safety_plan"],
            note="Synthetic note.",
        ),
    )


def test_an_endorsed_self_report_notifies_the_treating_clinician(
    ctx: ServiceContext, world: World
) -> None:
    _self_report(ctx, world, ITEM9)
    (notice,) = list_notifications(ctx, world.ana)
    assert notice.kind is NotificationKind.RISK
    assert notice.patient_id == world.patient_a
    assert notice.patient_name is not None
    assert notice.risk_event_id is not None
    assert notice.email_state == "pending"  # the e-mail says only that something waits
    assert notice.acknowledged_at is None
    assert waiting_notifications(ctx, world.ana.user_id) == (1, 1)
    assert list_notifications(ctx, world.ben) == []  # nobody else's
    assert waiting_notifications(ctx, world.supervisor.user_id) == (0, 0)


def test_a_blank_risk_item_notifies_too(ctx: ServiceContext, world: World) -> None:
    _self_report(ctx, world, BLANK9)
    assert [n.kind for n in list_notifications(ctx, world.ana)] == [NotificationKind.RISK]


def test_a_calm_self_report_and_a_session_entry_notify_nobody(
    ctx: ServiceContext, world: World
) -> None:
    _self_report(ctx, world, CALM)
    record_session(  # entered by the clinician in the session: they were there
        ctx,
        world.ana,
        world.episode_a,
        TherapySessionCreate(
            number=1,
            administrations=[TherapySessionAdministration(instrument="phq9", answers=ITEM9)],
        ),
    )
    assert list_notifications(ctx, world.ana) == []


def test_a_second_answer_joining_the_open_event_adds_no_second_notification(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _self_report(ctx, world, ITEM9)
    clock.advance(days=1)
    _self_report(ctx, world, ITEM9)
    assert len(list_notifications(ctx, world.ana)) == 1


def test_acknowledging_is_the_recipients_own_audited_and_repeatable(
    ctx: ServiceContext, world: World
) -> None:
    _self_report(ctx, world, ITEM9)
    (notice,) = list_notifications(ctx, world.ana)
    with pytest.raises(NotFound):
        acknowledge_notification(ctx, world.ben, notice.id)
    with pytest.raises(NotFound):
        acknowledge_notification(ctx, world.ana, notice.id + 1000)
    acknowledge_notification(ctx, world.ana, notice.id)
    acknowledge_notification(ctx, world.ana, notice.id)  # a double tap changes nothing
    assert list_notifications(ctx, world.ana) == []
    (kept,) = list_notifications(ctx, world.ana, include_acknowledged=True)
    assert kept.acknowledged_at is not None
    actions = [e.action for e in list_audit(ctx, OPERATOR)]
    assert actions.count("notification.acknowledge") == 4  # two refused, two accepted


def test_answering_the_risk_event_acknowledges_its_notification(
    ctx: ServiceContext, world: World
) -> None:
    _self_report(ctx, world, ITEM9)
    _respond(ctx, world)
    assert waiting_notifications(ctx, world.ana.user_id) == (0, 0)


def test_an_unacknowledged_notification_escalates_to_the_supervisor_once(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _self_report(ctx, world, ITEM9)
    assert escalate_risk_notifications(ctx, OPERATOR) == 0  # not yet 24 hours
    clock.advance(hours=24)
    assert escalate_risk_notifications(ctx, OPERATOR) == 1
    assert escalate_risk_notifications(ctx, OPERATOR) == 0  # once
    (escalated,) = list_notifications(ctx, world.supervisor)
    assert escalated.kind is NotificationKind.RISK_ESCALATED
    assert escalated.patient_id == world.patient_a  # the supervisor reads ana's patients
    (original,) = list_notifications(ctx, world.ana)
    assert original.escalated_at is not None
    _respond(ctx, world)  # the answer acknowledges both
    assert waiting_notifications(ctx, world.supervisor.user_id) == (0, 0)


def test_an_acknowledged_notification_does_not_escalate(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _self_report(ctx, world, ITEM9)
    (notice,) = list_notifications(ctx, world.ana)
    acknowledge_notification(ctx, world.ana, notice.id)
    clock.advance(hours=48)
    assert escalate_risk_notifications(ctx, OPERATOR) == 0


def test_a_clinician_without_a_supervisor_keeps_the_notification(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    issued = invite_patient(ctx, world.ben, world.episode_b, InvitationCreate(instruments=["phq9"]))
    submit_self_report(
        ctx,
        open_invitation(ctx, issued.token),
        SelfReportSubmission(responses=[SelfReportResponse(instrument="phq9", answers=ITEM9)]),
    )
    clock.advance(hours=25)
    assert escalate_risk_notifications(ctx, OPERATOR) == 0
    assert len(list_notifications(ctx, world.ben)) == 1


def test_only_an_admin_or_the_operator_escalates(ctx: ServiceContext, world: World) -> None:
    from attunement.errors import Forbidden

    with pytest.raises(Forbidden):
        escalate_risk_notifications(ctx, world.ana)


def test_the_email_can_be_switched_off_but_the_app_notification_cannot(
    ctx: ServiceContext, world: World
) -> None:
    defaults = notification_preferences(ctx, world.ana).channels
    assert defaults[NotificationKind.RISK] == NotificationChannels(in_app=True, email=True)
    assert defaults[NotificationKind.WEEKLY_DIGEST] == NotificationChannels(
        in_app=False, email=False
    )
    with pytest.raises(InputError) as refused:
        set_notification_preferences(
            ctx, world.ana, {NotificationKind.RISK: NotificationChannels(in_app=False, email=False)}
        )
    assert refused.value.field == "risk.in_app"
    chosen = set_notification_preferences(
        ctx, world.ana, {NotificationKind.RISK: NotificationChannels(in_app=True, email=False)}
    )
    assert chosen.channels[NotificationKind.RISK].email is False
    _self_report(ctx, world, ITEM9)
    (notice,) = list_notifications(ctx, world.ana)
    assert notice.email_state == "off"


def test_a_moved_patient_is_not_named_to_the_former_clinician(
    ctx: ServiceContext, world: World
) -> None:
    _self_report(ctx, world, ITEM9)
    with ctx.sessions.begin() as session:
        from attunement.store import Patient

        session.get_one(Patient, world.patient_a).clinician_id = world.ben.user_id
    (notice,) = list_notifications(ctx, world.ana)
    assert (notice.patient_id, notice.patient_name, notice.risk_event_id) == (None, None, None)


def test_notifications_are_stored_with_the_risk_event(ctx: ServiceContext, world: World) -> None:
    _self_report(ctx, world, ITEM9)
    with ctx.sessions() as session:
        (record,) = session.scalars(select(NotificationRecord)).all()
    assert record.created_at == ctx.now()
    assert record.created_at.tzinfo == dt.UTC


# ----------------------------------------------------------------- the e-mail, by the worker


@pytest.fixture
def channels(smtp: tuple[SmtpSink, int]) -> Channels:
    smtp[0].messages.clear()
    config = SmtpConfig(host="127.0.0.1", port=smtp[1], sender="clinic@example.org", timeout=5)
    return Channels(public_url="https://clinic.example.org", email=SmtpEmailSender(config))


def _drain(ctx: ServiceContext, channels: Channels) -> int:
    ran = 0
    while run_next_job(ctx, channels, worker="test-worker"):
        ran += 1
    return ran


def test_the_email_says_only_that_something_waits_and_goes_once(
    ctx: ServiceContext, world: World, smtp: tuple[SmtpSink, int], channels: Channels
) -> None:
    set_notification_email(ctx, world.ana, NotificationEmailSet(email="ana@example.org"))
    _self_report(ctx, world, ITEM9)
    assert _drain(ctx, channels) == 1
    assert _drain(ctx, channels) == 0  # nothing twice
    (message,) = smtp[0].messages
    assert message["To"] == "ana@example.org"
    assert "urgent" in str(message["Subject"])
    body = smtp[0].bodies()[0]
    assert "https://clinic.example.org/notifications" in body
    name = get_patient(ctx, world.ana, world.patient_a).display_name
    for secret in (name, *name.split(), "PHQ", "item", "suicid", "risk answer"):
        assert secret.lower() not in (body + str(message["Subject"])).lower(), secret
    (notice,) = list_notifications(ctx, world.ana)
    assert notice.email_state == "sent"


def test_without_an_address_the_email_is_skipped_and_the_app_still_shows_it(
    ctx: ServiceContext, world: World, smtp: tuple[SmtpSink, int], channels: Channels
) -> None:
    _self_report(ctx, world, ITEM9)
    _drain(ctx, channels)
    assert smtp[0].messages == []
    (notice,) = list_notifications(ctx, world.ana)
    assert notice.email_state == "skipped"


def test_a_send_interrupted_by_a_crash_is_not_repeated(
    ctx: ServiceContext, world: World, smtp: tuple[SmtpSink, int], channels: Channels
) -> None:
    set_notification_email(ctx, world.ana, NotificationEmailSet(email="ana@example.org"))
    _self_report(ctx, world, ITEM9)
    with ctx.sessions.begin() as session:  # the worker died after claiming the send
        record = session.scalars(select(NotificationRecord)).one()
        record.email_state = "sending"
    assert _drain(ctx, channels) == 1
    assert smtp[0].messages == []
    assert list_notifications(ctx, world.ana)[0].email_state == "unconfirmed"


def test_a_bad_address_is_refused_naming_the_field(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        NotificationEmailSet(email="not an address")
    assert refused.value.errors()[0]["loc"] == ("email",)
    assert notification_preferences(ctx, world.ana).email is None
