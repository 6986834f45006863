"""Vignettes: one per dimension, then mixed and conflicting patients (all synthetic)."""

from __future__ import annotations

import pytest

from attunement.tailoring import Plan, load_rulebook
from tests.tailoring.vignettes import MIXED, plan_for, pref, rules_of

FOUNDATION_RULES = {
    "foundation_goal_task_agreement",
    "foundation_empathy",
    "foundation_positive_regard",
    "foundation_routine_feedback",
}


def _conflict(result: Plan, conflict_id: str):  # type: ignore[no-untyped-def]
    matches = [c for c in result.conflicts if c.id == conflict_id]
    assert matches, f"no conflict {conflict_id}; got {[c.id for c in result.conflicts]}"
    return matches[0]


# --------------------------------------------------------------------------- reactance


@pytest.mark.parametrize(
    ("reactance", "directiveness", "rule"),
    [
        ("high", "low", "reactance_high"),
        ("moderate", "moderate", "reactance_moderate"),
        ("low", "high", "reactance_low"),
    ],
)
def test_directiveness_is_inverse_to_reactance(
    reactance: str, directiveness: str, rule: str
) -> None:
    result = plan_for({"reactance": reactance})
    assert result.directiveness == directiveness
    assert rules_of(result) == [rule]
    recommendation = result.recommendations[0]
    assert recommendation.because[0].field == "reactance"
    assert recommendation.because[0].value == reactance
    assert recommendation.evidence[0].element == "reactance"


def test_high_reactance_recommends_choices_and_self_directed_methods() -> None:
    recommendation = plan_for({"reactance": "high"}).recommendations[0]
    text = " ".join((recommendation.summary, *recommendation.do, *recommendation.avoid))
    assert "choices" in text
    assert "self-directed" in text.lower()
    assert any("homework" in a for a in recommendation.avoid)


# --------------------------------------------------------------------------- stage of change


@pytest.mark.parametrize(
    ("stage", "stance", "processes"),
    [
        (
            "precontemplation",
            "nurturing_parent",
            ["consciousness_raising", "dramatic_relief", "environmental_reevaluation"],
        ),
        ("contemplation", "socratic_teacher", ["self_reevaluation"]),
        ("preparation", "experienced_coach", ["self_liberation"]),
        (
            "action",
            "consultant",
            [
                "contingency_management",
                "helping_relationships",
                "counterconditioning",
                "stimulus_control",
            ],
        ),
        (
            "maintenance",
            "consultant",
            [
                "contingency_management",
                "helping_relationships",
                "counterconditioning",
                "stimulus_control",
            ],
        ),
    ],
)
def test_stance_and_processes_of_change_follow_the_stage(
    stage: str, stance: str, processes: list[str]
) -> None:
    result = plan_for({"stage_of_change": stage})
    assert result.stance == stance
    assert list(result.processes_of_change) == processes
    assert rules_of(result) == [f"stage_{stage}"]


def test_without_reactance_the_stance_sets_directiveness_as_a_stated_assumption() -> None:
    result = plan_for({"stage_of_change": "preparation"})
    assert result.directiveness == "high"
    assert [a.id for a in result.assumptions] == ["stance_implied_directiveness"]


# --------------------------------------------------------------------------- coping style


@pytest.mark.parametrize(
    ("style", "focus"),
    [
        ("externalizing", "symptom_skill"),
        ("internalizing", "insight_interpersonal"),
        ("mixed", "balanced"),
    ],
)
def test_focus_follows_coping_style(style: str, focus: str) -> None:
    result = plan_for({"coping_style": style})
    assert result.focus == focus
    assert result.recommendations[0].evidence[0].element == "coping_style"


# --------------------------------------------------------------------------- preferences


