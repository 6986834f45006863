"""Practice-based learning from the clinic's own ended episodes (issue 15). Pure: numbers in,
numbers out; no database, no clock.

* :class:`CourseIndex` → :class:`PersonalisedCourse`: the expected course (80% band) and
  dropout probability from the most similar ended episodes, falling back to the fitted and
  then the rational expected-response model (and saying which).
* :func:`evaluate_predictions`: k-fold cross-validation of that course against the generic
  model — calibration slope and intercept, band coverage, Brier score — per language and sex.
* :func:`therapist_feedback`: per-therapist outcomes adjusted for intake severity, multilevel
  with empirical-Bayes shrinkage and intervals, beside the published routine-care benchmarks.
* :func:`plan_followed`: whether each tailoring dimension's plan was followed, from the
  clinician's records and (rupture repair after an alliance alert) the stored facts.
* :func:`responsiveness_report`: does following the plan go with better outcome and less
  dropout here? A multilevel model per tailoring dimension, with the observational caveat.

Thresholds are data (``learning.yaml``), each with its reason: :func:`learning_settings`.
"""

from __future__ import annotations

from attunement.learning._adherence import (
    ALLIANCE_PROMPT,
    RUPTURE_REPAIR,
    AdherenceRecord,
    AlliancePromptMark,
    adherence_dimensions,
    plan_followed,
    rupture_repaired,
)
from attunement.learning._course import (
    NEIGHBOUR_OUTCOMES,
    CourseIndex,
    CoursePoint,
    NeighbourSummary,
    PersonalisedCourse,
)
from attunement.learning._evaluate import (
    Calibration,
    CalibrationWarning,
    EvaluationRow,
    PredictionEvaluation,
    evaluate_predictions,
)
from attunement.learning._records import LearningEpisode, intake_dimensions
from attunement.learning._report import LearningData, LearningReport, Unrecorded
from attunement.learning._responsiveness import (
    CAVEAT,
    COVARIATES,
    Association,
    DimensionResult,
    ResponsivenessReport,
    responsiveness_report,
)
from attunement.learning._settings import LearningSettings, Threshold, learning_settings
from attunement.learning._therapists import (
    MODEL,
    OUTCOMES,
    Estimate,
    FeedbackGap,
    TherapistFeedback,
    TherapistOutcomes,
    UnvariedOutcome,
    feedback_gap,
    therapist_feedback,
)

__all__ = [
    "ALLIANCE_PROMPT",
    "CAVEAT",
    "COVARIATES",
    "MODEL",
    "NEIGHBOUR_OUTCOMES",
    "OUTCOMES",
    "RUPTURE_REPAIR",
    "AdherenceRecord",
    "AlliancePromptMark",
    "Association",
    "Calibration",
    "CalibrationWarning",
    "CourseIndex",
    "CoursePoint",
    "DimensionResult",
    "Estimate",
    "EvaluationRow",
    "FeedbackGap",
    "LearningData",
    "LearningEpisode",
    "LearningReport",
    "LearningSettings",
    "NeighbourSummary",
    "PersonalisedCourse",
    "PredictionEvaluation",
    "ResponsivenessReport",
    "TherapistFeedback",
    "TherapistOutcomes",
    "Threshold",
    "Unrecorded",
    "UnvariedOutcome",
    "adherence_dimensions",
    "evaluate_predictions",
    "feedback_gap",
    "intake_dimensions",
    "learning_settings",
    "plan_followed",
    "responsiveness_report",
    "rupture_repaired",
    "therapist_feedback",
]
