"""The session summary for the clinical record (plain text), read from stored state."""

from __future__ import annotations

from sqlalchemy import select

from attunement.documents import session_summary_text
from attunement.errors import AttunementError, NotFound
from attunement.i18n import resolve_language
from attunement.services._actors import Actor
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_use_case import episode_use_case
from attunement.services._status import tailored_plan
from attunement.services._status_store import stored_status_model
from attunement.store import EpisodeStatusRecord
from attunement.wording import plan_in, status_in

__all__ = ["episode_summary"]


def episode_summary(ctx: ServiceContext, actor: Actor, episode_id: int) -> str:
    """Scores, change, alert, open risk and plan changes of the episode's latest session,
    as plain text to paste into the clinical record (``reports.session_summary_text``).

    The status is the stored one (read by key); NotFound while no outcome is stored.
    """

    with episode_use_case(ctx, actor, AuditAction.SUMMARY_READ, episode_id, read=True) as (
        uc,
        episode,
    ):
        status = stored_status_model(uc.session, episode.id)
        if status is None:
            raise NotFound("scored outcome administration for episode", episode_id)
        measured_on = uc.session.scalar(  # the row's date column, not its document again
            select(EpisodeStatusRecord.latest_on).where(
                EpisodeStatusRecord.episode_id == episode.id
            )
        )
        language = resolve_language(ctx.clinic_language)  # the knowledge files' texts
        try:
            plan = plan_in(
                tailored_plan(uc.session, episode.patient, clinic_language=ctx.clinic_language),
                language,
            )
        except AttunementError:
            plan = None  # the summary still carries the status and the open risk count
        return session_summary_text(
            status_in(status, language),
            plan,
            measured_on=measured_on,
            synthetic=episode.patient.synthetic,
            language=language,
        )
