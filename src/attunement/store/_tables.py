"""The tables, as typed SQLAlchemy 2.x ORM classes.

Raw answers are kept in ``administrations``; ``scores`` are derived from them and the
instrument definition version, so they can be recomputed when a definition is corrected.
Every change to these classes comes with an Alembic migration (``store/migrations``); a
test proves the two agree.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from attunement.store._types import UtcDateTime

__all__ = [
    "AUDIT_CHAINS",
    "AccessGrant",
    "Administration",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Base",
    "Episode",
    "EtrModel",
    "Invitation",
    "LoginThrottle",
    "Patient",
    "RiskEventRecord",
    "ScoreRecord",
    "TherapySession",
    "User",
    "WebSession",
    "name_search_key",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """A person who signs in: clinician, supervisor or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin | supervisor | clinician
    # an admin who also treats patients sees their own caseload (issue 6)
    also_clinician: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_hash: Mapped[str | None] = mapped_column(String(255))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Where notifications are e-mailed (they say only that something is waiting).
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


def name_search_key(name: str) -> str:
    """A name as the patient search compares it: accents dropped, casefolded, spaces single.

    NFKD splits an accented letter into the letter and its combining mark, which is
    dropped; ``casefold`` is Unicode's caseless matching (``Straße`` → ``strasse``). So
    ``jose`` finds José and ``MULLER`` finds Müller, on SQLite (whose ``lower`` folds ASCII
    only) and PostgreSQL alike.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def _search_name_default(context: DefaultExecutionContext) -> str:
    parameters = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return name_search_key(str(parameters.get("display_name") or ""))


class Patient(Base):
    """A patient of the clinic. ``profile`` holds the assessed characteristics (JSON).

    ``search_name`` is :func:`name_search_key` of ``display_name``, written with it (on
    every insert, ORM or Core, and when an ORM object is renamed) and indexed for the
    caseload's name search (a trigram index on PostgreSQL: ``pg_trgm``).

    ``sex`` and ``age_band`` are optional (None: not recorded), one of
    ``attunement.profile.SEXES`` / ``AGE_BANDS``: the age band is kept instead of a birth
    date (data minimisation; :mod:`attunement.profile._demographics`).
    """

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(Text, default=_search_name_default, server_default="")
    preferred_language: Mapped[str] = mapped_column(String(35), default="en")
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    profile_updated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    sex: Mapped[str | None] = mapped_column(String(10))
    age_band: Mapped[str | None] = mapped_column(String(10))

    episodes: Mapped[list[Episode]] = relationship(back_populates="patient")
    clinician: Mapped[User] = relationship(foreign_keys=[clinician_id])


Index(
    "ix_patients_search_name",
    Patient.search_name,
    postgresql_using="gin",
    postgresql_ops={"search_name": "gin_trgm_ops"},
)


@event.listens_for(Patient.display_name, "set")
def _rename(target: Patient, value: str, _old: object, _initiator: object) -> None:
    target.search_name = name_search_key(value or "")


class Episode(Base):
    """One course of treatment."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome_instrument: Mapped[str] = mapped_column(String(40), default="phq9")
    alliance_instrument: Mapped[str | None] = mapped_column(String(40))
    # closed episodes (ended_on set): why, a note, and the administrations it ended on
    end_reason: Mapped[str | None] = mapped_column(String(40))
    end_note: Mapped[str | None] = mapped_column(Text)
    final_outcome_administration_id: Mapped[int | None] = mapped_column(Integer)
    final_alliance_administration_id: Mapped[int | None] = mapped_column(Integer)
    # every close and reopen, oldest first (a reopen clears the fields above)
    lifecycle: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    patient: Mapped[Patient] = relationship(back_populates="episodes")
    sessions: Mapped[list[TherapySession]] = relationship(
        back_populates="episode", order_by="TherapySession.number"
    )


