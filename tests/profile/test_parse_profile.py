"""parse_profile: the issue's file shape, provenance on every value, errors that name the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError, InvalidProfile
from attunement.profile import (
    DIMENSIONS,
    PREFERENCE_ASPECTS,
    Profile,
    canonical_language_tag,
    parse_profile,
)

DAY = date(2024, 5, 2)

FULL_PROFILE: dict[str, Any] = {
    "reactance": "high",
    "stage_of_change": "contemplation",
    "coping_style": "internalizing",
    "preferences": [
        {"aspect": "therapist_gender", "value": "female", "strength": "strong"},
        {"aspect": "language", "value": "es", "strength": "moderate"},
    ],
    "culture": {"preferred_language": "es-MX", "identity": "Mexican", "wants_adaptation": True},
    "religion_spirituality": {"importance": "high", "wants_integration": True},
    "attachment": {"anxiety": 4.2, "avoidance": 3.1},
    "expectations": {"outcome": "low", "credibility": "moderate"},
    "functional_impairment": "moderate",
    "distress": "high",
}


def _error(data: Any, **kwargs: Any) -> InvalidProfile:
    with pytest.raises(InvalidProfile) as caught:
        parse_profile(data, **kwargs)
    return caught.value


# --------------------------------------------------------------------------- accepted shapes


def test_the_issue_file_shape_parses_on_every_dimension() -> None:
    profile = parse_profile(FULL_PROFILE, assessed_on=DAY)
    assert profile.reactance is not None
    assert profile.reactance.value == "high"
    assert profile.stage_of_change is not None
    assert profile.stage_of_change.value == "contemplation"
    assert profile.coping_style is not None
    assert profile.coping_style.value == "internalizing"
    assert [p.aspect for p in profile.preferences] == ["therapist_gender", "language"]
    assert profile.culture is not None
    assert profile.culture.wants_adaptation is True
    assert profile.religion_spirituality is not None
    assert profile.religion_spirituality.importance == "high"
    assert profile.attachment is not None
    assert profile.attachment.anxiety == 4.2
    assert profile.expectations is not None
    assert profile.expectations.outcome == "low"
    assert profile.functional_impairment is not None
    assert profile.distress is not None
    assert profile.distress.value == "high"
    assert all(profile.is_assessed(d) for d in DIMENSIONS)


def test_every_field_is_optional_and_an_empty_profile_is_valid() -> None:
    profile = parse_profile({})
    assert profile == Profile()
    assert not any(profile.is_assessed(d) for d in DIMENSIONS)


def test_a_null_dimension_counts_as_not_assessed() -> None:
    assert parse_profile({"reactance": None}).reactance is None


def test_plain_values_get_a_default_source_and_the_given_date() -> None:
    profile = parse_profile(FULL_PROFILE, assessed_on=DAY)
    assert profile.reactance is not None
    assert profile.reactance.provenance.source == "clinician_rating"
    assert profile.reactance.provenance.assessed_on == DAY
    assert profile.preferences[0].provenance.source == "stated"
    assert profile.culture is not None
    assert profile.culture.provenance.source == "stated"
    assert profile.expectations is not None
    assert profile.expectations.provenance.source == "stated"


def test_a_value_may_carry_its_own_provenance_and_date() -> None:
    profile = parse_profile(
        {
            "reactance": {
                "value": "low",
                "source": "instrument",
                "instrument": "hprs",
                "version": "1.0",
                "assessed_on": "2024-03-01",
            },
            "stage_of_change": {"value": "action", "source": "stated"},
        },
        assessed_on=DAY,
    )
    assert profile.reactance is not None
    provenance = profile.reactance.provenance
    assert (provenance.source, provenance.instrument, provenance.version) == (
        "instrument",
        "hprs",
        "1.0",
    )
    assert provenance.assessed_on == date(2024, 3, 1)
    assert profile.stage_of_change is not None
    assert profile.stage_of_change.provenance.source == "stated"
    assert profile.stage_of_change.provenance.assessed_on == DAY


def test_naming_an_instrument_implies_an_instrument_source() -> None:
    profile = parse_profile({"attachment": {"anxiety": 5.0, "instrument": "ecr_r"}})
    assert profile.attachment is not None
    assert profile.attachment.provenance.source == "instrument"
    assert profile.attachment.provenance.instrument == "ecr_r"


def test_the_file_level_date_applies_unless_a_value_has_its_own() -> None:
    profile = parse_profile(
        {
            "assessed_on": "2024-01-10",
            "reactance": "high",
            "distress": {"value": "low", "assessed_on": DAY},
        },
        assessed_on=date(2023, 1, 1),
    )
    assert profile.reactance is not None
    assert profile.distress is not None
    assert profile.reactance.provenance.assessed_on == date(2024, 1, 10)
    assert profile.distress.provenance.assessed_on == DAY


def test_without_any_date_the_provenance_says_so_rather_than_guessing_today() -> None:
    profile = parse_profile({"reactance": "high"})
    assert profile.reactance is not None
    assert profile.reactance.provenance.assessed_on is None


def test_language_tags_are_normalised_to_bcp47_case() -> None:
    profile = parse_profile(
        {
            "culture": {"preferred_language": "pt-br"},
            "preferences": [{"aspect": "language", "value": "ZH-hant-tw", "strength": "strong"}],
        }
    )
    assert profile.culture is not None
    assert profile.culture.preferred_language == "pt-BR"
    assert profile.preferences[0].value == "zh-Hant-TW"


@pytest.mark.parametrize("tag", ["en", "es-419", "sr-Latn-RS", "de-CH-1901", "yue", "x-private"])
def test_well_formed_language_tags_are_accepted(tag: str) -> None:
    assert canonical_language_tag(tag) is not None


@pytest.mark.parametrize("tag", ["english", "en_US", "e", "123", "es-", "-es", ""])
def test_malformed_language_tags_are_refused(tag: str) -> None:
    assert canonical_language_tag(tag) is None


def test_a_multiple_aspect_may_hold_several_values() -> None:
    profile = parse_profile(
        {
            "preferences": [
                {"aspect": "format", "value": "individual", "strength": "strong"},
                {"aspect": "format", "value": "video", "strength": "mild"},
            ]
        }
    )
    assert [p.value for p in profile.preferences] == ["individual", "video"]


@pytest.mark.parametrize(
    "aspect",
    [
        "therapist_gender",
        "therapist_ethnicity",
        "therapist_religion",
        "language",
        "treatment_type",
        "format",
        "session_frequency",
        "treatment_length",
        "directiveness",
        "emotional_intensity",
        "past_orientation",
        "warm_support",
    ],
)
def test_every_preference_aspect_of_the_issue_is_accepted(aspect: str) -> None:
    allowed = PREFERENCE_ASPECTS[aspect].values
    if isinstance(allowed, tuple):
        value = allowed[0]
    elif allowed == "bcp47":
        value = "fr"
    else:
        value = "in the patient's own words"
    profile = parse_profile(
        {"preferences": [{"aspect": aspect, "value": value, "strength": "mild"}]}
    )
    assert profile.preferences[0].aspect == aspect


# --------------------------------------------------------------------------- refused input


def test_an_attachment_anxiety_of_8_names_the_field_the_value_and_the_range() -> None:
    error = _error({"attachment": {"anxiety": 8}})
    assert error.field == "attachment.anxiety"
    assert error.value == 8
    assert "1 to 7" in error.allowed
    assert str(error) == "attachment.anxiety: 8 is not allowed; allowed: a number from 1 to 7"


def test_a_bad_strength_names_the_list_position() -> None:
    error = _error(
        {
            "preferences": [
                {"aspect": "format", "value": "group", "strength": "strong"},
                {"aspect": "format", "value": "video", "strength": "weak"},
            ]
        }
    )
    assert error.field == "preferences[1].strength"
    assert error.value == "weak"
    assert error.allowed == "mild, moderate, strong"


def test_an_unknown_dimension_is_refused_with_the_known_ones() -> None:
    error = _error({"mood": "low"})
    assert error.field == "mood"
    assert "reactance" in error.allowed
    assert "distress" in error.allowed


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reactance": 3}, "reactance"),
        ({"reactance": "very high"}, "reactance"),
        ({"stage_of_change": "ready"}, "stage_of_change"),
        ({"coping_style": ["internalizing"]}, "coping_style"),
        ({"functional_impairment": "severe"}, "functional_impairment"),
        ({"distress": True}, "distress"),
        ({"attachment": {"anxiety": True}}, "attachment.anxiety"),
        ({"attachment": {"avoidance": 0.5}}, "attachment.avoidance"),
        ({"attachment": {"anxiety": "4"}}, "attachment.anxiety"),
        ({"attachment": {"anxiety": float("nan")}}, "attachment.anxiety"),
        ({"attachment": 4.2}, "attachment"),
        ({"attachment": {}}, "attachment"),
        ({"culture": {"wants_adaptation": "yes"}}, "culture.wants_adaptation"),
        ({"culture": {"preferred_language": "english"}}, "culture.preferred_language"),
        ({"culture": {"identity": "  "}}, "culture.identity"),
        ({"culture": {"dialect": "x"}}, "culture.dialect"),
        ({"religion_spirituality": {"importance": "very"}}, "religion_spirituality.importance"),
        ({"expectations": {"outcome": "none"}}, "expectations.outcome"),
        ({"reactance": {"value": "high", "note": "x"}}, "reactance.note"),
        ({"reactance": {"source": "clinician_rating"}}, "reactance.value"),
        ({"reactance": {"value": "high", "source": "guess"}}, "reactance.source"),
        ({"reactance": {"value": "high", "source": "instrument"}}, "reactance.instrument"),
        (
            {"reactance": {"value": "high", "source": "stated", "instrument": "trs"}},
            "reactance.instrument",
        ),
        ({"reactance": {"value": "high", "version": "2"}}, "reactance.version"),
        ({"reactance": {"value": "high", "assessed_on": "yesterday"}}, "reactance.assessed_on"),
        ({"assessed_on": "02/05/2024"}, "assessed_on"),
        ({"assessed_on": datetime(2024, 5, 2, 10, 0)}, "assessed_on"),
        ({"preferences": {"aspect": "format"}}, "preferences"),
        ({"preferences": "strong"}, "preferences"),
        ({"preferences": ["video"]}, "preferences[0]"),
        (
            {"preferences": [{"aspect": "colour", "value": "x", "strength": "mild"}]},
            "preferences[0].aspect",
        ),
        (
            {"preferences": [{"aspect": "format", "value": "radio", "strength": "mild"}]},
            "preferences[0].value",
        ),
        ({"preferences": [{"aspect": "format", "value": "video"}]}, "preferences[0].strength"),
        (
            {"preferences": [{"aspect": "language", "value": "Spanish", "strength": "mild"}]},
            "preferences[0].value",
        ),
        (
            {
                "preferences": [
                    {"aspect": "format", "value": "video", "strength": "mild", "why": "x"}
                ]
            },
            "preferences[0].why",
        ),
    ],
)
def test_bad_input_names_the_dotted_field(data: dict[str, Any], field: str) -> None:
    error = _error(data)
    assert error.field == field
    assert error.allowed  # always says what is allowed


def test_a_profile_that_is_not_a_mapping_is_refused() -> None:
    error = _error(["reactance", "high"])  # type: ignore[arg-type]
    assert error.field == "profile"


def test_two_values_for_a_single_valued_aspect_must_be_resolved_with_the_patient() -> None:
    error = _error(
        {
            "preferences": [
                {"aspect": "therapist_gender", "value": "female", "strength": "strong"},
                {"aspect": "therapist_gender", "value": "male", "strength": "mild"},
            ]
        }
    )
    assert error.field == "preferences[1].aspect"
    assert "preferences[0]" in error.allowed


def test_the_same_preference_twice_is_refused() -> None:
    error = _error(
        {
            "preferences": [
                {"aspect": "format", "value": "video", "strength": "strong"},
                {"aspect": "format", "value": "Video", "strength": "mild"},
            ]
        }
    )
    assert error.field == "preferences[1].value"


@pytest.mark.parametrize(
    "spelled",
    ["same-as-mine", "Same_As_Mine", "same  as mine", "same as mine.", "ｓａｍｅ ａｓ ｍｉｎｅ"],
)
def test_one_free_text_preference_spelled_two_ways_is_the_same_preference_twice(
    spelled: str,
) -> None:
    # Case, separators, punctuation and width do not make another treatment type.
    error = _error(
        {
            "preferences": [
                {"aspect": "treatment_type", "value": "same as mine", "strength": "strong"},
                {"aspect": "treatment_type", "value": spelled, "strength": "strong"},
            ]
        }
    )
    assert error.field == "preferences[1].value"
    assert "preferences[0]" in error.allowed


@pytest.mark.parametrize("value", ["?", "--", "…"])
def test_a_free_text_preference_without_a_letter_or_digit_is_refused(value: str) -> None:
    error = _error(
        {"preferences": [{"aspect": "treatment_type", "value": value, "strength": "strong"}]}
    )
    assert error.field == "preferences[0].value"


def test_invalid_profile_is_an_input_error_so_every_adapter_maps_it() -> None:
    assert issubclass(InvalidProfile, InputError)


@given(st.floats(min_value=1.0, max_value=7.0))
def test_any_attachment_mean_on_the_scale_is_accepted(value: float) -> None:
    profile = parse_profile({"attachment": {"anxiety": value, "avoidance": value}})
    assert profile.attachment is not None
    assert profile.attachment.anxiety == value


@given(
    st.one_of(
        st.floats(max_value=0.999999, allow_nan=False, allow_infinity=True),
        st.floats(min_value=7.000001, allow_nan=False, allow_infinity=True),
    )
)
def test_any_attachment_mean_off_the_scale_is_refused_naming_it(value: float) -> None:
    error = _error({"attachment": {"avoidance": value}})
    assert error.field == "attachment.avoidance"
