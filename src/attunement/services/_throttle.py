"""Sign-in throttling kept in the database (``login_throttle``), shared by every app server.

Rows by key (thresholds and their sources in :mod:`attunement.security._policy`):

* ``pair:<username>|<address>`` — failures of one account from one client address; the
  lock a stranger can cause stays at the stranger's address;
* ``user:<username>`` — failures of one account from anywhere: a high ceiling against a
  distributed guesser;
* ``addr:<address>`` — failures from one address over all accounts (password spraying);
* ``known:<username>|<address>`` — the last successful sign-in of that account from that
  address (``window_started_at``): such an address is exempt from the account ceiling and
  the address budget, so a clinician at their usual place keeps signing in while both are
  exhausted by someone else.

Unknown usernames are counted and locked exactly like real ones, so a lock reveals nothing.
The client address is the TCP peer, or what a trusted proxy forwarded
(``ATTUNE_TRUSTED_PROXIES``); without one, no forwarded header is believed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attunement.security import SecurityPolicy
from attunement.store import LoginThrottle

__all__ = ["SignInThrottle"]

_NO_ADDRESS = "-"


def _upsert_missing(session: Session, keys: list[str], now: dt.datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for key in keys:
        session.execute(
            insert(LoginThrottle)
            .values(key=key, failures=0, window_started_at=now, locked_until=None)
            .on_conflict_do_nothing(index_elements=["key"])
        )


@dataclass
class SignInThrottle:
    """The throttle rows of one attempt (username, address), locked for this transaction."""

    policy: SecurityPolicy
    now: dt.datetime
    pair: LoginThrottle
    account: LoginThrottle
    address: LoginThrottle | None
    known: bool

    @classmethod
    def load(
        cls,
        session: Session,
        policy: SecurityPolicy,
        now: dt.datetime,
        *,
        username: str,
        client: str | None,
    ) -> SignInThrottle:
        address = client[:120] if client else _NO_ADDRESS
        keys = {
            "pair": f"pair:{username}|{address}",
            "account": f"user:{username}",
        }
        if client:
            keys["address"] = f"addr:{address}"
        _upsert_missing(session, list(keys.values()), now)
        query = select(LoginThrottle).where(LoginThrottle.key.in_(keys.values()))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        rows = {row.key: row for row in session.scalars(query)}
        known_row = session.get(LoginThrottle, f"known:{username}|{address}") if client else None
        known = known_row is not None and (
            now - known_row.window_started_at <= policy.known_address_for
        )
        return cls(
            policy=policy,
            now=now,
            pair=rows[keys["pair"]],
            account=rows[keys["account"]],
            address=rows.get(keys.get("address", "")),
            known=known,
        )

    def _binding(self) -> list[LoginThrottle]:
        """The rows whose lock applies to this attempt."""
        if self.known:
            return [self.pair]
        return [r for r in (self.pair, self.account, self.address) if r is not None]

    def locked_for(self) -> int:
        """Seconds until every lock that applies has ended (0: not locked)."""
        ends = [r.locked_until for r in self._binding() if r.locked_until is not None]
        remaining = max((end - self.now for end in ends), default=dt.timedelta(0))
        return max(0, int(remaining.total_seconds()))

    def _count(
        self, row: LoginThrottle, threshold: int, window: dt.timedelta, lock: dt.timedelta
    ) -> None:
        if self.now - row.window_started_at > window:
            row.failures, row.window_started_at = 0, self.now
        row.failures += 1
        if row.failures >= threshold:
            row.locked_until = self.now + lock
            row.failures, row.window_started_at = 0, self.now

    def failure(self) -> None:
        """Count a failed attempt against the pair, the account and the address."""
        policy = self.policy
        self._count(
            self.pair, policy.lockout_threshold, policy.lockout_window, policy.lockout_duration
        )
        self._count(
            self.account, policy.account_threshold, policy.account_window, policy.account_lockout
        )
        if self.address is not None:
            self._count(
                self.address,
                policy.address_threshold,
                policy.lockout_window,
                policy.lockout_duration,
            )

    def success(self, session: Session, *, username: str, client: str | None) -> None:
        """Clear the pair's failures and remember the address as known for the account."""
        self.pair.failures, self.pair.locked_until = 0, None
        if not client:
            return
        key = f"known:{username}|{client[:120]}"
        _upsert_missing(session, [key], self.now)
        known = session.get(LoginThrottle, key)
        if known is not None:
            known.window_started_at = self.now
