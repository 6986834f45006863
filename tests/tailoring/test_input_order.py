"""The plan is a function of the sets of preferences and flags, not of the order they come in.

Regression for the CI failure of
``test_the_plan_does_not_depend_on_the_order_preferences_are_listed``: with high functional
impairment, the tension ``brief_preference_with_high_impairment`` matches two strong
preferences (fortnightly sessions, brief treatment), and its ``because`` listed them in the
order the patient's list gave. Moving one preference to the end changed the plan.
"""

from __future__ import annotations

from itertools import permutations
from typing import Any

import pytest

from attunement.profile import ProfileFlag
from attunement.tailoring import Plan, plan
from tests.tailoring.vignettes import plan_for, pref, profile_for

#: The six preferences of the CI failure, session frequency first.
CI_PREFERENCES = [
    pref("session_frequency", "fortnightly", "strong"),
    pref("directiveness", "therapist_directed", "mild"),
    pref("emotional_intensity", "intensity", "mild"),
    pref("format", "individual", "mild"),
    pref("language", "en", "mild"),
    pref("treatment_length", "brief", "strong"),
]

#: The rest of the profile: high impairment makes the brief-preference tension hold; the
#: reactance and stage add the directiveness conflict listed before it.
CI_PROFILES: dict[str, dict[str, Any]] = {
    "preferences_only": {},
    "high_impairment": {"functional_impairment": "high"},
    "high_impairment_reactance_and_stage": {
        "functional_impairment": "high",
        "reactance": "low",
        "stage_of_change": "action",
    },
}


def _plan_with(rest: dict[str, Any], preferences: list[dict[str, str]]) -> Plan:
    return plan_for({**rest, "preferences": preferences})


@pytest.mark.parametrize("rest", CI_PROFILES.values(), ids=list(CI_PROFILES))
def test_moving_the_first_preference_to_the_end_leaves_the_plan_unchanged(
    rest: dict[str, Any],
) -> None:
    moved = [*CI_PREFERENCES[1:], CI_PREFERENCES[0]]
    assert _plan_with(rest, moved) == _plan_with(rest, CI_PREFERENCES)


def test_the_brief_preference_tension_cites_both_preferences_in_one_order() -> None:
    rest = CI_PROFILES["high_impairment"]
    tensions = [
        [
            c
            for c in _plan_with(rest, list(order)).conflicts
            if c.id == "brief_preference_with_high_impairment"
        ]
        for order in permutations(
            [CI_PREFERENCES[0], CI_PREFERENCES[5], pref("format", "video", "strong")]
        )
    ]
    assert all(len(found) == 1 for found in tensions)
    assert all(found == tensions[0] for found in tensions)
    fields = [f.field for f in tensions[0][0].because]
    assert fields == [
        "functional_impairment",
        "preferences.session_frequency",
        "preferences.treatment_length",
    ]


def test_several_values_of_one_aspect_give_one_plan_whatever_their_order() -> None:
    # format and treatment_type take several values; each value fires its own rule, and
    # the firings must not fall back on the listing order to break a tie.
    listed = [
        pref("format", "video", "strong"),
        pref("format", "individual", "strong"),
        pref("treatment_type", "same as mine", "strong"),
        pref("treatment_type", "psychodynamic", "strong"),
        pref("treatment_type", "CBT", "mild"),
    ]
    rest = {"functional_impairment": "high", "distress": "high"}
    first = _plan_with(rest, listed)
    for order in permutations(listed):
        assert _plan_with(rest, list(order)) == first


def _risk_flag(instrument: str, item: str, kind: str) -> ProfileFlag:
    return ProfileFlag(
        id=f"{item}_risk",
        severity="critical" if kind == "endorsed" else "warning",
        dimension="distress",
        instrument=instrument,
        item=item,
        message=f"synthetic {kind} risk flag on {item}",
        kind=kind,  # type: ignore[arg-type]
        answer=2.0 if kind == "endorsed" else None,
    )


def test_the_safety_item_and_flags_do_not_depend_on_the_order_of_the_flags() -> None:
    # A stored profile may carry flags from more than one questionnaire (two risk items).
    profile = profile_for({"distress": "low", "preferences": CI_PREFERENCES})
    flags = [
        _risk_flag("phq9", "phq9_9", "endorsed"),
        _risk_flag("core10", "core10_6", "endorsed"),
        _risk_flag("phq9", "phq9_9", "unanswered"),  # the same id as the endorsed one
    ]
    first = plan(profile.model_copy(update={"flags": tuple(flags)}))
    assert first.safety
    for order in permutations(flags):
        assert plan(profile.model_copy(update={"flags": order})) == first
