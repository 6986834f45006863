"""Synthetic patient vignettes (not real patients) shared by the tailoring tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from attunement.profile import Profile, parse_profile
from attunement.tailoring import Plan, plan

DAY = date(2024, 5, 2)


def plan_for(data: dict[str, Any]) -> Plan:
    """The plan for a profile mapping (dated DAY)."""
    return plan(parse_profile(data, assessed_on=DAY))


def profile_for(data: dict[str, Any]) -> Profile:
    return parse_profile(data, assessed_on=DAY)


def rules_of(result: Plan) -> list[str]:
    """Rule ids of the tailored recommendations, in plan order."""
    return [r.rule for r in result.recommendations]


def pref(aspect: str, value: str, strength: str) -> dict[str, str]:
    return {"aspect": aspect, "value": value, "strength": strength}


#: Mixed synthetic patients; together with the single-dimension vignettes they fire every rule.
MIXED: dict[str, dict[str, Any]] = {
    "reactant_preparer": {
        "reactance": "high",
        "stage_of_change": "preparation",
        "coping_style": "externalizing",
        "distress": "moderate",
    },
    "anxious_externalizer": {
        "coping_style": "externalizing",
        "attachment": {"anxiety": 5.1, "avoidance": 2.2},
        "expectations": {"outcome": "low", "credibility": "low"},
    },
    "compliant_but_wants_to_lead": {
        "reactance": "low",
        "stage_of_change": "action",
        "preferences": [pref("directiveness", "client_directed", "strong")],
    },
    "impaired_wants_brief": {
        "functional_impairment": "high",
        "distress": "high",
        "preferences": [
            pref("treatment_length", "brief", "strong"),
            pref("emotional_intensity", "intensity", "strong"),
        ],
    },
    "calm_and_reserved": {
        "distress": "low",
        "functional_impairment": "low",
        "preferences": [pref("emotional_intensity", "reserve", "strong")],
    },
    "reactant_wants_challenge": {
        "reactance": "high",
        "preferences": [
            pref("warm_support", "focused_challenge", "strong"),
            pref("past_orientation", "past", "strong"),
        ],
    },
    "precontemplator_wants_direction": {
        "stage_of_change": "precontemplation",
        "preferences": [
            pref("directiveness", "therapist_directed", "strong"),
            pref("past_orientation", "present", "strong"),
        ],
    },
    "culturally_rooted_believer": {
        "culture": {"preferred_language": "es-MX", "identity": "Mexican", "wants_adaptation": True},
        "religion_spirituality": {"importance": "high", "wants_integration": True},
        "preferences": [
            pref("therapist_ethnicity", "Latina", "strong"),
            pref("therapist_religion", "Catholic", "moderate"),
            pref("language", "es", "strong"),
            pref("treatment_type", "CBT", "strong"),
            pref("format", "video", "mild"),
        ],
    },
    "private_believer": {
        "culture": {"identity": "Scottish", "wants_adaptation": False},
        "religion_spirituality": {"importance": "moderate", "wants_integration": False},
        "preferences": [
            pref("therapist_gender", "male", "mild"),
            pref("language", "en-GB", "mild"),
            pref("treatment_type", "psychodynamic therapy", "moderate"),
            pref("warm_support", "warm_support", "strong"),
            pref("session_frequency", "fortnightly", "strong"),
        ],
    },
    "seeker_low_importance": {
        "religion_spirituality": {"importance": "low", "wants_integration": True},
        "attachment": {"anxiety": 2.0, "avoidance": 5.5},
        "expectations": {"outcome": "moderate"},
        "stage_of_change": "maintenance",
        "coping_style": "mixed",
        "preferences": [pref("directiveness", "therapist_directed", "moderate")],
    },
    "secure_contemplator": {
        "attachment": {"anxiety": 2.0, "avoidance": 2.5},
        "stage_of_change": "contemplation",
        "reactance": "moderate",
        "coping_style": "internalizing",
        "functional_impairment": "moderate",
        "preferences": [pref("emotional_intensity", "reserve", "strong")],
    },
}
