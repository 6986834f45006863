"""A dimension given as {instrument, answers} is scored by attunement.instruments."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from attunement import instruments
from attunement.errors import InvalidProfile
from attunement.profile import parse_profile

DAY = date(2024, 5, 2)

# C-NIP answers run +3..-3 (Cooper & Norcross 2016); + is the first-named pole.
CNIP_CLIENT_DIRECTED = [-3, -3, -3, -3, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def _error(data: dict[str, Any]) -> InvalidProfile:
    with pytest.raises(InvalidProfile) as caught:
        parse_profile(data, assessed_on=DAY)
    return caught.value


def test_a_reactance_rating_form_is_scored_into_the_reactance_dimension() -> None:
    profile = parse_profile(
        {"reactance": {"instrument": "reactance_rating", "answers": [1, 1, 1, 1, 3]}},
        assessed_on=DAY,
    )
    assert profile.reactance is not None
    assert profile.reactance.value == "high"
    provenance = profile.reactance.provenance
    assert provenance.source == "instrument"
    assert provenance.instrument == "reactance_rating"
    assert provenance.version == instruments.load_instrument("reactance_rating").version
    assert provenance.assessed_on == DAY


def test_the_administration_may_carry_its_own_date() -> None:
    profile = parse_profile(
        {
            "stage_of_change": {
                "instrument": "readiness_ruler",
                "answers": [8],
                "assessed_on": "2024-04-01",
            }
        },
        assessed_on=DAY,
    )
    assert profile.stage_of_change is not None
    assert profile.stage_of_change.provenance.assessed_on == date(2024, 4, 1)


def test_ecr_r_answers_give_attachment_means_with_instrument_provenance() -> None:
    profile = parse_profile({"attachment": {"instrument": "ecr_r", "answers": [5] * 36}})
    assert profile.attachment is not None
    assert profile.attachment.anxiety is not None
    assert 1 <= profile.attachment.anxiety <= 7
    assert profile.attachment.avoidance is not None
    assert profile.attachment.provenance.instrument == "ecr_r"


def test_cnip_answers_become_preferences_beside_stated_ones() -> None:
    profile = parse_profile(
        {
            "preferences": [
                {"instrument": "cnip", "answers": CNIP_CLIENT_DIRECTED},
                {"aspect": "therapist_gender", "value": "female", "strength": "strong"},
            ]
        }
    )
    by_aspect = {p.aspect: p for p in profile.preferences}
    assert by_aspect["directiveness"].value == "client_directed"
    assert by_aspect["directiveness"].strength == "strong"
    assert by_aspect["directiveness"].provenance.instrument == "cnip"
    assert by_aspect["therapist_gender"].provenance.source == "stated"


def test_cnip_may_be_given_as_the_whole_preferences_entry() -> None:
    profile = parse_profile(
        {"preferences": {"instrument": "cnip", "answers": CNIP_CLIENT_DIRECTED}}
    )
    assert [p.aspect for p in profile.preferences] == ["directiveness"]


def test_a_cnip_preference_and_a_contradicting_stated_one_must_be_reconciled() -> None:
    error = _error(
        {
            "preferences": [
                {"instrument": "cnip", "answers": CNIP_CLIENT_DIRECTED},
                {"aspect": "directiveness", "value": "therapist_directed", "strength": "mild"},
            ]
        }
    )
    assert error.field == "preferences[1].aspect"


def test_ceq_answers_give_expectations() -> None:
    profile = parse_profile({"expectations": {"instrument": "ceq", "answers": [5, 5, 5, 5, 5, 5]}})
    assert profile.expectations is not None
    assert profile.expectations.outcome in ("low", "moderate", "high")
    assert profile.expectations.credibility in ("low", "moderate", "high")


def test_an_answer_out_of_range_names_the_profile_field_and_the_item() -> None:
    error = _error({"reactance": {"instrument": "reactance_rating", "answers": [1, 1, 1, 1, 9]}})
    assert error.field.startswith("reactance.answers")
    assert "reactance_rating_overall" in error.field
    assert error.value == 9


def test_an_instrument_for_another_dimension_is_refused_saying_what_it_gives() -> None:
    error = _error({"reactance": {"instrument": "readiness_ruler", "answers": [5]}})
    assert error.field == "reactance.instrument"
    assert "stage_of_change" in error.allowed


def test_an_unknown_instrument_lists_the_known_ones() -> None:
    error = _error({"distress": {"instrument": "bdi2", "answers": [1]}})
    assert error.field == "distress.instrument"
    assert "phq9" in error.allowed


def test_an_administration_too_incomplete_to_score_is_refused() -> None:
    error = _error({"attachment": {"instrument": "ecr_r", "answers": [None] * 36}})
    assert error.field == "attachment.answers"
    assert "score" in error.allowed


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"instrument": "ecr_r", "answers": "5,5,5"}, "attachment.answers"),
        ({"instrument": "ecr_r", "answers": [5, "x"]}, "attachment.answers[1]"),
        ({"instrument": "ecr_r", "answers": [5], "when": "today"}, "attachment.when"),
        ({"instrument": 7, "answers": [5]}, "attachment.instrument"),
    ],
)
def test_a_malformed_administration_names_the_field(entry: dict[str, Any], field: str) -> None:
    assert _error({"attachment": entry}).field == field


def test_flags_raised_while_scoring_are_kept_on_the_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The packaged PHQ-9 gives no profile value yet; pretend it maps to distress to check
    # that its item-9 risk flag travels with the profile.
    original = instruments.to_profile_values

    def with_distress(score: Any, **kwargs: Any) -> dict[str, Any]:
        values = original(score, **kwargs)
        if score.instrument == "phq9":
            values["distress"] = "high"
        return values

    monkeypatch.setattr(instruments, "to_profile_values", with_distress)
    profile = parse_profile(
        {"distress": {"instrument": "phq9", "answers": [3, 3, 3, 3, 3, 3, 3, 3, 2]}}
    )
    assert profile.distress is not None
    assert profile.distress.value == "high"
    assert any(f.severity == "critical" and f.instrument == "phq9" for f in profile.flags)
    assert profile.flags[0].dimension == "distress"