@pytest.mark.parametrize(
    "aspect", ["therapist_gender", "therapist_ethnicity", "therapist_religion"]
)
def test_a_strong_identity_preference_is_accommodated_citing_dropout(aspect: str) -> None:
    value = "female" if aspect == "therapist_gender" else "the same as mine"
    result = plan_for({"preferences": [pref(aspect, value, "strong")]})
    assert rules_of(result) == ["preference_identity_strong"]
    evidence = result.recommendations[0].evidence
    dropout = [e for e in evidence if e.outcome == "dropout"]
    assert dropout
    assert dropout[0].metric == "OR"
    assert dropout[0].value is not None
    assert any(e.verdict == "not supported for routine matching" for e in evidence)


@pytest.mark.parametrize("strength", ["mild", "moderate"])
@pytest.mark.parametrize(
    "aspect", ["therapist_gender", "therapist_ethnicity", "therapist_religion"]
)
def test_a_weak_identity_preference_is_not_turned_into_matching(aspect: str, strength: str) -> None:
    value = "male" if aspect == "therapist_gender" else "Muslim"
    result = plan_for({"preferences": [pref(aspect, value, strength)]})
    assert rules_of(result) == ["preference_identity_not_strong"]
    recommendation = result.recommendations[0]
    assert "not a reason to assign" in recommendation.summary
    assert "routinely matching" in recommendation.detail
    caution = recommendation.evidence[0]
    assert caution.verdict == "not supported for routine matching"
    assert caution.statement
    assert "strong preference" in caution.statement


def test_a_strong_language_preference_gives_sessions_and_questionnaires_in_it() -> None:
    result = plan_for({"preferences": [pref("language", "pt-BR", "strong")]})
    recommendation = result.recommendations[0]
    assert recommendation.rule == "preference_language_strong"
    assert "Portuguese (Brazil)" in recommendation.summary
    assert any("questionnaires" in d for d in recommendation.do)


@pytest.mark.parametrize(
    ("value", "directiveness"), [("client_directed", "low"), ("therapist_directed", "high")]
)
def test_a_strong_directiveness_preference_sets_directiveness(
    value: str, directiveness: str
) -> None:
    assert (
        plan_for({"preferences": [pref("directiveness", value, "strong")]}).directiveness
        == directiveness
    )


def test_a_moderate_directiveness_preference_is_noted_but_sets_nothing() -> None:
    result = plan_for({"preferences": [pref("directiveness", "client_directed", "moderate")]})
    assert rules_of(result) == ["preference_style_not_strong"]
    assert result.settings[0].basis == "default"


def test_each_preference_gets_its_own_recommendation_and_fact() -> None:
    result = plan_for(
        {"preferences": [pref("format", "individual", "strong"), pref("format", "video", "strong")]}
    )
    ids = [r.id for r in result.recommendations]
    assert ids == sorted(ids)
    assert len(set(ids)) == 2
    assert {r.because[0].value for r in result.recommendations} == {"individual", "video"}


# --------------------------------------------------------------------------- culture


def test_wanted_cultural_adaptation_covers_content_values_and_language() -> None:
    result = plan_for({"culture": {"preferred_language": "es", "wants_adaptation": True}})
    assert rules_of(result) == ["culture_adaptation_wanted", "culture_preferred_language"]
    adaptation, language = result.recommendations
    assert "values" in adaptation.summary
    assert "questionnaires" in language.summary
    assert "(Spanish)" in language.summary
    assert any(
        e.scope == "therapist multicultural competence as rated by the client"
        for e in adaptation.evidence
    )


def test_declined_cultural_adaptation_is_not_imposed_but_the_language_is_still_offered() -> None:
    result = plan_for({"culture": {"preferred_language": "es", "wants_adaptation": False}})
    assert rules_of(result) == [
        "culture_adaptation_not_wanted",
        "culture_preferred_language_adaptation_declined",
    ]
    language = result.recommendations[1]
    assert "(Spanish)" in language.summary
    assert "not a cultural adaptation" in language.summary
    assert not any("culture_adaptation_wanted" == r.rule for r in result.recommendations)


# ------------------------------------------------------------------------- religion / spirituality


