"""Data in and out of the use cases, named by role (``PatientCreate``, ``PatientPublic`` …).

The API uses these as request and response bodies, the web pages as form targets, the CLI
for ``--json``; the names follow the full-stack-fastapi-template convention. The account
and audit schemas live in :mod:`._account_schemas` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    AliasPath,
    BaseModel,
    Field,
    Strict,
    StringConstraints,
    field_validator,
)

from attunement.instruments import DEFAULT_ALLIANCE_INSTRUMENT
from attunement.profile import AgeBand, Sex
from attunement.services._account_schemas import (
    AuditEntryPublic,
    AuditVerification,
    DemoAccount,
    SupervisorUpdate,
    TokenIssued,
    UserCreate,
    UserPublic,
    WebSessionIssued,
)
from attunement.services._clean_input import PlainText
from attunement.services._schema_config import INPUT, PUBLIC

MAX_SESSION_NUMBER = 1000  # the highest session number an episode may record

__all__ = [
    "AdministrationCorrection",
    "AdministrationCreate",
    "AdministrationPublic",
    "AuditEntryPublic",
    "AuditVerification",
    "CaseloadEntry",
    "DemoAccount",
    "EpisodeCreate",
    "EpisodeEvent",
    "EpisodePublic",
    "InvitationCreate",
    "InvitationIssued",
    "InvitationView",
    "PatientCreate",
    "PatientOverview",
    "PatientPublic",
    "PatientUpdate",
    "ScorePublic",
    "SelfReportResponse",
    "SelfReportSubmission",
    "SupervisorUpdate",
    "TherapySessionAdministration",
    "TherapySessionCreate",
    "TherapySessionPublic",
    "TherapySessionUpdate",
    "TokenIssued",
    "UserCreate",
    "UserPublic",
    "VoidRequest",
    "WebSessionIssued",
]


#: BCP 47-shaped language tag, e.g. ``en``, ``es``, ``pt-BR``; at most 35 characters (the
#: length RFC 5646 §4.4.1 asks every implementation to hold, and the stored column's).
Language = Annotated[
    str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)
]
InstrumentId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
#: An answer as a caller gives it: a JSON integer (every instrument's response values are
#: integers) or ``null`` for a missing answer. Strict: ``true`` (once read as 1, raising the
#: PHQ-9 item-9 risk flag), ``2.0``, ``"2"`` and ``NaN`` (once stored, then breaking every
#: report of the patient) are refused with 422; the scoring engine then checks the value
#: against the item's allowed set.
Answer = Annotated[int, Strict()] | None
#: An answer as stored and shown (records stored before answers were strict may hold floats).
StoredAnswer = int | float | None


class PatientBase(BaseModel):
    model_config = INPUT

    display_name: PlainText = Field(min_length=1, max_length=200)
    preferred_language: Language = "en"
    external_id: PlainText | None = Field(None, min_length=1, max_length=100)


class PatientCreate(PatientBase):
    """A new patient; the signed-in clinician becomes their clinician. ``sex`` and
    ``age_band`` are optional (null: not recorded); the age band, not a birth date, is what
    the clinic keeps (:mod:`attunement.profile._demographics`)."""

    sex: Sex | None = None
    age_band: AgeBand | None = None


class PatientUpdate(BaseModel):
    """Change the recorded sex and age band: a field sent is set (null: not recorded), a
    field left out is kept."""

    model_config = INPUT

    sex: Sex | None = None
    age_band: AgeBand | None = None


class PatientPublic(PatientBase):
    model_config = PUBLIC

    # as stored: the input checks of PatientBase must not make an old record unreadable
    display_name: str
    preferred_language: str
    external_id: str | None
    sex: str | None = None
    age_band: str | None = None
    id: int
    clinician_id: int
    clinician_name: str = Field(
        validation_alias=AliasChoices("clinician_name", AliasPath("clinician", "display_name"))
    )
    profile: dict[str, Any]
    profile_updated_at: dt.datetime | None
    synthetic: bool
    created_at: dt.datetime

    @field_validator("profile", mode="before")
    @classmethod
    def _no_profile(cls, value: object) -> object:
        return {} if value is None else value  # a row stored before profiles were required


class PatientOverview(BaseModel):
    """The operator's list row: id, display name, clinician, latest alert."""

    model_config = PUBLIC

    id: int
    display_name: str
    clinician: str
    latest_alert: str | None
    risk_flag: bool
    synthetic: bool


