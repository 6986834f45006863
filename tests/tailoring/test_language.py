"""The preferred language: honoured whether or not cultural adaptation is wanted, offered only
when it differs from the clinic's (issues 11 and 16). Synthetic patients only."""

from __future__ import annotations

import pytest

from attunement.errors import InputError
from attunement.tailoring import Plan, plan
from tests.tailoring.vignettes import plan_for, pref, profile_for, rules_of


def _language_offers(result: Plan) -> list[str]:
    return [
        r.summary
        for r in result.recommendations
        if "language" in r.rule or "language" in r.summary.lower()
    ]


@pytest.mark.parametrize("wants_adaptation", [True, False, None])
def test_a_spanish_speaker_is_offered_spanish_whatever_they_say_about_adaptation(
    wants_adaptation: bool | None,
) -> None:
    culture = {"preferred_language": "es"}
    if wants_adaptation is not None:
        culture["wants_adaptation"] = wants_adaptation  # type: ignore[assignment]
    offers = _language_offers(plan_for({"culture": culture}))
    assert len(offers) == 1
    assert "(Spanish)" in offers[0]  # the language by its name, never its tag


def test_declining_adaptation_gets_the_language_as_an_accommodation_not_as_adaptation() -> None:
    result = plan_for({"culture": {"preferred_language": "es", "wants_adaptation": False}})
    offer = next(r for r in result.recommendations if "language" in r.rule)
    assert offer.rule == "culture_preferred_language_adaptation_declined"
    assert any("questionnaires" in d for d in offer.do)
    assert "culture_adaptation_wanted" not in rules_of(result)
    assert "(English)" in offer.detail  # the clinic's language, said plainly


@pytest.mark.parametrize("language", ["en", "en-GB", "EN-us"])
@pytest.mark.parametrize("wants_adaptation", [True, False])
def test_an_english_patient_in_an_english_clinic_is_not_offered_english(
    language: str, wants_adaptation: bool
) -> None:
    result = plan_for(
        {"culture": {"preferred_language": language, "wants_adaptation": wants_adaptation}}
    )
    assert _language_offers(result) == []
    assert "preferred language" not in " ".join(r.summary for r in result.recommendations)


@pytest.mark.parametrize("strength", ["mild", "strong"])
def test_a_language_preference_the_clinic_already_meets_gives_no_recommendation(
    strength: str,
) -> None:
    assert rules_of(plan_for({"preferences": [pref("language", "en-GB", strength)]})) == []


def test_the_clinic_language_is_an_argument_of_the_plan() -> None:
    profile = profile_for(
        {
            "culture": {"preferred_language": "es-MX", "wants_adaptation": True},
            "preferences": [pref("language", "es", "strong")],
        }
    )
    in_spanish = plan(profile, clinic_language="es")
    assert rules_of(in_spanish) == ["culture_adaptation_wanted"]
    in_english = plan(profile)
    assert {"culture_preferred_language", "preference_language_strong"} <= set(rules_of(in_english))


def test_a_clinic_language_that_is_not_a_language_tag_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        plan(profile_for({}), clinic_language="english")
    assert caught.value.field == "clinic_language"
    assert "BCP 47" in caught.value.allowed
