"""Invitations and reminders by text message (issue 14): the worker's ``send`` jobs hand
them to the SMS adapter, which speaks Twilio's API to a local server
(``tests.support.twilio``).

Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture); the patients are
synthetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.delivery.sms import SmsMessage, SmsReceipt, TwilioSmsSender
from attunement.services import (
    Channels,
    DueFilter,
    EpisodeScheduleSet,
    PatientContactSet,
    ServiceContext,
    due_list,
    get_patient_contact,
    open_invitation,
    opt_out,
    plan_due_measurements,
    run_next_job,
    set_episode_schedule,
    set_patient_contact,
)
from attunement.store import OutboundMessage
from tests.services.world import FakeClock, World
from tests.support.smtp import SmtpSink
from tests.support.twilio import REFUSED, SENDER, SID, TOKEN, UNAVAILABLE, twilio_server

PUBLIC = "https://clinic.example.org"
MOBILE = "+447700900123"
WORDS_OF_HEALTH = re.compile(
    r"phq|wai|gad|depress|anxi|alliance|score|diagnos|ansiedad|alianza|puntuaci",
    re.IGNORECASE,
)

Provider = tuple[str, list[dict[str, str]]]


@pytest.fixture(scope="module")
def twilio() -> Iterator[Provider]:
    with twilio_server() as server:
        yield server


@pytest.fixture
def texts(twilio: Provider) -> list[dict[str, str]]:
    twilio[1].clear()
    return twilio[1]


@pytest.fixture
def sink(smtp: tuple[SmtpSink, int]) -> SmtpSink:
    smtp[0].messages.clear()
    smtp[0].reject.clear()
    return smtp[0]


def _sms_sender(twilio: Provider) -> TwilioSmsSender:
    return TwilioSmsSender(
        account_sid=SID, auth_token=TOKEN, sender=SENDER, base_url=twilio[0], timeout_seconds=5
    )


@pytest.fixture
def channels(twilio: Provider, smtp: tuple[SmtpSink, int]) -> Channels:
    config = SmtpConfig(host="127.0.0.1", port=smtp[1], sender="clinic@example.org", timeout=5)
    return Channels(public_url=PUBLIC, email=SmtpEmailSender(config), sms=_sms_sender(twilio))


def _drain(ctx: ServiceContext, channels: Channels) -> None:
    while run_next_job(ctx, channels, worker="test-worker"):
        pass


def _by_sms(
    ctx: ServiceContext,
    world: World,
    phone: str = MOBILE,
    email: str | None = None,
) -> None:
    """Alma (synthetic, Spanish) prefers text messages; a weekly schedule."""
    set_patient_contact(
        ctx,
        world.ana,
        world.patient_a,
        PatientContactSet(email=email, phone=phone, preferred_channel="sms"),
    )
    set_episode_schedule(
        ctx, world.ana, world.episode_a, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )


def _link(body: str, path: str) -> str:
    found = re.search(rf"{re.escape(PUBLIC)}/{path}/(\S+)", body)
    assert found, body
    return found.group(1)


def _messages(ctx: ServiceContext) -> list[OutboundMessage]:
    with ctx.sessions() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def test_an_invitation_is_texted_in_the_patients_language_without_health_information(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    texts: list[dict[str, str]],
) -> None:
    _by_sms(ctx, world, email="alma@example.org")  # both: the preferred channel wins
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    assert len(texts) == 1
    form = texts[0]
    assert (form["To"], form["From"]) == (MOBILE, SENDER)
    body = form["Body"]
    assert "cuestionario" in body.lower()  # Alma reads Spanish
    assert "/opt-out/" in body
    assert clock.now.date().isoformat() < body  # "until" a date: ISO dates compare as text
    assert not WORDS_OF_HEALTH.search(body)
    assert open_invitation(ctx, _link(body, "self-report")).episode_id == world.episode_a
    entry = due_list(ctx, world.ana, DueFilter()).entries[0]
    assert [(m.channel, m.state) for m in entry.messages] == [("sms", "sent")]


def test_a_number_the_provider_refuses_is_a_failure_on_the_due_list(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    texts: list[dict[str, str]],
) -> None:
    _by_sms(ctx, world, phone=REFUSED)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    assert len(texts) == 1  # tried once, not retried
    message = due_list(ctx, world.ana, DueFilter()).entries[0].messages[0]
    assert (message.channel, message.state) == ("sms", "failed")
    assert message.error
    assert "21211" in message.error
    assert REFUSED not in message.error  # the number is not repeated in the reason


def test_a_provider_outage_is_retried_later_and_nothing_is_lost(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    texts: list[dict[str, str]],
) -> None:
    _by_sms(ctx, world, phone=UNAVAILABLE)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)  # 503: back to pending, the job waits for its retry
    [message] = _messages(ctx)
    assert (message.state, message.attempts) == ("pending", 1)
    assert "503" in (message.last_error or "")
    # the provider recovers (here: the number it answers for), and the retry is due
    set_patient_contact(
        ctx,
        world.ana,
        world.patient_a,
        PatientContactSet(phone=MOBILE, preferred_channel="sms"),
    )
    clock.advance(minutes=2)
    _drain(ctx, channels)
    [message] = _messages(ctx)
    assert (message.state, message.attempts) == ("sent", 2)
    assert [form["To"] for form in texts] == [UNAVAILABLE, MOBILE]


class _KilledAfterHandover:
    """The real adapter, then the worker dies (as under ``kill -9``) before it can record
    that the provider accepted the message."""

    def __init__(self, sender: TwilioSmsSender) -> None:
        self.sender = sender

    def send(self, message: SmsMessage) -> SmsReceipt:
        self.sender.send(message)
        raise KeyboardInterrupt  # not an Exception: nothing of the worker catches it


def test_a_worker_dying_mid_send_leaves_the_text_unconfirmed_and_never_resends_it(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    twilio: Provider,
    texts: list[dict[str, str]],
) -> None:
    _by_sms(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    dying = Channels(public_url=PUBLIC, sms=_KilledAfterHandover(_sms_sender(twilio)))
    with pytest.raises(KeyboardInterrupt):
        _drain(ctx, dying)
    assert [m.state for m in _messages(ctx)] == ["sending"]  # committed before the call
    clock.advance(minutes=10)  # the dead worker's lease runs out
    _drain(ctx, channels)
    assert len(texts) == 1  # not sent a second time
    message = due_list(ctx, world.ana, DueFilter()).entries[0].messages[0]
    assert (message.channel, message.state) == ("sms", "unconfirmed")


def test_a_patient_who_opts_out_by_the_texted_link_gets_no_reminder(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    texts: list[dict[str, str]],
) -> None:
    _by_sms(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    assert opt_out(ctx, _link(texts[0]["Body"], "opt-out")) == "es"
    clock.advance(days=3)
    _drain(ctx, channels)  # the reminder's turn
    assert len(texts) == 1
    states = [(m.kind, m.state) for m in _messages(ctx)]
    assert states == [("invitation", "sent"), ("reminder", "skipped")]


def test_without_an_sms_provider_the_invitation_falls_back_to_email(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    sink: SmtpSink,
    texts: list[dict[str, str]],
) -> None:
    _by_sms(ctx, world, email="alma@example.org")
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, Channels(public_url=PUBLIC, email=channels.email))
    assert texts == []
    assert [m["To"] for m in sink.messages] == ["alma@example.org"]
    entry = due_list(ctx, world.ana, DueFilter()).entries[0]
    assert [(m.channel, m.state) for m in entry.messages] == [("email", "sent")]


@pytest.mark.parametrize("sms_configured", [True, False])
def test_an_email_patient_without_an_address_is_texted_when_sms_is_configured(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    sink: SmtpSink,
    texts: list[dict[str, str]],
    sms_configured: bool,
) -> None:
    _by_sms(ctx, world)
    # prefers e-mail, has only a number
    set_patient_contact(ctx, world.ana, world.patient_a, PatientContactSet(phone=MOBILE))
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels if sms_configured else Channels(PUBLIC, email=channels.email))
    assert sink.messages == []
    message = due_list(ctx, world.ana, DueFilter()).entries[0].messages[0]
    if sms_configured:
        assert (message.channel, message.state) == ("sms", "sent")
        assert [form["To"] for form in texts] == [MOBILE]
    else:
        assert message.state == "skipped"
        assert message.error == "no e-mail address; no SMS provider is configured"
        assert texts == []


def test_the_contact_keeps_the_number_and_names_a_bad_one(
    ctx: ServiceContext, world: World
) -> None:
    stored = set_patient_contact(
        ctx,
        world.ana,
        world.patient_a,
        PatientContactSet(email="alma@example.org", phone=MOBILE, preferred_channel="sms"),
    )
    assert (stored.phone, stored.preferred_channel) == (MOBILE, "sms")
    assert get_patient_contact(ctx, world.ana, world.patient_a) == stored
    with pytest.raises(ValidationError) as bad:
        PatientContactSet(phone="07700 900123")
    problem = bad.value.errors()[0]
    assert (problem["loc"], problem["input"]) == (("phone",), "07700 900123")
    assert "E.164" in problem["msg"]
    with pytest.raises(ValidationError) as unreachable:
        PatientContactSet(email="alma@example.org", preferred_channel="sms")
    assert unreachable.value.errors()[0]["loc"] == ("preferred_channel",)
