"""Accounts, sign-in and audit records in and out of the use cases (``UserCreate`` …).

Split from :mod:`attunement.services._schemas` (which re-exports them) so that each module
holds one concern: clinical records there, accounts and the audit trail here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from attunement.services._actors import Role
from attunement.services._clean_input import PlainText

__all__ = [
    "AuditEntryPublic",
    "AuditVerification",
    "DemoAccount",
    "SessionIssued",
    "SupervisorUpdate",
    "TokenIssued",
    "UserCreate",
    "UserPublic",
]

_IN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
_OUT = ConfigDict(frozen=True)


class UserCreate(BaseModel):
    model_config = _IN

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    display_name: PlainText = Field(min_length=1, max_length=200)
    role: Role
    password: SecretStr
    supervisor: str | None = Field(None, description="username of the supervising supervisor")
    also_clinician: bool = False


class UserPublic(BaseModel):
    model_config = _OUT

    id: int
    username: str
    display_name: str
    role: Role
    also_clinician: bool
    supervisor_id: int | None
    active: bool
    synthetic: bool
    created_at: dt.datetime


class SupervisorUpdate(BaseModel):
    model_config = _IN

    supervisor_id: int | None


class TokenIssued(BaseModel):
    """OAuth2 bearer token response (RFC 6749 §5.1)."""

    model_config = _OUT

    access_token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth2 token type)
    expires_in: int


class SessionIssued(BaseModel):
    """A new web session: the cookie value, its CSRF token and the signed-in user."""

    model_config = _OUT

    token: str
    csrf_token: str
    expires_at: dt.datetime
    user: UserPublic


class AuditEntryPublic(BaseModel):
    model_config = _OUT

    seq: int
    at: dt.datetime
    actor: str
    role: str | None
    action: str
    patient_id: int | None
    target: str | None
    outcome: str
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str


class AuditVerification(BaseModel):
    """Result of walking the chain: intact, or the first entry that breaks it and why."""

    model_config = _OUT

    intact: bool
    entries: int
    head_hash: str
    broken_at: int | None = None
    problem: str | None = None


class DemoAccount(BaseModel):
    """A demo sign-in (demo mode only; printed by ``attune demo``)."""

    model_config = _OUT

    username: str
    password: str
    role: Role
    display_name: str
