"""Reading delivery status notifications (bounces) that come back to the sender address.

A message the SMTP server accepted can still fail later: the receiving system then mails a
*delivery status notification* (DSN) back to the envelope sender. Its shape is fixed by
RFC 3464 (Moore & Vaudreuil 2003, "An Extensible Message Format for Delivery Status
Notifications"), carried in the ``multipart/report`` type of RFC 6522::

    multipart/report; report-type=delivery-status
      1. text/plain                  what a person reads
      2. message/delivery-status     one per-message block, then one block per recipient
                                     (Action, Status, Diagnostic-Code, …)
      3. text/rfc822-headers         the original message's headers (its Message-ID),
         or message/rfc822           or the whole original message

``Status`` is an enhanced status code (RFC 3463): ``5.x.x`` is a permanent failure,
``4.x.x`` a transient one (the server keeps trying), ``2.x.x`` success. ``Action`` says what
happened to the recipient: ``failed`` (given up), ``delayed`` (still trying), ``delivered``,
``relayed`` or ``expanded``.

Anything else arriving at the sender address — out-of-office replies, a patient's answer,
spam — is not a DSN: :func:`parse_delivery_report` returns ``None`` for it, never an error.
Pure: bytes in, a typed report out; no database, no files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser

__all__ = ["DeliveryReport", "RecipientStatus", "parse_delivery_report"]

#: How much of a Diagnostic-Code is kept (servers sometimes quote whole paragraphs).
MAX_DIAGNOSTIC = 300
#: An e-mail address inside a server's reply ("<alma@example.net>: user unknown").
_ADDRESS = re.compile(r"<?[^\s<>@;,]+@[^\s<>;,]+>?")


@dataclass(frozen=True)
class RecipientStatus:
    """What one recipient's block of a DSN says (RFC 3464 §2.3)."""

    action: str  # failed | delayed | delivered | relayed | expanded (lower case)
    status: str  # the enhanced status code, e.g. "5.1.1" ("" when missing)
    diagnostic: str | None  # the remote server's words, e.g. "550 5.1.1 user unknown"

    @property
    def permanent(self) -> bool:
        """A permanent failure: the class digit of ``Status`` is 5 (RFC 3463 §3.1)."""
        return self.status.startswith("5")


@dataclass(frozen=True)
class DeliveryReport:
    """One DSN: which message it is about and what happened to each recipient."""

    original_message_id: str | None  # "<key@domain>", as the original message carried it
    recipients: tuple[RecipientStatus, ...]

    @property
    def failure(self) -> RecipientStatus | None:
        """The first recipient the reporting system gave up on (``Action: failed``)."""
        return next((r for r in self.recipients if r.action == "failed"), None)


def _clean(value: object) -> str:
    return " ".join(str(value).split())


def _diagnostic(value: object | None) -> str | None:
    """The Diagnostic-Code without its type prefix ("smtp; 550 …" → "550 …") and without
    the addresses it quotes (the reason is shown and stored; the address is not repeated)."""
    if value is None:
        return None
    text = _clean(value)
    kind, sep, rest = text.partition(";")
    if sep and kind.strip().replace("-", "").isalnum():  # "smtp", "X-Postfix" (RFC 3464 §2.3.6)
        text = rest.strip()
    text = _ADDRESS.sub("<address>", text)
    return text[:MAX_DIAGNOSTIC] or None


def _status(value: object | None) -> str:
    # "5.1.1 (user unknown)": the code is the first word
    words = _clean(value or "").split()
    return words[0] if words else ""


def _original_message_id(report: Message) -> str | None:
    for part in report.walk():
        kind = part.get_content_type()
        headers: Message | None = None
        if kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            headers = HeaderParser(policy=policy.default).parsestr(text, headersonly=True)
        elif kind == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            headers = first if isinstance(first, Message) else None
        if headers is not None and headers.get("Message-ID"):
            return _clean(headers["Message-ID"])
    return None


def _status_blocks(report: Message) -> list[Message]:
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            return [b for b in blocks if isinstance(b, Message)] if isinstance(blocks, list) else []
    return []


def parse_delivery_report(raw: bytes) -> DeliveryReport | None:
    """The DSN in ``raw`` (one whole e-mail), or ``None`` when it is not a DSN.

    The original Message-ID comes from the ``text/rfc822-headers`` or ``message/rfc822``
    part; when neither carries one, ``original_message_id`` is ``None`` (the caller counts
    the report as unknown). Recipient blocks are those with an ``Action`` field.
    """
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    if mail.get_content_type() != "multipart/report":
        return None
    if str(mail.get_param("report-type", "")).lower() != "delivery-status":
        return None  # e.g. a read receipt (report-type=disposition-notification)
    blocks = _status_blocks(mail)
    recipients = tuple(
        RecipientStatus(
            action=_clean(block["Action"]).lower(),
            status=_status(block.get("Status")),
            diagnostic=_diagnostic(block.get("Diagnostic-Code")),
        )
        for block in blocks
        if block.get("Action")
    )
    if not recipients:
        return None
    return DeliveryReport(original_message_id=_original_message_id(mail), recipients=recipients)
