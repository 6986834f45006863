"""Idempotent writes: a repeated request returns the first result and stores nothing twice.

A write may carry a key (the ``Idempotency-Key`` header of the API, as payment APIs do, or
the one-time ``form_token`` of a web form). The edge announces it for the request with
:func:`pending_request` (a context variable, so no use case signature changes); the first
write :func:`~attunement.services._audit.use_case` of the request (reads claim nothing)
then *claims* the key inside its own transaction (:func:`claim_pending`), before the use
case writes anything:

* the key is new → a row (``scope``, ``key``) is inserted; it commits with the write, or
  disappears with it on a rollback;
* the key was used for the same request → :class:`RepeatedRequest`: nothing is written,
  the edge answers with the first result (:func:`stored_result`);
* the key was used for a different request → :class:`IdempotencyKeyReused` (422).

Two racing requests cannot both write: on SQLite the use case holds the write lock from its
first statement (``BEGIN IMMEDIATE``), on PostgreSQL the second insert of the same primary
key waits for the first transaction and then finds the row. The edge records the response
once the claiming transaction has committed (:func:`record_result`) and releases the claim
when the request failed (:func:`release_claim`): only successful results are kept, so a
request refused for its input runs again when repeated. Keys expire after
:data:`KEY_LIFETIME` (24 hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attunement.errors import Conflict, InputError
from attunement.services._context import ServiceContext
from attunement.services._transaction import read_transaction, transaction
from attunement.store import IdempotencyKey

__all__ = [
    "KEY_LIFETIME",
    "IdempotencyKeyReused",
    "PendingRequest",
    "RepeatedRequest",
    "StoredResult",
    "claim_pending",
    "pending_request",
    "record_result",
    "release_claim",
    "stored_result",
]

#: How long a key and its first result are kept (as Stripe's API keeps them).
KEY_LIFETIME = dt.timedelta(hours=24)


class RepeatedRequest(Conflict):
    """The request repeats one already handled under the same key; nothing was written."""

    def __init__(self) -> None:
        super().__init__("this request repeats one already handled under the same key")


class IdempotencyKeyReused(InputError):
    """The key was first used for a different request (another body, route or method)."""

    def __init__(self, key: str) -> None:
        super().__init__(
            "Idempotency-Key",
            key,
            "the same request as the key's first use (method, path and body), or a new key",
        )


@dataclass
class PendingRequest:
    """The key a request carries; the first use case of the request claims it."""

    scope: str
    key: str
    fingerprint: str
    claimed: bool = False
    repeated: bool = False


_PENDING: ContextVar[PendingRequest | None] = ContextVar("attunement_idempotency", default=None)


@contextmanager
def pending_request(request: PendingRequest) -> Iterator[PendingRequest]:
    """Announce ``request``'s key to the use cases the request runs (the edge calls this)."""
    token = _PENDING.set(request)
    try:
        yield request
    finally:
        _PENDING.reset(token)


def claim_pending(session: Session, ctx: ServiceContext, actor: str) -> bool:
    """Claim the request's key in ``session``'s transaction; True when claimed here.

    Called by ``use_case`` at its start; a no-op without a key or once the request holds
    its claim. Raises :class:`RepeatedRequest` or :class:`IdempotencyKeyReused`.
    """
    pending = _PENDING.get()
    if pending is None or pending.claimed:
        return False
    now = ctx.now()
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at < now))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(IdempotencyKey)
        .values(
            scope=pending.scope,
            key=pending.key,
            fingerprint=pending.fingerprint,
            actor=actor,
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyKey.key)
    ).first()
    if inserted is not None:
        pending.claimed = True
        return True
    fingerprint = session.scalar(
        select(IdempotencyKey.fingerprint).where(
            IdempotencyKey.scope == pending.scope, IdempotencyKey.key == pending.key
        )
    )
    if fingerprint != pending.fingerprint:
        raise IdempotencyKeyReused(pending.key)
    pending.repeated = True
    raise RepeatedRequest()


def unclaim_pending() -> None:
    """The claiming transaction rolled back: the request holds no claim any more."""
    pending = _PENDING.get()
    if pending is not None:
        pending.claimed = False


@dataclass(frozen=True)
class StoredResult:
    """A key's row: its request fingerprint and, once recorded, the first response."""

    fingerprint: str
    status_code: int | None
    headers: Mapping[str, str]
    body: bytes

    @property
    def complete(self) -> bool:
        return self.status_code is not None


def stored_result(ctx: ServiceContext, *, scope: str, key: str) -> StoredResult | None:
    """The live row of (``scope``, ``key``), or None (never used, or expired)."""
    with read_transaction(ctx.sessions) as session:
        row = session.get(IdempotencyKey, (scope, key))
        if row is None or row.expires_at < ctx.now():
            return None
        return StoredResult(
            fingerprint=row.fingerprint,
            status_code=row.status_code,
            headers=dict(row.headers or {}),
            body=row.body or b"",
        )


def record_result(
    ctx: ServiceContext,
    *,
    scope: str,
    key: str,
    status_code: int,
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    """Keep the first response of the claimed key (status, the relevant headers, body)."""
    with transaction(ctx.sessions) as session:
        row = session.get(IdempotencyKey, (scope, key))
        if row is not None and row.status_code is None:
            row.status_code = status_code
            row.headers = dict(headers)
            row.body = body


def release_claim(ctx: ServiceContext, *, scope: str, key: str) -> None:
    """Forget a claim whose request failed after it committed (no result is kept)."""
    with transaction(ctx.sessions) as session:
        session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.scope == scope,
                IdempotencyKey.key == key,
                IdempotencyKey.status_code.is_(None),
            )
        )