class TherapySession(Base):
    """A scheduled or held session of an episode (``number`` counts from 1 at intake)."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("episode_id", "number", name="episode_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[dt.date] = mapped_column(Date)
    attended: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # voided in error (issue 12): kept, with who, when and why; readers filter LIVE_SESSION
    voided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(100))
    void_reason: Mapped[str | None] = mapped_column(Text)

    episode: Mapped[Episode] = relationship(back_populates="sessions")
    #: every questionnaire given at the session, in the order entered (voided ones too)
    administrations: Mapped[list[Administration]] = relationship(
        order_by="Administration.id", viewonly=True
    )

    #: the key of ``notes`` that holds the rupture markers recorded at the session
    RUPTURE_MARKERS_NOTE: ClassVar[str] = "rupture_markers"

    @property
    def rupture_markers(self) -> list[str]:
        """The rupture markers recorded at the session (none when none were)."""
        return list((self.notes or {}).get(self.RUPTURE_MARKERS_NOTE) or [])


class Administration(Base):
    """One completion of an instrument: the raw answers exactly as given."""

    __tablename__ = "administrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    instrument_id: Mapped[str] = mapped_column(String(40), index=True)
    definition_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[list[Any]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(35), default="en")
    entered_by: Mapped[str] = mapped_column(String(100))  # "user:<id>" | "patient:<invite>"
    administered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    entered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # a between-session self-report has no session; it counts toward this session number
    toward_session: Mapped[int | None] = mapped_column(Integer)
    # voided or replaced by a correction (issue 12): kept; readers filter LIVE_ADMINISTRATION
    voided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(100))
    void_reason: Mapped[str | None] = mapped_column(Text)
    corrected_by_id: Mapped[int | None] = mapped_column(Integer)  # the replacing row's id

    score: Mapped[ScoreRecord | None] = relationship(
        back_populates="administration", cascade="all, delete-orphan"
    )
    #: the therapy session it was given at (None: a between-session self-report)
    therapy_session: Mapped[TherapySession | None] = relationship(viewonly=True)

    @property
    def session_number(self) -> int | None:
        """The number of the therapy session it was given at (None for a self-report)."""
        return None if self.therapy_session is None else self.therapy_session.number

    @property
    def self_report(self) -> bool:
        """A between-session self-report: given at no session, counting toward one."""
        return self.session_id is None and self.toward_session is not None


class ScoreRecord(Base):
    """The derived score of one administration under one definition version."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    administration_id: Mapped[int] = mapped_column(
        ForeignKey("administrations.id", ondelete="CASCADE"), unique=True
    )
    definition_version: Mapped[str] = mapped_column(String(20))
    scales: Mapped[dict[str, Any]] = mapped_column(JSON)
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    has_risk_flag: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str | None] = mapped_column(Text)

    administration: Mapped[Administration] = relationship(back_populates="score")


class RiskEventRecord(Base):
    """A risk event: open (``responded_at`` null) until a clinician records a risk response.

    ``endorsements`` is the list of ``attunement.risk.RiskEndorsement`` (JSON) that opened
    and extended it; ``response`` the ``RiskResponse`` (JSON). Never deleted with an
    administration: a risk answer entered in error is answered, not erased.
    """

    __tablename__ = "risk_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("episodes.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # endorsed | unanswered
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    endorsements: Mapped[list[Any]] = mapped_column(JSON)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)
    responded_by: Mapped[str | None] = mapped_column(String(100))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Invitation(Base):
    """A single-use, expiring link for a patient to self-report the due questionnaires.

    Only a keyed digest of the token is stored; the token itself is shown once.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    instruments: Mapped[list[Any]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(35))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class ApiToken(Base):
    """An opaque bearer token for the REST API, stored as a keyed digest; expires, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class WebSession(Base):
    """A server-side web session (the cookie holds only the token; idle and absolute expiry)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class CdsTokenUse(Base):
    """Each EHR token (``iss``, ``jti``) used against CDS Hooks, kept until it expires.

    Shared by every app process (issue 13): the primary key makes a second use of a token
    fail in whichever process it arrives. Rows whose ``expires_at`` has passed are deleted on
    the next use; an expired token is refused by its ``exp`` before it gets here.
    """

    __tablename__ = "cds_token_uses"

    iss: Mapped[str] = mapped_column(String(1000), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class LoginThrottle(Base):
    """Failed sign-ins per key (``user:<name>`` or ``addr:<client>``), shared by app servers."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


