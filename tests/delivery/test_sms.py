"""The SMS adapter against a local HTTP server that speaks Twilio's Messages API.

The server (``tests.support.twilio``) answers as Twilio does: 201 with the Message
resource, 400 with the error object (code 21211, an invalid To number: permanent), 429 and
503 (retry later); a closed port is a temporary error too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from attunement.delivery.sms import SmsError, SmsMessage, SmsReceipt, SmsSender, TwilioSmsSender
from attunement.errors import ConfigurationError, InputError
from tests.support.twilio import (
    REFUSED,
    SENDER,
    SID,
    THROTTLED,
    TOKEN,
    UNAVAILABLE,
    twilio_server,
)


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, list[dict[str, str]]]]:
    with twilio_server() as server:
        yield server


def _sender(base_url: str, token: str = TOKEN) -> TwilioSmsSender:
    return TwilioSmsSender(
        account_sid=SID, auth_token=token, sender=SENDER, base_url=base_url, timeout_seconds=5
    )


def test_an_accepted_message_gives_the_providers_id_and_status(
    provider: tuple[str, list[dict[str, str]]],
) -> None:
    base_url, received = provider
    sender: SmsSender = _sender(base_url)
    body = "You have a questionnaire from your clinic: https://clinic.example/s/x"
    receipt = sender.send(SmsMessage(to="+447700900123", body=body))
    assert receipt == SmsReceipt(provider_id=receipt.provider_id, status="queued")
    assert receipt.provider_id.startswith("SM")
    assert received[-1] == {"To": "+447700900123", "From": SENDER, "Body": body}
    assert isinstance(sender, SmsSender)


def test_a_4xx_error_is_permanent_and_does_not_quote_the_number(
    provider: tuple[str, list[dict[str, str]]],
) -> None:
    with pytest.raises(SmsError) as refused:
        _sender(provider[0]).send(SmsMessage(to=REFUSED, body="hello"))
    assert refused.value.permanent
    assert (refused.value.code, refused.value.http_status) == (21211, 400)
    assert REFUSED not in str(refused.value)
    assert "21211" in str(refused.value)


def test_wrong_credentials_are_permanent(provider: tuple[str, list[dict[str, str]]]) -> None:
    with pytest.raises(SmsError) as refused:
        _sender(provider[0], token="wrong").send(SmsMessage(to="+447700900123", body="hi"))
    assert refused.value.permanent
    assert refused.value.http_status == 401


@pytest.mark.parametrize(("number", "status"), [(UNAVAILABLE, 503), (THROTTLED, 429)])
def test_5xx_and_rate_limits_are_retryable(
    provider: tuple[str, list[dict[str, str]]], number: str, status: int
) -> None:
    with pytest.raises(SmsError) as failed:
        _sender(provider[0]).send(SmsMessage(to=number, body="hello"))
    assert not failed.value.permanent
    assert failed.value.http_status == status


def test_an_unreachable_provider_is_retryable() -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SmsError) as failed:
        _sender(f"http://127.0.0.1:{port}").send(SmsMessage(to="+447700900123", body="hello"))
    assert not failed.value.permanent
    assert failed.value.http_status is None


@pytest.mark.parametrize("number", ["07700900123", "+0447700900123", "+44 7700 900123", "+1"])
def test_a_number_not_in_e164_is_refused_before_sending(number: str) -> None:
    with pytest.raises(InputError) as refused:
        SmsMessage(to=number, body="hello")
    assert refused.value.field == "to"
    assert "E.164" in str(refused.value)
    assert number not in str(refused.value)


def test_an_empty_or_overlong_body_is_refused() -> None:
    with pytest.raises(InputError, match="body"):
        SmsMessage(to="+447700900123", body="  ")
    with pytest.raises(InputError, match="at most 1600"):
        SmsMessage(to="+447700900123", body="x" * 1601)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"account_sid": None}, "ATTUNE_SMS_ACCOUNT_SID"),
        ({"account_sid": "AC123"}, "ATTUNE_SMS_ACCOUNT_SID"),
        ({"auth_token": None}, "ATTUNE_SMS_AUTH_TOKEN"),
        ({"sender": "clinic"}, "ATTUNE_SMS_FROM"),
        ({"base_url": "ftp://x"}, "ATTUNE_SMS_BASE_URL"),
    ],
)
def test_missing_or_malformed_settings_name_the_setting(
    settings: dict[str, str | None], named: str
) -> None:
    given: dict[str, str | None] = {
        "account_sid": SID,
        "auth_token": TOKEN,
        "sender": SENDER,
        "base_url": "https://api.twilio.com",
    }
    given.update(settings)
    with pytest.raises(ConfigurationError) as refused:
        TwilioSmsSender.from_settings(
            account_sid=given["account_sid"],
            auth_token=given["auth_token"],
            sender=given["sender"],
            base_url=given["base_url"] or "",
            timeout_seconds=5,
        )
    assert refused.value.setting == named
