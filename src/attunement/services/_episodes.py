"""Episodes: start one, record an administration, the status, the caseload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attunement.errors import NotFound
from attunement.services._access import (
    load_episode,
    load_patient,
    readable_clinician_ids,
    require_caseload,
)
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._context import ServiceContext
from attunement.services._growth_models import StatusInputs
from attunement.services._lifecycle import check_new_episode, ensure_episode_open
from attunement.services._limits import check_day, check_moment
from attunement.services._records import (
    administration_public,
    episode_public,
    store_administration,
)
from attunement.services._schemas import (
    AdministrationCreate,
    AdministrationPublic,
    CaseloadEntry,
    EpisodeCreate,
    EpisodePublic,
)
from attunement.services._sessions import administration_language
from attunement.services._status import StoredAssessment, assess_stored_episode
from attunement.store import (
    LIVE_ADMINISTRATION,
    Administration,
    Episode,
    Patient,
    RiskEventRecord,
    TherapySession,
    User,
)

if TYPE_CHECKING:
    from attunement.monitoring import Status

__all__ = [
    "caseload",
    "check_episode_start",
    "get_status",
    "list_administrations",
    "list_episodes",
    "record_administration",
    "start_episode",
]


def check_episode_start(ctx: ServiceContext, data: EpisodeCreate) -> dt.date:
    """The start date of an episode as ``data`` asks, or the error that would refuse it
    (a start in the future by the service clock, an unknown instrument, an outcome or
    alliance measure whose definition does not declare that role); pages that register a
    patient and start the episode at once check first, so a refused episode leaves no
    patient behind."""
    from attunement.instruments import require_role

    # UnknownInstrument names the known ones; InputError the instruments with the role
    require_role("outcome_instrument", data.outcome_instrument, "outcome")
    if data.alliance_instrument:
        require_role("alliance_instrument", data.alliance_instrument, "alliance")
    now = ctx.now()
    return check_day("started_on", data.started_on or now.date(), now=now, limits=ctx.limits)


def start_episode(
    ctx: ServiceContext, actor: Actor, patient_id: int, data: EpisodeCreate
) -> EpisodePublic:
    """Open a course of treatment: one open episode per patient at a time (Conflict
    otherwise), starting on or after the end of the patient's previous episode."""
    with use_case(ctx, actor, "episode.create", patient_id=patient_id) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=True)
        started_on = check_episode_start(ctx, data)
        check_new_episode(uc.session, patient.id, started_on)  # one open episode at a time
        episode = Episode(
            patient_id=patient.id,
            clinician_id=patient.clinician_id,
            started_on=started_on,
            outcome_instrument=data.outcome_instrument,
            alliance_instrument=data.alliance_instrument,
        )
        uc.session.add(episode)
        uc.session.flush()
        uc.target = f"episode:{episode.id}"
        return episode_public(episode)


def list_episodes(ctx: ServiceContext, actor: Actor, patient_id: int) -> list[EpisodePublic]:
    """The patient's episodes, newest first."""
    with use_case(ctx, actor, "episode.list", patient_id=patient_id) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False)
        episodes = uc.session.scalars(
            select(Episode)
            .where(Episode.patient_id == patient.id)
            .order_by(Episode.started_on.desc(), Episode.id.desc())
        )
        return [episode_public(e) for e in episodes]


def record_administration(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: AdministrationCreate
) -> AdministrationPublic:
    """Score the answers and store them with the score; invalid answers store nothing.

    Raises InvalidAnswer (naming the item and the allowed values) before anything is
    written; the language defaults to the patient's preferred language.
    """
    from attunement.instruments import load_instrument, score

    with use_case(ctx, actor, "administration.create", target=f"episode:{episode_id}") as uc:
        episode = load_episode(uc.session, actor, episode_id, write=True)
        uc.patient_id = episode.patient_id
        ensure_episode_open(episode)
        definition = load_instrument(data.instrument)
        language = administration_language(
            definition, data.language, episode.patient.preferred_language
        )
        result = score(definition, data.answers, language=language)
        now = ctx.now()
        administered_at = check_moment(
            "administered_at",
            data.administered_at or now,
            now=now,
            limits=ctx.limits,
            not_before=episode.started_on,
            not_before_label="the episode's start, ",
        )
        stored = store_administration(
            uc.session,
            episode=episode,
            result=result,
            answers=data.answers,
            entered_by=actor.audit_name,
            administered_at=administered_at,
            entered_at=now,
            route="administration",
            session_number=data.session_number,
        )
        uc.detail = {"instrument": definition.id, "administration": stored.id}
        return stored


