"""An e-mail address as the services accept one (a patient's contact, a user's address)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["EMAIL_ADDRESS", "EMAIL_HINT", "plausible_email"]

#: A plausible address (one @, no spaces or control characters, a dot in the domain); the
#: SMTP server decides. Control characters (a NUL above all, which PostgreSQL text refuses)
#: are never part of an address.
EMAIL_ADDRESS: Final = re.compile(
    r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
)
#: What the error says is allowed.
EMAIL_HINT: Final = "an e-mail address like name@example.org"


def plausible_email(value: str | None) -> str | None:
    """``value`` unchanged when it looks like an address (or is ``None``); ValueError else."""
    if value is not None and not EMAIL_ADDRESS.match(value):
        raise ValueError(EMAIL_HINT)
    return value
