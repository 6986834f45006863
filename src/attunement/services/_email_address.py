"""An e-mail address as the services accept one (a patient's contact, a user's address)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["EMAIL_ADDRESS", "EMAIL_HINT", "plausible_email"]

#: A plausible address (one @, no spaces, a dot in the domain); the SMTP server decides.
EMAIL_ADDRESS: Final = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
#: What the error says is allowed.
EMAIL_HINT: Final = "an e-mail address like name@example.org"


def plausible_email(value: str | None) -> str | None:
    """``value`` unchanged when it looks like an address (or is ``None``); ValueError else."""
    if value is not None and not EMAIL_ADDRESS.match(value):
        raise ValueError(EMAIL_HINT)
    return value
