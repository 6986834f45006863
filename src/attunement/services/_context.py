"""What every use case needs besides its arguments: the database, the clock, the policy.

Built once at the edge (the app factory, a CLI command, a test) and passed in. The clock is
injected so that tests control time and audit timestamps are reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import ConfigurationError
from attunement.security import Passwords, SecurityPolicy
from attunement.services._limits import InputLimits
from attunement.store import make_sessionmaker

__all__ = ["Clock", "ServiceContext", "aware_utc", "service_context", "system_clock"]

#: Returns the current moment as a timezone-aware datetime.
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The wall clock, in UTC (the default Clock)."""
    return dt.datetime.now(dt.UTC)


def aware_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as aware UTC (SQLite hands back naive datetimes; all are UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class ServiceContext:
    """Database sessions, signing key, clock, security policy, password hasher, input limits."""

    sessions: sessionmaker[Session]
    signing_key: str
    clock: Clock = system_clock
    policy: SecurityPolicy = field(default_factory=SecurityPolicy)
    passwords: Passwords = field(default_factory=Passwords)
    limits: InputLimits = field(default_factory=InputLimits)

    def now(self) -> dt.datetime:
        """The clock's reading in UTC; a naive clock is a configuration mistake."""
        moment = self.clock()
        if moment.tzinfo is None:
            raise ConfigurationError("clock", "must return timezone-aware datetimes")
        return moment.astimezone(dt.UTC)


def service_context(
    engine: Engine,
    *,
    signing_key: str,
    clock: Clock | None = None,
    policy: SecurityPolicy | None = None,
    passwords: Passwords | None = None,
    limits: InputLimits | None = None,
) -> ServiceContext:
    """A ServiceContext on ``engine`` (``signing_key`` from ``Settings.signing_key()``)."""
    return ServiceContext(
        sessions=make_sessionmaker(engine),
        signing_key=signing_key,
        clock=clock or system_clock,
        policy=policy or SecurityPolicy(),
        passwords=passwords or Passwords(),
        limits=limits or InputLimits(),
    )
