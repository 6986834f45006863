"""Seed and describe the synthetic demo clinic (``attune demo``) and its demo accounts.

Administrations are recorded through the one scoring engine, so the demo's scores, flags
and statuses are real derivations of its (synthetic) answers; every endorsed (or blank)
risk item opens a risk event as in the clinic. So that the demo shows both open events and
their history, every second patient whose risk event opens gets one synthetic risk response
on the day of that session (:data:`DEMO_RESPONSES`, labelled synthetic); any later
endorsement of that patient opens a new event, which stays open like every other patient's.

So that the demo has ended episodes (the ETR fit and the clinic report's benchmarks use
only those), the seed closes some, with a synthetic note (:func:`_demo_end`): a simulated
dropout ends as ``dropout`` on its last attended session; of the courses completed as
planned whose last session lies at least :data:`DEMO_ENDED_AFTER` in the past and whose
patient has no open risk event, every second one ends as ``planned_end`` on its last
session (the others stay open, so the demo keeps a caseload).

Sex, age band and whether the plan's preference dimension was followed are recorded as
:mod:`attunement.services.demo_adherence` says (synthetic placeholders and the
simulation's own account). The simulated courses run on past today; only the sessions
held by today are recorded (no record is dated in the future), and a course still running
stays open.
"""

from __future__ import annotations

import datetime as dt
import secrets

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import ConfigurationError
from attunement.instruments import load_instrument, score
from attunement.risk import RiskResponse
from attunement.services._audit import append_audit
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._course_pending import complete_course_predictions
from attunement.services._lifecycle import apply_episode_close
from attunement.services._records import store_administration
from attunement.services._risk_records import patient_risk_events, record_risk_response
from attunement.services._schemas import DemoAccount
from attunement.services._status import RUPTURE_MARKERS_NOTE
from attunement.services._status_store import refresh_touched, track_status_changes
from attunement.services._transaction import transaction
from attunement.services.demo_adherence import demo_demographics, record_demo_adherence
from attunement.simulate import SyntheticClinic, SyntheticPatient, SyntheticSession
from attunement.store import (
    Administration,
    Episode,
    Patient,
    TherapySession,
    User,
)

__all__ = [
    "DEMO_ADMIN",
    "DEMO_SUPERVISOR",
    "DemoSummary",
    "remove_demo_clinic",
    "seed_demo_accounts",
    "seed_demo_clinic",
    "summarise_demo_clinic",
]

#: The synthetic risk responses of the demo clinic, used in turn (vocabulary of
#: ``risk/responses.yaml``; the note says what they are). Not clinical judgements.
DEMO_RESPONSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("low", ("safety_plan", "crisis_contacts")),
    ("moderate", ("safety_plan", "increased_contact", "supervisor_consulted")),
)
DEMO_RESPONSE_NOTE = (
    "SYNTHETIC demo record: a response recorded by the demo seed, not a clinical assessment."
)

DEMO_END_NOTE = "SYNTHETIC demo record: closed by the demo seed, not a clinical decision."
#: How long after its last session a completed demo course may be closed as planned.
DEMO_ENDED_AFTER = dt.timedelta(days=42)

DEMO_ADMIN = ("demo_admin", "Demo Admin (synthetic)")
DEMO_SUPERVISOR = ("demo_supervisor", "Demo Supervisor (synthetic)")


class DemoSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    clinicians: int
    patients: int
    episodes: int
    sessions: int
    administrations: int
    created: bool
    ended_episodes: dict[str, int] = {}  # by end reason (the demo closes some)


def _count(session: Session, model: type[object]) -> int:
    query = select(func.count()).select_from(model)
    if hasattr(model, "synthetic"):
        query = query.where(model.synthetic.is_(True))
    return int(session.scalar(query) or 0)


def summarise_demo_clinic(sessions: sessionmaker[Session], *, created: bool = False) -> DemoSummary:
    """Counts of the synthetic records (only those) in the database."""
    with transaction(sessions) as session:
        synthetic_episodes = select(Episode.id).join(Patient).where(Patient.synthetic.is_(True))
        return DemoSummary(
            clinicians=int(
                session.scalar(
                    select(func.count(User.id)).where(
                        User.synthetic.is_(True), User.role == "clinician"
                    )
                )
                or 0
            ),
            patients=_count(session, Patient),
            episodes=int(
                session.scalar(select(func.count()).select_from(synthetic_episodes.subquery())) or 0
            ),
            sessions=int(
                session.scalar(
                    select(func.count(TherapySession.id)).where(
                        TherapySession.episode_id.in_(synthetic_episodes)
                    )
                )
                or 0
            ),
            administrations=int(
                session.scalar(
                    select(func.count(Administration.id)).where(
                        Administration.episode_id.in_(synthetic_episodes)
                    )
                )
                or 0
            ),
            created=created,
            ended_episodes={
                str(reason): int(count)
                for reason, count in session.execute(
                    select(Episode.end_reason, func.count(Episode.id))
                    .where(Episode.id.in_(synthetic_episodes), Episode.ended_on.is_not(None))
                    .group_by(Episode.end_reason)
                    .order_by(Episode.end_reason)
                )
            },
        )


