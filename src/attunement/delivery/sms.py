"""Text messages: the interface every SMS provider adapter meets, and one for Twilio.

The interface, for whoever sends (the worker: ``services._messages.send_message``):

* :class:`SmsMessage` — ``to`` (an E.164 number, ``+`` and 8 to 15 digits) and ``body``
  (plain text; it must carry no health information: "You have a questionnaire from your
  clinic" and a link, never a score, an instrument or a diagnosis).
* :class:`SmsSender` — a Protocol with one method, ``send(message) -> SmsReceipt``. It either
  returns a receipt (the provider accepted the message) or raises :class:`SmsError`.
* :class:`SmsReceipt` — ``provider_id`` (the provider's id of the message, for its delivery
  reports) and ``status`` (the provider's word for it at acceptance, e.g. ``queued``).
* :class:`SmsError` — ``permanent=True``: sending it again cannot succeed (a number the
  provider refuses, a recipient who opted out with the provider, wrong credentials): show it
  to the clinician and do not retry. ``permanent=False``: try again later (the provider's
  5xx, 429 rate limiting, a timeout or a refused connection).

:class:`TwilioSmsSender` speaks Twilio's Messages API (``POST
/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded ``To``/``From``/``Body``,
HTTP Basic auth with the Account SID and Auth Token; a 201 answers the Message resource
with its ``sid`` and ``status``; an error answers JSON ``{"code", "message", "more_info",
"status"}``), documented at https://www.twilio.com/docs/messaging/api/message-resource and
https://www.twilio.com/docs/usage/twilios-response. The base URL is configurable (tests run
a local server speaking the API). Settings (``ATTUNE_SMS_*``, see README, Configuration)
hold the account, the token (from the environment only, never a file of the repository)
and the sender; :meth:`TwilioSmsSender.from_settings` builds it from them.

The message body and the recipient's number are never logged or put in an error's text:
an error names the provider's code and its HTTP status only.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from attunement.errors import ConfigurationError, DeliveryError, InputError

__all__ = [
    "E164",
    "TWILIO_API_URL",
    "OutboxSmsSender",
    "SmsError",
    "SmsMessage",
    "SmsReceipt",
    "SmsSender",
    "TwilioSmsSender",
]

#: An E.164 telephone number: a plus, a country code not starting with 0, at most 15 digits.
E164 = re.compile(r"\+[1-9][0-9]{7,14}")

#: Twilio's REST API; ``ATTUNE_SMS_BASE_URL`` replaces it (a regional edge, or a test server).
TWILIO_API_URL = "https://api.twilio.com"

#: One SMS segment holds 160 GSM-7 characters; providers join up to about ten segments.
#: A reminder is one or two segments: a longer body is a mistake, refused before sending.
MAX_BODY_CHARS = 1600


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """One text message: the recipient's E.164 number and the plain-text body."""

    to: str
    body: str

    def __post_init__(self) -> None:
        if not E164.fullmatch(self.to):
            # the value is a phone number: named by its length, never echoed
            raise InputError(
                "to", f"({len(self.to)} characters)", "an E.164 number: + and 8 to 15 digits"
            )
        if not self.body.strip():
            raise InputError("body", "(empty)", "some text")
        if len(self.body) > MAX_BODY_CHARS:
            raise InputError(
                "body", f"({len(self.body)} characters)", f"at most {MAX_BODY_CHARS} characters"
            )


@dataclass(frozen=True, slots=True)
class SmsReceipt:
    """The provider accepted the message: its id for the message and its status word."""

    provider_id: str
    status: str


