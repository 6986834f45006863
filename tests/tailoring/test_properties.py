"""Properties of plan() over generated (synthetic) profiles."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import example, given, reject, settings
from hypothesis import strategies as st

from attunement.errors import InvalidProfile
from attunement.evidence import load_evidence
from attunement.profile import DIMENSIONS, PREFERENCE_ASPECTS, STRENGTHS, Profile, parse_profile
from attunement.tailoring import Plan, plan

LEVELS = ("low", "moderate", "high")
ORDER = {"low": 0, "moderate": 1, "high": 2}
FOUNDATIONS = {
    "foundation_goal_task_agreement",
    "foundation_empathy",
    "foundation_positive_regard",
    "foundation_routine_feedback",
}


FREE_TEXT = st.sampled_from(["same as mine", "Christian", "CBT", "Black"])
#: Free text as patients and clinicians write it: other spellings of one value (case,
#: separators, punctuation, width), other scripts, and words of any letters.
ANY_FREE_TEXT = st.one_of(
    st.sampled_from(
        ["same as mine", "same-as-mine", "Same_As_Mine", "ＣＢＴ", "CBT", "C.B.T.", "C++", "C"]
    ),
    st.sampled_from(["認知行動療法", "精神分析", "thérapie brève", "thérapie longue"]),
    st.text(st.sampled_from("aAbé認 -_.+"), min_size=1, max_size=6),
)


def _preference_value(aspect: str, free_text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    values = PREFERENCE_ASPECTS[aspect].values
    if isinstance(values, tuple):
        return st.sampled_from(values)
    if values == "bcp47":
        return st.sampled_from(["en", "es", "pt-BR", "zh-Hant"])
    return free_text


@st.composite
def _preferences(
    draw: st.DrawFn, free_text: st.SearchStrategy[str] = FREE_TEXT
) -> list[dict[str, str]]:
    """Up to six aspects; an aspect that takes several values (format, type) gets one or two."""
    aspects = draw(st.lists(st.sampled_from(sorted(PREFERENCE_ASPECTS)), unique=True, max_size=6))
    return [
        {"aspect": a, "value": value, "strength": draw(st.sampled_from(STRENGTHS))}
        for a in aspects
        for value in draw(
            st.lists(
                _preference_value(a, free_text),
                min_size=1,
                max_size=2 if PREFERENCE_ASPECTS[a].multiple else 1,
                unique_by=str.casefold,
            )
        )
    ]


_attachment_mean = st.floats(min_value=1.0, max_value=7.0).map(lambda x: round(x, 2))

PROFILE_DATA = st.fixed_dictionaries(
    {},
    optional={
        "reactance": st.sampled_from(LEVELS),
        "stage_of_change": st.sampled_from(
            ["precontemplation", "contemplation", "preparation", "action", "maintenance"]
        ),
        "coping_style": st.sampled_from(["internalizing", "externalizing", "mixed"]),
        "preferences": _preferences(),
        "culture": st.fixed_dictionaries(
            {"wants_adaptation": st.booleans()},
            optional={"preferred_language": st.sampled_from(["es", "ar", "en-GB"])},
        ),
        "religion_spirituality": st.fixed_dictionaries(
            {},
            optional={
                "importance": st.sampled_from(["none", "low", "moderate", "high"]),
                "wants_integration": st.booleans(),
            },
        ).filter(bool),
        "attachment": st.fixed_dictionaries(
            {}, optional={"anxiety": _attachment_mean, "avoidance": _attachment_mean}
        ).filter(bool),
        "expectations": st.fixed_dictionaries(
            {},
            optional={"outcome": st.sampled_from(LEVELS), "credibility": st.sampled_from(LEVELS)},
        ).filter(bool),
        "functional_impairment": st.sampled_from(LEVELS),
        "distress": st.sampled_from(LEVELS),
    },
)


def _plan(data: dict[str, Any]) -> Plan:
    return plan(parse_profile(data))


@settings(max_examples=150, deadline=None)
@given(PROFILE_DATA)
def test_raising_reactance_never_raises_directiveness(data: dict[str, Any]) -> None:
    levels = [ORDER[_plan({**data, "reactance": r}).directiveness] for r in LEVELS]
    assert levels == sorted(levels, reverse=True), levels


@settings(max_examples=150, deadline=None)
@given(PROFILE_DATA)
def test_every_plan_has_the_relationship_foundations_with_evidence(data: dict[str, Any]) -> None:
    result = _plan(data)
    assert {r.rule for r in result.foundations} == FOUNDATIONS
    assert all(r.evidence for r in result.foundations)


@settings(max_examples=100, deadline=None)
@given(PROFILE_DATA)
def test_the_plan_is_deterministic(data: dict[str, Any]) -> None:
    first = _plan(data)
    assert _plan(data) == first
    assert plan(Profile.model_validate(parse_profile(data).model_dump())) == first


#: The CI failure: high impairment makes the brief-preference tension cite two strong
#: preferences; ``Random(2)`` moves session frequency (listed first) to the end.
CI_ORDER_CASE = {
    "functional_impairment": "high",
    "preferences": [
        {"aspect": "session_frequency", "value": "fortnightly", "strength": "strong"},
        {"aspect": "directiveness", "value": "therapist_directed", "strength": "mild"},
        {"aspect": "emotional_intensity", "value": "intensity", "strength": "mild"},
        {"aspect": "format", "value": "individual", "strength": "mild"},
        {"aspect": "language", "value": "en", "strength": "mild"},
        {"aspect": "treatment_length", "value": "brief", "strength": "strong"},
    ],
}


@settings(max_examples=100, deadline=None)
@given(PROFILE_DATA, st.randoms(use_true_random=False))
@example(CI_ORDER_CASE, random.Random(2))
@example({**CI_ORDER_CASE, "reactance": "low", "stage_of_change": "action"}, random.Random(2))
def test_the_plan_does_not_depend_on_the_order_preferences_are_listed(
    data: dict[str, Any], rng: Any
) -> None:
    preferences = list(data.get("preferences", []))
    shuffled = preferences[:]
    rng.shuffle(shuffled)
    first = _plan({**data, "preferences": preferences})
    second = _plan({**data, "preferences": shuffled})
    assert first == second


@settings(max_examples=150, deadline=None)
@given(PROFILE_DATA)
def test_every_recommendation_rests_on_patient_facts_and_existing_evidence(
    data: dict[str, Any],
) -> None:
    profile = parse_profile(data)
    result = plan(profile)
    evidence = load_evidence()
    for recommendation in (*result.foundations, *result.recommendations):
        assert recommendation.evidence
        for citation in recommendation.evidence:
            assert citation.element in evidence.ids
        if recommendation.dimension != "relationship":
            assert recommendation.because
    for recommendation in result.recommendations:
        for fact in recommendation.because:
            if fact.field.startswith("preferences."):
                assert any(
                    p.aspect == fact.field.split(".", 1)[1] and p.value == fact.value
                    for p in profile.preferences
                )
            else:
                found = profile.value_at(fact.field)
                assert found is not None
                assert found[0] == fact.value


@settings(max_examples=100, deadline=None)
@given(PROFILE_DATA)
def test_priorities_run_from_one_without_gaps(data: dict[str, Any]) -> None:
    result = _plan(data)
    assert [r.priority for r in result.recommendations] == list(
        range(1, len(result.recommendations) + 1)
    )
    assert [r.priority for r in result.foundations] == [1, 2, 3, 4]


@settings(max_examples=100, deadline=None)
@given(PROFILE_DATA)
def test_not_assessed_lists_exactly_the_missing_dimensions(data: dict[str, Any]) -> None:
    result = _plan(data)
    listed = {n.field for n in result.not_assessed if "." not in n.field}
    assert listed == {d for d in DIMENSIONS if not data.get(d)}  # [] preferences: none known


@settings(max_examples=100, deadline=None)
@given(PROFILE_DATA)
def test_the_json_form_round_trips(data: dict[str, Any]) -> None:
    result = _plan(data)
    assert Plan.model_validate(result.model_dump(mode="json")) == result


@settings(max_examples=200, deadline=None)
@given(PROFILE_DATA, _preferences(free_text=ANY_FREE_TEXT))
def test_no_two_recommendations_of_a_plan_share_an_id(
    data: dict[str, Any], preferences: list[dict[str, str]]
) -> None:
    try:
        profile = parse_profile({**data, "preferences": preferences})
    except InvalidProfile:
        reject()  # the same preference twice (however spelled): the parser asks which holds
    result = plan(profile)
    ids = [r.id for r in (*result.foundations, *result.recommendations)]
    assert len(ids) == len(set(ids)), ids
