"""A use case on one episode: the shape most clinical use cases share, written once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from attunement.services._access import load_episode
from attunement.services._actors import Actor
from attunement.services._audit import UseCase, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.store import Episode

__all__ = ["episode_use_case"]


@contextmanager
def episode_use_case(
    ctx: ServiceContext,
    actor: Actor,
    action: AuditAction,
    episode_id: int,
    *,
    read: bool = False,
) -> Iterator[tuple[UseCase, Episode]]:
    """:func:`use_case` audited against ``episode:<id>`` and its patient, with the episode
    loaded through the access check (:func:`load_episode`; locked for a write)."""
    with use_case(ctx, actor, action, target=f"episode:{episode_id}", read=read) as uc:
        episode = load_episode(uc.session, actor, episode_id, write=not read)
        uc.patient_id = episode.patient_id
        yield uc, episode
