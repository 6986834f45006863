"""Does responsiveness work here? Following the plan and outcome, dimension by dimension.

For each tailoring dimension that applied to enough ended episodes (``followed`` recorded:
an accommodated strong preference, a stage-matched stance, a rupture repaired after an
alliance alert), two multilevel models with patients within therapists (statsmodels
``MixedLM``, REML, random intercept per therapist)::

    final score ~ 1 + followed + intake (centred) + (1 | therapist)
    dropout     ~ 1 + followed + intake (centred) + (1 | therapist)   (linear probability)

The coefficient of ``followed`` is the association, in score points and as a difference in
the probability of dropout, with its 95% interval. It is observational: patients for whom
the plan was followed may differ in ways the covariates do not capture.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from attunement.i18n import N_
from attunement.learning._mixed import fit_random_intercept
from attunement.learning._records import LearningEpisode
from attunement.learning._settings import LearningSettings, learning_settings
from attunement.stats import InsufficientData

__all__ = [
    "CAVEAT",
    "COVARIATES",
    "Association",
    "DimensionResult",
    "ResponsivenessReport",
    "responsiveness_report",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_MIN_EACH = 5

COVARIATES = (N_("intake severity (centred)"), N_("therapist (random intercept)"))
CAVEAT = N_(
    "Observational: these are associations in this clinic's own records, not effects of a "
    "trial. Patients for whom the plan was followed may differ from the others in ways the "
    "covariates named do not capture (and following the plan may follow how therapy goes)."
)


class Association(BaseModel):
    model_config = _FROZEN

    estimate: float
    low: float
    high: float


class DimensionResult(BaseModel):
    """One tailoring dimension: episodes, how many followed, and the two associations."""

    model_config = _FROZEN

    dimension: str
    episodes: int
    followed: int
    estimated: bool
    #: why not estimated, as a fact the reader's language words
    #: (:func:`attunement.wording.dimension_reason_words`): ``too_few`` — fewer than
    #: ``minimum`` episodes where it applied, or fewer than ``minimum_each`` followed or not
    #: followed; ``one_therapist`` — all of them one therapist's, so a model of patients
    #: within therapists has nothing to separate; ``not_fitted`` — the multilevel model did
    #: not converge on them
    reason: Literal["too_few", "one_therapist", "not_fitted"] | None = None
    minimum: int | None = None
    minimum_each: int | None = None
    final_score: Association | None = None  # points; negative = lower (better on PHQ-9)
    dropout: Association | None = None  # difference in probability


class ResponsivenessReport(BaseModel):
    model_config = _FROZEN

    episodes: int
    covariates: tuple[str, ...] = COVARIATES
    dimensions: tuple[DimensionResult, ...]
    caveat: str = CAVEAT


def _dimension(
    name: str, episodes: list[LearningEpisode], mean_intake: float, minimum: int
) -> DimensionResult:
    applied = [e for e in episodes if name in e.followed]
    followed = sum(bool(e.followed[name]) for e in applied)
    if len(applied) < minimum or min(followed, len(applied) - followed) < _MIN_EACH:
        return DimensionResult(
            dimension=name,
            episodes=len(applied),
            followed=followed,
            estimated=False,
            reason="too_few",
            minimum=minimum,
            minimum_each=_MIN_EACH,
        )
    covariates = {
        "followed": np.array([float(e.followed[name]) for e in applied]),
        "intake_centred": np.array([e.intake - mean_intake for e in applied]),
    }
    groups = [e.therapist for e in applied]
    if len(set(groups)) < 2:
        return DimensionResult(
            dimension=name,
            episodes=len(applied),
            followed=followed,
            estimated=False,
            reason="one_therapist",
        )
    try:
        final = fit_random_intercept([e.final for e in applied], covariates, groups)
        dropout = fit_random_intercept([float(e.dropped_out) for e in applied], covariates, groups)
    except InsufficientData:  # this dimension only: the others are still estimated
        return DimensionResult(
            dimension=name,
            episodes=len(applied),
            followed=followed,
            estimated=False,
            reason="not_fitted",
            minimum=minimum,
            minimum_each=_MIN_EACH,
        )
    return DimensionResult(
        dimension=name,
        episodes=len(applied),
        followed=followed,
        estimated=True,
        final_score=Association(
            **dict(zip(("estimate", "low", "high"), final.effect("followed"), strict=True))
        ),
        dropout=Association(
            **dict(zip(("estimate", "low", "high"), dropout.effect("followed"), strict=True))
        ),
    )


def responsiveness_report(
    episodes: Sequence[LearningEpisode], *, settings: LearningSettings | None = None
) -> ResponsivenessReport:
    """The association of following the plan with outcome and dropout, per dimension."""
    settings = settings or learning_settings()
    ended = [e for e in episodes if e.sessions >= 2]
    mean_intake = float(np.mean([e.intake for e in ended])) if ended else 0.0
    names = sorted({k for e in ended for k in e.followed})
    minimum = settings.count("minimum_dimension_episodes")
    return ResponsivenessReport(
        episodes=len(ended),
        dimensions=tuple(_dimension(n, ended, mean_intake, minimum) for n in names),
    )