#: How many audit chains appends spread over on PostgreSQL (issue 13); SQLite, with its
#: single writer, uses chain 0 only. Fixed by migration 0016, which seeds one head each.
AUDIT_CHAINS = 16


class AuditEntry(Base):
    """One entry of the append-only audit trail, chained to the previous one of its chain.

    The trail is ``AUDIT_CHAINS`` independent hash chains (issue 13): ``chain`` names one,
    ``chain_seq`` is the entry's place in it (previous + 1, so a fork cannot be stored and a
    deleted entry leaves a gap) and ``prev_hash`` the MAC of the entry before it in that
    chain. ``seq`` is global and increasing, for display order only (on PostgreSQL it comes
    from a sequence, so a rolled-back append may leave a hole). Entries from before
    migration 0016 form the start of chain 0 with ``chain_seq = seq``. No foreign keys: the
    trail outlives the records it names. ``entry_hash`` is HMAC-SHA256 under the audit key
    named by ``key_id`` (entries from before migration 0005: ``key_id = "sha256-legacy"``,
    plain SHA-256). Database triggers refuse UPDATE, DELETE, TRUNCATE and any INSERT that is
    not the next entry of its chain — ``INSERT OR REPLACE`` and upserts included.
    """

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("chain", "chain_seq", name="uq_audit_log_chain_chain_seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    target: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(40))
    chain: Mapped[int] = mapped_column(Integer, default=0)
    chain_seq: Mapped[int] = mapped_column(Integer)


class AuditChainHead(Base):
    """The newest entry of each audit chain, moved on in the transaction that appends.

    An append locks its chain's row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL: the
    first chain no other transaction holds), so this row is both the chain's lock and its
    head. Verification compares each chain's last entry with its row: deleting the newest
    entries of a chain is detected unless the row is rewound too (which triggers refuse and
    anchors, kept outside the database, catch).
    """

    __tablename__ = "audit_chain_heads"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    chain_seq: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    mac: Mapped[str] = mapped_column(String(64))


class AccessGrant(Base):
    """A grant of clinical access to an account, and who allowed it.

    Admins have no clinical access, so an admin may not give it — to another account or to
    one they create — on their own (issue 18): an account with the admin or supervisor role
    or ``also_clinician``, or a supervisor link, needs an approval recorded first by a
    second admin (or the CLI operator), which the change then uses up; or a break-glass
    reason, applied at once and raised as an alert. ``kind`` is ``account`` (creating such
    an account) or ``supervisor_link``; the row records the approver, and when it was used,
    by whom. No foreign keys: accounts to be created do not exist yet.
    """

    __tablename__ = "access_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    username: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    also_clinician: Mapped[bool] = mapped_column(Boolean, default=False)
    supervisor: Mapped[str | None] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    break_glass_reason: Mapped[str | None] = mapped_column(Text)
    used_by: Mapped[str | None] = mapped_column(String(100))
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class EtrModel(Base):
    """One fitted expected-treatment-response growth model, versioned per instrument.

    ``sequence`` counts the fits of an instrument from 1 and is never reused (the unique
    constraint refuses an overwrite); ``model`` is ``GrowthModel.model_dump(mode="json")``
    and ``model_version`` its content hash (``GrowthModel.version``). Counts and the data
    label ("… SYNTHETIC") are copied out so a list of versions needs no JSON parsing.
    """

    __tablename__ = "etr_models"
    __table_args__ = (
        UniqueConstraint("instrument", "sequence", name="uq_etr_models_instrument_sequence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(16))
    fitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    n_patients: Mapped[int] = mapped_column(Integer)
    n_obs: Mapped[int] = mapped_column(Integer)
    data_label: Mapped[str] = mapped_column(Text)
    model: Mapped[dict[str, Any]] = mapped_column(JSON)
