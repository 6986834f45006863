"""Whether the plan was followed in an episode, dimension by dimension (issue 15).

The dimensions a clinician may record are those the patient's plan tailors (the
``dimension`` of its recommendations, as :func:`tailored_plan` builds it for every
adapter) and, after an alliance alert, rupture repair — decided in
:func:`attunement.learning.adherence_dimensions`; what counts as followed is decided in
:func:`attunement.learning.plan_followed`. Records are audited and only ever added (a
change of mind is a new row, like the support prompt marks,
:mod:`attunement.services._prompt_discussions`); the same record twice adds nothing.
Records may be made after the episode ended: that is when a clinician looks back on it,
and the learning reads ended episodes. The note is clinical text: it is stored, never
written to the audit detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, InputError
from attunement.learning import (
    ALLIANCE_PROMPT,
    AdherenceRecord,
    AlliancePromptMark,
    adherence_dimensions,
    plan_followed,
    rupture_repaired,
)
from attunement.monitoring import Status
from attunement.services._actors import Actor
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_use_case import episode_use_case
from attunement.services._lifecycle_schemas import NoteText
from attunement.services._prompt_discussions import _who
from attunement.services._schema_config import INPUT
from attunement.services._status import tailored_plan
from attunement.services._status_store import stored_status_model
from attunement.store import (
    Episode,
    EpisodeStatusRecord,
    Patient,
    PlanAdherenceRecord,
    PromptDiscussionRecord,
)
from attunement.tailoring import Plan
from attunement.wording import dimension_label as wording_dimension_label

__all__ = [
    "PlanAdherenceDimension",
    "PlanAdherencePublic",
    "PlanAdherenceSet",
    "PlanAdherenceView",
    "adherence_of",
    "episodes_followed",
    "get_plan_adherence",
    "record_plan_adherence",
]

_ALERTED = ("rupture", "at_risk")


class PlanAdherenceSet(BaseModel):
    """Record whether one dimension of the plan was followed in the episode."""

    model_config = INPUT

    dimension: str = Field(min_length=1, max_length=40)
    followed: StrictBool
    note: NoteText | None = Field(default=None, max_length=2000)


class PlanAdherencePublic(BaseModel):
    """One record as stored (``label``: the dimension in words)."""

    model_config = ConfigDict(frozen=True)

    id: int
    episode_id: int
    dimension: str
    label: str
    followed: bool
    note: str | None
    recorded_at: dt.datetime
    recorded_by: str


class PlanAdherenceDimension(BaseModel):
    """One dimension the clinician may record: ``followed`` is what counts (the latest
    record, or for rupture repair the value derived from the alliance facts; None: not
    known), ``latest`` the record that set it (None: none recorded)."""

    model_config = ConfigDict(frozen=True)

    dimension: str
    label: str
    followed: bool | None
    latest: PlanAdherencePublic | None


class PlanAdherenceView(BaseModel):
    """The episode's plan adherence: the dimensions one may record now, what counts for
    every dimension with a fact (``followed``, as the learning reads it) and every record,
    oldest first."""

    model_config = ConfigDict(frozen=True)

    episode_id: int
    dimensions: tuple[PlanAdherenceDimension, ...]
    followed: dict[str, bool]
    history: tuple[PlanAdherencePublic, ...]


def dimension_label(dimension: str) -> str:
    """A dimension in words: the one label of ``wording.dimension_label`` (the learning
    report names dimensions by it too)."""
    return wording_dimension_label(dimension)


def _public(row: PlanAdherenceRecord) -> PlanAdherencePublic:
    return PlanAdherencePublic(
        id=row.id,
        episode_id=row.episode_id,
        dimension=row.dimension,
        label=dimension_label(row.dimension),
        followed=row.followed,
        note=row.note,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def flagged_session(status: Status | None) -> int | None:
    """The session of a stored status that shows the alliance ruptured or at risk."""
    if status is None or status.alliance is None:
        return None
    return _flagged(status.session, status.alliance.state)


def _flagged(session: int | None, alliance_state: str | None) -> int | None:
    return session if alliance_state in _ALERTED else None


def adherence_of(
    session: Session, episode_id: int, plan: Plan | None, status: Status | None
) -> PlanAdherenceView:
    """The episode's plan adherence (inside the caller's use case)."""
    rows = list(
        session.scalars(
            select(PlanAdherenceRecord)
            .where(PlanAdherenceRecord.episode_id == episode_id)
            .order_by(PlanAdherenceRecord.recorded_at, PlanAdherenceRecord.id)
        )
    )
    marks = alliance_marks(session, [episode_id]).get(episode_id, [])
    flagged = flagged_session(status)
    followed = plan_followed(
        [AdherenceRecord(r.dimension, r.followed) for r in rows],
        flagged_session=flagged,
        alliance_marks=marks,
    )
    latest = {r.dimension: r for r in rows}
    names = adherence_dimensions(
        (r.dimension for r in plan.recommendations) if plan is not None else (),
        alliance_flagged=rupture_repaired(flagged_session=flagged, alliance_marks=marks)
        is not None,
    )
    return PlanAdherenceView(
        episode_id=episode_id,
        dimensions=tuple(
            PlanAdherenceDimension(
                dimension=name,
                label=dimension_label(name),
                followed=followed.get(name),
                latest=_public(latest[name]) if name in latest else None,
            )
            for name in names
        ),
        followed=followed,
        history=tuple(_public(r) for r in rows),
    )


def alliance_marks(
    session: Session, episode_ids: Sequence[int]
) -> dict[int, list[AlliancePromptMark]]:
    """The alliance prompt's marks of each episode, oldest first."""
    found: dict[int, list[AlliancePromptMark]] = {}
    rows = session.execute(
        select(
            PromptDiscussionRecord.episode_id,
            PromptDiscussionRecord.session,
            PromptDiscussionRecord.discussed,
        )
        .where(
            PromptDiscussionRecord.episode_id.in_(episode_ids),
            PromptDiscussionRecord.domain == ALLIANCE_PROMPT,
        )
        .order_by(PromptDiscussionRecord.marked_at, PromptDiscussionRecord.id)
    )
    for episode_id, at, discussed in rows:
        found.setdefault(episode_id, []).append(AlliancePromptMark(at, discussed))
    return found


