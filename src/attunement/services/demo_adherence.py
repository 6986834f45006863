"""The demo clinic's sex, age band and plan-followed records (issue 15), all SYNTHETIC.

The synthetic clinic (:mod:`attunement.simulate`) draws no sex or age, so the demo gives
its patients a recorded sex and age band in turn (:func:`demo_demographics`): placeholders
so that the pages and ``attune learn report`` / ``attune predict evaluate`` show them,
carrying no signal. Whether the plan was followed is recorded where the simulation knows
it: for a patient with a strong preference, the preference dimension was followed when the
simulation accommodated every strong preference (``SyntheticPatient.accommodated_preferences``,
which the simulated dropout responds to). Each record says it is synthetic.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from attunement.profile import AGE_BANDS, SEXES, AgeBand, Sex
from attunement.simulate import SyntheticPatient
from attunement.store import Episode, PlanAdherenceRecord

__all__ = ["DEMO_ADHERENCE_NOTE", "demo_demographics", "record_demo_adherence"]

DEMO_ADHERENCE_NOTE = (
    "SYNTHETIC demo record: the simulation's own account of whether the strong preference "
    "was accommodated, not a clinician's."
)
_ADULT_BANDS: tuple[AgeBand, ...] = tuple(b for b in AGE_BANDS if b != "under-18")


def demo_demographics(index: int) -> tuple[Sex | None, AgeBand | None]:
    """The ``index``-th demo patient's recorded sex and age band (every seventh patient has
    neither recorded, as in a clinic where not everyone is asked)."""
    if index % 7 == 6:
        return None, None
    return SEXES[index % 2 if index % 11 else 2], _ADULT_BANDS[index % len(_ADULT_BANDS)]


def record_demo_adherence(
    session: Session, episode: Episode, synthetic: SyntheticPatient, now: dt.datetime
) -> None:
    """Record whether the preference dimension was followed, where the simulation knows."""
    strong = [
        p["aspect"]
        for p in synthetic.profile.get("preferences", [])
        if isinstance(p, dict) and p.get("strength") == "strong"
    ]
    if not strong:
        return
    session.add(
        PlanAdherenceRecord(
            episode_id=episode.id,
            dimension="preferences",
            followed=all(a in synthetic.accommodated_preferences for a in strong),
            note=DEMO_ADHERENCE_NOTE,
            recorded_at=now,
            recorded_by="synthetic",
        )
    )
