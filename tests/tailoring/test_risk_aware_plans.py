"""While a risk event is open the plan leads with safety and holds back what could stir it up.

Synthetic patients only. The seen case (issue 11): distress from PHQ-9 answers with item 9 =
2 gave the critical flag, then ``arousal: raise`` and "emotion-focused and confrontive
methods, chair work".
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.profile import ProfileFlag, parse_profile
from attunement.risk import RiskEndorsement, RiskEvent, RiskResponse
from attunement.tailoring import Plan, load_rulebook, plan
from attunement.wording import render_markdown, render_text
from tests.tailoring.test_properties import PROFILE_DATA
from tests.tailoring.vignettes import DAY, MIXED, plan_for, pref, profile_for

#: PHQ-9 total 5 (distress low by the PHQ-9 definition) with item 9 answered 2.
LOW_DISTRESS_ITEM9 = {"instrument": "phq9", "answers": [1, 1, 1, 0, 0, 0, 0, 0, 2]}
RISK_METHODS = set(load_rulebook().risk.methods)


def _event(*, answered: bool = False, kind: str = "endorsed") -> RiskEvent:
    endorsement = RiskEndorsement(
        kind=kind,  # type: ignore[arg-type]
        instrument="phq9",
        item="phq9_9",
        flag="phq9_item9_risk",
        answer=2 if kind == "endorsed" else None,
        message="Item 9 was endorsed: assess suicide risk today.",
        route="session",
        session=3,
        on=date(2024, 5, 16),
    )
    response = RiskResponse(assessed_on=date(2024, 5, 16), level="low", actions=("safety_plan",))
    return RiskEvent(
        id=7, kind=kind, endorsements=(endorsement,), response=response if answered else None
    )  # type: ignore[arg-type]


def _conflict_ids(result: Plan) -> set[str]:
    return {c.id for c in result.conflicts}


# --------------------------------------------------------------------------- the seen case


def test_phq9_item9_endorsed_with_low_distress_never_raises_arousal_and_leads_with_safety() -> None:
    result = plan_for({"distress": LOW_DISTRESS_ITEM9})
    assert result.flags[0].severity == "critical"
    assert result.safety[0].kind == "endorsed"
    assert "safety plan" in result.safety[0].summary
    assert result.safety[0].because[0].instrument == "phq9"
    assert result.safety[0].because[0].answer == 2
    assert result.arousal == "lower"
    assert "distress_low" not in {r.rule for r in result.recommendations}
    text = json.dumps(result.model_dump(mode="json")["recommendations"]).lower()
    assert "chair work" not in text
    assert "confrontive" not in text


def test_the_suppressed_recommendation_and_setting_are_recorded_with_the_reason() -> None:
    result = plan_for({"distress": LOW_DISTRESS_ITEM9})
    held = {c.id: c for c in result.conflicts if c.kind == "risk"}
    assert set(held) == {"risk:distress_low", "risk:arousal"}
    recommendation = held["risk:distress_low"]
    assert recommendation.resolution.startswith(
        "Suppressed while a risk event is open: Consider raising arousal"
    )
    assert "risk event is open" in recommendation.reason
    assert "experiential techniques (imagery, chair work)" in recommendation.reason
    setting = held["risk:arousal"]
    assert [(o.value, o.rule) for o in setting.options] == [("raise", "distress_low")]
    assert setting.chosen == "lower"
    arousal = next(d for d in result.settings if d.setting == "arousal")
    assert (arousal.value, arousal.basis) == ("lower", "risk")


def test_the_risk_policy_is_listed_among_the_assumptions_while_risk_is_open() -> None:
    ids = {a.id for a in plan_for({"distress": LOW_DISTRESS_ITEM9}).assumptions}
    assert "safety_first_while_risk_is_open" in ids
    assert "safety_first_while_risk_is_open" not in {
        a.id for a in plan_for({"distress": "low"}).assumptions
    }


def test_without_risk_the_same_distress_still_raises_arousal() -> None:
    result = plan_for({"distress": "low"})
    assert result.arousal == "raise"
    assert result.safety == ()
    assert "distress_low" in {r.rule for r in result.recommendations}


# --------------------------------------------------------------------------- the brief


def test_the_brief_shows_safety_first_then_flags_then_what_was_held_back() -> None:
    text = render_markdown(plan_for({"distress": LOW_DISTRESS_ITEM9}))
    safety = text.index("## Safety first - a risk event is open")
    assert safety < text.index("## Flags - read first") < text.index("## How to work")
    section = text[safety : text.index("## Flags - read first")]
    assert "Make a written safety plan together" in section
    assert "Stanley B, Brown GK (2012)" in section
    assert "Suppressed while a risk event is open: Consider raising arousal" in section
    assert "Emotional arousal in sessions: Distress -> raise; chosen: lower." in section
    assert "## Conflicts and how they were resolved" not in text  # nothing else conflicted


def test_the_text_brief_leads_with_safety_too() -> None:
    text = render_text(plan_for({"distress": LOW_DISTRESS_ITEM9}))
    assert text.index("SAFETY FIRST") < text.index("FLAGS - READ FIRST")
    assert "Emotional arousal in sessions: lower" in text


def test_the_plan_json_starts_with_the_safety_item() -> None:
    data = plan_for({"distress": LOW_DISTRESS_ITEM9}).model_dump(mode="json")
    assert next(iter(data)) == "safety"
    assert data["safety"][0]["because"][0]["origin"] == "profile"
    assert Plan.model_validate(data) == plan_for({"distress": LOW_DISTRESS_ITEM9})


# --------------------------------------------------------------------------- open risk events


def test_an_open_risk_event_makes_any_plan_risk_aware() -> None:
    result = plan(profile_for({"distress": "low"}), open_risk_events=(_event(),))
    assert result.arousal == "lower"
    basis = result.safety[0].because[0]
    assert (basis.origin, basis.event_id, basis.sessions) == ("risk_event", 7, (3,))
    assert basis.first_on == date(2024, 5, 16)


def test_an_answered_risk_event_no_longer_holds_anything_back() -> None:
    result = plan(profile_for({"distress": "low"}), open_risk_events=(_event(answered=True),))
    assert result.safety == ()
    assert result.arousal == "raise"


def test_an_open_event_and_the_profile_flag_for_the_same_item_are_reported_once() -> None:
    result = plan(profile_for({"distress": LOW_DISTRESS_ITEM9}), open_risk_events=(_event(),))
    assert len(result.safety) == 1
    assert [b.origin for b in result.safety[0].because] == ["risk_event"]


def test_an_unanswered_risk_item_leads_with_asking_about_it() -> None:
    result = plan_for(
        {"distress": {"instrument": "phq9", "answers": [1, 1, 1, 0, 0, 0, 0, 1, None]}}
    )
    assert [s.kind for s in result.safety] == ["unanswered"]
    assert "ask about it directly" in result.safety[0].summary
    assert result.arousal == "lower"


def test_an_unanswered_risk_event_is_open_risk_too() -> None:
    result = plan(profile_for({}), open_risk_events=(_event(kind="unanswered"),))
    assert [s.kind for s in result.safety] == ["unanswered"]


# --------------------------------------------------------------------------- what is held back


def test_evocative_and_confrontive_preferences_are_held_back_and_recorded() -> None:
    data = {
        "distress": LOW_DISTRESS_ITEM9,
        "preferences": [
            pref("emotional_intensity", "intensity", "strong"),
            pref("warm_support", "focused_challenge", "strong"),
        ],
    }
    result = plan_for(data)
    assert result.recommendations == ()
    held = _conflict_ids(result)
    assert "risk:preference_emotional_intensity_strong.emotional_intensity.intensity" in held
    assert "risk:preference_focused_challenge_strong.warm_support.focused_challenge" in held


def test_a_tension_resolved_by_going_into_feelings_is_held_back() -> None:
    data = dict(MIXED["impaired_wants_brief"])
    data["distress"] = {"instrument": "phq9", "answers": [3, 3, 3, 3, 3, 0, 0, 0, 1]}
    result = plan_for(data)
    ids = _conflict_ids(result)
    assert "emotional_intensity_preference_with_high_distress" not in ids
    assert "risk:emotional_intensity_preference_with_high_distress" in ids
    assert "brief_preference_with_high_impairment" in ids  # untagged tensions stay


def test_dramatic_relief_is_not_a_process_of_change_while_risk_is_open() -> None:
    data: dict[str, Any] = {"stage_of_change": "precontemplation", "distress": LOW_DISTRESS_ITEM9}
    result = plan_for(data)
    assert "dramatic_relief" not in result.processes_of_change
    assert "consciousness_raising" in result.processes_of_change
    assert "risk:processes_of_change" in _conflict_ids(result)
    assert result.stance == "nurturing_parent"  # the stance itself is safe and stays


def test_moderate_distress_keeps_arousal_moderate_while_risk_is_open() -> None:
    data = {"distress": {"instrument": "phq9", "answers": [2, 2, 2, 2, 2, 0, 0, 0, 1]}}
    result = plan_for(data)
    assert result.arousal == "maintain"
    assert "risk:arousal" not in _conflict_ids(result)


# --------------------------------------------------------------------------- properties


def _with_risk_flag(data: dict[str, Any], kind: str) -> Any:
    profile = parse_profile(data, assessed_on=DAY)
    flag = ProfileFlag(
        id="phq9_item9_risk",
        severity="critical" if kind == "endorsed" else "warning",
        dimension="distress",
        instrument="phq9",
        item="phq9_9",
        message="synthetic risk flag",
        kind=kind,  # type: ignore[arg-type]
        answer=1.0 if kind == "endorsed" else None,
    )
    return profile.model_copy(update={"flags": (flag,)})


@settings(max_examples=150, deadline=None)
@given(PROFILE_DATA, st.sampled_from(["endorsed", "unanswered"]))
def test_with_a_risk_flag_no_recommendation_is_risk_excluded_and_arousal_is_never_raised(
    data: dict[str, Any], kind: str
) -> None:
    result = plan(_with_risk_flag(data, kind))
    assert result.safety
    assert result.arousal != "raise"
    for recommendation in (*result.foundations, *result.recommendations):
        assert not set(recommendation.methods) & RISK_METHODS, recommendation.id
    assert not set(result.processes_of_change) & set(load_rulebook().risk.processes_of_change)


@settings(max_examples=100, deadline=None)
@given(PROFILE_DATA)
def test_nothing_is_dropped_silently_every_held_back_recommendation_is_a_conflict(
    data: dict[str, Any],
) -> None:
    without = plan(parse_profile(data, assessed_on=DAY))
    with_risk = plan(_with_risk_flag(data, "endorsed"))
    kept = {r.id for r in with_risk.recommendations}
    held = {c.id for c in with_risk.conflicts if c.kind == "risk"}
    for recommendation in without.recommendations:
        assert recommendation.id in kept or f"risk:{recommendation.id}" in held


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=8, max_size=8), st.integers(1, 3))
def test_any_phq9_with_item9_endorsed_never_raises_arousal(answers: list[int], item9: int) -> None:
    result = plan_for({"distress": {"instrument": "phq9", "answers": [*answers, item9]}})
    assert result.arousal != "raise"
    assert result.safety[0].kind == "endorsed"


# --------------------------------------------------------------------------- the rule data


def test_every_rule_whose_text_suggests_an_excluded_method_is_tagged() -> None:
    markers = ("chair work", "confrontive", "imagery", "exposure", "stay with and express")
    for rule in load_rulebook().rules:
        spec = rule.spec
        text = " ".join((spec.summary, spec.detail, *spec.do, *spec.behaviours)).lower()
        if any(marker in text for marker in markers):
            assert set(spec.methods) & RISK_METHODS, rule.id


def test_every_rule_that_raises_arousal_is_tagged() -> None:
    for rule in load_rulebook().rules:
        if rule.spec.sets.arousal == "raise":
            assert "arousal_raising" in rule.spec.methods, rule.id


def test_a_spanish_brief_leads_with_safety_in_spanish() -> None:
    """The risk item behind the safety item, the flag, and what was held back, all in the
    clinic's language (issue 16): no English joining word, no item id."""
    from attunement.wording import plan_in

    text = render_markdown(plan_in(plan_for({"distress": LOW_DISTRESS_ITEM9}), "es"), language="es")
    safety = text.index("## Primero la seguridad - hay un evento de riesgo abierto")
    assert safety < text.index("## Señales - léalas primero") < text.index("## Cómo trabajar")
    assert "- Porque: PHQ-9 ítem 9 respondido afirmativamente (respuesta 2)" in text
    assert "(PHQ-9 ítem 9, administrado para malestar)" in text
    assert "Activación emocional en las sesiones: Malestar -> aumentar; elegido: reducir." in text
    for english in ("Because:", "endorsed", "Basis:", "given for", "chosen:", "phq9_9"):
        assert english not in text
