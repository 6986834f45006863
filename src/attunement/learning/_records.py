"""The ended episodes practice-based learning reads, as plain typed records (no DB, no clock)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from attunement.errors import InputError
from attunement.profile import Profile

__all__ = ["LearningEpisode", "intake_dimensions"]


@dataclass(frozen=True)
class LearningEpisode:
    """One ended episode as the learning maths sees it.

    ``scores`` are the monitored outcome scores by dose (attended, scored sessions; the
    first is the intake). ``dimensions`` are the categorical intake characteristics that
    were assessed (profile dimensions, age band); ``language`` and ``sex`` are None where
    not recorded. ``followed`` says, for each tailoring dimension that applied to the
    patient, whether the plan was followed (a recorded accommodation, a stage-matched stance,
    a rupture repair after an alliance alert). ``therapist`` is an opaque key.
    """

    key: str
    therapist: str
    scores: tuple[float, ...]
    dropped_out: bool
    language: str | None = None
    sex: str | None = None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    followed: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.scores) < 1:
            raise InputError(f"episode {self.key}.scores", "none", "at least the intake score")
        for i, s in enumerate(self.scores):
            if not math.isfinite(s):
                raise InputError(f"episode {self.key}.scores[{i}]", s, "a finite number")

    @property
    def intake(self) -> float:
        return self.scores[0]

    @property
    def final(self) -> float:
        return self.scores[-1]

    @property
    def sessions(self) -> int:
        """Scored sessions, the intake included (the dose reached)."""
        return len(self.scores)


#: Profile dimensions with one categorical value that describe a patient at intake.
_LEVEL_DIMENSIONS = (
    "reactance",
    "stage_of_change",
    "coping_style",
    "functional_impairment",
    "distress",
)
_STRENGTH_ORDER = ("mild", "moderate", "strong")


def intake_dimensions(profile: Profile | None) -> dict[str, str]:
    """The assessed profile dimensions of a patient as intake categories (the similarity
    features of the personalised course); dimensions not assessed are left out."""
    if profile is None:
        return {}
    found: dict[str, str] = {}
    for name in _LEVEL_DIMENSIONS:
        assessed = getattr(profile, name)
        if assessed is not None:
            found[name] = str(assessed.value)
    if profile.expectations is not None and profile.expectations.outcome is not None:
        found["outcome_expectation"] = str(profile.expectations.outcome)
    if profile.preferences:
        strengths = [p.strength for p in profile.preferences if p.strength in _STRENGTH_ORDER]
        if strengths:
            found["strongest_preference"] = max(strengths, key=_STRENGTH_ORDER.index)
    return found
