"""Marking a clinical-support prompt as discussed with the patient (issue 16).

A mark belongs to the episode and the session of its stored status (the prompts shown are
that status's ``support_prompts``), is audited, and is only ever added: undoing it adds a
row with ``discussed`` false, so the history keeps every mark. Marking is idempotent: a
prompt already in the asked state adds nothing. A mark never touches a risk event — the
risk prompt can be marked discussed while the event stays open and pinned until a risk
response is recorded.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import InputError
from attunement.monitoring import support_prompt_titles
from attunement.services._actors import Actor, UserActor
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_use_case import episode_use_case
from attunement.services._lifecycle import ensure_episode_open
from attunement.services._status_store import stored_status_model
from attunement.store import PromptDiscussionRecord

__all__ = [
    "PromptDiscussionCreate",
    "PromptDiscussionPublic",
    "PromptDiscussionState",
    "list_prompt_discussions",
    "mark_prompt_discussed",
    "prompt_discussions_of",
]


class PromptDiscussionCreate(BaseModel):
    """Mark the prompt discussed (``discussed`` true, the default) or undo the mark."""

    model_config = ConfigDict(extra="forbid")

    discussed: bool = True


class PromptDiscussionPublic(BaseModel):
    """One mark (or undo) as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    episode_id: int
    session: int
    domain: str
    title: str
    discussed: bool
    marked_at: dt.datetime
    marked_by: str


class PromptDiscussionState(BaseModel):
    """A prompt's state at the status session: ``latest`` is the mark that set it (None
    when it was never marked)."""

    episode_id: int
    session: int
    domain: str
    title: str
    discussed: bool
    latest: PromptDiscussionPublic | None


def _who(actor: Actor) -> str:
    """Who marked it, as a person reads it (the username; the audit trail has the id)."""
    return actor.username if isinstance(actor, UserActor) else actor.audit_name


def _public(row: PromptDiscussionRecord) -> PromptDiscussionPublic:
    return PromptDiscussionPublic(
        id=row.id,
        episode_id=row.episode_id,
        session=row.session,
        domain=row.domain,
        title=support_prompt_titles().get(row.domain, row.domain.replace("_", " ")),
        discussed=row.discussed,
        marked_at=row.marked_at,
        marked_by=row.marked_by,
    )


def prompt_discussions_of(session: Session, episode_id: int) -> list[PromptDiscussionPublic]:
    """Every mark of the episode, oldest first (inside the caller's use case)."""
    rows = session.scalars(
        select(PromptDiscussionRecord)
        .where(PromptDiscussionRecord.episode_id == episode_id)
        .order_by(PromptDiscussionRecord.marked_at, PromptDiscussionRecord.id)
    )
    return [_public(row) for row in rows]


def mark_prompt_discussed(
    ctx: ServiceContext,
    actor: Actor,
    episode_id: int,
    domain: str,
    data: PromptDiscussionCreate,
) -> PromptDiscussionState:
    """Mark one of the prompts of the episode's stored status discussed (or undo the mark).

    Raises InputError naming ``domain`` (with the prompts shown) for a prompt the status
    does not show, EpisodeClosed for a closed episode, NotFound/Forbidden through the
    access check. Nothing is written when the prompt is already in the asked state.
    """
    with episode_use_case(ctx, actor, AuditAction.PROMPT_DISCUSS, episode_id) as (uc, episode):
        ensure_episode_open(episode)
        status = stored_status_model(uc.session, episode.id)
        shown = [p.domain for p in status.support_prompts] if status is not None else []
        if status is None or domain not in shown:
            allowed = shown or "a prompt shown for this episode (none is shown now)"
            raise InputError("domain", domain, allowed)
        latest = uc.session.scalars(
            select(PromptDiscussionRecord)
            .where(
                PromptDiscussionRecord.episode_id == episode.id,
                PromptDiscussionRecord.session == status.session,
                PromptDiscussionRecord.domain == domain,
            )
            .order_by(PromptDiscussionRecord.marked_at.desc(), PromptDiscussionRecord.id.desc())
            .limit(1)
        ).first()
        current = latest.discussed if latest is not None else False
        if current != data.discussed:
            latest = PromptDiscussionRecord(
                episode_id=episode.id,
                session=status.session,
                domain=domain,
                discussed=data.discussed,
                marked_at=ctx.now(),
                marked_by=_who(actor),
            )
            uc.session.add(latest)
            uc.session.flush()
        uc.detail = {
            "prompt": domain,
            "session": status.session,
            "discussed": data.discussed,
            "changed": current != data.discussed,
        }
        return PromptDiscussionState(
            episode_id=episode.id,
            session=status.session,
            domain=domain,
            title=support_prompt_titles().get(domain, domain),
            discussed=data.discussed,
            latest=_public(latest) if latest is not None else None,
        )


def list_prompt_discussions(
    ctx: ServiceContext, actor: Actor, episode_id: int
) -> list[PromptDiscussionPublic]:
    """Every mark and undo of the episode's prompts, oldest first (an audited read)."""
    with episode_use_case(ctx, actor, AuditAction.PROMPT_LIST, episode_id, read=True) as (
        uc,
        episode,
    ):
        return prompt_discussions_of(uc.session, episode.id)
