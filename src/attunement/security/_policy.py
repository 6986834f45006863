"""The security policy: lifetimes, lockout thresholds and password length, in one object.

Defaults and where they come from:

* Web sessions expire after 30 minutes idle and 12 hours in all, and API tokens after 12
  hours: NIST SP 800-63B §4.2.3 (AAL2 reauthentication: at least once per 12 hours, and
  after any inactivity of 30 minutes or longer).
* Passwords of 12 to 128 characters: OWASP ASVS 4.0 V2.1.1 / V2.1.2.
* Lockout after 5 failed sign-ins for one username within 15 minutes, for 15 minutes, and
  after 50 from one client address: an assumption inside NIST SP 800-63B §5.2.2 (at most
  100 consecutive failed attempts per account), chosen so a typist is not locked out while
  online guessing is.
* Patient invitations last 7 days: an assumption (until the next weekly session).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SecurityPolicy"]


class SecurityPolicy(BaseModel):
    """Tunable limits of accounts, sessions, tokens and invitations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)
    api_token_lifetime: dt.timedelta = dt.timedelta(hours=12)
    invitation_lifetime: dt.timedelta = dt.timedelta(days=7)
    invitation_max_lifetime: dt.timedelta = dt.timedelta(days=30)
    password_min_length: int = Field(12, ge=8)
    password_max_length: int = Field(128, ge=64)
    lockout_threshold: int = Field(5, ge=1)
    address_threshold: int = Field(50, ge=1)
    lockout_window: dt.timedelta = dt.timedelta(minutes=15)
    lockout_duration: dt.timedelta = dt.timedelta(minutes=15)