class SmsError(DeliveryError):
    """The provider did not accept the message (a :class:`DeliveryError`, so the worker
    treats it as it treats an SMTP failure).

    ``permanent``: retrying cannot help (show it, do not retry); otherwise retry later.
    ``code`` is the provider's error code when it gave one, ``http_status`` the HTTP status
    (None when no answer came).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        code: int | str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, permanent=permanent)
        self.code = code
        self.http_status = http_status

    def __str__(self) -> str:
        kind = "permanent" if self.permanent else "temporary"
        return f"{self.message} ({kind})"


@runtime_checkable
class SmsSender(Protocol):
    """What sends a text message: a receipt when the provider accepted it, else SmsError."""

    def send(self, message: SmsMessage) -> SmsReceipt: ...


class OutboxSmsSender:
    """Keeps text messages in memory instead of sending them (``attune demo``, SYNTHETIC)."""

    def __init__(self) -> None:
        self.outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> SmsReceipt:
        self.outbox.append(message)
        return SmsReceipt(provider_id=f"outbox-{len(self.outbox)}", status="queued")


def _permanent(http_status: int) -> bool:
    """4xx is the request's fault and permanent — but 408 (timeout) and 429 (rate limit),
    which Twilio asks to retry after ``Retry-After``; 5xx and anything else: retry."""
    return 400 <= http_status < 500 and http_status not in (408, 429)


class TwilioSmsSender:
    """:class:`SmsSender` over Twilio's Messages API (the module docstring has the details).

    ``sender`` is the ``From`` number (E.164) or, starting with ``MG``, a Messaging
    Service SID (sent as ``MessagingServiceSid``).
    """

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str = TWILIO_API_URL,
        timeout_seconds: float = 10.0,
    ) -> None:
        if not re.fullmatch(r"AC[0-9a-fA-F]{32}", account_sid):
            raise ConfigurationError(
                "ATTUNE_SMS_ACCOUNT_SID", "expected AC followed by 32 hexadecimal digits"
            )
        if not auth_token:
            raise ConfigurationError("ATTUNE_SMS_AUTH_TOKEN", "is required to send text messages")
        if not (E164.fullmatch(sender) or re.fullmatch(r"MG[0-9a-fA-F]{32}", sender)):
            raise ConfigurationError(
                "ATTUNE_SMS_FROM", "expected an E.164 number (+ and digits) or an MG… service SID"
            )
        if not base_url.startswith(("http://", "https://")):
            raise ConfigurationError("ATTUNE_SMS_BASE_URL", f"{base_url!r} is not an http(s) URL")
        self._url = (
            f"{base_url.rstrip('/')}/2010-04-01/Accounts/"
            f"{urllib.parse.quote(account_sid)}/Messages.json"
        )
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode("ascii")
        self._authorization = f"Basic {credentials}"
        self._sender = sender
        self._timeout = timeout_seconds

    @classmethod
    def from_settings(
        cls,
        *,
        account_sid: str | None,
        auth_token: str | None,
        sender: str | None,
        base_url: str,
        timeout_seconds: float,
    ) -> TwilioSmsSender:
        """Build from the ``ATTUNE_SMS_*`` settings; a missing one is a ConfigurationError."""
        if not account_sid:
            raise ConfigurationError("ATTUNE_SMS_ACCOUNT_SID", "is required to send text messages")
        if not auth_token:
            raise ConfigurationError("ATTUNE_SMS_AUTH_TOKEN", "is required to send text messages")
        if not sender:
            raise ConfigurationError("ATTUNE_SMS_FROM", "is required to send text messages")
        return cls(
            account_sid=account_sid,
            auth_token=auth_token,
            sender=sender,
            base_url=base_url,
            timeout_seconds=timeout_seconds,
        )

    def send(self, message: SmsMessage) -> SmsReceipt:
        """POST the message; the receipt on 2xx, else SmsError (permanent or not)."""
        origin = "MessagingServiceSid" if self._sender.startswith("MG") else "From"
        form = urllib.parse.urlencode(
            {"To": message.to, origin: self._sender, "Body": message.body}
        ).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL's scheme is checked above
            self._url,
            data=form,
            method="POST",
            headers={
                "Authorization": self._authorization,
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as answer:  # noqa: S310
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsError(f"SMS provider not reached: {reason}", permanent=False) from None
        document = _json(raw)
        if 200 <= status < 300:
            sid, state = document.get("sid"), document.get("status")
            if not isinstance(sid, str) or not isinstance(state, str):
                raise SmsError(
                    "SMS provider answered without a message id",
                    permanent=False,
                    http_status=status,
                )
            return SmsReceipt(provider_id=sid, status=state)
        found = document.get("code")
        code = found if isinstance(found, int | str) else None
        # the provider's message may quote the number ("The 'To' number +1… is not a valid
        # phone number"): only its code and the HTTP status go into the error's text
        words = f"SMS provider refused the message: HTTP {status}"
        if code is not None:
            words += f", error {code}"
        raise SmsError(words, permanent=_permanent(status), code=code, http_status=status)


def _json(raw: bytes) -> dict[str, object]:
    """The answer's JSON object, or an empty one (a proxy's HTML error page, say)."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}