def remove_demo_clinic(sessions: sessionmaker[Session]) -> None:
    """Delete synthetic records only; real records are never touched."""
    with transaction(sessions) as session:
        patient_ids = select(Patient.id).where(Patient.synthetic.is_(True))
        session.execute(delete(Episode).where(Episode.patient_id.in_(patient_ids)))
        session.execute(delete(Patient).where(Patient.synthetic.is_(True)))
        session.execute(delete(User).where(User.synthetic.is_(True)))


def seed_demo_clinic(
    sessions: sessionmaker[Session],
    clinic: SyntheticClinic,
    *,
    now: dt.datetime,
    caseness: str = "published",
) -> DemoSummary:
    """Store the synthetic clinic in one transaction, unless one is already there.

    Every administration is scored with :func:`attunement.instruments.score` and stored
    with its score, exactly as the clinic application records one; the simulated rupture
    markers are kept in the session notes, as ``record_session`` keeps them.
    """

    existing = summarise_demo_clinic(sessions)
    if existing.patients:
        return existing
    definitions = {i: load_instrument(i) for i in ("phq9", "wai_sr")}
    with_risk = 0  # patients whose risk event opened so far: every second one is answered
    completed = 0  # completed courses eligible for a planned end so far: every second one
    with transaction(sessions) as session:
        changes = track_status_changes(session)  # statuses are stored with the records
        users: dict[str, User] = {}
        for member in clinic.clinicians:
            user = User(
                username=member.username,
                display_name=member.display_name,
                role="clinician",
                password_hash=None,
                synthetic=True,
                created_at=now,
            )
            session.add(user)
            users[member.username] = user
        session.flush()
        for index, synthetic in enumerate(clinic.patients):
            clinician = users[synthetic.clinician]
            sex, age_band = demo_demographics(index)  # synthetic placeholders
            patient = Patient(
                external_id=synthetic.key,
                display_name=synthetic.display_name,
                preferred_language=synthetic.preferred_language,
                sex=sex,
                age_band=age_band,
                clinician_id=clinician.id,
                profile=dict(synthetic.profile),
                profile_updated_at=now,
                synthetic=True,
                created_at=now,
            )
            session.add(patient)
            session.flush()
            episode = Episode(
                patient_id=patient.id,
                clinician_id=clinician.id,
                started_on=synthetic.episode.started_on,
                outcome_instrument="phq9",
                alliance_instrument="wai_sr",
            )
            session.add(episode)
            session.flush()
            record_demo_adherence(session, episode, synthetic, now)
            answered = False
            final: dict[str, int] = {}
            held = _held_by(synthetic, now.date())
            for visit in held:
                when = dt.datetime.combine(visit.held_on, dt.time(9), tzinfo=dt.UTC)
                for instrument, answers in (
                    ("phq9", visit.phq9_answers),
                    ("wai_sr", visit.wai_sr_answers),
                ):
                    definition = definitions[instrument]
                    language = (
                        synthetic.preferred_language
                        if synthetic.preferred_language in definition.languages
                        else definition.languages[0]
                    )
                    final[instrument] = store_administration(
                        session,
                        episode=episode,
                        result=score(definition, list(answers), language=language),
                        answers=list(answers),
                        entered_by="synthetic",
                        administered_at=when,
                        entered_at=now,
                        route="session",
                        session_number=visit.number,
                    ).id
                if visit.rupture_markers:  # as the clinician records them (record_session)
                    recorded = session.scalars(
                        select(TherapySession).where(
                            TherapySession.episode_id == episode.id,
                            TherapySession.number == visit.number,
                        )
                    ).one()
                    recorded.notes = {RUPTURE_MARKERS_NOTE: list(visit.rupture_markers)}
                if answered or not any(e.open for e in patient_risk_events(session, patient.id)):
                    continue
                answered = True
                with_risk += 1
                if with_risk % 2 == 1:
                    _demo_response(session, patient.id, visit.held_on, with_risk, now)
            reason = _demo_end_reason(session, synthetic, held, patient.id, now)
            if reason == "planned_end":
                completed += 1
                reason = reason if completed % 2 == 1 else None
            if reason is not None:
                _demo_end(
                    session, episode, synthetic=synthetic, reason=reason, final=final, now=now
                )
        session.flush()
        written = refresh_touched(session, changes, caseness=caseness, now=now).course
    if written is not None and written.pending:  # the index is built outside the write
        complete_course_predictions(sessions, written.pending, now=now)
    return summarise_demo_clinic(sessions, created=True)