class EpisodeCreate(BaseModel):
    """A new episode. The outcome and alliance measures must declare that role in their
    definition; the alliance measure defaults to WAI-SR
    (``instruments.DEFAULT_ALLIANCE_INSTRUMENT``), ``null`` for none; the start date
    defaults to today and may not lie in the future."""

    model_config = INPUT

    started_on: dt.date | None = None
    outcome_instrument: InstrumentId = "phq9"
    alliance_instrument: InstrumentId | None = DEFAULT_ALLIANCE_INSTRUMENT


class EpisodeEvent(BaseModel):
    """One close or reopen of an episode, as kept in its lifecycle."""

    model_config = PUBLIC

    event: str  # closed | reopened
    on: dt.date
    at: dt.datetime
    by: str
    end_reason: str | None = None
    reason: str | None = None  # why it was reopened


class EpisodePublic(BaseModel):
    model_config = PUBLIC

    id: int
    patient_id: int
    clinician_id: int
    started_on: dt.date
    ended_on: dt.date | None
    outcome_instrument: str
    alliance_instrument: str | None
    end_reason: str | None = None
    end_note: str | None = None
    final_outcome_administration_id: int | None = None
    final_alliance_administration_id: int | None = None
    lifecycle: list[EpisodeEvent] = []

    @field_validator("lifecycle", mode="before")
    @classmethod
    def _no_events(cls, value: object) -> object:
        return [] if value is None else value  # never closed nor reopened


class AdministrationCreate(BaseModel):
    """One completed instrument: answers in item order (``null`` = missing)."""

    model_config = INPUT

    instrument: InstrumentId
    answers: list[Answer] = Field(max_length=500)
    language: Language | None = None
    administered_at: dt.datetime | None = None
    session_number: int | None = Field(None, ge=1, le=MAX_SESSION_NUMBER)


class ScorePublic(BaseModel):
    model_config = PUBLIC

    definition_version: str
    scales: dict[str, Any]
    flags: list[dict[str, Any]]
    has_risk_flag: bool


# read from an Administration row (``model_validate(row)``); load its ``therapy_session``
# and ``score`` with the rows of a listing (no docstring: it would change the OpenAPI)
class AdministrationPublic(BaseModel):
    model_config = PUBLIC

    id: int
    episode_id: int
    session_number: int | None
    instrument: str = Field(validation_alias=AliasChoices("instrument", "instrument_id"))
    definition_version: str
    language: str
    answers: list[StoredAnswer]
    administered_at: dt.datetime
    entered_by: str
    #: a between-session self-report: no session; counts toward ``counts_toward_session``
    self_report: bool = False
    counts_toward_session: int | None = Field(
        None, validation_alias=AliasChoices("counts_toward_session", "toward_session")
    )
    #: set when voided in error or replaced by a correction (``corrected_by_id``); a voided
    #: administration counts nowhere (status, charts, reports, FHIR, CDS) but stays listed
    voided_at: dt.datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    corrected_by_id: int | None = None
    score: ScorePublic | None

    @property
    def live(self) -> bool:
        """Counts in the status, charts and reports: not voided or corrected (the stored
        filter is ``store.LIVE_ADMINISTRATION``; a listing with ``include_voided`` holds
        both kinds, so a page needing both reads once and splits them here)."""
        return self.voided_at is None


class TherapySessionAdministration(BaseModel):
    """One questionnaire completed at the session: answers in item order (``null`` = missing)."""

    model_config = INPUT

    instrument: InstrumentId
    answers: list[Answer] = Field(max_length=500)
    language: Language | None = None


