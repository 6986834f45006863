"""Delivery status notifications built by hand in the shape RFC 3464 gives them (the way
Postfix writes them): a ``multipart/report; report-type=delivery-status`` with a text part,
the ``message/delivery-status`` part and the original message's headers (or the whole
original message). Addresses are synthetic (``example.net``)."""

from __future__ import annotations

from email.message import Message

RECIPIENT = "nobody@example.net"


def _headers(original: Message) -> str:
    return "".join(f"{name}: {value}\n" for name, value in original.items())


def delivery_report(
    original: Message,
    *,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: "
    "User unknown in virtual mailbox table",
    whole: bool = False,
) -> bytes:
    """The DSN a receiving mail server sends back about ``original`` (as the SMTP sink got
    it): headers only (``text/rfc822-headers``) or, with ``whole``, the whole message."""
    if whole:
        returned = "Content-Type: message/rfc822\n\n" + original.as_string()
    else:
        returned = "Content-Type: text/rfc822-headers\n\n" + _headers(original)
    return (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
        "To: clinic@example.org\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Date: Sun, 6 Dec 2026 10:00:00 +0000 (UTC)\n"
        "Message-ID: <20261206100000.A1B2C3@mx.example.net>\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status;\n"
        '\tboundary="A1B2C3.1765015200/mx.example.net"\n'
        "\n"
        "This is a MIME-encapsulated message.\n"
        "\n"
        "--A1B2C3.1765015200/mx.example.net\n"
        "Content-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        "This is the mail system at host mx.example.net.\n"
        "\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n"
        "\n"
        "--A1B2C3.1765015200/mx.example.net\n"
        "Content-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.example.net\n"
        "X-Postfix-Queue-ID: A1B2C3\n"
        "Arrival-Date: Sun, 6 Dec 2026 09:59:58 +0000 (UTC)\n"
        "\n"
        f"Final-Recipient: rfc822; {RECIPIENT}\n"
        f"Original-Recipient: rfc822;{RECIPIENT}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        "Remote-MTA: dns; mail.example.net\n"
        f"Diagnostic-Code: {diagnostic}\n"
        "\n"
        "--A1B2C3.1765015200/mx.example.net\n"
        "Content-Description: Undelivered Message Headers\n"
        f"{returned}\n"
        "--A1B2C3.1765015200/mx.example.net--\n"
    ).encode()


AUTO_REPLY = (
    b"From: someone@example.net\n"
    b"To: clinic@example.org\n"
    b"Subject: Out of office\n"
    b"Auto-Submitted: auto-replied\n"
    b"Content-Type: text/plain; charset=us-ascii\n"
    b"\n"
    b"I am away until Monday (synthetic).\n"
)
