"""The CDS Hooks replay guard, kept in the database so every app process shares it.

CDS Hooks 2.0 (§ Trusting CDS Clients) asks the service to accept each ``jti`` once. A guard
in process memory let a token be replayed once per process (issue 13); here each use is a
row of ``cds_token_uses`` keyed by (``iss``, ``jti``), so a second use fails whichever process
it reaches. The guard stays bounded and fails closed: with ``capacity`` live tokens stored it
refuses new ones rather than forget one that could still be replayed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from attunement.errors import AuthenticationError
from attunement.services._context import ServiceContext
from attunement.services._transaction import transaction
from attunement.store import CdsTokenUse

__all__ = ["claim_token_use"]


def claim_token_use(
    ctx: ServiceContext, *, iss: str, jti: str, expires_at: dt.datetime, capacity: int
) -> None:
    """Record the first use of the token (``iss``, ``jti``); AuthenticationError on a replay
    or when ``capacity`` live tokens are already stored. Expired uses are forgotten first."""
    now = ctx.now()
    with transaction(ctx.sessions) as session:
        session.execute(delete(CdsTokenUse).where(CdsTokenUse.expires_at < now))
        if session.get(CdsTokenUse, (iss, jti)) is not None:
            raise AuthenticationError("token rejected: jti was already used (replay)")
        live = session.scalar(select(func.count()).select_from(CdsTokenUse)) or 0
        if live >= capacity:
            raise AuthenticationError(
                "token rejected: too many live tokens to track; retry shortly"
            )
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        stored = session.execute(
            dialect.insert(CdsTokenUse)
            .values(iss=iss, jti=jti, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["iss", "jti"])
            .returning(CdsTokenUse.jti)
        ).first()
        if stored is None:  # another process stored it between the read and the insert
            raise AuthenticationError("token rejected: jti was already used (replay)")