def test_integration_offered_when_valued_and_wanted_with_the_honest_finding() -> None:
    result = plan_for({"religion_spirituality": {"importance": "high", "wants_integration": True}})
    assert rules_of(result) == ["religion_integration_wanted"]
    evidence = result.recommendations[0].evidence
    psychological = next(e for e in evidence if e.outcome is None and e.scope is None)
    spiritual = next(e for e in evidence if e.outcome == "spiritual outcomes" and e.scope is None)
    assert spiritual.value is not None
    assert psychological.value is not None
    assert spiritual.value > psychological.value
    assert "not significant" in result.recommendations[0].detail


@pytest.mark.parametrize(
    ("importance", "wants", "rules"),
    [
        ("high", False, ["religion_important_integration_declined"]),
        ("moderate", False, ["religion_important_integration_declined"]),
        ("low", True, ["religion_integration_requested_low_importance"]),
        ("none", True, ["religion_integration_requested_low_importance"]),
        ("none", False, []),
    ],
)
def test_integration_is_not_offered_unless_valued_and_wanted(
    importance: str, wants: bool, rules: list[str]
) -> None:
    result = plan_for(
        {"religion_spirituality": {"importance": importance, "wants_integration": wants}}
    )
    assert rules_of(result) == rules


def test_missing_wish_about_integration_is_listed_to_ask() -> None:
    result = plan_for({"religion_spirituality": {"importance": "high"}})
    assert rules_of(result) == []
    assert "religion_spirituality.wants_integration" in [n.field for n in result.not_assessed]


# --------------------------------------------------------------------------- attachment


def test_attachment_anxiety_at_the_stated_threshold_is_flagged_as_a_risk() -> None:
    result = plan_for({"attachment": {"anxiety": 4.0}})
    recommendation = result.recommendations[0]
    assert recommendation.rule == "attachment_anxiety_elevated"
    assert recommendation.risk
    assert result.focus == "insight_interpersonal"
    assert any("alliance" in d for d in recommendation.do)
    assert {e.element for e in recommendation.evidence} >= {
        "attachment",
        "rupture_repair",
        "feedback",
    }
    anxiety = recommendation.evidence[0]
    assert anxiety.value is not None
    assert anxiety.value < 0
    assert [a.id for a in result.assumptions] == ["attachment_anxiety_threshold"]


def test_attachment_anxiety_below_the_threshold_is_not_flagged() -> None:
    result = plan_for({"attachment": {"anxiety": 3.9}})
    assert not any(r.risk for r in result.recommendations)


def test_attachment_avoidance_alone_is_not_called_a_risk() -> None:
    result = plan_for({"attachment": {"anxiety": 2.0, "avoidance": 6.0}})
    assert rules_of(result) == ["attachment_avoidance_elevated"]
    assert not result.recommendations[0].risk


# --------------------------------------------------------------------------- expectations


def test_low_outcome_expectation_brings_role_induction() -> None:
    result = plan_for({"expectations": {"outcome": "low"}})
    assert rules_of(result) == ["expectations_outcome_low"]
    assert "role induction" in result.recommendations[0].summary


def test_low_credibility_brings_a_credible_rationale() -> None:
    result = plan_for({"expectations": {"credibility": "low"}})
    assert rules_of(result) == ["expectations_credibility_low"]
    assert "rationale" in result.recommendations[0].summary
    assert result.recommendations[0].evidence[0].element == "credibility"


# --------------------------------------------------------------------------- STS principles


@pytest.mark.parametrize("level", ["low", "moderate", "high"])
def test_intensity_follows_functional_impairment(level: str) -> None:
    assert plan_for({"functional_impairment": level}).intensity == level


@pytest.mark.parametrize(
    ("level", "arousal"), [("low", "raise"), ("moderate", "maintain"), ("high", "lower")]
)
def test_arousal_follows_distress(level: str, arousal: str) -> None:
    assert plan_for({"distress": level}).arousal == arousal


# --------------------------------------------------------------------------- empty profile


