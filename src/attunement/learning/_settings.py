"""The thresholds of practice-based learning (``learning.yaml``), each with its reason."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from attunement.knowledge import load_packaged

__all__ = ["LearningSettings", "Threshold", "learning_settings"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Threshold(BaseModel):
    """A number and why it is that number (``assumption: …`` when not published)."""

    model_config = _FROZEN

    value: float = Field(gt=0)
    reason: str = Field(min_length=10)


class LearningSettings(BaseModel):
    """Every threshold the personalised course, its validation, the therapist feedback and
    the responsiveness report use; :func:`learning_settings` loads the packaged file."""

    model_config = _FROZEN

    neighbours: Threshold
    minimum_neighbours: Threshold
    similarity_radius: Threshold
    intake_points_per_unit: Threshold
    cross_validation_folds: Threshold
    minimum_group: Threshold
    calibration_slope_tolerance: Threshold
    coverage_tolerance: Threshold
    minimum_therapist_episodes: Threshold
    minimum_dimension_episodes: Threshold

    def count(self, name: str) -> int:
        """A threshold that counts things, as a whole number."""
        threshold: Threshold = getattr(self, name)
        return round(threshold.value)


@cache
def learning_settings() -> LearningSettings:
    """The packaged thresholds (``attunement/learning/learning.yaml``)."""
    return load_packaged(LearningSettings, "attunement.learning", "learning.yaml")
