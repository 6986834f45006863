"""Accounts, sign-in and audit records in and out of the use cases (``UserCreate`` …).

Split from :mod:`attunement.services._schemas` (which re-exports them) so that each module
holds one concern: clinical records there, accounts and the audit trail here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, computed_field, field_validator

from attunement.services._actors import Role
from attunement.services._clean_input import PlainText
from attunement.services._email_address import EMAIL_ADDRESS, plausible_email
from attunement.services._schema_config import INPUT, PUBLIC

__all__ = [
    "AccessGrantCreate",
    "AccessGrantPublic",
    "AuditAnchorWritten",
    "AuditChainState",
    "AuditEntryPublic",
    "AuditVerification",
    "DemoAccount",
    "SupervisorUpdate",
    "TokenIssued",
    "UserCreate",
    "UserPublic",
    "WebSessionIssued",
]


class UserCreate(BaseModel):
    model_config = INPUT

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    display_name: PlainText = Field(min_length=1, max_length=200)
    role: Role
    password: SecretStr
    supervisor: str | None = Field(None, description="username of the supervising supervisor")
    also_clinician: bool = False
    email: str | None = Field(
        None,
        max_length=320,
        json_schema_extra={"pattern": EMAIL_ADDRESS.pattern},
        description="Where notifications are e-mailed (they never name a patient).",
    )
    break_glass_reason: PlainText | None = Field(
        None,
        min_length=20,
        max_length=500,
        description="Grant clinical access (admin or supervisor role, also_clinician, a "
        "supervisor) without a second admin's approval: why it cannot wait. Applied at "
        "once, recorded and raised as an alert. No patient details.",
    )

    @field_validator("email")
    @classmethod
    def _plausible_email(cls, value: str | None) -> str | None:
        return plausible_email(value)

    @field_validator("password", mode="before")
    @classmethod
    def _password_as_typed(cls, value: Any) -> Any:
        """A password is never trimmed: one with a space or line break at either end is
        refused rather than stored as something other than what was typed."""
        if isinstance(value, str) and value != value.strip():
            raise ValueError("no space or line break at the start or end")
        return value


class UserPublic(BaseModel):
    model_config = PUBLIC

    id: int
    username: str
    display_name: str
    role: Role
    also_clinician: bool
    supervisor_id: int | None
    email: str | None
    active: bool
    synthetic: bool
    created_at: dt.datetime


class SupervisorUpdate(BaseModel):
    model_config = INPUT

    supervisor_id: int | None
    break_glass_reason: PlainText | None = Field(
        None,
        min_length=20,
        max_length=500,
        description="Link without a second admin's approval (see UserCreate).",
    )


GrantKind = Literal["account", "supervisor_link"]


class AccessGrantCreate(BaseModel):
    """A second admin's approval of one grant of clinical access, used up by the change.

    ``account``: creating ``username`` with ``role`` (admin or supervisor, or any role with
    ``also_clinician`` or a ``supervisor``) — the fields must match the creation exactly.
    ``supervisor_link``: linking clinician ``username`` to ``supervisor``.
    """

    model_config = INPUT

    kind: GrantKind
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    role: Role | None = None
    also_clinician: bool = False
    supervisor: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccessGrantPublic(BaseModel):
    model_config = PUBLIC

    id: int
    kind: GrantKind
    username: str
    role: Role | None
    also_clinician: bool
    supervisor: str | None
    approved_by: str
    approved_at: dt.datetime
    expires_at: dt.datetime
    break_glass_reason: str | None
    used_by: str | None
    used_at: dt.datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def break_glass(self) -> bool:
        """Linked without a second admin's approval (a reason was given instead)."""
        return self.break_glass_reason is not None


class TokenIssued(BaseModel):
    """OAuth2 bearer token response (RFC 6749 §5.1)."""

    model_config = PUBLIC

    access_token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth2 token type)
    expires_in: int


class WebSessionIssued(BaseModel):
    """A new web session: the cookie value, its CSRF token and the signed-in user."""

    model_config = PUBLIC

    token: str
    csrf_token: str
    expires_at: dt.datetime
    user: UserPublic


class AuditEntryPublic(BaseModel):
    model_config = PUBLIC

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
    chain: int = 0
    chain_seq: int = 0


class AuditChainState(BaseModel):
    """One audit chain as verified: how many entries, and its newest (place, seq, MAC)."""

    model_config = PUBLIC

    chain: int
    entries: int
    head_chain_seq: int
    head_seq: int
    head_hash: str


class AuditVerification(BaseModel):
    """Result of walking the chains: intact, or the first entry that breaks one and why.

    ``head_seq``/``head_hash`` are the newest entry's (by ``seq``) and ``chains`` each
    chain's newest entry; ``broken_at`` is the ``seq`` of the entry found broken (None when
    the problem is entries missing at a chain's end, or the anchors), ``broken_chain`` and
    ``broken_chain_seq`` its chain and place there (for missing entries: the first one);
    ``anchored_seq``/``anchored_at`` the newest valid anchor checked (None: no anchor
    found); ``unanchored`` how many entries are newer than it (their removal is detectable
    by the chains' head rows, and beyond a rewrite of those only once anchored);
    ``legacy_entries`` how many entries predate the audit key (unkeyed SHA-256).
    """

    model_config = PUBLIC

    intact: bool
    entries: int
    head_hash: str
    broken_at: int | None = None
    broken_chain: int | None = None
    broken_chain_seq: int | None = None
    problem: str | None = None
    chains: list[AuditChainState] = Field(default_factory=list)
    head_seq: int = 0
    legacy_entries: int = 0
    key_ids: list[str] = Field(default_factory=list)
    anchors_checked: int = 0
    anchored_seq: int | None = None
    anchored_at: dt.datetime | None = None
    unanchored: int = 0


class AuditAnchorWritten(BaseModel):
    """A new anchor: where it was written and the line to ship to an append-only sink."""

    model_config = PUBLIC

    seq: int
    mac: str
    at: dt.datetime
    key_id: str
    path: str
    line: str


class DemoAccount(BaseModel):
    """A demo sign-in (demo mode only; printed by ``attune demo``)."""

    model_config = PUBLIC

    username: str
    password: str
    role: Role
    display_name: str
