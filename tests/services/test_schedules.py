"""Scheduled measurement (issue 14): links planned, e-mailed through a real SMTP server on
loopback, reminded, expired; the due list; opt-out; revoke; bounces; clinic settings.

Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.errors import AuthenticationError, Forbidden, InputError
from attunement.services import (
    Channels,
    ClinicSettingsUpdate,
    DueFilter,
    EpisodeScheduleSet,
    PatientContactSet,
    SelfReportSubmission,
    ServiceContext,
    due_list,
    get_clinic_settings,
    get_episode_schedule,
    list_links,
    open_invitation,
    opt_out,
    plan_due_measurements,
    revoke_link,
    run_next_job,
    set_episode_schedule,
    set_patient_contact,
    submit_self_report,
    update_clinic_settings,
)
from attunement.services.demo_schedule import walk_the_schedule
from attunement.store import OutboundMessage
from tests.services.world import START, FakeClock, World
from tests.support.smtp import SmtpSink, free_port

PUBLIC = "https://clinic.example.org"
WORDS_OF_HEALTH = re.compile(r"phq|wai|gad|depress|anxi|alliance|score|diagnos", re.IGNORECASE)


@pytest.fixture
def sink(smtp: tuple[SmtpSink, int]) -> SmtpSink:
    smtp[0].messages.clear()
    smtp[0].reject.clear()
    return smtp[0]


@pytest.fixture
def channels(smtp: tuple[SmtpSink, int]) -> Channels:
    config = SmtpConfig(host="127.0.0.1", port=smtp[1], sender="clinic@example.org", timeout=5)
    return Channels(public_url=PUBLIC, email=SmtpEmailSender(config))


def _drain(ctx: ServiceContext, channels: Channels) -> int:
    ran = 0
    while run_next_job(ctx, channels, worker="test-worker"):
        ran += 1
    return ran


def _weekly(ctx: ServiceContext, world: World, email: str = "alma@example.org") -> None:
    set_patient_contact(ctx, world.ana, world.patient_a, PatientContactSet(email=email))
    set_episode_schedule(
        ctx, world.ana, world.episode_a, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )


def _link(body: str, path: str) -> str:
    found = re.search(rf"{re.escape(PUBLIC)}/{path}/(\S+)", body)
    assert found, body
    return found.group(1)


def test_a_due_link_is_emailed_in_the_patients_language_without_health_information(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    assert plan_due_measurements(ctx) == []  # day 0: the first measure is due on day 7
    clock.advance(days=6)  # one day before: the clinic's lead day
    assert len(plan_due_measurements(ctx)) == 1
    assert plan_due_measurements(ctx) == []  # planning again changes nothing
    _drain(ctx, channels)
    assert len(sink.messages) == 1
    mail = sink.messages[0]
    body = sink.bodies()[0]
    assert mail["To"] == "alma@example.org"
    assert mail["Content-Language"] == "es"
    assert "cuestionario" in (str(mail["Subject"]) + body).lower()
    assert not WORDS_OF_HEALTH.search(str(mail["Subject"]) + body)
    assert mail["List-Unsubscribe"]
    patient = open_invitation(ctx, _link(body, "self-report"))
    assert patient.episode_id == world.episode_a
    entry = due_list(ctx, world.ana, DueFilter()).entries[0]
    assert (entry.state, entry.messages[0].state) == ("due", "sent")


def test_one_reminder_after_two_days_and_none_once_completed(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    clock.advance(days=2, seconds=1)
    _drain(ctx, channels)
    _drain(ctx, channels)
    assert len(sink.messages) == 2
    assert "recordatorio" in str(sink.messages[1]["Subject"]).lower()
    assert sink.messages[0]["Message-ID"] != sink.messages[1]["Message-ID"]
    # the next occasion is completed before its reminder: no reminder goes out
    clock.advance(days=5)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    token = _link(sink.bodies()[-1], "self-report")
    patient = open_invitation(ctx, token)
    answers = {"phq9": [1] * 9, "wai_sr": [3] * 12}
    submit_self_report(
        ctx,
        patient,
        SelfReportSubmission.model_validate(
            {"responses": [{"instrument": i, "answers": answers[i]} for i in patient.instruments]}
        ),
    )
    clock.advance(days=3)
    _drain(ctx, channels)
    assert len(sink.messages) == 3
    page = due_list(ctx, world.ana, DueFilter())
    assert [e.state for e in page.entries] == ["overdue", "completed"]  # by state, then date


def test_an_unanswered_link_expires_and_the_occasion_is_overdue(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    clock.advance(days=4, seconds=1)
    _drain(ctx, channels)
    page = due_list(ctx, world.ana, DueFilter(state="overdue"))
    assert page.total == 1
    assert page.entries[0].state == "overdue"
    assert page.counts == {"overdue": 1, "due": 0, "completed": 0, "revoked": 0}
    with pytest.raises(AuthenticationError):
        open_invitation(ctx, _link(sink.bodies()[0], "self-report"))
    # ben sees none of ana's patients on his due list
    assert due_list(ctx, world.ben, DueFilter()).total == 0


def test_the_patient_opts_out_and_nothing_more_is_sent(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    assert opt_out(ctx, _link(sink.bodies()[0], "opt-out")) == "es"
    assert opt_out(ctx, _link(sink.bodies()[0], "opt-out")) == "es"  # twice is harmless
    clock.advance(days=3)
    _drain(ctx, channels)  # the reminder is not sent
    clock.advance(days=14)
    assert plan_due_measurements(ctx) == []
    assert len(sink.messages) == 1
    assert due_list(ctx, world.ana, DueFilter()).entries[0].opted_out
    kept = set_patient_contact(
        ctx, world.ana, world.patient_a, PatientContactSet(email="alma@example.org")
    )
    assert kept.opted_out  # a new address does not lift the opt-out
    resumed = set_patient_contact(
        ctx,
        world.ana,
        world.patient_a,
        PatientContactSet(email="alma@example.org", resume_messages=True),
    )
    assert not resumed.opted_out
    with pytest.raises(AuthenticationError):
        opt_out(ctx, "opt_not-a-real-token-at-all-000000000")


def test_a_revoked_link_no_longer_opens_and_its_messages_are_not_sent(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)  # planned, not yet sent
    link = list_links(ctx, world.ana, world.episode_a)[0]
    assert (link.state, link.scheduled_for) == ("open", clock.now.date())
    revoked = revoke_link(ctx, world.ana, link.id)
    assert revoked.state == "revoked"
    _drain(ctx, channels)
    assert sink.messages == []
    assert due_list(ctx, world.ana, DueFilter()).entries[0].state == "revoked"
    with pytest.raises(Forbidden):
        revoke_link(ctx, world.supervisor, link.id)  # a supervisor views, does not change


def test_a_refused_recipient_is_a_failure_the_clinician_sees(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    sink.reject.add("nobody@example.org")
    _weekly(ctx, world, email="nobody@example.org")
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    message = due_list(ctx, world.ana, DueFilter()).entries[0].messages[0]
    assert message.state == "failed"
    assert message.error
    assert "550" in message.error


def test_an_unreachable_server_is_retried_later_and_nothing_is_lost(
    ctx: ServiceContext, world: World, clock: FakeClock, sink: SmtpSink, channels: Channels
) -> None:
    dead = Channels(
        public_url=PUBLIC,
        email=SmtpEmailSender(SmtpConfig(host="127.0.0.1", port=free_port(), timeout=2)),
    )
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, dead)
    with ctx.sessions() as session:
        message = session.scalars(select(OutboundMessage)).one()
        assert (message.state, message.attempts) == ("pending", 1)
        assert "could not be reached" in (message.last_error or "")
    clock.advance(minutes=2)
    _drain(ctx, channels)
    assert len(sink.messages) == 1


def test_clinic_settings_are_admin_only_and_checked_as_a_whole(
    ctx: ServiceContext, world: World
) -> None:
    assert get_clinic_settings(ctx, world.ana).link_expiry_days == 4
    assert get_clinic_settings(ctx, world.ana).reminder_after_days == 2
    with pytest.raises(Forbidden):
        update_clinic_settings(ctx, world.ana, ClinicSettingsUpdate(link_expiry_days=7))
    changed = update_clinic_settings(ctx, world.admin, ClinicSettingsUpdate(link_expiry_days=7))
    assert (changed.link_expiry_days, changed.reminder_after_days) == (7, 2)
    with pytest.raises(InputError) as refused:
        update_clinic_settings(ctx, world.admin, ClinicSettingsUpdate(reminder_after_days=7))
    assert "reminder_after_days" in str(refused.value)
    assert "7" in str(refused.value)
    with pytest.raises(ValidationError, match="link_expiry_days"):
        ClinicSettingsUpdate(link_expiry_days=0)


def test_an_episode_follows_the_clinic_default_until_it_has_its_own_schedule(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    view = get_episode_schedule(ctx, world.ana, world.episode_a)
    assert (view.mode, view.clinic_default, view.next_due_on) == ("every_session", True, None)
    booked = clock.now.date().replace(day=20)
    view = set_episode_schedule(
        ctx,
        world.ana,
        world.episode_a,
        EpisodeScheduleSet(mode="every_session", next_session_on=booked),
    )
    assert (view.clinic_default, view.next_due_on) == (False, booked)
    with pytest.raises(ValidationError, match="email"):
        PatientContactSet(email="not an address")


def test_the_demo_fast_forwards_two_weeks_of_a_weekly_schedule() -> None:
    shown = walk_the_schedule(START)
    lines = "\n".join(shown.days)
    assert "day  6: e-mail" in lines  # sent the day before the first due date
    assert "Recordatorio" in lines  # the reminder two days later, in Spanish
    assert "day  6: text message to +447700900001" in lines  # the patient who prefers SMS
    assert "day  8: text message to +447700900001: “A reminder" in lines
    # each patient's first link expired unanswered; the e-mailed one answered the second
    assert shown.states == {"overdue": 2, "due": 1, "completed": 1, "revoked": 0}


def test_after_weeks_without_a_worker_the_patient_gets_one_link_not_a_burst(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    clock.advance(days=30)  # due dates 7, 14, 21 and 28 all passed unplanned
    assert len(plan_due_measurements(ctx)) == 1
    assert plan_due_measurements(ctx) == []
    _drain(ctx, channels)
    assert len(sink.messages) == 1
    assert due_list(ctx, world.ana, DueFilter()).entries[0].due_on == START.date().replace(day=30)