def test_an_empty_profile_gets_the_foundations_defaults_and_how_to_assess_everything() -> None:
    result = plan_for({})
    assert {r.rule for r in result.foundations} == FOUNDATION_RULES
    assert result.recommendations == ()
    assert (result.directiveness, result.stance, result.focus) == ("moderate", None, "balanced")
    assert all(d.basis == "default" for d in result.settings)
    missing = {n.field: n for n in result.not_assessed}
    assert set(missing) == {
        "reactance", "stage_of_change", "coping_style", "preferences", "culture",
        "religion_spirituality", "attachment", "expectations", "functional_impairment", "distress",
    }  # fmt: skip
    assert set(missing["reactance"].instruments) == {"trs", "hprs", "reactance_rating"}
    assert set(missing["stage_of_change"].instruments) == {"urica", "readiness_ruler"}
    assert set(missing["distress"].instruments) == {"phq9", "k10", "core10"}
    assert all(n.question for n in result.not_assessed)


# --------------------------------------------------------------------------- mixed and conflicting


def test_high_reactance_in_preparation_keeps_the_coach_but_offers_choices() -> None:
    result = plan_for(MIXED["reactant_preparer"])
    assert result.stance == "experienced_coach"
    assert result.directiveness == "low"
    conflict = _conflict(result, "directiveness_reactance_over_stage")
    assert conflict.chosen == "low"
    assert "choices" in conflict.resolution
    assert {o.dimension for o in conflict.options} == {"reactance", "stage_of_change"}
    assert {f.field for f in conflict.because} == {"reactance", "stage_of_change"}
    assert conflict.from_data
    assert conflict.reason


def test_externalizing_with_attachment_anxiety_keeps_skills_and_monitors_the_alliance() -> None:
    result = plan_for(MIXED["anxious_externalizer"])
    assert result.focus == "symptom_skill"
    conflict = _conflict(result, "focus_coping_style_over_attachment")
    assert "alliance" in conflict.resolution
    assert any(r.risk for r in result.recommendations)


def test_low_reactance_and_a_strong_wish_to_lead_meet_in_the_middle() -> None:
    result = plan_for(MIXED["compliant_but_wants_to_lead"])
    assert result.directiveness == "moderate"
    conflict = _conflict(result, "directiveness_reactance_and_preference")
    assert conflict.chosen == "moderate"
    assert any(e.outcome == "dropout" for e in conflict.evidence)


def test_a_precontemplator_who_wants_direction_gets_structure_without_pressure() -> None:
    result = plan_for(MIXED["precontemplator_wants_direction"])
    assert result.stance == "nurturing_parent"
    assert result.directiveness == "high"
    _conflict(result, "directiveness_preference_over_stage")
    _conflict(result, "direction_preference_with_precontemplation")


@pytest.mark.parametrize(
    ("patient", "tension"),
    [
        ("impaired_wants_brief", "brief_preference_with_high_impairment"),
        ("impaired_wants_brief", "emotional_intensity_preference_with_high_distress"),
        ("calm_and_reserved", "emotional_reserve_preference_with_low_distress"),
        ("reactant_wants_challenge", "challenge_preference_with_high_reactance"),
    ],
)
def test_tensions_between_facts_are_recorded_with_a_reason(patient: str, tension: str) -> None:
    conflict = _conflict(plan_for(MIXED[patient]), tension)
    assert conflict.kind == "tension"
    assert conflict.reason
    assert conflict.resolution
    assert conflict.evidence
    assert len(conflict.because) >= 2


def test_the_vignettes_fire_every_rule_in_the_rule_book() -> None:
    single = [{"reactance": r} for r in ("low", "moderate", "high")] + [
        {"stage_of_change": s}
        for s in ("precontemplation", "contemplation", "preparation", "action", "maintenance")
    ]
    fired: set[str] = set()
    for data in [
        *single,
        *MIXED.values(),
        {"culture": {"preferred_language": "es", "wants_adaptation": True}},
        {"culture": {"preferred_language": "es", "wants_adaptation": False}},
        {
            "preferences": [
                pref("language", "ar", "mild"),
                pref("emotional_intensity", "intensity", "moderate"),
            ]
        },
    ]:
        result = plan_for(data)
        fired |= {r.rule for r in (*result.foundations, *result.recommendations)}
    all_rules = {r.id for r in load_rulebook().rules}
    assert all_rules - fired == set()
