"""Routine monitoring: change since intake and the expected treatment response.

* Change (Jacobson & Truax 1991): :func:`reliable_change_index`, :func:`reliable_change_bound`,
  :func:`clinical_cutoffs`, :func:`jacobson_truax_category`, :func:`response_status`,
  :func:`remission_status` — pure functions over numbers and :class:`ChangeNorms` (or any
  object with the same attributes, e.g. an instrument scale's ``norms``).
* Expected treatment response: :func:`rational_expectation` (no data needed; the expected
  improvement depends on the intake's severity and the attended sessions, parameters in
  ``feedback_rules/expected_response.yaml``), :func:`fit_growth_model` →
  :class:`GrowthModel` (REML growth model on log(session) with intake as predictor, as
  Finch, Lambert & Schaalje 2001), and :func:`expected_treatment_response`, which falls
  back to the rational method until enough episodes exist.
* Norms: published, or clinic-derived (:class:`ClinicNorms` from :func:`clinic_norms`), or
  the scale range's conservative bound; the caseness convention is an argument.
* Episode status (alerts, alliance, dropout risk, clinical-support prompts):
  :func:`assess_episode` over :class:`Series` of :class:`SessionPoint`. The alert levels
  and their order are :data:`ALERT_LEVELS` (one definition; :func:`alert_urgency`,
  :func:`alert_rank` for a caseload).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.monitoring._alerts import (
        OUTER_LIMIT_ALERT,
        AlertDecision,
        RedRule,
        Trend,
        decide_alert,
    )
    from attunement.monitoring._alliance import (
        AllianceAlert,
        AllianceStatus,
        RecordedMarker,
        RepairOption,
        assess_alliance,
        check_rupture_markers,
    )
    from attunement.monitoring._change import (
        RELIABLE_CHANGE_Z,
        clinical_cutoffs,
        jacobson_truax_category,
        reliable_change_bound,
        reliable_change_index,
        standard_error_of_difference,
        standard_error_of_measurement,
    )
    from attunement.monitoring._dropout import DropoutRisk, dropout_risks
    from attunement.monitoring._end_reasons import (
        EndReason,
        EndReasons,
        check_end_reason,
        load_end_reasons,
    )
    from attunement.monitoring._episode_file import EpisodeInput, monitored_scale_id, parse_episode
    from attunement.monitoring._etr import MINIMUM_EPISODES, expected_treatment_response
    from attunement.monitoring._expected_data import (
        RationalParameters,
        clinic_norms_minimum,
        clinic_norms_retake_growth,
        rational_parameters,
    )
    from attunement.monitoring._feedback_data import load_alliance_rules
    from attunement.monitoring._growth import EpisodeTable, fit_growth_model
    from attunement.monitoring._growth_model import FIXED_EFFECTS, GrowthModel
    from attunement.monitoring._levels import ALERT_LEVELS, ALERT_MEANINGS, Alert, alert_urgency
    from attunement.monitoring._models import (
        ChangeNorms,
        ChangeRuleLike,
        Direction,
        Expectation,
        NormsLike,
        RemissionRule,
        ResponseRule,
    )
    from attunement.monitoring._norms import (
        PUBLISHED,
        ClinicNorms,
        NormsUsed,
        caseness_convention_problem,
        caseness_conventions,
        clinic_norms,
        clinic_norms_due,
        needs_clinic_norms,
    )
    from attunement.monitoring._rational import RATIONAL_PARAMETERS, rational_expectation
    from attunement.monitoring._response import remission_status, response_status
    from attunement.monitoring._results import (
        ChangeCategory,
        ClinicalCutoffs,
        ReliableChange,
        ReliableChangeBound,
        RemissionStatus,
        ResponseStatus,
    )
    from attunement.monitoring._risk_fact import endorsement_fact
    from attunement.monitoring._series import Series, SessionPoint
    from attunement.monitoring._status import (
        RISK_FLAG_RANK,
        RiskFlag,
        Status,
        alert_rank,
        assess_each_session,
        assess_episode,
        red_limit,
        status_format_version,
    )
    from attunement.monitoring._status_maths import ExpectedBand
    from attunement.monitoring._support import (
        ProfileUpdate,
        SupportPrompt,
        apply_profile_updates,
        replan,
        support_prompt_titles,
        support_prompts,
        support_prompts_version,
    )
    from attunement.monitoring._worded import ProfileWords, Worded, WordedValue, english_figure
    from attunement.monitoring._worklist import deterioration_size

__all__ = [
    "ALERT_LEVELS",
    "ALERT_MEANINGS",
    "FIXED_EFFECTS",
    "MINIMUM_EPISODES",
    "OUTER_LIMIT_ALERT",
    "PUBLISHED",
    "RATIONAL_PARAMETERS",
    "RELIABLE_CHANGE_Z",
    "RISK_FLAG_RANK",
    "Alert",
    "AlertDecision",
    "AllianceAlert",
    "AllianceStatus",
    "ChangeCategory",
    "ChangeNorms",
    "ChangeRuleLike",
    "ClinicNorms",
    "ClinicalCutoffs",
    "Direction",
    "DropoutRisk",
    "EndReason",
    "EndReasons",
    "EpisodeInput",
    "EpisodeTable",
    "Expectation",
    "ExpectedBand",
    "GrowthModel",
    "NormsLike",
    "NormsUsed",
    "ProfileUpdate",
    "ProfileWords",
    "RationalParameters",
    "RecordedMarker",
    "RedRule",
    "ReliableChange",
    "ReliableChangeBound",
    "RemissionRule",
    "RemissionStatus",
    "RepairOption",
    "ResponseRule",
    "ResponseStatus",
    "RiskFlag",
    "Series",
    "SessionPoint",
    "Status",
    "SupportPrompt",
    "Trend",
    "Worded",
    "WordedValue",
    "alert_rank",
    "alert_urgency",
    "apply_profile_updates",
    "assess_alliance",
    "assess_each_session",
    "assess_episode",
    "caseness_convention_problem",
    "caseness_conventions",
    "check_end_reason",
    "check_rupture_markers",
    "clinic_norms",
    "clinic_norms_due",
    "clinic_norms_minimum",
    "clinic_norms_retake_growth",
    "clinical_cutoffs",
    "decide_alert",
    "deterioration_size",
    "dropout_risks",
    "endorsement_fact",
    "english_figure",
    "expected_treatment_response",
    "fit_growth_model",
    "jacobson_truax_category",
    "load_alliance_rules",
    "load_end_reasons",
    "monitored_scale_id",
    "needs_clinic_norms",
    "parse_episode",
    "rational_expectation",
    "rational_parameters",
    "red_limit",
    "reliable_change_bound",
    "reliable_change_index",
    "remission_status",
    "replan",
    "response_status",
    "standard_error_of_difference",
    "standard_error_of_measurement",
    "status_format_version",
    "support_prompt_titles",
    "support_prompts",
    "support_prompts_version",
]

#: The submodule that defines each name. Importing the package imports none of them: a name
#: loads its submodule on first use, so checking a setting (the caseness conventions) needs
#: none of the trajectory maths or NumPy. A new name goes in three places: the import above,
#: ``__all__`` and here (tests/cli/test_lazy_exports.py checks).
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_feedback_data": ("load_alliance_rules",),
    "_alerts": ("OUTER_LIMIT_ALERT", "AlertDecision", "RedRule", "Trend", "decide_alert"),
    "_alliance": (
        "AllianceAlert",
        "AllianceStatus",
        "RecordedMarker",
        "RepairOption",
        "assess_alliance",
        "check_rupture_markers",
    ),
    "_change": (
        "RELIABLE_CHANGE_Z",
        "clinical_cutoffs",
        "jacobson_truax_category",
        "reliable_change_bound",
        "reliable_change_index",
        "standard_error_of_difference",
        "standard_error_of_measurement",
    ),
    "_dropout": ("DropoutRisk", "dropout_risks"),
    "_end_reasons": ("EndReason", "EndReasons", "check_end_reason", "load_end_reasons"),
    "_episode_file": ("EpisodeInput", "monitored_scale_id", "parse_episode"),
    "_etr": ("MINIMUM_EPISODES", "expected_treatment_response"),
    "_expected_data": (
        "RationalParameters",
        "clinic_norms_minimum",
        "clinic_norms_retake_growth",
        "rational_parameters",
    ),
    "_growth": ("EpisodeTable", "fit_growth_model"),
    "_growth_model": ("FIXED_EFFECTS", "GrowthModel"),
    "_levels": ("ALERT_LEVELS", "ALERT_MEANINGS", "Alert", "alert_urgency"),
    "_models": (
        "ChangeNorms",
        "ChangeRuleLike",
        "Direction",
        "Expectation",
        "NormsLike",
        "RemissionRule",
        "ResponseRule",
    ),
    "_norms": (
        "PUBLISHED",
        "ClinicNorms",
        "NormsUsed",
        "caseness_convention_problem",
        "caseness_conventions",
        "clinic_norms",
        "clinic_norms_due",
        "needs_clinic_norms",
    ),
    "_rational": ("RATIONAL_PARAMETERS", "rational_expectation"),
    "_response": ("remission_status", "response_status"),
    "_results": (
        "ChangeCategory",
        "ClinicalCutoffs",
        "ReliableChange",
        "ReliableChangeBound",
        "RemissionStatus",
        "ResponseStatus",
    ),
    "_series": ("Series", "SessionPoint"),
    "_status": (
        "RISK_FLAG_RANK",
        "RiskFlag",
        "Status",
        "alert_rank",
        "assess_each_session",
        "assess_episode",
        "red_limit",
        "status_format_version",
    ),
    "_risk_fact": ("endorsement_fact",),
    "_status_maths": ("ExpectedBand",),
    "_support": (
        "ProfileUpdate",
        "SupportPrompt",
        "apply_profile_updates",
        "replan",
        "support_prompt_titles",
        "support_prompts",
        "support_prompts_version",
    ),
    "_worded": ("ProfileWords", "Worded", "WordedValue", "english_figure"),
    "_worklist": ("deterioration_size",),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
