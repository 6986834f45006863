"""The security policy: lifetimes, sign-in throttling and password length, in one object.

Defaults and where they come from:

* Web sessions expire after 30 minutes idle and 12 hours in all, and API tokens after 12
  hours: NIST SP 800-63B §4.2.3 (AAL2 reauthentication: at least once per 12 hours, and
  after any inactivity of 30 minutes or longer).
* Passwords of 12 to 128 characters: OWASP ASVS 4.0 V2.1.1 / V2.1.2; and not guessable
  (:mod:`attunement.security._strength`).
* Sign-in throttling never lets one stranger lock a clinician out:

  - per (account, client address) pair: 5 failures within 15 minutes lock that pair for
    15 minutes — the clinician at their own address is unaffected by failures elsewhere;
  - per account, over all addresses: a ceiling of 100 failures within 24 hours locks the
    account for 1 hour, except from addresses this account signed in from successfully
    in the last 30 days. NIST SP 800-63B §5.2.2 caps consecutive failed attempts on one
    account at 100; the window, the hour and the 30 days are assumptions, chosen so that
    a distributed guesser gets at most 100 guesses a day while a clinician at a known
    address keeps signing in;
  - per client address, over all accounts: 50 failures within 15 minutes lock the
    address for 15 minutes (password spraying), again except for accounts known at that
    address. An assumption; behind a reverse proxy, list it in ``ATTUNE_TRUSTED_PROXIES``
    or every user shares the proxy's budget.

* Patient invitations last 7 days: an assumption (until the next weekly session).
* An admin's approval of a grant of clinical access is usable for 24 hours: an assumption
  (a working day for the other admin to act on it).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SecurityPolicy"]


class SecurityPolicy(BaseModel):
    """Tunable limits of accounts, sessions, tokens, invitations and grants."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)
    api_token_lifetime: dt.timedelta = dt.timedelta(hours=12)
    invitation_lifetime: dt.timedelta = dt.timedelta(days=7)
    invitation_max_lifetime: dt.timedelta = dt.timedelta(days=30)
    password_min_length: int = Field(12, ge=8)
    password_max_length: int = Field(128, ge=64)
    lockout_threshold: int = Field(5, ge=1)
    lockout_window: dt.timedelta = dt.timedelta(minutes=15)
    lockout_duration: dt.timedelta = dt.timedelta(minutes=15)
    account_threshold: int = Field(100, ge=1)
    account_window: dt.timedelta = dt.timedelta(hours=24)
    account_lockout: dt.timedelta = dt.timedelta(hours=1)
    known_address_for: dt.timedelta = dt.timedelta(days=30)
    address_threshold: int = Field(50, ge=1)
    grant_approval_lifetime: dt.timedelta = dt.timedelta(hours=24)