#: A rupture marker id of ``monitoring/feedback_rules/alliance.yaml`` (withdrawal,
#: confrontation, moving_away …); the service checks it against that list.
MarkerId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class TherapySessionCreate(BaseModel):
    """A session as the clinician records it: held or missed, questionnaires, rupture markers.

    ``number`` defaults to the episode's next session and ``held_on`` to today. A number the
    episode already has is refused (``TherapySessionExists``, 409): editing a session is its own
    action (:class:`TherapySessionUpdate`), nothing is merged (issue 12).
    """

    model_config = INPUT

    number: int | None = Field(None, ge=1, le=MAX_SESSION_NUMBER)
    held_on: dt.date | None = None
    attended: bool = True
    administrations: list[TherapySessionAdministration] = Field(default_factory=list, max_length=20)
    rupture_markers: list[MarkerId] | None = Field(None, max_length=20)


class TherapySessionPublic(BaseModel):
    """The session as stored, with every questionnaire recorded at it."""

    model_config = PUBLIC

    episode_id: int
    number: int
    held_on: dt.date
    attended: bool
    rupture_markers: list[str]
    administrations: list[AdministrationPublic]
    #: set when the session was voided in error (it then counts nowhere; its number is
    #: not reused)
    voided_at: dt.datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None


class TherapySessionUpdate(BaseModel):
    """An edit of a recorded session: only the fields given change (issue 12).

    ``reason`` is kept in the audit trail. Questionnaires are not edited here: correct or
    void an administration instead, so the original stays in the history.
    """

    model_config = INPUT

    held_on: dt.date | None = None
    attended: bool | None = None
    rupture_markers: list[MarkerId] | None = Field(None, max_length=20)
    reason: str | None = Field(None, max_length=500)


class VoidRequest(BaseModel):
    """Void a record entered in error; the reason is required and kept with it."""

    model_config = INPUT

    reason: str = Field(min_length=3, max_length=500)


class AdministrationCorrection(BaseModel):
    """The corrected answers of an administration, replacing it (the original is kept,
    marked corrected, with the reason). Language and time default to the original's."""

    model_config = INPUT

    answers: list[Answer] = Field(max_length=500)
    reason: str = Field(min_length=3, max_length=500)
    language: Language | None = None
    administered_at: dt.datetime | None = None


class InvitationCreate(BaseModel):
    """Which questionnaires are due (default: the episode's), language, lifetime."""

    model_config = INPUT

    instruments: list[InstrumentId] | None = Field(None, min_length=1, max_length=10)
    language: Language | None = None
    expires_in_hours: int | None = Field(None, ge=1, le=720)


class InvitationIssued(BaseModel):
    """The invitation as created; ``token`` is shown this once and never stored."""

    model_config = PUBLIC

    id: int
    episode_id: int
    token: str
    url_path: str
    instruments: list[str]
    language: str
    expires_at: dt.datetime


class InvitationView(BaseModel):
    """What the patient's link shows: the due questionnaires and language (no names)."""

    model_config = PUBLIC

    instruments: list[str]
    language: str
    expires_at: dt.datetime
    synthetic: bool = Field(description="the record is synthetic (demo data), not a real patient")


class SelfReportResponse(BaseModel):
    model_config = INPUT

    instrument: InstrumentId
    answers: list[Answer] = Field(max_length=500)


class SelfReportSubmission(BaseModel):
    model_config = INPUT

    responses: list[SelfReportResponse] = Field(min_length=1, max_length=10)


class CaseloadEntry(BaseModel):
    """One open episode on a caseload, with its alert (risk first, then red … white).

    A patient with an open risk event but no open episode (an intake questionnaire with the
    risk item endorsed) is listed too, with ``episode_id`` None: an open risk is never off
    the caseload.
    """

    model_config = PUBLIC

    episode_id: int | None
    patient_id: int
    display_name: str
    clinician_id: int
    clinician: str
    outcome_instrument: str
    session: int | None  # the latest attended session with an outcome questionnaire
    alert: str | None  # None: no assessable score yet
    risk_flag: bool  # an open risk event (pinned first)
    open_risk_events: int = 0
    latest: float | None
    latest_session: int | None  # the session of the latest outcome score
    latest_on: dt.date | None  # the date of the latest outcome score
    category: str | None
    synthetic: bool
    deterioration: float = 0.0  # towards worse, in reliable-change criteria (the severity)
    last_seen_on: dt.date | None = None  # the latest attended session (or measure)
    measure_due_on: dt.date | None = None  # when the next outcome measure is due
    overdue: bool = False  # no outcome measure for longer than the clinic's interval