def list_administrations(
    ctx: ServiceContext, actor: Actor, episode_id: int, *, include_voided: bool = False
) -> list[AdministrationPublic]:
    """Every administration of the episode with its item-level answers, oldest first.

    Voided and corrected ones (issue 12) only with ``include_voided`` — the history."""
    with use_case(ctx, actor, "administration.list", target=f"episode:{episode_id}") as uc:
        episode = load_episode(uc.session, actor, episode_id, write=False)
        uc.patient_id = episode.patient_id
        query = (
            select(Administration, TherapySession.number)
            .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
            .where(Administration.episode_id == episode.id)
            .order_by(Administration.administered_at, Administration.id)
        )
        if not include_voided:
            query = query.where(LIVE_ADMINISTRATION)
        rows = uc.session.execute(query).all()
        return [administration_public(a, number) for a, number in rows]


def get_status(ctx: ServiceContext, actor: Actor, episode_id: int) -> Status:
    """The episode's monitoring Status (``attunement.monitoring.assess_episode``)."""
    with use_case(ctx, actor, "status.read", target=f"episode:{episode_id}") as uc:
        episode = load_episode(uc.session, actor, episode_id, write=False)
        uc.patient_id = episode.patient_id
        assessed = assess_stored_episode(
            uc.session,
            episode,
            episode.patient,
            inputs=StatusInputs(uc.session, caseness=ctx.caseness),
        )
        if assessed is None:
            raise NotFound("scored outcome administration for episode", episode_id)
        return assessed.status


def _open_risk_counts(session: Session, clinician_ids: Collection[int]) -> dict[int, int]:
    """Open risk events per patient of these clinicians."""
    rows = session.execute(
        select(RiskEventRecord.patient_id, func.count(RiskEventRecord.id))
        .join(Patient, RiskEventRecord.patient_id == Patient.id)
        .where(Patient.clinician_id.in_(clinician_ids), RiskEventRecord.responded_at.is_(None))
        .group_by(RiskEventRecord.patient_id)
    ).all()
    return {patient_id: int(count) for patient_id, count in rows}


def _entry(
    patient: Patient,
    clinician: User,
    episode: Episode | None,
    assessed: StoredAssessment | None,
    open_risk: int,
) -> CaseloadEntry:
    status = assessed.status if assessed else None
    return CaseloadEntry(
        episode_id=episode.id if episode else None,
        patient_id=patient.id,
        display_name=patient.display_name,
        clinician_id=clinician.id,
        clinician=clinician.display_name,
        outcome_instrument=episode.outcome_instrument if episode else "",
        session=status.session if status else None,
        alert=status.alert if status else "not_assessable",
        risk_flag=open_risk > 0,
        open_risk_events=open_risk,
        latest=status.latest if status else None,
        latest_session=status.latest_session if status else None,
        latest_on=assessed.latest_on if assessed else None,
        category=status.category if status else None,
        synthetic=patient.synthetic,
    )


def caseload(ctx: ServiceContext, actor: Actor) -> list[CaseloadEntry]:
    """Open episodes the caller may see, most urgent first.

    Order of ``attunement.monitoring.alert_rank``: an open risk event, then red, yellow,
    not assessable, green, white (``monitoring.ALERT_LEVELS``); by patient name within
    each. A patient with an open risk event and no open episode is listed among the first.
    """
    from attunement.monitoring import alert_rank

    with use_case(ctx, actor, "caseload.read") as uc:
        require_caseload(actor)
        ids = readable_clinician_ids(uc.session, actor)
        rows = uc.session.execute(
            select(Episode, Patient, User)
            .join(Patient, Episode.patient_id == Patient.id)
            .join(User, Patient.clinician_id == User.id)
            .where(Patient.clinician_id.in_(ids), Episode.ended_on.is_(None))
        ).all()
        open_risk = _open_risk_counts(uc.session, ids)
        ranked: list[tuple[int, str, int, CaseloadEntry]] = []
        models = StatusInputs(uc.session, caseness=ctx.caseness)
        for episode, patient, clinician in rows:
            assessed = assess_stored_episode(uc.session, episode, patient, inputs=models)
            entry = _entry(patient, clinician, episode, assessed, open_risk.get(patient.id, 0))
            rank = 0 if entry.risk_flag else alert_rank(assessed.status if assessed else None)
            ranked.append((rank, patient.display_name, episode.id, entry))
        listed = {entry.patient_id for *_, entry in ranked}
        without_episode = [p for p in open_risk if p not in listed]
        if without_episode:
            for patient, clinician in uc.session.execute(
                select(Patient, User)
                .join(User, Patient.clinician_id == User.id)
                .where(Patient.id.in_(without_episode))
            ).all():
                entry = _entry(patient, clinician, None, None, open_risk[patient.id])
                ranked.append((0, patient.display_name, 0, entry))
        ranked.sort(key=lambda item: item[:3])
        uc.patients = sorted({entry.patient_id for *_, entry in ranked})
        return [entry for *_, entry in ranked]
