"""What every use case needs besides its arguments: the database, the clock, the policy.

Built once at the edge (the app factory, a CLI command, a test) and passed in. The clock is
injected so that tests control time and audit timestamps are reproducible. The audit keys
and the anchor directory come from the settings (``Settings.audit_keyring()``,
``Settings.effective_audit_anchor_dir``); programmatic use without them gets a keyring
derived from the signing key and no anchors.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import ConfigurationError
from attunement.security import AuditKeyring, Passwords, SecurityPolicy
from attunement.services._limits import InputLimits
from attunement.settings import DEFAULT_OVERDUE_DAYS, DEFAULT_RISK_ESCALATION_HOURS
from attunement.store import make_sessionmaker

__all__ = ["Clock", "ServiceContext", "service_context", "system_clock"]

#: Returns the current moment as a timezone-aware datetime.
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The wall clock, in UTC (the default Clock)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ServiceContext:
    """Database sessions, signing key, clock, security policy, password hasher, audit keys,
    caseness convention and input limits."""

    sessions: sessionmaker[Session]
    signing_key: str
    clock: Clock = system_clock
    policy: SecurityPolicy = field(default_factory=SecurityPolicy)
    passwords: Passwords = field(default_factory=Passwords)
    audit_keyring: AuditKeyring | None = None
    audit_anchor_dir: Path | None = None
    #: The clinic's caseness convention (``ATTUNE_CASENESS_CONVENTION``): which cut-offs
    #: decide caseness and the healthy range in every status.
    caseness: str = "published"
    limits: InputLimits = field(default_factory=InputLimits)
    #: Days without an outcome measure before the caseload marks an episode overdue
    #: (``ATTUNE_OVERDUE_DAYS``).
    overdue_days: int = DEFAULT_OVERDUE_DAYS
    #: How long a risk notification may wait unacknowledged before the supervisor is
    #: notified too (``ATTUNE_RISK_ESCALATION_HOURS``).
    risk_escalation_after: dt.timedelta = dt.timedelta(hours=DEFAULT_RISK_ESCALATION_HOURS)
    #: The language the clinic works in (``ATTUNE_CLINIC_LANGUAGE``, BCP 47): clinician
    #: pages and reports are in it, and a plan offers a patient's language only when it
    #: differs.
    clinic_language: str = "en"

    @functools.cached_property
    def audit_keys(self) -> AuditKeyring:
        """The configured audit keys, or keys derived from the signing key."""
        return self.audit_keyring or AuditKeyring.derived_from(self.signing_key)

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
    audit_keys: AuditKeyring | None = None,
    audit_anchor_dir: Path | None = None,
    caseness: str = "published",
    limits: InputLimits | None = None,
    overdue_days: int = DEFAULT_OVERDUE_DAYS,
    risk_escalation_hours: int = DEFAULT_RISK_ESCALATION_HOURS,
    clinic_language: str = "en",
) -> ServiceContext:
    """A ServiceContext on ``engine`` (``signing_key`` from ``Settings.signing_key()``)."""
    return ServiceContext(
        sessions=make_sessionmaker(engine),
        signing_key=signing_key,
        clock=clock or system_clock,
        policy=policy or SecurityPolicy(),
        passwords=passwords or Passwords(),
        audit_keyring=audit_keys,
        audit_anchor_dir=audit_anchor_dir,
        caseness=caseness,
        limits=limits or InputLimits(),
        overdue_days=overdue_days,
        risk_escalation_after=dt.timedelta(hours=risk_escalation_hours),
        clinic_language=clinic_language,
    )