def _held_by(synthetic: SyntheticPatient, today: dt.date) -> tuple[SyntheticSession, ...]:
    """The simulated sessions held by ``today``: the rest of a course lies in the future and
    is not recorded (a record never holds a session dated after the day it was entered)."""
    return tuple(v for v in synthetic.episode.sessions if v.held_on <= today)


def _demo_end_reason(
    session: Session,
    synthetic: SyntheticPatient,
    held: tuple[SyntheticSession, ...],
    patient_id: int,
    now: dt.datetime,
) -> str | None:
    """``dropout``, ``planned_end`` (a candidate) or None: see the module docstring. A
    course whose last simulated session is still to come has not ended (None)."""
    course = synthetic.episode
    if not held or len(held) < len(course.sessions):
        return None
    if course.dropped_out:
        return "dropout"
    done = len(course.sessions) + len(course.missed_sessions) >= course.planned_sessions
    long_ago = held[-1].held_on <= (now - DEMO_ENDED_AFTER).date()
    at_risk = any(e.open for e in patient_risk_events(session, patient_id))
    return "planned_end" if done and long_ago and not at_risk else None


def _demo_end(
    session: Session,
    episode: Episode,
    *,
    synthetic: SyntheticPatient,
    reason: str,
    final: dict[str, int],
    now: dt.datetime,
) -> None:
    """Close a demo episode on its last attended session, labelled synthetic."""
    apply_episode_close(
        session,
        episode,
        end_reason=reason,
        ended_on=synthetic.episode.sessions[-1].held_on,
        note=DEMO_END_NOTE,
        final_outcome=final.get("phq9"),
        final_alliance=final.get("wai_sr"),
        by="synthetic",
        now=now,
    )


def _demo_response(
    session: Session, patient_id: int, held_on: dt.date, turn: int, now: dt.datetime
) -> None:
    """A synthetic risk response on the day of the session that opened the event."""
    level, actions = DEMO_RESPONSES[(turn // 2) % len(DEMO_RESPONSES)]
    response = RiskResponse(
        assessed_on=held_on,
        level=level,
        actions=actions,
        note=DEMO_RESPONSE_NOTE,
        recorded_by="synthetic",
        recorded_at=now,
    )
    record_risk_response(session, patient_id=patient_id, response=response, now=now, by="synthetic")


def seed_demo_accounts(ctx: ServiceContext, *, mode: str) -> tuple[DemoAccount, ...]:
    """Give the demo clinic sign-ins: an admin, a supervisor and its clinicians.

    Demo mode only (ConfigurationError otherwise). Each call sets fresh random passwords,
    returned once for ``attune demo`` to print; accounts are synthetic users, removed with
    the demo clinic. The supervisor supervises every synthetic clinician.
    """
    if mode != "demo":
        raise ConfigurationError("ATTUNE_MODE", "demo accounts are created in demo mode only")
    accounts: list[DemoAccount] = []
    with transaction(ctx.sessions) as session:
        now = ctx.now()
        existing = {u.username: u for u in session.scalars(select(User))}
        for (username, name), role in ((DEMO_ADMIN, "admin"), (DEMO_SUPERVISOR, "supervisor")):
            user = existing.get(username)
            if user is not None and not user.synthetic:
                raise ConfigurationError("demo", f"a real account named {username!r} exists")
            if user is None:
                user = User(
                    username=username,
                    display_name=name,
                    role=role,
                    synthetic=True,
                    created_at=now,
                )
                session.add(user)
                existing[username] = user
        session.flush()
        supervisor = existing[DEMO_SUPERVISOR[0]]
        for user in sorted(existing.values(), key=lambda u: (u.role, u.username)):
            if not user.synthetic:
                continue
            if user.role == "clinician":
                user.supervisor_id = supervisor.id
            password = secrets.token_urlsafe(12)
            user.password_hash = ctx.passwords.hash(password)
            user.active = True
            accounts.append(
                DemoAccount(
                    username=user.username,
                    password=password,
                    role=user.role,
                    display_name=user.display_name,
                )
            )
        append_audit(
            session,
            ctx,
            actor="operator:demo",
            role="operator",
            action=AuditAction.DEMO_ACCOUNTS,
            detail={"accounts": len(accounts)},
        )
    return tuple(accounts)
