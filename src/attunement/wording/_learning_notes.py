"""The practice-based learning's warnings and notes, in the reader's language (issue 16).

The learning core returns what it found as facts — a kind and its numbers
(:class:`attunement.learning.CalibrationWarning`, ``UnvariedOutcome``, ``FeedbackGap``, a
dimension's ``reason``, ``LearningData``, what is not recorded) — and this module words
them, once, as gettext templates with named values, for ``attune predict evaluate``,
``attune learn report`` and the clinic report's section "What this clinic's data say".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from attunement.i18n import N_, translate
from attunement.wording._learning import learning_outcome_words
from attunement.wording._numbers import format_number, format_share

if TYPE_CHECKING:  # the learning maths stay unloaded until a command needs them
    from attunement.learning import (
        CalibrationWarning,
        DimensionResult,
        FeedbackGap,
        LearningData,
        LearningReport,
        PredictionEvaluation,
        TherapistFeedback,
    )

__all__ = [
    "HIDDEN_TRUTH_LABEL",
    "calibration_warning_words",
    "dimension_reason_words",
    "evaluation_notes_words",
    "feedback_gap_words",
    "feedback_model_words",
    "feedback_notes_words",
    "learning_data_words",
    "learning_report_notes",
    "unrecorded_words",
]

#: What the hidden-truth simulation is, for a person (``simulate.hidden_truth`` labels its
#: clinic with the same message id).
HIDDEN_TRUTH_LABEL: Final = N_(
    "SYNTHETIC DATA — a simulated clinic whose true effects are known, not real patients"
)

_WARNINGS: Final = {
    "small_group": N_("too small: %(value)s episodes (fewer than %(limit)s)"),
    "course_slope": N_("course miscalibrated: slope %(value)s (outside 1 ± %(limit)s)"),
    "dropout_slope": N_("dropout miscalibrated: slope %(value)s (outside 1 ± %(limit)s)"),
    "coverage": N_("80%% band covers %(value)s (outside 80%% ± %(limit)s)"),
}
_NOT_RECORDED: Final = {
    "sex": N_("sex is not recorded: no per-sex calibration"),
    "language": N_("language is not recorded: no per-language calibration"),
}
_UNRECORDED_NAMES: Final = {
    "sex": N_("sex"),
    "age_band": N_("age band"),
    "plan_followed": N_("whether the plan was followed"),
}
_GAPS: Final = {
    "too_few": N_(
        "Therapist feedback not available: %(count)s ended episodes with a later score, "
        "fewer than the %(minimum)s needed."
    ),
    "intake_not_varied": N_(
        "Therapist feedback not available: every intake score is the same, so there is no "
        "intake severity to adjust for."
    ),
    "one_therapist": N_(
        "Therapist feedback not available: all ended episodes are one therapist's, so there "
        "are no therapists to compare with the clinic."
    ),
    "not_fitted": N_(
        "Therapist feedback not available: the multilevel model could not be fitted to "
        "these %(count)s episodes (it did not converge)."
    ),
}
_DIMENSION_REASONS: Final = {
    "too_few": N_(
        "needs %(minimum)s episodes where it applied, with %(each)s followed and %(each)s "
        "not followed"
    ),
    "one_therapist": N_(
        "all its episodes are one therapist's: a model of patients within therapists needs "
        "two or more"
    ),
    "not_fitted": N_("the multilevel model could not be fitted to its episodes"),
}


def calibration_warning_words(warning: CalibrationWarning, language: str) -> str:
    """A group's calibration warning: "course miscalibrated: slope 0.62 (outside 1 ± 0.2)"."""
    if warning.kind == "small_group":
        value, limit = format_number(warning.value, 0), format_number(warning.limit, 0)
    elif warning.kind == "coverage":
        value, limit = format_share(warning.value, 0), format_share(warning.limit, 0)
    else:
        value, limit = format_number(warning.value, 2), format_number(warning.limit, 2)
    return translate(_WARNINGS[warning.kind], language, value=value, limit=limit)


def evaluation_notes_words(evaluation: PredictionEvaluation, language: str) -> list[str]:
    """What the cross-validation could not group by (no episode records it)."""
    return [translate(_NOT_RECORDED[a], language) for a in evaluation.not_recorded]


def feedback_notes_words(feedback: TherapistFeedback, language: str) -> list[str]:
    """What the therapist feedback leaves out or shrinks, in sentences."""
    notes = [
        translate(
            N_(
                "%(outcome)s: %(events)s of %(count)s episodes, so there is no variation to "
                "model and it is not shown per therapist"
            ),
            language,
            outcome=learning_outcome_words(u.outcome, language),
            events=u.events,
            count=u.episodes,
        )
        for u in feedback.unvaried
    ]
    if feedback.therapists_alike:
        notes.append(
            translate(
                N_(
                    "the therapists' variance in change is estimated at about zero: each "
                    "therapist's change is shrunk to the clinic's (no therapist differs "
                    "detectably)"
                ),
                language,
            )
        )
    return notes


def feedback_model_words(feedback: TherapistFeedback, language: str) -> str:
    """The models of the feedback, in words (its text holds a bare "%": never a template)."""
    return translate(feedback.model, language)


def feedback_gap_words(gap: FeedbackGap, language: str) -> str:
    """Why there is no therapist feedback, in a sentence."""
    return translate(_GAPS[gap.reason], language, count=gap.episodes, minimum=gap.minimum)


def dimension_reason_words(dimension: DimensionResult, language: str) -> str:
    """Why a tailoring dimension's association was not estimated."""
    if dimension.reason is None:
        return ""
    return translate(
        _DIMENSION_REASONS[dimension.reason],
        language,
        minimum=dimension.minimum,
        each=dimension.minimum_each,
    )


def learning_data_words(data: LearningData, language: str) -> str:
    """What the figures rest on: the clinic's ended episodes (how many SYNTHETIC), or the
    simulated SYNTHETIC clinic."""
    if data.simulation_seed is not None:
        return translate(
            N_("%(label)s (%(count)s episodes, seed %(seed)s)"),
            language,
            label=translate(HIDDEN_TRUTH_LABEL, language),
            count=data.episodes,
            seed=data.simulation_seed,
        )
    if data.synthetic:
        return translate(
            N_("%(count)s ended episodes of this clinic, %(synthetic)s of them SYNTHETIC"),
            language,
            count=data.episodes,
            synthetic=data.synthetic,
        )
    return translate(N_("%(count)s ended episodes of this clinic"), language, count=data.episodes)


def unrecorded_words(names: Sequence[str], language: str) -> list[str]:
    """What no ended episode records (sex, age band, whether the plan was followed)."""
    if not names:
        return []
    listed = ", ".join(translate(_UNRECORDED_NAMES[n], language) for n in names)
    return [translate(N_("not recorded for any ended episode: %(what)s"), language, what=listed)]


def learning_report_notes(report: LearningReport, language: str) -> list[str]:
    """Every note of the learning report, in sentences: why there is no therapist feedback
    (or what it leaves out) and what the clinic's episodes do not record."""
    notes = []
    if report.therapists_unavailable is not None:
        notes.append(feedback_gap_words(report.therapists_unavailable, language))
    if report.therapists is not None:
        notes.extend(feedback_notes_words(report.therapists, language))
    return notes + unrecorded_words(report.not_recorded, language)
