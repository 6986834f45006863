"""Tables that make a request safe to repeat and a form safe to lose its sign-in (issue 12).

* ``idempotency_keys`` — each ``Idempotency-Key`` (API) or one-time form token (web) with
  the first result it produced. The primary key (``scope``, ``key``) is claimed inside the
  use case's own transaction, so two racing requests cannot both write.
* ``form_drafts`` — a clinical form posted after the sign-in expired, kept (encrypted) for
  its user until it expires, so the clinician lands back on the filled form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["FormDraft", "IdempotencyKey"]


class IdempotencyKey(Base):
    """One idempotency key of one caller and the first result of its request.

    ``scope`` is a digest of the caller's credential (API token, sign-in session); ``actor``
    is who claimed it (the audit name). ``status_code`` stays NULL until the response is
    recorded, just after the claiming transaction commits. Rows past ``expires_at`` are
    deleted on the next claim.
    """

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    status_code: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)


class FormDraft(Base):
    """A clinical form kept for its user after the sign-in expired (AES-GCM encrypted)."""

    __tablename__ = "form_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
