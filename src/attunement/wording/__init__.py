"""One way to word what a person reads: numbers, effect sizes, citations, alert levels,
profile fields and a Status's figures (issue 17, "one presentation vocabulary").

Pure and display-only: every decision (alert level and order, direction of a scale, the
figures of a Status) is made in the core module that owns it; this package names it, once,
for the CLI, the web pages, the PDFs, the FHIR narrative and the CDS cards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.wording._alliance import AllianceLimitsLike, Phrase, alliance_limits_words
    from attunement.wording._citations import (
        Citable,
        format_citation,
        format_effect,
        format_effect_value,
        format_sample,
        format_source_of,
    )
    from attunement.wording._course_basis import (
        CourseLike,
        course_basis_words,
        course_dropout_words,
        first_fallback,
    )
    from attunement.wording._demographics import (
        AGE_BAND_LABELS,
        NOT_RECORDED_LABEL,
        SEX_LABELS,
        age_band_label,
        sex_label,
    )
    from attunement.wording._episode_notes import episode_notes_in
    from attunement.wording._knowledge import (
        end_reasons_in,
        outcome_benchmarks_in,
        plan_in,
        response_vocabulary_in,
        status_in,
    )
    from attunement.wording._labels import (
        ALERT_ORDER,
        AlertWords,
        alert_words,
        dimension_label,
        direction_words,
        element_name,
        field_label,
        higher_is_worse,
        language_name,
        value_words,
    )
    from attunement.wording._learning import (
        COURSE_METHOD_LABELS,
        LEARNING_OUTCOME_LABELS,
        RELATION_LABELS,
        calibration_group_words,
        course_method_words,
        learning_outcome_words,
        relation_words,
    )
    from attunement.wording._learning_notes import (
        HIDDEN_TRUTH_LABEL,
        calibration_warning_words,
        dimension_reason_words,
        evaluation_notes_words,
        feedback_gap_words,
        feedback_model_words,
        feedback_notes_words,
        learning_data_words,
        learning_report_notes,
        unrecorded_words,
    )
    from attunement.wording._names import instrument_name, item_label
    from attunement.wording._numbers import (
        DASH,
        MINUS,
        format_interval,
        format_number,
        format_share,
        format_signed,
        scale_digits,
    )
    from attunement.wording._references import PrimarySource, format_reference, format_references
    from attunement.wording._risk import (
        describe_endorsement,
        describe_event,
        describe_profile_flag,
        describe_response,
        event_headline,
        risk_message,
    )
    from attunement.wording._status import (
        ALLIANCE_WORDS,
        StatusFigures,
        StatusLike,
        alliance_words,
        category_words,
        method_words,
        repair_words,
        status_figures,
    )

__all__ = [
    "AGE_BAND_LABELS",
    "ALERT_ORDER",
    "ALLIANCE_WORDS",
    "COURSE_METHOD_LABELS",
    "DASH",
    "HIDDEN_TRUTH_LABEL",
    "LEARNING_OUTCOME_LABELS",
    "MINUS",
    "NOT_RECORDED_LABEL",
    "RELATION_LABELS",
    "SEX_LABELS",
    "AlertWords",
    "AllianceLimitsLike",
    "Citable",
    "CourseLike",
    "Phrase",
    "PrimarySource",
    "StatusFigures",
    "StatusLike",
    "age_band_label",
    "alert_words",
    "alliance_limits_words",
    "alliance_words",
    "calibration_group_words",
    "calibration_warning_words",
    "category_words",
    "course_basis_words",
    "course_dropout_words",
    "course_method_words",
    "describe_endorsement",
    "describe_event",
    "describe_profile_flag",
    "describe_response",
    "dimension_label",
    "dimension_reason_words",
    "direction_words",
    "element_name",
    "end_reasons_in",
    "episode_notes_in",
    "evaluation_notes_words",
    "event_headline",
    "feedback_gap_words",
    "feedback_model_words",
    "feedback_notes_words",
    "field_label",
    "first_fallback",
    "format_citation",
    "format_effect",
    "format_effect_value",
    "format_interval",
    "format_number",
    "format_reference",
    "format_references",
    "format_sample",
    "format_share",
    "format_signed",
    "format_source_of",
    "higher_is_worse",
    "instrument_name",
    "item_label",
    "language_name",
    "learning_data_words",
    "learning_outcome_words",
    "learning_report_notes",
    "method_words",
    "outcome_benchmarks_in",
    "plan_in",
    "relation_words",
    "repair_words",
    "response_vocabulary_in",
    "risk_message",
    "scale_digits",
    "sex_label",
    "status_figures",
    "status_in",
    "unrecorded_words",
    "value_words",
]

#: The submodule that defines each name: numbers and citations need nothing else; the
#: labels load the evidence base and the profile models, the status figures the instrument
#: models (so ``attune --help`` and the light commands import only what they use).
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_alliance": ("AllianceLimitsLike", "Phrase", "alliance_limits_words"),
    "_citations": (
        "Citable",
        "format_citation",
        "format_effect",
        "format_effect_value",
        "format_sample",
        "format_source_of",
    ),
    "_course_basis": (
        "CourseLike",
        "course_basis_words",
        "course_dropout_words",
        "first_fallback",
    ),
    "_demographics": (
        "AGE_BAND_LABELS",
        "NOT_RECORDED_LABEL",
        "SEX_LABELS",
        "age_band_label",
        "sex_label",
    ),
    "_labels": (
        "ALERT_ORDER",
        "AlertWords",
        "alert_words",
        "dimension_label",
        "direction_words",
        "element_name",
        "field_label",
        "higher_is_worse",
        "language_name",
        "value_words",
    ),
    "_knowledge": (
        "end_reasons_in",
        "outcome_benchmarks_in",
        "plan_in",
        "response_vocabulary_in",
        "status_in",
    ),
    "_learning": (
        "COURSE_METHOD_LABELS",
        "LEARNING_OUTCOME_LABELS",
        "RELATION_LABELS",
        "calibration_group_words",
        "course_method_words",
        "learning_outcome_words",
        "relation_words",
    ),
    "_learning_notes": (
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
    ),
    "_names": ("instrument_name", "item_label"),
    "_numbers": (
        "DASH",
        "MINUS",
        "format_interval",
        "format_number",
        "format_share",
        "format_signed",
        "scale_digits",
    ),
    "_status": (
        "ALLIANCE_WORDS",
        "StatusFigures",
        "StatusLike",
        "alliance_words",
        "category_words",
        "method_words",
        "repair_words",
        "status_figures",
    ),
    "_references": ("PrimarySource", "format_reference", "format_references"),
    "_risk": (
        "describe_endorsement",
        "describe_event",
        "describe_profile_flag",
        "describe_response",
        "event_headline",
        "risk_message",
    ),
    "_episode_notes": ("episode_notes_in",),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
