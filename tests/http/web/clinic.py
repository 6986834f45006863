"""A caseload with every alert colour and a risk flag, for the browser tests (synthetic).

Clinician ``ana`` of :mod:`tests.services.world` gets six more patients whose PHQ-9 series
give, under ``attunement.monitoring``: reliable deterioration (red), too little progress
(yellow), progress as expected (green), recovery below the cut-off (white), an endorsed
item 9 (risk flag) and no questionnaire yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    record_administration,
    register_patient,
    start_episode,
)
from tests.services.world import START, World


def phq9(total: int, item9: int = 0) -> list[int | float | None]:
    """Nine PHQ-9 answers with the given total (items 1-8 filled evenly, item 9 as given)."""
    rest = total - item9
    answers: list[int | float | None] = [rest // 8 + (1 if i < rest % 8 else 0) for i in range(8)]
    return [*answers, item9]


@dataclass(frozen=True)
class Planned:
    name: str
    language: str
    totals: tuple[int, ...]
    item9: tuple[int, ...] = ()


CASELOAD: tuple[Planned, ...] = (
    Planned("Synthetic Carmen", "en", (12, 19, 19)),  # +7 >= 6.93 twice in a row: red
    Planned("Synthetic Dario", "en", ()),  # unchanged for weeks: less progress than expected
    Planned("Synthetic Farid", "en", (20, 15, 12)),  # within the expected band
    Planned("Synthetic Elena", "en", (16, 10, 6)),  # below the cut-off of 10
    Planned("Synthetic Gael", "es", (15, 13), item9=(0, 1)),  # item 9 endorsed at the latest
    Planned("Synthetic Hana", "en", ()),  # no questionnaire yet
)


#: Series of "no progress" to try for the yellow patient: the expected band is monitoring's
#: (rational ETR), so the first of these that it calls yellow is used.
NO_PROGRESS = ((16,) * 12, (22,) * 10, (18,) * 8, (20,) * 12)


def yellow_series() -> tuple[int, ...]:
    """A flat PHQ-9 series that ``attunement.monitoring`` rates yellow (less than expected)."""
    from attunement.monitoring import Series, SessionPoint, assess_episode

    for totals in NO_PROGRESS:
        points = tuple(SessionPoint(session=i + 1, value=v) for i, v in enumerate(totals))
        status = assess_episode(Series(instrument="phq9", scale="total", points=points))
        if status.alert == "yellow":
            return totals
    raise AssertionError("no flat series is yellow under the current expected band")


def seed_caseload(ctx: ServiceContext, world: World) -> dict[str, int]:
    """Register the planned patients for ``ana`` with their sessions; name -> patient id."""
    ids: dict[str, int] = {}
    for entry in CASELOAD:
        planned = (
            Planned(entry.name, entry.language, yellow_series())
            if entry.name == "Synthetic Dario"
            else entry
        )
        patient = register_patient(
            ctx,
            world.ana,
            PatientCreate(display_name=planned.name, preferred_language=planned.language),
        )
        episode = start_episode(ctx, world.ana, patient.id, EpisodeCreate(started_on=START.date()))
        for index, total in enumerate(planned.totals):
            item9 = planned.item9[index] if planned.item9 else 0
            record_administration(
                ctx,
                world.ana,
                episode.id,
                AdministrationCreate(
                    instrument="phq9",
                    answers=phq9(total, item9),
                    administered_at=START + dt.timedelta(weeks=index),
                    session_number=index + 1,
                ),
            )
        ids[planned.name] = patient.id
    return ids