def episodes_followed(session: Session, episode_ids: Sequence[int]) -> dict[int, dict[str, bool]]:
    """Whether each dimension was followed in each episode, as the learning reads it (a few
    queries for the whole list, inside the caller's use case)."""
    records: dict[int, list[AdherenceRecord]] = {}
    for episode_id, dimension, followed in session.execute(
        select(
            PlanAdherenceRecord.episode_id,
            PlanAdherenceRecord.dimension,
            PlanAdherenceRecord.followed,
        )
        .where(PlanAdherenceRecord.episode_id.in_(episode_ids))
        .order_by(PlanAdherenceRecord.recorded_at, PlanAdherenceRecord.id)
    ):
        records.setdefault(episode_id, []).append(AdherenceRecord(dimension, followed))
    # the stored status's session and alliance state only (its caseload column and one
    # JSON path), not the whole status parsed: that was most of the learning report's read
    flagged: dict[int, int | None] = {}
    for episode_id, at, state in session.execute(
        select(
            EpisodeStatusRecord.episode_id,
            EpisodeStatusRecord.session,
            EpisodeStatusRecord.status[("alliance", "state")].as_string(),
        ).where(EpisodeStatusRecord.episode_id.in_(episode_ids))
    ):
        if episode_id is not None:
            flagged[episode_id] = _flagged(at, state)
    marks = alliance_marks(session, episode_ids)
    return {
        episode_id: plan_followed(
            records.get(episode_id, []),
            flagged_session=flagged.get(episode_id),
            alliance_marks=marks.get(episode_id, []),
        )
        for episode_id in episode_ids
    }


def _read(session: Session, episode: Episode, clinic_language: str) -> PlanAdherenceView:
    patient = session.get(Patient, episode.patient_id)
    plan: Plan | None = None
    if patient is not None:
        try:
            plan = tailored_plan(session, patient, clinic_language=clinic_language)
        except AttunementError:  # no plan can be made: only rupture repair can be recorded
            plan = None
    status = stored_status_model(session, episode.id)
    return adherence_of(session, episode.id, plan, status)


def get_plan_adherence(ctx: ServiceContext, actor: Actor, episode_id: int) -> PlanAdherenceView:
    """The episode's plan adherence (an audited read of the episode)."""
    with episode_use_case(ctx, actor, AuditAction.PLAN_ADHERENCE_READ, episode_id, read=True) as (
        uc,
        episode,
    ):
        return _read(uc.session, episode, ctx.clinic_language)


def record_plan_adherence(
    ctx: ServiceContext, actor: Actor, episode_id: int, data: PlanAdherenceSet
) -> PlanAdherenceView:
    """Record whether one dimension of the plan was followed in the episode.

    Raises InputError naming ``dimension`` (with the dimensions the episode's plan tailors)
    for any other dimension; NotFound/Forbidden through the access check. Nothing is written
    when the latest record already says the same (followed and note).
    """
    with episode_use_case(ctx, actor, AuditAction.PLAN_ADHERENCE_RECORD, episode_id) as (
        uc,
        episode,
    ):
        view = _read(uc.session, episode, ctx.clinic_language)
        allowed = [d.dimension for d in view.dimensions]
        if data.dimension not in allowed:
            raise InputError(
                "dimension",
                data.dimension,
                allowed or "a dimension the plan tailors (the plan tailors none yet)",
            )
        note = data.note or None  # a blank note is no note
        latest = next(d.latest for d in view.dimensions if d.dimension == data.dimension)
        same = latest is not None and (latest.followed, latest.note) == (data.followed, note)
        if not same:
            uc.session.add(
                PlanAdherenceRecord(
                    episode_id=episode.id,
                    dimension=data.dimension,
                    followed=data.followed,
                    note=note,
                    recorded_at=ctx.now(),
                    recorded_by=_who(actor),
                )
            )
            uc.session.flush()
            view = _read(uc.session, episode, ctx.clinic_language)
        uc.detail = {
            "dimension": data.dimension,
            "followed": data.followed,
            "note": note is not None,
            "changed": not same,
        }
        return view
