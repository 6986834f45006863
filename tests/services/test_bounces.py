"""Bounces visible to the clinician (issue 14): an invitation the SMTP server accepted
(the aiosmtpd sink) later comes back as a delivery status notification (RFC 3464); reading
it marks the message bounced on the due list, by ``record_bounces`` and by
``attune bounces import`` (an mbox, a Maildir, an .eml file). Both backends; patients and
addresses are synthetic.
"""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from attunement.cli import app
from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.services import (
    WORKER,
    BounceSummary,
    Channels,
    DueFilter,
    EpisodeScheduleSet,
    InvitationCreate,
    NotificationEmailSet,
    PatientContactSet,
    SelfReportResponse,
    SelfReportSubmission,
    ServiceContext,
    due_list,
    invite_patient,
    list_audit,
    list_notifications,
    open_invitation,
    plan_due_measurements,
    record_bounces,
    run_next_job,
    set_episode_schedule,
    set_notification_email,
    set_patient_contact,
    submit_self_report,
)
from attunement.store import OutboundMessage
from tests.services.world import FakeClock, World
from tests.support.dsn import AUTO_REPLY, delivery_report
from tests.support.smtp import SmtpSink

runner = CliRunner()
ADDRESS = "nobody@example.net"  # synthetic


@pytest.fixture
def channels(smtp: tuple[SmtpSink, int]) -> Channels:
    smtp[0].messages.clear()
    config = SmtpConfig(host="127.0.0.1", port=smtp[1], sender="clinic@example.org", timeout=5)
    return Channels(public_url="https://clinic.example.org", email=SmtpEmailSender(config))


def _drain(ctx: ServiceContext, channels: Channels) -> None:
    while run_next_job(ctx, channels, worker="test-worker"):
        pass


@pytest.fixture
def sent(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    channels: Channels,
    smtp: tuple[SmtpSink, int],
) -> EmailMessage:
    """The invitation the worker really sent through the SMTP sink (accepted there)."""
    set_patient_contact(ctx, world.ana, world.patient_a, PatientContactSet(email=ADDRESS))
    set_episode_schedule(
        ctx, world.ana, world.episode_a, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    (message,) = smtp[0].messages
    return message


def _states(ctx: ServiceContext, world: World) -> list[tuple[str, str | None]]:
    entry = due_list(ctx, world.ana, DueFilter()).entries[0]
    return [(m.state, m.error) for m in entry.messages]


def test_a_bounce_of_an_accepted_invitation_shows_on_the_due_list(
    ctx: ServiceContext, world: World, sent: EmailMessage
) -> None:
    assert _states(ctx, world) == [("sent", None)]
    summary = record_bounces(ctx, WORKER, [delivery_report(sent)])
    assert summary == BounceSummary(matched=1)
    ((state, error),) = _states(ctx, world)
    assert state == "bounced"
    assert error is not None
    assert error.startswith("550 5.1.1")
    assert ADDRESS not in error  # the reason, not the patient's address
    entries = list_audit(ctx, world.admin, action="message.bounce")
    assert [e.patient_id for e in entries] == [world.patient_a]
    assert ADDRESS not in str(entries[0].detail)  # counts only


def test_the_same_dsn_twice_changes_nothing(
    ctx: ServiceContext, world: World, sent: EmailMessage
) -> None:
    report = delivery_report(sent, whole=True)
    record_bounces(ctx, WORKER, [report])
    before = _states(ctx, world)
    assert record_bounces(ctx, WORKER, [report]) == BounceSummary(already=1)
    assert _states(ctx, world) == before


def test_a_delayed_dsn_does_not_mark_the_message_failed(
    ctx: ServiceContext, world: World, sent: EmailMessage
) -> None:
    delayed = delivery_report(
        sent, action="delayed", status="4.4.1", diagnostic="smtp; 451 4.4.1 try again later"
    )
    assert record_bounces(ctx, WORKER, [delayed]) == BounceSummary(delayed=1)
    assert _states(ctx, world) == [("sent", None)]


def test_non_dsn_mail_and_unknown_message_ids_are_counted_not_errors(
    ctx: ServiceContext, world: World, sent: EmailMessage
) -> None:
    stranger = EmailMessage()
    stranger["Message-ID"] = "<occasion.999.invitation@example.org>"
    foreign = EmailMessage()
    foreign["Message-ID"] = "<CAF00@mail.example.net>"
    summary = record_bounces(
        ctx, WORKER, [AUTO_REPLY, delivery_report(stranger), delivery_report(foreign)]
    )
    assert summary == BounceSummary(unknown=2, ignored=1)
    assert _states(ctx, world) == [("sent", None)]


def test_a_bounced_staff_notification_email_shows_as_not_delivered(
    ctx: ServiceContext, world: World, channels: Channels, smtp: tuple[SmtpSink, int]
) -> None:
    set_notification_email(ctx, world.ana, NotificationEmailSet(email="ana@example.net"))
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    submit_self_report(  # item 9 endorsed: the clinician is notified by e-mail
        ctx,
        open_invitation(ctx, issued.token),
        SelfReportSubmission(
            responses=[SelfReportResponse(instrument="phq9", answers=[2] * 8 + [3])]
        ),
    )
    _drain(ctx, channels)
    (mail,) = smtp[0].messages
    assert record_bounces(ctx, WORKER, [delivery_report(mail)]) == BounceSummary(matched=1)
    assert list_notifications(ctx, world.ana)[0].email_state == "failed"


# ------------------------------------------------------------------ attune bounces import


def test_the_cli_reads_an_mbox_and_a_maildir(
    ctx: ServiceContext, world: World, sent: EmailMessage, database_url: str, tmp_path: Path
) -> None:
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(AUTO_REPLY)
    box.add(delivery_report(sent))
    box.flush()
    result = runner.invoke(
        app, ["bounces", "import", str(tmp_path / "bounces.mbox"), "--db", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "1 bounces recorded" in result.output
    assert "1 ignored" in result.output
    assert _states(ctx, world)[0][0] == "bounced"
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(delivery_report(sent, whole=True))
    eml = tmp_path / "delayed.eml"
    eml.write_bytes(delivery_report(sent, action="delayed", status="4.2.2"))
    again = runner.invoke(
        app, ["bounces", "import", str(tmp_path / "Maildir"), str(eml), "--db", database_url]
    )
    assert again.exit_code == 0, again.output
    assert "0 bounces recorded, 1 already recorded, 1 delayed" in again.output
    with ctx.sessions() as session:
        assert session.scalars(select(OutboundMessage.state)).all() == ["bounced"]


@pytest.mark.parametrize("name", ["missing.eml", "not-a-maildir"])
def test_the_cli_refuses_unreadable_input_naming_the_file(tmp_path: Path, name: str) -> None:
    (tmp_path / "not-a-maildir").mkdir()
    path = tmp_path / name
    result = runner.invoke(
        app, ["bounces", "import", str(path), "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}"]
    )
    assert result.exit_code == 2
    assert str(path) in result.output
    assert "Traceback" not in result.output
