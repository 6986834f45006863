"""A clinic whose ended episodes are all alike at intake, for the personalised course tests.

Every patient is synthetic, speaks English and has no assessed profile, so a new patient
like them has every ended episode within the similarity radius: the course then rests on
the neighbours, not on a fall-back model. Built through the services (register, start,
record, close).
"""

from __future__ import annotations

import datetime as dt

from attunement.services import (
    AdministrationCreate,
    EpisodeClose,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    UserActor,
    close_episode,
    record_administration,
    register_patient,
    start_episode,
)

PLANNED = (16, 12, 8, 6)  # PHQ-9 totals at scored sessions 1-4: a reliable improvement
DROPPED = (16, 15)  # left after the second session


def phq9_total(total: int) -> list[int | float | None]:
    """Nine PHQ-9 answers with this total (item 9 at 0)."""
    return [total // 8 + (1 if i < total % 8 else 0) for i in range(8)] + [0]


def alike_ended_episodes(
    ctx: ServiceContext, actor: UserActor, *, count: int, dropouts: int, start: dt.date
) -> None:
    """``count`` ended episodes of ``actor`` starting on ``start``, ``dropouts`` of them
    dropouts; the rest planned ends after :data:`PLANNED`."""
    at = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
    for k in range(count):
        patient = register_patient(
            ctx, actor, PatientCreate(display_name=f"Synthetic Former {k}", preferred_language="en")
        )
        episode = start_episode(ctx, actor, patient.id, EpisodeCreate(started_on=start)).id
        dropped = k < dropouts
        for number, total in enumerate(DROPPED if dropped else PLANNED, start=1):
            data = AdministrationCreate(
                instrument="phq9",
                answers=phq9_total(total),
                administered_at=at + dt.timedelta(weeks=number - 1),
                session_number=number,
            )
            record_administration(ctx, actor, episode, data)
        close_episode(
            ctx,
            actor,
            episode,
            EpisodeClose(
                end_reason="dropout" if dropped else "planned_end",
                ended_on=start + dt.timedelta(weeks=5),
            ),
        )
