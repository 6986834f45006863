"""Data in and out of the use cases, named by role (``PatientCreate``, ``PatientPublic`` …).

The API uses these as request and response bodies, the web pages as form targets, the CLI
for ``--json``; the names follow the full-stack-fastapi-template convention.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

from attunement.services._actors import Role

__all__ = [
    "AdministrationCreate",
    "AdministrationPublic",
    "AuditEntryPublic",
    "AuditVerification",
    "CaseloadEntry",
    "DemoAccount",
    "EpisodeCreate",
    "EpisodePublic",
    "InvitationCreate",
    "InvitationIssued",
    "InvitationView",
    "PatientCreate",
    "PatientOverview",
    "PatientPublic",
    "ScorePublic",
    "SelfReportResponse",
    "SelfReportSubmission",
    "SessionIssued",
    "SupervisorUpdate",
    "TokenIssued",
    "UserCreate",
    "UserPublic",
]

_IN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
_OUT = ConfigDict(frozen=True)

#: BCP 47-shaped language tag, e.g. ``en``, ``es``, ``pt-BR``.
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
InstrumentId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Answer = int | float | None


class PatientBase(BaseModel):
    model_config = _IN

    display_name: str = Field(min_length=1, max_length=200)
    preferred_language: Language = "en"
    external_id: str | None = Field(None, min_length=1, max_length=100)


class PatientCreate(PatientBase):
    """A new patient; the signed-in clinician becomes their clinician."""


class PatientPublic(PatientBase):
    model_config = _OUT

    id: int
    clinician_id: int
    profile: dict[str, Any]
    profile_updated_at: dt.datetime | None
    synthetic: bool
    created_at: dt.datetime


class PatientOverview(BaseModel):
    """The operator's list row: id, display name, clinician, latest alert."""

    model_config = _OUT

    id: int
    display_name: str
    clinician: str
    latest_alert: str | None
    risk_flag: bool
    synthetic: bool


class EpisodeCreate(BaseModel):
    model_config = _IN

    started_on: dt.date | None = None
    outcome_instrument: InstrumentId = "phq9"
    alliance_instrument: InstrumentId | None = None


class EpisodePublic(BaseModel):
    model_config = _OUT

    id: int
    patient_id: int
    clinician_id: int
    started_on: dt.date
    ended_on: dt.date | None
    outcome_instrument: str
    alliance_instrument: str | None


class AdministrationCreate(BaseModel):
    """One completed instrument: answers in item order (``null`` = missing)."""

    model_config = _IN

    instrument: InstrumentId
    answers: list[Answer] = Field(max_length=500)
    language: Language | None = None
    administered_at: dt.datetime | None = None
    session_number: int | None = Field(None, ge=1, le=1000)


class ScorePublic(BaseModel):
    model_config = _OUT

    definition_version: str
    scales: dict[str, Any]
    flags: list[dict[str, Any]]
    has_risk_flag: bool


class AdministrationPublic(BaseModel):
    model_config = _OUT

    id: int
    episode_id: int
    session_number: int | None
    instrument: str
    definition_version: str
    language: str
    answers: list[Answer]
    administered_at: dt.datetime
    entered_by: str
    score: ScorePublic | None


class InvitationCreate(BaseModel):
    """Which questionnaires are due (default: the episode's), language, lifetime."""

    model_config = _IN

    instruments: list[InstrumentId] | None = Field(None, min_length=1, max_length=10)
    language: Language | None = None
    expires_in_hours: int | None = Field(None, ge=1, le=720)


class InvitationIssued(BaseModel):
    """The invitation as created; ``token`` is shown this once and never stored."""

    model_config = _OUT

    id: int
    episode_id: int
    token: str
    url_path: str
    instruments: list[str]
    language: str
    expires_at: dt.datetime


class InvitationView(BaseModel):
    """What the patient's link shows: the due questionnaires and language (no names)."""

    model_config = _OUT

    instruments: list[str]
    language: str
    expires_at: dt.datetime


class SelfReportResponse(BaseModel):
    model_config = _IN

    instrument: InstrumentId
    answers: list[Answer] = Field(max_length=500)


class SelfReportSubmission(BaseModel):
    model_config = _IN

    responses: list[SelfReportResponse] = Field(min_length=1, max_length=10)


class CaseloadEntry(BaseModel):
    """One open episode on a caseload, with its alert (risk first, then red … white)."""

    model_config = _OUT

    episode_id: int
    patient_id: int
    display_name: str
    clinician_id: int
    clinician: str
    session: int | None
    alert: str | None  # None: no assessable score yet
    risk_flag: bool
    latest: float | None
    category: str | None
    synthetic: bool


class UserCreate(BaseModel):
    model_config = _IN

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    display_name: str = Field(min_length=1, max_length=200)
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
