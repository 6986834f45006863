"""Reading delivery status notifications (RFC 3464): pure, no database."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from attunement.delivery import message_key_of
from attunement.delivery.bounces import parse_delivery_report
from tests.support.dsn import AUTO_REPLY, delivery_report


def _original() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "clinic@example.org"
    mail["To"] = "nobody@example.net"
    mail["Message-ID"] = "<occasion.3.invitation@example.org>"
    mail.set_content("A synthetic invitation.\n")
    return mail


@pytest.mark.parametrize("whole", [False, True], ids=["headers", "whole-message"])
def test_a_failed_dsn_names_the_original_message_and_the_servers_reason(whole: bool) -> None:
    report = parse_delivery_report(delivery_report(_original(), whole=whole))
    assert report is not None
    assert report.original_message_id == "<occasion.3.invitation@example.org>"
    failure = report.failure
    assert failure is not None
    assert (failure.action, failure.status, failure.permanent) == ("failed", "5.1.1", True)
    assert failure.diagnostic is not None
    assert failure.diagnostic.startswith("550 5.1.1 ")  # the "smtp;" type is dropped
    assert "nobody@example.net" not in failure.diagnostic  # the address is not repeated
    assert "User unknown" in failure.diagnostic


def test_a_delayed_dsn_is_transient_and_no_failure() -> None:
    raw = delivery_report(
        _original(), action="delayed", status="4.4.1", diagnostic="smtp; 451 4.4.1 try again"
    )
    report = parse_delivery_report(raw)
    assert report is not None
    assert report.failure is None
    assert not report.recipients[0].permanent


@pytest.mark.parametrize(
    "raw",
    [
        AUTO_REPLY,
        b"",
        b"\x00\xff\xfe not mail at all",
        b"Content-Type: multipart/report; report-type=disposition-notification; "
        b'boundary="b"\n\n--b\nContent-Type: text/plain\n\nread receipt\n--b--\n',
    ],
    ids=["auto-reply", "empty", "binary", "read-receipt"],
)
def test_mail_that_is_not_a_dsn_is_recognised_and_not_an_error(raw: bytes) -> None:
    assert parse_delivery_report(raw) is None


def test_a_message_id_gives_back_the_key_it_was_derived_from() -> None:
    assert message_key_of("<occasion.3.invitation@example.org>") == "occasion:3:invitation"
    assert message_key_of("<notification-7@example.org>") == "notification-7"
    assert message_key_of("no-at-sign") is None
