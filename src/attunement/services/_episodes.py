"""Episodes: start one, record an administration, read the stored status."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from attunement.errors import NotFound
from attunement.instruments import load_instrument, require_role, score
from attunement.monitoring import Status
from attunement.services._access import (
    check_episode_read,
    load_patient,
)
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_use_case import episode_use_case
from attunement.services._lifecycle import check_new_episode, ensure_episode_open
from attunement.services._limits import check_day, check_moment
from attunement.services._records import (
    administration_public,
    administrations_of,
    store_administration,
)
from attunement.services._schemas import (
    AdministrationCreate,
    AdministrationPublic,
    EpisodeCreate,
    EpisodePublic,
)
from attunement.services._sessions import administration_language
from attunement.services._status_store import episode_status_text
from attunement.store import (
    LIVE_ADMINISTRATION,
    Episode,
    patient_episodes,
)

if TYPE_CHECKING:
    from attunement.monitoring import Status

__all__ = [
    "check_episode_start",
    "get_status",
    "get_status_document",
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
    with use_case(ctx, actor, AuditAction.EPISODE_CREATE, patient_id=patient_id) as uc:
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
        return EpisodePublic.model_validate(episode)


def list_episodes(ctx: ServiceContext, actor: Actor, patient_id: int) -> list[EpisodePublic]:
    """The patient's episodes, newest first."""
    with use_case(ctx, actor, AuditAction.EPISODE_LIST, patient_id=patient_id, read=True) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False)
        episodes = uc.session.scalars(patient_episodes(patient.id))
        return [EpisodePublic.model_validate(e) for e in episodes]


def record_administration(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: AdministrationCreate
) -> AdministrationPublic:
    """Score the answers and store them with the score; invalid answers store nothing.

    Raises InvalidAnswer (naming the item and the allowed values) before anything is
    written; the language defaults to the patient's preferred language.
    """

    with episode_use_case(ctx, actor, AuditAction.ADMINISTRATION_CREATE, episode_id) as (
        uc,
        episode,
    ):
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
    with episode_use_case(ctx, actor, AuditAction.ADMINISTRATION_LIST, episode_id, read=True) as (
        uc,
        episode,
    ):
        query = administrations_of(episode.id)
        if not include_voided:
            query = query.where(LIVE_ADMINISTRATION)
        return [administration_public(a) for a in uc.session.scalars(query)]


def get_status(ctx: ServiceContext, actor: Actor, episode_id: int) -> Status:
    """The episode's monitoring Status, as stored by the last write that changed it.

    Read by key (:mod:`attunement.services._status_store`); nothing is re-derived. An
    episode whose row a migration left stale or missing answers from the stored row all
    the same once ``attune status --refresh`` (or the start-up refresh) has run.
    """

    return Status.model_validate_json(get_status_document(ctx, actor, episode_id))


def get_status_document(ctx: ServiceContext, actor: Actor, episode_id: int) -> str:
    """:func:`get_status` as the JSON text stored by the last write that changed it: the
    same access check, audit entry and 404, with the document served as stored (neither
    parsed nor validated: its shape is this release's :class:`Status`). For the API, where
    parsing and re-serialising a stored status took most of a read's time (issue 13)."""

    target = f"episode:{episode_id}"  # as episode_use_case audits it
    with use_case(
        ctx, actor, AuditAction.STATUS_READ, target=target, read=True, snapshot=False
    ) as uc:
        # the episode's patient and the stored text in one query: no rows mapped (issue 13)
        found = episode_status_text(uc.session, episode_id)
        if found is None:
            raise NotFound("episode", episode_id)
        check_episode_read(uc.session, actor, episode_id, found.clinician_id)
        uc.patient_id = found.patient_id
        if found.document is None:
            raise NotFound("scored outcome administration for episode", episode_id)
        return found.document
